#!/bin/bash
# A guest never outlives its owner: when the process that booted it dies
# without stopping it (a test killed by its timeout, say), the harness's
# watchdog stops QEMU by itself; stop-guest stops a guest and is idempotent.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64

RUN=$IOW_TEST_RUNDIR/$TEST
mkdir -p "$RUN"
sleep 600 &
owner=$!
trap '"$IOW_HARNESS/stop-guest" "$RUN"; kill $owner 2>/dev/null' EXIT
"$IOW_HARNESS/boot-guest" --owner $owner --devices minimal --no-testmod "$RUN" ||
	{ echo "FAIL: the guest did not boot"; exit 1; }
qpid=$(cat "$RUN/qemu.pid")
check "QEMU runs while its owner lives" kill -0 "$qpid"
kill $owner
gone() { for _ in $(seq 100); do kill -0 "$qpid" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
check "QEMU is gone within 10 s of its owner's death" gone

"$IOW_HARNESS/boot-guest" --owner $$ --devices minimal --no-testmod "$RUN" ||
	{ echo "FAIL: the guest did not boot again"; exit 1; }
qpid=$(cat "$RUN/qemu.pid")
"$IOW_HARNESS/stop-guest" "$RUN"
check "stop-guest stops QEMU" bash -c "! kill -0 $qpid 2>/dev/null"
check "stop-guest on a stopped guest succeeds" "$IOW_HARNESS/stop-guest" "$RUN"
finish
