/* render/resource: resource trees as /proc text, as an annotated tree, and
 * as JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render/json.h"
#include "render/render.h"

char *iow_human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = 0;
	uint64_t div = 1;

	while (u < 6 && bytes / div >= 1024) {
		div <<= 10;
		u++;
	}
	if (bytes % div == 0)
		snprintf(buf, len, "%" PRIu64 " %s", bytes / div, units[u]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / (double)div, units[u]);
	return buf;
}

/* r_show(): MAX_IORES_LEVEL caps the indentation at 5 levels; the width is
 * 4 digits when the root ends below 0x10000 (ioports), else 8; both are
 * minimum widths. */
void iow_render_proc_resources(const struct iow_resource_tree *tree, struct iow_sink *out)
{
	int width = tree->root.end < 0x10000 ? 4 : 8;
	struct iow_resource *r;

	for (r = tree->root.child; r && !out->failed; r = iow_resource_next(r)) {
		int depth = r->depth < 5 ? r->depth : 5;

		iow_sink_printf(out, "%*s%0*" PRIx64 "-%0*" PRIx64 " : %s\n", depth * 2, "", width,
				r->start, width, r->end, r->name ? r->name : "<BAD>");
	}
}

static uint64_t size_of(const struct iow_resource *r)
{
	return r->end >= r->start ? r->end - r->start + 1 : 0;
}

static bool contains(const struct iow_resource *r, uint64_t a)
{
	return a >= r->start && a <= r->end;
}

static bool innermost(const struct iow_resource *p, uint64_t a)
{
	const struct iow_resource *c;

	if (!contains(p, a))
		return false;
	for (c = p->child; c; c = c->sibling)
		if (contains(c, a))
			return false;
	return true;
}

static bool on_path(const struct iow_resource *r, uint64_t a)
{
	for (; r && r->depth >= 0; r = r->parent)
		if (!contains(r, a))
			return false;
	return true;
}

/* Without an address: everything down to max_depth.  With one: the
 * resources that contain it, and the subtree of the innermost of them
 * (max_depth levels of it). */
static bool shown(const struct iow_resource *r, const struct iow_render_opts *o)
{
	const struct iow_resource *p;

	if (!o->have_addr)
		return o->max_depth < 0 || r->depth < o->max_depth;
	if (on_path(r, o->addr))
		return true;
	for (p = r->parent; p && p->depth >= 0; p = p->parent)
		if (innermost(p, o->addr) && on_path(p, o->addr))
			return o->max_depth < 0 || r->depth - p->depth <= o->max_depth;
	return false;
}

#define C_ADDR "\033[36m"
#define C_NAME "\033[1m"
#define C_DIM "\033[2m"
#define C_BAD "\033[31m"
#define C_MAP "\033[33m"
#define C_OWN "\033[32m"
#define C_OFF "\033[0m"

struct run_text {
	const char *guide;
	bool color;
	struct iow_sink *out;
};

/* A mapped run under its resource: "<- UC- at VIRT (phys A-B, 4K pages) by CALLER". */
static void run_text(void *arg, const struct iow_mapping *m, const struct iow_map_run *run)
{
	const struct run_text *t = arg;

	iow_sink_printf(t->out, "%s  %s<- %s at 0x%016" PRIx64 " (phys 0x%" PRIx64 "-0x%" PRIx64
			", %s pages) by %s%s\n", t->guide, t->color ? C_MAP : "",
			iow_memtype_name(run->mode), run->va, run->pa, run->pa + run->size - 1,
			iow_leaf_size_name(run->leaf_size), m->area->caller_sym ? m->area->caller_sym : "?",
			t->color ? C_OFF : "");
}

void iow_map_run_json(struct iow_json *j, const struct iow_mapping *m, const struct iow_map_run *run)
{
	iow_json_begin_object(j, NULL);
	iow_json_hex(j, "virt", run->va);
	iow_json_hex(j, "phys", run->pa);
	iow_json_u64(j, "size", run->size);
	iow_json_u64(j, "page_size", run->leaf_size);
	iow_json_string(j, "mode", iow_memtype_name(run->mode));
	iow_json_string(j, "caller", m->area ? m->area->caller_sym : NULL);
	iow_json_end_object(j);
}

static void run_json(void *arg, const struct iow_mapping *m, const struct iow_map_run *run)
{
	iow_map_run_json(arg, m, run);
}

/* "  -- " and R's owner, briefly (render/owner.c), when owners are shown. */
static void owner_suffix(const struct iow_resource *r, const struct iow_render_opts *o, struct iow_sink *out)
{
	const struct iow_owner *w = o->owners ? iow_owner_of(o->owners, r) : NULL;
	char buf[512];

	if (!w)
		return;
	iow_owner_brief(w, o->devices, buf, sizeof(buf));
	iow_sink_printf(out, "  %s-- %s%s", o->color ? C_OWN : "", buf, o->color ? C_OFF : "");
}

void iow_render_resource_tree(const struct iow_resource_tree *tree, const struct iow_render_opts *o,
			      struct iow_sink *out)
{
	int width = tree->root.end < 0x10000 ? 4 : 8;
	const struct iow_resource *r;
	char sz[32], fl[256], db[32];
	const char *desc;

