/* view: everything the mapping commands read, loaded together (modules,
 * vmap areas, PAT state, mappings), private to src/commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_COMMANDS_VIEW_H
#define IOW_COMMANDS_VIEW_H

#include "commands/commands.h"
#include "kernel/modules.h"
#include "model/devices.h"
#include "model/mapping.h"
#include "model/mtree.h"
#include "model/owner.h"
#include "model/pat.h"
#include "model/qemu.h"
#include "model/vmap.h"

struct iow_view {
	struct iow_modules *mods;
	struct iow_vmap_list vmap;
	struct iow_pat pat;
	struct iow_mapping_set maps;
};

/* Read the vmap areas and, with MAPPINGS, the PAT state and the page
 * tables under them.  On a walk that stopped on bad data, what was read is
 * kept and the error returned. */
struct iow_error *iow_view_load(struct iow_session *s, struct iow_view *v, bool mappings);
void iow_view_fini(struct iow_view *v);

/* QEMU's memory map, when the target's monitor is QEMU's (commands/qemu.c). */
struct iow_qemu_view {
	struct iow_mtree mtree;
	bool have;         /* read */
	char *unavailable; /* else why not, in one line */
};
/* Read it.  A target without QEMU's map (an ELF dump, gdbserver, a map
 * that did not parse: IOW_ERR_UNSUPPORTED from target/qemu.h) says why in
 * QV->unavailable, and the command goes on with the guest's view; any
 * other error (the connection's, a refused or broken answer, an
 * interrupt, no memory) is returned. */
struct iow_error *iow_qemu_view_load(struct iow_session *s, struct iow_qemu_view *qv);
void iow_qemu_view_fini(struct iow_qemu_view *qv);
/* Join a map that was read with the guest's trees and mappings (any may
 * be NULL), the kernel image's range from the session's kernel.  -1 if
 * out of memory. */
int iow_qemu_view_join(struct iow_session *s, const struct iow_qemu_view *qv, struct iow_qemu *q,
		       const struct iow_resource_tree *iomem, const struct iow_resource_tree *ioports,
		       const struct iow_mapping_set *maps);

/* Who owns each resource of the NTREES TREES (commands/devices.c): the
 * devices and the join, and the findings with MAPS (may be NULL).  MODS
 * (may be NULL: then a module list of its own) names module addresses.
 * LOADED says whether D and O hold anything to show (then a partial error
 * says what is missing). */
struct iow_owners_view {
	struct iow_devices d;
	struct iow_owners o;
	struct iow_modules *own_mods;
	bool loaded;
};
struct iow_error *iow_owners_view_load(struct iow_session *s, struct iow_modules *mods,
				       const struct iow_resource_tree *const *trees, size_t ntrees,
				       const struct iow_mapping_set *maps, struct iow_owners_view *ov);
void iow_owners_view_fini(struct iow_owners_view *ov);

#endif
