#!/bin/bash
# The harness's own machinery, without booting: the kernel cache is reused
# (a second fetch downloads and extracts nothing), the test module is built
# once per source, and the ground-truth splitter refuses damaged streams.
. "$(dirname "$0")/lib.sh"
need apt-cache dpkg-deb

for arch in x86_64 arm64; do
	for s in 6.1 6.12; do
		out=$("$IOW_HARNESS/fetch-kernel" --arch $arch "$s" 2>&1 >/dev/null)
		dir=$("$IOW_HARNESS/fetch-kernel" --arch $arch "$s" 2>/dev/null)
		[ $arch = x86_64 ] && [ "$dir" != "$("$IOW_HARNESS/fetch-kernel" "$s" 2>/dev/null)" ] &&
			fail "$s: fetch-kernel without --arch is not x86_64's"
		s="$s $arch"
		check "$s: a second fetch-kernel neither downloads nor extracts" test -z "$out"
		check "$s: the cache holds a complete kernel" test -e "$dir/.complete" -a -s "$dir/vmlinuz" -a -s "$dir/vmlinux"
		check "$s: the kernel directory says it is $arch" test "$(cat "$dir/arch")" = $arch
		check "$s: the cache lies outside the source tree" test "${dir#"$top_srcdir"}" = "$dir"
		out=$("$IOW_HARNESS/build-module" "$dir" 2>&1 >/dev/null)
		check "$s: the test module is built once" test -z "$out"
		ko=$("$IOW_HARNESS/build-module" "$dir" 2>/dev/null)
		check "$s: iowtest.ko is for $(cat "$dir/release")" \
			test "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$(cat "$dir/release")"
		want=X86-64
		[ $arch = arm64 ] && want=AArch64
		check "$s: iowtest.ko is an $want object" bash -c "readelf -h '$ko' | grep -q 'Machine: *.*$want'"
	done
done
# The arm64 rig's private programs: unpacked once, never installed.
gma=$("$IOW_HARNESS/gdb-multiarch" --print-path 2>/dev/null)
check "gdb-multiarch is unpacked in the cache" test -x "$gma" -a "${gma#"$top_srcdir"}" = "$gma"
check "gdb-multiarch debugs aarch64" bash -c "'$IOW_HARNESS/gdb-multiarch' -nx -batch -ex 'set architecture aarch64' 2>&1 | grep -q aarch64"
check "gdb-minimal is still the system's GDB" bash -c "dpkg-query -W -f='\${db:Status-Status}' gdb-minimal | grep -qx installed"
check "the system's busybox is still amd64's" bash -c "dpkg-query -W -f='\${Architecture} \${db:Status-Status}' busybox-static | grep -qx 'amd64 installed'"

# split-truth: a good stream splits; truncated, mis-sized or unterminated
# streams are refused.
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf '@@IOW-BEGIN a 6@@\nx\ny z\n@@IOW-END a@@\n@@IOW-BEGIN b 1@@\nq@@IOW-END b@@\n@@IOW-DONE@@\n' >"$t/good"
check "split-truth splits a good stream" "$IOW_HARNESS/split-truth" "$t/good" "$t/out"
check "section bytes are kept verbatim" test "$(cat "$t/out/a")" = "$(printf 'x\ny z')"
check "a section without a final newline is kept" test "$(od -An -c "$t/out/b" | tr -d ' ')" = 'q'
printf '@@IOW-BEGIN a 7@@\nx\ny z\n@@IOW-END a@@\n@@IOW-DONE@@\n' >"$t/size"
check "a wrong byte count is refused" bash -c "! '$IOW_HARNESS/split-truth' '$t/size' '$t/o2' 2>/dev/null"
printf '@@IOW-BEGIN a 6@@\nx\ny z\n' >"$t/trunc"
check "a truncated stream is refused" bash -c "! '$IOW_HARNESS/split-truth' '$t/trunc' '$t/o3' 2>/dev/null"
printf '@@IOW-BEGIN a 2@@\nx\n@@IOW-END a@@\n' >"$t/nodone"
check "a stream without its end marker is refused" bash -c "! '$IOW_HARNESS/split-truth' '$t/nodone' '$t/o4' 2>/dev/null"
finish
