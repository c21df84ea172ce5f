/* model/memtype: the memory type a page-table entry gives its pages,
 * whatever the architecture: x86's cache modes, decoded through the
 * kernel's PAT table, and arm64's memory attributes, through MAIR_EL1.
 * Walkers decode an entry into this one vocabulary (src/arch/); models,
 * findings and renderers use it without knowing the architecture.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_MEMTYPE_H
#define IOW_MODEL_MEMTYPE_H

#include <stdbool.h>

enum iow_memtype {
	/* x86 (enum page_cache_mode, arch/x86/include/asm/pgtable_types.h,
	 * in its order: the x86 walker checks these values against the DWARF) */
	IOW_MT_WB = 0,
	IOW_MT_WC = 1,
	IOW_MT_UC_MINUS = 2,
	IOW_MT_UC = 3,
	IOW_MT_WT = 4,
	IOW_MT_WP = 5,
	/* arm64 (MAIR_ELx attribute encodings, Arm ARM D8.5.2) */
	IOW_MT_DEVICE_NGNRNE,
	IOW_MT_DEVICE_NGNRE,
	IOW_MT_DEVICE_NGRE,
	IOW_MT_DEVICE_GRE,
	IOW_MT_NORMAL_NC,
	IOW_MT_NORMAL_WT,
	IOW_MT_NORMAL_WB,
	IOW_MT_NORMAL_TAGGED,
	/* an encoding the decoder does not know */
	IOW_MT_UNKNOWN,
	IOW_MT_COUNT
};

/* "WB", "WC", "UC-", "UC", "WT", "WP", "Device-nGnRnE", ... "Normal-WB",
 * "Normal-Tagged"; "unknown" for IOW_MT_UNKNOWN and anything else. */
const char *iow_memtype_name(unsigned type);
/* The type RAM is mapped with by default (x86 WB, arm64 Normal-WB or
 * Normal-Tagged): a RAM page of any other type deserves a look at the
 * direct map's type of the same page. */
bool iow_memtype_is_ram_default(unsigned type);
/* arm64's Device types (Device-nGnRnE .. Device-GRE): what RAM must not be
 * mapped as. */
bool iow_memtype_is_device(unsigned type);
/* arm64's cacheable Normal types (Normal-WT, Normal-WB, Normal-Tagged):
 * what device registers must not be mapped as.  x86's modes are judged
 * against the kernel's PAT reservations instead (no type of them is one
 * of these). */
bool iow_memtype_is_cacheable_normal(unsigned type);

#endif
