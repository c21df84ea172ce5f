/* check and snapshot: device-memory layout checks for CI.
 *
 * check verifies invariants and prints each violation with its addresses:
 * - resources: start <= end, children inside their parents, siblings in
 *   order and disjoint (kernel/resource.c keeps them so; bad data breaks it);
 * - every ioremap lies in some iomem resource;
 * - every page-table mode equals its reservation, no range is mapped with
 *   two modes, no RAM is ioremapped (the findings of model/mapping.c).
 * A reservation that no kernel mapping uses is noted, not a violation:
 * user-space mappings of BARs make those.
 *
 * snapshot prints the layout as lines that stay the same from boot to boot
 * of the same kernel and devices, whatever KASLR does: resources by physical
 * address (the kernel image's own ranges, which physical KASLR moves, masked),
 * ioremaps by physical range, mode, page size and caller, reservations;
 * never virtual addresses.  check --expect FILE compares with a saved one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/view.h"
#include "kernel/resource.h"
#include "render/json.h"
#include "render/render.h"
#include "util/array.h"

#define SNAPSHOT_HEADER "# iomem-walk snapshot 1"

struct lines {
	char **v;
	size_t n, cap;
};

static int lines_add(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lines_add(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return -1;
	if (iow_array_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
		free(s);
		return -1;
	}
	l->v[l->n++] = s;
	return 0;
}

static void lines_fini(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --- the snapshot ---------------------------------------------------------- */

static bool kaslr_moved(const struct iow_resource *r)
{
	/* kernel/resource.c and arch/x86/kernel/setup.c name the image's
	 * ranges "Kernel code", "Kernel rodata", "Kernel data", "Kernel bss";
	 * physical KASLR moves them. */
	return r->name && strncmp(r->name, "Kernel ", 7) == 0 && r->parent &&
	       r->parent->name && strcmp(r->parent->name, "System RAM") == 0;
}

static int snap_tree(struct lines *l, const char *kind, const struct iow_resource_tree *t)
{
	struct iow_resource *r;

	for (r = t->root.child; r; r = iow_resource_next(r)) {
		int rc;

		if (kaslr_moved(r))
			rc = lines_add(l, "%s %d * 0x%" PRIx64 " %s", kind, r->depth, r->flags, r->name);
		else
			rc = lines_add(l, "%s %d 0x%" PRIx64 "-0x%" PRIx64 " 0x%" PRIx64 " %s", kind, r->depth,
				       r->start, r->end, r->flags, r->name ? r->name : "<BAD>");
		if (rc)
			return -1;
	}
	return 0;
}

static int snap_maps(struct lines *l, const struct iow_view *v)
{
	size_t i, k;

	for (i = 0; i < v->maps.n; i++) {
		const struct iow_mapping *m = &v->maps.m[i];

		for (k = 0; k < m->nruns; k++) {
			const struct iow_map_run *run = &m->runs[k];

			if (!run->present)
				continue;
			/* RAM pages come from the allocator: where is chance. */
			if (run->ram ? lines_add(l, "map RAM size 0x%" PRIx64 " %s %s %s", run->size,
						 iow_memtype_name(run->mode),
						 run->leaf_size == 4096 ? "4K" : "huge",
						 m->area->caller_sym ? m->area->caller_sym : "-")
				     : lines_add(l, "map 0x%" PRIx64 "-0x%" PRIx64 " %s %s %s", run->pa,
						 run->pa + run->size, iow_memtype_name(run->mode),
						 run->leaf_size == 4096 ? "4K" : run->leaf_size == (2u << 20) ? "2M" : "1G",
						 m->area->caller_sym ? m->area->caller_sym : "-"))
				return -1;
		}
	}
	for (i = 0; i < v->pat.n; i++)
		if (lines_add(l, "reservation 0x%" PRIx64 "-0x%" PRIx64 " %s", v->pat.memtypes[i].start,
			      v->pat.memtypes[i].end, iow_memtype_name(v->pat.memtypes[i].type)))
			return -1;
	return 0;
}

struct state {
	struct iow_resource_tree iomem, ioports;
	struct iow_view v;
	bool have_view;
};

static struct iow_error *load(struct iow_session *s, struct state *st)
{
	struct iow_error *err;

