/* Test "physical memory" for the page-table walks of the arch unit tests:
 * 8 pages, page N at physical 0x10000 * (N + 1); any other address faults.
 * Included once per test program (static definitions).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef IOW_TESTS_PT_MEMORY_H
#define IOW_TESTS_PT_MEMORY_H

#include <inttypes.h>
#include <string.h>

#include "kernel/internal.h"

#define PT_PAGES 8
static uint64_t phys[PT_PAGES][512];

static uint64_t page_pa(int n)
{
	return 0x10000ULL * (uint64_t)(n + 1);
}

static struct iow_error *test_read_pa(struct iow_kernel *k, uint64_t pa, void *buf, size_t len)
{
	int n = (int)(pa / 0x10000) - 1;
	uint64_t off = pa % 0x10000;

	(void)k;
	if (n < 0 || n >= PT_PAGES || off + len > sizeof(phys[0]))
		return iow_error_at(IOW_ERR_FAULT, pa, "no test memory at 0x%" PRIx64, pa);
	memcpy(buf, (uint8_t *)phys[n] + off, len);
	return NULL;
}

static const struct iow_kmem_ops test_mem = { .name = "test", .read_pa = test_read_pa };

#endif
