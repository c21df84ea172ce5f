/* arch/arm64: the arm64 architecture (struct iow_arch, arch.h), 4 KiB
 * granule.
 *
 * - KASLR from VBAR_EL1 (the CPU's vector base, read from the stub by
 *   name: the register numbers change with QEMU's CPU model) less the link
 *   address of `vectors`, the analogue of x86's IDT; a core's VMCOREINFO
 *   KERNELOFFSET when there is no such register;
 * - the layout from the kernel's own variables (kimage_voffset,
 *   memstart_addr, high_memory, memblock, swapper_pg_dir), TCR_EL1 (the
 *   VA size the CPU translates, LPA2's DS) and the kernel's VMCOREINFO
 *   (the vmalloc and vmemmap ranges); RAM from memblock.memory;
 * - translation tables of 3, 4 or 5 levels (LPA2: 52-bit VA, a level -1
 *   of 4 index bits, output address bits 51:50 in descriptor bits 9:8),
 *   with blocks at levels 1 and 2 (and 0 with LPA2) (Arm ARM D8.3);
 * - memory types: a leaf's AttrIndx (bits 4:2) through the MAIR_EL1
 *   register's attribute bytes (Arm ARM D8.5.2, MAIR_ELx);
 * - shareability (SH, or TCR_EL1.SH1 with LPA2) and permissions (AP,
 *   PXN, UXN) of each leaf.
 *
 * The decoding functions are exported for the unit tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_ARCH_ARM64_H
#define IOW_ARCH_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"

extern const struct iow_arch iow_arch_arm64;

/* TCR_EL1 fields (Arm ARM D19.2, TCR_EL1) */
#define IOW_ARM64_TCR_T1SZ(tcr) ((unsigned)(((tcr) >> 16) & 63))
#define IOW_ARM64_TCR_SH1(tcr) ((unsigned)(((tcr) >> 28) & 3))
#define IOW_ARM64_TCR_TG1(tcr) ((unsigned)(((tcr) >> 30) & 3))
#define IOW_ARM64_TCR_DS(tcr) ((unsigned)(((tcr) >> 59) & 1))

/* The memory type of one MAIR_ELx attribute byte (enum iow_memtype):
 * Device-nGnRnE .. Device-GRE, Normal-NC, Normal-WT, Normal-WB (inner and
 * outer alike; transient or not), Normal-Tagged (0xf0, FEAT_MTE2);
 * IOW_MT_UNKNOWN for what has no one name (mixed inner and outer
 * policies, UNPREDICTABLE encodings). */
unsigned iow_arm64_mair_type(uint8_t attr);
/* The page-table format of a kernel whose TCR_EL1 is TCR (T1SZ: the
 * depth; DS: LPA2), filled as finish_layout does; false if it is not one
 * this program reads (a 16 or 64 KiB granule, or T1SZ out of range). */
bool iow_arm64_format(uint64_t tcr, struct iow_pt_format *f);

#endif
