/* addrset: a set of 64-bit addresses, for the walkers' cycle checks (has
 * this list entry, tree node or resource been seen before?).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_UTIL_ADDRSET_H
#define IOW_UTIL_ADDRSET_H

#include <stdint.h>

struct iow_addrset;

struct iow_addrset *iow_addrset_create(void); /* NULL: out of memory */
void iow_addrset_destroy(struct iow_addrset *set);
/* 1 if ADDR was added, 0 if it was there already, -1 out of memory. */
int iow_addrset_add(struct iow_addrset *set, uint64_t addr);

#endif
