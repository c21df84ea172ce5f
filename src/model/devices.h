/* model/devices: the kernel objects that hold struct resources, as the
 * walkers read them (kernel/pci.c, kernel/busdev.c, kernel/owners.c): PCI
 * devices and host bridges, platform and PNP devices, the records
 * devm_request_region() leaves, the firmware memory map and the static
 * pointers to resource arrays.  Plain data, for the owner join
 * (model/owner.h) and the devices view.  Nothing here reads memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_DEVICES_H
#define IOW_MODEL_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct resource's flags: the type bits (include/linux/ioport.h). */
#define IORESOURCE_TYPE_BITS 0x00001f00ULL
#define IORESOURCE_IO 0x00000100ULL
#define IORESOURCE_MEM 0x00000200ULL
#define IORESOURCE_REG 0x00000300ULL
#define IORESOURCE_IRQ 0x00000400ULL
#define IORESOURCE_DMA 0x00000800ULL
#define IORESOURCE_BUS 0x00001000ULL
/* "io", "mem", "reg", "irq", "dma", "bus", or NULL, for FLAGS' type. */
const char *iow_ioresource_type_word(uint64_t flags);

/* What every struct device shares (include/linux/device.h). */
struct iow_dev {
	uint64_t addr;    /* the struct device */
	char *name;       /* dev_name(): kobj.name, NULL when unset */
	char *driver;     /* dev.driver->name; NULL: no driver bound */
	/* The firmware node it came from: an ACPI device's name
	 * ("PNP0A08:00") or a device-tree node's path; NULL: none known. */
	char *firmware;
};

/* A struct resource a device holds: an element of its array (or list). */
struct iow_dev_res {
	uint64_t addr;          /* the struct resource */
	int index;              /* in the array or list */
	uint64_t start, end;    /* end inclusive */
	uint64_t flags;         /* IORESOURCE_* */
	uint64_t parent;        /* the kernel's parent pointer: 0 when in no tree */
};

/* The indices of pci_dev.resource[], as the kernel's enum numbers them
 * (include/linux/pci.h); iov -1 without CONFIG_PCI_IOV. */
struct iow_pci_slots {
	int std, std_end, rom, iov, iov_end, bridge, bridge_end, num;
};

enum iow_pci_slot {
	IOW_PCI_SLOT_BAR,        /* a standard BAR, 0-5 */
	IOW_PCI_SLOT_ROM,        /* the expansion ROM */
	IOW_PCI_SLOT_IOV,        /* an SR-IOV VF BAR */
	IOW_PCI_SLOT_BRIDGE,     /* a bridge window (of a device with a bus behind it) */
	IOW_PCI_SLOT_DEVICE,     /* a slot past them in a device that is no bridge: quirks keep
				    device-specific ranges there (drivers/pci/quirks.c) */
};

struct iow_pci_dev {
	struct iow_dev dev;     /* dev.name is "0000:00:05.0" */
	unsigned bus_nr, devfn;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class;         /* base class, subclass, programming interface */
	uint8_t revision, hdr_type;
	int secondary;          /* the bus behind it (pci_dev.subordinate), or -1 */
	struct iow_dev_res *res; /* every slot of pci_dev.resource[], empty ones too */
	size_t nres;
};

/* A host bridge (struct pci_host_bridge) and its windows (its list of
 * struct resource_entry). */
struct iow_host_bridge {
	struct iow_dev dev;     /* "pci0000:00"; firmware: "PNP0A08:00" */
	char *bus;              /* its root bus: "0000:00" */
	uint64_t addr;          /* the struct pci_host_bridge */
	struct iow_dev_res *win;
	size_t nwin;
};

enum iow_bus_kind { IOW_BUS_PLATFORM, IOW_BUS_PNP };

/* A platform device (platform_device.resource[num_resources]) or a PNP
 * device (pnp_dev.resources, a list of struct pnp_resource). */
struct iow_bus_dev {
	struct iow_dev dev;
	enum iow_bus_kind bus;
	struct iow_dev_res *res;
	size_t nres;
};

/* What __devm_request_region() keeps on a device's devres list
 * (kernel/resource.c, struct region_devres): the device asked for N bytes
 * at START below PARENT. */
struct iow_region_devres {
	char *dev_name, *driver; /* the device's (copies) */
	uint64_t dev;            /* its struct device */
	uint64_t parent, start, n;
};

/* One entry of a firmware memory map (x86: e820), end inclusive. */
struct iow_fw_entry {
	uint64_t start, end;
	uint32_t type;
};

struct iow_fwmap {
	const char *table;       /* the kernel variable it was read from ("e820_table"), NULL: none */
	struct iow_fw_entry *e;
	size_t n;
	/* The array of struct resource the kernel made from it at boot
	 * (x86: e820__reserve_resources()), proven element by element against
	 * the entries; 0 when none was found. */
	uint64_t array;
	const char *array_table; /* the variable whose entries the array matched */
};

/* A static pointer to an array of N struct resource (x86's
 * ioapic_resources, with nr_ioapics). */
struct iow_static_array {
	const char *symbol;
	uint64_t base;
	size_t n;
};

struct iow_devices {
	struct iow_pci_dev *pci;
	size_t npci, pci_cap;
	struct iow_pci_slots slots;
	struct iow_host_bridge *hb;
	size_t nhb, hb_cap;
	struct iow_bus_dev *bus;
	size_t nbus, bus_cap;
	struct iow_region_devres *regions;
	size_t nregions, regions_cap;
	struct iow_fwmap fw;
	struct iow_static_array *statics;
	size_t nstatics, statics_cap;
	uint64_t res_size;       /* sizeof(struct resource) */
	/* What this kernel has none of (its DWARF says so), for the views:
	 * "PCI", "platform devices", "PNP devices", "e820"... */
	const char *absent[8];
	size_t nabsent;
};

void iow_devices_fini(struct iow_devices *d);
void iow_dev_fini(struct iow_dev *dev);
/* Which kind of slot pci_dev.resource[INDEX] is, for device P. */
enum iow_pci_slot iow_pci_slot_of(const struct iow_devices *d, const struct iow_pci_dev *p, int index);
/* The BAR number as lspci counts it (INDEX - std for a standard BAR, for
 * an SR-IOV one INDEX - iov), or -1. */
int iow_pci_bar_number(const struct iow_devices *d, const struct iow_pci_dev *p, int index);
/* What slot INDEX of P is, for people: "BAR0", "ROM", "IOV BAR1",
 * "window 2", "resource 13".  Returns BUF. */
const char *iow_pci_slot_word(const struct iow_devices *d, const struct iow_pci_dev *p, int index, char *buf,
			      size_t len);
/* "RAM", "reserved", "ACPI", "NVS", ... for an e820 type (arch/x86/include/
 * asm/e820/types.h), or NULL for one without a name. */
const char *iow_e820_type_name(uint32_t type);
/* Sort the PCI devices by domain:bus:dev.fn (their names), as lspci lists them. */
void iow_devices_sort(struct iow_devices *d);

#endif
