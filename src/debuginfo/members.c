/* debuginfo: struct sizes and members (paths through nested structs,
 * anonymous unions and arrays, bit-fields) from the DWARF; see
 * debuginfo.h.  The struct is found by dwarf.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

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
	die_udata(member, DW_AT_bit_size, &bsz);
	*bit_size = bsz;
	if (die_udata(member, DW_AT_data_bit_offset, &dbo)) {
		/* DWARF 4/5: bits from the start of the struct */
		*bits = dbo;
	} else if (bsz && die_udata(member, DW_AT_bit_offset, &bo)) {
		/* DWARF 2/3 (and gcc -gdwarf-4): BO counts from the most
		 * significant bit of a storage unit of DW_AT_byte_size bytes
		 * at LOC; on a little-endian machine the field's lowest bit
		 * is at LOC*8 + unit bits - BO - width. */
		if (!die_udata(member, DW_AT_byte_size, &bytes)) {
			if (!die_type(member, &t))
				return false;
			bytes = die_type_size(&t);
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
		if (!die_peeled_type(&child, &t) || !tag_is_aggregate(dwarf_tag(&t)))
			continue;
		if (find_member(&t, name, len, found, &inner, bit_size, depth - 1) &&
		    member_bits(&child, &off, &bsz)) {
			*bits = off + inner;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
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
	out->size = die_type_size(type);
	out->count = 1;
	out->elem_size = out->size;
	peeled = *type;
	if (dwarf_peel_type(&peeled, &peeled) == 0 && dwarf_tag(&peeled) == DW_TAG_array_type &&
	    iow_dwarf_array_info(&peeled, &out->count, &out->elem_size, &elem, &dims)) {
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
		if (!die_type(&member, &type))
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
			    !iow_dwarf_array_info(&cur, &count, &elem_size, &elem, &dims))
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
		if (dwarf_peel_type(&cur, &cur) != 0 || !tag_is_aggregate(dwarf_tag(&cur)))
			return iow_error_create(IOW_ERR_INVALID,
						"%s.%s: %.*s is not a struct or union", name, path,
						(int)(p - 1 - path), path);
	}
	fill_member(&type, bits, bit_size, bit_size ? die_type_size(&type) : 0, out);
	return NULL;

out_invalid:
	return iow_error_create(IOW_ERR_INVALID, "bad member path \"%s\" for struct %s", path, name);
}

/* Each public lookup asks the on-disk index first (iow_dwarf_answer). */

static struct iow_error *size_answer(struct iow_debuginfo *dbg, const char *name,
				     const char *hint, const char *unused,
				     uint64_t v[IOW_INDEX_VALUES])
{
	struct iow_error *err;
	Dwarf_Die die;

	(void)unused;
	if ((err = iow_dwarf_find_type(dbg, 0, name, hint, &die)))
		return err;
	if (!(v[0] = die_type_size(&die)))
		return iow_error_create(IOW_ERR_INVALID, "struct %s has no size", name);
	return NULL;
}

struct iow_error *iow_debuginfo_struct_size(struct iow_debuginfo *dbg, const char *name,
					    const char *hint, uint64_t *size)
{
	uint64_t v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err = iow_dwarf_answer(dbg, 's', name, hint, NULL, size_answer, v);

	if (!err)
		*size = v[0];
	return err;
}

static struct iow_error *member_answer(struct iow_debuginfo *dbg, const char *name,
				       const char *path, const char *hint,
				       uint64_t v[IOW_INDEX_VALUES])
{
	struct iow_member m;
	struct iow_error *err;
	Dwarf_Die die;

	if ((err = iow_dwarf_find_type(dbg, 0, name, hint, &die)) ||
	    (err = walk_path(&die, name, path, &m)))
		return err;
	v[0] = m.offset;
	v[1] = m.size;
	v[2] = (uint64_t)(int64_t)m.bit_offset;
	v[3] = (uint64_t)(int64_t)m.bit_size;
	v[4] = m.count;
	v[5] = m.elem_size;
	return NULL;
}

struct iow_error *iow_debuginfo_member(struct iow_debuginfo *dbg, const char *name,
				       const char *path, const char *hint, struct iow_member *out)
{
	uint64_t v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err = iow_dwarf_answer(dbg, 'm', name, path, hint, member_answer, v);

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

bool iow_debuginfo_has_member(struct iow_debuginfo *dbg, const char *name, const char *path,
			      const char *hint)
{
	struct iow_member m;
	struct iow_error *err = iow_debuginfo_member(dbg, name, path, hint, &m);

	iow_error_destroy(err);
	return !err;
}
