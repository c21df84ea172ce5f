/* vmap: see vmap.h.  The line format and what each field means follow
 * mm/vmalloc.c: s_show() (6.1) and vmalloc_info_show() (6.12).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/list.h"
#include "kernel/vmap.h"
#include "util/addrset.h"
#include "util/array.h"

#define HINT "vfree" /* mm/vmalloc.c, in every version */

struct layout {
	uint64_t va_size, va_start, va_end, va_list, va_vm, va_flags;
	uint64_t vm_size, vm_addr, vm_sz, vm_flags, vm_pages, vm_nr_pages, vm_page_order,
		vm_phys, vm_caller;
	bool per_node;
	uint64_t node_size, node_busy_head, node_lazy_head, nodes, nr_nodes; /* 6.9+ */
	uint64_t area_list, purge_list;                                      /* before */
	uint64_t nr_node_ids;
};

#define L struct layout
/* include/linux/vmalloc.h and mm/vmalloc.c, 6.1 and 6.12 (the 6.12 additions
 * vm_struct.requested_size and vmap_node.pool are not read). */
static const struct iow_layout_field layout_fields[] = {
	IOW_LAYOUT_SIZE(L, "vmap_area", va_size),
	IOW_LAYOUT_MEMBER(L, "vmap_area", "va_start", va_start),
	IOW_LAYOUT_MEMBER(L, "vmap_area", "va_end", va_end),
	IOW_LAYOUT_MEMBER(L, "vmap_area", "list", va_list),
	IOW_LAYOUT_MEMBER(L, "vmap_area", "vm", va_vm),
	IOW_LAYOUT_OPTIONAL(L, "vmap_area", "flags", va_flags,
			    "6.3: vmap_area.flags marks vm_map_ram areas VMAP_RAM "
			    "(\"mm/vmalloc.c: add flags to mark vm_map_ram area\")"),
	IOW_LAYOUT_SIZE(L, "vm_struct", vm_size),
	IOW_LAYOUT_MEMBER(L, "vm_struct", "addr", vm_addr),
	IOW_LAYOUT_MEMBER(L, "vm_struct", "size", vm_sz),
	IOW_LAYOUT_MEMBER(L, "vm_struct", "flags", vm_flags),
	IOW_LAYOUT_MEMBER(L, "vm_struct", "pages", vm_pages),
	IOW_LAYOUT_MEMBER(L, "vm_struct", "nr_pages", vm_nr_pages),
	IOW_LAYOUT_MEMBER(L, "vm_struct", "phys_addr", vm_phys),
	IOW_LAYOUT_MEMBER(L, "vm_struct", "caller", vm_caller),
	IOW_LAYOUT_OPTIONAL(L, "vm_struct", "page_order", vm_page_order,
			    "5.13, CONFIG_HAVE_ARCH_HUGE_VMALLOC: vm_struct.page_order "
			    "(121e6f3258fe \"mm/vmalloc: hugepage vmalloc mappings\")"),
	IOW_LAYOUT_GROUP(L, per_node, "6.9: busy and lazy areas on per-node lists, "
			 "vmap_nodes[nr_vmap_nodes] (55c49fee57af \"mm/vmalloc: remove "
			 "vmap_area_list\", mm/vmalloc.c)"),
	IOW_LAYOUT_SIZE(L, "vmap_node", node_size), /* static to mm/vmalloc.c */
	IOW_LAYOUT_MEMBER(L, "vmap_node", "busy.head", node_busy_head),
	IOW_LAYOUT_MEMBER(L, "vmap_node", "lazy.head", node_lazy_head),
	IOW_LAYOUT_VARIABLE(L, "vmap_nodes", nodes),
	IOW_LAYOUT_VARIABLE(L, "nr_vmap_nodes", nr_nodes),
	IOW_LAYOUT_ELSE,
	IOW_LAYOUT_VARIABLE(L, "vmap_area_list", area_list),
	IOW_LAYOUT_VARIABLE(L, "purge_vmap_area_list", purge_list),
	IOW_LAYOUT_END,
	IOW_LAYOUT_OPTIONAL_SYMBOL(L, "nr_node_ids", nr_node_ids,
				   "CONFIG_NUMA (MAX_NUMNODES > 1): nr_node_ids, else 1 "
				   "(include/linux/nodemask.h)"),
};
#undef L

/* show_numa_info(): pfn -> node through each node's pfn span.  Probed only
 * with more than one node: a kernel (or the scale fixture) with one needs
 * none of it. */
struct numa_layout {
	uint64_t page_size, pgdat_start_pfn, pgdat_spanned, node_data;
};