	memset(st, 0, sizeof(*st));
	if ((err = iow_resource_tree_read(s->kernel, "iomem_resource", &st->iomem)) ||
	    (err = iow_resource_tree_read(s->kernel, "ioport_resource", &st->ioports)))
		return err;
	st->have_view = true;
	return iow_view_load(s, &st->v, true);
}

static void unload(struct state *st)
{
	iow_resource_tree_fini(&st->iomem);
	iow_resource_tree_fini(&st->ioports);
	if (st->have_view)
		iow_view_fini(&st->v);
}

static int snapshot_lines(struct iow_session *s, struct state *st, struct lines *l)
{
	const struct iow_kernel_layout *kl = iow_kernel_layout(s->kernel);

	if (lines_add(l, "kernel %s", kl->release) || snap_tree(l, "iomem", &st->iomem) ||
	    snap_tree(l, "ioport", &st->ioports) || snap_maps(l, &st->v))
		return -1;
	return 0;
}

struct iow_error *iow_cmd_snapshot(struct iow_session *s, int argc, char **argv, struct iow_sink *out)
{
	struct state st;
	struct lines l = { 0 };
	struct iow_error *err;
	size_t i;

	if (argc > 1)
		return iow_error_create(IOW_ERR_INVALID, "usage: snapshot > FILE");
	if (s->args_only)
		return NULL;
	if ((err = load(s, &st)))
		goto out;
	if (snapshot_lines(s, &st, &l)) {
		err = &iow_error_nomem;
		goto out;
	}
	iow_sink_puts(out, SNAPSHOT_HEADER "\n");
	for (i = 0; i < l.n; i++)
		iow_sink_printf(out, "%s\n", l.v[i]);
out:
	lines_fini(&l);
	unload(&st);
	return err;
}

/* --- the checks ------------------------------------------------------------ */

struct report {
	struct iow_sink *out;
	struct iow_json *j; /* JSON, or NULL for text */
	size_t violations, notes;
};

static void violation(struct report *rp, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void violation(struct report *rp, const char *kind, const char *fmt, ...)
{
	char buf[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rp->violations++;
	if (rp->j) {
		iow_json_begin_object(rp->j, NULL);
		iow_json_string(rp->j, "kind", kind);
		iow_json_string(rp->j, "text", buf);
		iow_json_end_object(rp->j);
	} else {
		iow_sink_printf(rp->out, "VIOLATION %-20s %s\n", kind, buf);
	}
}

static void check_tree(struct report *rp, const char *what, const struct iow_resource_tree *t)
{
	const struct iow_resource *r, *c, *prev;

	for (r = &t->root; r; r = iow_resource_next((struct iow_resource *)r)) {
		if (r->start > r->end)
			violation(rp, "resource-range", "%s: %s [0x%" PRIx64 "-0x%" PRIx64 "] ends before it starts",
				  what, r->name ? r->name : "<BAD>", r->start, r->end);
		for (prev = NULL, c = r->child; c; prev = c, c = c->sibling) {
			if (c->start < r->start || c->end > r->end)
				violation(rp, "resource-outside-parent", "%s: %s [0x%" PRIx64 "-0x%" PRIx64
					  "] lies outside its parent %s [0x%" PRIx64 "-0x%" PRIx64 "]", what,
					  c->name ? c->name : "<BAD>", c->start, c->end,
					  r->name ? r->name : "<BAD>", r->start, r->end);
			if (prev && c->start <= prev->end)
				violation(rp, "resource-overlap", "%s: %s [0x%" PRIx64 "-0x%" PRIx64
					  "] overlaps or precedes its sibling %s [0x%" PRIx64 "-0x%" PRIx64 "]",
					  what, c->name ? c->name : "<BAD>", c->start, c->end,
					  prev->name ? prev->name : "<BAD>", prev->start, prev->end);
		}
	}
}

/* Mappings are whole pages and resources need not be (HPET's is 1 KiB):
 * a mapping is covered when its pages overlap a resource. */
static bool in_some_resource(const struct iow_resource *root, uint64_t pa, uint64_t end)
{
	const struct iow_resource *c;

	for (c = root->child; c; c = c->sibling)
		if (c->start < end && c->end >= pa)
			return true;
	return false;
}

static void check_maps(struct report *rp, const struct state *st)
{
	size_t i, k;

	for (i = 0; i < st->v.maps.n; i++) {
		const struct iow_mapping *m = &st->v.maps.m[i];

		if (!m->ioremap)
			continue;
		for (k = 0; k < m->nruns; k++) {
			const struct iow_map_run *run = &m->runs[k];

			if (run->present && !run->ram &&
			    !in_some_resource(&st->iomem.root, run->pa, run->pa + run->size))
				violation(rp, "ioremap-outside-iomem", "0x%" PRIx64 "-0x%" PRIx64
					  " is ioremapped at 0x%016" PRIx64 " by %s but overlaps no iomem resource",
					  run->pa, run->pa + run->size - 1, run->va,
					  m->area->caller_sym ? m->area->caller_sym : "?");
		}
	}
	for (i = 0; i < st->v.maps.nfindings; i++) {
		const struct iow_finding *f = &st->v.maps.findings[i];

		if (f->kind == IOW_FIND_UNUSED_RESERVATION) {
			rp->notes++;
			if (!rp->j)
				iow_sink_printf(rp->out, "note      %-20s %s\n", iow_finding_kind_name(f->kind), f->text);
			continue;
		}
		violation(rp, iow_finding_kind_name(f->kind), "%s", f->text);
	}
}

static struct iow_error *read_expect(const char *path, struct lines *l)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool header = false;
	struct iow_error *err = NULL;

	if (!f)
		return iow_error_errno(errno, "opening %s", path);
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (strcmp(line, SNAPSHOT_HEADER) == 0)
			header = true;
		if (!n || line[0] == '#')
			continue;
		if (lines_add(l, "%s", line)) {
			err = &iow_error_nomem;
			break;
		}
	}
	free(line);
	fclose(f);
	if (!err && !header)
		err = iow_error_create(IOW_ERR_INVALID, "%s is not an iomem-walk snapshot (no \"%s\" line)",
				       path, SNAPSHOT_HEADER);
	return err;
}

