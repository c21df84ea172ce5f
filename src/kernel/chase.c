/* chase: see chase.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/hashtab.h> /* needs size_t first */

#include "kernel/chase.h"
#include "util/array.h"

struct step {
	uint64_t va;
	size_t len;
	iow_chase_fn *fn;
	void *ctx;
	unsigned waited;
};

struct iow_chase {
	struct iow_kernel *k;
	size_t max, ran;
	struct step *now, *later;  /* this wave's steps, and those for the next */
	size_t nnow, capnow, nlater, caplater;
	htab_t seen;               /* (va, fn, ctx) of the steps that ran */
	uint8_t *buf;
	bool failed;               /* out of memory: stop */
	struct iow_chase_list **lists; /* iow_chase_follow's, freed with C */
	size_t nlists, caplists;
};

struct key {
	uint64_t va;
	iow_chase_fn *fn;
	void *ctx;
};

static hashval_t hash_key(const void *p)
{
	const struct key *k = p;
	uint64_t h = k->va ^ ((uint64_t)(uintptr_t)k->fn * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)(uintptr_t)k->ctx;

	return (hashval_t)(h ^ (h >> 32));
}

static int eq_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	return x->va == y->va && x->fn == y->fn && x->ctx == y->ctx;
}

struct iow_chase *iow_chase_create(struct iow_kernel *k, size_t max)
{
	struct iow_chase *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->k = k;
	c->max = max;
	c->buf = malloc(IOW_CHASE_MAX_LEN);
	c->seen = htab_create_alloc(256, hash_key, eq_key, free, calloc, free);
	if (!c->buf || !c->seen) {
		iow_chase_destroy(c);
		return NULL;
	}
	return c;
}

void iow_chase_destroy(struct iow_chase *c)
{
	size_t i;

	if (!c)
		return;
	if (c->seen)
		htab_delete(c->seen);
	free(c->now);
	free(c->later);
	free(c->buf);
	for (i = 0; i < c->nlists; i++)
		free(c->lists[i]);
	free(c->lists);
	free(c);
}

struct iow_kernel *iow_chase_kernel(struct iow_chase *c)
{
	return c->k;
}

static void push(struct iow_chase *c, struct step s)
{
	if (c->failed || iow_array_reserve(&c->later, &c->caplater, c->nlater + 1, sizeof(*c->later))) {
		c->failed = true;
		return;
	}
	c->later[c->nlater++] = s;
}

void iow_chase_add(struct iow_chase *c, uint64_t va, size_t len, iow_chase_fn *fn, void *ctx)
{
	if (!va || !len || len > IOW_CHASE_MAX_LEN)
		return;
	push(c, (struct step){ va, len, fn, ctx, 0 });
}

void iow_chase_string(struct iow_chase *c, uint64_t va)
{
	if (va)
		iow_chase_add(c, va, iow_kernel_string_hint(va), NULL, NULL);
}

/* Whether S ran before (and, if not, remember that it runs now). */
static bool seen_before(struct iow_chase *c, const struct step *s)
{
	struct key k = { s->va, s->fn, s->ctx }, *copy;
	void **slot = htab_find_slot(c->seen, &k, INSERT);

	if (!slot) {
		c->failed = true;
		return true;
	}
	if (*slot)
		return true;
	if (!(copy = malloc(sizeof(*copy)))) {
		c->failed = true;
		return true;
	}
	*copy = k;
	*slot = copy;
	return false;
}

void iow_chase_run(struct iow_chase *c)
{
	struct step *wait = NULL;
	size_t nwait, capwait = 0, i;
	uint64_t *vas = NULL;
	size_t *lens = NULL, capv = 0, capl = 0;

	while (c->nlater && !c->failed) {
		/* Run every step that is free, and the free steps those add,
		 * until only steps that need the target are left. */
		nwait = 0;
		while (c->nlater && !c->failed) {
			struct step *t = c->now;
			size_t tc = c->capnow;

			c->now = c->later, c->capnow = c->caplater, c->nnow = c->nlater;
			c->later = t, c->caplater = tc, c->nlater = 0;
			for (i = 0; i < c->nnow && !c->failed; i++) {
				struct step *s = &c->now[i];

				if (!iow_kernel_read_is_free(c->k, s->va, s->len)) {
					if (s->waited >= IOW_CHASE_TRIES)
						continue;
					if (iow_array_reserve(&wait, &capwait, nwait + 1, sizeof(*wait))) {
						c->failed = true;
						break;
					}
					wait[nwait++] = *s;
					continue;
				}
				if (!s->fn || c->ran >= c->max || seen_before(c, s))
					continue;
				c->ran++;
				/* refused without a request: the walk proper reports it */
				if (iow_kernel_read(c->k, s->va, c->buf, s->len) == NULL)
					s->fn(c, s->ctx, s->va, c->buf, s->len);
			}
		}
		if (!nwait || c->failed)
			break;
		/* one round trip for what every chain waits on */
		if (iow_array_reserve(&vas, &capv, nwait, sizeof(*vas)) ||
		    iow_array_reserve(&lens, &capl, nwait, sizeof(*lens))) {
			c->failed = true;
			break;
		}
		for (i = 0; i < nwait; i++) {
			vas[i] = wait[i].va;
			lens[i] = wait[i].len;
			wait[i].waited++;
			push(c, wait[i]);
		}
		iow_kernel_prefetch_step(c->k, vas, lens, nwait);
	}
	c->nlater = 0;
	free(wait);
	free(vas);
	free(lens);
}

/* --- lists ---------------------------------------------------------------- */

static void list_entry(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len);

static void list_next(struct iow_chase *c, struct iow_chase_list *l, uint64_t next)
{
	if (next && next != l->head && next >= l->offset)
		iow_chase_add(c, next - l->offset, l->len, list_entry, l);
}

static void list_head(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	uint64_t next;

	(void)va;
	(void)len;
	memcpy(&next, buf, 8);
	list_next(c, ctx, next);
}

static void list_entry(struct iow_chase *c, void *ctx, uint64_t va, const uint8_t *buf, size_t len)
{
	struct iow_chase_list *l = ctx;
	uint64_t next;

	if (l->offset + 8 > len)
		return;
	if (l->fn)
		l->fn(c, l->ctx, va, buf, len);
	memcpy(&next, buf + l->offset, 8);
	list_next(c, l, next);
}

void iow_chase_list(struct iow_chase *c, struct iow_chase_list *l)
{
	iow_chase_add(c, l->head, 16, list_head, l);
}

void iow_chase_follow(struct iow_chase *c, uint64_t head, uint64_t offset, size_t len, iow_chase_fn *fn, void *ctx)
{
	struct iow_chase_list *l;

	if (iow_array_reserve(&c->lists, &c->caplists, c->nlists + 1, sizeof(*c->lists)) ||
	    !(l = malloc(sizeof(*l))))
		return; /* a hint: without memory, the walk reads it itself */
	*l = (struct iow_chase_list){ head, offset, len, fn, ctx };
	c->lists[c->nlists++] = l;
	iow_chase_list(c, l);
}
