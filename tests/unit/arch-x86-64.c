/* arch-x86-64: the x86-64 architecture's decoding on fixed entries (taken
 * from the 6.12 guest's page tables: its iowtest module's mappings of
 * every cache mode, 4 KiB and 2 MiB), its format and layout, and the
 * generic page-table walk driven by a format: x86's, in memory built
 * here, and a made-up one whose top level has 4 index bits, as arm64
 * LPA2's level -1 does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <elf.h>

#include "arch/x86-64.h"
#include "kernel/internal.h"
#include "model/memtype.h"
#include "tap.h"

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

/* --- entries ----------------------------------------------------------------- */

struct entry_case {
	uint64_t e;
	int level;
	const char *flags;
	bool leaf;
	uint64_t pa;     /* the leaf's, or the next table's */
	unsigned pat;    /* PAT index of a leaf */
	const char *mode; /* through Linux's PAT: WB WC UC- UC WB WP UC- WT */
};

static const struct entry_case entries[] = {
	{ 0x0000000007827067, 4, "P RW US A", false, 0x7827000, 0, NULL },
	{ 0x0000000007828063, 3, "P RW A D", false, 0x7828000, 0, NULL },
	{ 0x0000000005c001a1, 2, "P A PSE G", true, 0x5c00000, 0, "WB" },
	{ 0x80000000fed00173, 1, "P RW PCD A D G NX", true, 0xfed00000, 2, "UC-" },
	{ 0x8000000900c0416b, 1, "P RW PWT A D G NX", true, 0x900c04000, 1, "WC" },
	{ 0x8000000900c0217b, 1, "P RW PWT PCD A D G NX", true, 0x900c02000, 3, "UC" },
	{ 0x8000000900c061fb, 1, "P RW PWT PCD A D PAT G NX", true, 0x900c06000, 7, "WT" },
	/* 2 MiB leaves: PAT is bit 12, which is no address bit there */
	{ 0x80000009004001eb, 2, "P RW PWT A D PSE G NX", true, 0x900400000, 1, "WC" },
	{ 0x80000009006011fb, 2, "P RW PWT PCD A D PSE G NX PAT", true, 0x900600000, 7, "WT" },
	/* a 1 GiB leaf, WP (PAT PWT) */
	{ 0x80000000c00011a9, 3, "P PWT A PSE G NX PAT", true, 0xc0000000, 5, "WP" },
	/* PS above the PUD is no leaf; software bits by number; a protection key */
	{ 0x0000000001000083, 4, "P RW", false, 0x1000000, 0, NULL },
	{ 0x0600000000001e01, 1, "P SW1 SW2 SW3 SW4 SW5", true, 0x1000, 0, "WB" },
	{ 0x7800000000002001, 1, "P PKEY=15", true, 0x2000, 0, "WB" },
};

/* Linux's PAT (arch/x86/mm/pat/memtype.c PAT_VALUE), as
 * __pte2cachemode_tbl holds it. */
static const uint8_t linux_pat[8] = { IOW_MT_WB, IOW_MT_WC, IOW_MT_UC_MINUS, IOW_MT_UC,
				      IOW_MT_WB, IOW_MT_WP, IOW_MT_UC_MINUS, IOW_MT_WT };

static void test_entries(const struct iow_pt_format *f)
{
	const struct iow_arch *a = f->arch;
	size_t i;

	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		const struct entry_case *c = &entries[i];
		char flags[128], what[96];

		snprintf(what, sizeof(what), "0x%016" PRIx64 " at level %d", c->e, c->level);
		a->entry_flags(f, c->level, c->e, flags, sizeof(flags));
		tap_is_str(flags, c->flags, what);
		tap_ok(a->entry_present(f, c->level, c->e), "... is present");
		tap_is_int(a->entry_is_leaf(f, c->level, c->e), c->leaf, c->leaf ? "... maps memory" :
			   "... points at a table");
		if (!c->leaf) {
			tap_is_u64(a->entry_table(f, c->level, c->e), c->pa, "... the next table");
			continue;
		}
		tap_is_u64(a->entry_pa(f, c->level, c->e), c->pa, "... the physical address it maps");
		tap_is_int(a->memtype_index(f, c->level, c->e), c->pat, "... its PAT index");
		tap_is_str(iow_memtype_name(linux_pat[a->memtype_index(f, c->level, c->e)]), c->mode,
			   "... its memory type through Linux's PAT");
	}
	tap_ok(!a->entry_present(f, 1, 0x8000000900c06000), "no P bit: not present");
	tap_ok(!a->entry_present(f, 2, 0), "zero: not present");
	{
		char small[8];

		a->entry_flags(f, 1, 0x8000000900c061fb, small, sizeof(small));
		tap_is_str(small, "P RW PW", "flags are cut to the buffer, terminated");
	}
	tap_is_int(iow_x86_pat_index(0x80, false), 4, "bit 7 of a PTE is PAT (index bit 2)");
	tap_is_int(iow_x86_pat_index(0x80, true), 0, "... but PS in a huge leaf");
	tap_is_int(iow_x86_pat_index(0x1000, true), 4, "bit 12 of a huge leaf is PAT");
	tap_is_int(iow_x86_pat_index(0x1000, false), 0, "... but an address bit in a PTE");
}

