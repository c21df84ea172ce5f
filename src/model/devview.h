/* model/devview: the devices view, the same join as the owners seen from
 * the devices' side: each PCI device's slots (BARs, ROM, windows), the
 * resource each is in its tree, the kernel mappings of its range (who
 * maps it, where, with which memory type) and, when QEMU's own memory map
 * is at hand (model/mtree.h: `info mtree -f -o`), QEMU's region behind it.
 * What lspci, /proc/iomem and /proc/vmallocinfo each give a part of.
 * Nothing here reads memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_DEVVIEW_H
#define IOW_MODEL_DEVVIEW_H

#include <stddef.h>

#include "model/devices.h"
#include "model/mapping.h"
#include "model/mtree.h"
#include "model/owner.h"

struct iow_devview_run {
	const struct iow_mapping *m;
	const struct iow_map_run *run;
};

/* One slot of pci_dev.resource[]. */
struct iow_devview_slot {
	const struct iow_pci_dev *p;
	int index;
	const struct iow_dev_res *res;
	const struct iow_resource *r;          /* it in its tree, or NULL (in none) */
	struct iow_devview_run *runs;          /* mapped runs whose first byte is in it, in mapping order */
	size_t nruns, runs_cap;
	const struct iow_mtree_region *qemu;   /* QEMU's first device region in it, or NULL */
};

struct iow_devview {
	const struct iow_devices *d;
	struct iow_devview_slot *slots;        /* device by device, slot by slot */
	size_t n;
	size_t *first;                         /* per device (d->pci[i]): its first slot */
	bool have_qemu;                        /* a QEMU memory map was joined */
};

/* Join D (with O's tree resources), MAPS (may be NULL) and QEMU (may be
 * NULL: not known).  All must outlive V.  -1: out of memory. */
int iow_devview_build(struct iow_devview *v, const struct iow_devices *d, const struct iow_owners *o,
		      const struct iow_mapping_set *maps, const struct iow_mtree *qemu);
void iow_devview_fini(struct iow_devview *v);

#endif