/* Both sorted: what only EXPECTED has was removed, what only NOW has was
 * added (as multisets: two equal ioremaps are two lines). */
static void compare(struct report *rp, struct lines *expected, struct lines *now)
{
	size_t i = 0, j = 0;

	qsort(expected->v, expected->n, sizeof(char *), cmp_str);
	qsort(now->v, now->n, sizeof(char *), cmp_str);
	while (i < expected->n || j < now->n) {
		int c = i == expected->n ? 1 : j == now->n ? -1 : strcmp(expected->v[i], now->v[j]);

		if (c == 0) {
			i++, j++;
		} else if (c < 0) {
			violation(rp, "expect-removed", "- %s", expected->v[i++]);
		} else {
			violation(rp, "expect-added", "+ %s", now->v[j++]);
		}
	}
}

struct iow_error *iow_cmd_check(struct iow_session *s, int argc, char **argv, struct iow_sink *out)
{
	struct report rp = { .out = out };
	struct lines expected = { 0 }, now = { 0 };
	const char *expect = NULL;
	bool json = s->json;
	struct iow_json j;
	struct state st;
	struct iow_error *err;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc)
			expect = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return iow_error_create(IOW_ERR_INVALID, "usage: check [--expect FILE] [--json]");
	}
	if (s->args_only)
		return NULL;
	if (expect && (err = read_expect(expect, &expected)))
		return err;
	if ((err = load(s, &st)))
		goto out; /* a walk that broke off: an error (exit 2), not a verdict */
	if (json) {
		iow_json_init(&j, out);
		iow_json_begin_object(&j, NULL);
		iow_json_begin_array(&j, "violations");
		rp.j = &j;
	}
	check_tree(&rp, "iomem", &st.iomem);
	check_tree(&rp, "ioports", &st.ioports);
	check_maps(&rp, &st);
	if (expect) {
		if (snapshot_lines(s, &st, &now)) {
			err = &iow_error_nomem;
			goto out;
		}
		compare(&rp, &expected, &now);
	}
	if (json) {
		iow_json_end_array(&j);
		iow_json_u64(&j, "violations_count", rp.violations);
		iow_json_u64(&j, "notes", rp.notes);
		iow_json_end_object(&j);
		iow_json_finish(&j);
	} else {
		iow_sink_printf(out, "check: %zu violation%s%s\n", rp.violations, rp.violations == 1 ? "" : "s",
				expect ? " (with the expected layout)" : "");
	}
	s->findings += rp.violations;
out:
	lines_fini(&expected);
	lines_fini(&now);
	unload(&st);
	return err;
}
