/* model/qemu on small layouts: QEMU's `info mtree -f -o` text beside a
 * guest's resource trees and mappings built by hand.  A normal q35 guest
 * first (ACPI tables in reserved RAM, the VGA hole, ROM shadows, a window
 * with gaps between its BARs, a BAR QEMU fills only in part, a device's
 * RAM-backed framebuffer mapped WC, the kernel's static legacy ports):
 * no violation, two notes.  Then each finding made once, alone; last,
 * what check, mtree and the annotated tree make of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include "model/check.h"
#include "model/qemu.h"
#include "model-fixture.h"
#include "render/render.h"
#include "tap.h"

#define IMAGE_START 0xffffffff81000000ULL
#define IMAGE_END 0xffffffff84000000ULL
#define STATIC_AT(n) (IMAGE_START + 0x2000000 + (n) * 0x40)

/* include/linux/ioport.h */
#define IO 0x100ULL
#define MEM 0x200ULL
#define PREFETCH 0x2000ULL
#define READONLY 0x4000ULL
#define SIZEALIGN 0x40000ULL
#define WINDOW 0x200000ULL
#define SYSRAM 0x1000000ULL
#define BUSY 0x80000000ULL
#define DESC_RESERVED 7

static const char map_text[] =
	"FlatView #0\n"
	" AS \"memory\", root: system\n"
	" AS \"cpu-memory-0\", root: system\n"
	" Root memory region: system\n"
	"  0000000000000000-00000000000bffff (prio 0, ram): pc.ram owner:{obj path=/objects/pc.ram}\n"
	"  00000000000c0000-00000000000c0fff (prio 0, rom): pc.ram @00000000000c0000 owner:{obj path=/objects/pc.ram}\n"
	"  00000000000c1000-00000000000effff (prio 0, ram): pc.ram @00000000000c1000 owner:{obj path=/objects/pc.ram}\n"
	"  00000000000f0000-00000000000fffff (prio 0, rom): pc.ram @00000000000f0000 owner:{obj path=/objects/pc.ram}\n"
	"  0000000000100000-0000000007ffffff (prio 0, ram): pc.ram @0000000000100000 owner:{obj path=/objects/pc.ram}\n"
	"  00000000fd000000-00000000fdffffff (prio 1, ram): vga.vram owner:{dev path=/machine/peripheral-anon/device[0]}\n"
	"  00000000febc0000-00000000febc1fff (prio 0, i/o): nvme owner:{dev id=nvme0}\n"
	"  00000000febc2000-00000000febc240f (prio 0, i/o): msix-table owner:{dev id=nvme0}\n"
	"  00000000fed00000-00000000fed003ff (prio 0, i/o): hpet owner:{dev path=/machine/unattached/device[8]}\n"
	"  00000000fee00000-00000000feefffff (prio 4096, i/o): apic-msi owner:{dev path=/machine/unattached/device[0]/lapic}\n"
	"  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios parent:{obj path=/machine/unattached}\n"
	"\n"
	"FlatView #1\n"
	" AS \"I/O\", root: io\n"
	" Root memory region: io\n"
	"  0000000000000000-000000000000003f (prio 0, i/o): io parent:{obj path=/machine/unattached}\n"
	"  0000000000000040-0000000000000043 (prio 0, i/o): pit owner:{dev path=/machine/unattached/device[10]}\n"
	"  0000000000000044-000000000000007d (prio 0, i/o): io @0000000000000044 parent:{obj path=/machine/unattached}\n"
	"  000000000000007e-000000000000007f (prio 0, i/o): kvmvapic owner:{dev path=/machine/unattached/device[1]}\n"
	"  0000000000000080-000000000000ffff (prio 0, i/o): io @0000000000000080 parent:{obj path=/machine/unattached}\n";

struct layout {
	struct iow_mtree mtree;
	struct iow_resource_tree iomem, ioports;
	struct iow_resource *ram, *window, *bar5, *nvme, *rombar, *reserved_top, *bar_fb;
	struct iow_vmap_area acpi, isa, hpet, nvme_area, efifb, ramvmap, wild;
	struct iow_mapping_set maps;
	struct iow_qemu q;
};

