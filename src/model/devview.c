/* model/devview: see devview.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model/devview.h"
#include "model/qemu.h"
#include "util/array.h"


/* Memory slots in a tree, by start, for placing runs. */
static int cmp_slot(const void *a, const void *b)
{
	const struct iow_devview_slot *const *x = a, *const *y = b;

	return (*x)->res->start < (*y)->res->start ? -1 : (*x)->res->start > (*y)->res->start;
}

static struct iow_devview_slot *slot_at(struct iow_devview_slot **s, size_t n, uint64_t pa)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid]->res->start <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* bridge windows are left out: the BARs of a sound tree are disjoint */
	return lo > 0 && pa <= s[lo - 1]->res->end ? s[lo - 1] : NULL;
}

static int place_runs(struct iow_devview *v, const struct iow_mapping_set *maps)
{
	struct iow_devview_slot **mem = malloc((v->n ? v->n : 1) * sizeof(*mem));
	size_t n = 0, i, k;
	int ret = -1;

	if (!mem)
		return -1;
	for (i = 0; i < v->n; i++) {
		const struct iow_dev_res *r = v->slots[i].res;

		if (r->parent && r->end > r->start && (r->flags & IORESOURCE_TYPE_BITS) == IORESOURCE_MEM &&
		    iow_pci_slot_of(v->d, v->slots[i].p, v->slots[i].index) != IOW_PCI_SLOT_BRIDGE)
			mem[n++] = &v->slots[i];
	}
	if (n > 1)
		qsort(mem, n, sizeof(*mem), cmp_slot);
	for (i = 0; n && i < maps->n; i++)
		for (k = 0; k < maps->m[i].nruns; k++) {
			const struct iow_map_run *run = &maps->m[i].runs[k];
			struct iow_devview_slot *s;

			if (!run->present || !(s = slot_at(mem, n, run->pa)))
				continue;
			if (iow_array_reserve(&s->runs, &s->runs_cap, s->nruns + 1, sizeof(*s->runs)))
				goto out;
			s->runs[s->nruns++] = (struct iow_devview_run){ &maps->m[i], run };
		}
	ret = 0;
out:
	free(mem);
	return ret;
}

int iow_devview_build(struct iow_devview *v, const struct iow_devices *d, const struct iow_owners *o,
		      const struct iow_mapping_set *maps, const struct iow_mtree *qemu)
{
	const struct iow_mtree_view *mem = qemu ? iow_mtree_space(qemu, "memory") : NULL;
	const struct iow_mtree_view *io = qemu ? iow_mtree_space(qemu, "I/O") : NULL;
	size_t i, j, n = 0;

	memset(v, 0, sizeof(*v));
	v->d = d;
	v->have_qemu = qemu != NULL;
	for (i = 0; i < d->npci; i++)
		n += d->pci[i].nres;
	v->slots = calloc(n ? n : 1, sizeof(*v->slots));
	v->first = calloc(d->npci ? d->npci : 1, sizeof(*v->first));
	if (!v->slots || !v->first)
		return -1;
	for (i = 0; i < d->npci; i++) {
		v->first[i] = v->n;
		for (j = 0; j < d->pci[i].nres; j++) {
			struct iow_devview_slot *s = &v->slots[v->n++];
			const struct iow_dev_res *r = &d->pci[i].res[j];
			const struct iow_mtree_view *space = (r->flags & IORESOURCE_TYPE_BITS) == IORESOURCE_IO ? io : mem;

			s->p = &d->pci[i];
			s->index = (int)j;
			s->res = r;
			if (space && r->parent && r->end > r->start) {
				struct iow_qemu_cover c;

				/* The first of QEMU's device regions in the BAR (a
				 * BAR's registers need not start it: nvme's MSI-X
				 * table sits further in), background aside. */
				iow_qemu_cover(space, r->start, r->end, &c);
				s->qemu = c.first;
			}
		}
	}
	/* each slot's tree resource, from the owners' join */
	for (i = 0; o && i < o->n; i++) {
		const struct iow_owner *w = &o->o[i];

		if (w->pci && w->index >= 0 && (size_t)w->index < w->pci->nres)
			v->slots[v->first[w->pci - d->pci] + (size_t)w->index].r = w->r;
	}
	return maps ? place_runs(v, maps) : 0;
}

void iow_devview_fini(struct iow_devview *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->slots[i].runs);
	free(v->slots);
	free(v->first);
	memset(v, 0, sizeof(*v));
}
