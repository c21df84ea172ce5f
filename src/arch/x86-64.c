/* arch/x86-64: see x86-64.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86-64.h"
#include "debuginfo/layout.h"
#include "kernel/internal.h"
#include "model/memtype.h"

#define PAGE_SIZE 4096ULL
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PMD_SIZE (512 * PAGE_SIZE)
/* arch/x86/include/asm/page_64_types.h: __START_KERNEL_map, and
 * KERNEL_IMAGE_SIZE with KASLR */
#define START_KERNEL_MAP 0xffffffff80000000ULL
#define KERNEL_IMAGE_SIZE (1ULL << 30)
/* arch/x86/include/asm/pgtable_64_types.h: CPU_ENTRY_AREA_PGD (-4) << P4D_SHIFT;
 * the IDT's read-only alias is the first page (CPU_ENTRY_AREA_RO_IDT). */
#define CEA_RO_IDT 0xfffffe0000000000ULL
/* arch/x86/include/asm/page_types.h: __PHYSICAL_MASK_SHIFT */
#define DEFAULT_PHYSICAL_MASK ((1ULL << 52) - 1)
/* arch/x86/include/uapi/asm/processor-flags.h */
#define CR4_LA57 (1ULL << 12)
/* arch/x86/include/asm/e820/types.h */
#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED_KERN 128
/* arch/x86/include/asm/pgtable_types.h */
#define PTE_PRESENT (1ULL << 0)
#define PTE_PSE (1ULL << 7)
#define PTE_PAT_LARGE (1ULL << 12)

#define HINT_TBL "update_cache_mode_entry" /* arch/x86/mm/init.c */
#define HINT_E820 "e820__range_add"         /* arch/x86/kernel/e820.c */

/* --- page-table entries --------------------------------------------------- */

struct bit {
	int bit;
	const char *name;
	int levels; /* mask of levels (1 << level) where the name applies; 0: all */
};

#define L(n) (1 << (n))
/* Bit 7 is PAT in a 4 KiB PTE and PS (PSE) above; bit 12 is PAT in a huge
 * leaf and an address bit elsewhere, so it is named only for huge leaves
 * (handled in the code below). */
static const struct bit bits[] = {
	{ 0, "P", 0 },   { 1, "RW", 0 },  { 2, "US", 0 },  { 3, "PWT", 0 },
	{ 4, "PCD", 0 }, { 5, "A", 0 },   { 6, "D", L(1) | L(2) | L(3) },
	{ 7, "PAT", L(1) }, { 7, "PSE", L(2) | L(3) },
	{ 8, "G", L(1) | L(2) | L(3) },
	{ 9, "SW1", 0 }, { 10, "SW2", 0 }, { 11, "SW3", 0 },
	{ 57, "SW4", 0 }, { 58, "SW5", 0 },
	{ 63, "NX", 0 },
};

void iow_x86_pte_flags(uint64_t e, int level, char *buf, size_t len)
{
	bool huge = (level == 2 || level == 3) && (e & PTE_PSE);
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		const struct bit *b = &bits[i];

		if (!(e & (1ULL << b->bit)) || (b->levels && !(b->levels & L(level))))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? " " : "", b->name);
	}
	if (huge && (e & PTE_PAT_LARGE))
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%sPAT",
					 used ? " " : "");
	if ((e >> 59) & 0xf) /* protection key, bits 59-62 */
		snprintf(buf + used, used < len ? len - used : 0, "%sPKEY=%u", used ? " " : "",
			 (unsigned)((e >> 59) & 0xf));
}

unsigned iow_x86_pat_index(uint64_t leaf, bool huge)
{
	unsigned pat = huge ? (leaf >> 12) & 1 : (leaf >> 7) & 1;

	return pat << 2 | ((leaf >> 4) & 1) << 1 | ((leaf >> 3) & 1);
}

const char *iow_x86_level_name(int level, int levels)
{
	switch (level) {
	case 5: return "PGD";
	case 4: return levels == 5 ? "P4D" : "PGD";
	case 3: return "PUD";
	case 2: return "PMD";
	default: return "PTE";
	}
}

/* PTE_PFN_MASK / PHYSICAL_PMD_PAGE_MASK / PHYSICAL_PUD_PAGE_MASK
 * (arch/x86/include/asm/pgtable_types.h): the page mask of the leaf size,
 * within physical_mask (which strips the SME/TDX bits).  For huge leaves
 * this also drops bit 12, _PAGE_PAT_LARGE. */
