/* model/owner: who owns each resource, joined by the struct's address.  A
 * small iomem tree and the devices that hold its resources, built by hand:
 * a host bridge window, a device's BARs (one unassigned), a bridge window,
 * an e820 element, a static array's element, a driver's requests (by a
 * devres record, by a module's name string, inside a device with a driver)
 * and a BUSY region nothing names; each gets the owner the data proves, a
 * resource at an address no container holds is never owned from its name,
 * and the findings say what the issue asks for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "model/owner.h"
#include "render/render.h"
#include "model-fixture.h"
#include "tap.h"

#define RES_SIZE 0x40 /* sizeof(struct resource), made up */

struct fixture {
	struct iow_resource_tree tree;
	struct iow_resource *ram, *e820, *bus, *bar0, *bar0_req, *bar2, *bar2_req, *bridge_win, *ioapic, *ecam, *named,
		*fake;
	struct iow_devices d;
	struct iow_owners o;
	struct iow_vmap_area area;
	struct iow_mapping_set maps;
};

static struct iow_dev_res dres(const struct iow_resource *r, int index)
{
	return (struct iow_dev_res){ .addr = r ? r->addr : 0xffff888000900000ULL + (uint64_t)index * RES_SIZE,
				     .index = index, .start = r ? r->start : 0, .end = r ? r->end : 0,
				     .flags = r ? r->flags : 0, .parent = r && r->parent ? r->parent->addr : 0 };
}

