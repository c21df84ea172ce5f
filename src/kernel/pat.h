/* pat: read the kernel's PAT cache-mode table and its memtype reservations.
 *
 * - __pte2cachemode_tbl (arch/x86/mm/init.c, static): the kernel's own
 *   decoding of the PWT/PCD/PAT bits into a cache mode, as it set it up
 *   from the PAT MSR (which the gdbstub cannot read);
 * - memtype_rbroot (arch/x86/mm/pat/memtype_interval.c, static): the
 *   interval tree of non-RAM reservations, walked in order, which is what
 *   /sys/kernel/debug/x86/pat_memtype_list prints, without debugfs.
 * The tree walk is bounded and refuses cycles, like every walk here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_PAT_H
#define IOW_KERNEL_PAT_H

#include "kernel/kernel.h"
#include "model/pat.h"

#define IOW_MEMTYPE_MAX 1000000

struct iow_error *iow_pat_read(struct iow_kernel *k, struct iow_pat *pat);
/* Only __pte2cachemode_tbl, into PTE2CM (struct iow_pat's pte2cm): what
 * decoding one entry needs, without walking the memtype tree. */
struct iow_error *iow_pat_read_table(struct iow_kernel *k, uint8_t pte2cm[8]);
/* The cache mode of a leaf entry, through the kernel's table. */
unsigned iow_pat_leaf_mode(const struct iow_pat *pat, uint64_t leaf, bool huge);

#endif
