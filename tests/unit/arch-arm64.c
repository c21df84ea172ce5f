/* arch-arm64: the arm64 architecture's decoding on fixed descriptors (from
 * the rig's 6.12 guests: cortex-a72, 48-bit VA, 4 levels; and max, 52-bit
 * VA with LPA2, 5 levels; their iowtest mappings of every memory type, 4
 * KiB and 2 MiB), descriptors made up for what the guests never show
 * (LPA2's output bits 51:50, a level-0 block, reserved encodings),
 * MAIR_EL1 attribute bytes (Arm ARM D19.2), the formats TCR_EL1 gives,
 * the layout's linear ranges, and the generic walk through an LPA2 table
 * built here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <elf.h>

#include "arch/arm64.h"
#include "kernel/internal.h"
#include "model/memtype.h"
#include "tap.h"

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

/* the guests' TCR_EL1: 6.12 on cortex-a72 (T1SZ 16) and on max (T1SZ 12, DS) */
#define TCR_A72 0x00500074b5503510ULL
#define TCR_MAX 0x095001f6b54c350cULL
/* Linux's MAIR_EL1 (arch/arm64/include/asm/memory.h MT_*): 0xff, 0xff,
 * 0x44, 0x00, 0x04; with MTE attribute 1 is 0xf0 */
#define MAIR_LINUX 0x000000040044ffffULL
#define MAIR_MTE 0x000000040044f0ffULL

struct entry_case {
	uint64_t tcr;
	uint64_t e;
	int level;
	const char *flags;
	bool leaf;
	uint64_t pa;      /* the leaf's (aligned to its size), or the next table's */
	unsigned index;   /* AttrIndx of a leaf */
	const char *type; /* through MAIR (MTE's on max) */
	const char *share, *kernel, *user;
};

