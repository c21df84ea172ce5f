/* debuginfo: finding things in the DWARF without indexing it, for the
 * lookups of members.c (struct sizes, members) and values.c (enumerators,
 * variables).
 *
 * A Debian vmlinux carries 2,000+ CUs and 150-200 MB of .debug_info; most
 * of them define struct resource all over again.  A lookup therefore names
 * a hint, a function of the CU that defines the type: its address gives the
 * CU through .debug_aranges (dwarf_addrdie), and only that CU's top level is
 * searched.  Only when the hint is missing or its CU lacks a full
 * definition are the CUs searched one after the other, in file order (the
 * widely used types turn up in the first few; a type that is static to one
 * file costs a walk up to that file).  Every answer, found or not, is cached
 * by name and hint.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "debuginfo/internal.h"

/* --- the cache: KIND NAME HINT -> DIE offset (keytab.c) -------------------
 *
 * Kinds: 's' struct/union, 'E' enum, 'e' the enum holding an enumerator,
 * 'v' variable, 'h' the CU of a hint. */

struct cache_entry {
	struct iow_key key; /* first: see internal.h */
	Dwarf_Off off;
	bool valid; /* an answer is there: FOUND at OFF, or not found */
	bool found;
};

/* The entry of KIND NAME HINT, inserted if new.  *OUT is the entry now in
 * the table; *HIT says whether it holds an answer (found or not). */
static struct iow_error *cache_get(struct iow_debuginfo *dbg, char kind, const char *name,
				   const char *hint, struct cache_entry **out, bool *hit)
{
	bool inserted;

	if (!dbg->type_cache && !(dbg->type_cache = iow_keytab_create(64, free)))
		return &iow_error_nomem;
	*out = iow_keytab_insert(dbg->type_cache,
				 iow_key_entry(sizeof(struct cache_entry), kind, name, hint, NULL),
				 &inserted);
	if (!*out)
		return &iow_error_nomem;
	*hit = (*out)->valid;
	return NULL;
}

void iow_debuginfo_free_dwarf_caches(struct iow_debuginfo *dbg)
{
	if (dbg->type_cache)
		htab_delete(dbg->type_cache);
	dbg->type_cache = NULL;
}

/* --- finding CUs and top-level DIEs ---------------------------------------- */

/* Ask for the whole CU to be read ahead: its top-level DIEs are spread
 * over all of it, and .debug_info is mapped MADV_RANDOM (debuginfo.c). */
static void read_ahead_cu(struct iow_debuginfo *dbg, Dwarf_Die *cudie)
{
	Dwarf_Half version;
	uint8_t unit_type, offset_size;
	Dwarf_Off start, next, die_off = dwarf_dieoffset(cudie);
	size_t header_size, fixed;

	if (dwarf_cu_info(cudie->cu, &version, &unit_type, NULL, NULL, NULL, NULL, &offset_size) != 0)
		return;
	/* unit_length, version, then DWARF 5: unit_type, address_size,
	 * debug_abbrev_offset; before: debug_abbrev_offset, address_size */
	fixed = (offset_size == 8 ? 12 : 4) + 2 + offset_size + (version >= 5 ? 2 : 1);
	if (unit_type != DW_UT_compile || die_off < fixed)
		return;
	start = die_off - fixed;
	if (dwarf_next_unit(dbg->dwarf, start, &next, &header_size, NULL, NULL, NULL, NULL, NULL,
			    NULL) != 0 || header_size != fixed || next <= die_off)
		return;
	iow_debuginfo_advise_info(dbg, die_off, next - die_off, MADV_WILLNEED);
}

static bool search_cu(struct iow_debuginfo *dbg, Dwarf_Die *cudie, iow_dwarf_match_fn match,
		      void *state, Dwarf_Die *result)
{
	Dwarf_Die die;

	dbg->stats.cus_searched++;
	if (dwarf_child(cudie, &die) != 0)
		return false;
	do {
		dbg->stats.dies_visited++;
		if (match(&die, state, result) > 0)
			return true;
	} while (dwarf_siblingof(&die, &die) == 0);
	return false;
}

/* Before the first CU lookup: libdw is about to read the header of every
 * CU (see debuginfo.c), one page fault at a time, 2,000+ random reads when
 * the file is not cached.  .debug_aranges names each CU's offset, so ask
 * for all those pages at once and let the reads overlap.  (DWARF 2-5
 * .debug_aranges set header: unit_length, version, debug_info_offset.) */
