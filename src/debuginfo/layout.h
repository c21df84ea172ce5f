/* layout: the struct layouts a walker needs, declared as a table and
 * probed from the DWARF in one call.
 *
 * Each walker keeps its offsets in a struct of its own (uint64_t fields)
 * and describes what fills them:
 *
 *	static const struct iow_layout_field resource_fields[] = {
 *		IOW_LAYOUT_SIZE(struct res_layout, "resource", size),
 *		IOW_LAYOUT_MEMBER(struct res_layout, "resource", "start", start),
 *		IOW_LAYOUT_OPTIONAL(struct res_layout, "vmap_area", "flags", va_flags,
 *				    "6.9: vmap_area.flags, VMAP_RAM (mm/vmalloc.c)"),
 *	};
 *
 * A required entry that the vmlinux lacks fails the probe (IOW_ERR_NOTFOUND,
 * naming type and member); an optional one is set to IOW_LAYOUT_ABSENT, and
 * must cite the kernel change it follows: that is where kernels differ, and
 * the table is where a reader finds out how.  Members must lie within the
 * struct when its size is probed too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_DEBUGINFO_LAYOUT_H
#define IOW_DEBUGINFO_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "debuginfo/debuginfo.h"

#define IOW_LAYOUT_ABSENT UINT64_MAX
#define IOW_LAYOUT_NONE ((size_t)-1)

enum iow_layout_what {
	IOW_LAYOUT_OFFSET, /* the member's offset (from the outermost struct) */
	IOW_LAYOUT_SIZEOF, /* the struct's size (PATH is NULL) */
};

struct iow_layout_field {
	enum iow_layout_what what;
	const char *type;    /* struct (or union, or typedef of one) */
	const char *path;    /* member path, as iow_debuginfo_member() takes it */
	size_t at;           /* offsetof(LAYOUT, field): a uint64_t */
	size_t size_at;      /* where the member's size goes (uint64_t), or IOW_LAYOUT_NONE */
	size_t count_at;     /* where an array member's element count goes, or IOW_LAYOUT_NONE */
	const char *since;   /* NULL: required; else optional, and the kernel change it follows */
};

#define IOW_LAYOUT_SIZE(L, type, field) \
	{ IOW_LAYOUT_SIZEOF, type, NULL, offsetof(L, field), IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, NULL }
#define IOW_LAYOUT_MEMBER(L, type, path, field) \
	{ IOW_LAYOUT_OFFSET, type, path, offsetof(L, field), IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, NULL }
/* ... with the member's size into SIZE_FIELD (and, for an array, its count). */
#define IOW_LAYOUT_MEMBER_SIZED(L, type, path, field, size_field) \
	{ IOW_LAYOUT_OFFSET, type, path, offsetof(L, field), offsetof(L, size_field), IOW_LAYOUT_NONE, NULL }
#define IOW_LAYOUT_ARRAY(L, type, path, field, size_field, count_field)                          \
	{ IOW_LAYOUT_OFFSET, type, path, offsetof(L, field), offsetof(L, size_field),             \
	  offsetof(L, count_field), NULL }
#define IOW_LAYOUT_OPTIONAL(L, type, path, field, since) \
	{ IOW_LAYOUT_OFFSET, type, path, offsetof(L, field), IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, since }
#define IOW_LAYOUT_OPTIONAL_SIZE(L, type, field, since) \
	{ IOW_LAYOUT_SIZEOF, type, NULL, offsetof(L, field), IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, since }

#define IOW_LAYOUT_COUNT(fields) (sizeof(fields) / sizeof((fields)[0]))

/* Fill LAYOUT (the walker's struct) from the N entries of FIELDS, looking
 * each type up in HINT's CU first (see iow_debuginfo_struct_size).  An
 * absent optional entry becomes IOW_LAYOUT_ABSENT (its size and count 0).
 * Errors: IOW_ERR_NOTFOUND for a required entry the vmlinux lacks,
 * IOW_ERR_DATA for a member outside its struct. */
struct iow_error *iow_layout_probe(struct iow_debuginfo *dbg, const char *hint,
				   const struct iow_layout_field *fields, size_t n, void *layout);

static inline int iow_layout_has(uint64_t offset)
{
	return offset != IOW_LAYOUT_ABSENT;
}

#endif
