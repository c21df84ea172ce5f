/* device: see device.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/device.h"

#define HINT "device_add" /* drivers/base/core.c */

#define L struct iow_devlayout
/* include/linux/device.h, include/linux/device/driver.h,
 * include/linux/fwnode.h: the same members in 6.1 and 6.12. */
static const struct iow_layout_field fields[] = {
	IOW_LAYOUT_SIZE(L, "device", dev_size),
	IOW_LAYOUT_MEMBER(L, "device", "kobj.name", kobj_name),
	IOW_LAYOUT_MEMBER(L, "device", "driver", driver),
	IOW_LAYOUT_MEMBER(L, "device", "parent", parent),
	IOW_LAYOUT_MEMBER(L, "device", "fwnode", fwnode),
	IOW_LAYOUT_MEMBER(L, "device", "bus", bus),
	IOW_LAYOUT_MEMBER(L, "device", "devres_head", devres_head),
	IOW_LAYOUT_MEMBER(L, "device_driver", "name", drv_name),
	IOW_LAYOUT_MEMBER(L, "fwnode_handle", "ops", fw_ops),
};

/* include/acpi/acpi_bus.h, looked up in drivers/acpi/scan.c */
static const struct iow_layout_field acpi_fields[] = {
	IOW_LAYOUT_GROUP(L, has_acpi, "CONFIG_ACPI: ACPI devices' firmware nodes "
			 "(acpi_device_fwnode_ops, drivers/acpi/property.c)"),
	IOW_LAYOUT_SYMBOL(L, "acpi_device_fwnode_ops", acpi_ops),
	IOW_LAYOUT_MEMBER(L, "acpi_device", "fwnode", acpi_fwnode),
	IOW_LAYOUT_MEMBER(L, "acpi_device", "dev", acpi_dev),
	IOW_LAYOUT_END,
};

/* include/linux/of.h, looked up in drivers/of/base.c */
static const struct iow_layout_field of_fields[] = {
	IOW_LAYOUT_GROUP(L, has_of, "CONFIG_OF: device-tree nodes (of_fwnode_ops, "
			 "drivers/of/property.c)"),
	IOW_LAYOUT_SYMBOL(L, "of_fwnode_ops", of_ops),
	IOW_LAYOUT_MEMBER(L, "device_node", "fwnode", of_fwnode),
	IOW_LAYOUT_MEMBER(L, "device_node", "full_name", of_full_name),
	IOW_LAYOUT_END,
};
#undef L

struct iow_error *iow_devlayout_get(struct iow_kernel *k, struct iow_devlayout *l)
{
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	struct iow_error *err;

	if ((err = iow_layout_probe(dbg, HINT, fields, IOW_LAYOUT_COUNT(fields), l)) ||
	    (err = iow_layout_probe(dbg, "acpi_device_hid", acpi_fields, IOW_LAYOUT_COUNT(acpi_fields), l)) ||
	    (err = iow_layout_probe(dbg, "of_node_name_eq", of_fields, IOW_LAYOUT_COUNT(of_fields), l)))
		return err;
	if (l->dev_size > 4096 || l->kobj_name + 8 > l->dev_size || l->driver + 8 > l->dev_size ||
	    l->fwnode + 8 > l->dev_size || l->devres_head + 16 > l->dev_size || l->bus + 8 > l->dev_size ||
	    l->parent + 8 > l->dev_size)
		return iow_error_create(IOW_ERR_DATA, "struct device is %" PRIu64 " bytes, with members past it",
					l->dev_size);
	l->kaslr = iow_kernel_layout(k)->kaslr_offset;
	return NULL;
}

uint64_t iow_raw_u64(const uint8_t *raw, uint64_t off)
{
	uint64_t v;

	memcpy(&v, raw + off, 8);
	return v;
}

struct iow_error *iow_kernel_strdup(struct iow_kernel *k, uint64_t va, const char *what, char **out)
{
	char buf[IOW_DEV_NAME_MAX];
	struct iow_error *err;

