# The arm64 rig's self-check, shared by rig-arm64-6.1.sh and rig-arm64-6.12.sh:
# boot the series twice, once per CPU model (cortex-a72: 48-bit VA, 4
# levels; max: on 6.12 52-bit VA with LPA2, 5 levels), KASLR on, the default
# devices, and check that:
#   - the ground truth the guest printed about itself is complete and
#     well-formed, with no PAT list (said, not faked);
#   - the KASLR offset is the guest's own (kallsyms, VBAR_EL1, /proc/kcore)
#     and differs between the two boots;
#   - the iowtest module mapped every memory type at 4 KiB and 2 MiB, and
#     the aliases, as the guest's vmallocinfo shows (on max with MTE on, so
#     that Normal-Tagged is among them);
#   - an independent page-table reader (tests/tools/arm64-ptwalk: its own
#     remote-protocol client, registers by name, descriptors by QEMU's xp)
#     finds in the page tables what the module says it mapped;
#   - gdb-multiarch, unpacked privately, reads MAIR_EL1 by name and
#     linux_banner at its KASLR'd address as the guest has them;
#   - the truth channel (a virtconsole port) also serves snapshots.
# Sourced after lib.sh.
# shellcheck shell=bash
. "$(dirname "${BASH_SOURCE[0]}")/rig-common.sh" # resource_file_ok, vmallocinfo_ok, build_id_matches
. "$(dirname "${BASH_SOURCE[0]}")/walk-common.sh"     # same_as_guest, tree_json_matches, by_address
. "$(dirname "${BASH_SOURCE[0]}")/mtree-common.sh"    # QEMU's map against its own monitor
. "$(dirname "${BASH_SOURCE[0]}")/rig-arm64-tool.sh"  # the tool's own checks, in these boots

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
PTWALK=$top_srcdir/tests/tools/arm64-ptwalk

sysreg() { awk -v r="$1" '$1 == r { print $2 }' "$TRUTH/sysregs"; }
layout() { awk -v f="$1" '$1 == f { print $2 }' "$TRUTH/kcore_layout"; }

arm64_truth_ok() {
	local f err=0
	for f in release arch version cmdline iomem ioports vmallocinfo absent kallsyms_text \
		kallsyms_modules modules iowtest sysregs notes kcore_head kcore_layout cpuinfo meminfo dmesg; do
		[ -s "$TRUTH/$f" ] || { echo "ground truth '$f' missing or empty"; err=1; }
	done
	[ "$(cat "$TRUTH/arch")" = aarch64 ] || { echo "uname -m says $(cat "$TRUTH/arch")"; err=1; }
	[ ! -e "$TRUTH/pat_memtype_list" ] || { echo "a PAT list on arm64?"; err=1; }
	grep -q '^pat_memtype_list: arm64 has no PAT' "$TRUTH/absent" || { echo "'absent' does not say there is no PAT list"; err=1; }
	[ "$IOW_ARCH" = arm64 ] || { echo "guest.env says IOW_ARCH=$IOW_ARCH"; err=1; }
	return $err
}

# KASLR: on, 2 MiB aligned, and every statement of it agrees: kallsyms'
# _stext (what boot-guest used), the vector base the CPU holds (VBAR_EL1
# against System.map's vectors, the arm64 analogue of x86's IDT), the
# kernel's own KERNELOFFSET in /proc/kcore, and each symbol kallsyms and
# System.map both list (6.1 lists text only: no KALLSYMS_ALL).
arm64_kaslr_ok() {
	local off=$((IOW_KASLR_OFFSET)) vec n=0 sym k m
	grep -qw nokaslr "$TRUTH/cmdline" && { echo "booted with nokaslr"; return 1; }
	[ $off -ne 0 ] && [ $((off % 0x200000)) -eq 0 ] || { echo "implausible KASLR offset $IOW_KASLR_OFFSET"; return 1; }
	vec=$(awk '$3 == "vectors" { print $1; exit }' "$IOW_KDIR/System.map")
	[ $(($(sysreg VBAR_EL1) - 0x$vec)) -eq $off ] || { echo "VBAR_EL1 $(sysreg VBAR_EL1) - vectors 0x$vec is not $IOW_KASLR_OFFSET"; return 1; }
	[ $(($(layout kaslr_offset))) -eq $off ] || { echo "kcore's KERNELOFFSET $(layout kaslr_offset) differs"; return 1; }
	while read -r k _ sym; do
		m=$(awk -v s="$sym" '$3 == s { print $1; exit }' "$IOW_KDIR/System.map")
		[ -n "$m" ] || continue
		[ $((0x$k - 0x$m)) -eq $off ] || { echo "$sym moved by $((0x$k - 0x$m)), not $off"; return 1; }
		n=$((n + 1))
	done <"$TRUTH/kallsyms_text"
	[ $n -ge 3 ] || { echo "only $n symbols to compare"; return 1; }
	echo "KASLR offset $IOW_KASLR_OFFSET ($n symbols agree)"
}

