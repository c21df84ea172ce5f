# The tool against the arm64 rig's guests, inside the boots of
# rig-arm64-common.sh (one per CPU model and kernel series):
#   - proc iomem, ioports and vmallocinfo byte-identical to the guest's own
#     files, read by the guest at the same moment; the tree's JSON, vmap and
#     ioremap list the guest's resources and areas (walk-common.sh);
#   - info: KASLR from VBAR_EL1, the build ID, and the layout the guest's
#     own /proc/kcore states;
#   - the memory type, output address, page size, shareability and
#     permissions of every run `ioremap` prints, first and last page,
#     against the independent reader (tests/tools/arm64-ptwalk);
#   - the findings: iowtest's cacheable ioremaps of device memory and its
#     mismatched alias, nothing on the stock drivers, no PAT list;
#   - gdb-multiarch both ways in (the plugin spliced into its connection,
#     and load-plugin HOST:PORT);
#   - hostile tables, written into the stopped guest from GDB: a loop and a
#     table in device memory end with a message, and all is well once
#     restored.
# Sourced by rig-arm64-common.sh, after walk-common.sh.
# shellcheck shell=bash

# Absolute: GDB starts the relay from its own directory.
IOW=$(cd "${top_builddir:-.}" && pwd)/iomem-walk
GDB_SCRIPT=$(cd "${top_builddir:-.}" && pwd)/gdb-scripts/iomem-walk-uninstalled.gdb

# info against the guest's own statement of its layout (kcore_layout, the
# rig's module's reading of the system registers, the ELF notes).
arm64_info_ok() { # SERIES CPU
	local j err=0 levels=4 guest_id
	j=$(iow --json info) || return 1
	eq() {
		[ -n "$2" ] && [ "$2" != null ] && [ -n "$3" ] && [ $(($2)) -eq $(($3)) ] ||
			{ echo "$1: the tool says '$2', the guest '$3'"; err=1; }
	}
	eq "KASLR offset" "$(jq -r .kaslr_offset <<<"$j")" "$IOW_KASLR_OFFSET"
	[ "$(jq -r .kaslr_source <<<"$j")" = VBAR_EL1 ] || { echo "KASLR not from VBAR_EL1"; err=1; }
	eq kimage_voffset "$(jq -r .kimage_voffset <<<"$j")" "$(layout kimage_voffset)"
	eq PHYS_OFFSET "$(jq -r .phys_offset <<<"$j")" "$(layout phys_offset)"
	eq "the linear map's offset" "$(jq -r .page_offset_base <<<"$j")" "$(layout linear_offset)"
	eq VMALLOC_START "$(jq -r .vmalloc_base <<<"$j")" "$(layout vmalloc_start)"
	eq VMALLOC_END "$(jq -r .vmalloc_end <<<"$j")" "$(layout vmalloc_end)"
	eq swapper_pg_dir "$(jq -r .swapper_pg_dir <<<"$j")" "$(($(layout swapper_pg_dir) - $(layout kimage_voffset)))"
	eq TCR_EL1 "$(jq -r .tcr_el1 <<<"$j")" "$(sysreg TCR_EL1)"
	eq "VA bits" "$(jq -r .va_bits <<<"$j")" "$((64 - $(layout tcr_el1_t1sz)))"
	[ "$2" = max ] && [ "$1" = 6.12 ] && levels=5
	eq "paging levels" "$(jq -r .paging_levels <<<"$j")" $levels
	guest_id=$(tr -d ' \n' <"$TRUTH/notes" | grep -o '040000001400000003000000474e5500[0-9a-f]\{40\}' | cut -c33-)
	[ -n "$guest_id" ] && [ "$(jq -r .build_id <<<"$j")" = "$guest_id" ] &&
		[ "$(jq -r .build_id_matches <<<"$j")" = true ] || { echo "build ID: $(jq -c '[.build_id, .build_id_matches]' <<<"$j"), the guest's $guest_id"; err=1; }
	[ $err = 0 ] && echo "KASLR $(jq -r .kaslr_offset <<<"$j") from VBAR_EL1, $(jq -r .va_bits <<<"$j")-bit VA, $levels levels"
	return $err
}

