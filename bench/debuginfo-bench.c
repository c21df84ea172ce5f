/* Benchmark driver for src/debuginfo (run by bench/debuginfo-bench, which
 * drops the page cache between runs).  Not a test: it prints one line per
 * step, "step<TAB>milliseconds<TAB>note", for the script to tabulate.
 *
 * Usage: debuginfo-bench all VMLINUX      open, build ID, symbols, %pS table,
 *                                         the first struct lookup with a hint,
 *                                         then every lookup the walkers make
 *        debuginfo-bench nohint VMLINUX STRUCT
 *                                         a fresh handle, STRUCT without a hint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "debuginfo/debuginfo.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int failures;

static void check(struct iow_error *err, const char *what)
{
	if (err) {
		fprintf(stderr, "debuginfo-bench: %s: %s\n", what, err->message);
		failures++;
		iow_error_destroy(err);
	}
}

struct lookup {
	const char *st, *member, *hint; /* member NULL: the struct's size */
};

/* What the walkers read (KERNEL-AND-PEERS.md sections 1-3), by layout. */
static const struct lookup common[] = {
	{ "resource", NULL, "__request_region" },
	{ "resource", "start", "__request_region" },
	{ "resource", "end", "__request_region" },
	{ "resource", "name", "__request_region" },
	{ "resource", "flags", "__request_region" },
	{ "resource", "desc", "__request_region" },
	{ "resource", "parent", "__request_region" },
	{ "resource", "sibling", "__request_region" },
	{ "resource", "child", "__request_region" },
	{ "vm_struct", NULL, "vfree" },
	{ "vm_struct", "next", "vfree" },
	{ "vm_struct", "addr", "vfree" },
	{ "vm_struct", "size", "vfree" },
	{ "vm_struct", "flags", "vfree" },
	{ "vm_struct", "pages", "vfree" },
	{ "vm_struct", "page_order", "vfree" },
	{ "vm_struct", "nr_pages", "vfree" },
	{ "vm_struct", "phys_addr", "vfree" },
	{ "vm_struct", "caller", "vfree" },
	{ "vmap_area", NULL, "vfree" },
	{ "vmap_area", "va_start", "vfree" },
	{ "vmap_area", "va_end", "vfree" },
	{ "vmap_area", "rb_node", "vfree" },
	{ "vmap_area", "list", "vfree" },
	{ "vmap_area", "vm", "vfree" },
	{ "list_head", "next", "vfree" },
	{ "list_head", "prev", "vfree" },
	{ "memtype", NULL, "memtype_check_insert" },
	{ "memtype", "start", "memtype_check_insert" },
	{ "memtype", "end", "memtype_check_insert" },
	{ "memtype", "type", "memtype_check_insert" },
	{ "memtype", "rb", "memtype_check_insert" },
	{ "rb_root_cached", "rb_root.rb_node", "memtype_check_insert" },
	{ "rb_node", "__rb_parent_color", "memtype_check_insert" },
	{ "rb_node", "rb_right", "memtype_check_insert" },
	{ "rb_node", "rb_left", "memtype_check_insert" },
	{ "page", NULL, "memtype_reserve" },
	{ "page", "flags", "memtype_reserve" },
	{ "module", "list", "load_module" },
	{ "module", "name", "load_module" },
	{ "module", "kallsyms", "load_module" },
	{ "mod_kallsyms", "symtab", "load_module" },
	{ "mod_kallsyms", "num_symtab", "load_module" },
	{ "mod_kallsyms", "strtab", "load_module" },
	{ "mod_kallsyms", "typetab", "load_module" },
};

/* 6.12 (vmap_nodes, 6.9+; module_memory, 6.4+) */
static const struct lookup nodes[] = {
	{ "vmap_area", "flags", "vfree" },
	{ "vmap_node", NULL, "vfree" },
	{ "vmap_node", "busy.head", "vfree" },
	{ "vmap_node", "lazy.head", "vfree" },
	{ "module", "mem", "load_module" },
	{ "module_memory", "base", "load_module" },
	{ "module_memory", "size", "load_module" },
};

/* 6.1 (vmap_area_list; module_layout) */
static const struct lookup lists[] = {
	{ "module", "core_layout.base", "load_module" },
	{ "module", "core_layout.size", "load_module" },
	{ "module", "init_layout.base", "load_module" },
	{ "module", "init_layout.size", "load_module" },
};

static const struct { const char *name, *hint; } vars[] = {
	{ "iomem_resource", "__request_region" },
	{ "ioport_resource", "__request_region" },
	{ "memtype_rbroot", "memtype_check_insert" },
	{ "__pte2cachemode_tbl", "update_cache_mode_entry" },
	{ "page_offset_base", "x86_64_start_kernel" },
	{ "vmalloc_base", "x86_64_start_kernel" },
	{ "vmemmap_base", "x86_64_start_kernel" },
	{ "physical_mask", "pgd_alloc" },
	{ "phys_base", NULL },
	{ "init_top_pgt", NULL },
	{ "modules", "load_module" },
};

static void run_lookups(struct iow_debuginfo *dbg, const struct lookup *l, size_t n, int *count)
{
	struct iow_member m;
	uint64_t size;
	size_t i;

	for (i = 0; i < n; i++, (*count)++) {
		if (l[i].member)
			check(iow_debuginfo_member(dbg, l[i].st, l[i].member, l[i].hint, &m), l[i].member);
		else
			check(iow_debuginfo_struct_size(dbg, l[i].st, l[i].hint, &size), l[i].st);
	}
}

