/* debuginfo: what the kernel's %pS prints for an address in its image.
 *
 * %pS (lib/vsprintf.c symbol_string -> sprint_symbol) prints
 * "name+0xoff/0xsize", where name, off and size come from the kernel's own
 * kallsyms table (kernel/kallsyms.c get_symbol_pos): the symbol is the
 * table's last entry at or below the address (the first of several at the
 * same address), and its size runs to the next higher address in the table,
 * not to the end given by the ELF st_size.  So the table itself has to be
 * rebuilt from the ELF symbols exactly as the kernel build did:
 *
 *   nm -n vmlinux | scripts/mksysmap | scripts/kallsyms --all-symbols ...
 *
 * (scripts/link-vmlinux.sh, 6.1 and 6.12).  Each rule below names the
 * script it follows.  The result is checked against the count the build
 * stored in the image (kallsyms_num_syms), which also settles the two
 * choices that differ between kernels and are not visible otherwise:
 * CONFIG_KALLSYMS_ALL, and whether the kallsyms_* tables list themselves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

/* The letter nm would print for a symbol in each section
 * (binutils bfd/syms.c decode_section_type), by section index. */
static char *section_letters(struct iow_debuginfo *dbg, size_t *count)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	char *letters;
	size_t n, i;

	if (elf_getshdrnum(dbg->elf, &n) != 0 || !(letters = calloc(n ? n : 1, 1)))
		return NULL;
	while ((scn = elf_nextscn(dbg->elf, scn))) {
		i = elf_ndxscn(scn);
		if (i >= n || !gelf_getshdr(scn, &shdr))
			continue;
		if (!(shdr.sh_flags & SHF_ALLOC))
			letters[i] = 'n'; /* 'N' for .debug*; the rules drop both */
		else if (shdr.sh_flags & SHF_EXECINSTR)
			letters[i] = 't';
		else if (shdr.sh_type == SHT_NOBITS)
			letters[i] = 'b';
		else if (shdr.sh_flags & SHF_WRITE)
			letters[i] = 'd';
		else
			letters[i] = 'r';
	}
	*count = n;
	return letters;
}

/* The letter nm prints for SYM (bfd_decode_symclass), as far as the
 * kallsyms rules look at it. */
static char nm_type(const struct iow_sym *sym, const char *letters, size_t nletters)
{
	char c;

	if (sym->shndx == SHN_ABS)
		c = 'a';
	else if (sym->type == STT_GNU_IFUNC)
		return 'i';
	else if (sym->bind == STB_WEAK)
		return sym->type == STT_OBJECT ? 'V' : 'W';
	else if (sym->bind == STB_GNU_UNIQUE)
		return 'u';
	else if (sym->shndx >= nletters || !letters[sym->shndx])
		return '?';
	else
		c = letters[sym->shndx];
	return sym->bind == STB_LOCAL ? c : (char)toupper((unsigned char)c);
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool has_suffix(const char *s, const char *p)
{
	size_t ls = strlen(s), lp = strlen(p);

	return ls >= lp && strcmp(s + ls - lp, p) == 0;
}

/* The kallsyms tables' own symbols: scripts/kallsyms.c of 6.1 drops them
 * (they "vary between passes"); 6.12 links them from the first pass on
 * and keeps them. */
static bool is_kallsyms_table(const char *name)
{
	static const char *const tables[] = {
		"kallsyms_addresses", "kallsyms_offsets", "kallsyms_relative_base",
		"kallsyms_num_syms", "kallsyms_names", "kallsyms_markers",
		"kallsyms_seqs_of_names", "kallsyms_token_table", "kallsyms_token_index",
	};
	size_t i;

	if (!has_prefix(name, "kallsyms_"))
		return false;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (strcmp(name, tables[i]) == 0)
			return true;
	return false;
}

/* "__", letters and digits, "Thunk_": lld's thunks, the regex
 * / __[[:alnum:]]*Thunk_/ of 6.12 scripts/mksysmap (6.1 listed them). */
static bool is_thunk(const char *name)
{
	const char *p;

	if (!has_prefix(name, "__"))
		return false;
	for (p = name + 2; isalnum((unsigned char)*p); p++)
		;
	return *p == '_' && p - (name + 2) >= 5 && memcmp(p - 5, "Thunk", 5) == 0;
}

/* Whether nm's line for SYM survives scripts/mksysmap and the
 * is_ignored_symbol() of scripts/kallsyms.c.  The two kernels split the
 * same rules differently between the two scripts (6.12 moved them all to
 * mksysmap); the union of both is applied, since each drops only names no
 * gcc-built x86 kernel has outside what the other drops too.  Ordered so
 * that the common case, a plain C identifier, costs a few compares. */
static bool kallsyms_keeps(char type, const char *name)
{
#define P(s) { s, sizeof(s) - 1 }
	static const struct { const char *s; size_t len; } prefixes[] = {
		P("__efistub_"), P("__pi_$"), P("__pi_.L"), P("__kvm_nvhe_$"), P("__kvm_nvhe_.L"),
		P("__kcfi_typeid_"), P("__kvm_nvhe___kcfi_typeid_"), P("__pi___kcfi_typeid_"),
		P("__crc_"), P("__kstrtab_"), P("__kstrtabns_"),
	};
#undef P
	static const char *const suffixes[] = { "_from_arm", "_from_thumb", "_veneer" };
	static const char *const exact[] = { "L0", "_SDA_BASE_", "_SDA2_BASE_" };
	static const char *const keep_abs[] = {
		"__kernel_syscall_via_break", "__kernel_syscall_via_epc", "__kernel_sigtramp", "__gp",
	};
	size_t i, len;

	/* mksysmap: / [aNUw] /d; kallsyms.c: 'U' 'u' 'N' 'n', and 'A' but
	 * for a few names. */
	switch (type) {
	case 'a': case 'N': case 'n': case 'U': case 'u': case 'w': case '?':
		return false;
	case 'A':
		for (i = 0; i < sizeof(keep_abs) / sizeof(keep_abs[0]); i++)
			if (strcmp(name, keep_abs[i]) == 0)
				return true;
		return false;
	}
	/* mksysmap: / \$/d and / \.L/d */
	if (name[0] == '$' || (name[0] == '.' && name[1] == 'L'))
		return false;
	if (name[0] == '_' && name[1] == '_') {
		for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
			if (name[2] == prefixes[i].s[2] &&
			    strncmp(name, prefixes[i].s, prefixes[i].len) == 0)
				return false;
		if (is_thunk(name))
			return false;
	}
	len = strlen(name);
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t l = strlen(suffixes[i]);

		if (len >= l && memcmp(name + len - l, suffixes[i], l) == 0)
			return false;
	}
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(name, exact[i]) == 0)
			return false;
	/* ppc stubs: / \.long_branch\./ and / \.plt_branch\./ anywhere */
	if (memchr(name, '.', len) &&
	    (strstr(name, ".long_branch.") || strstr(name, ".plt_branch.")))
		return false;
	return true;
}

