/* info: who the running kernel is and how its memory is laid out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "commands/commands.h"
#include "render/kernel.h"

struct iow_error *iow_cmd_info(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	struct iow_layout_item items[IOW_LAYOUT_MAX_ITEMS];
	size_t n;

	n = iow_kernel_describe(s->kernel, items, IOW_LAYOUT_MAX_ITEMS);
	if (a->json)
		iow_render_info_json(iow_kernel_layout(s->kernel), iow_debuginfo_path(s->dbg), items, n, out);
	else
		iow_render_info(iow_kernel_layout(s->kernel), iow_debuginfo_path(s->dbg), items, n, out);
	return NULL;
}
