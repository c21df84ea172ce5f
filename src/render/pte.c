/* render/pte: one address's page-table walk; see render/kernel.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include "render/json.h"
#include "render/kernel.h"
#include "render/render.h"

void iow_render_pte(const struct iow_pte_view *v, struct iow_sink *out)
{
	char size[32];
	int i;

	iow_sink_printf(out, "0x%016" PRIx64 "\n", v->va);
	for (i = 0; i < v->nr_levels; i++) {
		const struct iow_pte_view_level *l = &v->levels[i];

		iow_sink_printf(out, "  %-3s [%3u] at phys 0x%" PRIx64 ": 0x%016" PRIx64 "  %s\n",
				l->name, l->index, l->entry_pa, l->entry, l->flags);
	}
	if (!v->present) {
		iow_sink_puts(out, "  -> not mapped\n");
		return;
	}
	iow_sink_printf(out, "  -> phys 0x%" PRIx64 " (%s page, %s %u", v->pa,
			iow_human_size(v->page_size, size, sizeof(size)), v->index_name, v->index);
	if (v->mode)
		iow_sink_printf(out, " = %s", v->mode);
	else
		iow_sink_printf(out, "; its cache mode is unknown: %s",
				v->mode_error ? v->mode_error : "?");
	if (v->attrs.share[0])
		iow_sink_printf(out, "; %s-shareable, kernel %s, user %s", v->attrs.share,
				v->attrs.kernel, v->attrs.user);
	iow_sink_puts(out, ")\n");
}

void iow_render_pte_json(const struct iow_pte_view *v, struct iow_sink *out)
{
	struct iow_json j;
	int i;

	iow_json_init(&j, out);
	iow_json_begin_object(&j, NULL);
	iow_json_hex(&j, "address", v->va);
	iow_json_begin_array(&j, "levels");
	for (i = 0; i < v->nr_levels; i++) {
		const struct iow_pte_view_level *l = &v->levels[i];

		iow_json_begin_object(&j, NULL);
		iow_json_string(&j, "level", l->name);
		iow_json_u64(&j, "index", l->index);
		iow_json_hex(&j, "table_phys", l->table_pa);
		iow_json_hex(&j, "entry", l->entry);
		iow_json_string(&j, "flags", l->flags);
		iow_json_end_object(&j);
	}
	iow_json_end_array(&j);
	iow_json_bool(&j, "present", v->present);
	if (v->present) {
		iow_json_hex(&j, "phys", v->pa);
		iow_json_u64(&j, "page_size", v->page_size);
		iow_json_u64(&j, v->index_key, v->index);
		iow_json_string(&j, "mode", v->mode);
		if (v->mode_error)
			iow_json_string(&j, "mode_error", v->mode_error);
		if (v->attrs.share[0]) {
			iow_json_string(&j, "shareability", v->attrs.share);
			iow_json_string(&j, "kernel_access", v->attrs.kernel);
			iow_json_string(&j, "user_access", v->attrs.user);
		}
	}
	iow_json_end_object(&j);
	iow_json_finish(&j);
}
