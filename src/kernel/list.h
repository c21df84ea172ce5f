/* list: walk a kernel struct list_head list, safely.
 *
 * Each entry's prev must point back at the one before it, no entry may be
 * seen twice, and the walk stops after MAX entries: a corrupted list ends
 * with a message naming the address, never a loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_LIST_H
#define IOW_KERNEL_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"

/* Called with the address of each list_head in the list (not the head);
 * returning an error stops the walk with it. */
typedef struct iow_error *(*iow_list_fn)(void *ctx, uint64_t node);

/* WHAT names the list in messages ("vmap_area_list"). */
struct iow_error *iow_kernel_list_walk(struct iow_kernel *k, uint64_t head, const char *what,
				       size_t max, iow_list_fn fn, void *ctx);

#endif
