/* pci: see pci.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/busdev.h"
#include "kernel/list.h"
#include "kernel/pci.h"
#include "kernel/resource.h"
#include "util/addrset.h"
#include "util/array.h"

#define HINT "pci_create_root_bus" /* drivers/pci/probe.c */
#define MAX_WINDOWS 4096           /* a host bridge's windows */
#define MAX_SLOTS 64               /* pci_dev.resource[] (17 in 6.1 and 6.12) */

struct layout {
	uint64_t root_buses;
	uint64_t bus_size, bus_node, bus_parent, bus_children, bus_devices, bus_self, bus_number,
		bus_bridge, bus_dev;
	uint64_t pdev_size, pdev_bus_list, pdev_bus, pdev_sub, pdev_devfn, pdev_vendor, pdev_device,
		pdev_svendor, pdev_sdevice, pdev_class, pdev_revision, pdev_hdr_type, pdev_res,
		pdev_res_bytes, pdev_res_count, pdev_dev;
	uint64_t hb_size, hb_dev, hb_bus, hb_windows;
	uint64_t re_size, re_node, re_res;
	int64_t std, std_end, rom, bridge, bridge_end, num;
	bool has_iov;
	int64_t iov, iov_end;
};

#define L struct layout
/* include/linux/pci.h and drivers/pci/probe.c: the same members in 6.1
 * and 6.12.  The slots of pci_dev.resource[] are the enum's values, not
 * constants: the SR-IOV ones exist only with CONFIG_PCI_IOV. */
static const struct iow_layout_field layout_fields[] = {
	IOW_LAYOUT_VARIABLE(L, "pci_root_buses", root_buses),
	IOW_LAYOUT_SIZE(L, "pci_bus", bus_size),
	IOW_LAYOUT_MEMBER(L, "pci_bus", "node", bus_node),
	IOW_LAYOUT_MEMBER(L, "pci_bus", "parent", bus_parent),
	IOW_LAYOUT_MEMBER(L, "pci_bus", "children", bus_children),
	IOW_LAYOUT_MEMBER(L, "pci_bus", "devices", bus_devices),
	IOW_LAYOUT_MEMBER(L, "pci_bus", "self", bus_self),
	IOW_LAYOUT_MEMBER(L, "pci_bus", "number", bus_number),
	IOW_LAYOUT_MEMBER(L, "pci_bus", "bridge", bus_bridge),
	IOW_LAYOUT_MEMBER(L, "pci_bus", "dev", bus_dev),
	IOW_LAYOUT_SIZE(L, "pci_dev", pdev_size),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "bus_list", pdev_bus_list),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "bus", pdev_bus),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "subordinate", pdev_sub),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "devfn", pdev_devfn),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "vendor", pdev_vendor),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "device", pdev_device),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "subsystem_vendor", pdev_svendor),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "subsystem_device", pdev_sdevice),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "class", pdev_class),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "revision", pdev_revision),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "hdr_type", pdev_hdr_type),
	IOW_LAYOUT_ARRAY(L, "pci_dev", "resource", pdev_res, pdev_res_bytes, pdev_res_count),
	IOW_LAYOUT_MEMBER(L, "pci_dev", "dev", pdev_dev),
	IOW_LAYOUT_SIZE(L, "pci_host_bridge", hb_size),
	IOW_LAYOUT_MEMBER(L, "pci_host_bridge", "dev", hb_dev),
	IOW_LAYOUT_MEMBER(L, "pci_host_bridge", "bus", hb_bus),
	IOW_LAYOUT_MEMBER(L, "pci_host_bridge", "windows", hb_windows),
	IOW_LAYOUT_SIZE(L, "resource_entry", re_size),
	IOW_LAYOUT_MEMBER(L, "resource_entry", "node", re_node),
	IOW_LAYOUT_MEMBER(L, "resource_entry", "res", re_res),
	IOW_LAYOUT_ENUM(L, NULL, "PCI_STD_RESOURCES", std),
	IOW_LAYOUT_ENUM(L, NULL, "PCI_STD_RESOURCE_END", std_end),
	IOW_LAYOUT_ENUM(L, NULL, "PCI_ROM_RESOURCE", rom),
	IOW_LAYOUT_ENUM(L, NULL, "PCI_BRIDGE_RESOURCES", bridge),
	IOW_LAYOUT_ENUM(L, NULL, "PCI_BRIDGE_RESOURCE_END", bridge_end),
	IOW_LAYOUT_ENUM(L, NULL, "PCI_NUM_RESOURCES", num),
	IOW_LAYOUT_GROUP(L, has_iov, "CONFIG_PCI_IOV: the SR-IOV BARs' slots (include/linux/pci.h)"),
	IOW_LAYOUT_ENUM(L, NULL, "PCI_IOV_RESOURCES", iov),
	IOW_LAYOUT_ENUM(L, NULL, "PCI_IOV_RESOURCE_END", iov_end),
	IOW_LAYOUT_END,
};
#undef L