	iow_sink_printf(out, "%s%s%s  %0*" PRIx64 "-%0*" PRIx64 "  %s\n", o->color ? C_NAME : "",
			tree->root_symbol, o->color ? C_OFF : "", width, tree->root.start, width,
			tree->root.end, tree->root.name ? tree->root.name : "<BAD>");
	for (r = tree->root.child; r && !out->failed; r = iow_resource_next((struct iow_resource *)r)) {
		char guide[2 * 64 + 8];
		const struct iow_resource *p;
		int d, dd;

		if (!shown(r, o))
			continue;
		/* The tree guide: a bar for every ancestor with more siblings
		 * to come, then a branch for this resource. */
		d = dd = r->depth < 63 ? r->depth : 63;
		guide[2 * d + 2] = 0;
		memcpy(guide + 2 * d, r->sibling ? "|-" : "`-", 2);
		for (p = r->parent; d > 0; p = p->parent) {
			d--;
			memcpy(guide + 2 * d, p->sibling ? "| " : "  ", 2);
		}
		iow_ioresource_flags_str(r->flags, fl, sizeof(fl));
		desc = iow_iores_desc_str(r->desc, db, sizeof(db));
		iow_sink_printf(out, "%s%s%0*" PRIx64 "-%0*" PRIx64 "%s %9s  %s%s%s  %s[%s%s%s]%s",
				guide, o->color ? C_ADDR : "", width, r->start, width, r->end,
				o->color ? C_OFF : "", iow_human_size(size_of(r), sz, sizeof(sz)),
				o->color ? (r->name ? C_NAME : C_BAD) : "", r->name ? r->name : "<BAD>",
				o->color ? C_OFF : "", o->color ? C_DIM : "", fl, desc ? " " : "",
				desc ? desc : "", o->color ? C_OFF : "");
		owner_suffix(r, o, out);
		iow_sink_puts(out, "\n");
		if (o->join || o->qemu) {
			struct run_text t = { guide, o->color, out };

			/* The guide for lines under this resource. */
			memcpy(guide + 2 * dd, r->sibling ? "| " : "  ", 2);
			if (o->qemu)
				iow_render_qemu_lines(o, r, guide, out);
			if (o->join)
				iow_join_each(o->join, r, run_text, &t);
		}
	}
	if (o->qemu_unavailable)
		iow_sink_printf(out, "%s\n", o->qemu_unavailable);
}

static void json_node(struct iow_json *j, const struct iow_resource *r, const struct iow_render_opts *o)
{
	char db[32];
	const struct iow_flag_name *f;
	const struct iow_resource *c;
	const char *desc;

	iow_json_begin_object(j, NULL);
	iow_json_hex(j, "start", r->start);
	iow_json_hex(j, "end", r->end);
	iow_json_u64(j, "size", size_of(r));
	iow_json_string(j, "name", r->name);
	iow_json_hex(j, "flags", r->flags);
	iow_json_begin_array(j, "flag_names");
	for (f = iow_ioresource_flags; f->name; f++)
		if ((r->flags & f->mask) == f->value)
			iow_json_string(j, NULL, f->name);
	iow_json_end_array(j);
	desc = iow_iores_desc_str(r->desc, db, sizeof(db));
	iow_json_u64(j, "desc", r->desc);
	iow_json_string(j, "desc_name", r->desc ? desc : "NONE");
	iow_json_hex(j, "kernel_address", r->addr);
	if (o->owners) {
		const struct iow_owner *w = iow_owner_of(o->owners, r);

		if (w)
			iow_owner_json(j, "owner", w, o->devices);
	}
	if (o->join) {
		iow_json_begin_array(j, "mapped_by");
		iow_join_each(o->join, r, run_json, j);
		iow_json_end_array(j);
	}
	if (o->qemu)
		iow_render_qemu_json_members(j, o, r);
	iow_json_begin_array(j, "children");
	for (c = r->child; c; c = c->sibling)
		if (shown(c, o))
			json_node(j, c, o);
	iow_json_end_array(j);
	iow_json_end_object(j);
}

void iow_render_resource_json(const struct iow_resource_tree *tree, const struct iow_render_opts *o,
			      struct iow_sink *out)
{
	const struct iow_resource *c;
	struct iow_json j;

	iow_json_init(&j, out);
	iow_json_begin_object(&j, NULL);
	iow_json_string(&j, "root", tree->root_symbol);
	iow_json_string(&j, "root_name", tree->root.name);
	iow_json_hex(&j, "root_start", tree->root.start);
	iow_json_hex(&j, "root_end", tree->root.end);
	iow_json_u64(&j, "count", tree->count);
	iow_json_stopped(&j, o->stopped);
	if (o->qemu_asked)
		iow_json_string(&j, "qemu_error", o->qemu_unavailable);
	iow_json_begin_array(&j, "resources");
	for (c = tree->root.child; c; c = c->sibling)
		if (shown(c, o))
			json_node(&j, c, o);
	iow_json_end_array(&j);
	if (o->owners)
		iow_owner_findings_json(&j, "owner_findings", o->owners);
	iow_json_end_object(&j);
	iow_json_finish(&j);
}
