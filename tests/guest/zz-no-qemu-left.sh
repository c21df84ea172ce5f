#!/bin/bash
# Runs after every other guest test (see Makefile.am): no QEMU that a test
# started may still be running.  Any found is reported, then killed.
. "$(dirname "$0")/lib.sh"
left=()
# Process names are cut at 15 characters: qemu-system-x86_64 is
# qemu-system-x86, qemu-system-aarch64 qemu-system-aar.
for p in $(pgrep -x 'qemu-system-x86|qemu-system-aar' || true); do
	cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
	[[ $cmd == *"$IOW_TEST_RUNDIR/"* ]] && left+=("$p: $cmd")
done
if [ ${#left[@]} -gt 0 ]; then
	printf 'FAIL: QEMU outlived its test: %s\n' "${left[@]}"
	for l in "${left[@]}"; do kill -9 "${l%%:*}" 2>/dev/null; done
	exit 1
fi
echo "no QEMU left running under $IOW_TEST_RUNDIR"