# The translation regime the CPU model gives: 48-bit VA on a Cortex-A72
# (and on max with 6.1), 52-bit VA with LPA2 (TCR_EL1.DS=1) on max with 6.12.
# The kernel states it in /proc/kcore as TCR_EL1_T1SZ; its VA_BITS there is
# the configured maximum on 6.12 (52 even where the CPU runs 48), the
# running value on 6.1 (configured 48).
arm64_paging_ok() { # CPU SERIES
	local want=48 tcr t1sz ds
	[ "$1" = max ] && [ "$2" = 6.12 ] && want=52
	tcr=$(sysreg TCR_EL1)
	t1sz=$(((tcr >> 16) & 63)) ds=$(((tcr >> 59) & 1))
	echo "TCR_EL1 $tcr: T1SZ $t1sz, DS $ds; kcore TCR_EL1_T1SZ $(layout tcr_el1_t1sz), VA_BITS $(layout va_bits)"
	[ $((64 - t1sz)) -eq $want ] && [ "$(layout tcr_el1_t1sz)" = "$t1sz" ] || return 1
	[ $ds -eq $((want == 52)) ]
}

# The memory type each call asks for, as the guest's MAIR_EL1 (Linux's
# 0x000000040044ffff: attr0 Normal-WB, 1 Normal-WB, or Normal-Tagged (0xf0)
# when the CPU has MTE (boot-guest --mte), 2 Normal-NC, 3 Device-nGnRnE,
# 4 Device-nGnRE) gives it.
expect_type() { # NAME -> "TYPE ATTRINDX"
	case $1 in
	ioremap-*|alias) echo "Device-nGnRE 4" ;;
	wc-*|alias-wc|ram-vmap) echo "Normal-NC 2" ;;
	np-*) echo "Device-nGnRnE 3" ;;
	cache-*) echo "Normal-WB 0" ;;
	prot-*) if [ "${IOW_MTE:-0}" = 1 ]; then echo "Normal-Tagged 1"; else echo "Normal-WB 1"; fi ;;
	esac
}

# Every mapping iowtest lists is in vmallocinfo (its area: the mapping plus
# the guard page, its phys=, ioremap/vmap; on 6.1 its caller resolved to the
# module: 6.12 shows __ioremap_prot, the wrapper, for every ioremap), with
# the memory type and AttrIndx each call asks for.
arm64_testmod_ok() { # SERIES
	local name type phys size virt ai end line err=0 want call sz
	while read -r name type phys size virt ai; do
		end=$(printf '0x%016x' $((virt + size + 4096)))
		line=$(grep "^$virt-$end " "$TRUTH/vmallocinfo")
		if [ -z "$line" ]; then
			echo "$name: no vmallocinfo area $virt-$end"; err=1; continue
		fi
		case $name in
		ram-vmap) [[ $line == *" vmap"* ]] || { echo "$name: not a vmap area: $line"; err=1; } ;;
		*) [[ $line == *" phys=$phys ioremap"* ]] || { echo "$name: wrong phys or kind: $line"; err=1; } ;;
		esac
		if [ "$1" = 6.1 ]; then
			[[ $line == *" [iowtest]"* ]] || { echo "$name: caller is not resolved to the module: $line"; err=1; }
		fi
		want=$(expect_type "$name")
		[ "$type $ai" = "$want" ] || { echo "$name: $type (AttrIndx $ai), expected $want"; err=1; }
	done <"$TRUTH/iowtest"
	for call in ioremap wc np cache prot; do
		for sz in 4K 2M; do
			grep -q "^$call-$sz " "$TRUTH/iowtest" || { echo "no $call mapping at $sz"; err=1; }
		done
	done
	[ "$(awk '$1 == "alias" || $1 == "alias-wc" { print $3 }' "$TRUTH/iowtest" | sort -u | wc -l)" -eq 1 ] &&
		[ "$(grep -c '^alias' "$TRUTH/iowtest")" -eq 2 ] ||
		{ echo "the alias mappings do not share a physical page"; err=1; }
	grep -q ' : iowtest$' "$TRUTH/iomem" || { echo "no iowtest window in iomem"; err=1; }
	return $err
}