struct iow_pci_walk {
	struct iow_kernel *k;
	const struct iow_devlayout *dl;
	struct iow_busdev_walk *bw;
	struct layout l;
	struct iow_resource_layout rl;
	uint64_t head;                 /* pci_root_buses, KASLR applied */
	/* the walk */
	struct iow_devices *d;
	struct iow_addrset *buses;
	struct qbus { uint64_t bus, parent; } *queue; /* buses to read, and the bus that listed each */
	size_t nqueue, capqueue;
	uint8_t *raw;                  /* one object: max of the sizes */
	uint64_t cur_bus;              /* the bus whose lists are being walked */
	struct iow_host_bridge *hb;    /* the host bridge whose windows are being read */
};

static bool slots_sane(const struct layout *l)
{
	return l->std == 0 && l->std_end >= l->std && l->rom > l->std_end && l->bridge > l->rom &&
	       l->bridge_end >= l->bridge && l->num > l->bridge_end && (uint64_t)l->num <= l->pdev_res_count &&
	       l->pdev_res_count <= MAX_SLOTS &&
	       (!l->has_iov || (l->iov > l->rom && l->iov_end >= l->iov && l->iov_end < l->bridge));
}

struct iow_error *iow_pci_prepare(struct iow_kernel *k, const struct iow_devlayout *dl,
				  struct iow_busdev_walk *bw, struct iow_pci_walk **out)
{
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	struct iow_pci_walk *w;
	struct iow_error *err;
	uint64_t biggest;

	*out = NULL;
	/* A kernel without PCI has no pci_root_buses: nothing to walk. */
	if (!iow_debuginfo_has_symbol(dbg, "pci_root_buses"))
		return NULL;
	if (!(w = calloc(1, sizeof(*w))))
		return &iow_error_nomem;
	w->k = k;
	w->dl = dl;
	w->bw = bw;
	if ((err = iow_layout_probe(dbg, HINT, layout_fields, IOW_LAYOUT_COUNT(layout_fields), &w->l)) ||
	    (err = iow_resource_layout_get(k, &w->rl)))
		goto out_free;
	if (!slots_sane(&w->l) || w->l.pdev_res_bytes != w->l.pdev_res_count * w->rl.size ||
	    w->l.pdev_size > IOW_CHASE_MAX_LEN || w->l.bus_size > IOW_CHASE_MAX_LEN ||
	    w->l.hb_size > IOW_CHASE_MAX_LEN || w->l.pdev_dev + dl->dev_size > w->l.pdev_size ||
	    w->l.hb_dev + dl->dev_size > w->l.hb_size || w->l.bus_dev + dl->dev_size > w->l.bus_size) {
		err = iow_error_create(IOW_ERR_DATA, "struct pci_dev, pci_bus or pci_host_bridge "
				       "is not laid out as expected (its resource slots, sizes)");
		goto out_free;
	}
	w->head = w->l.root_buses + iow_kernel_layout(k)->kaslr_offset;
	biggest = w->l.pdev_size > w->l.bus_size ? w->l.pdev_size : w->l.bus_size;
	if (w->l.hb_size > biggest)
		biggest = w->l.hb_size;
	if (!(w->raw = malloc(biggest)))
		err = &iow_error_nomem;
out_free:
	if (err) {
		iow_pci_walk_destroy(w);
		return err;
	}
	*out = w;
	return NULL;
}

void iow_pci_walk_destroy(struct iow_pci_walk *w)
{
	if (!w)
		return;
	free(w->queue);
	free(w->raw);
	iow_addrset_destroy(w->buses);
	free(w);
}

/* --- prefetch ---------------------------------------------------------------- */