static const struct iow_layout_field numa_fields[] = {
	IOW_LAYOUT_SIZE(struct numa_layout, "page", page_size),
	IOW_LAYOUT_MEMBER(struct numa_layout, "pglist_data", "node_start_pfn", pgdat_start_pfn),
	IOW_LAYOUT_MEMBER(struct numa_layout, "pglist_data", "node_spanned_pages", pgdat_spanned),
	IOW_LAYOUT_SYMBOL(struct numa_layout, "node_data", node_data),
};

struct walk {
	struct iow_kernel *k;
	struct iow_modules *mods;
	struct layout l;
	struct numa_layout numa;
	struct iow_vmap_list *list;
	size_t cap;
	enum iow_vmap_kind kind;
	unsigned node;
	uint64_t *node_start, *node_end; /* per NUMA node pfn spans */
	uint8_t raw[256];
};

static struct iow_error *get_layout(struct iow_kernel *k, struct layout *l)
{
	struct iow_error *err = iow_layout_probe(iow_kernel_debuginfo(k), HINT, layout_fields,
						 IOW_LAYOUT_COUNT(layout_fields), l);

	if (err)
		return err;
	if (l->va_size > sizeof(((struct walk *)0)->raw) || l->vm_size > sizeof(((struct walk *)0)->raw))
		return iow_error_create(IOW_ERR_DATA, "struct vmap_area/vm_struct are implausibly large");
	return NULL;
}

static uint64_t u64(const uint8_t *raw, uint64_t o) { uint64_t v; memcpy(&v, raw + o, 8); return v; }
static uint32_t u32(const uint8_t *raw, uint64_t o) { uint32_t v; memcpy(&v, raw + o, 4); return v; }

/* show_numa_info(): count the area's pages per node, stepping by the
 * area's page order; pfn -> node through each node's pfn span. */
static struct iow_error *numa_counts(struct walk *w, struct iow_vmap_area *a)
{
	unsigned nn = w->list->nr_numa, step = 1u << a->page_order, nr, i;
	const struct iow_kernel_layout *kl = iow_kernel_layout(w->k);
	struct iow_error *err;

	a->node_pages = calloc(nn, sizeof(*a->node_pages));
	if (!a->node_pages)
		return &iow_error_nomem;
	if (nn == 1) { /* every page is on node 0: no need to read them */
		a->node_pages[0] = (uint32_t)(((uint64_t)a->nr_pages + step - 1) / step * step);
		return NULL;
	}
	/* More pages than the area holds is corrupt data: reading that many
	 * page pointers (up to 2^32) would not end in useful time. */
	if ((uint64_t)a->nr_pages * w->numa.page_size > a->size)
		return iow_error_at(IOW_ERR_DATA, a->vm, "vm_struct 0x%" PRIx64 " has %u pages, "
				    "more than its %" PRIu64 " bytes hold", a->vm, a->nr_pages, a->size);
	for (nr = 0; nr < a->nr_pages; nr += step) {
		uint64_t page, pfn;

		if ((err = iow_kernel_read_u64(w->k, a->pages + nr * 8ULL, &page)))
			return iow_error_wrap(err, "reading the pages of area 0x%" PRIx64, a->addr);
		pfn = (page - kl->vmemmap_base) / w->numa.page_size;
		for (i = 0; i < nn; i++)
			if (pfn >= w->node_start[i] && pfn < w->node_end[i]) {
				a->node_pages[i] += step;
				break;
			}
	}
	return NULL;
}

static struct iow_error *add_area(void *ctx, uint64_t node)
{
	struct walk *w = ctx;
	struct iow_vmap_list *list = w->list;
	struct iow_vmap_area *a;
	struct iow_error *err;
	uint64_t va = node - w->l.va_list;

