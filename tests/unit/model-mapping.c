/* model/mapping and model/pat: the indexed lookups give the answers of the
 * plain scans they replaced.  iow_pat_covering() with iow_pat_index() must
 * return the very memtype the scan returns (the first in tree order that
 * covers the range), and iow_mapping_find() must call exactly the
 * reservations unused that no non-RAM run overlaps, on random layouts with
 * overlapping reservations, runs in the ISA hole, RAM runs and, for the
 * scan fallback, reservations out of order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model/mapping.h"
#include "tap.h"

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? rnd_state % n : 0;
}

static int cmp_start(const void *a, const void *b)
{
	const struct iow_pat_memtype *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* N reservations in [0, SPAN) pages, sorted by start unless SHUFFLED. */
static void make_pat(struct iow_pat *pat, size_t n, uint64_t span, bool shuffled)
{
	size_t i;

	memset(pat, 0, sizeof(*pat));
	pat->memtypes = calloc(n ? n : 1, sizeof(*pat->memtypes));
	pat->n = n;
	for (i = 0; i < n; i++) {
		uint64_t s = rnd(span) * 4096, len = (1 + rnd(rnd(4) ? 4 : 64)) * 4096;

		pat->memtypes[i] = (struct iow_pat_memtype){ 0x1000 + i, s, s + len, (unsigned)rnd(6) };
	}
	if (!shuffled)
		qsort(pat->memtypes, n, sizeof(*pat->memtypes), cmp_start);
}

static const struct iow_pat_memtype *scan(const struct iow_pat *pat, uint64_t pa, uint64_t size)
{
	size_t i;

	for (i = 0; i < pat->n; i++)
		if (pat->memtypes[i].start <= pa && pat->memtypes[i].end >= pa + size)
			return &pat->memtypes[i];
	return NULL;
}

static void check_covering(void)
{
	size_t round, q, bad = 0, queries = 0, found = 0;

	for (round = 0; round < 200; round++) {
		struct iow_pat pat;
		size_t n = rnd(round < 20 ? 4 : 300);

		make_pat(&pat, n, 1 + rnd(2000), false);
		if (iow_pat_index(&pat) || (n && !pat.max_end)) {
			bad++;
			iow_pat_fini(&pat);
			continue;
		}
		for (q = 0; q < 500; q++) {
			uint64_t pa = rnd(2100) * 4096 + (rnd(4) ? 0 : rnd(4096)), size = (1 + rnd(8)) * 4096;
			const struct iow_pat_memtype *want = scan(&pat, pa, size), *got = iow_pat_covering(&pat, pa, size);

			queries++;
			found += want != NULL;
			if (got != want) {
				if (bad++ < 5)
					printf("# pa 0x%" PRIx64 " size 0x%" PRIx64 ": got %p, want %p\n", pa, size,
					       (const void *)got, (const void *)want);
			}
		}
		iow_pat_fini(&pat);
	}
	tap_ok(!bad, "the indexed lookup returns what the scan does (%zu queries, %zu covered)", queries,
	       found);

	{
		struct iow_pat pat;

		make_pat(&pat, 100, 50, true);
		pat.memtypes[0].start = 40 * 4096; /* surely out of order */
		pat.memtypes[1].start = 0;
		tap_ok(iow_pat_index(&pat) == 0 && !pat.max_end,
		       "reservations out of start order are not indexed");
		for (q = 0, bad = 0; q < 2000; q++) {
			uint64_t pa = rnd(60) * 4096, size = 4096;

			bad += iow_pat_covering(&pat, pa, size) != scan(&pat, pa, size);
		}
		tap_ok(!bad, "... and are scanned");
		iow_pat_fini(&pat);
	}
}

/* Reservations no non-RAM run overlaps, the way the old loop found them. */
static size_t unused_scan(const struct iow_mapping_set *s, const struct iow_pat *pat, bool *unused)
{
	size_t i, j, r, n = 0;

	for (j = 0; j < pat->n; j++)
		unused[j] = true;
	for (i = 0; i < s->n; i++)
		for (r = 0; r < s->m[i].nruns; r++) {
			const struct iow_map_run *run = &s->m[i].runs[r];

			if (!run->present || run->ram)
				continue;
			for (j = 0; j < pat->n; j++)
				if (pat->memtypes[j].start < run->pa + run->size && pat->memtypes[j].end > run->pa)
					unused[j] = false;
		}
	for (j = 0; j < pat->n; j++)
		n += unused[j];
	return n;
}

