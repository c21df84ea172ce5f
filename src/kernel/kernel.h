/* kernel: the running kernel's identity and memory layout, and a reader of
 * kernel virtual addresses that never touches device memory.
 *
 * iow_kernel_open() works out, over a plain gdbstub or from a dump, with no
 * help from the guest:
 * - the KASLR offset: the divide-error gate of the IDT, which x86-64 maps
 *   read-only at a fixed address in the cpu_entry_area, points at
 *   asm_exc_divide_error; its distance from the vmlinux's address of that
 *   symbol is the offset (a core's VMCOREINFO KERNELOFFSET is used when the
 *   IDT cannot be read);
 * - that the vmlinux is the running kernel's: the build ID note in guest
 *   memory (__start_notes) must equal the file's;
 * - phys_base, page_offset_base, vmalloc_base, vmemmap_base, physical_mask,
 *   4- or 5-level paging, and the RAM ranges (the kernel's e820 table).
 *
 * Reads of kernel virtual memory translate the address through the kernel's
 * own page tables (init_top_pgt), check that the physical page is RAM, and
 * read it through the direct map, or physically when the CPU's current page
 * tables do not map it (a PTI user CR3).  So a wild pointer into an
 * ioremap area or a device BAR is refused, never read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_KERNEL_H
#define IOW_KERNEL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debuginfo/debuginfo.h"
#include "target/target.h"
#include "util/error.h"

/* arch/x86/include/asm/page_64_types.h */
#define IOW_START_KERNEL_MAP 0xffffffff80000000ULL
#define IOW_START_KERNEL     0xffffffff81000000ULL /* __START_KERNEL_map + CONFIG_PHYSICAL_START */

struct iow_kernel_opts {
	bool ignore_build_id; /* open even if the build IDs differ (for tests) */
	/* Symbols the caller reads next (NULL-terminated, or NULL): fetched
	 * with the open's own reads, in no extra round trip.  A hint. */
	const char *const *warm_symbols;
};

struct iow_ram_range {
	uint64_t start, end; /* [start, end) */
};

struct iow_kernel_layout {
	char release[65];          /* init_uts_ns.name.release */
	uint8_t build_id[64];      /* the running kernel's, from guest memory */
	size_t build_id_len;
	bool build_id_matches;     /* equals the vmlinux's */
	uint64_t kaslr_offset;
	const char *kaslr_source;  /* "IDT", "VMCOREINFO" */
	uint64_t phys_base;
	uint64_t page_offset_base;
	uint64_t vmalloc_base;
	uint64_t vmemmap_base;
	uint64_t physical_mask;
	int levels;                /* 4 or 5 */
	uint64_t pgd_phys;         /* init_top_pgt, physical */
	struct iow_ram_range *ram; /* sorted, merged */
	size_t nr_ram;
};

/* One level of a page-table walk. */
struct iow_pt_level {
	int level;          /* 5 = PGD (5-level), 4 = PGD/P4D, 3 = PUD, 2 = PMD, 1 = PTE */
	uint64_t table_pa;  /* physical address of the table */
	unsigned index;     /* entry index in it */
	uint64_t entry;     /* the raw entry */
};

struct iow_translation {
	uint64_t va, pa;    /* pa is valid when present */
	bool present;
	uint64_t leaf_size; /* 4 KiB, 2 MiB or 1 GiB */
	uint64_t leaf;      /* the leaf entry (PTE, or huge PMD/PUD) */
	int nr_levels;      /* entries filled in below, top first */
	struct iow_pt_level levels[5];
};

struct iow_kernel;

struct iow_error *iow_kernel_open(struct iow_target *t, struct iow_debuginfo *dbg,
				  const struct iow_kernel_opts *opts, struct iow_kernel **out);
/* After the machine ran: is it still the kernel K was opened on?  Reads the
 * IDT (the KASLR offset) and the build ID note again (one or two round
 * trips).  IOW_ERR_MISMATCH if the kernel was restarted or replaced (then
 * K must be opened again); another error if it could not be read. */
struct iow_error *iow_kernel_check_same(struct iow_kernel *k);
void iow_kernel_destroy(struct iow_kernel *k);
const struct iow_kernel_layout *iow_kernel_layout(const struct iow_kernel *k);
struct iow_target *iow_kernel_target(const struct iow_kernel *k);
struct iow_debuginfo *iow_kernel_debuginfo(const struct iow_kernel *k);

/* The running address of vmlinux symbol NAME (link address + KASLR offset). */
struct iow_error *iow_kernel_symbol(struct iow_kernel *k, const char *name, uint64_t *addr);

/* Walk the kernel page tables (init_top_pgt) for VA.  Not being mapped is
 * not an error (out->present is false); failing to read a table is. */
struct iow_error *iow_kernel_translate(struct iow_kernel *k, uint64_t va,
				       struct iow_translation *out);
bool iow_kernel_is_ram(const struct iow_kernel *k, uint64_t pa, uint64_t len);

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
