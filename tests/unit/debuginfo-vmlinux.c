/* Unit test of src/debuginfo on the real Debian 6.1 and 6.12 debug vmlinux
 * files, against what booted guests of those kernels printed about
 * themselves and against the kallsyms table the build linked into each
 * image.
 *
 * Environment (each kernel is tested if its vmlinux is given):
 *   IOW_TEST_VMLINUX_61, IOW_TEST_VMLINUX_612     the debug vmlinux files
 *   IOW_TEST_TRUTH_61, IOW_TEST_TRUTH_612         optional: a guest's truth/
 *       directory (vmallocinfo, kallsyms_text, kaslr_offset, notes)
 *   IOW_TEST_VMALLOCINFO_61, IOW_TEST_VMALLOCINFO_612   optional: overrides
 *       TRUTH/vmallocinfo
 * A System.map beside the vmlinux, if there, gives every address a name
 * may have.  With no vmlinux at all the test is skipped (a TAP "1..0 #
 * SKIP" plan), or bails out (exit 99) when CI=true, so that CI cannot pass
 * by skipping.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "debuginfo/debuginfo.h"
#include "tap.h"

/* --- small helpers --------------------------------------------------------- */

static char *read_text(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (dir)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else
		snprintf(path, sizeof(path), "%s", name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	buf[len] = '\0';
	return buf;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* --- the kallsyms table linked into the image: the oracle ---------------- */

/* Decoded straight from the vmlinux bytes, following kernel/kallsyms.c
 * (kallsyms_expand_symbol, kallsyms_sym_address) and the layout that
 * scripts/kallsyms.c write_src() emits. */
struct oracle {
	uint32_t num;
	uint64_t *addr;
	char **name;
};

static bool image_read(Elf *elf, uint64_t addr, void *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *d;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (addr < sh.sh_addr || addr + len > sh.sh_addr + sh.sh_size)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			return false;
		memcpy(buf, (const char *)d->d_buf + (addr - sh.sh_addr), len);
		return true;
	}
	return false;
}

static uint64_t sym(struct iow_debuginfo *dbg, const char *name)
{
	uint64_t a = 0;
	struct iow_error *err = iow_debuginfo_symbol(dbg, name, &a, NULL);

	iow_error_destroy(err);
	return err ? 0 : a;
}

static bool oracle_load(struct iow_debuginfo *dbg, const char *path, struct oracle *o)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	uint64_t a_num = sym(dbg, "kallsyms_num_syms"), a_off = sym(dbg, "kallsyms_offsets"),
		 a_base = sym(dbg, "kallsyms_relative_base"), a_names = sym(dbg, "kallsyms_names"),
		 a_tt = sym(dbg, "kallsyms_token_table"), a_ti = sym(dbg, "kallsyms_token_index");
	uint64_t base, pos;
	int32_t *offs = NULL;
	uint16_t tindex[256];
	char ttable[8192];
	bool ok = false, absolute_percpu = false;
	uint8_t b[2], tok[1024];
	uint32_t i, len, k;
	char name[2048];
	size_t nl;

	memset(o, 0, sizeof(*o));
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || !a_num || !a_off || !a_base || !a_names || !a_tt || !a_ti)
		goto out;
	if (!image_read(elf, a_num, &o->num, 4) || !image_read(elf, a_base, &base, 8) ||
	    !image_read(elf, a_ti, tindex, sizeof(tindex)) ||
	    !image_read(elf, a_tt, ttable, a_ti - a_tt < sizeof(ttable) ? a_ti - a_tt : sizeof(ttable)))
		goto out;
	ttable[sizeof(ttable) - 1] = '\0';
	offs = malloc(o->num * sizeof(*offs));
	o->addr = calloc(o->num, sizeof(*o->addr));
	o->name = calloc(o->num, sizeof(*o->name));
	if (!offs || !o->addr || !o->name || !image_read(elf, a_off, offs, o->num * sizeof(*offs)))
		goto out;
	/* CONFIG_KALLSYMS_ABSOLUTE_PERCPU stores per-CPU symbols as positive
	 * absolute values and the rest as negative offsets. */
	for (i = 0; i < o->num; i++)
		if (offs[i] < 0)
			absolute_percpu = true;
	for (i = 0, pos = a_names; i < o->num; i++) {
		if (!image_read(elf, pos, b, 2))
			goto out;
		len = b[0];
		pos++;
		if (len & 0x80) { /* "big" symbols: two-byte ULEB128 length */
			len = (len & 0x7f) | ((uint32_t)b[1] << 7);
			pos++;
		}
		if (len > sizeof(tok) || !image_read(elf, pos, tok, len))
			goto out;
		pos += len;
		for (k = 0, nl = 0; k < len; k++) {
			const char *t = ttable + tindex[tok[k]];
			size_t tl = strlen(t);

			if (nl + tl >= sizeof(name))
				goto out;
			memcpy(name + nl, t, tl);
			nl += tl;
		}
		name[nl] = '\0';
		o->name[i] = strdup(name + 1); /* the first character is the type */
		if (!absolute_percpu)
			o->addr[i] = base + (uint32_t)offs[i];
		else if (offs[i] >= 0)
			o->addr[i] = (uint64_t)offs[i];
		else
			o->addr[i] = base - 1 - (uint64_t)(int64_t)offs[i];
	}
	ok = true;