static const struct entry_case entries[] = {
	/* cortex-a72, 4 levels: a table, a 2 MiB block (ioremap), 4 KiB pages */
	{ TCR_A72, 0x1000000042991003, 4, "V TABLE UXNTable", false, 0x42991000, 0, NULL, 0, 0, 0 },
	{ TCR_A72, 0x0068000100000f11, 2, "V BLOCK AttrIndx=4 SH=inner AP=RW(EL1) AF nG DBM PXN UXN",
	  true, 0x100000000, 4, "Device-nGnRE", "inner", "rw-", "---" },
	{ TCR_A72, 0x0068000100600f01, 2, "V BLOCK AttrIndx=0 SH=inner AP=RW(EL1) AF nG DBM PXN UXN",
	  true, 0x100600000, 0, "Normal-WB", "inner", "rw-", "---" },
	{ TCR_A72, 0x0068000100a02f0b, 1, "V PAGE AttrIndx=2 SH=inner AP=RW(EL1) AF nG DBM PXN UXN",
	  true, 0x100a02000, 2, "Normal-NC", "inner", "rw-", "---" },
	{ TCR_A72, 0x0068000100a04f0f, 1, "V PAGE AttrIndx=3 SH=inner AP=RW(EL1) AF nG DBM PXN UXN",
	  true, 0x100a04000, 3, "Device-nGnRnE", "inner", "rw-", "---" },
	{ TCR_A72, 0x00e8000100a08f07, 1, "V PAGE AttrIndx=1 SH=inner AP=RW(EL1) AF nG DBM PXN UXN SW55",
	  true, 0x100a08000, 1, "Normal-WB", "inner", "rw-", "---" },
	/* made up: kernel text (read-only, executable), a user page, outer and
	 * non-shareable, a 1 GiB block, bits nobody names */
	{ TCR_A72, 0x0040000040200683, 1, "V PAGE AttrIndx=0 SH=outer AP=RO(EL1) AF UXN", true,
	  0x40200000, 0, "Normal-WB", "outer", "r-x", "---" },
	{ TCR_A72, 0x0020000012345443, 1, "V PAGE AttrIndx=0 SH=non AP=RW(EL1,EL0) AF PXN", true,
	  0x12345000, 0, "Normal-WB", "non", "rw-", "rwx" },
	{ TCR_A72, 0x00600000c00005d1, 3, "V BLOCK AttrIndx=4 SH=reserved AP=RO(EL1,EL0) AF PXN UXN",
	  true, 0xc0000000, 4, "Device-nGnRE", "reserved", "r--", "r--" },
	{ TCR_A72, 0x8001000000202401, 2, "V BLOCK AttrIndx=0 SH=non AP=RW(EL1) AF bit13 bit48 bit63",
	  true, 0x200000, 0, "Normal-WB", "non", "rwx", "---" },
	/* max, LPA2: the top table, a 2 MiB block (ioremap_prot, Tagged), pages;
	 * bits 9:8 are address bits, and shareability is TCR_EL1.SH1's */
	{ TCR_MAX, 0x100000004242b003, 5, "V TABLE UXNTable", false, 0x4242b000, 0, NULL, 0, 0, 0 },
	{ TCR_MAX, 0x00e8000100800405, 2, "V BLOCK AttrIndx=1 AP=RW(EL1) AF DBM PXN UXN SW55", true,
	  0x100800000, 1, "Normal-Tagged", "inner", "rw-", "---" },
	{ TCR_MAX, 0x0068000100a0440f, 1, "V PAGE AttrIndx=3 AP=RW(EL1) AF DBM PXN UXN", true,
	  0x100a04000, 3, "Device-nGnRnE", "inner", "rw-", "---" },
	{ TCR_MAX, 0x0068000100a0240b, 1, "V PAGE AttrIndx=2 AP=RW(EL1) AF DBM PXN UXN", true,
	  0x100a02000, 2, "Normal-NC", "inner", "rw-", "---" },
	/* made up: output address bits 51:50 from 9:8, 49:48 in place */
	{ TCR_MAX, 0x0003000012345703, 1, "V PAGE AttrIndx=0 AP=RW(EL1) AF", true, 0xf000012345000, 0,
	  "Normal-WB", "inner", "rwx", "---" },
	{ TCR_MAX, 0x0000000400000203, 3, "V TABLE", false, 0x8000400000000, 0, NULL, 0, 0, 0 },
	/* a 512 GiB block at level 0, which only LPA2 has */
	{ TCR_MAX, 0x0060008000000411, 4, "V BLOCK AttrIndx=4 AP=RW(EL1) AF PXN UXN", true,
	  0x8000000000, 4, "Device-nGnRE", "inner", "rw-", "---" },
};

static void test_entries(void)
{
	uint8_t mte[8];
	size_t i;

	for (i = 0; i < 8; i++)
		mte[i] = (uint8_t)iow_arm64_mair_type((uint8_t)(MAIR_MTE >> (8 * i)));
	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		const struct entry_case *c = &entries[i];
		const struct iow_arch *a = &iow_arch_arm64;
		struct iow_pt_format f;
		struct iow_leaf_attrs at;
		char flags[IOW_PTE_FLAGS_LEN], what[96];

		tap_ok(iow_arm64_format(c->tcr, &f), "the format of TCR_EL1");
		snprintf(what, sizeof(what), "0x%016" PRIx64 " at level %d (%s)", c->e, c->level,
			 f.level[c->level].name);
		a->entry_flags(&f, c->level, c->e, flags, sizeof(flags));
		tap_is_str(flags, c->flags, what);
		tap_ok(a->entry_present(&f, c->level, c->e), "... is present");
		tap_is_int(a->entry_is_leaf(&f, c->level, c->e), c->leaf,
			   c->leaf ? "... maps memory" : "... points at a table");
		if (!c->leaf) {
			tap_is_u64(a->entry_table(&f, c->level, c->e), c->pa, "... the next table");
			continue;
		}
		tap_is_u64(a->entry_pa(&f, c->level, c->e), c->pa, "... the physical address it maps");
		tap_is_int(a->memtype_index(&f, c->level, c->e), c->index, "... its AttrIndx");
		tap_is_str(iow_memtype_name(c->tcr == TCR_MAX ? mte[c->index]
				     : iow_arm64_mair_type((uint8_t)(MAIR_LINUX >> (8 * c->index)))),
			   c->type, "... its memory type through MAIR_EL1");
		memset(&at, 0, sizeof(at));
		a->leaf_attrs(&f, c->level, c->e, &at);
		tap_ok(!strcmp(at.share, c->share) && !strcmp(at.kernel, c->kernel) &&
		       !strcmp(at.user, c->user), "... shareable and accessible as it says");
	}
}

