/* model/qemu: QEMU's memory map (model/mtree) beside the guest's: what
 * QEMU has behind each guest resource, which guest resources sit over
 * each QEMU region, and the findings drawn from the two.  Nothing here
 * reads memory or asks QEMU: the commands read both sides and join them.
 *
 * Two address spaces are set side by side, each found by name: QEMU's
 * "memory" with the guest's iomem tree, QEMU's "I/O" with its ioports.
 * "Nothing" is where QEMU's flat view has no region, or only a
 * background region (model/mtree.h: its I/O root's catch-all, a PCI
 * host's window): an access there reaches no device.
 *
 * Findings (violations: check fails on them):
 * - claim-over-nothing: a resource a driver claimed (IORESOURCE_BUSY, not
 *   System RAM, no IORES_DESC_* descriptor of the firmware's, not one of
 *   the kernel image's own static resources such as x86's legacy ISA
 *   ports) with nothing of QEMU's anywhere in it;
 * - map-over-nothing: a page-table mapping (an ioremap, or another vmap
 *   of non-RAM) of which no page has anything of QEMU's behind it;
 * - ram-not-backed: part of the guest's System RAM that is not the
 *   machine's RAM in QEMU (nothing, a ROM, a device);
 * - qemu-ram-as-device: the machine's RAM or ROM (iow_mtree_is_machine_
 *   memory) under a resource the guest takes for a device's (not System
 *   RAM nor inside it, no firmware descriptor, no window, not static);
 * - qemu-ram-mapped: the machine's RAM or ROM mapped, where the guest
 *   does not know it for RAM, with a type other than RAM's default (WB).
 * Notes (informational; check counts them, its status stays):
 * - qemu-region-unused: a device's region of QEMU's that no guest
 *   resource other than a bridge window overlaps;
 * - bar-not-mapped: a PCI BAR (IORESOURCE_SIZEALIGN, which
 *   drivers/pci/probe.c sets on BARs and ROM BARs, not on windows) the
 *   guest assigned with nothing of QEMU's in it: decoding is off, or the
 *   BAR is one QEMU leaves empty.
 * Partly empty ranges are no finding: QEMU maps a BAR's registers, not
 * the whole BAR (nvme's 16 KiB BAR holds 8 KiB of registers and the MSI-X
 * table and PBA), and a window holds gaps between its BARs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_QEMU_H
#define IOW_MODEL_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/mapping.h"
#include "model/mtree.h"
#include "model/resource.h"

/* One address space, both sides. */
struct iow_qemu_space {
	const char *name;                     /* QEMU's: "memory", "I/O" */
	const char *guest;                    /* the guest's: "iomem", "ioports" */
	const struct iow_mtree_view *view;    /* NULL: QEMU has no space of that name */
	const struct iow_resource_tree *tree; /* NULL: not read */
	/* Not NULL: why QEMU's space is not the guest's (then it is shown,
	 * but neither joined nor checked). */
	const char *not_compared;
};

enum iow_qemu_kind {
	IOW_QEMU_CLAIM_OVER_NOTHING,
	IOW_QEMU_MAP_OVER_NOTHING,
	IOW_QEMU_RAM_NOT_BACKED,
	IOW_QEMU_RAM_AS_DEVICE,
	IOW_QEMU_RAM_MAPPED,
	IOW_QEMU_REGION_UNUSED, /* notes from here on */
	IOW_QEMU_BAR_NOT_MAPPED,
};

struct iow_qemu_finding {
	enum iow_qemu_kind kind;
	size_t space;                       /* index into spaces[] */
	uint64_t start, end;                /* the range concerned, inclusive */
	const struct iow_resource *r;       /* the resource concerned, or NULL */
	const struct iow_mtree_region *q;   /* the region concerned, or NULL */
	uint64_t va;                        /* the mapping concerned, or 0 */
	char *text;                         /* one line, for people */
};

