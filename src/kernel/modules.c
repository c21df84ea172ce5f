/* modules: the kernel's loaded modules, and %pS-style symbols for any
 * kernel address, module addresses included.
 *
 * The module list is read once per session (and after iow_target_invalidate
 * callers should iow_kernel_modules_reset).  A module's own symbol table is
 * read only when an address falls inside it.  The rendering follows
 * kernel/kallsyms.c (__sprint_symbol) and kernel/module/kallsyms.c
 * (find_kallsyms_symbol): the closest preceding named symbol of the module,
 * its size running to the next symbol or to the end of the module's text,
 * then " [module]"; an address in no symbol prints as 0x<hex>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/kernel.h"
#include "kernel/list.h"
#include "kernel/modules.h"
#include "util/array.h"

#define MAX_MODULES 4096       /* a list longer than this is corrupt */
#define MAX_MODULE_SYMS 200000 /* likewise for a module's symbol table */
#define MAX_STRTAB (8u << 20)
#define HINT "__module_address" /* kernel/module/main.c */

struct range {
	uint64_t start, end;
};

struct kmod {
	char name[64];
	struct range text;      /* its core text: where symbol sizes end */
	struct range init_text;
	struct range all[8];    /* every memory region it owns */
	int nr_all;
	uint64_t kallsyms;      /* struct mod_kallsyms * */
	bool syms_loaded;
	uint64_t *sym_value;    /* named, defined symbols */
	uint32_t *sym_name;     /* offsets into strtab */
	size_t nr_syms;
	char *strtab;
	size_t strtab_len;
};

/* What the walk reads, from the DWARF. */
struct layout {
	uint64_t list, name, name_len, kallsyms;
	uint64_t ks_symtab, ks_num, ks_strtab;
	bool has_mem;
	uint64_t mem, mem_bytes, mem_count, mem_size; /* 6.4+ */
	int64_t mod_text, mod_init_text;
	uint64_t core, init, text_size;               /* before */
	uint64_t base, size; /* of a struct module_memory, or module_layout before */
	uint64_t modules;
};

#define L struct layout
/* include/linux/module.h and kernel/module/main.c, 6.1 and 6.12. */
static const struct iow_layout_field layout_fields[] = {
	IOW_LAYOUT_MEMBER(L, "module", "list", list),
	IOW_LAYOUT_MEMBER_SIZED(L, "module", "name", name, name_len),
	IOW_LAYOUT_MEMBER(L, "module", "kallsyms", kallsyms),
	IOW_LAYOUT_MEMBER(L, "mod_kallsyms", "symtab", ks_symtab),
	IOW_LAYOUT_MEMBER(L, "mod_kallsyms", "num_symtab", ks_num),
	IOW_LAYOUT_MEMBER(L, "mod_kallsyms", "strtab", ks_strtab),
	IOW_LAYOUT_GROUP(L, has_mem, "6.4: a module's memory is mem[MOD_MEM_NUM_TYPES], struct "
			 "module_memory (ac3b43283923 \"module: replace module_layout with "
			 "module_memory\")"),
	IOW_LAYOUT_ARRAY(L, "module", "mem", mem, mem_bytes, mem_count),
	IOW_LAYOUT_SIZE(L, "module_memory", mem_size),
	IOW_LAYOUT_MEMBER(L, "module_memory", "base", base),
	IOW_LAYOUT_MEMBER(L, "module_memory", "size", size),
	IOW_LAYOUT_ENUM(L, "mod_mem_type", "MOD_TEXT", mod_text),
	IOW_LAYOUT_ENUM(L, "mod_mem_type", "MOD_INIT_TEXT", mod_init_text),
	IOW_LAYOUT_ELSE,
	IOW_LAYOUT_MEMBER(L, "module", "core_layout", core),
	IOW_LAYOUT_MEMBER(L, "module", "init_layout", init),
	IOW_LAYOUT_MEMBER(L, "module_layout", "base", base),
	IOW_LAYOUT_MEMBER(L, "module_layout", "size", size),
	IOW_LAYOUT_MEMBER(L, "module_layout", "text_size", text_size),
	IOW_LAYOUT_END,
	IOW_LAYOUT_VARIABLE(L, "modules", modules),
};
#undef L

struct iow_modules {
	struct kmod *mods;
	size_t nr;
	struct layout l;
};

static struct iow_error *get_layout(struct iow_kernel *k, struct layout *l)
{
	struct iow_error *err = iow_layout_probe(iow_kernel_debuginfo(k), HINT, layout_fields,
						 IOW_LAYOUT_COUNT(layout_fields), l);

	if (err)
		return err;
	if (l->has_mem && (l->mem_count == 0 || l->mem_count > 8 || l->mem_size < 16 ||
			   l->mem_bytes != l->mem_count * l->mem_size))
		return iow_error_create(IOW_ERR_DATA, "unexpected struct module_memory layout");
	return NULL;
}

static struct iow_error *read_u32(struct iow_kernel *k, uint64_t va, uint32_t *v)
{
	return iow_kernel_read(k, va, v, 4);
}