out:
	free(offs);
	if (elf)
		elf_end(elf);
	close(fd);
	return ok;
}

static void oracle_free(struct oracle *o)
{
	uint32_t i;

	for (i = 0; o->name && i < o->num; i++)
		free(o->name[i]);
	free(o->name);
	free(o->addr);
}

/* At every address the kernel's own table starts a symbol at, within the
 * image, our %pS must give that symbol's name, offset 0, and the size up to
 * the table's next address. */
static void check_kallsyms(struct iow_debuginfo *dbg, const char *path, const char *tag)
{
	struct oracle o;
	struct iow_kallsyms_info info;
	struct iow_error *err;
	struct iow_symbolized s;
	uint64_t stext = sym(dbg, "_stext"), end = sym(dbg, "_end");
	uint64_t sinit = sym(dbg, "_sinittext"), einit = sym(dbg, "_einittext");
	uint64_t want_size, checked = 0, bad = 0, probes = 0;
	uint32_t i, j;

	err = iow_debuginfo_kallsyms_info(dbg, &info);
	tap_ok(!err, "%s: kallsyms table rebuilt", tag);
	iow_error_destroy(err);
	if (!tap_ok(oracle_load(dbg, path, &o), "%s: kallsyms table read from the image", tag)) {
		oracle_free(&o);
		return;
	}
	tap_is_int(info.file_count, o.num, "kallsyms_num_syms as the library read it");
	tap_is_int(info.count, o.num, "rebuilt kallsyms table has as many symbols as the kernel's");
	tap_ok(info.all_symbols, "%s: CONFIG_KALLSYMS_ALL detected", tag);
	printf("# %s: kallsyms table of %zu symbols, %s the kallsyms_* tables\n", tag, info.count,
	       info.lists_itself ? "listing" : "without");
	for (i = 0; i < o.num; i = j) {
		/* the first of a run of aliases is what get_symbol_pos() takes */
		for (j = i + 1; j < o.num && o.addr[j] == o.addr[i]; j++)
			;
		if (o.addr[i] < stext || o.addr[i] >= end)
			continue;
		if (j < o.num)
			want_size = o.addr[j] - o.addr[i];
		else if (o.addr[i] >= sinit && o.addr[i] < einit)
			want_size = einit - o.addr[i];
		else
			want_size = end - o.addr[i];
		checked++;
		if (!iow_debuginfo_symbolize(dbg, o.addr[i], &s) || strcmp(s.name, o.name[i]) != 0 ||
		    s.offset != 0 || s.size != want_size) {
			if (bad++ < 10)
				printf("#   0x%" PRIx64 ": kernel %s+0x0/0x%" PRIx64 ", we %s+0x%" PRIx64
				       "/0x%" PRIx64 "\n", o.addr[i], o.name[i], want_size,
				       iow_debuginfo_symbolize(dbg, o.addr[i], &s) ? s.name : "(none)",
				       s.offset, s.size);
			continue;
		}
		/* and the last byte of the symbol still belongs to it */
		if (want_size > 1 && (probes++ % 7) == 0 &&
		    (!iow_debuginfo_symbolize(dbg, o.addr[i] + want_size - 1, &s) ||
		     strcmp(s.name, o.name[i]) != 0 || s.offset != want_size - 1)) {
			if (bad++ < 10)
				printf("#   0x%" PRIx64 " (last byte of %s): we say %s+0x%" PRIx64 "\n",
				       o.addr[i] + want_size - 1, o.name[i], s.name, s.offset);
		}
	}
	printf("# %s: %" PRIu64 " kallsyms addresses in the image compared, %" PRIu64 " differ\n",
	       tag, checked, bad);
	tap_ok(checked > 10000 && bad == 0, "%s: %%pS name and size equal the kernel's at every symbol",
	       tag);
	tap_ok(!iow_debuginfo_symbolize(dbg, stext - 1, &s) && !iow_debuginfo_symbolize(dbg, end, &s),
	       "%s: nothing outside [_stext, _end) is symbolized", tag);
	oracle_free(&o);
}

