# Who owns each resource, against the guest's own sysfs as its init
# printed it (qemu-harness/guest-init: the pci_devices and firmware_memmap
# sections): every PCI BAR, ROM, IOV BAR and bridge window of sysfs is a
# resource the tool owns to that device and slot, with sysfs's ids and
# driver; the host bridge's windows (the top-level "PCI Bus" resources of
# /proc) are host-bridge-window with their ACPI device; every firmware-map
# resource lies inside an entry of /sys/firmware/memmap of the same type;
# `devices` lists sysfs's devices; and no command reads device memory.
# Sourced after lib.sh and walk-common.sh.
# shellcheck shell=bash

# Numbers as "%x" (sysfs pads to 16 digits, the tool does not).
hx() { printf '%x' "$(($1))"; }

# Every owned resource of both trees, one line each: KIND DEV BAR START END
# VENDOR DEVICE CLASS SUBVENDOR SUBDEVICE DRIVER ("-" for none).
owned_lines() {
	local t
	for t in iomem ioports; do
		iow --json tree --"$t" --no-mappings
	done | jq -r '.. | objects | select(.owner.kind? != null) | . as $r | .owner |
		select(.kind | startswith("pci-")) |
		"\(.kind) \(.pci_device) \(.bar) \($r.start) \($r.end) \(.vendor) \(.device) \(.class) \(.subsystem_vendor) \(.subsystem_device) \(.driver // "-")"'
}

# The slot kind of pci_dev.resource[N] with CONFIG_PCI_IOV (both Debian
# kernels): PCI_STD_RESOURCES 0-5, PCI_ROM_RESOURCE 6, PCI_IOV_RESOURCES
# 7-12, then the bridge windows (include/linux/pci.h, enum pci_resource).
slot_kind() {
	if [ "$1" -le 5 ]; then echo pci-bar
	elif [ "$1" -eq 6 ]; then echo pci-rom
	elif [ "$1" -le 12 ]; then echo pci-iov-bar
	else echo pci-bridge-window; fi
}

# Every sysfs slot with flags is the tool's, the same way round; and every
# PCI owner the tool gives is a sysfs slot.
bars_match_sysfs() {
	local dev="" v d c sv sd drv n s e f want got err=0 seen=0
	owned_lines | while read -r k dv b st en rest; do
		echo "$k $dv $b $(hx "$st") $(hx "$en") $rest"
	done | sort >"$RUN/owners.pci" || return 1
	: >"$RUN/owners.sysfs"
	while read -r key a b2 c2 d2; do
		case $key in
		dev) dev=$a ;;
		vendor) v=$a ;;
		device) d=$a ;;
		class) c=$a ;;
		subsystem_vendor) sv=$a ;;
		subsystem_device) sd=$a ;;
		driver) drv=$a ;;
		res)
			n=$a s=$b2 e=$c2 f=$d2
			[ $((f)) -eq 0 ] && continue
			echo "$(slot_kind "$n") $dev $n $(hx "$s") $(hx "$e") $v $d $c $sv $sd $drv" >>"$RUN/owners.sysfs"
			;;
		esac
	done <"$TRUTH/pci_devices"
	sort -o "$RUN/owners.sysfs" "$RUN/owners.sysfs"
	seen=$(wc -l <"$RUN/owners.sysfs")
	[ "$seen" -ge 20 ] || { echo "only $seen slots in the guest's sysfs"; err=1; }
	grep -q '^pci-rom 0000:01:01.0 6 ' "$RUN/owners.sysfs" ||
		{ echo "the device behind the bridge has no ROM in sysfs"; err=1; }
	grep -q '^pci-bridge-window ' "$RUN/owners.sysfs" || { echo "no bridge window in sysfs"; err=1; }
	grep -q ' -$' "$RUN/owners.sysfs" || { echo "no driverless device in sysfs"; err=1; }
	# A quirk's range past the BARs of a device that is no bridge (the
	# LPC's ACPI/GPIO ranges: pci-device-resource) is not in its sysfs file.
	grep -v '^pci-device-resource ' "$RUN/owners.pci" | diff -u "$RUN/owners.sysfs" - || err=1
	return $err
}

