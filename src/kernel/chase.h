/* chase: prefetch many pointer chains at once, a round trip a hop.
 *
 * A walker that learns its next pointers only from what it reads (lists
 * of devices, of devres entries, of buses) would pay a round trip per
 * object.  Before it walks, it describes each read as a step: LEN bytes at
 * VA, and a function that, given those bytes, adds the steps they lead to
 * (the next list entry, a name, a child object).  iow_chase_run() then
 * goes in waves: every step whose bytes are free (cached, or refused
 * before any request: iow_kernel_read_is_free) runs at once, and what the
 * others wait on is asked for together (iow_kernel_prefetch_step), so all
 * chains advance a hop per round trip.  The same wave scheme as the
 * resource tree's prefetch (kernel/resource.c), for any walker.
 *
 * A hint only: steps check nothing and report nothing; a step seen twice
 * (the same VA and function: a cycle) runs once, a step that waited
 * IOW_CHASE_TRIES waves is dropped, and at most MAX steps run.  The walk
 * proper then reads everything again through the cache, with every check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_CHASE_H
#define IOW_KERNEL_CHASE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"

#define IOW_CHASE_TRIES 8
#define IOW_CHASE_MAX_LEN 8192 /* the most a step reads */

struct iow_chase;

/* Called with the LEN bytes at VA (read from the cache); CTX as given to
 * iow_chase_add.  It adds the steps these bytes lead to. */
typedef void iow_chase_fn(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len);

/* NULL when out of memory (then there is nothing to prefetch with). */
struct iow_chase *iow_chase_create(struct iow_kernel *k, size_t max);
void iow_chase_destroy(struct iow_chase *c);
struct iow_kernel *iow_chase_kernel(struct iow_chase *c);
/* A step: read LEN bytes at VA, then call FN (NULL: only fetch them, as a
 * name).  A zero VA or a LEN beyond IOW_CHASE_MAX_LEN is ignored. */
void iow_chase_add(struct iow_chase *c, uint64_t va, size_t len, iow_chase_fn *fn, void *ctx);
/* A string at VA: its first bytes, as iow_kernel_read_string reads them. */
void iow_chase_string(struct iow_chase *c, uint64_t va);
/* Run the waves until no step is left. */
void iow_chase_run(struct iow_chase *c);

/* A helper for list_head lists (struct list_head { next, prev }): follows
 * NODE's next pointer until it comes back to HEAD, calling FN (with CTX)
 * for each entry's list_head.  Each entry is read LEN bytes from
 * NODE - OFFSET (the containing object), so FN's bytes are the object. */
struct iow_chase_list {
	uint64_t head;       /* the list's head */
	uint64_t offset;     /* of the list_head in the entry */
	size_t len;          /* bytes of the entry to read */
	iow_chase_fn *fn;    /* called with each entry (its start), or NULL */
	void *ctx;
};
/* Start following L (which must outlive the run). */
void iow_chase_list(struct iow_chase *c, struct iow_chase_list *l);
/* The same for a list C keeps (until iow_chase_destroy). */
void iow_chase_follow(struct iow_chase *c, uint64_t head, uint64_t offset, size_t len, iow_chase_fn *fn, void *ctx);

#endif
