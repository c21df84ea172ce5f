# The rig's self-check, shared by rig-6.1.sh and rig-6.12.sh: boot the
# series with KASLR on and the default devices, then check that the ground
# truth the guest printed about itself is complete and well-formed, and that
# the iowtest module's mappings show in the guest's own vmallocinfo and PAT
# memtype list.  Sourced after lib.sh.
# shellcheck shell=bash

# A resource file (/proc/iomem or /proc/ioports) as root prints it: lines
# "INDENT START-END : NAME" with START/END at least WIDTH hex digits, two
# spaces per level, the level capped at 5; real (non-zero) addresses; every
# entry inside its parent; siblings ordered and disjoint.
resource_file_ok() { # FILE WIDTH
	# The line format (grep: mawk has no {n,} intervals), then the nesting.
	if grep -Evn "^(  ){0,5}[0-9a-f]{$2,16}-[0-9a-f]{$2,16} : " "$1"; then
		echo "$1: the lines above are malformed"
		return 1
	fi
	awk -v w="$2" '
		function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
		function bad(m) { printf "%s:%d: %s: %s\n", FILENAME, NR, m, $0; err = 1 }
		{
			if (!match($0, /^ */)) {}
			ind = RLENGTH; d = ind / 2
			rest = substr($0, ind + 1)
			if (ind % 2 || d > 5) { bad("bad indentation"); next }
			split(rest, f, /[- ]/); s = hex(f[1]); e = hex(f[2])
			if (s > e) bad("start after end")
			if (e > 0) nonzero = 1
			if (d > depth + 1) bad("indented more than one level below its parent")
			# Doubles hold 53 bits: good enough for ordering checks of
			# ranges below 2^53.
			if (d > 0 && d <= 4 && (s < ps[d - 1] || e > pe[d - 1])) bad("outside its parent")
			if (d <= 4 && seen[d] && s <= pe[d] && d <= depth) bad("overlaps or precedes its previous sibling")
			ps[d] = s; pe[d] = e; seen[d] = 1; depth = d
			for (k = d + 1; k <= 5; k++) seen[k] = 0
		}
		END { if (!NR) { print FILENAME ": empty"; err = 1 } if (!nonzero) { print FILENAME ": all addresses zero (not read as root?)"; err = 1 } exit err }
	' "$1"
}

vmallocinfo_ok() { # FILE
	if grep -Evn '^0x[0-9a-f]{16}-0x[0-9a-f]{16} +[0-9]+( |$)' "$1" ||
		grep -En ' ioremap' "$1" | grep -Ev ' phys=0x[0-9a-f]{16} '; then
		echo "$1: the lines above are malformed"
		return 1
	fi
	awk '
		function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
		function bad(m) { printf "%s:%d: %s: %s\n", FILENAME, NR, m, $0; err = 1 }
		{
			if ($0 !~ /^0xff/) bad("address not a kernel address (hashed or restricted?)")
			# The size is the end minus the start (doubles are exact here:
			# both addresses share their top bits; compare the low 40).
			a = substr($1, 3, 16); b = substr($1, 22, 16)
			if (hex(substr(b, 7)) - hex(substr(a, 7)) != $2) bad("size is not end - start")
			n++
		}
		END { if (n < 10) { print FILENAME ": only " n " areas"; err = 1 } exit err }
	' "$1"
}

pat_list_ok() { # FILE
	[ "$(head -n 1 "$1")" = "PAT memtype list:" ] || { echo "$1: no header"; return 1; }
	[ "$(wc -l <"$1")" -ge 2 ] || { echo "$1: no entries"; return 1; }
	! tail -n +2 "$1" | grep -Evn '^PAT: \[mem 0x[0-9a-f]{16}-0x[0-9a-f]{16}\] (write-back|write-combining|uncached-minus|uncached|write-through|write-protected)$'
}

# The build ID the running kernel carries (its /sys/kernel/notes, dumped by
# od) is the one of the debug vmlinux the rig pairs it with.
build_id_matches() {
	local guest file
	guest=$(tr -d ' \n' <"$TRUTH/notes" | grep -o '040000001400000003000000474e5500[0-9a-f]\{40\}' | cut -c33-)
	file=$(readelf -n "$IOW_VMLINUX" | sed -n 's/^ *Build ID: *//p' | head -n 1)
	echo "guest build ID: $guest; vmlinux: $file"
	[ -n "$guest" ] && [ "$guest" = "$file" ]
}

# KASLR: on, 2 MiB aligned, and it moves data symbols by the same amount.
kaslr_ok() {
	local off sym k m
	off=$IOW_KASLR_OFFSET
	grep -qw nokaslr "$TRUTH/cmdline" && { echo "booted with nokaslr"; return 1; }
	[ $((off % 0x200000)) -eq 0 ] && [ $((off)) -ge 0 ] && [ $((off)) -lt $((0x40000000)) ] ||
		{ echo "implausible KASLR offset $off"; return 1; }
	for sym in _text iomem_resource ioport_resource; do
		k=$(awk -v s=$sym '$3 == s { print $1; exit }' "$TRUTH/kallsyms_text")
		m=$(awk -v s=$sym '$3 == s { print $1; exit }' "$IOW_KDIR/System.map")
		[ -n "$k" ] && [ -n "$m" ] || { echo "$sym missing"; return 1; }
		[ $((0x$k - 0x$m)) -eq $((off)) ] || { echo "$sym moved by $((0x$k - 0x$m)), not $off"; return 1; }
	done
	echo "KASLR offset $off"
}

