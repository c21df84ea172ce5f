# The walkers against the guest's own files, read by the guest at the
# moment the tool reads (qemu-harness/guest-snapshot).  Sourced after lib.sh.
# shellcheck shell=bash

IOW=${top_builddir:-.}/iomem-walk
iow() { "$IOW" --target "$IOW_GDB" --vmlinux "$IOW_VMLINUX" "$@"; }

# same_as_guest FILE: `proc FILE` is byte-identical to the guest's own.
same_as_guest() {
	local f=$1
	"$IOW_HARNESS/guest-snapshot" "$RUN" "$f" "$RUN/$f.guest" || { echo "no snapshot of $f"; return 1; }
	iow proc "$f" >"$RUN/$f.tool" 2>"$RUN/$f.err" || { cat "$RUN/$f.err"; return 1; }
	diff -u "$RUN/$f.guest" "$RUN/$f.tool"
}

# The annotated tree's JSON parses, and lists the same resources, in the
# same pre-order, as the guest's /proc file.
tree_json_matches() { # iomem|ioports
	local f=$1 opt=--iomem
	[ "$f" = ioports ] && opt=--ioports
	iow --json tree $opt >"$RUN/$f.json" || return 1
	jq -e . "$RUN/$f.json" >/dev/null || { echo "not valid JSON"; return 1; }
	# Both sides as "depth start end name", depth capped at 5 as /proc does,
	# numbers in hex without leading zeros.
	jq -r 'def walk(d): "\(if d > 5 then 5 else d end) \(.start | ltrimstr("0x")) \(.end | ltrimstr("0x")) \(.name // "<BAD>")", (.children[] | walk(d + 1));
		.resources[] | walk(0)' "$RUN/$f.json" >"$RUN/$f.json.flat"
	sed -E 's/^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$/\1\2 \3 \4/' "$RUN/$f.guest" |
		awk '{ match($0, /^ */); d = RLENGTH / 2; sub(/^ */, ""); a = $1; b = $2;
		       sub(/^[^ ]+ [^ ]+ /, ""); sub(/^0+/, "", a); sub(/^0+/, "", b);
		       printf "%d %s %s %s\n", d, a == "" ? "0" : a, b == "" ? "0" : b, $0 }' >"$RUN/$f.guest.flat"
	diff -u "$RUN/$f.guest.flat" "$RUN/$f.json.flat"
}

walk_test() { # SERIES [boot-guest options]
	local series=$1
	shift
	need jq
	boot "$series" --series "$series" "$@"
	check "proc iomem is the guest's /proc/iomem, byte for byte" same_as_guest iomem
	check "proc ioports is the guest's /proc/ioports, byte for byte" same_as_guest ioports
	check "proc vmallocinfo is the guest's /proc/vmallocinfo, line for line" same_as_guest vmallocinfo
	check "tree --json lists the guest's iomem resources" tree_json_matches iomem
	check "tree --json lists the guest's ioports resources" tree_json_matches ioports
	check "the annotated tree decodes flags" bash -c "'$IOW' --target '$IOW_GDB' --vmlinux '$IOW_VMLINUX' tree | grep -q 'System RAM .*MEM SYSRAM BUSY'"
}
