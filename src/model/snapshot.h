/* model/snapshot: the layout as lines that stay the same from boot to boot
 * of the same kernel and devices, whatever KASLR does, for `snapshot` and
 * `check --expect`.
 *
 * Resources by physical address (the kernel image's own ranges, which
 * physical KASLR moves, masked), mappings by physical range, mode, page
 * size and caller (RAM by size only: the allocator chose where),
 * reservations; never a virtual address.  A saved snapshot is compared as
 * a multiset of lines: order does not matter, two equal ioremaps are two
 * lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_SNAPSHOT_H
#define IOW_MODEL_SNAPSHOT_H

#include <stddef.h>

#include "model/check.h"
#include "model/mapping.h"
#include "model/pat.h"
#include "model/resource.h"
#include "util/error.h"

/* The first line of every snapshot. */
#define IOW_SNAPSHOT_HEADER "# iomem-walk snapshot 1"

struct iow_snapshot {
	char **line; /* without the header and without newlines */
	size_t n, cap;
};

void iow_snapshot_fini(struct iow_snapshot *s);
/* The lines of the layout: the kernel's RELEASE, the IOMEM and IOPORTS
 * trees, the present runs of MAPS, the reservations of PAT.  -1 if out of
 * memory. */
int iow_snapshot_build(struct iow_snapshot *s, const char *release, const struct iow_resource_tree *iomem,
		       const struct iow_resource_tree *ioports, const struct iow_mapping_set *maps,
		       const struct iow_pat *pat);
/* A saved snapshot's LEN bytes of TEXT (NAME, its file, for the message):
 * its lines, less blank ones and comments.  IOW_ERR_INVALID when the
 * header line is missing. */
struct iow_error *iow_snapshot_parse(struct iow_snapshot *s, const char *text, size_t len, const char *name);
/* Add to C what only EXPECTED has ("expect-removed", "- LINE") and what
 * only NOW has ("expect-added", "+ LINE"), in line order.  Both are sorted
 * in place.  -1 if out of memory. */
int iow_snapshot_compare(struct iow_snapshot *expected, struct iow_snapshot *now, struct iow_check *c);

#endif