/* --- /proc/vmallocinfo callers ------------------------------------------- */

/* Every address System.map gives NAME (static functions repeat), or the
 * library's own answer if there is no System.map. */
static size_t candidates(struct iow_debuginfo *dbg, const char *sysmap, const char *name,
			 uint64_t *out, size_t max)
{
	const char *p = sysmap;
	size_t n = 0, ln = strlen(name);
	char *end;

	while (sysmap && p && *p && n < max) {
		const char *eol = strchr(p, '\n');
		size_t linelen = eol ? (size_t)(eol - p) : strlen(p);

		if (linelen == 19 + ln && p[16] == ' ' && p[18] == ' ' &&
		    memcmp(p + 19, name, ln) == 0)
			out[n++] = strtoull(p, &end, 16);
		p = eol ? eol + 1 : NULL;
	}
	if (!n && sym(dbg, name))
		out[n++] = sym(dbg, name);
	return n;
}

static void check_vmallocinfo(struct iow_debuginfo *dbg, const char *vmallocinfo,
			      const char *sysmap, const char *tag)
{
	char *text = read_text(NULL, vmallocinfo), *line, *save = NULL;
	char seen[256][128];
	size_t nseen = 0, i, k, nc;
	uint64_t cand[64];
	unsigned long ok = 0, bad = 0, modules = 0;
	struct iow_buf b;

	if (!text) {
		printf("# %s: vmallocinfo callers: not checked here (%s not readable; the guest tests check it)\n", tag, vmallocinfo);
		return;
	}
	iow_buf_init(&b);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char range[64], caller[128], next[128] = "", name[128];
		unsigned long long off, size;
		int n = sscanf(line, "%63s %*s %127s %127s", range, caller, next);

		if (n < 2 || !strstr(caller, "+0x") || !strstr(caller, "/0x"))
			continue; /* no caller, or a raw address */
		if (n == 3 && next[0] == '[') {
			modules++;
			continue; /* a module's symbol: not the image's to name */
		}
		for (i = 0; i < nseen && strcmp(seen[i], caller) != 0; i++)
			;
		if (i < nseen || nseen == sizeof(seen) / sizeof(seen[0]))
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", caller);
		if (sscanf(caller, "%127[^+]+%llx/%llx", name, &off, &size) != 3) {
			bad++;
			printf("#   cannot parse %s\n", caller);
			continue;
		}
		nc = candidates(dbg, sysmap, name, cand, sizeof(cand) / sizeof(cand[0]));
		for (k = 0; k < nc; k++) {
			struct iow_error *err;

			iow_buf_reset(&b);
			err = iow_debuginfo_format_symbol(dbg, cand[k] + off, &b);
			iow_error_destroy(err);
			if (!err && strcmp(iow_buf_str(&b), caller) == 0)
				break;
		}
		if (k < nc) {
			ok++;
		} else {
			bad++;
			printf("#   guest printed %s, we print %s\n", caller,
			       nc ? iow_buf_str(&b) : "(no such symbol)");
		}
	}
	printf("# %s: %lu distinct image callers re-rendered, %lu differ (%lu module lines skipped)\n",
	       tag, ok, bad, modules);
	tap_ok(ok > 5 && bad == 0, "%s: every image caller in vmallocinfo renders as the guest's %%pS",
	       tag);
	iow_buf_fini(&b);
	free(text);
}

/* --- symbols and build ID against the guest ------------------------------- */

static void check_guest_symbols(struct iow_debuginfo *dbg, const char *truth, const char *tag)
{
	char *kaslr = read_text(truth, "kaslr_offset"), *text = read_text(truth, "kallsyms_text");
	char *line, *save = NULL, name[256], type;
	unsigned long long runtime, offset;
	unsigned long good = 0, bad = 0;

	if (!kaslr || !text) {
		printf("# %s: symbols vs the guest's kallsyms: not checked here (no guest truth given;"
		       " the guest tests check it)\n", tag);
		goto out;
	}
	offset = strtoull(kaslr, NULL, 0);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%llx %c %255s", &runtime, &type, name) != 3)
			continue;
		if (sym(dbg, name) + offset == runtime) {
			good++;
		} else {
			bad++;
			printf("#   %s: guest 0x%llx, vmlinux 0x%" PRIx64 " + kaslr 0x%llx\n", name,
			       runtime, sym(dbg, name), offset);
		}
	}
	tap_ok(good >= 3 && !bad, "%s: symbol addresses + KASLR offset = the guest's (%lu symbols)",
	       tag, good);
