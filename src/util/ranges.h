/* ranges: look-up in a sorted array of address ranges, shared by the
 * back ends that map addresses to file segments (target/core.c,
 * target/kcore.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_UTIL_RANGES_H
#define IOW_UTIL_RANGES_H

#include <stddef.h>
#include <stdint.h>

/* BASE: N elements of SIZE bytes, each beginning with two uint64_t,
 * start and end ([start, end)), sorted by start and not overlapping.  The
 * index of the one that holds ADDR, or N if none does. */
size_t iow_range_find(const void *base, size_t n, size_t size, uint64_t addr);

#endif
