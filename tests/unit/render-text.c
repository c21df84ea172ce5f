/* render/: the text views, on models built by hand.
 *
 * The /proc formats byte for byte as the kernel prints them: r_show()
 * (kernel/resource.c: 4 hex digits when the root ends below 0x10000, else
 * 8, both minimum widths; two spaces a level, capped at MAX_IORES_LEVEL,
 * 5; "<BAD>" for a NULL name), s_show()/vmalloc_info_show()
 * (mm/vmalloc.c, both layouts), memtype_seq_show()
 * (arch/x86/mm/pat/memtype.c).  Then the annotated tree (guides, sizes,
 * flags, descriptors, the mappings hung under each resource, --depth and
 * ADDR, colours), the mapping runs and findings, and the annotated vmap
 * areas.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "model/join.h"
#include "model-fixture.h"
#include "render/render.h"
#include "tap.h"

static struct iow_buf b;

static const char *out_of(void (*fn)(const void *, struct iow_sink *), const void *arg)
{
	struct iow_sink out = fx_sink(&b);

	fn(arg, &out);
	return iow_buf_str(&b);
}

/* --- resource trees ------------------------------------------------------------ */

struct trees {
	struct iow_resource_tree iomem, ioports;
	struct iow_resource *hpet, *bus, *dev;
};

static void build_trees(struct trees *t)
{
	struct iow_resource *r, *ram;
	int i;

	fx_tree_init(&t->iomem, "iomem_resource", "PCI mem", 0, 0xffffffffffULL);
	fx_res(&t->iomem, &t->iomem.root, 0x0, 0xfff, 0x80000200, "Reserved");
	ram = fx_res(&t->iomem, &t->iomem.root, 0x1000, 0x9fbff, 0x81000200, "System RAM");
	fx_res(&t->iomem, ram, 0x1000, 0x1fff, 0x80000200, NULL);
	t->bus = fx_res(&t->iomem, &t->iomem.root, 0xfe000000, 0xfebfffff, 0x200200, "PCI Bus 0000:00");
	t->dev = fx_res(&t->iomem, t->bus, 0xfe000000, 0xfe003fff, 0x14220c, "0000:00:02.0");
	/* a chain seven deep under the device: r_show() indents five levels at most */
	for (r = t->dev, i = 0; i < 5; i++)
		r = fx_res(&t->iomem, r, 0xfe000000, 0xfe000000 + (0x1000ULL >> i) - 1, 0x80000200, "deep");
	t->hpet = fx_res(&t->iomem, &t->iomem.root, 0xfed00000, 0xfed003ff, 0x80000200, "HPET 0");
	fx_res(&t->iomem, &t->iomem.root, 0x100000000ULL, 0x27fffffffULL, 0x81000200, "System RAM");
	r = fx_res(&t->iomem, &t->iomem.root, 0x380000000000ULL, 0x3807ffffffffULL, 0x200000 | 0x200 | 0x2000,
		   "PCI Bus 0000:00");
	r->desc = 42;

	fx_tree_init(&t->ioports, "ioport_resource", "PCI IO", 0, 0xffff);
	fx_res(&t->ioports, &t->ioports.root, 0x0, 0x1f, 0x80000100, "dma1");
	r = fx_res(&t->ioports, &t->ioports.root, 0x20, 0x21, 0x80000100, "pic1");
	fx_res(&t->ioports, r, 0x20, 0x20, 0x100, "pic1 low");
	fx_res(&t->ioports, &t->ioports.root, 0xcf8, 0xcff, 0x80000100, "PCI conf1");
	fx_res(&t->ioports, &t->ioports.root, 0xd000, 0xffff, 0x200100, "PCI Bus 0000:00");
}

static void proc_resources(const void *t, struct iow_sink *out)
{
	iow_render_proc_resources(t, out);
}

static void check_proc_resources(struct trees *t)
{
	tap_ok(fx_same(out_of(proc_resources, &t->iomem),
		       "00000000-00000fff : Reserved\n"
		       "00001000-0009fbff : System RAM\n"
		       "  00001000-00001fff : <BAD>\n"
		       "fe000000-febfffff : PCI Bus 0000:00\n"
		       "  fe000000-fe003fff : 0000:00:02.0\n"
		       "    fe000000-fe000fff : deep\n"
		       "      fe000000-fe0007ff : deep\n"
		       "        fe000000-fe0003ff : deep\n"
		       "          fe000000-fe0001ff : deep\n"
		       "          fe000000-fe0000ff : deep\n"
		       "fed00000-fed003ff : HPET 0\n"
		       "100000000-27fffffff : System RAM\n"
		       "380000000000-3807ffffffff : PCI Bus 0000:00\n"),
	       "proc iomem: 8 digits at least, two spaces a level up to five, <BAD> for no name");
	tap_ok(fx_same(out_of(proc_resources, &t->ioports),
		       "0000-001f : dma1\n"
		       "0020-0021 : pic1\n"
		       "  0020-0020 : pic1 low\n"
		       "0cf8-0cff : PCI conf1\n"
		       "d000-ffff : PCI Bus 0000:00\n"),
	       "proc ioports: 4 digits when the root ends below 0x10000");
}

