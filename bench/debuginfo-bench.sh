#!/bin/bash
# Benchmark of src/debuginfo on the Debian debug vmlinux files: opening, the
# build ID, the symbol table, the %pS table, the first struct lookup with a
# hint, every lookup the walkers make, and lookups without a hint, each
# cold (page cache dropped: needs root) and warm.  Prints one table.  Not a
# test: it checks nothing but that the lookups succeed.
#
# Usage: bench/debuginfo-bench.sh [VMLINUX...]
#   default: the kernels cached by qemu-harness/fetch-kernel in
#   ${IOW_CACHE:-${XDG_CACHE_HOME:-~/.cache}/iomem-walk}/kernels/*/vmlinux
# Environment: CC (gcc), BENCH_BIN (a prebuilt bench/debuginfo-bench.c).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
	kernels=("$@")
else
	kernels=()
	for f in "${IOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iomem-walk}"/kernels/*/vmlinux; do
		[ -f "$f" ] && kernels+=("$f")
	done
fi
if [ ${#kernels[@]} -eq 0 ]; then
	echo "debuginfo-bench: no vmlinux given or cached (run qemu-harness/fetch-kernel)" >&2
	exit 2
fi

bin=${BENCH_BIN:-}
if [ -z "$bin" ]; then
	# Built here, optimized and without sanitizers: the figures are for
	# the code as shipped, not as tested.
	bin=$tmp/debuginfo-bench
	printf '#define _GNU_SOURCE 1\n' >"$tmp/config.h"
	# shellcheck disable=SC2046
	${CC:-gcc} -std=gnu11 -O2 -I"$tmp" -I"$top/src" $(pkg-config --cflags libdw) \
		-o "$bin" "$here/debuginfo-bench.c" "$top"/src/debuginfo/*.c \
		"$top/src/util/error.c" "$top/src/util/buf.c" \
		$(pkg-config --libs libdw libelf) -liberty
fi

can_drop=no
if [ -w /proc/sys/vm/drop_caches ]; then
	can_drop=yes
fi
drop() {
	if [ $can_drop = yes ]; then
		sync
		echo 3 >/proc/sys/vm/drop_caches
	fi
}

# run KERNEL-INDEX TEMPERATURE ARGS...: record "step ms note" lines
run() {
	local k=$1 temp=$2
	shift 2
	"$bin" "$@" | while IFS=$'\t' read -r step ms note; do
		printf '%s\t%s\t%s\t%s\t%s\n' "$k" "$temp" "$step" "$ms" "$note"
	done >>"$tmp/results"
}

: >"$tmp/results"
for i in "${!kernels[@]}"; do
	v=${kernels[$i]}
	if "$bin" all "$v" | grep -q 'vmap_nodes layout'; then
		late=vmap_node
	else
		late=vmap_area
	fi
	for temp in cold warm; do
		[ $temp = cold ] && drop
		run "$i" $temp all "$v"
	done
	for s in resource $late no_such_struct; do
		for temp in cold warm; do
			[ $temp = cold ] && drop
			run "$i" $temp nohint "$v" "$s"
		done
	done
done

# The table: one row per step, a cold and a warm column per kernel, in
# milliseconds unless the step says otherwise.
{
	printf '%-22s' step
	for i in "${!kernels[@]}"; do
		name=$(basename "$(dirname "${kernels[$i]}")")
		printf ' | %-26s' "${name:0:26}"
	done
	printf ' | note\n%-22s' ''
	for i in "${!kernels[@]}"; do
		printf ' | %12s %13s' cold warm
	done
	printf ' |\n'
	awk -F'\t' '!seen[$3]++ { print $3 }' "$tmp/results" | while read -r step; do
		printf '%-22s' "$step"
		note=
		for i in "${!kernels[@]}"; do
			c=$(awk -F'\t' -v k="$i" -v s="$step" '$1==k && $2=="cold" && $3==s { print $4; exit }' "$tmp/results")
			w=$(awk -F'\t' -v k="$i" -v s="$step" '$1==k && $2=="warm" && $3==s { print $4; n=$5 } END { }' "$tmp/results" | tail -1)
			n=$(awk -F'\t' -v k="$i" -v s="$step" '$1==k && $2=="warm" && $3==s { n=$5 } END { print n }' "$tmp/results")
			[ $can_drop = yes ] || c=n/a
			printf ' | %12s %13s' "${c:--}" "${w:--}"
			case "; $note; " in
			*"; $n; "*) ;;
			*) note="$note${note:+; }$n" ;;
			esac
		done
		printf ' | %s\n' "$note"
	done
}
[ $can_drop = yes ] || echo "(not root: the page cache was not dropped, so no cold figures)"
