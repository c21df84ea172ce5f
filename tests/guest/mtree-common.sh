# mtree, and QEMU's regions in tree and check, against QEMU's own
# `info mtree -f` read independently of the tool (GDB's `monitor`, its own
# qRcmd on its own connection) and the guest's own /proc files.  Sourced
# after walk-common.sh (iow, RUN, JQ_HEX16; same_as_guest has left the
# guest's iomem and ioports in $RUN).  x86 (q35) guests; arm64's virt in
# rig-arm64-tool.sh (IOW_MTREE_GDB: the GDB that can talk to its stub).
# shellcheck shell=bash

# QEMU's flat views, as its monitor prints them, CRs dropped.
qemu_mtree_read() {
	${IOW_MTREE_GDB:-gdb} -nx -batch -ex "target remote $IOW_GDB" -ex "monitor info mtree -f" -ex disconnect \
		>"$RUN/qemu.mtree.raw" 2>&1 || { cat "$RUN/qemu.mtree.raw"; return 1; }
	tr -d '\r' <"$RUN/qemu.mtree.raw" >"$RUN/qemu.mtree"
	if ! grep -q '^ AS "memory",' "$RUN/qemu.mtree" || ! grep -q '^ AS "I/O",' "$RUN/qemu.mtree"; then
		echo "QEMU's monitor printed no \"memory\" or no \"I/O\" view:"
		head "$RUN/qemu.mtree"
		return 1
	fi
}

# qemu_view AS: the regions of the flat view address space AS resolves to,
# one a line: "START END TYPE NAME OFFSET" (16 hex digits; OFFSET "-" when
# QEMU prints none), in QEMU's order.
qemu_view() {
	awk -v as="$1" '
		/^FlatView #/ { want = 0 }
		index($0, " AS \"" as "\",") == 1 { want = 1 }
		want && /^  [0-9a-f]+-[0-9a-f]+ \(prio / {
			split($1, r, "-"); type = $4; sub(/\):$/, "", type)
			name = $0; sub(/^[^:]*\): /, "", name); off = "-"
			if (match(name, / @[0-9a-f]+$/)) { off = substr(name, RSTART + 2); name = substr(name, 1, RSTART - 1) }
			if (off != "-") off = sprintf("%016s", off); gsub(/ /, "0", off)
			print r[1], r[2], type, name, off
		}' "$RUN/qemu.mtree"
}

# The tool's regions of AS in the same form.
tool_view() {
	jq -r --arg space "$1" ".address_spaces[] | select(.name == \$space) | .regions[] |
		\"\(.start | $JQ_HEX16) \(.end | $JQ_HEX16) \(.type) \(.name) \(if .offset then (.offset | $JQ_HEX16) else \"-\" end)\"" \
		"$RUN/mtree.json"
}

mtree_json() {
	iow --json mtree >"$RUN/mtree.json" 2>"$RUN/mtree.err" || { echo "mtree --json failed:"; cat "$RUN/mtree.err"; return 1; }
	jq -e . "$RUN/mtree.json" >/dev/null || { echo "not valid JSON"; return 1; }
}

# Every region of QEMU's view of AS, in its order, start, end, type, name
# and offset as QEMU prints them.
regions_match() {
	qemu_view "$1" >"$RUN/view.$2.qemu"
	tool_view "$1" >"$RUN/view.$2.tool"
	[ -s "$RUN/view.$2.qemu" ] || { echo "no regions of \"$1\" in QEMU's output"; return 1; }
	diff -u "$RUN/view.$2.qemu" "$RUN/view.$2.tool" && echo "$(wc -l <"$RUN/view.$2.qemu") regions"
}

# A background region, in awk over qemu_view's lines of AS `as`: it stands
# for no device (model/mtree.h's rule): QEMU's I/O root "io", and a window
# laid over the space from 0, an i/o region whose offset is its address
# (arm64 virt's gpex_mmio_window).
BACKGROUND='$3 == "i/o" && (($4 == "io" && as == "I/O") || $5 == $1)'

