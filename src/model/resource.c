/* model/resource: the tree's memory and the flag tables.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/resource.h"

static void free_children(struct iow_resource *r)
{
	struct iow_resource *c = r->child, *next;

	/* Iterative over siblings, recursive over depth; the walker bounds
	 * the depth (it refuses trees deeper than its limit). */
	while (c) {
		next = c->sibling;
		free_children(c);
		free(c->name);
		free(c);
		c = next;
	}
	r->child = NULL;
}

void iow_resource_tree_fini(struct iow_resource_tree *tree)
{
	free_children(&tree->root);
	free(tree->root.name);
	tree->root.name = NULL;
}

struct iow_resource *iow_resource_next(struct iow_resource *r)
{
	if (r->child)
		return r->child;
	while (!r->sibling && r->parent)
		r = r->parent;
	return r->sibling;
}

/* include/linux/ioport.h.  The type field (IORESOURCE_TYPE_BITS) is one
 * value, not bits; the rest are single bits.  Bus-specific low bits
 * (IORESOURCE_BITS, 0xff) mean different things per bus and print as hex. */
#define TYPE_BITS 0x00001f00ULL
const struct iow_flag_name iow_ioresource_flags[] = {
	{ TYPE_BITS, 0x00000100, "IO" },
	{ TYPE_BITS, 0x00000200, "MEM" },
	{ TYPE_BITS, 0x00000300, "REG" },
	{ TYPE_BITS, 0x00000400, "IRQ" },
	{ TYPE_BITS, 0x00000800, "DMA" },
	{ TYPE_BITS, 0x00001000, "BUS" },
	{ 0x00002000, 0x00002000, "PREFETCH" },
	{ 0x00004000, 0x00004000, "READONLY" },
	{ 0x00008000, 0x00008000, "CACHEABLE" },
	{ 0x00010000, 0x00010000, "RANGELENGTH" },
	{ 0x00020000, 0x00020000, "SHADOWABLE" },
	{ 0x00040000, 0x00040000, "SIZEALIGN" },
	{ 0x00080000, 0x00080000, "STARTALIGN" },
	{ 0x00100000, 0x00100000, "MEM_64" },
	{ 0x00200000, 0x00200000, "WINDOW" },
	{ 0x00400000, 0x00400000, "MUXED" },
	{ 0x01000000, 0x01000000, "SYSRAM" },
	{ 0x02000000, 0x02000000, "SYSRAM_DRIVER_MANAGED" },
	{ 0x04000000, 0x04000000, "SYSRAM_MERGEABLE" },
	{ 0x08000000, 0x08000000, "EXCLUSIVE" },
	{ 0x10000000, 0x10000000, "DISABLED" },
	{ 0x20000000, 0x20000000, "UNSET" },
	{ 0x40000000, 0x40000000, "AUTO" },
	{ 0x80000000, 0x80000000, "BUSY" },
	{ 0, 0, NULL },
};

char *iow_ioresource_flags_str(uint64_t flags, char *buf, size_t len)
{
	const struct iow_flag_name *f;
	uint64_t known = 0;
	size_t used = 0;

	buf[0] = 0;
	for (f = iow_ioresource_flags; f->name; f++) {
		known |= f->mask;
		if ((flags & f->mask) != f->value)
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? " " : "", f->name);
	}
	/* Unnamed type values and bits: as hex, never dropped. */
	if (flags & TYPE_BITS) {
		uint64_t t = flags & TYPE_BITS;
		bool named = false;

		for (f = iow_ioresource_flags; f->name; f++)
			if (f->mask == TYPE_BITS && f->value == t)
				named = true;
		if (!named)
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
						 "%stype=0x%" PRIx64, used ? " " : "", t);
	}
	if (flags & ~known)
		snprintf(buf + used, used < len ? len - used : 0, "%s0x%" PRIx64, used ? " " : "",
			 flags & ~known);
	return buf;
}

const char *iow_iores_desc_str(uint64_t desc, char *buf, size_t len)
{
	/* enum { IORES_DESC_NONE = 0, ... } in include/linux/ioport.h */
	static const char *const names[] = {
		NULL, "CRASH_KERNEL", "ACPI_TABLES", "ACPI_NV_STORAGE", "PERSISTENT_MEMORY",
		"PERSISTENT_MEMORY_LEGACY", "DEVICE_PRIVATE_MEMORY", "RESERVED", "SOFT_RESERVED",
		"CXL",
	};

	if (desc < sizeof(names) / sizeof(names[0]))
		return names[desc];
	snprintf(buf, len, "desc=%" PRIu64, desc);
	return buf;
}
