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

#include "kernel/kernel.h"
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

struct iow_modules {
	struct kmod *mods;
	size_t nr;
	/* struct layout, from the DWARF */
	uint64_t off_list, off_name, off_kallsyms, name_len;
	uint64_t ks_symtab, ks_num, ks_strtab;
	bool has_mem; /* 6.4+: struct module_memory mem[MOD_MEM_NUM_TYPES] */
	uint64_t off_mem, mem_count, mem_size, mem_base, mem_sz;
	int64_t mod_text, mod_init_text;
	uint64_t off_core, off_init, lay_base, lay_text_size; /* before 6.4: module_layout */
};

static struct iow_error *member(struct iow_kernel *k, const char *type, const char *path,
				struct iow_member *m)
{
	return iow_debuginfo_member(iow_kernel_debuginfo(k), type, path, HINT, m);
}

static struct iow_error *layout(struct iow_kernel *k, struct iow_modules *ms)
{
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	struct iow_member m;
	struct iow_error *err;

	if ((err = member(k, "module", "list", &m)))
		return err;
	ms->off_list = m.offset;
	if ((err = member(k, "module", "name", &m)))
		return err;
	ms->off_name = m.offset;
	ms->name_len = m.size;
	if ((err = member(k, "module", "kallsyms", &m)))
		return err;
	ms->off_kallsyms = m.offset;
	if ((err = member(k, "mod_kallsyms", "symtab", &m)))
		return err;
	ms->ks_symtab = m.offset;
	if ((err = member(k, "mod_kallsyms", "num_symtab", &m)))
		return err;
	ms->ks_num = m.offset;
	if ((err = member(k, "mod_kallsyms", "strtab", &m)))
		return err;
	ms->ks_strtab = m.offset;
	/* Linux 6.4 (ac3b43283923 "module: replace module_layout with
	 * module_memory") split a module into mem[] regions. */
	ms->has_mem = iow_debuginfo_has_member(dbg, "module", "mem", HINT);
	if (ms->has_mem) {
		if ((err = member(k, "module", "mem", &m)))
			return err;
		ms->off_mem = m.offset;
		ms->mem_count = m.count;
		ms->mem_size = m.elem_size;
		if ((err = member(k, "module_memory", "base", &m)))
			return err;
		ms->mem_base = m.offset;
		if ((err = member(k, "module_memory", "size", &m)))
			return err;
		ms->mem_sz = m.offset;
		if ((err = iow_debuginfo_enum_value(dbg, "MOD_TEXT", HINT, &ms->mod_text)) ||
		    (err = iow_debuginfo_enum_value(dbg, "MOD_INIT_TEXT", HINT, &ms->mod_init_text)))
			return err;
		if (ms->mem_count == 0 || ms->mem_count > 8 || ms->mem_size < 16)
			return iow_error_create(IOW_ERR_DATA, "unexpected struct module_memory layout");
	} else {
		if ((err = member(k, "module", "core_layout", &m)))
			return err;
		ms->off_core = m.offset;
		if ((err = member(k, "module", "init_layout", &m)))
			return err;
		ms->off_init = m.offset;
		if ((err = member(k, "module_layout", "base", &m)))
			return err;
		ms->lay_base = m.offset;
		if ((err = member(k, "module_layout", "text_size", &m)))
			return err;
		ms->lay_text_size = m.offset;
		if ((err = member(k, "module_layout", "size", &m)))
			return err;
		ms->mem_sz = m.offset;
	}
	return NULL;
}

static struct iow_error *read_u32(struct iow_kernel *k, uint64_t va, uint32_t *v)
{
	return iow_kernel_read(k, va, v, 4);
}

static struct iow_error *read_module(struct iow_kernel *k, struct iow_modules *ms, uint64_t mod,
				     struct kmod *km)
{
	struct iow_error *err;
	uint64_t base;
	uint32_t size, text_size;
	size_t n = ms->name_len < sizeof(km->name) ? ms->name_len : sizeof(km->name) - 1;