static struct iow_resource *stat(struct iow_resource *r, int n)
{
	r->addr = STATIC_AT(n);
	return r;
}

static void build(struct layout *l)
{
	struct iow_resource *r, *pci;
	struct iow_mapping *m;
	struct iow_error *err;

	memset(l, 0, sizeof(*l));
	if ((err = iow_mtree_parse(map_text, sizeof(map_text) - 1, &l->mtree))) {
		printf("Bail out! %s\n", err->message);
		exit(99);
	}
	fx_tree_init(&l->iomem, "iomem_resource", "PCI mem", 0, 0xffffffffffULL);
	r = fx_res(&l->iomem, &l->iomem.root, 0x0, 0xfff, MEM | BUSY, "Reserved");
	r->desc = DESC_RESERVED;
	fx_res(&l->iomem, &l->iomem.root, 0x1000, 0x9fbff, MEM | SYSRAM | BUSY, "System RAM");
	fx_res(&l->iomem, &l->iomem.root, 0xa0000, 0xbffff, MEM | WINDOW, "PCI Bus 0000:00");
	stat(fx_res(&l->iomem, &l->iomem.root, 0xc0000, 0xc0dff, MEM | READONLY | BUSY, "Video ROM"), 1);
	r = fx_res(&l->iomem, &l->iomem.root, 0xf0000, 0xfffff, MEM | BUSY, "Reserved");
	r->desc = DESC_RESERVED;
	stat(fx_res(&l->iomem, r, 0xf0000, 0xfffff, MEM | READONLY | BUSY, "System ROM"), 2);
	l->ram = fx_res(&l->iomem, &l->iomem.root, 0x100000, 0x7fdffff, MEM | SYSRAM | BUSY, "System RAM");
	stat(fx_res(&l->iomem, l->ram, 0x1000000, 0x1ffffff, MEM | SYSRAM | BUSY, "Kernel code"), 3);
	r = fx_res(&l->iomem, &l->iomem.root, 0x7fe0000, 0x7ffffff, MEM, "Reserved");
	r->desc = DESC_RESERVED;
	l->window = pci = fx_res(&l->iomem, &l->iomem.root, 0xc0000000, 0xfebfffff, MEM | WINDOW, "PCI Bus 0000:00");
	l->bar_fb = fx_res(&l->iomem, pci, 0xfd000000, 0xfdffffff, MEM | PREFETCH | SIZEALIGN, "0000:00:01.0");
	fx_res(&l->iomem, l->bar_fb, 0xfd000000, 0xfdffffff, MEM | BUSY, "efifb");
	l->rombar = fx_res(&l->iomem, pci, 0xfeb40000, 0xfeb7ffff, MEM | PREFETCH | READONLY | SIZEALIGN,
			   "0000:00:06.0");
	l->bar5 = fx_res(&l->iomem, pci, 0xfebc0000, 0xfebc3fff, MEM | SIZEALIGN, "0000:00:05.0");
	l->nvme = fx_res(&l->iomem, l->bar5, 0xfebc0000, 0xfebc3fff, MEM | BUSY, "nvme");
	r = fx_res(&l->iomem, &l->iomem.root, 0xfed00000, 0xfed003ff, MEM, "HPET 0");
	fx_res(&l->iomem, r, 0xfed00000, 0xfed003ff, MEM, "PNP0103:00");
	stat(fx_res(&l->iomem, &l->iomem.root, 0xfee00000, 0xfee00fff, MEM | BUSY, "Local APIC"), 4);
	r = fx_res(&l->iomem, &l->iomem.root, 0xfffc0000, 0xffffffff, MEM, "Reserved");
	r->desc = DESC_RESERVED;
	fx_res(&l->iomem, &l->iomem.root, 0x100000000ULL, 0x8ffffffffULL, MEM | WINDOW, "PCI Bus 0000:00");
	l->reserved_top = fx_res(&l->iomem, &l->iomem.root, 0xfd00000000ULL, 0xffffffffffULL, MEM | BUSY, "Reserved");
	l->reserved_top->desc = DESC_RESERVED;

	fx_tree_init(&l->ioports, "ioport_resource", "PCI IO", 0, 0xffff);
	pci = fx_res(&l->ioports, &l->ioports.root, 0x0, 0xcf7, IO | WINDOW, "PCI Bus 0000:00");
	stat(fx_res(&l->ioports, pci, 0x40, 0x43, IO | BUSY, "timer0"), 5);
	stat(fx_res(&l->ioports, pci, 0x50, 0x53, IO | BUSY, "timer1"), 6);
	fx_res(&l->ioports, pci, 0x3d4, 0x3d5, IO, "cga");

	l->acpi = fx_area("acpi_os_map_iomem+0x1a9/0x1e0", IOW_VM_IOREMAP);
	m = fx_map(&l->maps, &l->acpi, 0xffffc90000005000ULL, 0x1000, true);
	fx_run(m, 0x7fe2000, 0x1000, 4096, IOW_MT_WB, false);
	l->isa = fx_area("memremap+0x164/0x230", IOW_VM_IOREMAP);
	m = fx_map(&l->maps, &l->isa, 0xffffc9000003d000ULL, 0x1000, true);
	fx_run(m, 0xf5000, 0x1000, 4096, IOW_MT_WB, false);
	l->hpet = fx_area("hpet_enable+0x9e/0x500", IOW_VM_IOREMAP);
	m = fx_map(&l->maps, &l->hpet, 0xffffc9000000c000ULL, 0x1000, true);
	fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	l->nvme_area = fx_area("nvme_remap_bar+0x68/0xb0", IOW_VM_IOREMAP);
	m = fx_map(&l->maps, &l->nvme_area, 0xffffc900001d2000ULL, 0x4000, true);
	fx_run(m, 0xfebc0000, 0x4000, 4096, IOW_MT_UC_MINUS, false);
	l->efifb = fx_area("efifb_probe+0x3c1/0x890", IOW_VM_IOREMAP);
	m = fx_map(&l->maps, &l->efifb, 0xffffc90001000000ULL, 0x200000, true);
	fx_run(m, 0xfd000000, 0x200000, 2u << 20, IOW_MT_WC, false);
	l->ramvmap = fx_area("iowtest_map_all+0x367/0x460 [iowtest]", 0);
	m = fx_map(&l->maps, &l->ramvmap, 0xffffc90000139000ULL, 0x1000, false);
	fx_run(m, 0x27b8000, 0x1000, 4096, IOW_MT_WC, true);
}

