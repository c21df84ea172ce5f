/* mappings: read the page tables under the vmap areas, and keep the
 * mappings worth showing: every ioremap, and every other area that maps
 * non-RAM, or RAM with a cache mode other than write-back (whose direct-map
 * mode is then read too, to spot aliases).  Only page tables are read,
 * never the memory they map.  The areas are walked, and the set keeps the
 * mappings, in address order (when a walk stops early, the ones walked are
 * those below the address where it stopped).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_MAPPINGS_H
#define IOW_KERNEL_MAPPINGS_H

#include "kernel/kernel.h"
#include "model/mapping.h"
#include "model/pat.h"
#include "model/vmap.h"

/* LIST and PAT must outlive SET (SET points into LIST). */
struct iow_error *iow_mappings_read(struct iow_kernel *k, const struct iow_pat *pat,
				    const struct iow_vmap_list *list, struct iow_mapping_set *set);

#endif
