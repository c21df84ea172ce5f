# Shared helpers for the qemu-harness scripts.  Sourced, never run.
# shellcheck shell=bash

# Where downloaded kernels, extracted files and built modules live: outside
# the source tree, so that a clean clone, a VPATH build and `make distcheck`
# all share one download.  IOW_CACHE overrides.
IOW_CACHE=${IOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iomem-walk}
export IOW_CACHE

iow_die() { echo "${0##*/}: $*" >&2; exit 2; }
iow_log() { [ -n "${IOW_QUIET:-}" ] || echo "${0##*/}: $*" >&2; }

# iow_arch NAME -> the rig's name for a guest architecture: x86_64 or arm64
# (amd64 and aarch64 are taken as synonyms).
iow_arch() {
	case $1 in
	x86_64|amd64) echo x86_64 ;;
	arm64|aarch64) echo arm64 ;;
	*) iow_die "unknown architecture '$1' (known: x86_64, arm64)" ;;
	esac
}
# iow_debian_arch ARCH -> Debian's name for it (amd64, arm64).
iow_debian_arch() { case $1 in x86_64) echo amd64 ;; *) echo "$1" ;; esac; }

# iow_kdir_arch KDIR -> the architecture of a kernel directory: what
# fetch-kernel wrote to KDIR/arch, else (directories made before it did, or
# by hand) x86_64, unless the release names arm64.
iow_kdir_arch() {
	if [ -s "$1/arch" ]; then cat "$1/arch"; return; fi
	case $(cat "$1/release" 2>/dev/null) in
	*-arm64) echo arm64 ;;
	*) echo x86_64 ;;
	esac
}

# iow_series_kver SERIES [ARCH] -> the release of the newest
# linux-image-*-cloud-ARCH-unsigned package of that series that apt knows
# about (ARCH: x86_64, the default, or arm64).  IOW_KVER_<series>
# (IOW_KVER_6_1, IOW_KVER_6_12) pins an exact x86 kernel release instead,
# IOW_KVER_ARM64_<series> an arm64 one.
iow_series_kver() {
	local series=$1 arch=${2:-x86_64} pin re darch
	darch=$(iow_debian_arch "$arch")
	if [ "$arch" = x86_64 ]; then pin=IOW_KVER_${series//./_}; else pin=IOW_KVER_ARM64_${series//./_}; fi
	if [ -n "${!pin:-}" ]; then echo "${!pin}"; return; fi
	case $series in
	6.1)  re="^linux-image-6\.1\.0-[0-9]+-cloud-$darch-unsigned\$" ;;
	6.12) re="^linux-image-6\.12\.[0-9]+\+deb12-cloud-$darch-unsigned\$" ;;
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

# iow_download DIR PKG[:ARCH][=VERSION]...: apt-get download the packages
# whose .deb DIR does not hold yet (of VERSION, else of any version).  A
# foreign-architecture package (linux-image-...:arm64) needs
# `dpkg --add-architecture` (scripts/install-deps).
iow_download() {
	local dir=$1 p want=()
	shift
	mkdir -p "$dir"
	for p in "$@"; do
		compgen -G "$(iow_deb_glob "$dir" "$p")" >/dev/null || want+=("$p")
	done
	[ ${#want[@]} -eq 0 ] && return 0
	iow_log "downloading ${want[*]}"
	# apt's sandbox user cannot write into root's cache: let root download.
	(cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "${want[@]}" >&2)
}
# iow_deb_glob DIR PKG[:ARCH][=VERSION] -> a glob for its .deb file names
# (NAME_VERSION_ARCH.deb, an epoch's ':' written %3a).
iow_deb_glob() {
	local spec=$2 name ver='*' arch='*'
	case $spec in *=*) ver=${spec#*=}; ver=${ver//:/%3a}; spec=${spec%%=*} ;; esac
	case $spec in *:*) arch=${spec##*:}; spec=${spec%%:*} ;; esac
	name=$spec
	echo "$1/${name}_${ver}_${arch}.deb"
}
# iow_deb_of DIR PKG[:ARCH][=VERSION] -> the newest .deb of it in DIR.
iow_deb_of() { compgen -G "$(iow_deb_glob "$1" "$2")" | sort -V | tail -n 1; }

# iow_arm64_busybox -> the path of a static aarch64 busybox, unpacked from
# Debian's busybox-static:arm64 into the cache.  Never installed: that
# package is not Multi-Arch, and apt would remove the amd64 one for it.
iow_arm64_busybox() {
	local dir=$IOW_CACHE/arm64/busybox
	if [ ! -x "$dir/bin/busybox" ]; then
		iow_download "$IOW_CACHE/debs" busybox-static:arm64 || return 1
		fill_bb() { dpkg-deb -x "$(iow_deb_of "$IOW_CACHE/debs" busybox-static:arm64)" "$IOW_TMPDIR"; }
		mkdir -p "$IOW_CACHE/arm64"
		iow_atomic_dir "$dir" fill_bb || return 1
	fi
	echo "$dir/bin/busybox"
}
