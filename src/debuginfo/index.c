/* debuginfo: the on-disk index of a vmlinux's answers, keyed by build ID.
 *
 * A command asks a vmlinux a few dozen things (symbols, struct sizes,
 * member offsets, enumerators, variables) and, for %pS, the kallsyms table.
 * Working them out costs more than the walk itself: hashing the 120,000-
 * 190,000 ELF symbols (30-40 ms), libdw's pass over every CU header before
 * the first DWARF lookup (15-20 ms), sorting the kallsyms table (35-60 ms).
 * The answers depend only on the file, and a build ID names the file's
 * contents, so they are kept in
 *
 *   $IOW_INDEX_DIR, else $XDG_CACHE_HOME/iomem-walk/index, else
 *   ~/.cache/iomem-walk/index  /  <build ID in hex>.idx
 *
 * read at open, and written back (a new file renamed into place) when the
 * handle is destroyed if anything was added.  IOW_INDEX_DIR=off (or empty)
 * turns it off.  It is a cache: a file that is missing, unreadable, of
 * another version or not entirely well-formed is ignored (and replaced);
 * only found answers and "not there" answers are kept, never an error of
 * the file or of memory.  Names in the kallsyms table are offsets into the
 * vmlinux's own .strtab, checked against its size.
 *
 * Layout (host byte order, checked by the endianness word):
 *   header: magic "IOWIDX1\n", u32 0x01020304, u32 version, u32 build ID
 *           length, u8[64] build ID, u64 .strtab size, u64 DWARF size
 *           (.debug_info's, 0 without DWARF), u64 answers, u64
 *           answer bytes, u64 kallsyms count (UINT64_MAX: none), then the
 *           kallsyms header: u64 stext etext sinittext einittext end,
 *           i64 file_count, u32 all_symbols, u32 lists_itself
 *   answers: each u32 key length, u32 message length, i32 code, u32 0,
 *            u64[6] values, key bytes, message bytes
 *   kallsyms: u64 addresses[count], u32 name offsets[count]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo/internal.h"

#define INDEX_MAGIC "IOWIDX1\n"
#define INDEX_VERSION 1u
#define INDEX_ENDIAN 0x01020304u
#define INDEX_MAX_FILE ((size_t)64 << 20) /* a kernel's is ~2 MB */

struct entry {
	struct iow_key key; /* first: see internal.h */
	uint32_t msglen;
	int32_t code;
	uint64_t v[IOW_INDEX_VALUES];
	char *msg;  /* msglen bytes and a NUL, or NULL */
};

struct header {
	char magic[8];
	uint32_t endian, version, build_id_len;
	uint8_t build_id[64];
	uint64_t strtab_size, dwarf_size, answers, answer_bytes, ksyms_count;
	uint64_t stext, etext, sinittext, einittext, end;
	int64_t file_count;
	uint32_t all_symbols, lists_itself;
};

struct record {
	uint32_t keylen, msglen;
	int32_t code;
	uint32_t zero;
	uint64_t v[IOW_INDEX_VALUES];
};

static void entry_free(void *p)
{
	struct entry *e = p;

	if (e)
		free(e->msg);
	free(e);
}

/* The directory, or NULL when the index is off or there is no home. */
static char *index_dir(void)
{
	const char *d = getenv("IOW_INDEX_DIR"), *base;
	char *out;

	if (d)
		return *d && strcmp(d, "off") ? strdup(d) : NULL;
	if ((base = getenv("XDG_CACHE_HOME")) && *base) {
		if (asprintf(&out, "%s/iomem-walk/index", base) < 0)
			return NULL;
	} else if ((base = getenv("HOME")) && *base) {
		if (asprintf(&out, "%s/.cache/iomem-walk/index", base) < 0)
			return NULL;
	} else {
		return NULL;
	}
	return out;
}

