/* model/mtree: QEMU's own memory map, as its monitor prints it with
 * `info mtree -f -o` (the flat views: what each address space really
 * resolves to), parsed into plain structs.
 *
 * The text (QEMU 7.2, system/memory.c mtree_info_flatview) is a list of
 * flat views:
 *
 *	FlatView #2
 *	 AS "memory", root: system
 *	 AS "cpu-memory-0", root: system
 *	 Root memory region: system
 *	  0000000000000000-000000000009ffff (prio 0, ram): pc.ram owner:{obj path=/objects/pc.ram}
 *	  00000000000c0000-00000000000dffff (prio 1, rom): pc.rom @0000000000000000 ...
 *	  No rendered FlatView                     (a view with nothing mapped)
 *
 * Several address spaces may share a view; views are numbered anew on
 * every call, so spaces are found by name ("memory", "I/O"), never by
 * number.  Ranges are inclusive, as QEMU prints them.  " @OFFSET" is the
 * offset into the region's memory (an alias's, or a RAM block's part);
 * the owner is the QEMU object that owns the region (`-o`,
 * mtree_expand_owner() in system/memory.c): "dev" for a device, "obj" for
 * another object, named by its id (`dev id=scsi0`, a device given one on
 * the command line), else its canonical path, else its type;
 * "parent:{...}" when QEMU only knows the object the region hangs under,
 * " orphan" when it knows neither.
 *
 * A background region answers for what no other region of its view does,
 * and stands for no device: QEMU's I/O root ("io", whose ops are
 * unassigned_io_ops: reads give all ones), which the flat view shows in the
 * pieces between real port regions, and a window laid over the space from
 * address 0 (an i/o region whose offset equals its address, as a PCI
 * host's unassigned MMIO window: gpex_mmio_window on arm64's virt).
 * Accesses there hit nothing, as in a gap of the view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_MTREE_H
#define IOW_MODEL_MTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum iow_mtree_type {
	IOW_MTREE_RAM,   /* "ram": guest RAM (or a RAM-backed device region) */
	IOW_MTREE_ROM,   /* "rom": read-only RAM */
	IOW_MTREE_ROMD,  /* "romd": a ROM device in ROM mode (reads from memory, writes to the device) */
	IOW_MTREE_IO,    /* "i/o": a device's MMIO or port region */
	IOW_MTREE_OTHER, /* anything else QEMU may print */
};

struct iow_mtree_region {
	uint64_t start, end;      /* inclusive */
	int prio;
	enum iow_mtree_type type;
	char *type_name;          /* as printed ("ram", "i/o", ...) */
	char *name;               /* without the " @OFFSET" suffix */
	bool has_offset;
	uint64_t offset;
	char *owner;              /* the object's path ("/machine/unattached/device[3]"), id
				   * ("scsi0") or type, or NULL */
	const char *owner_by;     /* "path", "id" or "type" (static); NULL with no owner */
	bool owner_is_dev;        /* owner:{dev ...}: a device */
	bool owner_is_parent;     /* parent:{...}: only the object it hangs under */
	bool orphan;              /* " orphan": QEMU knows no owner or parent */
	bool background;          /* stands for no device (see above) */
};

struct iow_mtree_view {
	char **spaces;            /* the address spaces that resolve to this view */
	size_t nspaces, spaces_cap;
	char *root;               /* the root region's name, or NULL for "(none)" */
	struct iow_mtree_region *regions; /* in address order, as printed */
	size_t n, cap;
	bool rendered;            /* false: "No rendered FlatView" */
};

struct iow_mtree {
	struct iow_mtree_view *views;
	size_t n, cap;
};

/* Parse LEN bytes of TEXT (CR LF or LF line ends).  IOW_ERR_PROTOCOL, with
 * the line, for text that is not `info mtree -f` output (a QEMU whose
 * monitor answered something else, a stub that is not QEMU); on error OUT
 * is empty. */
struct iow_error *iow_mtree_parse(const char *text, size_t len, struct iow_mtree *out);
void iow_mtree_fini(struct iow_mtree *m);
/* The view of address space NAME ("memory", "I/O"), or NULL. */
const struct iow_mtree_view *iow_mtree_space(const struct iow_mtree *m, const char *name);
/* The region of VIEW that contains ADDR, or NULL (QEMU: unassigned). */
const struct iow_mtree_region *iow_mtree_lookup(const struct iow_mtree_view *view, uint64_t addr);
const char *iow_mtree_type_name(enum iow_mtree_type t);
/* Whether R is the machine's own memory: RAM or ROM that no device owns
 * (pc.ram, a memory backend; pc.bios, the firmware), as opposed to a
 * device's RAM-backed BAR (vga.vram, an option ROM BAR). */
bool iow_mtree_is_machine_memory(const struct iow_mtree_region *r);

#endif
