/* The on-disk index of a vmlinux's answers (src/debuginfo/index.c), on the
 * rig's kernels (IOW_TEST_VMLINUX_61, IOW_TEST_VMLINUX_612):
 * - a first open works everything out and writes the index; a second one
 *   reads it and gives the same answers (symbols, struct sizes, members,
 *   enumerators, variables, "not there", %pS, the kallsyms table) without
 *   loading the symbol table or searching any CU;
 * - an index that is cut short, of another file, or whose contents are out
 *   of bounds (a count, a length) is ignored (the answers are worked out
 *   again, and the same) and replaced; a kallsyms table out of bounds (a
 *   name, an order), found when it is taken, is built again and replaced;
 * - IOW_INDEX_DIR=off writes nothing; XDG_CACHE_HOME is honoured; a
 *   directory that cannot be written costs nothing but the index.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo/debuginfo.h"
#include "tap.h"
#include "util/buf.h"

/* Every question, and its answer as one line. */
static void ask(struct iow_debuginfo *dbg, struct iow_buf *out)
{
	static const char *const syms[] = { "iomem_resource", "ioport_resource", "phys_base",
					    "__request_region", "iow_no_such_symbol" };
	static const char *const members[] = { "start", "end", "name", "flags", "desc",
					       "child", "sibling", "no_such_member" };
	static const char *const pcs[] = { "iomem_resource", "__request_region" };
	struct iow_kallsyms_info ki;
	struct iow_variable var;
	struct iow_member m;
	struct iow_error *err;
	uint64_t a = 0, s = 0;
	int64_t v = 0;
	size_t i;

#define ANSWER(e, ...)                                                                   \
	do {                                                                             \
		struct iow_error *e_ = (e);                                              \
		if (e_)                                                                  \
			iow_buf_printf(out, "error %d: %s\n", e_->code, e_->message);  \
		else                                                                     \
			iow_buf_printf(out, __VA_ARGS__);                                \
		iow_error_destroy(e_);                                                   \
	} while (0)
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		ANSWER(iow_debuginfo_symbol(dbg, syms[i], &a, &s), "sym %s %" PRIx64 " %" PRIu64 "\n",
		       syms[i], a, s);
		iow_buf_printf(out, "has %s %d\n", syms[i], iow_debuginfo_has_symbol(dbg, syms[i]));
	}
	ANSWER(iow_debuginfo_struct_size(dbg, "resource", "__request_region", &s),
	       "size resource %" PRIu64 "\n", s);
	ANSWER(iow_debuginfo_struct_size(dbg, "iow_no_such_struct", "__request_region", &s),
	       "size none %" PRIu64 "\n", s);
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		ANSWER(iow_debuginfo_member(dbg, "resource", members[i], "__request_region", &m),
		       "member %s %" PRIu64 " %" PRIu64 " %d %d %" PRIu64 " %" PRIu64 "\n", members[i],
		       m.offset, m.size, m.bit_offset, m.bit_size, m.count, m.elem_size);
	iow_buf_printf(out, "has desc %d\n",
		       iow_debuginfo_has_member(dbg, "resource", "desc", "__request_region"));
	ANSWER(iow_debuginfo_enum_value(dbg, "IORES_DESC_NONE", "__request_region", &v),
	       "enum IORES_DESC_NONE %" PRId64 "\n", v);
	ANSWER(iow_debuginfo_enumerator(dbg, "iow_no_such_enum", "X", "__request_region", &v),
	       "enum none %" PRId64 "\n", v);
	ANSWER(iow_debuginfo_variable_info(dbg, "iomem_resource", "__request_region", &var),
	       "var %" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n", var.addr, var.size,
	       var.count, var.elem_size, var.from_dwarf);
	for (i = 0; i < sizeof(pcs) / sizeof(pcs[0]); i++) {
		err = iow_debuginfo_symbol(dbg, pcs[i], &a, NULL);
		if (!err) {
			iow_buf_printf(out, "%%pS %s: ", pcs[i]);
			err = iow_debuginfo_format_symbol(dbg, a + 0x10, out);
			iow_buf_printf(out, "\n");
		}
		ANSWER(err, "%s", "");
	}
	ANSWER(iow_debuginfo_kallsyms_info(dbg, &ki), "kallsyms %zu %" PRId64 " %d %d\n", ki.count,
	       ki.file_count, ki.all_symbols, ki.lists_itself);
