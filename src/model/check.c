/* model/check: see check.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/check.h"
#include "util/array.h"

void iow_check_fini(struct iow_check *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].text);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* A line at most: a resource name may be 4 KiB of what a hostile kernel
 * wrote. */
#define TEXT_MAX 640

int iow_check_add(struct iow_check *c, const char *kind, bool note, const char *fmt, ...)
{
	va_list ap;
	char buf[TEXT_MAX], *text;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!(text = strdup(buf)))
		return -1;
	if (iow_array_reserve(&c->v, &c->cap, c->n + 1, sizeof(*c->v))) {
		free(text);
		return -1;
	}
	c->v[c->n++] = (struct iow_violation){ kind, text, note };
	if (note)
		c->notes++;
	else
		c->violations++;
	return 0;
}

static const char *name(const struct iow_resource *r)
{
	return r->name ? r->name : "<BAD>";
}

int iow_check_resources(struct iow_check *c, const char *what, const struct iow_resource_tree *t)
{
	const struct iow_resource *r, *ch, *prev;

	for (r = &t->root; r; r = iow_resource_next((struct iow_resource *)r)) {
		if (r->start > r->end &&
		    iow_check_add(c, "resource-range", false, "%s: %s [0x%" PRIx64 "-0x%" PRIx64
				  "] ends before it starts", what, name(r), r->start, r->end))
			return -1;
		for (prev = NULL, ch = r->child; ch; prev = ch, ch = ch->sibling) {
			if ((ch->start < r->start || ch->end > r->end) &&
			    iow_check_add(c, "resource-outside-parent", false, "%s: %s [0x%" PRIx64 "-0x%" PRIx64
					  "] lies outside its parent %s [0x%" PRIx64 "-0x%" PRIx64 "]", what,
					  name(ch), ch->start, ch->end, name(r), r->start, r->end))
				return -1;
			if (prev && ch->start <= prev->end &&
			    iow_check_add(c, "resource-overlap", false, "%s: %s [0x%" PRIx64 "-0x%" PRIx64
					  "] overlaps or precedes its sibling %s [0x%" PRIx64 "-0x%" PRIx64 "]",
					  what, name(ch), ch->start, ch->end, name(prev), prev->start, prev->end))
				return -1;
		}
	}
	return 0;
}

/* Mappings are whole pages and resources need not be (HPET's is 1 KiB):
 * a mapping is covered when its pages overlap a resource. */
static bool in_some_resource(const struct iow_resource *root, uint64_t pa, uint64_t end)
{
	const struct iow_resource *r;

	for (r = root->child; r; r = r->sibling)
		if (r->start < end && r->end >= pa)
			return true;
	return false;
}

int iow_check_mappings(struct iow_check *c, const struct iow_resource_tree *iomem,
		       const struct iow_mapping_set *maps, bool unclaimed_usual)
{
	size_t i, k;

	for (i = 0; i < maps->n; i++) {
		const struct iow_mapping *m = &maps->m[i];

		if (!m->ioremap)
			continue;
		for (k = 0; k < m->nruns; k++) {
			const struct iow_map_run *run = &m->runs[k];

			if (run->present && !run->ram &&
			    !in_some_resource(&iomem->root, run->pa, run->pa + run->size) &&
			    iow_check_add(c, "ioremap-outside-iomem", unclaimed_usual, "0x%" PRIx64 "-0x%" PRIx64
					  " is ioremapped at 0x%016" PRIx64 " by %s but overlaps no iomem resource%s",
					  run->pa, run->pa + run->size - 1, run->va,
					  m->area->caller_sym ? m->area->caller_sym : "?",
					  unclaimed_usual ? " (usual here: early drivers map what they never claim)" : ""))
				return -1;
		}
	}
	for (i = 0; i < maps->nfindings; i++) {
		const struct iow_finding *f = &maps->findings[i];

		if (iow_check_add(c, iow_finding_kind_name(f->kind), f->note,
				  "%s", f->text))
			return -1;
	}
	return 0;
}

/* A device region of QEMU's that no resource covers is common and dull
 * (q35's PC speaker, port 92, the ELCRs, vmport: QEMU emulates them, Linux
 * never registers them): check says so in one line, naming a few, and
 * `mtree` lists them all.  A BAR QEMU does not map is a note of its own:
 * it is rare, and may explain a driver that finds nothing there. */
#define UNUSED_NAMED 6

int iow_check_qemu(struct iow_check *c, const struct iow_qemu *q)
{
	size_t i, unused = 0;
	char names[256] = "";

	for (i = 0; i < q->n; i++) {
		const struct iow_qemu_finding *f = &q->f[i];

		if (f->kind == IOW_QEMU_REGION_UNUSED) {
			if (unused++ < UNUSED_NAMED && f->q)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%.40s", unused > 1 ? ", " : "",
					 f->q->name);
			continue;
		}
		if (iow_check_add(c, iow_qemu_kind_name(f->kind), iow_qemu_kind_is_note(f->kind), "%s", f->text))
			return -1;
	}
	if (unused && iow_check_add(c, iow_qemu_kind_name(IOW_QEMU_REGION_UNUSED), true,
				    "%zu device region%s of QEMU's %s no guest resource over %s (%s%s; iomem-walk mtree "
				    "lists them)", unused, unused == 1 ? "" : "s", unused == 1 ? "has" : "have",
				    unused == 1 ? "it" : "them", names, unused > UNUSED_NAMED ? ", ..." : ""))
		return -1;
	return 0;
}
