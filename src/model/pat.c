/* model/pat: names and memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "model/pat.h"

const char *iow_cache_mode_name(unsigned mode)
{
	/* cattr_name(), arch/x86/mm/pat/memtype.h */
	static const char *const names[] = { "write-back", "write-combining", "uncached-minus",
					     "uncached", "write-through", "write-protected" };

	return mode < sizeof(names) / sizeof(names[0]) ? names[mode] : "broken";
}

void iow_pat_fini(struct iow_pat *p)
{
	free(p->memtypes);
	free(p->max_end);
	p->memtypes = NULL;
	p->max_end = NULL;
	p->n = 0;
}

int iow_pat_index(struct iow_pat *p)
{
	size_t i;

	free(p->max_end);
	p->max_end = NULL;
	for (i = 1; i < p->n; i++)
		if (p->memtypes[i].start < p->memtypes[i - 1].start)
			return 0; /* not a sound tree's order: lookups scan */
	if (!p->n || !(p->max_end = malloc(p->n * sizeof(*p->max_end))))
		return p->n ? -1 : 0;
	for (i = 0; i < p->n; i++)
		p->max_end[i] = i && p->max_end[i - 1] > p->memtypes[i].end ? p->max_end[i - 1]
									  : p->memtypes[i].end;
	return 0;
}
