#!/bin/bash
# An adversarial stub: tests/tools/iow-fault-stub sits in front of a real
# 6.12 guest's gdbstub and, once, at the Nth packet, answers with a bad
# checksum, a truncated or oversized packet, an E error, a wrong length, a
# run-length bomb, garbage, a long delay, silence, or hangs up.  N is spread
# over the handshake, the kernel's opening and the walk itself.
#
# Every command, through the CLI, must then end within a bounded time with
# either the guest's own output (the fault was absorbed: a resend, a
# re-read) or a clear one-line error and exit status 2; never a hang, a
# crash, or output that differs from the guest's.  Afterwards the guest and
# its stub must be unharmed (a direct run equals the guest's files).
# Through both ways into GDB (gdb-minimal, the plugin spliced in, and the
# relay as GDB's stub) the same faults must leave GDB alive, answering and
# able to quit, and the in-process relay must never take GDB down.
. "$(dirname "$0")/lib.sh"
need timeout gdb jq
top=$(cd "${top_builddir:-.}" && pwd)
IOW=$top/iomem-walk
FS=$top/tests/tools/iow-fault-stub
GDB_SCRIPT=$top/gdb-scripts/iomem-walk-uninstalled.gdb
[ -x "$FS" ] || skip "no $FS (make check builds it)"
[ -x "$IOW" ] || skip "no $IOW"
export IOW_RELAY=$IOW
FAULTS="badsum truncate oversize error wronglen longer rlebomb garbage delay disconnect silence"
TIMEOUT_MS=700   # the tool's wait for one reply
DELAY_MS=1500    # the delay fault: longer than that
BOUND=20         # seconds: one command, whatever the fault

boot 6.12 --series 6.12
W=$RUN/fault
rm -rf "$W"
mkdir -p "$W"
export IOW_VMLINUX
# The relay is given the vmlinux: these sessions are about faults, not
# about finding it.

# start_stub FAULT N [MARK]: the stub in the background, its port in PORT.
start_stub() {
	rm -f "$W/port"
	"$FS" --upstream "$IOW_GDB" --fault "$1" --at "$2" ${3:+--mark "$3"} --delay $DELAY_MS \
		--port-file "$W/port" --log "$W/stub.log" &
	STUB=$!
	local i
	for i in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
	PORT=$(cat "$W/port" 2>/dev/null)
	[ -n "$PORT" ] || { echo "ERROR: the fault stub did not start"; exit 99; }
}
# The stub ends by itself when its client hangs up, and writes its count
# last: give it a moment before it is killed.
stop_stub() {
	local i
	for i in $(seq 50); do kill -0 "$STUB" 2>/dev/null || break; sleep 0.1; done
	kill "$STUB" 2>/dev/null
	wait "$STUB" 2>/dev/null
}

# The guest's own files, and the tool's clean answers for the commands that
# have no file of the guest's to compare with (only to see that a fault
# changes nothing when the command succeeds).
declare -A WANT RC0 PKTS
cmds=("proc iomem" "proc ioports" "proc vmallocinfo" "tree" "ioremap" "check" "vmap" "info")
# The guest's files now (it runs for them; the tool's first connection
# stops it, and it stays stopped for the rest of the test).
for f in iomem ioports vmallocinfo; do
	"$IOW_HARNESS/guest-snapshot" "$RUN" $f "$W/$f.guest" || { echo "ERROR: no snapshot of $f"; exit 99; }
	WANT["proc $f"]=$W/$f.guest
done
for c in "${cmds[@]}"; do
	f=$W/clean.$(echo "$c" | tr ' ' _)
	start_stub none 1
	rc=0
	# shellcheck disable=SC2086
	timeout $BOUND "$IOW" --timeout $TIMEOUT_MS --target "127.0.0.1:$PORT" $c >"$f" 2>"$f.err" || rc=$?
	stop_stub
	RC0[$c]=$rc
	PKTS[$c]=$(sed -n 's/^= \([0-9]*\) packets.*/\1/p' "$W/stub.log")
	[ -n "${PKTS[$c]}" ] || { echo "ERROR: the fault stub did not count the packets of $c"; exit 99; }
	[ -n "${WANT[$c]:-}" ] || WANT[$c]=$f
	echo "clean: $c: exit $rc, ${PKTS[$c]} packets"
done
check "without a fault, proc iomem through the stub is the guest's" cmp -s "$W/iomem.guest" "$W/clean.proc_iomem"
check "without a fault, proc vmallocinfo through the stub is the guest's" \
	cmp -s "$W/vmallocinfo.guest" "$W/clean.proc_vmallocinfo"

