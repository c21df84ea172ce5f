/* arch/x86-64: the x86-64 architecture (struct iow_arch, arch.h).
 *
 * - KASLR from the IDT's divide-error gate at its fixed read-only alias in
 *   the cpu_entry_area (a core's VMCOREINFO KERNELOFFSET when the IDT
 *   cannot be read); the layout from the kernel's own variables
 *   (phys_base, page_offset_base, vmalloc_base, vmemmap_base,
 *   physical_mask, __pgtable_l5_enabled; CR4.LA57 for a kernel without the
 *   last), init_top_pgt, and RAM from e820_table;
 * - 4- or 5-level page tables of 512 entries (Intel SDM Vol. 3A, 4.5):
 *   bits by name (tables 4-15 to 4-20; the kernel's software bits,
 *   arch/x86/include/asm/pgtable_types.h, move between 6.1 and 6.12 and are
 *   named SW<n>, not by meaning);
 * - memory types: the PAT index of a leaf (PAT<<2 | PCD<<1 | PWT) through
 *   the kernel's __pte2cachemode_tbl (arch/x86/mm/init.c), whose enum
 *   page_cache_mode values are enum iow_memtype's.
 *
 * The decoding functions are exported for the unit tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_ARCH_X86_64_H
#define IOW_ARCH_X86_64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"

extern const struct iow_arch iow_arch_x86_64;

/* Names of the bits set in ENTRY at LEVEL (1 = PTE, 2 = PMD, 3 = PUD,
 * 4/5 = upper), separated by spaces into BUF: "P RW A D G NX", "PSE" at
 * levels 2 and 3, "PAT" for bit 7 of a PTE or bit 12 of a huge leaf.  The
 * address bits are not flags and are left out. */
void iow_x86_pte_flags(uint64_t entry, int level, char *buf, size_t len);
/* The PAT index (0-7) of a leaf entry: PAT<<2 | PCD<<1 | PWT, with PAT
 * taken from bit 7 of a PTE or bit 12 of a 2 MiB/1 GiB leaf. */
unsigned iow_x86_pat_index(uint64_t leaf, bool huge);
/* "PGD", "P4D" (5-level only), "PUD", "PMD", "PTE". */
const char *iow_x86_level_name(int level, int levels);

#endif
