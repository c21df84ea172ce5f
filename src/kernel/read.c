/* kernel/read: safe reads of kernel memory, through the kernel's memory
 * back end (internal.h): virtual addresses as the back end translates and
 * checks them, physical ones only where they are RAM.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "kernel/internal.h"

#define STRING_CHUNK 256 /* a string is read this much at a time */

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

bool iow_kernel_is_firmware_mem(const struct iow_kernel *k, uint64_t pa, uint64_t len)
{
	size_t i;

	for (i = 0; i < k->lay.nr_firmware_mem; i++)
		if (pa >= k->lay.firmware_mem[i].start && pa + len <= k->lay.firmware_mem[i].end &&
		    pa + len > pa)
			return true;
	return false;
}

struct iow_error *iow_kernel_read_phys(struct iow_kernel *k, uint64_t pa, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		size_t n = IOW_KPAGE_SIZE - (pa & ~IOW_KPAGE_MASK);
		struct iow_error *err;

		if (n > len)
			n = len;
		if (!iow_kernel_is_ram(k, pa, n))
			return iow_error_at(IOW_ERR_FAULT, pa,
					    "physical 0x%" PRIx64 " is not RAM: refusing to read it", pa);
		if ((err = k->mem->read_pa(k, pa, p, n)))
			return err;
		pa += n, p += n, len -= n;
	}
	return NULL;
}

struct iow_error *iow_kernel_read(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	return k->mem->read(k, va, buf, len);
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
		size_t n = IOW_KPAGE_SIZE - ((va + got) & ~IOW_KPAGE_MASK);
		struct iow_error *err;
		char *nul;

		if (n > max - 1 - got)
			n = max - 1 - got;
		if (n > STRING_CHUNK)
			n = STRING_CHUNK;
		if ((err = iow_kernel_read(k, va + got, buf + got, n)))
			return err;
		nul = memchr(buf + got, 0, n);
		got += n;
		if (nul)
			return NULL;
	}
	buf[max - 1] = 0;
	return NULL;
}

size_t iow_kernel_string_hint(uint64_t va)
{
	size_t n = IOW_KPAGE_SIZE - (va & ~IOW_KPAGE_MASK);

	return n < STRING_CHUNK ? n : STRING_CHUNK;
}

struct iow_error *iow_kernel_read_chasing(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	enum iow_space space;
	uint64_t addr;

	if (len && len <= IOW_KPAGE_SIZE - (va & ~IOW_KPAGE_MASK) &&
	    k->mem->where(k, va, len, &space, &addr) && !iow_target_cached(k->t, space, addr, len) &&
	    iow_target_can_prefetch(k->t)) {
		uint64_t page = addr & IOW_KPAGE_MASK;
		size_t whole = IOW_KPAGE_SIZE;

		iow_target_prefetch(k->t, space, &page, &whole, 1);
	}
	return iow_kernel_read(k, va, buf, len);
}