/* A region of a module's memory, as its struct module describes it: from
 * 6.4 mem[i] (whole regions; MOD_TEXT and MOD_INIT_TEXT are text), before
 * core_layout and init_layout (text is their first text_size bytes). */
struct region {
	uint64_t at;          /* offset of its module_memory/module_layout in struct module */
	struct range *text;   /* where its text goes in the struct kmod, or NULL */
};

struct walk {
	struct iow_kernel *k;
	struct iow_modules *ms;
	size_t cap;
};

static struct iow_error *read_module(struct iow_kernel *k, const struct layout *l, uint64_t mod,
				     struct kmod *km)
{
	struct region regions[8];
	struct iow_error *err;
	size_t n = l->name_len < sizeof(km->name) ? l->name_len : sizeof(km->name) - 1, nr = 0, i;

	memset(km, 0, sizeof(*km));
	if (l->has_mem) {
		for (i = 0; i < l->mem_count; i++)
			regions[nr++] = (struct region){
				l->mem + i * l->mem_size,
				(int64_t)i == l->mod_text	   ? &km->text
				: (int64_t)i == l->mod_init_text ? &km->init_text
								   : NULL };
	} else {
		regions[nr++] = (struct region){ l->core, &km->text };
		regions[nr++] = (struct region){ l->init, &km->init_text };
	}
	if ((err = iow_kernel_read(k, mod + l->name, km->name, n)))
		return err;
	km->name[n] = 0;
	if ((err = iow_kernel_read_u64(k, mod + l->kallsyms, &km->kallsyms)))
		return err;
	for (i = 0; i < nr; i++) {
		uint64_t at = mod + regions[i].at, base;
		uint32_t size, text_size;

		if ((err = iow_kernel_read_u64(k, at + l->base, &base)) ||
		    (err = read_u32(k, at + l->size, &size)))
			return err;
		text_size = size;
		if (!l->has_mem && (err = read_u32(k, at + l->text_size, &text_size)))
			return err;
		if (!base || !size)
			continue;
		km->all[km->nr_all++] = (struct range){ base, base + size };
		if (regions[i].text)
			*regions[i].text = (struct range){ base, base + text_size };
	}
	return NULL;
}

static struct iow_error *add_module(void *ctx, uint64_t node)
{
	struct walk *w = ctx;
	struct iow_modules *ms = w->ms;

	if (iow_array_reserve(&ms->mods, &w->cap, ms->nr + 1, sizeof(*ms->mods)))
		return &iow_error_nomem;
	ms->nr++;
	return read_module(w->k, &ms->l, node - ms->l.list, &ms->mods[ms->nr - 1]);
}

struct iow_error *iow_modules_create(struct iow_kernel *k, struct iow_modules **out)
{
	struct iow_modules *ms = calloc(1, sizeof(*ms));
	struct walk w = { .k = k, .ms = ms };
	struct iow_error *err;

	if (!ms)
		return &iow_error_nomem;
	if ((err = get_layout(k, &ms->l)) ||
	    (err = iow_kernel_list_walk(k, ms->l.modules + iow_kernel_layout(k)->kaslr_offset,
					"modules", MAX_MODULES, add_module, &w))) {
		iow_modules_destroy(ms);
		return iow_error_wrap(err, "walking the module list");
	}
	*out = ms;
	return NULL;
}

void iow_modules_destroy(struct iow_modules *ms)
{
	size_t i;

	if (!ms)
		return;
	for (i = 0; i < ms->nr; i++) {
		free(ms->mods[i].sym_value);
		free(ms->mods[i].sym_name);
		free(ms->mods[i].strtab);
	}
	free(ms->mods);
	free(ms);
}

size_t iow_modules_count(const struct iow_modules *ms)
{
	return ms->nr;
}

const char *iow_modules_name(const struct iow_modules *ms, size_t i)
{
	return i < ms->nr ? ms->mods[i].name : NULL;
}

static bool within(const struct range *r, uint64_t a)
{
	return a >= r->start && a < r->end;
}

const char *iow_modules_holding(const struct iow_modules *ms, uint64_t addr)
{
	size_t i;
	int j;

	for (i = 0; ms && i < ms->nr; i++)
		for (j = 0; j < ms->mods[i].nr_all; j++)
			if (within(&ms->mods[i].all[j], addr))
				return ms->mods[i].name;
	return NULL;
}

/* Elf64_Sym: st_name u32, st_info u8, st_other u8, st_shndx u16,
 * st_value u64, st_size u64. */
static struct iow_error *load_syms(struct iow_kernel *k, struct iow_modules *ms, struct kmod *km)
{
	uint64_t symtab, strtab, i, strlen_ = 0;
	uint32_t num;
	uint8_t *raw = NULL;
	struct iow_error *err;