	*out = NULL;
	if (!va)
		return NULL;
	if ((err = iow_kernel_read_string(k, va, buf, sizeof(buf))))
		return iow_error_wrap(err, "reading %s", what);
	if (!(*out = strdup(buf)))
		return &iow_error_nomem;
	return NULL;
}

/* The firmware node FW's name: an ACPI device's device name, or a
 * device-tree node's full name; NULL when its ops are neither. */
static struct iow_error *fwnode_name(struct iow_kernel *k, const struct iow_devlayout *l, uint64_t fw,
				     char **out)
{
	struct iow_error *err;
	uint64_t ops, name;

	*out = NULL;
	if (!fw)
		return NULL;
	if ((err = iow_kernel_read_u64(k, fw + l->fw_ops, &ops)))
		return iow_error_wrap(err, "reading the firmware node 0x%" PRIx64, fw);
	if (l->has_acpi && ops == l->acpi_ops + l->kaslr) {
		uint64_t adev = fw - l->acpi_fwnode;

		if ((err = iow_kernel_read_u64(k, adev + l->acpi_dev + l->kobj_name, &name)))
			return iow_error_wrap(err, "reading ACPI device 0x%" PRIx64, adev);
		return iow_kernel_strdup(k, name, "an ACPI device's name", out);
	}
	if (l->has_of && ops == l->of_ops + l->kaslr) {
		uint64_t np = fw - l->of_fwnode;

		if ((err = iow_kernel_read_u64(k, np + l->of_full_name, &name)))
			return iow_error_wrap(err, "reading device-tree node 0x%" PRIx64, np);
		return iow_kernel_strdup(k, name, "a device-tree node's name", out);
	}
	return NULL;
}

struct iow_error *iow_dev_read(struct iow_kernel *k, const struct iow_devlayout *l, uint64_t addr,
			       const uint8_t *raw, struct iow_dev *out)
{
	uint64_t drv = iow_raw_u64(raw, l->driver), name;
	struct iow_error *err;

	memset(out, 0, sizeof(*out));
	out->addr = addr;
	if ((err = iow_kernel_strdup(k, iow_raw_u64(raw, l->kobj_name), "a device's name", &out->name)))
		goto out;
	if (drv) {
		if ((err = iow_kernel_read_u64(k, drv + l->drv_name, &name))) {
			err = iow_error_wrap(err, "reading the driver of device 0x%" PRIx64, addr);
			goto out;
		}
		if ((err = iow_kernel_strdup(k, name, "a driver's name", &out->driver)))
			goto out;
	}
	err = fwnode_name(k, l, iow_raw_u64(raw, l->fwnode), &out->firmware);
out:
	if (err)
		err = iow_error_wrap(err, "device %s (0x%" PRIx64 ")", out->name ? out->name : "?", addr);
	return err;
}

/* --- prefetch steps -------------------------------------------------------- */

static void chase_name_at(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)va;
	if (len >= 8)
		iow_chase_string(c, iow_raw_u64(buf, 0));
}

static void chase_fwnode(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	const struct iow_devlayout *l = ctx;
	uint64_t ops;

	if (l->fw_ops + 8 > len)
		return;
	ops = iow_raw_u64(buf, l->fw_ops);
	if (l->has_acpi && ops == l->acpi_ops + l->kaslr)
		iow_chase_add(c, va - l->acpi_fwnode + l->acpi_dev + l->kobj_name, 8, chase_name_at, NULL);
	else if (l->has_of && ops == l->of_ops + l->kaslr)
		iow_chase_add(c, va - l->of_fwnode + l->of_full_name, 8, chase_name_at, NULL);
}

void iow_dev_chase(struct iow_chase *c, const struct iow_devlayout *l, const uint8_t *raw)
{
	uint64_t drv = iow_raw_u64(raw, l->driver), fw = iow_raw_u64(raw, l->fwnode);

	iow_chase_string(c, iow_raw_u64(raw, l->kobj_name));
	if (drv)
		iow_chase_add(c, drv + l->drv_name, 8, chase_name_at, NULL);
	if (fw)
		iow_chase_add(c, fw, l->fw_ops + 8, chase_fwnode, (void *)l);
}
