/* model/check: the invariants of a device-memory layout, for `check`.
 *
 * What the walkers read is checked here, with no guest behind it:
 * - resources: start <= end, children inside their parents, siblings in
 *   order and disjoint (the kernel keeps them so; bad data breaks it);
 * - every ioremap overlaps some iomem resource;
 * - the findings of model/mapping.c: every page-table mode equals its
 *   reservation, no range is mapped with two modes, no RAM is ioremapped.
 *   A reservation that no kernel mapping uses is a note, not a violation:
 *   user-space mappings of BARs make those.
 * - with QEMU's memory map (model/qemu.h): nothing claimed or mapped
 *   where QEMU has nothing, System RAM that is QEMU's RAM, QEMU's RAM
 *   not taken for a device's; a device region of QEMU's no resource
 *   covers and a BAR QEMU does not map are notes.
 * A snapshot compared with a saved one adds its differences
 * (model/snapshot.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_CHECK_H
#define IOW_MODEL_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "model/mapping.h"
#include "model/qemu.h"
#include "model/resource.h"

struct iow_violation {
	const char *kind; /* "resource-overlap", "mode-mismatch", "expect-added", ... (static) */
	char *text;       /* one line, with its addresses */
	bool note;        /* noted, not a violation */
};

/* What check found, in the order it found it. */
struct iow_check {
	struct iow_violation *v;
	size_t n, cap;
	size_t violations, notes;
};

void iow_check_fini(struct iow_check *c);
/* Add a violation (or, with NOTE, a note) of KIND.  -1 if out of memory. */
int iow_check_add(struct iow_check *c, const char *kind, bool note, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The tree T's shape; WHAT ("iomem") begins each text.  -1 if out of memory. */
int iow_check_resources(struct iow_check *c, const char *what, const struct iow_resource_tree *t);
/* The mappings of MAPS (whose findings are drawn) against the IOMEM tree:
 * an ioremap outside every iomem resource is a violation, or with
 * UNCLAIMED_USUAL (an architecture whose kernel maps unclaimed device
 * memory as a matter of course) a note.  -1 if out of memory. */
int iow_check_mappings(struct iow_check *c, const struct iow_resource_tree *iomem,
		       const struct iow_mapping_set *maps, bool unclaimed_usual);
/* The findings of QEMU's memory map beside the guest's (model/qemu.h):
 * its violations as violations, its notes as notes.  -1 if out of memory. */
int iow_check_qemu(struct iow_check *c, const struct iow_qemu *q);

#endif
