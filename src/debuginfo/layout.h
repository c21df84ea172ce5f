/* layout: the struct layouts a walker needs, declared as a table and
 * probed from the DWARF in one call.
 *
 * Each walker keeps what it needs in a struct of its own and describes
 * what fills it, one entry a line:
 *
 *	struct layout {
 *		uint64_t va_size, va_start, va_flags, node_size, node_busy, list;
 *		bool per_node;
 *	};
 *	static const struct iow_layout_field fields[] = {
 *		IOW_LAYOUT_SIZE(struct layout, "vmap_area", va_size),
 *		IOW_LAYOUT_MEMBER(struct layout, "vmap_area", "va_start", va_start),
 *		IOW_LAYOUT_OPTIONAL(struct layout, "vmap_area", "flags", va_flags,
 *				    "6.3: vmap_area.flags marks vm_map_ram areas (mm/vmalloc.c)"),
 *		IOW_LAYOUT_GROUP(struct layout, per_node,
 *				 "6.9: per-node lists in struct vmap_node (mm/vmalloc.c)"),
 *		IOW_LAYOUT_SIZE(struct layout, "vmap_node", node_size),
 *		IOW_LAYOUT_MEMBER(struct layout, "vmap_node", "busy.head", node_busy),
 *		IOW_LAYOUT_ELSE,
 *		IOW_LAYOUT_VARIABLE(struct layout, "vmap_area_list", list),
 *		IOW_LAYOUT_END,
 *	};
 *	err = iow_layout_probe(dbg, "vfree", fields, IOW_LAYOUT_COUNT(fields), &l);
 *
 * What an entry can ask for: a struct's size, a member's offset (with its
 * size, or an array's element count), an enumerator's value, a variable's
 * or an ELF symbol's link-time address (add the KASLR offset for the
 * running kernel's).
 *
 * Required or optional: an entry is required unless it says which kernel
 * change (or configuration) it follows.  A required entry that the vmlinux
 * lacks fails the probe (IOW_ERR_NOTFOUND, naming what is missing); an
 * optional one is set to IOW_LAYOUT_ABSENT (its size and count to 0).
 *
 * Groups: what one kernel change brought comes together or not at all.
 * The entries between IOW_LAYOUT_GROUP and IOW_LAYOUT_ELSE (or
 * IOW_LAYOUT_END) are decided by the first of them: if the vmlinux has it,
 * the group's flag is true and the others are required; if not, the flag
 * is false, every entry of the group is absent, and the entries between
 * IOW_LAYOUT_ELSE and IOW_LAYOUT_END (what came before the change) are
 * required instead; with a group present they are absent.  An ELSE entry
 * may write the field of one of the group's entries: that field then holds
 * whichever the vmlinux has (a group's flag says which).  A group cites
 * its change once; its entries are plain required ones.  Groups do not
 * nest.  A failure names the change: "this kernel has struct vmap_node
 * (6.9: ...) but not all that goes with it: ...".
 *
 * Fields are checked at compile time: uint64_t for sizes, offsets,
 * counts and addresses, int64_t for enumerators, bool for a group's flag.
 * Members must lie within their struct when its size is probed earlier in
 * the table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_DEBUGINFO_LAYOUT_H
#define IOW_DEBUGINFO_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debuginfo/debuginfo.h"

#define IOW_LAYOUT_ABSENT UINT64_MAX
#define IOW_LAYOUT_NONE ((size_t)-1)

enum iow_layout_what {
	IOW_LAYOUT_OFFSET,      /* member PATH of TYPE: its offset (from the outermost struct) */
	IOW_LAYOUT_SIZEOF,      /* TYPE's size (PATH is NULL) */
	IOW_LAYOUT_ENUMVAL,     /* enumerator PATH of enum TYPE (NULL: of any enum) */
	IOW_LAYOUT_VARADDR,     /* variable PATH: DW_AT_location, else its ELF symbol */
	IOW_LAYOUT_SYMADDR,     /* ELF symbol PATH */
	IOW_LAYOUT_GROUP_BEGIN, /* a group: AT is its flag (bool), SINCE its change */
	IOW_LAYOUT_GROUP_ELSE,  /* what the vmlinux must have instead when the group is absent */
	IOW_LAYOUT_GROUP_END,
};

struct iow_layout_field {
	enum iow_layout_what what;
	const char *type;    /* struct (or union, or typedef of one), or enum; else NULL */
	const char *path;    /* member path as iow_debuginfo_member() takes it, or a name */
	size_t at;           /* offsetof(LAYOUT, field) of the answer */
	size_t size_at;      /* where the member's size goes (uint64_t), or IOW_LAYOUT_NONE */
	size_t count_at;     /* where an array member's element count goes, or IOW_LAYOUT_NONE */
	const char *since;   /* NULL: required; else optional, and the kernel change it follows */
};