struct iow_qemu {
	struct iow_qemu_space spaces[2];    /* [0] memory/iomem, [1] I/O/ioports */
	/* The kernel image, [image_start, image_end): its static resources
	 * are the kernel's own (image_end 0: not known, none is taken for
	 * static). */
	uint64_t image_start, image_end;
	struct iow_qemu_finding *f;         /* spaces in order, each by address */
	size_t n, cap;
	size_t violations, notes;
};

/* Set M's spaces beside IOMEM and IOPORTS (either may be NULL: not read)
 * and draw the findings, with MAPS' mappings (NULL: none read).  M, the
 * trees and MAPS must outlive Q.  -1 if out of memory (Q is then empty). */
int iow_qemu_join(struct iow_qemu *q, const struct iow_mtree *m, const struct iow_resource_tree *iomem,
		  const struct iow_resource_tree *ioports, const struct iow_mapping_set *maps,
		  uint64_t image_start, uint64_t image_end);
void iow_qemu_fini(struct iow_qemu *q);

const char *iow_qemu_kind_name(enum iow_qemu_kind k);
bool iow_qemu_kind_is_note(enum iow_qemu_kind k);

/* --- queries, for the views ------------------------------------------------ */

/* Whether R stands for no device (a background piece), or is NULL. */
bool iow_qemu_is_nothing(const struct iow_mtree_region *r);
/* The first region of VIEW (background ones too) that ends at or after
 * ADDR, as an index (VIEW->n if none). */
size_t iow_qemu_first_from(const struct iow_mtree_view *view, uint64_t addr);
/* What QEMU has in [START, END]: how many of its device or memory regions
 * (not background) overlap it, and how many bytes of it they cover. */
struct iow_qemu_cover {
	size_t regions;
	uint64_t bytes;         /* of END - START + 1 (0 when the range is 2^64 bytes and nothing) */
	bool all;               /* every byte is covered */
	const struct iow_mtree_region *first; /* the first of them, or NULL */
};
void iow_qemu_cover(const struct iow_mtree_view *view, uint64_t start, uint64_t end, struct iow_qemu_cover *out);

typedef void iow_qemu_region_fn(void *arg, const struct iow_mtree_region *q);
/* Each region of VIEW (background ones aside: they stand for no device)
 * that overlaps [START, END], in address order: what QEMU has over a
 * physical range (memory) or a port range (I/O), e.g. a device's BARs.
 * VIEW from iow_mtree_space(m, "memory") (model/mtree.h) or a struct iow_qemu's
 * spaces[].view; NULL: none. */
void iow_qemu_each(const struct iow_mtree_view *view, uint64_t start, uint64_t end, iow_qemu_region_fn *fn,
		   void *arg);
/* The regions behind R as the annotated tree shows them: each region (not
 * background) that overlaps a part of R that none of R's children
 * covers, in address order.  The regions that only lie under R's
 * children are theirs to show. */
void iow_qemu_behind(const struct iow_mtree_view *view, const struct iow_resource *r, iow_qemu_region_fn *fn,
		     void *arg);
/* The resources of TREE (below its root) that overlap [START, END], in
 * the tree's order. */
typedef void iow_qemu_resource_fn(void *arg, const struct iow_resource *r);
void iow_qemu_over(const struct iow_resource_tree *tree, uint64_t start, uint64_t end, iow_qemu_resource_fn *fn,
		   void *arg);
/* A finding about R, a resource of spaces[SPACE]'s tree (a violation
 * rather than a note), or NULL. */
const struct iow_qemu_finding *iow_qemu_finding_of(const struct iow_qemu *q, size_t space,
						   const struct iow_resource *r);
/* A finding about REGION itself (qemu-region-unused), or NULL. */
const struct iow_qemu_finding *iow_qemu_region_finding(const struct iow_qemu *q, size_t space,
						       const struct iow_mtree_region *region);

#endif
