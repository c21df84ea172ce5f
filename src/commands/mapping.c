/* ioremap, vmap and proc pat_memtype_list: the mappings and their modes,
 * and the view of them that tree and check read too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "commands/view.h"
#include "kernel/mappings.h"
#include "kernel/pat.h"
#include "kernel/vmap.h"
#include "render/render.h"

struct iow_error *iow_view_load(struct iow_session *s, struct iow_view *v, bool mappings)
{
	struct iow_error *err;

	memset(v, 0, sizeof(*v));
	/* Module callers need the module list; they are only names, so a
	 * broken list costs the names, not the view. */
	if ((err = iow_modules_create(s->kernel, &v->mods))) {
		if (!iow_error_is_partial(err))
			return err;
		iow_error_destroy(err);
		v->mods = NULL;
	}
	if ((err = iow_vmap_list_read(s->kernel, v->mods, &v->vmap)) || !mappings)
		return err;
	if ((err = iow_pat_read(s->kernel, &v->pat)))
		return err;
	return iow_mappings_read(s->kernel, &v->pat, &v->vmap, &v->maps);
}

void iow_view_fini(struct iow_view *v)
{
	iow_mapping_set_fini(&v->maps);
	iow_pat_fini(&v->pat);
	iow_vmap_list_fini(&v->vmap);
	iow_modules_destroy(v->mods);
}

/* ioremap (MAPPINGS: the page tables under the areas too) and vmap. */
static struct iow_error *show_view(struct iow_session *s, bool mappings, bool json, struct iow_sink *out)
{
	struct iow_view v;
	struct iow_error *err = iow_view_load(s, &v, mappings);

	/* by address, not in the kernel's list order (proc vmallocinfo keeps
	 * that); the mappings point into the list, and are read in address
	 * order anyway */
	if (!mappings)
		iow_vmap_list_sort_by_addr(&v.vmap);
	if (iow_error_is_partial(err)) {
		if (mappings && json)
			iow_render_mappings_json(&v.maps, &v.pat, err, out);
		else if (mappings)
			iow_render_mappings(&v.maps, &v.pat, s->color, out);
		else if (json)
			iow_render_vmap_json(&v.vmap, err, out);
		else
			iow_render_vmap(&v.vmap, s->color, out);
	}
	iow_view_fini(&v);
	return err;
}

struct iow_error *iow_cmd_ioremap(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	return show_view(s, true, a->json, out);
}

struct iow_error *iow_cmd_vmap(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	return show_view(s, false, a->json, out);
}

struct iow_error *iow_show_pat_list(struct iow_session *s, struct iow_sink *out)
{
	struct iow_pat pat;
	struct iow_error *err = iow_pat_read(s->kernel, &pat);

	if (!err && pat.none_tracked)
		err = iow_error_create(IOW_ERR_UNSUPPORTED, "pat_memtype_list does not exist on this %s "
				       "kernel: it keeps no PAT memtype reservations (its memory types "
				       "are in the page-table entries alone; see `ioremap`)",
				       iow_kernel_arch_name(s->kernel));
	else if (iow_error_is_partial(err))
		iow_render_proc_pat(&pat, out);
	iow_pat_fini(&pat);
	return err;
}
