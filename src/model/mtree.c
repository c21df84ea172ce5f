/* model/mtree: see mtree.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/mtree.h"
#include "util/array.h"

#define LINE_MAX_SHOWN 120

static const struct {
	const char *name;
	enum iow_mtree_type type;
} types[] = {
	{ "ram", IOW_MTREE_RAM }, { "rom", IOW_MTREE_ROM }, { "romd", IOW_MTREE_ROMD },
	{ "i/o", IOW_MTREE_IO },
};

const char *iow_mtree_type_name(enum iow_mtree_type t)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return types[i].name;
	return "other";
}

static char *dup_n(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = 0;
	}
	return s;
}

static bool starts(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

/* 16 hex digits at P (QEMU prints every address with TARGET_FMT_plx). */
static bool hex16(const char *p, const char *end, uint64_t *v)
{
	int i;

	if (end - p < 16)
		return false;
	*v = 0;
	for (i = 0; i < 16; i++) {
		int c = p[i];

		if (!isxdigit(c))
			return false;
		*v = *v << 4 | (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	return true;
}

static void region_fini(struct iow_mtree_region *r)
{
	free(r->type_name);
	free(r->name);
	free(r->owner);
}

static void view_fini(struct iow_mtree_view *v)
{
	size_t i;

	for (i = 0; i < v->nspaces; i++)
		free(v->spaces[i]);
	free(v->spaces);
	free(v->root);
	for (i = 0; i < v->n; i++)
		region_fini(&v->regions[i]);
	free(v->regions);
}

void iow_mtree_fini(struct iow_mtree *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		view_fini(&m->views[i]);
	free(m->views);
	memset(m, 0, sizeof(*m));
}

static struct iow_error *bad(const char *p, const char *end, const char *why)
{
	int n = (int)(end - p) > LINE_MAX_SHOWN ? LINE_MAX_SHOWN : (int)(end - p);

	return iow_error_create(IOW_ERR_PROTOCOL, "QEMU's memory map: %s: \"%.*s\"", why, n, p);
}

/* The owner suffix (mtree_print_mr_owner(), system/memory.c): " orphan",
 * or " owner:{KIND KEY=VALUE}" or " parent:{KIND KEY=VALUE}" with KIND dev
 * or obj and KEY id, path or type, at the end of [P, *END): taken off *END. */
static struct iow_error *take_owner(const char *p, const char **end, struct iow_mtree_region *r)
{
	static const char *const tags[] = { " owner:{", " parent:{" };
	static const char *const keys[] = { "id", "path", "type" };
	const char *e = *end, *best = NULL;
	size_t i, tag = 0;

	if (e - p >= 7 && memcmp(e - 7, " orphan", 7) == 0) {
		r->orphan = true;
		*end = e - 7;
		return NULL;
	}
	if (e == p || e[-1] != '}')
		return NULL;
	for (i = 0; i < 2; i++) {
		size_t n = strlen(tags[i]);
		const char *q;

		for (q = e - n; q >= p; q--)
			if (memcmp(q, tags[i], n) == 0) {
				if (!best || q > best) {
					best = q;
					tag = i;
				}
				break;
			}
	}
	if (!best)
		return NULL;
	{
		const char *in = best + strlen(tags[tag]), *close = e - 1, *val = NULL;

		if (starts(in, close, "dev "))
			r->owner_is_dev = true;
		else if (!starts(in, close, "obj "))
			return bad(p, e, "an owner that is neither dev nor obj");
		in += 4;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !val; i++)
			if (starts(in, close, keys[i]) && in + strlen(keys[i]) < close &&
			    in[strlen(keys[i])] == '=') {
				r->owner_by = keys[i];
				val = in + strlen(keys[i]) + 1;
			}
		if (!val)
			return bad(p, e, "an owner named by neither id, path nor type");
		r->owner = dup_n(val, (size_t)(close - val));
		if (!r->owner)
			return &iow_error_nomem;
		r->owner_is_parent = tag == 1;
	}
	*end = best;
	return NULL;
}

/* "  START-END (prio N, TYPE): NAME[ @OFFSET][ owner:{...}]" */
static struct iow_error *parse_region(const char *p, const char *end, struct iow_mtree_region *r)
{
	const char *q, *comma, *close;
	struct iow_error *err;
	long prio;
	size_t i;

	memset(r, 0, sizeof(*r));
	q = p + 2;
	if (!hex16(q, end, &r->start) || q + 16 >= end || q[16] != '-' || !hex16(q + 17, end, &r->end))
		return bad(p, end, "a region line without START-END");
	q += 33;
	if (!starts(q, end, " (prio "))
		return bad(p, end, "a region line without its priority");
	q += 7;
	/* by hand: strtol would read on past the line's end */
	{
		bool minus = q < end && *q == '-';
		const char *digits = q + minus;

		for (comma = digits, prio = 0; comma < end && isdigit((unsigned char)*comma) && prio < 1000000;
		     comma++)
			prio = prio * 10 + (*comma - '0');
		if (comma == digits || !starts(comma, end, ", "))
			return bad(p, end, "a region line with a bad priority");
		if (minus)
			prio = -prio;
	}
	r->prio = (int)prio;
	q = comma + 2;
	close = memchr(q, ')', (size_t)(end - q));
	if (!close || !starts(close, end, "): ") || close == q)
		return bad(p, end, "a region line without its type");
	if (!(r->type_name = dup_n(q, (size_t)(close - q))))
		return &iow_error_nomem;
	r->type = IOW_MTREE_OTHER;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(r->type_name, types[i].name) == 0)
			r->type = types[i].type;
	q = close + 3;
	if ((err = take_owner(q, &end, r)))
		return err;
	/* " @" and 16 hex digits: the offset into the region */
	if (end - q >= 18 && end[-18] == ' ' && end[-17] == '@' && hex16(end - 16, end, &r->offset)) {
		r->has_offset = true;
		end -= 18;
	}
	if (end == q)
		return bad(p, end, "a region without a name");
	if (!(r->name = dup_n(q, (size_t)(end - q))))
		return &iow_error_nomem;
	if (r->end < r->start)
		return bad(p, end, "a region that ends before it starts");
	return NULL;
}

