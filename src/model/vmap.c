/* model/vmap: memory of the area list.
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
	free(l->error);
	l->areas = NULL;
	l->error = NULL;
	l->n = 0;
}
