/* pat: read the kernel's table of memory types (through the architecture:
 * iow_kernel_read_memtypes; on x86-64 __pte2cachemode_tbl) and its PAT
 * memtype reservations:
 * - memtype_rbroot (arch/x86/mm/pat/memtype_interval.c, static): the
 *   interval tree of non-RAM reservations, walked in order, which is what
 *   /sys/kernel/debug/x86/pat_memtype_list prints, without debugfs.
 * The tree walk is bounded and refuses cycles, like every walk here.  A
 * kernel without the tree (no memtype_rbroot: arm64, x86 without PAT)
 * tracks no reservations: none_tracked, and nothing is made up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_PAT_H
#define IOW_KERNEL_PAT_H

#include "kernel/kernel.h"
#include "model/pat.h"

#define IOW_MEMTYPE_MAX 1000000

struct iow_error *iow_pat_read(struct iow_kernel *k, struct iow_pat *pat);

#endif