static void destroy(struct layout *l)
{
	iow_qemu_fini(&l->q);
	iow_mapping_set_fini(&l->maps);
	iow_resource_tree_fini(&l->iomem);
	iow_resource_tree_fini(&l->ioports);
	iow_mtree_fini(&l->mtree);
}

static bool join(struct layout *l, uint64_t image_end)
{
	iow_qemu_fini(&l->q);
	return iow_qemu_join(&l->q, &l->mtree, &l->iomem, &l->ioports, &l->maps, IMAGE_START, image_end) == 0;
}

/* The findings, one "kind space start-end" a line. */
static const char *list(const struct iow_qemu *q, struct iow_buf *b)
{
	size_t i;

	iow_buf_reset(b);
	for (i = 0; i < q->n; i++) {
		iow_buf_printf(b, "%s %s 0x%" PRIx64 "-0x%" PRIx64 "\n", iow_qemu_kind_name(q->f[i].kind),
			       q->spaces[q->f[i].space].name, q->f[i].start, q->f[i].end);
		printf("#   %s\n", q->f[i].text);
	}
	return iow_buf_str(b);
}

static void normal(struct iow_buf *b)
{
	struct layout l;

	build(&l);
	tap_ok(join(&l, IMAGE_END), "a normal guest joins");
	tap_ok(fx_same(list(&l.q, b), "bar-not-mapped memory 0xfeb40000-0xfeb7ffff\n"
				      "qemu-region-unused I/O 0x7e-0x7f\n"),
	       "a normal guest: no violation; notes for a ROM BAR QEMU does not map and kvmvapic, which no "
	       "resource covers");
	tap_ok(l.q.violations == 0 && l.q.notes == 2, "... counted as 0 violations and 2 notes");
	tap_ok(l.q.n && strstr(l.q.f[0].text, "0000:00:06.0 [mem 0xfeb40000-0xfeb7ffff] is a BAR the guest "
						  "assigned, but QEMU maps nothing there"),
	       "... the note names the BAR: %s", l.q.n ? l.q.f[0].text : "");
	tap_ok(l.q.n > 1 && strstr(l.q.f[1].text, "kvmvapic [0x7e-0x7f] (/machine/unattached/device[1])"),
	       "... and the region, with its owner: %s", l.q.n > 1 ? l.q.f[1].text : "");
	tap_ok(iow_qemu_finding_of(&l.q, 0, l.rombar) == &l.q.f[0] && !iow_qemu_finding_of(&l.q, 0, l.bar5) &&
	       !iow_qemu_finding_of(&l.q, 1, l.rombar), "the finding is found by its resource and space");

	/* Without the kernel image's range, the static legacy port timer1
	 * (nothing behind it in QEMU: no second PIT) looks like a claim,
	 * and the ROM shadows the kernel records like devices' memory. */
	tap_ok(join(&l, 0) && fx_same(list(&l.q, b), "qemu-ram-as-device memory 0xc0000-0xc0dff\n"
						     "qemu-ram-as-device memory 0xf0000-0xfffff\n"
						     "bar-not-mapped memory 0xfeb40000-0xfeb7ffff\n"
						     "claim-over-nothing I/O 0x50-0x53\n"
						     "qemu-region-unused I/O 0x7e-0x7f\n"),
	       "static resources are known by the kernel image's range: without it, timer1 is a claim and "
	       "the ROMs devices");
	destroy(&l);
}

