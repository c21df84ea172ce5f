# GDB sessions against a live guest: gdb-minimal (no Python) in batch mode
# and under MI, through both ways in (the plugin spliced into GDB's live
# connection after `target remote`: "inproc"; `load-plugin HOST:PORT`, the
# relay as GDB's stub: "agent"), and the relay's robustness.  What GDB shows
# is compared with the guest's own files, read by the guest while no
# debugger is attached (qemu-harness/guest-snapshot), and with the guest's
# own kallsyms and /proc/version; never with earlier output of the tool.
# Sourced after lib.sh.
# shellcheck shell=bash

top=$(cd "${top_builddir:-.}" && pwd)
IOW=$top/iomem-walk
GDB_SCRIPT=$top/gdb-scripts/iomem-walk-uninstalled.gdb
export IOW_RELAY=$IOW            # where the plugin finds the relay program
: "${GDB_TIMEOUT:=120}"          # one GDB session, at most
: "${MI_WAIT:=60}"               # one MI answer, at most
GDB_ENV=(-u IOW_VMLINUX)         # by default the relay must find the vmlinux itself
# GDB runs `target remote | CMD` and `shell CMD` through $SHELL, or /bin/sh
# when it is unset (CI's case).  Dash does not exec the last command of -c,
# so CMD can end up a grandchild of GDB: the sessions use the shell that
# makes that visible, not whatever the caller's login shell is.
export SHELL=/bin/sh

gdb_prereqs() {
	need gdb timeout pgrep
	[ -x "$IOW" ] || skip "no $IOW (build first)"
	[ -f "$GDB_SCRIPT" ] || skip "no $GDB_SCRIPT (make gdb-scripts/iomem-walk-uninstalled.gdb)"
	[ -f "$top/.libs/iomem-walk-plugin.so" ] || skip "no $top/.libs/iomem-walk-plugin.so (build first)"
}

# The GDB here must be the Python-free one: what these tests are about.
gdb_is_python_free() {
	! gdb -nx -batch -ex 'python print(1)' >/dev/null 2>&1
}

# gdb_boot SERIES: boot the guest, and learn from its own view (kallsyms,
# /proc/version) what plain GDB reads must return.  SCRATCH: 16 bytes of
# kernel RAM nobody uses (core_pattern[64..79], past the NUL of "core"),
# where the binary-write tests write and then restore.
gdb_boot() {
	local series=$1 cp linkb
	boot "$series" --series "$series"
	W=$RUN/gdb
	rm -rf "$W"
	mkdir -p "$W"
	QEMU_PID=$IOW_QEMU_PID
	OFFSET=$(cat "$TRUTH/kaslr_offset")
	BANNER=0x$(awk '$3 == "linux_banner" { print $1; exit }' "$TRUTH/kallsyms_text")
	VERSION=$(head -n 1 "$TRUTH/version")
	RELEASE=$(head -n 1 "$TRUTH/release")
	cp=$(awk '$3 == "core_pattern" { print $1; exit }' "$IOW_KDIR/System.map")
	linkb=$(awk '$3 == "linux_banner" { print $1; exit }' "$IOW_KDIR/System.map")
	[ "$BANNER" != 0x ] && [ -n "$cp" ] && [ -n "$VERSION" ] ||
		{ echo "ERROR: the guest's kallsyms/version or the System.map lack what the tests need"; exit 99; }
	# System.map plus the guest's KASLR offset must give the guest's own
	# address of linux_banner, or SCRATCH would be somewhere else.
	[ "$(printf '0x%x' $((0x$linkb + OFFSET)))" = "$BANNER" ] ||
		{ echo "ERROR: System.map + $OFFSET does not match the guest's kallsyms"; exit 99; }
	SCRATCH=$(printf '0x%x' $((0x$cp + OFFSET + 64)))
	echo "guest: $IOW_KVER at $IOW_GDB, KASLR $OFFSET, linux_banner $BANNER, scratch $SCRATCH"
	gdb_helpers
}

# Plain GDB commands the sessions use to show they are alive and can still
# read the guest (memory, and registers afresh), in $W/helpers.gdb.
gdb_helpers() {
	cat >"$W/helpers.gdb" <<EOF
define iow-alive
  echo @@alive \$arg0:
  output 6*7
  echo @@\\n
end
define iow-read
  printf "@@read \$arg0:%s@@\\n", (char *) ${BANNER:-0}
end
define iow-pc
  maintenance flush register-cache
  printf "@@pc \$arg0:%#lx@@\\n", (unsigned long) \$pc
end
EOF
}

# snap FILE...: the guest's own /proc/FILE now, into $W/FILE.guest (the
# guest runs for it: no debugger may be attached).
snap() {
	local f
	for f in "$@"; do
		"$IOW_HARNESS/guest-snapshot" "$RUN" "$f" "$W/$f.guest" ||
			{ echo "ERROR: no snapshot of $f from the guest"; exit 99; }
	done
}

# --- batch sessions ------------------------------------------------------------
# Build the session's commands in S, then run gdb_batch NAME.
S=()
ex() { S+=(-ex "$*"); }
# cap NAME WORDS...: `iomem-walk WORDS` into $W/NAME (monitor output is
# GDB's, `pipe` captures it).
cap() { local n=$1; shift; ex "pipe iomem-walk $* | cat >$W/$n"; }
alive() { ex "iow-alive $1"; }
readmem() { ex "iow-read $1"; }
way_in() { # inproc|agent: connect GDB that way and load the relay
	case $1 in
	inproc) ex "target remote $IOW_GDB"; ex load-plugin ;;
	agent) ex "load-plugin $IOW_GDB" ;;
	*) echo "ERROR: way_in $1"; exit 99 ;;
	esac
}

# gdb_batch NAME: run gdb-minimal -batch on S (then S is emptied); stdout
# and stderr in $W/NAME.out and NAME.err.  Never more than GDB_TIMEOUT.
gdb_batch() {
	local name=$1 rc=0 t0=$SECONDS
	timeout -k 5 "$GDB_TIMEOUT" env "${GDB_ENV[@]}" gdb -nx -batch \
		-ex 'set pagination off' -ex 'set confirm off' -ex 'set width 0' \
		-ex "source $GDB_SCRIPT" -ex "source $W/helpers.gdb" "${S[@]}" \
		</dev/null >"$W/$name.out" 2>"$W/$name.err" || rc=$?
	S=()
	echo "--- session $name: GDB exited $rc after $((SECONDS - t0)) s"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		fail "$name: GDB did not finish within ${GDB_TIMEOUT}s"
		tail -n 20 "$W/$name.out" "$W/$name.err"
	fi
	return 0
}

