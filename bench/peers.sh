#!/bin/bash
# bench/peers.sh GUEST_RUNDIR: measure the peers of iomem-walk on a guest that
# qemu-harness/boot-guest started (GUEST_RUNDIR/guest.env, GUEST_RUNDIR/truth/),
# for the same outputs as the tool: /proc/iomem, /proc/ioports and
# /proc/vmallocinfo.  One line per measurement on stdout, key=value, e.g.
#
#   peer=lx-iomem kernel=6.12 target=gdbstub runs=5 wall_ms=21.3 warm_ms=15.2 startup_ms=4120 round_trips=286 bytes_out=5720 bytes_in=8652 bytes=14372 ok=1 compare=exact load=1.05
#
# Every number is the median of the runs; cpu_ms (user + system time of the
# peer's process, or GDB's in the command for lx-*) says more than wall_ms
# when other jobs share the machine, as load= (the load average) tells.  Values never hold spaces, except
# reason="...", which comes last.  The peers (bench/PEERS.md says more):
#
#   lx-iomem, lx-ioports, lx-vmallocinfo   the kernel's own GDB scripts, in the
#       full GDB that bench/install-peers unpacks, on the gdbstub.  wall_ms is
#       the command's first run in a fresh GDB (symbol look-ups included),
#       warm_ms its second run there, startup_ms GDB's start until ready
#       (vmlinux loaded, connected, scripts sourced), cpu_ms GDB's CPU time
#       in the first run (QEMU's side not included); round_trips (packets
#       GDB sent) and bytes both ways of the first run, from GDB's remote log.
#   dump                QEMU's dump-guest-memory, plain ELF and paging (-p)
#   crash-startup, crash-dev-i, crash-kmem-v   crash on the plain dump:
#       wall_ms of the whole process (start-up included), cmd_ms the
#       command alone (from shell escapes around it).  crash 8.0.2 cannot
#       start on 6.4+ kernels with module support: --no_modules then.
#   drgn-startup, drgn-iomem, drgn-ioports, drgn-vmallocinfo   drgn on the
#       dump (plain, else the paging one): wall_ms of the process, walk_ms
#       of the walk alone, sym_ms building the %pS table.
#
# ok=1 when the output is the guest's own: compare=exact (byte for byte, the
# guest's copy taken right before), compare=flat (the same lines once the
# indentation is removed: crash prints no nesting), compare=ranges (the same
# address ranges in the same order: the formats differ).  A peer that cannot
# run prints ok=0 and a reason; nothing aborts the whole run.
#
# Environment: IOW_BENCH_RUNS (default 5), IOW_PEER_TIMEOUT (seconds a peer
# run may take, default 300), IOW_BENCH_PEERS (which groups: default
# "lx crash drgn"), IOW_PEERS_KEEP (1: keep the dumps), IOW_CACHE.
# Sourced, it only defines iow_peers_run RUNDIR (and helpers) for bench/run.
#
# SPDX-License-Identifier: GPL-3.0-or-later

iow_peers_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# --- helpers ----------------------------------------------------------------------
iow_peers_median() { # numbers on stdin -> the median (empty if none)
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
iow_peers_load() { cut -d' ' -f1 /proc/loadavg; }
iow_peers_now() { date +%s.%N; }
iow_peers_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'; }

# iow_peers_emit KEY=VALUE... [reason=TEXT]: one result line.
iow_peers_emit() {
	local a line="" reason=""
	for a in "$@"; do
		case $a in
		reason=*) reason=${a#reason=} ;;
		*=) ;; # a value that was not measured is left out
		*) line="$line${line:+ }$a" ;;
		esac
	done
	line="$line load=$(iow_peers_load)"
	[ -n "$reason" ] && line="$line reason=\"${reason//\"/\'}\""
	printf '%s\n' "$line"
}

