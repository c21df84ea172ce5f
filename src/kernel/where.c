/* where: see where.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/where.h"
#include "util/array.h"

#define PAGE_SHIFT 12 /* the project reads 4 KiB pages (kernel/internal.h) */
#define SYM_MAX 512

struct layout {
	uint64_t page_size, page_flags, compound_head;
	uint64_t slab_cache, kc_name, kc_list;
	bool has_pgty;
	uint64_t page_type;
	int64_t pgty_slab;
};

struct flag_layout {
	int64_t pg_reserved;
	bool has_pg_slab;
	int64_t pg_slab;
};

#define L struct layout
/* include/linux/mm_types.h (struct page), mm/slab.h (struct slab, and
 * 6.12's struct kmem_cache), include/linux/slub_def.h (6.1's), looked up
 * in mm/slub.c. */
static const struct iow_layout_field fields[] = {
	IOW_LAYOUT_SIZE(L, "page", page_size),
	IOW_LAYOUT_MEMBER(L, "page", "flags", page_flags),
	IOW_LAYOUT_MEMBER(L, "page", "compound_head", compound_head),
	IOW_LAYOUT_MEMBER(L, "slab", "slab_cache", slab_cache),
	IOW_LAYOUT_MEMBER(L, "kmem_cache", "name", kc_name),
	IOW_LAYOUT_MEMBER(L, "kmem_cache", "list", kc_list),
	IOW_LAYOUT_GROUP(L, has_pgty, "6.12: a slab page is the page type PGTY_slab, the top byte of "
			 "page_type (include/linux/page-flags.h, enum pagetype)"),
	IOW_LAYOUT_ENUM(L, "pagetype", "PGTY_slab", pgty_slab),
	IOW_LAYOUT_MEMBER(L, "page", "page_type", page_type),
	IOW_LAYOUT_END,
};
#undef L

#define F struct flag_layout
/* include/linux/page-flags.h, enum pageflags, looked up in mm/page_alloc.c */
static const struct iow_layout_field flag_fields[] = {
	IOW_LAYOUT_ENUM(F, "pageflags", "PG_reserved", pg_reserved),
	IOW_LAYOUT_GROUP(F, has_pg_slab, "before 6.10: a slab page has the page flag PG_slab "
			 "(include/linux/page-flags.h)"),
	IOW_LAYOUT_ENUM(F, "pageflags", "PG_slab", pg_slab),
	IOW_LAYOUT_END,
};
#undef F

/* An address in RAM's direct map, on its way to a slab cache. */
struct pending {
	size_t i;          /* its location */
	uint64_t page;     /* its struct page */
	uint64_t head;     /* the compound head's, once read */
	uint64_t cache;    /* the slab_cache it names */
};

struct ctx {
	struct iow_kernel *k;
	struct layout l;
	struct flag_layout fl;
	struct iow_location *locs;
	struct pending *p;
	size_t np, capp;
};

static void fetch(struct iow_kernel *k, const uint64_t *vas, size_t n, size_t len)
{
	size_t *lens = malloc((n ? n : 1) * sizeof(*lens)), i;

	if (!lens)
		return; /* a hint */
	for (i = 0; i < n; i++)
		lens[i] = len;
	iow_kernel_prefetch(k, vas, lens, n);
	free(lens);
}

/* Prefetch field OFF (LEN bytes) of every pending's object at its FIELD. */
static void fetch_each(struct ctx *c, size_t field, uint64_t off, size_t len)
{
	uint64_t *vas = malloc((c->np ? c->np : 1) * sizeof(*vas));
	size_t i, n = 0;

	if (!vas)
		return;
	for (i = 0; i < c->np; i++) {
		uint64_t base;

		memcpy(&base, (const char *)&c->p[i] + field, 8);
		if (base)
			vas[n++] = base + off;
	}
	fetch(c->k, vas, n, len);
	free(vas);
}

/* Whether the kmem_cache at CACHE is one: its list entry's neighbours
 * point back at it (mm/slab_common.c keeps every cache on slab_caches). */
static bool is_cache(struct ctx *c, uint64_t cache, char *name, size_t len)
{
	uint64_t entry = cache + c->l.kc_list, links[2], back, nameptr;

	if (iow_kernel_read(c->k, entry, links, sizeof(links)))
		return false;
	if (iow_kernel_read_u64(c->k, links[0] + 8, &back) || back != entry)
		return false;
	if (iow_kernel_read_u64(c->k, links[1], &back) || back != entry)
		return false;
	if (iow_kernel_read_u64(c->k, cache + c->l.kc_name, &nameptr) || !nameptr)
		return false;
	return iow_kernel_read_string(c->k, nameptr, name, len) == NULL;
}

static bool bit(uint64_t flags, int64_t nr)
{
	return nr >= 0 && nr < 64 && (flags >> nr) & 1;
}

/* The slab caches of the pending addresses. */
static struct iow_error *slabs(struct ctx *c)
{
	size_t i;