	if (list->n >= IOW_VMAP_MAX)
		return iow_error_at(IOW_ERR_DATA, va, "more than %d vmap areas", IOW_VMAP_MAX);
	if (iow_array_reserve(&list->areas, &w->cap, list->n + 1, sizeof(*list->areas)))
		return &iow_error_nomem;
	a = &list->areas[list->n];
	memset(a, 0, sizeof(*a));
	if ((err = iow_kernel_read(w->k, va, w->raw, w->l.va_size)))
		return iow_error_wrap(err, "reading vmap_area 0x%" PRIx64, va);
	list->n++;
	a->kind = w->kind;
	a->node = w->node;
	a->va = va;
	a->va_start = u64(w->raw, w->l.va_start);
	a->va_end = u64(w->raw, w->l.va_end);
	if (iow_layout_has(w->l.va_flags))
		a->va_flags = u64(w->raw, w->l.va_flags);
	if (a->va_end < a->va_start)
		return iow_error_at(IOW_ERR_DATA, va, "vmap_area 0x%" PRIx64 " ends before it starts", va);
	/* The vm pointer shares a union with subtree_max_size, which only
	 * free areas use: busy areas hold a vm_struct or NULL; lazily freed
	 * ones are printed from va_start/va_end alone. */
	if (w->kind == IOW_VMAP_LAZY)
		return NULL;
	a->vm = u64(w->raw, w->l.va_vm);
	if (!a->vm)
		return NULL;
	a->has_vm = true;
	if ((err = iow_kernel_read(w->k, a->vm, w->raw, w->l.vm_size)))
		return iow_error_wrap(err, "reading the vm_struct of vmap_area 0x%" PRIx64, va);
	a->addr = u64(w->raw, w->l.vm_addr);
	a->size = u64(w->raw, w->l.vm_sz);
	a->flags = u64(w->raw, w->l.vm_flags);
	a->pages = u64(w->raw, w->l.vm_pages);
	a->nr_pages = u32(w->raw, w->l.vm_nr_pages);
	a->page_order = iow_layout_has(w->l.vm_page_order) ? u32(w->raw, w->l.vm_page_order) : 0;
	a->phys_addr = u64(w->raw, w->l.vm_phys);
	a->caller = u64(w->raw, w->l.vm_caller);
	if (a->page_order > 30)
		return iow_error_at(IOW_ERR_DATA, a->vm, "vm_struct 0x%" PRIx64 " has page order %u",
				    a->vm, a->page_order);
	if (a->caller) {
		char sym[512];

		if ((err = iow_kernel_symbolize(w->k, w->mods, a->caller, sym, sizeof(sym))))
			return err;
		if (!(a->caller_sym = strdup(sym)))
			return &iow_error_nomem;
	}
	if (!(a->flags & IOW_VM_UNINITIALIZED) && a->nr_pages)
		return numa_counts(w, a);
	return NULL;
}

/* Before a list is walked, on a target that takes pipelined reads: chase
 * it whole slab pages at a time (vmap_areas come from one cache), then
 * fetch every area's vm_struct in one go.  A hint only: it stops at
 * anything odd, and the walk proper finds and reports it. */
static void prefetch_list(struct walk *w, uint64_t head)
{
	struct iow_addrset *seen = iow_addrset_create();
	uint64_t node[2], cur, *vms = NULL;
	size_t n = 0, cap = 0, *lens = NULL, i;
	struct iow_error *err = NULL;

	if (!seen || (err = iow_kernel_read_chasing(w->k, head, node, sizeof(node))))
		goto out;
	for (cur = node[0]; cur != head && n < IOW_VMAP_MAX; cur = node[0]) {
		uint64_t vm;

		if (iow_addrset_add(seen, cur) != 1 ||
		    (err = iow_kernel_read_chasing(w->k, cur, node, sizeof(node))))
			break;
		if (w->kind == IOW_VMAP_LAZY || cur < w->l.va_list)
			continue;
		if ((err = iow_kernel_read(w->k, cur - w->l.va_list, w->raw, w->l.va_size)))
			break;
		if (!(vm = u64(w->raw, w->l.va_vm)))
			continue;
		if (iow_array_reserve(&vms, &cap, n + 1, sizeof(*vms)))
			break;
		vms[n++] = vm;
	}
	if (n && (lens = malloc(n * sizeof(*lens)))) {
		for (i = 0; i < n; i++)
			lens[i] = w->l.vm_size;
		iow_kernel_prefetch(w->k, vms, lens, n);
		/* With several NUMA nodes every area's page array is read
		 * too (numa_counts): all of them in one go as well. */
		if (w->list->nr_numa > 1) {
			size_t m = 0;

			for (i = 0; i < n; i++) {
				uint64_t pages;
				uint32_t nr;

				if ((err = iow_kernel_read(w->k, vms[i], w->raw, w->l.vm_size)))
					break;
				pages = u64(w->raw, w->l.vm_pages);
				nr = u32(w->raw, w->l.vm_nr_pages);
				if (pages && nr) {
					vms[m] = pages;
					lens[m++] = (size_t)nr * 8;
				}
			}
			iow_kernel_prefetch(w->k, vms, lens, m);
		}
	}
out:
	/* a hint: the walk proper meets the same error and reports it */
	iow_error_destroy(err);
	free(vms);
	free(lens);
	iow_addrset_destroy(seen);
}

static struct iow_error *walk_list(struct walk *w, uint64_t head, const char *what,
				   enum iow_vmap_kind kind, unsigned node)
{
	w->kind = kind;
	w->node = node;
	if (iow_kernel_can_prefetch(w->k))
		prefetch_list(w, head);
	return iow_kernel_list_walk(w->k, head, what, IOW_VMAP_MAX, add_area, w);
}

/* NUMA: nr_node_ids and, when there is more than one node, each node's pfn
 * span (node_data[i]->node_start_pfn, node_spanned_pages). */
static struct iow_error *numa_setup(struct walk *w)
{
	uint64_t kaslr = iow_kernel_layout(w->k)->kaslr_offset, addr, pgdat;
	uint32_t nr;
	unsigned i;
	struct iow_error *err;