static uint64_t pfn_mask(const struct iow_pt_format *f, uint64_t size)
{
	return ~(size - 1) & f->pa_mask;
}

static uint64_t x86_root_table(const struct iow_pt_format *f, uint64_t root)
{
	return root & pfn_mask(f, PAGE_SIZE);
}

static bool x86_present(const struct iow_pt_format *f, int level, uint64_t e)
{
	(void)f, (void)level;
	return e & PTE_PRESENT;
}

/* A PTE, or PS in a PMD (2 MiB) or PUD (1 GiB); PS above is no leaf. */
static bool x86_is_leaf(const struct iow_pt_format *f, int level, uint64_t e)
{
	(void)f;
	return level == 1 || ((level == 2 || level == 3) && (e & PTE_PSE));
}

static uint64_t x86_entry_table(const struct iow_pt_format *f, int level, uint64_t e)
{
	(void)level;
	return e & pfn_mask(f, PAGE_SIZE);
}

static uint64_t x86_entry_pa(const struct iow_pt_format *f, int level, uint64_t e)
{
	return e & pfn_mask(f, 1ULL << f->level[level].shift);
}

static void x86_entry_flags(const struct iow_pt_format *f, int level, uint64_t e, char *buf,
			    size_t len)
{
	(void)f;
	iow_x86_pte_flags(e, level, buf, len);
}

static unsigned x86_memtype_index(const struct iow_pt_format *f, int level, uint64_t leaf)
{
	(void)f;
	return iow_x86_pat_index(leaf, level > 1);
}

/* --- the layout ------------------------------------------------------------ */

static void x86_finish_layout(struct iow_kernel_layout *lay, struct iow_pt_format *f)
{
	int level;

	if (lay->levels != 5)
		lay->levels = 4;
	if (!lay->physical_mask)
		lay->physical_mask = DEFAULT_PHYSICAL_MASK;
	/* is_vmalloc_addr(): VMALLOC_START .. VMALLOC_END, whose size is
	 * VMALLOC_SIZE_TB_L4 (32) or _L5 (12800) TiB
	 * (arch/x86/include/asm/pgtable_64_types.h). */
	lay->vmalloc_end = lay->vmalloc_base + ((lay->levels == 5 ? 12800ULL : 32ULL) << 40) - 1;
	memset(f, 0, sizeof(*f));
	f->arch = &iow_arch_x86_64;
	f->levels = lay->levels;
	f->pa_mask = lay->physical_mask;
	/* Index bits per level: PTE 20:12, PMD 29:21, PUD 38:30, P4D or PGD
	 * 47:39, PGD 56:48 (5-level) */
	for (level = 1; level <= f->levels; level++) {
		f->level[level].shift = 12 + 9 * (unsigned)(level - 1);
		f->level[level].bits = 9;
		f->level[level].name = iow_x86_level_name(level, f->levels);
	}
}

/* The kernel image and the direct map are linear (arch/x86/mm/physaddr.c,
 * __phys_addr).  The image is [_text, _end) widened to 2 MiB as
 * cleanup_highmap() keeps it, within KERNEL_IMAGE_SIZE (the rest is
 * unmapped, or, without RANDOMIZE_BASE, the module area: not linear).  The
 * direct map spans 64 TiB (4-level) or 32 PiB (5-level) from
 * page_offset_base (Documentation/arch/x86/x86_64/mm.rst); RAM is only in
 * its first part, and the RAM checks refuse the rest. */
static bool x86_linear(const struct iow_kernel_layout *lay, uint64_t va, uint64_t *pa)
{
	if (va >= START_KERNEL_MAP && va - START_KERNEL_MAP < KERNEL_IMAGE_SIZE &&
	    (!lay->image_end || (va >= lay->image_start && va < lay->image_end))) {
		*pa = va - START_KERNEL_MAP + lay->phys_base;
		return true;
	}
	if (va >= lay->page_offset_base &&
	    va - lay->page_offset_base < (lay->levels == 5 ? 1ULL << 55 : 1ULL << 46)) {
		*pa = va - lay->page_offset_base;
		return true;
	}
	return false;
}

/* MODULES_VADDR: right after the image's KERNEL_IMAGE_SIZE. */
static uint64_t x86_modules_hint(const struct iow_kernel_layout *lay)
{
	(void)lay;
	return START_KERNEL_MAP + KERNEL_IMAGE_SIZE;
}