	memset(km, 0, sizeof(*km));
	if ((err = iow_kernel_read(k, mod + ms->off_name, km->name, n)))
		return err;
	km->name[n] = 0;
	if ((err = iow_kernel_read_u64(k, mod + ms->off_kallsyms, &km->kallsyms)))
		return err;
	if (ms->has_mem) {
		uint64_t i;

		for (i = 0; i < ms->mem_count; i++) {
			uint64_t at = mod + ms->off_mem + i * ms->mem_size;

			if ((err = iow_kernel_read_u64(k, at + ms->mem_base, &base)) ||
			    (err = read_u32(k, at + ms->mem_sz, &size)))
				return err;
			if (!base || !size)
				continue;
			km->all[km->nr_all++] = (struct range){ base, base + size };
			if ((int64_t)i == ms->mod_text)
				km->text = (struct range){ base, base + size };
			else if ((int64_t)i == ms->mod_init_text)
				km->init_text = (struct range){ base, base + size };
		}
	} else {
		uint64_t lays[2] = { ms->off_core, ms->off_init };
		int i;

		for (i = 0; i < 2; i++) {
			uint64_t at = mod + lays[i];

			if ((err = iow_kernel_read_u64(k, at + ms->lay_base, &base)) ||
			    (err = read_u32(k, at + ms->mem_sz, &size)) ||
			    (err = read_u32(k, at + ms->lay_text_size, &text_size)))
				return err;
			if (!base || !size)
				continue;
			km->all[km->nr_all++] = (struct range){ base, base + size };
			if (i == 0)
				km->text = (struct range){ base, base + text_size };
			else
				km->init_text = (struct range){ base, base + text_size };
		}
	}
	return NULL;
}

struct iow_error *iow_modules_create(struct iow_kernel *k, struct iow_modules **out)
{
	struct iow_modules *ms = calloc(1, sizeof(*ms));
	struct iow_error *err;
	uint64_t head, next, prev;
	size_t cap = 0;

	if (!ms)
		return &iow_error_nomem;
	if ((err = layout(k, ms)) ||
	    (err = iow_debuginfo_variable(iow_kernel_debuginfo(k), "modules", HINT, &head)))
		goto fail;
	head += iow_kernel_layout(k)->kaslr_offset;
	if ((err = iow_kernel_read_u64(k, head, &next)))
		goto fail;
	prev = head;
	while (next != head) {
		uint64_t back;

		if (ms->nr >= MAX_MODULES) {
			err = iow_error_at(IOW_ERR_DATA, next, "the module list does not end after %d "
					   "modules (a cycle?) at 0x%" PRIx64, MAX_MODULES, next);
			goto fail;
		}
		/* list_head.prev of each entry must point back: catches cycles
		 * that skip the head and wild pointers early. */
		if ((err = iow_kernel_read_u64(k, next + 8, &back)))
			goto fail;
		if (back != prev) {
			err = iow_error_at(IOW_ERR_DATA, next, "module list entry 0x%" PRIx64
					   " does not point back to 0x%" PRIx64 " (corrupt list)", next, prev);
			goto fail;
		}
		if (iow_array_reserve(&ms->mods, &cap, ms->nr + 1, sizeof(*ms->mods))) {
			err = &iow_error_nomem;
			goto fail;
		}
		if ((err = read_module(k, ms, next - ms->off_list, &ms->mods[ms->nr])))
			goto fail;
		ms->nr++;
		prev = next;
		if ((err = iow_kernel_read_u64(k, next, &next)))
			goto fail;
	}
	*out = ms;
	return NULL;
fail:
	iow_modules_destroy(ms);
	return iow_error_wrap(err, "walking the module list");
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
	if ((err = iow_kernel_read_u64(k, km->kallsyms + ms->ks_symtab, &symtab)) ||
	    (err = read_u32(k, km->kallsyms + ms->ks_num, &num)) ||
	    (err = iow_kernel_read_u64(k, km->kallsyms + ms->ks_strtab, &strtab)))
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
	 * of mapped memory: shrink until the read succeeds. */
	while ((err = iow_kernel_read(k, strtab, km->strtab, strlen_)) && strlen_ > 256) {
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