# The layout the guest states in /proc/kcore is complete and agrees with
# its kallsyms.
kcore_layout_ok() {
	local f err=0
	for f in page_offset_base phys_base vmalloc_base vmemmap_base kaslr_offset pgtable_l5; do
		grep -qE "^$f (0x[0-9a-f]+|[0-9]+)$" "$TRUTH/kcore_layout" || { echo "kcore_layout: no $f"; err=1; }
	done
	[ $(($(awk '$1 == "kaslr_offset" { print $2 }' "$TRUTH/kcore_layout"))) -eq $((IOW_KASLR_OFFSET)) ] ||
		{ echo "kcore's KERNELOFFSET differs from kallsyms' offset"; err=1; }
	return $err
}

cattr_name() {
	case $1 in
	wb) echo write-back ;; wc) echo write-combining ;; uc-) echo uncached-minus ;;
	uc) echo uncached ;; wt) echo write-through ;; wp) echo write-protected ;;
	esac
}

# Every mapping iowtest lists is in vmallocinfo (its area: the mapping plus
# the guard page, its phys=, ioremap/vmap) and, when reserved, in the PAT list
# with the mode asked for; every mode appears at 4 KiB and at 2 MiB.
testmod_ok() {
	local name req phys size virt resv end line pend err=0 mode sz
	[ -s "$TRUTH/iowtest" ] || { echo "iowtest listed no mappings"; return 1; }
	while read -r name req phys size virt resv; do
		end=$(printf '0x%016x' $((virt + size + 4096)))
		line=$(grep "^$virt-$end " "$TRUTH/vmallocinfo")
		if [ -z "$line" ]; then
			echo "$name: no vmallocinfo area $virt-$end"; err=1; continue
		fi
		case $name in
		ram-vmap) [[ $line == *" vmap"* ]] || { echo "$name: not a vmap area: $line"; err=1; } ;;
		*) [[ $line == *" phys=$phys ioremap"* ]] || { echo "$name: wrong phys or kind: $line"; err=1; } ;;
		esac
		[[ $line == *" [iowtest]"* ]] || { echo "$name: caller is not resolved to the module: $line"; err=1; }
		pend=$(printf '0x%016x' $((phys + size)))
		if [ "$resv" = reserved ]; then
			grep -qxF "PAT: [mem $phys-$pend] $(cattr_name "$req")" "$TRUTH/pat_memtype_list" ||
				{ echo "$name: no PAT reservation [mem $phys-$pend] $(cattr_name "$req")"; err=1; }
		elif [ "$name" = ram-vmap ]; then
			grep -q "\[mem $phys-" "$TRUTH/pat_memtype_list" &&
				{ echo "$name: RAM page unexpectedly in the PAT list"; err=1; }
		fi
	done <"$TRUTH/iowtest"
	for mode in uc- uc wc wt wb wp; do
		for sz in 4K 2M; do
			grep -q "^$mode-$sz $mode " "$TRUTH/iowtest" || { echo "no $mode mapping at $sz"; err=1; }
		done
	done
	grep -q '^alias-raw wc .* unreserved$' "$TRUTH/iowtest" || { echo "no unreserved alias"; err=1; }
	[ "$(awk '$1 == "alias" || $1 == "alias-raw" { print $3 }' "$TRUTH/iowtest" | sort -u | wc -l)" -eq 1 ] ||
		{ echo "the alias mappings do not share a physical page"; err=1; }
	return $err
}

# The default device set's drivers made their ioremaps.
devices_ok() { # SERIES
	local err=0 who
	for who in hpet_enable nvme_remap_bar vp_modern_map_capability; do
		grep -q " $who+" "$TRUTH/vmallocinfo" || { echo "no ioremap by $who"; err=1; }
	done
	grep -q ' : HPET 0$' "$TRUTH/iomem" || { echo "no HPET in iomem"; err=1; }
	grep -q ' : nvme$' "$TRUTH/iomem" || { echo "no nvme in iomem"; err=1; }
	if [ "$1" = 6.12 ]; then
		grep -q ' : ahci$' "$TRUTH/iomem" || { echo "no ahci in iomem"; err=1; }
	fi
	return $err
}

rig_test() { # SERIES
	local series=$1 f
	need readelf
	boot "$series" --series "$series" --kaslr on
	check "release is $IOW_KVER" test "$(cat "$TRUTH/release")" = "$IOW_KVER"
	for f in release version cmdline iomem ioports vmallocinfo pat_memtype_list \
		kallsyms_text kallsyms_modules modules iowtest notes kcore_head cpuinfo meminfo dmesg; do
		check "ground truth '$f' captured" test -s "$TRUTH/$f"
	done
	check "KASLR is on and its offset is the guest's own" kaslr_ok
	check "the guest's build ID is the vmlinux's" build_id_matches
	check "the guest's /proc/kcore states its layout" kcore_layout_ok
	check "/proc/iomem is complete and well-formed" resource_file_ok "$TRUTH/iomem" 8
	check "/proc/ioports is complete and well-formed" resource_file_ok "$TRUTH/ioports" 4
	check "/proc/vmallocinfo is well-formed" vmallocinfo_ok "$TRUTH/vmallocinfo"
	check "pat_memtype_list is well-formed" pat_list_ok "$TRUTH/pat_memtype_list"
	check "iowtest's mappings are in vmallocinfo and the PAT list" testmod_ok
	check "the default devices mapped their registers" devices_ok "$series"
	check "no driver failed to load" bash -c "! grep IOW-MODFAIL '$RUN/console.log'"
	finish
}
