/* x86: see x86.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kernel/x86.h"

struct bit {
	int bit;
	const char *name;
	int levels; /* mask of levels (1 << level) where the name applies; 0: all */
};

#define L(n) (1 << (n))
/* Bit 7 is PAT in a 4 KiB PTE and PS (PSE) above; bit 12 is PAT in a huge
 * leaf and an address bit elsewhere, so it is named only for huge leaves
 * (handled in the code below). */
static const struct bit bits[] = {
	{ 0, "P", 0 },   { 1, "RW", 0 },  { 2, "US", 0 },  { 3, "PWT", 0 },
	{ 4, "PCD", 0 }, { 5, "A", 0 },   { 6, "D", L(1) | L(2) | L(3) },
	{ 7, "PAT", L(1) }, { 7, "PSE", L(2) | L(3) },
	{ 8, "G", L(1) | L(2) | L(3) },
	{ 9, "SW1", 0 }, { 10, "SW2", 0 }, { 11, "SW3", 0 },
	{ 57, "SW4", 0 }, { 58, "SW5", 0 },
	{ 63, "NX", 0 },
};

void iow_x86_pte_flags(uint64_t e, int level, char *buf, size_t len)
{
	bool huge = (level == 2 || level == 3) && (e & (1ULL << 7));
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		const struct bit *b = &bits[i];

		if (!(e & (1ULL << b->bit)) || (b->levels && !(b->levels & L(level))))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? " " : "", b->name);
	}
	if (huge && (e & (1ULL << 12)))
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%sPAT",
					 used ? " " : "");
	if ((e >> 59) & 0xf) /* protection key, bits 59-62 */
		snprintf(buf + used, used < len ? len - used : 0, "%sPKEY=%u", used ? " " : "",
			 (unsigned)((e >> 59) & 0xf));
}

unsigned iow_x86_pat_index(uint64_t leaf, bool huge)
{
	unsigned pat = huge ? (leaf >> 12) & 1 : (leaf >> 7) & 1;

	return pat << 2 | ((leaf >> 4) & 1) << 1 | ((leaf >> 3) & 1);
}

const char *iow_x86_level_name(int level, int levels)
{
	switch (level) {
	case 5: return "PGD";
	case 4: return levels == 5 ? "P4D" : "PGD";
	case 3: return "PUD";
	case 2: return "PMD";
	default: return "PTE";
	}
}
