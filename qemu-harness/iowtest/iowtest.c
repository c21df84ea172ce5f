// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iowtest: put every memory type into a real guest's page tables.
 *
 * The stock drivers of the rig's guests make few kinds of ioremap (on x86
 * UC- and WB; on arm64 Device-nGnRE and, for PCI ECAM, Device-nGnRnE).  This
 * module claims a free stretch of physical address space (no RAM, no device:
 * nothing ever touches the memory behind these mappings) and maps it in
 * every mode the architecture's ioremap API offers, each once at 4 KiB and
 * once as a 2 MiB-aligned 2 MiB mapping, so that ioremap_page_range() can
 * use a huge PMD leaf (x86) or a level-2 block (arm64):
 *
 *   x86-64: ioremap (UC-), ioremap_uc (UC), ioremap_wc (WC), ioremap_wt (WT),
 *     ioremap_cache (WB) and ioremap_prot with a write-protect request (WP);
 *   arm64: ioremap (Device-nGnRE), ioremap_wc (Normal-NC), ioremap_np
 *     (Device-nGnRnE), ioremap_cache (Normal-WB: arm64 allows it for
 *     anything that is not RAM) and ioremap_prot with AttrIndx 1
 *     (MT_NORMAL_TAGGED: Normal-WB, or Normal-Tagged where MTE is on).
 *
 * Then the aliases a buggy driver makes:
 *   - one page twice with mismatched attributes.  x86: with ioremap()
 *     (reserved UC- in the PAT memtype tree) and again write-combining
 *     through get_vm_area_caller() + ioremap_page_range() directly,
 *     bypassing memtype_reserve().  arm64, which keeps no memtype
 *     reservations: ioremap() (Device-nGnRE) and ioremap_wc() (Normal-NC);
 *   - one RAM page with vmap() write-combining, aliasing the direct (linear)
 *     map's write-back mapping of the same page.
 *
 * What it mapped is listed in /sys/kernel/debug/iowtest/mappings, one line a
 * mapping.  x86-64:  NAME REQUESTED PHYS SIZE VIRT RESERVED
 * (REQUESTED is the cache mode asked for; RESERVED says whether the PAT
 * memtype tree holds a reservation for it).  arm64:
 *     NAME TYPE PHYS SIZE VIRT ATTRINDX
 * (ATTRINDX is the AttrIndx the mapping asked for, TYPE the memory type that
 * the guest's own MAIR_EL1 gives that index, named as the architecture
 * does: Device-nGnRnE, Device-nGnRE, Normal-NC, Normal-WB, Normal-Tagged).
 * On arm64 /sys/kernel/debug/iowtest/sysregs also holds the translation
 * registers as this CPU had them at load: MAIR_EL1, TCR_EL1, TTBR1_EL1,
 * VBAR_EL1, SCTLR_EL1, ID_AA64MMFR0_EL1 ("NAME 0x%016llx" lines).
 * The rig copies both out as ground truth; tests compare them with what the
 * tool (or an independent page-table reader) finds.
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
#include <linux/version.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_X86
#include <asm/pgtable_types.h>
#endif
#ifdef CONFIG_ARM64
#include <asm/memory.h>
#include <asm/pgtable-prot.h>
#include <asm/sysreg.h>
#endif

#define IOWTEST_SPAN	(16 * SZ_1M)

static unsigned long long base;
module_param(base, ullong, 0444);
MODULE_PARM_DESC(base, "physical base of the 16 MiB test window (default: a free gap above 4 GiB)");

