/* addrset: the set the walkers' cycle checks rely on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tap.h"
#include "util/addrset.h"

int main(void)
{
	struct iow_addrset *s = iow_addrset_create();
	uint64_t i;
	int fresh = 0, again = 0;

	tap_ok(s != NULL, "created");
	tap_is_int(iow_addrset_add(s, 0xffff888000001000ULL), 1, "a new address is added");
	tap_is_int(iow_addrset_add(s, 0xffff888000001000ULL), 0, "the same address is seen again");
	tap_is_int(iow_addrset_add(s, 0), 1, "address 0 (libiberty's empty marker) is added");
	tap_is_int(iow_addrset_add(s, 0), 0, "address 0 is seen again");
	tap_is_int(iow_addrset_add(s, 1), 1, "address 1 (libiberty's deleted marker) is added");
	tap_is_int(iow_addrset_add(s, 1), 0, "address 1 is seen again");
	for (i = 0; i < 200000; i++)
		fresh += iow_addrset_add(s, 0xffffc90000000000ULL + i * 64) == 1;
	for (i = 0; i < 200000; i++)
		again += iow_addrset_add(s, 0xffffc90000000000ULL + i * 64) == 0;
	tap_is_int(fresh, 200000, "200,000 distinct addresses are all new");
	tap_is_int(again, 200000, "and all seen the second time");
	iow_addrset_destroy(s);
	iow_addrset_destroy(NULL);
	tap_ok(1, "destroy takes NULL");
	return tap_done();
}
