/* render/qemu: QEMU's memory map beside the guest's (model/qemu), as the
 * mtree view (text and JSON), and the lines the annotated tree shows
 * under each resource.
 *
 * The mtree text is one listing per address space, in address order on
 * both sides: a row for each QEMU region, and for each gap (where QEMU
 * has nothing, or only a background region) in which a guest resource
 * starts; under each row, indented by their depth, the guest resources
 * that start in it.  So every region and every resource appears once,
 * where it begins.  A resource that reaches beyond its row says what QEMU
 * has over the whole of it ("<- QEMU: 4 regions"; "nothing"; "3 regions,
 * the rest unassigned"): a BAR over several of a device's regions, a
 * window over many BARs and the gaps between them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/json.h"
#include "render/render.h"

#define C_BAD "\033[31m"
#define C_NOTE "\033[33m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

/* Deeper resources are indented no further (as /proc caps at 5). */
#define DEPTH_SHOWN 16

/* QEMU's owner of R as -o prints it, less the braces: "dev /machine/q35",
 * "dev id=scsi0", "parent obj /machine/unattached", "orphan"; "" when the
 * map has no owners (no -o). */
static const char *owner_text(const struct iow_mtree_region *r, char *buf, size_t len)
{
	if (!r->owner)
		snprintf(buf, len, "%s", r->orphan ? "orphan" : "");
	else
		snprintf(buf, len, "%s%s %s%s%.200s", r->owner_is_parent ? "parent " : "", r->owner_is_dev ? "dev" : "obj",
			 r->owner_by && strcmp(r->owner_by, "path") ? r->owner_by : "",
			 r->owner_by && strcmp(r->owner_by, "path") ? "=" : "", r->owner);
	return buf;
}

/* "pc.ram @0x100000" */
static const char *region_name(const struct iow_mtree_region *r, char *buf, size_t len)
{
	if (r->has_offset)
		snprintf(buf, len, "%.200s @0x%" PRIx64, r->name, r->offset);
	else
		snprintf(buf, len, "%.200s", r->name);
	return buf;
}

static void marker(const struct iow_qemu_finding *f, bool color, struct iow_sink *out)
{
	bool note;

	if (!f)
		return;
	note = iow_qemu_kind_is_note(f->kind);
	iow_sink_printf(out, "  %s[%s %s]%s", color ? (note ? C_NOTE : C_BAD) : "", note ? "note" : "VIOLATION",
			iow_qemu_kind_name(f->kind), color ? C_OFF : "");
}

/* --- the annotated tree's lines ----------------------------------------- */

struct tree_line {
	const char *guide;
	bool color;
	struct iow_sink *out;
};

static void tree_region(void *arg, const struct iow_mtree_region *q)
{
	const struct tree_line *t = arg;
	char nm[256], ow[256];

	owner_text(q, ow, sizeof(ow));
	iow_sink_printf(t->out, "%s  %s= QEMU %s %s 0x%" PRIx64 "-0x%" PRIx64 "%s%s%s%s\n", t->guide,
			t->color ? C_DIM : "", q->type_name, region_name(q, nm, sizeof(nm)), q->start, q->end,
			*ow ? " (" : "", ow, *ow ? ")" : "", t->color ? C_OFF : "");
}

void iow_render_qemu_lines(const struct iow_render_opts *o, const struct iow_resource *r, const char *guide,
			   struct iow_sink *out)
{
	const struct iow_qemu_space *s = &o->qemu->spaces[o->qemu_space];
	struct tree_line t = { guide, o->color, out };
	struct iow_qemu_cover c;

	if (!s->view || s->not_compared)
		return;
	iow_qemu_cover(s->view, r->start, r->end, &c);
	if (!c.regions) {
		iow_sink_printf(out, "%s  = QEMU nothing (unassigned)", guide);
		marker(iow_qemu_finding_of(o->qemu, o->qemu_space, r), o->color, out);
		iow_sink_puts(out, "\n");
		return;
	}
	iow_qemu_behind(s->view, r, tree_region, &t);
}

static void json_ref(struct iow_json *j, const struct iow_mtree_region *q)
{
	iow_json_begin_object(j, NULL);
	iow_json_hex(j, "start", q->start);
	iow_json_hex(j, "end", q->end);
	iow_json_string(j, "type", q->type_name);
	iow_json_string(j, "name", q->name);
	iow_json_end_object(j);
}

