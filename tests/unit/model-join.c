/* model/join: which mapped runs hang under which resource.  A small iomem
 * tree and a handful of mappings, built by hand: each present run hangs
 * under the deepest resource holding its first byte, in the mappings'
 * order; holes and runs outside every resource hang nowhere; and the scan
 * used when there is no memory for the index answers the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "model/join.h"
#include "model-fixture.h"
#include "tap.h"

struct fixture {
	struct iow_resource_tree tree;
	struct iow_resource *reserved, *ram, *bus, *dev2, *common, *dev3, *hpet, *empty;
	struct iow_vmap_area hpet_area, virtio_area, nvme_area, lost_area, alias_area, ram_area;
	struct iow_mapping_set set;
};

static void build(struct fixture *f)
{
	struct iow_mapping *m;

	memset(f, 0, sizeof(*f));
	fx_tree_init(&f->tree, "iomem_resource", "PCI mem", 0, 0xffffffffffULL);
	f->reserved = fx_res(&f->tree, &f->tree.root, 0x0, 0xfff, 0x80000200, "Reserved");
	f->ram = fx_res(&f->tree, &f->tree.root, 0x1000, 0x9ffff, 0x81000200, "System RAM");
	f->bus = fx_res(&f->tree, &f->tree.root, 0xfe000000, 0xfebfffff, 0x200200, "PCI Bus 0000:00");
	f->dev2 = fx_res(&f->tree, f->bus, 0xfe000000, 0xfe003fff, 0x14220c, "0000:00:02.0");
	f->common = fx_res(&f->tree, f->dev2, 0xfe000000, 0xfe000fff, 0x80000200, "virtio-pci-common");
	f->dev3 = fx_res(&f->tree, f->bus, 0xfeb00000, 0xfeb00fff, 0x40200, "0000:00:03.0");
	f->hpet = fx_res(&f->tree, &f->tree.root, 0xfed00000, 0xfed003ff, 0x80000200, "HPET 0");
	f->empty = fx_res(&f->tree, &f->tree.root, 0xfee00000, 0xfee00fff, 0x80000200, "Local APIC");

	f->hpet_area = fx_area("hpet_enable+0x3a/0x2d0", IOW_VM_IOREMAP);
	f->virtio_area = fx_area("pci_iomap_range+0x5b/0x80", IOW_VM_IOREMAP);
	f->nvme_area = fx_area("nvme_dev_map+0x2d/0x90 [nvme]", IOW_VM_IOREMAP);
	f->lost_area = fx_area(NULL, IOW_VM_IOREMAP);
	f->alias_area = fx_area("iowtest_map_all+0x120/0x400 [iowtest]", IOW_VM_IOREMAP);
	f->ram_area = fx_area("dma_direct_alloc+0x1e/0x2d0", IOW_VM_MAP);

	/* 0: HPET's page: its first byte lies in "HPET 0", its last past it */
	m = fx_map(&f->set, &f->hpet_area, 0xffffc90000000000ULL, 0x1000, true);
	fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	/* 1: virtio's BAR: its first page in the deepest resource, the rest in
	 * the device's, then a hole */
	m = fx_map(&f->set, &f->virtio_area, 0xffffc90000010000ULL, 0x5000, true);
	fx_run(m, 0xfe000000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	fx_run(m, 0xfe001000, 0x3000, 4096, IOW_MT_UC_MINUS, false);
	fx_hole(m, 0x1000);
	/* 2: NVMe */
	m = fx_map(&f->set, &f->nvme_area, 0xffffc90000020000ULL, 0x1000, true);
	fx_run(m, 0xfeb00000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	/* 3: an address no resource holds */
	m = fx_map(&f->set, &f->lost_area, 0xffffc90000030000ULL, 0x1000, true);
	fx_run(m, 0x80000000, 0x1000, 4096, IOW_MT_UC, false);
	/* 4: HPET again, write-combining (an alias) */
	m = fx_map(&f->set, &f->alias_area, 0xffffc90000040000ULL, 0x1000, true);
	fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_WC, false);
	/* 5: a RAM page mapped WC, at the last byte of System RAM's range */
	m = fx_map(&f->set, &f->ram_area, 0xffffc90000050000ULL, 0x1000, false);
	fx_run(m, 0x9f000, 0x1000, 4096, IOW_MT_WC, true);
}

static void destroy(struct fixture *f)
{
	iow_mapping_set_fini(&f->set);
	iow_resource_tree_fini(&f->tree);
}

struct collect {
	const struct iow_mapping_set *set;
	struct iow_buf b;
	size_t count;
};

static void collect(void *arg, const struct iow_mapping *m, const struct iow_map_run *run)
{
	struct collect *c = arg;

	c->count++;
	iow_buf_printf(&c->b, "%s%zu.%zu", c->b.len ? " " : "", (size_t)(m - c->set->m), (size_t)(run - m->runs));
}

/* The runs under R, as "mapping.run ..." */
static const char *under(const struct iow_join *j, const struct iow_resource *r, struct collect *c)
{
	iow_buf_reset(&c->b);
	iow_join_each(j, r, collect, c);
	return iow_buf_str(&c->b);
}

static void check_join(struct fixture *f, const struct iow_join *j, const char *how)
{
	struct collect c = { &f->set, { 0 }, 0 };
	struct iow_resource *r;

	iow_buf_init(&c.b);
	printf("# %s\n", how);
	tap_is_str(under(j, f->hpet, &c), "0.0 4.0", "the mappings of HPET's page hang under HPET 0, in order");
	tap_is_str(under(j, f->common, &c), "1.0", "a run hangs under the deepest resource of its first byte");
	tap_is_str(under(j, f->dev2, &c), "1.1", "... the next run of the same mapping under its parent");
	tap_is_str(under(j, f->bus, &c), "", "... and neither under the bus above them");
	tap_is_str(under(j, f->dev3, &c), "2.0", "NVMe's run under its device");
	tap_is_str(under(j, f->ram, &c), "5.0", "a RAM run under System RAM (its first byte at the range's end)");
	tap_is_str(under(j, f->empty, &c), "", "a resource nobody maps has nothing under it");
	tap_is_str(under(j, &f->tree.root, &c), "", "nothing hangs under the root (a run in no resource)");
	c.count = 0;
	for (r = f->tree.root.child; r; r = iow_resource_next(r))
		iow_join_each(j, r, collect, &c);
	tap_is_int(c.count, 6, "six runs hang somewhere: holes and the run in no resource do not");
	iow_buf_fini(&c.b);
}

int main(void)
{
	struct fixture f;
	struct iow_join j;

	build(&f);
	tap_ok(iow_resource_deepest(&f.tree.root, 0xfe000fff) == f.common, "deepest: the last byte is inside");
	tap_ok(iow_resource_deepest(&f.tree.root, 0xfe001000) == f.dev2, "deepest: past a child, its parent");
	tap_ok(iow_resource_deepest(&f.tree.root, 0xfec00000) == NULL, "deepest: in no resource, NULL");
	tap_ok(iow_resource_deepest(f.bus, 0xfeb00010) == f.dev3, "deepest: from a subtree's root");

	iow_join_init(&j, &f.tree, &f.set);
	tap_ok(j.runs && j.n == 6, "the join indexes the six runs that hang somewhere (%zu)", j.n);
	check_join(&f, &j, "indexed");
	/* As when there was no memory for the index: every lookup scans. */
	free(j.runs);
	j.runs = NULL;
	j.n = 0;
	check_join(&f, &j, "scanning");
	iow_join_fini(&j);
	destroy(&f);
	return tap_done();
}
