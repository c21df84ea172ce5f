#!/bin/bash
# check on a guest broken on purpose: the test module's alias, RAM alias and
# write-protect request are violations (exit 1), from the CLI, inside GDB
# and on an ELF dump, while ioremap and tree list them and exit 0; a
# resource moved outside its parent from GDB is one too, and the guest
# passes that check again once restored.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
need jq gdb
boot broken --series 6.12

rc=0; iow check >"$RUN/check.out" 2>&1 || rc=$?
cat "$RUN/check.out"
check "the test module's guest fails the check (exit 1)" test $rc -eq 1
a=$(printf '0x%016x' $(($(awk '$1 == "alias-raw" { print $5 }' "$TRUTH/iowtest"))))
check "the unreserved WC alias is a violation, with its address" grep -q "VIOLATION alias .* WC at $a" "$RUN/check.out"
check "the WP request mapped UC is a violation" grep -q 'VIOLATION mode-mismatch .* mapped UC at .* but reserved WP' "$RUN/check.out"
check "the RAM vmap is a violation" grep -q 'VIOLATION alias .*RAM .* WB by the direct map' "$RUN/check.out"
n=$(sed -n 's/^check: \([0-9]*\) violation.*/\1/p' "$RUN/check.out")
# QEMU's findings aside (an ELF dump has no QEMU to ask).
n0=$(iow check --no-qemu 2>&1 | sed -n 's/^check: \([0-9]*\) violation.*/\1/p')

# Views list the same findings, and exit 0: 1 is check's verdict alone.
for v in ioremap tree; do
	rc=0; iow $v >"$RUN/$v.out" 2>&1 || rc=$?
	echo "$v: exit $rc, $(grep -E '^[0-9]+ findings?:' "$RUN/$v.out")"
	check "$v lists findings and exits 0" bash -c "test $rc -eq 0 && grep -Eq '^[1-9][0-9]* findings?:' '$RUN/$v.out'"
done

# Inside GDB, through the relay: the same violations.
IOW_VMLINUX=$IOW_VMLINUX IOW_RELAY=$IOW gdb -nx -batch -ex "source ${top_builddir:-.}/gdb-scripts/iomem-walk-uninstalled.gdb" \
	-ex "target remote $IOW_GDB" -ex load-plugin -ex 'iomem-walk check' -ex disconnect >"$RUN/gdb.out" 2>&1
check "in GDB: the same number of violations" grep -q "^check: $n violations" "$RUN/gdb.out"

# On a dump of the guest: the same.
gdb -nx -batch -ex "target remote $IOW_GDB" -ex "monitor dump-guest-memory $RUN/core.elf" -ex disconnect >/dev/null 2>&1
rc=0; "$IOW" --core "$RUN/core.elf" --vmlinux "$IOW_VMLINUX" check >"$RUN/core.out" 2>&1 || rc=$?
check "on an ELF dump: exit 1 and the same number of violations (QEMU's aside)" \
	bash -c "test $rc -eq 1 && grep -q '^check: $n0 violations' '$RUN/core.out'"
check "on an ELF dump: check says in one line that QEMU's map cannot be had" \
	grep -q "^note .*qemu-unavailable .*QEMU's memory map is not available: an ELF dump" "$RUN/core.out"
check "on an ELF dump: mtree says so in one line and exits 2; tree goes on" elf_dump_one_line "$RUN/core.elf"
rm -f "$RUN/core.elf"

# A resource pushed outside its parent: the iowtest window's first child
# ends past the window.  Offsets from GDB's own reading of the DWARF.
end_off=$(gdb -nx -batch -ex "file $IOW_VMLINUX" -ex 'p/d &((struct resource *)0)->end' 2>/dev/null |
	sed -n 's/^\$1 = //p')
iow --json tree --no-mappings >"$RUN/tree.json"
child=$(jq -r '.resources[] | select(.name == "iowtest") | .children[0].kernel_address' "$RUN/tree.json")
cend=$(jq -r '.resources[] | select(.name == "iowtest") | .children[0].end' "$RUN/tree.json")
wend=$(jq -r '.resources[] | select(.name == "iowtest") | .end' "$RUN/tree.json")
poke() { gdb -nx -batch -ex "target remote $IOW_GDB" -ex "set {unsigned long}$1 = $2" -ex disconnect >/dev/null 2>&1; }
poke $((child + end_off)) $((wend + 0x1000))
rc=0; iow check >"$RUN/check2.out" 2>&1 || rc=$?
grep resource- "$RUN/check2.out"
check "a child outside its parent: exit 1" test $rc -eq 1
check "a child outside its parent: named, with both ranges" \
	grep -q "VIOLATION resource-outside-parent .*iowtest uc--2M .* outside its parent iowtest" "$RUN/check2.out"
poke $((child + end_off)) "$cend"
rc=0; iow check >"$RUN/check3.out" 2>&1 || rc=$?
check "restored: back to the module's own violations only" grep -q "^check: $n violations" "$RUN/check3.out"
"$IOW_HARNESS/guest-resume" "$RUN"
finish
