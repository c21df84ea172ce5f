/* debuginfo: the ELF symbol table.  Read once, on first use, into one array
 * in .symtab order and a hash index by name (kallsyms.c sorts its own
 * selection by address).  Names are not copied: they point into the mapped
 * .strtab.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <elf.h>

#include "debuginfo/internal.h"

/* The name index: open addressing with linear probing over (hash, chain
 * head) pairs, twice as many slots as symbols.  A kernel has 120,000-
 * 190,000 symbols, and the index is filled before the first lookup of any
 * kind (hints are symbols too).  libiberty's hashtab keeps only pointers,
 * so each probe cost a cache miss into the symbol and its name: it was
 * most of the load time. */
struct name_slot {
	uint32_t hash;
	uint32_t head; /* index + 1 into dbg->syms of the first symbol of the name; 0: empty */
};

/* FNV-1a: simple, and good enough for identifiers. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static struct name_slot *find_slot(struct iow_debuginfo *dbg, const char *name, uint32_t hash)
{
	size_t mask = dbg->name_slots - 1, i = hash & mask;
	struct name_slot *slot;

	for (;; i = (i + 1) & mask) {
		slot = &dbg->names[i];
		if (!slot->head || (slot->hash == hash &&
				    strcmp(dbg->syms[slot->head - 1].name, name) == 0))
			return slot;
	}
}

static struct iow_error *build_name_index(struct iow_debuginfo *dbg)
{
	struct name_slot *slot;
	struct iow_sym *sym;
	size_t i;

	for (dbg->name_slots = 16; dbg->name_slots < 2 * dbg->nsyms; dbg->name_slots *= 2)
		;
	dbg->names = calloc(dbg->name_slots, sizeof(*dbg->names));
	if (!dbg->names)
		return &iow_error_nomem;
	/* Backwards, pushing on the head: chains end up in .symtab order. */
	for (i = dbg->nsyms; i-- > 0;) {
		sym = &dbg->syms[i];
		slot = find_slot(dbg, sym->name, sym->hash);
		sym->next_same = slot->head ? slot->head - 1 : IOW_SYM_END;
		slot->hash = sym->hash;
		slot->head = (uint32_t)i + 1;
	}
	return NULL;
}

static Elf_Scn *find_symtab(Elf *elf, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, shdr) && shdr->sh_type == SHT_SYMTAB)
			return scn;
	return NULL;
}

/* Reads the table in place: elf_getdata() hands out ELF_T_SYM data in the
 * host's layout, which for a file of the host's byte order is the mapped
 * file itself; iow_debuginfo_open() accepts only 64-bit files. */
static struct iow_error *load(struct iow_debuginfo *dbg)
{
	Elf_Scn *scn, *x = NULL;
	GElf_Shdr shdr, xshdr;
	Elf_Data *data, *strdata, *xdata = NULL;
	const Elf64_Sym *esyms;
	const Elf32_Word *xndx = NULL;
	const char *strtab;
	size_t n, i, shndx, strsize;
	uint32_t file = 0;
	struct iow_sym *sym;

	scn = find_symtab(dbg->elf, &shdr);
	if (!scn || shdr.sh_entsize != sizeof(Elf64_Sym))
		return iow_error_create(IOW_ERR_NOTFOUND, "%s has no symbol table (.symtab)",
					dbg->path);
	data = elf_getdata(scn, NULL);
	strdata = elf_getdata(elf_getscn(dbg->elf, shdr.sh_link), NULL);
	if (!data || !strdata || data->d_type != ELF_T_SYM || !strdata->d_size ||
	    ((const char *)strdata->d_buf)[strdata->d_size - 1] != '\0')
		return iow_error_create(IOW_ERR_INVALID, "%s: unreadable .symtab: %s", dbg->path,
					elf_errmsg(-1));
	dbg->symtab_shndx = elf_ndxscn(scn);
	/* Section indexes past SHN_LORESERVE live in SHT_SYMTAB_SHNDX. */
	while ((x = elf_nextscn(dbg->elf, x)))
		if (gelf_getshdr(x, &xshdr) && xshdr.sh_type == SHT_SYMTAB_SHNDX &&
		    xshdr.sh_link == dbg->symtab_shndx && (xdata = elf_getdata(x, NULL)))
			xndx = xdata->d_buf;