	w->list->nr_numa = 1;
	if (!iow_layout_has(w->l.nr_node_ids))
		return NULL;
	addr = w->l.nr_node_ids + kaslr;
	if ((err = iow_kernel_read(w->k, addr, &nr, 4)))
		return err;
	if (nr == 0 || nr > 1024)
		return iow_error_at(IOW_ERR_DATA, addr, "nr_node_ids is %u", nr);
	w->list->nr_numa = nr;
	if (nr == 1)
		return NULL;
	w->node_start = calloc(nr, sizeof(uint64_t));
	w->node_end = calloc(nr, sizeof(uint64_t));
	if (!w->node_start || !w->node_end)
		return &iow_error_nomem;
	if ((err = iow_layout_probe(iow_kernel_debuginfo(w->k), HINT, numa_fields,
				    IOW_LAYOUT_COUNT(numa_fields), &w->numa)))
		return err;
	for (i = 0; i < nr; i++) {
		uint64_t start, spanned;

		if ((err = iow_kernel_read_u64(w->k, w->numa.node_data + kaslr + i * 8ULL, &pgdat)))
			return err;
		if (!pgdat)
			continue;
		if ((err = iow_kernel_read_u64(w->k, pgdat + w->numa.pgdat_start_pfn, &start)) ||
		    (err = iow_kernel_read_u64(w->k, pgdat + w->numa.pgdat_spanned, &spanned)))
			return err;
		w->node_start[i] = start;
		w->node_end[i] = start + spanned;
	}
	return NULL;
}

/* The lists to walk, in the order /proc/vmallocinfo prints them. */
struct head {
	uint64_t addr;
	enum iow_vmap_kind kind;
	unsigned node;
	char what[32];
};

/* 6.9+: vmap_nodes[nr_vmap_nodes], each node's busy list, then each one's
 * lazy list; before: vmap_area_list, then purge_vmap_area_list. */
static struct iow_error *list_heads(struct walk *w, struct head *heads, size_t *n)
{
	uint64_t kaslr = iow_kernel_layout(w->k)->kaslr_offset, nodes;
	struct iow_error *err;
	uint32_t nr;
	unsigned i, j;

	if (!w->l.per_node) {
		heads[0] = (struct head){ w->l.area_list + kaslr, IOW_VMAP_BUSY, 0, "vmap_area_list" };
		heads[1] = (struct head){ w->l.purge_list + kaslr, IOW_VMAP_LAZY, 0,
					  "purge_vmap_area_list" };
		*n = 2;
		w->list->nr_vmap_nodes = 1;
		return NULL;
	}
	if ((err = iow_kernel_read_u64(w->k, w->l.nodes + kaslr, &nodes)) ||
	    (err = iow_kernel_read(w->k, w->l.nr_nodes + kaslr, &nr, 4)))
		return err;
	/* vmap_init_nodes() clamps the count to 128 (mm/vmalloc.c). */
	if (nr == 0 || nr > 128)
		return iow_error_at(IOW_ERR_DATA, w->l.nr_nodes + kaslr, "nr_vmap_nodes is %u", nr);
	w->list->nr_vmap_nodes = nr;
	*n = 0;
	for (j = 0; j < 2; j++)
		for (i = 0; i < nr; i++) {
			struct head *h = &heads[(*n)++];

			h->addr = nodes + i * w->l.node_size + (j ? w->l.node_lazy_head : w->l.node_busy_head);
			h->kind = j ? IOW_VMAP_LAZY : IOW_VMAP_BUSY;
			h->node = i;
			snprintf(h->what, sizeof(h->what), "vmap_nodes[%u].%s", i, j ? "lazy" : "busy");
		}
	return NULL;
}

struct iow_error *iow_vmap_list_read(struct iow_kernel *k, struct iow_modules *mods,
				     struct iow_vmap_list *list)
{
	const struct iow_kernel_layout *kl = iow_kernel_layout(k);
	struct walk w = { .k = k, .mods = mods, .list = list };
	struct head heads[2 * 128];
	struct iow_error *err;
	size_t n = 0, i;

	memset(list, 0, sizeof(*list));
	/* is_vmalloc_addr(): VMALLOC_START .. VMALLOC_END, as the
	 * architecture knows them */
	list->vmalloc_start = kl->vmalloc_base;
	list->vmalloc_end = kl->vmalloc_end;
	if ((err = get_layout(k, &w.l)))
		goto out;
	list->per_node = w.l.per_node;
	if ((err = numa_setup(&w)) || (err = list_heads(&w, heads, &n)))
		goto out;
	for (i = 0; i < n && !err; i++)
		err = walk_list(&w, heads[i].addr, heads[i].what, heads[i].kind, heads[i].node);
out:
	free(w.node_start);
	free(w.node_end);
	return err;
}