# The default devices made their ioremaps: PCI ECAM (Device-nGnRnE, 2 MiB
# blocks), virtio-pci's modern BARs in the 64-bit window, NVMe.
arm64_devices_ok() {
	local err=0
	grep -q ' : PCI ECAM$' "$TRUTH/iomem" || { echo "no PCI ECAM in iomem"; err=1; }
	grep -q ' : nvme$' "$TRUTH/iomem" || { echo "no nvme in iomem"; err=1; }
	grep -q ' : virtio-pci-modern$' "$TRUTH/iomem" || { echo "no virtio-pci-modern in iomem"; err=1; }
	ECAM=$(grep -m1 ' phys=0x0000004010000000 ioremap$' "$TRUTH/vmallocinfo" | cut -c1-18)
	[ -n "$ECAM" ] || { echo "no ioremap of PCI ECAM"; err=1; }
	grep -q ' phys=0x00000080000[0-9a-f]\{5\} ioremap$' "$TRUTH/vmallocinfo" || { echo "no ioremap of a 64-bit BAR"; err=1; }
	return $err
}

# The page tables, read independently, hold what iowtest says it mapped:
# each mapping's output address, AttrIndx and memory type, 2 MiB ones as
# level-2 blocks, 4 KiB ones as pages; the registers the reader found by
# name are those the module read inside the guest; the table it walked is
# swapper_pg_dir; PCI ECAM is Device-nGnRnE.
arm64_walk_ok() { # SERIES CPU
	local out err=0 name type phys size virt ai w levels base swp ttbr
	out=$RUN/ptwalk.out
	"$PTWALK" --regs "$IOW_GDB" $(awk '{ print $5 }' "$TRUTH/iowtest") ${ECAM:-} >"$out" ||
		{ echo "arm64-ptwalk failed:"; cat "$out"; return 1; }
	head -n 3 "$out"
	grep -q "^regs MAIR_EL1=$(sysreg MAIR_EL1) TCR_EL1=$(sysreg TCR_EL1) " "$out" ||
		{ echo "the stub's MAIR_EL1/TCR_EL1 are not the module's: $(sysregs_line)"; err=1; }
	# TTBR1: the same table (the ASID in bits 63:48 follows the running task).
	ttbr=$(sed -n 's/^regs .*TTBR1_EL1=\(0x[0-9a-f]*\).*/\1/p' "$out")
	[ $((ttbr & 0xffffffffffff)) -eq $(($(sysreg TTBR1_EL1) & 0xffffffffffff)) ] ||
		{ echo "TTBR1_EL1 $ttbr is not the module's $(sysreg TTBR1_EL1)"; err=1; }
	base=$(sed -n 's/^geometry .* table=\(0x[0-9a-f]*\)$/\1/p' "$out")
	swp=$(($(layout swapper_pg_dir) - $(layout kimage_voffset)))
	[ $((base)) -eq $swp ] || { echo "walked table $base, swapper_pg_dir is at $(printf 0x%x $swp)"; err=1; }
	levels=4
	[ "$2" = max ] && [ "$1" = 6.12 ] && levels=5
	grep -q "^geometry .* levels=$levels " "$out" || { echo "not a $levels-level walk"; err=1; }
	while read -r name type phys size virt ai; do
		w=$(grep -m1 "^$virt " "$out")
		case $size in
		0x200000) want="level=2 kind=block" ;;
		*) want="level=3 kind=page" ;;
		esac
		[[ $w == *" $want "* ]] || { echo "$name: not $want: $w"; err=1; }
		[[ $w == *" oa=$(printf '0x%x' $((phys))) "* ]] || { echo "$name: not mapping $phys: $w"; err=1; }
		[[ $w == *" attrindx=$ai "*" type=$type "* ]] || { echo "$name: not $type (AttrIndx $ai): $w"; err=1; }
	done <"$TRUTH/iowtest"
	if [ -n "${ECAM:-}" ]; then
		w=$(grep -m1 "^$ECAM " "$out")
		[[ $w == *" kind=block "*" type=Device-nGnRnE "* ]] || { echo "PCI ECAM: not Device-nGnRnE blocks: $w"; err=1; }
	fi
	return $err
}
sysregs_line() { tr '\n' ' ' <"$TRUTH/sysregs"; }

