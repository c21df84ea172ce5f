/* kernel/internal: the kernel handle's insides, shared by kernel.c (a real
 * kernel) and flat.c (a process shaped like one, for the benchmarks and
 * the fixture tests).  Nothing outside src/kernel/kernel.c and flat.c
 * includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_INTERNAL_H
#define IOW_KERNEL_INTERNAL_H

#include "kernel/kernel.h"

struct iow_kernel {
	struct iow_target *t;
	struct iow_debuginfo *dbg;
	struct iow_kernel_layout lay;
	bool image_known;  /* kaslr_offset and phys_base are set */
	bool direct_known; /* page_offset_base is set */
	bool direct_broken;/* the CPU's page tables do not map the direct map */
	bool ram_known;
	uint64_t boot_root; /* CR3's page directory, for bootstrap walks */
	/* The kernel image's mapping, [_text, _end) with KASLR applied and
	 * widened to 2 MiB as cleanup_highmap() keeps it; image_end 0 while
	 * unknown.  The rest of the image's 1 GiB is unmapped, or, in a kernel
	 * built without RANDOMIZE_BASE (KERNEL_IMAGE_SIZE 512 MiB), the module
	 * area: not a linear mapping. */
	uint64_t image_start, image_end;
	/* Flat mode (flat.c): virtual reads go straight to the target, and
	 * physical [flat_pa, flat_pa + flat_size) is target memory at
	 * flat_window. */
	bool flat;
	uint64_t flat_window, flat_pa, flat_size;
};

/* Flat mode's physical read (flat.c). */
struct iow_error *iow_kernel_flat_read_pa(struct iow_kernel *k, uint64_t pa, void *buf, size_t len);
/* init/version.c's linux_banner -> lay.release (kernel.c). */
struct iow_error *iow_kernel_read_release(struct iow_kernel *k);

#endif
