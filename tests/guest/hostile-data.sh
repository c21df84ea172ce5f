#!/bin/bash
# Hostile kernel data, written into a live (stopped) 6.12 guest from GDB: a
# cycle in the vmap area list, in the module list and in the PAT memtype
# tree and in a PCI bus's device list; a vm_struct pointer, a resource name
# pointer and a PCI device's name pointer into device memory (the HPET's
# ioremap); absurd page counts and sizes; a page-table entry
# whose next table is device memory (the HPET's registers).  Each walk ends
# within a bound, with a message naming the address when it cannot go on;
# and, over the whole test, QEMU traces no read of device memory by the
# debugger.  Every corruption is undone, and the walks are right again.
# Struct offsets come from GDB's reading of the DWARF, symbols from the
# System.map plus the guest's KASLR offset (from its own kallsyms).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
need jq gdb timeout
RUNDIR_HINT=$IOW_TEST_RUNDIR/$TEST-hostile
mkdir -p "$RUNDIR_HINT"
boot hostile --series 6.12 --device-args "-trace memory_region_ops_read,file=$RUNDIR_HINT/trace.log"
OFFSET=$(cat "$TRUTH/kaslr_offset")
BOUND=60

# Every offset the test needs, in one GDB session (loading the vmlinux's
# symbols is the slow part).
declare -A OFF
offsets() { # TYPE.MEMBER...
	local tm args=()
	for tm in "$@"; do args+=(-ex "p/d &((struct ${tm%%.*} *)0)->${tm#*.}"); done
	local i=0 v
	while read -r v; do
		OFF[${*:i+1:1}]=$v
		i=$((i + 1))
	done < <(gdb -nx -batch -ex "file $IOW_VMLINUX" "${args[@]}" 2>/dev/null | sed -n 's/^\$[0-9]* = //p')
	for tm in "$@"; do [ -n "${OFF[$tm]:-}" ] || { echo "ERROR: GDB gave no offset for $tm"; exit 99; }; done
}
offset_of() { echo "${OFF[$1.$2]}"; }
sym() { # NAME: its running address
	printf '0x%x' $((0x$(awk -v n="$1" '$3 == n { print $1; exit }' "$IOW_KDIR/System.map") + OFFSET))
}
# The guest stays stopped while its data is corrupt: GDB's `disconnect`
# does not resume it.
poke() { # ADDR VALUE [WIDTH]
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "set {unsigned ${3:-long}}$1 = $2" -ex disconnect >/dev/null 2>&1
}
peek() { # ADDR [WIDTH]
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "p/x *(unsigned ${2:-long} *)$1" -ex disconnect 2>/dev/null |
		sed -n 's/^\$1 = //p'
}
# Physical memory, for page tables (QEMU's PhyMemMode).
poke_phys() { # PADDR VALUE
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex 'maintenance packet Qqemu.PhyMemMode:1' \
		-ex "set {unsigned long}$1 = $2" -ex 'maintenance packet Qqemu.PhyMemMode:0' -ex disconnect >/dev/null 2>&1
}
peek_phys() { # PADDR
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex 'maintenance packet Qqemu.PhyMemMode:1' \
		-ex "p/x *(unsigned long *)$1" -ex 'maintenance packet Qqemu.PhyMemMode:0' -ex disconnect 2>/dev/null |
		sed -n 's/^\$1 = //p'
}
device_reads() { grep -c 'cpu -1' "$RUNDIR_HINT/trace.log" || true; }

# run_bounded NAME CMD...: the tool, at most BOUND seconds; status in RC,
# output in $RUN/NAME.out/.err.
run_bounded() {
	local name=$1 t0
	shift
	RC=0
	t0=$SECONDS
	timeout -k 5 $BOUND "$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" "$@" \
		>"$RUN/$name.out" 2>"$RUN/$name.err" || RC=$?
	echo "--- $name ($*): exit $RC after $((SECONDS - t0)) s: $(head -c 300 "$RUN/$name.err")"
}
# fails_naming NAME PATTERN: exit 2, and the message matches PATTERN.
fails_naming() { [ "$RC" -eq 2 ] && grep -qiE "$2" "$RUN/$1.err"; }
# ends NAME: within the bound, no crash: 0, 1 (check's findings) or 2 with a message.
ends() { [ "$RC" -le 1 ] || { [ "$RC" -eq 2 ] && grep -q '^iomem-walk: ' "$RUN/$1.err"; }; }
hex() { printf '%x' $(($1)); }

offsets vmap_area.list vmap_area.vm vm_struct.nr_pages vm_struct.size resource.name rb_node.rb_left \
	pci_dev.dev pci_dev.bus_list device.kobj.name
"$IOW_HARNESS/guest-snapshot" "$RUN" vmallocinfo "$RUN/vmallocinfo.good"
"$IOW_HARNESS/guest-snapshot" "$RUN" iomem "$RUN/iomem.good"
reads0=$(device_reads)
iow --json vmap >"$RUN/vmap.json" || { echo "FAIL: vmap"; exit 1; }
HPET_VA=$(awk '/ hpet_enable\+/ { print substr($1, 1, 18); exit }' "$RUN/vmallocinfo.good")
[ -n "$HPET_VA" ] || { echo "ERROR: no HPET ioremap in the guest"; exit 99; }
HPET_PA=$(awk '/ hpet_enable\+/ { sub(/.*phys=/, ""); print $1; exit }' "$RUN/vmallocinfo.good")
echo "HPET registers at $HPET_PA, mapped at $HPET_VA"

