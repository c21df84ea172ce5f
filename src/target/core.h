/* target/core: the ELF core back end's insides, private to its two files:
 * core.c (the file, its segments, memory reads, opening) and core-cpu.c
 * (the notes: per-CPU registers and VMCOREINFO).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_TARGET_CORE_H
#define IOW_TARGET_CORE_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target/target.h"

#define CORE_MAX_NOTES (64u << 20)  /* bytes in one PT_NOTE */
#define CORE_MAX_CPUS 8192

/* x86-64 struct user_regs_struct (the kernel's arch/x86/include/asm/user_64.h),
 * the pr_reg of NT_PRSTATUS; QEMU's x86_64_user_regs_struct in
 * target/i386/arch_dump.c has the same layout. */
struct prstatus_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10;
	uint64_t r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
};
/* pr_reg follows struct elf_prstatus_common (include/linux/elfcore.h),
 * 112 bytes on x86-64; QEMU's x86_64_elf_prstatus pads to the same. */
#define PRSTATUS_REGS_OFFSET 112
_Static_assert(sizeof(struct prstatus_regs) == 27 * 8, "user_regs_struct");

/* QEMUCPUState and QEMUCPUSegment, QEMU target/i386/arch_dump.c,
 * QEMUCPUSTATE_VERSION 1.  Later QEMUs (Debian's 7.2 among them) append
 * kernel_gs_base without changing the version, and contrib/elf2dmp/
 * qemu_elf.h reads it only when the size field says it is there; so do we.
 * Anything past it is ignored. */
struct qemu_seg {
	uint32_t selector, limit, flags, pad;
	uint64_t base;
};
struct qemu_cpu_state {
	uint32_t version, size;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	struct qemu_seg cs, ds, es, fs, gs, ss;
	struct qemu_seg ldt, tr, gdt, idt;
	uint64_t cr[5];
	uint64_t kernel_gs_base;
};
#define QEMU_STATE_V1_SIZE offsetof(struct qemu_cpu_state, kernel_gs_base)
_Static_assert(QEMU_STATE_V1_SIZE == 0x1b0, "QEMUCPUState v1");
_Static_assert(sizeof(struct qemu_cpu_state) == 0x1b8, "QEMUCPUState + kernel_gs_base");

struct core_cpu {
	bool has_prstatus, has_qemu;
	bool qemu_unknown;     /* a QEMU note of a version we do not know */
	uint32_t qemu_version; /* ... this one */
	uint32_t qemu_size;    /* valid bytes of .qemu */
	struct prstatus_regs prs;
	struct qemu_cpu_state qemu;
};

/* One PT_LOAD in one address space, trimmed so that the space's segments
 * are disjoint: [start, end) holds memory, [start, fend) of it from the file
 * at off, [fend, end) zeros (p_filesz < p_memsz, ELF gABI "Program Header");
 * start and end first: util/ranges.h. */
struct core_seg {
	uint64_t start, end, fend, off;
	unsigned int phdr; /* program header index, for messages */
};

struct core_space {
	const char *name; /* "physical", "virtual" */
	bool present;
	struct core_seg *seg;
	size_t n;
};

struct core {
	struct iow_target t; /* first: the generic layer's view */
	int fd;
	uint64_t size;
	char *path;
	struct core_space phys, virt;
	struct core_cpu *cpu;
	size_t ncpu, cap; /* CPUs with at least one note; room in .cpu */
	size_t nprs, nqemu;
	size_t cur;       /* the CPU whose registers read_reg() returns */
	char *vmcoreinfo;
};

static inline struct core *to_core(struct iow_target *t)
{
	return (struct core *)(void *)((char *)t - offsetof(struct core, t));
}

/* The file bytes of program header IDX, a KIND ("PT_LOAD"), must be in the
 * file (core.c). */
struct iow_error *iow_core_check_in_file(const struct core *c, const GElf_Phdr *ph, size_t idx,
					const char *kind);
/* The notes of PT_NOTE program header IDX: CPU registers, VMCOREINFO (core-cpu.c). */
struct iow_error *iow_core_read_notes(struct core *c, Elf *elf, const GElf_Phdr *ph, size_t idx);
/* The back end's read_reg: the current CPU's register NAME (core-cpu.c). */
struct iow_error *iow_core_read_reg(struct iow_target *t, const char *name, uint64_t *val);

#endif
