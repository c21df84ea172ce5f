/* kernel: the running kernel's identity and memory layout, and a reader of
 * kernel virtual addresses that never touches device memory.
 *
 * iow_kernel_open() works out, over a plain gdbstub or from a dump, with no
 * help from the guest, through the vmlinux's architecture (src/arch/):
 * - the KASLR offset (x86-64: from the IDT's divide-error gate in the
 *   cpu_entry_area; a core's VMCOREINFO KERNELOFFSET when the IDT cannot
 *   be read);
 * - that the vmlinux is the running kernel's: the build ID note in guest
 *   memory (__start_notes) must equal the file's;
 * - the layout (struct iow_kernel_layout: image, direct map, vmalloc area,
 *   paging depth, top page table) and the RAM ranges (x86-64: the kernel's
 *   e820 table).
 *
 * Reads of kernel virtual memory go through a memory back end
 * (internal.h).  A real kernel's translates the address through the
 * kernel's own page tables, checks that the physical page is RAM, and
 * reads it through the direct map, or physically when the CPU's current
 * page tables do not map it (a PTI user CR3).  So a wild pointer into an
 * ioremap area or a device BAR is refused, never read.  The flat back end
 * (flat.h) reads a process shaped like a kernel, for benchmarks and tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_KERNEL_H
#define IOW_KERNEL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debuginfo/debuginfo.h"
#include "model/layout.h"
#include "model/pte.h"
#include "target/target.h"
#include "util/error.h"

struct iow_kernel_opts {
	bool ignore_build_id; /* open even if the build IDs differ (for tests) */
	/* Symbols the caller reads next (NULL-terminated, or NULL): fetched
	 * with the open's own reads, in no extra round trip.  A hint. */
	const char *const *warm_symbols;
};

/* One level of a page-table walk. */
struct iow_pt_level {
	int level;          /* the top is the depth (layout's levels), the last 1 */
	unsigned shift;     /* one entry of this level maps 1 << shift bytes */
	uint64_t table_pa;  /* physical address of the table */
	unsigned index;     /* entry index in it */
	uint64_t entry;     /* the raw entry */
};

struct iow_translation {
	uint64_t va, pa;    /* pa is valid when present */
	bool present;
	uint64_t leaf_size; /* 4 KiB, 2 MiB, 1 GiB ... */
	uint64_t leaf;      /* the leaf entry (PTE, or a huge page or block) */
	unsigned memtype_index; /* the leaf's (x86: PAT index), for iow_kernel_read_memtypes' table */
	struct iow_leaf_attrs attrs; /* the leaf's shareability and permissions (arm64) */
	int nr_levels;      /* entries filled in below, top first */
	struct iow_pt_level levels[IOW_PT_MAX_LEVELS];
};

struct iow_kernel;

struct iow_error *iow_kernel_open(struct iow_target *t, struct iow_debuginfo *dbg,
				  const struct iow_kernel_opts *opts, struct iow_kernel **out);
/* After the machine ran: is it still the kernel K was opened on?  Finds
 * the KASLR offset again (x86-64: the IDT) and reads the build ID note
 * again (one or two round trips; nothing for a flat kernel).  IOW_ERR_MISMATCH if the kernel was restarted or replaced (then
 * K must be opened again); another error if it could not be read. */
struct iow_error *iow_kernel_check_same(struct iow_kernel *k);
void iow_kernel_destroy(struct iow_kernel *k);
const struct iow_kernel_layout *iow_kernel_layout(const struct iow_kernel *k);
struct iow_target *iow_kernel_target(const struct iow_kernel *k);
struct iow_debuginfo *iow_kernel_debuginfo(const struct iow_kernel *k);
/* The kernel's architecture, for people: "x86-64", "arm64". */
const char *iow_kernel_arch_name(const struct iow_kernel *k);
/* Whether its architecture maps unclaimed device memory as a matter of
 * course (struct iow_arch's unclaimed_ioremaps_usual). */
bool iow_kernel_unclaimed_ioremaps_usual(const struct iow_kernel *k);

/* The running address of vmlinux symbol NAME (link address + KASLR offset). */
struct iow_error *iow_kernel_symbol(struct iow_kernel *k, const char *name, uint64_t *addr);

/* Walk the kernel page tables (the layout's pgd_phys) for VA.  Not being mapped is
 * not an error (out->present is false); failing to read a table is. */
struct iow_error *iow_kernel_translate(struct iow_kernel *k, uint64_t va,
				       struct iow_translation *out);