# The resources mtree sets beside QEMU's AS are the guest's own file F, in
# its pre-order, and each says that QEMU has nothing over it exactly when
# none of QEMU's regions (background ones aside: they answer for no
# device) overlaps it.
resources_match() { # AS F
	local space=$1 f=$2
	jq -r --arg space "$space" ".address_spaces[] | select(.name == \$space) | .resources[] |
		\"\(.start | $JQ_HEX16) \(.end | $JQ_HEX16) \(.qemu_nothing) \(.name)\"" "$RUN/mtree.json" >"$RUN/res.$f.tool"
	# The guest's file, as "START END NOTHING NAME" (16 hex digits).
	awk 'NR == FNR { qs[NR] = $1 ""; qe[NR] = $2 ""; bg[NR] = '"$BACKGROUND"'; n = NR; next }
	     { match($0, /^ */); line = substr($0, RLENGTH + 1); split(line, p, " ")
	       split(p[1], ab, "-"); a = sprintf("%16s", ab[1]); b = sprintf("%16s", ab[2]); gsub(/ /, "0", a); gsub(/ /, "0", b)
	       name = line; sub(/^[^:]*: /, "", name); nothing = "true"
	       for (i = 1; i <= n; i++) if (!bg[i] && qs[i] <= b && a <= qe[i]) { nothing = "false"; break }
	       print a, b, nothing, name }' as="$space" "$RUN/view.$f.qemu" "$RUN/$f.guest" >"$RUN/res.$f.guest"
	diff -u "$RUN/res.$f.guest" "$RUN/res.$f.tool" &&
		echo "$(wc -l <"$RUN/res.$f.tool") resources, $(grep -c ' true ' "$RUN/res.$f.tool") over nothing"
}

# The text lists each region of QEMU's view of AS once (background pieces
# excepted: they show as "nothing" rows).
text_lists_regions() { # AS file
	local space=$1 f=$2
	awk -v as="$space" '/^QEMU.s "/ { on = index($0, "QEMU'"'"'s \"" as "\"") == 1; next } /^$/ { on = 0 }
		on && /^[0-9a-f]+-[0-9a-f]+  [a-z\/]+ / && $2 != "--" { print $1, $2, $3 }' "$RUN/mtree.txt" \
		>"$RUN/text.$f.tool"
	awk '!('"$BACKGROUND"') { print $1 "-" $2, $3, $4 }' as="$space" "$RUN/view.$f.qemu" >"$RUN/text.$f.qemu"
	diff -u "$RUN/text.$f.qemu" "$RUN/text.$f.tool"
}

# iowtest's window lies where QEMU has nothing (by QEMU's own view): each
# range the module claimed inside it is reported as claimed over nothing,
# and each mapping of it as mapped over nothing, by mtree and by check
# (which then fails).
window_reported() {
	local win a b claimed n_claim n_map
	win=$(grep -E '^ *[0-9a-f]+-[0-9a-f]+ : iowtest$' "$RUN/iomem.guest" | head -1)
	[ -n "$win" ] || { echo "no iowtest window in the guest's iomem"; return 1; }
	a=$(echo "$win" | sed -E 's/^ *([0-9a-f]+)-.*/\1/'); b=$(echo "$win" | sed -E 's/^ *[0-9a-f]+-([0-9a-f]+) .*/\1/')
	a=$(printf %016s "$a" | tr ' ' 0); b=$(printf %016s "$b" | tr ' ' 0)
	awk -v a="$a" -v b="$b" '($1 "") <= (b "") && (a "") <= ($2 "") { found = 1; print "QEMU has", $0, "in the window" } END { exit found }' \
		"$RUN/view.iomem.qemu" || return 1
	claimed=$(grep -cE '^ +[0-9a-f]+-[0-9a-f]+ : iowtest .' "$RUN/iomem.guest")
	n_claim=$(jq --arg a "$a" --arg b "$b" "[.findings[] | select(.kind == \"claim-over-nothing\" and
		(.start | $JQ_HEX16) >= \$a and (.end | $JQ_HEX16) <= \$b)] | length" "$RUN/mtree.json")
	n_map=$(jq --arg a "$a" --arg b "$b" "[.findings[] | select(.kind == \"map-over-nothing\" and
		(.start | $JQ_HEX16) >= \$a and (.end | $JQ_HEX16) <= \$b)] | length" "$RUN/mtree.json")
	echo "window $a-$b: $claimed claimed ranges, $n_claim claim-over-nothing, $n_map map-over-nothing"
	[ "$claimed" -gt 0 ] && [ "$n_claim" = "$claimed" ] && [ "$n_map" -ge "$claimed" ] || return 1
	iow check >"$RUN/check.txt" 2>&1
	[ $? = 1 ] || { echo "check did not exit 1"; cat "$RUN/check.txt"; return 1; }
	[ "$(grep -c '^VIOLATION claim-over-nothing' "$RUN/check.txt")" -ge "$claimed" ] ||
		{ echo "check lacks the window's claims"; return 1; }
	# Without QEMU's map, none of it.
	iow check --no-qemu >"$RUN/check.noqemu.txt" 2>&1
	! grep -q 'over-nothing\|qemu-' "$RUN/check.noqemu.txt" || { echo "check --no-qemu still reports QEMU's findings"; return 1; }
}

