/* model/qemu-find: the findings of QEMU's memory map beside the guest's
 * (qemu.h says what each one means and why it is drawn as it is).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/memtype.h"
#include "model/qemu.h"
#include "util/array.h"

/* include/linux/ioport.h */
#define IORESOURCE_IO 0x00000100ULL
#define IORESOURCE_SIZEALIGN 0x00040000ULL
#define IORESOURCE_WINDOW 0x00200000ULL
#define IORESOURCE_SYSRAM 0x01000000ULL
#define IORESOURCE_BUSY 0x80000000ULL

/* A finding's text is one line; a resource name may be 4 KiB of what a
 * hostile kernel wrote. */
#define TEXT_MAX 640
#define NAME_MAX_SHOWN 120

void iow_qemu_fini(struct iow_qemu *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		free(q->f[i].text);
	free(q->f);
	memset(q, 0, sizeof(*q));
}

static int add(struct iow_qemu *q, enum iow_qemu_kind kind, size_t space, uint64_t start, uint64_t end,
	       const struct iow_resource *r, const struct iow_mtree_region *region, uint64_t va, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));
static int add(struct iow_qemu *q, enum iow_qemu_kind kind, size_t space, uint64_t start, uint64_t end,
	       const struct iow_resource *r, const struct iow_mtree_region *region, uint64_t va, const char *fmt, ...)
{
	char buf[TEXT_MAX], *text;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!(text = strdup(buf)))
		return -1;
	if (iow_array_reserve(&q->f, &q->cap, q->n + 1, sizeof(*q->f))) {
		free(text);
		return -1;
	}
	q->f[q->n++] = (struct iow_qemu_finding){ kind, space, start, end, r, region, va, text };
	return 0;
}

static const char *rname(const struct iow_resource *r)
{
	return r->name ? r->name : "<BAD>";
}

static const char *space_word(const struct iow_resource *r)
{
	return (r->flags & 0x1f00) == IORESOURCE_IO ? "io" : "mem";
}

static bool under_sysram(const struct iow_resource *r)
{
	for (r = r->parent; r; r = r->parent)
		if (r->flags & IORESOURCE_SYSRAM)
			return true;
	return false;
}

/* One of the kernel image's own resources (x86's standard_io_resources,
 * the ROMs probe_roms.c finds, the kernel's code and data): the kernel
 * reserves those whatever the machine has, no driver claims them. */
static bool is_static(const struct iow_qemu *q, const struct iow_resource *r)
{
	return q->image_end && r->addr >= q->image_start && r->addr < q->image_end;
}

/* What QEMU has there, in a few words: "rom pc.bios". */
static const char *region_words(const struct iow_mtree_region *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s %.*s", m->type_name, NAME_MAX_SHOWN, m->name);
	return buf;
}

/* The first region of VIEW over [START, END] that is the machine's own
 * RAM or ROM, or NULL. */
static const struct iow_mtree_region *machine_memory_in(const struct iow_mtree_view *view, uint64_t start,
							 uint64_t end)
{
	size_t i;

	for (i = iow_qemu_first_from(view, start); i < view->n && view->regions[i].start <= end; i++)
		if (iow_mtree_is_machine_memory(&view->regions[i]))
			return &view->regions[i];
	return NULL;
}

/* A pre-order walk that can leave out a subtree. */
static const struct iow_resource *next(const struct iow_resource_tree *t, const struct iow_resource *r, bool skip)
{
	if (!skip && r->child)
		return r->child;
	while (r && r != &t->root && !r->sibling)
		r = r->parent;
	return r && r != &t->root ? r->sibling : NULL;
}

static int claims_and_devices(struct iow_qemu *q, size_t si)
{
	const struct iow_qemu_space *s = &q->spaces[si];
	const struct iow_resource *r;
	struct iow_qemu_cover c;
	char w[160];
	bool skip;

	for (r = s->tree->root.child; r; r = next(s->tree, r, skip)) {
		bool busy = r->flags & IORESOURCE_BUSY, sysram = r->flags & IORESOURCE_SYSRAM;
		bool plain = !sysram && !r->desc && !is_static(q, r) && !under_sysram(r);
		const struct iow_mtree_region *m;

		skip = false;
		if (r->end < r->start)
			continue;
		iow_qemu_cover(s->view, r->start, r->end, &c);
		if (busy && plain && !c.regions) {
			if (add(q, IOW_QEMU_CLAIM_OVER_NOTHING, si, r->start, r->end, r, NULL, 0,
				"%.*s [%s 0x%" PRIx64 "-0x%" PRIx64 "] is claimed (BUSY) but QEMU has nothing there",
				NAME_MAX_SHOWN, rname(r), space_word(r), r->start, r->end))
				return -1;
			skip = true; /* its own claims say nothing more */
			continue;
		}
		if (plain && !(r->flags & IORESOURCE_WINDOW) && (m = machine_memory_in(s->view, r->start, r->end))) {
			if (add(q, IOW_QEMU_RAM_AS_DEVICE, si, r->start, r->end, r, m, 0,
				"%.*s [%s 0x%" PRIx64 "-0x%" PRIx64 "] is a device's to the guest, but QEMU has the "
				"machine's %s there [0x%" PRIx64 "-0x%" PRIx64 "]", NAME_MAX_SHOWN, rname(r),
				space_word(r), r->start, r->end, region_words(m, w, sizeof(w)), m->start, m->end))
				return -1;
			skip = true;
			continue;
		}
		if ((r->flags & IORESOURCE_SIZEALIGN) && !(r->flags & IORESOURCE_WINDOW) && !c.regions &&
		    add(q, IOW_QEMU_BAR_NOT_MAPPED, si, r->start, r->end, r, NULL, 0,
			"%.*s [%s 0x%" PRIx64 "-0x%" PRIx64 "] is a BAR the guest assigned, but QEMU maps nothing "
			"there (decoding off, or nothing behind the BAR)", NAME_MAX_SHOWN, rname(r), space_word(r),
			r->start, r->end))
			return -1;
	}
	return 0;
}

