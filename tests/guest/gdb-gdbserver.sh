#!/bin/bash
# The relay between gdb-minimal and a stub that takes binary X packets and
# no-ack mode, which QEMU 7.2 does not: gdbserver, attached to a process
# (tests/fixtures/kshape).  Through both ways in: bytes $ # } * 0x03 0x00,
# and 8 KiB of every byte value (several full X packets), written with
# GDB's `set` and `restore`, must land in the process's memory exactly (read
# from /proc/PID/mem, not through GDB), be read back right through the
# relay, and be restored; binary replies (vFile transfers of the program
# and its libraries) come back through the agent; round trips
# interleaving X writes, reads and iomem-walk commands stay in step in
# no-ack mode; unload and reload in no-ack mode.  No guest: no kernel
# for iomem-walk to walk, so its kernel commands must fail cleanly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gdb-common.sh"
gdb_prereqs
need gdbserver dd od
KSHAPE=$top/tests/fixtures/kshape
[ -x "$KSHAPE" ] || skip "no $KSHAPE (make check builds it)"

W=$IOW_TEST_RUNDIR/$TEST
rm -rf "$W"
mkdir -p "$W"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done' EXIT

"$KSHAPE" "$W/addrs" &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$W/addrs" ] && break; sleep 0.1; done
KPID=$(($(sed -n 's/^pid=//p' "$W/addrs")))
PAT=$(sed -n 's/^pattern=//p' "$W/addrs")
[ -n "$PAT" ] && [ "$KPID" -gt 0 ] || { echo "ERROR: kshape did not start"; exit 99; }
echo "kshape: pid $KPID, pattern buffer at $PAT"
gdb_helpers

# gdbserver attached to kshape for one connection; its port in PORT.
start_gdbserver() {
	local log=$W/gdbserver.$1.log
	gdbserver --once 127.0.0.1:0 --attach "$KPID" >"$log" 2>&1 &
	PIDS+=($!)
	PORT=""
	for _ in $(seq 100); do
		PORT=$(sed -n 's/^Listening on port \([0-9]*\)$/\1/p' "$log")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	echo "ERROR: gdbserver did not listen"; cat "$log"; exit 99
}
# mem FILE OFFSET COUNT: the process's own bytes, not GDB's view.
mem() { dd if=/proc/$KPID/mem of="$1" bs=1 skip=$((PAT + $2)) count="$3" status=none; }

# 8 KiB: every byte value 32 times.
for i in $(seq 0 255); do printf "\\$(printf %03o "$i")"; done >"$W/all.bin"
for i in $(seq 32); do cat "$W/all.bin"; done >"$W/big.bin"
printf '$#}*\003\000z\000' >"$W/want.small"

session() { # WAY
	local w=$1 i
	mem "$W/$w.orig" 0 8192
	start_gdbserver "$w"
	if [ "$w" = inproc ]; then
		ex "target remote 127.0.0.1:$PORT"
		ex load-plugin
	else
		ex "load-plugin 127.0.0.1:$PORT"
	fi
	ex 'set debug remote 1'
	ex "set {char[8]}$PAT = \"\$#}*\\003\\000z\""
	ex 'set debug remote 0'
	ex "shell dd if=/proc/$KPID/mem of=$W/$w.small bs=1 skip=\$(($PAT)) count=8 status=none"
	ex "dump binary memory $W/$w.small.gdb $PAT $PAT+8"
	ex "restore $W/big.bin binary $PAT"
	ex "shell dd if=/proc/$KPID/mem of=$W/$w.big bs=1 skip=\$(($PAT)) count=8192 status=none"
	ex "dump binary memory $W/$w.big.gdb $PAT $PAT+8192"
	ex "pipe iomem-walk info | cat >$W/$w.info"
	alive "$w.after-error"
	for i in $(seq 1 20); do
		echo "set {unsigned char}($PAT+$i) = $((i * 7 % 256))"
		echo "printf \"@@rt $i:%d@@\\n\", *(unsigned char *)($PAT+$i)"
		echo "pipe iomem-walk help | cat >$W/$w.help.$i"
	done >"$W/$w.rt.gdb"
	ex "source $W/$w.rt.gdb"
	ex "restore $W/$w.orig binary $PAT"
	if [ "$w" = inproc ]; then
		ex unload-plugin
		ex "set {char[8]}$PAT = \"\$#}*\\003\\000z\""
		ex "shell dd if=/proc/$KPID/mem of=$W/$w.unloaded bs=1 skip=\$(($PAT)) count=8 status=none"
		ex load-plugin
		ex "pipe iomem-walk help | cat >$W/$w.reloaded"
		ex "restore $W/$w.orig binary $PAT"
	fi
	ex "shell dd if=/proc/$KPID/mem of=$W/$w.final bs=1 skip=\$(($PAT)) count=8192 status=none"
	alive "$w.end"
	ex detach
	gdb_batch "$w"

	check "$w: the connection is in no-ack mode (packets, no acks)" \
		eval 'grep -q "Sending packet" "$W/$w.err" && ! grep -q "Received Ack" "$W/$w.err"'
	check "$w: GDB sent a binary X packet with \$ # } * 0x03 0x00 ..." \
		grep -qF ',8:}\004}\003}]}\n\003\000z\000#' "$W/$w.err"
	check "$w: ... the stub took it (OK came back through the relay)" \
		eval "grep -A3 -F ',8:}\\004}\\003}]}\\n' '$W/$w.err' | grep -q 'Packet received: OK'"
	check "$w: ... and the bytes are in the process's memory" same "$W/want.small" "$W/$w.small"
	check "$w: ... and read back right through the relay" same "$W/want.small" "$W/$w.small.gdb"
	check "$w: restore of 8 KiB of every byte value: in the process's memory" same "$W/big.bin" "$W/$w.big"
	check "$w: ... and read back right through the relay" same "$W/big.bin" "$W/$w.big.gdb"
	check "$w: iomem-walk on a process that is no kernel fails cleanly" grep -q '^iomem-walk: ' "$W/$w.info"
	check "$w: GDB alive after that" is_alive "$w" "$w.after-error"
	local ok=0
	for i in $(seq 1 20); do
		grep -qxF "@@rt $i:$((i * 7 % 256))@@" "$W/$w.out" && grep -q '^Usage: iomem-walk' "$W/$w.help.$i" &&
			ok=$((ok + 1))
	done
	check "$w: 20 rounds of X write, read and iomem-walk in no-ack mode all right" test $ok -eq 20
	if [ "$w" = inproc ]; then
		check "$w: unloaded, X writes go straight to the stub" same "$W/want.small" "$W/$w.unloaded"
		check "$w: reloaded, relaying (in no-ack mode)" grep -q '^Usage: iomem-walk' "$W/$w.reloaded"
	else
		check "$w: the program and libc came through the relay (binary vFile replies)" \
			grep -q 'Reading symbols from target:' "$W/$w.out" "$W/$w.err"
	fi
	check "$w: the original bytes are back" same "$W/$w.orig" "$W/$w.final"
	check "$w: GDB alive at the end" is_alive "$w" "$w.end"
}

session inproc
session agent
finish
