/* ranges: see ranges.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "util/ranges.h"

/* The element's first two words, read as bytes: the element is the
 * caller's struct, not ours. */
static void bounds(const void *base, size_t size, size_t i, uint64_t se[2])
{
	memcpy(se, (const char *)base + i * size, 2 * sizeof(uint64_t));
}

size_t iow_range_find(const void *base, size_t n, size_t size, uint64_t addr)
{
	size_t lo = 0, hi = n, mid;
	uint64_t se[2];

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		bounds(base, size, mid, se);
		if (se[1] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n)
		return n;
	bounds(base, size, lo, se);
	return se[0] <= addr ? lo : n;
}
