/* render/check: check's report and the snapshot, as text and JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "render/json.h"
#include "render/render.h"

void iow_render_check(const struct iow_check *c, bool expect, struct iow_sink *out)
{
	size_t i;

	for (i = 0; i < c->n && !out->failed; i++)
		iow_sink_printf(out, "%s %-20s %s\n", c->v[i].note ? "note     " : "VIOLATION", c->v[i].kind,
				c->v[i].text);
	iow_sink_printf(out, "check: %zu violation%s%s\n", c->violations, c->violations == 1 ? "" : "s",
			expect ? " (with the expected layout)" : "");
}

void iow_render_check_json(const struct iow_check *c, struct iow_sink *out)
{
	struct iow_json j;
	size_t i;

	iow_json_init(&j, out);
	iow_json_begin_object(&j, NULL);
	iow_json_begin_array(&j, "violations");
	for (i = 0; i < c->n; i++) {
		if (c->v[i].note)
			continue;
		iow_json_begin_object(&j, NULL);
		iow_json_string(&j, "kind", c->v[i].kind);
		iow_json_string(&j, "text", c->v[i].text);
		iow_json_end_object(&j);
	}
	iow_json_end_array(&j);
	iow_json_u64(&j, "violations_count", c->violations);
	iow_json_u64(&j, "notes", c->notes);
	iow_json_end_object(&j);
	iow_json_finish(&j);
}

void iow_render_snapshot(const struct iow_snapshot *s, struct iow_sink *out)
{
	size_t i;

	iow_sink_puts(out, IOW_SNAPSHOT_HEADER "\n");
	for (i = 0; i < s->n && !out->failed; i++)
		iow_sink_printf(out, "%s\n", s->line[i]);
}