static void test_invalid(void)
{
	const struct iow_arch *a = &iow_arch_arm64;
	struct iow_pt_format f;
	char flags[IOW_PTE_FLAGS_LEN];

	iow_arm64_format(TCR_A72, &f);
	tap_ok(!a->entry_present(&f, 1, 0x0068000100a02f0a), "bit 0 clear: invalid");
	tap_ok(!a->entry_present(&f, 1, 0x0068000100a02f09), "0b01 at the last level: reserved, not a page");
	a->entry_flags(&f, 1, 0x0068000100a02f09, flags, sizeof(flags));
	tap_is_str(flags, "reserved", "... and says so");
	a->entry_flags(&f, 2, 0, flags, sizeof(flags));
	tap_is_str(flags, "invalid", "zero: invalid");
	tap_ok(!a->entry_present(&f, 4, 0x0060008000000411), "no block at level 0 without LPA2");
	iow_arm64_format(TCR_MAX, &f);
	tap_ok(!a->entry_present(&f, 5, 0x0060008000000411), "... nor at level -1 with it");
	a->entry_flags(&f, 1, 0x0068000100a0440f, flags, 12);
	tap_is_str(flags, "V PAGE Attr", "flags are cut to the buffer, terminated");
}

static void test_mair(void)
{
	static const struct { uint8_t attr; const char *type; } cases[] = {
		{ 0x00, "Device-nGnRnE" }, { 0x04, "Device-nGnRE" }, { 0x08, "Device-nGRE" },
		{ 0x0c, "Device-GRE" },    { 0x44, "Normal-NC" },    { 0xff, "Normal-WB" },
		{ 0x77, "Normal-WB" } /* transient */, { 0xbb, "Normal-WT" }, { 0x33, "Normal-WT" },
		{ 0xf0, "Normal-Tagged" }, { 0x4f, "unknown" } /* outer NC, inner WB */,
		{ 0x01, "unknown" } /* Device with a low bit: UNPREDICTABLE here */,
		{ 0x40, "unknown" }, { 0xf4, "unknown" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "MAIR attribute 0x%02x", cases[i].attr);
		tap_is_str(iow_memtype_name(iow_arm64_mair_type(cases[i].attr)), cases[i].type, what);
	}
	tap_ok(iow_memtype_is_device(iow_arm64_mair_type(0x04)) &&
	       !iow_memtype_is_device(iow_arm64_mair_type(0x44)), "Device types are device memory");
	tap_ok(iow_memtype_is_cacheable_normal(iow_arm64_mair_type(0xf0)) &&
	       iow_memtype_is_cacheable_normal(iow_arm64_mair_type(0xbb)) &&
	       !iow_memtype_is_cacheable_normal(iow_arm64_mair_type(0x44)) &&
	       !iow_memtype_is_cacheable_normal(IOW_MT_WB), "cacheable Normal: WB, WT, Tagged; not NC, not x86's WB");
}