	km->syms_loaded = true;
	if (!km->kallsyms)
		return NULL;
	if ((err = iow_kernel_read_u64(k, km->kallsyms + ms->l.ks_symtab, &symtab)) ||
	    (err = read_u32(k, km->kallsyms + ms->l.ks_num, &num)) ||
	    (err = iow_kernel_read_u64(k, km->kallsyms + ms->l.ks_strtab, &strtab)))
		return err;
	if (num > MAX_MODULE_SYMS)
		return iow_error_at(IOW_ERR_DATA, km->kallsyms, "module %s claims %u symbols", km->name, num);
	raw = malloc((size_t)num * 24 + 1);
	km->sym_value = calloc(num + 1, sizeof(*km->sym_value));
	km->sym_name = calloc(num + 1, sizeof(*km->sym_name));
	if (!raw || !km->sym_value || !km->sym_name) {
		free(raw);
		return &iow_error_nomem;
	}
	if ((err = iow_kernel_read(k, symtab, raw, (size_t)num * 24)))
		goto out;
	for (i = 1; i < num; i++) { /* ELF starts real symbols at 1 */
		const uint8_t *s = raw + i * 24;
		uint32_t name;
		uint16_t shndx;
		uint64_t value;

		memcpy(&name, s, 4);
		memcpy(&shndx, s + 6, 2);
		memcpy(&value, s + 8, 8);
		if (shndx == 0 /* SHN_UNDEF */)
			continue;
		km->sym_value[km->nr_syms] = value;
		km->sym_name[km->nr_syms] = name;
		km->nr_syms++;
		if (name + 1 > strlen_)
			strlen_ = name + 1;
	}
	/* The string table ends after the last name; read up to the furthest
	 * name start plus room for it. */
	strlen_ += 256;
	if (strlen_ > MAX_STRTAB)
		strlen_ = MAX_STRTAB;
	km->strtab = malloc(strlen_ + 1);
	if (!km->strtab) {
		err = &iow_error_nomem;
		goto out;
	}
	/* The last name may end before the 256 bytes of slack do, at the end
	 * of mapped memory: shrink until the read succeeds.  Only that is
	 * expected: any other failure (the connection) ends it at once. */
	while ((err = iow_kernel_read(k, strtab, km->strtab, strlen_)) && strlen_ > 256 &&
	       iow_error_is_unreadable(err)) {
		iow_error_destroy(err);
		strlen_ -= 128;
	}
	if (err)
		goto out;
	km->strtab[strlen_] = 0;
	km->strtab_len = strlen_;
out:
	free(raw);
	return err ? iow_error_wrap(err, "reading the symbols of module %s", km->name) : NULL;
}

static const char *sym_name(const struct kmod *km, size_t i)
{
	uint32_t off = km->sym_name[i];

	return off < km->strtab_len ? km->strtab + off : "";
}

/* include/linux/module_symbol.h (6.12): local labels and the ARM/RISC-V
 * mapping symbols, which kallsyms skips. */
static bool is_mapping_symbol(const char *s)
{
	return (s[0] == '.' && s[1] == 'L') || (s[0] == 'L' && s[1] == '0') || s[0] == '$';
}

struct iow_error *iow_modules_symbolize(struct iow_kernel *k, struct iow_modules *ms, uint64_t addr,
					char *buf, size_t len, bool *found)
{
	size_t i, j, best = SIZE_MAX;
	struct kmod *km = NULL;
	uint64_t bestval = 0, nextval;
	struct iow_error *err;

	*found = false;
	for (i = 0; i < ms->nr && !km; i++)
		for (j = 0; j < (size_t)ms->mods[i].nr_all; j++)
			if (within(&ms->mods[i].all[j], addr)) {
				km = &ms->mods[i];
				break;
			}
	if (!km)
		return NULL;
	if (!km->syms_loaded && (err = load_syms(k, ms, km)))
		return err;
	nextval = within(&km->init_text, addr) ? km->init_text.end : km->text.end;
	for (i = 0; i < km->nr_syms; i++) {
		const char *name = sym_name(km, i);
		uint64_t v = km->sym_value[i];

		if (!*name || is_mapping_symbol(name))
			continue;
		if (v <= addr && (best == SIZE_MAX || v > bestval)) {
			best = i;
			bestval = v;
		}
		if (v > addr && v < nextval)
			nextval = v;
	}
	*found = true;
	if (best == SIZE_MAX)
		snprintf(buf, len, "0x%" PRIx64, addr);
	else
		snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]", sym_name(km, best),
			 addr - bestval, nextval - bestval, km->name);
	return NULL;
}

struct iow_error *iow_kernel_symbolize(struct iow_kernel *k, struct iow_modules *ms, uint64_t addr,
				       char *buf, size_t len)
{
	const struct iow_kernel_layout *l = iow_kernel_layout(k);
	struct iow_symbolized s;
	bool found = false;
	struct iow_error *err;

	if (iow_debuginfo_symbolize(iow_kernel_debuginfo(k), addr - l->kaslr_offset, &s)) {
		snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64, s.name, s.offset, s.size);
		return NULL;
	}
	if (ms && (err = iow_modules_symbolize(k, ms, addr, buf, len, &found)))
		return err;
	if (!found)
		snprintf(buf, len, "0x%" PRIx64, addr);
	return NULL;
}
