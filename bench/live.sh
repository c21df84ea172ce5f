#!/bin/bash
# Live benchmark: iomem-walk on a running kernel through /proc/kcore
# (--live), measured inside a guest, where the debug vmlinux by build ID is
# at hand (the host's own kernel has none): qemu-harness/live-disk puts the
# tool and the vmlinux on disks, the guest's init runs the tool as root.
# Not a test: it checks only that every run succeeds.
#
# For each series it boots the rig's default guest (TCG: the guest's CPU is
# an emulated one, several times slower than the machine's, so the figures
# are upper bounds, and a busy host stretches them: the fastest run is the
# one least disturbed), runs each command once to warm the page cache and
# iomem-walk's symbol index, then RUNS times more, and prints the median
# and the fastest of --stats: the time from main() to the end (the vmlinux opened through
# its index, /proc/kcore's headers and notes, the walk, the output), the
# reads of /proc/kcore (round trips: one pread each) and the bytes read.
#
# Usage: bench/live.sh [--runs N] [--series "6.1 6.12"] [--cmds "proc iomem|tree"]
# Environment: IOW (default build/iomem-walk).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
IOW=${IOW:-$top/build/iomem-walk}
runs=9 series="6.1 6.12" cmds="proc iomem|proc vmallocinfo|ioremap|tree"
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift ;;
	--series) series=$2; shift ;;
	--cmds) cmds=$2; shift ;;
	*) echo "usage: bench/live.sh [--runs N] [--series LIST] [--cmds 'CMD|CMD']" >&2; exit 2 ;;
	esac
	shift
done
[ -x "$IOW" ] || { echo "bench/live.sh: no $IOW (build first, or set IOW)" >&2; exit 2; }
work=$(mktemp -d)
(sleep 100000 &
	echo $! >"$work/owner.pid")
trap '[ -d "$work/guest" ] && "$top/qemu-harness/stop-guest" "$work/guest"; kill "$(cat "$work/owner.pid")"; rm -rf "$work"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "| kernel | command | median ms (--stats) | fastest ms | kcore reads | bytes read |"
echo "|---|---|---|---|---|---|"
for s in $series; do
	kdir=$("$top/qemu-harness/fetch-kernel" "$s") || exit 1
	args=$("$top/qemu-harness/live-disk" "$IOW" "$kdir" "$work/disk") || exit 1
	rm -rf "$work/guest"
	"$top/qemu-harness/boot-guest" --owner "$(cat "$work/owner.pid")" --series "$s" \
		--device-args "$args" "$work/guest" >/dev/null || exit 1
	IFS='|' read -r -a list <<<"$cmds"
	for c in "${list[@]}"; do
		: >"$work/m"
		for i in $(seq 0 "$runs"); do
			"$top/qemu-harness/guest-snapshot" "$work/guest" "live --stats $c" "$work/out" || exit 1
			grep -q '^@@IOW-RC 0@@$' "$work/out" || { echo "live $c failed:" >&2; tail -n 3 "$work/out" >&2; exit 1; }
			[ "$i" = 0 ] && continue # cold: the page cache, the index
			sed -n 's/^stats: \([0-9]*\) round trips.* \([0-9]*\) bytes received.*, \([0-9.]*\) ms$/\3 \1 \2/p' \
				"$work/out" >>"$work/m"
		done
		echo "| $(cat "$kdir/release") | $c | $(cut -d' ' -f1 "$work/m" | median) |" \
			"$(cut -d' ' -f1 "$work/m" | sort -n | head -n 1) |" \
			"$(cut -d' ' -f2 "$work/m" | median) | $(cut -d' ' -f3 "$work/m" | median) |"
	done
	"$top/qemu-harness/stop-guest" "$work/guest"
	rm -rf "$work/guest"
done
