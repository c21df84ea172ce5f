#!/bin/bash
# The README's main command, exactly as the README writes it, on a fresh
# clone of this source tree (its committed HEAD), then again on the build
# tree it left, made stale or half made the ways a user's gets: configure
# interrupted (no build/Makefile, a built file missing), sources newer than
# the generated files (touched configure.ac and Makefile.am), and with
# --interactive, commands typed into GDB.  Last, with the GDB command file
# broken so that a command fails inside GDB: the demo must fail then.
# The kernel cache ($IOW_CACHE) is shared.  What the demo shows is checked
# by the demo itself, against the guest's own files; this test checks that
# it ran, what it says, its status, and that it left nothing running.
#
# Not part of `make distcheck`'s subset (scripts/test): a release tarball
# is not a git checkout, there is nothing to clone; it skips there.
# shellcheck disable=SC2317 # the functions that check() calls are reachable
. "$(dirname "$0")/lib.sh"

src=$(cd "${top_srcdir:-$(dirname "$0")/../..}" && pwd)
need git timeout gdb qemu-system-x86_64
# The top of a git work tree, not a tarball unpacked inside one (distcheck).
if ! [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" -ef "$src" ] ||
	! git -C "$src" rev-parse -q --verify HEAD >/dev/null; then
	skip "$src is not a git checkout (a release tarball?): there is no clone to make"
fi
[ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null ||
	skip "scripts/demo runs scripts/install-deps as root: run as root, or with sudo that asks no password"

head=$(git -C "$src" rev-parse HEAD)
git -C "$src" diff --quiet HEAD 2>/dev/null ||
	echo "note: $src has uncommitted changes; the clone has only what is committed"

W=$IOW_TEST_RUNDIR/$TEST
rm -rf "$W"
mkdir -p "$W/tmp"
git clone -q "$src" "$W/src" || { echo "ERROR: git clone $src failed"; exit 99; }
[ "$(git -C "$W/src" rev-parse HEAD)" = "$head" ] || git -C "$W/src" checkout -q --detach "$head" ||
	{ echo "ERROR: cannot check out $head in the clone"; exit 99; }

# The README's main command: the first one under "## The two commands".
cmd=$(awk '/^## / { on = ($0 == "## The two commands"); next }
	on && /^    [^ ]/ { sub(/^ +/, ""); sub(/ +#.*$/, ""); print; exit }' "$W/src/README.md")
[ -n "$cmd" ] || { echo "FAIL: README.md shows no command under '## The two commands'"; exit 1; }
echo "the README's main command: '$cmd'; on a clone of $head"

# No QEMU the demo started may outlive it.  Its guests run in $W/tmp (the
# demo's TMPDIR), so their command lines name $W, as zz-no-qemu-left also
# looks for.
qemu_left() {
	local p
	for p in $(pgrep -x qemu-system-x86 || true); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$W/" && return 0
	done
	return 1
}
trap 'for p in $(pgrep -x qemu-system-x86 || true); do
	tr "\0" " " <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$W/" && kill -9 "$p"; done' EXIT

# demo NAME SECONDS [ARGS]: the command, in the clone, with ARGS appended
# and stdin from the caller, as a user's shell would run it (none of make
# check's variables); output in $W/NAME.log; sets RC.
demo() {
	local name=$1 t=$2 args=${3:-} t0=$SECONDS
	RC=0
	(cd "$W/src" && timeout -k 10 "$t" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		-u top_srcdir -u top_builddir -u IOW_HARNESS -u IOW_BUILD -u IOW_RELAY \
		-u IOW_DEMO_INTERACTIVE TMPDIR="$W/tmp" bash -c "$cmd$args") >"$W/$name.log" 2>&1 || RC=$?
	echo "--- $name: '$cmd$args' exited $RC after $((SECONDS - t0)) s"
	[ "$RC" != 124 ] && [ "$RC" != 137 ] || echo "(killed: it took more than $t s)"
}
# ran_ok NAME: exit 0, the annotated tree shown, no failed check, nothing
# left running, the demo's run directory gone.
ran_ok() {
	local name=$1 ok=1
	[ "$RC" = 0 ] || { echo "exit status $RC, not 0"; ok=0; }
	grep -qE '(^|\(gdb\) )iomem_resource ' "$W/$name.log" || { echo "no annotated tree (iomem_resource line)"; ok=0; }
	! grep -q '^demo: FAILED' "$W/$name.log" || { echo "a check failed"; ok=0; }
	! qemu_left || { echo "its QEMU is still running"; ok=0; }
	[ -z "$(ls -A "$W/tmp")" ] || { echo "left in its TMPDIR: $(ls "$W/tmp")"; ok=0; }
	[ "$ok" = 1 ] && return 0
	echo "--- last lines of $W/$name.log:"
	tail -n 40 "$W/$name.log"
	return 1
}
newer_or_same() { [ -e "$1" ] && ! [ "$2" -nt "$1" ]; } # FILE THAN
failed_itself() { [ "$RC" != 0 ] && [ "$RC" != 124 ] && [ "$RC" != 137 ]; } # not 0, not killed
no_qemu_left() { ! qemu_left; }

# 1. A fresh clone: everything is made.
demo fresh 900 </dev/null
check "a fresh clone: '$cmd' builds, boots, shows the tree and exits 0" ran_ok fresh
B=$W/src/build
[ -f "$B/Makefile" ] || { echo "ERROR: no build/Makefile after the first run: cannot go on"; exit 1; }

# 2. configure interrupted (no Makefile), and a file of the build missing.
rm -f "$B/Makefile" "$B/gdb-scripts/iomem-walk-uninstalled.gdb"
demo no-makefile 600 </dev/null
check "build/ without a Makefile: '$cmd' configures, makes what is missing and exits 0" ran_ok no-makefile
check "... and the build tree has its GDB script again" test -f "$B/gdb-scripts/iomem-walk-uninstalled.gdb"

# 3. Sources newer than what was generated from them (a pull, an older
# build tree), and the interactive way in: commands typed into GDB, then
# quit, which must stop the guest.
touch "$W/src/configure.ac" "$W/src/Makefile.am"
demo interactive 600 " --interactive" <<<$'iomem-walk\nquit'
check "touched configure.ac: '$cmd --interactive' runs GDB's commands, exits 0 when GDB quits" ran_ok interactive
check "... configure was made again from configure.ac" newer_or_same "$W/src/configure" "$W/src/configure.ac"
check "... build/ was configured again" newer_or_same "$B/config.status" "$W/src/configure"
check "... build/Makefile was made again from Makefile.am" newer_or_same "$B/Makefile" "$W/src/Makefile.am"

# 4. A command that fails inside GDB must fail the demo: iomem-walk
# redefined, in the clone's GDB command file, to ask the relay for a
# subcommand that does not exist.
printf 'define iomem-walk\n  monitor iomem-walk no-such-subcommand\nend\n' >>"$W/src/gdb-scripts/iomem-walk.gdb.in"
demo gdb-error 600 </dev/null
check "a command that fails in GDB: '$cmd' exits non-zero (by itself, not killed)" failed_itself
check "... and says so" grep -q '^demo: FAILED: GDB exited' "$W/gdb-error.log"
check "... and leaves no QEMU running" no_qemu_left

if [ $fails = 0 ]; then rm -rf "$W"; else echo "the clone and the logs are in $W"; fi
finish
