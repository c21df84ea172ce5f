# The walkers against the guest's own files, read by the guest at the
# moment the tool reads (qemu-harness/guest-snapshot).  Sourced after lib.sh.
# shellcheck shell=bash

IOW=${top_builddir:-.}/iomem-walk
# shellcheck disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/mtree-common.sh"
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

# JSON addresses as 16 hex digits, for sort and comm.
JQ_HEX16='ltrimstr("0x") | ("0000000000000000"[length:] + .)'
strictly_increasing() { LC_ALL=C sort -c -u; }

# vmap and ioremap list their areas by address, in text and JSON; vmap lists
# every area of the guest's own vmallocinfo, once, and beyond them only
# areas vmallocinfo leaves out; ioremap lists the guest's ioremaps.
by_address() {
	local err=0 extra
	"$IOW_HARNESS/guest-snapshot" "$RUN" vmallocinfo "$RUN/order.guest" || { echo "no snapshot"; return 1; }
	iow vmap >"$RUN/order.vmap" && iow --json vmap >"$RUN/order.vmap.json" &&
		iow ioremap >"$RUN/order.ioremap" && iow --json ioremap >"$RUN/order.ioremap.json" ||
		{ echo "a command failed"; return 1; }
	cut -c1-18 "$RUN/order.vmap" | strictly_increasing || { echo "vmap (text) is not by address"; err=1; }
	jq -r ".areas[].va_start | $JQ_HEX16" "$RUN/order.vmap.json" | strictly_increasing ||
		{ echo "vmap --json is not by address"; err=1; }
	grep '^0x' "$RUN/order.ioremap" | cut -c1-18 | strictly_increasing ||
		{ echo "ioremap (text) is not by address"; err=1; }
	jq -r ".mappings[].start | $JQ_HEX16" "$RUN/order.ioremap.json" | strictly_increasing ||
		{ echo "ioremap --json is not by address"; err=1; }
	[ "$(grep -c '^0x' "$RUN/order.ioremap")" = "$(jq '.mappings | length' "$RUN/order.ioremap.json")" ] ||
		{ echo "ioremap's text and JSON list different numbers of mappings"; err=1; }
	# The same areas as the guest's: ranges as vmallocinfo prints them.
	awk '{ print $1 }' "$RUN/order.guest" | LC_ALL=C sort >"$RUN/order.guest.ranges"
	awk '{ print $1 }' "$RUN/order.vmap" | LC_ALL=C sort >"$RUN/order.vmap.ranges"
	LC_ALL=C comm -23 "$RUN/order.guest.ranges" "$RUN/order.vmap.ranges" >"$RUN/order.missing"
	[ -s "$RUN/order.missing" ] && { echo "vmap lacks areas of the guest's vmallocinfo:"; head "$RUN/order.missing"; err=1; }
	extra=$(LC_ALL=C comm -13 "$RUN/order.guest.ranges" "$RUN/order.vmap.ranges" |
		grep -F -f - "$RUN/order.vmap" | grep -v -e '(no vm_struct)' -e ' uninitialized')
	[ -z "$extra" ] || { echo "vmap lists areas the guest's vmallocinfo has not:"; echo "$extra" | head; err=1; }
	awk '/ ioremap$| ioremap / { printf "%s %d\n", substr($1, 3, 16), $2 - 4096 }' "$RUN/order.guest" |
		LC_ALL=C sort >"$RUN/order.guest.ioremap"
	jq -r ".mappings[] | select(.ioremap) | \"\(.start | $JQ_HEX16) \(.size)\"" "$RUN/order.ioremap.json" |
		LC_ALL=C sort >"$RUN/order.tool.ioremap"
	diff -u "$RUN/order.guest.ioremap" "$RUN/order.tool.ioremap" || { echo "ioremap's areas are not the guest's"; err=1; }
	echo "$(wc -l <"$RUN/order.vmap.ranges") vmap areas, $(wc -l <"$RUN/order.tool.ioremap") ioremaps"
	return $err
}

# The guest's own vmallocinfo is not in address order: its vmap nodes'
# lists interleave (6.9+ with more than one CPU), so by_address proves the
# tool sorted.
guest_order_differs() {
	jq -e '.layout == "vmap_nodes" and .nr_vmap_nodes > 1' "$RUN/order.vmap.json" >/dev/null ||
		{ echo "not a kernel with several vmap nodes"; return 1; }
	! cut -c1-18 "$RUN/order.guest" | strictly_increasing 2>/dev/null
}

walk_test() { # SERIES [boot-guest options]
	local series=$1
	shift
	need jq gdb
	boot "$series" --series "$series" "$@"
	check "proc iomem is the guest's /proc/iomem, byte for byte" same_as_guest iomem
	check "proc ioports is the guest's /proc/ioports, byte for byte" same_as_guest ioports
	check "proc vmallocinfo is the guest's /proc/vmallocinfo, line for line" same_as_guest vmallocinfo
	check "tree --json lists the guest's iomem resources" tree_json_matches iomem
	check "tree --json lists the guest's ioports resources" tree_json_matches ioports
	check "vmap and ioremap list the guest's areas by address, text and JSON" by_address
	if [ "$series" = 6.12 ]; then
		check "... where the guest's own vmallocinfo is not in address order" guest_order_differs
	fi
	check "the annotated tree decodes flags" bash -c "'$IOW' --target '$IOW_GDB' --vmlinux '$IOW_VMLINUX' tree | grep -q 'System RAM .*MEM SYSRAM BUSY'"
	# QEMU's memory map beside the guest's, on the same boot (mtree-common.sh).
	mtree_test
}