# The top-level "PCI Bus DDDD:BB" resources of /proc/iomem and /proc/ioports
# are the host bridge's windows: the tool says host-bridge-window, of that
# bus, from an ACPI PNP0A03/PNP0A08 device.
host_windows_ok() {
	local t n=0 line
	for t in iomem ioports; do
		iow --json tree --"$t" --no-mappings | jq -r '.resources[] | select(.name | startswith("PCI Bus ")) |
			"\(.name | ltrimstr("PCI Bus ")) \(.owner.kind) \(.owner.bus) \(.owner.firmware)"'
	done >"$RUN/owners.hb" || return 1
	n=$(cat "$TRUTH/iomem" "$TRUTH/ioports" | grep -c '^[0-9a-f]*-[0-9a-f]* : PCI Bus ')
	[ "$(wc -l <"$RUN/owners.hb")" -eq "$n" ] || { echo "$n host windows in /proc, $(wc -l <"$RUN/owners.hb") in the tool"; return 1; }
	[ "$n" -ge 3 ] || { echo "only $n host bridge windows"; return 1; }
	while read -r line; do
		set -- $line
		[ "$2" = host-bridge-window ] && [ "$3" = "$1" ] && [[ $4 == PNP0A0[38]:* ]] ||
			{ echo "not a host bridge window: $line"; return 1; }
	done <"$RUN/owners.hb"
}

