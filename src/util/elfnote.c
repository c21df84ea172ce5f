/* elfnote: see elfnote.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "util/elfnote.h"

bool iow_elf_notes_build_id(const uint8_t *notes, size_t len, uint8_t *id, size_t max,
			    size_t *id_len)
{
	size_t pos = 0;

	while (len - pos >= 12 && pos <= len) {
		uint32_t namesz, descsz, type;
		size_t name_off = pos + 12, desc_off;

		memcpy(&namesz, notes + pos, 4);
		memcpy(&descsz, notes + pos + 4, 4);
		memcpy(&type, notes + pos + 8, 4);
		if (namesz > len || descsz > len)
			break;
		desc_off = name_off + ((namesz + 3) & ~3U);
		if (desc_off > len || descsz > len - desc_off)
			break;
		if (type == IOW_NT_GNU_BUILD_ID && namesz == 4 &&
		    memcmp(notes + name_off, "GNU", 4) == 0) {
			if (!descsz || descsz > max)
				return false;
			memcpy(id, notes + desc_off, descsz);
			*id_len = descsz;
			return true;
		}
		pos = desc_off + ((descsz + 3) & ~3U);
	}
	return false;
}

void iow_build_id_hex(const uint8_t *id, size_t len, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len && i < 64; i++) {
		out[2 * i] = d[id[i] >> 4];
		out[2 * i + 1] = d[id[i] & 15];
	}
	out[2 * i] = 0;
}
