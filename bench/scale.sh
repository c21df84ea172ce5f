#!/bin/bash
# Scale benchmark: the production walkers, models, renderers and commands
# on a kernel-shaped process (tests/fixtures/kscale.c) served by gdbserver
# and opened as a flat kernel (src/kernel/flat.h), at growing sizes, so
# that linear growth of time and memory, and bounded memory, can be read
# off.  Not a test: it checks nothing but that every run succeeds.
#
# Two axes, each with the other held small, then both at full size:
#   vmap areas (resources 1,000):   proc vmallocinfo, ioremap, tree, check
#   resources (vmap areas 1,000):   proc iomem, tree, check
#   full (both at their largest):   proc vmallocinfo, ioremap, tree, check
# Each run is a fresh process (bench/scale-run): the fixture, gdbserver,
# the session, one subcommand.  Per run it prints a machine-readable line
#   scale cmd=ioremap areas=100000 resources=1107 ... wall_ms=... rt=... bytes=... maxrss_kb=...
# (resources counts iomem and ioports; see bench/scale-run.c for every
# field), and at the end a table of the best of --repeat runs, with
# per-item figures: constant per-item figures mean linear growth.
#
# Usage: bench/scale.sh [--build DIR] [--repeat N] [--areas "N..."]
#                       [--resources "M..."] [--depth D] [--shape 6.1|6.12]
#   --build DIR   a configured build tree (default: ./build, else .); the
#                 figures are for its CFLAGS (configure's default -g -O2;
#                 a tree configured --enable-sanitizers is refused)
#   --areas       default "1000 10000 100000"
#   --resources   default "1000 10000"
#   --depth       nesting of the iomem tree (default 6)
#   --repeat      runs per point, the fastest kept (default 3)
#   --shape       the fixture's vmap layout: 6.1 (vmap_area_list, default)
#                 or 6.12 (vmap_nodes)
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=
repeat=3
areas="1000 10000 100000"
resources="1000 10000"
depth=6
shape=6.1

while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--areas) areas=$2; shift 2 ;;
	--resources) resources=$2; shift 2 ;;
	--depth) depth=$2; shift 2 ;;
	--shape) shape=$2; shift 2 ;;
	-h|--help) sed -n '2,/^# SPDX/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "scale.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
if [ -z "$build" ]; then
	if [ -f "$top/build/Makefile" ]; then build=$top/build; else build=$top; fi
fi
if [ ! -f "$build/Makefile" ]; then
	echo "scale.sh: $build is no configured build tree (see README: Building by hand)" >&2
	exit 2
fi
if grep -q '^SAN_CFLAGS = .*sanitize' "$build/Makefile"; then
	echo "scale.sh: $build is built with sanitizers: its figures would mislead" >&2
	exit 2
fi
case $shape in
6.1) fixture=tests/fixtures/kscale ;;
6.12) fixture=tests/fixtures/kscale-612 ;;
*) echo "scale.sh: --shape 6.1 or 6.12" >&2; exit 2 ;;
esac
if [ ! -x /usr/bin/gdbserver ] && ! command -v gdbserver >/dev/null; then
	echo "scale.sh: gdbserver is not installed (Debian package gdbserver)" >&2
	exit 2
fi
make -s -C "$build" bench/scale-run "$fixture" >&2
run=$build/bench/scale-run
fixture=$build/$fixture

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/best"

# point AXIS AREAS RESOURCES SUBCOMMAND...: REPEAT runs, every line
# printed, the fastest (by CPU time) kept for the table
point() {
	local axis=$1 n=$2 m=$3 i line cpu best= bestcpu=
	shift 3
	for ((i = 0; i < repeat; i++)); do
		if ! line=$("$run" "$fixture" "$n" "$m" "$depth" "$@"); then
			echo "scale.sh: failed: $n areas, $m resources: $*" >&2
			exit 1
		fi
		echo "$line"
		cpu=$(sed -n 's/.* cpu_ms=\([0-9.]*\).*/\1/p' <<<"$line")
		if [ -z "$best" ] || awk -v a="$cpu" -v b="$bestcpu" 'BEGIN { exit !(a < b) }'; then
			best=$line
			bestcpu=$cpu
		fi
	done
	echo "$best axis=$axis req_areas=$n req_resources=$m" >>"$tmp/best"
}

small_a=${areas%% *}
small_m=${resources%% *}
big_a=${areas##* }
big_m=${resources##* }
echo "# scale: $shape shape, depth $depth, best of $repeat, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $areas; do
	for cmd in "proc vmallocinfo" ioremap tree check; do
		# shellcheck disable=SC2086
		point areas "$n" "$small_m" $cmd
	done
done
for m in $resources; do
	for cmd in "proc iomem" tree check; do
		# shellcheck disable=SC2086
		point resources "$small_a" "$m" $cmd
	done
done
if [ "$big_m" != "$small_m" ] && [ "$big_a" != "$small_a" ]; then
	for cmd in "proc vmallocinfo" ioremap tree check; do
		# shellcheck disable=SC2086
		point full "$big_a" "$big_m" $cmd
	done
fi

# The table: per-item figures divide by the areas asked for on the area
# axis, by the resources asked for on the resource axis, by both at full
# size.  "res" is what the fixture built: iomem and ioports together.
echo
awk '
function f(k,   i, kv) {
	for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] }
	return ""
}
BEGIN {
	printf "%-18s %9s %7s %7s %6s | %9s %9s %7s %10s %8s %9s | %8s %8s %6s %6s\n",
	       "command", "axis", "areas", "res", "tables", "wall_ms", "cpu_ms", "rt", "bytes", "base_kb",
	       "maxrss_kb", "us/item", "cpu/item", "rt/k", "KB/k"
}
{
	axis = f("axis")
	if (axis == "areas") items = f("req_areas")
	else if (axis == "resources") items = f("req_resources")
	else items = f("req_areas") + f("req_resources")
	grow = f("maxrss_kb") - f("base_kb")
	printf "%-18s %9s %7s %7s %6s | %9.1f %9.1f %7s %10s %8s %9s | %8.2f %8.2f %6.1f %6.1f\n",
	       f("cmd"), axis, f("areas"), f("resources"), f("tables"), f("wall_ms"), f("cpu_ms"), f("rt"),
	       f("bytes"), f("base_kb"), f("maxrss_kb"), 1000 * f("wall_ms") / items,
	       1000 * f("cpu_ms") / items, 1000 * f("rt") / items, 1000 * grow / items
}' "$tmp/best"
echo
echo "us/item, cpu/item: wall and CPU microseconds per area (area axis), per resource (resource"
echo "axis) or per area+resource (full size); rt/k: round trips per 1,000 items; KB/k: peak RSS"
echo "growth during the subcommand (maxrss_kb - base_kb) per 1,000 items."
