/* owners: see owners.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/busdev.h"
#include "kernel/chase.h"
#include "kernel/device.h"
#include "kernel/owners.h"
#include "kernel/pci.h"
#include "kernel/resource.h"
#include "kernel/where.h"
#include "util/array.h"

#define CHASE_MAX 200000  /* prefetch steps, at most */
#define MAX_STATIC 4096   /* elements of a static array */
#define E820_ENTRY_BYTES 20

/* --- the firmware map: e820 (x86) -------------------------------------------- */

struct fw_layout {
	uint64_t table, table_fw, nr, entries, entries_bytes, entries_count, entry_size, e_addr, e_size, e_type;
};

#define F struct fw_layout
/* arch/x86/include/asm/e820/types.h and arch/x86/kernel/e820.c (6.1, 6.12) */
static const struct iow_layout_field fw_fields[] = {
	IOW_LAYOUT_VARIABLE(F, "e820_table", table),
	IOW_LAYOUT_VARIABLE(F, "e820_table_firmware", table_fw),
	IOW_LAYOUT_MEMBER(F, "e820_table", "nr_entries", nr),
	IOW_LAYOUT_ARRAY(F, "e820_table", "entries", entries, entries_bytes, entries_count),
	IOW_LAYOUT_SIZE(F, "e820_entry", entry_size),
	IOW_LAYOUT_MEMBER(F, "e820_entry", "addr", e_addr),
	IOW_LAYOUT_MEMBER(F, "e820_entry", "size", e_size),
	IOW_LAYOUT_MEMBER(F, "e820_entry", "type", e_type),
};
#undef F

/* Static pointers to arrays of struct resource, and their counts. */
static const struct {
	const char *ptr, *count, *hint;
} static_arrays[] = {
	/* arch/x86/kernel/apic/io_apic.c: ioapic_setup_resources() */
	{ "ioapic_resources", "nr_ioapics", "ioapic_insert_resources" },
	/* arch/arm64/kernel/setup.c, arch/riscv/kernel/setup.c:
	 * request_standard_resources() / init_resources() */
	{ "standard_resources", "num_standard_resources", "setup_arch" },
};

struct fw {
	struct iow_kernel *k;
	bool present;
	struct fw_layout l;
	uint64_t kaslr;
};

static void chase_table(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct fw *f = ctx;
	uint64_t t = iow_raw_u64(buf, 0), want = f->l.entries + 128 * f->l.entry_size;

	(void)va;
	(void)len;
	if (t)
		iow_chase_add(c, t, want < IOW_CHASE_MAX_LEN ? want : IOW_CHASE_MAX_LEN, NULL, NULL);
}

static void chase_static(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)va;
	(void)len;
	iow_chase_add(c, iow_raw_u64(buf, 0), 2048, NULL, NULL);
}

/* Read the table the variable at VAR points to into *E, *N. */
static struct iow_error *read_table(struct fw *f, uint64_t var, const char *what, struct iow_fw_entry **e,
				    size_t *n)
{
	uint64_t table;
	uint32_t nr;
	uint8_t *raw;
	struct iow_error *err;
	size_t i;

	*e = NULL;
	*n = 0;
	if ((err = iow_kernel_read_u64(f->k, var, &table)) ||
	    (err = iow_kernel_read(f->k, table + f->l.nr, &nr, 4)))
		return iow_error_wrap(err, "reading %s", what);
	if (nr > f->l.entries_count)
		return iow_error_at(IOW_ERR_DATA, table, "%s has %u entries, more than its %" PRIu64, what, nr,
				    f->l.entries_count);
	if (!nr)
		return NULL;
	if (!(raw = malloc((size_t)nr * f->l.entry_size)))
		return &iow_error_nomem;
	if (!(*e = calloc(nr, sizeof(**e)))) {
		free(raw);
		return &iow_error_nomem;
	}
	if ((err = iow_kernel_read(f->k, table + f->l.entries, raw, (size_t)nr * f->l.entry_size))) {
		free(raw);
		free(*e);
		*e = NULL;
		return iow_error_wrap(err, "reading the entries of %s", what);
	}
	for (i = 0; i < nr; i++) {
		const uint8_t *r = raw + i * f->l.entry_size;
		uint64_t addr = iow_raw_u64(r, f->l.e_addr), size = iow_raw_u64(r, f->l.e_size);
		uint32_t type;

		memcpy(&type, r + f->l.e_type, 4);
		(*e)[i] = (struct iow_fw_entry){ addr, size ? addr + size - 1 : addr, type };
	}
	*n = nr;
	free(raw);
	return NULL;
}

