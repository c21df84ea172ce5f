# The tool on the guest's own running kernel (--live: /proc/kcore, as
# root), run by the guest's init from a disk the test attached
# (qemu-harness/live-disk), beside the guest's own /proc files read by
# init at the same moment.  Sourced after lib.sh.
# shellcheck shell=bash

IOW=${top_builddir:-.}/iomem-walk

# live OUT ARGS...: `iomem-walk ARGS` in the guest (the run script's
# options first: --as-nobody, --lockdown, --no-debug); its output (stdout
# and stderr) in OUT, its exit status returned.
live() {
	local out=$1 rc
	shift
	"$IOW_HARNESS/guest-snapshot" "$RUN" "live $*" "$out.raw" || { echo "no answer from the guest"; return 99; }
	rc=$(sed -n 's/^@@IOW-RC \([0-9]*\)@@$/\1/p' "$out.raw")
	grep -v '^@@IOW-RC ' "$out.raw" >"$out"
	return "${rc:-99}"
}
snap() { "$IOW_HARNESS/guest-snapshot" "$RUN" "$1" "$2"; }
gdbstub() { "$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" "$@"; }

# The kernel's own layout: info --json against the guest's /proc/kcore head
# (truth/kcore_layout, parsed by qemu-harness/kcore-layout) and its KASLR
# offset from kallsyms; the vmlinux found by build ID under IOW_SYSROOT.
info_matches() {
	local j=$RUN/info.json bid f v
	live "$j" --json info || { cat "$j"; return 1; }
	bid=$(tr -d ' \n' <"$TRUTH/notes" | grep -o '474e5500[0-9a-f]\{40\}' | cut -c9-)
	[ "$(jq -r .build_id "$j")" = "$bid" ] || { echo "build ID $(jq -r .build_id "$j"), /sys/kernel/notes $bid"; return 1; }
	[ "$(jq -r .vmlinux "$j")" = "/debugroot/usr/lib/debug/.build-id/${bid:0:2}/${bid:2}.debug" ] ||
		{ echo "vmlinux $(jq -r .vmlinux "$j"): not the one by build ID"; return 1; }
	[ "$(jq -r .kaslr_source "$j")" = VMCOREINFO ] || { echo "KASLR from $(jq -r .kaslr_source "$j")"; return 1; }
	[ $(($(jq -r .kaslr_offset "$j"))) = $((IOW_KASLR_OFFSET)) ] ||
		{ echo "KASLR $(jq -r .kaslr_offset "$j"), kallsyms says $IOW_KASLR_OFFSET"; return 1; }
	for f in page_offset_base phys_base vmalloc_base vmemmap_base; do
		v=$(awk -v f=$f '$1 == f { print $2 }' "$TRUTH/kcore_layout")
		[ $(($(jq -r .$f "$j"))) = $((v)) ] || { echo "$f $(jq -r .$f "$j"), kcore says $v"; return 1; }
	done
	[ "$(jq -r .paging_levels "$j")" = $(($(awk '$1 == "pgtable_l5" { print $2 }' "$TRUTH/kcore_layout") ? 5 : 4)) ]
}

# proc FILE: byte for byte the guest's own, read by init right before.
proc_same() {
	snap "$1" "$RUN/$1.guest" || return 1
	live "$RUN/$1.live" proc "$1" || { cat "$RUN/$1.live"; return 1; }
	diff -u "$RUN/$1.guest" "$RUN/$1.live"
}

# vmallocinfo changes with every process: the guest's file is read right
# before and right after the tool's run.  Lines both reads have must be in
# the tool's; every other line, in either direction, must be a process's
# kernel stack (allocated in kernel_clone, or freed and waiting for a lazy
# purge: "unpurged vm_area"): the shell init forks to run the tool, and the
# tool's own process.  Nothing else may differ.
vmallocinfo_same() {
	local s=$RUN/vmi stacks='(kernel_clone|copy_process|dup_task_struct|alloc_thread_stack_node)\+| unpurged vm_area$'
	snap vmallocinfo "$s.before" && live "$s.live" proc vmallocinfo && snap vmallocinfo "$s.after" ||
		{ cat "$s.live"; return 1; }
	LC_ALL=C sort "$s.before" >"$s.b"
	LC_ALL=C sort "$s.after" >"$s.a"
	LC_ALL=C sort "$s.live" >"$s.l"
	LC_ALL=C comm -12 "$s.b" "$s.a" >"$s.both"
	LC_ALL=C comm -23 "$s.both" "$s.l" >"$s.missing"
	{ LC_ALL=C comm -13 "$s.both" "$s.l"; LC_ALL=C comm -23 "$s.b" "$s.l"; LC_ALL=C comm -23 "$s.a" "$s.l"; } |
		grep -Ev "$stacks" >"$s.unexplained"
	echo "vmallocinfo: $(wc -l <"$s.live") lines; $(LC_ALL=C comm -3 "$s.both" "$s.l" | wc -l) differ from the lines both of the guest's reads have, all process stacks"
	[ ! -s "$s.missing" ] || { echo "the tool lacks:"; cat "$s.missing"; return 1; }
	[ ! -s "$s.unexplained" ] || { echo "differences that are no process's stack:"; cat "$s.unexplained"; return 1; }
	# and it is the kernel's own order: the tool's lines, less the stacks,
	# in the order of the guest's read before
	diff <(grep -Ev "$stacks" "$s.live") <(grep -Ev "$stacks" "$s.before" | grep -Fxf "$s.l")
}

