#!/bin/bash
# A corrupted resource tree, written into a live guest from GDB: a cycle, a
# wild pointer, a pointer into device memory (an ioremap area) and a wrong
# parent pointer.  Each walk ends quickly with a message naming the address,
# prints what it read before (a prefix of the guest's real file), reads no
# device memory, and the tool works again once the tree is restored.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
need jq gdb
boot corrupt --series 6.12 --devices minimal

# Member offsets from GDB's own reading of the DWARF, not from the tool.
offs=$(gdb -nx -batch -ex "file $IOW_VMLINUX" \
	-ex 'p/d &((struct resource *)0)->sibling' -ex 'p/d &((struct resource *)0)->child' \
	-ex 'p/d &((struct resource *)0)->parent' 2>/dev/null | sed -n 's/^\$[0-9]* = //p' | tr '\n' ' ')
read -r OFF_SIBLING OFF_CHILD OFF_PARENT <<<"$offs"
[ -n "$OFF_PARENT" ] || { echo "FAIL: GDB could not read struct resource"; exit 1; }

# The guest must never run while its tree is corrupt: its own walks would
# loop.  GDB's `disconnect` leaves it stopped (QEMU stops a guest when a
# debugger connects and does not resume it on a disconnect); the snapshot
# after the restore lets it run again.
poke() { # ADDR VALUE: write a pointer into the stopped guest
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "set {unsigned long}$1 = $2" -ex disconnect >/dev/null 2>&1
}
peek() { # ADDR
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "p/x *(unsigned long *)$1" -ex disconnect 2>/dev/null |
		sed -n 's/^\$1 = //p'
}

"$IOW_HARNESS/guest-snapshot" "$RUN" iomem "$RUN/iomem.good"
iow --json tree >"$RUN/tree.json"
A=$(jq -r '.resources[0].kernel_address' "$RUN/tree.json")
B=$(jq -r '.resources[2].kernel_address' "$RUN/tree.json")
# A resource with a parent below the root: System ROM under the second Reserved.
C=$(jq -r '[.resources[] | select(.children | length > 0)][0].children[0].kernel_address' "$RUN/tree.json")
"$IOW_HARNESS/guest-snapshot" "$RUN" vmallocinfo "$RUN/vmallocinfo.good"
HPET_VA=$(awk '/ hpet_enable\+/ { print substr($1, 1, 18); exit }' "$RUN/vmallocinfo.good")
echo "A=$A B=$B C=$C HPET ioremap at $HPET_VA"

corrupt_case() { # WHAT ADDR VALUE PATTERN
	local what=$1 addr=$2 val=$3 pat=$4 old rc=0
	old=$(peek "$addr")
	poke "$addr" "$val"
	timeout 60 "$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" proc iomem >"$RUN/out" 2>"$RUN/err" || rc=$?
	echo "--- $what: exit $rc: $(cat "$RUN/err")"
	check "$what: the walk fails with status 2, no hang" test $rc -eq 2
	check "$what: the message names the address" grep -qiE "$pat" "$RUN/err"
	check "$what: what was printed is a prefix of the real file" \
		cmp -s "$RUN/out" <(head -c "$(wc -c <"$RUN/out")" "$RUN/iomem.good")
	poke "$addr" "$old"
	check "$what: restored, the walk is right again" same_as_guest iomem
}

corrupt_case "sibling cycle" $((B + OFF_SIBLING)) "$A" "cycle.*${A#0x}|${A#0x}.*(twice|cycle)"
corrupt_case "wild child pointer" $((A + OFF_CHILD)) 0xdead000000000000 "dead000000000000"
corrupt_case "child pointer into an ioremap area" $((A + OFF_CHILD)) "$HPET_VA" "${HPET_VA#0x}.*not RAM"
corrupt_case "wrong parent pointer" $((C + OFF_PARENT)) "$B" "parent pointer"
finish
