/* list: see list.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>

#include "kernel/list.h"
#include "util/addrset.h"

struct iow_error *iow_kernel_list_walk(struct iow_kernel *k, uint64_t head, const char *what,
				       size_t max, iow_list_fn fn, void *ctx)
{
	/* struct list_head { next, prev } (include/linux/types.h) */
	uint64_t node[2], prev = head, cur;
	struct iow_error *err;
	size_t n = 0;
	struct iow_addrset *seen;

	if ((err = iow_kernel_read(k, head, node, sizeof(node))))
		return iow_error_wrap(err, "reading the head of %s", what);
	seen = iow_addrset_create();
	if (!seen)
		return &iow_error_nomem;
	cur = node[0];
	while (cur != head) {
		int added;

		if (n++ >= max) {
			err = iow_error_at(IOW_ERR_DATA, cur, "%s has more than %zu entries: stopped at 0x%"
					   PRIx64, what, max, cur);
			break;
		}
		added = iow_addrset_add(seen, cur);
		if (added < 0) {
			err = &iow_error_nomem;
			break;
		}
		if (!added) {
			err = iow_error_at(IOW_ERR_DATA, cur, "%s has a cycle: entry 0x%" PRIx64
					   " comes again", what, cur);
			break;
		}
		if ((err = iow_kernel_read(k, cur, node, sizeof(node)))) {
			err = iow_error_wrap(err, "%s entry after 0x%" PRIx64, what, prev);
			break;
		}
		if (node[1] != prev) {
			err = iow_error_at(IOW_ERR_DATA, cur, "%s entry 0x%" PRIx64 " does not point back to 0x%"
					   PRIx64 " (its prev is 0x%" PRIx64 ")", what, cur, prev, node[1]);
			break;
		}
		if ((err = fn(ctx, cur)))
			break;
		prev = cur;
		cur = node[0];
	}
	iow_addrset_destroy(seen);
	return err;
}