# The annotated tree: under the resources, QEMU's regions as QEMU's view
# has them (type, name, range); none with --no-qemu; its JSON says the same.
tree_shows_regions() { # AS file [--ioports]
	local space=$1 f=$2
	shift 2
	iow tree "$@" >"$RUN/tree.$f.txt" && iow tree --no-qemu "$@" >"$RUN/tree.$f.noqemu" || return 1
	grep -q '= QEMU ' "$RUN/tree.$f.txt" || { echo "no QEMU lines"; return 1; }
	! grep -q '= QEMU ' "$RUN/tree.$f.noqemu" || { echo "QEMU lines despite --no-qemu"; return 1; }
	# Each line's region is one of QEMU's (start, end, type, name).
	grep -oE '= QEMU [a-z/]+ .* 0x[0-9a-f]+-0x[0-9a-f]+' "$RUN/tree.$f.txt" | grep -v '= QEMU nothing' |
		awk '{ t = $3; r = $NF; name = $0; sub(/^= QEMU [^ ]+ /, "", name)
		       sub(/ 0x[0-9a-f]+-0x[0-9a-f]+$/, "", name); sub(/ @0x[0-9a-f]+$/, "", name)
		       split(r, ab, "-"); a = sprintf("%16s", substr(ab[1], 3)); b = sprintf("%16s", substr(ab[2], 3))
		       gsub(/ /, "0", a); gsub(/ /, "0", b); print a, b, t, name }' | LC_ALL=C sort -u >"$RUN/tree.$f.regions"
	sed 's/ [^ ]*$//' "$RUN/view.$f.qemu" | LC_ALL=C sort -u >"$RUN/tree.$f.qemu"
	LC_ALL=C comm -23 "$RUN/tree.$f.regions" "$RUN/tree.$f.qemu" >"$RUN/tree.$f.extra"
	[ ! -s "$RUN/tree.$f.extra" ] || { echo "tree shows regions QEMU has not:"; head "$RUN/tree.$f.extra"; return 1; }
	iow --json tree "$@" | jq -e '.qemu_error == null and ([.. | objects | select(has("qemu")) | .qemu[]] | length > 0)' \
		>/dev/null || { echo "tree --json has no QEMU regions"; return 1; }
	echo "$(wc -l <"$RUN/tree.$f.regions") of QEMU's regions shown"
}

# --stats: the map is one monitor command.
one_request() {
	iow --stats mtree >/dev/null 2>"$RUN/mtree.stats" || return 1
	grep -E '^stats: .*, 1 monitor command \([0-9]+ bytes of output\)' "$RUN/mtree.stats" || { cat "$RUN/mtree.stats"; return 1; }
}