static void check_unused(void)
{
	size_t round, bad = 0, total = 0, other_bad = 0;
	struct iow_vmap_area area = { .caller_sym = (char *)"test" };

	for (round = 0; round < 150; round++) {
		struct iow_pat pat;
		struct iow_mapping_set a, b;
		bool shuffled = round % 5 == 4;
		size_t nmaps = rnd(40), i, r, k, want_n;
		bool *unused;

		make_pat(&pat, rnd(round < 10 ? 3 : 120), 600, shuffled);
		/* the ISA hole is 0xa0000-0x100000: pages 160-255 */
		memset(&a, 0, sizeof(a));
		a.m = calloc(nmaps ? nmaps : 1, sizeof(*a.m));
		a.n = nmaps;
		for (i = 0; i < nmaps; i++) {
			struct iow_mapping *m = &a.m[i];

			m->area = &area;
			m->va = 0xffffc90000000000ULL + i * 0x100000;
			m->ioremap = rnd(2);
			m->nruns = 1 + rnd(4);
			m->runs = calloc(m->nruns, sizeof(*m->runs));
			for (r = 0; r < m->nruns; r++) {
				struct iow_map_run *run = &m->runs[r];

				run->va = m->va + r * 0x10000;
				run->size = (1 + rnd(8)) * 4096;
				run->present = rnd(8) != 0;
				run->pa = rnd(640) * 4096;
				run->leaf_size = 4096;
				run->mode = (unsigned)rnd(6);
				run->ram = rnd(6) == 0;
				m->any_ram |= run->ram;
			}
		}
		/* the same set twice: one with the index, one scanning */
		memset(&b, 0, sizeof(b));
		b.m = calloc(nmaps ? nmaps : 1, sizeof(*b.m));
		b.n = nmaps;
		for (i = 0; i < nmaps; i++) {
			b.m[i] = a.m[i];
			b.m[i].runs = malloc(a.m[i].nruns * sizeof(*b.m[i].runs));
			memcpy(b.m[i].runs, a.m[i].runs, a.m[i].nruns * sizeof(*b.m[i].runs));
		}
		unused = calloc(pat.n ? pat.n : 1, sizeof(*unused));
		want_n = unused_scan(&a, &pat, unused);
		total += want_n;
		if (iow_mapping_find(&b, &pat)) /* no index yet: scans */
			bad++;
		if (iow_pat_index(&pat) || iow_mapping_find(&a, &pat))
			bad++;
		for (k = 0, i = 0; k < a.nfindings; k++) {
			const struct iow_finding *f = &a.findings[k];

			if (f->kind != IOW_FIND_UNUSED_RESERVATION)
				continue;
			while (i < pat.n && !unused[i])
				i++;
			if (i == pat.n || f->pa_start != pat.memtypes[i].start || f->pa_end != pat.memtypes[i].end)
				bad++;
			i++;
		}
		while (i < pat.n && !unused[i])
			i++;
		if (i != pat.n)
			bad++; /* an unused reservation was not reported */
		if (a.nfindings != b.nfindings)
			other_bad++;
		for (k = 0; k < a.nfindings && k < b.nfindings; k++)
			if (a.findings[k].kind != b.findings[k].kind || strcmp(a.findings[k].text, b.findings[k].text))
				other_bad++;
		free(unused);
		iow_mapping_set_fini(&a);
		iow_mapping_set_fini(&b);
		iow_pat_fini(&pat);
	}
	tap_ok(!bad, "unused reservations are exactly those no non-RAM run overlaps (%zu of them)", total);
	tap_ok(!other_bad, "every finding is the same with and without the index");
}

int main(void)
{
	check_covering();
	check_unused();
	return tap_done();
}
