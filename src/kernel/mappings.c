/* mappings: see mappings.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/mappings.h"
#include "util/array.h"

#define PAGE 4096ULL
#define MAX_RUNS 100000 /* per mapping: a 1 GiB area in 4 KiB pages of alternating modes */

static struct iow_error *add_run(struct iow_mapping *m, const struct iow_map_run *run)
{
	struct iow_map_run *last = m->nruns ? &m->runs[m->nruns - 1] : NULL;

	/* Extend the last run when this continues it in every respect. */
	if (last && last->present == run->present && last->va + last->size == run->va &&
	    (!run->present || (last->pa + last->size == run->pa && last->leaf_size == run->leaf_size &&
			       last->mode == run->mode && last->ram == run->ram &&
			       last->firmware_mem == run->firmware_mem &&
			       last->direct_known == run->direct_known &&
			       last->direct_mode == run->direct_mode &&
			       !memcmp(&last->attrs, &run->attrs, sizeof(run->attrs))))) {
		last->size += run->size;
		return NULL;
	}
	if (m->nruns >= MAX_RUNS)
		return iow_error_at(IOW_ERR_DATA, run->va, "mapping 0x%" PRIx64 " has more than %d runs",
				    m->va, MAX_RUNS);
	if (iow_array_reserve(&m->runs, &m->runs_cap, m->nruns + 1, sizeof(*m->runs)))
		return &iow_error_nomem;
	m->runs[m->nruns++] = *run;
	return NULL;
}

/* The direct map's mode for RAM at PA (it maps all RAM, usually with huge
 * pages); set_memory_uc() and friends change it for ioremapped RAM. */
static struct iow_error *direct_mode(struct iow_kernel *k, const struct iow_pat *pat, uint64_t pa,
				     bool *known, unsigned *mode)
{
	struct iow_translation tr;
	struct iow_error *err = iow_kernel_translate(k, iow_kernel_layout(k)->page_offset_base + pa, &tr);

	*known = false;
	if (err || !tr.present)
		return err;
	*known = true;
	*mode = pat->pte2cm[tr.memtype_index];
	return NULL;
}

static struct iow_error *walk_area(struct iow_kernel *k, const struct iow_pat *pat,
				   const struct iow_vmap_area *a, struct iow_mapping *m)
{
	uint64_t guard = (a->flags & IOW_VM_NO_GUARD) ? 0 : PAGE;
	uint64_t va, end;
	struct iow_error *err;

	memset(m, 0, sizeof(*m));
	m->area = a;
	m->va = a->addr;
	m->size = a->size > guard ? a->size - guard : a->size;
	m->ioremap = a->flags & IOW_VM_IOREMAP;
	end = m->va + m->size;
	if (end < m->va)
		return iow_error_at(IOW_ERR_DATA, a->vm, "vm_struct 0x%" PRIx64 " wraps around", a->vm);
	for (va = m->va; va < end;) {
		struct iow_translation tr;
		struct iow_map_run run = { .va = va };
		uint64_t step;

		if ((err = iow_kernel_translate(k, va, &tr)))
			return err;
		if (!tr.present) {
			/* Skip to the end of the missing table or page. */
			uint64_t span = 1ULL << tr.levels[tr.nr_levels - 1].shift;

			step = span - (va & (span - 1));
		} else {
			step = tr.leaf_size - (va & (tr.leaf_size - 1));
			run.present = true;
			run.pa = tr.pa;
			run.leaf = tr.leaf;
			run.leaf_size = tr.leaf_size;
			run.mode = pat->pte2cm[tr.memtype_index];
			run.attrs = tr.attrs;
			run.ram = iow_kernel_is_ram(k, tr.pa, 1);
			run.firmware_mem = !run.ram && iow_kernel_is_firmware_mem(k, tr.pa, 1);
			if (run.ram && !iow_memtype_is_ram_default(run.mode) &&
			    (err = direct_mode(k, pat, tr.pa, &run.direct_known, &run.direct_mode)))
				return err;
			if (run.ram)
				m->any_ram = true;
			else
				m->any_io = true;
		}
		if (step > end - va)
			step = end - va;
		run.size = step;
		if ((err = add_run(m, &run)))
			return err;
		va += step;
	}
	return NULL;
}

static bool interesting(const struct iow_mapping *m)
{
	size_t i;

	if (m->ioremap || m->any_io)
		return true;
	for (i = 0; i < m->nruns; i++)
		if (m->runs[i].present && !iow_memtype_is_ram_default(m->runs[i].mode))
			return true;
	return false;
}

static int cmp_addr(const void *a, const void *b, void *areas)
{
	const struct iow_vmap_area *v = areas;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (v[x].addr != v[y].addr)
		return v[x].addr < v[y].addr ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_va(const void *a, const void *b)
{
	const struct iow_mapping *x = a, *y = b;

	if (x->va != y->va)
		return x->va < y->va ? -1 : 1;
	return x->area < y->area ? -1 : x->area > y->area;
}

struct iow_error *iow_mappings_read(struct iow_kernel *k, const struct iow_pat *pat,
				    const struct iow_vmap_list *list, struct iow_mapping_set *set)
{
	struct iow_error *err = NULL;
	size_t i, *order;

	memset(set, 0, sizeof(*set));
	/* Walk in address order: neighbours share page tables, which then
	 * come from the target's cache.  The 6.9+ per-node lists interleave
	 * address ranges, and walked in list order page tables beyond the
	 * cache's size were fetched again for every node.  Without memory
	 * for the order, the list's order does too. */
	order = malloc((list->n ? list->n : 1) * sizeof(*order));
	if (order) {
		for (i = 0; i < list->n; i++)
			order[i] = i;
		qsort_r(order, list->n, sizeof(*order), cmp_addr, list->areas);
	}
	/* Every area's page tables, level by level for all of them at once,
	 * where the target takes pipelined reads. */
	if (list->n && iow_kernel_can_prefetch(k)) {
		uint64_t *vas = malloc(list->n * sizeof(*vas)), *lens = malloc(list->n * sizeof(*lens));
		size_t nr = 0;

		for (i = 0; vas && lens && i < list->n; i++) {
			const struct iow_vmap_area *a = &list->areas[i];

			if (a->kind != IOW_VMAP_BUSY || !a->has_vm || !a->size)
				continue;
			vas[nr] = a->addr;
			lens[nr++] = a->size;
		}
		if (vas && lens)
			iow_kernel_prefetch_tables(k, vas, lens, nr);
		free(vas);
		free(lens);
	}
	for (i = 0; i < list->n && !err; i++) {
		const struct iow_vmap_area *a = &list->areas[order ? order[i] : i];
		struct iow_mapping m;

		if (a->kind != IOW_VMAP_BUSY || !a->has_vm || !a->size)
			continue;
		set->areas_walked++;
		err = walk_area(k, pat, a, &m);
		if (!err && interesting(&m)) {
			if (iow_array_reserve(&set->m, &set->cap, set->n + 1, sizeof(*set->m))) {
				err = &iow_error_nomem;
			} else {
				set->m[set->n++] = m;
				continue;
			}
		}
		free(m.runs);
	}
	free(order);
	/* In address order, the order the views print (already so unless
	 * there was no memory for ORDER). */
	if (set->n)
		qsort(set->m, set->n, sizeof(*set->m), cmp_va);
	if (!err && iow_mapping_find(set, pat))
		err = &iow_error_nomem;
	return err;
}
