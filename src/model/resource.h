/* model: a resource tree (struct resource of include/linux/ioport.h) as
 * plain C, read once, for the renderers.  Nothing here reads memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_RESOURCE_H
#define IOW_MODEL_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iow_resource {
	uint64_t addr;        /* the kernel's struct resource */
	uint64_t start, end;  /* end inclusive, as in the kernel */
	uint64_t flags;       /* IORESOURCE_* */
	uint64_t desc;        /* IORES_DESC_* */
	char *name;           /* NULL when the kernel's name pointer is NULL */
	uint64_t name_addr;   /* the kernel's name pointer (where the string lives) */
	int depth;            /* 0 for the root's children */
	struct iow_resource *parent, *child, *sibling;
};

struct iow_resource_tree {
	const char *root_symbol; /* "iomem_resource" or "ioport_resource" */
	struct iow_resource root;
	size_t count;            /* resources below the root */
};

void iow_resource_tree_fini(struct iow_resource_tree *tree);
/* Pre-order successor, as the kernel's next_resource() (kernel/resource.c). */
struct iow_resource *iow_resource_next(struct iow_resource *r);

/* IORESOURCE_* and IORES_DESC_* names (include/linux/ioport.h). */
struct iow_flag_name {
	uint64_t mask;
	uint64_t value;
	const char *name;
};
extern const struct iow_flag_name iow_ioresource_flags[];
/* "MEM BUSY 64bit"-style words for FLAGS; bits without a name print as
 * 0x<hex>.  Returns BUF. */
char *iow_ioresource_flags_str(uint64_t flags, char *buf, size_t len);
/* "RESERVED", "ACPI_TABLES", ..., or NULL for IORES_DESC_NONE; an unknown
 * value prints as a number into BUF. */
const char *iow_iores_desc_str(uint64_t desc, char *buf, size_t len);

#endif