static void json_ref_cb(void *arg, const struct iow_mtree_region *q)
{
	json_ref(arg, q);
}

/* "qemu": the regions behind R's own part; "qemu_nothing": QEMU has
 * nothing anywhere in R. */
static void json_behind(struct iow_json *j, const struct iow_qemu_space *s, const struct iow_resource *r)
{
	struct iow_qemu_cover c;

	iow_qemu_cover(s->view, r->start, r->end, &c);
	iow_json_begin_array(j, "qemu");
	iow_qemu_behind(s->view, r, json_ref_cb, j);
	iow_json_end_array(j);
	iow_json_bool(j, "qemu_nothing", c.regions == 0);
}

void iow_render_qemu_json_members(struct iow_json *j, const struct iow_render_opts *o, const struct iow_resource *r)
{
	const struct iow_qemu_space *s = &o->qemu->spaces[o->qemu_space];

	if (s->view && !s->not_compared)
		json_behind(j, s, r);
}

/* --- the mtree view ------------------------------------------------------- */

struct row {
	uint64_t start, end;
	const struct iow_mtree_region *q; /* NULL: a gap */
	const struct iow_mtree_region *bg; /* a gap's first background piece, or NULL */
};

struct placed {
	size_t row, order;
	const struct iow_resource *r;
};

static int cmp_placed(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The view's regions and the gaps between them (background pieces
 * merged into the gaps), from 0 to the end of the space. */
static struct row *make_rows(const struct iow_mtree_view *v, size_t *n)
{
	struct row *rows = malloc((2 * v->n + 2) * sizeof(*rows));
	uint64_t x = 0;
	bool open = false; /* rows[*n - 1] is a gap that may grow */
	size_t i;

	*n = 0;
	if (!rows)
		return NULL;
	for (i = 0; i < v->n; i++) {
		const struct iow_mtree_region *q = &v->regions[i];

		if (q->start > x || q->background) {
			if (!open) {
				rows[(*n)++] = (struct row){ x, q->start - 1, NULL, NULL };
				open = true;
			}
			rows[*n - 1].end = q->background ? q->end : q->start - 1;
			if (q->background && !rows[*n - 1].bg)
				rows[*n - 1].bg = q;
		}
		if (!q->background) {
			rows[(*n)++] = (struct row){ q->start, q->end, q, NULL };
			open = false;
		}
		if (q->end == UINT64_MAX)
			return rows;
		x = q->end + 1;
	}
	if (open)
		rows[*n - 1].end = UINT64_MAX;
	else
		rows[(*n)++] = (struct row){ x, UINT64_MAX, NULL, NULL };
	return rows;
}

static size_t row_of(const struct row *rows, size_t n, uint64_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rows[mid].end < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? lo : n - 1;
}

static void guest_line(const struct iow_qemu *q, size_t si, const struct row *row, const struct iow_resource *r,
		       int width, bool color, struct iow_sink *out)
{
	const struct iow_qemu_space *s = &q->spaces[si];
	int depth = r->depth < 0 ? 0 : r->depth > DEPTH_SHOWN ? DEPTH_SHOWN : r->depth;
	struct iow_qemu_cover c;

	iow_sink_printf(out, "    %*s%0*" PRIx64 "-%0*" PRIx64 "  %s", 2 * depth, "", width, r->start, width, r->end,
			r->name ? r->name : "<BAD>");
	iow_qemu_cover(s->view, r->start, r->end, &c);
	if (!(row->q && r->start >= row->q->start && r->end <= row->q->end)) {
		if (!c.regions)
			iow_sink_puts(out, "  <- QEMU: nothing");
		else
			iow_sink_printf(out, "  <- QEMU: %zu region%s%s", c.regions, c.regions == 1 ? "" : "s",
					c.all ? "" : ", the rest unassigned");
	}
	marker(iow_qemu_finding_of(q, si, r), color, out);
	iow_sink_puts(out, "\n");
}

