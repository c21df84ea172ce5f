/* Fuzz target: the parser of QEMU's `info mtree -f -o` text
 * (src/model/mtree.c), which comes from the stub: any bytes at all.
 *
 * A parse either fails with IOW_ERR_PROTOCOL (or out of memory) and an
 * empty map, or gives views each of at least one address space, with
 * regions in address order that do not overlap, every one of which the
 * lookup finds by its start and by its end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "model/mtree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iow_mtree m;
	struct iow_error *err = iow_mtree_parse((const char *)data, size, &m);
	size_t i, j;

	if (err) {
		FUZZ_CHECK(err->code == IOW_ERR_PROTOCOL || err == &iow_error_nomem);
		FUZZ_CHECK(m.n == 0 && m.views == NULL);
		iow_error_destroy(err);
		return 0;
	}
	FUZZ_CHECK(m.n > 0);
	for (i = 0; i < m.n; i++) {
		const struct iow_mtree_view *v = &m.views[i];

		FUZZ_CHECK(v->nspaces > 0);
		FUZZ_CHECK(iow_mtree_space(&m, v->spaces[0]) != NULL);
		for (j = 0; j < v->n; j++) {
			const struct iow_mtree_region *r = &v->regions[j];

			FUZZ_CHECK(r->start <= r->end && r->name && r->name[0] && r->type_name);
			if (j)
				FUZZ_CHECK(v->regions[j - 1].end < r->start);
			FUZZ_CHECK(iow_mtree_lookup(v, r->start) == r && iow_mtree_lookup(v, r->end) == r);
		}
	}
	iow_mtree_fini(&m);
	return 0;
}