out:
	free(kaslr);
	free(text);
}

/* truth/notes is a hex dump of /sys/kernel/notes: find the GNU build ID. */
static void check_build_id(struct iow_debuginfo *dbg, const char *truth, const char *tag)
{
	char *dump = read_text(truth, "notes"), *p, *end;
	uint8_t bytes[4096];
	size_t n = 0, off = 0, len;
	const uint8_t *id = iow_debuginfo_build_id(dbg, &len);
	uint32_t namesz, descsz, ntype;
	bool found = false;

	tap_ok(id && len == 20, "%s: a 20-byte GNU build ID", tag);
	if (!dump) {
		printf("# %s: build ID equals the guest's: not checked here (no truth/notes; the guest tests check it)\n", tag);
		return;
	}
	for (p = dump; *p && n < sizeof(bytes);) {
		unsigned long v = strtoul(p, &end, 16);

		if (end == p) {
			p++;
			continue;
		}
		bytes[n++] = (uint8_t)v;
		p = end;
	}
	while (off + 12 <= n) {
		memcpy(&namesz, bytes + off, 4);
		memcpy(&descsz, bytes + off + 4, 4);
		memcpy(&ntype, bytes + off + 8, 4);
		if (namesz == 4 && ntype == 3 && off + 16 + descsz <= n &&
		    memcmp(bytes + off + 12, "GNU", 4) == 0) {
			found = id && descsz == len && memcmp(bytes + off + 16, id, len) == 0;
			break;
		}
		off += 12 + ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
	}
	tap_ok(found, "%s: build ID equals the one the guest's /sys/kernel/notes carries", tag);
	free(dump);
}

/* --- layouts ---------------------------------------------------------------- */

static void expect_member(struct iow_debuginfo *dbg, const char *st, const char *path,
			  const char *hint, uint64_t off, uint64_t size, const char *tag)
{
	struct iow_member m;
	struct iow_error *err = iow_debuginfo_member(dbg, st, path, hint, &m);

	if (!tap_ok(!err && m.offset == off && (size == UINT64_MAX || m.size == size),
		    "%s: %s.%s at %" PRIu64, tag, st, path, off)) {
		if (err)
			printf("#   %s\n", err->message);
		else
			printf("#   got offset %" PRIu64 " size %" PRIu64 "\n", m.offset, m.size);
	}
	iow_error_destroy(err);
}

static void expect_size(struct iow_debuginfo *dbg, const char *st, const char *hint,
			uint64_t want, const char *tag)
{
	uint64_t size = 0;
	struct iow_error *err = iow_debuginfo_struct_size(dbg, st, hint, &size);

	if (!tap_ok(!err && size == want, "%s: sizeof(struct %s) == %" PRIu64, tag, st, want))
		printf("#   %s%" PRIu64 "\n", err ? err->message : "got ", size);
	iow_error_destroy(err);
}

static struct iow_member member_or_zero(struct iow_debuginfo *dbg, const char *st,
					const char *path, const char *hint)
{
	struct iow_member m;
	struct iow_error *err = iow_debuginfo_member(dbg, st, path, hint, &m);

	if (err) {
		printf("#   %s\n", err->message);
		memset(&m, 0, sizeof(m));
	}
	iow_error_destroy(err);
	return m;
}

/* KERNEL-AND-PEERS.md 1.4 (include/linux/ioport.h), hand-computed there */
static void check_resource(struct iow_debuginfo *dbg, const char *tag)
{
	static const struct { const char *m; uint64_t off; } r[] = {
		{ "start", 0 }, { "end", 8 }, { "name", 16 }, { "flags", 24 },
		{ "desc", 32 }, { "parent", 40 }, { "sibling", 48 }, { "child", 56 },
	};
	size_t i;

	expect_size(dbg, "resource", "__request_region", 64, tag);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		expect_member(dbg, "resource", r[i].m, "__request_region", r[i].off, 8, tag);
}

