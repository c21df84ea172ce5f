#!/bin/bash
# On 6.1 (SeaBIOS, 512 MiB): proc iomem, ioports and vmallocinfo equal the
# guest's own files read at the same moment; the annotated tree lists the
# same resources; QEMU's memory map beside them (mtree-common.sh), with an
# e1000e, a PCI device the guest has no driver for (E1000E is off).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
walk_test 6.1 --device-args "-device e1000e"
check "mtree: the driver-less e1000e's BARs QEMU maps nothing behind are notes" driverless_device 8086:10d3
finish
