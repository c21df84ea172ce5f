/* kernel/open: opening a running kernel: choosing its architecture from the
 * vmlinux, identifying it through the architecture (KASLR, layout, RAM),
 * checking its build ID, and checking again after the machine ran.  Also
 * the helpers the architectures identify a kernel with (internal.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/internal.h"
#include "util/elfnote.h"

#define NOTES_MAX 4096  /* bytes of the kernel's notes section, at most */
#define PREFETCH_VARS 16

_Static_assert(IOW_MEMTYPE_INDEXES == 8, "kernel.h's iow_kernel_read_memtypes takes 8");

struct iow_error *iow_kernel_create(struct iow_target *t, struct iow_debuginfo *dbg,
				    const struct iow_kmem_ops *mem, struct iow_kernel **out)
{
	unsigned machine = iow_debuginfo_machine(dbg);
	const struct iow_arch *arch = iow_arch_for_machine(machine);
	struct iow_kernel *k;

	if (!arch)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "%s is a vmlinux for ELF machine %u, "
					"an architecture iomem-walk does not know (src/arch/)",
					iow_debuginfo_path(dbg), machine);
	k = calloc(1, sizeof(*k));
	if (!k)
		return &iow_error_nomem;
	k->t = t;
	k->dbg = dbg;
	k->arch = arch;
	k->mem = mem;
	iow_kernel_layout_changed(k);
	*out = k;
	return NULL;
}

void iow_kernel_layout_changed(struct iow_kernel *k)
{
	k->arch->finish_layout(&k->lay, &k->fmt);
}

