#!/bin/bash
# The ELF core back end on QEMU 7.2's own dump-guest-memory, through the
# iow-core-probe tool.  In one gdb session (the guest stays stopped
# throughout) the test reads the live registers and a few physical bytes
# through QEMU's monitor (xp), then has QEMU write two dumps: a plain one
# (physical addresses only) and a paging one (-p, virtual addresses).  The
# dumps must agree with the live guest: the registers of CPU 0, linux_banner
# at the physical address QEMU's gva2gpa gives and as the guest's own
# /proc/version, the last bytes of RAM, a fault where RAM ends; and their
# VMCOREINFO with the guest (KERNELOFFSET = the KASLR offset it printed,
# OSRELEASE, BUILD-ID = the vmlinux's, SYMBOL()s = System.map plus the
# offset, phys_base consistent with gva2gpa).  A second guest with 5 GiB
# makes a dump larger than 4 GiB, read past that offset.
. "$(dirname "$0")/lib.sh"

PROBE=${IOW_CORE_PROBE:-${top_builddir:-.}/tests/tools/iow-core-probe}
[ -x "$PROBE" ] || { echo "FAIL: $PROBE is not built (make check builds it)"; exit 99; }
need gdb readelf

probe() { timeout 120 "$PROBE" "$@"; }
sym() { awk -v s="$1" '$3 == s { print "0x" $1; exit }' "$TRUTH/kallsyms_text"; }
mapsym() { awk -v s="$1" '$3 == s { print "0x" $1; exit }' "$IOW_KDIR/System.map"; }
# The value gdb printed after "@@NAME" (one echo marker per command).
live() { sed -n "/^@@$1\$/{n;p;}" "$RUN/live.txt"; }
# xp output ("ADDR: 0x4c 0x69 ...") as one hex string.
xp_hex() { sed 's/^[0-9a-f]*://' | grep -o '0x[0-9a-f][0-9a-f]\b' | sed 's/^0x//' | tr -d '\n'; }
# The last "System RAM" range of the guest's /proc/iomem: START END.
last_ram() { sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/0x\1 0x\2/p' "$TRUTH/iomem" | tail -n 1; }
vmci() { probe "$1" vmcoreinfo "$2"; }
quietly() { "$@" >/dev/null; }

# gdb_session OUT EX...: one gdb-minimal session on the guest's stub, each
# -ex argument preceded by an "@@N" marker line (N counting from 1).
gdb_session() {
	local out=$1 n=0 a args=()
	shift
	for a in "$@"; do
		n=$((n + 1))
		args+=(-ex "echo @@$n\\n" -ex "$a")
	done
	# QEMU's monitor ends its lines with CR LF.
	timeout 600 gdb -batch -nx -ex "set pagination off" -ex "target remote $IOW_GDB" \
		"${args[@]}" 2>&1 | tr -d '\r' >"$out"
}

# --- a 6.12 guest: its live state, then a plain and a paging dump -------------
boot main --series 6.12 --no-testmod
banner=$(sym linux_banner)
[ -n "$banner" ] || { echo "FAIL: no linux_banner in the guest's kallsyms"; exit 1; }
read -r ram_start ram_end < <(last_ram)
top=$(printf '0x%x' $((ram_end - 15)))
core=$RUN/core.elf corep=$RUN/core-p.elf
rm -f "$core" "$corep"
t0=$SECONDS
gdb_session "$RUN/live.txt" "info registers cr3" "info registers cr0" "info registers cr4" \
	"info registers rip" "info registers rsp" "monitor gva2gpa $banner" \
	"monitor xp /16xb $top" "monitor dump-guest-memory $core" \
	"monitor dump-guest-memory -p $corep" "echo @@end\\n"
cat "$RUN/live.txt"
# Markers 1..5: registers; 6: gva2gpa; 7: xp of the last RAM bytes.
names=(cr3 cr0 cr4 rip rsp) live_regs=()
for i in 1 2 3 4 5; do live_regs+=("$(live $i | awk '{ print $2 }')"); done
gpa=$(live 6 | sed -n 's/^gpa: //p')
top_live=$(sed -n '/^@@7$/,/^@@8$/p' "$RUN/live.txt" | grep '^[0-9a-f]*:' | xp_hex)
echo "dumps written in $((SECONDS - t0)) s"
if [ ! -s "$core" ] || [ ! -s "$corep" ]; then echo "FAIL: QEMU wrote no dump"; exit 1; fi
ls -l "$core" "$corep"
gdb_session "$RUN/xp.txt" "monitor xp /16xb $gpa"
banner_live=$(grep '^[0-9a-f]*:' "$RUN/xp.txt" | xp_hex)

check "the dump is at least as large as the guest's RAM" \
	test "$(stat -c %s "$core")" -ge $((512 << 20))
out=$(probe "$core" reg cr3 , reg cr0 , reg cr4 , reg rip , reg rsp)
echo "$out"
mapfile -t regs <<<"$out"
for i in 0 1 2 3 4; do
	check "${names[i]} of CPU 0 in the dump = ${names[i]} read live (${live_regs[i]})" \
		test -n "${live_regs[i]}" -a "$((regs[i]))" = "$((live_regs[i]))"
done

check "QEMU's monitor translated linux_banner ($gpa) and read it" test -n "$gpa" -a ${#banner_live} -eq 32
check "linux_banner read physically from the dump = QEMU's xp of it" \
	test "$(probe "$core" read phys "$gpa" 16)" = "$banner_live"
check "... and as a string it is the guest's /proc/version" \
	test "$(probe "$core" string phys "$gpa" 512)" = "$(cat "$TRUTH/version")"
check "the last 16 bytes of System RAM ($top) = QEMU's xp of them" \
	test "$(probe "$core" read phys "$top" 16)" = "$top_live"
err=$(probe "$core" read phys $((512 * 1024 * 1024 - 8)) 16 2>&1)
echo "$err"
check "a read running past the guest's 512 MiB faults at 0x20000000" \
	grep -q 'fault: physical address 0x20000000 is not in the core' <<<"$err"
err=$(probe "$core" read virt "$banner" 16 2>&1)
echo "$err"
check "a plain dump has no virtual view: unsupported, translate through the page tables" \
	grep -q 'unsupported: .*page tables' <<<"$err"

# VMCOREINFO: the guest kernel hands it to QEMU through the vmcoreinfo
# device and the qemu_fw_cfg driver (drivers/firmware/qemu_fw_cfg.c).
if ! probe "$core" vmcoreinfo >"$RUN/vmcoreinfo"; then
	fail "the dump has no VMCOREINFO note (is qemu_fw_cfg loaded in the guest?)"
else
	off=0x$(vmci "$core" KERNELOFFSET)
	check "VMCOREINFO KERNELOFFSET ($off) = the guest's KASLR offset ($(cat "$TRUTH/kaslr_offset"))" \
		test $((off)) -eq $(($(cat "$TRUTH/kaslr_offset")))
	check "VMCOREINFO OSRELEASE = the guest's release" \
		test "$(vmci "$core" OSRELEASE)" = "$IOW_KVER"
	check "VMCOREINFO BUILD-ID = the vmlinux's build ID" \
		test "$(vmci "$core" BUILD-ID)" = \
		"$(readelf -n "$IOW_VMLINUX" | sed -n 's/^ *Build ID: *//p' | head -n 1)"
	for s in _stext init_top_pgt; do
		check "VMCOREINFO SYMBOL($s) = System.map + KASLR offset" \
			test $((0x$(vmci "$core" "SYMBOL($s)"))) -eq $(($(mapsym $s) + off))
	done
	# x86-64: #define swapper_pg_dir init_top_pgt (asm/pgtable_64.h)
	check "VMCOREINFO SYMBOL(swapper_pg_dir) = init_top_pgt" \
		test $((0x$(vmci "$core" "SYMBOL(swapper_pg_dir)"))) -eq $(($(mapsym init_top_pgt) + off))
	check "VMCOREINFO has no SYMBOL(iomem_resource) (6.12 does not export it)" \
		bash -c "! grep -q '^SYMBOL(iomem_resource)=' '$RUN/vmcoreinfo'"
	pb=$(vmci "$core" "NUMBER(phys_base)")
	check "linux_banner - __START_KERNEL_map + NUMBER(phys_base) = gva2gpa's answer" \
		test $((banner - 0xffffffff80000000 + pb)) -eq $((gpa))
fi

# The paging dump: virtual addresses, hundreds of PT_LOADs whose physical
# ranges overlap (aliases), all consistent.
check "linux_banner read virtually from the paging dump = QEMU's xp of it" \
	test "$(probe "$corep" read virt "$banner" 16)" = "$banner_live"
check "... and read physically there too" \
	test "$(probe "$corep" read phys "$gpa" 16)" = "$banner_live"
check "the kernel text reads virtually (8 KiB from _text)" \
	quietly probe "$corep" read virt "$(sym _text)" 8192
err=$(probe "$corep" read virt 0x10 8 2>&1)
echo "$err"
check "an unmapped virtual address faults with that address" \
	grep -q 'fault: virtual address 0x10 is not in the core' <<<"$err"
check "cr3 from the paging dump = live cr3" test $(($(probe "$corep" reg cr3))) -eq $((live_regs[0]))
probe "$core" bench phys 0 $((512 << 20))
probe "$corep" bench virt "$(sym _text)" $((16 << 20))
rm -f "$core" "$corep"
"$IOW_HARNESS/stop-guest" "$RUN"

# --- a 5 GiB guest: a dump larger than 4 GiB --------------------------------
boot big --series 6.12 --mem 5G --devices minimal --no-testmod
read -r ram_start ram_end < <(last_ram)
top=$(printf '0x%x' $((ram_end - 15)))
core=$RUN/core.elf
rm -f "$core"
t0=$SECONDS
gdb_session "$RUN/live.txt" "monitor xp /16xb $top" "monitor dump-guest-memory $core" "echo @@end\\n"
echo "a 5 GiB dump written in $((SECONDS - t0)) s"
ls -l "$core"
top_live=$(sed -n '/^@@1$/,/^@@2$/p' "$RUN/live.txt" | grep '^[0-9a-f]*:' | xp_hex)
check "the dump is larger than 4 GiB" test "$(stat -c %s "$core")" -gt $((4 << 30))
check "RAM above 4 GiB ($ram_start-$ram_end) is in the guest" test $((ram_start)) -ge $((4 << 30))
check "the last 16 bytes of RAM ($top, past 4 GiB into the file) = QEMU's xp of them" \
	test "$(probe "$core" read phys "$top" 16)" = "$top_live"
check "a read across the end of RAM faults there" \
	bash -c "'$PROBE' '$core' read phys $((ram_end - 7)) 16 2>&1 | grep -q 'address $(printf '0x%x' $((ram_end + 1))) is not'"
probe "$core" bench phys "$ram_start" $((1 << 30))
rm -f "$core"
finish