static void chase_bus(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len);

static void chase_res(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct iow_pci_walk *w = ctx;

	(void)va;
	if (w->l.re_res + 8 <= len)
		iow_chase_add(c, iow_raw_u64(buf, w->l.re_res), w->rl.size, NULL, NULL);
}

static void chase_hb(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct iow_pci_walk *w = ctx;

	(void)len;
	iow_dev_chase(c, w->dl, buf + w->l.hb_dev);
	iow_chase_follow(c, va + w->l.hb_windows, w->l.re_node, w->l.re_res + 8, chase_res, w);
}

static void chase_pdev(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct iow_pci_walk *w = ctx;

	(void)len;
	iow_dev_chase(c, w->dl, buf + w->l.pdev_dev);
	iow_devres_chase(c, w->bw, va + w->l.pdev_dev, buf + w->l.pdev_dev);
}

static void chase_bus(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct iow_pci_walk *w = ctx;
	uint64_t bridge = iow_raw_u64(buf, w->l.bus_bridge);

	(void)len;
	iow_chase_string(c, iow_raw_u64(buf, w->l.bus_dev + w->dl->kobj_name));
	iow_chase_follow(c, va + w->l.bus_devices, w->l.pdev_bus_list, w->l.pdev_size, chase_pdev, w);
	iow_chase_follow(c, va + w->l.bus_children, w->l.bus_node, w->l.bus_size, chase_bus, w);
	if (!iow_raw_u64(buf, w->l.bus_parent) && bridge > w->l.hb_dev)
		iow_chase_add(c, bridge - w->l.hb_dev, w->l.hb_size, chase_hb, w);
}

void iow_pci_chase(struct iow_pci_walk *w, struct iow_chase *c)
{
	iow_chase_follow(c, w->head, w->l.bus_node, w->l.bus_size, chase_bus, w);
}

/* --- the walk ------------------------------------------------------------------ */

static uint16_t u16_at(const uint8_t *raw, uint64_t off)
{
	uint16_t v;

	memcpy(&v, raw + off, 2);
	return v;
}

static uint32_t u32_at(const uint8_t *raw, uint64_t off)
{
	uint32_t v;

	memcpy(&v, raw + off, 4);
	return v;
}

/* One struct resource held by an object, read from its bytes RAW at
 * object offset OFF (the struct itself at ADDR). */
static void res_from(const struct iow_resource_layout *rl, const uint8_t *raw, uint64_t addr, int index,
		     struct iow_dev_res *out)
{
	*out = (struct iow_dev_res){ .addr = addr, .index = index, .start = iow_raw_u64(raw, rl->start),
				     .end = iow_raw_u64(raw, rl->end), .flags = iow_raw_u64(raw, rl->flags),
				     .parent = iow_raw_u64(raw, rl->parent) };
}

static struct iow_error *add_device(void *ctx, uint64_t node)
{
	struct iow_pci_walk *w = ctx;
	struct iow_devices *d = w->d;
	const struct layout *l = &w->l;
	uint64_t pdev = node - l->pdev_bus_list, sub;
	struct iow_pci_dev *p;
	struct iow_error *err;
	size_t i;

