/* kernel: identity, layout and safe reads of a running x86-64 kernel.
 * See kernel.h for what is found and how.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/internal.h"

#define STRING_CHUNK 256 /* a string is read this much at a time */

#define PAGE_SIZE 4096ULL
#define PMD_SIZE (512 * PAGE_SIZE)
#define PAGE_MASK (~(PAGE_SIZE - 1))
/* arch/x86/include/asm/pgtable_64_types.h: CPU_ENTRY_AREA_PGD (-4) << P4D_SHIFT;
 * the IDT's read-only alias is the first page (CPU_ENTRY_AREA_RO_IDT). */
#define CEA_RO_IDT 0xfffffe0000000000ULL
/* KERNEL_IMAGE_SIZE with KASLR (arch/x86/include/asm/page_64_types.h) */
#define KERNEL_IMAGE_SIZE (1ULL << 30)
#define PTE_PRESENT (1ULL << 0)
#define PTE_PSE (1ULL << 7)
/* arch/x86/include/asm/page_types.h: __PHYSICAL_MASK_SHIFT */
#define DEFAULT_PHYSICAL_MASK ((1ULL << 52) - 1)
/* arch/x86/include/uapi/asm/processor-flags.h */
#define CR4_LA57 (1ULL << 12)
/* arch/x86/include/asm/e820/types.h */
#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED_KERN 128

/* --- raw reads -------------------------------------------------------------- */

/* A virtual read the target could not do, but a physical one may: a page
 * the CPU's tables do not map, or a core without virtual addresses. */
static bool is_fault(const struct iow_error *err)
{
	return iow_error_is_unreadable(err);
}

/* Read physical memory known (or trusted, while bootstrapping) to be RAM:
 * through the direct map if the CPU's page tables map it, else physically. */
static struct iow_error *read_pa_raw(struct iow_kernel *k, uint64_t pa, void *buf, size_t len)
{
	struct iow_error *err;

	if (k->flat)
		return iow_kernel_flat_read_pa(k, pa, buf, len);
	if (k->direct_known && !k->direct_broken) {
		err = iow_target_read(k->t, IOW_SPACE_VIRT, k->lay.page_offset_base + pa, buf, len);
		if (!err || !is_fault(err))
			return err;
		iow_error_destroy(err);
		k->direct_broken = true; /* e.g. a PTI user CR3: read physically from now on */
	}
	err = iow_target_read(k->t, IOW_SPACE_PHYS, pa, buf, len);
	if (err && err->code == IOW_ERR_UNSUPPORTED)
		err = iow_error_wrap(err, "reading physical 0x%" PRIx64, pa);
	return err;
}

bool iow_kernel_is_ram(const struct iow_kernel *k, uint64_t pa, uint64_t len)
{
	size_t lo = 0, hi = k->lay.nr_ram;

	if (!k->ram_known)
		return true; /* bootstrap: only the kernel's own page tables and image are read */
	if (len == 0 || pa + len < pa)
		return false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct iow_ram_range *r = &k->lay.ram[mid];

		if (pa >= r->end)
			lo = mid + 1;
		else if (pa < r->start)
			hi = mid;
		else
			return pa + len <= r->end;
	}
	return false;
}

struct iow_error *iow_kernel_read_phys(struct iow_kernel *k, uint64_t pa, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		size_t n = PAGE_SIZE - (pa & ~PAGE_MASK);
		struct iow_error *err;

		if (n > len)
			n = len;
		if (!iow_kernel_is_ram(k, pa, n))
			return iow_error_at(IOW_ERR_FAULT, pa,
					    "physical 0x%" PRIx64 " is not RAM: refusing to read it", pa);
		err = read_pa_raw(k, pa, p, n);
		if (err)
			return err;
		pa += n, p += n, len -= n;
	}
	return NULL;
}

/* --- page tables ------------------------------------------------------------ */

static uint64_t pfn_mask(const struct iow_kernel *k, uint64_t size)
{
	/* PTE_PFN_MASK / PHYSICAL_PMD_PAGE_MASK / PHYSICAL_PUD_PAGE_MASK
	 * (arch/x86/include/asm/pgtable_types.h): the page mask of the leaf
	 * size, within physical_mask (which strips the SME/TDX bits).  For
	 * huge leaves this also drops bit 12, _PAGE_PAT_LARGE. */
	uint64_t pm = k->lay.physical_mask ? k->lay.physical_mask : DEFAULT_PHYSICAL_MASK;
	return ~(size - 1) & pm;
}

static struct iow_error *walk(struct iow_kernel *k, uint64_t root, int levels, uint64_t va,
			      struct iow_translation *out)
{
	uint64_t table = root & pfn_mask(k, PAGE_SIZE);
	int level;

	memset(out, 0, sizeof(*out));
	out->va = va;
	for (level = levels; level >= 1; level--) {
		int shift = 12 + 9 * (level - 1);
		unsigned idx = (va >> shift) & 511;
		struct iow_pt_level *l = &out->levels[out->nr_levels++];
		uint64_t e;
		struct iow_error *err;

		l->level = level;
		l->table_pa = table;
		l->index = idx;
		if (!iow_kernel_is_ram(k, table, PAGE_SIZE))
			return iow_error_at(IOW_ERR_DATA, table,
					    "page table for 0x%" PRIx64 " at physical 0x%" PRIx64
					    " (level %d) is not in RAM", va, table, level);
		err = read_pa_raw(k, table + idx * 8, &e, 8);
		if (err)
			return iow_error_wrap(err, "page table for 0x%" PRIx64, va);
		l->entry = e;
		if (!(e & PTE_PRESENT))
			return NULL;
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PSE))) {
			uint64_t size = 1ULL << shift;

			out->present = true;
			out->leaf = e;
			out->leaf_size = size;
			out->pa = (e & pfn_mask(k, size)) | (va & (size - 1));
			return NULL;
		}
		table = e & pfn_mask(k, PAGE_SIZE);
	}
	return NULL;
}

