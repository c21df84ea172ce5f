/* debuginfo: enumerator values and variable addresses from the DWARF
 * (and, for variables, the ELF symbols); see debuginfo.h.  What to search
 * is found by dwarf.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

/* --- enumerators ----------------------------------------------------------- */

static bool find_enumerator(Dwarf_Die *enum_type, const char *name, Dwarf_Die *result)
{
	Dwarf_Die child;

	if (dwarf_child(enum_type, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_enumerator && die_name_is(&child, name)) {
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
	if (die_peeled_type(enum_type, &t) && die_udata(&t, DW_AT_encoding, &enc))
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
	bool found;

	if ((err = iow_dwarf_search(dbg, 'e', enumerator, hint, match_enumerator, NULL,
				    (void *)enumerator, true, result, &found)) || found)
		return err;
	return iow_error_create(IOW_ERR_NOTFOUND, "no enumerator %s in the DWARF of %s", enumerator,
				dbg->path);
}

static struct iow_error *enumerator_answer(struct iow_debuginfo *dbg, const char *enum_name,
					   const char *enumerator, const char *hint,
					   uint64_t v[IOW_INDEX_VALUES])
{
	struct iow_error *err;
	Dwarf_Die type, item;
	int64_t value;

	if (enum_name)
		err = iow_dwarf_find_type(dbg, DW_TAG_enumeration_type, enum_name, hint, &type);
	else
		err = find_enum_of(dbg, enumerator, hint, &type);
	if (err)
		return err;
	if (!find_enumerator(&type, enumerator, &item))
		return iow_error_create(IOW_ERR_NOTFOUND, "enum %s has no %s",
					enum_name ? enum_name : "", enumerator);
	if (!const_value(&type, &item, &value))
		return iow_error_create(IOW_ERR_INVALID, "enumerator %s has no value", enumerator);
	v[0] = (uint64_t)value;
	return NULL;
}

struct iow_error *iow_debuginfo_enumerator(struct iow_debuginfo *dbg, const char *enum_name,
					   const char *enumerator, const char *hint,
					   int64_t *value)
{
	uint64_t v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err = iow_dwarf_answer(dbg, 'e', enum_name, enumerator, hint,
						 enumerator_answer, v);

	if (!err)
		*value = (int64_t)v[0];
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

	if (dwarf_tag(die) != DW_TAG_variable || die_is_declaration(die) || !die_name_is(die, m->name))
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
 * local.  *FOUND false when there is none. */
static struct iow_error *elf_variable(struct iow_debuginfo *dbg, const char *name,
				      Dwarf_Die *cudie, uint64_t *addr, uint64_t *size,
				      bool *found)
{
	const struct iow_sym *s = iow_debuginfo_sym_chain(dbg, name);
	const char *cu_name = cudie ? dwarf_diename(cudie) : NULL, *base, *file;
	struct iow_error *err;

	*found = true;
	if (cu_name) {
		base = strrchr(cu_name, '/');
		base = base ? base + 1 : cu_name;
		for (; s; s = s->next_same == IOW_SYM_END ? NULL : &dbg->syms[s->next_same]) {
			file = iow_debuginfo_sym_file_name(dbg, s->file);
			if (s->bind == STB_LOCAL && file && strcmp(file, base) == 0) {
				*addr = s->addr;
				*size = s->size;
				return NULL;
			}
		}
	}
	err = iow_debuginfo_symbol(dbg, name, addr, size);
	if (iow_error_catch(&err, IOW_ERR_NOTFOUND))
		*found = false;
	return err;
}

static bool any_definition(void *state, Dwarf_Die *result)
{
	struct var_match *m = state;

	if (m->have_any)
		*result = m->any;
	return m->have_any;
}

static struct iow_error *variable_answer(struct iow_debuginfo *dbg, const char *name,
					 const char *hint, const char *unused,
					 uint64_t v[IOW_INDEX_VALUES])
{
	struct var_match m = { .name = name };
	struct iow_variable out = { 0 };
	struct iow_error *err;
	Dwarf_Die die, cudie, type, elem;
	bool found = false, have_cu = false, is_array = false, in_elf;
	uint64_t ignored, sym_size = 0;
	int dims;

	(void)unused;
	/* Only the hint's CU: an asm-defined symbol (phys_base,
	 * init_top_pgt) has no DWARF anywhere, and the ELF symbol gives the
	 * address without a scan. */
	if (dbg->dwarf) {
		if ((err = iow_dwarf_search(dbg, 'v', name, hint, match_variable, any_definition, &m,
					    false, &die, &found)))
			return err;
		if (found)
			have_cu = dwarf_diecu(&die, &cudie, NULL, NULL) != NULL;
		else if ((err = iow_dwarf_hint_cu(dbg, hint, &cudie, &have_cu)))
			return err;
	}
	if (found && location_addr(&die, &out.addr)) {
		out.from_dwarf = true;
	} else {
		if ((err = elf_variable(dbg, name, have_cu ? &cudie : NULL, &out.addr, &sym_size,
					&in_elf)))
			return err;
		if (!in_elf)
			return iow_error_create(IOW_ERR_NOTFOUND, "no variable %s in %s", name,
						dbg->path);
	}
	if (found && die_type(&die, &type)) {
		out.size = die_type_size(&type);
		out.count = 1;
		out.elem_size = out.size;
		is_array = dwarf_peel_type(&type, &type) == 0 &&
			   dwarf_tag(&type) == DW_TAG_array_type &&
			   iow_dwarf_array_info(&type, &out.count, &out.elem_size, &elem, &dims);
	}
	if (!out.size) {
		/* asm-defined symbols, and arrays declared without a bound:
		 * the ELF symbol knows the size */
		if (out.from_dwarf && (err = elf_variable(dbg, name, have_cu ? &cudie : NULL,
							  &ignored, &sym_size, &in_elf)))
			return err;
		out.size = sym_size;
		if (is_array && out.elem_size) {
			out.count = out.size / out.elem_size;
		} else {
			out.count = 1;
			out.elem_size = out.size;
		}
	}
	v[0] = out.addr;
	v[1] = out.size;
	v[2] = out.count;
	v[3] = out.elem_size;
	v[4] = out.from_dwarf;
	return NULL;
}

struct iow_error *iow_debuginfo_variable_info(struct iow_debuginfo *dbg, const char *name,
					      const char *hint, struct iow_variable *out)
{
	uint64_t v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err = iow_dwarf_answer(dbg, 'v', name, hint, NULL, variable_answer, v);

	memset(out, 0, sizeof(*out));
	if (!err) {
		out->addr = v[0];
		out->size = v[1];
		out->count = v[2];
		out->elem_size = v[3];
		out->from_dwarf = v[4] != 0;
	}
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