static char *index_path(struct iow_debuginfo *dbg, const char *dir)
{
	char hex[2 * 64 + 1];
	char *out;
	size_t i;

	for (i = 0; i < dbg->build_id_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", dbg->build_id[i]);
	hex[2 * dbg->build_id_len] = '\0';
	if (asprintf(&out, "%s/%s.idx", dir, hex) < 0)
		return NULL;
	return out;
}

static bool ensure_table(struct iow_debuginfo *dbg)
{
	if (!dbg->index)
		dbg->index = iow_keytab_create(64, entry_free);
	return dbg->index != NULL;
}

/* The size of .strtab (the symbol table's), without loading the symbols. */
static bool strtab_of(struct iow_debuginfo *dbg, const char **base, uint64_t *size)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	Elf_Data *data;

	if (dbg->strtab) {
		*base = dbg->strtab;
		*size = dbg->strtab_size;
		return true;
	}
	while ((scn = elf_nextscn(dbg->elf, scn)))
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			break;
	if (!scn || !(data = elf_getdata(elf_getscn(dbg->elf, shdr.sh_link), NULL)) ||
	    !data->d_size || ((const char *)data->d_buf)[data->d_size - 1] != '\0')
		return false;
	dbg->strtab = data->d_buf;
	dbg->strtab_size = data->d_size;
	*base = dbg->strtab;
	*size = dbg->strtab_size;
	return true;
}

/* The size of .debug_info, 0 if the file has no DWARF: a stripped vmlinux
 * keeps the build ID of the one it came from, but not its answers. */
static uint64_t dwarf_size(struct iow_debuginfo *dbg)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	const char *name;
	size_t shstrndx;

	if (!dbg->dwarf || elf_getshdrstrndx(dbg->elf, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(dbg->elf, scn)))
		if (gelf_getshdr(scn, &shdr) &&
		    (name = elf_strptr(dbg->elf, shstrndx, shdr.sh_name)) &&
		    strcmp(name, ".debug_info") == 0)
			return shdr.sh_size;
	return 0;
}

/* Take the answers and the kallsyms table from BUF (LEN bytes); false,
 * taking nothing, unless all of it is well-formed and for this file. */
static bool parse(struct iow_debuginfo *dbg, const uint8_t *buf, size_t len)
{
	struct header h;
	const uint8_t *p, *end = buf + len;
	const char *strtab;
	uint64_t strsize, i, nk;
	htab_t table;

	if (len < sizeof(h))
		return false;
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, INDEX_MAGIC, 8) || h.endian != INDEX_ENDIAN ||
	    h.version != INDEX_VERSION || h.build_id_len != dbg->build_id_len ||
	    h.build_id_len > sizeof(h.build_id) ||
	    memcmp(h.build_id, dbg->build_id, dbg->build_id_len) ||
	    !strtab_of(dbg, &strtab, &strsize) || h.strtab_size != strsize ||
	    h.dwarf_size != dwarf_size(dbg) ||
	    h.answer_bytes > len - sizeof(h) ||
	    h.answers > h.answer_bytes / sizeof(struct record)) /* (libiberty aborts on a huge table) */
		return false;
	table = iow_keytab_create(h.answers + 16, entry_free);
	if (!table)
		return false;
	p = buf + sizeof(h);
	for (i = 0; i < h.answers; i++) {
		struct record r;
		struct entry *e;
		bool inserted;

		if ((size_t)(end - p) < sizeof(r))
			goto bad;
		memcpy(&r, p, sizeof(r));
		p += sizeof(r);
		if (r.keylen < 2 || r.zero || (uint64_t)(end - p) < (uint64_t)r.keylen + r.msglen ||
		    p[r.keylen - 1] != '\0' || (r.code != 0) != (r.msglen != 0) ||
		    (r.code != 0 && r.code != IOW_ERR_NOTFOUND))
			goto bad;
		if (!(e = iow_key_entry_raw(sizeof(*e), p, r.keylen)))
			goto bad;
		e->msglen = r.msglen;
		e->code = r.code;
		memcpy(e->v, r.v, sizeof(e->v));
		p += r.keylen;
		if (r.msglen) {
			if (!(e->msg = malloc(r.msglen + 1))) {
				entry_free(e);
				goto bad;
			}
			memcpy(e->msg, p, r.msglen);
			e->msg[r.msglen] = '\0';
			p += r.msglen;
		}
		if (!iow_keytab_insert(table, e, &inserted) || !inserted)
			goto bad;
	}
	if ((size_t)(p - (buf + sizeof(h))) != h.answer_bytes)
		goto bad;
	nk = h.ksyms_count;
	/* the kallsyms table: its size checked now, its contents when taken */
	if (nk != UINT64_MAX ? nk > UINT32_MAX || (uint64_t)(end - p) != nk * 12 : p != end)
		goto bad;
	if (dbg->index)
		htab_delete(dbg->index);
	dbg->index = table;
	if (nk != UINT64_MAX) {
		struct iow_ksyms *k = &dbg->index_ksyms_hdr;

		memset(k, 0, sizeof(*k));
		k->count = nk;
		k->stext = h.stext;
		k->etext = h.etext;
		k->sinittext = h.sinittext;
		k->einittext = h.einittext;
		k->end = h.end;
		k->file_count = h.file_count;
		k->all_symbols = h.all_symbols != 0;
		k->lists_itself = h.lists_itself != 0;
		dbg->index_ksyms = p;
	}
	return true;
