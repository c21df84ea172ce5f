/* model/qemu: the queries that set QEMU's regions beside the guest's
 * resources.  See qemu.h; the findings are qemu-find.c's.
 *
 * Every walk here is bounded by the sizes of the two sides: regions are
 * found by binary search in a flat view (sorted, disjoint: mtree.c checks
 * it), resources by a pre-order walk that enters only the subtrees that
 * overlap.  A tree whose siblings are out of order (bad kernel data, which
 * check reports) gives incomplete answers, never an endless walk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "model/qemu.h"

static const char *const kind_names[] = {
	[IOW_QEMU_CLAIM_OVER_NOTHING] = "claim-over-nothing",
	[IOW_QEMU_MAP_OVER_NOTHING] = "map-over-nothing",
	[IOW_QEMU_RAM_NOT_BACKED] = "ram-not-backed",
	[IOW_QEMU_RAM_AS_DEVICE] = "qemu-ram-as-device",
	[IOW_QEMU_RAM_MAPPED] = "qemu-ram-mapped",
	[IOW_QEMU_REGION_UNUSED] = "qemu-region-unused",
	[IOW_QEMU_BAR_NOT_MAPPED] = "bar-not-mapped",
};

const char *iow_qemu_kind_name(enum iow_qemu_kind k)
{
	return (size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

bool iow_qemu_kind_is_note(enum iow_qemu_kind k)
{
	return k >= IOW_QEMU_REGION_UNUSED;
}

bool iow_qemu_is_nothing(const struct iow_mtree_region *r)
{
	return !r || r->background;
}

size_t iow_qemu_first_from(const struct iow_mtree_view *view, uint64_t addr)
{
	size_t lo = 0, hi = view->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (view->regions[mid].end < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void iow_qemu_cover(const struct iow_mtree_view *view, uint64_t start, uint64_t end, struct iow_qemu_cover *out)
{
	uint64_t x = start; /* the first byte not known to be covered */
	bool gap = false, done = false;
	size_t i;

	*out = (struct iow_qemu_cover){ 0 };
	if (!view || end < start)
		return;
	for (i = iow_qemu_first_from(view, start); i < view->n && view->regions[i].start <= end; i++) {
		const struct iow_mtree_region *r = &view->regions[i];
		uint64_t a = r->start > start ? r->start : start, b = r->end < end ? r->end : end;

		if (r->background)
			continue;
		if (!out->first)
			out->first = r;
		out->regions++;
		out->bytes += b - a + 1;
		if (!done) {
			if (a > x)
				gap = true;
			if (b == UINT64_MAX || b + 1 > end)
				done = true;
			else
				x = b + 1;
		}
	}
	out->all = out->regions && !gap && done;
}

void iow_qemu_each(const struct iow_mtree_view *view, uint64_t start, uint64_t end, iow_qemu_region_fn *fn,
		   void *arg)
{
	size_t i;

	if (!view || end < start)
		return;
	for (i = iow_qemu_first_from(view, start); i < view->n && view->regions[i].start <= end; i++)
		if (!view->regions[i].background)
			fn(arg, &view->regions[i]);
}

void iow_qemu_behind(const struct iow_mtree_view *view, const struct iow_resource *r, iow_qemu_region_fn *fn,
		     void *arg)
{
	const struct iow_resource *c = r->child;
	size_t i;

	if (!view || r->end < r->start)
		return;
	for (i = iow_qemu_first_from(view, r->start); i < view->n && view->regions[i].start <= r->end; i++) {
		const struct iow_mtree_region *q = &view->regions[i];
		uint64_t a = q->start > r->start ? q->start : r->start, b = q->end < r->end ? q->end : r->end;
		const struct iow_resource *k;
		bool covered = false;
		uint64_t x = a;

		if (q->background)
			continue;
		/* Regions come in address order: the children that end before
		 * this one's part are behind us for good. */
		while (c && c->end < a)
			c = c->sibling;
		for (k = c; k && k->start <= x && !covered; k = k->sibling) {
			if (k->end < x)
				continue;
			if (k->end >= b)
				covered = true;
			else
				x = k->end + 1;
		}
		if (!covered)
			fn(arg, q);
	}
}

/* The next resource after R in pre-order that is not below it, within
 * TREE. */
static const struct iow_resource *after(const struct iow_resource_tree *tree, const struct iow_resource *r)
{
	while (r && r != &tree->root && !r->sibling)
		r = r->parent;
	return r && r != &tree->root ? r->sibling : NULL;
}

void iow_qemu_over(const struct iow_resource_tree *tree, uint64_t start, uint64_t end, iow_qemu_resource_fn *fn,
		   void *arg)
{
	const struct iow_resource *r = tree->root.child;

	while (r) {
		bool hit = r->start <= end && r->end >= start;

		if (hit)
			fn(arg, r);
		if (hit && r->child)
			r = r->child;
		else if (r->start > end) /* siblings are in order: the rest start later still */
			r = after(tree, r->parent);
		else
			r = r->sibling ? r->sibling : after(tree, r);
	}
}
