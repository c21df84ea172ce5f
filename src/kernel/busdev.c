/* busdev: see busdev.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/busdev.h"
#include "kernel/list.h"
#include "kernel/resource.h"
#include "util/array.h"

#define MAX_BUSES 1024 /* entries of bus_kset */

/* The driver core's private structs (drivers/base/base.h, 6.1 and 6.12),
 * looked up in drivers/base/bus.c. */
struct core_layout {
	bool has_p;                       /* before 6.3 */
	uint64_t bt_p;
	uint64_t bus_kset, sp_bus, kset_list, kobj_entry, sp_subsys_kobj; /* 6.3+ */
	uint64_t sp_klist_devices, klist_k_list, kn_klist, kn_node, dp_knode_bus, dp_device;
};

#define L struct core_layout
static const struct iow_layout_field core_fields[] = {
	IOW_LAYOUT_GROUP(L, has_p, "before 6.3: bus_type.p is the bus's subsys_private; 6.3 found it "
			 "through bus_kset instead (\"driver core: bus: move bus_type.p out of the "
			 "structure\", drivers/base/bus.c bus_to_subsys())"),
	IOW_LAYOUT_MEMBER(L, "bus_type", "p", bt_p),
	IOW_LAYOUT_ELSE,
	IOW_LAYOUT_VARIABLE(L, "bus_kset", bus_kset),
	IOW_LAYOUT_MEMBER(L, "subsys_private", "bus", sp_bus),
	IOW_LAYOUT_MEMBER(L, "subsys_private", "subsys.kobj", sp_subsys_kobj),
	IOW_LAYOUT_MEMBER(L, "kset", "list", kset_list),
	IOW_LAYOUT_MEMBER(L, "kobject", "entry", kobj_entry),
	IOW_LAYOUT_END,
	IOW_LAYOUT_MEMBER(L, "subsys_private", "klist_devices", sp_klist_devices),
	IOW_LAYOUT_MEMBER(L, "klist", "k_list", klist_k_list),
	IOW_LAYOUT_MEMBER(L, "klist_node", "n_klist", kn_klist),
	IOW_LAYOUT_MEMBER(L, "klist_node", "n_node", kn_node),
	IOW_LAYOUT_MEMBER(L, "device_private", "knode_bus", dp_knode_bus),
	IOW_LAYOUT_MEMBER(L, "device_private", "device", dp_device),
};
#undef L

/* A bus and the container its devices sit in. */
struct bus_layout {
	uint64_t bus_type;               /* the bus_type's link address */
	uint64_t size, dev;              /* the container, and its struct device */
	uint64_t num, res;               /* platform_device.num_resources, .resource */
	uint64_t resources, pr_list, pr_res; /* pnp_dev.resources; struct pnp_resource */
};

#define B struct bus_layout
/* include/linux/platform_device.h (6.1, 6.12) */
static const struct iow_layout_field platform_fields[] = {
	IOW_LAYOUT_SYMBOL(B, "platform_bus_type", bus_type),
	IOW_LAYOUT_SIZE(B, "platform_device", size),
	IOW_LAYOUT_MEMBER(B, "platform_device", "dev", dev),
	IOW_LAYOUT_MEMBER(B, "platform_device", "num_resources", num),
	IOW_LAYOUT_MEMBER(B, "platform_device", "resource", res),
};
/* include/linux/pnp.h and drivers/pnp/base.h (6.1, 6.12) */
static const struct iow_layout_field pnp_fields[] = {
	IOW_LAYOUT_SYMBOL(B, "pnp_bus_type", bus_type),
	IOW_LAYOUT_SIZE(B, "pnp_dev", size),
	IOW_LAYOUT_MEMBER(B, "pnp_dev", "dev", dev),
	IOW_LAYOUT_MEMBER(B, "pnp_dev", "resources", resources),
	IOW_LAYOUT_MEMBER(B, "pnp_resource", "list", pr_list),
	IOW_LAYOUT_MEMBER(B, "pnp_resource", "res", pr_res),
};
#undef B

/* drivers/base/devres.c (struct devres) and kernel/resource.c (struct
 * region_devres, devm_region_release): 6.1 and 6.12. */