	if (d->npci >= IOW_PCI_MAX_DEVICES)
		return iow_error_at(IOW_ERR_DATA, pdev, "more than %d PCI devices: stopped at 0x%" PRIx64,
				    IOW_PCI_MAX_DEVICES, pdev);
	if ((err = iow_kernel_read(w->k, pdev, w->raw, l->pdev_size)))
		return iow_error_wrap(err, "reading pci_dev 0x%" PRIx64, pdev);
	if (iow_raw_u64(w->raw, l->pdev_bus) != w->cur_bus)
		return iow_error_at(IOW_ERR_DATA, pdev, "pci_dev 0x%" PRIx64 " is on the device list of bus 0x%"
				    PRIx64 " but its bus is 0x%" PRIx64, pdev, w->cur_bus,
				    iow_raw_u64(w->raw, l->pdev_bus));
	if (iow_array_reserve(&d->pci, &d->pci_cap, d->npci + 1, sizeof(*d->pci)))
		return &iow_error_nomem;
	p = &d->pci[d->npci++];
	memset(p, 0, sizeof(*p));
	p->devfn = u32_at(w->raw, l->pdev_devfn) & 0xff;
	p->vendor = u16_at(w->raw, l->pdev_vendor);
	p->device = u16_at(w->raw, l->pdev_device);
	p->subsys_vendor = u16_at(w->raw, l->pdev_svendor);
	p->subsys_device = u16_at(w->raw, l->pdev_sdevice);
	p->class = u32_at(w->raw, l->pdev_class) & 0xffffff;
	p->revision = w->raw[l->pdev_revision];
	p->hdr_type = w->raw[l->pdev_hdr_type];
	p->secondary = -1;
	if ((sub = iow_raw_u64(w->raw, l->pdev_sub))) {
		uint8_t nr;

		if ((err = iow_kernel_read(w->k, sub + l->bus_number, &nr, 1)))
			return iow_error_wrap(err, "reading the bus behind pci_dev 0x%" PRIx64, pdev);
		p->secondary = nr;
	}
	if (!(p->res = calloc(l->pdev_res_count, sizeof(*p->res))))
		return &iow_error_nomem;
	p->nres = l->pdev_res_count;
	for (i = 0; i < p->nres; i++) {
		uint64_t off = l->pdev_res + i * w->rl.size;

		res_from(&w->rl, w->raw + off, pdev + off, (int)i, &p->res[i]);
	}
	return iow_dev_read(w->k, w->dl, pdev + l->pdev_dev, w->raw + l->pdev_dev, &p->dev);
}

static struct iow_error *add_child(void *ctx, uint64_t node)
{
	struct iow_pci_walk *w = ctx;
	uint64_t bus = node - w->l.bus_node;
	int added;

	if (iow_array_reserve(&w->queue, &w->capqueue, w->nqueue + 1, sizeof(*w->queue)))
		return &iow_error_nomem;
	added = iow_addrset_add(w->buses, bus);
	if (added < 0)
		return &iow_error_nomem;
	if (!added)
		return iow_error_at(IOW_ERR_DATA, bus, "PCI bus 0x%" PRIx64 " is reached twice: the bus "
				    "tree has a cycle", bus);
	w->queue[w->nqueue++] = (struct qbus){ bus, w->cur_bus };
	return NULL;
}

static struct iow_error *add_window(void *ctx, uint64_t node)
{
	struct iow_pci_walk *w = ctx;
	struct iow_host_bridge *hb = w->hb;
	uint64_t entry = node - w->l.re_node, res;
	uint8_t raw[512];
	struct iow_error *err;

	if (hb->nwin >= MAX_WINDOWS)
		return iow_error_at(IOW_ERR_DATA, entry, "host bridge %s has more than %d windows",
				    hb->dev.name ? hb->dev.name : "?", MAX_WINDOWS);
	if ((err = iow_kernel_read_u64(w->k, entry + w->l.re_res, &res)) ||
	    (err = iow_kernel_read(w->k, res, raw, w->rl.size)))
		return iow_error_wrap(err, "reading window 0x%" PRIx64 " of host bridge %s", entry,
				      hb->dev.name ? hb->dev.name : "?");
	res_from(&w->rl, raw, res, (int)hb->nwin, &hb->win[hb->nwin]);
	hb->nwin++;
	return NULL;
}

static struct iow_error *count_entry(void *ctx, uint64_t node)
{
	(void)node;
	(*(size_t *)ctx)++;
	return NULL;
}

/* The host bridge of root bus BUS (whose bytes are RAW): pci_bus.bridge is
 * its struct device, inside struct pci_host_bridge, whose bus must be BUS. */
static struct iow_error *add_host_bridge(struct iow_pci_walk *w, uint64_t bus, const uint8_t *raw)
{
	const struct layout *l = &w->l;
	uint64_t bridge = iow_raw_u64(raw, l->bus_bridge), hbaddr, windows;
	struct iow_devices *d = w->d;
	struct iow_host_bridge *hb;
	struct iow_error *err;
	size_t n = 0;

