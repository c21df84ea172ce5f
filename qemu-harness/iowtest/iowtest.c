// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iowtest: put every x86 cache mode into a real guest's page tables.
 *
 * The stock drivers of the rig's guests only make UC- and WB ioremaps.  This
 * module claims a free stretch of physical address space (no RAM, no device:
 * nothing ever touches the memory behind these mappings) and maps it:
 *
 *   - with ioremap (UC-), ioremap_uc (UC), ioremap_wc (WC), ioremap_wt (WT),
 *     ioremap_cache (WB) and ioremap_prot with a write-protect request (WP),
 *     each once at 4 KiB and once as a 2 MiB-aligned 2 MiB mapping, so that
 *     ioremap_page_range() can use a huge PMD leaf;
 *   - one page twice: with ioremap() (reserved UC- in the PAT memtype tree)
 *     and again write-combining through get_vm_area_caller() +
 *     ioremap_page_range() directly, bypassing memtype_reserve(): a real
 *     cache-mode alias with no reservation behind it, as a buggy driver
 *     would make;
 *   - one RAM page with vmap() write-combining, aliasing the direct map's
 *     write-back mapping of the same page.
 *
 * What it mapped is listed in /sys/kernel/debug/iowtest/mappings, one line a
 * mapping:  NAME REQUESTED PHYS SIZE VIRT RESERVED
 * (REQUESTED is the cache mode asked for; RESERVED says whether the PAT
 * memtype tree holds a reservation for it).  The rig copies that file out as
 * ground truth; tests compare it with what the tool reads from page tables.
 *
 * Module parameter base=PHYS forces the physical base (16 MiB are used,
 * 2 MiB aligned) instead of searching the iomem tree for a free gap.
 */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>
#include <asm/pgtable_types.h>

#define IOWTEST_SPAN	(16 * SZ_1M)

static unsigned long long base;
module_param(base, ullong, 0444);
MODULE_PARM_DESC(base, "physical base of the 16 MiB test window (default: a free gap above 4 GiB)");

enum how { HOW_UC_MINUS, HOW_UC, HOW_WC, HOW_WT, HOW_WB, HOW_WP, HOW_NUM };
static const char *const how_name[HOW_NUM] = {
	[HOW_UC_MINUS] = "uc-", [HOW_UC] = "uc", [HOW_WC] = "wc",
	[HOW_WT] = "wt", [HOW_WB] = "wb", [HOW_WP] = "wp",
};

struct mapping {
	const char *name;
	const char *requested;
	phys_addr_t phys;
	unsigned long size;
	void *virt;
	bool reserved;
	enum { KIND_IOREMAP, KIND_RAW, KIND_VMAP } kind;
	struct vm_struct *area;	/* KIND_RAW */
	struct page *page;	/* KIND_VMAP */
	struct resource *res;	/* the child resource naming it, if any */
};

#define MAX_MAPPINGS (2 * HOW_NUM + 3)
static struct mapping maps[MAX_MAPPINGS];
static int nr_maps;
static struct resource window = { .name = "iowtest", .flags = IORESOURCE_MEM };
static struct dentry *dir;

/* Resource names must outlive the resources: keep them static. */
static char res_names[MAX_MAPPINGS][24];

/* Not __init, and never inlined: the vm areas record their caller, which
 * must resolve to a symbol of this module after init memory is freed. */
static noinline void __iomem *map_with(enum how how, phys_addr_t phys, unsigned long size)
{
	switch (how) {
	case HOW_UC_MINUS: return ioremap(phys, size);
	case HOW_UC: return ioremap_uc(phys, size);
	case HOW_WC: return ioremap_wc(phys, size);
	case HOW_WT: return ioremap_wt(phys, size);
	case HOW_WB: return ioremap_cache(phys, size);
	case HOW_WP:
		/* x86 has no ioremap_wp(): ask for WP through the protection
		 * bits, as arch/x86/mm/ioremap.c's ioremap_prot() decodes them. */
		return ioremap_prot(phys, size, cachemode2protval(_PAGE_CACHE_MODE_WP));
	default: return NULL;
	}
}