/* The test module's window: claimed and mapped where QEMU has nothing. */
static void iowtest(struct iow_buf *b)
{
	struct layout l;
	struct iow_vmap_area area;
	struct iow_resource *w;
	struct iow_mapping *m;

	build(&l);
	w = fx_res(&l.iomem, &l.iomem.root, 0x900000000ULL, 0x900ffffffULL, MEM, "iowtest");
	fx_res(&l.iomem, w, 0x900000000ULL, 0x9001fffffULL, MEM | BUSY, "iowtest uc--2M");
	fx_res(&l.iomem, w, 0x900c00000ULL, 0x900c00fffULL, MEM | BUSY, "iowtest uc--4K");
	area = fx_area("iowtest_map_all+0xb0/0x460 [iowtest]", IOW_VM_IOREMAP);
	m = fx_map(&l.maps, &area, 0xffffc90000600000ULL, 0x200000, true);
	fx_run(m, 0x900000000ULL, 0x200000, 2u << 20, IOW_MT_UC_MINUS, false);
	m = fx_map(&l.maps, &area, 0xffffc900000f5000ULL, 0x1000, true);
	fx_run(m, 0x900c00000ULL, 0x1000, 4096, IOW_MT_UC, false);
	tap_ok(join(&l, IMAGE_END) &&
		       fx_same(list(&l.q, b), "bar-not-mapped memory 0xfeb40000-0xfeb7ffff\n"
					      "claim-over-nothing memory 0x900000000-0x9001fffff\n"
					      "map-over-nothing memory 0x900000000-0x9001fffff\n"
					      "claim-over-nothing memory 0x900c00000-0x900c00fff\n"
					      "map-over-nothing memory 0x900c00000-0x900c00fff\n"
					      "qemu-region-unused I/O 0x7e-0x7f\n"),
	       "the test module's window: each claim and each mapping, not the window (no claim) itself");
	tap_ok(l.q.violations == 4, "... 4 violations");
	tap_ok(l.q.n > 2 && !strcmp(l.q.f[1].text, "iowtest uc--2M [mem 0x900000000-0x9001fffff] is claimed (BUSY) "
						   "but QEMU has nothing there") &&
		       !strcmp(l.q.f[2].text, "0x900000000-0x9001fffff is mapped UC- at 0xffffc90000600000 by "
					      "iowtest_map_all+0xb0/0x460 [iowtest], but QEMU has nothing there"),
	       "... each said with its addresses");
	destroy(&l);
}