struct devres_layout {
	uint64_t node_entry, node_release, data, release_fn;
	uint64_t rd_size, rd_parent, rd_start, rd_n;
};
#define D struct devres_layout
static const struct iow_layout_field devres_fields[] = {
	IOW_LAYOUT_MEMBER(D, "devres_node", "entry", node_entry),
	IOW_LAYOUT_MEMBER(D, "devres_node", "release", node_release),
	IOW_LAYOUT_MEMBER(D, "devres", "data", data),
};
static const struct iow_layout_field region_fields[] = {
	IOW_LAYOUT_SYMBOL(D, "devm_region_release", release_fn),
	IOW_LAYOUT_SIZE(D, "region_devres", rd_size),
	IOW_LAYOUT_MEMBER(D, "region_devres", "parent", rd_parent),
	IOW_LAYOUT_MEMBER(D, "region_devres", "start", rd_start),
	IOW_LAYOUT_MEMBER(D, "region_devres", "n", rd_n),
};
#undef D

struct bus {
	struct iow_busdev_walk *w;
	enum iow_bus_kind kind;
	const char *what;               /* "platform devices" */
	bool present;
	struct bus_layout l;
	uint64_t bus_type;              /* KASLR applied */
	uint64_t sp;                    /* its subsys_private, once found */
};

struct iow_busdev_walk {
	struct iow_kernel *k;
	const struct iow_devlayout *dl;
	struct iow_resource_layout rl;
	struct core_layout cl;
	struct devres_layout drl;
	bool has_devres;
	uint64_t kaslr;
	struct bus buses[2];
	/* the walk */
	struct iow_devices *d;
	struct bus *cur;
	uint64_t klist;                /* the klist being walked */
	uint8_t *raw;                  /* one container (max of the sizes), or one devres entry */
	size_t raw_size;
	struct iow_bus_dev *bdev;      /* the PNP device whose resources are being read */
	size_t bdev_cap;               /* its res array's */
	const struct iow_dev *rdev;    /* the device whose devres list is being walked */
};

struct iow_error *iow_busdev_prepare(struct iow_kernel *k, const struct iow_devlayout *dl,
				     struct iow_busdev_walk **out)
{
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	struct iow_busdev_walk *w = calloc(1, sizeof(*w));
	struct iow_error *err = NULL;
	size_t i;

	*out = NULL;
	if (!w)
		return &iow_error_nomem;
	w->k = k;
	w->dl = dl;
	w->kaslr = iow_kernel_layout(k)->kaslr_offset;
	w->buses[0] = (struct bus){ .w = w, .kind = IOW_BUS_PLATFORM, .what = "platform devices" };
	w->buses[1] = (struct bus){ .w = w, .kind = IOW_BUS_PNP, .what = "PNP devices" };
	if ((err = iow_resource_layout_get(k, &w->rl)) ||
	    (err = iow_layout_probe(dbg, "bus_register", core_fields, IOW_LAYOUT_COUNT(core_fields), &w->cl)) ||
	    (err = iow_layout_probe(dbg, "devres_add", devres_fields, IOW_LAYOUT_COUNT(devres_fields), &w->drl)))
		goto out;
	/* Optional: a kernel without them has no such devices (CONFIG_PNP),
	 * or no such records. */
	w->has_devres = iow_debuginfo_has_symbol(dbg, "devm_region_release");
	if (w->has_devres && (err = iow_layout_probe(dbg, "__devm_request_region", region_fields,
						      IOW_LAYOUT_COUNT(region_fields), &w->drl)))
		goto out;
	if ((w->buses[0].present = iow_debuginfo_has_symbol(dbg, "platform_bus_type")) &&
	    (err = iow_layout_probe(dbg, "platform_device_add", platform_fields,
				    IOW_LAYOUT_COUNT(platform_fields), &w->buses[0].l)))
		goto out;
	if ((w->buses[1].present = iow_debuginfo_has_symbol(dbg, "pnp_bus_type")) &&
	    (err = iow_layout_probe(dbg, "pnp_add_device", pnp_fields, IOW_LAYOUT_COUNT(pnp_fields),
				    &w->buses[1].l)))
		goto out;
	w->raw_size = w->drl.data + w->drl.rd_size;
	for (i = 0; i < 2; i++) {
		struct bus *b = &w->buses[i];

		b->bus_type = b->l.bus_type + w->kaslr;
		if (b->present && (b->l.dev + dl->dev_size > b->l.size || b->l.size > IOW_CHASE_MAX_LEN)) {
			err = iow_error_create(IOW_ERR_DATA, "the %s' container is %" PRIu64 " bytes", b->what,
					       b->l.size);
			goto out;
		}
		if (b->present && b->l.size > w->raw_size)
			w->raw_size = b->l.size;
	}
	if (w->raw_size > IOW_CHASE_MAX_LEN || !(w->raw = malloc(w->raw_size ? w->raw_size : 1)))
		err = w->raw_size > IOW_CHASE_MAX_LEN ? iow_error_create(IOW_ERR_DATA, "devres entries "
									 "are implausibly large")
						      : &iow_error_nomem;
out:
	if (err) {
		iow_busdev_walk_destroy(w);
		return err;
	}
	*out = w;
	return NULL;
}

