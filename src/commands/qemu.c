/* mtree, and what tree and check take from it: QEMU's memory map, read
 * over the target's own connection when its monitor is QEMU's, beside the
 * guest's resource trees and mappings (model/qemu).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "commands/view.h"
#include "kernel/resource.h"
#include "render/render.h"
#include "target/qemu.h"

struct iow_error *iow_qemu_view_load(struct iow_session *s, struct iow_qemu_view *qv)
{
	struct iow_error *err;

	memset(qv, 0, sizeof(*qv));
	err = iow_qemu_mtree_read(s->target, &qv->mtree);
	if (!err) {
		qv->have = true;
		return NULL;
	}
	/* No QEMU monitor to ask (an ELF dump, gdbserver, another stub), or
	 * an answer that is no memory map: no map to show, and the command
	 * goes on.  Anything else (the connection's trouble, a QEMU stub that
	 * refused or garbled its answer, the user's Ctrl-C, no memory) ends
	 * it, as a failed read would: a view that silently lost QEMU's side
	 * would differ from the one the same guest gives on a good link. */
	if (err == &iow_error_nomem || err->code != IOW_ERR_UNSUPPORTED)
		return err;
	qv->unavailable = strdup(err->message);
	iow_error_destroy(err);
	return qv->unavailable ? NULL : &iow_error_nomem;
}

void iow_qemu_view_fini(struct iow_qemu_view *qv)
{
	if (qv->have)
		iow_mtree_fini(&qv->mtree);
	free(qv->unavailable);
	memset(qv, 0, sizeof(*qv));
}

int iow_qemu_view_join(struct iow_session *s, const struct iow_qemu_view *qv, struct iow_qemu *q,
		       const struct iow_resource_tree *iomem, const struct iow_resource_tree *ioports,
		       const struct iow_mapping_set *maps)
{
	const struct iow_kernel_layout *l = iow_kernel_layout(s->kernel);

	return iow_qemu_join(q, &qv->mtree, iomem, ioports, maps, l->image_start, l->image_end);
}

struct iow_error *iow_cmd_mtree(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	struct iow_resource_tree iomem = { 0 }, ioports = { 0 };
	struct iow_qemu_view qv;
	struct iow_qemu q = { 0 };
	struct iow_view v;
	struct iow_error *err, *map_err = NULL;
	bool view = false;

	/* QEMU's side first: without it there is nothing to set beside. */
	if ((err = iow_qemu_view_load(s, &qv)))
		return err;
	if (!qv.have) {
		err = iow_error_create(IOW_ERR_UNSUPPORTED, "%s", qv.unavailable);
		goto out;
	}
	if ((err = iow_resource_tree_read(s->kernel, "iomem_resource", &iomem)) ||
	    (err = iow_resource_tree_read(s->kernel, "ioport_resource", &ioports)))
		goto out; /* a walk that broke off: no half-joined view */
	view = true;
	map_err = iow_view_load(s, &v, true);
	if (!iow_error_is_partial(map_err)) {
		err = map_err;
		map_err = NULL;
		goto out;
	}
	if (iow_qemu_view_join(s, &qv, &q, &iomem, &ioports, &v.maps)) {
		err = &iow_error_nomem;
		goto out;
	}
	(a->json ? iow_render_qemu_json : iow_render_qemu)(&q, map_err, s->color, out);
	if (map_err)
		err = iow_error_wrap(map_err, "the mappings set beside QEMU's map are incomplete");
	map_err = NULL;
out:
	iow_error_destroy(map_err);
	iow_qemu_fini(&q);
	if (view)
		iow_view_fini(&v);
	iow_resource_tree_fini(&iomem);
	iow_resource_tree_fini(&ioports);
	iow_qemu_view_fini(&qv);
	return err;
}
