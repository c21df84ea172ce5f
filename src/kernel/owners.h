/* owners: read everything that tells who owns each resource, and join it
 * (model/owner.h): the devices (kernel/pci.c, kernel/busdev.c), the
 * firmware memory map and the array the kernel made from it, the static
 * pointers to resource arrays, and where every other resource's struct
 * lives (kernel/where.c).
 *
 * The firmware map (x86): e820__reserve_resources() (arch/x86/kernel/
 * e820.c) put one struct resource per entry of e820_table into an array
 * it allocated from memblock, and kept its address only in e820_res,
 * which is __initdata and gone after boot.  The array is found again from
 * the trees: every resource whose range equals entry J's is a candidate
 * element J, so its address less J * sizeof(struct resource) a candidate
 * array; a candidate is the array only if each of its nr_entries elements
 * has exactly the start and end of the table's entry of that index, in
 * order (e820_table's, else e820_table_firmware's).  Then each element is
 * "entry J", and nothing else is.  A kernel without e820 (no e820_table
 * symbol) skips it.
 *
 * Static pointers to arrays (a table in owners.c): x86's ioapic_resources
 * with nr_ioapics, arm64's and riscv's standard_resources with
 * num_standard_resources; each used only where the kernel has the symbol.
 *
 * Everything is prefetched in one run of waves (kernel/chase.h) before
 * the walks, so the lists of every kind cost a round trip a hop together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_OWNERS_H
#define IOW_KERNEL_OWNERS_H

#include "kernel/kernel.h"
#include "kernel/modules.h"
#include "model/devices.h"
#include "model/owner.h"

/* Read D (the containers) and O (the owner of every resource of the
 * NTREES TREES, which must outlive O, as D must).  MODS (may be NULL)
 * names module addresses.  A walk that stopped on bad data keeps what it
 * read, goes on with the other sources and returns the first such error
 * (iow_error_is_partial); D and O are then as complete as the rest
 * allowed.  Link errors end it at once. */
struct iow_error *iow_owners_read(struct iow_kernel *k, struct iow_modules *mods,
				  const struct iow_resource_tree *const *trees, size_t ntrees, struct iow_devices *d,
				  struct iow_owners *o);

#endif
