/* The walkers, models and renderers, unchanged, on a flat kernel: the
 * kscale fixture (tests/fixtures/kscale.c, in its Linux 6.1 and 6.12
 * shapes) under gdbserver, opened with iow_kernel_open_flat().  Its
 * /proc/iomem, /proc/ioports, /proc/vmallocinfo and PAT memtype list, and
 * the cache mode of every ioremap as its page tables give it, must be what
 * the fixture itself computed from the data it built; `check` must find
 * nothing wrong, `tree` must hang each ioremap under a resource, and vmap
 * and ioremap must list their areas by address.
 *
 * Skips (77) without gdbserver, unless CI=true (then 99).  The fixtures are
 * found through $top_builddir/tests/fixtures, or next to this program.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tools/kscale-harness.h"
#include "kernel/mappings.h"
#include "kernel/pat.h"
#include "kernel/vmap.h"
#include "tap.h"

#define AREAS 2000
#define RESOURCES 500
#define DEPTH 6

static struct kscale ks;

static void cleanup(void)
{
	kscale_stop(&ks);
}

static __attribute__((noreturn)) void bail(int status, const char *why)
{
	printf("# %s\n", why);
	if (status == 77)
		printf("1..0 # SKIP %s\n", why);
	else
		printf("Bail out! %s\n", why);
	exit(status);
}

static void find_fixture(char *out, size_t size, const char *argv0, const char *name)
{
	const char *top = getenv("top_builddir");
	char self[4096];

	if (top) {
		snprintf(out, size, "%s/tests/fixtures/%s", top, name);
		if (access(out, X_OK) == 0)
			return;
	}
	snprintf(self, sizeof(self), "%s", argv0);
	snprintf(out, size, "%s/../fixtures/%s", dirname(self), name);
}

static bool buf_write(void *ctx, const char *s, size_t n)
{
	return iow_buf_append(ctx, s, n) == NULL;
}

static void note(struct iow_error *err)
{
	if (err)
		printf("# error: %s: %s\n", iow_error_code_name(err->code), err->message);
}

/* Equal texts, or the first line that differs, as a diagnostic. */
static bool same_text(const char *got, const char *want, const char *what)
{
	size_t line = 1;
	const char *g = got, *w = want;

	if (!strcmp(got, want))
		return true;
	while (*g && *g == *w) {
		if (*g == '\n') {
			line++;
			got = g + 1;
			want = w + 1;
		}
		g++, w++;
	}
	printf("# %s differs at line %zu:\n#   got:  %.*s\n#   want: %.*s\n", what, line,
	       (int)strcspn(got, "\n"), got, (int)strcspn(want, "\n"), want);
	return false;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Run SUBCOMMAND through the command table; its output in OUT. */
static struct iow_error *run(struct iow_session *s, struct iow_buf *out, int argc, const char **argv)
{
	struct iow_sink sink = { .write = buf_write, .ctx = out };

	iow_buf_reset(out);
	return iow_command_run(s, argc, (char **)argv, &sink);
}

static void check_proc(struct iow_session *s, const char *file, const char *shape)
{
	struct iow_buf out;
	struct iow_error *err;
	char *want = kscale_file(&ks, file, NULL);

	iow_buf_init(&out);
	err = run(s, &out, 2, (const char *[]){ "proc", file, NULL });
	note(err);
	tap_ok(!err && want && same_text(iow_buf_str(&out), want, file),
	       "%s: proc %s is what the fixture built (%zu lines)", shape, file, want ? count_lines(want) : 0);
	iow_error_destroy(err);
	iow_buf_fini(&out);
	free(want);
}

/* Every ioremap's runs as its page tables map them, in the fixture's line
 * format: "VA SIZE PA 4K|2M MODE". */
static void check_mappings(struct iow_session *s, const char *shape)
{
	struct iow_vmap_list list;
	struct iow_pat pat;
	struct iow_mapping_set set;
	struct iow_modules *mods = NULL;
	struct iow_error *err;
	struct iow_buf got;
	char *want = kscale_file(&ks, "mappings", NULL);
	size_t i, r, other = 0;

	iow_buf_init(&got);
	memset(&set, 0, sizeof(set));
	memset(&pat, 0, sizeof(pat));
	memset(&list, 0, sizeof(list));
	if (!(err = iow_modules_create(s->kernel, &mods)) && !(err = iow_vmap_list_read(s->kernel, mods, &list)) &&
	    !(err = iow_pat_read(s->kernel, &pat)))
		err = iow_mappings_read(s->kernel, &pat, &list, &set);
	note(err);
	for (i = 0; i < set.n; i++) {
		const struct iow_mapping *m = &set.m[i];

		if (!m->ioremap) {
			other++;
			continue;
		}
		for (r = 0; r < m->nruns; r++)
			iow_buf_printf(&got, "0x%016" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " %s %s\n", m->runs[r].va,
				       m->runs[r].size, m->runs[r].pa,
				       m->runs[r].leaf_size == 4096 ? "4K" : m->runs[r].leaf_size == (2u << 20) ?
				       "2M" : "?", m->runs[r].present ? iow_memtype_name(m->runs[r].mode) :
				       "not-present");
	}
	tap_ok(!err && want && same_text(iow_buf_str(&got), want, "mappings"),
	       "%s: each ioremap's pages, their physical addresses and modes (%zu)", shape,
	       want ? count_lines(want) : 0);
	tap_ok(!err && other == 0, "%s: no vmalloc or vmap area of RAM is shown (%zu)", shape, other);
	tap_ok(!err && set.nfindings == 0, "%s: no findings (%zu)", shape, set.nfindings);
	tap_ok(!err && set.areas_walked == ks.areas - ks.areas / 16 * 2 - ((ks.areas % 16) > 7) -
	       ((ks.areas % 16) > 14), "%s: the page tables of %zu areas were walked", shape,
	       set.areas_walked);
	iow_mapping_set_fini(&set);
	iow_pat_fini(&pat);
	iow_vmap_list_fini(&list);
	iow_modules_destroy(mods);
	iow_buf_fini(&got);
	free(want);
	iow_error_destroy(err);
}

static void check_commands(struct iow_session *s, const char *shape)
{
	struct iow_buf out;
	struct iow_error *err;
	const char *p;
	size_t attached = 0;
	char *want = kscale_file(&ks, "mappings", NULL);

	iow_buf_init(&out);
	err = run(s, &out, 1, (const char *[]){ "check", NULL });
	note(err);
	tap_ok(!err && s->findings == 0 && strstr(iow_buf_str(&out), "VIOLATION") == NULL,
	       "%s: check finds nothing wrong", shape);
	if (err || s->findings)
		printf("# %.*s\n", (int)(out.len < 2000 ? out.len : 2000), iow_buf_str(&out));
	iow_error_destroy(err);

	err = run(s, &out, 1, (const char *[]){ "tree", NULL });
	note(err);
	for (p = iow_buf_str(&out); (p = strstr(p, "<- ")); p++)
		attached++;
	tap_ok(!err && want && attached == count_lines(want),
	       "%s: tree hangs every ioremap under a resource (%zu)", shape, attached);
	iow_error_destroy(err);
	iow_buf_fini(&out);
	free(want);
}

/* info shows the fixture's negative phys_base as such, text and JSON. */
static void check_info(struct iow_session *s, const char *shape)
{
	char *want = kscale_file(&ks, "phys_base", NULL), line[160], raw[64];
	struct iow_buf out;
	struct iow_error *err;

	iow_buf_init(&out);
	if (want)
		want[strcspn(want, "\n")] = 0;
	err = run(s, &out, 1, (const char *[]){ "info", NULL });
	note(err);
	snprintf(line, sizeof(line), "\nphys_base         %s (negative: the kernel image lies %s lower",
		 want ? want : "?", want ? want + 1 : "?");
	tap_ok(!err && want && want[0] == '-' && strstr(iow_buf_str(&out), line),
	       "%s: info shows phys_base %s as negative", shape, want ? want : "?");
	if (err || !want || !strstr(iow_buf_str(&out), line))
		printf("# %s", iow_buf_str(&out));
	iow_error_destroy(err);
	err = run(s, &out, 2, (const char *[]){ "info", "--json", NULL });
	note(err);
	snprintf(line, sizeof(line), "\"phys_base_signed\": \"%s\"", want ? want : "?");
	snprintf(raw, sizeof(raw), "\"phys_base\": \"0x%" PRIx64 "\"",
		 want ? (uint64_t)strtoll(want, NULL, 16) : 0);
	tap_ok(!err && want && strstr(iow_buf_str(&out), line) && strstr(iow_buf_str(&out), raw),
	       "%s: info --json has the raw phys_base (%s) and the signed one", shape, raw);
	iow_error_destroy(err);
	iow_buf_fini(&out);
	free(want);
}

/* vmap and ioremap list their areas by address, though the 6.12 shape's
 * per-node lists (and its vmallocinfo) are not in address order; vmap lists
 * every area the fixture made, ioremap every ioremap. */
static void check_order(struct iow_session *s, const char *shape)
{
	static const char *const cmds[] = { "vmap", "ioremap" };
	char *want = kscale_file(&ks, "mappings", NULL);
	struct iow_buf out;
	size_t c;

	iow_buf_init(&out);
	for (c = 0; c < 2; c++) {
		struct iow_error *err = run(s, &out, 1, (const char *[]){ cmds[c], NULL });
		const char *p = iow_buf_str(&out);
		uint64_t prev = 0, start;
		size_t n = 0;
		bool sorted = true;

		note(err);
		for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
			if (strncmp(p, "0x", 2) != 0)
				continue;
			start = strtoull(p, NULL, 16);
			if (n++ && start <= prev)
				sorted = false;
			prev = start;
		}
		tap_ok(!err && sorted && n == (c == 0 ? ks.areas : (want ? count_lines(want) : 0)),
		       "%s: %s lists its %zu areas by address", shape, cmds[c], n);
		iow_error_destroy(err);
	}
	iow_buf_fini(&out);
	free(want);
}

