/* Growable arrays; see array.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/array.h"

int iow_array_reserve(void *arrayp, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : 2 * n;
	if (!size || n > SIZE_MAX / size)
		return -1;
	memcpy(&p, arrayp, sizeof(p));
	p = realloc(p, n * size);
	if (!p)
		return -1;
	memcpy(arrayp, &p, sizeof(p));
	*cap = n;
	return 0;
}
