# The vmlinux by build ID from debuginfod: a local server (Debian's
# `debuginfod`, on 127.0.0.1) indexing the rig's vmlinux files, and the CLI
# on a dump of the running guest (QEMU's dump-guest-memory, whose
# VMCOREINFO says the kernel's build ID) with no --vmlinux and nothing
# local.  Sourced after lib.sh, in a test that booted a guest (RUN,
# IOW_GDB, IOW_VMLINUX) and kept its /proc/iomem in $RUN/iomem.guest.
# shellcheck shell=bash

# dfd_start NAME DIR: a debuginfod indexing the ELF files under DIR (no
# source scan: the vmlinux's build ID is all it serves here), on a free
# port; sets DFD_URL and DFD_PID.  Waits until its scan is done.
dfd_start() {
	local name=$1 dir=$2 port
	for _ in 1 2 3 4 5; do
		port=$((20000 + (RANDOM % 20000)))
		debuginfod -p "$port" -F -L --disable-source-scan -t 0 -g 0 -c 1 -v \
			-d "$RUN/$name.sqlite" "$dir" >"$RUN/$name.log" 2>&1 &
		DFD_PID=$!
		DFD_PIDS+=("$DFD_PID")
		# ready: listening, and the one scan (-t 0) has indexed DIR
		for _ in $(seq 100); do
			kill -0 "$DFD_PID" 2>/dev/null || break
			grep -qs 'files scanned (#)' "$RUN/$name.log" && grep -qs 'started http server' "$RUN/$name.log" &&
				{ DFD_URL=http://127.0.0.1:$port; return 0; }
			sleep 0.2
		done
		dfd_stop "$DFD_PID"
	done
	echo "debuginfod did not start:"
	tail -n 5 "$RUN/$name.log"
	return 1
}
dfd_stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
dfd_stop_all() {
	local p
	for p in "${DFD_PIDS[@]}"; do dfd_stop "$p"; done
	stop_all
}

# dfd IN OUT ARGS...: the CLI on the dump with only debuginfod to find the
# vmlinux: no --vmlinux, a system root without one, not under GDB.
dfd() {
	local out=$1 rc=0
	shift
	env -u IOW_VMLINUX IOW_SYSROOT="$RUN/empty-root" DEBUGINFOD_URLS="$DFD_URL" \
		DEBUGINFOD_CACHE_PATH="$RUN/dfd-cache" DEBUGINFOD_TIMEOUT=60 \
		"$IOW" --core "$RUN/dump.elf" "$@" >"$out" 2>&1 || rc=$?
	return $rc
}

# The first fetch with stderr on a terminal (script(1)'s pseudo-terminal):
# the progress bar is drawn, reaches its end, and its line is cleared.
dfd_fetches_on_tty() {
	local rc=0
	{
		echo "exec env -u IOW_VMLINUX IOW_SYSROOT='$RUN/empty-root' DEBUGINFOD_URLS='$DFD_URL' \\"
		echo "	DEBUGINFOD_CACHE_PATH='$RUN/dfd-cache' DEBUGINFOD_TIMEOUT=60 '$IOW' --core '$RUN/dump.elf' proc iomem"
	} >"$RUN/dfd-tty.sh"
	script -qec "sh '$RUN/dfd-tty.sh' >'$RUN/dfd0.iomem'" "$RUN/dfd0.tty" >/dev/null </dev/null || rc=$?
	[ $rc = 0 ] || { echo "exit $rc"; cat "$RUN/dfd0.tty"; return 1; }
	tr '\r' '\n' <"$RUN/dfd0.tty" | grep -c 'the vmlinux from debuginfod \[' | sed 's/$/ progress lines drawn/'
	tr '\r' '\n' <"$RUN/dfd0.tty" | grep -q 'the vmlinux from debuginfod \[#\{30\}\] \([0-9]*\)/\1 MB' ||
		{ echo "no full bar:"; cat -A "$RUN/dfd0.tty" | tail -c 600; return 1; }
	grep -q $'\r\e\[K' "$RUN/dfd0.tty" || { echo "the bar's line was not cleared"; return 1; }
	diff -u "$RUN/iomem.guest" "$RUN/dfd0.iomem"
}

dfd_fetches() {
	dfd "$RUN/dfd1.json" --json info || { cat "$RUN/dfd1.json"; return 1; }
	[ "$(jq -r .vmlinux "$RUN/dfd1.json")" = "$RUN/dfd-cache/$DFD_BID/debuginfo" ] ||
		{ echo "vmlinux $(jq -r .vmlinux "$RUN/dfd1.json"), not debuginfod's"; return 1; }
	cmp "$RUN/dfd-cache/$DFD_BID/debuginfo" "$IOW_VMLINUX" || return 1
	dfd "$RUN/dfd1.iomem" proc iomem || { cat "$RUN/dfd1.iomem"; return 1; }
	diff -u "$RUN/iomem.guest" "$RUN/dfd1.iomem"
}

# The server gone: only libdebuginfod's cache can answer.
dfd_cached() {
	dfd_stop "$DFD_PID"
	dfd "$RUN/dfd2.iomem" proc iomem || { cat "$RUN/dfd2.iomem"; return 1; }
	diff -u "$RUN/iomem.guest" "$RUN/dfd2.iomem"
}

# refused_dfd WANT-PATTERN: exit 2 and one line matching it.
dfd_refused() {
	local rc=0
	dfd "$RUN/dfd3" proc iomem || rc=$?
	cat "$RUN/dfd3"
	[ $rc = 2 ] && [ "$(wc -l <"$RUN/dfd3")" = 1 ] && grep -Eq "$1" "$RUN/dfd3"
}

debuginfod_test() {
	local other
	need debuginfod jq gdb script readelf
	other=$("$IOW_HARNESS/fetch-kernel" 6.1) || skip "no 6.1 kernel"
	DFD_PIDS=()
	trap 'dfd_stop_all' EXIT
	DFD_BID=$(readelf -nW "$IOW_VMLINUX" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p' | head -n 1)
	mkdir -p "$RUN/empty-root" "$RUN/dfd-this" "$RUN/dfd-other"
	rm -rf "$RUN/dfd-cache"
	ln -sf "$IOW_VMLINUX" "$RUN/dfd-this/vmlinux"
	ln -sf "$other/vmlinux" "$RUN/dfd-other/vmlinux"
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "monitor dump-guest-memory $RUN/dump.elf" \
		-ex disconnect >/dev/null 2>&1
	"$IOW_HARNESS/guest-resume" "$RUN"
	[ -s "$RUN/dump.elf" ] || { echo "FAIL: QEMU made no dump"; exit 1; }
	dfd_start dfd-this "$RUN/dfd-this" || { echo "FAIL: no debuginfod server"; exit 1; }
	check "debuginfod: the vmlinux fetched, a progress bar on a terminal" dfd_fetches_on_tty
	check "debuginfod: the vmlinux by the dump's build ID, the guest's iomem read with it" dfd_fetches
	check "debuginfod: the server gone, the second run from its cache" dfd_cached
	# a server that has only another kernel's vmlinux: not found there
	rm -rf "$RUN/dfd-cache"
	dfd_start dfd-other "$RUN/dfd-other" || { echo "FAIL: no debuginfod server"; exit 1; }
	check "debuginfod: a server with only another build, refused in one line" \
		dfd_refused "no vmlinux found for build ID $DFD_BID .*no debuginfod server .* has the debug file of build ID $DFD_BID"
	# a cache (or a server) that hands another build's file for this
	# build ID: the file's own build ID refuses it (the cache made afresh:
	# the 404 above left libdebuginfod's negative entry in it)
	rm -rf "$RUN/dfd-cache"
	mkdir -p "$RUN/dfd-cache/$DFD_BID"
	ln -s "$other/vmlinux" "$RUN/dfd-cache/$DFD_BID/debuginfo"
	check "debuginfod: a file of another build under this build ID, refused" \
		dfd_refused "does not match the running kernel: its build ID is [0-9a-f]{40}, the kernel's is $DFD_BID"
	dfd_stop "$DFD_PID"
	rm -rf "$RUN/dump.elf" "$RUN/dfd-cache"
}
