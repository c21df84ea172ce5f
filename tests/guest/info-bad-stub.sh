#!/bin/bash
# A stub that is not there, or that accepts and never answers, or that dies
# mid-session, ends in a clear error within the timeout: never a hang.
. "$(dirname "$0")/lib.sh"
need busybox timeout
IOW=${top_builddir:-.}/iomem-walk
vmlinux=$("$IOW_HARNESS/fetch-kernel" 6.12)/vmlinux
t=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$t"' EXIT

port() { echo $((20000 + (RANDOM * 32768 + RANDOM) % 40000)); }

# Nobody listening.
p=$(port)
rc=0; timeout 20 "$IOW" --target 127.0.0.1:$p --vmlinux "$vmlinux" info 2>"$t/err" || rc=$?
cat "$t/err"
check "no stub: exit status 2" test $rc -eq 2
check "no stub: says it cannot connect" grep -qi 'connect' "$t/err"

# A listener that never answers.
p=$(port)
busybox nc -l -p $p -e sleep 60 &
sleep 0.5
rc=0; timeout 30 "$IOW" --timeout 1000 --target 127.0.0.1:$p --vmlinux "$vmlinux" info 2>"$t/err" || rc=$?
cat "$t/err"
check "silent stub: exit status 2, not a hang" test $rc -eq 2
check "silent stub: says it timed out" grep -qiE 'time|did not answer within' "$t/err"

# A stub that answers garbage and hangs up.
p=$(port)
busybox nc -l -p $p -e sh -c 'head -c 1 >/dev/null; printf "+\$garbage#00junk"' &
sleep 0.5
rc=0; timeout 30 "$IOW" --timeout 1000 --target 127.0.0.1:$p --vmlinux "$vmlinux" info 2>"$t/err" || rc=$?
cat "$t/err"
check "garbage then hang-up: exit status 2, not a hang" test $rc -eq 2
finish