static struct mapping *add(const char *name, const char *requested, phys_addr_t phys,
			   unsigned long size, void *virt, bool reserved, int kind)
{
	struct mapping *m = &maps[nr_maps++];

	m->name = name;
	m->requested = requested;
	m->phys = phys;
	m->size = size;
	m->virt = virt;
	m->reserved = reserved;
	m->kind = kind;
	pr_info("iowtest: %-10s %-3s phys %pa size %#lx at %px%s\n", name, requested,
		&m->phys, size, virt, reserved ? "" : " (no memtype reservation)");
	return m;
}

static void claim(struct mapping *m, int idx)
{
	/* A named child under the window, so /proc/iomem shows who is where. */
	snprintf(res_names[idx], sizeof(res_names[idx]), "iowtest %s", m->name);
	m->res = __request_region(&window, m->phys, m->size, res_names[idx], 0);
}

/* Kernel functions this module needs but the kernel does not export. */
static typeof(get_vm_area_caller) *p_get_vm_area_caller;
static typeof(ioremap_page_range) *p_ioremap_page_range;

static unsigned long lookup_name(const char *name)
{
	/* kallsyms_lookup_name() is not exported since 5.7; a kprobe on it
	 * yields its address, which is then used once per name. */
	static unsigned long (*kln)(const char *);
	if (!kln) {
		struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
		if (register_kprobe(&kp) < 0)
			return 0;
		kln = (void *)kp.addr;
		unregister_kprobe(&kp);
	}
	return kln ? kln(name) : 0;
}

static noinline void *map_raw(phys_addr_t phys, unsigned long size, pgprot_t prot, struct vm_struct **areap)
{
	struct vm_struct *area;
	unsigned long va;

	if (!p_get_vm_area_caller || !p_ioremap_page_range)
		return NULL;
	area = p_get_vm_area_caller(size, VM_IOREMAP, __builtin_return_address(0));
	if (!area)
		return NULL;
	area->phys_addr = phys;
	va = (unsigned long)area->addr;
	if (p_ioremap_page_range(va, va + size, phys, prot)) {
		free_vm_area(area);
		return NULL;
	}
	*areap = area;
	return area->addr;
}

static int mappings_show(struct seq_file *s, void *unused)
{
	int i;

	for (i = 0; i < nr_maps; i++)
		seq_printf(s, "%s %s 0x%016llx 0x%lx 0x%016lx %s\n", maps[i].name,
			   maps[i].requested, (unsigned long long)maps[i].phys, maps[i].size,
			   (unsigned long)maps[i].virt, maps[i].reserved ? "reserved" : "unreserved");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mappings);

static int find_window(void)
{
	resource_size_t max = (1ULL << boot_cpu_data.x86_phys_bits) - 1;

	if (base) {
		window.start = base;
		window.end = base + IOWTEST_SPAN - 1;
		return request_resource(&iomem_resource, &window);
	}
	/* Above 4 GiB: below it, q35 and pc keep RAM, the PCI hole and the
	 * chipset; above the top of RAM the address space is free. */
	return allocate_resource(&iomem_resource, &window, IOWTEST_SPAN, SZ_4G, max,
				 SZ_2M, NULL, NULL);
}

static void iowtest_cleanup(void)
{
	while (nr_maps > 0) {
		struct mapping *m = &maps[--nr_maps];

		if (m->res)
			__release_region(&window, m->res->start, resource_size(m->res));
		switch (m->kind) {
		case KIND_IOREMAP: iounmap((void __iomem *)m->virt); break;
		case KIND_RAW: free_vm_area(m->area); break;
		case KIND_VMAP: vunmap(m->virt); __free_page(m->page); break;
		}
	}
	if (window.parent)
		release_resource(&window);
}