/* KERNEL-AND-PEERS.md 2.1 (include/linux/vmalloc.h, mm/vmalloc.c) */
static void check_vmalloc(struct iow_debuginfo *dbg, bool is612, const char *tag)
{
	struct iow_member busy, head, pool, m;
	struct iow_variable v;
	struct iow_error *err;
	uint64_t size = 0, single_addr = 0, single_size = 0;

	expect_member(dbg, "vm_struct", "next", "vfree", 0, 8, tag);
	expect_member(dbg, "vm_struct", "addr", "vfree", 8, 8, tag);
	expect_member(dbg, "vm_struct", "size", "vfree", 16, 8, tag);
	expect_member(dbg, "vm_struct", "flags", "vfree", 24, 8, tag);
	expect_member(dbg, "vm_struct", "pages", "vfree", 32, 8, tag);
	expect_member(dbg, "vm_struct", "page_order", "vfree", 40, 4, tag);
	expect_member(dbg, "vm_struct", "nr_pages", "vfree", 44, 4, tag);
	expect_member(dbg, "vm_struct", "phys_addr", "vfree", 48, 8, tag);
	expect_member(dbg, "vm_struct", "caller", "vfree", 56, 8, tag);
	tap_ok(iow_debuginfo_has_member(dbg, "vm_struct", "requested_size", "vfree") == is612,
	       "%s: vm_struct.requested_size %s", tag, is612 ? "present" : "absent");
	if (is612)
		expect_member(dbg, "vm_struct", "requested_size", "vfree", 64, 8, tag);

	expect_member(dbg, "vmap_area", "va_start", "vfree", 0, 8, tag);
	expect_member(dbg, "vmap_area", "va_end", "vfree", 8, 8, tag);
	expect_member(dbg, "vmap_area", "rb_node", "vfree", 16, 24, tag);
	expect_member(dbg, "vmap_area", "list", "vfree", 40, 16, tag);
	expect_member(dbg, "vmap_area", "list.next", "vfree", 40, 8, tag);
	expect_member(dbg, "vmap_area", "vm", "vfree", 56, 8, tag); /* in an anonymous union */
	expect_member(dbg, "vmap_area", "subtree_max_size", "vfree", 56, 8, tag);
	/* 6.12: "mark type of vm_map_ram area" (mm/vmalloc.c) */
	tap_ok(iow_debuginfo_has_member(dbg, "vmap_area", "flags", "vfree") == is612,
	       "%s: vmap_area.flags %s", tag, is612 ? "present" : "absent");
	if (is612)
		expect_member(dbg, "vmap_area", "flags", "vfree", 64, 8, tag);

	if (!is612) {
		tap_ok(!iow_debuginfo_has_member(dbg, "vmap_node", "busy", "vfree"),
		       "%s: no struct vmap_node before 6.9", tag);
		err = iow_debuginfo_variable_info(dbg, "vmap_area_list", "vfree", &v);
		tap_ok(!err && v.addr == sym(dbg, "vmap_area_list") && v.size == 16,
		       "%s: vmap_area_list at its symbol, a 16-byte list_head", tag);
		iow_error_destroy(err);
		return;
	}
	/* 6.12: static struct vmap_node, only in mm/vmalloc.c */
	busy = member_or_zero(dbg, "vmap_node", "busy", "vfree");
	head = member_or_zero(dbg, "vmap_node", "busy.head", "vfree");
	pool = member_or_zero(dbg, "vmap_node", "pool", "vfree");
	m = member_or_zero(dbg, "rb_list", "head", "vfree");
	printf("# %s: vmap_node.busy at %" PRIu64 ", busy.head at %" PRIu64 "\n", tag, busy.offset,
	       head.offset);
	tap_ok(head.offset > 6144 && head.offset == busy.offset + m.offset && head.size == 16,
	       "%s: vmap_node.busy.head past pool[256] (> 6 KiB), = busy + rb_list.head", tag);
	if (!tap_ok(pool.offset == 0 && pool.count == 256 && pool.elem_size == 24 &&
		    pool.size == 256 * 24, "%s: vmap_node.pool is 256 x 24 bytes", tag))
		printf("#   offset %" PRIu64 " size %" PRIu64 " count %" PRIu64 " x %" PRIu64 "\n",
		       pool.offset, pool.size, pool.count, pool.elem_size);
	m = member_or_zero(dbg, "vmap_node", "pool[255].len", "vfree");
	tap_is_int(m.offset, 255 * 24 + 16, "vmap_node.pool[255].len through an array index");
	/* the kernel's own `single` is one struct vmap_node: the ELF says how big */
	err = iow_debuginfo_symbol(dbg, "single", &single_addr, &single_size);
	iow_error_destroy(err);
	err = iow_debuginfo_struct_size(dbg, "vmap_node", "vfree", &size);
	tap_ok(!err && size == single_size && size > head.offset,
	       "%s: sizeof(struct vmap_node) == st_size of `single` (%" PRIu64 ")", tag, single_size);
	iow_error_destroy(err);
	err = iow_debuginfo_variable_info(dbg, "vmap_nodes", "vfree", &v);
	tap_ok(!err && v.addr == sym(dbg, "vmap_nodes") && v.size == 8,
	       "%s: vmap_nodes (static) at its symbol, a pointer", tag);
	printf("# %s: vmap_nodes address from %s\n", tag, v.from_dwarf ? "DW_AT_location" : "the ELF symbol");
	iow_error_destroy(err);
	err = iow_debuginfo_variable_info(dbg, "nr_vmap_nodes", "vfree", &v);
	tap_ok(!err && v.addr == sym(dbg, "nr_vmap_nodes") && v.size == 4,
	       "%s: nr_vmap_nodes (static) at its symbol, an unsigned int", tag);
	printf("# %s: nr_vmap_nodes address from %s\n", tag, v.from_dwarf ? "DW_AT_location" : "the ELF symbol");
	iow_error_destroy(err);
	tap_ok(!iow_debuginfo_has_symbol(dbg, "vmap_area_list"), "%s: no vmap_area_list since 6.9",
	       tag);
}