/* Whether the NR resources at BASE are the entries E, in order. */
static bool is_array(struct iow_kernel *k, const struct iow_resource_layout *rl, uint64_t base,
		     const struct iow_fw_entry *e, size_t nr)
{
	uint8_t *raw = malloc(nr * rl->size);
	bool ok = raw && !iow_kernel_read(k, base, raw, nr * rl->size);
	size_t i;

	for (i = 0; ok && i < nr; i++)
		ok = iow_raw_u64(raw + i * rl->size, rl->start) == e[i].start &&
		     iow_raw_u64(raw + i * rl->size, rl->end) == e[i].end;
	free(raw);
	return ok;
}

/* Find the array among the candidates the trees give for table E. */
static uint64_t find_array(struct iow_kernel *k, const struct iow_resource_layout *rl,
			   const struct iow_resource_tree *const *trees, size_t ntrees,
			   const struct iow_fw_entry *e, size_t nr)
{
	uint64_t *cand = NULL, found = 0;
	size_t ncand = 0, cap = 0, t, j, i;

	for (t = 0; t < ntrees; t++) {
		struct iow_resource *r;

		for (r = trees[t]->root.child; r; r = iow_resource_next(r))
			for (j = 0; j < nr; j++) {
				uint64_t base = r->addr - j * rl->size;

				if (r->start != e[j].start || r->end != e[j].end || r->addr < j * rl->size)
					continue;
				for (i = 0; i < ncand && cand[i] != base; i++)
					;
				if (i == ncand) {
					if (iow_array_reserve(&cand, &cap, ncand + 1, sizeof(*cand)))
						goto out;
					cand[ncand++] = base;
				}
			}
	}
	if (ncand) { /* all candidates at once */
		size_t *lens = malloc(ncand * sizeof(*lens));

		for (i = 0; lens && i < ncand; i++)
			lens[i] = nr * rl->size;
		if (lens)
			iow_kernel_prefetch(k, cand, lens, ncand);
		free(lens);
	}
	for (i = 0; i < ncand && !found; i++)
		if (is_array(k, rl, cand[i], e, nr))
			found = cand[i];
out:
	free(cand);
	return found;
}

static struct iow_error *read_fwmap(struct fw *f, const struct iow_resource_tree *const *trees, size_t ntrees,
				    struct iow_devices *d)
{
	struct iow_resource_layout rl;
	struct iow_fw_entry *e2 = NULL;
	size_t n2 = 0;
	struct iow_error *err;

	if (!f->present) {
		d->absent[d->nabsent++] = "e820";
		return NULL;
	}
	if ((err = iow_resource_layout_get(f->k, &rl)) ||
	    (err = read_table(f, f->l.table + f->kaslr, "e820_table", &d->fw.e, &d->fw.n)))
		return err;
	d->fw.table = "e820_table";
	if ((d->fw.array = find_array(f->k, &rl, trees, ntrees, d->fw.e, d->fw.n))) {
		d->fw.array_table = "e820_table";
		return NULL;
	}
	/* The table may have changed after the array was made: the
	 * firmware's copy, then. */
	if ((err = read_table(f, f->l.table_fw + f->kaslr, "e820_table_firmware", &e2, &n2)))
		return err;
	if ((d->fw.array = find_array(f->k, &rl, trees, ntrees, e2, n2))) {
		free(d->fw.e);
		d->fw.e = e2;
		d->fw.n = n2;
		d->fw.table = d->fw.array_table = "e820_table_firmware";
		return NULL;
	}
	free(e2);
	return NULL;
}

static struct iow_error *read_statics(struct iow_kernel *k, struct iow_devices *d)
{
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	uint64_t kaslr = iow_kernel_layout(k)->kaslr_offset;
	struct iow_error *err;
	size_t i;

	for (i = 0; i < sizeof(static_arrays) / sizeof(static_arrays[0]); i++) {
		uint64_t ptr, cnt, base;
		int32_t n;

		if (!iow_debuginfo_has_symbol(dbg, static_arrays[i].ptr) ||
		    !iow_debuginfo_has_symbol(dbg, static_arrays[i].count))
			continue;
		if ((err = iow_debuginfo_variable(dbg, static_arrays[i].ptr, static_arrays[i].hint, &ptr)) ||
		    (err = iow_debuginfo_variable(dbg, static_arrays[i].count, static_arrays[i].hint, &cnt)) ||
		    (err = iow_kernel_read_u64(k, ptr + kaslr, &base)) ||
		    (err = iow_kernel_read(k, cnt + kaslr, &n, 4)))
			return iow_error_wrap(err, "reading %s", static_arrays[i].ptr);
		if (n < 0 || n > MAX_STATIC)
			return iow_error_at(IOW_ERR_DATA, cnt + kaslr, "%s is %d", static_arrays[i].count, n);
		if (!base || !n)
			continue;
		if (iow_array_reserve(&d->statics, &d->statics_cap, d->nstatics + 1, sizeof(*d->statics)))
			return &iow_error_nomem;
		d->statics[d->nstatics++] = (struct iow_static_array){ static_arrays[i].ptr, base, (size_t)n };
	}
	return NULL;
}