void iow_busdev_walk_destroy(struct iow_busdev_walk *w)
{
	if (!w)
		return;
	free(w->raw);
	free(w);
}

/* --- prefetch ------------------------------------------------------------------- */

void iow_devres_chase(struct iow_chase *c, struct iow_busdev_walk *w, uint64_t dev, const uint8_t *raw)
{
	if (w && w->has_devres && iow_raw_u64(raw, w->dl->driver))
		iow_chase_follow(c, dev + w->dl->devres_head, w->drl.node_entry, w->raw_size, NULL, NULL);
}

static void chase_container(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct bus *b = ctx;
	struct iow_busdev_walk *w = b->w;
	const uint8_t *dev = buf + b->l.dev;

	(void)len;
	iow_dev_chase(c, w->dl, dev);
	iow_devres_chase(c, w, va + b->l.dev, dev);
	if (b->kind == IOW_BUS_PLATFORM) {
		uint32_t n;

		memcpy(&n, buf + b->l.num, 4);
		if (n && n <= IOW_BUSDEV_MAX_RES)
			iow_chase_add(c, iow_raw_u64(buf, b->l.res), (size_t)n * w->rl.size, NULL, NULL);
	} else {
		iow_chase_follow(c, va + b->l.resources, b->l.pr_list, b->l.pr_res + w->rl.size, NULL, NULL);
	}
}

static void chase_dp(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct bus *b = ctx;
	struct iow_busdev_walk *w = b->w;
	uint64_t dev = iow_raw_u64(buf, w->cl.dp_device);

	(void)va;
	(void)len;
	if (dev > b->l.dev)
		iow_chase_add(c, dev - b->l.dev, b->l.size, chase_container, b);
}

static void chase_klist(struct iow_chase *c, struct iow_busdev_walk *w, struct bus *b, uint64_t sp)
{
	/* klist_node.n_node inside device_private.knode_bus */
	iow_chase_follow(c, sp + w->cl.sp_klist_devices + w->cl.klist_k_list, w->cl.dp_knode_bus + w->cl.kn_node,
			 w->cl.dp_device + 8, chase_dp, b);
}

static void chase_sp(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct iow_busdev_walk *w = ctx;
	uint64_t sp = va, bus = iow_raw_u64(buf, w->cl.sp_bus);
	size_t i;

	(void)len;
	for (i = 0; i < 2; i++)
		if (w->buses[i].present && bus == w->buses[i].bus_type)
			chase_klist(c, w, &w->buses[i], sp);
}

static void chase_p(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct bus *b = ctx;
	struct iow_busdev_walk *w = b->w;

	(void)va;
	(void)len;
	if (iow_raw_u64(buf, 0))
		chase_klist(c, w, b, iow_raw_u64(buf, 0));
}

static void chase_kset(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct iow_busdev_walk *w = ctx;
	uint64_t kset = iow_raw_u64(buf, 0);

	(void)va;
	(void)len;
	if (kset)
		iow_chase_follow(c, kset + w->cl.kset_list, w->cl.kobj_entry + w->cl.sp_subsys_kobj,
					 w->cl.sp_bus + 8, chase_sp, w);
}

void iow_busdev_chase(struct iow_busdev_walk *w, struct iow_chase *c)
{
	size_t i;

	if (!w->cl.has_p) {
		iow_chase_add(c, w->cl.bus_kset + w->kaslr, 8, chase_kset, w);
		return;
	}
	for (i = 0; i < 2; i++)
		if (w->buses[i].present)
			iow_chase_add(c, w->buses[i].bus_type + w->cl.bt_p, 8, chase_p, &w->buses[i]);
}

/* --- the walk ------------------------------------------------------------------------ */

static struct iow_error *find_sp(void *ctx, uint64_t node)
{
	struct iow_busdev_walk *w = ctx;
	uint64_t sp = node - w->cl.kobj_entry - w->cl.sp_subsys_kobj, bus;
	struct iow_error *err;

	if ((err = iow_kernel_read_u64(w->k, sp + w->cl.sp_bus, &bus)))
		return iow_error_wrap(err, "reading the subsys_private 0x%" PRIx64 " of bus_kset", sp);
	if (bus == w->cur->bus_type && !w->cur->sp)
		w->cur->sp = sp;
	return NULL;
}

/* The subsys_private of bus B (0 when the bus was never registered). */
static struct iow_error *subsys_of(struct iow_busdev_walk *w, struct bus *b)
{
	uint64_t kset;
	struct iow_error *err;