static void prefetch_cu_headers(struct iow_debuginfo *dbg)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	Elf_Data *data;
	const char *name;
	const uint8_t *p, *end;
	size_t shstrndx;
	uint64_t len, off;
	uint32_t len32, off32;
	bool is64;

	if (dbg->prefetched || elf_getshdrstrndx(dbg->elf, &shstrndx) != 0)
		return;
	dbg->prefetched = true;
	while ((scn = elf_nextscn(dbg->elf, scn)))
		if (gelf_getshdr(scn, &shdr) &&
		    (name = elf_strptr(dbg->elf, shstrndx, shdr.sh_name)) &&
		    strcmp(name, ".debug_aranges") == 0)
			break;
	if (!scn || (shdr.sh_flags & SHF_COMPRESSED) || !(data = elf_getdata(scn, NULL)) ||
	    !data->d_buf)
		return;
	p = data->d_buf;
	end = p + data->d_size;
	while (end - p >= 4 + 2 + 4) {
		memcpy(&len32, p, 4);
		is64 = len32 == 0xffffffff;
		if (is64 && end - p < 12 + 2 + 8)
			break;
		if (is64)
			memcpy(&len, p + 4, 8);
		else
			len = len32;
		if (is64) {
			memcpy(&off, p + 14, 8);
		} else {
			memcpy(&off32, p + 6, 4);
			off = off32;
		}
		iow_debuginfo_advise_info(dbg, off, 64, MADV_WILLNEED);
		if (len > (uint64_t)(end - p) - (is64 ? 12 : 4))
			break;
		p += len + (is64 ? 12 : 4);
	}
}

struct iow_error *iow_dwarf_hint_cu(struct iow_debuginfo *dbg, const char *hint, Dwarf_Die *cudie,
				    bool *found)
{
	struct cache_entry *e;
	struct iow_error *err;
	uint64_t addr;
	bool hit;

	*found = false;
	if (!hint)
		return NULL;
	if ((err = cache_get(dbg, 'h', hint, NULL, &e, &hit)))
		return err;
	if (hit) {
		*found = e->found && dwarf_offdie(dbg->dwarf, e->off, cudie);
		return NULL;
	}
	/* a hint this kernel lacks: then there is no CU to start from */
	err = iow_debuginfo_symbol(dbg, hint, &addr, NULL);
	if (iow_error_catch(&err, IOW_ERR_NOTFOUND)) {
		e->valid = true;
		return NULL;
	}
	if (err)
		return err;
	e->valid = true;
	prefetch_cu_headers(dbg);
	if (!dwarf_addrdie(dbg->dwarf, addr, cudie))
		return NULL;
	e->off = dwarf_dieoffset(cudie);
	e->found = *found = true;
	return NULL;
}

enum search_result {
	FOUND,
	MISSED_IN_HINT, /* the hint's CU was searched and has no match */
	NO_HINT_CU,     /* no hint, or its CU could not be found */
};

static struct iow_error *search_hint(struct iow_debuginfo *dbg, const char *hint,
				     iow_dwarf_match_fn match, void *state, Dwarf_Die *result,
				     Dwarf_Off *cu_off, enum search_result *r)
{
	struct iow_error *err;
	Dwarf_Die cudie;
	bool found;

	*r = NO_HINT_CU;
	if ((err = iow_dwarf_hint_cu(dbg, hint, &cudie, &found)) || !found)
		return err;
	*cu_off = dwarf_dieoffset(&cudie);
	read_ahead_cu(dbg, &cudie);
	*r = MISSED_IN_HINT;
	if (search_cu(dbg, &cudie, match, state, result)) {
		dbg->stats.hint_hits++;
		*r = FOUND;
	}
	return NULL;
}

/* Every CU in file order, but the one at SKIP (already searched). */
static bool search_all(struct iow_debuginfo *dbg, Dwarf_Off skip, iow_dwarf_match_fn match,
		       void *state, Dwarf_Die *result)
{
	Dwarf_Die cudie;
	Dwarf_CU *cu = NULL;
	bool found = false;

	dbg->stats.full_scans++;
	/* CU after CU: the kernel's read-ahead is what this wants */
	iow_debuginfo_advise_info(dbg, 0, UINT64_MAX, MADV_SEQUENTIAL);
	while (dwarf_get_units(dbg->dwarf, cu, &cu, NULL, NULL, &cudie, NULL) == 0) {
		if (dwarf_dieoffset(&cudie) == skip)
			continue;
		if (search_cu(dbg, &cudie, match, state, result)) {
			found = true;
			break;
		}
	}
	iow_debuginfo_advise_info(dbg, 0, UINT64_MAX, MADV_RANDOM);
	return found;
}