/* --- page tables in lockstep ------------------------------------------------ */

/* A range of virtual addresses whose entries in TABLE (at LEVEL) are wanted. */
struct cursor {
	uint64_t table, va, end; /* end: exclusive; va..end-1 within TABLE's span */
	int level;
};

#define MAX_CURSORS 65536     /* tables visited by one prefetch per level, at most */
#define MAX_ENTRIES (1u << 20) /* entries it looks at, at most (a hint: bounded work) */

/* Where read_pa_raw takes PA from; false where it would not read. */
static bool pa_target(struct iow_kernel *k, uint64_t pa, enum iow_space *space, uint64_t *addr)
{
	if (k->flat || !iow_kernel_is_ram(k, pa, 8))
		return false;
	*space = k->direct_known && !k->direct_broken ? IOW_SPACE_VIRT : IOW_SPACE_PHYS;
	*addr = *space == IOW_SPACE_VIRT ? k->lay.page_offset_base + pa : pa;
	return true;
}

void iow_kernel_prefetch_tables(struct iow_kernel *k, const uint64_t *vas, const uint64_t *lens,
				size_t n)
{
	struct cursor *cur = NULL, *next = NULL;
	uint64_t *addr[2] = { NULL, NULL };
	size_t *len[2] = { NULL, NULL }, ncur = 0, i, budget = MAX_ENTRIES;

	if (k->flat || !n || !iow_target_can_prefetch(k->t))
		return;
	cur = malloc(MAX_CURSORS * sizeof(*cur));
	next = malloc(MAX_CURSORS * sizeof(*next));
	for (i = 0; i < 2; i++) {
		addr[i] = malloc(MAX_CURSORS * sizeof(uint64_t));
		len[i] = malloc(MAX_CURSORS * sizeof(size_t));
	}
	if (!cur || !next || !addr[0] || !addr[1] || !len[0] || !len[1])
		goto out;
	for (i = 0; i < n && ncur < MAX_CURSORS; i++)
		if (lens[i] && vas[i] + lens[i] > vas[i])
			cur[ncur++] = (struct cursor){ k->lay.pgd_phys & pfn_mask(k, PAGE_SIZE), vas[i],
						       vas[i] + lens[i], k->lay.levels };
	/* One level of every walk per round trip: the entries each range
	 * needs in the tables known so far, then the tables they lead to. */
	while (ncur) {
		size_t cnt[2] = { 0, 0 }, nnext = 0;

		for (i = 0; i < ncur; i++) {
			const struct cursor *c = &cur[i];
			int shift = 12 + 9 * (c->level - 1);
			uint64_t first = (c->va >> shift) & 511, last = ((c->end - 1) >> shift) & 511;
			enum iow_space sp;
			uint64_t at;

			if (pa_target(k, c->table + first * 8, &sp, &at)) {
				addr[sp][cnt[sp]] = at;
				len[sp][cnt[sp]++] = (last - first + 1) * 8;
			}
		}
		iow_target_prefetch(k->t, IOW_SPACE_VIRT, addr[IOW_SPACE_VIRT], len[IOW_SPACE_VIRT],
				    cnt[IOW_SPACE_VIRT]);
		iow_target_prefetch(k->t, IOW_SPACE_PHYS, addr[IOW_SPACE_PHYS], len[IOW_SPACE_PHYS],
				    cnt[IOW_SPACE_PHYS]);
		for (i = 0; i < ncur; i++) {
			const struct cursor *c = &cur[i];
			int shift = 12 + 9 * (c->level - 1);
			uint64_t span = 1ULL << shift, va = c->va, e;

			if (c->level == 1)
				continue;
			while (va < c->end && nnext < MAX_CURSORS && budget) {
				uint64_t idx = (va >> shift) & 511, stop = (va | (span - 1)) + 1;
				struct iow_error *err;

				if (stop > c->end || stop == 0)
					stop = c->end;
				budget--;
				err = iow_kernel_is_ram(k, c->table + idx * 8, 8)
					      ? read_pa_raw(k, c->table + idx * 8, &e, 8)
					      : iow_error_create(IOW_ERR_FAULT, "not RAM");
				if (err) {
					iow_error_destroy(err);
					break;
				}
				if ((e & PTE_PRESENT) && !((c->level == 2 || c->level == 3) && (e & PTE_PSE)))
					next[nnext++] = (struct cursor){ e & pfn_mask(k, PAGE_SIZE), va, stop,
									 c->level - 1 };
				va = stop;
			}
		}
		{
			struct cursor *t = cur;

			cur = next;
			next = t;
			ncur = nnext;
		}
	}
out:
	free(cur);
	free(next);
	for (i = 0; i < 2; i++) {
		free(addr[i]);
		free(len[i]);
	}
}

struct iow_error *iow_kernel_translate(struct iow_kernel *k, uint64_t va, struct iow_translation *out)
{
	return walk(k, k->lay.pgd_phys, k->lay.levels, va, out);
}

/* The kernel image and the direct map are linear (arch/x86/mm/physaddr.c,
 * __phys_addr).  The direct map spans 64 TiB (4-level) or 32 PiB (5-level)
 * from page_offset_base (Documentation/arch/x86/x86_64/mm.rst); RAM is only
 * in its first part, and the RAM checks refuse the rest. */
