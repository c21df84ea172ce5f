/* addrset: see addrset.h.  libiberty's hash table, keyed by the address
 * itself (never dereferenced); 0 and 1 are libiberty's empty and deleted
 * markers, so those two addresses are kept aside.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include <libiberty/hashtab.h> /* needs size_t first */

#include "util/addrset.h"

struct iow_addrset {
	htab_t tab;
	bool small[2];
};

static hashval_t hash_addr(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	return (hashval_t)(a ^ (a >> 29));
}

static int eq_addr(const void *a, const void *b)
{
	return a == b;
}

struct iow_addrset *iow_addrset_create(void)
{
	struct iow_addrset *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	set->tab = htab_create_alloc(256, hash_addr, eq_addr, NULL, calloc, free);
	if (!set->tab) {
		free(set);
		return NULL;
	}
	return set;
}

void iow_addrset_destroy(struct iow_addrset *set)
{
	if (!set)
		return;
	htab_delete(set->tab);
	free(set);
}

int iow_addrset_add(struct iow_addrset *set, uint64_t addr)
{
	void **slot;

	if (addr < 2) {
		bool had = set->small[addr];

		set->small[addr] = true;
		return had ? 0 : 1;
	}
	slot = htab_find_slot(set->tab, (void *)(uintptr_t)addr, INSERT);
	if (!slot)
		return -1;
	if (*slot)
		return 0;
	*slot = (void *)(uintptr_t)addr;
	return 1;
}