struct iow_error *iow_dwarf_no_dwarf(struct iow_debuginfo *dbg)
{
	return iow_error_create(IOW_ERR_NOTFOUND, "%s has no DWARF debug info", dbg->path);
}

struct iow_error *iow_dwarf_search(struct iow_debuginfo *dbg, char kind, const char *name,
				   const char *hint, iow_dwarf_match_fn match,
				   iow_dwarf_fallback_fn fallback, void *state, bool everywhere,
				   Dwarf_Die *result, bool *found)
{
	Dwarf_Off hint_off = (Dwarf_Off)-1;
	struct cache_entry *e;
	struct iow_error *err;
	enum search_result r;
	bool hit;

	*found = false;
	if (!dbg->dwarf)
		return iow_dwarf_no_dwarf(dbg);
	dbg->stats.type_lookups++;
	if ((err = cache_get(dbg, kind, name, hint, &e, &hit)))
		return err;
	if (hit) {
		dbg->stats.cache_hits++;
		*found = e->found && dwarf_offdie(dbg->dwarf, e->off, result);
		return NULL;
	}
	if ((err = search_hint(dbg, hint, match, state, result, &hint_off, &r)))
		return err;
	*found = r == FOUND || (everywhere && search_all(dbg, hint_off, match, state, result)) ||
		 (fallback && fallback(state, result));
	e->valid = true;
	e->found = *found;
	e->off = *found ? dwarf_dieoffset(result) : 0;
	return NULL;
}

/* --- types ---------------------------------------------------------------- */

struct type_match {
	int tag;                 /* DW_TAG_enumeration_type, or 0 for struct/union */
	const char *name;
	bool saw_decl;           /* the CU declares NAME without defining it */
	bool have_typedef;
	Dwarf_Die typedef_target; /* a complete type reached through a typedef NAME */
};

static bool tag_fits(const struct type_match *m, int tag)
{
	return m->tag ? tag == m->tag : tag_is_aggregate(tag);
}

/* A complete struct or union (or enum) NAME; failing that, a typedef NAME
 * of one (so "spinlock_t" works too). */
static int match_type(Dwarf_Die *die, void *state, Dwarf_Die *result)
{
	struct type_match *m = state;
	int tag = dwarf_tag(die);
	Dwarf_Die t;

	if (tag_fits(m, tag)) {
		if (!die_name_is(die, m->name))
			return 0;
		if (die_is_declaration(die)) {
			m->saw_decl = true;
			return 0;
		}
		*result = *die;
		return 1;
	}
	if (tag == DW_TAG_typedef && !m->have_typedef && die_name_is(die, m->name) &&
	    die_peeled_type(die, &t) && tag_fits(m, dwarf_tag(&t))) {
		if (die_is_declaration(&t)) {
			m->saw_decl = true;
		} else {
			m->typedef_target = t;
			m->have_typedef = true;
		}
	}
	return 0;
}

/* Type NAME (a struct or union when TAG is 0, else an enum), cached.
 *
 * The hint's CU decides alone when it resolves and mentions no NAME at all:
 * it is the CU that would define the type, so the type is not in this
 * kernel, and a presence probe (struct vmap_node on 6.1) costs one CU, not
 * all of them.  If that CU only declares NAME, or there is no usable hint,
 * every CU is searched. */