/* --- format and layout --------------------------------------------------------- */

static void test_format(void)
{
	const struct iow_arch *a = iow_arch_for_machine(EM_X86_64);
	struct iow_kernel_layout lay = { .levels = 0 };
	struct iow_pt_format f;
	uint64_t pa = 0;

	tap_ok(a == &iow_arch_x86_64, "EM_X86_64 is x86-64");
	tap_ok(iow_arch_for_machine(EM_AARCH64) != a && !iow_arch_for_machine(0),
	       "aarch64 is another architecture, and none is none");
	a->finish_layout(&lay, &f);
	tap_is_int(lay.levels, 4, "a layout without a depth is 4-level");
	tap_is_u64(lay.physical_mask, (1ULL << 52) - 1, "... and __PHYSICAL_MASK_SHIFT 52 wide");
	tap_ok(f.arch == a && f.levels == 4, "the format is the architecture's, 4 levels");
	tap_ok(f.level[4].shift == 39 && f.level[3].shift == 30 && f.level[2].shift == 21 &&
	       f.level[1].shift == 12, "index shifts 39, 30, 21, 12");
	tap_ok(f.level[4].bits == 9 && f.level[1].bits == 9, "9 index bits a level");
	tap_ok(!strcmp(f.level[4].name, "PGD") && !strcmp(f.level[3].name, "PUD") &&
	       !strcmp(f.level[2].name, "PMD") && !strcmp(f.level[1].name, "PTE"),
	       "levels PGD PUD PMD PTE");
	lay.vmalloc_base = 0xffffc90000000000;
	a->finish_layout(&lay, &f);
	tap_is_u64(lay.vmalloc_end, 0xffffe8ffffffffff, "VMALLOC_END: 32 TiB from vmalloc_base");
	test_entries(&f);

	lay.levels = 5;
	lay.vmalloc_base = 0xffa0000000000000;
	a->finish_layout(&lay, &f);
	tap_ok(f.levels == 5 && f.level[5].shift == 48 && f.level[4].shift == 39,
	       "5-level: the PGD takes bits 56:48");
	tap_ok(!strcmp(f.level[5].name, "PGD") && !strcmp(f.level[4].name, "P4D"), "... then the P4D");
	tap_is_u64(lay.vmalloc_end, 0xffd1ffffffffffff, "... VMALLOC_END 12800 TiB on");

	/* SME's C-bit (47 here) is no address bit when physical_mask drops it */
	lay.levels = 4;
	lay.physical_mask = (1ULL << 47) - 1;
	a->finish_layout(&lay, &f);
	tap_is_u64(a->entry_table(&f, 4, 0x0000800007827067), 0x7827000, "physical_mask strips the C-bit");
	tap_is_u64(a->root_table(&f, 0x7822000 | 0x1fff), 0x7823000,
		   "a root loses its low 12 bits (PCID)");

	lay = (struct iow_kernel_layout){ .levels = 4, .phys_base = (uint64_t)-0x2f400000,
					  .page_offset_base = 0xffff89c080000000,
					  .image_start = 0xffffffffb4000000, .image_end = 0xffffffffb8000000 };
	tap_ok(a->linear(&lay, 0xffffffffb5000000, &pa) && pa == 0xffffffffb5000000 - 0xffffffff80000000 - 0x2f400000,
	       "the image is linear, through phys_base");
	tap_ok(!a->linear(&lay, 0xffffffffb9000000, &pa), "... only within [_text, _end)");
	tap_ok(a->linear(&lay, 0xffff89c080123000, &pa) && pa == 0x123000, "the direct map is linear");
	tap_ok(!a->linear(&lay, 0xffffcfe900005000, &pa), "vmalloc needs a walk");
	tap_is_u64(a->modules_hint(&lay), 0xffffffffc0000000, "the module area after the image");
	{
		struct iow_layout_item items[IOW_LAYOUT_MAX_ITEMS];
		size_t n = a->describe(&lay, items, IOW_LAYOUT_MAX_ITEMS);

		tap_is_int(n, 7, "seven layout rows for info");
		tap_ok(!strcmp(items[0].key, "phys_base") && items[0].style == IOW_LAYOUT_SIGNED &&
		       items[0].value == lay.phys_base, "phys_base first, signed");
		tap_ok(!strcmp(items[6].key, "init_top_pgt_phys") && items[6].style == IOW_LAYOUT_PHYS,
		       "init_top_pgt last, physical");
		tap_is_int(a->describe(&lay, items, 2), 2, "no more rows than asked for");
	}
}

