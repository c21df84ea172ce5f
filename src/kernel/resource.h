/* resource: walk a kernel resource tree (iomem_resource, ioport_resource)
 * into the model (model/resource.h).
 *
 * The walk is the kernel's own order (kernel/resource.c, r_next ->
 * next_resource: child first, then sibling, then up), over a copy built
 * top-down, so a corrupted tree cannot make it loop or go astray:
 * - every struct resource is read whole, once;
 * - an address seen twice (a cycle in child or sibling links), a child
 *   whose parent pointer is not the resource it hangs from, a pointer the
 *   kernel layer refuses to read (not mapped, not RAM), more than
 *   IOW_RESOURCE_MAX nodes or a depth beyond IOW_RESOURCE_MAX_DEPTH end
 *   the walk with a message naming the address;
 * - what was read before that is kept, so the caller can still show it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_RESOURCE_H
#define IOW_KERNEL_RESOURCE_H

#include "kernel/kernel.h"
#include "model/resource.h"

#define IOW_RESOURCE_MAX 1000000
#define IOW_RESOURCE_MAX_DEPTH 256
#define IOW_RESOURCE_NAME_MAX 4096

/* struct resource's size and the offsets of its members (every one a
 * 64-bit field), from the DWARF: for walkers that read resources held by
 * other objects (a pci_dev's BARs). */
struct iow_resource_layout {
	uint64_t size, start, end, name, flags, desc, parent, sibling, child;
};
struct iow_error *iow_resource_layout_get(struct iow_kernel *k, struct iow_resource_layout *out);

/* Read the tree rooted at kernel symbol ROOT ("iomem_resource").  On a
 * walk that stopped early, TREE holds what was read and the error says why
 * (see iow_error_is_partial). */
struct iow_error *iow_resource_tree_read(struct iow_kernel *k, const char *root,
					 struct iow_resource_tree *tree);

#endif
