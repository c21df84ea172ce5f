/* model/owner: see owner.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/owner.h"
#include "util/array.h"

#define IORESOURCE_BUSY 0x80000000ULL
#define PAGE 4096ULL                       /* the kernel maps whole pages */

static const char *const kind_names[] = {
	[IOW_OWNER_UNKNOWN] = "unknown",
	[IOW_OWNER_PCI_BAR] = "pci-bar",
	[IOW_OWNER_PCI_ROM] = "pci-rom",
	[IOW_OWNER_PCI_BRIDGE_WINDOW] = "pci-bridge-window",
	[IOW_OWNER_PCI_IOV_BAR] = "pci-iov-bar",
	[IOW_OWNER_PCI_DEVICE_RESOURCE] = "pci-device-resource",
	[IOW_OWNER_HOST_BRIDGE_WINDOW] = "host-bridge-window",
	[IOW_OWNER_DRIVER_REQUEST] = "driver-request",
	[IOW_OWNER_FIRMWARE_MAP] = "firmware-map",
	[IOW_OWNER_KERNEL_STATIC] = "kernel-static",
	[IOW_OWNER_PLATFORM_DEVICE] = "platform-device",
	[IOW_OWNER_PNP_DEVICE] = "pnp-device",
	[IOW_OWNER_ACPI_DEVICE] = "acpi-device",
};