/* --- identifying the kernel ------------------------------------------------- */

static struct iow_error *x86_find_kaslr(struct iow_kernel *k, uint64_t *offset, const char **source)
{
	static const char *const handlers[] = { "asm_exc_divide_error", "divide_error" };
	uint8_t gate[16];
	uint64_t handler, link = 0, off;
	struct iow_error *err;
	size_t i;

	/* divide_error: the name before 5.8's IDTENTRY conversion (arch/x86/kernel/traps.c) */
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		err = iow_kernel_link_symbol(k, handlers[i], &link);
		if (!iow_error_catch(&err, IOW_ERR_NOTFOUND))
			break;
	}
	if (err)
		return err;
	if (!link)
		return iow_error_create(IOW_ERR_NOTFOUND, "%s has no asm_exc_divide_error symbol: "
					"is it an x86-64 vmlinux?", iow_debuginfo_path(k->dbg));
	/* The running kernel's own word (/proc/kcore's VMCOREINFO,
	 * arch/x86/kernel/vmcore_info_64.c: "KERNELOFFSET=%lx"): the IDT's
	 * alias in the cpu_entry_area is in none of kcore's RAM segments. */
	if (iow_kernel_vmcoreinfo_current(k) && iow_kernel_vmcoreinfo_hex(k, "KERNELOFFSET", &off) &&
	    !(off & ~PAGE_MASK) && off < KERNEL_IMAGE_SIZE) {
		*offset = off;
		*source = "VMCOREINFO";
		return NULL;
	}
	err = iow_kernel_boot_read(k, CEA_RO_IDT, gate, sizeof(gate));
	if (err) {
		if (iow_kernel_vmcoreinfo_hex(k, "KERNELOFFSET", &off)) {
			iow_error_destroy(err);
			*offset = off;
			*source = "VMCOREINFO";
			return NULL;
		}
		return iow_error_wrap(err, "reading the IDT to find the KASLR offset");
	}
	/* A 64-bit interrupt gate: offset bits 0-15 at +0, 16-31 at +6,
	 * 32-63 at +8 (Intel SDM Vol. 3A, 6.14.1). */
	handler = (uint64_t)(gate[0] | gate[1] << 8) | (uint64_t)(gate[6] | gate[7] << 8) << 16 |
		  (uint64_t)(gate[8] | gate[9] << 8 | gate[10] << 16 | (uint32_t)gate[11] << 24) << 32;
	off = handler - link;
	if ((off & ~PAGE_MASK) || off >= KERNEL_IMAGE_SIZE)
		return iow_error_create(IOW_ERR_MISMATCH,
					"%s does not match the running kernel: its divide-error "
					"handler is at 0x%" PRIx64 ", which is not %s (0x%" PRIx64
					") moved by a KASLR offset",
					iow_debuginfo_path(k->dbg), handler, handlers[i], link);
	*offset = off;
	*source = "IDT";
	return NULL;
}

/* CR3, less the PCID (low 12 bits) and PTI's user-half bit
 * (PTI_PGTABLE_SWITCH_BIT, bit 12): the kernel half maps it all.  CR4.LA57
 * says whether it is 5-level. */
static struct iow_error *x86_boot_root(struct iow_kernel *k, uint64_t *root)
{
	uint64_t cr3, cr4 = 0;
	struct iow_error *err = iow_target_read_reg(k->t, "cr3", &cr3);

	if (err)
		return err;
	if ((err = iow_target_read_reg(k->t, "cr4", &cr4)))
		iow_error_destroy(err);
	else if (cr4 & CR4_LA57)
		k->lay.levels = 5;
	iow_kernel_layout_changed(k);
	*root = cr3 & ~0x1fffULL & DEFAULT_PHYSICAL_MASK;
	return NULL;
}

/* [_text, _end), widened to 2 MiB; unknown (0) unless plausible. */
static void image_range(struct iow_kernel *k)
{
	uint64_t text = 0, end = 0;
	struct iow_error *e1 = iow_kernel_link_symbol(k, "_text", &text);
	struct iow_error *e2 = iow_kernel_link_symbol(k, "_end", &end);

	text += k->lay.kaslr_offset;
	end += k->lay.kaslr_offset;
	if (!e1 && !e2 && text >= START_KERNEL_MAP && end > text &&
	    end - START_KERNEL_MAP <= KERNEL_IMAGE_SIZE) {
		k->lay.image_start = text & ~(PMD_SIZE - 1);
		k->lay.image_end = ((end - 1) | (PMD_SIZE - 1)) + 1;
	}
	iow_error_destroy(e1);
	iow_error_destroy(e2);
}