# --- the vmap area list: a cycle ---------------------------------------------------
OFF_VA_LIST=$(offset_of vmap_area list)
# vmap lists by address; one node's busy list is in address order too
# (mm/vmalloc.c link_va()), so three areas of one node, in address order,
# follow each other on its list.
read -r VA1 VA2 < <(jq -r '[.areas[] | select(.kind == "busy" and .node == 0)][0:3] | "\(.[0].vmap_area) \(.[2].vmap_area)"' "$RUN/vmap.json")
# the third area's list.next back to the first: 1 -> 2 -> 3 -> 1
addr=$((VA2 + OFF_VA_LIST))
old=$(peek $addr)
poke $addr $((VA1 + OFF_VA_LIST))
for c in "proc vmallocinfo" vmap ioremap tree; do
	# shellcheck disable=SC2086
	run_bounded "vcycle-${c// /-}" $c
	check "vmap list cycle: $c stops, naming the address" \
		fails_naming "vcycle-${c// /-}" "cycle.*($(hex $((VA1 + OFF_VA_LIST)))|$(hex $VA1))"
done
poke $addr "$old"
check "vmap list cycle undone: vmallocinfo right again" same_as_guest vmallocinfo

# --- a vm_struct pointer into device memory ------------------------------------------
OFF_VA_VM=$(offset_of vmap_area vm)
addr=$((VA1 + OFF_VA_VM))
old=$(peek $addr)
poke $addr "$HPET_VA"
run_bounded vm-device proc vmallocinfo
check "vm_struct pointer into the HPET's registers: refused, naming it" \
	fails_naming vm-device "$(hex "$HPET_VA").*not RAM"
poke $addr "$old"

# --- absurd page counts and sizes ------------------------------------------------------
# The vmalloc area with the most pages: nr_pages 0xffffffff; an ioremap's
# size 2^46.
OFF_VM_NR=$(offset_of vm_struct nr_pages)
OFF_VM_SIZE=$(offset_of vm_struct size)
VMS=$(jq -r '[.areas[] | select(.vm_struct != null and .nr_pages > 0)] | max_by(.nr_pages) | .vm_struct' "$RUN/vmap.json")
addr=$((VMS + OFF_VM_NR))
old=$(peek $addr int)
poke $addr 0xffffffff int
run_bounded absurd-pages proc vmallocinfo
check "nr_pages 0xffffffff: vmallocinfo ends within ${BOUND}s, cleanly" ends absurd-pages
run_bounded absurd-pages-ioremap ioremap
check "... and so does ioremap" ends absurd-pages-ioremap
poke $addr "$old" int
IOVM=$(jq -r --arg h "$HPET_VA" '.areas[] | select(.addr == $h) | .vm_struct' "$RUN/vmap.json")
addr=$((IOVM + OFF_VM_SIZE))
old=$(peek $addr)
poke $addr $((1 << 40))
for c in ioremap tree check; do
	run_bounded "absurd-size-$c" $c
	check "an ioremap of 1 TiB: $c ends within ${BOUND}s, cleanly" ends "absurd-size-$c"
done
poke $addr "$old"

# --- a resource name in device memory ------------------------------------------------
OFF_RES_NAME=$(offset_of resource name)
R=$(iow --json tree | jq -r '.resources[1].kernel_address')
addr=$((R + OFF_RES_NAME))
old=$(peek $addr)
poke $addr "$HPET_VA"
run_bounded name-device proc iomem
check "a resource name in the HPET's registers: refused, naming it" \
	fails_naming name-device "$(hex "$HPET_VA").*not RAM"
# ... and into the kernel image's 1 GiB where the image is not: unmapped
# (cleanup_highmap), or a kernel without RANDOMIZE_BASE's module area, so
# not the image's linear mapping (a read there would take RAM at the wrong
# place for the name).
TEXT=$(sym _text) END=$(sym _end)
OUT=$((((END + 0x1fffff) & ~0x1fffff) + 0x400000))
if [ $OUT -ge $((0xffffffffc0000000)) ]; then OUT=$(((TEXT & ~0x1fffff) - 0x400000)); fi
poke $addr $OUT
run_bounded name-past-image proc iomem
check "a resource name in the image's 1 GiB, outside the image: not mapped, not read linearly" \
	fails_naming name-past-image "$(hex $OUT).*not mapped"
poke $addr "$old"
check "resource name restored: proc iomem right again" same_as_guest iomem

# --- the module list: a cycle --------------------------------------------------------
MODS=$(sym modules)
M1=$(peek "$MODS")
M2=$(peek "$M1")
if [ "$M2" = "$MODS" ]; then
	echo "ERROR: the guest has one module or none; the module cycle needs two"; exit 99