static void space_text(const struct iow_qemu *q, size_t si, bool color, struct iow_sink *out)
{
	const struct iow_qemu_space *s = &q->spaces[si];
	int width = s->tree && s->tree->root.end < 0x10000 ? 4 : 8;
	struct placed *placed = NULL;
	const struct iow_resource *r;
	struct row *rows;
	size_t nrows, nplaced = 0, i, k;

	if (!s->view) {
		iow_sink_printf(out, "%s: QEMU has no address space \"%s\"\n", s->guest, s->name);
		return;
	}
	if (!s->tree)
		return;
	if (s->not_compared) {
		iow_sink_printf(out, "%s: %s\n", s->guest, s->not_compared);
		return;
	}
	iow_sink_printf(out, "QEMU's \"%s\" (%zu regions) beside the guest's %s (%zu resources)\n", s->name,
			s->view->n, s->guest, s->tree->count);
	rows = make_rows(s->view, &nrows);
	if (s->tree->count)
		placed = malloc(s->tree->count * sizeof(*placed));
	if (!rows || (s->tree->count && !placed)) {
		out->failed = true;
		goto out;
	}
	for (r = s->tree->root.child; r && nplaced < s->tree->count; r = iow_resource_next((struct iow_resource *)r))
		placed[nplaced] = (struct placed){ row_of(rows, nrows, r->start), nplaced, r }, nplaced++;
	if (nplaced)
		qsort(placed, nplaced, sizeof(*placed), cmp_placed);
	for (i = 0, k = 0; i < nrows && !out->failed; i++) {
		const struct row *row = &rows[i];
		char nm[256], ow[256];

		if (!row->q && (k >= nplaced || placed[k].row != i))
			continue; /* a gap no resource starts in */
		if (row->q) {
			owner_text(row->q, ow, sizeof(ow));
			iow_sink_printf(out, "%016" PRIx64 "-%016" PRIx64 "  %-4s %s%s%s%s", row->start, row->end,
					row->q->type_name, region_name(row->q, nm, sizeof(nm)), *ow ? "  (" : "", ow,
					*ow ? ")" : "");
			marker(iow_qemu_region_finding(q, si, row->q), color, out);
			iow_sink_puts(out, "\n");
		} else {
			iow_sink_printf(out, "%016" PRIx64 "-%016" PRIx64 "  --   nothing%s%s%s\n", row->start, row->end,
					row->bg ? " (QEMU's " : "", row->bg ? region_name(row->bg, nm, sizeof(nm)) : "",
					row->bg ? ": no device)" : "");
		}
		for (; k < nplaced && placed[k].row == i; k++)
			guest_line(q, si, row, placed[k].r, width, color, out);
	}
out:
	free(placed);
	free(rows);
}

void iow_render_qemu(const struct iow_qemu *q, const struct iow_error *stopped, bool color, struct iow_sink *out)
{
	size_t i;

	(void)stopped; /* text: the command fails after the output, and says why */
	for (i = 0; i < 2 && !out->failed; i++) {
		if (i)
			iow_sink_puts(out, "\n");
		space_text(q, i, color, out);
	}
	iow_sink_puts(out, "\n");
	for (i = 0; i < q->n && !out->failed; i++) {
		bool note = iow_qemu_kind_is_note(q->f[i].kind);

		iow_sink_printf(out, "%s%s%s %-20s %s\n", color ? (note ? C_NOTE : C_BAD) : "",
				note ? "note     " : "VIOLATION", color ? C_OFF : "", iow_qemu_kind_name(q->f[i].kind),
				q->f[i].text);
	}
	iow_sink_printf(out, "mtree: %zu violation%s, %zu note%s (check fails on the violations)\n", q->violations,
			q->violations == 1 ? "" : "s", q->notes, q->notes == 1 ? "" : "s");
}

/* A guest resource's members as mtree's JSON names it ("REF"). */
static void resource_members(struct iow_json *j, const struct iow_resource *r)
{
	iow_json_hex(j, "start", r->start);
	iow_json_hex(j, "end", r->end);
	iow_json_string(j, "name", r->name);
	iow_json_i64(j, "depth", r->depth);
}

static void json_resource_cb(void *arg, const struct iow_resource *r)
{
	struct iow_json *j = arg;

	iow_json_begin_object(j, NULL);
	resource_members(j, r);
	iow_json_end_object(j);
}

static void count_cb(void *arg, const struct iow_resource *r)
{
	(void)r;
	++*(size_t *)arg;
}