/* KERNEL-AND-PEERS.md 3.6 (arch/x86/mm/pat/memtype.h) */
static void check_memtype(struct iow_debuginfo *dbg, const char *tag)
{
	struct iow_variable v;
	struct iow_error *err;

	expect_size(dbg, "memtype", "memtype_check_insert", 56, tag);
	expect_member(dbg, "memtype", "start", "memtype_check_insert", 0, 8, tag);
	expect_member(dbg, "memtype", "end", "memtype_check_insert", 8, 8, tag);
	expect_member(dbg, "memtype", "subtree_max_end", "memtype_check_insert", 16, 8, tag);
	expect_member(dbg, "memtype", "type", "memtype_check_insert", 24, 4, tag);
	expect_member(dbg, "memtype", "rb", "memtype_check_insert", 32, 24, tag);
	err = iow_debuginfo_variable_info(dbg, "memtype_rbroot", "memtype_check_insert", &v);
	tap_ok(!err && v.from_dwarf && v.addr == sym(dbg, "memtype_rbroot") && v.size == 16,
	       "%s: memtype_rbroot (static) from DW_AT_location, an rb_root_cached", tag);
	iow_error_destroy(err);
	/* static uint8_t __pte2cachemode_tbl[8] (arch/x86/mm/init.c) */
	err = iow_debuginfo_variable_info(dbg, "__pte2cachemode_tbl", "update_cache_mode_entry", &v);
	tap_ok(!err && v.from_dwarf && v.addr == sym(dbg, "__pte2cachemode_tbl") && v.count == 8 &&
	       v.elem_size == 1, "%s: __pte2cachemode_tbl (static) is uint8_t[8]", tag);
	iow_error_destroy(err);
}

static void check_module(struct iow_debuginfo *dbg, bool is612, const char *tag)
{
	struct iow_member mem, m1, lay, base, size;
	int64_t n = -1;
	uint64_t msize = 0;
	struct iow_error *err;

	if (!is612) {
		/* 6.1 include/linux/module.h: struct module_layout core_layout,
		 * struct mod_kallsyms __rcu *kallsyms */
		lay = member_or_zero(dbg, "module", "core_layout", "load_module");
		base = member_or_zero(dbg, "module", "core_layout.base", "load_module");
		size = member_or_zero(dbg, "module", "core_layout.size", "load_module");
		tap_ok(lay.offset && base.offset == lay.offset && base.size == 8 &&
		       size.offset == lay.offset + 8 && size.size == 4,
		       "%s: module.core_layout {base, size} at %" PRIu64, tag, lay.offset);
		m1 = member_or_zero(dbg, "module", "kallsyms", "load_module");
		tap_ok(m1.offset && m1.size == 8, "%s: module.kallsyms is a pointer at %" PRIu64, tag,
		       m1.offset);
		expect_member(dbg, "mod_kallsyms", "symtab", "load_module", 0, 8, tag);
		expect_member(dbg, "mod_kallsyms", "num_symtab", "load_module", 8, 4, tag);
		expect_member(dbg, "mod_kallsyms", "strtab", "load_module", 16, 8, tag);
		expect_member(dbg, "mod_kallsyms", "typetab", "load_module", 24, 8, tag);
		tap_ok(!iow_debuginfo_has_member(dbg, "module", "mem", "load_module"),
		       "%s: no module.mem before 6.4", tag);
		return;
	}
	/* 6.12 include/linux/module.h: struct module_memory mem[MOD_MEM_NUM_TYPES] */
	mem = member_or_zero(dbg, "module", "mem", "load_module");
	m1 = member_or_zero(dbg, "module", "mem[1].size", "load_module");
	err = iow_debuginfo_enum_value(dbg, "MOD_MEM_NUM_TYPES", "load_module", &n);
	iow_error_destroy(err);
	iow_error_destroy(iow_debuginfo_struct_size(dbg, "module_memory", "load_module", &msize));
	printf("# %s: module.mem at %" PRIu64 ": %" PRIu64 " x %" PRIu64 " bytes\n", tag, mem.offset,
	       mem.count, mem.elem_size);
	tap_ok(mem.offset && (int64_t)mem.count == n && mem.elem_size == msize && msize,
	       "%s: module.mem has MOD_MEM_NUM_TYPES (%" PRId64 ") struct module_memory", tag, n);
	tap_ok(m1.offset == mem.offset + msize + 8, "%s: module.mem[1].size", tag);
	expect_member(dbg, "module_memory", "base", "load_module", 0, 8, tag);
	expect_member(dbg, "module_memory", "size", "load_module", 8, 4, tag);
	tap_ok(!iow_debuginfo_has_member(dbg, "module", "core_layout", "load_module"),
	       "%s: no module.core_layout since 6.4", tag);
	expect_member(dbg, "mod_kallsyms", "symtab", "load_module", 0, 8, tag);
	expect_member(dbg, "mod_kallsyms", "num_symtab", "load_module", 8, 4, tag);
}

