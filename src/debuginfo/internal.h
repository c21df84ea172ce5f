/* debuginfo internals: the state shared by debuginfo.c (the file, build
 * ID), symbols.c (ELF symbol table), kallsyms.c (%pS), the DWARF lookups
 * (dwarf.c: finding CUs and top-level DIEs; members.c: struct sizes and
 * members; values.c: enumerators and variables), index.c (the on-disk
 * index) and keytab.c (the tables both keep answers in).
 * Nothing outside src/debuginfo/ includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_DEBUGINFO_INTERNAL_H
#define IOW_DEBUGINFO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <libiberty/hashtab.h>

#include "debuginfo/debuginfo.h"

/* One defined ELF symbol.  NAME points into the file's .strtab, which stays
 * mapped for the life of the handle, so nothing is copied. */
struct iow_sym {
	uint64_t addr;
	uint64_t size;
	const char *name;
	uint32_t hash;      /* of the name (symbols.c) */
	uint32_t index;     /* in .symtab */
	uint32_t file;      /* .symtab index of the STT_FILE symbol a local follows, else 0 */
	uint32_t next_same; /* next symbol of the same name (index into syms), or IOW_SYM_END */
	uint16_t shndx;
	uint8_t bind;       /* STB_* */
	uint8_t type;       /* STT_* */
};

#define IOW_SYM_END UINT32_MAX

/* The kallsyms emulation (kallsyms.c), built on first use. */
struct iow_ksyms {
	/* the kernel's kallsyms table, in its order: addresses, and names as
	 * offsets into .strtab (dbg->strtab), so that the index can keep it */
	uint64_t *addrs;
	uint32_t *names;
	size_t count;
	uint64_t stext, etext, sinittext, einittext, end;
	bool all_symbols;     /* CONFIG_KALLSYMS_ALL: data symbols are in the table too */
	bool lists_itself;    /* the kallsyms_* tables' own symbols are in it */
	int64_t file_count;   /* kallsyms_num_syms as stored in the file, or -1 */
};

struct iow_debuginfo {
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dwarf;          /* NULL when the file has no DWARF (only the symbol table works) */
	uint8_t *build_id;
	size_t build_id_len;

	/* ELF symbols (symbols.c), loaded on first use */
	bool syms_tried;
	struct iow_error *syms_err; /* why loading failed, replayed to every caller */
	struct iow_sym *syms;      /* in .symtab order (so locals follow their STT_FILE) */
	size_t nsyms;
	struct name_slot *names;   /* name -> first symbol of that name (chained by next_same) */
	size_t name_slots;         /* a power of two */
	size_t symtab_shndx;       /* section index of .symtab */

	const char *strtab;        /* .strtab, in the mapping (symbols.c, index.c) */
	uint64_t strtab_size;
	/* kallsyms (kallsyms.c) */
	bool ksyms_tried;
	bool ksyms_from_index;     /* the table came from the index (index.c) */
	struct iow_error *ksyms_err;
	struct iow_ksyms ksyms;

	/* DWARF lookups (dwarf.c) */
	htab_t type_cache;         /* "kind\0name\0hint" -> DIE offset, or "not there" */
	bool prefetched;           /* CU headers asked for (dwarf.c) */
	uint8_t *info_map;         /* .debug_info in the file's mapping, for madvise() */
	size_t info_size;
	/* the on-disk index (index.c) */
	htab_t index;              /* answers: "kind\0a\0b\0c\0" -> values or "not there" */
	bool index_on;             /* there is a place for it */
	bool index_dirty;          /* answers added since it was read */
	/* its kallsyms table, mapped and not yet taken: copied (and checked)
	 * only when a command needs it (iow_index_take_ksyms) */
	void *index_map;
	size_t index_map_len;
	const uint8_t *index_ksyms; /* NULL: none waiting */
	struct iow_ksyms index_ksyms_hdr; /* its count and bounds; addrs, names NULL */
	struct iow_debuginfo_stats stats;
};

