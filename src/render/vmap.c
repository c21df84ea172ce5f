/* render/vmap: vmap areas as /proc/vmallocinfo prints them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include "render/render.h"

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
	if (a->flags & IOW_VM_IOREMAP)
		iow_sink_puts(out, " ioremap");
	if (a->flags & IOW_VM_SPARSE)
		iow_sink_puts(out, " sparse");
	if (a->flags & IOW_VM_ALLOC)
		iow_sink_puts(out, " vmalloc");
	if (a->flags & IOW_VM_MAP)
		iow_sink_puts(out, " vmap");
	if (a->flags & IOW_VM_USERMAP)
		iow_sink_puts(out, " user");
	if (a->flags & IOW_VM_DMA_COHERENT)
		iow_sink_puts(out, " dma-coherent");
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