static void check_enums_and_variables(struct iow_debuginfo *dbg, bool is612, const char *tag)
{
	/* The RAM memtype bit: PG_uncached in 6.1, PG_arch_2 in 6.12
	 * (arch/x86/mm/pat/memtype.c _PGMT_UC_MINUS) */
	const char *flag = is612 ? "PG_arch_2" : "PG_uncached";
	int64_t v = -1, v2 = -1, arch1 = -1;
	struct iow_error *err;
	struct iow_variable var;
	static const struct { const char *name, *hint; uint64_t size; bool dwarf; } vars[] = {
		/* arch/x86/kernel/head64.c */
		{ "page_offset_base", "x86_64_start_kernel", 8, true },
		{ "vmalloc_base", "x86_64_start_kernel", 8, true },
		{ "vmemmap_base", "x86_64_start_kernel", 8, true },
		/* arch/x86/mm/pgtable.c */
		{ "physical_mask", "pgd_alloc", 8, true },
		{ "iomem_resource", "__request_region", 64, true },
		/* asm-defined (arch/x86/kernel/head_64.S): the ELF symbol */
		{ "phys_base", "memtype_reserve", 8, false },
		{ "init_top_pgt", "memtype_reserve", 8192, false },
	};
	size_t i;

	err = iow_debuginfo_enum_value(dbg, flag, "memtype_reserve", &v);
	tap_ok(!err && v > 0 && v < 64, "%s: enum pageflags %s = %" PRId64, tag, flag, v);
	iow_error_destroy(err);
	err = iow_debuginfo_enum_value(dbg, "PG_arch_1", "memtype_reserve", &arch1);
	tap_ok(!err && arch1 > 0 && arch1 < v, "%s: PG_arch_1 = %" PRId64 " comes before it", tag,
	       arch1);
	iow_error_destroy(err);
	err = iow_debuginfo_enum_value(dbg, flag, NULL, &v2);
	tap_ok(!err && v2 == v, "%s: %s found the same without a hint", tag, flag);
	iow_error_destroy(err);
	/* the presence probe the walkers use: within enum pageflags (6.1 has
	 * PG_arch_2 too, for CONFIG_64BIT: only PG_uncached tells them apart) */
	err = iow_debuginfo_enumerator(dbg, "pageflags", is612 ? "PG_uncached" : "PG_no_such_flag",
				       "memtype_reserve", &v2);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND, "%s: enum pageflags lacks %s", tag,
	       is612 ? "PG_uncached" : "PG_no_such_flag");
	iow_error_destroy(err);
	err = iow_debuginfo_enumerator(dbg, "pageflags", flag, "memtype_reserve", &v2);
	tap_ok(!err && v2 == v, "%s: pageflags.%s = %" PRId64, tag, flag, v2);
	iow_error_destroy(err);
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		memset(&var, 0, sizeof(var));
		err = iow_debuginfo_variable_info(dbg, vars[i].name, vars[i].hint, &var);
		if (!tap_ok(!err && var.addr == sym(dbg, vars[i].name) && var.size == vars[i].size &&
			    (!vars[i].dwarf || var.from_dwarf),
			    "%s: variable %s", tag, vars[i].name))
			printf("#   %s addr 0x%" PRIx64 " (symbol 0x%" PRIx64 ") size %" PRIu64
			       " from %s\n", err ? err->message : "", var.addr, sym(dbg, vars[i].name),
			       var.size, var.from_dwarf ? "DWARF" : "ELF");
		iow_error_destroy(err);
	}
}

