/* render/vmap: vmap areas as /proc/vmallocinfo prints them, and annotated,
 * as text and as JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "render/json.h"
#include "render/render.h"

#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

#define FLAG(bit, name) { bit, bit, name }

/* The VM_* flags that s_show() (6.1) / vmalloc_info_show() (6.12) name, in
 * the order they print them. */
static const struct iow_flag_name proc_flags[] = {
	FLAG(IOW_VM_IOREMAP, "ioremap"), FLAG(IOW_VM_SPARSE, "sparse"), FLAG(IOW_VM_ALLOC, "vmalloc"),
	FLAG(IOW_VM_MAP, "vmap"), FLAG(IOW_VM_USERMAP, "user"), FLAG(IOW_VM_DMA_COHERENT, "dma-coherent"),
	{ 0, 0, NULL },
};

/* The annotated view names these; other bits print as hex. */
static const struct iow_flag_name view_flags[] = {
	FLAG(IOW_VM_IOREMAP, "ioremap"), FLAG(IOW_VM_ALLOC, "vmalloc"), FLAG(IOW_VM_MAP, "vmap"),
	FLAG(IOW_VM_USERMAP, "user"), FLAG(IOW_VM_DMA_COHERENT, "dma-coherent"),
	FLAG(IOW_VM_UNINITIALIZED, "uninitialized"), FLAG(IOW_VM_NO_GUARD, "no-guard"), FLAG(IOW_VM_SPARSE, "sparse"),
	{ 0, 0, NULL },
};

/* " name" for each flag of TABLE set in FLAGS; the bits TABLE does not
 * name are returned. */
static uint64_t flag_words(const struct iow_flag_name *table, uint64_t flags, struct iow_sink *out)
{
	const struct iow_flag_name *f;
	uint64_t named = 0;

	for (f = table; f->name; f++) {
		named |= f->mask;
		if ((flags & f->mask) == f->value)
			iow_sink_printf(out, " %s", f->name);
	}
	return flags & ~named;
}

/* s_show() (6.1) / vmalloc_info_show() (6.12), mm/vmalloc.c, as read by
 * root with kptr_restrict <= 1: %pK prints the address as 16 hex digits,
 * %pa the physical address as 0x and 16 digits. */
static void area_line(const struct iow_vmap_list *l, const struct iow_vmap_area *a,
		      struct iow_sink *out)
{
	unsigned i;

	if (a->kind == IOW_VMAP_LAZY) {
		iow_sink_printf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %7" PRId64 " unpurged vm_area\n",
				a->va_start, a->va_end, (int64_t)(a->va_end - a->va_start));
		return;
	}
	if (!a->has_vm) {
		/* 6.9+ prints only real vm_map_ram areas; 6.1 every vm-less one. */
		if (!l->per_node || (a->va_flags & IOW_VMAP_RAM))
			iow_sink_printf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %7" PRId64 " vm_map_ram\n",
					a->va_start, a->va_end, (int64_t)(a->va_end - a->va_start));
		return;
	}
	if (l->per_node && (a->flags & IOW_VM_UNINITIALIZED))
		return;
	iow_sink_printf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %7" PRId64, a->addr, a->addr + a->size,
			(int64_t)a->size);
	if (a->caller)
		iow_sink_printf(out, " %s", a->caller_sym);
	if (a->nr_pages)
		iow_sink_printf(out, " pages=%d", (int)a->nr_pages);
	if (a->phys_addr)
		iow_sink_printf(out, " phys=0x%016" PRIx64, a->phys_addr);
	flag_words(proc_flags, a->flags, out);
	if (a->pages >= l->vmalloc_start && a->pages < l->vmalloc_end)
		iow_sink_puts(out, " vpages");
	if (a->node_pages)
		for (i = 0; i < l->nr_numa; i++)
			if (a->node_pages[i])
				iow_sink_printf(out, " N%u=%u", i, a->node_pages[i]);
	iow_sink_puts(out, "\n");
}

void iow_render_proc_vmallocinfo(const struct iow_vmap_list *l, struct iow_sink *out)
{
	size_t i;

	for (i = 0; i < l->n && !out->failed; i++)
		area_line(l, &l->areas[i], out);
}

