/* model/layout: who the running kernel is and how it laid out its memory,
 * as plain data: what the kernel layer finds at open (src/kernel/,
 * src/arch/) and the info view shows.  The architecture describes the
 * rows only it can name (struct iow_layout_item), so the view prints them
 * without knowing which architecture it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_LAYOUT_H
#define IOW_MODEL_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iow_ram_range {
	uint64_t start, end; /* [start, end) */
};

struct iow_kernel_layout {
	char release[65];          /* init_uts_ns.name.release */
	uint8_t build_id[64];      /* the running kernel's, from guest memory */
	size_t build_id_len;
	bool build_id_matches;     /* equals the vmlinux's */
	uint64_t kaslr_offset;
	const char *kaslr_source;  /* "IDT", "VMCOREINFO" */
	/* The kernel image's mapping, [image_start, image_end) with KASLR
	 * applied (image_end 0: not known, the architecture's whole image
	 * area), and the physical address its link base maps to (x86:
	 * phys_base). */
	uint64_t image_start, image_end;
	uint64_t phys_base;
	uint64_t page_offset_base; /* the direct map: virtual address of physical 0 */
	uint64_t vmalloc_base;     /* the vmalloc area, [vmalloc_base, vmalloc_end] */
	uint64_t vmalloc_end;      /* inclusive */
	uint64_t vmemmap_base;     /* struct page of physical page 0 */
	uint64_t physical_mask;    /* the physical-address bits of a page-table entry */
	int levels;                /* page-table depth */
	uint64_t pgd_phys;         /* the kernel's top page table (x86: init_top_pgt), physical */
	/* What only some architectures have (0 where they do not): */
	uint64_t direct_start, direct_end; /* the direct map's virtual range [start, end)
					    * (arm64: PAGE_OFFSET .. PAGE_END) */
	uint64_t phys_offset;      /* arm64: PHYS_OFFSET (memstart_addr), signed */
	int va_bits;               /* arm64: the kernel half's VA bits (64 - TCR_EL1.T1SZ) */
	uint64_t translation_ctl;  /* arm64: TCR_EL1 (DS, SH1), as the walk needs it */
	struct iow_ram_range *ram; /* sorted, merged */
	size_t nr_ram;
	/* Memory that is not RAM to the kernel, and no device either (arm64:
	 * memblock's NOMAP regions, such as UEFI runtime code and firmware
	 * tables); malloc()ed, any order. */
	struct iow_ram_range *firmware_mem;
	size_t nr_firmware_mem;
};

/* How a layout row is written. */
enum iow_layout_style {
	IOW_LAYOUT_ADDR,   /* text "0x%016x", JSON "0x..." */
	IOW_LAYOUT_PHYS,   /* text "physical 0x%x", JSON "0x..." */
	IOW_LAYOUT_LEVELS, /* text "%d-level", JSON a number */
	IOW_LAYOUT_BITS,   /* text "%d-bit", JSON a number */
	/* a number the kernel keeps unsigned but means signed: text "-0x..."
	 * (with NEGATIVE_PRE magnitude NEGATIVE_POST in brackets when it is
	 * below 0), JSON "0x..." and, as KEY_signed, "-0x..." */
	IOW_LAYOUT_SIGNED,
};

/* One row of the layout an architecture names (arch.h describe()). */
struct iow_layout_item {
	const char *key;   /* the JSON member: "page_offset_base" */
	const char *label; /* the text's: "page_offset_base" */
	enum iow_layout_style style;
	uint64_t value;
	const char *negative_pre, *negative_post; /* IOW_LAYOUT_SIGNED only */
};

/* Rows an architecture describes, at most. */
#define IOW_LAYOUT_MAX_ITEMS 16

/* describe()'s last step: copy ALL's N rows to ITEMS, at most MAX of them. */
static inline size_t iow_layout_items_copy(struct iow_layout_item *items, size_t max,
					   const struct iow_layout_item *all, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < max; i++)
		items[i] = all[i];
	return i;
}

#endif