/* One kallsyms candidate, with what the sort looks at copied in. */
struct kentry {
	uint64_t addr;
	const char *name;
	uint32_t sym_index; /* into dbg->syms, which is in .symtab order */
	bool weak;
	bool linker_provided;
	uint8_t underscores;
};

/* scripts/kallsyms.c may_be_linker_script_provide_symbol(). */
static bool linker_provided(const char *name)
{
	size_t len = strlen(name);

	if (len < 8 || name[0] != '_' || name[1] != '_')
		return false;
	return has_prefix(name + 2, "start_") || has_prefix(name + 2, "stop_") ||
	       has_prefix(name + 2, "end_") || has_suffix(name, "_start") ||
	       has_suffix(name, "_end");
}

/* scripts/kallsyms.c compare_symbols(): by address, then non-weak before
 * weak, then not-linker-provided first, then fewer leading underscores,
 * then the order of nm -n, which sorts by address and then by name
 * (LC_COLLATE=C, set by the top Makefile). */
static int kentry_cmp(const struct kentry *x, const struct kentry *y)
{
	int c;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->weak != y->weak)
		return x->weak - y->weak;
	if (x->linker_provided != y->linker_provided)
		return x->linker_provided - y->linker_provided;
	if (x->underscores != y->underscores)
		return x->underscores - y->underscores;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->sym_index < y->sym_index ? -1 : x->sym_index > y->sym_index;
}

/* What is sorted: 150,000 of these move faster than the entries, and most
 * compare on the address alone. */
struct sort_key {
	uint64_t addr;
	uint32_t entry;
};

static int sort_key_cmp(const void *a, const void *b, void *entries)
{
	const struct sort_key *x = a, *y = b;
	const struct kentry *e = entries;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return kentry_cmp(&e[x->entry], &e[y->entry]);
}

static uint64_t sym_addr_or(struct iow_debuginfo *dbg, const char *name, uint64_t dflt)
{
	uint64_t addr;
	struct iow_error *err = iow_debuginfo_symbol(dbg, name, &addr, NULL);

	if (err) {
		iow_error_destroy(err);
		return dflt;
	}
	return addr;
}

/* Without --all-symbols only [_stext,_etext] and [_sinittext,_einittext]
 * count, less what sits exactly on _etext or _einittext
 * (scripts/kallsyms.c symbol_valid()). */
static bool in_text(const struct iow_ksyms *k, const struct iow_sym *s)
{
	if ((s->addr == k->etext && strcmp(s->name, "_etext") != 0) ||
	    (s->addr == k->einittext && strcmp(s->name, "_einittext") != 0))
		return false;
	return (s->addr >= k->stext && s->addr <= k->etext) ||
	       (s->addr >= k->sinittext && s->addr <= k->einittext);
}