# One CLI run under a fault: prints a verdict line, returns 1 when it broke
# a rule.
runs=0 absorbed=0 refused=0
cli_fault() { # FAULT N CMD
	local fault=$1 n=$2 c=$3 rc=0 t0 dt out=$W/out err=$W/err
	start_stub "$fault" "$n"
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	timeout -k 2 $BOUND "$IOW" --timeout $TIMEOUT_MS --target "127.0.0.1:$PORT" $c >"$out" 2>"$err" || rc=$?
	dt=$((($(date +%s%N) - t0) / 1000000))
	stop_stub
	runs=$((runs + 1))
	if [ $rc -eq 124 ] || [ $rc -ge 128 ]; then
		echo "$c, $fault at $n: exit $rc after $dt ms (a hang or a crash)"; tail -n 3 "$err"; return 1
	fi
	if [ $rc -eq "${RC0[$c]}" ] && cmp -s "${WANT[$c]}" "$out"; then
		absorbed=$((absorbed + 1)); return 0
	fi
	if [ $rc -eq 2 ] && [ "$(wc -l <"$err")" -ge 1 ] && head -n 1 "$err" | grep -q '^iomem-walk: .\{10,\}'; then
		refused=$((refused + 1))
		# the first time for each fault, show the message
		grep -q "^$fault " "$W/seen" 2>/dev/null || { echo "$fault $(head -n 1 "$err")" >>"$W/seen"; echo "  $c, $fault at $n: $(head -n 1 "$err" | cut -c1-200)"; }
		return 0
	fi
	echo "$c, $fault at $n: exit $rc after $dt ms, and the output is not the guest's:"
	diff "${WANT[$c]}" "$out" | head -n 5; head -n 3 "$err"
	return 1
}

# Faults at packets spread over the whole session of each command.
cli_bad=0
for c in "${cmds[@]}"; do
	p=${PKTS[$c]}
	case $c in
	"proc iomem" | "proc vmallocinfo") ns="1 2 4 $((p / 4)) $((p / 2)) $((3 * p / 4)) $p" ;;
	*) ns="$((p / 2))" ;;
	esac
	for fault in $FAULTS; do
		for n in $ns; do
			cli_fault "$fault" "$n" "$c" || cli_bad=$((cli_bad + 1))
		done
	done
done
echo "CLI: $runs runs under a fault: $absorbed absorbed (the guest's output), $refused refused with a clear error, $cli_bad broke a rule"
check "CLI: every command under every fault ends within ${BOUND}s, right or with a clear error (exit 2)" test $cli_bad -eq 0

# The guest and its stub are unharmed: no stub left in physical mode, no
# stale state.  Then a stub that another client left in physical mode.
check "after all that, a direct run is the guest's /proc/iomem" \
	eval '"$IOW" --target "$IOW_GDB" proc iomem | cmp -s "$W/iomem.guest" -'
gdb -nx -batch -ex "target remote $IOW_GDB" -ex 'maintenance packet Qqemu.PhyMemMode:1' -ex disconnect >/dev/null 2>&1
check "a stub another client left in physical mode: proc iomem is still the guest's" \
	eval '"$IOW" --target "$IOW_GDB" proc iomem | cmp -s "$W/iomem.guest" -'

# --- GDB ---------------------------------------------------------------------
# A session: connect through the fault stub one way or the other, run two
# commands, then show GDB is alive and quit.  The fault counts from the
# relay's first read of the kernel (the IDT), which GDB itself never sends.
MARK=mfffffe0000000000
gdb_fault() { # WAY FAULT N
	local way=$1 fault=$2 n=$3 rc=0 t0 dt s=$W/gdb
	start_stub "$fault" "$n" "$MARK"
	rm -f "$s".*
	local conn=(-ex "target remote 127.0.0.1:$PORT" -ex load-plugin)
	[ "$way" = agent ] && conn=(-ex "load-plugin 127.0.0.1:$PORT")
	t0=$(date +%s)
	timeout -k 5 60 gdb -nx -batch -ex 'set pagination off' -ex 'set confirm off' \
		-ex "set remotetimeout 2" -ex "source $GDB_SCRIPT" "${conn[@]}" \
		-ex "pipe iomem-walk proc iomem | cat >$s.iomem" \
		-ex "pipe iomem-walk proc ioports | cat >$s.ioports" \
		-ex 'echo @@alive:' -ex 'output 6*7' -ex 'echo @@\n' \
		</dev/null >"$s.out" 2>"$s.err" || rc=$?
	dt=$(($(date +%s) - t0))
	stop_stub
	if [ $rc -eq 124 ] || [ $rc -eq 137 ] || [ $rc -ge 128 ]; then
		echo "GDB/$way, $fault at $n: GDB exit $rc after $dt s (hung or crashed)"; tail -n 5 "$s.err"; return 1
	fi
	grep -qF '@@alive:42@@' "$s.out" || { echo "GDB/$way, $fault at $n: GDB did not answer after it"; tail -n 5 "$s.out" "$s.err"; return 1; }
	# Each command gave the guest's file, or an error GDB printed.
	if ! cmp -s "$W/iomem.guest" "$s.iomem" && ! grep -qE 'iomem-walk: |Remote|remote|E01|Protocol error' "$s.err"; then
		echo "GDB/$way, $fault at $n: proc iomem neither right nor refused:"; head -n 5 "$s.iomem" "$s.err"; return 1
	fi
	if [ $dt -gt 45 ]; then
		echo "GDB/$way, $fault at $n: took ${dt}s"; return 1
	fi
	return 0
}
for way in inproc agent; do
	bad=0 runs=0
	for fault in $FAULTS; do
		for n in 2 40; do
			runs=$((runs + 1))
			gdb_fault "$way" "$fault" "$n" || bad=$((bad + 1))
		done
	done
	check "GDB/$way: $runs sessions under a fault: GDB alive, answering and quitting every time" test $bad -eq 0
done
check "after the GDB sessions, a direct run is the guest's /proc/iomem" \
	eval '"$IOW" --target "$IOW_GDB" proc iomem | cmp -s "$W/iomem.guest" -'
finish
