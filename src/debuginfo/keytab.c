/* keytab: the tables debuginfo keeps its answers in, keyed by the
 * question; see internal.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

/* The key sits right after the entry, in the same allocation. */
static void *entry_with_room(size_t size, size_t keylen)
{
	struct iow_key *k;

	if (keylen > UINT32_MAX || !(k = calloc(1, size + keylen)))
		return NULL;
	k->bytes = (char *)k + size;
	k->len = (uint32_t)keylen;
	return k;
}

void *iow_key_entry(size_t size, char kind, const char *a, const char *b, const char *c)
{
	const char *s[3] = { a ? a : "\001", b ? b : "\001", c ? c : "\001" };
	size_t len[3], i, n = 2;
	struct iow_key *k;
	char *p;

	for (i = 0; i < 3; i++) {
		len[i] = strlen(s[i]);
		n += len[i] + 1;
	}
	if (!(k = entry_with_room(size, n)))
		return NULL;
	p = (char *)k->bytes;
	*p++ = kind;
	*p++ = '\0';
	for (i = 0; i < 3; i++) {
		memcpy(p, s[i], len[i] + 1);
		p += len[i] + 1;
	}
	return k;
}

void *iow_key_entry_raw(size_t size, const void *bytes, uint32_t len)
{
	struct iow_key *k = entry_with_room(size, len);

	if (k)
		memcpy((char *)k->bytes, bytes, len);
	return k;
}

static hashval_t key_hash(const void *p)
{
	const struct iow_key *k = p;

	return iterative_hash(k->bytes, k->len, 0);
}

static int key_eq(const void *a, const void *b)
{
	const struct iow_key *x = a, *y = b;

	return x->len == y->len && memcmp(x->bytes, y->bytes, x->len) == 0;
}

htab_t iow_keytab_create(size_t n, htab_del del)
{
	return htab_create_alloc(n, key_hash, key_eq, del, calloc, free);
}

void *iow_keytab_find(htab_t table, char kind, const char *a, const char *b, const char *c)
{
	struct iow_key *key;
	void *found;

	if (!table || !(key = iow_key_entry(sizeof(*key), kind, a, b, c)))
		return NULL;
	found = htab_find(table, key);
	free(key);
	return found;
}

void *iow_keytab_insert(htab_t table, void *entry, bool *inserted)
{
	void **slot;

	*inserted = false;
	if (!entry)
		return NULL;
	slot = htab_find_slot(table, entry, INSERT);
	if (!slot) {
		table->del_f(entry);
		return NULL;
	}
	if (*slot) {
		table->del_f(entry);
		return *slot;
	}
	*inserted = true;
	return *slot = entry;
}