/* The randomised bases (arch/x86/mm/kaslr.c) and, in a kernel with
 * CONFIG_DYNAMIC_PHYSICAL_MASK, the PFN mask: image variables. */
static struct iow_error *read_bases(struct iow_kernel *k)
{
	struct iow_kernel_layout *lay = &k->lay;
	struct iow_error *err;

	if ((err = iow_kernel_image_read(k, "page_offset_base", &lay->page_offset_base, 8)) ||
	    (err = iow_kernel_image_read(k, "vmalloc_base", &lay->vmalloc_base, 8)) ||
	    (err = iow_kernel_image_read(k, "vmemmap_base", &lay->vmemmap_base, 8)))
		return err;
	if (iow_debuginfo_has_symbol(k->dbg, "physical_mask"))
		err = iow_kernel_image_read(k, "physical_mask", &lay->physical_mask, 8);
	return err;
}

/* The layout from a live kernel's VMCOREINFO: NUMBER(phys_base),
 * NUMBER(pgtable_l5_enabled), SYMBOL(init_top_pgt); the randomised bases
 * (arch/x86/mm/kaslr.c), which it does not state, from memory.  False,
 * with nothing decided, when a value is missing or unreadable. */
static bool x86_vmcoreinfo_layout(struct iow_kernel *k)
{
	struct iow_kernel_layout *lay = &k->lay;
	uint64_t phys_base, l5, top;
	struct iow_error *err;

	if (!iow_kernel_vmcoreinfo_number(k, "NUMBER(phys_base)", &phys_base) ||
	    !iow_kernel_vmcoreinfo_number(k, "NUMBER(pgtable_l5_enabled)", &l5) ||
	    !iow_kernel_vmcoreinfo_hex(k, "SYMBOL(init_top_pgt)", &top) || top < START_KERNEL_MAP)
		return false;
	lay->phys_base = phys_base;
	k->image_known = true;
	if ((err = read_bases(k))) {
		iow_error_destroy(err);
		k->image_known = false;
		return false;
	}
	lay->levels = l5 ? 5 : 4;
	iow_kernel_layout_changed(k);
	lay->pgd_phys = top - START_KERNEL_MAP + phys_base;
	k->direct_known = true;
	return true;
}

static struct iow_error *x86_read_layout(struct iow_kernel *k)
{
	static const char *const vars[] = { "phys_base", "page_offset_base", "vmalloc_base",
					    "vmemmap_base", "physical_mask", "__pgtable_l5_enabled" };
	static const size_t lens[] = { 8, 8, 8, 8, 8, 4 };
	struct iow_debuginfo *dbg = k->dbg;
	struct iow_kernel_layout *lay = &k->lay;
	struct iow_error *err;
	uint64_t cr4, init_top_pgt;
	uint32_t l5 = 0;

	image_range(k);
	iow_kernel_prefetch_symbols(k, vars, lens, 6);
	/* A live kernel states phys_base, the paging depth and its top table
	 * in VMCOREINFO (arch/x86/kernel/vmcore_info_64.c, crash_core_64.c
	 * before 6.9); a stopped one is read. */
	if (iow_kernel_vmcoreinfo_current(k) && x86_vmcoreinfo_layout(k))
		return NULL;
	if ((err = iow_kernel_image_read(k, "phys_base", &lay->phys_base, 8)))
		return err;
	k->image_known = true;
	if ((err = read_bases(k)))
		return err;
	/* 5-level paging: the kernel's own flag (arch/x86/kernel/head64.c),
	 * next to the variables just read; CR4.LA57 only for a kernel without
	 * it (reading a register costs the target description first: six
	 * round trips on QEMU). */
	if (iow_debuginfo_has_symbol(dbg, "__pgtable_l5_enabled")) {
		if ((err = iow_kernel_image_read(k, "__pgtable_l5_enabled", &l5, 4)))
			return err;
		lay->levels = l5 ? 5 : 4;
	} else if ((err = iow_target_read_reg(k->t, "cr4", &cr4)) == NULL) {
		lay->levels = (cr4 & CR4_LA57) ? 5 : 4;
	} else {
		/* no flag, no register: a kernel built without 5-level paging */
		iow_error_destroy(err);
		lay->levels = 4;
	}
	iow_kernel_layout_changed(k);
	if ((err = iow_kernel_link_symbol(k, "init_top_pgt", &init_top_pgt)))
		return err;
	lay->pgd_phys = init_top_pgt + lay->kaslr_offset - START_KERNEL_MAP + lay->phys_base;
	k->direct_known = true;
	return NULL;
}

