/* model/join: see join.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/join.h"

const struct iow_resource *iow_resource_deepest(const struct iow_resource *root, uint64_t pa)
{
	const struct iow_resource *c, *best = NULL;

	/* Siblings are in order and disjoint in a sound tree: the first that
	 * contains PA is the one; descend into it. */
	for (c = root->child; c; c = c->child) {
		while (c && !(pa >= c->start && pa <= c->end))
			c = c->sibling;
		if (!c)
			break;
		best = c;
	}
	return best;
}

static int cmp_run(const void *a, const void *b)
{
	const struct iow_join_run *x = a, *y = b;

	if (x->r != y->r)
		return (uintptr_t)x->r < (uintptr_t)y->r ? -1 : 1;
	if (x->m != y->m)
		return (uintptr_t)x->m < (uintptr_t)y->m ? -1 : 1;
	return (uintptr_t)x->run < (uintptr_t)y->run ? -1 : (uintptr_t)x->run > (uintptr_t)y->run;
}

void iow_join_init(struct iow_join *j, const struct iow_resource_tree *tree,
		   const struct iow_mapping_set *maps)
{
	size_t i, k, n = 0;

	memset(j, 0, sizeof(*j));
	j->tree = tree;
	j->maps = maps;
	for (i = 0; i < maps->n; i++)
		n += maps->m[i].nruns;
	j->runs = malloc((n ? n : 1) * sizeof(*j->runs));
	if (!j->runs)
		return;
	for (i = 0; i < maps->n; i++)
		for (k = 0; k < maps->m[i].nruns; k++) {
			const struct iow_map_run *run = &maps->m[i].runs[k];
			const struct iow_resource *d;

			if (run->present && (d = iow_resource_deepest(&tree->root, run->pa)))
				j->runs[j->n++] = (struct iow_join_run){ d, &maps->m[i], run };
		}
	/* The mappings and their runs are arrays: their addresses are their
	 * order. */
	if (j->n)
		qsort(j->runs, j->n, sizeof(*j->runs), cmp_run);
}

void iow_join_fini(struct iow_join *j)
{
	free(j->runs);
	memset(j, 0, sizeof(*j));
}

void iow_join_each(const struct iow_join *j, const struct iow_resource *r, iow_join_fn *fn, void *arg)
{
	size_t lo = 0, hi, i, k;

	if (!j->runs) {
		for (i = 0; i < j->maps->n; i++) {
			const struct iow_mapping *m = &j->maps->m[i];

			for (k = 0; k < m->nruns; k++)
				if (m->runs[k].present && iow_resource_deepest(&j->tree->root, m->runs[k].pa) == r)
					fn(arg, m, &m->runs[k]);
		}
		return;
	}
	for (hi = j->n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)j->runs[mid].r < (uintptr_t)r)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < j->n && j->runs[lo].r == r; lo++)
		fn(arg, j->runs[lo].m, j->runs[lo].run);
}