# same WANT GOT: byte for byte (a short diff when not).
same() {
	[ -f "$2" ] || { echo "$2 was not written"; return 1; }
	cmp -s "$1" "$2" && return 0
	diff -u "$1" "$2" | head -n 20
	return 1
}
# is_alive SESSION TAG: GDB answered `iow-alive TAG` (6*7 = 42).
# (Not a whole-line match: a failed x/ leaves its address on the line.)
is_alive() { grep -qF "@@alive $2:42@@" "$W/$1.out"; }
# read_ok SESSION TAG: a plain GDB read of linux_banner gave /proc/version.
read_ok() { grep -qF "@@read $2:$VERSION" "$W/$1.out"; }
# once SESSION PATTERN: the stderr of the session holds PATTERN exactly once.
once() { [ "$(grep -cE "$2" "$W/$1.err")" -eq 1 ]; }
# release_ok FILE: `iomem-walk info` output naming the guest's own release.
release_ok() { awk -v rel="$RELEASE" '$1 == "kernel" && $2 == "release" { found = ($3 == rel) } END { exit !found }' "$1"; }
# not_before FILE1 FILE2: the time (date +%s.%N) in FILE1 is not before FILE2's.
not_before() { [ -s "$1" ] && [ -s "$2" ] && awk -v a="$(cat "$1")" -v b="$(cat "$2")" 'BEGIN { exit !(a >= b) }'; }
# relays SESSION TAG: relay processes GDB had at `ex_relays TAG`.
ex_relays() { ex "shell pgrep -c -P \$PPID -f '^[^ ]*iomem-walk relay ' >$W/relays.$1"; }
relays() { [ "$(cat "$W/relays.$2" 2>/dev/null)" = "$3" ]; }

# --- MI sessions -----------------------------------------------------------------
# mi_start NAME: GDB/MI (mi2) as a coprocess, the exchange logged in
# $W/NAME.mi.  mi CMD: send it, wait for its result record (MI_RESULT,
# without the token); the target-stream (@) text it produced is in
# $W/mi.stream, decoded.  mi_until REGEX: read on until a line matches.
# MI_STOPPED: the last *stopped record seen on the way.
mi_start() {
	MI_NAME=$1 MI_N=0 MI_STOPPED=""
	: >"$W/$MI_NAME.mi"
	coproc MI { exec timeout -k 5 "$GDB_TIMEOUT" env "${GDB_ENV[@]}" gdb -nx --interpreter=mi2 \
		2>"$W/$MI_NAME.mi-stderr"; }
	MI_IN=${MI[1]} MI_OUT=${MI[0]} MI_GDB=$MI_PID
	mi_until '^\(gdb\) ?$' || return 1
	mi '-gdb-set pagination off' && mi '-gdb-set confirm off' &&
		mi "-interpreter-exec console \"source $GDB_SCRIPT\"" &&
		mi "-interpreter-exec console \"source $W/helpers.gdb\""
}
mi_until() {
	local line
	while IFS= read -r -t "$MI_WAIT" line <&"$MI_OUT"; do
		printf '%s\n' "$line" >>"$W/$MI_NAME.mi"
		case $line in
		'@"'*) printf '%s\n' "$line" >>"$W/mi.raw" ;;
		'*stopped'*) MI_STOPPED=$line ;;
		esac
		if [[ $line =~ $1 ]]; then
			MI_LINE=$line
			return 0
		fi
	done
	MI_LINE=""
	echo "(GDB/MI gave no line matching '$1' within ${MI_WAIT}s)"
	return 1
}
mi() {
	MI_N=$((MI_N + 1))
	: >"$W/mi.raw"
	MI_RESULT="(no answer)"
	{ printf '%d%s\n' "$MI_N" "$1" >&"$MI_IN"; } 2>/dev/null || { echo "(GDB/MI is gone)"; return 1; }
	mi_until "^$MI_N\\^" || return 1
	MI_RESULT=${MI_LINE#"$MI_N"}
	mi_decode <"$W/mi.raw" >"$W/mi.stream"
	[[ $MI_RESULT != ^error* ]]
}
# MI C strings (@"...") back to bytes: \n \t \r \e \" \\ and octal \ooo.
mi_decode() {
	awk 'function oct(s,  v, i) { v = 0; for (i = 1; i <= length(s); i++) v = v * 8 + substr(s, i, 1); return v }
	{
		s = substr($0, 3, length($0) - 3); out = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c != "\\") { out = out c; continue }
			c = substr(s, ++i, 1)
			if (c == "n") out = out "\n"
			else if (c == "t") out = out "\t"
			else if (c == "r") out = out "\r"
			else if (c == "e") out = out "\033"
			else if (c ~ /[0-7]/) { out = out sprintf("%c", oct(substr(s, i, 3))); i += 2 }
			else out = out c
		}
		printf "%s", out
	}'
}
# mi_cap FILE WORDS...: `iomem-walk WORDS` through MI; its stream into $W/FILE.
mi_cap() {
	local f=$1
	shift
	mi "-interpreter-exec console \"iomem-walk $*\""
	local rc=$?
	cp "$W/mi.stream" "$W/$f"
	return $rc
}
mi_alive() { mi '-data-evaluate-expression 6*7' && [ "$MI_RESULT" = '^done,value="42"' ]; }
# A plain read through MI: the first 32 bytes of linux_banner are /proc/version's.
mi_read_ok() {
	local want
	want=$(printf '%s' "${VERSION:0:32}" | od -An -tx1 | tr -d ' \n')
	mi "-data-read-memory-bytes $BANNER 32" && [[ $MI_RESULT == *"contents=\"$want\""* ]]
}
mi_stop() {
	local i
	mi '-gdb-exit' >/dev/null 2>&1
	for i in $(seq 100); do
		kill -0 "$MI_GDB" 2>/dev/null || break
		sleep 0.1
	done
	kill "$MI_GDB" 2>/dev/null
	wait "$MI_GDB" 2>/dev/null
	true
}

