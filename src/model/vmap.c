/* model/vmap: memory of the area list, and its address order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "model/vmap.h"

void iow_vmap_list_fini(struct iow_vmap_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->areas[i].caller_sym);
		free(l->areas[i].node_pages);
	}
	free(l->areas);
	l->areas = NULL;
	l->n = 0;
}

uint64_t iow_vmap_area_start(const struct iow_vmap_area *a)
{
	return a->has_vm ? a->addr : a->va_start;
}

static int cmp_start(const void *a, const void *b)
{
	const struct iow_vmap_area *x = a, *y = b;
	uint64_t sx = iow_vmap_area_start(x), sy = iow_vmap_area_start(y);

	/* The kernel's own struct address breaks a tie (only corrupt data
	 * has one), so the order never depends on qsort's. */
	if (sx != sy)
		return sx < sy ? -1 : 1;
	return x->va < y->va ? -1 : x->va > y->va;
}

void iow_vmap_list_sort_by_addr(struct iow_vmap_list *l)
{
	if (l->n)
		qsort(l->areas, l->n, sizeof(*l->areas), cmp_start);
}