struct e820_layout {
	uint64_t nr, entries, entries_size, entries_count, addr, size, type, entry_size;
};

/* arch/x86/include/asm/e820/types.h: struct e820_table, struct e820_entry */
static const struct iow_layout_field e820_fields[] = {
	IOW_LAYOUT_MEMBER(struct e820_layout, "e820_table", "nr_entries", nr),
	IOW_LAYOUT_ARRAY(struct e820_layout, "e820_table", "entries", entries, entries_size,
			 entries_count),
	IOW_LAYOUT_MEMBER(struct e820_layout, "e820_entry", "addr", addr),
	IOW_LAYOUT_MEMBER(struct e820_layout, "e820_entry", "size", size),
	IOW_LAYOUT_MEMBER(struct e820_layout, "e820_entry", "type", type),
	IOW_LAYOUT_SIZE(struct e820_layout, "e820_entry", entry_size),
};

static const struct iow_arch_var x86_ram_vars[] = { { "e820_table", 8 }, { NULL, 0 } };

/* RAM, from the kernel's own e820 table (arch/x86/kernel/e820.c):
 * E820_TYPE_RAM and E820_TYPE_RESERVED_KERN ranges. */
static struct iow_error *x86_read_ram(struct iow_kernel *k, struct iow_ram_range **ranges, size_t *n)
{
	struct e820_layout l;
	struct iow_ram_range *ram = NULL;
	uint64_t table;
	uint32_t nr;
	struct iow_error *err;
	uint8_t *buf = NULL;
	size_t i, got = 0;

	if ((err = iow_layout_probe(k->dbg, HINT_E820, e820_fields, IOW_LAYOUT_COUNT(e820_fields), &l)) ||
	    (err = iow_kernel_image_read(k, "e820_table", &table, 8)) ||
	    (err = iow_kernel_read(k, table + l.nr, &nr, 4)))
		goto out;
	if (nr == 0 || (l.entries_count && nr > l.entries_count) || l.entry_size < 20 ||
	    l.entry_size > 64) {
		err = iow_error_at(IOW_ERR_DATA, table, "implausible e820 table at 0x%" PRIx64
				   " (%u entries)", table, nr);
		goto out;
	}
	buf = malloc(nr * l.entry_size);
	ram = calloc(nr, sizeof(*ram));
	if (!buf || !ram) {
		err = &iow_error_nomem;
		goto out;
	}
	if ((err = iow_kernel_read(k, table + l.entries, buf, nr * l.entry_size)))
		goto out;
	for (i = 0; i < nr; i++) {
		uint64_t addr, size;
		uint32_t type;
		const uint8_t *e = buf + i * l.entry_size;

		memcpy(&addr, e + l.addr, 8);
		memcpy(&size, e + l.size, 8);
		memcpy(&type, e + l.type, 4);
		if ((type == E820_TYPE_RAM || type == E820_TYPE_RESERVED_KERN) && size &&
		    addr + size > addr)
			ram[got++] = (struct iow_ram_range){ addr, addr + size };
	}
	if (!got)
		err = iow_error_create(IOW_ERR_DATA, "the e820 table lists no RAM");
out:
	free(buf);
	if (err)
		free(ram);
	else
		*ranges = ram, *n = got;
	return err;
}