/* The slow path, timed: a fresh handle and no hint. */
static void check_no_hint(const char *path, bool is612, const char *tag)
{
	struct iow_debuginfo *dbg = NULL;
	struct iow_error *err;
	struct timespec t0;
	uint64_t a = 0, b = 0;
	const char *st = is612 ? "vmap_node" : "vmap_area";

	err = iow_debuginfo_open(path, &dbg);
	iow_error_destroy(err);
	if (!dbg)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = iow_debuginfo_struct_size(dbg, st, NULL, &a);
	printf("# %s: struct %s without a hint: %.1f ms, %" PRIu64 " CUs searched\n", tag, st,
	       ms_since(&t0), iow_debuginfo_get_stats(dbg)->cus_searched);
	iow_error_destroy(err);
	err = iow_debuginfo_struct_size(dbg, st, "no_such_function_at_all", &b);
	iow_error_destroy(err);
	tap_ok(a && a == b, "%s: struct %s found without a (usable) hint", tag, st);
	iow_debuginfo_destroy(dbg);
}

static void test_kernel(const char *tag, const char *vmlinux, const char *truth,
			const char *vmallocinfo, bool is612)
{
	struct iow_debuginfo *dbg = NULL;
	struct iow_error *err;
	struct timespec t0;
	char vpath[4096], mpath[4096], *sysmap, *slash;
	const struct iow_debuginfo_stats *st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = iow_debuginfo_open(vmlinux, &dbg);
	if (!tap_ok(!err, "%s: open %s", tag, vmlinux)) {
		printf("#   %s\n", err->message);
		iow_error_destroy(err);
		return;
	}
	printf("# %s: opened in %.1f ms\n", tag, ms_since(&t0));
	snprintf(mpath, sizeof(mpath), "%s", vmlinux);
	slash = strrchr(mpath, '/');
	snprintf(slash ? slash + 1 : mpath, sizeof(mpath) - (size_t)(slash ? slash + 1 - mpath : 0),
		 "System.map");
	sysmap = read_text(NULL, mpath);

	check_build_id(dbg, truth, tag);
	check_guest_symbols(dbg, truth, tag);
	check_kallsyms(dbg, vmlinux, tag);
	if (!vmallocinfo && truth) {
		snprintf(vpath, sizeof(vpath), "%s/vmallocinfo", truth);
		vmallocinfo = vpath;
	}
	if (vmallocinfo)
		check_vmallocinfo(dbg, vmallocinfo, sysmap, tag);
	else
		printf("# %s: vmallocinfo callers: not checked here (no vmallocinfo given; the guest tests check it)\n", tag);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	check_resource(dbg, tag);
	check_vmalloc(dbg, is612, tag);
	check_memtype(dbg, tag);
	check_module(dbg, is612, tag);
	check_enums_and_variables(dbg, is612, tag);
	st = iow_debuginfo_get_stats(dbg);
	printf("# %s: layout checks %.1f ms; %" PRIu64 " lookups, %" PRIu64 " cached, %" PRIu64
	       " in the hint's CU, %" PRIu64 " full scans, %" PRIu64 " CUs, %" PRIu64 " DIEs\n",
	       tag, ms_since(&t0), st->type_lookups, st->cache_hits, st->hint_hits, st->full_scans,
	       st->cus_searched, st->dies_visited);
	iow_debuginfo_destroy(dbg);
	free(sysmap);

	check_no_hint(vmlinux, is612, tag);
}

int main(void)
{
	const char *v61 = getenv("IOW_TEST_VMLINUX_61"), *v612 = getenv("IOW_TEST_VMLINUX_612");
	int status;

	/* the lookups themselves are tested here: not the on-disk index's answers */
	setenv("IOW_INDEX_DIR", "off", 1);
	if (!tap_have_kernels(&status))
		return status;
	if (v61 && *v61)
		test_kernel("6.1", v61, getenv("IOW_TEST_TRUTH_61"), getenv("IOW_TEST_VMALLOCINFO_61"),
			    false);
	if (v612 && *v612)
		test_kernel("6.12", v612, getenv("IOW_TEST_TRUTH_612"),
			    getenv("IOW_TEST_VMALLOCINFO_612"), true);
	return tap_done();
}