bad:
	htab_delete(table);
	return false;
}

bool iow_index_take_ksyms(struct iow_debuginfo *dbg)
{
	const struct iow_ksyms *h = &dbg->index_ksyms_hdr;
	const uint8_t *p = dbg->index_ksyms;
	uint64_t *addrs = NULL;
	uint32_t *names = NULL;
	const char *strtab;
	uint64_t strsize;
	size_t i, nk = h->count;

	if (!p)
		return false;
	dbg->index_ksyms = NULL;
	if (!strtab_of(dbg, &strtab, &strsize) || !(addrs = malloc((nk ? nk : 1) * 8)) ||
	    !(names = malloc((nk ? nk : 1) * 4)))
		goto bad;
	memcpy(addrs, p, nk * 8);
	memcpy(names, p + nk * 8, nk * 4);
	for (i = 0; i < nk; i++)
		if (names[i] >= strsize || (i && addrs[i] < addrs[i - 1]))
			goto bad;
	dbg->ksyms = *h;
	dbg->ksyms.addrs = addrs;
	dbg->ksyms.names = names;
	dbg->ksyms_tried = true;
	dbg->ksyms_from_index = true;
	return true;
bad:
	free(addrs);
	free(names);
	return false;
}

void iow_index_load(struct iow_debuginfo *dbg)
{
	char *dir, *path = NULL;
	void *map = MAP_FAILED;
	struct stat st;
	uint64_t t0 = iow_debuginfo_now_ns();
	int fd = -1;

	if (!dbg->build_id_len || dbg->build_id_len > 64 || !(dir = index_dir()))
		return;
	dbg->index_on = true;
	path = index_path(dbg, dir);
	free(dir);
	/* mapped, not read: the kallsyms table, most of the file, is only
	 * copied when a command needs it (iow_index_take_ksyms) */
	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0 ||
	    !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > INDEX_MAX_FILE ||
	    (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
		goto out;
	dbg->stats.index_loaded = parse(dbg, map, (size_t)st.st_size);
	if (dbg->index_ksyms) {
		dbg->index_map = map;
		dbg->index_map_len = (size_t)st.st_size;
		map = MAP_FAILED;
	}
out:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	free(path);
	dbg->stats.ns_index += iow_debuginfo_now_ns() - t0;
}

bool iow_index_get(struct iow_debuginfo *dbg, char kind, const char *a, const char *b,
		   const char *c, uint64_t v[IOW_INDEX_VALUES], struct iow_error **err)
{
	struct entry *e = iow_keytab_find(dbg->index, kind, a, b, c);

	if (!e)
		return false;
	dbg->stats.index_hits++;
	memcpy(v, e->v, sizeof(e->v));
	*err = e->code ? iow_error_create(e->code, "%s", e->msg ? e->msg : "") : NULL;
	return true;
}

void iow_index_put(struct iow_debuginfo *dbg, char kind, const char *a, const char *b,
		   const char *c, const uint64_t v[IOW_INDEX_VALUES], const struct iow_error *err)
{
	struct entry *e;
	bool inserted;

	if (!dbg->index_on || (err && (err == &iow_error_nomem || err->code != IOW_ERR_NOTFOUND)) ||
	    !ensure_table(dbg) || !(e = iow_key_entry(sizeof(*e), kind, a, b, c)))
		return;
	if (err) {
		size_t n = strlen(err->message);

		e->code = err->code;
		e->msglen = (uint32_t)(n ? n : 1);
		if (!(e->msg = strdup(n ? err->message : "?"))) {
			entry_free(e);
			return;
		}
	} else {
		memcpy(e->v, v, sizeof(e->v));
	}
	iow_keytab_insert(dbg->index, e, &inserted);
	if (inserted)
		dbg->index_dirty = true;
}

struct writer {
	FILE *f;
	uint64_t count, bytes;
	bool ok;
};

static int write_entry(void **slot, void *arg)
{
	const struct entry *e = *slot;
	struct writer *w = arg;
	struct record r = { e->key.len, e->msglen, e->code, 0, { 0 } };

	memcpy(r.v, e->v, sizeof(r.v));
	if (fwrite(&r, sizeof(r), 1, w->f) != 1 || fwrite(e->key.bytes, e->key.len, 1, w->f) != 1 ||
	    (e->msglen && fwrite(e->msg, e->msglen, 1, w->f) != 1))
		w->ok = false;
	w->count++;
	w->bytes += sizeof(r) + e->key.len + e->msglen;
	return w->ok;
}

void iow_index_save(struct iow_debuginfo *dbg)
{
	const struct iow_ksyms *k = &dbg->ksyms;
	bool ksyms = dbg->ksyms_tried && !dbg->ksyms_err && k->addrs;
	struct header h;
	struct writer w = { NULL, 0, 0, true };
	char *dir = NULL, *path = NULL, *tmp = NULL;
	const char *strtab;
	uint64_t t0 = iow_debuginfo_now_ns(), strsize;
	int fd;

	memset(&h, 0, sizeof(h)); /* padding too: the file is written as it is */
	if (dbg->index_dirty && iow_index_take_ksyms(dbg)) /* rewritten: keep the table */
		ksyms = true;
	if (!dbg->index_on || !(dbg->index_dirty || (ksyms && !dbg->ksyms_from_index)) ||
	    !strtab_of(dbg, &strtab, &strsize) || !(dir = index_dir()))
		goto out;
	/* the directory, and its parents under the cache (0700: it is the user's) */
	{
		char *s;

		for (s = dir + 1; *s; s++)
			if (*s == '/') {
				*s = '\0';
				mkdir(dir, 0700);
				*s = '/';
			}
		mkdir(dir, 0700);
	}
	if (!(path = index_path(dbg, dir)) || asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		goto out;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (!(w.f = fdopen(fd, "wb"))) {
		close(fd);
		goto out_unlink;
	}
	memcpy(h.magic, INDEX_MAGIC, 8);
	h.strtab_size = strsize;
	h.dwarf_size = dwarf_size(dbg);
	h.endian = INDEX_ENDIAN;
	h.version = INDEX_VERSION;
	h.build_id_len = (uint32_t)dbg->build_id_len;
	memcpy(h.build_id, dbg->build_id, dbg->build_id_len);
	h.answers = h.answer_bytes = 0;
	h.ksyms_count = ksyms ? k->count : UINT64_MAX;
	h.stext = k->stext, h.etext = k->etext, h.sinittext = k->sinittext;
	h.einittext = k->einittext, h.end = k->end, h.file_count = k->file_count;
	h.all_symbols = k->all_symbols, h.lists_itself = k->lists_itself;
	/* the header again once the answers are counted */
	if (fwrite(&h, sizeof(h), 1, w.f) != 1)
		goto out_close;
	if (dbg->index)
		htab_traverse_noresize(dbg->index, write_entry, &w);
	if (!w.ok || (ksyms && (fwrite(k->addrs, 8, k->count, w.f) != k->count ||
				fwrite(k->names, 4, k->count, w.f) != k->count)))
		goto out_close;
	h.answers = w.count;
	h.answer_bytes = w.bytes;
	if (fseek(w.f, 0, SEEK_SET) != 0 || fwrite(&h, sizeof(h), 1, w.f) != 1)
		goto out_close;
	if (fclose(w.f) != 0) {
		w.f = NULL;
		goto out_unlink;
	}
	w.f = NULL;
	if (rename(tmp, path) == 0) {
		dbg->index_dirty = false;
		dbg->ksyms_from_index = ksyms;
		goto out;
	}
out_close:
	if (w.f)
		fclose(w.f);
out_unlink:
	unlink(tmp);
out:
	free(tmp);
	free(path);
	free(dir);
	dbg->stats.ns_index += iow_debuginfo_now_ns() - t0;
}

void iow_index_free(struct iow_debuginfo *dbg)
{
	if (dbg->index)
		htab_delete(dbg->index);
	dbg->index = NULL;
	if (dbg->index_map)
		munmap(dbg->index_map, dbg->index_map_len);
	dbg->index_map = NULL;
	dbg->index_ksyms = NULL;
}