# Every run of every mapping `ioremap` lists, its first and last page,
# against arm64-ptwalk: output address, page or block size, memory type,
# shareability, and the permissions the leaf descriptor gives (Arm ARM
# D8.4: EL1 reads always, writes when AP[2] is 0, executes when PXN is 0;
# EL0 reads when AP[1] is 1, writes when both allow it, executes when UXN
# is 0).  And every iowtest mapping is among them.
arm64_types_ok() {
	local json=$RUN/ioremap.json pt=$RUN/types.ptwalk err=0 n=0
	local va size ps phys mode sh ka ua w k u name virt
	iow --json ioremap >"$json" || { echo "ioremap failed"; return 1; }
	jq -r '.mappings[] | .runs[] | select(.present) |
		"\(.virt) \(.size) \(.page_size) \(.phys) \(.mode) \(.shareability) \(.kernel_access) \(.user_access)"' \
		"$json" >"$RUN/types.runs"
	while read -r va size ps phys mode sh ka ua; do
		echo "$va $phys $ps $mode $sh $ka $ua"
		[ "$size" -gt "$ps" ] &&
			printf '0x%016x 0x%x %s %s %s %s %s\n' $((va + size - ps)) $((phys + size - ps)) "$ps" "$mode" "$sh" "$ka" "$ua"
	done <"$RUN/types.runs" >"$RUN/types.pages"
	# shellcheck disable=SC2046
	"$PTWALK" "$IOW_GDB" $(awk '{ print $1 }' "$RUN/types.pages") >"$pt" ||
		{ echo "arm64-ptwalk failed:"; tail -n 3 "$pt"; return 1; }
	while read -r va phys ps mode sh ka ua; do
		w=$(grep -m1 "^$va " "$pt")
		k=r u=-
		[[ $w == *" ap=rw "* ]] && k+=w || k+=-
		[[ $w == *" pxn=0 "* ]] && k+=x || k+=-
		if [[ $w == *" el0=1 "* ]]; then u=r; [[ $w == *" ap=rw "* ]] && u+=w || u+=-; else u+=-; fi
		[[ $w == *" uxn=0 "* ]] && u+=x || u+=-
		[[ $w == *" oa=$(printf '0x%x' $((phys))) size=$(printf '0x%x' "$ps") "* ]] &&
			[[ $w == *" type=$mode sh=$sh "* ]] && [ "$k $u" = "$ka $ua" ] ||
			{ echo "$va: the tool says $phys $ps $mode $sh $ka $ua; the tables: $w"; err=1; }
		n=$((n + 1))
	done <"$RUN/types.pages"
	# Every iowtest mapping is among the runs, and pte --json agrees too.
	while read -r name _ _ _ virt _; do
		grep -q "^$virt " "$RUN/types.pages" || { echo "$name at $virt: not among ioremap's runs"; err=1; }
		w=$(grep -m1 "^$virt " "$pt")
		k=$(iow --json pte "$virt" | jq -r '"oa=\(.phys) size=\(.page_size) attrindx=\(.attr_index) type=\(.mode)"')
		# shellcheck disable=SC2086 # four words: oa= size= attrindx= type=
		set -- $k
		[[ $w == *" $1 "* ]] && [[ $w == *" $3 "* ]] && [[ $w == *" $4 "* ]] &&
			[ "$(printf 'size=0x%x' "${2#size=}")" = "$(grep -o 'size=0x[0-9a-f]*' <<<"$w")" ] ||
			{ echo "$name: pte --json says $k; the tables: $w"; err=1; }
	done <"$TRUTH/iowtest"
	echo "$n pages of $(wc -l <"$RUN/types.runs") runs agree with the page tables"
	[ $n -gt 0 ] && return $err
}

# The findings on the guest: iowtest's cacheable ioremaps of its (device)
# window are device-cacheable, its two mappings of one page with Device and
# Normal-NC an alias, its Normal-NC vmap of RAM a note; the stock drivers
# give no device-cacheable or ram-device finding; no PAT list is claimed.
arm64_findings_ok() {
	local json=$RUN/ioremap.json err=0 name phys virt kind
	while read -r name _ phys _ virt _; do
		case $name in
		cache-* | prot-*) kind="device-cacheable" ;;
		alias | ram-vmap) kind="alias" ;;
		*) continue ;;
		esac
		jq -e --arg k $kind --arg p "$(printf '0x%x' $((phys)))" --arg v "$virt" \
			'[.findings[] | select(.kind == $k and .phys_start == $p and (.virt == $v or .virt2 == $v))] | length == 1' \
			"$json" >/dev/null || { echo "$name: no $kind finding for $phys at $virt"; err=1; }
		if [ "$name" = ram-vmap ]; then
			jq -e --arg v "$virt" '.findings[] | select(.virt == $v) | .note == true' "$json" >/dev/null ||
				{ echo "$name: Normal-NC RAM is not a note"; err=1; }
		fi
	done <"$TRUTH/iowtest"
	# Every device-cacheable finding is one of iowtest's.
	jq -r '.findings[] | select(.kind == "device-cacheable" or .kind == "ram-device") | .virt' "$json" |
		while read -r virt; do
			grep -q " $virt [0-9]*$" "$TRUTH/iowtest" || { echo "a finding on a stock mapping: $virt"; exit 1; }
		done || err=1
	jq -e '.reservations_tracked == false and ([.findings[] | select(.kind == "unreserved")] | length == 0)' \
		"$json" >/dev/null || { echo "a PAT reservation is claimed"; err=1; }
	iow ioremap | grep -q '^This kernel keeps no memory-type reservations (no PAT memtype list)' ||
		{ echo "ioremap does not say there is no PAT list"; err=1; }
	iow proc pat_memtype_list >/dev/null 2>"$RUN/pat.err" && { echo "proc pat_memtype_list succeeded"; err=1; }
	grep -q 'does not exist on this arm64 kernel' "$RUN/pat.err" || { echo "proc pat_memtype_list: $(cat "$RUN/pat.err")"; err=1; }
	iow check >"$RUN/check.out"
	[ $? = 1 ] && grep -q '^VIOLATION device-cacheable ' "$RUN/check.out" && grep -q '^VIOLATION alias ' "$RUN/check.out" ||
		{ echo "check did not fail on iowtest's mappings:"; cat "$RUN/check.out"; err=1; }
	# An ioremap outside every iomem resource (the GIC's: irqchips map what
	# they never claim) is a note here, and lies outside the guest's own
	# /proc/iomem indeed.
	grep -q '^VIOLATION ioremap-outside-iomem' "$RUN/check.out" && { echo "ioremap-outside-iomem is a violation"; err=1; }
	sed -n 's/^note *ioremap-outside-iomem 0x\([0-9a-f]*\)-0x\([0-9a-f]*\) .*/\1 \2/p' "$RUN/check.out" >"$RUN/unclaimed"
	[ -s "$RUN/unclaimed" ] || { echo "no unclaimed ioremap noted (the GIC's)"; err=1; }
	while read -r a b; do
		while read -r range _; do
			[ $((16#${range%-*})) -le $((16#$b)) ] && [ $((16#$a)) -le $((16#${range#*-})) ] &&
				{ echo "0x$a-0x$b is in the guest's iomem: $range"; err=1; }
		done <"$TRUTH/iomem"
	done <"$RUN/unclaimed"
	return $err
}

# QEMU's map on arm64's virt (mtree-common.sh), against its own monitor
# read through gdb-multiarch: the "memory" side as on x86; QEMU's "I/O"
# holds no device there (the ports are a PCI host's window in "memory"),
# so the ports are not compared, and no port BAR is called unmapped.
ports_not_compared() {
	if qemu_view I/O | awk '$4 != "io" { found = 1 } END { exit !found }'; then
		echo "QEMU's own \"I/O\" view has devices: this case is not the one tested"; return 1
	fi
	jq -e '.address_spaces[] | select(.name == "I/O") | .not_compared | test("holds no device")' \
		"$RUN/mtree.json" >/dev/null || { echo "mtree --json does not say the ports are not compared"; return 1; }
	! jq -e '[.findings[] | select(.space == "I/O")] | length > 0' "$RUN/mtree.json" >/dev/null ||
		{ echo "findings about ports:"; jq -c '.findings[] | select(.space == "I/O")' "$RUN/mtree.json" | head -3; return 1; }
	grep -q '^ioports: QEMU.s "I/O" holds no device' "$RUN/mtree.txt"
}
arm64_mtree_test() { # CPU
	local t0=$SECONDS
	IOW_MTREE_GDB="$IOW_HARNESS/gdb-multiarch"
	check "$1: QEMU's own info mtree -f, read through gdb-multiarch's monitor" qemu_mtree_read
	check "$1: mtree --json is valid JSON" mtree_json
	check "$1: mtree: QEMU's \"memory\" regions are its own, in order" regions_match memory iomem
	check "$1: mtree: the guest's iomem beside them, nothing where QEMU has nothing" resources_match memory iomem
	iow mtree >"$RUN/mtree.txt" 2>"$RUN/mtree.txt.err"
	[ $? -le 1 ] || fail "$1: mtree (text) failed: $(cat "$RUN/mtree.txt.err")"
	check "$1: mtree (text) lists each region of \"memory\" once" text_lists_regions memory iomem
	check "$1: mtree: ports are not compared, and said so" ports_not_compared
	check "$1: iowtest's window, where QEMU has nothing, is reported by mtree and check" window_reported
	check "$1: tree shows QEMU's regions under the iomem resources (not with --no-qemu)" tree_shows_regions memory iomem
	check "$1: mtree --stats: one monitor command" one_request
	unset IOW_MTREE_GDB
	echo "(the arm64 mtree checks took $((SECONDS - t0)) s)"
}

# gdb-multiarch, both ways in: the plugin spliced into GDB's own connection
# (proc iomem, against the guest's file read after GDB detached), and
# load-plugin HOST:PORT (info's KASLR offset, the type of iowtest's np-4K
# mapping).  The relay gets the vmlinux from $IOW_VMLINUX: GDB loading its
# symbols takes longer than the rest together, and how the relay finds the
# one GDB has open is the same on every architecture (gdb-common.sh).
arm64_gdb_tool_ok() {
	local out err=0 virt
	export IOW_RELAY=$IOW SHELL=/bin/sh
	between() { sed -n "/^@@$1@@$/,/^@@END@@$/p" | sed '1d;$d'; }
	out=$(IOW_VMLINUX=$IOW_VMLINUX timeout 120 "$IOW_HARNESS/gdb-multiarch" -nx -batch -ex "source $GDB_SCRIPT" \
		-ex "target remote $IOW_GDB" -ex load-plugin -ex 'echo @@IOMEM@@\n' -ex 'iomem-walk proc iomem' \
		-ex 'echo @@END@@\n' -ex detach 2>&1)
	printf '%s\n' "$out" | between IOMEM >"$RUN/gdb.iomem"
	"$IOW_HARNESS/guest-snapshot" "$RUN" iomem "$RUN/gdb.iomem.guest" || { echo "no snapshot"; return 1; }
	diff -u "$RUN/gdb.iomem.guest" "$RUN/gdb.iomem" || { echo "inproc: proc iomem differs:"; printf '%s\n' "$out" | tail -n 5; err=1; }
	virt=$(awk '$1 == "np-4K" { print $5 }' "$TRUTH/iowtest")
	out=$(IOW_VMLINUX=$IOW_VMLINUX timeout 120 "$IOW_HARNESS/gdb-multiarch" -nx -batch -ex "source $GDB_SCRIPT" \
		-ex "load-plugin $IOW_GDB" -ex 'echo @@INFO@@\n' -ex 'iomem-walk info' -ex 'echo @@END@@\n' \
		-ex 'echo @@PTE@@\n' -ex "iomem-walk pte $virt" -ex 'echo @@END@@\n' -ex detach 2>&1)
	printf '%s\n' "$out" | between INFO | grep -q "^KASLR offset *$IOW_KASLR_OFFSET (from the VBAR_EL1)$" ||
		{ echo "agent: info lacks the KASLR offset:"; printf '%s\n' "$out" | tail -n 8; err=1; }
	printf '%s\n' "$out" | between PTE | grep -q '^  -> phys .* AttrIndx 3 = Device-nGnRnE; ' ||
		{ echo "agent: pte $virt is not Device-nGnRnE:"; printf '%s\n' "$out" | tail -n 4; err=1; }
	return $err
}

# Hostile tables: the level-2 entry of iowtest's cache-2M block (which maps
# nothing else) is made a table descriptor pointing back at its own table (a
# loop), then at device memory (iowtest's ioremap-4K page); each time pte
# and ioremap end at once with a message naming it.  GDB writes through
# QEMU's physical-memory mode while the guest is stopped (it stays stopped
# until the tool's next session ends); the entry is restored after.
arm64_hostile_ok() {
	local virt dev w at desc table err=0 out
	virt=$(awk '$1 == "cache-2M" { print $5 }' "$TRUTH/iowtest")
	dev=$(awk '$1 == "ioremap-4K" { print $3 }' "$TRUTH/iowtest")
	w=$("$PTWALK" "$IOW_GDB" "$virt") || { echo "arm64-ptwalk: $w"; return 1; }
	at=$(sed -n 's/.* at=\(0x[0-9a-f]*\)$/\1/p' <<<"$w")
	desc=$(sed -n 's/.* desc=\(0x[0-9a-f]*\) .*/\1/p' <<<"$w")
	[[ $w == *" level=2 kind=block "* ]] && [ -n "$at" ] || { echo "not a level-2 block: $w"; return 1; }
	table=$((at & ~4095))
	poke() {
		timeout 60 "$IOW_HARNESS/gdb-multiarch" -nx -batch -ex "target remote $IOW_GDB" \
			-ex 'maint packet Qqemu.PhyMemMode:1' -ex "set {unsigned long} $at = $1" \
			-ex 'maint packet Qqemu.PhyMemMode:0' -ex disconnect >/dev/null 2>&1
	}
	hostile() { # WHAT VALUE MESSAGE-PATTERN
		local c
		poke "$2" || { echo "GDB could not write the entry"; err=1; return; }
		for c in "pte $virt" ioremap; do
			# shellcheck disable=SC2086 # the subcommand and its argument
			out=$(timeout 30 "$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" $c 2>&1 >/dev/null)
			[ $? = 2 ] && [[ $out =~ $3 ]] ||
				{ echo "$1: $c did not end with the message /$3/: $out"; err=1; }
			echo "$1, $c: $out"
		done
	}
	hostile "a loop" $((table | 3)) "loop: the PMD entry at physical $at points back at the table at $(printf '0x%x' $table)"
	hostile "a table in device memory" $((dev | 3)) "page table for $virt at physical $(printf '0x%x' $((dev))) .* is not in RAM"
	poke "$desc"
	w=$("$PTWALK" "$IOW_GDB" "$virt")
	[[ $w == *" desc=$desc "* ]] || { echo "the entry was not restored: $w"; return 1; }
	iow pte "$virt" >/dev/null || { echo "pte fails once restored"; err=1; }
	return $err
}

arm64_tool_test() { # SERIES CPU
	check "$2: proc iomem is the guest's /proc/iomem, byte for byte" same_as_guest iomem
	check "$2: proc ioports is the guest's /proc/ioports, byte for byte" same_as_guest ioports
	check "$2: proc vmallocinfo is the guest's /proc/vmallocinfo, line for line" same_as_guest vmallocinfo
	check "$2: tree --json lists the guest's iomem resources" tree_json_matches iomem
	check "$2: vmap and ioremap list the guest's areas by address, text and JSON" by_address
	check "$2: info states the guest's KASLR offset, build ID and layout" arm64_info_ok "$1" "$2"
	check "$2: every run ioremap prints is what the page tables, read independently, hold" arm64_types_ok
	check "$2: the findings are iowtest's, and no PAT list is claimed" arm64_findings_ok
	check "$2: gdb-multiarch, both ways in" arm64_gdb_tool_ok
	arm64_mtree_test "$2"
	check "$2: hostile page tables end with a message" arm64_hostile_ok
}
