/* render/kernel: who the kernel is (info) and one address's page-table
 * walk (pte), as text or JSON.  Like every renderer they read no memory
 * and know no architecture: the architecture named the layout's rows and
 * the walk's levels and bits (model/layout.h, model/pte.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_RENDER_KERNEL_H
#define IOW_RENDER_KERNEL_H

#include <stddef.h>

#include "model/layout.h"
#include "model/pte.h"
#include "util/sink.h"

/* The layout L of the kernel that VMLINUX describes, with the N rows ITEMS
 * the architecture named, and its RAM. */
void iow_render_info(const struct iow_kernel_layout *l, const char *vmlinux,
		     const struct iow_layout_item *items, size_t n, struct iow_sink *out);
/* The same as JSON; see docs/JSON.md. */
void iow_render_info_json(const struct iow_kernel_layout *l, const char *vmlinux,
			  const struct iow_layout_item *items, size_t n, struct iow_sink *out);

/* The walk, each level's entry with its bits, then where it leads. */
void iow_render_pte(const struct iow_pte_view *v, struct iow_sink *out);
void iow_render_pte_json(const struct iow_pte_view *v, struct iow_sink *out);

#endif
