# Shared helpers for the qemu-harness scripts.  Sourced, never run.
# shellcheck shell=bash

# Where downloaded kernels, extracted files and built modules live: outside
# the source tree, so that a clean clone, a VPATH build and `make distcheck`
# all share one download.  IOW_CACHE overrides.
IOW_CACHE=${IOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iomem-walk}
export IOW_CACHE

iow_die() { echo "${0##*/}: $*" >&2; exit 2; }
iow_log() { [ -n "${IOW_QUIET:-}" ] || echo "${0##*/}: $*" >&2; }

# iow_series_pkg SERIES -> the newest linux-image-*-cloud-amd64-unsigned
# package name of that series that apt knows about.  IOW_KVER_<series>
# (IOW_KVER_6_1, IOW_KVER_6_12) pins an exact kernel release instead.
iow_series_kver() {
	local series=$1 pin re
	pin=IOW_KVER_${series//./_}
	if [ -n "${!pin:-}" ]; then echo "${!pin}"; return; fi
	case $series in
	6.1)  re='^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' ;;
	6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned$' ;;
	*) iow_die "unknown kernel series '$series' (known: 6.1, 6.12)" ;;
	esac
	apt-cache search --names-only "$re" 2>/dev/null | awk '{print $1}' |
		sed -e 's/^linux-image-//' -e 's/-unsigned$//' | sort -V | tail -n 1
}

# A file ends up in place only when complete: write to a temporary name
# beside it, then rename.  A killed run leaves no half file to be trusted.
iow_atomic_dir() {  # iow_atomic_dir FINAL CMD... : CMD fills "$IOW_TMPDIR"
	local final=$1; shift
	IOW_TMPDIR=$(mktemp -d "$final.tmp.XXXXXX")
	if "$@"; then
		rm -rf "$final"
		mv "$IOW_TMPDIR" "$final"
	else
		rm -rf "$IOW_TMPDIR"
		return 1
	fi
}