static int cmp_region(const void *a, const void *b)
{
	const struct iow_mtree_region *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static struct iow_error *parse_line(struct iow_mtree *m, const char *p, const char *end)
{
	struct iow_mtree_view *v = m->n ? &m->views[m->n - 1] : NULL;
	struct iow_error *err;

	const char *q;

	if (p == end)
		return NULL;
	/* QEMU prints names as they are; a control character (a NUL above
	 * all) is no part of them, and would cut a name short. */
	for (q = p; q < end; q++)
		if ((unsigned char)*q < 0x20 && *q != '\t')
			return bad(p, end, "a control character in a line");
	if (starts(p, end, "FlatView #")) {
		if (iow_array_reserve(&m->views, &m->cap, m->n + 1, sizeof(*m->views)))
			return &iow_error_nomem;
		memset(&m->views[m->n++], 0, sizeof(*m->views));
		m->views[m->n - 1].rendered = true;
		return NULL;
	}
	if (!v)
		return bad(p, end, "text before the first FlatView");
	if (starts(p, end, " AS \"")) {
		const char *name = p + 5, *quote = memchr(name, '"', (size_t)(end - name));

		if (!quote)
			return bad(p, end, "an address space without its closing quote");
		if (iow_array_reserve(&v->spaces, &v->spaces_cap, v->nspaces + 1, sizeof(*v->spaces)))
			return &iow_error_nomem;
		if (!(v->spaces[v->nspaces] = dup_n(name, (size_t)(quote - name))))
			return &iow_error_nomem;
		v->nspaces++;
		return NULL;
	}
	if (starts(p, end, " Root memory region: ")) {
		const char *name = p + 21;

		if (v->root)
			return bad(p, end, "a second root region in one FlatView");
		if (!starts(name, end, "(none)") && !(v->root = dup_n(name, (size_t)(end - name))))
			return &iow_error_nomem;
		return NULL;
	}
	if (starts(p, end, "  No rendered FlatView")) {
		v->rendered = false;
		return NULL;
	}
	if (starts(p, end, "  ") && end - p > 2 && isxdigit((unsigned char)p[2])) {
		if (iow_array_reserve(&v->regions, &v->cap, v->n + 1, sizeof(*v->regions)))
			return &iow_error_nomem;
		err = parse_region(p, end, &v->regions[v->n]);
		if (err) {
			region_fini(&v->regions[v->n]);
			return err;
		}
		v->n++;
		return NULL;
	}
	return bad(p, end, "a line that is not part of `info mtree -f`");
}

struct iow_error *iow_mtree_parse(const char *text, size_t len, struct iow_mtree *out)
{
	const char *p = text, *end = text + len;
	struct iow_error *err = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;

		if (e > p && e[-1] == '\r')
			e--;
		err = parse_line(out, p, e);
		p = nl ? nl + 1 : end;
	}
	if (!err && !out->n)
		err = iow_error_create(IOW_ERR_PROTOCOL, "QEMU's memory map: no FlatView in %zu bytes", len);
	for (i = 0; !err && i < out->n; i++) {
		struct iow_mtree_view *v = &out->views[i];

		if (!v->nspaces)
			err = iow_error_create(IOW_ERR_PROTOCOL, "QEMU's memory map: a FlatView of no "
					       "address space");
		else if (v->n)
			qsort(v->regions, v->n, sizeof(*v->regions), cmp_region);
		for (size_t j = 0; j < v->n; j++) {
			struct iow_mtree_region *r = &v->regions[j];

			/* mtree.h: QEMU's I/O root, or a window from address 0 */
			r->background = r->type == IOW_MTREE_IO &&
					((v->root && strcmp(r->name, v->root) == 0) ||
					 (r->has_offset && r->offset == r->start));
		}
		/* A flat view's ranges never overlap (QEMU splits them); the
		 * lookup counts on it. */
		for (size_t j = 1; !err && j < v->n; j++)
			if (v->regions[j].start <= v->regions[j - 1].end)
				err = iow_error_create(IOW_ERR_PROTOCOL, "QEMU's memory map: regions 0x%" PRIx64
						       "-0x%" PRIx64 " and 0x%" PRIx64 "-0x%" PRIx64 " overlap",
						       v->regions[j - 1].start, v->regions[j - 1].end,
						       v->regions[j].start, v->regions[j].end);
	}
	if (err)
		iow_mtree_fini(out);
	return err;
}

bool iow_mtree_is_machine_memory(const struct iow_mtree_region *r)
{
	return (r->type == IOW_MTREE_RAM || r->type == IOW_MTREE_ROM) && !r->owner_is_dev && !r->background;
}

const struct iow_mtree_view *iow_mtree_space(const struct iow_mtree *m, const char *name)
{
	size_t i, j;

	for (i = 0; i < m->n; i++)
		for (j = 0; j < m->views[i].nspaces; j++)
			if (strcmp(m->views[i].spaces[j], name) == 0)
				return &m->views[i];
	return NULL;
}

const struct iow_mtree_region *iow_mtree_lookup(const struct iow_mtree_view *view, uint64_t addr)
{
	size_t lo = 0, hi = view->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct iow_mtree_region *r = &view->regions[mid];

		if (addr > r->end)
			lo = mid + 1;
		else if (addr < r->start)
			hi = mid;
		else
			return r;
	}
	return NULL;
}