static noinline int iowtest_map_all(void)
{
	static const char *const names2m[HOW_NUM] = { "uc--2M", "uc-2M", "wc-2M", "wt-2M", "wb-2M", "wp-2M" };
	static const char *const names4k[HOW_NUM] = { "uc--4K", "uc-4K", "wc-4K", "wt-4K", "wb-4K", "wp-4K" };
	struct mapping *m;
	enum how how;
	void *v;
	int ret;

	ret = find_window();
	if (ret) {
		pr_err("iowtest: no free 16 MiB window in the physical address space (%d)\n", ret);
		return ret;
	}
	pr_info("iowtest: window %pR\n", &window);

	/* 2 MiB mappings: slot N at window + N * 2 MiB, 2 MiB aligned. */
	for (how = 0; how < HOW_NUM; how++) {
		phys_addr_t p = window.start + how * SZ_2M;

		v = (__force void *)map_with(how, p, SZ_2M);
		if (!v)
			goto fail;
		m = add(names2m[how], how_name[how], p, SZ_2M, v, true, KIND_IOREMAP);
		claim(m, nr_maps - 1);
	}
	/* 4 KiB mappings: one page each in the 2 MiB slot after them. */
	for (how = 0; how < HOW_NUM; how++) {
		phys_addr_t p = window.start + HOW_NUM * SZ_2M + how * 2 * PAGE_SIZE;

		v = (__force void *)map_with(how, p, PAGE_SIZE);
		if (!v)
			goto fail;
		m = add(names4k[how], how_name[how], p, PAGE_SIZE, v, true, KIND_IOREMAP);
		claim(m, nr_maps - 1);
	}

	/* The alias: one page, reserved and mapped UC- by ioremap(), then
	 * mapped again write-combining with no reservation. */
	{
		phys_addr_t p = window.start + (HOW_NUM + 1) * SZ_2M;

		v = (__force void *)ioremap(p, PAGE_SIZE);
		if (!v)
			goto fail;
		m = add("alias", "uc-", p, PAGE_SIZE, v, true, KIND_IOREMAP);
		claim(m, nr_maps - 1);

		p_get_vm_area_caller = (void *)lookup_name("get_vm_area_caller");
		p_ioremap_page_range = (void *)lookup_name("ioremap_page_range");
		m = &maps[nr_maps];
		v = map_raw(p, PAGE_SIZE, pgprot_writecombine(PAGE_KERNEL_IO), &m->area);
		if (!v) {
			pr_err("iowtest: raw alias mapping failed (kallsyms lookup?)\n");
			goto fail;
		}
		add("alias-raw", "wc", p, PAGE_SIZE, v, false, KIND_RAW);
	}

	/* A RAM page, write-combining through vmap(), while the direct map
	 * keeps it write-back. */
	{
		struct page *pg = alloc_page(GFP_KERNEL);

		if (!pg)
			goto fail;
		v = vmap(&pg, 1, VM_MAP, pgprot_writecombine(PAGE_KERNEL));
		if (!v) {
			__free_page(pg);
			goto fail;
		}
		m = add("ram-vmap", "wc", page_to_phys(pg), PAGE_SIZE, v, false, KIND_VMAP);
		m->page = pg;
	}

	return 0;

fail:
	pr_err("iowtest: mapping #%d failed\n", nr_maps);
	iowtest_cleanup();
	return -ENOMEM;
}

static int __init iowtest_init(void)
{
	int ret = iowtest_map_all();

	if (ret)
		return ret;
	dir = debugfs_create_dir("iowtest", NULL);
	debugfs_create_file("mappings", 0444, dir, NULL, &mappings_fops);
	return 0;
}

static void __exit iowtest_exit(void)
{
	debugfs_remove_recursive(dir);
	iowtest_cleanup();
}

module_init(iowtest_init);
module_exit(iowtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iomem-walk test module: ioremaps in every x86 cache mode, and aliases");
