/* kernel/prefetch: hints that fetch what walkers will read next, in as few
 * round trips as the target allows, under the same rules as the reads
 * (only what the memory back end would read); and the waves that advance
 * many pointer chains a round trip at a time (iow_kernel_prefetch_step).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "kernel/internal.h"

#define RANGE_MAX (2 * IOW_KPAGE_SIZE) /* a range is taken up to two pages */

bool iow_kernel_can_prefetch(struct iow_kernel *k)
{
	return iow_target_can_prefetch(k->t);
}

uint64_t iow_kernel_modules_hint(const struct iow_kernel *k)
{
	return k->mem->modules_hint ? k->mem->modules_hint(k) : 0;
}

/* Four arrays of CAP entries: addresses and lengths per address space. */
struct groups {
	uint64_t *addr[2];
	size_t *len[2], count[2];
};

static bool groups_init(struct groups *g, size_t cap)
{
	int i;

	for (i = 0; i < 2; i++) {
		g->addr[i] = malloc((cap ? cap : 1) * sizeof(uint64_t));
		g->len[i] = malloc((cap ? cap : 1) * sizeof(size_t));
		g->count[i] = 0;
	}
	return g->addr[0] && g->addr[1] && g->len[0] && g->len[1];
}

static void groups_add(struct groups *g, enum iow_space s, uint64_t addr, size_t len)
{
	g->addr[s][g->count[s]] = addr;
	g->len[s][g->count[s]++] = len;
}

/* Fetch both groups (virtual first), then free them. */
static void groups_flush(struct iow_kernel *k, struct groups *g, bool fetch)
{
	int i;

	if (fetch) {
		iow_target_prefetch(k->t, IOW_SPACE_VIRT, g->addr[IOW_SPACE_VIRT], g->len[IOW_SPACE_VIRT],
				    g->count[IOW_SPACE_VIRT]);
		iow_target_prefetch(k->t, IOW_SPACE_PHYS, g->addr[IOW_SPACE_PHYS], g->len[IOW_SPACE_PHYS],
				    g->count[IOW_SPACE_PHYS]);
	}
	for (i = 0; i < 2; i++) {
		free(g->addr[i]);
		free(g->len[i]);
	}
}

void iow_kernel_prefetch(struct iow_kernel *k, const uint64_t *vas, const size_t *lens, size_t n)
{
	struct groups g;
	size_t i;
	bool ok;

	/* a range is taken up to two pages (so three pieces at most) */
	if (!n || n > SIZE_MAX / (3 * sizeof(uint64_t)))
		return;
	ok = groups_init(&g, 3 * n);
	/* Addresses that need a page-table walk (vmalloc, modules): their
	 * walks first, level by level for all of them. */
	if (ok && k->direct_known) {
		uint64_t *wl = (uint64_t *)g.len[0]; /* size_t and uint64_t: both 64-bit here */
		size_t nw = 0;

		for (i = 0; i < n; i++)
			if (!k->mem->direct(k, vas[i]) && lens[i]) {
				g.addr[0][nw] = vas[i];
				wl[nw++] = lens[i] < RANGE_MAX ? lens[i] : RANGE_MAX;
			}
		if (nw)
			iow_kernel_prefetch_tables(k, g.addr[0], wl, nw);
	}
	for (i = 0; ok && i < n; i++) {
		uint64_t va = vas[i];
		size_t left = lens[i] < RANGE_MAX ? lens[i] : RANGE_MAX;

		while (left) {
			size_t piece = IOW_KPAGE_SIZE - (va & ~IOW_KPAGE_MASK);
			enum iow_space s;
			uint64_t at;

			if (piece > left)
				piece = left;
			if (!k->mem->where(k, va, piece, &s, &at))
				break;
			groups_add(&g, s, at, piece);
			if (va + piece < va)
				break;
			va += piece;
			left -= piece;
		}
	}
	groups_flush(k, &g, ok);
}

/* The first thing reading LEN bytes at VA needs (iow_kernel_walk_needs),
 * over at most two pages, as iow_kernel_read takes them. */
static bool range_needs(struct iow_kernel *k, uint64_t va, size_t len, enum iow_space *space,
			uint64_t *addr, size_t *n)
{
	if (len > RANGE_MAX)
		len = RANGE_MAX;
	while (len) {
		size_t piece = IOW_KPAGE_SIZE - (va & ~IOW_KPAGE_MASK);

		if (piece > len)
			piece = len;
		if (iow_kernel_walk_needs(k, va, piece, space, addr, n))
			return true;
		if (va + piece < va)
			break;
		va += piece;
		len -= piece;
	}
	return false;
}

bool iow_kernel_read_is_free(struct iow_kernel *k, uint64_t va, size_t len)
{
	enum iow_space space;
	uint64_t addr;
	size_t n;

	return !range_needs(k, va, len, &space, &addr, &n);
}

size_t iow_kernel_prefetch_step(struct iow_kernel *k, const uint64_t *vas, const size_t *lens,
				size_t n)
{
	struct groups g;
	size_t i, waiting = 0;
	bool ok = groups_init(&g, n);

	for (i = 0; ok && i < n; i++) {
		enum iow_space s;
		uint64_t at;
		size_t l;

		if (!range_needs(k, vas[i], lens[i], &s, &at, &l))
			continue;
		waiting++;
		groups_add(&g, s, at, l);
	}
	groups_flush(k, &g, ok);
	return waiting;
}
