/* Small models built by hand for the model and render tests: a resource
 * tree, vmap areas, mappings with runs, PAT reservations, and a sink that
 * collects what a renderer writes.  No guest, no walker: what the walkers
 * would have built, written out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_TESTS_MODEL_FIXTURE_H
#define IOW_TESTS_MODEL_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "model/mapping.h"
#include "model/pat.h"
#include "model/resource.h"
#include "model/vmap.h"
#include "util/buf.h"
#include "util/sink.h"

/* --- resource trees -------------------------------------------------------- */

static inline void fx_tree_init(struct iow_resource_tree *t, const char *symbol, const char *name,
				uint64_t start, uint64_t end)
{
	memset(t, 0, sizeof(*t));
	t->root_symbol = symbol;
	t->root.start = start;
	t->root.end = end;
	t->root.name = name ? strdup(name) : NULL;
	t->root.depth = -1;
	t->root.addr = 0xffffffff82000000ULL;
}

/* A new last child of PARENT (NAME NULL: the kernel's name pointer was
 * NULL).  Its kernel address is made up from its start. */
static inline struct iow_resource *fx_res(struct iow_resource_tree *t, struct iow_resource *parent,
					  uint64_t start, uint64_t end, uint64_t flags, const char *name)
{
	struct iow_resource *r = calloc(1, sizeof(*r)), **link = &parent->child;

	if (!r)
		abort();
	while (*link)
		link = &(*link)->sibling;
	*link = r;
	r->parent = parent;
	r->start = start;
	r->end = end;
	r->flags = flags;
	r->name = name ? strdup(name) : NULL;
	r->depth = parent->depth + 1;
	r->addr = 0xffff888000100000ULL + (start & 0xfffff) * 0x40 + (uint64_t)r->depth * 8;
	t->count++;
	return r;
}

/* --- mappings ----------------------------------------------------------------- */

/* An area that stands behind mappings: its caller is all they show of it. */
static inline struct iow_vmap_area fx_area(const char *caller, uint64_t flags)
{
	struct iow_vmap_area a;

	memset(&a, 0, sizeof(a));
	a.has_vm = true;
	a.flags = flags;
	a.caller_sym = (char *)caller;
	return a;
}

/* A new mapping of SET at VA, of SIZE bytes, by AREA. */
static inline struct iow_mapping *fx_map(struct iow_mapping_set *set, const struct iow_vmap_area *area,
					 uint64_t va, uint64_t size, bool ioremap)
{
	struct iow_mapping *m;

	if (iow_array_reserve(&set->m, &set->cap, set->n + 1, sizeof(*set->m)))
		abort();
	m = &set->m[set->n++];
	*m = (struct iow_mapping){ .area = area, .va = va, .size = size, .ioremap = ioremap };
	return m;
}

/* A present run of M: the next SIZE bytes after its last run, at PA. */
static inline struct iow_map_run *fx_run(struct iow_mapping *m, uint64_t pa, uint64_t size, uint64_t leaf_size,
					 unsigned mode, bool ram)
{
	struct iow_map_run *r;
	uint64_t va = m->nruns ? m->runs[m->nruns - 1].va + m->runs[m->nruns - 1].size : m->va;

	if (iow_array_reserve(&m->runs, &m->runs_cap, m->nruns + 1, sizeof(*m->runs)))
		abort();
	r = &m->runs[m->nruns++];
	*r = (struct iow_map_run){ .va = va, .size = size, .present = true, .pa = pa, .leaf_size = leaf_size,
				   .mode = mode, .ram = ram };
	m->any_ram |= ram;
	m->any_io |= !ram;
	return r;
}

/* The next SIZE bytes of M, not mapped. */
static inline void fx_hole(struct iow_mapping *m, uint64_t size)
{
	bool io = m->any_io;
	struct iow_map_run *r = fx_run(m, 0, size, 4096, 0, false);

	r->present = false;
	r->leaf_size = 0;
	m->any_io = io;
}

/* --- PAT ------------------------------------------------------------------------ */

static inline void fx_reserve(struct iow_pat *pat, uint64_t start, uint64_t end, unsigned type)
{
	pat->memtypes = realloc(pat->memtypes, (pat->n + 1) * sizeof(*pat->memtypes));
	if (!pat->memtypes)
		abort();
	pat->memtypes[pat->n++] = (struct iow_pat_memtype){ 0xffff888001000000ULL + pat->n * 0x40, start, end,
							    type };
}

/* --- output -------------------------------------------------------------------- */

static inline bool fx_buf_write(void *ctx, const char *s, size_t n)
{
	return !iow_buf_append(ctx, s, n);
}

/* A sink into BUF, emptied. */
static inline struct iow_sink fx_sink(struct iow_buf *buf)
{
	struct iow_sink s = { .write = fx_buf_write, .ctx = buf };

	iow_buf_reset(buf);
	return s;
}

/* GOT equals WANT; else both are printed as TAP diagnostics, line by line. */
static inline bool fx_same(const char *got, const char *want)
{
	const char *g = got, *w = want;

	if (strcmp(got, want) == 0)
		return true;
	printf("# --- want\n");
	for (; *w; w = strchr(w, '\n') ? strchr(w, '\n') + 1 : w + strlen(w))
		printf("#  %.*s\n", (int)strcspn(w, "\n"), w);
	printf("# --- got\n");
	for (; *g; g = strchr(g, '\n') ? strchr(g, '\n') + 1 : g + strlen(g))
		printf("#  %.*s\n", (int)strcspn(g, "\n"), g);
	return false;
}

#endif
