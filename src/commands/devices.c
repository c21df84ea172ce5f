/* devices, and the owners that tree and check show: who put each resource
 * there (kernel/owners.c reads, model/owner.c joins, render/owner.c and
 * render/devices.c print).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "commands/view.h"
#include "kernel/owners.h"
#include "kernel/resource.h"
#include "model/devview.h"
#include "render/render.h"

struct iow_error *iow_owners_view_load(struct iow_session *s, struct iow_modules *mods,
				       const struct iow_resource_tree *const *trees, size_t ntrees,
				       const struct iow_mapping_set *maps, struct iow_owners_view *ov)
{
	struct iow_error *err;

	memset(ov, 0, sizeof(*ov));
	/* module addresses are named from the module list: the view's, or
	 * one of our own (a broken list costs the names, not the owners) */
	if (!mods) {
		if ((err = iow_modules_create(s->kernel, &ov->own_mods))) {
			if (!iow_error_is_partial(err))
				return err;
			iow_error_destroy(err);
			ov->own_mods = NULL;
		}
		mods = ov->own_mods;
	}
	err = iow_owners_read(s->kernel, mods, trees, ntrees, &ov->d, &ov->o);
	if (iow_error_is_partial(err) && iow_owners_find(&ov->o, &ov->d, maps)) {
		iow_error_destroy(err);
		err = &iow_error_nomem;
	}
	ov->loaded = iow_error_is_partial(err);
	return err;
}

void iow_owners_view_fini(struct iow_owners_view *ov)
{
	iow_owners_fini(&ov->o);
	iow_devices_fini(&ov->d);
	iow_modules_destroy(ov->own_mods);
	memset(ov, 0, sizeof(*ov));
}

struct iow_error *iow_cmd_devices(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	struct iow_resource_tree iomem, ioports;
	const struct iow_resource_tree *trees[] = { &iomem, &ioports };
	struct iow_owners_view ov;
	struct iow_devview dv;
	struct iow_qemu_view qv;
	struct iow_view v;
	struct iow_error *err, *map_err, *first = NULL;

	memset(&iomem, 0, sizeof(iomem));
	memset(&ioports, 0, sizeof(ioports));
	memset(&ov, 0, sizeof(ov));
	map_err = iow_view_load(s, &v, true);
	if (!iow_error_is_partial(map_err)) {
		iow_view_fini(&v);
		return map_err;
	}
	if ((err = iow_resource_tree_read(s->kernel, "iomem_resource", &iomem)) ||
	    (err = iow_resource_tree_read(s->kernel, "ioport_resource", &ioports)))
		first = err;
	if (iow_error_is_partial(err)) {
		err = iow_owners_view_load(s, v.mods, trees, 2, &v.maps, &ov);
		if (!first)
			first = err;
		else
			iow_error_destroy(err);
	}
	if (ov.loaded) {
		/* QEMU's region in each BAR, when the stub is QEMU's
		 * (commands/qemu.c): without it, one line says why. */
		if ((err = iow_qemu_view_load(s, &qv))) {
			if (!first)
				first = err;
			else
				iow_error_destroy(err);
		}
		if (iow_devview_build(&dv, &ov.d, &ov.o, &v.maps, qv.have ? &qv.mtree : NULL)) {
			if (!first)
				first = &iow_error_nomem;
		} else {
			if (a->json)
				iow_render_devices_json(&dv, &ov.o, first ? first : map_err, out);
			else
				iow_render_devices(&dv, &ov.o, s->color, out);
			if (!a->json && qv.unavailable)
				iow_sink_printf(out, "%s\n", qv.unavailable);
		}
		iow_devview_fini(&dv);
		iow_qemu_view_fini(&qv);
	}
	iow_owners_view_fini(&ov);
	iow_resource_tree_fini(&iomem);
	iow_resource_tree_fini(&ioports);
	iow_view_fini(&v);
	if (map_err && !first)
		return iow_error_wrap(map_err, "the mappings shown under the devices are incomplete");
	iow_error_destroy(map_err);
	return first;
}