# A PCI device whose driver the guest lacks (VENDOR:DEVICE, found in QEMU's
# own `info pci`): the guest assigned its BARs; those over which QEMU's
# view has nothing are each a bar-not-mapped note, and only those.
driverless_device() {
	local id=$1 bdf
	gdb -nx -batch -ex "target remote $IOW_GDB" -ex "monitor info pci" -ex disconnect 2>&1 | tr -d '\r' \
		>"$RUN/qemu.pci"
	bdf=$(awk -v id="$id" '/^  Bus / { gsub(/,/, ""); b = $2; d = $4; f = $6 }
		index($0, "PCI device " id) { printf "0000:%02x:%02x.%x\n", b, d, f; exit }' "$RUN/qemu.pci")
	[ -n "$bdf" ] || { echo "QEMU has no PCI device $id"; return 1; }
	# The guest's resources of that function, and which have nothing of QEMU's.
	grep -E "^ *[0-9a-f]+-[0-9a-f]+ : $bdf\$" "$RUN/iomem.guest" |
		awk '{ split($1, ab, "-"); a = sprintf("%16s", ab[1]); b = sprintf("%16s", ab[2]); gsub(/ /, "0", a); gsub(/ /, "0", b); print a, b }' \
		>"$RUN/pci.$bdf.bars"
	[ -s "$RUN/pci.$bdf.bars" ] || { echo "the guest assigned $bdf nothing"; return 1; }
	awk 'NR == FNR { qs[NR] = $1 ""; qe[NR] = $2 ""; n = NR; next }
	     { for (i = 1; i <= n; i++) if (qs[i] <= ($2 "") && ($1 "") <= qe[i]) next; print }' \
		"$RUN/view.iomem.qemu" "$RUN/pci.$bdf.bars" >"$RUN/pci.$bdf.empty.guest"
	jq -r ".findings[] | select(.kind == \"bar-not-mapped\" and .severity == \"note\") |
		\"\(.start | $JQ_HEX16) \(.end | $JQ_HEX16)\"" "$RUN/mtree.json" |
		grep -F -x -f "$RUN/pci.$bdf.bars" >"$RUN/pci.$bdf.empty.tool"
	echo "$bdf: $(wc -l <"$RUN/pci.$bdf.bars") ranges, $(wc -l <"$RUN/pci.$bdf.empty.guest") with nothing of QEMU's"
	[ -s "$RUN/pci.$bdf.empty.guest" ] || { echo "(every BAR of $bdf is mapped: no case to test)"; return 1; }
	diff -u "$RUN/pci.$bdf.empty.guest" "$RUN/pci.$bdf.empty.tool"
}

# On an ELF dump QEMU's view cannot be had: mtree says so in one line and
# exits 2; tree says the same line after the guest's tree and exits 0.
elf_dump_one_line() { # CORE
	local rc=0
	"$IOW" --core "$1" --vmlinux "$IOW_VMLINUX" mtree >"$RUN/core.mtree.out" 2>"$RUN/core.mtree.err" || rc=$?
	cat "$RUN/core.mtree.err"
	[ $rc = 2 ] && [ ! -s "$RUN/core.mtree.out" ] && [ "$(wc -l <"$RUN/core.mtree.err")" = 1 ] &&
		grep -q "QEMU's memory map is not available: an ELF dump" "$RUN/core.mtree.err" || return 1
	"$IOW" --core "$1" --vmlinux "$IOW_VMLINUX" tree >"$RUN/core.tree.out" 2>&1 || return 1
	[ "$(grep -c "QEMU's memory map is not available" "$RUN/core.tree.out")" = 1 ] &&
		grep -q '^iomem_resource ' "$RUN/core.tree.out"
}

mtree_test() {
	local t0=$SECONDS
	check "QEMU's own info mtree -f, read through GDB's monitor" qemu_mtree_read
	check "mtree --json is valid JSON" mtree_json
	check "mtree: QEMU's \"memory\" regions are its own, in order" regions_match memory iomem
	check "mtree: QEMU's \"I/O\" regions are its own, in order" regions_match I/O ioports
	check "mtree: the guest's iomem beside them, nothing where QEMU has nothing" resources_match memory iomem
	check "mtree: the guest's ioports beside them, nothing where QEMU has nothing" resources_match I/O ioports
	iow mtree >"$RUN/mtree.txt" 2>"$RUN/mtree.txt.err" || fail "mtree (text) failed: $(cat "$RUN/mtree.txt.err")"
	check "mtree (text) lists each region of \"memory\" once" text_lists_regions memory iomem
	check "mtree (text) lists each region of \"I/O\" once" text_lists_regions I/O ioports
	check "iowtest's window, where QEMU has nothing, is reported by mtree and check" window_reported
	check "tree shows QEMU's regions under the iomem resources (not with --no-qemu)" tree_shows_regions memory iomem
	check "tree --ioports shows QEMU's I/O regions" tree_shows_regions I/O ioports --ioports
	check "mtree --stats: one monitor command" one_request
	echo "(the mtree checks took $((SECONDS - t0)) s)"
}
