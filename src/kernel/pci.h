/* pci: the kernel's PCI devices and host bridges, read from its own lists
 * (drivers/pci/probe.c): pci_root_buses, each bus's devices and child
 * buses, each root bus's host bridge (struct pci_host_bridge, found from
 * pci_bus.bridge and checked by its bus pointer) and that bridge's windows
 * (a list of struct resource_entry).
 *
 * Every list is walked by kernel/list.c (bounded, each entry's prev
 * pointing back, no entry twice); every object's back pointer is checked
 * (a device's bus, a child bus's parent, a host bridge's bus); at most
 * IOW_PCI_MAX_BUSES buses and IOW_PCI_MAX_DEVICES devices.  Data that
 * breaks any of this ends the walk with a message naming the address;
 * what was read before it is kept.
 *
 * Two phases, so that one prefetch run (kernel/chase.h) serves every
 * device walker: iow_pci_prepare() probes the layouts and says whether the
 * kernel has PCI at all; iow_pci_chase() adds the prefetch steps;
 * iow_pci_read() walks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_PCI_H
#define IOW_KERNEL_PCI_H

#include "kernel/busdev.h"
#include "kernel/chase.h"
#include "kernel/device.h"
#include "kernel/kernel.h"
#include "model/devices.h"

#define IOW_PCI_MAX_BUSES 4096
#define IOW_PCI_MAX_DEVICES 65536

struct iow_pci_walk;

/* *OUT NULL (and no error) when the kernel has no PCI (no pci_root_buses).
 * BW (may be NULL) prefetches the devices' devres lists. */
struct iow_error *iow_pci_prepare(struct iow_kernel *k, const struct iow_devlayout *dl,
				  struct iow_busdev_walk *bw, struct iow_pci_walk **out);
void iow_pci_chase(struct iow_pci_walk *w, struct iow_chase *c);
/* Append the PCI devices and host bridges to D (and set D's slots). */
struct iow_error *iow_pci_read(struct iow_pci_walk *w, struct iow_devices *d);
void iow_pci_walk_destroy(struct iow_pci_walk *w);

#endif
