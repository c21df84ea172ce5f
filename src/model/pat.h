/* model: x86 PAT state: the kernel's PTE-bits -> cache-mode table and its
 * memtype reservations (arch/x86/mm/pat/), as plain C.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_PAT_H
#define IOW_MODEL_PAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/memtype.h"

/* The kernel's cattr_name(): "write-back" ... "write-protected", "broken". */
const char *iow_cache_mode_name(unsigned mode);

struct iow_pat_memtype {
	uint64_t addr;        /* the kernel's struct memtype */
	uint64_t start, end;  /* end EXCLUSIVE, as the tree and debugfs have it */
	unsigned type;        /* enum iow_memtype */
};

struct iow_pat {
	uint8_t pte2cm[8];    /* __pte2cachemode_tbl: PAT index -> enum iow_memtype */
	/* The kernel keeps no reservations at all (arm64; x86 without PAT):
	 * nothing to compare a mapping with, and no "unreserved" finding. */
	bool none_tracked;
	struct iow_pat_memtype *memtypes; /* in the tree's (start) order */
	size_t n;
	/* iow_pat_index(): max_end[i] is the largest end of memtypes[0..i],
	 * when they are sorted by start (a sound tree); else NULL, and
	 * lookups scan. */
	uint64_t *max_end;
};

void iow_pat_fini(struct iow_pat *p);
/* Build max_end, so that iow_pat_covering() (model/mapping.h) takes
 * O(log n), not O(n): one lookup per mapped run made the ioremap view of
 * 100,000 reservations quadratic.  Call again after changing memtypes.
 * -1 if out of memory (lookups then scan). */
int iow_pat_index(struct iow_pat *p);

#endif