static int bench_all(const char *path)
{
	struct iow_debuginfo *dbg = NULL;
	struct iow_kallsyms_info ki;
	struct iow_symbolized s;
	struct iow_variable v;
	struct rusage ru;
	const struct iow_debuginfo_stats *st;
	const uint8_t *id;
	size_t len, i;
	uint64_t size, addr;
	int64_t val;
	int count = 0;
	bool has_nodes;
	double t;

	t = now_ms();
	check(iow_debuginfo_open(path, &dbg), "open");
	if (!dbg)
		return 1;
	printf("open\t%.3f\tELF + libdw handles, notes\n", now_ms() - t);
	t = now_ms();
	id = iow_debuginfo_build_id(dbg, &len);
	printf("build-id\t%.3f\t%zu bytes (read while opening)\n", now_ms() - t, id ? len : 0);
	t = now_ms();
	check(iow_debuginfo_symbol(dbg, "_text", &addr, NULL), "_text");
	printf("symbols\t%.3f\t.symtab read and indexed by name\n", now_ms() - t);
	t = now_ms();
	check(iow_debuginfo_struct_size(dbg, "resource", "__request_region", &size), "resource");
	printf("first-struct\t%.3f\tstruct resource, hinted: all CU headers + 1 CU\n", now_ms() - t);
	t = now_ms();
	check(iow_debuginfo_kallsyms_info(dbg, &ki), "kallsyms");
	printf("kallsyms\t%.3f\t%zu symbols (file says %" PRId64 ")\n", now_ms() - t, ki.count,
	       ki.file_count);
	t = now_ms();
	for (i = 0; i < 100000; i++)
		iow_debuginfo_symbolize(dbg, addr + (i * 4099) % 0x1000000, &s);
	printf("symbolize-each-us\t%.3f\tmicroseconds per %%pS lookup (100000 timed)\n",
	       (now_ms() - t) * 1000 / 100000);

	t = now_ms();
	has_nodes = iow_debuginfo_has_member(dbg, "vmap_node", "busy", "vfree");
	run_lookups(dbg, common, sizeof(common) / sizeof(common[0]), &count);
	if (has_nodes)
		run_lookups(dbg, nodes, sizeof(nodes) / sizeof(nodes[0]), &count);
	else
		run_lookups(dbg, lists, sizeof(lists) / sizeof(lists[0]), &count);
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++, count++)
		check(iow_debuginfo_variable_info(dbg, vars[i].name, vars[i].hint, &v), vars[i].name);
	if (has_nodes) {
		check(iow_debuginfo_variable_info(dbg, "vmap_nodes", "vfree", &v), "vmap_nodes");
		check(iow_debuginfo_variable_info(dbg, "nr_vmap_nodes", "vfree", &v), "nr_vmap_nodes");
		check(iow_debuginfo_enumerator(dbg, "pageflags", "PG_arch_2", "memtype_reserve", &val),
		      "PG_arch_2");
		count += 3;
	} else {
		check(iow_debuginfo_variable_info(dbg, "vmap_area_list", "vfree", &v), "vmap_area_list");
		check(iow_debuginfo_variable_info(dbg, "purge_vmap_area_list", "vfree", &v),
		      "purge_vmap_area_list");
		check(iow_debuginfo_enumerator(dbg, "pageflags", "PG_uncached", "memtype_reserve", &val),
		      "PG_uncached");
		count += 3;
	}
	check(iow_debuginfo_enumerator(dbg, "pageflags", "PG_arch_1", "memtype_reserve", &val),
	      "PG_arch_1");
	count += 2; /* and the has_member probe */
	st = iow_debuginfo_get_stats(dbg);
	printf("walker-lookups\t%.3f\t%d lookups (%s layout): %" PRIu64 " CUs, %" PRIu64
	       " DIEs searched\n", now_ms() - t, count, has_nodes ? "vmap_nodes" : "vmap_area_list",
	       st->cus_searched, st->dies_visited);
	t = now_ms();
	count = 0;
	run_lookups(dbg, common, sizeof(common) / sizeof(common[0]), &count);
	printf("cached-lookups\t%.3f\tthe %d struct lookups again\n", now_ms() - t, count);
	getrusage(RUSAGE_SELF, &ru);
	printf("max-rss\t%.1f\tMB, mostly mapped file pages\n", (double)ru.ru_maxrss / 1024);
	iow_debuginfo_destroy(dbg);
	return failures ? 1 : 0;
}

static int bench_nohint(const char *path, const char *name)
{
	struct iow_debuginfo *dbg = NULL;
	const struct iow_debuginfo_stats *st;
	uint64_t size = 0;
	double t;

	check(iow_debuginfo_open(path, &dbg), "open");
	if (!dbg)
		return 1;
	/* the symbol table is not part of this path: load it first */
	iow_debuginfo_has_symbol(dbg, "_text");
	t = now_ms();
	/* not found is an answer too: that search is the slowest of all */
	iow_error_destroy(iow_debuginfo_struct_size(dbg, name, NULL, &size));
	st = iow_debuginfo_get_stats(dbg);
	printf("nohint-%s\t%.3f\t%" PRIu64 " CUs searched (%s)\n", name, now_ms() - t,
	       st->cus_searched, size ? "found" : "not found");
	iow_debuginfo_destroy(dbg);
	return 0;
}

int main(int argc, char **argv)
{
	/* the lookups themselves are measured here: not the on-disk index's answers */
	setenv("IOW_INDEX_DIR", "off", 1);
	if (argc == 3 && strcmp(argv[1], "all") == 0)
		return bench_all(argv[2]);
	if (argc == 4 && strcmp(argv[1], "nohint") == 0)
		return bench_nohint(argv[2], argv[3]);
	fprintf(stderr, "usage: debuginfo-bench all VMLINUX | nohint VMLINUX STRUCT\n");
	return 2;
}
