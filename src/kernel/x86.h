/* x86: page-table entry bits, as a table (Intel SDM Vol. 3A, 4.5, tables
 * 4-15 to 4-20; arch/x86/include/asm/pgtable_types.h for the kernel's
 * software bits, whose positions differ between 6.1 and 6.12 and are
 * therefore printed as SW<n>, not by meaning).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_X86_H
#define IOW_KERNEL_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Names of the bits set in ENTRY at LEVEL (1 = PTE, 2 = PMD, 3 = PUD,
 * 4/5 = upper), separated by spaces into BUF: "P RW A D G NX", "PSE" at
 * levels 2 and 3, "PAT" for bit 7 of a PTE or bit 12 of a huge leaf.  The
 * address bits are not flags and are left out. */
void iow_x86_pte_flags(uint64_t entry, int level, char *buf, size_t len);
/* The PAT index (0-7) of a leaf entry: PAT<<2 | PCD<<1 | PWT, with PAT
 * taken from bit 7 of a PTE or bit 12 of a 2 MiB/1 GiB leaf. */
unsigned iow_x86_pat_index(uint64_t leaf, bool huge);
const char *iow_x86_level_name(int level, int levels);

#endif
