/* Growable arrays: the one way the project grows one.
 *
 *	if (iow_array_reserve(&v, &cap, n + 1, sizeof(*v)))
 *		return &iow_error_nomem;
 *	v[n++] = x;
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_UTIL_ARRAY_H
#define IOW_UTIL_ARRAY_H

#include <stddef.h>

/* Make room for NEED elements of SIZE bytes in the array *ARRAYP (a
 * pointer to the array's pointer) whose capacity is *CAP, doubling it (16
 * at least).  0 on success; -1 when out of memory or NEED * SIZE would
 * overflow, leaving array and capacity as they were. */
int iow_array_reserve(void *arrayp, size_t *cap, size_t need, size_t size);

#endif
