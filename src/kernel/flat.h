/* flat: open a "kernel" that is an ordinary process, for benchmarks and
 * tests of the walkers at scales no guest reaches: a memory back end of its
 * own (kernel/internal.h), beside the real kernel's (mem.c).
 *
 * A fixture program (tests/fixtures/kscale.c) declares the kernel's types
 * and variables under the kernel's names (struct resource, iomem_resource,
 * vmap_area_list, memtype_rbroot, __pte2cachemode_tbl ...), compiled with
 * -g, builds kernel-shaped data in its memory and waits under gdbserver.
 * Its own ELF file is the vmlinux.  What iow_kernel_open() finds from CPU
 * state and firmware tables, which a process lacks, is given here instead:
 * - the KASLR offset is the program's load bias (PIE);
 * - kernel virtual addresses are the process's own: reads go straight to
 *   the target, with no page-table walk and no RAM check;
 * - "physical" memory is a window of the process's memory holding the page
 *   tables the fixture built: physical PA is target address
 *   phys_window + (PA - phys_start);
 * - the RAM ranges, the top page table and the paging depth.
 * Its page tables are decoded, and its memory types named, by the
 * architecture of its own ELF file (x86-64 on this project's hosts), as a
 * kernel's are.
 * Read from the program as from a kernel, by the kernel's names:
 * page_offset_base, vmalloc_base, vmemmap_base, physical_mask (if
 * present) and linux_banner (the release).  The build ID is the file's.
 *
 * Everything above the kernel layer (walkers, models, renderers, commands)
 * is unchanged, so what a benchmark measures is the production code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_FLAT_H
#define IOW_KERNEL_FLAT_H

#include "kernel/kernel.h"

struct iow_flat_layout {
	uint64_t load_bias;            /* running address - link address */
	uint64_t phys_window;          /* target address of physical phys_start */
	uint64_t phys_start, phys_size;
	uint64_t pgd_phys;             /* the top-level page table */
	int levels;                    /* 4 or 5 */
	const struct iow_ram_range *ram; /* any order; merged here */
	size_t nr_ram;
};

struct iow_error *iow_kernel_open_flat(struct iow_target *t, struct iow_debuginfo *dbg,
				       const struct iow_flat_layout *fl, struct iow_kernel **out);

#endif
