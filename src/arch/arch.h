/* arch: what differs between the architectures a kernel runs on, as one
 * ops table per architecture, in the manner of drgn's struct
 * drgn_architecture_info (libdrgn/platform.h):
 * - identifying the running kernel: the KASLR offset, the memory layout
 *   (image, direct map, vmalloc area, paging depth, top page table), its
 *   RAM, and, after it ran, whether it is still the same kernel;
 * - the page-table format: the levels and their index bits, and the
 *   decoding of one entry (present, leaf or next table, the physical
 *   address it holds, the names of its bits and of its level);
 * - a page's memory type: the index a leaf entry carries (x86: PAT,
 *   arm64: AttrIndx) and the kernel's table from that index to an
 *   enum iow_memtype (x86: __pte2cachemode_tbl; arm64: MAIR_EL1).
 *
 * The architecture is chosen from the vmlinux's ELF e_machine (arch.c).
 * The kernel layer (src/kernel/) walks page tables, prefetches and reads
 * through these ops alone; walkers, models and renderers never learn which
 * architecture it is.  An architecture is one file pair in this folder
 * (x86-64.c/.h); docs/DESIGN.md, "The architecture seam", says what the
 * next one must provide.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_ARCH_ARCH_H
#define IOW_ARCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/layout.h"
#include "model/pte.h"
#include "util/error.h"

struct iow_kernel;
struct iow_arch;

/* Bytes of one entry, on every architecture here. */
#define IOW_PT_ENTRY_SIZE 8
/* Entries of the table from a leaf's memory-type index to its type (x86:
 * the 8 PAT entries; arm64: the 8 attributes of MAIR_EL1). */
#define IOW_MEMTYPE_INDEXES 8

struct iow_pt_level_format {
	unsigned shift;   /* the lowest virtual-address bit of this level's index:
			   * one entry maps 1 << shift bytes */
	unsigned bits;    /* the index's width (9 with 4 KiB tables; 4 at arm64 LPA2's level -1) */
	const char *name; /* "PGD", "P4D", "PUD", "PMD", "PTE" */
};

/* One kernel's page-table format, made by the architecture from its
 * layout (finish_layout).  Levels are numbered as the walk meets them:
 * LEVELS is the top table, 1 the last. */
struct iow_pt_format {
	const struct iow_arch *arch;
	int levels;
	struct iow_pt_level_format level[IOW_PT_MAX_LEVELS + 1]; /* [1] .. [levels] */
	uint64_t pa_mask; /* the physical-address bits an entry may hold */
	unsigned variant; /* the architecture's own (arm64: LPA2 descriptors) */
};

/* A kernel variable an architecture reads at open: fetched early, with
 * others, in one round trip. */
struct iow_arch_var {
	const char *name;
	size_t len;
};

struct iow_arch {
	const char *name;   /* "x86-64" */
	unsigned e_machine; /* the vmlinux's ELF e_machine: EM_X86_64 */

	/* --- identifying a running kernel (iow_kernel_open) -------------------
	 * These read through the helpers of src/kernel/internal.h: before the
	 * layout is known, only what the CPU's own page tables map. */