static void test_formats(void)
{
	struct iow_pt_format f;

	tap_ok(iow_arch_for_machine(EM_AARCH64) == &iow_arch_arm64, "EM_AARCH64 is arm64");
	tap_ok(iow_arm64_format(TCR_A72, &f) && f.levels == 4 && f.level[4].shift == 39 &&
	       f.level[4].bits == 9 && f.pa_mask == (1ULL << 48) - 1, "48-bit VA: 4 levels, 48-bit PA");
	tap_ok(!strcmp(f.level[4].name, "PGD") && !strcmp(f.level[3].name, "PUD") &&
	       !strcmp(f.level[1].name, "PTE"), "... PGD PUD PMD PTE");
	tap_ok(iow_arm64_format(TCR_MAX, &f) && f.levels == 5 && f.level[5].shift == 48 &&
	       f.level[5].bits == 4 && f.level[4].bits == 9 && f.pa_mask == (1ULL << 52) - 1,
	       "52-bit VA with LPA2: 5 levels, the top of 4 index bits, 52-bit PA");
	tap_ok(!strcmp(f.level[5].name, "PGD") && !strcmp(f.level[4].name, "P4D"), "... PGD P4D ...");
	tap_ok(iow_arm64_format((25ULL << 16) | (2ULL << 30), &f) && f.levels == 3 &&
	       f.level[3].bits == 9 && !strcmp(f.level[3].name, "PGD"), "39-bit VA: 3 levels");
	tap_ok(iow_arm64_format((28ULL << 16) | (2ULL << 30), &f) && f.levels == 3 && f.level[3].bits == 6,
	       "36-bit VA: 3 levels, the top of 6 bits");
	tap_ok(!iow_arm64_format((16ULL << 16) | (1ULL << 30), &f), "a 16 KiB granule is refused");
	tap_ok(!iow_arm64_format((16ULL << 16) | (3ULL << 30), &f), "... and a 64 KiB one");
	tap_ok(!iow_arm64_format((12ULL << 16) | (2ULL << 30), &f), "52-bit VA without DS is refused");
}

static void test_layout(void)
{
	const struct iow_arch *a = &iow_arch_arm64;
	/* the 6.12 guest on cortex-a72: a randomised linear map */
	struct iow_kernel_layout lay = {
		.translation_ctl = TCR_A72, .direct_start = 0xfff0000000000000,
		.direct_end = 0xffff800000000000, .phys_offset = 0xfff0b66bc0000000,
		.page_offset_base = 0xffff499440000000, .image_start = 0xffffd2297fc00000,
		.image_end = 0xffffd22981e40000, .phys_base = 0x40200000,
	};
	struct iow_layout_item items[IOW_LAYOUT_MAX_ITEMS];
	struct iow_pt_format f;
	uint64_t pa = 0;
	size_t n;

	a->finish_layout(&lay, &f);
	tap_ok(lay.levels == 4 && lay.va_bits == 48 && lay.physical_mask == (1ULL << 48) - 1,
	       "the layout takes depth, VA bits and PA mask from TCR_EL1");
	tap_ok(a->linear(&lay, 0xffff499480000000, &pa) && pa == 0x40000000,
	       "the linear map: va - PAGE_OFFSET + PHYS_OFFSET");
	tap_ok(a->linear(&lay, 0xffffd2297fc10800, &pa) && pa == 0x40210800,
	       "the image: through kimage_voffset");
	tap_ok(!a->linear(&lay, 0xffffd22981e40000, &pa), "... only within [_text, _end)");
	tap_ok(!a->linear(&lay, 0xffff800080800000, &pa), "vmalloc needs a walk");
	tap_is_u64(a->modules_hint(&lay), 0xffff800000000000, "MODULES_VADDR where the linear map ends");
	n = a->describe(&lay, items, IOW_LAYOUT_MAX_ITEMS);
	tap_ok(n >= 10 && !strcmp(items[0].key, "kimage_voffset") &&
	       items[0].value == 0xffffd2293fa00000, "kimage_voffset first");
	tap_ok(!strcmp(items[1].key, "phys_offset") && items[1].style == IOW_LAYOUT_SIGNED &&
	       (int64_t)items[1].value < 0, "PHYS_OFFSET, signed: negative here");
	tap_is_int(a->describe(&lay, items, 3), 3, "no more rows than asked for");
	lay.translation_ctl = 0;
	a->finish_layout(&lay, &f);
	tap_ok(lay.levels == 4 && f.levels == 4, "no TCR_EL1 yet: 48 bits, 4 levels");
}