/* keytab.c: the tables debuginfo keeps its answers in, the DWARF lookup
 * cache (dwarf.c: DIE offsets) and the on-disk index (index.c: values):
 * libiberty hash tables of entries whose first member is a struct
 * iow_key, the question as bytes, KIND NUL A NUL B NUL C NUL, with "\001"
 * for a NULL string (a missing hint is not an empty one).  The index
 * writes these bytes to its file as they are. */
struct iow_key {
	const char *bytes;  /* in the entry's own allocation, after it */
	uint32_t len;
};
/* A zeroed entry of SIZE bytes with the key KIND A B C; NULL when out of
 * memory.  One free() frees both. */
void *iow_key_entry(size_t size, char kind, const char *a, const char *b, const char *c);
/* The same, with the key's LEN bytes as they are (read from the index). */
void *iow_key_entry_raw(size_t size, const void *bytes, uint32_t len);
/* A table of such entries; DEL (not NULL) frees one. */
htab_t iow_keytab_create(size_t n, htab_del del);
/* The entry of TABLE (may be NULL) with the key KIND A B C, or NULL. */
void *iow_keytab_find(htab_t table, char kind, const char *a, const char *b, const char *c);
/* Put ENTRY (may be NULL: out of memory) into TABLE unless an entry with
 * its key is there; either way the entry now in the table, ENTRY freed if
 * it is not that one.  *INSERTED says whether ENTRY went in.  NULL when out
 * of memory. */
void *iow_keytab_insert(htab_t table, void *entry, bool *inserted);

/* symbols.c */
struct iow_error *iow_debuginfo_load_symbols(struct iow_debuginfo *dbg);
void iow_debuginfo_free_symbols(struct iow_debuginfo *dbg);
/* The first symbol named NAME (a chain through next_same), or NULL. */
const struct iow_sym *iow_debuginfo_sym_chain(struct iow_debuginfo *dbg, const char *name);
/* The name of the STT_FILE symbol with .symtab index FILE, or NULL. */
const char *iow_debuginfo_sym_file_name(struct iow_debuginfo *dbg, uint32_t file);

/* kallsyms.c */
void iow_debuginfo_free_ksyms(struct iow_debuginfo *dbg);

/* index.c: the answers of the public lookups, kept on disk by build ID.
 * An answer is up to IOW_INDEX_VALUES numbers, or "not there"
 * (IOW_ERR_NOTFOUND and its message); KIND and up to three strings (NULL
 * allowed) name the question. */
#define IOW_INDEX_VALUES 6
void iow_index_load(struct iow_debuginfo *dbg);
void iow_index_save(struct iow_debuginfo *dbg);
void iow_index_free(struct iow_debuginfo *dbg);
/* The kallsyms table the index holds, if one waits: into dbg->ksyms (true),
 * or false if there is none or it is malformed (then it is built). */
bool iow_index_take_ksyms(struct iow_debuginfo *dbg);
/* True if the index has the answer: V filled, or *ERR the "not there". */
bool iow_index_get(struct iow_debuginfo *dbg, char kind, const char *a, const char *b,
		   const char *c, uint64_t v[IOW_INDEX_VALUES], struct iow_error **err);
/* Keep an answer: V, or ERR when it is IOW_ERR_NOTFOUND (others are not kept). */
void iow_index_put(struct iow_debuginfo *dbg, char kind, const char *a, const char *b,
		   const char *c, const uint64_t v[IOW_INDEX_VALUES], const struct iow_error *err);
/* debuginfo.c: copy LEN bytes at link-time address ADDR out of the file's allocated
 * PROGBITS sections.  False if they are not all in one such section. */
bool iow_debuginfo_read_image(struct iow_debuginfo *dbg, uint64_t addr, void *buf, size_t len);

/* madvise() bytes [OFF, OFF+LEN) of .debug_info (LEN is clipped to the
 * section): advice only, so a no-op when it cannot be given. */
void iow_debuginfo_advise_info(struct iow_debuginfo *dbg, uint64_t off, uint64_t len, int advice);

/* A monotonic clock in nanoseconds, for the stats. */
uint64_t iow_debuginfo_now_ns(void);