# gdb-multiarch (unpacked by qemu-harness/gdb-multiarch, never installed)
# connects to the gdbstub, reads MAIR_EL1 by name and linux_banner where
# System.map plus the KASLR offset puts it.
arm64_gdb_ok() {
	local banner out mair text
	banner=$(printf '0x%x' $((0x$(awk '$3 == "linux_banner" { print $1; exit }' "$IOW_KDIR/System.map") + IOW_KASLR_OFFSET)))
	out=$("$IOW_HARNESS/gdb-multiarch" -nx -batch -ex 'set architecture aarch64' \
		-ex "target remote $IOW_GDB" -ex 'printf "@@MAIR %#lx@@\n", $MAIR_EL1' \
		-ex "printf \"@@BANNER %s@@\\n\", (char *) $banner" -ex detach 2>&1)
	mair=$(printf '%s\n' "$out" | sed -n 's/^@@MAIR \(0x[0-9a-f]*\)@@$/\1/p')
	text=$(printf '%s\n' "$out" | sed -n '/^@@BANNER /,/@@$/p' | sed -e '1s/^@@BANNER //' -e '$s/@@$//')
	echo "gdb-multiarch: MAIR_EL1 $mair, linux_banner at $banner: ${text:0:60}..."
	[ -n "$mair" ] && [ $((mair)) -eq $(($(sysreg MAIR_EL1))) ] || { echo "MAIR_EL1 from GDB is not the module's $(sysreg MAIR_EL1)"; printf '%s\n' "$out" | tail -n 5; return 1; }
	# /proc/version prints linux_proc_banner with the same three fields
	# as linux_banner: the same text, and its newline.
	[ "$text" = "$(cat "$TRUTH/version")" ] || { echo "linux_banner is not /proc/version"; return 1; }
}

# The truth port carries snapshot requests too: a fresh iomem is the one
# captured at boot (nothing changed), and the PAT list is refused.
arm64_snapshot_ok() {
	local t=$RUN/snap.iomem
	"$IOW_HARNESS/guest-snapshot" "$RUN" iomem "$t" || return 1
	cmp -s "$t" "$TRUTH/iomem" || { echo "snapshot of iomem differs from the boot's"; diff "$TRUTH/iomem" "$t" | head; return 1; }
	! "$IOW_HARNESS/guest-snapshot" "$RUN" pat_memtype_list /dev/null 2>/dev/null
}

rig_arm64_test() { # SERIES
	local series=$1 cpu offsets=() mte
	need readelf jq timeout
	dpkg --print-foreign-architectures | grep -qx arm64 ||
		skip "apt does not know the arm64 architecture (scripts/install-deps adds it)"
	for cpu in cortex-a72 max; do
		mte=()
		[ $cpu = max ] && mte=(--mte)
		boot "$cpu" --arch arm64 --series "$series" --cpu "$cpu" "${mte[@]}" --kaslr on
		echo "--- $IOW_KVER, -cpu $cpu, gdbstub $IOW_GDB"
		check "$cpu: release is $IOW_KVER" test "$(cat "$TRUTH/release")" = "$IOW_KVER"
		check "$cpu: the ground truth is complete, with no PAT list" arm64_truth_ok
		check "$cpu: KASLR is on and every statement of its offset agrees" arm64_kaslr_ok
		check "$cpu: the paging mode is the CPU model's" arm64_paging_ok "$cpu" "$series"
		check "$cpu: the guest's build ID is the vmlinux's" build_id_matches
		check "$cpu: /proc/iomem is complete and well-formed" resource_file_ok "$TRUTH/iomem" 8
		check "$cpu: /proc/ioports is complete and well-formed" resource_file_ok "$TRUTH/ioports" 4
		check "$cpu: /proc/vmallocinfo is well-formed" vmallocinfo_ok "$TRUTH/vmallocinfo"
		check "$cpu: the default devices mapped their registers" arm64_devices_ok
		check "$cpu: iowtest mapped every memory type, 4 KiB and 2 MiB, and the aliases" arm64_testmod_ok "$series"
		check "$cpu: the page tables, read independently, agree with iowtest" arm64_walk_ok "$series" "$cpu"
		check "$cpu: gdb-multiarch reads MAIR_EL1 and linux_banner as the guest has them" arm64_gdb_ok
		check "$cpu: the truth port serves snapshots" arm64_snapshot_ok
		arm64_tool_test "$series" "$cpu"
		check "$cpu: no driver failed to load" bash -c "! grep -E 'IOW-MODFAIL|IOW-NO-TRUTH-TTY' '$RUN/console.log'"
		offsets+=("$IOW_KASLR_OFFSET")
		"$IOW_HARNESS/stop-guest" "$RUN"
	done
	check "the KASLR offset differs between the two boots (${offsets[*]})" test "${offsets[0]}" != "${offsets[1]}"
	finish
}