static bool in_image(const struct iow_kernel *k, uint64_t va)
{
	return va >= IOW_START_KERNEL_MAP && va - IOW_START_KERNEL_MAP < KERNEL_IMAGE_SIZE &&
	       (!k->image_end || (va >= k->image_start && va < k->image_end));
}

static bool in_direct_map(const struct iow_kernel *k, uint64_t va)
{
	return va >= k->lay.page_offset_base &&
	       va - k->lay.page_offset_base < (k->lay.levels == 5 ? 1ULL << 55 : 1ULL << 46);
}

static bool linear(const struct iow_kernel *k, uint64_t va)
{
	return in_image(k, va) || in_direct_map(k, va);
}

/* Kernel VA -> PA without a walk where the layout says so. */
static struct iow_error *va_to_pa(struct iow_kernel *k, uint64_t va, uint64_t *pa)
{
	struct iow_translation tr;
	struct iow_error *err;

	if (in_image(k, va)) {
		*pa = va - IOW_START_KERNEL_MAP + k->lay.phys_base;
		return NULL;
	}
	if (in_direct_map(k, va)) {
		*pa = va - k->lay.page_offset_base;
		return NULL;
	}
	err = iow_kernel_translate(k, va, &tr);
	if (err)
		return err;
	if (!tr.present)
		return iow_error_at(IOW_ERR_FAULT, va, "0x%" PRIx64 " is not mapped", va);
	*pa = tr.pa;
	return NULL;
}

struct iow_error *iow_kernel_read(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (k->flat) /* a process: its addresses are the target's own */
		return iow_target_read(k->t, IOW_SPACE_VIRT, va, buf, len);
	while (len) {
		size_t n = PAGE_SIZE - (va & ~PAGE_MASK);
		uint64_t pa = 0;
		struct iow_error *err;

		if (n > len)
			n = len;
		err = va_to_pa(k, va, &pa);
		if (err)
			return err;
		if (!iow_kernel_is_ram(k, pa, n))
			return iow_error_at(IOW_ERR_FAULT, va,
					    "0x%" PRIx64 " maps physical 0x%" PRIx64
					    ", which is not RAM: refusing to read it", va, pa);
		err = read_pa_raw(k, pa, p, n);
		if (err)
			return err;
		va += n, p += n, len -= n;
	}
	return NULL;
}

struct iow_error *iow_kernel_read_u64(struct iow_kernel *k, uint64_t va, uint64_t *val)
{
	return iow_kernel_read(k, va, val, sizeof(*val));
}

struct iow_error *iow_kernel_read_string(struct iow_kernel *k, uint64_t va, char *buf, size_t max)
{
	size_t got = 0;

	if (!max)
		return NULL;
	while (got < max - 1) {
		size_t n = PAGE_SIZE - ((va + got) & ~PAGE_MASK);
		struct iow_error *err;
		char *nul;

		if (n > max - 1 - got)
			n = max - 1 - got;
		if (n > STRING_CHUNK)
			n = STRING_CHUNK;
		err = iow_kernel_read(k, va + got, buf + got, n);
		if (err)
			return err;
		nul = memchr(buf + got, 0, n);
		got += n;
		if (nul)
			return NULL;
	}
	buf[max - 1] = 0;
	return NULL;
}

bool iow_kernel_can_prefetch(struct iow_kernel *k)
{
	return iow_target_can_prefetch(k->t);
}

/* Where iow_kernel_read would take VA from (no reads unless VA needs a
 * page-table walk); false if it would refuse. */
static bool target_addr(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
			uint64_t *addr)
{
	struct iow_error *err;
	uint64_t pa = 0;

	if (k->flat) {
		*space = IOW_SPACE_VIRT;
		*addr = va;
		return true;
	}
	if ((err = va_to_pa(k, va, &pa))) {
		iow_error_destroy(err);
		return false;
	}
	if (!iow_kernel_is_ram(k, pa, len))
		return false;
	*space = k->direct_known && !k->direct_broken ? IOW_SPACE_VIRT : IOW_SPACE_PHYS;
	*addr = *space == IOW_SPACE_VIRT ? k->lay.page_offset_base + pa : pa;
	return true;
}

struct iow_error *iow_kernel_read_chasing(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	enum iow_space space;
	uint64_t addr;

	if (len && len <= PAGE_SIZE - (va & ~PAGE_MASK) && target_addr(k, va, len, &space, &addr) &&
	    !iow_target_cached(k->t, space, addr, len) && iow_target_can_prefetch(k->t)) {
		uint64_t page = addr & PAGE_MASK;
		size_t whole = PAGE_SIZE;

		iow_target_prefetch(k->t, space, &page, &whole, 1);
	}
	return iow_kernel_read(k, va, buf, len);
}

/* --- one round trip at a time ---------------------------------------------- */

/* What reading VA..VA+LEN-1 (within one page) needs from the target, judged
 * from the cache alone: 0 nothing (the read would be answered from the
 * cache, or refused before asking the target anything), 1 the LEN bytes at
 * *ADDR in *SPACE (the data itself, or the next page-table entry on the way
 * to it). */