/* --- the generic walk through an LPA2 table ---------------------------------- */

#include "pt-memory.h" /* phys[][], page_pa(), test_mem */

static void test_walk(void)
{
	struct iow_kernel k = { .arch = &iow_arch_arm64, .mem = &test_mem };
	struct iow_translation tr;
	struct iow_error *err;
	uint64_t va = 0xffff800081600123; /* PGD 15, P4D 256, PUD 2, PMD 11 (the max guest's prot-2M) */

	k.lay.translation_ctl = TCR_MAX;
	iow_kernel_layout_changed(&k);
	k.lay.pgd_phys = page_pa(0);
	phys[0][15] = page_pa(1) | 3;
	phys[1][256] = page_pa(2) | 3;
	phys[2][2] = page_pa(3) | 3;
	phys[3][11] = 0x00e8000100800405; /* 2 MiB, AttrIndx 1 */
	phys[3][12] = page_pa(4) | 3;
	phys[4][0] = 0x0068000100a0440f; /* 4 KiB, AttrIndx 3 */
	phys[4][1] = 0x0068000100a04409;  /* 0b01 at the last level */
	err = iow_kernel_translate(&k, va, &tr);
	tap_ok(!err && tr.present && tr.nr_levels == 4 && tr.leaf_size == 2 << 20 &&
	       tr.pa == 0x100800123 && tr.memtype_index == 1, "a 2 MiB block at the PMD, from a 5-level root");
	tap_ok(tr.levels[0].index == 15 && tr.levels[0].shift == 48, "... whose top index has 4 bits");
	tap_ok(!strcmp(tr.attrs.share, "inner") && !strcmp(tr.attrs.kernel, "rw-"),
	       "... its attributes: TCR_EL1.SH1's shareability");
	err = iow_kernel_translate(&k, 0xffff800081800000, &tr);
	tap_ok(!err && tr.present && tr.nr_levels == 5 && tr.leaf_size == 4096 && tr.pa == 0x100a04000 &&
	       tr.memtype_index == 3, "a page at the fifth level");
	err = iow_kernel_translate(&k, 0xffff800081801000, &tr);
	tap_ok(!err && !tr.present && tr.nr_levels == 5, "a reserved last-level descriptor maps nothing");
	err = iow_kernel_translate(&k, 0xfff0000000000000, &tr);
	tap_ok(!err && !tr.present && tr.nr_levels == 1, "an empty top entry: one level");
	/* hostile tables: a PMD entry back at the PUD table, one at itself */
	phys[3][13] = page_pa(2) | 3;
	err = iow_kernel_translate(&k, 0xffff800081a00000, &tr);
	tap_ok(err && err->code == IOW_ERR_DATA && strstr(err->message, "loop") &&
	       err->addr == page_pa(3) + 13 * 8, "a table that points back up: a loop, named by its entry");
	iow_error_destroy(err);
	phys[3][13] = page_pa(3) | 3;
	err = iow_kernel_translate(&k, 0xffff800081a00000, &tr);
	tap_ok(err && err->code == IOW_ERR_DATA && strstr(err->message, "loop"), "... and one at itself");
	iow_error_destroy(err);
	{
		struct iow_pte_view v;

		iow_kernel_translate(&k, va, &tr);
		iow_kernel_describe_walk(&k, &tr, &v);
		tap_ok(v.nr_levels == 4 && !strcmp(v.levels[0].name, "PGD") && !strcmp(v.levels[1].name, "P4D") &&
		       !strcmp(v.levels[3].name, "PMD") && !strcmp(v.index_name, "AttrIndx") &&
		       !strcmp(v.index_key, "attr_index") && v.index == 1 && !strcmp(v.attrs.share, "inner"),
		       "the walk described: level names, AttrIndx, attributes");
	}
}

int main(void)
{
	test_entries();
	test_invalid();
	test_mair();
	test_formats();
	test_layout();
	test_walk();
	return tap_done();
}