#ifdef CONFIG_X86
enum how { HOW_UC_MINUS, HOW_UC, HOW_WC, HOW_WT, HOW_WB, HOW_WP, HOW_NUM };
static const char *const how_name[HOW_NUM] = {
	[HOW_UC_MINUS] = "uc-", [HOW_UC] = "uc", [HOW_WC] = "wc",
	[HOW_WT] = "wt", [HOW_WB] = "wb", [HOW_WP] = "wp",
};
static const char *const names2m[HOW_NUM] = { "uc--2M", "uc-2M", "wc-2M", "wt-2M", "wb-2M", "wp-2M" };
static const char *const names4k[HOW_NUM] = { "uc--4K", "uc-4K", "wc-4K", "wt-4K", "wb-4K", "wp-4K" };
#endif
#ifdef CONFIG_ARM64
/* Named after the call that makes the mapping. */
enum how { HOW_IOREMAP, HOW_WC, HOW_NP, HOW_CACHE, HOW_PROT, HOW_NUM };
static const int how_attrindx[HOW_NUM] = {
	[HOW_IOREMAP] = MT_DEVICE_nGnRE, [HOW_WC] = MT_NORMAL_NC, [HOW_NP] = MT_DEVICE_nGnRnE,
	[HOW_CACHE] = MT_NORMAL, [HOW_PROT] = MT_NORMAL_TAGGED,
};
static const char *const names2m[HOW_NUM] = { "ioremap-2M", "wc-2M", "np-2M", "cache-2M", "prot-2M" };
static const char *const names4k[HOW_NUM] = { "ioremap-4K", "wc-4K", "np-4K", "cache-4K", "prot-4K" };
#endif

struct mapping {
	const char *name;
	const char *requested;	/* x86: the cache mode asked for */
	int attrindx;		/* arm64: the AttrIndx asked for */
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
#ifdef CONFIG_X86
	case HOW_UC_MINUS: return ioremap(phys, size);
	case HOW_UC: return ioremap_uc(phys, size);
	case HOW_WC: return ioremap_wc(phys, size);
	case HOW_WT: return ioremap_wt(phys, size);
	case HOW_WB: return ioremap_cache(phys, size);
	case HOW_WP:
		/* x86 has no ioremap_wp(): ask for WP through the protection
		 * bits, as arch/x86/mm/ioremap.c's ioremap_prot() decodes them. */
		return ioremap_prot(phys, size, cachemode2protval(_PAGE_CACHE_MODE_WP));
#endif
#ifdef CONFIG_ARM64
	case HOW_IOREMAP: return ioremap(phys, size);
	case HOW_WC: return ioremap_wc(phys, size);
	case HOW_NP: return ioremap_np(phys, size);
	/* Not RAM, so not the linear map: a Normal-WB mapping of the window. */
	case HOW_CACHE: return ioremap_cache(phys, size);
	case HOW_PROT:
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
		/* 6.12's ioremap_prot() takes a user protection value: it
		 * refuses one without PTE_USER and keeps only its AttrIndx,
		 * over PAGE_KERNEL. */
		return ioremap_prot(phys, size, PTE_USER | PTE_ATTRINDX(MT_NORMAL_TAGGED));
#else
		/* 6.1's (mm/ioremap.c) maps with the value as it is. */
		return ioremap_prot(phys, size, PROT_NORMAL_TAGGED);
#endif
#endif
	default: return NULL;
	}
}

static struct mapping *add(const char *name, const char *requested, int attrindx, phys_addr_t phys,
			   unsigned long size, void *virt, bool reserved, int kind)
{
	struct mapping *m = &maps[nr_maps++];

	m->name = name;
	m->requested = requested;
	m->attrindx = attrindx;
	m->phys = phys;
	m->size = size;
	m->virt = virt;
	m->reserved = reserved;
	m->kind = kind;
#ifdef CONFIG_X86
	pr_info("iowtest: %-10s %-3s phys %pa size %#lx at %px%s\n", name, requested,
		&m->phys, size, virt, reserved ? "" : " (no memtype reservation)");
#else
	pr_info("iowtest: %-10s attr %d phys %pa size %#lx at %px\n", name, attrindx,
		&m->phys, size, virt);
#endif
	return m;
}

static void claim(struct mapping *m, int idx)
{
	/* A named child under the window, so /proc/iomem shows who is where. */
	snprintf(res_names[idx], sizeof(res_names[idx]), "iowtest %s", m->name);
	m->res = __request_region(&window, m->phys, m->size, res_names[idx], 0);
}

#ifdef CONFIG_X86
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
#endif