	if (w->cl.has_p)
		return iow_kernel_read_u64(w->k, b->bus_type + w->cl.bt_p, &b->sp);
	if ((err = iow_kernel_read_u64(w->k, w->cl.bus_kset + w->kaslr, &kset)))
		return iow_error_wrap(err, "reading bus_kset");
	if (!kset)
		return NULL;
	w->cur = b;
	return iow_kernel_list_walk(w->k, kset + w->cl.kset_list, "bus_kset", MAX_BUSES, find_sp, w);
}

static struct iow_error *add_pnp_res(void *ctx, uint64_t node)
{
	struct iow_busdev_walk *w = ctx;
	struct iow_bus_dev *bd = w->bdev;
	uint64_t res = node - w->cur->l.pr_list + w->cur->l.pr_res;
	uint8_t raw[512];
	struct iow_error *err;

	if (iow_array_reserve(&bd->res, &w->bdev_cap, bd->nres + 1, sizeof(*bd->res)))
		return &iow_error_nomem;
	if ((err = iow_kernel_read(w->k, res, raw, w->rl.size)))
		return iow_error_wrap(err, "reading a resource of PNP device %s", bd->dev.name ? bd->dev.name : "?");
	bd->res[bd->nres] = (struct iow_dev_res){ res, (int)bd->nres, iow_raw_u64(raw, w->rl.start),
						  iow_raw_u64(raw, w->rl.end), iow_raw_u64(raw, w->rl.flags),
						  iow_raw_u64(raw, w->rl.parent) };
	bd->nres++;
	return NULL;
}

static struct iow_error *platform_res(struct iow_busdev_walk *w, struct iow_bus_dev *bd, const uint8_t *raw)
{
	const struct bus_layout *l = &w->cur->l;
	uint64_t array = iow_raw_u64(raw, l->res);
	uint8_t *buf;
	uint32_t n;
	struct iow_error *err;
	size_t i;

	memcpy(&n, raw + l->num, 4);
	if (!n)
		return NULL;
	if (n > IOW_BUSDEV_MAX_RES || !array)
		return iow_error_at(IOW_ERR_DATA, bd->dev.addr, "platform device %s has %u resources at 0x%" PRIx64,
				    bd->dev.name ? bd->dev.name : "?", n, array);
	if (!(buf = malloc((size_t)n * w->rl.size)) || !(bd->res = calloc(n, sizeof(*bd->res)))) {
		free(buf);
		return &iow_error_nomem;
	}
	if ((err = iow_kernel_read(w->k, array, buf, (size_t)n * w->rl.size))) {
		free(buf);
		return iow_error_wrap(err, "reading the resources of platform device %s",
				      bd->dev.name ? bd->dev.name : "?");
	}
	for (i = 0; i < n; i++) {
		const uint8_t *r = buf + i * w->rl.size;

		bd->res[i] = (struct iow_dev_res){ array + i * w->rl.size, (int)i, iow_raw_u64(r, w->rl.start),
						   iow_raw_u64(r, w->rl.end), iow_raw_u64(r, w->rl.flags),
						   iow_raw_u64(r, w->rl.parent) };
	}
	bd->nres = n;
	free(buf);
	return NULL;
}

static struct iow_error *add_bus_dev(void *ctx, uint64_t node)
{
	struct iow_busdev_walk *w = ctx;
	struct bus *b = w->cur;
	struct iow_devices *d = w->d;
	uint64_t dp = node - w->cl.kn_node - w->cl.dp_knode_bus, klist, dev, cont;
	struct iow_bus_dev *bd;
	struct iow_error *err;