void iow_render_vmap(const struct iow_vmap_list *l, bool color, struct iow_sink *out)
{
	size_t i;

	for (i = 0; i < l->n && !out->failed; i++) {
		const struct iow_vmap_area *a = &l->areas[i];
		uint64_t unnamed;
		uint64_t start = a->has_vm ? a->addr : a->va_start;
		uint64_t end = a->has_vm ? a->addr + a->size : a->va_end;
		char sz[32];

		iow_sink_printf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %9s", start, end,
				iow_human_size(end - start, sz, sizeof(sz)));
		if (l->per_node)
			iow_sink_printf(out, "  node %u", a->node);
		if (a->kind == IOW_VMAP_LAZY) {
			iow_sink_printf(out, "  %sfreed, not yet purged%s\n", color ? C_DIM : "", color ? C_OFF : "");
			continue;
		}
		if (!a->has_vm) {
			iow_sink_puts(out, (a->va_flags & IOW_VMAP_RAM) || !l->per_node ? "  vm_map_ram\n" :
					   "  (no vm_struct)\n");
			continue;
		}
		iow_sink_puts(out, " ");
		if ((unnamed = flag_words(view_flags, a->flags, out)))
			iow_sink_printf(out, " 0x%" PRIx64, unnamed);
		if (a->nr_pages)
			iow_sink_printf(out, "  %u pages", a->nr_pages);
		if (a->page_order)
			iow_sink_printf(out, " (order %u)", a->page_order);
		if (a->phys_addr)
			iow_sink_printf(out, "  phys 0x%" PRIx64, a->phys_addr);
		iow_sink_printf(out, "  %s\n", a->caller_sym ? a->caller_sym : "");
	}
}

#define AREA(key, type, field) { key, IOW_JSON_##type, offsetof(struct iow_vmap_area, field) }

/* docs/JSON.md, vmap: every area's ... */
static const struct iow_json_member area_members[] = {
	AREA("node", UINT, node), AREA("va_start", HEX, va_start), AREA("va_end", HEX, va_end),
	AREA("vmap_area", HEX, va), { NULL, 0, 0 },
};

/* ... and, when it has a vm_struct, its */
static const struct iow_json_member vm_members[] = {
	AREA("vm_struct", HEX, vm), AREA("addr", HEX, addr), AREA("size", U64, size), AREA("flags", HEX, flags),
	AREA("nr_pages", UINT, nr_pages), AREA("page_order", UINT, page_order), AREA("phys_addr", HEX, phys_addr),
	AREA("caller_address", HEX, caller), AREA("caller", STRING, caller_sym), { NULL, 0, 0 },
};

void iow_render_vmap_json(const struct iow_vmap_list *l, const struct iow_error *stopped,
			  struct iow_sink *out)
{
	struct iow_json j;
	size_t i;
	unsigned n;

	iow_json_init(&j, out);
	iow_json_begin_object(&j, NULL);
	iow_json_string(&j, "layout", l->per_node ? "vmap_nodes" : "vmap_area_list");
	iow_json_u64(&j, "nr_vmap_nodes", l->nr_vmap_nodes);
	iow_json_begin_array(&j, "areas");
	for (i = 0; i < l->n; i++) {
		const struct iow_vmap_area *a = &l->areas[i];

		iow_json_begin_object(&j, NULL);
		iow_json_string(&j, "kind", a->kind == IOW_VMAP_LAZY ? "unpurged" : "busy");
		iow_json_members(&j, a, area_members);
		if (a->has_vm) {
			iow_json_members(&j, a, vm_members);
			if (a->node_pages) {
				iow_json_begin_object(&j, "node_pages");
				for (n = 0; n < l->nr_numa; n++)
					if (a->node_pages[n]) {
						char key[16];

						snprintf(key, sizeof(key), "N%u", n);
						iow_json_u64(&j, key, a->node_pages[n]);
					}
				iow_json_end_object(&j);
			}
		}
		iow_json_end_object(&j);
	}
	iow_json_end_array(&j);
	iow_json_stopped(&j, stopped);
	iow_json_end_object(&j);
	iow_json_finish(&j);
}