/* kallsyms_num_syms as the build stored it: a .long in .rodata
 * (scripts/kallsyms.c write_src). */
static int64_t file_count(struct iow_debuginfo *dbg)
{
	uint64_t addr;
	uint32_t n;

	addr = sym_addr_or(dbg, "kallsyms_num_syms", 0);
	if (!addr || !iow_debuginfo_read_image(dbg, addr, &n, sizeof(n)))
		return -1;
	return n;
}

static struct iow_error *build(struct iow_debuginfo *dbg)
{
	struct iow_ksyms *k = &dbg->ksyms;
	struct kentry *e;
	size_t i, n = 0, counts[2][2] = { { 0 } };
	uint64_t pcpu_start, pcpu_end;
	int all, self, best_all = 1, best_self = 1;
	char *letters;
	size_t nletters = 0;
	struct sort_key *keys;
	bool matched = false;
	char type;

	k->stext = sym_addr_or(dbg, "_stext", 0);
	k->etext = sym_addr_or(dbg, "_etext", 0);
	k->sinittext = sym_addr_or(dbg, "_sinittext", 0);
	k->einittext = sym_addr_or(dbg, "_einittext", 0);
	k->end = sym_addr_or(dbg, "_end", 0);
	/* the bounds every kernel's linker script defines (vmlinux.lds.h) */
	if (!k->stext || !k->etext || k->end <= k->stext)
		return iow_error_create(IOW_ERR_UNSUPPORTED,
					"%s has no _stext/_etext/_end: not a Linux kernel image",
					dbg->path);
	letters = section_letters(dbg, &nletters);
	e = malloc(dbg->nsyms * sizeof(*e));
	if (!e || !letters) {
		free(letters);
		free(e);
		return &iow_error_nomem;
	}
	/* x86-64 SMP: CONFIG_KALLSYMS_ABSOLUTE_PERCPU, kallsyms --absolute-percpu
	 * turns the per-CPU symbols into 'A' ones (so never weak). */
	pcpu_start = sym_addr_or(dbg, "__per_cpu_start", 1);
	pcpu_end = sym_addr_or(dbg, "__per_cpu_end", 0);

	for (i = 0; i < dbg->nsyms; i++) {
		const struct iow_sym *s = &dbg->syms[i];
		size_t underscores;
		bool text;

		type = nm_type(s, letters, nletters);
		if (!kallsyms_keeps(type, s->name))
			continue;
		if (s->addr >= pcpu_start && s->addr <= pcpu_end)
			type = 'A';
		e[n].addr = s->addr;
		e[n].name = s->name;
		e[n].sym_index = (uint32_t)i;
		e[n].weak = type == 'W' || type == 'w';
		e[n].linker_provided = linker_provided(s->name);
		underscores = strspn(s->name, "_");
		e[n].underscores = (uint8_t)(underscores > 255 ? 255 : underscores);
		text = in_text(k, s);
		for (all = 0; all < 2; all++)
			for (self = 0; self < 2; self++)
				if ((all || text) && (self || !is_kallsyms_table(s->name)))
					counts[all][self]++;
		n++;
	}

	free(letters);

	/* Pick the variant whose count the build stored; prefer the Debian
	 * configuration (all symbols) when none matches or the count is
	 * unreadable. */
	k->file_count = file_count(dbg);
	for (all = 1; all >= 0 && !matched; all--)
		for (self = 1; self >= 0 && !matched; self--)
			if (k->file_count >= 0 && counts[all][self] == (size_t)k->file_count) {
				best_all = all;
				best_self = self;
				matched = true;
			}
	k->all_symbols = best_all;
	k->lists_itself = best_self;

	/* Prune to the chosen variant, then sort. */
	for (i = 0, k->count = 0; i < n; i++) {
		const struct iow_sym *s = &dbg->syms[e[i].sym_index];

		if (!best_all && !in_text(k, s))
			continue;
		if (!best_self && is_kallsyms_table(s->name))
			continue;
		e[k->count++] = e[i];
	}
	keys = malloc((k->count ? k->count : 1) * sizeof(*keys));
	k->addrs = malloc((k->count ? k->count : 1) * sizeof(*k->addrs));
	k->names = malloc((k->count ? k->count : 1) * sizeof(*k->names));
	if (!keys || !k->addrs || !k->names) {
		free(keys);
		free(e);
		return &iow_error_nomem;
	}
	for (i = 0; i < k->count; i++) {
		keys[i].addr = e[i].addr;
		keys[i].entry = (uint32_t)i;
	}
	qsort_r(keys, k->count, sizeof(*keys), sort_key_cmp, e);
	/* names point into .strtab (symbols.c), below 4 GiB of it */
	for (i = 0; i < k->count; i++) {
		const struct kentry *x = &e[keys[i].entry];

		k->addrs[i] = x->addr;
		k->names[i] = (uint32_t)(x->name - dbg->strtab);
	}
	free(keys);
	free(e);
	return NULL;
}