static void one_shape(const char *argv0, const char *name, const char *shape)
{
	struct iow_session s;
	struct iow_error *err;
	char fixture[4096];
	const char *why;

	find_fixture(fixture, sizeof(fixture), argv0, name);
	why = kscale_start(&ks, fixture, AREAS, RESOURCES, DEPTH);
	if (why)
		bail(99, why);
	err = kscale_open(&ks, &s, 0);
	note(err);
	tap_ok(!err, "%s: the fixture opens as a flat kernel (%" PRIu64 " areas, %" PRIu64
	       " resources, %" PRIu64 " page tables)", shape, ks.areas, ks.resources, ks.tables);
	if (err)
		bail(1, "cannot go on without the flat kernel");
	tap_ok(strstr(iow_kernel_layout(s.kernel)->release, "-kscale") != NULL,
	       "%s: the release comes from its linux_banner: %s", shape, iow_kernel_layout(s.kernel)->release);
	check_proc(&s, "iomem", shape);
	check_proc(&s, "ioports", shape);
	check_proc(&s, "vmallocinfo", shape);
	check_proc(&s, "pat_memtype_list", shape);
	check_mappings(&s, shape);
	check_commands(&s, shape);
	check_order(&s, shape);
	check_info(&s, shape);
	iow_session_fini(&s);
	kscale_stop(&ks);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!kscale_gdbserver())
		bail(getenv("CI") && !strcmp(getenv("CI"), "true") ? 99 : 77,
		     "gdbserver is not installed (Debian package gdbserver)");
	atexit(cleanup);
	one_shape(argv[0], "kscale", "6.1");
	one_shape(argv[0], "kscale-612", "6.12");
	return tap_done();
}