static int piece_needs(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
		       uint64_t *addr, size_t *n)
{
	uint64_t pa = 0;

	if (linear(k, va)) {
		pa = in_image(k, va) ? va - IOW_START_KERNEL_MAP + k->lay.phys_base
				  : va - k->lay.page_offset_base;
	} else {
		uint64_t table = k->lay.pgd_phys & pfn_mask(k, PAGE_SIZE);
		int level;

		for (level = k->lay.levels; level >= 1; level--) {
			int shift = 12 + 9 * (level - 1);
			uint64_t e, at = table + ((va >> shift) & 511) * 8;
			struct iow_error *err;

			if (!iow_kernel_is_ram(k, table, PAGE_SIZE) || !pa_target(k, at, space, addr))
				return 0; /* the walk would refuse it */
			if (!iow_target_cached(k->t, *space, *addr, 8)) {
				*n = 8;
				return 1;
			}
			if ((err = read_pa_raw(k, at, &e, 8))) { /* from the cache */
				iow_error_destroy(err);
				return 0;
			}
			if (!(e & PTE_PRESENT))
				return 0;
			if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PSE))) {
				uint64_t size = 1ULL << shift;

				pa = (e & pfn_mask(k, size)) | (va & (size - 1));
				break;
			}
			table = e & pfn_mask(k, PAGE_SIZE);
		}
	}
	if (!pa_target(k, pa, space, addr) || !iow_kernel_is_ram(k, pa, len))
		return 0;
	if (iow_target_cached(k->t, *space, *addr, len))
		return 0;
	*n = len;
	return 1;
}

/* The first thing reading LEN bytes at VA needs (see piece_needs), over at
 * most two pages, as iow_kernel_read takes them. */
static int range_needs(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
		       uint64_t *addr, size_t *n)
{
	if (len > 2 * PAGE_SIZE)
		len = 2 * PAGE_SIZE;
	if (k->flat) {
		*space = IOW_SPACE_VIRT, *addr = va, *n = len;
		return len && !iow_target_cached(k->t, IOW_SPACE_VIRT, va, len);
	}
	while (len) {
		size_t piece = PAGE_SIZE - (va & ~PAGE_MASK);

		if (piece > len)
			piece = len;
		if (piece_needs(k, va, piece, space, addr, n))
			return 1;
		if (va + piece < va)
			break;
		va += piece;
		len -= piece;
	}
	return 0;
}

bool iow_kernel_read_is_free(struct iow_kernel *k, uint64_t va, size_t len)
{
	enum iow_space space;
	uint64_t addr;
	size_t n;

	return !range_needs(k, va, len, &space, &addr, &n);
}

size_t iow_kernel_prefetch_step(struct iow_kernel *k, const uint64_t *vas, const size_t *lens,
				size_t n)
{
	uint64_t *addr[2];
	size_t *len[2], count[2] = { 0, 0 }, i, waiting = 0;

	addr[0] = malloc((n ? n : 1) * sizeof(uint64_t));
	addr[1] = malloc((n ? n : 1) * sizeof(uint64_t));
	len[0] = malloc((n ? n : 1) * sizeof(size_t));
	len[1] = malloc((n ? n : 1) * sizeof(size_t));
	if (addr[0] && addr[1] && len[0] && len[1]) {
		for (i = 0; i < n; i++) {
			enum iow_space s;
			uint64_t at;
			size_t l;

			if (!range_needs(k, vas[i], lens[i], &s, &at, &l))
				continue;
			waiting++;
			addr[s][count[s]] = at;
			len[s][count[s]++] = l;
		}
		iow_target_prefetch(k->t, IOW_SPACE_VIRT, addr[IOW_SPACE_VIRT], len[IOW_SPACE_VIRT],
				    count[IOW_SPACE_VIRT]);
		iow_target_prefetch(k->t, IOW_SPACE_PHYS, addr[IOW_SPACE_PHYS], len[IOW_SPACE_PHYS],
				    count[IOW_SPACE_PHYS]);
	}
	free(addr[0]);
	free(addr[1]);
	free(len[0]);
	free(len[1]);
	return waiting;
}

uint64_t iow_kernel_modules_hint(const struct iow_kernel *k)
{
	return k->flat ? 0 : IOW_START_KERNEL_MAP + KERNEL_IMAGE_SIZE;
}

size_t iow_kernel_string_hint(uint64_t va)
{
	size_t n = PAGE_SIZE - (va & ~PAGE_MASK);

	return n < STRING_CHUNK ? n : STRING_CHUNK;
}

void iow_kernel_prefetch(struct iow_kernel *k, const uint64_t *vas, const size_t *lens, size_t n)
{
	uint64_t *addr[2];
	size_t *len[2], count[2] = { 0, 0 }, i, cap;

	if (k->flat) {
		iow_target_prefetch(k->t, IOW_SPACE_VIRT, vas, lens, n);
		return;
	}
	/* a range is taken up to two pages (so three pieces at most) */
	if (!n || n > SIZE_MAX / (3 * sizeof(uint64_t)))
		return;
	cap = 3 * n;
	addr[0] = malloc(cap * sizeof(uint64_t));
	addr[1] = malloc(cap * sizeof(uint64_t));
	len[0] = malloc(cap * sizeof(size_t));
	len[1] = malloc(cap * sizeof(size_t));
	/* Addresses that need a page-table walk (vmalloc, modules): their
	 * walks first, level by level for all of them. */
	if (addr[0] && len[0] && k->direct_known) {
		uint64_t *wl = (uint64_t *)len[0]; /* size_t and uint64_t: both 64-bit here */
		size_t nw = 0;

		for (i = 0; i < n; i++)
			if (!linear(k, vas[i]) && lens[i]) {
				addr[0][nw] = vas[i];
				wl[nw++] = lens[i] < 2 * PAGE_SIZE ? lens[i] : 2 * PAGE_SIZE;
			}
		if (nw)
			iow_kernel_prefetch_tables(k, addr[0], wl, nw);
	}
	for (i = 0; addr[0] && addr[1] && len[0] && len[1] && i < n; i++) {
		uint64_t va = vas[i];
		size_t left = lens[i] < 2 * PAGE_SIZE ? lens[i] : 2 * PAGE_SIZE;

		while (left) {
			size_t piece = PAGE_SIZE - (va & ~PAGE_MASK);
			struct iow_error *err;
			uint64_t pa = 0;
			int s;

			if (piece > left)
				piece = left;
			err = va_to_pa(k, va, &pa);
			if (err) {
				iow_error_destroy(err);
				break;
			}
			if (!iow_kernel_is_ram(k, pa, piece))
				break;
			s = !(k->direct_known && !k->direct_broken);
			addr[s][count[s]] = s ? pa : k->lay.page_offset_base + pa;
			len[s][count[s]] = piece;
			count[s]++;
			if (va + piece < va)
				break;
			va += piece;
			left -= piece;
		}
	}
	if (addr[0] && addr[1] && len[0] && len[1]) {
		iow_target_prefetch(k->t, IOW_SPACE_VIRT, addr[0], len[0], count[0]);
		iow_target_prefetch(k->t, IOW_SPACE_PHYS, addr[1], len[1], count[1]);
	}
	free(addr[0]);
	free(addr[1]);
	free(len[0]);
	free(len[1]);
}