static void claims(struct iow_buf *b)
{
	struct layout l;
	struct iow_resource *r;

	build(&l);
	r = fx_res(&l.iomem, &l.iomem.root, 0xfec00000, 0xfec003ff, MEM | BUSY, "IOAPIC 0");
	fx_res(&l.iomem, r, 0xfec00000, 0xfec000ff, MEM | BUSY, "ioapic regs");
	fx_res(&l.ioports, l.ioports.root.child, 0x60, 0x60, IO | BUSY, "keyboard");
	tap_ok(join(&l, IMAGE_END) &&
		       fx_same(list(&l.q, b), "bar-not-mapped memory 0xfeb40000-0xfeb7ffff\n"
					      "claim-over-nothing memory 0xfec00000-0xfec003ff\n"
					      "claim-over-nothing I/O 0x60-0x60\n"
					      "qemu-region-unused I/O 0x7e-0x7f\n"),
	       "claims over nothing: the outer of two, and a port claim over QEMU's I/O background");
	tap_ok(l.q.n > 2 && strstr(l.q.f[2].text, "keyboard [io 0x60-0x60] is claimed"), "... a port claim says io: %s",
	       l.q.n > 2 ? l.q.f[2].text : "");
	destroy(&l);
}

static void ram(struct iow_buf *b)
{
	struct layout l;

	build(&l);
	fx_res(&l.iomem, &l.iomem.root, 0x8000000, 0xfffffff, MEM | SYSRAM | BUSY, "System RAM");
	fx_res(&l.iomem, &l.iomem.root, 0xfffe0000, 0xfffeffff, MEM | SYSRAM | BUSY, "System RAM");
	/* (out of order after the Reserved at 0xfffc0000: a bad tree, still bounded) */
	tap_ok(join(&l, IMAGE_END) &&
		       fx_same(list(&l.q, b), "ram-not-backed memory 0x8000000-0xfffffff\n"
					      "bar-not-mapped memory 0xfeb40000-0xfeb7ffff\n"
					      "ram-not-backed memory 0xfffe0000-0xfffeffff\n"
					      "qemu-region-unused I/O 0x7e-0x7f\n"),
	       "System RAM where QEMU has nothing, and where it has a ROM");
	tap_ok(l.q.n > 2 && strstr(l.q.f[2].text, "0xfffe0000-0xfffeffff is not RAM in QEMU (rom pc.bios)"),
	       "... which it names: %s", l.q.n > 2 ? l.q.f[2].text : "");
	destroy(&l);

	build(&l);
	l.ram->end = 0x8ffffff; /* past pc.ram's end, over nothing */
	tap_ok(join(&l, IMAGE_END) && strstr(list(&l.q, b), "ram-not-backed memory 0x8000000-0x8ffffff\n") &&
	       l.q.violations == 1, "System RAM that runs past QEMU's RAM: the part past it");
	destroy(&l);
}

