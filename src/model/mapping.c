/* model/mapping: findings.  See mapping.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mapping.h"
#include "util/array.h"

/* arch/x86/include/asm/e820/api.h is_ISA_range(): PAT does not track the
 * legacy ISA hole; it is always write-back and never reserved. */
#define ISA_START 0xa0000ULL
#define ISA_END 0x100000ULL

const char *iow_finding_kind_name(enum iow_finding_kind k)
{
	switch (k) {
	case IOW_FIND_MODE_MISMATCH: return "mode-mismatch";
	case IOW_FIND_UNRESERVED: return "unreserved";
	case IOW_FIND_ALIAS: return "alias";
	case IOW_FIND_RAM_IOREMAP: return "ram-ioremap";
	case IOW_FIND_UNUSED_RESERVATION: return "unused-reservation";
	case IOW_FIND_DEVICE_CACHEABLE: return "device-cacheable";
	case IOW_FIND_RAM_DEVICE: return "ram-device";
	}
	return "?";
}

const char *iow_leaf_size_name(uint64_t size)
{
	return size == 4096 ? "4K" : size == (2u << 20) ? "2M" : size == (1u << 30) ? "1G" : "?";
}

void iow_mapping_set_fini(struct iow_mapping_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->m[i].runs);
	for (i = 0; i < s->nfindings; i++)
		free(s->findings[i].text);
	free(s->m);
	free(s->findings);
	memset(s, 0, sizeof(*s));
}

