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

struct iow_error *iow_cmd_tree(struct iow_session *s, int argc, char **argv, struct iow_sink *out)
{
	struct iow_render_opts opts = { .color = s->color, .max_depth = -1 };
	const char *root = "iomem_resource";
	bool json = s->json, mappings = true, have_view = false;
	struct iow_resource_tree tree;
	struct iow_join join;
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
		have_view = true;
	}
	err = iow_resource_tree_read(s->kernel, root, &tree);
	opts.stopped = err;
	if (have_view) {
		iow_join_init(&join, &tree, &v.maps);
		opts.join = &join;
	}
	if (iow_error_is_partial(err))
		(json ? iow_render_resource_json : iow_render_resource_tree)(&tree, &opts, out);
	if (!json && have_view && !map_err)
		iow_render_findings(&v.maps, s->color, out);
	if (have_view) {
		iow_join_fini(&join);
		iow_view_fini(&v);
	}
	iow_resource_tree_fini(&tree);
	if (map_err && !err)
		return iow_error_wrap(map_err, "the mappings shown under the resources are incomplete");
	iow_error_destroy(map_err);
	return err;
}
