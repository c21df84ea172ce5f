/* debuginfo: struct layouts, enum values and variables from the DWARF,
 * found without indexing it.
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

#include <dwarf.h>

#include "debuginfo/internal.h"

/* --- the cache: "kind\0name\0hint" -> DIE offset ---------------------------
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

/* A matcher looks at one top-level DIE of a CU.  It returns 1 for a match
 * (RESULT set), 0 to go on; it may keep a weaker candidate in its state. */
typedef int (*match_fn)(Dwarf_Die *die, void *state, Dwarf_Die *result);

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

static bool search_cu(struct iow_debuginfo *dbg, Dwarf_Die *cudie, match_fn match, void *state,
		      Dwarf_Die *result)
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

/* The CU of HINT's address, through .debug_aranges. */
static bool hint_cu(struct iow_debuginfo *dbg, const char *hint, Dwarf_Die *cudie)
{
	struct cache_entry *e;
	struct iow_error *err;
	uint64_t addr;
	bool hit;

	if (!hint)
		return false;
	err = cache_get(dbg, 'h', hint, NULL, &e, &hit);
	if (err) {
		iow_error_destroy(err);
		return false;
	}
	if (hit)
		return e->found && dwarf_offdie(dbg->dwarf, e->off, cudie);
	e->valid = true;
	err = iow_debuginfo_symbol(dbg, hint, &addr, NULL);
	if (err) {
		iow_error_destroy(err);
		return false;
	}
	prefetch_cu_headers(dbg);
	if (!dwarf_addrdie(dbg->dwarf, addr, cudie))
		return false;
	e->off = dwarf_dieoffset(cudie);
	e->found = true;
	return true;
}

enum search_result {
	FOUND,
	MISSED_IN_HINT, /* the hint's CU was searched and has no match */
	NO_HINT_CU,     /* no hint, or its CU could not be found */
};

static enum search_result search_hint(struct iow_debuginfo *dbg, const char *hint,
				      match_fn match, void *state, Dwarf_Die *result,
				      Dwarf_Off *cu_off)
{
	Dwarf_Die cudie;

	if (!hint_cu(dbg, hint, &cudie))
		return NO_HINT_CU;
	*cu_off = dwarf_dieoffset(&cudie);
	read_ahead_cu(dbg, &cudie);
	if (!search_cu(dbg, &cudie, match, state, result))
		return MISSED_IN_HINT;
	dbg->stats.hint_hits++;
	return FOUND;
}

/* Every CU in file order, but the one at SKIP (already searched). */
static bool search_all(struct iow_debuginfo *dbg, Dwarf_Off skip, match_fn match, void *state,
		       Dwarf_Die *result)
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

static bool name_is(Dwarf_Die *die, const char *name)
{
	const char *n = dwarf_diename(die);

	return n && strcmp(n, name) == 0;
}

static bool is_declaration(Dwarf_Die *die)
{
	bool flag = false;
	Dwarf_Attribute a;

	return dwarf_attr(die, DW_AT_declaration, &a) && dwarf_formflag(&a, &flag) == 0 && flag;
}

/* The type DW_AT_type of DIE refers to, or false for none (void). */
static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, type);
}

/* The type of DIE with typedefs and qualifiers taken off. */
static bool peeled_type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	return type_of(die, type) && dwarf_peel_type(type, type) == 0;
}

static bool is_aggregate(int tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type;
}

/* --- struct lookup --------------------------------------------------------- */

struct type_match {
	int tag;                 /* DW_TAG_enumeration_type, or 0 for struct/union */
	const char *name;
	bool saw_decl;           /* the CU declares NAME without defining it */
	bool have_typedef;
	Dwarf_Die typedef_target; /* a complete type reached through a typedef NAME */
};

static bool tag_fits(const struct type_match *m, int tag)
{
	return m->tag ? tag == m->tag : is_aggregate(tag);
}

/* A complete struct or union (or enum) NAME; failing that, a typedef NAME
 * of one (so "spinlock_t" works too). */