#undef ANSWER
}

struct run {
	char *answers;
	uint64_t loaded, hits, ns_symbols, cus;
};

static struct run run_once(const char *vmlinux)
{
	struct iow_debuginfo *dbg;
	struct iow_error *err = iow_debuginfo_open(vmlinux, &dbg);
	struct run r = { NULL, 0, 0, 0, 0 };
	struct iow_buf b;

	iow_buf_init(&b);
	if (err) {
		iow_buf_printf(&b, "open: %s\n", err->message);
		iow_error_destroy(err);
	} else {
		const struct iow_debuginfo_stats *st;

		ask(dbg, &b);
		st = iow_debuginfo_get_stats(dbg);
		r.loaded = st->index_loaded;
		r.hits = st->index_hits;
		r.ns_symbols = st->ns_symbols;
		r.cus = st->cus_searched;
		iow_debuginfo_destroy(dbg);
	}
	r.answers = strdup(iow_buf_str(&b));
	iow_buf_fini(&b);
	return r;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void put_at(const char *path, long off, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || pwrite(fd, p, n, off) != (ssize_t)n)
		printf("# could not change %s\n", path);
	if (fd >= 0)
		close(fd);
}

/* The index file of VMLINUX in DIR (the build ID, as the tool names it). */
static char *index_file(const char *vmlinux, const char *dir)
{
	struct iow_debuginfo *dbg;
	const uint8_t *id;
	size_t len, i;
	char *path, *p;

	if (iow_debuginfo_open(vmlinux, &dbg))
		return strdup("?");
	id = iow_debuginfo_build_id(dbg, &len);
	path = malloc(strlen(dir) + 2 * len + 8);
	p = path + sprintf(path, "%s/", dir);
	for (i = 0; i < len; i++)
		p += sprintf(p, "%02x", id[i]);
	strcpy(p, ".idx");
	/* opened with the index off: it writes nothing */
	iow_debuginfo_destroy(dbg);
	return path;
}

