# ioremap mappings and their cache modes, checked against what the guest
# says (its PAT list, its PAT configuration line, its vmallocinfo) and
# against page-table entries this test reads itself through the gdbstub,
# with GDB, independently of the tool's walker.  Sourced after lib.sh and
# walk-common.sh.
# shellcheck shell=bash

# The page-table walk, in GDB's command language, on physical memory
# (QEMU's PhyMemMode): prints "WALK va size leaf" (size 0: not mapped).
gdb_walk_script() { # ROOT_PA LEVELS VA...
	local root=$1 levels=$2 va
	shift 2
	cat <<EOT
set pagination off
target remote $IOW_GDB
maintenance packet Qqemu.PhyMemMode:1
define iow_walk
  set \$va = \$arg0
  set \$t = $root
  set \$lvl = $levels
  set \$leaf = 0
  set \$size = 0
  while \$lvl >= 1
    set \$shift = 12 + 9 * (\$lvl - 1)
    set \$e = *(unsigned long long *)(\$t + ((\$va >> \$shift) & 511) * 8)
    if (\$e & 1) == 0
      set \$lvl = 0
    else
      if \$lvl == 1 || ((\$lvl == 2 || \$lvl == 3) && (\$e & 0x80))
        set \$leaf = \$e
        set \$size = 1ULL << \$shift
        set \$lvl = 0
      else
        set \$t = \$e & 0x000ffffffffff000
        set \$lvl = \$lvl - 1
      end
    end
  end
  printf "WALK %lx %lx %lx\n", \$va, \$size, \$leaf
end
EOT
	for va in "$@"; do echo "iow_walk $va"; done
	echo "maintenance packet Qqemu.PhyMemMode:0"
	echo "disconnect"
}

# The guest's own PAT table, from its boot log:
# "x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT"
pat_config() {
	sed -n 's/.*x86\/PAT: Configuration \[0-7\]: *//p' "$TRUTH/dmesg" | head -n 1 | tr -s ' '
}

