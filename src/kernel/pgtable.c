/* kernel/pgtable: walking the kernel's page tables, one address at a time
 * or level by level for many, driven by the architecture's page-table
 * format (src/arch/arch.h): index bits and shifts per level, and the
 * decoding of an entry.  Nothing here knows the architecture.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/internal.h"

#define MAX_CURSORS 65536      /* tables visited by one prefetch per level, at most */
#define MAX_ENTRIES (1u << 20) /* entries it looks at, at most (a hint: bounded work) */

static unsigned index_of(const struct iow_pt_level_format *lf, uint64_t va)
{
	return (unsigned)((va >> lf->shift) & ((1ULL << lf->bits) - 1));
}

/* Bytes of one table at a level. */
static uint64_t table_size(const struct iow_pt_level_format *lf)
{
	return (1ULL << lf->bits) * IOW_PT_ENTRY_SIZE;
}

/* Whether TABLE is one the walk so far went through: Linux's tables form
 * a tree (no recursive mappings), so a table met again is a loop. */
static bool on_path(const struct iow_translation *t, uint64_t table)
{
	int i;

	for (i = 0; i < t->nr_levels; i++)
		if (t->levels[i].table_pa == table)
			return true;
	return false;
}

struct iow_error *iow_kernel_walk(struct iow_kernel *k, const struct iow_pt_format *f, uint64_t root,
				  uint64_t va, struct iow_translation *out)
{
	const struct iow_arch *a = f->arch;
	uint64_t table = a->root_table(f, root);
	int level;

	memset(out, 0, sizeof(*out));
	out->va = va;
	for (level = f->levels; level >= 1; level--) {
		const struct iow_pt_level_format *lf = &f->level[level];
		struct iow_pt_level *l = &out->levels[out->nr_levels++];
		unsigned idx = index_of(lf, va);
		struct iow_error *err;
		uint64_t e;

		l->level = level;
		l->shift = lf->shift;
		l->table_pa = table;
		l->index = idx;
		if (!iow_kernel_is_ram(k, table, table_size(lf)))
			return iow_error_at(IOW_ERR_DATA, table,
					    "page table for 0x%" PRIx64 " at physical 0x%" PRIx64
					    " (level %d) is not in RAM", va, table, level);
		err = k->mem->read_pa(k, table + idx * IOW_PT_ENTRY_SIZE, &e, IOW_PT_ENTRY_SIZE);
		if (err)
			return iow_error_wrap(err, "page table for 0x%" PRIx64, va);
		l->entry = e;
		if (!a->entry_present(f, level, e))
			return NULL;
		if (a->entry_is_leaf(f, level, e)) {
			uint64_t size = 1ULL << lf->shift;

			out->present = true;
			out->leaf = e;
			out->leaf_size = size;
			out->pa = a->entry_pa(f, level, e) | (va & (size - 1));
			out->memtype_index = a->memtype_index(f, level, e);
			if (a->leaf_attrs)
				a->leaf_attrs(f, level, e, &out->attrs);
			return NULL;
		}
		if (level == 1)
			return NULL; /* no leaf where one must be: not mapped */
		table = a->entry_table(f, level, e);
		if (on_path(out, table))
			return iow_error_at(IOW_ERR_DATA, l->table_pa + idx * IOW_PT_ENTRY_SIZE,
					    "page tables for 0x%" PRIx64 " loop: the %s entry at physical "
					    "0x%" PRIx64 " points back at the table at 0x%" PRIx64, va,
					    lf->name, l->table_pa + idx * IOW_PT_ENTRY_SIZE, table);
	}
	return NULL;
}

struct iow_error *iow_kernel_translate(struct iow_kernel *k, uint64_t va, struct iow_translation *out)
{
	return iow_kernel_walk(k, &k->fmt, k->lay.pgd_phys, va, out);
}