/* --- the generic walk, driven by a format -------------------------------------- */

#include "pt-memory.h" /* phys[][], page_pa(), test_mem */

static void test_walk(void)
{
	struct iow_kernel k = { .arch = &iow_arch_x86_64, .mem = &test_mem };
	struct iow_translation tr;
	struct iow_error *err;
	uint64_t va = 0xffffcfe900c06123; /* PGD 415, PUD 420, PMD 6, PTE 6 */

	k.lay.levels = 4;
	iow_arch_x86_64.finish_layout(&k.lay, &k.fmt);
	k.lay.pgd_phys = page_pa(0);
	phys[0][415] = page_pa(1) | 0x67;
	phys[1][420] = page_pa(2) | 0x63;
	phys[2][6] = page_pa(3) | 0x63;
	phys[2][7] = 0x80000009006011fb; /* 2 MiB, WT */
	phys[3][6] = 0x8000000900c061fb; /* 4 KiB, WT */
	err = iow_kernel_translate(&k, va, &tr);
	tap_ok(!err && tr.present && tr.nr_levels == 4, "a 4 KiB page: four levels walked");
	tap_is_u64(tr.pa, 0x900c06123, "... to its physical address");
	tap_ok(tr.leaf_size == 4096 && tr.memtype_index == 7, "... a 4 KiB leaf of PAT index 7");
	tap_ok(tr.levels[0].level == 4 && tr.levels[0].index == 415 && tr.levels[0].shift == 39 &&
	       tr.levels[3].level == 1 && tr.levels[3].index == 6 && tr.levels[3].table_pa == page_pa(3),
	       "... each level with its table, index and shift");
	err = iow_kernel_translate(&k, va + (1 << 21), &tr);
	tap_ok(!err && tr.present && tr.nr_levels == 3 && tr.leaf_size == 2 << 20 &&
	       tr.pa == 0x900606123 && tr.memtype_index == 7, "a 2 MiB leaf ends the walk at the PMD");
	err = iow_kernel_translate(&k, va + (2 << 21), &tr);
	tap_ok(!err && !tr.present && tr.nr_levels == 3 && tr.levels[2].shift == 21,
	       "an empty PMD: not mapped, and the span it leaves out is 2 MiB");
	err = iow_kernel_translate(&k, 0xffff888000000000, &tr);
	tap_ok(!err && !tr.present && tr.nr_levels == 1, "an empty PGD entry: one level");
	phys[0][416] = 0x7000000 | 0x63; /* a table outside the test memory */
	err = iow_kernel_translate(&k, va + (1ULL << 39), &tr);
	tap_ok(err && err->code == IOW_ERR_FAULT, "a table that cannot be read is an error");
	iow_error_destroy(err);
	{
		struct iow_pte_view v;

		iow_kernel_translate(&k, va, &tr);
		iow_kernel_describe_walk(&k, &tr, &v);
		tap_ok(v.nr_levels == 4 && !strcmp(v.levels[0].name, "PGD") &&
		       !strcmp(v.levels[3].name, "PTE") && v.levels[3].entry_pa == page_pa(3) + 6 * 8,
		       "the walk described: level names and the entries' addresses");
		tap_is_str(v.levels[3].flags, "P RW PWT PCD A D PAT G NX", "... the bits by name");
		tap_ok(!strcmp(v.index_name, "PAT index") && !strcmp(v.index_key, "pat_index") &&
		       v.index == 7 && v.page_size == 4096 && !v.mode, "... the PAT index, no mode yet");
	}

	/* The same walk with 4 index bits at the top, as arm64 LPA2's level
	 * -1 (VA bits 51:48): the generic walk takes them from the format. */
	memset(phys, 0, sizeof(phys));
	k.fmt.levels = 5;
	k.fmt.level[5] = (struct iow_pt_level_format){ 48, 4, "L-1" };
	va = 0x000a000000001000; /* index 10 at the top; 0 below; PTE 1 */
	phys[0][10] = page_pa(1) | 0x63;
	phys[0][15 + 1] = page_pa(7) | 0x63; /* past 4 bits: never used */
	phys[1][0] = page_pa(2) | 0x63;
	phys[2][0] = page_pa(3) | 0x63;
	phys[3][0] = page_pa(4) | 0x63;
	phys[4][1] = 0x123000 | 0x63;
	err = iow_kernel_translate(&k, va, &tr);
	tap_ok(!err && tr.present && tr.nr_levels == 5 && tr.levels[0].index == 10 && tr.pa == 0x123000,
	       "a top level of 4 index bits: five levels to the page");
	err = iow_kernel_translate(&k, va | (1ULL << 52), &tr);
	tap_ok(!err && tr.present && tr.levels[0].index == 10, "... bits above it are no index bits");
}

int main(void)
{
	test_format();
	test_walk();
	return tap_done();
}