static void ram_as_device(struct iow_buf *b)
{
	struct layout l;
	struct iow_vmap_area area, isa;
	struct iow_mapping *m;

	build(&l);
	fx_res(&l.iomem, l.iomem.root.child->sibling->sibling, 0xa0000, 0xa0fff, MEM | SIZEALIGN, "0000:00:07.0");
	area = fx_area("some_driver+0x10/0x20", IOW_VM_IOREMAP);
	m = fx_map(&l.maps, &area, 0xffffc90000200000ULL, 0x1000, true);
	fx_run(m, 0x7fe0000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	isa = fx_area("vga_probe+0x10/0x20", IOW_VM_IOREMAP);
	m = fx_map(&l.maps, &isa, 0xffffc90000300000ULL, 0x1000, true);
	fx_run(m, 0xc0000, 0x1000, 4096, IOW_MT_WC, false);
	tap_ok(join(&l, IMAGE_END) &&
		       fx_same(list(&l.q, b), "qemu-ram-as-device memory 0xa0000-0xa0fff\n"
					      "qemu-ram-mapped memory 0xc0000-0xc0fff\n"
					      "qemu-ram-mapped memory 0x7fe0000-0x7fe0fff\n"
					      "bar-not-mapped memory 0xfeb40000-0xfeb7ffff\n"
					      "qemu-region-unused I/O 0x7e-0x7f\n"),
	       "a BAR over QEMU's RAM (in the VGA hole's window), reserved RAM mapped UC-, a ROM shadow mapped WC");
	tap_ok(l.q.n > 2 && strstr(l.q.f[0].text, "is a device's to the guest, but QEMU has the machine's ram pc.ram "
						  "there [0x0-0xbffff]") &&
		       strstr(l.q.f[2].text, "is mapped UC- at 0xffffc90000200000 by some_driver+0x10/0x20, but QEMU "
					     "has the machine's ram pc.ram there"),
	       "... said with what QEMU has: %s", l.q.n ? l.q.f[0].text : "");
	destroy(&l);
}

static void region_name(void *arg, const struct iow_mtree_region *q)
{
	iow_buf_printf(arg, "%s;", q->name);
}

static void resource_name(void *arg, const struct iow_resource *r)
{
	iow_buf_printf(arg, "%s;", r->name);
}

/* The names of the regions behind R. */
static const char *behind(const struct iow_mtree_view *mem, const struct iow_resource *r, struct iow_buf *b)
{
	iow_buf_reset(b);
	iow_qemu_behind(mem, r, region_name, b);
	return iow_buf_str(b);
}

static void queries(void)
{
	struct layout l;
	const struct iow_mtree_view *mem;
	struct iow_qemu_cover c;
	struct iow_buf b;

	build(&l);
	mem = iow_mtree_space(&l.mtree, "memory");
	iow_buf_init(&b);
	tap_ok(!strcmp(behind(mem, l.ram, &b), "pc.ram;"), "behind System RAM: pc.ram");
	iow_buf_reset(&b);
	iow_qemu_each(mem, 0xfebc0000, 0xfebc3fff, region_name, &b);
	iow_qemu_each(mem, 0xfe000000, 0xfebbffff, region_name, &b);
	iow_qemu_each(NULL, 0, UINT64_MAX, region_name, &b);
	tap_ok(!strcmp(iow_buf_str(&b), "nvme;msix-table;"),
	       "each region over nvme's BAR: its registers and MSI-X table; none below it, none in no view (%s)",
	       iow_buf_str(&b));
	iow_buf_reset(&b);
	iow_qemu_each(iow_mtree_space(&l.mtree, "I/O"), 0, 0x7f, region_name, &b);
	tap_ok(!strcmp(iow_buf_str(&b), "pit;kvmvapic;"), "each I/O region over 0-0x7f: not the background io (%s)",
	       iow_buf_str(&b));
	tap_ok(!strcmp(behind(mem, l.window, &b), ""), "behind the window's own part (between its BARs): nothing");
	tap_ok(!strcmp(behind(mem, l.bar5, &b), ""), "behind nvme's BAR: nothing of its own (its child covers it)");
	tap_ok(!strcmp(behind(mem, l.nvme, &b), "nvme;msix-table;"), "behind nvme: its registers and MSI-X table");
	tap_ok(!strcmp(behind(mem, l.reserved_top, &b), ""), "behind the reservation above 1 TiB: nothing");
	tap_ok(!strcmp(behind(mem, l.bar_fb, &b), ""), "behind the framebuffer's BAR: nothing of its own");
	tap_ok(!strcmp(behind(mem, l.bar_fb->child, &b), "vga.vram;"), "behind efifb: vga.vram");
	iow_qemu_cover(mem, l.nvme->start, l.nvme->end, &c);
	tap_ok(c.regions == 2 && c.bytes == 0x2000 + 0x410 && !c.all && c.first && !strcmp(c.first->name, "nvme"),
	       "nvme's BAR: 2 regions, 0x2410 bytes of 0x4000");
	iow_qemu_cover(mem, 0xfebc0000, 0xfebc1fff, &c);
	tap_ok(c.regions == 1 && c.all, "nvme's registers: all covered");
	iow_qemu_cover(mem, 0, UINT64_MAX, &c);
	tap_ok(c.regions == 11 && !c.all, "the whole space: 11 regions, not all of it");
	iow_qemu_cover(mem, 0, 0xbffff, &c);
	tap_ok(c.regions == 1 && c.all, "0-0xbffff: all pc.ram");
	iow_qemu_cover(iow_mtree_space(&l.mtree, "I/O"), 0x0, 0x3f, &c);
	tap_ok(c.regions == 0, "I/O 0-0x3f: only QEMU's background, so nothing");
	iow_buf_reset(&b);
	iow_qemu_over(&l.iomem, 0xfebc2000, 0xfebc240f, resource_name, &b);
	tap_ok(!strcmp(iow_buf_str(&b), "PCI Bus 0000:00;0000:00:05.0;nvme;"),
	       "over the MSI-X table: the window, the BAR, nvme (%s)", iow_buf_str(&b));
	iow_buf_reset(&b);
	iow_qemu_over(&l.iomem, 0x9f000, 0xc0000, resource_name, &b);
	tap_ok(!strcmp(iow_buf_str(&b), "System RAM;PCI Bus 0000:00;Video ROM;"),
	       "over 0x9f000-0xc0000: System RAM, the VGA window, Video ROM (%s)", iow_buf_str(&b));
	iow_buf_fini(&b);
	destroy(&l);
}

/* check takes QEMU's violations as violations and its notes as notes;
 * mtree's text shows each region and gap with the resources that start
 * there; its JSON holds the regions, findings and counts; the annotated
 * tree's lines under a resource name QEMU's regions or say "nothing". */
static void views(struct iow_buf *b)
{
	struct layout l;
	struct iow_check c = { 0 };
	struct iow_render_opts o = { 0 };
	struct iow_resource *w;
	struct iow_sink out;
	size_t i, notes = 0;

	build(&l);
	w = fx_res(&l.iomem, &l.iomem.root, 0x900000000ULL, 0x900ffffffULL, MEM, "iowtest");
	fx_res(&l.iomem, w, 0x900000000ULL, 0x9001fffffULL, MEM | BUSY, "iowtest uc--2M");
	tap_ok(join(&l, IMAGE_END) && !iow_check_qemu(&c, &l.q), "check takes QEMU's findings");
	for (i = 0; i < c.n; i++)
		notes += c.v[i].note;
	tap_ok(c.violations == 1 && c.n == 3 && notes == 2 && !strcmp(c.v[1].kind, "claim-over-nothing") && !c.v[1].note,
	       "... the claim a violation, the BAR and the region notes (%zu violations, %zu entries)", c.violations,
	       c.n);
	tap_ok(c.n == 3 && !strcmp(c.v[2].text, "1 device region of QEMU's has no guest resource over it (kvmvapic; "
						"iomem-walk mtree lists them)"),
	       "... the unused regions summed up in one note: %s", c.n == 3 ? c.v[2].text : "");
	iow_check_fini(&c);

	iow_buf_reset(b);
	out = fx_sink(b);
	iow_render_qemu(&l.q, NULL, false, &out);
	printf("%s", iow_buf_str(b));
	tap_ok(strstr(iow_buf_str(b), "QEMU's \"memory\" (11 regions) beside the guest's iomem") &&
		       strstr(iow_buf_str(b), "\n00000000febc0000-00000000febc1fff  i/o  nvme  (dev id=nvme0)\n") &&
		       strstr(iow_buf_str(b), "\n00000000fffc0000-00000000ffffffff  rom  pc.bios  (parent obj "
					      "/machine/unattached)\n") &&
		       strstr(iow_buf_str(b), "\n0000000100000000-ffffffffffffffff  --   nothing\n") &&
		       strstr(iow_buf_str(b), "  900000000-9001fffff  iowtest uc--2M  <- QEMU: nothing  [VIOLATION "
					      "claim-over-nothing]\n") &&
		       strstr(iow_buf_str(b), "\n0000000000000000-000000000000003f  --   nothing (QEMU's io: no device)\n") &&
		       strstr(iow_buf_str(b), "  [note qemu-region-unused]\n") &&
		       strstr(iow_buf_str(b), "\nmtree: 1 violation, 2 notes (check fails on the violations)\n"),
	       "mtree's text: regions with owners, gaps, resources with what is behind them, findings");
	iow_buf_reset(b);
	out = fx_sink(b);
	iow_render_qemu_json(&l.q, NULL, false, &out);
	tap_ok(strstr(iow_buf_str(b), "\"name\": \"memory\"") && strstr(iow_buf_str(b), "\"name\": \"I/O\"") &&
		       strstr(iow_buf_str(b), "\"offset\": \"0xc0000\"") &&
		       strstr(iow_buf_str(b), "\"kind\": \"claim-over-nothing\"") &&
		       strstr(iow_buf_str(b), "\"violations\": 1") && strstr(iow_buf_str(b), "\"notes\": 2") &&
		       strstr(iow_buf_str(b), "\"qemu_nothing\": true"),
	       "mtree's JSON: both spaces, offsets, findings, counts, resources over nothing");

	o.qemu = &l.q;
	iow_buf_reset(b);
	out = fx_sink(b);
	iow_render_qemu_lines(&o, l.nvme, "| ", &out);
	iow_render_qemu_lines(&o, w->child, "  ", &out);
	tap_ok(fx_same(iow_buf_str(b), "|   = QEMU i/o nvme 0xfebc0000-0xfebc1fff (dev id=nvme0)\n"
				       "|   = QEMU i/o msix-table 0xfebc2000-0xfebc240f (dev id=nvme0)\n"
				       "    = QEMU nothing (unassigned)  [VIOLATION claim-over-nothing]\n"),
	       "the annotated tree's lines: the regions behind nvme; nothing behind the claim, marked");
	destroy(&l);
}

/* arm64's virt: QEMU's "I/O" holds only its root (the ports are a PCI
 * host's window in "memory"): the guest's ports are not compared, and no
 * port BAR is called unmapped.  On q35 they are. */
static void ports_elsewhere(void)
{
	static const char text[] =
		"FlatView #0\n"
		" AS \"memory\", root: system\n"
		" Root memory region: system\n"
		"  0000000040000000-000000007fffffff (prio 0, ram): mach-virt.ram owner:{obj path=/objects/mach-virt.ram}\n"
		"\n"
		"FlatView #1\n"
		" AS \"I/O\", root: io\n"
		" Root memory region: io\n"
		"  0000000000000000-000000000000ffff (prio 0, i/o): io parent:{obj path=/machine/unattached}\n";
	struct iow_resource_tree iomem, ioports;
	struct iow_resource *bus;
	struct iow_mtree m;
	struct iow_qemu q;
	struct layout l;
	size_t i, on_ports = 0;

	if (iow_mtree_parse(text, sizeof(text) - 1, &m)) {
		tap_ok(0, "arm64's map parses");
		return;
	}
	fx_tree_init(&iomem, "iomem_resource", "PCI mem", 0, 0xffffffffffffULL);
	fx_res(&iomem, &iomem.root, 0x40000000, 0x7fffffff, MEM | SYSRAM | BUSY, "System RAM");
	fx_tree_init(&ioports, "ioport_resource", "PCI IO", 0, 0xffffff);
	bus = fx_res(&ioports, &ioports.root, 0x0, 0xffff, IO, "pcie@10000000");
	fx_res(&ioports, bus, 0x1000, 0x107f, IO | SIZEALIGN, "0000:00:03.0");
	tap_ok(iow_qemu_join(&q, &m, &iomem, &ioports, NULL, 0, 0) == 0, "arm64's map joins");
	for (i = 0; i < q.n; i++)
		on_ports += q.f[i].space == 1;
	tap_ok(q.spaces[1].not_compared && strstr(q.spaces[1].not_compared, "holds no device") && on_ports == 0,
	   "QEMU's \"I/O\" has only its root: the ports are not compared, nothing said of them");
	tap_ok(!q.spaces[0].not_compared, "... and \"memory\" is");
	iow_qemu_fini(&q);
	iow_resource_tree_fini(&iomem);
	iow_resource_tree_fini(&ioports);
	iow_mtree_fini(&m);

	build(&l);
	tap_ok(join(&l, 0) && !l.q.spaces[1].not_compared, "q35's \"I/O\" has devices: the ports are compared");
	destroy(&l);
}

int main(void)
{
	struct iow_buf b;

	iow_buf_init(&b);
	normal(&b);
	iowtest(&b);
	claims(&b);
	ram(&b);
	ram_as_device(&b);
	queries();
	views(&b);
	ports_elsewhere();
	iow_buf_fini(&b);
	return tap_done();
}