# --- the scenarios ---------------------------------------------------------------
# Each takes the ways in as arguments; the per-kernel scripts spread them so
# that every scenario runs through both ways in across the two kernels.

# Batch sessions with the vmlinux open in GDB, as users start: `gdb vmlinux`
# (not relocated: the relay must say so once, with the command that fixes
# it), then with the command it printed.  proc iomem/ioports/vmallocinfo
# equal the guest's own files.
scenario_batch_sessions() { # WAY-A WAY-B
	local a=$1 b=$2 fix
	snap iomem ioports vmallocinfo
	ex "file $IOW_VMLINUX"
	way_in "$a"
	cap b1.iomem proc iomem
	cap b1.ioports proc ioports
	cap b1.vmallocinfo proc vmallocinfo
	cap b1.info info
	ex 'pipe help iomem-walk | cat >'"$W/b1.help"
	alive b1
	readmem b1
	ex detach
	gdb_batch b1
	check "batch/$a: proc iomem is the guest's /proc/iomem" same "$W/iomem.guest" "$W/b1.iomem"
	check "batch/$a: proc ioports is the guest's /proc/ioports" same "$W/ioports.guest" "$W/b1.ioports"
	check "batch/$a: proc vmallocinfo is the guest's /proc/vmallocinfo" same "$W/vmallocinfo.guest" "$W/b1.vmallocinfo"
	check "batch/$a: info shows the guest's release" release_ok "$W/b1.info"
	check "batch/$a: help iomem-walk works" grep -q '^Usage: iomem-walk' "$W/b1.help"
	check "batch/$a: the vmlinux GDB has open was found (no --vmlinux, no \$IOW_VMLINUX)" \
		grep -qF "$IOW_VMLINUX" "$W/b1.info"
	check "batch/$a: the KASLR notice comes once" once b1 "GDB's symbols are not relocated for KASLR"
	check "batch/$a: ... with the guest's offset" grep -qxF "  symbol-file -o $OFFSET $IOW_VMLINUX" "$W/b1.err"
	check "batch/$a: GDB alive and reading the guest at the end" eval 'is_alive b1 b1 && read_ok b1 b1'

	# The command the notice printed fixes GDB's view: &linux_banner is
	# then the guest's own (kallsyms), and no notice comes.
	fix=$(grep -m1 '^  symbol-file -o ' "$W/b1.err" | sed 's/^  //')
	snap iomem ioports
	ex "${fix:-symbol-file $IOW_VMLINUX}"
	way_in "$b"
	ex "printf \"@@sym:%#lx@@\\n\", (unsigned long) &linux_banner"
	cap b2.iomem proc iomem
	cap b2.ioports proc ioports
	alive b2
	ex detach
	gdb_batch b2
	check "batch/$b: proc iomem is the guest's /proc/iomem" same "$W/iomem.guest" "$W/b2.iomem"
	check "batch/$b: proc ioports is the guest's /proc/ioports" same "$W/ioports.guest" "$W/b2.ioports"
	check "batch/$b: the printed symbol-file command puts GDB's symbols where the guest's kallsyms says" \
		grep -qxF "@@sym:$BANNER@@" "$W/b2.out"
	check "batch/$b: relocated symbols: no KASLR notice" eval '! grep -q "not relocated for KASLR" "$W/b2.err"'
	check "batch/$b: GDB alive at the end" is_alive b2 b2
}

# MI without the vmlinux in GDB ($IOW_VMLINUX names it to the relay): the
# output arrives as target-stream records and equals the guest's files; an
# error is an ^error; plain MI reads go on working.
scenario_mi_plain() { # WAY
	local w=$1
	snap iomem ioports
	GDB_ENV=(IOW_VMLINUX="$IOW_VMLINUX")
	mi_start mi1 || fail "mi/$w: GDB/MI did not start"
	GDB_ENV=(-u IOW_VMLINUX)
	if [ "$w" = inproc ]; then
		check "mi/$w: -target-select remote connects" mi "-target-select remote $IOW_GDB"
		check "mi/$w: load-plugin" mi '-interpreter-exec console "load-plugin"'
	else
		check "mi/$w: load-plugin HOST:PORT connects" mi "-interpreter-exec console \"load-plugin $IOW_GDB\""
	fi
	mi_cap mi1.iomem proc iomem
	check "mi/$w: proc iomem, as @ records, is the guest's /proc/iomem" same "$W/iomem.guest" "$W/mi1.iomem"
	mi_cap mi1.ioports proc ioports
	check "mi/$w: proc ioports, as @ records, is the guest's /proc/ioports" same "$W/ioports.guest" "$W/mi1.ioports"
	mi '-interpreter-exec console "iomem-walk no-such-command"'
	check "mi/$w: a failing command is an ^error" test "${MI_RESULT%%,*}" = "^error"
	check "mi/$w: ... whose message came as a stream record" grep -q "unknown subcommand 'no-such-command'" "$W/mi.stream"
	check "mi/$w: after the error GDB/MI answers" mi_alive
	check "mi/$w: ... and reads the guest (linux_banner is /proc/version)" mi_read_ok
	check "mi/$w: -target-detach" mi '-target-detach'
	mi_stop
}

