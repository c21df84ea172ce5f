/* elfnote: the GNU build ID out of a run of ELF notes (a kernel's notes
 * section, /sys/kernel/notes), with no I/O.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_UTIL_ELFNOTE_H
#define IOW_UTIL_ELFNOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NT_GNU_BUILD_ID, gABI notes: Elf64_Nhdr (namesz, descsz, type), the
 * name and the descriptor each padded to 4 bytes. */
#define IOW_NT_GNU_BUILD_ID 3

/* Find the GNU build ID among the LEN bytes of notes at NOTES: copy it to
 * ID (room for MAX bytes) and set *ID_LEN.  False if there is none (or it
 * is longer than MAX); a note that overruns the buffer ends the search. */
bool iow_elf_notes_build_id(const uint8_t *notes, size_t len, uint8_t *id, size_t max,
			    size_t *id_len);
/* ID as lowercase hex into OUT (room for 2 * LEN + 1; LEN at most 64). */
void iow_build_id_hex(const uint8_t *id, size_t len, char *out);

#endif