/* dwarf.c: finding things in the DWARF, for members.c and values.c. */
void iow_debuginfo_free_dwarf_caches(struct iow_debuginfo *dbg);

/* A matcher looks at one top-level DIE of a CU.  It returns 1 for a match
 * (RESULT set), 0 to go on; it may keep a weaker candidate in its state. */
typedef int (*iow_dwarf_match_fn)(Dwarf_Die *die, void *state, Dwarf_Die *result);
/* When no DIE matched, the weaker candidate the matcher kept in STATE, if
 * any (into RESULT). */
typedef bool (*iow_dwarf_fallback_fn)(void *state, Dwarf_Die *result);

/* The top-level DIE that MATCH accepts, for the question KIND NAME HINT,
 * cached: searched in HINT's CU, then, if EVERYWHERE, in every other CU;
 * failing that, FALLBACK's (may be NULL).  *FOUND says whether RESULT is
 * set.  Errors: no DWARF, out of memory. */
struct iow_error *iow_dwarf_search(struct iow_debuginfo *dbg, char kind, const char *name,
				   const char *hint, iow_dwarf_match_fn match,
				   iow_dwarf_fallback_fn fallback, void *state, bool everywhere,
				   Dwarf_Die *result, bool *found);
/* The CU of function HINT (through .debug_aranges), cached; *FOUND false
 * when HINT is NULL, not a symbol, or in no CU. */
struct iow_error *iow_dwarf_hint_cu(struct iow_debuginfo *dbg, const char *hint, Dwarf_Die *cudie,
				    bool *found);
/* Type NAME, a struct or union when TAG is 0, else an enum (see dwarf.c). */
struct iow_error *iow_dwarf_find_type(struct iow_debuginfo *dbg, int tag, const char *name,
				      const char *hint, Dwarf_Die *result);
/* The element count of the first dimension of ARRAY (0 for a flexible or
 * unknown bound), the size of one element of that dimension, its element
 * type and number of dimensions. */
bool iow_dwarf_array_info(Dwarf_Die *array, uint64_t *count, uint64_t *elem_size, Dwarf_Die *elem,
			  int *dims);
struct iow_error *iow_dwarf_no_dwarf(struct iow_debuginfo *dbg);

/* Work out the answer to a question of the public lookups into V. */
typedef struct iow_error *(*iow_dwarf_answer_fn)(struct iow_debuginfo *dbg, const char *a,
						 const char *b, const char *c,
						 uint64_t v[IOW_INDEX_VALUES]);
/* The answer to the question KIND A B C, from the on-disk index, else from
 * FN (its time counted as DWARF time) and then kept in the index. */
struct iow_error *iow_dwarf_answer(struct iow_debuginfo *dbg, char kind, const char *a,
				   const char *b, const char *c, iow_dwarf_answer_fn fn,
				   uint64_t v[IOW_INDEX_VALUES]);

/* Small questions to a DIE. */
static inline bool die_name_is(Dwarf_Die *die, const char *name)
{
	const char *n = dwarf_diename(die);

	return n && strcmp(n, name) == 0;
}

static inline bool die_is_declaration(Dwarf_Die *die)
{
	bool flag = false;
	Dwarf_Attribute a;

	return dwarf_attr(die, DW_AT_declaration, &a) && dwarf_formflag(&a, &flag) == 0 && flag;
}

/* The type DW_AT_type of DIE refers to, or false for none (void). */
static inline bool die_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, type);
}

/* The type of DIE with typedefs and qualifiers taken off. */
static inline bool die_peeled_type(Dwarf_Die *die, Dwarf_Die *type)
{
	return die_type(die, type) && dwarf_peel_type(type, type) == 0;
}

static inline bool die_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word *val)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, name, &a) && dwarf_formudata(&a, val) == 0;
}

static inline uint64_t die_type_size(Dwarf_Die *type)
{
	Dwarf_Word size;

	return dwarf_aggregate_size(type, &size) == 0 ? size : 0;
}

static inline bool tag_is_aggregate(int tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type;
}

#endif