	fetch_each(c, offsetof(struct pending, page), 0, c->l.page_size);
	for (i = 0; i < c->np; i++) {
		uint64_t ch;

		c->p[i].head = c->p[i].page;
		if (!iow_kernel_read_u64(c->k, c->p[i].page + c->l.compound_head, &ch) && (ch & 1))
			c->p[i].head = ch - 1; /* a tail page: include/linux/page-flags.h, _compound_head() */
	}
	fetch_each(c, offsetof(struct pending, head), 0, c->l.page_size);
	for (i = 0; i < c->np; i++) {
		struct pending *p = &c->p[i];
		struct iow_location *loc = &c->locs[p->i];
		uint64_t flags = 0, cache = 0;
		uint32_t type = 0;
		bool marked = true;

		if (iow_kernel_read_u64(c->k, p->head + c->l.page_flags, &flags) ||
		    iow_kernel_read_u64(c->k, p->head + c->l.slab_cache, &cache))
			continue;
		if (c->fl.has_pg_slab)
			marked = bit(flags, c->fl.pg_slab);
		else if (c->l.has_pgty && !iow_kernel_read(c->k, p->head + c->l.page_type, &type, 4))
			marked = (int64_t)(type >> 24) == c->l.pgty_slab;
		if (marked && cache) {
			p->cache = cache;
			continue;
		}
		loc->where = bit(flags, c->fl.pg_reserved) ? IOW_WHERE_RESERVED : IOW_WHERE_PAGE;
	}
	fetch_each(c, offsetof(struct pending, cache), c->l.kc_list, 16);
	fetch_each(c, offsetof(struct pending, cache), c->l.kc_name, 8);
	for (i = 0; i < c->np; i++) {
		struct pending *p = &c->p[i];
		char name[128];
		size_t j;

		if (!p->cache)
			continue;
		for (j = 0; j < i; j++) /* a cache seen already */
			if (c->p[j].cache == p->cache && c->locs[c->p[j].i].cache)
				break;
		if (j < i) {
			c->locs[p->i].where = IOW_WHERE_SLAB;
			if (!(c->locs[p->i].cache = strdup(c->locs[c->p[j].i].cache)))
				return &iow_error_nomem;
			continue;
		}
		if (!is_cache(c, p->cache, name, sizeof(name)))
			continue; /* not a cache after all: unknown */
		c->locs[p->i].where = IOW_WHERE_SLAB;
		if (!(c->locs[p->i].cache = strdup(name)))
			return &iow_error_nomem;
	}
	return NULL;
}

struct iow_error *iow_locate(struct iow_kernel *k, struct iow_modules *mods, const uint64_t *addrs, size_t n,
			     struct iow_location **out)
{
	const struct iow_kernel_layout *kl = iow_kernel_layout(k);
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	struct ctx c = { .k = k };
	struct iow_error *err = NULL;
	bool have_slab;
	uint64_t image_end = kl->image_end;
	size_t i;

	*out = NULL;
	/* A kernel without these structs (or a flat one) has its slab
	 * objects left unknown. */
	if (!(err = iow_layout_probe(dbg, "kmem_cache_free", fields, IOW_LAYOUT_COUNT(fields), &c.l)))
		err = iow_layout_probe(dbg, "__free_pages", flag_fields, IOW_LAYOUT_COUNT(flag_fields), &c.fl);
	have_slab = !err && kl->vmemmap_base && c.l.page_size >= 32 && c.l.page_size <= 256;
	if (err && !iow_error_catch(&err, IOW_ERR_NOTFOUND))
		return err;
	/* the image's end: the layout's, else the vmlinux's _end */
	if (!image_end && (err = iow_kernel_symbol(k, "_end", &image_end)) &&
	    !iow_error_catch(&err, IOW_ERR_NOTFOUND))
		return err;
	if (!(c.locs = calloc(n ? n : 1, sizeof(*c.locs))))
		return &iow_error_nomem;
	for (i = 0; i < n && !err; i++) {
		struct iow_location *loc = &c.locs[i];
		uint64_t a = addrs[i], pa;
		const char *mod;
		char sym[SYM_MAX];
		bool found = false;

		loc->addr = a;
		if (a >= kl->image_start && a < image_end) {
			loc->where = IOW_WHERE_IMAGE;
			if ((err = iow_kernel_symbolize(k, NULL, a, sym, sizeof(sym))))
				break;
			if (!(loc->symbol = strdup(sym)))
				err = &iow_error_nomem;
		} else if ((mod = iow_modules_holding(mods, a))) {
			loc->where = IOW_WHERE_MODULE;
			if (!(loc->module = strdup(mod))) {
				err = &iow_error_nomem;
				break;
			}
			/* a module whose symbols cannot be read still holds it */
			if ((err = iow_modules_symbolize(k, mods, a, sym, sizeof(sym), &found))) {
				if (iow_error_is_link(err))
					break;
				iow_error_destroy(err);
				err = NULL;
			} else if (found && !(loc->symbol = strdup(sym))) {
				err = &iow_error_nomem;
			}
		} else if (have_slab && a >= kl->page_offset_base &&
			   iow_kernel_is_ram(k, (pa = a - kl->page_offset_base), 1)) {
			if (iow_array_reserve(&c.p, &c.capp, c.np + 1, sizeof(*c.p))) {
				err = &iow_error_nomem;
				break;
			}
			c.p[c.np++] = (struct pending){ .i = i,
							 .page = kl->vmemmap_base + (pa >> PAGE_SHIFT) * c.l.page_size };
		}
	}
	if (!err && c.np)
		err = slabs(&c);
	free(c.p);
	if (err) {
		for (i = 0; i < n; i++)
			iow_location_fini(&c.locs[i]);
		free(c.locs);
		return err;
	}
	*out = c.locs;
	return NULL;
}
