/* proc and tree: the resource trees, and /proc's other files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "commands/view.h"
#include "kernel/modules.h"
#include "kernel/resource.h"
#include "kernel/vmap.h"
#include "model/join.h"
#include "render/render.h"

static struct iow_error *proc_resources(struct iow_session *s, const char *root, struct iow_sink *out)
{
	struct iow_resource_tree tree;
	struct iow_error *err = iow_resource_tree_read(s->kernel, root, &tree);

	/* what was read, then why the walk stopped (if it did) */
	if (iow_error_is_partial(err))
		iow_render_proc_resources(&tree, out);
	iow_resource_tree_fini(&tree);
	return err;
}

static struct iow_error *proc_vmallocinfo(struct iow_session *s, struct iow_sink *out)
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

struct iow_error *iow_cmd_proc(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	switch ((enum iow_proc_file)a->file) {
	case IOW_PROC_IOMEM:
		return proc_resources(s, "iomem_resource", out);
	case IOW_PROC_IOPORTS:
		return proc_resources(s, "ioport_resource", out);
	case IOW_PROC_VMALLOCINFO:
		return proc_vmallocinfo(s, out);
	case IOW_PROC_PAT_MEMTYPE_LIST:
		return iow_show_pat_list(s, out);
	}
	return iow_error_create(IOW_ERR_INVALID, "proc: no file %d", a->file);
}

struct iow_error *iow_cmd_tree(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	struct iow_render_opts opts = { .color = s->color, .max_depth = a->depth, .have_addr = a->addr.given,
					.addr = a->addr.value };
	const char *root = a->ioports ? "ioport_resource" : "iomem_resource";
	/* Who maps what: iomem only (port I/O is not mapped). */
	bool mappings = !a->no_mappings && !a->ioports;
	struct iow_resource_tree tree;
	struct iow_join join;
	struct iow_view v;
	struct iow_qemu_view qv = { 0 };
	struct iow_qemu q = { 0 };
	struct iow_error *err, *map_err = NULL, *own_err = NULL;
	struct iow_owners_view ov = { 0 };

	/* QEMU's regions behind each resource, when the stub is QEMU's */
	if (!a->no_qemu && (err = iow_qemu_view_load(s, &qv)))
		return err;
	if (mappings) {
		map_err = iow_view_load(s, &v, true);
		if (!iow_error_is_partial(map_err)) {
			iow_view_fini(&v);
			iow_qemu_view_fini(&qv);
			return map_err;
		}
		/* Corrupt vmap or memtype data: the tree still shows, with the
		 * mappings that could be read, and the command fails after it
		 * (never "no findings" from a walk that did not finish). */
	}
	err = iow_resource_tree_read(s->kernel, root, &tree);
	opts.stopped = err;
	if (mappings) {
		iow_join_init(&join, &tree, &v.maps);
		opts.join = &join;
	}
	opts.qemu_asked = !a->no_qemu;
	opts.qemu_unavailable = qv.unavailable;
	opts.qemu_space = a->ioports ? 1 : 0;
	if (qv.have && iow_error_is_partial(err)) {
		if (iow_qemu_view_join(s, &qv, &q, a->ioports ? NULL : &tree, a->ioports ? &tree : NULL,
				       mappings ? &v.maps : NULL))
			err = err ? err : &iow_error_nomem;
		else
			opts.qemu = &q;
	}
	/* Who owns each resource (commands/devices.c): its own errors end
	 * the command after the tree, as the mappings' do. */
	if (!a->no_owners && iow_error_is_partial(err)) {
		own_err = iow_owners_view_load(s, mappings ? v.mods : NULL,
					       (const struct iow_resource_tree *[]){ &tree }, 1,
					       mappings ? &v.maps : NULL, &ov);
		if (!own_err || (iow_error_is_partial(own_err) && ov.loaded)) {
			opts.owners = &ov.o;
			opts.devices = &ov.d;
		}
		/* A kernel whose DWARF has no struct device (a flat test
		 * kernel) has no owners to show: said, not an error. */
		if (own_err && own_err->code == IOW_ERR_NOTFOUND) {
			if (!a->json)
				iow_sink_printf(out, "(owners not shown: %s)\n", iow_error_message(own_err));
			iow_error_destroy(own_err);
			own_err = NULL;
		}
	}
	if (iow_error_is_partial(err))
		(a->json ? iow_render_resource_json : iow_render_resource_tree)(&tree, &opts, out);
	if (!a->json && mappings && !map_err)
		iow_render_findings(&v.maps, s->color, out);
	if (!a->json && opts.owners && !own_err)
		iow_render_owner_findings(opts.owners, s->color, out);
	iow_owners_view_fini(&ov);
	if (mappings) {
		iow_join_fini(&join);
		iow_view_fini(&v);
	}
	iow_qemu_fini(&q);
	iow_qemu_view_fini(&qv);
	iow_resource_tree_fini(&tree);
	if (own_err && !err && !map_err)
		return iow_error_wrap(own_err, "the owners shown are incomplete");
	iow_error_destroy(own_err);
	if (map_err && !err)
		return iow_error_wrap(map_err, "the mappings shown under the resources are incomplete");
	iow_error_destroy(map_err);
	return err;
}