	/* The KASLR offset (link address + offset = running address) and where
	 * it came from ("IDT"), or an error; also asked again after the
	 * machine ran (iow_kernel_check_same). */
	struct iow_error *(*find_kaslr)(struct iow_kernel *k, uint64_t *offset,
					const char **source);
	/* The virtual range find_kaslr reads first (0: none): a recheck asks
	 * for it together with the build ID note, in one round trip. */
	uint64_t kaslr_probe;
	size_t kaslr_probe_len;
	/* With the KASLR offset known: the layout into k's struct
	 * iow_kernel_layout (image, phys_base, direct map, vmalloc and vmemmap
	 * bases, physical mask, paging levels, the top page table), setting
	 * k->image_known and k->direct_known as each becomes known and calling
	 * iow_kernel_layout_changed() once the depth and mask are. */
	struct iow_error *(*read_layout)(struct iow_kernel *k);
	/* Variables read_ram reads (terminated by a NULL name): fetched with
	 * the build ID note. */
	const struct iow_arch_var *ram_vars;
	/* The RAM ranges, from the kernel's own tables (x86: e820_table), in
	 * any order, overlapping or not, malloc()ed into *RANGES. */
	struct iow_error *(*read_ram)(struct iow_kernel *k, struct iow_ram_range **ranges, size_t *n);
	/* The top page table the CPU uses now (x86: CR3), as a physical
	 * address, for the walks that read the image before its layout is
	 * known; may set the paging depth (x86: CR4.LA57) and call
	 * finish_layout. */
	struct iow_error *(*boot_root)(struct iow_kernel *k, uint64_t *root);
	/* Derive from LAY what follows from it: the page-table format, the end
	 * of the vmalloc area.  Called whenever the depth or the physical mask
	 * may have changed. */
	void (*finish_layout)(struct iow_kernel_layout *lay, struct iow_pt_format *fmt);
	/* Kernel VA -> PA without a walk, where the layout maps linearly (x86:
	 * the image and the direct map); false: walk the page tables. */
	bool (*linear)(const struct iow_kernel_layout *lay, uint64_t va, uint64_t *pa);
	/* An address in the module area: warming its upper page tables early
	 * saves a walk to module data those levels (0: none). */
	uint64_t (*modules_hint)(const struct iow_kernel_layout *lay);
	/* The layout for people: the rows `info` shows between the KASLR
	 * offset and RAM, in order, at most MAX; returns how many. */
	size_t (*describe)(const struct iow_kernel_layout *lay, struct iow_layout_item *items, size_t max);

	/* --- page-table entries: pure functions of the format and an entry --- */

	/* The physical address of the top table, from a root (x86: CR3 or the
	 * address of init_top_pgt). */
	uint64_t (*root_table)(const struct iow_pt_format *f, uint64_t root);
	bool (*entry_present)(const struct iow_pt_format *f, int level, uint64_t e);
	/* A present entry that maps memory (a page, a huge page, a block)
	 * rather than pointing at the next table.  Any valid entry at level 1
	 * is one; an entry at level 1 that is no leaf is treated as absent. */
	bool (*entry_is_leaf)(const struct iow_pt_format *f, int level, uint64_t e);
	/* The next table's physical address, from a present non-leaf entry. */
	uint64_t (*entry_table)(const struct iow_pt_format *f, int level, uint64_t e);
	/* The physical address a leaf maps, aligned to its size (1 << shift). */
	uint64_t (*entry_pa)(const struct iow_pt_format *f, int level, uint64_t e);
	/* The names of the bits set in E at LEVEL, separated by spaces, into
	 * BUF; unknown bits by number, the address bits left out. */
	void (*entry_flags)(const struct iow_pt_format *f, int level, uint64_t e, char *buf,
			    size_t len);

	/* --- memory types ----------------------------------------------------- */

	/* The kernel maps device memory it never claims as a matter of
	 * course (arm64: irqchips, timers and other drivers started from the
	 * device tree before any platform device use of_iomap() without
	 * request_mem_region()): an ioremap outside every iomem resource is
	 * then a note, not a violation (model/check.h). */
	bool unclaimed_ioremaps_usual;
	const char *memtype_index_name; /* "PAT index": what `pte` calls it */
	const char *memtype_index_key;  /* "pat_index": its JSON member */
	/* The memory-type index (0 .. IOW_MEMTYPE_INDEXES-1) of a leaf. */
	unsigned (*memtype_index)(const struct iow_pt_format *f, int level, uint64_t leaf);
	/* The kernel's table from that index to enum iow_memtype (x86: a
	 * kernel variable; arm64: the MAIR_EL1 register). */
	struct iow_error *(*read_memtypes)(struct iow_kernel *k, uint8_t table[IOW_MEMTYPE_INDEXES]);
	/* Optional (NULL: none to say): what a leaf says besides its memory
	 * type, its shareability and permissions (arm64). */
	void (*leaf_attrs)(const struct iow_pt_format *f, int level, uint64_t leaf,
			   struct iow_leaf_attrs *out);
};

/* The architecture of a vmlinux whose ELF e_machine is MACHINE, or NULL. */
const struct iow_arch *iow_arch_for_machine(unsigned machine);

#endif
