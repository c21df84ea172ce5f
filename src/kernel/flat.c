/* flat: see flat.h.  The flat process's memory back end (struct
 * iow_kmem_ops): virtual addresses are the target's own, physical memory is
 * a window of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/flat.h"
#include "kernel/internal.h"

static bool in_window(const struct iow_kernel *k, uint64_t pa, size_t len)
{
	return pa >= k->flat_pa && pa - k->flat_pa <= k->flat_size &&
	       len <= k->flat_size - (pa - k->flat_pa);
}

static struct iow_error *flat_read_pa(struct iow_kernel *k, uint64_t pa, void *buf, size_t len)
{
	if (!in_window(k, pa, len))
		return iow_error_at(IOW_ERR_FAULT, pa, "physical 0x%" PRIx64 " is outside the window "
				    "of the flat kernel", pa);
	return iow_target_read(k->t, IOW_SPACE_VIRT, k->flat_window + (pa - k->flat_pa), buf, len);
}

static bool flat_where_pa(struct iow_kernel *k, uint64_t pa, enum iow_space *space, uint64_t *addr)
{
	if (!in_window(k, pa, IOW_PT_ENTRY_SIZE))
		return false;
	*space = IOW_SPACE_VIRT;
	*addr = k->flat_window + (pa - k->flat_pa);
	return true;
}

/* A process: its addresses are the target's own, with no page-table walk
 * and no RAM check. */
static struct iow_error *flat_read(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	return iow_target_read(k->t, IOW_SPACE_VIRT, va, buf, len);
}

static bool flat_where(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
		       uint64_t *addr)
{
	(void)k, (void)len;
	*space = IOW_SPACE_VIRT;
	*addr = va;
	return true;
}

static bool flat_direct(const struct iow_kernel *k, uint64_t va)
{
	(void)k, (void)va;
	return true;
}

static const struct iow_kmem_ops flat_ops = {
	.name = "flat",
	.read = flat_read, .where = flat_where, .direct = flat_direct,
	.read_pa = flat_read_pa, .where_pa = flat_where_pa,
	/* no check_same: a process under gdbserver does not reboot; no
	 * modules_hint: nor has it a module area */
};

/* The given ranges and the window. */
static struct iow_error *set_ram(struct iow_kernel *k, const struct iow_flat_layout *fl)
{
	struct iow_ram_range *ram = calloc(fl->nr_ram + 1, sizeof(*ram));
	size_t i, n = 0;

	if (!ram)
		return &iow_error_nomem;
	for (i = 0; i < fl->nr_ram; i++)
		if (fl->ram[i].end > fl->ram[i].start)
			ram[n++] = fl->ram[i];
	ram[n++] = (struct iow_ram_range){ fl->phys_start, fl->phys_start + fl->phys_size };
	return iow_kernel_set_ram(k, ram, n);
}

static struct iow_error *read_var(struct iow_kernel *k, const char *name, uint64_t *val)
{
	uint64_t addr;
	struct iow_error *err = iow_kernel_symbol(k, name, &addr);

	if (!err)
		err = iow_kernel_read_u64(k, addr, val);
	return err ? iow_error_wrap(err, "reading %s", name) : NULL;
}

struct iow_error *iow_kernel_open_flat(struct iow_target *t, struct iow_debuginfo *dbg,
				       const struct iow_flat_layout *fl, struct iow_kernel **out)
{
	struct iow_kernel *k;
	struct iow_error *err;
	const uint8_t *id;
	size_t id_len;

	if ((fl->levels != 4 && fl->levels != 5) || !fl->phys_size ||
	    fl->phys_start + fl->phys_size < fl->phys_start)
		return iow_error_create(IOW_ERR_INVALID, "a flat kernel needs 4 or 5 levels and a window");
	if ((err = iow_kernel_create(t, dbg, &flat_ops, &k)))
		return err;
	k->flat_window = fl->phys_window;
	k->flat_pa = fl->phys_start;
	k->flat_size = fl->phys_size;
	k->image_known = k->direct_known = true;
	k->lay.kaslr_offset = fl->load_bias;
	k->lay.kaslr_source = "load bias of a flat kernel";
	k->lay.levels = fl->levels;
	k->lay.pgd_phys = fl->pgd_phys;
	if ((err = set_ram(k, fl)))
		goto fail;
	if ((err = read_var(k, "page_offset_base", &k->lay.page_offset_base)) ||
	    (err = read_var(k, "vmalloc_base", &k->lay.vmalloc_base)) ||
	    (err = read_var(k, "vmemmap_base", &k->lay.vmemmap_base)))
		goto fail;
	if (iow_debuginfo_has_symbol(dbg, "physical_mask") &&
	    (err = read_var(k, "physical_mask", &k->lay.physical_mask)))
		goto fail;
	/* Only for info to show: a process's addresses are never in the
	 * kernel image's mapping, which is all phys_base translates. */
	if (iow_debuginfo_has_symbol(dbg, "phys_base") && (err = read_var(k, "phys_base", &k->lay.phys_base)))
		goto fail;
	iow_kernel_layout_changed(k);
	if ((err = iow_kernel_read_release(k)))
		goto fail;
	id = iow_debuginfo_build_id(dbg, &id_len);
	if (id && id_len <= sizeof(k->lay.build_id)) {
		memcpy(k->lay.build_id, id, id_len);
		k->lay.build_id_len = id_len;
		k->lay.build_id_matches = true;
	}
	*out = k;
	return NULL;
fail:
	iow_kernel_destroy(k);
	return err;
}