bool iow_kernel_walk_needs(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
			   uint64_t *addr, size_t *n)
{
	const struct iow_pt_format *f = &k->fmt;
	const struct iow_arch *a = f->arch;
	uint64_t pa = 0, table;
	int level;

	if (k->mem->direct(k, va)) {
		if (!k->mem->where(k, va, len, space, addr) || iow_target_cached(k->t, *space, *addr, len))
			return false;
		*n = len;
		return true;
	}
	table = a->root_table(f, k->lay.pgd_phys);
	for (level = f->levels; level >= 1; level--) {
		const struct iow_pt_level_format *lf = &f->level[level];
		uint64_t e, at = table + index_of(lf, va) * IOW_PT_ENTRY_SIZE;
		struct iow_error *err;

		if (!iow_kernel_is_ram(k, table, table_size(lf)) || !k->mem->where_pa(k, at, space, addr))
			return false; /* the walk would refuse it */
		if (!iow_target_cached(k->t, *space, *addr, IOW_PT_ENTRY_SIZE)) {
			*n = IOW_PT_ENTRY_SIZE;
			return true;
		}
		if ((err = k->mem->read_pa(k, at, &e, IOW_PT_ENTRY_SIZE))) { /* from the cache */
			iow_error_destroy(err);
			return false;
		}
		if (!a->entry_present(f, level, e))
			return false;
		if (a->entry_is_leaf(f, level, e)) {
			pa = a->entry_pa(f, level, e) | (va & ((1ULL << lf->shift) - 1));
			break;
		}
		if (level == 1)
			return false;
		table = a->entry_table(f, level, e);
	}
	if (!k->mem->where_pa(k, pa, space, addr) || !iow_kernel_is_ram(k, pa, len) ||
	    iow_target_cached(k->t, *space, *addr, len))
		return false;
	*n = len;
	return true;
}

/* --- page tables in lockstep ------------------------------------------------ */

/* A range of virtual addresses whose entries in TABLE (at LEVEL) are wanted. */
struct cursor {
	uint64_t table, va, end; /* end: exclusive; va..end-1 within TABLE's span */
	int level;
};

/* The entries every cursor needs of its table, asked for in one group per
 * address space; ADDR and LEN have room for NCUR each. */
static void fetch_entries(struct iow_kernel *k, const struct cursor *cur, size_t ncur,
			  uint64_t *addr[2], size_t *len[2])
{
	size_t cnt[2] = { 0, 0 }, i;

	for (i = 0; i < ncur; i++) {
		const struct iow_pt_level_format *lf = &k->fmt.level[cur[i].level];
		uint64_t first = index_of(lf, cur[i].va), last = index_of(lf, cur[i].end - 1), at;
		enum iow_space sp;

		if (k->mem->where_pa(k, cur[i].table + first * IOW_PT_ENTRY_SIZE, &sp, &at)) {
			addr[sp][cnt[sp]] = at;
			len[sp][cnt[sp]++] = (last - first + 1) * IOW_PT_ENTRY_SIZE;
		}
	}
	iow_target_prefetch(k->t, IOW_SPACE_VIRT, addr[IOW_SPACE_VIRT], len[IOW_SPACE_VIRT],
			    cnt[IOW_SPACE_VIRT]);
	iow_target_prefetch(k->t, IOW_SPACE_PHYS, addr[IOW_SPACE_PHYS], len[IOW_SPACE_PHYS],
			    cnt[IOW_SPACE_PHYS]);
}

/* The cursors of the next level down, from the entries C's range needs
 * (now cached); returns how many were added to NEXT. */
