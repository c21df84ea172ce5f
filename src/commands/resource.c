/* proc iomem|ioports and tree: the resource trees.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "kernel/modules.h"
#include "kernel/resource.h"
#include "kernel/vmap.h"
#include "commands/view.h"
#include "render/json.h"
#include <inttypes.h>
#include "render/render.h"

/* Print what was read, then report why the walk stopped (if it did). */
static struct iow_error *show(struct iow_session *s, const char *root, struct iow_sink *out,
			      void (*render)(const struct iow_resource_tree *, const struct iow_render_opts *,
					     struct iow_sink *),
			      const struct iow_render_opts *opts)
{
	struct iow_resource_tree tree;
	struct iow_error *err = iow_resource_tree_read(s->kernel, root, &tree);
	struct iow_render_opts o = *opts;

	o.stopped = err;
	if (iow_error_is_partial(err))
		render(&tree, &o, out);
	iow_resource_tree_fini(&tree);
	return err;
}

static void render_proc(const struct iow_resource_tree *t, const struct iow_render_opts *o,
			struct iow_sink *out)
{
	(void)o;
	iow_render_proc_resources(t, out);
}

static struct iow_error *show_vmallocinfo(struct iow_session *s, struct iow_sink *out)
{
	struct iow_vmap_list list;
	struct iow_modules *mods = NULL;
	struct iow_error *err;

	/* Module callers need the module list; without it they print as
	 * raw addresses, which is still better than no output. */
	if ((err = iow_modules_create(s->kernel, &mods)))
		return err;
	err = iow_vmap_list_read(s->kernel, mods, &list);
	if (iow_error_is_partial(err))
		iow_render_proc_vmallocinfo(&list, out);
	iow_vmap_list_fini(&list);
	iow_modules_destroy(mods);
	return err;
}

struct iow_error *iow_cmd_proc(struct iow_session *s, int argc, char **argv, struct iow_sink *out)
{
	struct iow_render_opts opts = { .max_depth = -1 };

	if (argc != 2)
		return iow_error_create(IOW_ERR_INVALID, "usage: proc iomem|ioports|vmallocinfo|pat_memtype_list");
	/* args_only: a known file is all there is to check. */
	if (strcmp(argv[1], "iomem") == 0)
		return s->args_only ? NULL : show(s, "iomem_resource", out, render_proc, &opts);
	if (strcmp(argv[1], "ioports") == 0)
		return s->args_only ? NULL : show(s, "ioport_resource", out, render_proc, &opts);
	if (strcmp(argv[1], "vmallocinfo") == 0)
		return s->args_only ? NULL : show_vmallocinfo(s, out);
	if (strcmp(argv[1], "pat_memtype_list") == 0)
		return s->args_only ? NULL : iow_show_pat_list(s, out);
	return iow_error_create(IOW_ERR_INVALID,
				"proc: unknown file '%s' (iomem, ioports, vmallocinfo, pat_memtype_list)", argv[1]);
}

/* The mappings under each resource: every present run of a mapping hangs
 * under the deepest resource that contains its first byte.  Which one is
 * worked out once per run, on the first resource rendered, and looked up
 * by resource from then on: asking every resource about every run made a
 * tree of 10,000 resources and 5,000 ioremaps take minutes. */
struct owned {
	const struct iow_resource *r;
	size_t m, k; /* mapping, run: their order is the output order */
};

struct attach_ctx {
	struct iow_view *v;
	bool color;
	bool indexed;
	struct owned *owned; /* by resource; NULL if out of memory: then ask each run */
	size_t nowned;
};

static const struct iow_resource *deepest(const struct iow_resource *r, uint64_t pa)
{
	const struct iow_resource *c, *best = NULL;

	for (c = r->child; c; c = c->sibling)
		if (pa >= c->start && pa <= c->end) {
			const struct iow_resource *d = deepest(c, pa);

			best = d ? d : c;
			break;
		}
	return best;
}

static bool belongs(const struct iow_resource *r, const struct iow_map_run *run)
{
	const struct iow_resource *root = r;

	while (root->parent)
		root = root->parent;
	return deepest(root, run->pa) == r;
}

static int cmp_owned(const void *a, const void *b)
{
	const struct owned *x = a, *y = b;

	if (x->r != y->r)
		return (uintptr_t)x->r < (uintptr_t)y->r ? -1 : 1;
	if (x->m != y->m)
		return x->m < y->m ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* Each present run's resource, in the tree R belongs to. */
static void index_runs(struct attach_ctx *a, const struct iow_resource *r)
{
	const struct iow_resource *root = r;
	size_t i, k, n = 0;

	a->indexed = true;
	while (root->parent)
		root = root->parent;
	for (i = 0; i < a->v->maps.n; i++)
		n += a->v->maps.m[i].nruns;
	a->owned = malloc((n ? n : 1) * sizeof(*a->owned));
	if (!a->owned)
		return;
	for (i = 0; i < a->v->maps.n; i++)
		for (k = 0; k < a->v->maps.m[i].nruns; k++) {
			const struct iow_map_run *run = &a->v->maps.m[i].runs[k];
			const struct iow_resource *d;

			if (run->present && (d = deepest(root, run->pa)))
				a->owned[a->nowned++] = (struct owned){ d, i, k };
		}
	qsort(a->owned, a->nowned, sizeof(*a->owned), cmp_owned);
}

/* The runs hanging under R, in output order: [*first, *end) of a->owned,
 * or false when there is no index (then every run is asked). */
static bool owned_by(struct attach_ctx *a, const struct iow_resource *r, size_t *first, size_t *end)
{
	size_t lo = 0, hi;

	if (!a->indexed)
		index_runs(a, r);
	if (!a->owned)
		return false;
	hi = a->nowned;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)a->owned[mid].r < (uintptr_t)r)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo < a->nowned && a->owned[lo].r == r)
		lo++;
	*end = lo;
	return true;
}

