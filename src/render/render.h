/* render: the model as text or JSON.  Renderers never read memory; they
 * take what the walkers built and write it to a sink.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_RENDER_RENDER_H
#define IOW_RENDER_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/resource.h"
#include "model/vmap.h"
#include "util/sink.h"

struct iow_render_opts {
	bool color;          /* ANSI colours (a terminal) */
	int max_depth;       /* tree: levels below the root to show; < 0: all */
	bool have_addr;      /* tree: only the resources containing ADDR ... */
	uint64_t addr;       /* ... and the subtree of the innermost one */
};

/* "4 KiB", "635 KiB", "1.5 GiB": binary units, exact when whole. */
char *iow_human_size(uint64_t bytes, char *buf, size_t len);

/* /proc/iomem or /proc/ioports, byte for byte as the kernel's r_show()
 * (kernel/resource.c) prints them for a reader with CAP_SYS_ADMIN. */
void iow_render_proc_resources(const struct iow_resource_tree *tree, struct iow_sink *out);
/* The annotated tree: size, decoded flags and descriptor of each resource. */
void iow_render_resource_tree(const struct iow_resource_tree *tree, const struct iow_render_opts *opts,
			      struct iow_sink *out);
/* The same as JSON; see docs/JSON.md. */
void iow_render_resource_json(const struct iow_resource_tree *tree, const struct iow_render_opts *opts,
			      struct iow_sink *out);

/* /proc/vmallocinfo, line for line, in the kernel's order. */
void iow_render_proc_vmallocinfo(const struct iow_vmap_list *l, struct iow_sink *out);

#endif
