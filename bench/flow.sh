#!/bin/bash
# bench/flow.sh GUEST_RUNDIR: the whole user flow, from `gdb vmlinux` to the
# first line of `iomem-walk`, phase by phase, against the kernel's lx-*
# scripts (their own set-up: sourcing vmlinux-gdb.py) in the full GDB, on a
# guest that qemu-harness/boot-guest started.  Not a test: it reports; but a
# step of iomem-walk's flow that fails (load-plugin refused, a command's
# error, a session that ends early, output that is not the walk's) stops it
# loudly, exit 1.  The lx-* peer that cannot run says so (ok=0, reason).
#
# Each run is a fresh GDB with the guest's vmlinux, its commands in a file
# (-batch -x: an error stops the file), its output on a terminal (a pty,
# through script(1)), as a user's would be: GDB's output to a pipe is not
# what a user sees (GDB writes monitor output one byte per write(2); --pipe
# measures that way too).  The sessions, RUNS of each:
#
#   in-process  gdb-minimal: gdb vmlinux; source iomem-walk.gdb;
#               target remote HOST:PORT; load-plugin; FIRST
#   agent       gdb-minimal: gdb vmlinux; source iomem-walk.gdb;
#               load-plugin HOST:PORT (connects through the relay); FIRST
#   lx          the full GDB (bench/install-peers --private): gdb, then
#               symbol-file -o KASLR_OFFSET vmlinux (lx-* need relocated
#               symbols); source vmlinux-gdb.py; target remote; lx-iomem
#
# with FIRST the session's first iomem-walk command: `iomem-walk proc iomem`
# or `iomem-walk` (the default: the annotated iomem tree, with mappings).
# The phases, from timestamps taken inside the session: GDB's own
# per-command statistics (maint set per-command time on: each command's
# wall time, and the clock time it started, to the millisecond) and, for
# the first line of output, the time it reached the terminal:
#
#   symbols_ms        GDB's start until it runs its first command: reading
#                     the vmlinux's symbols and indexing its DWARF (GDB 13
#                     does that before the first command, interactive or not)
#   source_ms         source iomem-walk.gdb / vmlinux-gdb.py (to the ms)
#   setup_ms          GDB ready to the first command: source, target remote,
#                     load-plugin (to the ms)
#   target_ms         target remote (in-process, lx)
#   plugin_ms         load-plugin (agent: it also connects)
#   cmd_ms            the first command, whole
#   first_line_ms     the first command's start to its first line of output
#   ready_ms          GDB ready (symbols read) to that first line
#   total_ms          GDB started to that first line
#   lag_ms            how late the terminal got the line GDB printed as the
#                     first command started: the machine's load, not the tool
#
# Output: one line per (way, first command), medians of the runs, e.g.
#   flow=iomem-walk kernel=6.12 gdb=gdb-minimal way=in-process first=proc-iomem runs=5 symbols_ms=... ok=1 output=tty load=3.10-4.20
# (load: the range of the load average at the runs' starts).
#
# Usage: bench/flow.sh [--runs N] [--pipe] GUEST_RUNDIR
#        bench/flow.sh --table FILE...     the markdown table of such lines
# Environment: IOW (the iomem-walk to measure, default build/iomem-walk; the
# GDB script is its build tree's gdb-scripts/iomem-walk-uninstalled.gdb),
# IOW_BENCH_RUNS (default 5), IOW_CACHE.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

