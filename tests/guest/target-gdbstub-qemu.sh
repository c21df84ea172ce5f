#!/bin/bash
# The gdbstub back end against QEMU 7.2's own stub, through the
# iow-target-probe tool: control registers found by the stub's target
# description (CR4.LA57 clear on a 4-level guest, set with --la57),
# linux_banner read virtually and physically (qemu.PhyMemMode, at the
# address QEMU's monitor gives) with the same bytes as the guest's own
# /proc/version, the stub back in virtual mode afterwards, a fault that
# leaves the connection usable, monitor output, the counters, and a QEMU
# killed in the middle of a read loop making the probe fail within seconds
# rather than hang.
. "$(dirname "$0")/lib.sh"

PROBE=${IOW_PROBE:-${top_builddir:-.}/tests/tools/iow-target-probe}
[ -x "$PROBE" ] || { echo "FAIL: $PROBE is not built (make check builds it)"; exit 99; }

probe() { timeout 60 "$PROBE" --phys "$IOW_GDB" "$@"; }
sym() { awk -v s="$1" '$3 == s { print "0x" $1; exit }' "$TRUTH/kallsyms_text"; }
hex_of() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
bit() { echo $(( ($1 >> $2) & 1 )); }
# in_ram ADDR: inside a "System RAM" range of the guest's /proc/iomem
in_ram() {
	local s e
	while read -r s e; do
		[ $(($1)) -ge $((s)) ] && [ $(($1)) -le $((e)) ] && return 0
	done < <(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/0x\1 0x\2/p' "$TRUTH/iomem")
	return 1
}

# --- a default 4-level guest ---------------------------------------------
boot default --series 6.12 --devices minimal --no-testmod
banner=$(sym linux_banner)
[ -n "$banner" ] || { echo "FAIL: no linux_banner in the guest's kallsyms"; exit 1; }

cr3=$(probe reg cr3) && cr4=$(probe reg cr4)
check "cr3 and cr4 read ($cr3, $cr4)" test -n "$cr3" -a -n "$cr4"
check "CR4.LA57 (bit 12) is clear on a 4-level guest" test "$(bit "$cr4" 12)" = 0
check "CR4.PAE (bit 5) is set, as long mode needs" test "$(bit "$cr4" 5)" = 1
check "cr3 points into the guest's RAM" in_ram $((cr3 & 0x000ffffffffff000))
check "the probe says the registers came from QEMU's description" \
	bash -c "timeout 60 '$PROBE' '$IOW_GDB' reg rip , info | grep -qx builtin_regs=0"

check "linux_banner reads as the guest's /proc/version" \
	test "$(probe string virt "$banner" 512)" = "$(cat "$TRUTH/version")"
virt=$(probe read virt "$banner" 64)
check "a virtual read of linux_banner starts 'Linux version'" \
	test "${virt:0:26}" = "$(hex_of "Linux version")"
gpa=$(probe gva2gpa "$banner")
check "QEMU's monitor translates linux_banner ($gpa)" in_ram "${gpa:-0}"
out=$(probe read phys "$gpa" 64 , invalidate , read virt "$banner" 64 , info)
echo "$out"
check "a physical read at the translated address gives the same bytes" \
	test "$(sed -n 1p <<<"$out")" = "$virt"
check "a virtual read after it, uncached, gives them again (back in virtual mode)" \
	test "$(sed -n 2p <<<"$out")" = "$virt"
check "QEMU offers qemu.PhyMemMode" grep -qx phys_mode=1 <<<"$out"
check "QEMU stays in ack mode" grep -qx ack_mode=1 <<<"$out"
check "reads of 2 KiB per packet (PacketSize 4096)" grep -qx max_read=2048 <<<"$out"
check "phys-roundtrip agrees" probe phys-roundtrip "$banner" 64
check "a physical read across pages works and the stub returns to virtual mode" \
	probe read phys $((gpa & ~0xfff | 0xff8)) 16 , read virt "$banner" 8

err=$(timeout 60 "$PROBE" "$IOW_GDB" read phys "$gpa" 8 2>&1 >/dev/null)
echo "$err"
check "without --phys, a physical read is refused as unsupported" grep -q 'unsupported' <<<"$err"
out=$(timeout 60 "$PROBE" --keep-going "$IOW_GDB" read virt 0x10 8 , read virt "$banner" 13 2>&1)
echo "$out"
check "an unmapped address fails with that address" grep -q 'cannot read memory at 0x10 ' <<<"$out"
check "... and the next read on the same connection works" grep -qx "$(hex_of "Linux version")" <<<"$out"

mtree=$(probe monitor info mtree -f | tr -d '\r')
check "monitor 'info mtree -f' returns QEMU's memory map" grep -q 'FlatView' <<<"$mtree"
check "... with the guest's RAM in it" grep -q 'pc.ram' <<<"$mtree"
stats=$(probe reg cr3 , read virt "$(sym _text)" 8192 , stats | grep =)
echo "$stats"
check "round trips are counted" grep -qE '^round_trips=[1-9]' <<<"$stats"
check "bytes are counted both ways" bash -c "grep -qE '^bytes_sent=[1-9]' <<<'$stats' && grep -qE '^bytes_received=[1-9]' <<<'$stats'"
check "memory bytes are counted (8 KiB at least)" \
	test "$(sed -n 's/^mem_bytes=//p' <<<"$stats")" -ge 8192
probe bench "$banner" 1000

"$IOW_HARNESS/stop-guest" "$RUN"

# --- a 5-level guest, then its QEMU killed mid-loop -------------------------
boot la57 --series 6.12 --la57 --devices minimal --no-testmod
banner=$(sym linux_banner)
cr4=$(probe reg cr4)
check "CR4.LA57 (bit 12) is set on a --la57 guest ($cr4)" test "$(bit "$cr4" 12)" = 1
check "linux_banner reads as /proc/version under 5-level paging" \
	test "$(probe string virt "$banner" 512)" = "$(cat "$TRUTH/version")"
check "phys-roundtrip agrees under 5-level paging" probe phys-roundtrip "$banner" 64

timeout 30 "$PROBE" "$IOW_GDB" loop virt "$banner" 64 100000000 >/dev/null 2>"$RUN/loop.err" &
loop=$!
sleep 2
killed=$SECONDS
kill -9 "$IOW_QEMU_PID"
wait $loop
rc=$?
took=$((SECONDS - killed))
cat "$RUN/loop.err"
check "with QEMU killed, the read loop does not hang (status $rc)" test $rc -ne 124
check "... it fails, status 1" test $rc -eq 1
check "... within 5 s ($took s)" test $took -le 5
check "... saying the stub closed the connection" grep -q 'closed the connection' "$RUN/loop.err"
finish