/* --- bootstrap -------------------------------------------------------------- */

/* Read a kernel virtual address before the layout is known: through the
 * CPU's own page tables, or, if they do not map it (a PTI user CR3, or a
 * core without virtual addresses), by walking from CR3 ourselves. */
static struct iow_error *boot_read(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	struct iow_error *err = iow_target_read(k->t, IOW_SPACE_VIRT, va, buf, len);
	struct iow_error *err2;
	struct iow_translation tr;

	if (!err || (!is_fault(err) && err->code != IOW_ERR_UNSUPPORTED))
		return err;
	if (!k->boot_root) {
		uint64_t cr3, cr4 = 0;

		err2 = iow_target_read_reg(k->t, "cr3", &cr3);
		if (err2) {
			iow_error_destroy(err2);
			return err;
		}
		if (iow_target_read_reg(k->t, "cr4", &cr4) == NULL && (cr4 & CR4_LA57))
			k->lay.levels = 5;
		/* Drop the PCID (low 12 bits) and PTI's user-half bit
		 * (PTI_PGTABLE_SWITCH_BIT, bit 12): the kernel half maps it all. */
		k->boot_root = cr3 & ~0x1fffULL & DEFAULT_PHYSICAL_MASK;
	}
	err2 = walk(k, k->boot_root, k->lay.levels, va, &tr);
	if (!err2 && !tr.present)
		err2 = iow_error_at(IOW_ERR_FAULT, va, "0x%" PRIx64 " is not mapped by CR3's tables", va);
	if (!err2 && (tr.pa & ~PAGE_MASK) + len > PAGE_SIZE)
		err2 = iow_error_at(IOW_ERR_INVALID, va, "bootstrap read crosses a page");
	if (!err2)
		err2 = iow_target_read(k->t, IOW_SPACE_PHYS, tr.pa, buf, len);
	if (err2) {
		iow_error_destroy(err2);
		return err;
	}
	iow_error_destroy(err);
	return NULL;
}

static struct iow_error *link_symbol(struct iow_kernel *k, const char *name, uint64_t *addr)
{
	return iow_debuginfo_symbol(k->dbg, name, addr, NULL);
}

struct iow_error *iow_kernel_symbol(struct iow_kernel *k, const char *name, uint64_t *addr)
{
	struct iow_error *err = link_symbol(k, name, addr);

	if (!err)
		*addr += k->lay.kaslr_offset;
	return err;
}

/* KERNELOFFSET=<hex> in the target's VMCOREINFO (a core's). */
static bool vmcoreinfo_offset(struct iow_kernel *k, uint64_t *off)
{
	const char *vi, *p;

	vi = iow_target_vmcoreinfo(k->t);
	if (!vi || !(p = strstr(vi, "KERNELOFFSET=")))
		return false;
	*off = strtoull(p + strlen("KERNELOFFSET="), NULL, 16);
	return true;
}

static struct iow_error *find_kaslr(struct iow_kernel *k)
{
	static const char *const handlers[] = { "asm_exc_divide_error", "divide_error" };
	uint8_t gate[16];
	uint64_t handler, link = 0, off;
	struct iow_error *err;
	size_t i;

	/* divide_error: the name before 5.8's IDTENTRY conversion (arch/x86/kernel/traps.c) */
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		err = link_symbol(k, handlers[i], &link);
		if (!iow_error_catch(&err, IOW_ERR_NOTFOUND))
			break;
	}
	if (err)
		return err;
	if (!link)
		return iow_error_create(IOW_ERR_NOTFOUND, "%s has no asm_exc_divide_error symbol: "
					"is it an x86-64 vmlinux?", iow_debuginfo_path(k->dbg));
	err = boot_read(k, CEA_RO_IDT, gate, sizeof(gate));
	if (err) {
		if (vmcoreinfo_offset(k, &off)) {
			iow_error_destroy(err);
			k->lay.kaslr_offset = off;
			k->lay.kaslr_source = "VMCOREINFO";
			return NULL;
		}
		return iow_error_wrap(err, "reading the IDT to find the KASLR offset");
	}
	/* A 64-bit interrupt gate: offset bits 0-15 at +0, 16-31 at +6,
	 * 32-63 at +8 (Intel SDM Vol. 3A, 6.14.1). */
	handler = (uint64_t)(gate[0] | gate[1] << 8) | (uint64_t)(gate[6] | gate[7] << 8) << 16 |
		  (uint64_t)(gate[8] | gate[9] << 8 | gate[10] << 16 | (uint32_t)gate[11] << 24) << 32;
	off = handler - link;
	if ((off & ~PAGE_MASK) || off >= KERNEL_IMAGE_SIZE)
		return iow_error_create(IOW_ERR_MISMATCH,
					"%s does not match the running kernel: its divide-error "
					"handler is at 0x%" PRIx64 ", which is not %s (0x%" PRIx64
					") moved by a KASLR offset",
					iow_debuginfo_path(k->dbg), handler, handlers[i], link);
	k->lay.kaslr_offset = off;
	k->lay.kaslr_source = "IDT";
	return NULL;
}

