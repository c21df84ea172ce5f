/* model/owner: who put each resource there.
 *
 * A struct resource lives inside, or is pointed to by, the object that
 * owns it: an element of a pci_dev's resource[] (a BAR, the ROM, a bridge
 * window, an SR-IOV BAR), a host bridge's window, a platform or PNP
 * device's resource, an element of the array the kernel made from the
 * firmware memory map, an element of an array a static pointer holds, or
 * a variable of the kernel image or of a module.  The join is by the
 * struct's address, never by a name: the containers the walkers read
 * (model/devices.h) are indexed by the addresses of the resources they
 * hold, and each resource of a tree is looked up there.  What no container
 * holds is placed by where its struct lives (struct iow_location: the
 * image, a module, a slab cache, a page): a BUSY one is a region some
 * driver requested (request_region() and friends set IORESOURCE_BUSY;
 * kernel/resource.c), and who asked is told only by what the data proves:
 * a devm_request_region() record on a device's devres list, a name
 * string inside a module's memory, or an enclosing resource of a device
 * that has a driver.  Everything else is an unknown owner, with where its
 * struct lives.
 *
 * The findings (for the views, and check's): a PCI BAR with a size but no
 * place in a tree (not assigned); a kernel mapping that starts in a PCI
 * BAR and runs past it (beyond the page the BAR ends in: the kernel maps
 * whole pages); a BUSY region whose requester the data does not tell.
 *
 * Nothing here reads memory: the kernel layer (kernel/owners.c) reads,
 * this joins, so the join is tested on fixtures.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_OWNER_H
#define IOW_MODEL_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/devices.h"
#include "model/mapping.h"
#include "model/resource.h"

enum iow_owner_kind {
	IOW_OWNER_UNKNOWN,
	IOW_OWNER_PCI_BAR,
	IOW_OWNER_PCI_ROM,
	IOW_OWNER_PCI_BRIDGE_WINDOW,
	IOW_OWNER_PCI_IOV_BAR,
	IOW_OWNER_PCI_DEVICE_RESOURCE, /* a slot past the BARs of a device that is no bridge (quirks) */
	IOW_OWNER_HOST_BRIDGE_WINDOW,
	IOW_OWNER_DRIVER_REQUEST,
	IOW_OWNER_FIRMWARE_MAP,
	IOW_OWNER_KERNEL_STATIC,
	IOW_OWNER_PLATFORM_DEVICE,
	IOW_OWNER_PNP_DEVICE,
	IOW_OWNER_ACPI_DEVICE,         /* 6.1 and 6.12 keep no struct resource in an acpi_device:
					  never made (docs/JSON.md) */
};

/* "pci-bar", "host-bridge-window", ... (docs/JSON.md) */
const char *iow_owner_kind_name(enum iow_owner_kind kind);
/* Whether KIND is a resource a device holds. */
bool iow_owner_kind_is_device(enum iow_owner_kind kind);

/* Where a kernel address lies (a struct resource, a name string). */
enum iow_where {
	IOW_WHERE_UNKNOWN,  /* not worked out (no layout for it, or unreadable) */
	IOW_WHERE_IMAGE,    /* the kernel image: a static variable */
	IOW_WHERE_MODULE,   /* a module's memory */
	IOW_WHERE_SLAB,     /* an object of a slab cache */
	IOW_WHERE_PAGE,     /* RAM that is no slab page: the page allocator's */
	IOW_WHERE_RESERVED, /* a reserved page (PG_reserved): boot (memblock) memory */
};
const char *iow_where_name(enum iow_where w);

struct iow_location {
	uint64_t addr;
	enum iow_where where;
	char *symbol;  /* IMAGE, MODULE: %pS of ADDR ("code_resource+0x0/0x40"), or NULL */
	char *module;  /* MODULE: its name */
	char *cache;   /* SLAB: the kmem_cache's name */
};
void iow_location_fini(struct iow_location *l);