static void build(struct fixture *f)
{
	struct iow_pci_dev *p;
	struct iow_resource *r;
	struct iow_mapping *m;
	int i;

	memset(f, 0, sizeof(*f));
	fx_tree_init(&f->tree, "iomem_resource", "PCI mem", 0, 0xffffffffffULL);
	f->ram = fx_res(&f->tree, &f->tree.root, 0x1000, 0x9ffff, 0x81000200, "System RAM");
	f->e820 = fx_res(&f->tree, &f->tree.root, 0xa0000, 0xfffff, 0x80000200, "Reserved");
	f->bus = fx_res(&f->tree, &f->tree.root, 0xc0000000, 0xfebfffff, 0x200200, "PCI Bus 0000:00");
	f->bridge_win = fx_res(&f->tree, f->bus, 0xfe400000, 0xfe5fffff, 0x200, "PCI Bus 0000:01");
	f->bar0 = fx_res(&f->tree, f->bus, 0xfe600000, 0xfe603fff, 0x40200, "0000:00:05.0");
	f->bar0_req = fx_res(&f->tree, f->bar0, 0xfe600000, 0xfe603fff, 0x80000200, "nvme");
	f->bar2 = fx_res(&f->tree, f->bus, 0xfe604000, 0xfe604fff, 0x40200, "0000:00:05.0");
	f->bar2_req = fx_res(&f->tree, f->bar2, 0xfe604000, 0xfe604fff, 0x80000200, "0000:00:05.0");
	f->named = fx_res(&f->tree, f->bus, 0xfe700000, 0xfe700fff, 0x80000200, "modreq");
	f->ecam = fx_res(&f->tree, &f->tree.root, 0xb0000000, 0xbfffffff, 0x80000200, "PCI ECAM 0000 [bus 00-ff]");
	f->ioapic = fx_res(&f->tree, &f->tree.root, 0xfec00000, 0xfec003ff, 0x80000200, "IOAPIC 0");
	/* named as a device's BAR, but at an address no device holds */
	f->fake = fx_res(&f->tree, &f->tree.root, 0xfee00000, 0xfee00fff, 0x200, "0000:00:05.0");
	/* each struct at an address of its own, as in a kernel */
	for (r = f->tree.root.child, i = 0; r; r = iow_resource_next(r), i++)
		r->addr = 0xffff888000100000ULL + (uint64_t)i * 0x1000;

	f->d.res_size = RES_SIZE;
	f->d.slots = (struct iow_pci_slots){ 0, 5, 6, 7, 12, 13, 16, 17 };
	/* the host bridge: its window is the "PCI Bus 0000:00" resource */
	f->d.hb = calloc(1, sizeof(*f->d.hb));
	f->d.nhb = 1;
	f->d.hb->dev.name = strdup("pci0000:00");
	f->d.hb->dev.firmware = strdup("PNP0A08:00");
	f->d.hb->bus = strdup("0000:00");
	f->d.hb->win = calloc(1, sizeof(*f->d.hb->win));
	f->d.hb->win[0] = dres(f->bus, 0);
	f->d.hb->nwin = 1;
	/* 0000:00:05.0 with a driver: BAR0 and BAR2 assigned, BAR4 has a size
	 * but no parent (unassigned); 0000:00:10.0 a bridge (bus 1) */
	f->d.pci = calloc(2, sizeof(*f->d.pci));
	f->d.npci = 2;
	p = &f->d.pci[0];
	p->dev.name = strdup("0000:00:05.0");
	p->dev.driver = strdup("nvme");
	p->vendor = 0x1b36, p->device = 0x0010, p->class = 0x010802, p->secondary = -1;
	p->res = calloc(17, sizeof(*p->res));
	p->nres = 17;
	for (i = 0; i < 17; i++)
		p->res[i] = dres(NULL, i);
	p->res[0] = dres(f->bar0, 0);
	p->res[2] = dres(f->bar2, 2);
	p->res[4] = (struct iow_dev_res){ .addr = 0xffff888000a00000ULL, .index = 4, .start = 0, .end = 0x3fff,
					  .flags = 0x40200 };
	p = &f->d.pci[1];
	p->dev.name = strdup("0000:00:10.0");
	p->vendor = 0x1b36, p->device = 0x0001, p->class = 0x060400, p->secondary = 1;
	p->res = calloc(17, sizeof(*p->res));
	p->nres = 17;
	for (i = 0; i < 17; i++)
		p->res[i] = dres(NULL, 100 + i);
	p->res[14] = dres(f->bridge_win, 14);
	/* the e820 table and the array the kernel made of it: entries 0 and 1
	 * are "System RAM" and "Reserved", one struct resource after the other */
	f->d.fw.table = "e820_table";
	f->d.fw.e = calloc(2, sizeof(*f->d.fw.e));
	f->d.fw.e[0] = (struct iow_fw_entry){ 0x1000, 0x9ffff, 1 };
	f->d.fw.e[1] = (struct iow_fw_entry){ 0xa0000, 0xfffff, 2 };
	f->d.fw.n = 2;
	f->e820->addr = f->ram->addr + RES_SIZE;
	f->d.fw.array = f->ram->addr;
	/* ioapic_resources[0] */
	f->d.statics = calloc(1, sizeof(*f->d.statics));
	f->d.statics[0] = (struct iow_static_array){ "ioapic_resources", f->ioapic->addr, 1 };
	f->d.nstatics = 1;
	/* BAR2's request came from devm_request_region() */
	f->d.regions = calloc(1, sizeof(*f->d.regions));
	f->d.regions[0] = (struct iow_region_devres){ strdup("0000:00:05.0"), strdup("nvme"), 0xffff888000c00000ULL,
						      f->bar2->addr, f->bar2->start, 0x1000 };
	f->d.nregions = 1;
	/* "modreq"'s name string lies in a module */
	f->named->name_addr = 0xffffffffc0001000ULL;

	/* a mapping that starts in BAR0 and runs a page past it */
	f->area = fx_area("nvme_remap_bar+0x68/0xb0", IOW_VM_IOREMAP);
	m = fx_map(&f->maps, &f->area, 0xffffc90000020000ULL, 0x5000, true);
	fx_run(m, 0xfe600000, 0x5000, 4096, IOW_MT_UC_MINUS, false);
	/* and one within BAR2: no finding */
	m = fx_map(&f->maps, &f->area, 0xffffc90000030000ULL, 0x1000, true);
	fx_run(m, 0xfe604000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
}

static void locate(struct fixture *f)
{
	uint64_t *addrs = NULL;
	struct iow_location *locs;
	size_t n = 0, i;

	tap_ok(!iow_owners_wanted(&f->o, &addrs, &n) && n > 0, "the addresses to locate");
	locs = calloc(n, sizeof(*locs));
	for (i = 0; i < n; i++) {
		locs[i].addr = addrs[i];
		if (addrs[i] == f->named->name_addr) {
			locs[i].where = IOW_WHERE_MODULE;
			locs[i].module = strdup("modreq_mod");
		} else {
			locs[i].where = IOW_WHERE_SLAB;
			locs[i].cache = strdup("kmalloc-64");
		}
	}
	free(addrs);
	iow_owners_set_locations(&f->o, locs, n);
}

static const struct iow_owner_finding *finding(const struct fixture *f, enum iow_owner_finding_kind k, size_t *count)
{
	const struct iow_owner_finding *first = NULL;
	size_t i;

	*count = 0;
	for (i = 0; i < f->o.nf; i++)
		if (f->o.f[i].kind == k) {
			if (!first)
				first = &f->o.f[i];
			++*count;
		}
	return first;
}

int main(void)
{
	struct fixture f;
	const struct iow_resource_tree *trees[1];
	const struct iow_owner *w;
	const struct iow_owner_finding *x;
	size_t n;

	build(&f);
	trees[0] = &f.tree;
	tap_ok(!iow_owners_classify(&f.o, trees, 1, &f.d), "classify");
	locate(&f);
	tap_ok(!iow_owners_finish(&f.o, &f.d), "finish");

	w = iow_owner_of(&f.o, f.bus);
	tap_ok(w && w->kind == IOW_OWNER_HOST_BRIDGE_WINDOW && w->hb == &f.d.hb[0] && w->index == 0,
	       "the host bridge's window");
	w = iow_owner_of(&f.o, f.bar0);
	tap_ok(w && w->kind == IOW_OWNER_PCI_BAR && w->pci == &f.d.pci[0] && w->index == 0, "BAR0 is the device's");
	w = iow_owner_of(&f.o, f.bar2);
	tap_ok(w && w->kind == IOW_OWNER_PCI_BAR && w->index == 2, "BAR2 is the device's, slot 2");
	w = iow_owner_of(&f.o, f.bridge_win);
	tap_ok(w && w->kind == IOW_OWNER_PCI_BRIDGE_WINDOW && w->pci == &f.d.pci[1] && w->index == 14,
	       "the bridge's window, slot 14");
	w = iow_owner_of(&f.o, f.e820);
	tap_ok(w && w->kind == IOW_OWNER_FIRMWARE_MAP && w->index == 1 && w->fw == &f.d.fw.e[1],
	       "the e820 array's element 1");
	w = iow_owner_of(&f.o, f.ram);
	tap_ok(w && w->kind == IOW_OWNER_FIRMWARE_MAP && w->index == 0, "and element 0");
	w = iow_owner_of(&f.o, f.ioapic);
	tap_ok(w && w->kind == IOW_OWNER_KERNEL_STATIC && w->array == &f.d.statics[0] && w->index == 0,
	       "ioapic_resources[0]");
	w = iow_owner_of(&f.o, f.bar2_req);
	tap_ok(w && w->kind == IOW_OWNER_DRIVER_REQUEST && w->req == IOW_REQ_DEVRES && w->devres == &f.d.regions[0],
	       "a devm_request_region() record names the requester");
	w = iow_owner_of(&f.o, f.bar0_req);
	tap_ok(w && w->kind == IOW_OWNER_DRIVER_REQUEST && w->req == IOW_REQ_PARENT && w->within &&
		       w->within->pci == &f.d.pci[0],
	       "a request inside a BAR of a device with a driver");
	w = iow_owner_of(&f.o, f.named);
	tap_ok(w && w->kind == IOW_OWNER_DRIVER_REQUEST && w->req == IOW_REQ_MODULE, "a request named from a module");
	w = iow_owner_of(&f.o, f.ecam);
	tap_ok(w && w->kind == IOW_OWNER_DRIVER_REQUEST && w->req == IOW_REQ_UNKNOWN && w->loc &&
		       w->loc->where == IOW_WHERE_SLAB,
	       "a BUSY region nothing names: requester unknown, its struct in a slab");
	w = iow_owner_of(&f.o, f.fake);
	tap_ok(w && w->kind == IOW_OWNER_UNKNOWN, "a device's name at an address no device holds: unknown owner");

	/* the annotated tree's words for them */
	{
		static const struct {
			size_t off;
			const char *want;
		} briefs[] = {
			{ offsetof(struct fixture, bar0), "nvme 0000:00:05.0 [1b36:0010] BAR0" },
			{ offsetof(struct fixture, bridge_win), "(no driver) 0000:00:10.0 [1b36:0001] window 1" },
			{ offsetof(struct fixture, bus), "host bridge PNP0A08:00 window 0" },
			{ offsetof(struct fixture, e820), "e820 entry 1 (reserved)" },
			{ offsetof(struct fixture, ioapic), "ioapic_resources[0], at boot" },
			{ offsetof(struct fixture, bar2_req), "request by 0000:00:05.0 (nvme), devres" },
			{ offsetof(struct fixture, named), "request by module modreq_mod in host bridge pci0000:00 window 0" },
			{ offsetof(struct fixture, ecam), "request, requester unknown (struct in kmalloc-64)" },
			{ offsetof(struct fixture, fake), "unknown owner (struct in kmalloc-64)" },
		};
		size_t i;
		char buf[256];

		for (i = 0; i < sizeof(briefs) / sizeof(briefs[0]); i++) {
			const struct iow_resource *r = *(struct iow_resource **)((char *)&f + briefs[i].off);

			buf[0] = 0;
			if ((w = iow_owner_of(&f.o, r)))
				iow_owner_brief(w, &f.d, buf, sizeof(buf));
			tap_is_str(buf, briefs[i].want, "the tree's brief owner");
		}
	}

	tap_ok(!iow_owners_find(&f.o, &f.d, &f.maps), "findings");
	x = finding(&f, IOW_OFIND_UNASSIGNED_BAR, &n);
	tap_ok(n == 1 && x->pci == &f.d.pci[0] && x->index == 4, "one unassigned BAR: BAR4");
	printf("# %s\n", x ? x->text : "");
	x = finding(&f, IOW_OFIND_MAPPED_BEYOND, &n);
	tap_ok(n == 1 && x->index == 0 && x->pa_start == 0xfe600000 && x->pa_end == 0xfe605000,
	       "one mapping beyond its BAR: BAR0's, to 0xfe604fff");
	printf("# %s\n", x ? x->text : "");
	x = finding(&f, IOW_OFIND_BUSY_UNOWNED, &n);
	tap_ok(n == 1 && x->r == f.ecam, "one BUSY region without an owner: the ECAM's");

	iow_owners_fini(&f.o);
	iow_devices_fini(&f.d);
	iow_resource_tree_fini(&f.tree);
	free(f.maps.m[0].runs);
	free(f.maps.m[1].runs);
	free(f.maps.m);
	return tap_done();
}