/* A kernel-image variable, before the direct map is known. */
static struct iow_error *image_read(struct iow_kernel *k, const char *sym, void *buf, size_t len)
{
	uint64_t addr;
	struct iow_error *err = link_symbol(k, sym, &addr);

	if (err)
		return err;
	addr += k->lay.kaslr_offset;
	/* Until the direct map is known, iow_kernel_read() would read the
	 * image physically, switching QEMU's stub back and forth (three round
	 * trips a read); the CPU's page tables map the image. */
	if (!k->image_known || !k->direct_known)
		err = boot_read(k, addr, buf, len);
	else
		err = iow_kernel_read(k, addr, buf, len);
	return err ? iow_error_wrap(err, "reading %s", sym) : NULL;
}

static struct iow_error *read_build_id(struct iow_kernel *k)
{
	uint64_t start, stop;
	uint8_t notes[4096];
	size_t len, pos = 0;
	struct iow_error *err;

	if ((err = iow_kernel_symbol(k, "__start_notes", &start)) ||
	    (err = iow_kernel_symbol(k, "__stop_notes", &stop)))
		return err;
	len = stop - start;
	if (stop < start || len > sizeof(notes))
		return iow_error_create(IOW_ERR_DATA, "implausible notes section (%zu bytes)", len);
	if ((err = iow_kernel_read(k, start, notes, len)))
		return iow_error_wrap(err, "reading the kernel's notes");
	/* Elf64_Nhdr: namesz, descsz, type; name and desc padded to 4. */
	while (pos + 12 <= len) {
		uint32_t namesz, descsz, type;
		size_t name_off = pos + 12, desc_off;

		memcpy(&namesz, notes + pos, 4);
		memcpy(&descsz, notes + pos + 4, 4);
		memcpy(&type, notes + pos + 8, 4);
		desc_off = name_off + ((namesz + 3) & ~3U);
		if (namesz > len || descsz > len || desc_off + descsz > len)
			break;
		if (type == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 &&
		    memcmp(notes + name_off, "GNU", 4) == 0 && descsz <= sizeof(k->lay.build_id)) {
			memcpy(k->lay.build_id, notes + desc_off, descsz);
			k->lay.build_id_len = descsz;
			return NULL;
		}
		pos = desc_off + ((descsz + 3) & ~3U);
	}
	return iow_error_create(IOW_ERR_NOTFOUND, "the running kernel has no build ID note");
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n && i < 64; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * i] = 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct iow_ram_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* RAM, from the kernel's own e820 table (arch/x86/kernel/e820.c):
 * E820_TYPE_RAM and E820_TYPE_RESERVED_KERN ranges, sorted and merged. */
static struct iow_error *read_ram(struct iow_kernel *k)
{
	static const char *hint = "e820__range_add";
	struct iow_member m_nr, m_entries, m_addr, m_size, m_type;
	uint64_t table, entry_size;
	uint32_t nr;
	struct iow_error *err;
	uint8_t *buf = NULL;
	size_t i, n = 0;

	if ((err = iow_debuginfo_member(k->dbg, "e820_table", "nr_entries", hint, &m_nr)) ||
	    (err = iow_debuginfo_member(k->dbg, "e820_table", "entries", hint, &m_entries)) ||
	    (err = iow_debuginfo_member(k->dbg, "e820_entry", "addr", hint, &m_addr)) ||
	    (err = iow_debuginfo_member(k->dbg, "e820_entry", "size", hint, &m_size)) ||
	    (err = iow_debuginfo_member(k->dbg, "e820_entry", "type", hint, &m_type)) ||
	    (err = iow_debuginfo_struct_size(k->dbg, "e820_entry", hint, &entry_size)) ||
	    (err = image_read(k, "e820_table", &table, 8)))
		goto out;
	if ((err = iow_kernel_read(k, table + m_nr.offset, &nr, 4)))
		goto out;
	if (nr == 0 || (m_entries.count && nr > m_entries.count) || entry_size < 20 || entry_size > 64) {
		err = iow_error_at(IOW_ERR_DATA, table, "implausible e820 table at 0x%" PRIx64
				   " (%u entries)", table, nr);
		goto out;
	}
	buf = malloc(nr * entry_size);
	k->lay.ram = calloc(nr, sizeof(*k->lay.ram));
	if (!buf || !k->lay.ram) {
		err = &iow_error_nomem;
		goto out;
	}
	if ((err = iow_kernel_read(k, table + m_entries.offset, buf, nr * entry_size)))
		goto out;
	for (i = 0; i < nr; i++) {
		uint64_t addr, size;
		uint32_t type;
		const uint8_t *e = buf + i * entry_size;

		memcpy(&addr, e + m_addr.offset, 8);
		memcpy(&size, e + m_size.offset, 8);
		memcpy(&type, e + m_type.offset, 4);
		if ((type == E820_TYPE_RAM || type == E820_TYPE_RESERVED_KERN) && size &&
		    addr + size > addr)
			k->lay.ram[n++] = (struct iow_ram_range){ addr, addr + size };
	}
	qsort(k->lay.ram, n, sizeof(*k->lay.ram), cmp_range);
	k->lay.nr_ram = 0;
	for (i = 0; i < n; i++) {
		struct iow_ram_range *last = k->lay.nr_ram ? &k->lay.ram[k->lay.nr_ram - 1] : NULL;

		if (last && k->lay.ram[i].start <= last->end) {
			if (k->lay.ram[i].end > last->end)
				last->end = k->lay.ram[i].end;
		} else {
			k->lay.ram[k->lay.nr_ram++] = k->lay.ram[i];
		}
	}
	k->ram_known = k->lay.nr_ram > 0;
	if (!k->ram_known)
		err = iow_error_create(IOW_ERR_DATA, "the e820 table lists no RAM");
out:
	free(buf);
	return err ? iow_error_wrap(err, "finding RAM") : NULL;
}