static size_t x86_describe(const struct iow_kernel_layout *lay, struct iow_layout_item *items,
			   size_t max)
{
	/* phys_base is __pa(x) - (x - __START_KERNEL_map) for an image
	 * address x (arch/x86/include/asm/page_64.h __phys_addr_symbol()):
	 * the kernel keeps it unsigned, but it is negative whenever KASLR put
	 * the image lower in physical memory than its virtual address less
	 * __START_KERNEL_map. */
	const struct iow_layout_item all[] = {
		{ "phys_base", "phys_base", IOW_LAYOUT_SIGNED, lay->phys_base,
		  "the kernel image lies ",
		  " lower in physical memory than its virtual address less __START_KERNEL_map" },
		{ "page_offset_base", "page_offset_base", IOW_LAYOUT_ADDR, lay->page_offset_base, 0, 0 },
		{ "vmalloc_base", "vmalloc_base", IOW_LAYOUT_ADDR, lay->vmalloc_base, 0, 0 },
		{ "vmemmap_base", "vmemmap_base", IOW_LAYOUT_ADDR, lay->vmemmap_base, 0, 0 },
		{ "physical_mask", "physical_mask", IOW_LAYOUT_ADDR, lay->physical_mask, 0, 0 },
		{ "paging_levels", "paging", IOW_LAYOUT_LEVELS, (uint64_t)lay->levels, 0, 0 },
		{ "init_top_pgt_phys", "init_top_pgt", IOW_LAYOUT_PHYS, lay->pgd_phys, 0, 0 },
	};
	return iow_layout_items_copy(items, max, all, sizeof(all) / sizeof(all[0]));
}

/* --- memory types ------------------------------------------------------------ */

/* The values of enum page_cache_mode (arch/x86/include/asm/pgtable_types.h)
 * must be the ones enum iow_memtype gives the six modes. */
static struct iow_error *check_enum(struct iow_kernel *k)
{
	static const struct { const char *name; int64_t value; } modes[] = {
		{ "_PAGE_CACHE_MODE_WB", IOW_MT_WB }, { "_PAGE_CACHE_MODE_WC", IOW_MT_WC },
		{ "_PAGE_CACHE_MODE_UC_MINUS", IOW_MT_UC_MINUS }, { "_PAGE_CACHE_MODE_UC", IOW_MT_UC },
		{ "_PAGE_CACHE_MODE_WT", IOW_MT_WT }, { "_PAGE_CACHE_MODE_WP", IOW_MT_WP },
	};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int64_t v;
		struct iow_error *err = iow_debuginfo_enumerator(k->dbg, "page_cache_mode", modes[i].name,
								 HINT_TBL, &v);
		if (err)
			return err;
		if (v != modes[i].value)
			return iow_error_create(IOW_ERR_UNSUPPORTED, "%s is %" PRId64 " in this kernel, not %"
						PRId64, modes[i].name, v, modes[i].value);
	}
	return NULL;
}

/* __pte2cachemode_tbl (arch/x86/mm/init.c, static): the kernel's own
 * decoding of the PWT/PCD/PAT bits into a cache mode, as it set it up from
 * the PAT MSR (which the gdbstub cannot read). */
static struct iow_error *x86_read_memtypes(struct iow_kernel *k, uint8_t table[IOW_MEMTYPE_INDEXES])
{
	struct iow_error *err;
	uint64_t tbl;
	int i;

	if ((err = check_enum(k)) ||
	    (err = iow_debuginfo_variable(k->dbg, "__pte2cachemode_tbl", HINT_TBL, &tbl)) ||
	    (err = iow_kernel_read(k, tbl + k->lay.kaslr_offset, table, IOW_MEMTYPE_INDEXES)))
		return err;
	for (i = 0; i < IOW_MEMTYPE_INDEXES; i++)
		table[i] = table[i] <= IOW_MT_WP ? table[i] : IOW_MT_UNKNOWN;
	return NULL;
}

const struct iow_arch iow_arch_x86_64 = {
	.name = "x86-64",
	.e_machine = EM_X86_64,
	.find_kaslr = x86_find_kaslr,
	.kaslr_probe = CEA_RO_IDT,
	.kaslr_probe_len = 16,
	.read_layout = x86_read_layout,
	.ram_vars = x86_ram_vars,
	.read_ram = x86_read_ram,
	.boot_root = x86_boot_root,
	.finish_layout = x86_finish_layout,
	.linear = x86_linear,
	.modules_hint = x86_modules_hint,
	.describe = x86_describe,
	.root_table = x86_root_table,
	.entry_present = x86_present,
	.entry_is_leaf = x86_is_leaf,
	.entry_table = x86_entry_table,
	.entry_pa = x86_entry_pa,
	.entry_flags = x86_entry_flags,
	.memtype_index_name = "PAT index",
	.memtype_index_key = "pat_index",
	.memtype_index = x86_memtype_index,
	.read_memtypes = x86_read_memtypes,
};
