/* where: where kernel addresses lie (model/owner.h's struct iow_location):
 * the kernel image (a static variable, named as %pS names it), a module's
 * memory (its symbol), a slab cache's object (the cache's name), a page of
 * the page allocator, or a reserved (boot-time, memblock) page.
 *
 * A slab object is found as the kernel finds it (virt_to_slab(),
 * mm/slab.h): the struct page of its physical page in the vmemmap array
 * (through the compound head for a page of a larger slab), read as the
 * struct slab it is, whose slab_cache must be a kmem_cache that sits on
 * the slab_caches list (its list entry's neighbours point back at it)
 * before its name is believed; where the kernel marks slab pages in a way
 * its DWARF names (PG_slab before 6.10, the PGTY_slab page type in 6.12),
 * the mark must be there too.  Addresses outside RAM's direct map, or a
 * kernel without these structs, are left IOW_WHERE_UNKNOWN.
 *
 * Reads in a few round trips however many addresses: every struct page at
 * once, then every cache, then their neighbours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_WHERE_H
#define IOW_KERNEL_WHERE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"
#include "kernel/modules.h"
#include "model/owner.h"

/* The N locations of ADDRS into *OUT (N of them, to free with
 * iow_location_fini each).  MODS may be NULL (module addresses are then
 * unknown).  Errors are the connection's, or out of memory: data that
 * makes no sense only leaves an address unknown. */
struct iow_error *iow_locate(struct iow_kernel *k, struct iow_modules *mods, const uint64_t *addrs, size_t n,
			     struct iow_location **out);

#endif