static int match_type(Dwarf_Die *die, void *state, Dwarf_Die *result)
{
	struct type_match *m = state;
	int tag = dwarf_tag(die);
	Dwarf_Die t;

	if (tag_fits(m, tag)) {
		if (!name_is(die, m->name))
			return 0;
		if (is_declaration(die)) {
			m->saw_decl = true;
			return 0;
		}
		*result = *die;
		return 1;
	}
	if (tag == DW_TAG_typedef && !m->have_typedef && name_is(die, m->name) &&
	    peeled_type_of(die, &t) && tag_fits(m, dwarf_tag(&t))) {
		if (is_declaration(&t)) {
			m->saw_decl = true;
		} else {
			m->typedef_target = t;
			m->have_typedef = true;
		}
	}
	return 0;
}

static struct iow_error *no_dwarf(struct iow_debuginfo *dbg)
{
	return iow_error_create(IOW_ERR_NOTFOUND, "%s has no DWARF debug info", dbg->path);
}

/* Type NAME (a struct or union when TAG is 0, else an enum), cached.
 *
 * The hint's CU decides alone when it resolves and mentions no NAME at all:
 * it is the CU that would define the type, so the type is not in this
 * kernel, and a presence probe (struct vmap_node on 6.1) costs one CU, not
 * all of them.  If that CU only declares NAME, or there is no usable hint,
 * every CU is searched. */
static struct iow_error *find_type(struct iow_debuginfo *dbg, int tag, const char *name,
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
		return no_dwarf(dbg);
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
		return dwarf_offdie(dbg->dwarf, e->off, result) ? NULL : no_dwarf(dbg);
	}
	r = search_hint(dbg, hint, match_type, &m, result, &hint_off);
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

static struct iow_error *find_struct(struct iow_debuginfo *dbg, const char *name, const char *hint,
				     Dwarf_Die *result)
{
	return find_type(dbg, 0, name, hint, result);
}

/* --- members --------------------------------------------------------------- */

static bool attr_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word *val)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, name, &a) && dwarf_formudata(&a, val) == 0;
}

static uint64_t type_size(Dwarf_Die *type)
{
	Dwarf_Word size;

	return dwarf_aggregate_size(type, &size) == 0 ? size : 0;
}

/* Where MEMBER starts, in bits from the start of its struct, and its width
 * if it is a bit-field (else 0). */
static bool member_bits(Dwarf_Die *member, uint64_t *bits, uint64_t *bit_size)
{
	Dwarf_Attribute a;
	Dwarf_Word loc = 0, dbo, bo, bsz = 0, bytes;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Die t;

	if (dwarf_attr(member, DW_AT_data_member_location, &a)) {
		if (dwarf_formudata(&a, &loc) != 0) {
			/* DWARF 2 style: a DW_OP_plus_uconst expression */
			if (dwarf_getlocation(&a, &ops, &nops) != 0 || nops != 1 ||
			    ops[0].atom != DW_OP_plus_uconst)
				return false;
			loc = ops[0].number;
		}
	}
	attr_udata(member, DW_AT_bit_size, &bsz);
	*bit_size = bsz;
	if (attr_udata(member, DW_AT_data_bit_offset, &dbo)) {
		/* DWARF 4/5: bits from the start of the struct */
		*bits = dbo;
	} else if (bsz && attr_udata(member, DW_AT_bit_offset, &bo)) {
		/* DWARF 2/3 (and gcc -gdwarf-4): BO counts from the most
		 * significant bit of a storage unit of DW_AT_byte_size bytes
		 * at LOC; on a little-endian machine the field's lowest bit
		 * is at LOC*8 + unit bits - BO - width. */
		if (!attr_udata(member, DW_AT_byte_size, &bytes)) {
			if (!type_of(member, &t))
				return false;
			bytes = type_size(&t);
		}
		if (bytes * 8 < bo + bsz)
			return false;
		*bits = loc * 8 + bytes * 8 - bo - bsz;
	} else {
		*bits = loc * 8;
	}
	return true;
}