fi
# the second module's next back to the first: 1 -> 2 -> 1
old=$(peek "$M2")
poke "$M2" "$M1"
run_bounded mcycle proc vmallocinfo
check "module list cycle: vmallocinfo (callers in modules) stops, naming the address" \
	fails_naming mcycle "($(hex "$M1")|$(hex "$M2")).*(cycle|back)|(cycle|back).*($(hex "$M1")|$(hex "$M2"))"
poke "$M2" "$old"
check "module list restored: vmallocinfo right again" same_as_guest vmallocinfo

# --- the PCI devices: a cycle in a bus's device list, a name in device memory ---------
# pci_dev.bus_list links a bus's devices (drivers/pci/probe.c): the third
# device of bus 00 back to the first, 1 -> 2 -> 3 -> 1; then a device's
# kobj.name pointed at the HPET's registers.
iow --json devices >"$RUN/devices.json" || { echo "FAIL: devices"; exit 1; }
read -r D1 D3 < <(jq -r '[.pci_devices[] | select(.pci_device | startswith("0000:00:"))][0:3] |
	"\(.[0].kernel_address) \(.[2].kernel_address)"' "$RUN/devices.json")
P1=$((D1 - $(offset_of pci_dev dev))) P3=$((D3 - $(offset_of pci_dev dev)))
addr=$((P3 + $(offset_of pci_dev bus_list)))
old=$(peek $addr)
poke $addr $((P1 + $(offset_of pci_dev bus_list)))
for c in devices tree check; do
	run_bounded "pcicycle-$c" $c
	check "PCI device list cycle: $c stops, naming the address" \
		fails_naming "pcicycle-$c" "cycle.*($(hex $((P1 + $(offset_of pci_dev bus_list))))|$(hex $P1))"
done
poke $addr "$old"
addr=$((D1 + $(offset_of device kobj.name)))
old=$(peek $addr)
poke $addr "$HPET_VA"
run_bounded pciname-device devices
check "a PCI device's name in the HPET's registers: refused, naming it" \
	fails_naming pciname-device "$(hex "$HPET_VA").*not RAM"
poke $addr "$old"
run_bounded pci-restored devices
check "PCI data restored: devices lists the same devices again" \
	eval 'jq -r ".pci_devices[].pci_device" "$RUN/devices.json" | cmp -s - <(jq -r ".pci_devices[].pci_device" <("$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" --json devices))'

# --- the PAT memtype tree: a cycle ----------------------------------------------------
ROOT=$(peek "$(sym memtype_rbroot)")
OFF_RB_LEFT=$(offset_of rb_node rb_left)
addr=$((ROOT + OFF_RB_LEFT))
old=$(peek $addr)
poke $addr "$ROOT"
for c in "proc pat_memtype_list" ioremap; do
	run_bounded "pcycle-${c// /-}" $c
	check "memtype tree cycle: $c stops, naming the address" \
		fails_naming "pcycle-${c// /-}" "cycle.*$(hex "$ROOT")"
done
poke $addr "$old"
check "memtype tree restored: proc pat_memtype_list right again" same_as_guest pat_memtype_list

# --- a page table in device memory ----------------------------------------------------
# The HPET mapping's PMD entry (a table, not a leaf) made to point at the
# HPET's registers: a walker that trusted it would read them as a table.
iow --json pte "$HPET_VA" >"$RUN/pte.json"
read -r TPA IDX ENTRY < <(jq -r '.levels[] | select(.level == "PMD") | "\(.table_phys) \(.index) \(.entry)"' "$RUN/pte.json")
[ -n "$ENTRY" ] && [ $((ENTRY & 0x80)) -eq 0 ] || { echo "ERROR: the HPET mapping's PMD is no table ($ENTRY)"; exit 99; }
paddr=$((TPA + IDX * 8))
[ "$(peek_phys $paddr)" = "$(printf '0x%x' $((ENTRY)))" ] ||
	{ echo "ERROR: GDB reads $(peek_phys $paddr) at $(printf '0x%x' $paddr), the tool said $ENTRY"; exit 99; }
poke_phys $paddr $(((HPET_PA & ~0xfff) | (ENTRY & 0xfff)))
for c in ioremap "pte $HPET_VA" tree; do
	run_bounded "ptdev-${c%% *}" $c
	check "a page table in the HPET's registers: $c refuses it, naming it" \
		fails_naming "ptdev-${c%% *}" "$(hex "$HPET_PA").*not (in )?RAM"
done
poke_phys $paddr "$ENTRY"
check "page table restored: ioremap works again" eval 'iow ioremap >/dev/null'

# --- no device reads, and the check is not blind ---------------------------------------
sleep 2
check "over all these walks, no device memory was read" test "$(device_reads)" = "$reads0"
gdb -nx -batch -ex "target remote $IOW_GDB" -ex "x/wx $HPET_VA" -ex disconnect >/dev/null 2>&1
ok=1
for _ in $(seq 30); do [ "$(device_reads)" -gt "$reads0" ] && { ok=0; break; }; sleep 0.5; done
check "a deliberate read of the HPET by GDB does show in the trace (the check can fail)" test $ok -eq 0
finish