# --- the table -----------------------------------------------------------------------
# table FILE...: the flow= lines, as PERFORMANCE.md shows them.
table() {
	grep -h '^flow=' "$@" | awk -v cores="$(nproc)" -v gdbver="$(gdb --version | sed -n '1s/.* //p')" '
	function kv(line, key,   i, n, a) { n = split(line, a, " "); for (i = 1; i <= n; i++) if (index(a[i], key "=") == 1) return substr(a[i], length(key) + 2); return "" }
	function ms(v) { if (v == "") return "-"; v += 0; return v >= 1000 ? sprintf("%.2f s", v / 1000) : (v >= 100 ? sprintf("%.0f ms", v) : sprintf("%.1f ms", v)) }
	function ratio(a, b) { return (a == "" || b == "" || b + 0 <= 0) ? "-" : sprintf("%.1fx", a / b) }
	{
		n++; line[n] = $0; k = kv($0, "kernel")
		if (kv($0, "flow") == "lx" && kv($0, "ok") == "1") { lxsetup[k] = kv($0, "setup_ms"); lxready[k] = kv($0, "ready_ms") }
		if (kv($0, "load") != "") { split(kv($0, "load"), l, "-"); if (lo == "" || l[1] + 0 < lo) lo = l[1] + 0; if (hi == "" || l[2] + 0 > hi) hi = l[2] + 0 }
		r = kv($0, "runs"); if (r != "" && (runs == "" || r + 0 < runs)) runs = r + 0
		if (kv($0, "output") == "pipe") pipe = 1
	}
	END {
		printf "GDB %s; medians of %s runs; load average %s-%s on %s shared cores.%s\n\n", gdbver, runs, lo, hi, cores,
			pipe ? " GDB'"'"'s output to a pipe (--pipe), not a terminal." : ""
		print "| kernel | GDB, way in | first command | GDB reads the vmlinux | source | target remote | load-plugin | set-up: ready to the command | command: first line (whole) | ready to first line | start to first line | lx-* / this: set-up, ready to first line |"
		print "|---|---|---|---|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= n; i++) {
			$0 = line[i]; k = kv($0, "kernel")
			if (kv($0, "flow") == "lx") {
				way = "full GDB, lx-*"; first = "lx-iomem"
				if (kv($0, "ok") != "1") { w = $0; sub(/.* why="/, "", w); sub(/"$/, "", w); printf "| %s | %s | %s | failed: %s | | | | | | | | |\n", k, way, first, w; continue }
				printf "| %s | %s | %s | %s (symbol-file -o) | %s (vmlinux-gdb.py) | %s | - | %s | %s (%s) | %s | %s | |\n", k, way, first,
					ms(kv($0, "symbols_ms")), ms(kv($0, "source_ms")), ms(kv($0, "target_ms")), ms(kv($0, "setup_ms")),
					ms(kv($0, "first_line_ms")), ms(kv($0, "cmd_ms")), ms(kv($0, "ready_ms")), ms(kv($0, "total_ms"))
				continue
			}
			way = "gdb-minimal, " kv($0, "way")
			first = kv($0, "first") == "tree" ? "iomem-walk (the tree)" : "iomem-walk proc iomem"
			printf "| %s | %s | %s | %s | %s | %s | %s%s | %s | %s (%s) | %s | %s | %s, %s |\n", k, way, first,
				ms(kv($0, "symbols_ms")), ms(kv($0, "source_ms")), ms(kv($0, "target_ms")), ms(kv($0, "plugin_ms")),
				(kv($0, "way") == "agent" ? " (connects)" : ""), ms(kv($0, "setup_ms")),
				ms(kv($0, "first_line_ms")), ms(kv($0, "cmd_ms")), ms(kv($0, "ready_ms")), ms(kv($0, "total_ms")),
				ratio(lxsetup[k], kv($0, "setup_ms")), ratio(lxready[k], kv($0, "ready_ms"))
		}
	}'
}
if [ "${1:-}" = --table ]; then
	shift
	table "$@"
	exit
fi

# --- options and the guest ------------------------------------------------------------
runs=${IOW_BENCH_RUNS:-5} output=tty
while [ $# -gt 1 ]; do
	case $1 in
	--runs) runs=$2; shift ;;
	--pipe) output=pipe ;;
	*) break ;;
	esac
	shift
