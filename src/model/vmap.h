/* model: vmap/vmalloc areas (struct vmap_area + struct vm_struct of
 * mm/vmalloc.c and include/linux/vmalloc.h) as plain C.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_VMAP_H
#define IOW_MODEL_VMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* VM_* flags (include/linux/vmalloc.h; VM_SPARSE since 6.9). */
#define IOW_VM_IOREMAP 0x001
#define IOW_VM_ALLOC 0x002
#define IOW_VM_MAP 0x004
#define IOW_VM_USERMAP 0x008
#define IOW_VM_DMA_COHERENT 0x010
#define IOW_VM_UNINITIALIZED 0x020
#define IOW_VM_NO_GUARD 0x040
#define IOW_VM_SPARSE 0x1000
/* vmap_area.flags (mm/vmalloc.c, 6.9+) */
#define IOW_VMAP_RAM 0x1

enum iow_vmap_kind {
	IOW_VMAP_BUSY, /* in use: the busy list or tree */
	IOW_VMAP_LAZY, /* freed, not yet purged ("unpurged vm_area") */
};

struct iow_vmap_area {
	enum iow_vmap_kind kind;
	unsigned node;        /* the vmap node whose list holds it (6.9+), else 0 */
	uint64_t va;          /* the kernel's struct vmap_area */
	uint64_t va_start, va_end;
	uint64_t va_flags;    /* VMAP_RAM etc. (6.9+) */
	bool has_vm;
	uint64_t vm;          /* struct vm_struct */
	uint64_t addr, size;  /* size includes the guard page unless VM_NO_GUARD */
	uint64_t flags;       /* VM_* */
	uint64_t phys_addr;
	uint64_t caller;
	char *caller_sym;     /* what %pS prints for caller */
	uint64_t pages;       /* struct page ** */
	uint32_t nr_pages;
	uint32_t page_order;
	uint32_t *node_pages; /* pages per NUMA node (nr_numa entries), or NULL */
};

struct iow_vmap_list {
	struct iow_vmap_area *areas; /* in the kernel's /proc/vmallocinfo order (or by address,
				      * after iow_vmap_list_sort_by_addr) */
	size_t n;
	bool per_node;        /* the 6.9+ vmap_nodes layout */
	unsigned nr_vmap_nodes;
	unsigned nr_numa;     /* nr_node_ids */
	uint64_t vmalloc_start, vmalloc_end; /* is_vmalloc_addr() bounds */
};

void iow_vmap_list_fini(struct iow_vmap_list *l);
/* Where an area starts: its vm_struct's addr when it has one (which a sound
 * kernel sets to va_start, mm/vmalloc.c setup_vmalloc_vm()), else va_start. */
uint64_t iow_vmap_area_start(const struct iow_vmap_area *a);
/* Put the areas in address order, for the views that people scan and diff
 * (vmap): the kernel's list order is not address order once 6.9 splits the
 * busy list by vmap node.  The list is then no longer in /proc/vmallocinfo's
 * order, and pointers into it (a struct iow_mapping's area) go stale: sort
 * before anything points in. */
void iow_vmap_list_sort_by_addr(struct iow_vmap_list *l);

#endif