	if (!bridge || bridge < l->hb_dev)
		return NULL; /* a root bus with no host bridge device */
	hbaddr = bridge - l->hb_dev;
	if ((err = iow_kernel_read(w->k, hbaddr, w->raw, l->hb_size)))
		return iow_error_wrap(err, "reading the host bridge of PCI bus 0x%" PRIx64, bus);
	if (iow_raw_u64(w->raw, l->hb_bus) != bus)
		return iow_error_at(IOW_ERR_DATA, hbaddr, "the host bridge 0x%" PRIx64 " of root bus 0x%" PRIx64
				    " has bus 0x%" PRIx64, hbaddr, bus, iow_raw_u64(w->raw, l->hb_bus));
	if (iow_array_reserve(&d->hb, &d->hb_cap, d->nhb + 1, sizeof(*d->hb)))
		return &iow_error_nomem;
	hb = &d->hb[d->nhb++];
	memset(hb, 0, sizeof(*hb));
	hb->addr = hbaddr;
	if ((err = iow_dev_read(w->k, w->dl, bridge, w->raw + l->hb_dev, &hb->dev)) ||
	    (err = iow_kernel_strdup(w->k, iow_raw_u64(raw, l->bus_dev + w->dl->kobj_name), "a PCI bus's name",
				     &hb->bus)))
		return err;
	windows = hbaddr + l->hb_windows;
	/* count, then read: the windows array is sized once */
	if ((err = iow_kernel_list_walk(w->k, windows, "a host bridge's windows", MAX_WINDOWS, count_entry, &n)))
		return err;
	if (!(hb->win = calloc(n ? n : 1, sizeof(*hb->win))))
		return &iow_error_nomem;
	w->hb = hb;
	return iow_kernel_list_walk(w->k, windows, "a host bridge's windows", n, add_window, w);
}

/* Read bus BUS: its host bridge (a root bus), then its devices, and queue
 * its child buses. */
static struct iow_error *read_bus(struct iow_pci_walk *w, uint64_t bus, uint64_t parent)
{
	const struct layout *l = &w->l;
	uint8_t *raw = malloc(l->bus_size);
	struct iow_error *err;

	if (!raw)
		return &iow_error_nomem;
	if ((err = iow_kernel_read(w->k, bus, raw, l->bus_size))) {
		err = iow_error_wrap(err, "reading PCI bus 0x%" PRIx64, bus);
		goto out;
	}
	if (iow_raw_u64(raw, l->bus_parent) != parent) {
		err = iow_error_at(IOW_ERR_DATA, bus, "PCI bus 0x%" PRIx64 " hangs below 0x%" PRIx64
				   " but its parent is 0x%" PRIx64, bus, parent, iow_raw_u64(raw, l->bus_parent));
		goto out;
	}
	if (!parent && (err = add_host_bridge(w, bus, raw)))
		goto out;
	w->cur_bus = bus;
	if ((err = iow_kernel_list_walk(w->k, bus + l->bus_devices, "a PCI bus's devices", IOW_PCI_MAX_DEVICES,
					add_device, w)))
		goto out;
	err = iow_kernel_list_walk(w->k, bus + l->bus_children, "a PCI bus's children", IOW_PCI_MAX_BUSES,
				   add_child, w);
out:
	free(raw);
	return err;
}

struct iow_error *iow_pci_read(struct iow_pci_walk *w, struct iow_devices *d)
{
	struct iow_error *err;
	size_t done;

	w->d = d;
	d->slots = (struct iow_pci_slots){ (int)w->l.std, (int)w->l.std_end, (int)w->l.rom,
					   w->l.has_iov ? (int)w->l.iov : -1, w->l.has_iov ? (int)w->l.iov_end : -1,
					   (int)w->l.bridge, (int)w->l.bridge_end, (int)w->l.num };
	if (!(w->buses = iow_addrset_create()))
		return &iow_error_nomem;
	/* The root buses (parent NULL), then every bus's children in the
	 * order they are found; the address set refuses a bus twice, so the
	 * queue holds at most IOW_PCI_MAX_BUSES + one list's worth. */
	w->cur_bus = 0;
	if ((err = iow_kernel_list_walk(w->k, w->head, "pci_root_buses", IOW_PCI_MAX_BUSES, add_child, w)))
		return err;
	for (done = 0; done < w->nqueue; done++) {
		if (done >= IOW_PCI_MAX_BUSES)
			return iow_error_at(IOW_ERR_DATA, w->queue[done].bus, "more than %d PCI buses",
					    IOW_PCI_MAX_BUSES);
		if ((err = read_bus(w, w->queue[done].bus, w->queue[done].parent)))
			return err;
	}
	return NULL;
}