struct iow_error *iow_kernel_read_release(struct iow_kernel *k)
{
	uint64_t banner;
	char buf[160];
	struct iow_error *err;
	const char *p;
	size_t n;

	/* init/version.c: linux_banner = "Linux version " UTS_RELEASE " (..." */
	if ((err = iow_kernel_symbol(k, "linux_banner", &banner)) ||
	    (err = iow_kernel_read_string(k, banner, buf, sizeof(buf))))
		return err;
	if (strncmp(buf, "Linux version ", 14) != 0)
		return iow_error_at(IOW_ERR_DATA, banner, "linux_banner does not start with \"Linux version\"");
	p = buf + 14;
	n = strcspn(p, " ");
	if (n >= sizeof(k->lay.release))
		n = sizeof(k->lay.release) - 1;
	memcpy(k->lay.release, p, n);
	k->lay.release[n] = 0;
	return NULL;
}

/* The kernel variables NAMES (LENS bytes each; 0: a string) will be read
 * next: fetch them together.  Before the direct map is known, at their
 * image addresses (as boot_read reads them); after, as iow_kernel_read
 * does.  Symbols the vmlinux lacks are skipped: the reads say so. */
static void prefetch_symbols(struct iow_kernel *k, const char *const *names, const size_t *lens,
			     size_t n)
{
	uint64_t addr[16];
	size_t len[16], i, m = 0;

	if (!iow_target_can_prefetch(k->t))
		return;
	for (i = 0; i < n && m < 16; i++) {
		struct iow_error *err = iow_kernel_symbol(k, names[i], &addr[m]);

		if (err) {
			iow_error_destroy(err);
			continue;
		}
		len[m] = lens[i] ? lens[i] : iow_kernel_string_hint(addr[m]);
		m++;
	}
	if (k->direct_known)
		iow_kernel_prefetch(k, addr, len, m);
	else
		iow_target_prefetch(k->t, IOW_SPACE_VIRT, addr, len, m);
}