/* The parts of the guest's System RAM that QEMU does not back with the
 * machine's RAM: each gap, and each region that is something else. */
static int ram(struct iow_qemu *q, size_t si)
{
	const struct iow_qemu_space *s = &q->spaces[si];
	const struct iow_resource *r;
	char w[160];
	bool skip;

	for (r = s->tree->root.child; r; r = next(s->tree, r, skip)) {
		uint64_t x = r->start;
		bool to_end = false;
		size_t i;

		skip = r->flags & IORESOURCE_SYSRAM; /* the outermost System RAM speaks for what it holds */
		if (!skip || r->end < r->start)
			continue;
		for (i = iow_qemu_first_from(s->view, r->start);
		     i < s->view->n && s->view->regions[i].start <= r->end && !to_end; i++) {
			const struct iow_mtree_region *m = &s->view->regions[i];
			uint64_t a = m->start > r->start ? m->start : r->start, b = m->end < r->end ? m->end : r->end;

			if (iow_qemu_is_nothing(m))
				continue; /* a gap still: reported with the next region, or at the end */
			if (a > x && add(q, IOW_QEMU_RAM_NOT_BACKED, si, x, a - 1, r, NULL, 0,
					 "%.*s [mem 0x%" PRIx64 "-0x%" PRIx64 "]: 0x%" PRIx64 "-0x%" PRIx64
					 " is not RAM in QEMU (nothing there)", NAME_MAX_SHOWN, rname(r), r->start,
					 r->end, x, a - 1))
				return -1;
			if (!(m->type == IOW_MTREE_RAM && iow_mtree_is_machine_memory(m)) &&
			    add(q, IOW_QEMU_RAM_NOT_BACKED, si, a, b, r, m, 0,
				"%.*s [mem 0x%" PRIx64 "-0x%" PRIx64 "]: 0x%" PRIx64 "-0x%" PRIx64 " is not RAM in "
				"QEMU (%s%s)", NAME_MAX_SHOWN, rname(r), r->start, r->end, a, b,
				region_words(m, w, sizeof(w)), m->owner_is_dev ? ", a device's" : ""))
				return -1;
			to_end = b == r->end;
			x = b + 1;
		}
		if (!to_end && add(q, IOW_QEMU_RAM_NOT_BACKED, si, x, r->end, r, NULL, 0,
				   "%.*s [mem 0x%" PRIx64 "-0x%" PRIx64 "]: 0x%" PRIx64 "-0x%" PRIx64
				   " is not RAM in QEMU (nothing there)", NAME_MAX_SHOWN, rname(r), r->start, r->end,
				   x, r->end))
			return -1;
	}
	return 0;
}

static void any_device(void *arg, const struct iow_resource *r)
{
	if (!(r->flags & IORESOURCE_WINDOW))
		*(bool *)arg = true;
}

static int unused_regions(struct iow_qemu *q, size_t si)
{
	const struct iow_qemu_space *s = &q->spaces[si];
	size_t i;

	for (i = 0; i < s->view->n; i++) {
		const struct iow_mtree_region *m = &s->view->regions[i];
		bool covered = false;

		if (m->background || iow_mtree_is_machine_memory(m))
			continue;
		iow_qemu_over(s->tree, m->start, m->end, any_device, &covered);
		if (!covered &&
		    add(q, IOW_QEMU_REGION_UNUSED, si, m->start, m->end, NULL, m, 0,
			"QEMU's %s region %.*s [0x%" PRIx64 "-0x%" PRIx64 "]%s%s%s has no guest resource over it",
			m->type_name, NAME_MAX_SHOWN, m->name, m->start, m->end, m->owner ? " (" : "",
			m->owner ? m->owner : "", m->owner ? ")" : ""))
			return -1;
	}
	return 0;
}

