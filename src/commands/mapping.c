/* ioremap, vmap and proc pat_memtype_list: the mappings and their modes.
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

static bool want_json(struct iow_session *s, int argc, char **argv, struct iow_error **err,
		      const char *usage)
{
	bool json = s->json;
	int i;

	*err = NULL;
	for (i = 1; i < argc && !*err; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			*err = iow_error_create(IOW_ERR_INVALID, "usage: %s", usage);
	}
	return json;
}

struct iow_error *iow_cmd_ioremap(struct iow_session *s, int argc, char **argv, struct iow_sink *out)
{
	struct iow_view v;
	struct iow_error *err;
	bool json = want_json(s, argc, argv, &err, "ioremap [--json]");

	if (err || s->args_only)
		return err;
	err = iow_view_load(s, &v, true);
	if (iow_error_is_partial(err)) {
		if (json)
			iow_render_mappings_json(&v.maps, &v.pat, err, out);
		else
			iow_render_mappings(&v.maps, &v.pat, s->color, out);
	}
	iow_view_fini(&v);
	return err;
}

struct iow_error *iow_cmd_vmap(struct iow_session *s, int argc, char **argv, struct iow_sink *out)
{
	struct iow_view v;
	struct iow_error *err;
	bool json = want_json(s, argc, argv, &err, "vmap [--json]");

	if (err || s->args_only)
		return err;
	err = iow_view_load(s, &v, false);
	/* by address, not in the kernel's list order (proc vmallocinfo keeps that) */
	iow_vmap_list_sort_by_addr(&v.vmap);
	if (iow_error_is_partial(err)) {
		if (json)
			iow_render_vmap_json(&v.vmap, err, out);
		else
			iow_render_vmap(&v.vmap, s->color, out);
	}
	iow_view_fini(&v);
	return err;
}

struct iow_error *iow_show_pat_list(struct iow_session *s, struct iow_sink *out)
{
	struct iow_pat pat;
	struct iow_error *err = iow_pat_read(s->kernel, &pat);

	if (iow_error_is_partial(err))
		iow_render_proc_pat(&pat, out);
	iow_pat_fini(&pat);
	return err;
}