static struct iow_error *load(struct iow_debuginfo *dbg)
{
	struct iow_error *err = NULL;
	uint64_t t0;

	if (dbg->ksyms_tried || iow_index_take_ksyms(dbg)) /* built, or from the index */
		goto out;
	err = iow_debuginfo_load_symbols(dbg);
	if (err)
		goto out;
	dbg->ksyms_tried = true;
	if (dbg->strtab_size > UINT32_MAX) {
		dbg->ksyms_err = iow_error_create(IOW_ERR_UNSUPPORTED, "%s: .strtab over 4 GiB",
						  dbg->path);
		goto out;
	}
	t0 = iow_debuginfo_now_ns();
	dbg->ksyms_err = build(dbg);
	dbg->stats.ns_kallsyms += iow_debuginfo_now_ns() - t0;
out:
	if (err)
		return err;
	if (!dbg->ksyms_err || dbg->ksyms_err == &iow_error_nomem)
		return dbg->ksyms_err;
	return iow_error_create(dbg->ksyms_err->code, "%s", dbg->ksyms_err->message);
}

void iow_debuginfo_free_ksyms(struct iow_debuginfo *dbg)
{
	free(dbg->ksyms.addrs);
	free(dbg->ksyms.names);
	dbg->ksyms.addrs = NULL;
	dbg->ksyms.names = NULL;
	dbg->ksyms.count = 0;
	iow_error_destroy(dbg->ksyms_err);
	dbg->ksyms_err = NULL;
}

static uint64_t kaddr(struct iow_debuginfo *dbg, size_t i)
{
	return dbg->ksyms.addrs[i];
}

/* kernel/kallsyms.c is_ksym_addr(): with CONFIG_KALLSYMS_ALL the whole
 * image [_stext, _end), else only its text and init text. */
static bool is_ksym_addr(const struct iow_ksyms *k, uint64_t addr)
{
	if (k->all_symbols)
		return addr >= k->stext && addr < k->end;
	return (addr >= k->stext && addr < k->etext) ||
	       (addr >= k->sinittext && addr < k->einittext);
}

bool iow_debuginfo_symbolize(struct iow_debuginfo *dbg, uint64_t addr, struct iow_symbolized *out)
{
	struct iow_ksyms *k = &dbg->ksyms;
	struct iow_error *err = load(dbg);
	size_t low, high, mid, i;
	uint64_t start, end = 0;

	if (err) {
		iow_error_destroy(err);
		return false;
	}
	if (!k->count || !is_ksym_addr(k, addr) || kaddr(dbg, 0) > addr)
		return false;
	/* kernel/kallsyms.c get_symbol_pos(), step by step. */
	low = 0;
	high = k->count;
	while (high - low > 1) {
		mid = low + (high - low) / 2;
		if (kaddr(dbg, mid) <= addr)
			low = mid;
		else
			high = mid;
	}
	while (low && kaddr(dbg, low - 1) == kaddr(dbg, low))
		low--;
	start = kaddr(dbg, low);
	for (i = low + 1; i < k->count; i++) {
		if (kaddr(dbg, i) > start) {
			end = kaddr(dbg, i);
			break;
		}
	}
	if (!end) {
		if (addr >= k->sinittext && addr < k->einittext)
			end = k->einittext;
		else
			end = k->all_symbols ? k->end : k->etext;
	}
	out->name = dbg->strtab + k->names[low];
	out->offset = addr - start;
	out->size = end - start;
	return true;
}

struct iow_error *iow_debuginfo_format_symbol(struct iow_debuginfo *dbg, uint64_t addr,
					      struct iow_buf *out)
{
	struct iow_symbolized s;

	if (!iow_debuginfo_symbolize(dbg, addr, &s))
		return iow_error_at(IOW_ERR_NOTFOUND, addr,
				    "0x%" PRIx64 " is in no symbol of the kernel image", addr);
	return iow_buf_printf(out, "%s+0x%" PRIx64 "/0x%" PRIx64, s.name, s.offset, s.size);
}

struct iow_error *iow_debuginfo_kallsyms_info(struct iow_debuginfo *dbg,
					      struct iow_kallsyms_info *out)
{
	struct iow_error *err = load(dbg);

	if (err)
		return err;
	out->count = dbg->ksyms.count;
	out->file_count = dbg->ksyms.file_count;
	out->all_symbols = dbg->ksyms.all_symbols;
	out->lists_itself = dbg->ksyms.lists_itself;
	return NULL;
}