struct iow_error *iow_kernel_open(struct iow_target *t, struct iow_debuginfo *dbg,
				  const struct iow_kernel_opts *opts, struct iow_kernel **out)
{
	struct iow_kernel *k = calloc(1, sizeof(*k));
	struct iow_error *err;
	const uint8_t *file_id;
	size_t file_id_len;
	uint64_t cr4, init_top_pgt;
	uint32_t l5 = 0;

	if (!k)
		return &iow_error_nomem;
	k->t = t;
	k->dbg = dbg;
	k->lay.levels = 4;
	k->lay.physical_mask = DEFAULT_PHYSICAL_MASK;
	/* a core without virtual addresses: physically from the start */
	k->direct_broken = !iow_target_can_read(t, IOW_SPACE_VIRT);

	if ((err = find_kaslr(k)))
		goto fail;
	{
		uint64_t text = 0, end = 0;
		struct iow_error *e1 = link_symbol(k, "_text", &text);
		struct iow_error *e2 = link_symbol(k, "_end", &end);

		text += k->lay.kaslr_offset;
		end += k->lay.kaslr_offset;
		/* else the whole KERNEL_IMAGE_SIZE */
		if (!e1 && !e2 && text >= IOW_START_KERNEL_MAP && end > text &&
		    end - IOW_START_KERNEL_MAP <= KERNEL_IMAGE_SIZE) {
			k->image_start = text & ~(PMD_SIZE - 1);
			k->image_end = ((end - 1) | (PMD_SIZE - 1)) + 1;
		}
		iow_error_destroy(e1);
		iow_error_destroy(e2);
	}
	{
		static const char *const vars[] = { "phys_base", "page_offset_base", "vmalloc_base",
						    "vmemmap_base", "physical_mask",
						    "__pgtable_l5_enabled" };
		static const size_t lens[] = { 8, 8, 8, 8, 8, 4 };

		prefetch_symbols(k, vars, lens, 6);
	}
	if ((err = image_read(k, "phys_base", &k->lay.phys_base, 8)))
		goto fail;
	k->image_known = true;
	/* The layout: arch/x86/mm/kaslr.c randomises these three. */
	if ((err = image_read(k, "page_offset_base", &k->lay.page_offset_base, 8)) ||
	    (err = image_read(k, "vmalloc_base", &k->lay.vmalloc_base, 8)) ||
	    (err = image_read(k, "vmemmap_base", &k->lay.vmemmap_base, 8)))
		goto fail;
	/* CONFIG_DYNAMIC_PHYSICAL_MASK kernels keep the PFN mask in a variable. */
	if (iow_debuginfo_has_symbol(dbg, "physical_mask") &&
	    (err = image_read(k, "physical_mask", &k->lay.physical_mask, 8)))
		goto fail;
	/* 5-level paging: the kernel's own flag (arch/x86/kernel/head64.c),
	 * next to the variables just read; CR4.LA57 only for a kernel without
	 * it (reading a register costs the target description first: six
	 * round trips on QEMU). */
	if (iow_debuginfo_has_symbol(dbg, "__pgtable_l5_enabled")) {
		if ((err = image_read(k, "__pgtable_l5_enabled", &l5, 4)))
			goto fail;
		k->lay.levels = l5 ? 5 : 4;
	} else if ((err = iow_target_read_reg(t, "cr4", &cr4)) == NULL) {
		k->lay.levels = (cr4 & CR4_LA57) ? 5 : 4;
	} else {
		/* no flag, no register: a kernel built without 5-level paging */
		iow_error_destroy(err);
		err = NULL;
		k->lay.levels = 4;
	}
	if ((err = link_symbol(k, "init_top_pgt", &init_top_pgt)))
		goto fail;
	k->lay.pgd_phys = init_top_pgt + k->lay.kaslr_offset - IOW_START_KERNEL_MAP + k->lay.phys_base;
	k->direct_known = true;
	{
		uint64_t start = 0, stop = 0;
		struct iow_error *e1 = link_symbol(k, "__start_notes", &start);
		struct iow_error *e2 = link_symbol(k, "__stop_notes", &stop);
		const char *vars[16] = { "__start_notes", "e820_table", "linux_banner" };
		size_t lens[16] = { stop > start && stop - start <= 4096 ? stop - start : 1, 8, 0 };
		size_t n = 3, i;

		iow_error_destroy(e1);
		iow_error_destroy(e2);
		for (i = 0; opts && opts->warm_symbols && opts->warm_symbols[i] && n < 16; i++) {
			uint64_t a, size = 0;
			struct iow_error *e = iow_debuginfo_symbol(dbg, opts->warm_symbols[i], &a, &size);

			if (e)
				iow_error_destroy(e);
			else if (size && size <= PAGE_SIZE) {
				vars[n] = opts->warm_symbols[i];
				lens[n++] = size;
			}
		}
		prefetch_symbols(k, vars, lens, n);
	}

	if ((err = read_build_id(k)))
		goto fail;
	file_id = iow_debuginfo_build_id(dbg, &file_id_len);
	k->lay.build_id_matches = file_id && file_id_len == k->lay.build_id_len &&
				  memcmp(file_id, k->lay.build_id, file_id_len) == 0;
	if (!k->lay.build_id_matches && !(opts && opts->ignore_build_id)) {
		char a[129], b[129];

		hex(k->lay.build_id, k->lay.build_id_len, a);
		hex(file_id ? file_id : (const uint8_t *)"", file_id ? file_id_len : 0, b);
		err = iow_error_create(IOW_ERR_MISMATCH,
				       "%s does not match the running kernel: its build ID is %s, "
				       "the kernel's is %s", iow_debuginfo_path(dbg),
				       b[0] ? b : "(none)", a);
		goto fail;
	}
	if ((err = read_ram(k)) || (err = iow_kernel_read_release(k)))
		goto fail;
	*out = k;
	return NULL;
fail:
	iow_kernel_destroy(k);
	return err;
}

struct iow_error *iow_kernel_check_same(struct iow_kernel *k)
{
	uint64_t was = k->lay.kaslr_offset, now;
	uint8_t id[sizeof(k->lay.build_id)];
	size_t id_len = k->lay.build_id_len;
	struct iow_error *err;

	if (k->flat)
		return NULL;
	memcpy(id, k->lay.build_id, sizeof(id));
	/* the gate and the notes in one round trip, where the target can */
	if (iow_target_can_prefetch(k->t)) {
		uint64_t start = 0, stop = 0, at[2] = { CEA_RO_IDT, 0 };
		size_t len[2] = { 16, 0 };
		enum iow_space space = IOW_SPACE_PHYS;
		struct iow_error *e1 = iow_kernel_symbol(k, "__start_notes", &start);
		struct iow_error *e2 = iow_kernel_symbol(k, "__stop_notes", &stop);

		if (!e1 && !e2 && stop > start &&
		    stop - start <= PAGE_SIZE && target_addr(k, start, stop - start, &space, &at[1]) &&
		    space == IOW_SPACE_VIRT)
			len[1] = stop - start;
		iow_error_destroy(e1);
		iow_error_destroy(e2);
		iow_target_prefetch(k->t, IOW_SPACE_VIRT, at, len, 2);
	}
	err = find_kaslr(k);
	now = k->lay.kaslr_offset;
	k->lay.kaslr_offset = was;
	if (err)
		return err;
	if (now != was)
		return iow_error_create(IOW_ERR_MISMATCH, "the kernel has moved since it was opened "
					"(KASLR offset 0x%" PRIx64 ", now 0x%" PRIx64 "): it was restarted",
					was, now);
	if ((err = read_build_id(k)))
		return err;
	if (k->lay.build_id_len != id_len || memcmp(k->lay.build_id, id, id_len)) {
		memcpy(k->lay.build_id, id, sizeof(id));
		k->lay.build_id_len = id_len;
		return iow_error_create(IOW_ERR_MISMATCH, "another kernel runs since it was opened "
					"(its build ID changed)");
	}
	return NULL;
}

void iow_kernel_destroy(struct iow_kernel *k)
{
	if (!k)
		return;
	free(k->lay.ram);
	free(k);
}

const struct iow_kernel_layout *iow_kernel_layout(const struct iow_kernel *k)
{
	return &k->lay;
}

struct iow_target *iow_kernel_target(const struct iow_kernel *k)
{
	return k->t;
}

struct iow_debuginfo *iow_kernel_debuginfo(const struct iow_kernel *k)
{
	return k->dbg;
}