bool iow_kernel_is_ram(const struct iow_kernel *k, uint64_t pa, uint64_t len);
/* Whether PA..PA+LEN-1 lies in memory the kernel keeps out of RAM (arm64:
 * NOMAP): not RAM, and no device memory either.  Never read. */
bool iow_kernel_is_firmware_mem(const struct iow_kernel *k, uint64_t pa, uint64_t len);
/* TR decoded for people by the kernel's architecture: names of levels and
 * bits, the memory-type index; V's mode is left NULL. */
void iow_kernel_describe_walk(const struct iow_kernel *k, const struct iow_translation *tr,
			      struct iow_pte_view *v);
/* The kernel's table from a leaf's memory-type index (struct
 * iow_translation) to enum iow_memtype (x86-64: __pte2cachemode_tbl). */
struct iow_error *iow_kernel_read_memtypes(struct iow_kernel *k, uint8_t table[8]);
/* The rows of the layout only the architecture can name (see
 * model/layout.h), at most MAX; returns how many. */
size_t iow_kernel_describe(const struct iow_kernel *k, struct iow_layout_item *items, size_t max);

/* Read kernel memory at VA, safely (see above).  The error names the
 * address that could not be read, and why. */
struct iow_error *iow_kernel_read(struct iow_kernel *k, uint64_t va, void *buf, size_t len);
struct iow_error *iow_kernel_read_u64(struct iow_kernel *k, uint64_t va, uint64_t *val);
/* Read physical memory that is RAM (page tables, for instance). */
struct iow_error *iow_kernel_read_phys(struct iow_kernel *k, uint64_t pa, void *buf, size_t len);
/* A NUL-terminated string of at most MAX-1 bytes. */
struct iow_error *iow_kernel_read_string(struct iow_kernel *k, uint64_t va, char *buf, size_t max);
/* A hint to the target's cache: the N ranges at kernel VAS[i] (LENS[i]
 * bytes) will be read soon; fetch them together (see iow_target_prefetch).
 * Under the same rules as a read: only what translates to RAM is touched.
 * Never fails; the reads that follow report what could not be had.  A
 * walker calls it with every pointer it learns of one level (the next
 * nodes, their names) before following any of them. */
void iow_kernel_prefetch(struct iow_kernel *k, const uint64_t *vas, const size_t *lens,
			 size_t n);
/* A hint: the page tables that translate the N ranges VAS[i] (LENS[i]
 * bytes each) will be walked soon.  Fetches them level by level, every
 * range at once: a round trip or so per level rather than per table.
 * Reads only page tables, only in RAM; never fails. */
void iow_kernel_prefetch_tables(struct iow_kernel *k, const uint64_t *vas, const uint64_t *lens,
				size_t n);
/* Whether prefetching saves round trips on this target now. */
bool iow_kernel_can_prefetch(struct iow_kernel *k);
/* A pointer chase that prefetches as it goes: LEN bytes at VA are wanted
 * now; if they are not cached, fetch the whole page around them (objects
 * of one slab cache share pages: the next ones of a list are often in
 * it), then read them into BUF. */
struct iow_error *iow_kernel_read_chasing(struct iow_kernel *k, uint64_t va, void *buf,
					  size_t len);
/* Whether iow_kernel_read(K, VA, buf, LEN) would ask the target nothing:
 * the bytes (and the page tables to them) are in the cache, or the read
 * would be refused before any request.  Reads nothing. */
bool iow_kernel_read_is_free(struct iow_kernel *k, uint64_t va, size_t len);
/* One round trip towards each of N reads (VAS[i], LENS[i] bytes, of which
 * two pages count): for every one that is not free yet, the next thing it
 * needs (its bytes, or the next entry of the page-table walk to them) is
 * asked for, all in one group.  Returns how many were not free.  A walker
 * that learns its next pointers only from what it read calls this once per
 * wave, following at once whatever became free: so each pointer chain costs
 * a round trip per hop that leaves the cache, not per node.  A hint: never
 * fails, and the reads that follow report what could not be had. */
size_t iow_kernel_prefetch_step(struct iow_kernel *k, const uint64_t *vas, const size_t *lens,
				size_t n);
/* An address in the module area (MODULES_VADDR), or 0: warming its page
 * tables early saves the walk to a module's data its upper levels. */
uint64_t iow_kernel_modules_hint(const struct iow_kernel *k);
/* How much of a string at VA iow_kernel_read_string reads first: what a
 * prefetch of it should cover. */
size_t iow_kernel_string_hint(uint64_t va);

#endif
