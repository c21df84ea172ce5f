/* vmap: walk the kernel's vmap areas into the model (model/vmap.h), in the
 * order /proc/vmallocinfo prints them:
 * - before 6.9: the global, address-sorted vmap_area_list, then the lazily
 *   freed areas on purge_vmap_area_list;
 * - 6.9 and later (55c49fee57af "mm/vmalloc: remove vmap_area_list",
 *   d093602919ad "mm: vmalloc: remove global vmap_area_root rb-tree"): each
 *   vmap_nodes[i].busy.head in turn, then every node's lazy.head.
 * The layout is chosen by probing the DWARF for struct vmap_node (the
 * walker's layout table, vmap.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_VMAP_H
#define IOW_KERNEL_VMAP_H

#include "kernel/kernel.h"
#include "kernel/modules.h"
#include "model/vmap.h"

#define IOW_VMAP_MAX 2000000

/* MODS (may be NULL) resolves module callers.  On a walk that stopped
 * early, LIST holds what was read and the error says why (see
 * iow_error_is_partial). */
struct iow_error *iow_vmap_list_read(struct iow_kernel *k, struct iow_modules *mods,
				     struct iow_vmap_list *list);

#endif
