/* busdev: the platform and PNP devices and their resources, and the
 * records devm_request_region() leaves on a device's devres list.
 *
 * A bus's devices are found from the bus itself, never by name: its
 * struct subsys_private (bus_type.p before 6.3; from 6.3 the entry of
 * bus_kset whose bus points back at the bus_type) holds klist_devices, a
 * klist of struct device_private.knode_bus, each pointing at its device.
 * Each node's klist pointer must name that klist, and each device's bus
 * the bus_type; lists are walked by kernel/list.c (bounded, prev pointers
 * checked, no entry twice).  A platform device's resources are its array
 * platform_device.resource[num_resources]; a PNP device's, the struct
 * resource inside each struct pnp_resource on pnp_dev.resources.
 *
 * devres: every device read here or by kernel/pci.c that has a driver
 * has its devres list walked; an entry whose release function is
 * devm_region_release (kernel/resource.c) is a region some driver asked
 * for with devm_request_region() and friends: its struct region_devres
 * (parent, start, n) is kept, with the device.
 *
 * The phases are pci.h's: prepare (layouts; what this kernel lacks is
 * noted, not an error), chase (prefetch steps), read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_BUSDEV_H
#define IOW_KERNEL_BUSDEV_H

#include "kernel/chase.h"
#include "kernel/device.h"
#include "kernel/kernel.h"
#include "model/devices.h"

#define IOW_BUSDEV_MAX 65536   /* devices on one bus */
#define IOW_BUSDEV_MAX_RES 4096 /* resources of one device */
#define IOW_DEVRES_MAX 65536   /* entries on one device's devres list */

struct iow_busdev_walk;

struct iow_error *iow_busdev_prepare(struct iow_kernel *k, const struct iow_devlayout *dl,
				     struct iow_busdev_walk **out);
void iow_busdev_chase(struct iow_busdev_walk *w, struct iow_chase *c);
/* Append the platform and PNP devices to D (and note in D what the kernel
 * has none of). */
struct iow_error *iow_busdev_read(struct iow_busdev_walk *w, struct iow_devices *d);
/* The devm_request_region() records of every device of D with a driver. */
struct iow_error *iow_devres_read(struct iow_busdev_walk *w, struct iow_devices *d);
void iow_busdev_walk_destroy(struct iow_busdev_walk *w);

/* Prefetch steps for the devres list of the device at DEV (its bytes
 * RAW), when it has a driver: for kernel/pci.c's devices.  W may be NULL
 * (nothing then). */
void iow_devres_chase(struct iow_chase *c, struct iow_busdev_walk *w, uint64_t dev, const uint8_t *raw);

#endif