#ifdef CONFIG_ARM64
/* The memory type that a MAIR_EL1 attribute byte gives (Arm ARM D8.5.6,
 * "MAIR_ELx"), in the words the tool uses.  Linux programs only the first
 * five of these; the rest are named so that a surprise reads as one. */
static const char *mair_type(unsigned int attr)
{
	unsigned int outer = attr >> 4, inner = attr & 0xf;

	if (outer == 0) {
		switch (inner) {
		case 0x0: return "Device-nGnRnE";
		case 0x4: return "Device-nGnRE";
		case 0x8: return "Device-nGRE";
		case 0xc: return "Device-GRE";
		default: return "Unpredictable";
		}
	}
	if (attr == 0xf0)
		return "Normal-Tagged";
	if (outer == 0x4 && inner == 0x4)
		return "Normal-NC";
	if ((outer & 0xc) == 0x8 && (inner & 0xc) == 0x8)
		return "Normal-WT";
	if ((outer & 0xc) == 0xc && (inner & 0xc) == 0xc)
		return "Normal-WB";
	return "Normal-mixed";
}

static u64 sysreg_mair, sysreg_tcr, sysreg_ttbr1, sysreg_vbar, sysreg_sctlr, sysreg_mmfr0;

static int sysregs_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "MAIR_EL1 0x%016llx\n", sysreg_mair);
	seq_printf(s, "TCR_EL1 0x%016llx\n", sysreg_tcr);
	seq_printf(s, "TTBR1_EL1 0x%016llx\n", sysreg_ttbr1);
	seq_printf(s, "VBAR_EL1 0x%016llx\n", sysreg_vbar);
	seq_printf(s, "SCTLR_EL1 0x%016llx\n", sysreg_sctlr);
	seq_printf(s, "ID_AA64MMFR0_EL1 0x%016llx\n", sysreg_mmfr0);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sysregs);
#endif