# MI as front ends drive it (cdt-gdb-adapter resumes the guest at
# configurationDone, so a user may type load-plugin before pausing):
# load-plugin on a running guest is refused before anything touches the
# connection, and -exec-interrupt then stops the guest; after load-plugin
# (which says so as stream records, not on GDB's stderr) proc iomem is the
# guest's, and continue + interrupt still work.  Then the library loaded
# by hand on a running guest (no script to refuse it): the stop its probe
# causes reaches GDB.  Then a relay that cannot start: load-plugin, and an
# iomem-walk after it, are MI errors, and GDB's connection is unchanged.
scenario_mi_running_load() {
	local t0
	snap iomem
	mi_start mi3 || fail "mi-run: GDB/MI did not start"
	mi "-file-exec-and-symbols $IOW_VMLINUX"
	mi '-gdb-set mi-async on'
	check "mi-run: connected" mi "-target-select remote $IOW_GDB"
	check "mi-run: -exec-continue runs the guest" eval 'mi -exec-continue && [ "$MI_RESULT" = "^running" ]'
	mi '-interpreter-exec console "load-plugin"'
	check "mi-run: load-plugin on a running guest is an ^error" test "${MI_RESULT%%,*}" = "^error"
	check "mi-run: ... saying the target is running" eval '[[ $MI_RESULT == *"target is running"* ]]'
	MI_STOPPED="" t0=$(date +%s%N)
	check "mi-run: -exec-interrupt" mi '-exec-interrupt'
	[ -n "$MI_STOPPED" ] || mi_until '^\*stopped'
	echo "(the guest stopped $(( ($(date +%s%N) - t0) / 1000000 )) ms after -exec-interrupt)"
	check "mi-run: ... stops the guest (SIGINT)" eval '[[ $MI_STOPPED == *SIGINT* ]]'
	check "mi-run: load-plugin once stopped" mi '-interpreter-exec console "load-plugin"'
	check "mi-run: ... its answer comes as stream records" \
		grep -q "relaying GDB's remote connection: try 'iomem-walk help'" "$W/mi.stream"
	check "mi-run: ... and nothing on GDB's stderr" eval '! grep -q "iomem-walk" "$W/mi3.mi-stderr"'
	mi_cap mi3.iomem proc iomem
	check "mi-run: proc iomem is the guest's /proc/iomem" same "$W/iomem.guest" "$W/mi3.iomem"
	check "mi-run: continue after load-plugin" eval 'mi -exec-continue && [ "$MI_RESULT" = "^running" ]'
	MI_STOPPED=""
	check "mi-run: -exec-interrupt after load-plugin" mi '-exec-interrupt'
	[ -n "$MI_STOPPED" ] || mi_until '^\*stopped'
	check "mi-run: ... stops the guest" eval '[[ $MI_STOPPED == *SIGINT* ]]'

	# By hand, on a running guest: QEMU stops at the probe's first byte;
	# the stop reply must reach GDB, or the guest could never be
	# interrupted again.
	mi '-interpreter-exec console "unload-plugin"'
	check "mi-run: continue, the plugin unloaded" eval 'mi -exec-continue && [ "$MI_RESULT" = "^running" ]'
	MI_STOPPED=""
	mi "-interpreter-exec console \"jit-reader-load $top/.libs/iomem-walk-plugin.so\""
	check "mi-run: jit-reader-load by hand on a running guest loads" test "$MI_RESULT" = "^done"
	[ -n "$MI_STOPPED" ] || mi_until '^\*stopped'
	check "mi-run: ... and GDB hears of the stop it caused" test -n "$MI_STOPPED"
	# (monitor: the script's iomem-walk would try to load the plugin, which
	# it did not load itself)
	mi '-interpreter-exec console "monitor iomem-walk proc iomem"'
	cp "$W/mi.stream" "$W/mi3.iomem2"
	check "mi-run: ... after which proc iomem is the guest's" same "$W/iomem.guest" "$W/mi3.iomem2"
	check "mi-run: ... and GDB reads the guest" mi_read_ok
	mi '-interpreter-exec console "jit-reader-unload"'
	check "mi-run: -target-detach" mi '-target-detach'
	mi_stop

	# The relay cannot start: an error front ends see, nothing changed.
	GDB_ENV=(-u IOW_VMLINUX IOW_RELAY=/nonexistent/iomem-walk)
	mi_start mi4 || fail "mi-run: GDB/MI did not start"
	GDB_ENV=(-u IOW_VMLINUX)
	mi "-file-exec-and-symbols $IOW_VMLINUX"
	check "mi-norelay: connected" mi "-target-select remote $IOW_GDB"
	mi '-interpreter-exec console "load-plugin"'
	check "mi-norelay: load-plugin is an ^error" test "${MI_RESULT%%,*}" = "^error"
	mi '-interpreter-exec console "iomem-walk proc iomem"'
	check "mi-norelay: iomem-walk is an ^error too (not the stub's 'unknown command')" \
		test "${MI_RESULT%%,*}" = "^error"
	check "mi-norelay: GDB's connection still reads the guest" mi_read_ok
	check "mi-norelay: -target-detach" mi '-target-detach'
	mi_stop
}

# MI, the guest let run and interrupted (-exec-continue, -exec-interrupt
# with mi-async on); while it runs, the iowtest module is loaded (through
# the guest's own serial channel, not the gdbstub).  The next proc iomem
# must show the new resources: fresh data, equal to the guest's own file
# read after GDB let go.  Expects iowtest unloaded (scenario_batch_interrupt).
scenario_mi_interrupt() { # WAY
	local w=$1
	snap iomem
	mi_start mi2 || fail "mi/$w: GDB/MI did not start"
	check "mi/$w: -file-exec-and-symbols vmlinux" mi "-file-exec-and-symbols $IOW_VMLINUX"
	mi '-gdb-set mi-async on'
	if [ "$w" = inproc ]; then
		mi "-target-select remote $IOW_GDB" && mi '-interpreter-exec console "load-plugin"'
	else
		mi "-interpreter-exec console \"load-plugin $IOW_GDB\""
	fi
	check "mi/$w: connected and relaying" test "$MI_RESULT" = "^done"
	check "mi/$w: the KASLR notice came as a stream record" grep -q "not relocated for KASLR" "$W/mi.stream"
	mi_cap mi2.before proc iomem
	check "mi/$w: proc iomem is the guest's /proc/iomem (vmlinux found from GDB's file)" \
		same "$W/iomem.guest" "$W/mi2.before"
	check "mi/$w: -exec-continue runs the guest" eval 'mi -exec-continue && [ "$MI_RESULT" = "^running" ]'
	# GDB holds the gdbstub: ask without resuming through it (it runs).
	check "mi/$w: the running guest loads iowtest" \
		env IOW_NO_RESUME=1 "$IOW_HARNESS/guest-snapshot" "$RUN" insmod-iowtest /dev/null
	MI_STOPPED=""
	check "mi/$w: -exec-interrupt" mi '-exec-interrupt'
	[ -n "$MI_STOPPED" ] || mi_until '^\*stopped'
	check "mi/$w: ... the guest stops on SIGINT" eval '[[ $MI_STOPPED == *SIGINT* ]]'
	mi_cap mi2.after proc iomem
	check "mi/$w: after the interrupt GDB/MI answers" mi_alive
	check "mi/$w: ... and reads the guest" mi_read_ok
	check "mi/$w: -target-detach" mi '-target-detach'
	mi_stop
	snap iomem
	check "mi/$w: before the run, no iowtest resources" eval '! grep -q iowtest "$W/mi2.before"'
	check "mi/$w: after continue+interrupt, proc iomem shows the module the guest loaded meanwhile" \
		grep -q iowtest "$W/mi2.after"
	check "mi/$w: ... and equals the guest's /proc/iomem read afterwards" same "$W/iomem.guest" "$W/mi2.after"
}