/* Call FN for each present run under R, in output order. */
static void each_run(struct attach_ctx *a, const struct iow_resource *r,
		     void (*fn)(struct attach_ctx *, const struct iow_mapping *, const struct iow_map_run *,
				void *), void *arg)
{
	size_t i, k, first, end;

	if (owned_by(a, r, &first, &end)) {
		for (i = first; i < end; i++) {
			const struct iow_mapping *m = &a->v->maps.m[a->owned[i].m];

			fn(a, m, &m->runs[a->owned[i].k], arg);
		}
		return;
	}
	for (i = 0; i < a->v->maps.n; i++) {
		const struct iow_mapping *m = &a->v->maps.m[i];

		for (k = 0; k < m->nruns; k++)
			if (m->runs[k].present && belongs(r, &m->runs[k]))
				fn(a, m, &m->runs[k], arg);
	}
}

struct text_arg {
	const char *guide;
	struct iow_sink *out;
};

static void run_text(struct attach_ctx *a, const struct iow_mapping *m, const struct iow_map_run *run,
		     void *arg)
{
	struct text_arg *t = arg;

	iow_sink_printf(t->out, "%s  %s<- %s at 0x%016" PRIx64 " (phys 0x%" PRIx64 "-0x%" PRIx64
			", %s pages) by %s%s\n", t->guide, a->color ? "\033[33m" : "",
			iow_memtype_name(run->mode), run->va, run->pa, run->pa + run->size - 1,
			run->leaf_size == 4096 ? "4K" : run->leaf_size == (2u << 20) ? "2M" : "1G",
			m->area->caller_sym ? m->area->caller_sym : "?", a->color ? "\033[0m" : "");
}

static void attached(void *ctx, const struct iow_resource *r, const char *guide, struct iow_sink *out)
{
	struct text_arg t = { guide, out };

	each_run(ctx, r, run_text, &t);
}

static void run_json(struct attach_ctx *a, const struct iow_mapping *m, const struct iow_map_run *run,
		     void *arg)
{
	struct iow_json *j = arg;

	(void)a;
	iow_json_begin_object(j, NULL);
	iow_json_hex(j, "virt", run->va);
	iow_json_hex(j, "phys", run->pa);
	iow_json_u64(j, "size", run->size);
	iow_json_u64(j, "page_size", run->leaf_size);
	iow_json_string(j, "mode", iow_memtype_name(run->mode));
	iow_json_string(j, "caller", m->area->caller_sym);
	iow_json_end_object(j);
}

static void attached_json(void *ctx, const struct iow_resource *r, struct iow_json *j)
{
	iow_json_begin_array(j, "mapped_by");
	each_run(ctx, r, run_json, j);
	iow_json_end_array(j);
}

struct iow_error *iow_cmd_tree(struct iow_session *s, int argc, char **argv, struct iow_sink *out)
{
	struct iow_render_opts opts = { .color = s->color, .max_depth = -1 };
	const char *root = "iomem_resource";
	bool json = s->json, mappings = true;
	struct attach_ctx actx = { .color = s->color };
	struct iow_view v;
	struct iow_error *err, *map_err = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (strcmp(a, "--ioports") == 0 || strcmp(a, "ioports") == 0) {
			root = "ioport_resource";
		} else if (strcmp(a, "--iomem") == 0 || strcmp(a, "iomem") == 0) {
			root = "iomem_resource";
		} else if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (strcmp(a, "--no-mappings") == 0) {
			mappings = false;
		} else if (strcmp(a, "--depth") == 0 || strcmp(a, "-d") == 0 ||
			   strncmp(a, "--depth=", 8) == 0) {
			const char *val = a[2] == 'd' && a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : "");

			opts.max_depth = (int)strtol(val, &end, 10);
			if (!*val || *end || opts.max_depth < 0)
				return iow_error_create(IOW_ERR_INVALID, "tree: --depth needs a number >= 0");
		} else if (a[0] != '-') {
			opts.addr = strtoull(a, &end, 0);
			if (*end)
				return iow_error_create(IOW_ERR_INVALID, "tree: '%s' is not an address", a);
			opts.have_addr = true;
		} else {
			return iow_error_create(IOW_ERR_INVALID, "usage: tree [--iomem|--ioports] [--depth N] "
						"[--no-mappings] [--json] [ADDR]");
		}
	}
	if (s->args_only)
		return NULL;
	/* Who maps what: iomem only (port I/O is not mapped). */
	if (mappings && strcmp(root, "iomem_resource") == 0) {
		map_err = iow_view_load(s, &v, true);
		if (!iow_error_is_partial(map_err)) {
			iow_view_fini(&v);
			return map_err;
		}
		/* Corrupt vmap or memtype data: the tree still shows, with the
		 * mappings that could be read, and the command fails after it
		 * (never "no findings" from a walk that did not finish). */
		actx.v = &v;
		opts.attached = attached;
		opts.attached_json = attached_json;
		opts.ctx = &actx;
	}
	err = show(s, root, out, json ? iow_render_resource_json : iow_render_resource_tree, &opts);
	if (!json && actx.v && !map_err)
		iow_render_findings(&v.maps, s->color, out);
	if (actx.v)
		iow_view_fini(&v);
	free(actx.owned);
	if (map_err && !err)
		return iow_error_wrap(map_err, "the mappings shown under the resources are incomplete");
	iow_error_destroy(map_err);
	return err;
}
