#!/bin/bash
# On 6.12, inside the guest, as root: iomem-walk --live (/proc/kcore) with
# its vmlinux found by build ID; its /proc files are the guest's own, its
# cache modes and check's violations those the gdbstub path reads; a walk
# that keeps meeting bad data (a resource name pointing at device memory,
# written from GDB) is retried, then shown as far as it went and called
# incomplete; a user without root, a missing vmlinux and a locked-down
# kernel each get one line.  And on a dump of the same guest, the vmlinux
# from a local debuginfod (tests/guest/debuginfod-common.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live-common.sh"
. "$(dirname "$0")/debuginfod-common.sh"
live_test 6.12
debuginfod_test

# A resource whose name points at the HPET's registers: every run stops
# there, never reads it, and the command says the walk is incomplete.
name_in_device_memory() {
	local hpet off r addr old rc=0
	snap vmallocinfo "$RUN/vmi.good" || return 1
	hpet=$(awk '/ hpet_enable\+/ { print substr($1, 1, 18); exit }' "$RUN/vmi.good")
	off=$(gdb -nx -batch -ex "file $IOW_VMLINUX" -ex 'p/d &((struct resource *)0)->name' 2>/dev/null |
		sed -n 's/^\$1 = //p')
	r=$(gdbstub --json tree --no-mappings | jq -r '.resources[1].kernel_address')
	[ -n "$hpet" ] && [ -n "$off" ] && [ -n "$r" ] || { echo "no HPET, offset or resource"; return 1; }
	addr=$((r + off))
	old=$(gdb -nx -batch -ex "target remote $IOW_GDB" -ex "p/x *(unsigned long *)$addr" -ex disconnect 2>/dev/null |
		sed -n 's/^\$1 = //p')
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "set {unsigned long}$addr = $hpet" -ex disconnect >/dev/null 2>&1
	live "$RUN/torn" --stats proc iomem || rc=$?
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "set {unsigned long}$addr = $old" -ex disconnect >/dev/null 2>&1
	"$IOW_HARNESS/guest-resume" "$RUN"
	grep -v '^stats: ' "$RUN/torn" | tail -n 1
	[ $rc = 2 ] || { echo "exit $rc"; return 1; }
	grep -q "incomplete: the running kernel changed under the walk (4 reads" "$RUN/torn" &&
		grep -q "$hpet.*not RAM" "$RUN/torn" || return 1
	# what was read before the bad name: a prefix of the guest's file
	grep -v '^iomem-walk: \|^stats: ' "$RUN/torn" >"$RUN/torn.out"
	[ -s "$RUN/torn.out" ] && cmp -s "$RUN/torn.out" <(head -c "$(wc -c <"$RUN/torn.out")" "$RUN/iomem.guest")
}
# From GDB (`gdb vmlinux /proc/kcore`, then `!iomem-walk --live`): the CLI
# takes the vmlinux GDB has open, nothing else naming it.  Shown here
# through the gdbstub, the same search (the host has no /proc/kcore).
cli_in_gdb() {
	gdb -nx -batch "$IOW_VMLINUX" -ex "shell env -u IOW_VMLINUX IOW_SYSROOT=$RUN/empty-root \
		DEBUGINFOD_URLS= $IOW --target $IOW_GDB proc iomem >$RUN/gdb-cli.out 2>&1" >/dev/null 2>&1
	"$IOW_HARNESS/guest-resume" "$RUN"
	diff -u "$RUN/iomem.guest" "$RUN/gdb-cli.out"
}
check "from GDB's shell, the CLI takes GDB's vmlinux" cli_in_gdb
check "a name in device memory: 4 runs, then what was read and 'incomplete'" name_in_device_memory
check "the name restored: proc iomem the guest's own again" proc_same iomem
live_lockdown
finish