/* offsetof(L, F), and a compile error unless F is of type T. */
#define IOW_LAYOUT_AT_(L, F, T)                                                                    \
	(offsetof(L, F) +                                                                           \
	 0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((L *)0)->F), T) ? 1 : -1]))
#define IOW_LAYOUT_U64_(L, F) IOW_LAYOUT_AT_(L, F, uint64_t)
#define IOW_LAYOUT_ENTRY_(what, type, path, at, size_at, count_at, since) \
	{ what, type, path, at, size_at, count_at, since }

#define IOW_LAYOUT_SIZE(L, type, field)                                                     \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_SIZEOF, type, NULL, IOW_LAYOUT_U64_(L, field), IOW_LAYOUT_NONE, \
			  IOW_LAYOUT_NONE, NULL)
#define IOW_LAYOUT_MEMBER(L, type, path, field)                                                \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_OFFSET, type, path, IOW_LAYOUT_U64_(L, field), IOW_LAYOUT_NONE, \
			  IOW_LAYOUT_NONE, NULL)
/* ... with the member's size into SIZE_FIELD (and, for an array, its count). */
#define IOW_LAYOUT_MEMBER_SIZED(L, type, path, field, size_field)                               \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_OFFSET, type, path, IOW_LAYOUT_U64_(L, field),             \
			  IOW_LAYOUT_U64_(L, size_field), IOW_LAYOUT_NONE, NULL)
#define IOW_LAYOUT_ARRAY(L, type, path, field, size_field, count_field)                        \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_OFFSET, type, path, IOW_LAYOUT_U64_(L, field),            \
			  IOW_LAYOUT_U64_(L, size_field), IOW_LAYOUT_U64_(L, count_field), NULL)
/* The value of ENUMERATOR of enum ENUM_TYPE (NULL: of whichever enum has it). */
#define IOW_LAYOUT_ENUM(L, enum_type, enumerator, field)                                   \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_ENUMVAL, enum_type, enumerator,                           \
			  IOW_LAYOUT_AT_(L, field, int64_t), IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, NULL)
/* A variable's link-time address (iow_debuginfo_variable: static ones of
 * the hint's CU too). */
#define IOW_LAYOUT_VARIABLE(L, name, field)                                                  \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_VARADDR, NULL, name, IOW_LAYOUT_U64_(L, field),          \
			  IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, NULL)
/* An ELF symbol's link-time address (iow_debuginfo_symbol: no DWARF asked). */
#define IOW_LAYOUT_SYMBOL(L, name, field)                                                    \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_SYMADDR, NULL, name, IOW_LAYOUT_U64_(L, field),          \
			  IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, NULL)

/* Optional entries: SINCE names the kernel change or option they follow. */
#define IOW_LAYOUT_OPTIONAL(L, type, path, field, since)                                       \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_OFFSET, type, path, IOW_LAYOUT_U64_(L, field), IOW_LAYOUT_NONE, \
			  IOW_LAYOUT_NONE, since)
#define IOW_LAYOUT_OPTIONAL_SIZE(L, type, field, since)                                     \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_SIZEOF, type, NULL, IOW_LAYOUT_U64_(L, field), IOW_LAYOUT_NONE, \
			  IOW_LAYOUT_NONE, since)
#define IOW_LAYOUT_OPTIONAL_SYMBOL(L, name, field, since)                                    \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_SYMADDR, NULL, name, IOW_LAYOUT_U64_(L, field),          \
			  IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, since)

/* A group (see above): FLAG (bool) says whether the vmlinux has it. */
#define IOW_LAYOUT_GROUP(L, flag, since)                                                       \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_GROUP_BEGIN, NULL, NULL, IOW_LAYOUT_AT_(L, flag, bool),    \
			  IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, since)
#define IOW_LAYOUT_ELSE \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_GROUP_ELSE, NULL, NULL, 0, IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, NULL)
#define IOW_LAYOUT_END \
	IOW_LAYOUT_ENTRY_(IOW_LAYOUT_GROUP_END, NULL, NULL, 0, IOW_LAYOUT_NONE, IOW_LAYOUT_NONE, NULL)

#define IOW_LAYOUT_COUNT(fields) (sizeof(fields) / sizeof((fields)[0]))

/* Fill LAYOUT (the walker's struct) from the N entries of FIELDS, looking
 * each type, enumerator and variable up in HINT's CU first (see
 * iow_debuginfo_struct_size).  Errors: IOW_ERR_NOTFOUND for a required
 * entry the vmlinux lacks, IOW_ERR_DATA for a member outside its struct,
 * IOW_ERR_INVALID for a malformed table (a group without entries, nested,
 * or not ended); others as the lookups return them. */
struct iow_error *iow_layout_probe(struct iow_debuginfo *dbg, const char *hint,
				   const struct iow_layout_field *fields, size_t n, void *layout);

static inline bool iow_layout_has(uint64_t value)
{
	return value != IOW_LAYOUT_ABSENT;
}

#endif