# iow_peers_field NAME FILE: the value of NAME=... in the last IOWBENCH line.
iow_peers_field() {
	grep '^IOWBENCH ' "$2" 2>/dev/null | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# iow_peers_timed IN OUT CMD...: run CMD under the timeout, stdin from IN,
# stdout and stderr to OUT.  Sets T_WALL and T_CPU (user + system time of
# CMD and its children), in ms, and T_RC.  The shell's own notice of a
# command killed by a signal ("Aborted") is kept out of the way.
iow_peers_timed() {
	local in=$1 out=$2 tf t0 t1
	shift 2
	tf=$(mktemp)
	t0=$(iow_peers_now)
	(
		TIMEFORMAT='IOWTIME %3U %3S'
		{ time { timeout -k 5 "$IOW_PEER_TIMEOUT" "$@" <"$in" >"$out" 2>&1; echo "IOWRC $?"; } ; } 2>&1
	) >"$tf" 2>/dev/null
	t1=$(iow_peers_now)
	T_WALL=$(iow_peers_ms "$t0" "$t1")
	T_RC=$(sed -n 's/^IOWRC //p' "$tf")
	T_CPU=$(awk '$1 == "IOWTIME" { printf "%.1f\n", ($2 + $3) * 1000 }' "$tf")
	rm -f "$tf"
}

# The guest's own copy of /proc/NAME as of now (guest-snapshot), else the
# one written at boot.
iow_peers_truth() { # iow_peers_truth NAME OUT
	if [ -e "$IOW_RUNDIR/snapshot.port" ] &&
		timeout 60 "$iow_peers_here/../qemu-harness/guest-snapshot" "$IOW_RUNDIR" "$1" "$2" 2>/dev/null; then
		return 0
	fi
	cp "$IOW_RUNDIR/truth/$1" "$2"
}

# Counts from GDB's remote log (set remotelogfile) between the marker
# commands "set $iow_mark = A" and "= B": packets GDB sent, bytes written and
# read (acknowledgements included; the log's escapes counted as one byte).
iow_peers_rsp_count() { # iow_peers_rsp_count LOG A B -> "PACKETS OUT IN"
	awk -v a="$2" -v b="$3" '
	function declen(s) { gsub(/\\x[0-9a-fA-F][0-9a-fA-F]/, "X", s); gsub(/\\./, "X", s); return length(s) }
	$0 == "c set $iow_mark = " a { on = 1; next }
	$0 == "c set $iow_mark = " b { on = 0; next }
	on && /^w / { s = substr($0, 3); if (index(s, "$")) n++; out += declen(s) }
	on && /^r / { in_ += declen(substr($0, 3)) }
	END { printf "%d %d %d\n", n, out, in_ }' "$1"
}

# --- the kernel's GDB scripts, on the gdbstub ----------------------------------
iow_peers_lx() {
	local dir=$IOW_PEERS_OUT/lx gdbfull lxpy cmd i log res
	mkdir -p "$dir"
	gdbfull=$IOW_CACHE/peers/gdb/gdb-full
	lxpy=$IOW_CACHE/peers/lx/$IOW_KVER/vmlinux-gdb.py
	if [ ! -x "$gdbfull" ] || [ ! -e "$lxpy" ]; then
		"$iow_peers_here/install-peers" --private "$IOW_KDIR" >"$dir/install.log" 2>&1 || true
	fi
	for cmd in lx-iomem lx-ioports lx-vmallocinfo; do
		local base=(peer="$cmd" kernel="$IOW_SERIES" target=gdbstub)
		if [ ! -x "$gdbfull" ] || [ ! -e "$lxpy" ]; then
			iow_peers_emit "${base[@]}" ok=0 reason="the full gdb or the kernel's scripts are not ready: $(tail -n 1 "$dir/install.log")"
			continue
		fi
		if ! grep -rq "\"$cmd\"" "$(dirname "$lxpy")/scripts/gdb/linux/"; then
			iow_peers_emit "${base[@]}" ok=0 reason="$cmd is not in this kernel's scripts/gdb ($(cat "$(dirname "$lxpy")/source-version"))"
			continue
		fi
		local name=${cmd#lx-} walls=() cpus=() warms=() starts=() rts=() outs=() ins=() oks=() why="" cmp=exact
		[ "$cmd" = lx-vmallocinfo ] && cmp=ranges
		for i in $(seq "$IOW_BENCH_RUNS"); do
			res=$dir/$cmd.$i
			log=$res.rsp
			rm -f "$log" "$res.out"
			iow_peers_truth "$name" "$res.truth"
			# The one-line workaround (bench/PEERS.md): lx-vmallocinfo's
			# is_vmalloc_addr() asks mm.page_ops(), which in 6.12 exists
			# for aarch64 only and raises "Only support aarch64 now" on
			# x86 at the first area with a vm_struct.  Replaced by the x86
			# test on the kernel's own bounds (vmalloc_base, vmemmap_base:
			# the vmalloc range lies between them in every layout), read
			# once here, outside the timed command.
			cat >"$res.gdb" <<-EOF
			set pagination off
			set confirm off
			set width 0
			symbol-file -o $IOW_KASLR_OFFSET $IOW_VMLINUX
			set remotelogfile $log
			target remote $IOW_GDB
			source $lxpy
			python
			import time
			try:
			    import linux.vmalloc  # 6.12's; 6.1 has no lx-vmallocinfo
			except ImportError:
			    pass
			else:
			    lo = int(gdb.parse_and_eval("vmalloc_base")); hi = int(gdb.parse_and_eval("vmemmap_base")); linux.vmalloc.is_vmalloc_addr = lambda x: lo <= int(x) < hi
			ready = time.time()
			def run(n):
			    gdb.execute("set \$iow_mark = %d" % n)
			    t, c = time.perf_counter(), time.process_time()
			    out = gdb.execute("$cmd", to_string=True)
			    return out, (time.perf_counter() - t) * 1e3, (time.process_time() - c) * 1e3
			try:
			    out, first, cpu = run(1)
			    _, warm, _ = run(2)
			    gdb.execute("set \$iow_mark = 3")
			    open("$res.out", "w").write(out)
			    print("IOWBENCH ready=%.6f first_ms=%.2f cpu_ms=%.2f warm_ms=%.2f" % (ready, first, cpu, warm))
			except Exception as e:
			    gdb.execute("set \$iow_mark = 3")
			    print("IOWBENCH error=%s" % str(e).replace(" ", "_").replace("\n", "_"))
			end
			EOF
			local t0
			t0=$(iow_peers_now)
			timeout -k 5 "$IOW_PEER_TIMEOUT" "$gdbfull" -nx -batch -x "$res.gdb" >"$res.log" 2>&1
			if ! grep -q '^IOWBENCH ready=' "$res.log"; then
				why=$(iow_peers_field error "$res.log" | tr '_' ' ')
				[ -n "$why" ] || why="gdb did not finish (exit or timeout after ${IOW_PEER_TIMEOUT}s): $(grep -v '^$' "$res.log" | tail -n 1)"
				oks+=(0)
				continue
			fi
			walls+=("$(iow_peers_field first_ms "$res.log")")
			cpus+=("$(iow_peers_field cpu_ms "$res.log")")
			warms+=("$(iow_peers_field warm_ms "$res.log")")
			starts+=("$(iow_peers_ms "$t0" "$(iow_peers_field ready "$res.log")")")
			read -r n o r < <(iow_peers_rsp_count "$log" 1 2)
			rts+=("$n") outs+=("$o") ins+=("$r")
			if [ $cmp = exact ]; then
				if cmp -s "$res.out" "$res.truth"; then oks+=(1); else
					oks+=(0); why="output differs from the guest's /proc/$name (see $res.out)"; fi
			else
				# lx-vmallocinfo prints its own format (the size %10d, the
				# caller as <sym+decimal>, no N<node>= counts, no
				# "unpurged" areas): compare the ranges of the areas shown.
				if cmp -s <(awk '{ print $1 }' "$res.out") \
					<(grep -v 'unpurged vm_area' "$res.truth" | awk '{ print $1 }'); then
					oks+=(1)
				else
					oks+=(0); why="address ranges differ from the guest's /proc/vmallocinfo (see $res.out)"
				fi
			fi
		done
		local ok=1 o
		for o in "${oks[@]}"; do [ "$o" = 1 ] || ok=0; done
		[ ${#walls[@]} -gt 0 ] || ok=0
		local med_rt med_out med_in
		med_rt=$(printf '%s\n' "${rts[@]}" | iow_peers_median)
		med_out=$(printf '%s\n' "${outs[@]}" | iow_peers_median)
		med_in=$(printf '%s\n' "${ins[@]}" | iow_peers_median)
		iow_peers_emit "${base[@]}" runs=${#walls[@]} \
			wall_ms="$(printf '%s\n' "${walls[@]}" | iow_peers_median)" \
			cpu_ms="$(printf '%s\n' "${cpus[@]}" | iow_peers_median)" \
			warm_ms="$(printf '%s\n' "${warms[@]}" | iow_peers_median)" \
			startup_ms="$(printf '%s\n' "${starts[@]}" | iow_peers_median)" \
			round_trips="$med_rt" bytes_out="$med_out" bytes_in="$med_in" \
			bytes="$([ -n "$med_out" ] && echo $((${med_out%.*} + ${med_in%.*})))" \
			ok=$ok compare=$cmp ${why:+reason="$why"}
	done
}

# --- dumps -------------------------------------------------------------------------
# iow_peers_dump FILE [-p]: QEMU's dump-guest-memory through the gdbstub (HMP
# over qRcmd), with gdb-minimal; prints the wall time in ms.
iow_peers_dump() {
	local f=$1 t0 t1
	shift
	rm -f "$f"
	t0=$(iow_peers_now)
	timeout -k 5 "$IOW_PEER_TIMEOUT" gdb -nx -batch -ex "target remote $IOW_GDB" \
		-ex "monitor dump-guest-memory $* $f" >"$f.log" 2>&1
	t1=$(iow_peers_now)
	[ -s "$f" ] || return 1
	iow_peers_ms "$t0" "$t1"
}

# --- crash, on the plain dump ------------------------------------------------------
iow_peers_crash() {
	local dir=$IOW_PEERS_OUT/crash dump=$1 base=(kernel="$IOW_SERIES" target=dump-elf)
	mkdir -p "$dir"
	if ! command -v crash >/dev/null 2>&1; then
		local p
		for p in crash-startup crash-dev-i crash-kmem-v; do
			iow_peers_emit peer="$p" "${base[@]}" ok=0 reason="crash is not installed (bench/install-peers --system)"
		done
		return 0
	fi
	# QEMU's ELF dumps carry VMCOREINFO (the rig adds -device vmcoreinfo);
	# crash applies its KERNELOFFSET only when told --kaslr auto.
	local flags=(-s --kaslr auto) i walls=() cpus=() fails=0 why=""
	printf 'q\n' >"$dir/startup.cmd"
	for i in $(seq "$IOW_BENCH_RUNS"); do
		iow_peers_timed "$dir/startup.cmd" "$dir/startup.$i.out" crash "${flags[@]}" "$IOW_VMLINUX" "$dump"
		if [ "$T_RC" != 0 ] && [ ${#flags[@]} -eq 3 ] &&
			grep -q 'invalid structure member offset: module' "$dir/startup.$i.out"; then
			# crash 8.0.2 predates 6.4's struct module: without module
			# support it can still start.  Say so, then go on that way.
			iow_peers_emit peer=crash-startup "${base[@]}" flags=--kaslr=auto ok=0 \
				reason="crash exited $T_RC: $(grep -m 1 'invalid structure' "$dir/startup.$i.out")"
			flags+=(--no_modules)
			iow_peers_timed "$dir/startup.cmd" "$dir/startup.$i.out" crash "${flags[@]}" "$IOW_VMLINUX" "$dump"
		fi
		if [ "$T_RC" != 0 ]; then
			fails=$((fails + 1))
			why="crash exited $T_RC in $fails of the runs: $(grep -v '^ *$' "$dir/startup.$i.out" | grep -v 'error trace' | tail -n 1)"
			continue
		fi
		walls+=("$T_WALL") cpus+=("$T_CPU")
	done
	local fl ok=1
	fl=$(printf '%s\n' "${flags[@]:1}" | paste -sd' ' | sed 's/--kaslr auto/--kaslr=auto/; s/ /,/g')
	[ $fails -eq 0 ] && [ ${#walls[@]} -gt 0 ] || ok=0
	iow_peers_emit peer=crash-startup "${base[@]}" flags="$fl" runs=${#walls[@]} \
		wall_ms="$(printf '%s\n' "${walls[@]}" | iow_peers_median)" \
		cpu_ms="$(printf '%s\n' "${cpus[@]}" | iow_peers_median)" ok=$ok reason="$why"
	if [ ${#walls[@]} -eq 0 ]; then
		iow_peers_emit peer=crash-dev-i "${base[@]}" ok=0 reason="crash does not start on this dump"
		iow_peers_emit peer=crash-kmem-v "${base[@]}" ok=0 reason="crash does not start on this dump"
		return 0
	fi
	local cmd
	for cmd in "dev -i" "kmem -v"; do
		local peer=crash-${cmd// -/-} cmds=() oks=() cmp out stamps
		walls=() cpus=() why=""
		printf '!date +%%s.%%N\n%s\n!date +%%s.%%N\nq\n' "$cmd" >"$dir/$peer.cmd"
		[ "$cmd" = "dev -i" ] && cmp=flat || cmp=ranges
		for i in $(seq "$IOW_BENCH_RUNS"); do
			out=$dir/$peer.$i.out
			iow_peers_timed "$dir/$peer.cmd" "$out" crash "${flags[@]}" "$IOW_VMLINUX" "$dump"
			if grep -q "^${cmd%% *}: " "$out"; then
				oks+=(0); why=$(grep -m 1 "^${cmd%% *}: " "$out")
				continue
			fi
			if [ "$T_RC" != 0 ]; then
				oks+=(0); why="crash exited $T_RC during '$cmd': $(grep -v '^ *$' "$out" | tail -n 1)"
				continue
			fi
			walls+=("$T_WALL") cpus+=("$T_CPU")
			stamps=$(grep -E '^[0-9]{10}\.[0-9]+$' "$out")
			[ "$(echo "$stamps" | wc -l)" -eq 2 ] &&
				cmds+=("$(iow_peers_ms "$(echo "$stamps" | head -n 1)" "$(echo "$stamps" | tail -n 1)")")
			if iow_peers_crash_check "$cmd" "$out"; then oks+=(1); else
				oks+=(0); why="output differs from the guest's (see $out)"; fi
		done
		local o
		ok=1
		for o in "${oks[@]}"; do [ "$o" = 1 ] || ok=0; done
		iow_peers_emit peer="$peer" "${base[@]}" flags="$fl" runs=${#walls[@]} \
			wall_ms="$(printf '%s\n' "${walls[@]}" | iow_peers_median)" \
			cpu_ms="$(printf '%s\n' "${cpus[@]}" | iow_peers_median)" \
			cmd_ms="$(printf '%s\n' "${cmds[@]}" | iow_peers_median)" \
			ok=$ok compare="$cmp" reason="$why"
	done
}

# Does crash's output say what the guest's /proc files say?  dev -i prints
# the ioport then the iomem table, flat, each with its root (PCI IO, PCI mem)
# and each line led by the struct resource's address; kmem -v prints one
# line per vmap area with a vm_struct (VMAP_AREA VM_STRUCT START - END SIZE).
iow_peers_crash_check() { # iow_peers_crash_check CMD OUT
	local out=$2
	case $1 in
	dev\ -i)
		local t
		for t in ioports iomem; do
			local want got
			want=$(sed 's/^ *//' "$IOW_PEERS_OUT/truth-$t")
			got=$(awk -v t=$t '
				/^ *RESOURCE +RANGE +NAME/ { tab++; first = 1; next }
				tab == (t == "ioports" ? 1 : 2) && NF >= 3 && $2 ~ /-/ {
					if (first) { first = 0; next }   # the root
					name = $0; sub(/^ *[0-9a-f]+ +[0-9a-f]+-[0-9a-f]+ +/, "", name)
					print $2 " : " name }' "$out")
			[ "$want" = "$got" ] || return 1
		done ;;
	kmem\ -v)
		# crash lists areas with a vm_struct (its ranges are vm->addr to
		# addr + size), address-sorted, as 6.1's /proc/vmallocinfo is.
		local want got
		want=$(grep -v 'vm_map_ram\|unpurged vm_area' "$IOW_PEERS_OUT/truth-vmallocinfo" |
			awk '{ split($1, a, "-"); sub(/^0x/, "", a[1]); sub(/^0x/, "", a[2]); print a[1] "-" a[2] }')
		got=$(awk '$4 == "-" && $2 ~ /^[0-9a-f]+$/ { print $3 "-" $5 }' "$out")
		[ -n "$got" ] && [ "$want" = "$got" ] || return 1 ;;
	esac
}

# --- drgn, on the dump -----------------------------------------------------------
iow_peers_drgn() {
	local dir=$IOW_PEERS_OUT/drgn plain=$1 paging=$2 base=(kernel="$IOW_SERIES")
	mkdir -p "$dir"
	if ! command -v drgn >/dev/null 2>&1; then
		local p
		for p in drgn-startup drgn-iomem drgn-ioports drgn-vmallocinfo; do
			iow_peers_emit peer="$p" "${base[@]}" ok=0 reason="drgn is not installed (bench/install-peers --system: python3-drgn)"
		done
		return 0
	fi
	local ver script=$iow_peers_here/peers-drgn.py
	ver=$(drgn --version 2>&1 | awk '{ print $2; exit }')
	export IOW_NODES_SHIFT
	IOW_NODES_SHIFT=$(sed -n 's/^CONFIG_NODES_SHIFT=//p' "$IOW_KDIR/config")
	: "${IOW_NODES_SHIFT:=0}"
	# drgn 0.0.22 cannot read a plain QEMU dump (physical addresses only):
	# it needs the page tables to translate, and translating their own
	# address needs them ("recursive address translation").  The paging
	# dump (-p) carries virtual addresses; use it then, and say so.
	local dump=$plain kind=dump-elf
	[ -n "$plain" ] && timeout -k 5 "$IOW_PEER_TIMEOUT" drgn -q -c "$plain" -s "$IOW_VMLINUX" \
		--no-default-symbols "$script" iomem "$dir/probe.out" >"$dir/probe.log" 2>&1
	if [ -z "$plain" ]; then
		dump=$paging kind=dump-elf-paging
	elif ! grep -q '^IOWBENCH' "$dir/probe.log"; then
		iow_peers_emit peer=drgn-startup "${base[@]}" target=dump-elf version="$ver" ok=0 \
			reason="on the plain dump: $(grep -v '^ *$' "$dir/probe.log" | tail -n 1)"
		dump=$paging kind=dump-elf-paging
	fi
	local what
	for what in start iomem ioports vmallocinfo; do
		local peer=drgn-$what walls=() cpus=() walks=() syms=() oks=() why="" i
		[ $what = start ] && peer=drgn-startup
		if [ -z "$dump" ] || [ ! -s "$dump" ]; then
			iow_peers_emit peer="$peer" "${base[@]}" target=$kind ok=0 reason="no dump to read"
			continue
		fi
		for i in $(seq "$IOW_BENCH_RUNS"); do
			local res=$dir/$what.$i
			iow_peers_timed /dev/null "$res.log" drgn -q -c "$dump" -s "$IOW_VMLINUX" \
				--no-default-symbols "$script" "$what" "$res.out"
			if ! grep -q '^IOWBENCH' "$res.log"; then
				oks+=(0); why="drgn failed: $(grep -v '^ *$' "$res.log" | tail -n 1)"
				continue
			fi
			walls+=("$T_WALL") cpus+=("$T_CPU")
			walks+=("$(iow_peers_field walk_ms "$res.log")")
			syms+=("$(iow_peers_field sym_ms "$res.log")")
			if [ $what = start ] || cmp -s "$res.out" "$IOW_PEERS_OUT/truth-$what"; then
				oks+=(1)
			else
				oks+=(0); why="output differs from the guest's /proc/$what at the dump (see $res.out)"
			fi
		done
		local ok=1 o
		for o in "${oks[@]}"; do [ "$o" = 1 ] || ok=0; done
		[ ${#walls[@]} -gt 0 ] || ok=0
		local extra=()
		[ $what = start ] || extra=(walk_ms="$(printf '%s\n' "${walks[@]}" | iow_peers_median)")
		[ $what = vmallocinfo ] && extra+=(sym_ms="$(printf '%s\n' "${syms[@]}" | iow_peers_median)")
		local cmpf=()
		[ $what = start ] || cmpf=(compare=exact)
		iow_peers_emit peer="$peer" "${base[@]}" target=$kind version="$ver" runs=${#walls[@]} \
			wall_ms="$(printf '%s\n' "${walls[@]}" | iow_peers_median)" \
			cpu_ms="$(printf '%s\n' "${cpus[@]}" | iow_peers_median)" "${extra[@]}" \
			ok=$ok "${cmpf[@]}" reason="$why"
	done
}

# --- all of it ---------------------------------------------------------------------
iow_peers_run() { # iow_peers_run RUNDIR
	local rundir=$1
	if [ ! -e "$rundir/guest.env" ]; then
		echo "peers.sh: $rundir/guest.env not found (run qemu-harness/boot-guest first)" >&2
		return 2
	fi
	# shellcheck disable=SC1091
	. "$rundir/guest.env"
	: "${IOW_RUNDIR:=$rundir}" "${IOW_KASLR_OFFSET:=0}"
	local v
	for v in IOW_GDB IOW_VMLINUX IOW_KDIR IOW_KVER; do
		if [ -z "${!v:-}" ]; then
			echo "peers.sh: $rundir/guest.env sets no $v" >&2
			return 2
		fi
	done
	: "${IOW_BENCH_RUNS:=5}" "${IOW_PEER_TIMEOUT:=300}" "${IOW_BENCH_PEERS:=lx crash drgn}"
	: "${IOW_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/iomem-walk}"
	export IOW_CACHE
	IOW_SERIES=$(echo "$IOW_KVER" | cut -d. -f1,2)
	IOW_PEERS_OUT=$rundir/peers
	mkdir -p "$IOW_PEERS_OUT"
	case " $IOW_BENCH_PEERS " in *" lx "*) iow_peers_lx ;; esac
	case " $IOW_BENCH_PEERS " in *" crash "* | *" drgn "*) ;; *) return 0 ;; esac
	# One dump of each kind, right after a fresh copy of the guest's
	# files: the guest is idle in between, and stopped while QEMU dumps.
	local t plain=$IOW_PEERS_OUT/dump.elf paging=$IOW_PEERS_OUT/dump-paging.elf ms
	for t in iomem ioports vmallocinfo; do iow_peers_truth "$t" "$IOW_PEERS_OUT/truth-$t"; done
	if ms=$(iow_peers_dump "$plain"); then
		iow_peers_emit peer=dump kernel="$IOW_SERIES" target=gdbstub kind=elf wall_ms="$ms" bytes="$(stat -c %s "$plain")" ok=1
	else
		iow_peers_emit peer=dump kernel="$IOW_SERIES" target=gdbstub kind=elf ok=0 reason="dump-guest-memory failed: $(grep -v '^ *$' "$plain.log" | head -n 1)"
		plain=
	fi
	case " $IOW_BENCH_PEERS " in
	*" drgn "*)
		if ms=$(iow_peers_dump "$paging" -p); then
			iow_peers_emit peer=dump kernel="$IOW_SERIES" target=gdbstub kind=elf-paging wall_ms="$ms" bytes="$(stat -c %s "$paging")" ok=1
		else
			iow_peers_emit peer=dump kernel="$IOW_SERIES" target=gdbstub kind=elf-paging ok=0 reason="dump-guest-memory -p failed: $(grep -v '^ *$' "$paging.log" | head -n 1)"
			paging=
		fi ;;
	esac
	"$iow_peers_here/../qemu-harness/guest-resume" "$rundir" 2>/dev/null || true
	case " $IOW_BENCH_PEERS " in *" crash "*)
		if [ -n "$plain" ]; then iow_peers_crash "$plain"; else
			for t in crash-startup crash-dev-i crash-kmem-v; do
				iow_peers_emit peer=$t kernel="$IOW_SERIES" target=dump-elf ok=0 reason="no dump"
			done
		fi ;;
	esac
	case " $IOW_BENCH_PEERS " in *" drgn "*) iow_peers_drgn "$plain" "$paging" ;; esac
	[ "${IOW_PEERS_KEEP:-0}" = 1 ] || rm -f "$IOW_PEERS_OUT/dump.elf" "$IOW_PEERS_OUT/dump-paging.elf"
	return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u -o pipefail
	if [ $# -ne 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
		sed -n '2,/^# SPDX/{/^# SPDX/d;s/^# \{0,1\}//;p}' "$0" >&2
		exit 2
	fi
	iow_peers_run "$1"
fi
