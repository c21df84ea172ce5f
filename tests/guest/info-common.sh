# `iomem-walk info` against a booted guest, checked against the guest's own
# statement of its layout (its kallsyms, /proc/kcore and VMCOREINFO, as
# captured by the rig).  Sourced after lib.sh.
# shellcheck shell=bash

IOW=${top_builddir:-.}/iomem-walk

# layout NAME: a value from the guest's own /proc/kcore
layout() { awk -v n="$1" '$1 == n { print $2 }' "$TRUTH/kcore_layout"; }
same() { # same WHAT GOT WANT: numeric equality of two hex/decimal numbers
	if [ -n "$2" ] && [ -n "$3" ] && [ $(($2)) -eq $(($3)) ]; then pass "$1 ($2)"; else fail "$1: got '$2', the guest says '$3'"; fi
}

info_test() { # SERIES [boot-guest options]
	local series=$1 json
	shift
	need jq
	boot "$series" --series "$series" "$@"
	json=$("$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" --json --stats info 2>"$RUN/info.err")
	echo "$json"
	cat "$RUN/info.err"
	check "info --json is valid JSON" jq -e . <<<"$json"
	same "KASLR offset" "$(jq -r .kaslr_offset <<<"$json")" "$IOW_KASLR_OFFSET"
	same "phys_base" "$(jq -r .phys_base <<<"$json")" "$(layout phys_base)"
	check "phys_base_signed and the text show phys_base with its sign" \
		phys_base_signed_ok "$(jq -r .phys_base_signed <<<"$json")" "$(layout phys_base)"
	same "page_offset_base" "$(jq -r .page_offset_base <<<"$json")" "$(layout page_offset_base)"
	same "vmalloc_base" "$(jq -r .vmalloc_base <<<"$json")" "$(layout vmalloc_base)"
	same "vmemmap_base" "$(jq -r .vmemmap_base <<<"$json")" "$(layout vmemmap_base)"
	same "paging levels" "$(jq -r .paging_levels <<<"$json")" "$(($(layout pgtable_l5) ? 5 : 4))"
	check "release is the guest's own" test "$(jq -r .release <<<"$json")" = "$(cat "$TRUTH/release")"
	check "the build ID matches" test "$(jq -r .build_id_matches <<<"$json")" = true
	check "the RAM ranges cover the guest's System RAM" ram_ok "$json"
	check "--stats counts round trips" grep -qE 'stats: [1-9][0-9]* round trips' "$RUN/info.err"
}

# phys_base_signed SIGNED TRUTH: the guest's phys_base (kcore-layout prints
# it as 64-bit two's complement, which bash reads back signed) with its
# sign; and so in info's text, with a word on what a negative one means.
# KASLR draws the sign: the log says which one this boot had.
phys_base_signed_ok() {
	local got=$1 want=$(($2)) text
	text=$("$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" info | grep '^phys_base ')
	echo "the guest's phys_base: $2 ($want); JSON: $got; text: $text"
	if [ "$want" -lt 0 ]; then
		[[ $got == -0x* ]] && [ $((${got#-})) -eq $((-want)) ] &&
			[[ $text =~ ^phys_base\ +$got\ \(negative:\ .*\ ${got#-}\ lower\  ]]
	else
		[[ $got == 0x* ]] && [ $((got)) -eq "$want" ] && [[ $text =~ ^phys_base\ +$got$ ]]
	fi
}

# Every top-level "System RAM" range of the guest's /proc/iomem lies in the
# RAM that info found.
ram_ok() {
	local s e ok=0
	while read -r s e; do
		in_ram "$1" "$s" "$e" || { echo "System RAM $s-$e is not in info's RAM"; ok=1; }
	done < <(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/0x\1 0x\2/p' "$TRUTH/iomem")
	return $ok
}
in_ram() { # JSON START END(inclusive)
	local rs re
	while read -r rs re; do
		[ $(($2)) -ge $((rs)) ] && [ $(($3)) -lt $((re)) ] && return 0
	done < <(jq -r '.ram[] | "\(.start) \(.end)"' <<<"$1")
	return 1
}

# The page-table walk finds, for every mapping the iowtest module made, the
# physical address the module mapped (its own record), and a huge leaf for
# its 2 MiB mappings; an unmapped address is reported as such.
translate_test() {
	local name req phys size virt resv json got psz err=0
	while read -r name req phys size virt resv; do
		json=$("$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" --json pte "$virt") ||
			{ echo "$name: pte $virt failed"; err=1; continue; }
		got=$(jq -r .phys <<<"$json")
		psz=$(jq -r .page_size <<<"$json")
		if [ "$got" = null ] || [ $((got)) -ne $((phys)) ]; then
			echo "$name: $virt translates to $got, the module mapped $phys"; err=1
		fi
		if [ $((size)) -eq $((0x200000)) ] && [ "$psz" != 2097152 ]; then
			echo "$name: a 2 MiB mapping with a $psz-byte leaf"; err=1
		fi
	done <"$TRUTH/iowtest"
	check "every iowtest mapping translates to its physical address" test $err -eq 0
	# The guard page after the first 2 MiB mapping is not mapped.
	virt=$(awk 'NR == 1 { print $5 }' "$TRUTH/iowtest")
	json=$("$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" --json pte $((virt + 0x200000)))
	check "a guard page is reported unmapped" test "$(jq -r .present <<<"$json")" = false
}

# A vmlinux of another kernel is refused, plainly.
wrong_vmlinux_test() { # OTHER_SERIES
	local other err rc=0
	other=$("$IOW_HARNESS/fetch-kernel" "$1")/vmlinux
	"$IOW" --target "$IOW_GDB" --vmlinux "$other" info >/dev/null 2>"$RUN/wrong.err" || rc=$?
	cat "$RUN/wrong.err"
	check "a wrong vmlinux exits with status 2" test $rc -eq 2
	check "a wrong vmlinux is named as not matching" grep -q 'does not match the running kernel' "$RUN/wrong.err"
}