static void json_region(struct iow_json *j, const struct iow_qemu_space *s, const struct iow_mtree_region *q)
{
	iow_json_begin_object(j, NULL);
	iow_json_hex(j, "start", q->start);
	iow_json_hex(j, "end", q->end);
	iow_json_i64(j, "priority", q->prio);
	iow_json_string(j, "type", q->type_name);
	iow_json_string(j, "name", q->name);
	if (q->has_offset)
		iow_json_hex(j, "offset", q->offset);
	else
		iow_json_null(j, "offset");
	iow_json_string(j, "owner", q->owner);
	iow_json_string(j, "owner_kind", q->owner ? (q->owner_is_dev ? "dev" : "obj") : NULL);
	iow_json_string(j, "owner_by", q->owner_by);
	iow_json_bool(j, "owner_is_parent", q->owner_is_parent);
	iow_json_bool(j, "machine_memory", iow_mtree_is_machine_memory(q));
	iow_json_bool(j, "background", q->background);
	iow_json_begin_array(j, "resources");
	iow_qemu_over(s->tree, q->start, q->end, json_resource_cb, j);
	iow_json_end_array(j);
	iow_json_end_object(j);
}

static void space_json(struct iow_json *j, const struct iow_qemu_space *s)
{
	const struct iow_resource *r;
	struct row *rows;
	size_t i, n;

	iow_json_begin_object(j, NULL);
	iow_json_string(j, "name", s->name);
	iow_json_string(j, "guest", s->guest);
	iow_json_bool(j, "found", s->view != NULL);
	if (s->not_compared)
		iow_json_string(j, "not_compared", s->not_compared);
	if (!s->view || !s->tree || s->not_compared) {
		iow_json_end_object(j);
		return;
	}
	iow_json_begin_array(j, "regions");
	for (i = 0; i < s->view->n; i++)
		json_region(j, s, &s->view->regions[i]);
	iow_json_end_array(j);
	iow_json_begin_array(j, "unassigned");
	rows = make_rows(s->view, &n);
	for (i = 0; rows && i < n; i++) {
		uint64_t a = rows[i].start, b = rows[i].end;
		size_t any = 0;

		if (rows[i].q)
			continue;
		iow_qemu_over(s->tree, a, b, count_cb, &any);
		if (!any) /* only where some resource lies */
			continue;
		iow_json_begin_object(j, NULL);
		iow_json_hex(j, "start", a);
		iow_json_hex(j, "end", b);
		iow_json_begin_array(j, "resources");
		iow_qemu_over(s->tree, a, b, json_resource_cb, j);
		iow_json_end_array(j);
		iow_json_end_object(j);
	}
	free(rows);
	iow_json_end_array(j);
	iow_json_begin_array(j, "resources");
	for (r = s->tree->root.child; r; r = iow_resource_next((struct iow_resource *)r)) {
		iow_json_begin_object(j, NULL);
		resource_members(j, r);
		iow_json_hex(j, "flags", r->flags);
		json_behind(j, s, r);
		iow_json_end_object(j);
	}
	iow_json_end_array(j);
	iow_json_end_object(j);
}

void iow_render_qemu_json(const struct iow_qemu *q, const struct iow_error *stopped, bool color, struct iow_sink *out)
{
	struct iow_json j;
	size_t i;

	(void)color;
	iow_json_init(&j, out);
	iow_json_begin_object(&j, NULL);
	iow_json_begin_array(&j, "address_spaces");
	for (i = 0; i < 2; i++)
		space_json(&j, &q->spaces[i]);
	iow_json_end_array(&j);
	iow_json_begin_array(&j, "findings");
	for (i = 0; i < q->n; i++) {
		const struct iow_qemu_finding *f = &q->f[i];

		iow_json_begin_object(&j, NULL);
		iow_json_string(&j, "kind", iow_qemu_kind_name(f->kind));
		iow_json_string(&j, "severity", iow_qemu_kind_is_note(f->kind) ? "note" : "violation");
		iow_json_string(&j, "space", q->spaces[f->space].name);
		iow_json_hex(&j, "start", f->start);
		iow_json_hex(&j, "end", f->end);
		if (f->va)
			iow_json_hex(&j, "virt", f->va);
		else
			iow_json_null(&j, "virt");
		iow_json_string(&j, "text", f->text);
		iow_json_end_object(&j);
	}
	iow_json_end_array(&j);
	iow_json_u64(&j, "violations", q->violations);
	iow_json_u64(&j, "notes", q->notes);
	iow_json_stopped(&j, stopped);
	iow_json_end_object(&j);
	iow_json_finish(&j);
}
