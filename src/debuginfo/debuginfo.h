/* debuginfo: what the walkers need from the vmlinux, found fast.
 *
 * - struct layouts (size, member offsets, bit-fields), enum values and
 *   variables from the DWARF, through elfutils libdw.  The DWARF of a
 *   Debian vmlinux is 150-200 MB in 2,000+ CUs; nothing here indexes it.  A
 *   lookup names a HINT: a function defined in the CU that defines the type
 *   (for struct resource, "__request_region" in kernel/resource.c).  The
 *   hint's address finds its CU through .debug_aranges, which lists code
 *   only (so a variable makes a poor hint), and only that CU's top level is
 *   searched.  Static types that exist in one CU only (struct vmap_node in
 *   mm/vmalloc.c) are found the same way.  Without a usable hint, CUs are
 *   searched one by one: correct, but 0.2-0.7 s.  Every answer, found or
 *   not, is cached per name and hint.
 * - symbols from the ELF symbol table, including those with no typed DWARF
 *   (phys_base, init_top_pgt, _text) and static ones;
 * - the address -> "symbol+0xoff/0xsize" rendering that the kernel's %pS
 *   prints, from the kallsyms table rebuilt as the kernel build builds it;
 * - the build ID.
 *
 * Opening reads only the ELF headers and notes; the symbol table, the
 * kallsyms table and each CU are read on first use.  Addresses here are
 * link-time addresses: add the KASLR offset for the running kernel's.  A
 * handle is not thread-safe (its caches fill as it is used).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_DEBUGINFO_DEBUGINFO_H
#define IOW_DEBUGINFO_DEBUGINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

struct iow_debuginfo;

struct iow_error *iow_debuginfo_open(const char *path, struct iow_debuginfo **out);
void iow_debuginfo_destroy(struct iow_debuginfo *dbg);
const char *iow_debuginfo_path(const struct iow_debuginfo *dbg);

/* The GNU build ID (NT_GNU_BUILD_ID) bytes, or NULL if the file has none. */
const uint8_t *iow_debuginfo_build_id(const struct iow_debuginfo *dbg, size_t *len);
/* The file's ELF e_machine (EM_X86_64 ...): which architecture it is for. */
unsigned iow_debuginfo_machine(const struct iow_debuginfo *dbg);

/* --- ELF symbols -------------------------------------------------------- */

/* The address (and st_size) of symbol NAME: a global one if there is one,
 * else the first local one.  IOW_ERR_NOTFOUND if absent. */
struct iow_error *iow_debuginfo_symbol(struct iow_debuginfo *dbg, const char *name,
				       uint64_t *addr, uint64_t *size);
bool iow_debuginfo_has_symbol(struct iow_debuginfo *dbg, const char *name);

/* What %pS prints for ADDR (link-time) in the kernel image: NAME, the offset
 * from the symbol's start, and the symbol's kallsyms size (distance to the
 * next kallsyms symbol).  False if ADDR is outside the image [_stext, _end)
 * or the file is no kernel. */
struct iow_symbolized {
	const char *name; /* owned by DBG */
	uint64_t offset;
	uint64_t size;
};
bool iow_debuginfo_symbolize(struct iow_debuginfo *dbg, uint64_t addr, struct iow_symbolized *out);
/* Append to OUT what %pS prints for ADDR when ADDR is in the kernel image:
 * "name+0xoff/0xsize" (with "0x0" for a zero offset, as the kernel's
 * vsprintf does).  IOW_ERR_NOTFOUND if ADDR is in no symbol of the image
 * (the kernel then tries the modules, and prints "0x%lx" if that fails
 * too); &iow_error_nomem. */
struct iow_error *iow_debuginfo_format_symbol(struct iow_debuginfo *dbg, uint64_t addr,
					      struct iow_buf *out);

/* How the kallsyms table was reproduced, for diagnostics and tests. */
struct iow_kallsyms_info {
	size_t count;         /* symbols in the reproduced table */
	int64_t file_count;   /* kallsyms_num_syms stored in the vmlinux, -1 if unreadable */
	bool all_symbols;     /* reproduced as with CONFIG_KALLSYMS_ALL */
	bool lists_itself;    /* the kallsyms_* tables are in it (6.12), or not (6.1) */
};
/* Builds the table if needed.  When the file's kallsyms_num_syms is known
 * and differs from COUNT, %pS sizes may be wrong: worth a warning. */
struct iow_error *iow_debuginfo_kallsyms_info(struct iow_debuginfo *dbg,
					      struct iow_kallsyms_info *out);

/* --- DWARF types -------------------------------------------------------- */