static int mappings(struct iow_qemu *q, const struct iow_mapping_set *maps)
{
	const struct iow_mtree_view *view = q->spaces[0].view;
	struct iow_qemu_cover c;
	size_t i, k;
	char w[160];

	for (i = 0; i < maps->n; i++) {
		const struct iow_mapping *mp = &maps->m[i];
		const char *caller = mp->area->caller_sym ? mp->area->caller_sym : "?";

		for (k = 0; k < mp->nruns; k++) {
			const struct iow_map_run *run = &mp->runs[k];
			uint64_t last = run->pa + run->size - 1;
			const struct iow_mtree_region *m;

			/* RAM the guest knows for RAM: ram-not-backed and the
			 * alias finding speak for it. */
			if (!run->present || run->ram || !run->size)
				continue;
			iow_qemu_cover(view, run->pa, last, &c);
			if (!c.regions) {
				if (add(q, IOW_QEMU_MAP_OVER_NOTHING, 0, run->pa, last, NULL, NULL, run->va,
					"0x%" PRIx64 "-0x%" PRIx64 " is mapped %s at 0x%016" PRIx64 " by %s, but QEMU "
					"has nothing there", run->pa, last, iow_memtype_name(run->mode), run->va, caller))
					return -1;
			} else if (!iow_memtype_is_ram_default(run->mode) && (m = machine_memory_in(view, run->pa, last)) &&
				   add(q, IOW_QEMU_RAM_MAPPED, 0, run->pa, last, NULL, m, run->va,
				       "0x%" PRIx64 "-0x%" PRIx64 " is mapped %s at 0x%016" PRIx64 " by %s, but QEMU has "
				       "the machine's %s there [0x%" PRIx64 "-0x%" PRIx64 "]", run->pa, last,
				       iow_memtype_name(run->mode), run->va, caller, region_words(m, w, sizeof(w)),
				       m->start, m->end)) {
				return -1;
			}
		}
	}
	return 0;
}

/* Whether any region of VIEW is a device's (not a background). */
static bool has_device(const struct iow_mtree_view *view)
{
	struct iow_qemu_cover c;

	iow_qemu_cover(view, 0, UINT64_MAX, &c);
	return c.regions != 0;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct iow_qemu_finding *x = a, *y = b;

	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->va < y->va ? -1 : x->va > y->va;
}

int iow_qemu_join(struct iow_qemu *q, const struct iow_mtree *m, const struct iow_resource_tree *iomem,
		  const struct iow_resource_tree *ioports, const struct iow_mapping_set *maps,
		  uint64_t image_start, uint64_t image_end)
{
	size_t i;

	memset(q, 0, sizeof(*q));
	q->spaces[0] = (struct iow_qemu_space){ "memory", "iomem", iow_mtree_space(m, "memory"), iomem, NULL };
	q->spaces[1] = (struct iow_qemu_space){ "I/O", "ioports", iow_mtree_space(m, "I/O"), ioports, NULL };
	q->image_start = image_start;
	q->image_end = image_end;
	if (q->spaces[1].view && q->spaces[1].tree && q->spaces[1].tree->count && !has_device(q->spaces[1].view))
		q->spaces[1].not_compared = "QEMU's \"I/O\" holds no device: this machine reaches ports through "
					    "memory (a PCI host's I/O window in \"memory\"), so its ports are not compared";
	for (i = 0; i < 2; i++) {
		if (!q->spaces[i].view || !q->spaces[i].tree || q->spaces[i].not_compared)
			continue;
		if (claims_and_devices(q, i) || (i == 0 && ram(q, i)) || unused_regions(q, i))
			goto fail;
	}
	if (maps && q->spaces[0].view && mappings(q, maps))
		goto fail;
	if (q->n)
		qsort(q->f, q->n, sizeof(*q->f), cmp_finding);
	for (i = 0; i < q->n; i++) {
		if (iow_qemu_kind_is_note(q->f[i].kind))
			q->notes++;
		else
			q->violations++;
	}
	return 0;
fail:
	iow_qemu_fini(q);
	return -1;
}

/* A finding of spaces[SPACE] within [START, END] about R or REGION (a
 * violation rather than a note), or NULL. */
static const struct iow_qemu_finding *about(const struct iow_qemu *q, size_t space, uint64_t start, uint64_t end,
					    const struct iow_resource *r, const struct iow_mtree_region *region)
{
	const struct iow_qemu_finding *best = NULL;
	size_t lo = 0, hi = q->n;

	/* Sorted by space, then start: the findings about R (or REGION) lie
	 * within it (ram-not-backed: a part of it). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (q->f[mid].space < space || (q->f[mid].space == space && q->f[mid].start < start))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < q->n && q->f[lo].space == space && q->f[lo].start <= end; lo++)
		if (((r && q->f[lo].r == r) || (!r && q->f[lo].q == region && !q->f[lo].r)) &&
		    (!best || (iow_qemu_kind_is_note(best->kind) && !iow_qemu_kind_is_note(q->f[lo].kind))))
			best = &q->f[lo];
	return best;
}

const struct iow_qemu_finding *iow_qemu_finding_of(const struct iow_qemu *q, size_t space,
						   const struct iow_resource *r)
{
	return about(q, space, r->start, r->end, r, NULL);
}

const struct iow_qemu_finding *iow_qemu_region_finding(const struct iow_qemu *q, size_t space,
						       const struct iow_mtree_region *region)
{
	return about(q, space, region->start, region->start, NULL, region);
}