done
usage="usage: bench/flow.sh [--runs N] [--pipe] GUEST_RUNDIR | --table FILE..."
[ $# -eq 1 ] || { echo "$usage" >&2; exit 2; }
rundir=$1
die() { echo "bench/flow.sh: $*" >&2; exit 1; }
[ -e "$rundir/guest.env" ] || { echo "bench/flow.sh: $rundir/guest.env not found (run qemu-harness/boot-guest first)" >&2; exit 2; }
# shellcheck disable=SC1091
. "$rundir/guest.env"
: "${IOW_KASLR_OFFSET:=0}"
series=$(echo "$IOW_KVER" | cut -d. -f1,2)
IOW=${IOW:-$top/build/iomem-walk}
gdbs=$(dirname "$IOW")/gdb-scripts/iomem-walk-uninstalled.gdb
[ -x "$IOW" ] || { echo "bench/flow.sh: no $IOW (build first, or set IOW)" >&2; exit 2; }
[ -f "$gdbs" ] || { echo "bench/flow.sh: no $gdbs (make gdb-scripts/iomem-walk-uninstalled.gdb in the build tree)" >&2; exit 2; }
IOW_CACHE=${IOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iomem-walk}
gdbfull=$IOW_CACHE/peers/gdb/gdb-full
lxpy=$IOW_CACHE/peers/lx/$IOW_KVER/vmlinux-gdb.py
out=$rundir/flow
mkdir -p "$out"

# --- one session ---------------------------------------------------------------------
# session WAY FIRST RUN: one GDB session, as the header says; prints the
# phases (key=value) or "error=WHY" (the transcript is $out/WAY-FIRST.RUN.log).
session() {
	local way=$1 first=$2 f=$out/$1-$2.$3 gdb=gdb file=("$IOW_VMLINUX") script=$gdbs cmd want cmdrec pat t0 rc
	case $first in
	proc-iomem) cmd="iomem-walk proc iomem" pat='^[0-9a-f]+-[0-9a-f]+ : ' ;;
	tree) cmd="iomem-walk" pat='^iomem_resource ' ;;
	lx-iomem) cmd=lx-iomem pat='^[0-9a-f]+-[0-9a-f]+ : ' ;;
	esac
	{
		echo "set confirm off"
		echo "set pagination off"
		if [ "$way" = lx ]; then
			# lx-* read the kernel at the addresses GDB's symbols give:
			# relocated for KASLR as bench/peers.sh does (iomem-walk finds
			# the offset itself and needs no relocation).
			gdb=$gdbfull file=() script=$lxpy
			echo "symbol-file -o $IOW_KASLR_OFFSET $IOW_VMLINUX"
		fi
		# Statistics from here on; the first command that prints them (and
		# its clock time) is GDB ready.  They stay off while the script is
		# sourced: a sourced GDB script's every line would print its own.
		echo "maint set per-command time on"
		echo "maint set per-command time off"
		echo "source $script"
		echo "maint set per-command time on"
		case $way in
		in-process) echo "target remote $IOW_GDB"; echo load-plugin; cmdrec=4 want=5 ;;
		agent) echo "load-plugin $IOW_GDB"; cmdrec=3 want=4 ;;
		lx) echo "target remote $IOW_GDB"; cmdrec=3 want=4 ;;
		esac
		echo "$cmd"
		echo detach
	} >"$f.gdb"
	# GDB as a user starts it: no IOW_VMLINUX (the relay finds the vmlinux
	# GDB has open) and no IOW_RELAY.  TZ=UTC0: the statistics' clock times.
	local argv=(env -u IOW_VMLINUX -u IOW_RELAY TZ=UTC0 timeout -k 5 300 "$gdb" -nx -batch -x "$f.gdb" "${file[@]}")
	t0=$EPOCHREALTIME
	if [ $output = tty ]; then
		SHELL=/bin/bash script -q -e -c "$(printf '%q ' "${argv[@]}")" /dev/null </dev/null
	else
		"${argv[@]}" </dev/null 2>&1
	fi | perl -MTime::HiRes=time -ne 'printf "%.6f %s", time, $_' >"$f.log"
	rc=${PIPESTATUS[0]}
	# The transcript: each line as "ARRIVAL TEXT".  GDB's statistics give a
	# command's start (clock time to the ms: taken as the middle of its
	# millisecond) and its wall time; a line's arrival is when the
	# terminal got it.
	awk -v t0="$t0" -v want=$want -v k=$cmdrec -v pat="$pat" -v way="$way" -v rc="$rc" '
	function epoch(d, t,   y, m, dd, a) { # UTC "YYYY-MM-DD", "HH:MM:SS.mmm" -> seconds
		y = substr(d, 1, 4) + 0; m = substr(d, 6, 2) + 0; dd = substr(d, 9, 2) + 0
		if (m <= 2) { y--; m += 12 }
		split(t, a, ":")
		return (365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + dd - 719469) * 86400 + a[1] * 3600 + a[2] * 60 + a[3]
	}
	{
		at = $1; line = $0; sub(/^[^ ]* /, "", line)
		gsub(/\r/, "", line); gsub(/\033\[[0-9;?]*[A-Za-z]/, "", line)
	}
	line ~ / - command started$/ { split(line, d, " "); start[++n] = epoch(d[1], d[2]) + 0.0005; lag[n] = at - start[n]; next }
	line ~ / - command finished$/ { next }
	line ~ /^Command execution time: / { w = line; sub(/.*\(cpu\), /, "", w); sub(/ .*/, "", w); wall[n] = w * 1000; next }
	index(line, "iomem-walk: relaying GDB") == 1 { relayed = 1 }
	n > 0 && !(n in arrived) && line ~ /[^ ]/ { arrived[n] = at; text[n] = line }
	END {
		if (n < want) { printf "error=GDB (exit %s) ran %d of the %d commands timed: an error stopped it\n", rc, n, want; exit }
		if (way != "lx" && !relayed) { print "error=load-plugin did not say the relay was there"; exit }
		if (!(k in arrived) || text[k] !~ pat) { printf "error=the first line of output is not the walk'"'"'s: %s\n", text[k]; exit }
		if (rc != 0) { printf "error=GDB exited %s\n", rc; exit }
		printf "symbols_ms=%.1f source_ms=%.0f setup_ms=%.1f", (start[1] - t0) * 1000, (start[2] - start[1]) * 1000, (start[k] - start[1]) * 1000
		if (way != "agent") printf " target_ms=%.2f", wall[2]
		if (way == "in-process") printf " plugin_ms=%.2f", wall[3]
		if (way == "agent") printf " plugin_ms=%.2f", wall[2]
		printf " cmd_ms=%.2f first_line_ms=%.2f ready_ms=%.1f total_ms=%.1f lag_ms=%.1f\n", wall[k],
			(arrived[k] - start[k]) * 1000, (arrived[k] - start[1]) * 1000, (arrived[k] - t0) * 1000, lag[k] * 1000
	}' "$f.log"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure WAY FIRST: RUNS sessions; one flow= line of medians.
measure() {
	local way=$1 first=$2 i res loads=() r=$out/$1-$2.runs
	: >"$r"
	for i in $(seq "$runs"); do
		echo "bench/flow.sh: $series $way, $first first: run $i of $runs" >&2
		loads+=("$(cut -d' ' -f1 /proc/loadavg)")
		res=$(session "$way" "$first" "$i")
		[[ $res == *symbols_ms=* ]] || [[ $res == error=* ]] || res="error=no timings in the transcript"
		if [[ $res == error=* ]]; then
			if [ "$way" = lx ]; then
				emit "$way" "$first" ok=0 "why=${res#error=}"
				return 0
			fi
			echo "bench/flow.sh: $series $way, $first first, run $i failed: ${res#error=}" >&2
			echo "--- the session's commands ($out/$way-$first.$i.gdb) and its last lines:" >&2
			cat "$out/$way-$first.$i.gdb" >&2
			echo "---" >&2
			cut -d' ' -f2- "$out/$way-$first.$i.log" | tr -d '\r' | tail -n 15 >&2
			exit 1
		fi
		echo "$res" >>"$r"
	done
	local k fields=()
	for k in symbols_ms source_ms setup_ms target_ms plugin_ms cmd_ms first_line_ms ready_ms total_ms lag_ms; do
		grep -q " $k=\|^$k=" "$r" &&
			fields+=("$k=$(tr ' ' '\n' <"$r" | sed -n "s/^$k=//p" | median)")
	done
	emit "$way" "$first" runs="$runs" "${fields[@]}" ok=1 \
		load="$(printf '%s\n' "${loads[@]}" | sort -g | sed -n '1p;$p' | paste -sd-)"
}

# emit WAY FIRST KEY=VALUE...: one result line; why="..." (the reason a
# peer failed, with spaces) comes last.
emit() {
	local way=$1 first=$2 flow=iomem-walk gdb=gdb-minimal why=
	shift 2
	[ "$way" = lx ] && flow=lx gdb=gdb-full
	local a line="flow=$flow kernel=$series gdb=$gdb way=$way first=$first"
	for a in "$@"; do
		case $a in why=*) why=$a ;; *) line="$line $a" ;; esac
	done
	line="$line output=$output"
	[ -n "$why" ] && line="$line why=\"${why#why=}\""
	echo "$line"
}

# --- the runs ------------------------------------------------------------------------
# Warm: the vmlinux in the page cache, as after the user's last GDB, and
# its answers in iomem-walk's index (a build's first run is bench/run's).
cat "$IOW_VMLINUX" >/dev/null
for c in "proc iomem" tree; do
	# shellcheck disable=SC2086
	"$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" $c >/dev/null ||
		die "the warm-up, iomem-walk $c, failed on the $series guest"
done
for way in in-process agent; do
	for first in proc-iomem tree; do
		measure "$way" "$first"
	done
done
if [ ! -x "$gdbfull" ] || [ ! -e "$lxpy" ]; then
	"$here/install-peers" --private "$IOW_KDIR" >"$out/install.log" 2>&1 || true
fi
if [ -x "$gdbfull" ] && [ -e "$lxpy" ]; then
	measure lx lx-iomem
else
	emit lx lx-iomem ok=0 "why=the full GDB or the kernel's scripts are not ready: $(tail -n 1 "$out/install.log")"
fi