# Every firmware-map resource lies inside an entry of /sys/firmware/memmap
# (the map as firmware gave it, e820_table_firmware), a RAM one inside a
# System RAM entry (the kernel turns RAM into reserved, as the first page,
# never the reverse); and every top-level System RAM resource is one
# (e820__reserve_resources() made them all).
firmware_map_ok() {
	iow --json tree --iomem --no-mappings | jq -r '.. | objects | select(.owner.kind? == "firmware-map") |
		"\(.start) \(.end) \(.owner.type) \(.owner.entry)"' >"$RUN/owners.fw" || return 1
	local ram nfw
	ram=$(grep -c '^[0-9a-f]*-[0-9a-f]* : System RAM$' "$TRUTH/iomem")
	nfw=$(awk '$3 == 1' "$RUN/owners.fw" | wc -l)
	[ "$nfw" -eq "$ram" ] || { echo "$ram top-level System RAM in /proc/iomem, $nfw owned by the firmware map"; return 1; }
	# memmap's type strings: drivers/firmware/memmap.c, e820_type_to_string
	local -a ms me mt
	local idx a b st en ty entry i ok err=0
	while read -r idx a b ty; do
		ms+=("$((a))") me+=("$((b))") mt+=("$ty")
	done <"$TRUTH/firmware_memmap"
	[ ${#ms[@]} -ge 3 ] || { echo "only ${#ms[@]} entries in /sys/firmware/memmap"; return 1; }
	while read -r st en ty entry; do
		ok=0
		for i in "${!ms[@]}"; do
			[ $((st)) -ge "${ms[i]}" ] && [ $((en)) -le "${me[i]}" ] &&
				{ [ "$ty" != 1 ] || [ "${mt[i]}" = "System RAM" ]; } && ok=1
		done
		[ $ok = 1 ] || { echo "entry $entry $st-$en (type $ty) is in no memmap entry (of System RAM, for RAM)"; err=1; }
	done <"$RUN/owners.fw"
	return $err
}

# `devices` lists every PCI device of sysfs, with its ids and driver.
devices_match_sysfs() {
	iow --json devices | jq -r '.pci_devices[] | "\(.pci_device) \(.vendor) \(.device) \(.class) \(.driver // "-")"' |
		sort >"$RUN/devices.tool" || return 1
	awk '$1 == "dev" { if (d) print d, v, dv, c, r; d = $2 } $1 == "vendor" { v = $2 } $1 == "device" { dv = $2 }
	     $1 == "class" { c = $2 } $1 == "driver" { r = $2 } END { if (d) print d, v, dv, c, r }' "$TRUTH/pci_devices" |
		sort | diff -u - "$RUN/devices.tool"
}

# check: no stock driver maps past its BAR, and every BUSY region it notes
# as having no known requester is one the guest's /proc lists (range and
# name), BUSY there too (as the tree's flags say).
check_owner_findings() {
	local rc line a b name
	iow check >"$RUN/check.out"
	rc=$?
	[ $rc -le 1 ] || { echo "check failed ($rc)"; return 1; }
	grep -q 'mapped-beyond-bar' "$RUN/check.out" && { grep 'mapped-beyond-bar' "$RUN/check.out"; return 1; }
	grep -q '^note *busy-unowned ' "$RUN/check.out" || { echo "no busy-unowned note at all"; return 1; }
	while read -r line; do
		[[ $line =~ BUSY\ region\ 0x([0-9a-f]+)-0x([0-9a-f]+)\ \"(.*)\": ]] || { echo "unparsed: $line"; return 1; }
		a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]} name=${BASH_REMATCH[3]}
		sed 's/^ *//' "$TRUTH/iomem" "$TRUTH/ioports" |
			awk -v a="$a" -v b="$b" -v n="$name" '{ split($1, r, "-"); sub(/^0+/, "", r[1]); sub(/^0+/, "", r[2]);
				if (r[1] == "") r[1] = "0"; sub(/^[^:]*: /, "") }
				r[1] == a && r[2] == b && $0 == n { found = 1 } END { exit !found }' ||
			{ echo "not in the guest's /proc: $line"; return 1; }
	done < <(grep '^note *busy-unowned ' "$RUN/check.out")
}

# The owner walks read no device memory (QEMU traces every read of a
# device's region: "cpu -1" is a debugger's).
owners_no_device_reads() {
	local before
	before=$(grep -c 'cpu -1' "$RUN/trace.log" || true)
	iow tree >/dev/null && iow tree --ioports >/dev/null && iow devices >/dev/null &&
		{ iow check >/dev/null; [ $? -le 1 ]; } || { echo "a command failed"; return 1; }
	sleep 2
	[ "$(grep -c 'cpu -1' "$RUN/trace.log" || true)" = "$before" ] ||
		{ echo "the tool read device memory:"; grep 'cpu -1' "$RUN/trace.log" | tail -n 5; return 1; }
}

# devices beside QEMU's own map (read through GDB's monitor, mtree-common.sh):
# each assigned BAR shows the first of QEMU's device regions in it, exactly
# (start, end, name), and none where QEMU has none.
devices_qemu_ok() {
	qemu_mtree_read || return 1
	qemu_view memory >"$RUN/view.iomem.qemu"
	qemu_view I/O >"$RUN/view.ioports.qemu"
	iow --json devices | jq -r ".qemu_map as \$q | .pci_devices[] | .pci_device as \$d | .slots[] |
		select(.assigned and .resource != null) | \"\(\$d) \(.slot | gsub(\" \"; \"_\")) \(.type) \(.start | $JQ_HEX16) \(.end | $JQ_HEX16) \" +
		(if .qemu then \"\(.qemu.start | $JQ_HEX16) \(.qemu.end | $JQ_HEX16) \(.qemu.name)\" else \"-\" end)" \
		>"$RUN/devices.qemu.tool" || return 1
	[ -s "$RUN/devices.qemu.tool" ] || { echo "no assigned BAR"; return 1; }
	# The same from QEMU's view: the first region, background aside, over each BAR.
	cut -d' ' -f1-5 "$RUN/devices.qemu.tool" | while read -r d slot type a b; do
		f=$RUN/view.iomem.qemu as=memory
		[ "$type" = io ] && f=$RUN/view.ioports.qemu as=I/O
		awk -v a="$a" -v b="$b" -v as="$as" -v pre="$d $slot $type $a $b" '
			!('"$BACKGROUND"') && ($1 "") <= (b "") && (a "") <= ($2 "") { print pre, $1, $2, $4; found = 1; exit }
			END { if (!found) print pre, "-" }' "$f"
	done >"$RUN/devices.qemu.own"
	diff -u "$RUN/devices.qemu.own" "$RUN/devices.qemu.tool" &&
		echo "$(wc -l <"$RUN/devices.qemu.tool") BARs, $(grep -vc ' -$' "$RUN/devices.qemu.tool") with a QEMU region"
}

owners_test() { # SERIES
	local series=$1
	need jq
	RUNDIR_HINT=$IOW_TEST_RUNDIR/$TEST-$series
	mkdir -p "$RUNDIR_HINT"
	# A PCI bridge with a device behind it that the guest has no driver
	# for (the cloud kernels have no E1000): its BARs and ROM sit in the
	# bridge's windows.
	boot "$series" --series "$series" --device-args "-device pci-bridge,id=iowbr,chassis_nr=1,addr=0x10
		-device e1000,bus=iowbr,addr=0x1 -trace memory_region_ops_read,file=$RUNDIR_HINT/trace.log"
	check "every PCI slot's owner is the device and slot sysfs shows, with its ids and driver" bars_match_sysfs
	check "the host bridge's windows are host-bridge-window, from its ACPI device" host_windows_ok
	check "firmware-map resources lie in /sys/firmware/memmap entries, RAM in RAM" firmware_map_ok
	check "devices lists sysfs's PCI devices with their ids and drivers" devices_match_sysfs
	check "check: no BAR mapped beyond, and its unowned BUSY regions are the guest's" check_owner_findings
	check "devices: QEMU's region in each BAR is QEMU's own" devices_qemu_ok
	check "tree, devices and check read no device memory" owners_no_device_reads
}