struct tree_call {
	const struct iow_resource_tree *tree;
	struct iow_render_opts o;
};

static void tree_text(const void *arg, struct iow_sink *out)
{
	const struct tree_call *c = arg;

	iow_render_resource_tree(c->tree, &c->o, out);
}

/* The annotated tree's lines, as the tests below expect them. */
#define ROOT "iomem_resource  00000000-ffffffffff  PCI mem\n"
#define RESERVED "|-00000000-00000fff     4 KiB  Reserved  [MEM BUSY]\n"
#define LOW_RAM "|-00001000-0009fbff   635 KiB  System RAM  [MEM SYSRAM BUSY]\n"
#define NO_NAME "| `-00001000-00001fff     4 KiB  <BAD>  [MEM BUSY]\n"
#define BUS "|-fe000000-febfffff    12 MiB  PCI Bus 0000:00  [MEM WINDOW]\n"
#define DEV "| `-fe000000-fe003fff    16 KiB  0000:00:02.0  [MEM PREFETCH SIZEALIGN MEM_64 0xc]\n"
#define DEEP "|   `-fe000000-fe000fff     4 KiB  deep  [MEM BUSY]\n"
#define HPET "|-fed00000-fed003ff     1 KiB  HPET 0  [MEM BUSY]\n"
#define HIGH_RAM "|-100000000-27fffffff     6 GiB  System RAM  [MEM SYSRAM BUSY]\n"
/* the first six lines of the whole tree */
#define TO_DEV ROOT RESERVED LOW_RAM NO_NAME BUS DEV
#define WINDOW "`-380000000000-3807ffffffff    32 GiB  PCI Bus 0000:00  [MEM PREFETCH WINDOW desc=42]\n"