const char *iow_owner_kind_name(enum iow_owner_kind kind)
{
	return (size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "?";
}

bool iow_owner_kind_is_device(enum iow_owner_kind kind)
{
	switch (kind) {
	case IOW_OWNER_PCI_BAR:
	case IOW_OWNER_PCI_ROM:
	case IOW_OWNER_PCI_BRIDGE_WINDOW:
	case IOW_OWNER_PCI_IOV_BAR:
	case IOW_OWNER_PCI_DEVICE_RESOURCE:
	case IOW_OWNER_HOST_BRIDGE_WINDOW:
	case IOW_OWNER_PLATFORM_DEVICE:
	case IOW_OWNER_PNP_DEVICE:
	case IOW_OWNER_ACPI_DEVICE:
		return true;
	default:
		return false;
	}
}

const char *iow_where_name(enum iow_where w)
{
	static const char *const names[] = { "unknown", "image", "module", "slab", "page", "reserved" };

	return (size_t)w < sizeof(names) / sizeof(names[0]) ? names[w] : "?";
}

const char *iow_requester_name(enum iow_requester r)
{
	static const char *const names[] = { "unknown", "devres", "module", "parent-device" };

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

const char *iow_owner_finding_name(enum iow_owner_finding_kind k)
{
	static const char *const names[] = { "unassigned-bar", "mapped-beyond-bar", "busy-unowned" };

	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

void iow_location_fini(struct iow_location *l)
{
	free(l->symbol);
	free(l->module);
	free(l->cache);
}

/* --- step 1: the containers, indexed by the addresses they hold ----------------- */

struct held {
	uint64_t addr;
	struct iow_owner o; /* kind, index and the container */
};

struct index {
	struct held *h;
	size_t n, cap;
};

static int hold(struct index *x, uint64_t addr, struct iow_owner o)
{
	if (!addr)
		return 0;
	if (iow_array_reserve(&x->h, &x->cap, x->n + 1, sizeof(*x->h)))
		return -1;
	x->h[x->n++] = (struct held){ addr, o };
	return 0;
}

static int cmp_held(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static enum iow_owner_kind pci_kind(enum iow_pci_slot s)
{
	switch (s) {
	case IOW_PCI_SLOT_BAR: return IOW_OWNER_PCI_BAR;
	case IOW_PCI_SLOT_ROM: return IOW_OWNER_PCI_ROM;
	case IOW_PCI_SLOT_IOV: return IOW_OWNER_PCI_IOV_BAR;
	case IOW_PCI_SLOT_BRIDGE: return IOW_OWNER_PCI_BRIDGE_WINDOW;
	default: return IOW_OWNER_PCI_DEVICE_RESOURCE;
	}
}

static int build_index(struct index *x, const struct iow_devices *d)
{
	size_t i, j;

	for (i = 0; i < d->npci; i++)
		for (j = 0; j < d->pci[i].nres; j++) {
			const struct iow_pci_dev *p = &d->pci[i];

			if (hold(x, p->res[j].addr, (struct iow_owner){ .kind = pci_kind(iow_pci_slot_of(d, p, (int)j)),
									 .index = (int)j, .pci = p }))
				return -1;
		}
	for (i = 0; i < d->nhb; i++)
		for (j = 0; j < d->hb[i].nwin; j++)
			if (hold(x, d->hb[i].win[j].addr, (struct iow_owner){ .kind = IOW_OWNER_HOST_BRIDGE_WINDOW,
									     .index = (int)j, .hb = &d->hb[i] }))
				return -1;
	for (i = 0; i < d->nbus; i++)
		for (j = 0; j < d->bus[i].nres; j++)
			if (hold(x, d->bus[i].res[j].addr,
				 (struct iow_owner){ .kind = d->bus[i].bus == IOW_BUS_PNP ? IOW_OWNER_PNP_DEVICE
											  : IOW_OWNER_PLATFORM_DEVICE,
						     .index = (int)j, .bdev = &d->bus[i] }))
				return -1;
	if (d->fw.array && d->res_size)
		for (j = 0; j < d->fw.n; j++)
			if (hold(x, d->fw.array + j * d->res_size,
				 (struct iow_owner){ .kind = IOW_OWNER_FIRMWARE_MAP, .index = (int)j, .fw = &d->fw.e[j] }))
				return -1;
	for (i = 0; i < d->nstatics && d->res_size; i++)
		for (j = 0; j < d->statics[i].n; j++)
			if (hold(x, d->statics[i].base + j * d->res_size,
				 (struct iow_owner){ .kind = IOW_OWNER_KERNEL_STATIC, .index = (int)j,
						     .array = &d->statics[i] }))
				return -1;
	if (x->n > 1)
		qsort(x->h, x->n, sizeof(*x->h), cmp_held);
	return 0;
}

static const struct held *find_held(const struct index *x, uint64_t addr)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->h[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n && x->h[lo].addr == addr ? &x->h[lo] : NULL;
}

static int cmp_owner(const void *a, const void *b)
{
	const struct iow_owner *x = a, *y = b;

	return (uintptr_t)x->r < (uintptr_t)y->r ? -1 : (uintptr_t)x->r > (uintptr_t)y->r;
}

int iow_owners_classify(struct iow_owners *o, const struct iow_resource_tree *const *trees, size_t ntrees,
			const struct iow_devices *d)
{
	struct index x = { 0 };
	size_t t, n = 0, cap = 0;
	int ret = -1;

	memset(o, 0, sizeof(*o));
	if (build_index(&x, d))
		goto out;
	for (t = 0; t < ntrees; t++) {
		struct iow_resource *r;

		for (r = trees[t]->root.child; r; r = iow_resource_next(r)) {
			const struct held *h = find_held(&x, r->addr);

			if (iow_array_reserve(&o->o, &cap, n + 1, sizeof(*o->o)))
				goto out;
			o->o[n] = h ? h->o : (struct iow_owner){ .kind = IOW_OWNER_UNKNOWN, .index = -1 };
			o->o[n].r = r;
			n++;
		}
	}
	o->n = n;
	if (n > 1)
		qsort(o->o, n, sizeof(*o->o), cmp_owner);
	ret = 0;
out:
	free(x.h);
	return ret;
}

const struct iow_owner *iow_owner_of(const struct iow_owners *o, const struct iow_resource *r)
{
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)o->o[mid].r < (uintptr_t)r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->n && o->o[lo].r == r ? &o->o[lo] : NULL;
}

/* --- steps 2 and 3: locations ------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int iow_owners_wanted(const struct iow_owners *o, uint64_t **addrs, size_t *n)
{
	size_t i, k = 0, cap = 0, m = 0;
	uint64_t *v = NULL;

	for (i = 0; i < o->n; i++) {
		const struct iow_owner *w = &o->o[i];

		if (w->kind != IOW_OWNER_UNKNOWN)
			continue;
		if (iow_array_reserve(&v, &cap, k + 2, sizeof(*v))) {
			free(v);
			return -1;
		}
		v[k++] = w->r->addr;
		if (w->r->name_addr)
			v[k++] = w->r->name_addr;
	}
	if (k > 1)
		qsort(v, k, sizeof(*v), cmp_u64);
	for (i = 0; i < k; i++)
		if (!m || v[m - 1] != v[i])
			v[m++] = v[i];
	*addrs = v;
	*n = m;
	return 0;
}

static int cmp_loc(const void *a, const void *b)
{
	const struct iow_location *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void iow_owners_set_locations(struct iow_owners *o, struct iow_location *locs, size_t n)
{
	size_t i;

	for (i = 0; i < o->nlocs; i++)
		iow_location_fini(&o->locs[i]);
	free(o->locs);
	o->locs = locs;
	o->nlocs = n;
	if (n > 1)
		qsort(locs, n, sizeof(*locs), cmp_loc);
}

const struct iow_location *iow_location_of(const struct iow_owners *o, uint64_t addr)
{
	size_t lo = 0, hi = o->nlocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->locs[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->nlocs && o->locs[lo].addr == addr ? &o->locs[lo] : NULL;
}

/* --- step 4 ---------------------------------------------------------------------------- */

/* The device's driver an owner of a device kind names, or NULL. */
static const char *device_driver(const struct iow_owner *w)
{
	if (w->pci)
		return w->pci->dev.driver;
	if (w->bdev)
		return w->bdev->dev.driver;
	if (w->hb)
		return w->hb->dev.driver;
	return NULL;
}

int iow_owners_finish(struct iow_owners *o, const struct iow_devices *d)
{
	size_t i, j;

	for (i = 0; i < o->n; i++) {
		struct iow_owner *w = &o->o[i];
		const struct iow_resource *p;

		if (w->kind != IOW_OWNER_UNKNOWN)
			continue;
		w->loc = iow_location_of(o, w->r->addr);
		w->name_loc = w->r->name_addr ? iow_location_of(o, w->r->name_addr) : NULL;
		if (w->loc && (w->loc->where == IOW_WHERE_IMAGE || w->loc->where == IOW_WHERE_MODULE)) {
			w->kind = IOW_OWNER_KERNEL_STATIC;
			continue;
		}
		/* the nearest enclosing resource that a device holds */
		for (p = w->r->parent; p && p->depth >= 0 && !w->within; p = p->parent) {
			const struct iow_owner *q = iow_owner_of(o, p);

			if (q && iow_owner_kind_is_device(q->kind))
				w->within = q;
		}
		if (!(w->r->flags & IORESOURCE_BUSY))
			continue;
		w->kind = IOW_OWNER_DRIVER_REQUEST;
		/* __devm_request_region() keeps (parent, start, n) */
		for (j = 0; j < d->nregions; j++) {
			const struct iow_region_devres *rd = &d->regions[j];

			if (w->r->parent && rd->parent == w->r->parent->addr && rd->start == w->r->start &&
			    rd->n == w->r->end - w->r->start + 1) {
				w->devres = rd;
				w->req = IOW_REQ_DEVRES;
				break;
			}
		}
		if (!w->req && w->name_loc && w->name_loc->where == IOW_WHERE_MODULE && w->name_loc->module)
			w->req = IOW_REQ_MODULE;
		if (!w->req && w->within && device_driver(w->within))
			w->req = IOW_REQ_PARENT;
	}
	return 0;
}

/* --- findings ------------------------------------------------------------------------ */

static int add_finding(struct iow_owners *o, struct iow_owner_finding f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add_finding(struct iow_owners *o, struct iow_owner_finding f, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (iow_array_reserve(&o->f, &o->fcap, o->nf + 1, sizeof(*o->f)))
		return -1;
	va_start(ap, fmt);
	len = vasprintf(&f.text, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	o->f[o->nf++] = f;
	return 0;
}

static bool is_bar(const struct iow_devices *d, const struct iow_pci_dev *p, int i)
{
	enum iow_pci_slot s = iow_pci_slot_of(d, p, i);

	return s == IOW_PCI_SLOT_BAR || s == IOW_PCI_SLOT_ROM || s == IOW_PCI_SLOT_IOV;
}

static int unassigned(struct iow_owners *o, const struct iow_devices *d)
{
	size_t i, j;
	char w[32];

	for (i = 0; i < d->npci; i++)
		for (j = 0; j < d->pci[i].nres; j++) {
			const struct iow_pci_dev *p = &d->pci[i];
			const struct iow_dev_res *r = &p->res[j];
			uint64_t type = r->flags & IORESOURCE_TYPE_BITS;

			if (!is_bar(d, p, (int)j) || r->parent || r->end <= r->start ||
			    (type != IORESOURCE_MEM && type != IORESOURCE_IO))
				continue;
			if (add_finding(o, (struct iow_owner_finding){ .kind = IOW_OFIND_UNASSIGNED_BAR, .pci = p,
								       .index = (int)j },
					"%s %s [%s %#" PRIx64 " bytes] has no resource: not assigned",
					p->dev.name ? p->dev.name : "?", iow_pci_slot_word(d, p, (int)j, w, sizeof(w)),
					type == IORESOURCE_IO ? "io" : "mem", r->end - r->start + 1))
				return -1;
		}
	return 0;
}

/* An assigned memory BAR, for the mapping check. */
struct bar {
	uint64_t start, end; /* end inclusive */
	const struct iow_pci_dev *p;
	int index;
};

static int cmp_bar(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The BAR whose pages hold PA: the one containing it, else one that starts
 * in PA's page (a BAR smaller than a page, mapped from the page's start). */
static const struct bar *bar_at(const struct bar *b, size_t n, uint64_t pa)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first BAR starting after PA */
		size_t mid = lo + (hi - lo) / 2;

		if (b[mid].start <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && pa <= b[lo - 1].end)
		return &b[lo - 1];
	if (lo < n && b[lo].start < ((pa & ~(PAGE - 1)) + PAGE))
		return &b[lo];
	return NULL;
}

static int beyond(struct iow_owners *o, const struct iow_devices *d, const struct iow_mapping_set *maps)
{
	struct bar *b = NULL;
	size_t nb = 0, cap = 0, i, j, k;
	char w[32];
	int ret = -1;

	for (i = 0; i < d->npci; i++)
		for (j = 0; j < d->pci[i].nres; j++) {
			const struct iow_dev_res *r = &d->pci[i].res[j];

			if (!is_bar(d, &d->pci[i], (int)j) || !r->parent || r->end < r->start ||
			    (r->flags & IORESOURCE_TYPE_BITS) != IORESOURCE_MEM)
				continue;
			if (iow_array_reserve(&b, &cap, nb + 1, sizeof(*b)))
				goto out;
			b[nb++] = (struct bar){ r->start, r->end, &d->pci[i], (int)j };
		}
	if (nb > 1)
		qsort(b, nb, sizeof(*b), cmp_bar);
	for (i = 0; nb && i < maps->n; i++) {
		const struct iow_mapping *m = &maps->m[i];

		/* each stretch of present runs that follow each other physically */
		for (j = 0; j < m->nruns; j = k) {
			uint64_t start = m->runs[j].pa, end;
			const struct bar *bar;

			if (!m->runs[j].present) {
				k = j + 1;
				continue;
			}
			end = start + m->runs[j].size;
			for (k = j + 1; k < m->nruns && m->runs[k].present && m->runs[k].pa == end; k++)
				end += m->runs[k].size;
			bar = bar_at(b, nb, start);
			if (!bar || end <= ((bar->end | (PAGE - 1)) + 1))
				continue;
			if (add_finding(o, (struct iow_owner_finding){ .kind = IOW_OFIND_MAPPED_BEYOND, .pci = bar->p,
									.index = bar->index, .m = m,
									.pa_start = start, .pa_end = end },
					"the mapping at 0x%" PRIx64 " (phys 0x%" PRIx64 "-0x%" PRIx64 ", by %s) runs "
					"past %s %s (0x%" PRIx64 "-0x%" PRIx64 ")",
					m->runs[j].va, start, end - 1,
					m->area && m->area->caller_sym ? m->area->caller_sym : "?",
					bar->p->dev.name ? bar->p->dev.name : "?",
					iow_pci_slot_word(d, bar->p, bar->index, w, sizeof(w)), bar->start, bar->end))
				goto out;
		}
	}
	ret = 0;
out:
	free(b);
	return ret;
}

/* Resources in tree order, for the busy findings' order. */
static int cmp_tree_order(const void *a, const void *b)
{
	const struct iow_owner *const *x = a, *const *y = b;

	if ((*x)->r->start != (*y)->r->start)
		return (*x)->r->start < (*y)->r->start ? -1 : 1;
	return (*x)->r->depth - (*y)->r->depth;
}

int iow_owners_find(struct iow_owners *o, const struct iow_devices *d, const struct iow_mapping_set *maps)
{
	const struct iow_owner **busy = NULL;
	size_t i, n = 0;
	int ret = -1;

	if (unassigned(o, d) || (maps && beyond(o, d, maps)))
		return -1;
	if (o->n && !(busy = malloc(o->n * sizeof(*busy))))
		return -1;
	for (i = 0; i < o->n; i++)
		if (o->o[i].kind == IOW_OWNER_DRIVER_REQUEST && o->o[i].req == IOW_REQ_UNKNOWN)
			busy[n++] = &o->o[i];
	if (n > 1)
		qsort(busy, n, sizeof(*busy), cmp_tree_order);
	for (i = 0; i < n; i++) {
		const struct iow_resource *r = busy[i]->r;

		if (add_finding(o, (struct iow_owner_finding){ .kind = IOW_OFIND_BUSY_UNOWNED, .index = -1, .r = r },
				"BUSY region 0x%" PRIx64 "-0x%" PRIx64 " \"%s\": no devres record, name, or "
				"enclosing device with a driver tells who requested it",
				r->start, r->end, r->name ? r->name : "<BAD>"))
			goto out;
	}
	ret = 0;
out:
	free(busy);
	return ret;
}

void iow_owners_fini(struct iow_owners *o)
{
	size_t i;

	for (i = 0; i < o->nlocs; i++)
		iow_location_fini(&o->locs[i]);
	for (i = 0; i < o->nf; i++)
		free(o->f[i].text);
	free(o->locs);
	free(o->o);
	free(o->f);
	memset(o, 0, sizeof(*o));
}

const struct iow_resource *iow_resource_at(const struct iow_resource_tree *tree, uint64_t addr)
{
	struct iow_resource *r;

	for (r = tree->root.child; r; r = iow_resource_next(r))
		if (r->addr == addr)
			return r;
	return NULL;
}