/* Who asked for a driver request. */
enum iow_requester {
	IOW_REQ_UNKNOWN,
	IOW_REQ_DEVRES,   /* a devm_request_region() record on the device's devres list */
	IOW_REQ_MODULE,   /* its name string is in the module's memory */
	IOW_REQ_PARENT,   /* it lies in a resource of a device that has a driver */
};
const char *iow_requester_name(enum iow_requester r);

struct iow_owner {
	const struct iow_resource *r;
	enum iow_owner_kind kind;
	int index;                            /* the slot, element or entry, or -1 */
	const struct iow_pci_dev *pci;        /* pci-* */
	const struct iow_host_bridge *hb;     /* host-bridge-window */
	const struct iow_bus_dev *bdev;       /* platform-device, pnp-device */
	const struct iow_fw_entry *fw;        /* firmware-map */
	const struct iow_static_array *array; /* kernel-static, held through a pointer */
	const struct iow_location *loc;       /* where the struct lives (no container holds it) */
	/* driver-request */
	enum iow_requester req;
	const struct iow_region_devres *devres; /* IOW_REQ_DEVRES */
	const struct iow_owner *within;       /* the nearest enclosing resource a device holds */
	const struct iow_location *name_loc;  /* where its name string lives */
};

enum iow_owner_finding_kind {
	IOW_OFIND_UNASSIGNED_BAR, /* a BAR (ROM, IOV BAR) with a size but no parent */
	IOW_OFIND_MAPPED_BEYOND,  /* a mapping starts in a BAR and runs past its last page */
	IOW_OFIND_BUSY_UNOWNED,   /* a BUSY region whose requester the data does not tell */
};

struct iow_owner_finding {
	enum iow_owner_finding_kind kind;
	const struct iow_pci_dev *pci;  /* UNASSIGNED_BAR, MAPPED_BEYOND */
	int index;                      /* its slot */
	const struct iow_resource *r;   /* BUSY_UNOWNED */
	const struct iow_mapping *m;    /* MAPPED_BEYOND */
	uint64_t pa_start, pa_end;      /* MAPPED_BEYOND: the mapped range, end exclusive */
	char *text;                     /* one line, for people */
};

struct iow_owners {
	struct iow_owner *o;            /* by resource (r), for lookups */
	size_t n;
	struct iow_location *locs;      /* by address */
	size_t nlocs;
	struct iow_owner_finding *f;
	size_t nf, fcap;
};

/* Step 1: every resource of the NTREES TREES, owned by the containers of D
 * where one holds it.  The trees and D must outlive O.  -1: out of memory. */
int iow_owners_classify(struct iow_owners *o, const struct iow_resource_tree *const *trees, size_t ntrees,
			const struct iow_devices *d);
/* Step 2: the addresses to locate (the struct of every resource no
 * container holds, and its name), sorted and unique, into *ADDRS (to
 * free).  -1: out of memory. */
int iow_owners_wanted(const struct iow_owners *o, uint64_t **addrs, size_t *n);
/* Step 3: LOCS (N of them, any order) say where they lie; O takes them. */
void iow_owners_set_locations(struct iow_owners *o, struct iow_location *locs, size_t n);
/* Step 4: the rest of the owners from the locations, D's devres records
 * and the enclosing resources.  -1: out of memory. */
int iow_owners_finish(struct iow_owners *o, const struct iow_devices *d);
/* The findings of O and D, with MAPS (may be NULL: no mapping findings).
 * -1: out of memory. */
int iow_owners_find(struct iow_owners *o, const struct iow_devices *d, const struct iow_mapping_set *maps);
void iow_owners_fini(struct iow_owners *o);

/* R's owner, or NULL (a resource of no tree classified). */
const struct iow_owner *iow_owner_of(const struct iow_owners *o, const struct iow_resource *r);
/* The location of ADDR, or NULL. */
const struct iow_location *iow_location_of(const struct iow_owners *o, uint64_t addr);
const char *iow_owner_finding_name(enum iow_owner_finding_kind k);
/* The resource (in TREE) whose struct is at ADDR, or NULL. */
const struct iow_resource *iow_resource_at(const struct iow_resource_tree *tree, uint64_t addr);

#endif