/* Member NAME (LEN bytes) of aggregate AGG, looking into anonymous structs
 * and unions (at most DEPTH deep: a broken DWARF may loop); BITS is where
 * it starts, from the start of AGG. */
static bool find_member(Dwarf_Die *agg, const char *name, size_t len, Dwarf_Die *found,
			uint64_t *bits, uint64_t *bit_size, int depth)
{
	Dwarf_Die child, t;
	const char *n;
	uint64_t off, inner, bsz;

	if (depth <= 0 || dwarf_child(agg, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		n = dwarf_diename(&child);
		if (n) {
			if (strlen(n) != len || memcmp(n, name, len) != 0)
				continue;
			if (!member_bits(&child, bits, bit_size))
				return false;
			*found = child;
			return true;
		}
		if (!peeled_type_of(&child, &t) || !is_aggregate(dwarf_tag(&t)))
			continue;
		if (find_member(&t, name, len, found, &inner, bit_size, depth - 1) &&
		    member_bits(&child, &off, &bsz)) {
			*bits = off + inner;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

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

/* The element count of the first dimension of ARRAY (0 for a flexible or
 * unknown bound) and the size of one element of that dimension. */
static bool array_info(Dwarf_Die *array, uint64_t *count, uint64_t *elem_size, Dwarf_Die *elem,
		       int *dims)
{
	Dwarf_Die child;
	Dwarf_Word n, lower;
	Dwarf_Sword upper;
	Dwarf_Attribute a;
	uint64_t inner = 1, c;

	if (!type_of(array, elem))
		return false;
	*dims = 0;
	*count = 0;
	if (dwarf_child(array, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_subrange_type)
				continue;
			if (attr_udata(&child, DW_AT_count, &n)) {
				c = n;
			} else if (dwarf_attr_integrate(&child, DW_AT_upper_bound, &a) &&
				   upper_bound(&a, &upper)) {
				lower = 0; /* C's default lower bound */
				attr_udata(&child, DW_AT_lower_bound, &lower);
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
	*elem_size = type_size(elem) * inner;
	return true;
}

/* The member's type's size and array shape into OUT, given where it
 * starts (BITS) and its width if a bit-field. */
static void fill_member(Dwarf_Die *type, uint64_t bits, uint64_t bit_size, uint64_t storage,
			struct iow_member *out)
{
	Dwarf_Die peeled, elem;
	uint64_t unit, need;
	int dims;

	memset(out, 0, sizeof(*out));
	if (bit_size) {
		/* Report the naturally aligned storage unit of the field's
		 * type if the field fits in it (what the compiler reads),
		 * else the smallest power-of-two span from its first byte. */
		unit = storage ? (bits / (storage * 8)) * storage : bits / 8;
		if (storage && bits + bit_size <= (unit + storage) * 8) {
			out->offset = unit;
			out->size = storage;
		} else {
			out->offset = bits / 8;
			need = (bits % 8 + bit_size + 7) / 8;
			for (out->size = 1; out->size < need; out->size *= 2)
				;
		}
		out->bit_offset = (int)(bits - out->offset * 8);
		out->bit_size = (int)bit_size;
		out->count = 1;
		out->elem_size = out->size;
		return;
	}
	out->offset = bits / 8;
	out->size = type_size(type);
	out->count = 1;
	out->elem_size = out->size;
	peeled = *type;
	if (dwarf_peel_type(&peeled, &peeled) == 0 && dwarf_tag(&peeled) == DW_TAG_array_type &&
	    array_info(&peeled, &out->count, &out->elem_size, &elem, &dims)) {
		if (!out->count)
			out->size = 0;
	}
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static struct iow_error *walk_path(Dwarf_Die *agg, const char *name, const char *path,
				   struct iow_member *out)
{
	Dwarf_Die cur = *agg, member, type, elem;
	const char *p = path, *start;
	uint64_t bits = 0, mbits, bit_size = 0, count, elem_size, idx;
	char *end;
	int dims;

	for (;;) {
		start = p;
		while (is_ident(*p))
			p++;
		if (p == start)
			goto out_invalid;
		if (!find_member(&cur, start, (size_t)(p - start), &member, &mbits, &bit_size, 16))
			return iow_error_create(IOW_ERR_NOTFOUND, "struct %s has no member %.*s",
						name, (int)(p - path), path);
		bits += mbits;
		if (!type_of(&member, &type))
			goto out_invalid;
		while (*p == '[') {
			if (p[1] < '0' || p[1] > '9')
				goto out_invalid;
			idx = strtoull(p + 1, &end, 0);
			if (*end != ']')
				goto out_invalid;
			p = end + 1;
			cur = type;
			if (dwarf_peel_type(&cur, &cur) != 0 || dwarf_tag(&cur) != DW_TAG_array_type ||
			    !array_info(&cur, &count, &elem_size, &elem, &dims))
				return iow_error_create(IOW_ERR_INVALID, "%s.%s: %.*s is not an array",
							name, path, (int)(p - path), path);
			if (dims != 1)
				return iow_error_create(IOW_ERR_UNSUPPORTED,
							"%s.%s: multi-dimensional arrays", name, path);
			/* a flexible array takes any index that stays in range */
			if ((count && idx >= count) || (elem_size && idx > UINT64_MAX / 8 / elem_size))
				return iow_error_create(IOW_ERR_INVALID,
							"%s.%s: index %" PRIu64 " past %" PRIu64
							" elements", name, path, idx, count);
			bits += idx * elem_size * 8;
			type = elem;
			bit_size = 0;
		}
		if (*p == '\0')
			break;
		if (*p++ != '.')
			goto out_invalid;
		cur = type;
		if (dwarf_peel_type(&cur, &cur) != 0 || !is_aggregate(dwarf_tag(&cur)))
			return iow_error_create(IOW_ERR_INVALID,
						"%s.%s: %.*s is not a struct or union", name, path,
						(int)(p - 1 - path), path);
	}
	fill_member(&type, bits, bit_size, bit_size ? type_size(&type) : 0, out);
	return NULL;

out_invalid:
	return iow_error_create(IOW_ERR_INVALID, "bad member path \"%s\" for struct %s", path, name);
}

/* Each public lookup below asks the on-disk index first (index.c) and
 * tells it what it found. */

struct iow_error *iow_debuginfo_struct_size(struct iow_debuginfo *dbg, const char *name,
					    const char *hint, uint64_t *size)
{
	uint64_t t0, v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err;
	Dwarf_Die die;

	if (iow_index_get(dbg, 's', name, hint, NULL, v, &err)) {
		*size = v[0];
		return err;
	}
	t0 = iow_debuginfo_now_ns();
	err = find_struct(dbg, name, hint, &die);
	if (!err) {
		*size = v[0] = type_size(&die);
		if (!*size)
			err = iow_error_create(IOW_ERR_INVALID, "struct %s has no size", name);
	}
	dbg->stats.ns_dwarf += iow_debuginfo_now_ns() - t0;
	iow_index_put(dbg, 's', name, hint, NULL, v, err);
	return err;
}

struct iow_error *iow_debuginfo_member(struct iow_debuginfo *dbg, const char *name,
				       const char *path, const char *hint, struct iow_member *out)
{
	uint64_t t0, v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err;
	Dwarf_Die die;

	if (iow_index_get(dbg, 'm', name, path, hint, v, &err)) {
		if (!err) {
			out->offset = v[0];
			out->size = v[1];
			out->bit_offset = (int)(int64_t)v[2];
			out->bit_size = (int)(int64_t)v[3];
			out->count = v[4];
			out->elem_size = v[5];
		}
		return err;
	}
	t0 = iow_debuginfo_now_ns();
	err = find_struct(dbg, name, hint, &die);
	if (!err)
		err = walk_path(&die, name, path, out);
	dbg->stats.ns_dwarf += iow_debuginfo_now_ns() - t0;
	if (!err) {
		v[0] = out->offset;
		v[1] = out->size;
		v[2] = (uint64_t)(int64_t)out->bit_offset;
		v[3] = (uint64_t)(int64_t)out->bit_size;
		v[4] = out->count;
		v[5] = out->elem_size;
	}
	iow_index_put(dbg, 'm', name, path, hint, v, err);
	return err;
}

bool iow_debuginfo_has_member(struct iow_debuginfo *dbg, const char *name, const char *path,
			      const char *hint)
{
	struct iow_member m;
	struct iow_error *err = iow_debuginfo_member(dbg, name, path, hint, &m);

	iow_error_destroy(err);
	return !err;
}

/* --- enumerators ----------------------------------------------------------- */

static bool find_enumerator(Dwarf_Die *enum_type, const char *name, Dwarf_Die *result)
{
	Dwarf_Die child;

	if (dwarf_child(enum_type, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_enumerator && name_is(&child, name)) {
			*result = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The enumeration type that has an enumerator NAME. */
static int match_enumerator(Dwarf_Die *die, void *state, Dwarf_Die *result)
{
	Dwarf_Die e;

	if (dwarf_tag(die) != DW_TAG_enumeration_type || !find_enumerator(die, state, &e))
		return 0;
	*result = *die;
	return 1;
}

/* The value of ENUMERATOR of ENUM_TYPE.  A fixed-size constant has no sign
 * of its own: the enum's underlying type decides (DWARF 5, 7.5.6); without
 * one (DWARF 2), C enums are int. */
static bool const_value(Dwarf_Die *enum_type, Dwarf_Die *enumerator, int64_t *value)
{
	Dwarf_Attribute a;
	Dwarf_Word u, enc;
	Dwarf_Sword s;
	Dwarf_Die t;
	unsigned int form;
	int width = 0;
	bool sign = true;

	if (!dwarf_attr(enumerator, DW_AT_const_value, &a))
		return false;
	form = dwarf_whatform(&a);
	if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
		if (dwarf_formsdata(&a, &s) != 0)
			return false;
		*value = s;
		return true;
	}
	if (dwarf_formudata(&a, &u) != 0)
		return false;
	switch (form) {
	case DW_FORM_data1: width = 8; break;
	case DW_FORM_data2: width = 16; break;
	case DW_FORM_data4: width = 32; break;
	}
	if (peeled_type_of(enum_type, &t) && attr_udata(&t, DW_AT_encoding, &enc))
		sign = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	if (width && sign && (u >> (width - 1)) & 1)
		u |= ~(((Dwarf_Word)1 << width) - 1);
	*value = (int64_t)u;
	return true;
}

/* The enum type with an enumerator ENUMERATOR, from the hint's CU or, when
 * that has none, from every CU. */
static struct iow_error *find_enum_of(struct iow_debuginfo *dbg, const char *enumerator,
				      const char *hint, Dwarf_Die *result)
{
	struct iow_error *err;
	struct cache_entry *e;
	Dwarf_Off hint_off = (Dwarf_Off)-1;
	bool hit, found;

	if (!dbg->dwarf)
		return no_dwarf(dbg);
	dbg->stats.type_lookups++;
	err = cache_get(dbg, 'e', enumerator, hint, &e, &hit);
	if (err)
		return err;
	if (hit) {
		dbg->stats.cache_hits++;
		found = e->found && dwarf_offdie(dbg->dwarf, e->off, result);
	} else {
		found = search_hint(dbg, hint, match_enumerator, (void *)enumerator, result,
				    &hint_off) == FOUND ||
			search_all(dbg, hint_off, match_enumerator, (void *)enumerator, result);
		e->valid = true;
		e->found = found;
		e->off = found ? dwarf_dieoffset(result) : 0;
	}
	return found ? NULL : iow_error_create(IOW_ERR_NOTFOUND,
					       "no enumerator %s in the DWARF of %s", enumerator,
					       dbg->path);
}

struct iow_error *iow_debuginfo_enumerator(struct iow_debuginfo *dbg, const char *enum_name,
					   const char *enumerator, const char *hint,
					   int64_t *value)
{
	uint64_t t0, v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err;
	Dwarf_Die type, item;

	if (iow_index_get(dbg, 'e', enum_name, enumerator, hint, v, &err)) {
		if (!err)
			*value = (int64_t)v[0];
		return err;
	}
	t0 = iow_debuginfo_now_ns();
	if (enum_name)
		err = find_type(dbg, DW_TAG_enumeration_type, enum_name, hint, &type);
	else
		err = find_enum_of(dbg, enumerator, hint, &type);
	if (err)
		goto out;
	if (!find_enumerator(&type, enumerator, &item))
		err = iow_error_create(IOW_ERR_NOTFOUND, "enum %s has no %s",
				       enum_name ? enum_name : "", enumerator);
	else if (!const_value(&type, &item, value))
		err = iow_error_create(IOW_ERR_INVALID, "enumerator %s has no value", enumerator);
	else
		v[0] = (uint64_t)*value;
out:
	dbg->stats.ns_dwarf += iow_debuginfo_now_ns() - t0;
	iow_index_put(dbg, 'e', enum_name, enumerator, hint, v, err);
	return err;
}

struct iow_error *iow_debuginfo_enum_value(struct iow_debuginfo *dbg, const char *enumerator,
					   const char *hint, int64_t *value)
{
	return iow_debuginfo_enumerator(dbg, NULL, enumerator, hint, value);
}

/* --- variables ------------------------------------------------------------- */

struct var_match {
	const char *name;
	bool have_any;
	Dwarf_Die any; /* a definition without a location */
};

static bool has_location(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_attr(die, DW_AT_location, &a) != NULL;
}

/* The defining DIE of variable NAME: a definition carries DW_AT_location,
 * or (gcc 12.2, optimized statics such as vmap_nodes) at least is not a
 * declaration.  Definitions of variables declared in a header come as a
 * nameless DIE whose DW_AT_specification holds the name, which
 * dwarf_diename() follows. */
static int match_variable(Dwarf_Die *die, void *state, Dwarf_Die *result)
{
	struct var_match *m = state;

	if (dwarf_tag(die) != DW_TAG_variable || is_declaration(die) || !name_is(die, m->name))
		return 0;
	if (has_location(die)) {
		*result = *die;
		return 1;
	}
	if (!m->have_any) {
		m->any = *die;
		m->have_any = true;
	}
	return 0;
}

static bool location_addr(Dwarf_Die *die, uint64_t *addr)
{
	Dwarf_Attribute a, res;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Addr x;

	if (!dwarf_attr(die, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &nops) != 0 ||
	    nops != 1)
		return false;
	if (ops[0].atom == DW_OP_addr) {
		*addr = ops[0].number;
		return true;
	}
	if (ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) {
		if (dwarf_getlocation_attr(&a, &ops[0], &res) != 0 || dwarf_formaddr(&res, &x) != 0)
			return false;
		*addr = x;
		return true;
	}
	return false;
}

/* The ELF symbol NAME: the local one whose object file is CUDIE's source
 * file (STT_FILE holds its base name), else a global, else the first
 * local. */
static bool elf_variable(struct iow_debuginfo *dbg, const char *name, Dwarf_Die *cudie,
			 uint64_t *addr, uint64_t *size)
{
	const struct iow_sym *s = iow_debuginfo_sym_chain(dbg, name);
	const char *cu_name = cudie ? dwarf_diename(cudie) : NULL, *base, *file;
	struct iow_error *err;

	if (cu_name) {
		base = strrchr(cu_name, '/');
		base = base ? base + 1 : cu_name;
		for (; s; s = s->next_same == IOW_SYM_END ? NULL : &dbg->syms[s->next_same]) {
			file = iow_debuginfo_sym_file_name(dbg, s->file);
			if (s->bind == STB_LOCAL && file && strcmp(file, base) == 0) {
				*addr = s->addr;
				*size = s->size;
				return true;
			}
		}
	}
	err = iow_debuginfo_symbol(dbg, name, addr, size);
	iow_error_destroy(err);
	return !err;
}

/* The DIE of variable NAME in HINT's CU, cached; false if it has none. */
static bool find_variable(struct iow_debuginfo *dbg, const char *name, const char *hint,
			  Dwarf_Die *die, struct iow_error **err)
{
	struct var_match m = { .name = name };
	struct cache_entry *e;
	Dwarf_Off hint_off;
	bool hit, found;

	dbg->stats.type_lookups++;
	*err = cache_get(dbg, 'v', name, hint, &e, &hit);
	if (*err)
		return false;
	if (hit) {
		dbg->stats.cache_hits++;
		return e->found && dwarf_offdie(dbg->dwarf, e->off, die);
	}
	/* Only the hint's CU: an asm-defined symbol (phys_base,
	 * init_top_pgt) has no DWARF anywhere, and the ELF symbol gives the
	 * address without a scan. */
	found = search_hint(dbg, hint, match_variable, &m, die, &hint_off) == FOUND;
	if (!found && m.have_any) {
		*die = m.any;
		found = true;
	}
	e->valid = true;
	e->found = found;
	e->off = found ? dwarf_dieoffset(die) : 0;
	return found;
}

struct iow_error *iow_debuginfo_variable_info(struct iow_debuginfo *dbg, const char *name,
					      const char *hint, struct iow_variable *out)
{
	uint64_t t0, sym_size = 0, v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err = NULL;
	Dwarf_Die die, cudie, type, elem;
	bool found = false, have_cu = false, is_array = false;
	uint64_t ignored;
	int dims;

	memset(out, 0, sizeof(*out));
	if (iow_index_get(dbg, 'v', name, hint, NULL, v, &err)) {
		if (!err) {
			out->addr = v[0];
			out->size = v[1];
			out->count = v[2];
			out->elem_size = v[3];
			out->from_dwarf = v[4] != 0;
		}
		return err;
	}
	t0 = iow_debuginfo_now_ns();
	if (dbg->dwarf) {
		found = find_variable(dbg, name, hint, &die, &err);
		if (err)
			goto out;
		have_cu = found ? dwarf_diecu(&die, &cudie, NULL, NULL) != NULL
				: hint_cu(dbg, hint, &cudie);
	}
	if (found && location_addr(&die, &out->addr)) {
		out->from_dwarf = true;
	} else if (!elf_variable(dbg, name, have_cu ? &cudie : NULL, &out->addr, &sym_size)) {
		err = iow_error_create(IOW_ERR_NOTFOUND, "no variable %s in %s", name, dbg->path);
		goto out;
	}
	if (found && type_of(&die, &type)) {
		out->size = type_size(&type);
		out->count = 1;
		out->elem_size = out->size;
		is_array = dwarf_peel_type(&type, &type) == 0 &&
			   dwarf_tag(&type) == DW_TAG_array_type &&
			   array_info(&type, &out->count, &out->elem_size, &elem, &dims);
	}
	if (!out->size) {
		/* asm-defined symbols, and arrays declared without a bound:
		 * the ELF symbol knows the size */
		if (out->from_dwarf)
			elf_variable(dbg, name, have_cu ? &cudie : NULL, &ignored, &sym_size);
		out->size = sym_size;
		if (is_array && out->elem_size) {
			out->count = out->size / out->elem_size;
		} else {
			out->count = 1;
			out->elem_size = out->size;
		}
	}
	v[0] = out->addr;
	v[1] = out->size;
	v[2] = out->count;
	v[3] = out->elem_size;
	v[4] = out->from_dwarf;
out:
	dbg->stats.ns_dwarf += iow_debuginfo_now_ns() - t0;
	iow_index_put(dbg, 'v', name, hint, NULL, v, err);
	return err;
}

struct iow_error *iow_debuginfo_variable(struct iow_debuginfo *dbg, const char *name,
					 const char *hint, uint64_t *addr)
{
	struct iow_variable v;
	struct iow_error *err = iow_debuginfo_variable_info(dbg, name, hint, &v);

	if (!err)
		*addr = v.addr;
	return err;
}