static int mappings_show(struct seq_file *s, void *unused)
{
	int i;

	for (i = 0; i < nr_maps; i++) {
#ifdef CONFIG_X86
		seq_printf(s, "%s %s 0x%016llx 0x%lx 0x%016lx %s\n", maps[i].name,
			   maps[i].requested, (unsigned long long)maps[i].phys, maps[i].size,
			   (unsigned long)maps[i].virt, maps[i].reserved ? "reserved" : "unreserved");
#else
		seq_printf(s, "%s %s 0x%016llx 0x%lx 0x%016lx %d\n", maps[i].name,
			   mair_type((sysreg_mair >> (8 * maps[i].attrindx)) & 0xff),
			   (unsigned long long)maps[i].phys, maps[i].size,
			   (unsigned long)maps[i].virt, maps[i].attrindx);
#endif
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mappings);

static int find_window(void)
{
#ifdef CONFIG_X86
	resource_size_t max = (1ULL << boot_cpu_data.x86_phys_bits) - 1;
#else
	/* The CPU's physical address range (ID_AA64MMFR0_EL1.PARange: 44 bits
	 * on a Cortex-A72, 48 on QEMU's max), and no more than the kernel's. */
	static const u8 pa_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned int parange = sysreg_mmfr0 & 0xf;
	resource_size_t max = (1ULL << pa_bits[min_t(unsigned int, parange, ARRAY_SIZE(pa_bits) - 1)]) - 1;

	max = min_t(resource_size_t, max, PHYS_MASK);
#endif
	if (base) {
		window.start = base;
		window.end = base + IOWTEST_SPAN - 1;
		return request_resource(&iomem_resource, &window);
	}
	/* Above 4 GiB: below it, q35 and pc keep RAM, the PCI hole and the
	 * chipset, and arm64's virt its devices and RAM; above the top of RAM
	 * the address space is free (virt's next device, PCI ECAM, is at
	 * 256 GiB). */
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
#ifdef CONFIG_X86
		m = add(names2m[how], how_name[how], -1, p, SZ_2M, v, true, KIND_IOREMAP);
#else
		m = add(names2m[how], NULL, how_attrindx[how], p, SZ_2M, v, false, KIND_IOREMAP);
#endif
		claim(m, nr_maps - 1);
	}
	/* 4 KiB mappings: one page each in the 2 MiB slot after them. */
	for (how = 0; how < HOW_NUM; how++) {
		phys_addr_t p = window.start + HOW_NUM * SZ_2M + how * 2 * PAGE_SIZE;

		v = (__force void *)map_with(how, p, PAGE_SIZE);
		if (!v)
			goto fail;
#ifdef CONFIG_X86
		m = add(names4k[how], how_name[how], -1, p, PAGE_SIZE, v, true, KIND_IOREMAP);
#else
		m = add(names4k[how], NULL, how_attrindx[how], p, PAGE_SIZE, v, false, KIND_IOREMAP);
#endif
		claim(m, nr_maps - 1);
	}

#ifdef CONFIG_X86
	/* The alias: one page, reserved and mapped UC- by ioremap(), then
	 * mapped again write-combining with no reservation. */
	{
		phys_addr_t p = window.start + (HOW_NUM + 1) * SZ_2M;

		v = (__force void *)ioremap(p, PAGE_SIZE);
		if (!v)
			goto fail;
		m = add("alias", "uc-", -1, p, PAGE_SIZE, v, true, KIND_IOREMAP);
		claim(m, nr_maps - 1);

		p_get_vm_area_caller = (void *)lookup_name("get_vm_area_caller");
		p_ioremap_page_range = (void *)lookup_name("ioremap_page_range");
		m = &maps[nr_maps];
		v = map_raw(p, PAGE_SIZE, pgprot_writecombine(PAGE_KERNEL_IO), &m->area);
		if (!v) {
			pr_err("iowtest: raw alias mapping failed (kallsyms lookup?)\n");
			goto fail;
		}
		add("alias-raw", "wc", -1, p, PAGE_SIZE, v, false, KIND_RAW);
	}
#else
	/* The alias: one page mapped Device-nGnRE by ioremap(), then again
	 * Normal-NC by ioremap_wc().  arm64 keeps no memtype reservations, so
	 * nothing stops the second: the mismatched attributes the
	 * architecture forbids (Arm ARM B2.8, "Mismatched memory attributes"). */
	{
		phys_addr_t p = window.start + (HOW_NUM + 1) * SZ_2M;

		v = (__force void *)ioremap(p, PAGE_SIZE);
		if (!v)
			goto fail;
		m = add("alias", NULL, MT_DEVICE_nGnRE, p, PAGE_SIZE, v, false, KIND_IOREMAP);
		claim(m, nr_maps - 1);
		v = (__force void *)ioremap_wc(p, PAGE_SIZE);
		if (!v)
			goto fail;
		add("alias-wc", NULL, MT_NORMAL_NC, p, PAGE_SIZE, v, false, KIND_IOREMAP);
	}
#endif

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
#ifdef CONFIG_X86
		m = add("ram-vmap", "wc", -1, page_to_phys(pg), PAGE_SIZE, v, false, KIND_VMAP);
#else
		m = add("ram-vmap", NULL, MT_NORMAL_NC, page_to_phys(pg), PAGE_SIZE, v, false, KIND_VMAP);
#endif
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
	int ret;

#ifdef CONFIG_ARM64
	sysreg_mair = read_sysreg(mair_el1);
	sysreg_tcr = read_sysreg(tcr_el1);
	sysreg_ttbr1 = read_sysreg(ttbr1_el1);
	sysreg_vbar = read_sysreg(vbar_el1);
	sysreg_sctlr = read_sysreg(sctlr_el1);
	sysreg_mmfr0 = read_sysreg_s(SYS_ID_AA64MMFR0_EL1);
#endif
	ret = iowtest_map_all();
	if (ret)
		return ret;
	dir = debugfs_create_dir("iowtest", NULL);
	debugfs_create_file("mappings", 0444, dir, NULL, &mappings_fops);
#ifdef CONFIG_ARM64
	debugfs_create_file("sysregs", 0444, dir, NULL, &sysregs_fops);
#endif
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
MODULE_DESCRIPTION("iomem-walk test module: ioremaps in every memory type, and aliases");
