/* model/pte: one virtual address's walk through the kernel's page tables,
 * decoded for people: each level's entry with the names the architecture
 * gives its level and its bits, the leaf's physical address, and its
 * memory type.  Built by the kernel layer (iow_kernel_describe_walk), shown
 * by render/pte.c, which so never learns the architecture.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_PTE_H
#define IOW_MODEL_PTE_H

#include <stdbool.h>
#include <stdint.h>

/* Levels of a walk, at most: x86-64 with LA57 and arm64 with LPA2 (whose
 * level -1 takes the top 4 bits) both have five. */
#define IOW_PT_MAX_LEVELS 5
#define IOW_PTE_FLAGS_LEN 128

/* What an architecture says of a leaf besides its memory type: arm64's
 * shareability and access permissions.  Empty strings where it says
 * nothing (x86-64). */
struct iow_leaf_attrs {
	char share[12]; /* "inner", "outer", "non" (-shareable); "reserved" */
	char kernel[4]; /* the kernel's access to the pages: "rw-", "r-x" */
	char user[4];   /* user space's: "---" */
};

struct iow_pte_view_level {
	const char *name;      /* "PGD" ... "PTE" */
	unsigned index;        /* the entry's index in its table */
	uint64_t table_pa;     /* the table, physical */
	uint64_t entry_pa;     /* the entry, physical */
	uint64_t entry;        /* raw */
	char flags[IOW_PTE_FLAGS_LEN]; /* "P RW A D G NX" */
};

struct iow_pte_view {
	uint64_t va;
	struct iow_pte_view_level levels[IOW_PT_MAX_LEVELS]; /* top first */
	int nr_levels;
	bool present;
	uint64_t pa, page_size;      /* when present */
	const char *index_name;      /* "PAT index" */
	const char *index_key;       /* "pat_index" (JSON) */
	unsigned index;              /* the leaf's memory-type index */
	const char *mode;            /* its memory type ("WB"), or NULL ... */
	const char *mode_error;      /* ... and why it is unknown */
	struct iow_leaf_attrs attrs; /* when present */
};

#endif