static void chase_statics(struct iow_kernel *k, struct iow_chase *c)
{
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	uint64_t kaslr = iow_kernel_layout(k)->kaslr_offset, ptr;
	size_t i;

	for (i = 0; i < sizeof(static_arrays) / sizeof(static_arrays[0]); i++) {
		struct iow_error *err;

		if (!iow_debuginfo_has_symbol(dbg, static_arrays[i].ptr))
			continue;
		if ((err = iow_debuginfo_variable(dbg, static_arrays[i].ptr, static_arrays[i].hint, &ptr))) {
			iow_error_destroy(err); /* read_statics reports it */
			continue;
		}
		iow_chase_add(c, ptr + kaslr, 8, chase_static, NULL);
	}
}

/* --- all of it ------------------------------------------------------------------ */

/* Keep the first error that lets the others go on; true when ERR must end
 * everything (a link error, out of memory). */
static bool keep(struct iow_error **first, struct iow_error *err)
{
	if (!err)
		return false;
	if (!iow_error_is_partial(err)) {
		if (*first != err)
			iow_error_destroy(*first);
		*first = err;
		return true;
	}
	if (*first)
		iow_error_destroy(err);
	else
		*first = err;
	return false;
}

static struct iow_error *locate(struct iow_kernel *k, struct iow_modules *mods, struct iow_owners *o)
{
	uint64_t *addrs;
	size_t n;
	struct iow_location *locs;
	struct iow_error *err;

	if (iow_owners_wanted(o, &addrs, &n))
		return &iow_error_nomem;
	err = iow_locate(k, mods, addrs, n, &locs);
	free(addrs);
	if (!err)
		iow_owners_set_locations(o, locs, n);
	return err;
}

#include <stdio.h>
static void DBG(struct iow_kernel *k, const char *what)
{
	if (getenv("IOW_DEBUG_OWNERS"))
		fprintf(stderr, "owners: %s: %llu round trips\n", what,
			(unsigned long long)iow_target_stats(iow_kernel_target(k))->round_trips);
}

struct iow_error *iow_owners_read(struct iow_kernel *k, struct iow_modules *mods,
				  const struct iow_resource_tree *const *trees, size_t ntrees, struct iow_devices *d,
				  struct iow_owners *o)
{
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	struct iow_devlayout dl;
	struct iow_resource_layout rl;
	struct iow_busdev_walk *bw = NULL;
	struct iow_pci_walk *pw = NULL;
	struct iow_error *first = NULL;
	struct fw f = { .k = k, .kaslr = iow_kernel_layout(k)->kaslr_offset };

	memset(d, 0, sizeof(*d));
	memset(o, 0, sizeof(*o));
	if ((first = iow_devlayout_get(k, &dl)) || (first = iow_resource_layout_get(k, &rl)) ||
	    (first = iow_busdev_prepare(k, &dl, &bw)) || (first = iow_pci_prepare(k, &dl, bw, &pw)))
		goto out;
	d->res_size = rl.size;
	if (!pw)
		d->absent[d->nabsent++] = "PCI";
	if ((f.present = iow_debuginfo_has_symbol(dbg, "e820_table")) &&
	    (first = iow_layout_probe(dbg, "e820__range_add", fw_fields, IOW_LAYOUT_COUNT(fw_fields), &f.l)))
		goto out;
	DBG(k, "start");
	if (iow_kernel_can_prefetch(k)) {
		struct iow_chase *c = iow_chase_create(k, CHASE_MAX);

		if (c) {
			if (pw)
				iow_pci_chase(pw, c);
			iow_busdev_chase(bw, c);
			if (f.present)
				iow_chase_add(c, f.l.table + f.kaslr, 8, chase_table, &f);
			chase_statics(k, c);
			iow_chase_run(c);
			DBG(k, "chase");
			iow_chase_destroy(c);
		}
	}
	if ((pw && keep(&first, iow_pci_read(pw, d))))
		goto out;
	DBG(k, "pci");
	if (keep(&first, iow_busdev_read(bw, d)))
		goto out;
	DBG(k, "busdev");
	if (keep(&first, iow_devres_read(bw, d)))
		goto out;
	DBG(k, "devres");
	if (keep(&first, read_statics(k, d)) ||
	    keep(&first, read_fwmap(&f, trees, ntrees, d)))
		goto out;
	DBG(k, "statics+fw");
	iow_devices_sort(d);
	if (iow_owners_classify(o, trees, ntrees, d)) {
		keep(&first, &iow_error_nomem);
		goto out;
	}
	if (keep(&first, locate(k, mods, o)))
		goto out;
	DBG(k, "locate");
	if (iow_owners_finish(o, d))
		keep(&first, &iow_error_nomem);
out:
	iow_pci_walk_destroy(pw);
	iow_busdev_walk_destroy(bw);
	return first;
}