static size_t descend(struct iow_kernel *k, const struct cursor *c, struct cursor *next, size_t room,
		      size_t *budget)
{
	const struct iow_pt_format *f = &k->fmt;
	const struct iow_pt_level_format *lf = &f->level[c->level];
	uint64_t span = 1ULL << lf->shift, va = c->va, e;
	size_t nnext = 0;

	while (va < c->end && nnext < room && *budget) {
		uint64_t at = c->table + index_of(lf, va) * IOW_PT_ENTRY_SIZE, stop = (va | (span - 1)) + 1;
		struct iow_error *err;

		if (stop > c->end || stop == 0)
			stop = c->end;
		(*budget)--;
		err = iow_kernel_is_ram(k, at, IOW_PT_ENTRY_SIZE)
			      ? k->mem->read_pa(k, at, &e, IOW_PT_ENTRY_SIZE)
			      : iow_error_create(IOW_ERR_FAULT, "not RAM");
		if (err) {
			iow_error_destroy(err);
			break;
		}
		if (f->arch->entry_present(f, c->level, e) && !f->arch->entry_is_leaf(f, c->level, e))
			next[nnext++] = (struct cursor){ f->arch->entry_table(f, c->level, e), va, stop,
							 c->level - 1 };
		va = stop;
	}
	return nnext;
}

void iow_kernel_prefetch_tables(struct iow_kernel *k, const uint64_t *vas, const uint64_t *lens,
				size_t n)
{
	struct cursor *cur = NULL, *next = NULL;
	uint64_t *addr[2] = { NULL, NULL };
	size_t *len[2] = { NULL, NULL }, ncur = 0, i, budget = MAX_ENTRIES;
	uint64_t top;

	if (!n || !iow_target_can_prefetch(k->t))
		return;
	cur = malloc(MAX_CURSORS * sizeof(*cur));
	next = malloc(MAX_CURSORS * sizeof(*next));
	for (i = 0; i < 2; i++) {
		addr[i] = malloc(MAX_CURSORS * sizeof(uint64_t));
		len[i] = malloc(MAX_CURSORS * sizeof(size_t));
	}
	if (!cur || !next || !addr[0] || !addr[1] || !len[0] || !len[1])
		goto out;
	top = k->fmt.arch->root_table(&k->fmt, k->lay.pgd_phys);
	for (i = 0; i < n && ncur < MAX_CURSORS; i++)
		if (lens[i] && vas[i] + lens[i] > vas[i])
			cur[ncur++] = (struct cursor){ top, vas[i], vas[i] + lens[i], k->fmt.levels };
	/* One level of every walk per round trip: the entries each range
	 * needs in the tables known so far, then the tables they lead to. */
	while (ncur) {
		size_t nnext = 0;
		struct cursor *t;

		fetch_entries(k, cur, ncur, addr, len);
		for (i = 0; i < ncur; i++)
			if (cur[i].level > 1)
				nnext += descend(k, &cur[i], next + nnext, MAX_CURSORS - nnext, &budget);
		t = cur;
		cur = next;
		next = t;
		ncur = nnext;
	}
out:
	free(cur);
	free(next);
	for (i = 0; i < 2; i++) {
		free(addr[i]);
		free(len[i]);
	}
}

void iow_kernel_describe_walk(const struct iow_kernel *k, const struct iow_translation *tr,
			      struct iow_pte_view *v)
{
	const struct iow_pt_format *f = &k->fmt;
	int i;

	memset(v, 0, sizeof(*v));
	v->va = tr->va;
	v->index_name = f->arch->memtype_index_name;
	v->index_key = f->arch->memtype_index_key;
	for (i = 0; i < tr->nr_levels && i < IOW_PT_MAX_LEVELS; i++) {
		const struct iow_pt_level *l = &tr->levels[i];
		struct iow_pte_view_level *o = &v->levels[v->nr_levels++];

		o->name = f->level[l->level].name;
		o->index = l->index;
		o->table_pa = l->table_pa;
		o->entry_pa = l->table_pa + (uint64_t)l->index * IOW_PT_ENTRY_SIZE;
		o->entry = l->entry;
		f->arch->entry_flags(f, l->level, l->entry, o->flags, sizeof(o->flags));
	}
	v->present = tr->present;
	if (tr->present) {
		v->pa = tr->pa;
		v->page_size = tr->leaf_size;
		v->index = tr->memtype_index;
		v->attrs = tr->attrs;
	}
}
