/* device: what the device walkers (kernel/pci.c, kernel/busdev.c) read of
 * any struct device: its name, its bound driver's name, the firmware node
 * it came from (an ACPI device, or a device-tree node), its devres list;
 * and the prefetch steps (kernel/chase.h) that fetch the same.
 *
 * The firmware node is recognised by its operations, never by a name:
 * fwnode->ops is &acpi_device_fwnode_ops for an ACPI device (then the node
 * is struct acpi_device.fwnode, drivers/acpi/property.c) or &of_fwnode_ops
 * for a device-tree node (struct device_node.fwnode, drivers/of/property.c);
 * a kernel without ACPI or OF has no such symbol, and that kind is never
 * seen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_DEVICE_H
#define IOW_KERNEL_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/chase.h"
#include "kernel/kernel.h"
#include "model/devices.h"

#define IOW_DEV_NAME_MAX 256

struct iow_devlayout {
	uint64_t dev_size, kobj_name, driver, parent, fwnode, bus, devres_head;
	uint64_t drv_name;                      /* struct device_driver */
	uint64_t fw_ops;                        /* struct fwnode_handle */
	bool has_acpi;
	uint64_t acpi_ops, acpi_fwnode, acpi_dev; /* CONFIG_ACPI */
	bool has_of;
	uint64_t of_ops, of_fwnode, of_full_name; /* CONFIG_OF */
	uint64_t kaslr;                         /* added to the symbols above */
};

struct iow_error *iow_devlayout_get(struct iow_kernel *k, struct iow_devlayout *l);
/* Fill OUT from the struct device at ADDR whose bytes (l->dev_size of
 * them) are RAW: name, driver, firmware node.  Reads the strings and the
 * driver and firmware structs; an error names what could not be read. */
struct iow_error *iow_dev_read(struct iow_kernel *k, const struct iow_devlayout *l, uint64_t addr,
			       const uint8_t *raw, struct iow_dev *out);
/* The steps that fetch what iow_dev_read reads beyond RAW. */
void iow_dev_chase(struct iow_chase *c, const struct iow_devlayout *l, const uint8_t *raw);
/* A 64-bit field of RAW. */
uint64_t iow_raw_u64(const uint8_t *raw, uint64_t off);
/* A kernel string at VA as a new C string (NULL for a NULL VA); the error
 * says WHAT it was. */
struct iow_error *iow_kernel_strdup(struct iow_kernel *k, uint64_t va, const char *what, char **out);

#endif