	esyms = data->d_buf;
	n = data->d_size / sizeof(Elf64_Sym);
	strtab = strdata->d_buf;
	strsize = strdata->d_size;
	dbg->strtab = strtab;
	dbg->strtab_size = strsize;
	dbg->syms = malloc(n * sizeof(*dbg->syms));
	if (!dbg->syms)
		return &iow_error_nomem;
	for (i = 1; i < n; i++) {
		const Elf64_Sym *e = &esyms[i];
		unsigned int type = ELF64_ST_TYPE(e->st_info);

		if (type == STT_FILE) {
			file = (uint32_t)i;
			continue;
		}
		shndx = e->st_shndx;
		if (shndx == SHN_XINDEX)
			shndx = xndx && (i + 1) * sizeof(*xndx) <= xdata->d_size ? xndx[i] : SHN_UNDEF;
		/* Section symbols name nothing; undefined ones have no address. */
		if (type == STT_SECTION || shndx == SHN_UNDEF || e->st_name == 0 ||
		    e->st_name >= strsize)
			continue;
		sym = &dbg->syms[dbg->nsyms++];
		sym->addr = e->st_value;
		sym->size = e->st_size;
		sym->name = strtab + e->st_name;
		sym->hash = name_hash(sym->name);
		sym->index = (uint32_t)i;
		/* ELF puts every local after the STT_FILE of its object file,
		 * and all globals after all locals. */
		sym->file = ELF64_ST_BIND(e->st_info) == STB_LOCAL ? file : 0;
		sym->shndx = shndx > UINT16_MAX ? UINT16_MAX : (uint16_t)shndx;
		sym->bind = ELF64_ST_BIND(e->st_info);
		sym->type = (uint8_t)type;
	}
	return build_name_index(dbg);
}

struct iow_error *iow_debuginfo_load_symbols(struct iow_debuginfo *dbg)
{
	uint64_t t0;

	if (dbg->syms_tried)
		goto out;
	dbg->syms_tried = true;
	t0 = iow_debuginfo_now_ns();
	dbg->syms_err = load(dbg);
	dbg->stats.ns_symbols += iow_debuginfo_now_ns() - t0;
	if (dbg->syms_err) {
		free(dbg->names);
		dbg->names = NULL;
		free(dbg->syms);
		dbg->syms = NULL;
		dbg->nsyms = 0;
	}
out:
	/* Each caller owns its error: hand out a copy of the stored one. */
	if (!dbg->syms_err || dbg->syms_err == &iow_error_nomem)
		return dbg->syms_err;
	return iow_error_create(dbg->syms_err->code, "%s", dbg->syms_err->message);
}

void iow_debuginfo_free_symbols(struct iow_debuginfo *dbg)
{
	free(dbg->names);
	dbg->names = NULL;
	free(dbg->syms);
	dbg->syms = NULL;
	dbg->nsyms = 0;
	iow_error_destroy(dbg->syms_err);
	dbg->syms_err = NULL;
}

static const struct iow_sym *find(struct iow_debuginfo *dbg, const char *name)
{
	struct name_slot *slot;

	if (!dbg->names)
		return NULL;
	slot = find_slot(dbg, name, name_hash(name));
	return slot->head ? &dbg->syms[slot->head - 1] : NULL;
}

const struct iow_sym *iow_debuginfo_sym_chain(struct iow_debuginfo *dbg, const char *name)
{
	struct iow_error *err = iow_debuginfo_load_symbols(dbg);

	if (err) {
		iow_error_destroy(err);
		return NULL;
	}
	return find(dbg, name);
}

const char *iow_debuginfo_sym_file_name(struct iow_debuginfo *dbg, uint32_t file)
{
	Elf_Scn *scn;
	GElf_Shdr shdr;
	Elf_Data *data;
	GElf_Sym esym;

	if (!file || !(scn = elf_getscn(dbg->elf, dbg->symtab_shndx)) || !gelf_getshdr(scn, &shdr) ||
	    !(data = elf_getdata(scn, NULL)) || !gelf_getsym(data, (int)file, &esym))
		return NULL;
	return elf_strptr(dbg->elf, shdr.sh_link, esym.st_name);
}

/* Of the symbols named NAME (a chain in .symtab order): the first global
 * (or weak) one, else the first local one. */
static const struct iow_sym *best_symbol(struct iow_debuginfo *dbg, const struct iow_sym *s)
{
	const struct iow_sym *local = NULL;

	for (; s; s = s->next_same == IOW_SYM_END ? NULL : &dbg->syms[s->next_same]) {
		if (s->bind != STB_LOCAL)
			return s;
		if (!local)
			local = s;
	}
	return local;
}

struct iow_error *iow_debuginfo_symbol(struct iow_debuginfo *dbg, const char *name,
				       uint64_t *addr, uint64_t *size)
{
	uint64_t v[IOW_INDEX_VALUES] = { 0 };
	struct iow_error *err;
	const struct iow_sym *s;

	if (!iow_index_get(dbg, 'S', name, NULL, NULL, v, &err)) {
		err = iow_debuginfo_load_symbols(dbg);
		if (err)
			return err;
		s = best_symbol(dbg, find(dbg, name));
		if (s) {
			v[0] = s->addr;
			v[1] = s->size;
		} else {
			err = iow_error_create(IOW_ERR_NOTFOUND, "no symbol %s in %s", name, dbg->path);
		}
		iow_index_put(dbg, 'S', name, NULL, NULL, v, err);
	}
	if (err)
		return err;
	*addr = v[0];
	if (size)
		*size = v[1];
	return NULL;
}

/* A symbol of that name, global or local: exactly when iow_debuginfo_symbol
 * finds one (so its indexed answer serves both). */
bool iow_debuginfo_has_symbol(struct iow_debuginfo *dbg, const char *name)
{
	uint64_t addr;
	struct iow_error *err = iow_debuginfo_symbol(dbg, name, &addr, NULL);

	iow_error_destroy(err);
	return !err;
}