static void check_tree(struct trees *t)
{
	struct tree_call c = { &t->iomem, { .max_depth = -1 } };
	struct iow_vmap_area hpet = fx_area("hpet_enable+0x3a/0x2d0", IOW_VM_IOREMAP);
	struct iow_vmap_area virtio = fx_area(NULL, IOW_VM_IOREMAP);
	struct iow_mapping_set maps = { 0 };
	struct iow_mapping *m;
	struct iow_join j;

	tap_ok(fx_same(out_of(tree_text, &c),
		       TO_DEV
		       DEEP
		       "|     `-fe000000-fe0007ff     2 KiB  deep  [MEM BUSY]\n"
		       "|       `-fe000000-fe0003ff     1 KiB  deep  [MEM BUSY]\n"
		       "|         `-fe000000-fe0001ff     512 B  deep  [MEM BUSY]\n"
		       "|           `-fe000000-fe0000ff     256 B  deep  [MEM BUSY]\n"
		       HPET
		       HIGH_RAM
		       WINDOW),
	       "the annotated tree: guides, sizes, flags (unnamed bits as hex), descriptors");

	c.o.max_depth = 1;
	tap_ok(fx_same(out_of(tree_text, &c),
		       ROOT
		       RESERVED
		       LOW_RAM
		       BUS
		       HPET
		       HIGH_RAM
		       WINDOW),
	       "--depth 1: the root's children only");

	c.o.have_addr = true;
	c.o.addr = 0xfe003000;
	tap_ok(fx_same(out_of(tree_text, &c),
		       ROOT
		       BUS
		       DEV
		       DEEP),
	       "ADDR with --depth 1: the resources holding it, and one level of the innermost's subtree");

	c.o.have_addr = false;
	c.o.max_depth = -1;
	m = fx_map(&maps, &hpet, 0xffffc90000000000ULL, 0x1000, true);
	fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	m = fx_map(&maps, &virtio, 0xffffc90000200000ULL, 0x203000, true);
	fx_run(m, 0xfe000000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	fx_hole(m, 0x2000);
	fx_run(m, 0x380000000000ULL, 0x200000, 2u << 20, IOW_MT_WC, false);
	iow_join_init(&j, &t->iomem, &maps);
	c.o.join = &j;
	c.o.max_depth = 2;
	tap_ok(fx_same(out_of(tree_text, &c),
		       TO_DEV
		       HPET
		       "|   <- UC- at 0xffffc90000000000 (phys 0xfed00000-0xfed00fff, 4K pages) by hpet_enable+0x3a/0x2d0\n"
		       HIGH_RAM
		       WINDOW
		       "    <- WC at 0xffffc90000203000 (phys 0x380000000000-0x3800001fffff, 2M pages) by ?\n"),
	       "mappings under their resources, with the tree's guide; a run under a resource not shown is not "
	       "shown either");

	c.o.color = true;
	c.o.max_depth = 1;
	c.o.have_addr = true;
	c.o.addr = 0xfed00010;
	tap_ok(fx_same(out_of(tree_text, &c),
		       "\033[1miomem_resource\033[0m  00000000-ffffffffff  PCI mem\n"
		       "|-\033[36mfed00000-fed003ff\033[0m     1 KiB  \033[1mHPET 0\033[0m  \033[2m[MEM BUSY]\033[0m\n"
		       "|   \033[33m<- UC- at 0xffffc90000000000 (phys 0xfed00000-0xfed00fff, 4K pages) by "
		       "hpet_enable+0x3a/0x2d0\033[0m\n"),
	       "colours, on a terminal");
	iow_join_fini(&j);
	iow_mapping_set_fini(&maps);
}

/* --- mappings, PAT and findings ---------------------------------------------- */

struct maps_call {
	struct iow_mapping_set *set;
	struct iow_pat *pat;
	bool color;
};

static void mappings_text(const void *arg, struct iow_sink *out)
{
	const struct maps_call *c = arg;

	iow_render_mappings(c->set, c->pat, c->color, out);
}

static void pat_text(const void *arg, struct iow_sink *out)
{
	iow_render_proc_pat(arg, out);
}

static void check_mappings(void)
{
	struct iow_vmap_area hpet = fx_area("hpet_enable+0x3a/0x2d0", IOW_VM_IOREMAP);
	struct iow_vmap_area test = fx_area("iowtest_map_all+0x120/0x400 [iowtest]", IOW_VM_IOREMAP);
	struct iow_vmap_area vmap = fx_area(NULL, IOW_VM_MAP);
	struct iow_mapping_set set = { 0 };
	struct iow_pat pat = { 0 };
	struct maps_call c = { &set, &pat, false };
	struct iow_mapping *m;
	struct iow_map_run *r;

	fx_reserve(&pat, 0xfed00000, 0xfed01000, IOW_MT_UC_MINUS);
	fx_reserve(&pat, 0x900a00000ULL, 0x900c00000ULL, IOW_MT_WP);
	tap_ok(fx_same(out_of(pat_text, &pat),
		       "PAT memtype list:\n"
		       "PAT: [mem 0x00000000fed00000-0x00000000fed01000] uncached-minus\n"
		       "PAT: [mem 0x0000000900a00000-0x0000000900c00000] write-protected\n"),
	       "proc pat_memtype_list: the kernel's line, its cache-mode names");

	m = fx_map(&set, &hpet, 0xffffc90000000000ULL, 0x1000, true);
	fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	m = fx_map(&set, &test, 0xffffc90000100000ULL, 0x203000, true);
	fx_run(m, 0x900a00000ULL, 0x200000, 2u << 20, IOW_MT_UC, false);
	fx_hole(m, 0x1000);
	fx_run(m, 0xc0000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	fx_run(m, 0x800000000ULL, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	m = fx_map(&set, &vmap, 0xffffc90000400000ULL, 0x1000, false);
	r = fx_run(m, 0x19d44000, 0x1000, 4096, IOW_MT_WC, true);
	r->direct_known = true;
	r->direct_mode = IOW_MT_WB;
	set.areas_walked = 176;
	iow_pat_index(&pat);
	tap_ok(iow_mapping_find(&set, &pat) == 0, "the findings are drawn");
	tap_ok(fx_same(out_of(mappings_text, &c),
		       "0xffffc90000000000-0xffffc90000000fff     4 KiB  ioremap  hpet_enable+0x3a/0x2d0\n"
		       "    0xffffc90000000000     4 KiB  phys 0xfed00000-0xfed00fff  4K pages  UC-  reserved UC- "
		       "[0xfed00000-0xfed01000)\n"
		       "0xffffc90000100000-0xffffc90000302fff   2.0 MiB  ioremap  iowtest_map_all+0x120/0x400 [iowtest]\n"
		       "    0xffffc90000100000     2 MiB  phys 0x900a00000-0x900bfffff  2M pages  UC   reserved WP "
		       "[0x900a00000-0x900c00000)\n"
		       "    0xffffc90000300000     4 KiB  not mapped\n"
		       "    0xffffc90000301000     4 KiB  phys 0xc0000-0xc0fff  4K pages  UC-  ISA range (not tracked by PAT)\n"
		       "    0xffffc90000302000     4 KiB  phys 0x800000000-0x800000fff  4K pages  UC-  no reservation\n"
		       "0xffffc90000400000-0xffffc90000400fff     4 KiB  vmap  (no caller)\n"
		       "    0xffffc90000400000     4 KiB  phys 0x19d44000-0x19d44fff  4K pages  WC   RAM (direct map WB)\n"
		       "3 mappings shown, 176 vmap areas walked\n"
		       "3 findings:\n"
		       "  mode-mismatch      0x900a00000-0x900bfffff is mapped UC at 0xffffc90000100000 but reserved WP\n"
		       "  unreserved         0x800000000-0x800000fff is mapped UC- at 0xffffc90000302000 with no PAT "
		       "reservation\n"
		       "  alias              RAM 0x19d44000-0x19d44fff is mapped WC at 0xffffc90000400000 but WB by the "
		       "direct map\n"),
	       "ioremap: each mapping, its runs (mode, reservation, holes, the ISA range, RAM), the findings");

	c.color = true;
	set.n = 2;
	out_of(mappings_text, &c);
	tap_ok(strstr(iow_buf_str(&b), "UC   \033[1;31mreserved WP [0x900a00000-0x900c00000)\033[0m\n") &&
	       strstr(iow_buf_str(&b), "UC-  reserved UC- [0xfed00000-0xfed01000)\n") &&
	       strstr(iow_buf_str(&b), "UC-  \033[1;31mno reservation\033[0m\n") &&
	       strstr(iow_buf_str(&b), "\033[2m2 mappings shown, 176 vmap areas walked\033[0m\n") &&
	       strstr(iow_buf_str(&b), "\033[1;31m3 findings:\033[0m\n  \033[1;31mmode-mismatch     \033[0m 0x900a"),
	       "colours: a reservation that disagrees and a missing one in red, the count dim");
	set.n = 3;
	iow_mapping_set_fini(&set);
	tap_ok(fx_same(out_of(mappings_text, &(struct maps_call){ &set, &pat, false }),
		       "0 mappings shown, 0 vmap areas walked\n"
		       "No findings: every mapping's page-table mode agrees with its reservation, and no range is mapped "
		       "with two modes.\n"),
	       "no mappings, no findings: said so");
	iow_pat_fini(&pat);
}

/* --- vmap areas ------------------------------------------------------------- */

static void vmallocinfo(const void *l, struct iow_sink *out)
{
	iow_render_proc_vmallocinfo(l, out);
}

struct vmap_call {
	const struct iow_vmap_list *l;
	bool color;
};

static void vmap_text(const void *arg, struct iow_sink *out)
{
	const struct vmap_call *c = arg;

	iow_render_vmap(c->l, c->color, out);
}

/* The next area of L, at [START, START + SIZE), with a vm_struct when
 * CALLER is set. */
static struct iow_vmap_area *area(struct iow_vmap_list *l, uint64_t start, uint64_t size, const char *caller,
				  uint64_t flags)
{
	struct iow_vmap_area *a = &l->areas[l->n++];

	*a = caller ? fx_area(caller, flags) : (struct iow_vmap_area){ .has_vm = false };
	a->va_start = start;
	a->va_end = start + size;
	if (caller) {
		a->addr = start;
		a->size = size;
		a->caller = 0xffffffff81000000ULL + l->n;
	}
	return a;
}

/* Areas of both layouts: busy ones with a vm_struct, one with none, one
 * freed and not purged, one half made. */
static void build_areas(struct iow_vmap_list *l, bool per_node)
{
	static uint32_t numa[2] = { 3, 1 };
	struct iow_vmap_area *a;

	*l = (struct iow_vmap_list){ .areas = calloc(6, sizeof(*l->areas)), .per_node = per_node,
				     .nr_vmap_nodes = per_node ? 2 : 1, .nr_numa = 2,
				     .vmalloc_start = 0xffffc90000000000ULL, .vmalloc_end = 0xffffe8ffffffffffULL };
	area(l, 0xffffc90000000000ULL, 0x2000, "hpet_enable+0x3a/0x2d0", IOW_VM_IOREMAP)->phys_addr = 0xfed00000;
	a = area(l, 0xffffc90000004000ULL, 0x5000, "alloc_thread_stack_node+0x1c5/0x310", IOW_VM_ALLOC | 0x100);
	a->nr_pages = 4;
	a->pages = 0xffffc90000500000ULL;
	a->node_pages = numa;
	a->node = 1;
	area(l, 0xffffc9000000a000ULL, 0x2000, NULL, 0)->va_flags = IOW_VMAP_RAM;
	area(l, 0xffffc9000000c000ULL, 0x2000, NULL, 0);
	area(l, 0xffffc90000010000ULL, 0x3000, NULL, 0)->kind = IOW_VMAP_LAZY;
	a = area(l, 0xffffc90000020000ULL, 0x1000, "__get_vm_area_node+0x80/0x130",
		 IOW_VM_ALLOC | IOW_VM_UNINITIALIZED | IOW_VM_SPARSE);
	a->page_order = 9;
}

static void check_vmap(void)
{
	struct iow_vmap_list l;
	struct vmap_call c = { &l, false };

	build_areas(&l, false);
	tap_ok(fx_same(out_of(vmallocinfo, &l),
		       "0xffffc90000000000-0xffffc90000002000    8192 hpet_enable+0x3a/0x2d0 phys=0x00000000fed00000 ioremap\n"
		       "0xffffc90000004000-0xffffc90000009000   20480 alloc_thread_stack_node+0x1c5/0x310 pages=4 vmalloc "
		       "vpages N0=3 N1=1\n"
		       "0xffffc9000000a000-0xffffc9000000c000    8192 vm_map_ram\n"
		       "0xffffc9000000c000-0xffffc9000000e000    8192 vm_map_ram\n"
		       "0xffffc90000010000-0xffffc90000013000   12288 unpurged vm_area\n"
		       "0xffffc90000020000-0xffffc90000021000    4096 __get_vm_area_node+0x80/0x130 sparse vmalloc\n"),
	       "proc vmallocinfo, before 6.9: every area without a vm_struct is vm_map_ram");
	l.per_node = true;
	tap_ok(fx_same(out_of(vmallocinfo, &l),
		       "0xffffc90000000000-0xffffc90000002000    8192 hpet_enable+0x3a/0x2d0 phys=0x00000000fed00000 ioremap\n"
		       "0xffffc90000004000-0xffffc90000009000   20480 alloc_thread_stack_node+0x1c5/0x310 pages=4 vmalloc "
		       "vpages N0=3 N1=1\n"
		       "0xffffc9000000a000-0xffffc9000000c000    8192 vm_map_ram\n"
		       "0xffffc90000010000-0xffffc90000013000   12288 unpurged vm_area\n"),
	       "proc vmallocinfo, 6.9 and later: only VMAP_RAM areas are vm_map_ram, half-made areas are left out");
	tap_ok(fx_same(out_of(vmap_text, &c),
		       "0xffffc90000000000-0xffffc90000002000     8 KiB  node 0  ioremap  phys 0xfed00000  "
		       "hpet_enable+0x3a/0x2d0\n"
		       "0xffffc90000004000-0xffffc90000009000    20 KiB  node 1  vmalloc 0x100  4 pages  "
		       "alloc_thread_stack_node+0x1c5/0x310\n"
		       "0xffffc9000000a000-0xffffc9000000c000     8 KiB  node 0  vm_map_ram\n"
		       "0xffffc9000000c000-0xffffc9000000e000     8 KiB  node 0  (no vm_struct)\n"
		       "0xffffc90000010000-0xffffc90000013000    12 KiB  node 0  freed, not yet purged\n"
		       "0xffffc90000020000-0xffffc90000021000     4 KiB  node 0  vmalloc uninitialized sparse (order 9)  "
		       "__get_vm_area_node+0x80/0x130\n"),
	       "vmap: each area annotated, flags by name (others as hex), the node of the 6.9+ layout");
	free(l.areas); /* not iow_vmap_list_fini(): the callers are string constants */
}

static void check_sizes(void)
{
	static const struct { uint64_t bytes; const char *text; } sizes[] = {
		{ 0, "0 B" }, { 1023, "1023 B" }, { 1024, "1 KiB" }, { 650240, "635 KiB" }, { 1536ULL << 20, "1.5 GiB" },
		{ 3ULL << 40, "3 TiB" }, { UINT64_MAX, "16.0 EiB" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		tap_is_str(iow_human_size(sizes[i].bytes, buf, sizeof(buf)), sizes[i].text, "a size in binary units");
}

int main(void)
{
	struct trees t;

	iow_buf_init(&b);
	build_trees(&t);
	check_proc_resources(&t);
	check_tree(&t);
	check_mappings();
	check_vmap();
	check_sizes();
	iow_resource_tree_fini(&t.iomem);
	iow_resource_tree_fini(&t.ioports);
	iow_buf_fini(&b);
	return tap_done();
}