# Binary writes, 100 interleaved round trips, and a Ctrl-C in the middle
# of a command, in one session (no vmlinux in GDB: $IOW_VMLINUX tells the
# relay).  QEMU 7.2 refuses X (GDB probes it with an empty X, through the
# relay, and falls back to M with the binary bytes hex-encoded); a forced X
# packet still carries the raw bytes $ # } * 0x03 0x00 through the relay,
# and the session must stay in step.  gdb-gdbserver.sh has a stub that
# takes X and checks the bytes land.
scenario_binary_roundtrips() { # WAY
	local w=$1 i ok=0 pc1 bad=""
	snap ioports vmallocinfo
	GDB_ENV=(IOW_VMLINUX="$IOW_VMLINUX")
	way_in "$w"
	ex "dump binary memory $W/scratch.orig $SCRATCH $SCRATCH+16"
	ex 'set debug remote 1'
	ex "set {char[8]}$SCRATCH = \"\$#}*\\003\\000z\""
	ex "dump binary memory $W/scratch.w1 $SCRATCH $SCRATCH+8"
	ex 'set remote X-packet on'
	ex "set {char[8]}($SCRATCH+8) = \"*}#\$\\003\\000\\003\""
	ex 'set debug remote 0'
	ex 'set remote X-packet off'
	readmem bin
	cap bin.ioports proc ioports
	ex "set {char[8]}$SCRATCH = \"#\\000}\\003\$*]\""
	ex "dump binary memory $W/scratch.w3 $SCRATCH $SCRATCH+8"
	ex "restore $W/scratch.orig binary $SCRATCH"
	ex "dump binary memory $W/scratch.restored $SCRATCH $SCRATCH+16"
	alive bin
	# The round trips: each a memory write (which makes the relay drop its
	# cache), a read of it, a read of linux_banner, a fresh register read,
	# and an iomem-walk command that must really ask the stub again.
	mkdir -p "$W/rt"
	rm -f "$W"/rt/*
	for i in $(seq 1 100); do
		echo "set {unsigned char}$SCRATCH = $i"
		echo "printf \"@@rt $i:%d@@\\n\", *(unsigned char *) $SCRATCH"
		echo "iow-read rt$i"
		echo "iow-pc rt$i"
		if [ $((i % 2)) = 0 ]; then
			echo "pipe iomem-walk proc ioports | cat >$W/rt/$i"
		else
			echo "pipe iomem-walk info | cat >$W/rt/$i"
		fi
	done >"$W/rt.gdb"
	ex "source $W/rt.gdb"
	ex "restore $W/scratch.orig binary $SCRATCH"
	alive rt
	# Ctrl-C in the middle of a long command: GDB quits its monitor loop
	# between two O packets without telling the stub; the relay must
	# notice and leave no stale reply behind for the next command.
	cat >"$W/long.gdb" <<EOG
set \$n = 0
while \$n < 300
  set {unsigned char}$SCRATCH = 0
  pipe iomem-walk proc vmallocinfo | cat >$W/abandon.partial
  set \$n = \$n + 1
end
EOG
	ex "shell (sleep 1.5; kill -INT \$PPID) >/dev/null 2>&1 &"
	ex "source $W/long.gdb"
	ex 'printf "@@quit at %d@@\n", $n'
	# GDB's next packet finds at most the one O packet that was on its way
	# (it takes it for a stale reply and skips it); a relay that went on
	# streaming would leave the rest of the output there.
	ex 'set debug remote 1'
	ex "restore $W/scratch.orig binary $SCRATCH"
	ex 'set debug remote 0'
	alive abandon
	readmem abandon
	cap abandon.ioports proc ioports
	cap abandon.vmallocinfo proc vmallocinfo
	ex 'shell sleep 2'
	cap abandon.ioports2 proc ioports
	ex "dump binary memory $W/scratch.final $SCRATCH $SCRATCH+16"
	ex detach
	gdb_batch binrt
	GDB_ENV=(-u IOW_VMLINUX)

	printf '$#}*\003\000z\000' >"$W/want.w1"
	printf '#\000}\003$*]\000' >"$W/want.w3"
	check "binary/$w: GDB probed X through the relay and QEMU's refusal came back" \
		grep -q "binary downloading NOT supported" "$W/binrt.err"
	check "binary/$w: bytes \$ # } * 0x03 0x00 written (M) and read back through the relay" same "$W/want.w1" "$W/scratch.w1"
	check "binary/$w: a forced X packet with raw \$ # } * 0x03 0x00 went out ..." \
		grep -qF ',8:}\n}]}\003}\004\003\000\003\000#' "$W/binrt.err"
	check "binary/$w: ... and its reply came back through the relay (no timeout, no resync)" \
		eval '! grep -qE "Timed out|Ignoring packet error|Junk:|Bad checksum" "$W/binrt.err"'
	check "binary/$w: after it the session is in step: plain read" read_ok binrt bin
	check "binary/$w: ... and proc ioports is the guest's" same "$W/ioports.guest" "$W/bin.ioports"
	check "binary/$w: a second pattern written and read back" same "$W/want.w3" "$W/scratch.w3"
	check "binary/$w: restore put the original bytes back" same "$W/scratch.orig" "$W/scratch.restored"
	check "binary/$w: GDB alive" is_alive binrt bin

	pc1=$(sed -n 's/^@@pc rt1:\(.*\)@@$/\1/p' "$W/binrt.out")
	for i in $(seq 1 100); do
		grep -qxF "@@rt $i:$i@@" "$W/binrt.out" || { bad="$bad write/read $i;"; continue; }
		grep -qxF "@@read rt$i:$VERSION" "$W/binrt.out" || { bad="$bad banner $i;"; continue; }
		grep -qxF "@@pc rt$i:$pc1@@" "$W/binrt.out" || { bad="$bad pc $i;"; continue; }
		if [ $((i % 2)) = 0 ]; then
			cmp -s "$W/ioports.guest" "$W/rt/$i" || { bad="$bad ioports $i;"; continue; }
		else
			release_ok "$W/rt/$i" || { bad="$bad info $i;"; continue; }
		fi
		ok=$((ok + 1))
	done
	[ -z "$bad" ] || echo "wrong round trips:$bad" | cut -c1-400
	check "roundtrips/$w: 100 interleaved rounds of write, read, register read and iomem-walk all right" test $ok -eq 100
	check "roundtrips/$w: the stopped guest's pc was read ($pc1)" test -n "$pc1"
	check "roundtrips/$w: GDB alive" is_alive binrt rt

	check "ctrl-c/$w: the Ctrl-C reached GDB (Quit)" grep -qx 'Quit' "$W/binrt.err"
	echo "(the Ctrl-C came in round $(sed -n 's/^@@quit at \(.*\)@@$/\1/p' "$W/binrt.out"), after $(wc -l <"$W/abandon.partial" 2>/dev/null) lines of vmallocinfo)"
	check "ctrl-c/$w: GDB alive and reading after it" eval 'is_alive binrt abandon && read_ok binrt abandon'
	check "ctrl-c/$w: the relay stopped the command: at most one stale packet for GDB to skip" \
		test "$(grep -c 'Packet instead of Ack' "$W/binrt.err")" -le 1
	check "ctrl-c/$w: the next command's output is its own: proc ioports is the guest's" \
		same "$W/ioports.guest" "$W/abandon.ioports"
	check "ctrl-c/$w: ... proc vmallocinfo is the guest's, whole" same "$W/vmallocinfo.guest" "$W/abandon.vmallocinfo"
	check "ctrl-c/$w: ... and still after GDB sat idle" same "$W/ioports.guest" "$W/abandon.ioports2"
	check "binary/$w: the scratch bytes are the original ones at the end" same "$W/scratch.orig" "$W/scratch.final"
}

# The relay driven by a raw RSP client that behaves as GDB 13 does on
# Ctrl-C in a monitor command: it quits the command without a word and
# sends its next packet, then acks the reply it finds stale.  Timing cannot
# pick the moment in a real GDB; here it is exact: given up while the
# output streams, and given up after all of it, before the final OK.  The
# relay must answer the next packet and every later command in full.  And
# a 0x03 (what another front end may send) stops a command cleanly.
rsp_hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
rsp_unhex() { printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }
rsp_send() { # PAYLOAD: framed, to the relay
	local p=$1 sum=0 i c
	for ((i = 0; i < ${#p}; i++)); do
		printf -v c '%d' "'${p:i:1}"
		sum=$(((sum + c) % 256))
	done
	printf '$%s#%02x' "$p" "$sum" >&"${RSP[1]}"
}
rsp_raw() { printf "$1" >&"${RSP[1]}"; }
rsp_recv() { # the next packet's payload in PKT (acks skipped, and stop
	# replies: QEMU sends one, unasked, when a debugger connects)
	local c state=idle
	PKT=""
	while IFS= read -r -N1 -t 10 c <&"${RSP[0]}"; do
		case $state in
		idle) [ "$c" = '$' ] && state=body ;;
		body) if [ "$c" = '#' ]; then state=sum1; else PKT+=$c; fi ;;
		sum1) state=sum2 ;;
		sum2)
			case $PKT in
			T*|S*) rsp_raw '+'; PKT=""; state=idle ;;
			*) return 0 ;;
			esac
			;;
		esac
	done
	PKT="(nothing within 10 s)"
	return 1
}
# rsp_cmd WORDS...: qRcmd `iomem-walk WORDS`; OUT: its output.  STOP_AT N:
# stop acking at the Nth O packet (0: ack all); STOP_OK=1: do not ack the OK.
rsp_cmd() {
	local n=0
	OUT="" RESULT=""
	rsp_send "qRcmd,$(rsp_hex "iomem-walk $*")"
	while rsp_recv; do
		case $PKT in
		O?*)
			[ "$PKT" = OK ] && { RESULT=OK; [ "${STOP_OK:-0}" = 1 ] || rsp_raw '+'; return 0; }
			n=$((n + 1))
			OUT+=$(rsp_unhex "${PKT#O}"; echo x)
			OUT=${OUT%x}
			[ "${STOP_AT:-0}" -gt 0 ] && [ $n -ge "$STOP_AT" ] && { RESULT=given-up; return 0; }
			rsp_raw '+'
			[ "${INTR_AT:-0}" -gt 0 ] && [ $n -eq "$INTR_AT" ] && rsp_raw '\003'
			;;
		*)
			RESULT=$PKT
			[ "${STOP_OK:-0}" = 1 ] && return 0
			rsp_raw '+'
			return 0
			;;
		esac
	done
	RESULT="(no reply)"
	return 1
}
# GDB's next packet after giving up: a read of linux_banner, acked, and the
# ack GDB sends for the stale reply it skips.
rsp_next_packet() {
	rsp_send "m${BANNER#0x},d"
	rsp_raw '+'
	rsp_recv && rsp_raw '+'
	[ "$(rsp_unhex "$PKT")" = "Linux version" ]
}
scenario_raw_client() {
	local want
	snap ioports vmallocinfo
	coproc RSP { exec env LC_ALL=C IOW_VMLINUX="$IOW_VMLINUX" timeout -k 5 60 "$IOW" relay "$IOW_GDB" 2>"$W/raw.err"; }
	local pid=$RSP_PID
	want=$(cat "$W/ioports.guest"; echo x)
	rsp_cmd proc ioports
	check "raw: the relay answers a plain client" test "$RESULT:$OUT" = "OK:${want%x}"
	STOP_AT=3 rsp_cmd proc vmallocinfo
	check "raw: given up while the output streams ..." test "$RESULT" = given-up
	check "raw: ... the next packet is answered (a memory read)" rsp_next_packet
	rsp_cmd proc ioports
	check "raw: ... and the next command in full" test "$RESULT:$OUT" = "OK:${want%x}"
	STOP_OK=1 rsp_cmd proc ioports
	check "raw: given up just before the final OK ..." test "$RESULT" = OK
	check "raw: ... the next packet is answered" rsp_next_packet
	rsp_cmd proc ioports
	check "raw: ... and the next command in full" test "$RESULT:$OUT" = "OK:${want%x}"
	INTR_AT=2 rsp_cmd proc vmallocinfo
	check "raw: a 0x03 stops a command: it ends with 'interrupted' and OK" \
		eval '[ "$RESULT" = OK ] && [[ $OUT == *"iomem-walk: interrupted"* ]] &&
		      [ ${#OUT} -lt $(wc -c <"$W/vmallocinfo.guest") ]'
	want=$(cat "$W/vmallocinfo.guest"; echo x)
	rsp_cmd proc vmallocinfo
	check "raw: after it, a command runs in full" test "$RESULT:$OUT" = "OK:${want%x}"
	eval "exec ${RSP[1]}>&-"
	wait "$pid" 2>/dev/null
	check "raw: the relay ends cleanly when its client goes" eval '! grep -q . "$W/raw.err"'
}

# Disconnect and reconnect, unload and reload, and the relay itself killed,
# through both ways in, in one GDB.  After each: GDB alive, plain reads
# right, iomem-walk right (or, with the relay unloaded, answered by QEMU).
scenario_reconnect() {
	snap ioports
	GDB_ENV=(IOW_VMLINUX="$IOW_VMLINUX")
	way_in inproc
	cap rc1 proc ioports
	ex_relays rc1
	ex disconnect
	alive rc2
	way_in inproc
	cap rc3 proc ioports
	readmem rc3
	ex unload-plugin
	ex_relays rc4
	readmem rc4
	# monitor, not the script's iomem-walk, which would load the plugin
	ex "pipe monitor iomem-walk proc ioports | cat >$W/rc4"
	cap rc4b proc ioports
	ex_relays rc4b
	ex load-plugin
	cap rc5 proc ioports
	ex load-plugin
	ex_relays rc6
	cap rc6 proc ioports
	# The relay killed: GDB loses the connection, nothing more; and the
	# stub must see it go, or it would refuse the next connection.
	ex "shell kill -9 \$(pgrep -P \$PPID -f '^[^ ]*iomem-walk relay ')"
	ex "x/4xb $BANNER"
	alive rc7
	ex "target remote $IOW_GDB"
	readmem rc8
	ex load-plugin
	cap rc8 proc ioports
	ex disconnect
	way_in agent
	cap rc9 proc ioports
	readmem rc9
	ex disconnect
	alive rc10
	way_in agent
	cap rc10 proc ioports
	ex load-plugin
	cap rc11 proc ioports
	ex "shell kill -9 \$(pgrep -P \$PPID -f '^[^ ]*iomem-walk relay ')"
	ex "x/4xb $BANNER"
	alive rc12
	way_in agent
	cap rc12 proc ioports
	readmem rc12
	ex detach
	gdb_batch reconnect
	GDB_ENV=(-u IOW_VMLINUX)
	local g=$W/ioports.guest
	check "reconnect/inproc: relaying" same "$g" "$W/rc1"
	check "reconnect/inproc: one relay process" relays reconnect rc1 1
	check "reconnect/inproc: disconnect, GDB alive" is_alive reconnect rc2
	check "reconnect/inproc: target remote + load-plugin again: relaying" same "$g" "$W/rc3"
	check "reconnect/inproc: ... plain reads right" read_ok reconnect rc3
	check "unload/inproc: no relay process left" relays reconnect rc4 0
	check "unload/inproc: plain reads go on through the original connection" read_ok reconnect rc4
	check "unload/inproc: iomem-walk now reaches QEMU itself, which does not know it" \
		eval '! cmp -s "$g" "$W/rc4" && grep -qi "unknown command" "$W/rc4"'
	check "unload/inproc: iomem-walk after unload-plugin loads the plugin again itself" same "$g" "$W/rc4b"
	check "unload/inproc: ... one relay process" relays reconnect rc4b 1
	check "reload/inproc: load-plugin again: relaying" same "$g" "$W/rc5"
	check "reload/inproc: load-plugin while loaded: relaying" same "$g" "$W/rc6"
	check "reload/inproc: ... with one relay process" relays reconnect rc6 1
	# Two relays killed, two lost connections reported (each kill really
	# hit a relay that was GDB's connection).
	check "relay killed/inproc: GDB reports the lost connection" \
		test "$(grep -ciE "Remote (connection closed|communication error)" "$W/reconnect.err")" -ge 1
	check "relay killed/inproc: GDB alive" is_alive reconnect rc7
	check "relay killed/inproc: target remote at once works (the stub saw the relay go)" read_ok reconnect rc8
	check "relay killed/inproc: load-plugin: relaying" same "$g" "$W/rc8"
	check "reconnect/agent: disconnect, load-plugin HOST:PORT: relaying" same "$g" "$W/rc9"
	check "reconnect/agent: ... plain reads right" read_ok reconnect rc9
	check "reconnect/agent: disconnect, GDB alive" is_alive reconnect rc10
	check "reconnect/agent: load-plugin HOST:PORT again: relaying" same "$g" "$W/rc10"
	check "reconnect/agent: load-plugin on the relay's connection answers and changes nothing" \
		eval 'same "$g" "$W/rc11" && grep -q "relaying GDB.s remote connection" "$W/reconnect.err"'
	check "relay killed/agent: GDB reports the lost connection too" \
		test "$(grep -ciE "Remote (connection closed|communication error)" "$W/reconnect.err")" -eq 2
	check "relay killed/agent: GDB alive" is_alive reconnect rc12
	check "relay killed/agent: load-plugin HOST:PORT again: relaying" same "$g" "$W/rc12"
	check "relay killed/agent: ... plain reads right" read_ok reconnect rc12
}

# The kernel under the relay changes between two commands (a reboot or a
# kexec while GDB let the guest run): here its divide-error gate, from
# which the KASLR offset is read, is moved by 1 MiB from GDB, which makes
# the relay drop its cache as any write does.  The next command must not
# read at the old offset: it checks, opens the kernel again and refuses
# the vmlinux, which no longer lines up.  Put back, the next one is right.
scenario_kernel_changed() { # WAY
	local w=$1 gate=0xfffffe0000000006
	snap ioports
	GDB_ENV=(IOW_VMLINUX="$IOW_VMLINUX")
	way_in "$w"
	cap kc1 proc ioports
	ex "set \$iow_b6 = *(unsigned char *)$gate"
	ex "set *(unsigned char *)$gate = (\$iow_b6 + 0x10) & 0xff"
	cap kc2 proc ioports
	ex "set *(unsigned char *)$gate = \$iow_b6"
	cap kc3 proc ioports
	alive kc3
	ex detach
	gdb_batch kchanged
	GDB_ENV=(-u IOW_VMLINUX)
	check "kernel changed/$w: relaying before" same "$W/ioports.guest" "$W/kc1"
	echo "(the relay said: $(grep '^iomem-walk: ' "$W/kc2" | head -n 1 | cut -c1-300))"
	check "kernel changed/$w: the moved kernel is noticed and its vmlinux refused" \
		eval 'grep -q "^iomem-walk: the kernel has moved since it was opened (KASLR offset $OFFSET, now 0x[0-9a-f]*).*no vmlinux matches the running kernel" "$W/kc2" &&
		      ! grep -q "^0000-0cf7" "$W/kc2"'
	check "kernel changed/$w: put back, the next command is right again" \
		same "$W/ioports.guest" "$W/kc3"
	check "kernel changed/$w: GDB alive" is_alive kchanged kc3
}

# `continue`, and while the guest runs the iowtest module is unloaded
# (through the guest's own serial channel, not the gdbstub); then Ctrl-C
# (SIGINT to GDB, as a terminal sends it).  proc iomem must be fresh: no
# iowtest, equal to the guest's own file read after GDB let go.
scenario_batch_interrupt() { # WAY
	local w=$1
	snap iomem
	mv "$W/iomem.guest" "$W/iomem.guest.0"
	GDB_ENV=(IOW_VMLINUX="$IOW_VMLINUX")
	way_in "$w"
	cap int.before proc iomem
	cap int.vbefore proc vmallocinfo
	ex "shell (sleep 1; IOW_NO_RESUME=1 '$IOW_HARNESS/guest-snapshot' '$RUN' rmmod-iowtest >/dev/null 2>&1; echo \$? >$W/int.rmmod; sleep 1; date +%s.%N >$W/int.sent; kill -INT \$PPID) >/dev/null 2>&1 &"
	ex "shell date +%s.%N >$W/int.t0"
	ex continue
	ex "shell date +%s.%N >$W/int.t1"
	cap int.after proc iomem
	cap int.vafter proc vmallocinfo
	alive int
	readmem int
	ex detach
	gdb_batch int
	GDB_ENV=(-u IOW_VMLINUX)
	snap iomem
	check "interrupt/$w: before, proc iomem is the guest's and has the iowtest resources" \
		eval 'grep -q iowtest "$W/int.before" && same "$W/iomem.guest.0" "$W/int.before"'
	check "interrupt/$w: the running guest unloaded iowtest" test "$(cat "$W/int.rmmod" 2>/dev/null)" = 0
	check "interrupt/$w: continue stopped on the Ctrl-C" grep -q "received signal SIGINT" "$W/int.out"
	check "interrupt/$w: ... which came after the module was gone" not_before "$W/int.t1" "$W/int.sent"
	check "interrupt/$w: after it, proc iomem is fresh: no iowtest" eval '! grep -q iowtest "$W/int.after"'
	check "interrupt/$w: ... and equals the guest's /proc/iomem read afterwards" same "$W/iomem.guest" "$W/int.after"
	check "interrupt/$w: proc vmallocinfo is fresh too: iowtest's ioremaps gone" \
		eval 'grep -q "\[iowtest\]" "$W/int.vbefore" && ! grep -q "\[iowtest\]" "$W/int.vafter"'
	check "interrupt/$w: GDB alive and reading after it" eval 'is_alive int int && read_ok int int'
}

# The stub killed (kill -9 QEMU) while an iomem-walk command runs: GDB
# says so, does not hang, and is still usable.  To be sure the kill comes
# in the middle of the command, while the relay waits for the stub's
# reply, QEMU is frozen (SIGSTOP) just before the command and killed a
# second into it; a write first makes the relay drop its cache, so the
# command must ask the stub.  Kills the guest: run it last.
scenario_stub_killed() { # WAY
	local w=$1 t0
	GDB_ENV=(IOW_VMLINUX="$IOW_VMLINUX")
	way_in "$w"
	cap kill.before proc ioports
	ex "set {unsigned char}$SCRATCH = 0"
	ex "shell kill -STOP $QEMU_PID"
	ex "shell (sleep 1; kill -9 $QEMU_PID) >/dev/null 2>&1 &"
	cap kill.during proc vmallocinfo
	alive kill1
	ex 'p 1+1'
	cap kill.after proc ioports
	ex "x/4xb $BANNER"
	alive kill2
	ex 'set tcp auto-retry off'
	ex "target remote $IOW_GDB"
	alive kill3
	t0=$SECONDS
	gdb_batch kill
	GDB_ENV=(-u IOW_VMLINUX)
	check "stub killed/$w: relaying before" grep -q '^0000-0cf7' "$W/kill.before"
	check "stub killed/$w: QEMU is gone" eval '! kill -0 $QEMU_PID 2>/dev/null'
	check "stub killed/$w: GDB did not hang" test $((SECONDS - t0)) -lt 60
	echo "(the relay said: $(grep '^iomem-walk: ' "$W/kill.during"))"
	check "stub killed/$w: the command in flight ends with the relay's message about the stub" \
		grep -qiE '^iomem-walk: .*(stub|connection)' "$W/kill.during"
	check "stub killed/$w: ... and fails in GDB" grep -q 'Protocol error with Rcmd' "$W/kill.err"
	check "stub killed/$w: GDB alive at once" is_alive kill kill1
	check "stub killed/$w: ... evaluates" grep -qx '$[0-9]* = 2' "$W/kill.out"
	check "stub killed/$w: iomem-walk afterwards fails cleanly: the connection is gone" \
		eval '! grep -q "^0000-0cf7" "$W/kill.after" &&
		      grep -qiE "Remote (connection closed|communication error)" "$W/kill.err"'
	check "stub killed/$w: GDB alive after using the dead connection" is_alive kill kill2
	check "stub killed/$w: ... and after trying to reconnect" is_alive kill kill3
	"$IOW_HARNESS/stop-guest" "$RUN"
}