static int cmp_range(const void *a, const void *b)
{
	const struct iow_ram_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

struct iow_error *iow_kernel_set_ram(struct iow_kernel *k, struct iow_ram_range *ranges, size_t n)
{
	size_t i, m = 0;

	qsort(ranges, n, sizeof(*ranges), cmp_range);
	for (i = 0; i < n; i++) {
		struct iow_ram_range *last = m ? &ranges[m - 1] : NULL;

		if (last && ranges[i].start <= last->end) {
			if (ranges[i].end > last->end)
				last->end = ranges[i].end;
		} else {
			ranges[m++] = ranges[i];
		}
	}
	free(k->lay.ram);
	k->lay.ram = ranges;
	k->lay.nr_ram = m;
	k->ram_known = m > 0;
	return NULL;
}

struct iow_error *iow_kernel_link_symbol(struct iow_kernel *k, const char *name, uint64_t *addr)
{
	return iow_debuginfo_symbol(k->dbg, name, addr, NULL);
}

struct iow_error *iow_kernel_symbol(struct iow_kernel *k, const char *name, uint64_t *addr)
{
	struct iow_error *err = iow_kernel_link_symbol(k, name, addr);

	if (!err)
		*addr += k->lay.kaslr_offset;
	return err;
}

bool iow_kernel_vmcoreinfo_hex(struct iow_kernel *k, const char *key, uint64_t *val)
{
	char v[32];

	if (!iow_target_vmcoreinfo_get(k->t, key, v, sizeof(v)))
		return false;
	*val = strtoull(v, NULL, 16);
	return true;
}

bool iow_kernel_vmcoreinfo_number(struct iow_kernel *k, const char *key, uint64_t *val)
{
	char v[32];

	/* NUMBER(x) is "%ld" (VMCOREINFO_NUMBER), a few "%#lx" */
	if (!iow_target_vmcoreinfo_get(k->t, key, v, sizeof(v)))
		return false;
	*val = v[0] == '-' ? (uint64_t)strtoll(v, NULL, 0) : strtoull(v, NULL, 0);
	return true;
}

bool iow_kernel_vmcoreinfo_current(struct iow_kernel *k)
{
	return iow_target_is_live(k->t) && iow_target_vmcoreinfo(k->t);
}

/* --- reading before the layout is known -------------------------------------- */

struct iow_error *iow_kernel_boot_read(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	struct iow_error *err = iow_target_read(k->t, IOW_SPACE_VIRT, va, buf, len);
	struct iow_error *err2 = NULL;
	struct iow_translation tr;

	if (!err || !iow_error_is_unreadable(err))
		return err;
	if (!k->boot_root)
		err2 = k->arch->boot_root(k, &k->boot_root);
	if (!err2)
		err2 = iow_kernel_walk(k, &k->fmt, k->boot_root, va, &tr);
	if (!err2 && !tr.present)
		err2 = iow_error_at(IOW_ERR_FAULT, va, "0x%" PRIx64 " is not mapped by the CPU's tables", va);
	if (!err2 && (tr.pa & ~IOW_KPAGE_MASK) + len > IOW_KPAGE_SIZE)
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

struct iow_error *iow_kernel_image_read(struct iow_kernel *k, const char *sym, void *buf, size_t len)
{
	uint64_t addr;
	struct iow_error *err = iow_kernel_symbol(k, sym, &addr);

	if (err)
		return err;
	/* Until the direct map is known, iow_kernel_read() would read the
	 * image physically, switching QEMU's stub back and forth (three round
	 * trips a read); the CPU's page tables map the image. */
	if (!k->image_known || !k->direct_known)
		err = iow_kernel_boot_read(k, addr, buf, len);
	else
		err = iow_kernel_read(k, addr, buf, len);
	return err ? iow_error_wrap(err, "reading %s", sym) : NULL;
}

void iow_kernel_prefetch_symbols(struct iow_kernel *k, const char *const *names, const size_t *lens,
				 size_t n)
{
	uint64_t addr[PREFETCH_VARS];
	size_t len[PREFETCH_VARS], i, m = 0;

	if (!iow_target_can_prefetch(k->t))
		return;
	for (i = 0; i < n && m < PREFETCH_VARS; i++) {
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

/* --- who it is ------------------------------------------------------------- */

/* The notes section's bounds, if it is plausible. */
static bool notes_range(struct iow_kernel *k, uint64_t *start, size_t *len)
{
	uint64_t stop = 0;
	struct iow_error *e1 = iow_kernel_symbol(k, "__start_notes", start);
	struct iow_error *e2 = iow_kernel_symbol(k, "__stop_notes", &stop);
	bool ok = !e1 && !e2 && stop > *start && stop - *start <= NOTES_MAX;

	iow_error_destroy(e1);
	iow_error_destroy(e2);
	*len = ok ? stop - *start : 0;
	return ok;
}

static struct iow_error *read_build_id(struct iow_kernel *k)
{
	uint64_t start, stop;
	uint8_t notes[NOTES_MAX];
	size_t len;
	struct iow_error *err;

	if ((err = iow_kernel_symbol(k, "__start_notes", &start)) ||
	    (err = iow_kernel_symbol(k, "__stop_notes", &stop)))
		return err;
	len = stop - start;
	if (stop < start || len > sizeof(notes))
		return iow_error_create(IOW_ERR_DATA, "implausible notes section (%zu bytes)", len);
	if ((err = iow_kernel_read(k, start, notes, len)))
		return iow_error_wrap(err, "reading the kernel's notes");
	if (iow_elf_notes_build_id(notes, len, k->lay.build_id, sizeof(k->lay.build_id),
				   &k->lay.build_id_len))
		return NULL;
	return iow_error_create(IOW_ERR_NOTFOUND, "the running kernel has no build ID note");
}

static struct iow_error *check_build_id(struct iow_kernel *k, const struct iow_kernel_opts *opts)
{
	size_t file_id_len;
	const uint8_t *file_id = iow_debuginfo_build_id(k->dbg, &file_id_len);
	char a[129], b[129];

	k->lay.build_id_matches = file_id && file_id_len == k->lay.build_id_len &&
				  memcmp(file_id, k->lay.build_id, file_id_len) == 0;
	if (k->lay.build_id_matches || (opts && opts->ignore_build_id))
		return NULL;
	iow_build_id_hex(k->lay.build_id, k->lay.build_id_len, a);
	iow_build_id_hex(file_id ? file_id : (const uint8_t *)"", file_id ? file_id_len : 0, b);
	return iow_error_create(IOW_ERR_MISMATCH, "%s does not match the running kernel: its build "
				"ID is %s, the kernel's is %s", iow_debuginfo_path(k->dbg),
				b[0] ? b : "(none)", a);
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

/* The notes, the architecture's RAM variables, linux_banner and the
 * caller's WARM symbols, all in one round trip. */
static void prefetch_identity(struct iow_kernel *k, const char *const *warm)
{
	const char *vars[PREFETCH_VARS] = { "__start_notes" };
	size_t lens[PREFETCH_VARS], n = 1, i;
	uint64_t start;

	if (!notes_range(k, &start, &lens[0]))
		lens[0] = 1;
	for (i = 0; k->arch->ram_vars && k->arch->ram_vars[i].name && n < PREFETCH_VARS - 1; i++) {
		vars[n] = k->arch->ram_vars[i].name;
		lens[n++] = k->arch->ram_vars[i].len;
	}
	vars[n] = "linux_banner";
	lens[n++] = 0;
	for (i = 0; warm && warm[i] && n < PREFETCH_VARS; i++) {
		uint64_t a, size = 0;
		struct iow_error *e = iow_debuginfo_symbol(k->dbg, warm[i], &a, &size);

		if (e)
			iow_error_destroy(e);
		else if (size && size <= IOW_KPAGE_SIZE) {
			vars[n] = warm[i];
			lens[n++] = size;
		}
	}
	iow_kernel_prefetch_symbols(k, vars, lens, n);
}

struct iow_error *iow_kernel_open(struct iow_target *t, struct iow_debuginfo *dbg,
				  const struct iow_kernel_opts *opts, struct iow_kernel **out)
{
	struct iow_ram_range *ram = NULL;
	struct iow_kernel *k;
	struct iow_error *err;
	size_t nr = 0;

	if ((err = iow_kernel_create(t, dbg, &iow_kmem_kernel, &k)))
		return err;
	/* a core without virtual addresses: physically from the start */
	k->direct_broken = !iow_target_can_read(t, IOW_SPACE_VIRT);
	if ((err = k->arch->find_kaslr(k, &k->lay.kaslr_offset, &k->lay.kaslr_source)) ||
	    (err = k->arch->read_layout(k)))
		goto fail;
	prefetch_identity(k, opts ? opts->warm_symbols : NULL);
	if ((err = read_build_id(k)) || (err = check_build_id(k, opts)))
		goto fail;
	if ((err = k->arch->read_ram(k, &ram, &nr))) {
		err = iow_error_wrap(err, "finding RAM");
		goto fail;
	}
	if ((err = iow_kernel_set_ram(k, ram, nr)) || (err = iow_kernel_read_release(k)))
		goto fail;
	*out = k;
	return NULL;
fail:
	iow_kernel_destroy(k);
	return err;
}

struct iow_error *iow_kernel_recheck(struct iow_kernel *k)
{
	uint64_t was = k->lay.kaslr_offset, now = 0;
	uint8_t id[sizeof(k->lay.build_id)];
	size_t id_len = k->lay.build_id_len;
	const char *source;
	struct iow_error *err;

	memcpy(id, k->lay.build_id, sizeof(id));
	/* what the KASLR probe reads and the notes, in one round trip where the target can */
	if (iow_target_can_prefetch(k->t)) {
		uint64_t start = 0, at[2] = { k->arch->kaslr_probe, 0 };
		size_t len[2] = { k->arch->kaslr_probe_len, 0 }, notes;
		enum iow_space space = IOW_SPACE_PHYS;

		if (notes_range(k, &start, &notes) && k->mem->where(k, start, notes, &space, &at[1]) &&
		    space == IOW_SPACE_VIRT)
			len[1] = notes;
		iow_target_prefetch(k->t, IOW_SPACE_VIRT, at, len, 2);
	}
	if ((err = k->arch->find_kaslr(k, &now, &source)))
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

struct iow_error *iow_kernel_check_same(struct iow_kernel *k)
{
	return k->mem->check_same ? k->mem->check_same(k) : NULL;
}

void iow_kernel_destroy(struct iow_kernel *k)
{
	if (!k)
		return;
	free(k->lay.ram);
	free(k->lay.firmware_mem);
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

const char *iow_kernel_arch_name(const struct iow_kernel *k)
{
	return k->arch->name;
}

bool iow_kernel_unclaimed_ioremaps_usual(const struct iow_kernel *k)
{
	return k->arch->unclaimed_ioremaps_usual;
}

size_t iow_kernel_describe(const struct iow_kernel *k, struct iow_layout_item *items, size_t max)
{
	return k->arch->describe ? k->arch->describe(&k->lay, items, max) : 0;
}

struct iow_error *iow_kernel_read_memtypes(struct iow_kernel *k, uint8_t table[IOW_MEMTYPE_INDEXES])
{
	return k->arch->read_memtypes(k, table);
}