const struct iow_pat_memtype *iow_pat_covering(const struct iow_pat *pat, uint64_t pa, uint64_t size)
{
	size_t i, lo, hi, starts;

	if (!pat)
		return NULL;
	if (!pat->max_end) {
		for (i = 0; i < pat->n; i++)
			if (pat->memtypes[i].start <= pa && pat->memtypes[i].end >= pa + size)
				return &pat->memtypes[i];
		return NULL;
	}
	/* Sorted by start: the candidates are the first STARTS, those that
	 * start at or before PA.  The first memtype whose end reaches
	 * PA + SIZE is where the running maximum of the ends first does:
	 * the same answer as the scan above, in O(log n). */
	for (lo = 0, hi = pat->n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (pat->memtypes[mid].start <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	starts = lo;
	for (lo = 0, hi = starts; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (pat->max_end[mid] >= pa + size)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < starts ? &pat->memtypes[lo] : NULL;
}

static int add(struct iow_mapping_set *s, enum iow_finding_kind kind, uint64_t pa, uint64_t pa_end,
	       uint64_t va, uint64_t va2, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static int add(struct iow_mapping_set *s, enum iow_finding_kind kind, uint64_t pa, uint64_t pa_end,
	       uint64_t va, uint64_t va2, const char *fmt, ...)
{
	struct iow_finding *f;
	char buf[512];
	va_list ap;

	if (iow_array_reserve(&s->findings, &s->findings_cap, s->nfindings + 1, sizeof(*f)))
		return -1;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	f = &s->findings[s->nfindings];
	*f = (struct iow_finding){ kind, pa, pa_end, va, va2, strdup(buf),
				   kind == IOW_FIND_UNUSED_RESERVATION };
	if (!f->text)
		return -1;
	s->nfindings++;
	return 0;
}

/* What a memory type alone says is wrong (arm64, where no reservations
 * say more): RAM as Device memory, device memory cacheable.  The
 * architecture forbids neither, but speculative or cached accesses to
 * device registers, and Device accesses to RAM, are what a driver never
 * means. */
static int type_findings(struct iow_mapping_set *s, const struct iow_mapping *m,
			 const struct iow_map_run *run)
{
	const char *by = m->area->caller_sym ? m->area->caller_sym : "no caller";

	if (run->ram && iow_memtype_is_device(run->mode))
		return add(s, IOW_FIND_RAM_DEVICE, run->pa, run->pa + run->size, run->va, 0,
			   "RAM 0x%" PRIx64 "-0x%" PRIx64 " is mapped %s (device memory) at 0x%016"
			   PRIx64 " (%s)", run->pa, run->pa + run->size - 1, iow_memtype_name(run->mode),
			   run->va, by);
	if (!run->ram && !run->firmware_mem && iow_memtype_is_cacheable_normal(run->mode))
		return add(s, IOW_FIND_DEVICE_CACHEABLE, run->pa, run->pa + run->size, run->va, 0,
			   "0x%" PRIx64 "-0x%" PRIx64 " is not RAM but is mapped %s (cacheable) at 0x%016"
			   PRIx64 " (%s)", run->pa, run->pa + run->size - 1, iow_memtype_name(run->mode),
			   run->va, by);
	return 0;
}

/* Both Normal memory, cacheable or not (arm64): a mismatch the
 * architecture lets software keep coherent with cache maintenance. */
static bool normal_pair(unsigned a, unsigned b)
{
	return (a == IOW_MT_NORMAL_NC || iow_memtype_is_cacheable_normal(a)) &&
	       (b == IOW_MT_NORMAL_NC || iow_memtype_is_cacheable_normal(b));
}

struct piece {
	uint64_t pa, end;
	unsigned mode;
	const struct iow_mapping *m;
};

static int cmp_piece(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/* Which reservations a non-RAM run overlaps: each is used when some span
 * [pa, end) has pa < its end and end > its start.  With the spans sorted
 * by pa and the running maximum of their ends, one binary search a
 * reservation (asking every reservation about every run made the ioremap
 * view of 100,000 ioremaps quadratic). */
static void mark_used(struct piece *spans, size_t n, const struct iow_pat *pat, bool *used)
{
	size_t i, j;

	if (n)
		qsort(spans, n, sizeof(*spans), cmp_piece);
	for (i = 1; i < n; i++) /* spans[i].end: the largest end of spans[0..i] */
		if (spans[i].end < spans[i - 1].end)
			spans[i].end = spans[i - 1].end;
	for (j = 0; j < pat->n; j++) {
		size_t lo = 0, hi = n;

		while (lo < hi) { /* the spans that start before the reservation ends */
			size_t mid = lo + (hi - lo) / 2;

			if (spans[mid].pa < pat->memtypes[j].end)
				lo = mid + 1;
			else
				hi = mid;
		}
		used[j] = lo && spans[lo - 1].end > pat->memtypes[j].start;
	}
}

int iow_mapping_find(struct iow_mapping_set *s, const struct iow_pat *pat)
{
	struct piece *pieces = NULL, *spans = NULL;
	size_t npieces = 0, cap_pieces = 0, nspans = 0, cap_spans = 0, i, j, r;
	bool *used = NULL;
	int rc = -1;

	if (pat && pat->n && !(used = calloc(pat->n, sizeof(*used))))
		return -1;
	s->none_tracked = pat && pat->none_tracked;
	for (i = 0; i < s->n; i++) {
		const struct iow_mapping *m = &s->m[i];

		if (m->ioremap && m->any_ram &&
		    add(s, IOW_FIND_RAM_IOREMAP, 0, 0, m->va, 0,
			"ioremap of RAM at 0x%016" PRIx64 " (%s)", m->va,
			m->area->caller_sym ? m->area->caller_sym : "no caller"))
			goto out;
		for (r = 0; r < m->nruns; r++) {
			const struct iow_map_run *run = &m->runs[r];
			const struct iow_pat_memtype *mt;
			struct piece *p;

			if (!run->present)
				continue;
			if (type_findings(s, m, run))
				goto out;
			if (run->ram) {
				if (run->direct_known && run->direct_mode != run->mode) {
					if (add(s, IOW_FIND_ALIAS, run->pa, run->pa + run->size, run->va, 0,
						"RAM 0x%" PRIx64 "-0x%" PRIx64 " is mapped %s at 0x%016" PRIx64
						" but %s by the direct map", run->pa, run->pa + run->size - 1,
						iow_memtype_name(run->mode), run->va,
						iow_memtype_name(run->direct_mode)))
						goto out;
					s->findings[s->nfindings - 1].note = normal_pair(run->mode, run->direct_mode);
				}
				continue;
			}
			/* Which reservations this run overlaps, for the unused check. */
			if (used) {
				if (iow_array_reserve(&spans, &cap_spans, nspans + 1, sizeof(*spans)))
					goto out;
				spans[nspans++] = (struct piece){ run->pa, run->pa + run->size, run->mode, m };
			}
			if (run->pa >= ISA_START && run->pa + run->size <= ISA_END)
				continue;
			mt = iow_pat_covering(pat, run->pa, run->size);
			if (pat && !pat->none_tracked && !mt) {
				if (add(s, IOW_FIND_UNRESERVED, run->pa, run->pa + run->size, run->va, 0,
					"0x%" PRIx64 "-0x%" PRIx64 " is mapped %s at 0x%016" PRIx64
					" with no PAT reservation", run->pa, run->pa + run->size - 1,
					iow_memtype_name(run->mode), run->va))
					goto out;
			} else if (mt && mt->type != run->mode) {
				if (add(s, IOW_FIND_MODE_MISMATCH, run->pa, run->pa + run->size, run->va, 0,
					"0x%" PRIx64 "-0x%" PRIx64 " is mapped %s at 0x%016" PRIx64
					" but reserved %s", run->pa, run->pa + run->size - 1,
					iow_memtype_name(run->mode), run->va, iow_memtype_name(mt->type)))
					goto out;
			}
			if (iow_array_reserve(&pieces, &cap_pieces, npieces + 1, sizeof(*pieces)))
				goto out;
			p = &pieces[npieces++];
			*p = (struct piece){ run->pa, run->pa + run->size, run->mode, m };
		}
	}
	/* Aliases among non-RAM mappings: overlapping pieces of different
	 * mappings with different modes, each pair of mappings once. */
	if (npieces) /* qsort() takes no NULL, even for nothing */
		qsort(pieces, npieces, sizeof(*pieces), cmp_piece);
	for (i = 0; i < npieces; i++)
		for (j = i + 1; j < npieces && pieces[j].pa < pieces[i].end; j++) {
			uint64_t lo = pieces[j].pa, hi = pieces[i].end < pieces[j].end ? pieces[i].end : pieces[j].end;
			size_t k;
			bool dup = false;

			if (pieces[i].m == pieces[j].m || pieces[i].mode == pieces[j].mode)
				continue;
			for (k = 0; k < s->nfindings; k++)
				if (s->findings[k].kind == IOW_FIND_ALIAS &&
				    ((s->findings[k].va == pieces[i].m->va && s->findings[k].va2 == pieces[j].m->va) ||
				     (s->findings[k].va == pieces[j].m->va && s->findings[k].va2 == pieces[i].m->va)))
					dup = true;
			if (!dup && add(s, IOW_FIND_ALIAS, lo, hi, pieces[i].m->va, pieces[j].m->va,
					"0x%" PRIx64 "-0x%" PRIx64 " is mapped %s at 0x%016" PRIx64 " and %s at 0x%016"
					PRIx64, lo, hi - 1, iow_memtype_name(pieces[i].mode), pieces[i].m->va,
					iow_memtype_name(pieces[j].mode), pieces[j].m->va))
				goto out;
		}
	if (used)
		mark_used(spans, nspans, pat, used);
	for (j = 0; pat && j < pat->n; j++)
		if (!used[j] && add(s, IOW_FIND_UNUSED_RESERVATION, pat->memtypes[j].start, pat->memtypes[j].end,
				    0, 0, "reservation [mem 0x%016" PRIx64 "-0x%016" PRIx64 "] %s has no kernel mapping",
				    pat->memtypes[j].start, pat->memtypes[j].end,
				    iow_cache_mode_name(pat->memtypes[j].type)))
			goto out;
	rc = 0;
out:
	free(pieces);
	free(spans);
	free(used);
	return rc;
}
