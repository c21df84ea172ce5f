/* kernel/mem: the memory back end of a real kernel (struct iow_kmem_ops).
 *
 * A kernel virtual address becomes a physical one without a walk where the
 * architecture's layout is linear (the image, the direct map), else through
 * the kernel's own page tables; it is read only if that page is RAM.
 * Physical memory is read through the direct map while the CPU's current
 * page tables map it (one round trip, cached by virtual page), else
 * physically (a PTI user CR3; a core without virtual addresses).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include "kernel/internal.h"

/* The space and address physical PA is read at now. */
static void pa_space(const struct iow_kernel *k, uint64_t pa, enum iow_space *space, uint64_t *addr)
{
	*space = k->direct_known && !k->direct_broken ? IOW_SPACE_VIRT : IOW_SPACE_PHYS;
	*addr = *space == IOW_SPACE_VIRT ? k->lay.page_offset_base + pa : pa;
}

static struct iow_error *mem_read_pa(struct iow_kernel *k, uint64_t pa, void *buf, size_t len)
{
	struct iow_error *err;

	if (k->direct_known && !k->direct_broken) {
		err = iow_target_read(k->t, IOW_SPACE_VIRT, k->lay.page_offset_base + pa, buf, len);
		if (!err || !iow_error_is_unreadable(err))
			return err;
		iow_error_destroy(err);
		k->direct_broken = true; /* e.g. a PTI user CR3: read physically from now on */
	}
	err = iow_target_read(k->t, IOW_SPACE_PHYS, pa, buf, len);
	if (err && err->code == IOW_ERR_UNSUPPORTED)
		err = iow_error_wrap(err, "reading physical 0x%" PRIx64, pa);
	return err;
}

static bool mem_where_pa(struct iow_kernel *k, uint64_t pa, enum iow_space *space, uint64_t *addr)
{
	if (!iow_kernel_is_ram(k, pa, IOW_PT_ENTRY_SIZE))
		return false;
	pa_space(k, pa, space, addr);
	return true;
}

static bool mem_direct(const struct iow_kernel *k, uint64_t va)
{
	uint64_t pa;

	return k->arch->linear(&k->lay, va, &pa);
}

/* Kernel VA -> PA, without a walk where the layout says so. */
static struct iow_error *va_to_pa(struct iow_kernel *k, uint64_t va, uint64_t *pa)
{
	struct iow_translation tr;
	struct iow_error *err;

	if (k->arch->linear(&k->lay, va, pa))
		return NULL;
	if ((err = iow_kernel_translate(k, va, &tr)))
		return err;
	if (!tr.present)
		return iow_error_at(IOW_ERR_FAULT, va, "0x%" PRIx64 " is not mapped", va);
	*pa = tr.pa;
	return NULL;
}

static struct iow_error *mem_read(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		size_t n = IOW_KPAGE_SIZE - (va & ~IOW_KPAGE_MASK);
		uint64_t pa = 0;
		struct iow_error *err;

		if (n > len)
			n = len;
		if ((err = va_to_pa(k, va, &pa)))
			return err;
		if (!iow_kernel_is_ram(k, pa, n))
			return iow_error_at(IOW_ERR_FAULT, va,
					    "0x%" PRIx64 " maps physical 0x%" PRIx64
					    ", which is not RAM: refusing to read it", va, pa);
		if ((err = mem_read_pa(k, pa, p, n)))
			return err;
		va += n, p += n, len -= n;
	}
	return NULL;
}

static bool mem_where(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
		      uint64_t *addr)
{
	struct iow_error *err;
	uint64_t pa = 0;

	if ((err = va_to_pa(k, va, &pa))) {
		iow_error_destroy(err);
		return false;
	}
	if (!iow_kernel_is_ram(k, pa, len))
		return false;
	pa_space(k, pa, space, addr);
	return true;
}

static uint64_t mem_modules_hint(const struct iow_kernel *k)
{
	return k->arch->modules_hint ? k->arch->modules_hint(&k->lay) : 0;
}

const struct iow_kmem_ops iow_kmem_kernel = {
	.name = "kernel",
	/* virtual: linear or through the page tables, RAM only */
	.read = mem_read, .where = mem_where, .direct = mem_direct,
	/* physical: through the direct map while it can be read, else physically */
	.read_pa = mem_read_pa, .where_pa = mem_where_pa,
	/* a kernel may be restarted while the machine runs */
	.check_same = iow_kernel_recheck, .modules_hint = mem_modules_hint,
};