struct iow_member {
	uint64_t offset;   /* bytes from the start of the outermost struct */
	uint64_t size;     /* bytes of the member's type (of the storage unit for a bit-field) */
	int bit_offset;    /* bit-fields: bits from OFFSET (little-endian), else 0 */
	int bit_size;      /* bit-fields: width, else 0 */
	uint64_t count;    /* arrays: element count (0 for a flexible array), else 1 */
	uint64_t elem_size;/* arrays: element size, else SIZE */
};

/* The size of struct (or union) NAME ("resource", "vmap_node"; a typedef of
 * one, "spinlock_t", works too), looked up in HINT's CU first.  HINT may be
 * NULL.  When HINT's CU neither defines nor declares NAME, the answer is
 * IOW_ERR_NOTFOUND at once (HINT is meant to be the defining CU, so NAME is
 * not in this kernel); when it only declares NAME, or HINT is NULL or not a
 * symbol with an address in .debug_aranges (a function), every CU is
 * searched: about 0.3 ms each, warm. */
struct iow_error *iow_debuginfo_struct_size(struct iow_debuginfo *dbg, const char *name,
					    const char *hint, uint64_t *size);
/* Member PATH of struct NAME: "start", or nested through embedded structs
 * and anonymous unions: "busy.head", "list.next", "mem" (an array), and
 * through one-dimensional arrays by index: "mem[1].base", "pool[3]".
 * IOW_ERR_NOTFOUND if the struct or member does not exist, IOW_ERR_INVALID
 * for a malformed path or an index past the array's bound. */
struct iow_error *iow_debuginfo_member(struct iow_debuginfo *dbg, const char *name,
				       const char *path, const char *hint, struct iow_member *out);
/* Presence probes, for following kernel changes: no error, just yes/no. */
bool iow_debuginfo_has_member(struct iow_debuginfo *dbg, const char *name, const char *path,
			      const char *hint);
/* The value of enumerator ENUMERATOR (of any enum, e.g. "PG_uncached"),
 * searched in HINT's CU, then in every CU. */
struct iow_error *iow_debuginfo_enum_value(struct iow_debuginfo *dbg, const char *enumerator,
					   const char *hint, int64_t *value);
/* The same within enum ENUM_NAME ("pageflags"), found like a struct: a
 * cheap presence probe, since a missing enumerator of a found enum is
 * IOW_ERR_NOTFOUND at once.  ENUM_NAME NULL is iow_debuginfo_enum_value(). */
struct iow_error *iow_debuginfo_enumerator(struct iow_debuginfo *dbg, const char *enum_name,
					   const char *enumerator, const char *hint,
					   int64_t *value);
/* A variable's address: its DW_AT_location in HINT's CU, else the ELF
 * symbol of that name (a global one, or the local one of HINT's source
 * file).  Covers static variables (vmap_nodes), definitions without a
 * location (gcc 12.2 drops some) and asm-defined symbols.  Only HINT's CU
 * is searched: no hint costs nothing but the DWARF type. */
struct iow_error *iow_debuginfo_variable(struct iow_debuginfo *dbg, const char *name,
					 const char *hint, uint64_t *addr);
/* The same, with the variable's type: SIZE is the size of its type (for an
 * array the whole array, with COUNT and ELEM_SIZE as in struct iow_member).
 * Without a DWARF type (asm-defined symbols such as phys_base), SIZE is the
 * ELF st_size, COUNT 1 and ELEM_SIZE SIZE. */
struct iow_variable {
	uint64_t addr;
	uint64_t size;
	uint64_t count;
	uint64_t elem_size;
	bool from_dwarf;  /* the address came from DW_AT_location, not the ELF symbol */
};
struct iow_error *iow_debuginfo_variable_info(struct iow_debuginfo *dbg, const char *name,
					      const char *hint, struct iow_variable *out);

/* --- cost accounting ---------------------------------------------------- */

struct iow_debuginfo_stats {
	uint64_t type_lookups;    /* struct/enum/variable lookups asked for */
	uint64_t cache_hits;      /* answered from the per-name cache */
	uint64_t hint_hits;       /* found in the hint's CU */
	uint64_t full_scans;      /* had to search CU after CU */
	uint64_t cus_searched;    /* CUs whose top level was searched */
	uint64_t dies_visited;    /* top-level DIEs looked at */
	uint64_t ns_symbols;      /* loading .symtab */
	uint64_t ns_kallsyms;     /* building the kallsyms table */
	uint64_t ns_dwarf;        /* all DWARF lookups */
	uint64_t index_loaded;    /* 1: the on-disk index was read (and is for this file) */
	uint64_t index_hits;      /* answers the index gave */
	uint64_t ns_index;        /* reading and writing it */
};
const struct iow_debuginfo_stats *iow_debuginfo_get_stats(const struct iow_debuginfo *dbg);

#endif