static void test_kernel(const char *tag, const char *vmlinux)
{
	char dir[] = "/tmp/iow-index-XXXXXX", xdg[] = "/tmp/iow-xdg-XXXXXX", *file, *xfile;
	struct run base, again, r;
	uint64_t count;
	long size;
	int fd;
	unsigned i;

	if (!mkdtemp(dir) || !mkdtemp(xdg)) {
		tap_ok(0, "%s: temporary directories", tag);
		return;
	}
	setenv("IOW_INDEX_DIR", "off", 1);
	file = index_file(vmlinux, dir);
	/* the answers worked out, with no index at all */
	base = run_once(vmlinux);
	tap_ok(!exists(file), "%s: IOW_INDEX_DIR=off writes no index", tag);
	{
		const char *p = base.answers, *nl;

		for (; *p && (nl = strchr(p, '\n')); p = nl + 1)
			printf("# %.*s\n", (int)(nl - p), p);
	}
	{
		char notfound[32];

		snprintf(notfound, sizeof(notfound), "error %d: ", IOW_ERR_NOTFOUND);
		tap_ok(strstr(base.answers, "size resource ") &&
			       strstr(base.answers, "%pS __request_region: __request_region+0x10/") &&
			       strstr(base.answers, notfound),
		       "%s: the questions have answers, found and not (%zu bytes)", tag,
		       strlen(base.answers));
	}

	setenv("IOW_INDEX_DIR", dir, 1);
	r = run_once(vmlinux);
	tap_ok(!r.loaded && exists(file), "%s: the first open writes the index (%ld bytes)", tag,
	       file_size(file));
	tap_is_str(r.answers, base.answers, "... and answers as without it");
	free(r.answers);
	again = run_once(vmlinux);
	tap_ok(again.loaded == 1, "%s: the second open reads it", tag);
	tap_is_str(again.answers, base.answers, "... and answers the same");
	tap_ok(again.ns_symbols == 0 && again.cus == 0 && again.hits > 20,
	       "%s: ... without the symbol table or any CU (%" PRIu64 " answers from the index)", tag,
	       again.hits);
	free(again.answers);

	/* damaged or foreign files: ignored, answered the same, replaced */
	size = file_size(file);
	for (i = 0; i < 8 && size > 200; i++) {
		static const char *const what[] = { "cut in half", "another magic", "another build ID",
						    "a kallsyms name past .strtab",
						    "kallsyms addresses out of order",
						    "a byte more at the end", "an answer's length past the end",
						    "a count of 2^40 answers" };
		uint8_t byte = 0xff, word[8];

		if (i == 0 && truncate(file, size / 2) != 0)
			printf("# truncate failed\n");
		if (i == 1)
			put_at(file, 0, "X", 1);
		if (i == 2)
			put_at(file, 20, &byte, 1);
		if (i == 3) {
			uint32_t huge = 0xfffffff0u;

			put_at(file, size - 4, &huge, 4);
		}
		if (i == 4 && (fd = open(file, O_RDONLY)) >= 0) {
			/* u64 ksyms_count at 120 (see index.c's header) */
			if (pread(fd, word, 8, 120) == 8) {
				memcpy(&count, word, 8);
				if (count > 2 && count < (uint64_t)size / 12) {
					uint64_t big = UINT64_MAX;

					put_at(file, size - (long)(count * 12), &big, 8);
				} else {
					printf("# no kallsyms table in the index?\n");
				}
			}
			close(fd);
		}
		if (i == 5 && (fd = open(file, O_WRONLY | O_APPEND)) >= 0) {
			if (write(fd, "x", 1) != 1)
				printf("# append failed\n");
			close(fd);
		}
		if (i == 6) {
			/* the first record's key length (just after the 184-byte header) */
			uint32_t huge = 0x7fffffffu;

			put_at(file, 184, &huge, 4);
		}
		if (i == 7) {
			/* u64 answers at 104 */
			uint64_t many = (uint64_t)1 << 40;

			put_at(file, 104, &many, 8);
		}
		r = run_once(vmlinux);
		if (i == 3 || i == 4) /* the table is checked when taken (index.c) */
			tap_ok(r.loaded == 1 && r.ns_symbols > 0, "%s: an index with %s: its answers "
			       "taken, the kallsyms table built again", tag, what[i]);
		else
			tap_ok(!r.loaded, "%s: an index %s is ignored", tag, what[i]);
		tap_is_str(r.answers, base.answers, "... the answers are worked out again");
		free(r.answers);
		r = run_once(vmlinux);
		tap_ok(r.loaded == 1 && file_size(file) == size, "... and it is written anew");
		free(r.answers);
	}

	/* XDG_CACHE_HOME, and a directory that cannot be written */
	unsetenv("IOW_INDEX_DIR");
	setenv("XDG_CACHE_HOME", xdg, 1);
	{
		char sub[64];

		snprintf(sub, sizeof(sub), "%s/iomem-walk/index", xdg);
		xfile = index_file(vmlinux, sub);
	}
	r = run_once(vmlinux);
	tap_ok(exists(xfile), "%s: without IOW_INDEX_DIR, under $XDG_CACHE_HOME/iomem-walk/index", tag);
	free(r.answers);
	setenv("IOW_INDEX_DIR", "/proc/iow-cannot-write-here", 1);
	r = run_once(vmlinux);
	tap_is_str(r.answers, base.answers, "a directory that cannot be written: the same answers");
	free(r.answers);
	unsetenv("XDG_CACHE_HOME");

	unlink(file);
	unlink(xfile);
	rmdir(dir);
	free(file);
	free(xfile);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", xdg);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", xdg);
	}
	free(base.answers);
}

int main(void)
{
	const char *v61 = getenv("IOW_TEST_VMLINUX_61"), *v612 = getenv("IOW_TEST_VMLINUX_612");
	int status;

	if (!tap_have_kernels(&status))
		return status;
	if (v61 && *v61)
		test_kernel("6.1", v61);
	if (v612 && *v612)
		test_kernel("6.12", v612);
	return tap_done();
}
