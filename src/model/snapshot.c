/* model/snapshot: see snapshot.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/snapshot.h"
#include "util/array.h"

void iow_snapshot_fini(struct iow_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->line[i]);
	free(s->line);
	memset(s, 0, sizeof(*s));
}

static int add(struct iow_snapshot *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add(struct iow_snapshot *s, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	if (iow_array_reserve(&s->line, &s->cap, s->n + 1, sizeof(*s->line))) {
		free(line);
		return -1;
	}
	s->line[s->n++] = line;
	return 0;
}

static bool kaslr_moved(const struct iow_resource *r)
{
	/* kernel/resource.c and arch/x86/kernel/setup.c name the image's
	 * ranges "Kernel code", "Kernel rodata", "Kernel data", "Kernel bss";
	 * physical KASLR moves them. */
	return r->name && strncmp(r->name, "Kernel ", 7) == 0 && r->parent &&
	       r->parent->name && strcmp(r->parent->name, "System RAM") == 0;
}

static int add_tree(struct iow_snapshot *s, const char *kind, const struct iow_resource_tree *t)
{
	struct iow_resource *r;

	for (r = t->root.child; r; r = iow_resource_next(r)) {
		int rc;

		if (kaslr_moved(r))
			rc = add(s, "%s %d * 0x%" PRIx64 " %s", kind, r->depth, r->flags, r->name);
		else
			rc = add(s, "%s %d 0x%" PRIx64 "-0x%" PRIx64 " 0x%" PRIx64 " %s", kind, r->depth, r->start,
				 r->end, r->flags, r->name ? r->name : "<BAD>");
		if (rc)
			return -1;
	}
	return 0;
}

static int add_maps(struct iow_snapshot *s, const struct iow_mapping_set *maps, const struct iow_pat *pat)
{
	size_t i, k;

	for (i = 0; i < maps->n; i++) {
		const struct iow_mapping *m = &maps->m[i];
		const char *caller = m->area->caller_sym ? m->area->caller_sym : "-";

		for (k = 0; k < m->nruns; k++) {
			const struct iow_map_run *run = &m->runs[k];

			if (!run->present)
				continue;
			/* RAM pages come from the allocator: where is chance. */
			if (run->ram ? add(s, "map RAM size 0x%" PRIx64 " %s %s %s", run->size,
					   iow_memtype_name(run->mode), run->leaf_size == 4096 ? "4K" : "huge", caller)
				     : add(s, "map 0x%" PRIx64 "-0x%" PRIx64 " %s %s %s", run->pa, run->pa + run->size,
					   iow_memtype_name(run->mode), iow_leaf_size_name(run->leaf_size), caller))
				return -1;
		}
	}
	for (i = 0; i < pat->n; i++)
		if (add(s, "reservation 0x%" PRIx64 "-0x%" PRIx64 " %s", pat->memtypes[i].start,
			pat->memtypes[i].end, iow_memtype_name(pat->memtypes[i].type)))
			return -1;
	return 0;
}

int iow_snapshot_build(struct iow_snapshot *s, const char *release, const struct iow_resource_tree *iomem,
		       const struct iow_resource_tree *ioports, const struct iow_mapping_set *maps,
		       const struct iow_pat *pat)
{
	if (add(s, "kernel %s", release) || add_tree(s, "iomem", iomem) || add_tree(s, "ioport", ioports) ||
	    add_maps(s, maps, pat))
		return -1;
	return 0;
}

struct iow_error *iow_snapshot_parse(struct iow_snapshot *s, const char *text, size_t len, const char *name)
{
	const char *p = text, *end = text + len;
	bool header = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		/* a line ends at its first NUL, as a C string would read it */
		n = strnlen(p, n);
		while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
			n--;
		if (n == sizeof(IOW_SNAPSHOT_HEADER) - 1 && memcmp(p, IOW_SNAPSHOT_HEADER, n) == 0)
			header = true;
		if (n && p[0] != '#' && add(s, "%.*s", (int)n, p))
			return &iow_error_nomem;
		p = nl ? nl + 1 : end;
	}
	if (!header)
		return iow_error_create(IOW_ERR_INVALID, "%s is not an iomem-walk snapshot (no \"%s\" line)", name,
					IOW_SNAPSHOT_HEADER);
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int iow_snapshot_compare(struct iow_snapshot *expected, struct iow_snapshot *now, struct iow_check *c)
{
	size_t i = 0, j = 0;

	if (expected->n)
		qsort(expected->line, expected->n, sizeof(char *), cmp_str);
	if (now->n)
		qsort(now->line, now->n, sizeof(char *), cmp_str);
	while (i < expected->n || j < now->n) {
		int d = i == expected->n ? 1 : j == now->n ? -1 : strcmp(expected->line[i], now->line[j]);

		if (d == 0) {
			i++, j++;
		} else if (d < 0) {
			if (iow_check_add(c, "expect-removed", false, "- %s", expected->line[i++]))
				return -1;
		} else if (iow_check_add(c, "expect-added", false, "+ %s", now->line[j++])) {
			return -1;
		}
	}
	return 0;
}
