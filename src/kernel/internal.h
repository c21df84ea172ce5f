/* kernel/internal: the kernel handle's insides, for the files of the kernel
 * layer and for the architectures (src/arch/), which identify a kernel
 * through the helpers below.  Nothing above the kernel layer includes this.
 *
 * The kernel layer in files:
 * - open.c     choosing the architecture, opening and identifying, the
 *              build ID, RAM, the recheck after the machine ran;
 * - read.c     safe reads of kernel virtual and physical memory;
 * - pgtable.c  the page-table walk and its level-by-level prefetch,
 *              driven by the architecture's page-table format;
 * - prefetch.c prefetching and the one-round-trip-at-a-time waves;
 * - mem.c      the memory back end of a real kernel, flat.c the flat one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_INTERNAL_H
#define IOW_KERNEL_INTERNAL_H

#include "arch/arch.h"
#include "kernel/kernel.h"

#define IOW_KPAGE_SIZE 4096ULL /* the unit reads are split in (IOW_TARGET_PAGE_SIZE) */
#define IOW_KPAGE_MASK (~(IOW_KPAGE_SIZE - 1))

/* A memory back end: how kernel virtual and physical addresses become
 * reads of the target.  Two implement it: a real kernel's (mem.c) and a
 * flat process's (flat.c).  The rest of the kernel layer (reads, walks,
 * prefetching) is written against these alone. */
struct iow_kmem_ops {
	const char *name; /* "kernel", "flat" */
	/* LEN bytes of kernel virtual memory at VA into BUF, with every check
	 * the back end makes (any length: the back end splits it). */
	struct iow_error *(*read)(struct iow_kernel *k, uint64_t va, void *buf, size_t len);
	/* Where read() takes LEN bytes at VA (within one page) from in the
	 * target, reading nothing but the page tables on the way; false if it
	 * would refuse them. */
	bool (*where)(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
		      uint64_t *addr);
	/* Whether VA is reached without a walk of the kernel's page tables (so
	 * prefetching its tables is pointless, and a wave needs only its
	 * bytes): the image and direct map of a real kernel, everything of a
	 * flat one. */
	bool (*direct)(const struct iow_kernel *k, uint64_t va);
	/* LEN bytes of physical memory at PA, within one page, known (or,
	 * bootstrapping, trusted) to be RAM: page tables, for instance. */
	struct iow_error *(*read_pa)(struct iow_kernel *k, uint64_t pa, void *buf, size_t len);
	/* Where read_pa() takes PA from, without reading; false if it would
	 * not read it. */
	bool (*where_pa)(struct iow_kernel *k, uint64_t pa, enum iow_space *space, uint64_t *addr);
	/* After the machine ran: is it the kernel K was opened on?  NULL: it
	 * cannot have changed. */
	struct iow_error *(*check_same)(struct iow_kernel *k);
	/* An address in the module area (iow_kernel_modules_hint), or 0. */
	uint64_t (*modules_hint)(const struct iow_kernel *k);
};

extern const struct iow_kmem_ops iow_kmem_kernel; /* mem.c */

struct iow_kernel {
	struct iow_target *t;
	struct iow_debuginfo *dbg;
	const struct iow_arch *arch;
	const struct iow_kmem_ops *mem;
	struct iow_kernel_layout lay;
	struct iow_pt_format fmt; /* the arch's, from lay (arch->finish_layout) */
	bool image_known;  /* kaslr_offset and phys_base are set */
	bool direct_known; /* page_offset_base is set */
	bool direct_broken;/* the CPU's page tables do not map the direct map */
	bool ram_known;
	uint64_t boot_root; /* the CPU's top table, for bootstrap walks (0: not read yet) */
	/* the flat back end's window: physical [flat_pa, flat_pa + flat_size)
	 * is target memory at flat_window */
	uint64_t flat_window, flat_pa, flat_size;
};

/* --- for the memory back ends and the architectures ----------------------- */

/* A kernel of architecture ARCH (the vmlinux's) with back end MEM, nothing
 * else known yet (calloc()ed; iow_kernel_destroy frees it). */
struct iow_error *iow_kernel_create(struct iow_target *t, struct iow_debuginfo *dbg,
				    const struct iow_kmem_ops *mem, struct iow_kernel **out);
/* LAY's levels or physical mask changed: derive the rest (arch->finish_layout). */
void iow_kernel_layout_changed(struct iow_kernel *k);
/* Take the N RAM ranges (any order, overlapping or not), sorted and merged,
 * as the kernel's RAM; frees RANGES. */
struct iow_error *iow_kernel_set_ram(struct iow_kernel *k, struct iow_ram_range *ranges, size_t n);
/* init/version.c's linux_banner -> lay.release. */
struct iow_error *iow_kernel_read_release(struct iow_kernel *k);
/* A symbol's link address (no KASLR offset). */
struct iow_error *iow_kernel_link_symbol(struct iow_kernel *k, const char *name, uint64_t *addr);
/* Read a kernel virtual address before the layout is known: through the
 * CPU's own page tables, or, if they do not map it (a PTI user CR3, a core
 * without virtual addresses), by walking from arch->boot_root ourselves. */
struct iow_error *iow_kernel_boot_read(struct iow_kernel *k, uint64_t va, void *buf, size_t len);
/* A kernel-image variable (KASLR applied), before or after the direct map
 * is known; the error names SYM. */
struct iow_error *iow_kernel_image_read(struct iow_kernel *k, const char *sym, void *buf, size_t len);
/* The variables NAMES (LENS bytes each; 0: a string) will be read next:
 * fetch them together, as iow_kernel_image_read will read them. */
void iow_kernel_prefetch_symbols(struct iow_kernel *k, const char *const *names, const size_t *lens,
				 size_t n);
/* A number in the target's VMCOREINFO ("KERNELOFFSET=<hex>"), if it has
 * one. */
bool iow_kernel_vmcoreinfo_hex(struct iow_kernel *k, const char *key, uint64_t *val);
/* A NUMBER(...) of it: decimal, signed, or hex with 0x. */
bool iow_kernel_vmcoreinfo_number(struct iow_kernel *k, const char *key, uint64_t *val);
/* Whether the target's VMCOREINFO is the running kernel's own word, now
 * (a live target's, /proc/kcore): then it is the first source of the
 * KASLR offset and the layout, before anything read from memory.  A
 * dump's may be older than the memory beside it (QEMU keeps what the
 * guest last handed to -device vmcoreinfo, perhaps before a kexec). */
bool iow_kernel_vmcoreinfo_current(struct iow_kernel *k);

/* --- between the kernel layer's files ---------------------------------------- */

/* The walk from ROOT (a root as arch->root_table takes it) with format F. */
struct iow_error *iow_kernel_walk(struct iow_kernel *k, const struct iow_pt_format *f, uint64_t root,
				  uint64_t va, struct iow_translation *out);
/* What reading VA..VA+LEN-1 (within one page) needs from the target,
 * judged from the cache alone: false nothing (it would be answered from
 * the cache, or refused before asking), true the *N bytes at *ADDR in
 * *SPACE (the data, or the next page-table entry on the way to it). */
bool iow_kernel_walk_needs(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
			   uint64_t *addr, size_t *n);
/* The real kernel's recheck (open.c), for its back end. */
struct iow_error *iow_kernel_recheck(struct iow_kernel *k);

#endif