struct iow_error *iow_dwarf_find_type(struct iow_debuginfo *dbg, int tag, const char *name,
				      const char *hint, Dwarf_Die *result)
{
	struct cache_entry *e, *any;
	struct type_match m = { .tag = tag, .name = name };
	struct iow_error *err;
	enum search_result r;
	Dwarf_Off hint_off = (Dwarf_Off)-1;
	char kind = tag ? 'E' : 's';
	bool hit, found;

	if (!dbg->dwarf)
		return iow_dwarf_no_dwarf(dbg);
	dbg->stats.type_lookups++;
	err = cache_get(dbg, kind, name, hint, &e, &hit);
	if (err)
		return err;
	if (hit) {
		dbg->stats.cache_hits++;
		if (e->found && dwarf_offdie(dbg->dwarf, e->off, result))
			return NULL;
		goto out_notfound;
	}
	/* A type found before under another hint (or none) is reused: the
	 * names the walkers ask for mean one type in the whole kernel. */
	err = cache_get(dbg, kind, name, NULL, &any, &hit);
	if (err)
		return err;
	if (hit && !any->found) {
		dbg->stats.cache_hits++;
		e->valid = true;
		goto out_notfound;
	}
	if (hit) {
		dbg->stats.cache_hits++;
		e->off = any->off;
		e->valid = e->found = true;
		return dwarf_offdie(dbg->dwarf, e->off, result) ? NULL : iow_dwarf_no_dwarf(dbg);
	}
	if ((err = search_hint(dbg, hint, match_type, &m, result, &hint_off, &r)))
		return err;
	found = r == FOUND;
	if (!found && !m.have_typedef && (r == NO_HINT_CU || m.saw_decl)) {
		found = search_all(dbg, hint_off, match_type, &m, result);
		/* only a search of every CU may say "nowhere" */
		any->valid = true;
	}
	if (!found && m.have_typedef) {
		*result = m.typedef_target;
		found = true;
	}
	e->valid = true;
	if (found) {
		e->off = any->off = dwarf_dieoffset(result);
		e->found = any->found = any->valid = true;
		return NULL;
	}
out_notfound:
	return iow_error_create(IOW_ERR_NOTFOUND, "no %s %s in the DWARF of %s",
				tag ? "enum" : "struct", name, dbg->path);
}

/* --- arrays ---------------------------------------------------------------- */

/* An array's upper bound.  Its index type is unsigned (sizetype), so a
 * fixed-size form is read unsigned (dwarf_formsdata() would make the 255 of
 * [256] in DW_FORM_data1 a -1); older gccs wrote [0] as an all-ones bound
 * of 4 or 8 bytes, which is taken as -1 (gcc 12 writes DW_AT_count 0). */
static bool upper_bound(Dwarf_Attribute *a, Dwarf_Sword *upper)
{
	Dwarf_Word u;

	switch (dwarf_whatform(a)) {
	case DW_FORM_sdata:
	case DW_FORM_implicit_const:
		return dwarf_formsdata(a, upper) == 0;
	case DW_FORM_data4:
		if (dwarf_formudata(a, &u) != 0)
			return false;
		*upper = u == UINT32_MAX ? -1 : (Dwarf_Sword)u;
		return true;
	default:
		if (dwarf_formudata(a, &u) != 0)
			return false;
		*upper = (Dwarf_Sword)u; /* UINT64_MAX reads as -1 */
		return true;
	}
}

bool iow_dwarf_array_info(Dwarf_Die *array, uint64_t *count, uint64_t *elem_size, Dwarf_Die *elem,
			  int *dims)
{
	Dwarf_Die child;
	Dwarf_Word n, lower;
	Dwarf_Sword upper;
	Dwarf_Attribute a;
	uint64_t inner = 1, c;

	if (!die_type(array, elem))
		return false;
	*dims = 0;
	*count = 0;
	if (dwarf_child(array, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_subrange_type)
				continue;
			if (die_udata(&child, DW_AT_count, &n)) {
				c = n;
			} else if (dwarf_attr_integrate(&child, DW_AT_upper_bound, &a) &&
				   upper_bound(&a, &upper)) {
				lower = 0; /* C's default lower bound */
				die_udata(&child, DW_AT_lower_bound, &lower);
				c = upper < (Dwarf_Sword)lower ? 0 : (uint64_t)(upper - (Dwarf_Sword)lower) + 1;
			} else {
				c = 0; /* flexible array member */
			}
			if ((*dims)++ == 0)
				*count = c;
			else
				inner *= c;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	*elem_size = die_type_size(elem) * inner;
	return true;
}

/* --- answers, through the on-disk index ---------------------------------- */

struct iow_error *iow_dwarf_answer(struct iow_debuginfo *dbg, char kind, const char *a,
				   const char *b, const char *c, iow_dwarf_answer_fn fn,
				   uint64_t v[IOW_INDEX_VALUES])
{
	struct iow_error *err;
	uint64_t t0;

	if (iow_index_get(dbg, kind, a, b, c, v, &err))
		return err;
	t0 = iow_debuginfo_now_ns();
	err = fn(dbg, a, b, c, v);
	dbg->stats.ns_dwarf += iow_debuginfo_now_ns() - t0;
	iow_index_put(dbg, kind, a, b, c, v, err);
	return err;
}
