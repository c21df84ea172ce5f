/* replay: run one fuzz target on the inputs kept in the tree, without
 * libFuzzer, with whatever compiler builds the rest (make check).
 *
 * Usage: replay-TARGET [FILE|DIR...].  With no arguments: every file in
 * $top_srcdir/fuzz/corpus/TARGET and $top_srcdir/fuzz/regress/TARGET
 * (top_srcdir defaults to "."), in name order.  Prints TAP, one line per
 * input.  A broken check in the target aborts (the test fails, and the
 * input just named on the "#" line is the one); an input that cannot be
 * read is "not ok"; no input at all is "not ok" too: a corpus that went
 * missing must not pass.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target"
#endif

struct files {
	char **v;
	size_t n, cap;
};

static void add(struct files *f, const char *path)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->v = realloc(f->v, f->cap * sizeof(*f->v));
		if (!f->v)
			abort();
	}
	f->v[f->n] = strdup(path);
	if (!f->v[f->n])
		abort();
	f->n++;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* PATH itself, or the regular files in it; MUST: complain if missing. */
static void collect(struct files *f, const char *path, bool must)
{
	struct dirent *d;
	struct stat st;
	char sub[4096];
	DIR *dir;

	if (stat(path, &st) != 0) {
		if (must)
			add(f, path); /* reported as unreadable */
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add(f, path);
		return;
	}
	if (!(dir = opendir(path))) {
		add(f, path);
		return;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || strcmp(d->d_name, "README") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			add(f, sub);
	}
	closedir(dir);
}

/* The whole file in a buffer of exactly its size (so that a sanitizer
 * sees reads past the end), or NULL. */
static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc(n ? (size_t)n : 1);
		if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return p;
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	struct files f = { 0 };
	char dir[4096];
	size_t i, skip = 0;
	int failed = 0;

	if (argc > 1) {
		for (i = 1; i < (size_t)argc; i++)
			collect(&f, argv[i], true);
	} else {
		if (!top || !*top)
			top = ".";
		snprintf(dir, sizeof(dir), "%s/fuzz/corpus/%s", top, FUZZ_TARGET);
		collect(&f, dir, true);
		snprintf(dir, sizeof(dir), "%s/fuzz/regress/%s", top, FUZZ_TARGET);
		collect(&f, dir, false);
	}
	qsort(f.v, f.n, sizeof(*f.v), cmp);
	if (!f.n) {
		printf("1..1\nnot ok 1 - %s: no inputs\n", FUZZ_TARGET);
		return 1;
	}
	printf("1..%zu\n", f.n);
	for (i = 0; i < f.n; i++) {
		size_t size = 0;
		uint8_t *data = slurp(f.v[i], &size);

		if (!data) {
			printf("not ok %zu - %s: %s\n", i + 1, f.v[i], strerror(errno));
			failed++;
			continue;
		}
		printf("# %s (%zu bytes)\n", f.v[i], size);
		fflush(stdout);
		LLVMFuzzerTestOneInput(data, size);
		if (argc == 1 && !strncmp(f.v[i], top, strlen(top)) && f.v[i][strlen(top)] == '/')
			skip = strlen(top) + 1; /* name the input from the top of the tree */
		printf("ok %zu - %s\n", i + 1, f.v[i] + skip);
		free(data);
	}
	for (i = 0; i < f.n; i++)
		free(f.v[i]);
	free(f.v);
	return failed ? 1 : 0;
}
