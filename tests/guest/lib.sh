# Shared by the guest tests: sourced, never run.
# shellcheck shell=bash
#
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.  A
# missing prerequisite skips, except in CI (CI=true, or IOW_STRICT=1), where
# a guest test that cannot run is a failure: CI must never pass by skipping.
set -uo pipefail

: "${IOW_HARNESS:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../qemu-harness" && pwd)}"
: "${IOW_TEST_RUNDIR:=${TMPDIR:-/tmp}/iow-guest-tests}"
TEST=$(basename "$0" .sh)
fails=0

skip() {
	echo "SKIP: $*"
	if [ "${CI:-}" = true ] || [ -n "${IOW_STRICT:-}" ]; then
		echo "(a skip is a failure in CI)"
		exit 99
	fi
	exit 77
}
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
check() { # check DESCRIPTION COMMAND... : pass or fail on the command's status
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
	if [ $fails -gt 0 ]; then
		echo "$TEST: $fails check(s) failed"
		exit 1
	fi
	echo "$TEST: all checks passed"
	exit 0
}

need() { # need COMMAND... : each must be on PATH
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed (scripts/install-deps installs it)"
	done
}

# boot NAME [boot-guest options]: boot a guest into $IOW_TEST_RUNDIR/TEST-NAME,
# stop it when the test exits however it exits, and load guest.env.
boot() {
	local name=$1
	shift
	case " $* " in
	*" --arch arm64 "*) need qemu-system-aarch64 aarch64-linux-gnu-gcc-12 cpio ;;
	*) need qemu-system-x86_64 busybox cpio ;;
	esac
	RUN=$IOW_TEST_RUNDIR/$TEST-$name
	mkdir -p "$RUN"
	trap 'stop_all' EXIT
	GUESTS+=("$RUN")
	"$IOW_HARNESS/boot-guest" --owner $$ "$@" "$RUN" || { echo "FAIL: guest $name did not boot"; exit 1; }
	# shellcheck disable=SC1091
	. "$RUN/guest.env"
	TRUTH=$RUN/truth
}
GUESTS=()
stop_all() {
	local g
	for g in "${GUESTS[@]}"; do "$IOW_HARNESS/stop-guest" "$g"; done
}
