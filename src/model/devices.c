/* model/devices: see devices.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/devices.h"

void iow_dev_fini(struct iow_dev *dev)
{
	free(dev->name);
	free(dev->driver);
	free(dev->firmware);
	memset(dev, 0, sizeof(*dev));
}

void iow_devices_fini(struct iow_devices *d)
{
	size_t i;

	for (i = 0; i < d->npci; i++) {
		iow_dev_fini(&d->pci[i].dev);
		free(d->pci[i].res);
	}
	for (i = 0; i < d->nhb; i++) {
		iow_dev_fini(&d->hb[i].dev);
		free(d->hb[i].bus);
		free(d->hb[i].win);
	}
	for (i = 0; i < d->nbus; i++) {
		iow_dev_fini(&d->bus[i].dev);
		free(d->bus[i].res);
	}
	for (i = 0; i < d->nregions; i++) {
		free(d->regions[i].dev_name);
		free(d->regions[i].driver);
	}
	free(d->pci);
	free(d->hb);
	free(d->bus);
	free(d->regions);
	free(d->fw.e);
	free(d->statics);
	memset(d, 0, sizeof(*d));
}

enum iow_pci_slot iow_pci_slot_of(const struct iow_devices *d, const struct iow_pci_dev *p, int index)
{
	const struct iow_pci_slots *s = &d->slots;

	if (index >= s->std && index <= s->std_end)
		return IOW_PCI_SLOT_BAR;
	if (index == s->rom)
		return IOW_PCI_SLOT_ROM;
	if (s->iov >= 0 && index >= s->iov && index <= s->iov_end)
		return IOW_PCI_SLOT_IOV;
	/* pci_dev.subordinate: only a device with a bus behind it forwards
	 * windows; quirks use these slots of other devices for their own
	 * ranges (quirk_io_region(), drivers/pci/quirks.c). */
	if (index >= s->bridge && index <= s->bridge_end && p->secondary >= 0)
		return IOW_PCI_SLOT_BRIDGE;
	return IOW_PCI_SLOT_DEVICE;
}

int iow_pci_bar_number(const struct iow_devices *d, const struct iow_pci_dev *p, int index)
{
	switch (iow_pci_slot_of(d, p, index)) {
	case IOW_PCI_SLOT_BAR:
		return index - d->slots.std;
	case IOW_PCI_SLOT_IOV:
		return index - d->slots.iov;
	case IOW_PCI_SLOT_BRIDGE:
		return index - d->slots.bridge;
	default:
		return -1;
	}
}

const char *iow_pci_slot_word(const struct iow_devices *d, const struct iow_pci_dev *p, int index, char *buf,
			      size_t len)
{
	int n = iow_pci_bar_number(d, p, index);

	switch (iow_pci_slot_of(d, p, index)) {
	case IOW_PCI_SLOT_BAR: snprintf(buf, len, "BAR%d", n); break;
	case IOW_PCI_SLOT_ROM: snprintf(buf, len, "ROM"); break;
	case IOW_PCI_SLOT_IOV: snprintf(buf, len, "IOV BAR%d", n); break;
	case IOW_PCI_SLOT_BRIDGE: snprintf(buf, len, "window %d", n); break;
	default: snprintf(buf, len, "resource %d", index); break;
	}
	return buf;
}

const char *iow_e820_type_name(uint32_t type)
{
	/* arch/x86/include/asm/e820/types.h, enum e820_type (6.1, 6.12) */
	switch (type) {
	case 1: return "RAM";
	case 2: return "reserved";
	case 3: return "ACPI";
	case 4: return "NVS";
	case 5: return "unusable";
	case 7: return "PMEM";
	case 12: return "PRAM";
	case 0xefffffff: return "soft-reserved";
	case 128: return "reserved-kern";
	default: return NULL;
	}
}

static int cmp_pci(const void *a, const void *b)
{
	const struct iow_pci_dev *x = a, *y = b;

	if (x->dev.name && y->dev.name)
		return strcmp(x->dev.name, y->dev.name);
	return (x->dev.name == NULL) - (y->dev.name == NULL);
}

void iow_devices_sort(struct iow_devices *d)
{
	if (d->npci > 1)
		qsort(d->pci, d->npci, sizeof(*d->pci), cmp_pci);
}

const char *iow_ioresource_type_word(uint64_t flags)
{
	switch (flags & IORESOURCE_TYPE_BITS) {
	case IORESOURCE_IO: return "io";
	case IORESOURCE_MEM: return "mem";
	case IORESOURCE_REG: return "reg";
	case IORESOURCE_IRQ: return "irq";
	case IORESOURCE_DMA: return "dma";
	case IORESOURCE_BUS: return "bus";
	default: return NULL;
	}
}