# Every iowtest mapping: the tool's mode and leaf size for it equal those
# of the entry GDB read, decoded through the guest's own PAT configuration.
modes_match_ptes() {
	local root levels cfg json vas name req phys size virt resv va psz leaf idx want got gsz err=0
	root=$(printf '0x%x' $((0x$(awk '$3 == "init_top_pgt" { print $1 }' "$TRUTH/kallsyms_text") - 0xffffffff80000000 + $(layout phys_base))))
	levels=$(($(layout pgtable_l5) ? 5 : 4))
	read -r -a cfg <<<"$(pat_config)"
	[ ${#cfg[@]} -eq 8 ] || { echo "no PAT configuration in the guest's log"; return 1; }
	vas=$(awk '{ print $5 }' "$TRUTH/iowtest")
	# shellcheck disable=SC2086
	gdb_walk_script "$root" "$levels" $vas >"$RUN/walk.gdb"
	timeout 120 gdb -nx -batch -x "$RUN/walk.gdb" >"$RUN/walk.out" 2>&1
	json=$(iow --json ioremap) || { echo "ioremap failed"; return 1; }
	while read -r name req phys size virt resv; do
		read -r _ va psz leaf < <(grep "^WALK ${virt#0x} " "$RUN/walk.out")
		[ -n "${leaf:-}" ] && [ "$psz" != 0 ] || { echo "$name: GDB found no mapping at $virt"; err=1; continue; }
		if [ $((0x$psz)) -gt 4096 ]; then
			idx=$(( ((0x$leaf >> 12) & 1) << 2 | ((0x$leaf >> 4) & 1) << 1 | ((0x$leaf >> 3) & 1) ))
		else
			idx=$(( ((0x$leaf >> 7) & 1) << 2 | ((0x$leaf >> 4) & 1) << 1 | ((0x$leaf >> 3) & 1) ))
		fi
		want=${cfg[$idx]}
		got=$(jq -r --arg v "$virt" '.mappings[].runs[] | select(.virt == ($v | ltrimstr("0x") | sub("^0+"; "") | "0x" + .)) | .mode' <<<"$json" | head -n 1)
		gsz=$(jq -r --arg v "$virt" '.mappings[].runs[] | select(.virt == ($v | ltrimstr("0x") | sub("^0+"; "") | "0x" + .)) | .page_size' <<<"$json" | head -n 1)
		echo "$name: asked $req, entry 0x$leaf (${psz}-byte leaf, PAT index $idx) = $want; tool: $got, $gsz-byte pages"
		[ "$got" = "$want" ] || { echo "  MISMATCH: the tool says $got"; err=1; }
		[ "$gsz" = $((0x$psz)) ] || { echo "  MISMATCH: the tool's leaf size"; err=1; }
		if [ "$size" = 0x200000 ] && [ $((0x$psz)) -ne $((0x200000)) ]; then
			echo "  $name is not a 2 MiB leaf"; err=1
		fi
	done <"$TRUTH/iowtest"
	return $err
}

# The modes the module asked for all reached the page tables (UC-, UC, WC,
# WT, WB at both sizes), by the guest's own reading of its PAT.
all_modes_seen() {
	local m err=0
	for m in UC- UC WC WT WB; do
		for sz in 4096 2097152; do
			grep -q " = $m; tool: $m, $sz-byte" "$RUN/modes.log" || { echo "no $m mapping with $sz-byte pages"; err=1; }
		done
	done
	return $err
}

# `pte` of every iowtest mapping names the cache mode the module made that
# mapping with (its own record), in text and JSON, at 4 KiB and 2 MiB; and
# the index it decodes is the one the guest's own PAT configuration (its
# boot log) gives that mode.  The write-protect request is left out: x86
# maps it UC (docs/DESIGN.md), and findings_ok covers it.
pte_modes_ok() {
	local name req phys size virt resv want json text jmode tmode tidx jidx psz cfg m sz seen="" err=0
	read -r -a cfg <<<"$(pat_config)"
	[ ${#cfg[@]} -eq 8 ] || { echo "no PAT configuration in the guest's log"; return 1; }
	while read -r name req phys size virt resv; do
		[ "$req" = wp ] && continue
		want=${req^^}
		json=$(iow --json pte "$virt") && text=$(iow pte "$virt") ||
			{ echo "$name: pte $virt failed"; err=1; continue; }
		jmode=$(jq -r .mode <<<"$json")
		jidx=$(jq -r .pat_index <<<"$json")
		psz=$(jq -r .page_size <<<"$json")
		read -r tidx tmode < <(sed -n 's/.*PAT index \([0-7]\) = \([A-Z-]*\))$/\1 \2/p' <<<"$text")
		echo "$name: made $want; pte: $jmode (JSON), ${tmode:-?} (text), PAT index $jidx" \
			"(the guest's PAT: ${cfg[$jidx]:-?}), $psz-byte page"
		[ "$jmode" = "$want" ] && [ "${tmode:-}" = "$want" ] || { echo "  MISMATCH: not $want"; err=1; }
		[ "${tidx:-}" = "$jidx" ] && [ "${cfg[$jidx]:-}" = "$want" ] ||
			{ echo "  MISMATCH: the guest's PAT has ${cfg[$jidx]:-?} at index $jidx"; err=1; }
		seen+=" $want/$psz"
	done <"$TRUTH/iowtest"
	for m in UC- UC WC WT WB; do
		for sz in 4096 2097152; do
			[[ "$seen " == *" $m/$sz "* ]] || { echo "no $m mapping with $sz-byte pages was checked"; err=1; }
		done
	done
	return $err
}

va_of() { awk -v n="$1" '$1 == n { print $5 }' "$TRUTH/iowtest"; }
hexnorm() { printf '0x%x' $(($1)); }

findings_ok() {
	local json a b r wp err=0
	json=$(iow --json ioremap)
	a=$(hexnorm "$(va_of alias)") b=$(hexnorm "$(va_of alias-raw)") r=$(hexnorm "$(va_of ram-vmap)")
	wp=$(hexnorm "$(va_of wp-4K)")
	jq -e --arg a "$a" --arg b "$b" '[.findings[] | select(.kind == "alias" and
		((.virt == $a and .virt2 == $b) or (.virt == $b and .virt2 == $a)))] | length == 1' <<<"$json" >/dev/null ||
		{ echo "the alias of $a and $b is not reported"; err=1; }
	jq -e --arg r "$r" '[.findings[] | select(.kind == "alias" and .virt == $r)] | length == 1' <<<"$json" >/dev/null ||
		{ echo "the WC vmap of RAM at $r is not reported against the direct map"; err=1; }
	jq -e --arg b "$b" '[.findings[] | select(.kind == "mode-mismatch" and .virt == $b)] | length == 1' <<<"$json" >/dev/null ||
		{ echo "the unreserved WC mapping at $b is not reported against the UC- reservation"; err=1; }
	jq -e --arg w "$wp" '[.findings[] | select(.kind == "mode-mismatch" and .virt == $w)] | length == 1' <<<"$json" >/dev/null ||
		{ echo "the write-protect request at $wp (reserved WP, mapped otherwise) is not reported"; err=1; }
	# And nothing else of the stock drivers is flagged as a conflict.
	jq -r '.findings[] | select(.kind == "mode-mismatch" or .kind == "alias" or .kind == "ram-ioremap") | .text' <<<"$json"
	return $err
}

# QEMU traced every device-memory read (memory_region_ops_read); a read
# by the debugger shows as cpu -1.  The tool's walks must add none; a
# deliberate read through GDB must show up, or this check proves nothing.
no_device_reads() {
	local before hv
	before=$(grep -c 'cpu -1' "$RUN/trace.log" || true)
	iow info >/dev/null && iow proc iomem >/dev/null && iow proc ioports >/dev/null &&
		iow proc vmallocinfo >/dev/null && iow proc pat_memtype_list >/dev/null &&
		iow tree >/dev/null && iow ioremap >/dev/null && iow vmap >/dev/null ||
		{ echo "a command failed"; return 1; }
	[ "$(grep -c 'cpu -1' "$RUN/trace.log" || true)" = "$before" ] ||
		{ echo "the tool read device memory:"; grep 'cpu -1' "$RUN/trace.log" | tail -n 5; return 1; }
	hv=$(awk '/ hpet_enable\+/ { print substr($1, 1, 18); exit }' "$RUN/vmallocinfo.guest")
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "x/wx $hv" -ex disconnect >/dev/null 2>&1
	# QEMU's trace reaches the file through a writer thread: wait for it
	# (up to 15 s on a loaded machine).
	local i
	for i in $(seq 30); do
		[ "$(grep -c 'cpu -1' "$RUN/trace.log" || true)" -gt "$before" ] && return 0
		sleep 0.5
	done
	echo "a debugger read of the HPET at $hv left no trace: the check is blind"
	return 1
}

map_test() { # SERIES [boot-guest options]
	local series=$1
	shift
	need jq gdb
	RUNDIR_HINT=$IOW_TEST_RUNDIR/$TEST-$series
	mkdir -p "$RUNDIR_HINT"
	boot "$series" --series "$series" \
		--device-args "-trace memory_region_ops_read,file=$RUNDIR_HINT/trace.log" "$@"
	check "proc pat_memtype_list is the guest's pat_memtype_list" same_as_guest pat_memtype_list
	check "proc vmallocinfo is the guest's" same_as_guest vmallocinfo
	check "every iowtest mapping's mode and page size are the ones its entry carries" \
		bash -c "$(declare -f modes_match_ptes gdb_walk_script pat_config layout iow); IOW='$IOW'; IOW_GDB='$IOW_GDB'; IOW_VMLINUX='$IOW_VMLINUX'; RUN='$RUN'; TRUTH='$TRUTH'; modes_match_ptes" >"$RUN/modes.log" 2>&1
	cat "$RUN/modes.log"
	check "UC-, UC, WC, WT and WB all reach the page tables at 4 KiB and 2 MiB" all_modes_seen
	check "pte of every iowtest mapping names the mode it was made with, text and JSON" pte_modes_ok
	check "the alias, the RAM alias and the mode mismatches are reported" findings_ok
	check "no walk reads device memory" no_device_reads
}