# The cache mode of every page of every ioremap: the same through
# /proc/kcore as through the gdbstub, on the same guest.
modes_same_as_gdbstub() {
	local sel='[.mappings[] | {start, size, caller, runs: [.runs[] | {virt, size, phys, mode, page_size}]}]'
	live "$RUN/ioremap.live.json" --json ioremap || { cat "$RUN/ioremap.live.json"; return 1; }
	gdbstub --json ioremap >"$RUN/ioremap.gdb.json" || return 1
	"$IOW_HARNESS/guest-resume" "$RUN"
	echo "$(jq '.mappings | length' "$RUN/ioremap.gdb.json") mappings, $(jq '[.mappings[].runs[]] | length' "$RUN/ioremap.gdb.json") runs"
	diff -u <(jq "$sel" "$RUN/ioremap.gdb.json") <(jq "$sel" "$RUN/ioremap.live.json")
}

# check: the same violations, and its verdict (1: the test module's
# mappings make some) through both; QEMU's memory map aside (only the
# gdbstub path has QEMU's monitor to ask).
check_same_as_gdbstub() {
	local rc=0 rg=0
	live "$RUN/check.live" check --no-qemu || rc=$?
	gdbstub check --no-qemu >"$RUN/check.gdb" 2>&1 || rg=$?
	"$IOW_HARNESS/guest-resume" "$RUN"
	[ $rc = 1 ] && [ $rg = 1 ] || { echo "exit $rc live, $rg through the gdbstub"; cat "$RUN/check.live"; return 1; }
	diff -u "$RUN/check.gdb" "$RUN/check.live"
}

# refused OUT STATUS PATTERN ARGS...: the tool fails with STATUS and one
# line matching PATTERN.
refused() {
	local out=$1 want=$2 pat=$3 rc=0
	shift 3
	live "$out" "$@" || rc=$?
	cat "$out"
	[ $rc = "$want" ] && [ "$(wc -l <"$out")" = 1 ] && grep -Eq "$pat" "$out"
}

live_test() {
	local series=$1 kdir args
	need mke2fs jq gdb
	kdir=$("$IOW_HARNESS/fetch-kernel" "$series") || skip "no $series kernel"
	mkdir -p "$IOW_TEST_RUNDIR/$TEST-disk"
	args=$("$IOW_HARNESS/live-disk" "$IOW" "$kdir" "$IOW_TEST_RUNDIR/$TEST-disk") ||
		{ echo "FAIL: the disks were not made"; exit 1; }
	boot live --series "$series" --device-args "$args"
	live "$RUN/version" --version || { cat "$RUN/version"; echo "FAIL: the tool does not run in the guest"; exit 1; }

	check "info: KASLR and layout from VMCOREINFO and kcore, the vmlinux by build ID" info_matches
	check "proc iomem: the guest's own" proc_same iomem
	check "proc ioports: the guest's own" proc_same ioports
	check "proc vmallocinfo: the guest's, but for process stacks" vmallocinfo_same
	check "proc pat_memtype_list: the guest's own" proc_same pat_memtype_list
	check "ioremap: every mode as the gdbstub path reads it" modes_same_as_gdbstub
	check "check: the same violations as through the gdbstub" check_same_as_gdbstub
	check "tree: runs, and its findings agree twice" live "$RUN/tree.live" tree
	check "no vmlinux by the build ID: one line naming it" \
		refused "$RUN/nodebug" 2 "no vmlinux found for build ID [0-9a-f]{40}" --no-debug proc iomem
	check "not root: one line that says root is needed" \
		refused "$RUN/nobody" 2 "/proc/kcore: reading the running kernel needs root" --as-nobody proc iomem
}

# Last: lockdown cannot be lowered again.
live_lockdown() {
	check "locked down (confidentiality): one line that says so" \
		refused "$RUN/lockdown" 2 "/proc/kcore: the kernel is locked down" --lockdown proc iomem
}