	if ((err = iow_kernel_read_u64(w->k, node - w->cl.kn_node + w->cl.kn_klist, &klist)) ||
	    (err = iow_kernel_read_u64(w->k, dp + w->cl.dp_device, &dev)))
		return iow_error_wrap(err, "reading a device of the %s' klist", b->what);
	/* include/linux/klist.h: bit 0 of n_klist marks a node being removed */
	if ((klist & ~(uint64_t)1) != w->klist)
		return iow_error_at(IOW_ERR_DATA, node, "a node 0x%" PRIx64 " of the %s' klist names klist 0x%"
				    PRIx64, node, b->what, (uint64_t)(klist & ~(uint64_t)1));
	if (klist & 1)
		return NULL;
	if (dev < b->l.dev)
		return iow_error_at(IOW_ERR_DATA, dp, "device_private 0x%" PRIx64 " has device 0x%" PRIx64, dp, dev);
	cont = dev - b->l.dev;
	if ((err = iow_kernel_read(w->k, cont, w->raw, b->l.size)))
		return iow_error_wrap(err, "reading one of the %s", b->what);
	if (iow_raw_u64(w->raw, b->l.dev + w->dl->bus) != b->bus_type)
		return iow_error_at(IOW_ERR_DATA, dev, "device 0x%" PRIx64 " is on the %s' klist but its bus is 0x%"
				    PRIx64, dev, b->what, iow_raw_u64(w->raw, b->l.dev + w->dl->bus));
	if (iow_array_reserve(&d->bus, &d->bus_cap, d->nbus + 1, sizeof(*d->bus)))
		return &iow_error_nomem;
	bd = &d->bus[d->nbus++];
	memset(bd, 0, sizeof(*bd));
	bd->bus = b->kind;
	if ((err = iow_dev_read(w->k, w->dl, dev, w->raw + b->l.dev, &bd->dev)))
		return err;
	if (b->kind == IOW_BUS_PLATFORM)
		return platform_res(w, bd, w->raw);
	w->bdev = bd;
	w->bdev_cap = 0;
	return iow_kernel_list_walk(w->k, cont + b->l.resources, "a PNP device's resources", IOW_BUSDEV_MAX_RES,
				    add_pnp_res, w);
}

struct iow_error *iow_busdev_read(struct iow_busdev_walk *w, struct iow_devices *d)
{
	struct iow_error *err;
	size_t i;

	w->d = d;
	for (i = 0; i < 2; i++) {
		struct bus *b = &w->buses[i];

		if (!b->present) {
			if (d->nabsent < sizeof(d->absent) / sizeof(d->absent[0]))
				d->absent[d->nabsent++] = b->what;
			continue;
		}
		if ((err = subsys_of(w, b)))
			return err;
		if (!b->sp)
			continue; /* registered no bus of this kind */
		w->cur = b;
		w->klist = b->sp + w->cl.sp_klist_devices;
		if ((err = iow_kernel_list_walk(w->k, w->klist + w->cl.klist_k_list, b->what, IOW_BUSDEV_MAX,
						add_bus_dev, w)))
			return err;
	}
	return NULL;
}

/* --- devres -------------------------------------------------------------------------- */

static struct iow_error *add_devres(void *ctx, uint64_t node)
{
	struct iow_busdev_walk *w = ctx;
	struct iow_devices *d = w->d;
	const struct devres_layout *l = &w->drl;
	uint64_t dr = node - l->node_entry;
	struct iow_region_devres *rd;
	struct iow_error *err;

	if ((err = iow_kernel_read(w->k, dr, w->raw, w->raw_size)))
		return iow_error_wrap(err, "reading devres entry 0x%" PRIx64 " of device %s", dr,
				      w->rdev->name ? w->rdev->name : "?");
	if (iow_raw_u64(w->raw, l->node_release) != l->release_fn + w->kaslr)
		return NULL;
	if (iow_array_reserve(&d->regions, &d->regions_cap, d->nregions + 1, sizeof(*d->regions)))
		return &iow_error_nomem;
	rd = &d->regions[d->nregions];
	memset(rd, 0, sizeof(*rd));
	rd->dev = w->rdev->addr;
	rd->parent = iow_raw_u64(w->raw, l->data + l->rd_parent);
	rd->start = iow_raw_u64(w->raw, l->data + l->rd_start);
	rd->n = iow_raw_u64(w->raw, l->data + l->rd_n);
	if ((w->rdev->name && !(rd->dev_name = strdup(w->rdev->name))) ||
	    (w->rdev->driver && !(rd->driver = strdup(w->rdev->driver)))) {
		free(rd->dev_name);
		return &iow_error_nomem;
	}
	d->nregions++;
	return NULL;
}

static struct iow_error *devres_of(struct iow_busdev_walk *w, const struct iow_dev *dev)
{
	if (!dev->driver)
		return NULL;
	w->rdev = dev;
	return iow_kernel_list_walk(w->k, dev->addr + w->dl->devres_head, "a device's devres list",
				    IOW_DEVRES_MAX, add_devres, w);
}

struct iow_error *iow_devres_read(struct iow_busdev_walk *w, struct iow_devices *d)
{
	struct iow_error *err = NULL;
	size_t i;

	w->d = d;
	if (!w->has_devres)
		return NULL;
	for (i = 0; i < d->npci && !err; i++)
		err = devres_of(w, &d->pci[i].dev);
	for (i = 0; i < d->nbus && !err; i++)
		err = devres_of(w, &d->bus[i].dev);
	return err;
}
