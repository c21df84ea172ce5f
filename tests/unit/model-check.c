/* model/check, model/snapshot and their renderers, on layouts built by
 * hand: each invariant broken once and named with its addresses, the
 * findings of the mappings as violations (an unused reservation as a
 * note), the report as text and JSON, the snapshot's lines (the kernel
 * image's ranges masked, RAM by size, never a virtual address), a saved
 * snapshot read back, and --expect's comparison as a multiset.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "model/check.h"
#include "model/snapshot.h"
#include "model-fixture.h"
#include "render/render.h"
#include "tap.h"

struct layout {
	struct iow_resource_tree iomem, ioports;
	struct iow_vmap_area hpet, wild, ramvmap, wc;
	struct iow_mapping_set maps;
	struct iow_pat pat;
};

/* A sound layout: System RAM with the kernel image in it, HPET mapped UC-
 * and reserved so, one unused reservation; the legacy ports. */
static void build(struct layout *l)
{
	struct iow_resource *ram;
	struct iow_mapping *m;

	memset(l, 0, sizeof(*l));
	fx_tree_init(&l->iomem, "iomem_resource", "PCI mem", 0, 0xffffffffffULL);
	ram = fx_res(&l->iomem, &l->iomem.root, 0x100000, 0x7ffdffff, 0x81000200, "System RAM");
	fx_res(&l->iomem, ram, 0x1e000000, 0x1f002fff, 0x80000200, "Kernel code");
	fx_res(&l->iomem, ram, 0x1f200000, 0x1f9fffff, 0x80000200, "Kernel rodata");
	fx_res(&l->iomem, &l->iomem.root, 0xfed00000, 0xfed003ff, 0x80000200, "HPET 0");
	fx_tree_init(&l->ioports, "ioport_resource", "PCI IO", 0, 0xffff);
	fx_res(&l->ioports, &l->ioports.root, 0x0, 0x1f, 0x80000100, "dma1");
	fx_res(&l->ioports, &l->ioports.root, 0x70, 0x77, 0x80000100, "rtc0");

	l->hpet = fx_area("hpet_enable+0x3a/0x2d0", IOW_VM_IOREMAP);
	m = fx_map(&l->maps, &l->hpet, 0xffffc90000000000ULL, 0x1000, true);
	fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	fx_reserve(&l->pat, 0xfed00000, 0xfed01000, IOW_MT_UC_MINUS);
	fx_reserve(&l->pat, 0xfee00000, 0xfee01000, IOW_MT_UC);
}

static void destroy(struct layout *l)
{
	iow_mapping_set_fini(&l->maps);
	iow_pat_fini(&l->pat);
	iow_resource_tree_fini(&l->iomem);
	iow_resource_tree_fini(&l->ioports);
}

/* C's report, as text. */
static const char *report(const struct iow_check *c, bool expect, struct iow_buf *b)
{
	struct iow_sink out = fx_sink(b);

	iow_render_check(c, expect, &out);
	return iow_buf_str(b);
}

static void check_sound(struct iow_buf *b)
{
	struct layout l;
	struct iow_check c = { 0 };

	build(&l);
	tap_ok(iow_mapping_find(&l.maps, &l.pat) == 0, "sound: the findings are drawn");
	tap_ok(iow_check_resources(&c, "iomem", &l.iomem) == 0 && iow_check_resources(&c, "ioports", &l.ioports) == 0 &&
	       iow_check_mappings(&c, &l.iomem, &l.maps, false) == 0, "sound: checked");
	tap_ok(fx_same(report(&c, false, b),
		       "note      unused-reservation   reservation [mem 0x00000000fee00000-0x00000000fee01000] "
		       "uncached has no kernel mapping\n"
		       "check: 0 violations\n"),
	       "sound: no violation; the unused reservation is a note");
	tap_ok(c.violations == 0 && c.notes == 1, "sound: 0 violations, 1 note");
	iow_check_fini(&c);
	destroy(&l);
}

static void check_broken(struct iow_buf *b)
{
	struct layout l;
	struct iow_check c = { 0 };
	struct iow_resource *r;
	struct iow_mapping *m;
	struct iow_sink out;

	build(&l);
	/* a child outside its parent, overlapping its sibling */
	r = fx_res(&l.iomem, l.iomem.root.child, 0x7ff00000, 0x80000fff, 0x200, "iowtest uc--2M");
	/* a resource that ends before it starts, named by a NULL pointer */
	fx_res(&l.iomem, &l.iomem.root, 0xfee00000, 0xfedfffff, 0x200, NULL);
	/* an ioremap of an address no resource holds, by no known caller */
	l.wild = fx_area(NULL, IOW_VM_IOREMAP);
	m = fx_map(&l.maps, &l.wild, 0xffffc90000100000ULL, 0x2000, true);
	fx_run(m, 0xc0000000, 0x2000, 4096, IOW_MT_UC_MINUS, false);
	/* HPET mapped a second time, write-combining */
	l.wc = fx_area("iowtest_map_all+0x120/0x400 [iowtest]", IOW_VM_IOREMAP);
	m = fx_map(&l.maps, &l.wc, 0xffffc90000200000ULL, 0x1000, true);
	fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_WC, false);
	(void)r;
	tap_ok(iow_mapping_find(&l.maps, &l.pat) == 0, "broken: the findings are drawn");
	iow_check_resources(&c, "iomem", &l.iomem);
	iow_check_resources(&c, "ioports", &l.ioports);
	iow_check_mappings(&c, &l.iomem, &l.maps, false);
	tap_ok(fx_same(report(&c, false, b),
		       "VIOLATION resource-outside-parent iomem: iowtest uc--2M [0x7ff00000-0x80000fff] lies outside "
		       "its parent System RAM [0x100000-0x7ffdffff]\n"
		       "VIOLATION resource-range       iomem: <BAD> [0xfee00000-0xfedfffff] ends before it starts\n"
		       "VIOLATION ioremap-outside-iomem 0xc0000000-0xc0001fff is ioremapped at 0xffffc90000100000 by ? "
		       "but overlaps no iomem resource\n"
		       "VIOLATION unreserved           0xc0000000-0xc0001fff is mapped UC- at 0xffffc90000100000 with "
		       "no PAT reservation\n"
		       "VIOLATION mode-mismatch        0xfed00000-0xfed00fff is mapped WC at 0xffffc90000200000 but "
		       "reserved UC-\n"
		       "VIOLATION alias                0xfed00000-0xfed00fff is mapped UC- at 0xffffc90000000000 and "
		       "WC at 0xffffc90000200000\n"
		       "note      unused-reservation   reservation [mem 0x00000000fee00000-0x00000000fee01000] "
		       "uncached has no kernel mapping\n"
		       "check: 6 violations\n"),
	       "broken: every violation, named with its addresses, in the order found");
	tap_is_int(c.violations, 6, "broken: 6 violations");
	/* where the kernel maps unclaimed device memory as a matter of course
	 * (arm64), the same ioremap is a note */
	iow_check_fini(&c);
	memset(&c, 0, sizeof(c));
	iow_check_mappings(&c, &l.iomem, &l.maps, true);
	tap_ok(strstr(report(&c, false, b), "note      ioremap-outside-iomem 0xc0000000-0xc0001fff is ioremapped at "
					      "0xffffc90000100000 by ? but overlaps no iomem resource (usual here: early "
					      "drivers map what they never claim)\n") != NULL && c.violations == 3,
	       "an architecture whose kernel maps unclaimed device memory: ioremap-outside-iomem is a note");

	/* the sibling overlap, alone: the next sibling starts on the last byte
	 * of the one before */
	iow_check_fini(&c);
	fx_res(&l.ioports, &l.ioports.root, 0x77, 0x7f, 0x80000100, "keyboard");
	iow_check_resources(&c, "ioports", &l.ioports);
	tap_ok(fx_same(report(&c, true, b),
		       "VIOLATION resource-overlap     ioports: keyboard [0x77-0x7f] overlaps or precedes its sibling "
		       "rtc0 [0x70-0x77]\n"
		       "check: 1 violation (with the expected layout)\n"),
	       "a sibling that overlaps or precedes the one before; one violation, singular");

	out = fx_sink(b);
	iow_render_check_json(&c, &out);
	tap_ok(fx_same(iow_buf_str(b),
		       "{\n"
		       "  \"violations\": [\n"
		       "    {\n"
		       "      \"kind\": \"resource-overlap\",\n"
		       "      \"text\": \"ioports: keyboard [0x77-0x7f] overlaps or precedes its sibling rtc0 [0x70-0x77]\"\n"
		       "    }\n"
		       "  ],\n"
		       "  \"violations_count\": 1,\n"
		       "  \"notes\": 0\n"
		       "}\n"),
	       "the report as JSON");
	iow_check_fini(&c);
	iow_check_add(&c, "unused-reservation", true, "a note");
	out = fx_sink(b);
	iow_render_check_json(&c, &out);
	tap_ok(fx_same(iow_buf_str(b), "{\n  \"violations\": [],\n  \"violations_count\": 0,\n  \"notes\": 1\n}\n"),
	       "JSON lists no notes, and counts them");
	iow_check_fini(&c);
	destroy(&l);
}

static const char *const want_snapshot =
	IOW_SNAPSHOT_HEADER "\n"
	"kernel 6.12.118+deb12-cloud-amd64\n"
	"iomem 0 0x100000-0x7ffdffff 0x81000200 System RAM\n"
	"iomem 1 * 0x80000200 Kernel code\n"
	"iomem 1 * 0x80000200 Kernel rodata\n"
	"iomem 0 0xfed00000-0xfed003ff 0x80000200 HPET 0\n"
	"ioport 0 0x0-0x1f 0x80000100 dma1\n"
	"ioport 0 0x70-0x77 0x80000100 rtc0\n"
	"map 0xfed00000-0xfed01000 UC- 4K hpet_enable+0x3a/0x2d0\n"
	"map 0xfe000000-0xfe200000 UC 2M -\n"
	"map RAM size 0x1000 WC 4K dma_direct_alloc+0x1e/0x2d0\n"
	"map RAM size 0x200000 WC huge dma_direct_alloc+0x1e/0x2d0\n"
	"reservation 0xfed00000-0xfed01000 UC-\n"
	"reservation 0xfee00000-0xfee01000 UC\n";

static void check_snapshot(struct iow_buf *b)
{
	struct layout l;
	struct iow_snapshot now = { 0 }, saved = { 0 }, other = { 0 };
	struct iow_check c = { 0 };
	struct iow_mapping *m;
	struct iow_error *err;
	struct iow_sink out;
	struct iow_buf text;

	build(&l);
	l.wild = fx_area(NULL, IOW_VM_IOREMAP);
	m = fx_map(&l.maps, &l.wild, 0xffffc90000100000ULL, 0x200000, true);
	fx_run(m, 0xfe000000, 0x200000, 2u << 20, IOW_MT_UC, false);
	l.ramvmap = fx_area("dma_direct_alloc+0x1e/0x2d0", IOW_VM_MAP);
	m = fx_map(&l.maps, &l.ramvmap, 0xffffc90000300000ULL, 0x202000, false);
	fx_run(m, 0x12345000, 0x1000, 4096, IOW_MT_WC, true);
	fx_hole(m, 0x1000);
	fx_run(m, 0x40000000, 0x200000, 2u << 20, IOW_MT_WC, true);
	tap_ok(iow_snapshot_build(&now, "6.12.118+deb12-cloud-amd64", &l.iomem, &l.ioports, &l.maps, &l.pat) == 0,
	       "snapshot: built");
	out = fx_sink(b);
	iow_render_snapshot(&now, &out);
	tap_ok(fx_same(iow_buf_str(b), want_snapshot),
	       "snapshot: physical ranges only, the image's masked, RAM by size, holes left out");

	iow_buf_init(&text);
	iow_buf_printf(&text, "%s", want_snapshot);
	err = iow_snapshot_parse(&saved, (const char *)text.data, text.len, "layout.snap");
	tap_ok(!err && saved.n == now.n, "a saved snapshot reads back: %zu lines", saved.n);
	iow_error_destroy(err);
	tap_ok(iow_snapshot_compare(&saved, &now, &c) == 0 && c.n == 0, "... and equals the layout it was made from");

	/* CRLF, comments, blank lines; one ioremap twice, one gone, one new */
	iow_buf_reset(&text);
	iow_buf_printf(&text, "%s\r\n# a comment\n\n%s\r\n%s\n%s\n%s", IOW_SNAPSHOT_HEADER,
		       "map 0xfed00000-0xfed01000 UC- 4K hpet_enable+0x3a/0x2d0",
		       "map 0xfed00000-0xfed01000 UC- 4K hpet_enable+0x3a/0x2d0", "reservation 0xfed00000-0xfed01000 UC-",
		       "reservation 0x1000-0x2000 WB");
	err = iow_snapshot_parse(&other, (const char *)text.data, text.len, "layout.snap");
	tap_ok(!err && other.n == 4 && strcmp(other.line[0], "map 0xfed00000-0xfed01000 UC- 4K hpet_enable+0x3a/0x2d0") == 0 &&
	       strcmp(other.line[3], "reservation 0x1000-0x2000 WB") == 0,
	       "CRLF, comments and blank lines; the last line needs no newline");
	iow_error_destroy(err);
	iow_check_fini(&c);
	tap_ok(iow_snapshot_compare(&other, &now, &c) == 0, "compared");
	tap_ok(fx_same(report(&c, true, b),
		       "VIOLATION expect-added         + iomem 0 0x100000-0x7ffdffff 0x81000200 System RAM\n"
		       "VIOLATION expect-added         + iomem 0 0xfed00000-0xfed003ff 0x80000200 HPET 0\n"
		       "VIOLATION expect-added         + iomem 1 * 0x80000200 Kernel code\n"
		       "VIOLATION expect-added         + iomem 1 * 0x80000200 Kernel rodata\n"
		       "VIOLATION expect-added         + ioport 0 0x0-0x1f 0x80000100 dma1\n"
		       "VIOLATION expect-added         + ioport 0 0x70-0x77 0x80000100 rtc0\n"
		       "VIOLATION expect-added         + kernel 6.12.118+deb12-cloud-amd64\n"
		       "VIOLATION expect-added         + map 0xfe000000-0xfe200000 UC 2M -\n"
		       "VIOLATION expect-removed       - map 0xfed00000-0xfed01000 UC- 4K hpet_enable+0x3a/0x2d0\n"
		       "VIOLATION expect-added         + map RAM size 0x1000 WC 4K dma_direct_alloc+0x1e/0x2d0\n"
		       "VIOLATION expect-added         + map RAM size 0x200000 WC huge dma_direct_alloc+0x1e/0x2d0\n"
		       "VIOLATION expect-removed       - reservation 0x1000-0x2000 WB\n"
		       "VIOLATION expect-added         + reservation 0xfee00000-0xfee01000 UC\n"
		       "check: 13 violations (with the expected layout)\n"),
	       "--expect: lines only the saved layout has were removed, lines only the guest's added, in "
	       "line order; a line twice is two lines");

	iow_snapshot_fini(&other);
	err = iow_snapshot_parse(&other, "kernel 6.1\n", 11, "notes.txt");
	tap_ok(err && err->code == IOW_ERR_INVALID &&
	       strcmp(err->message, "notes.txt is not an iomem-walk snapshot (no \"" IOW_SNAPSHOT_HEADER "\" line)") == 0,
	       "a file with no header line is refused, by name");
	iow_error_destroy(err);
	iow_buf_fini(&text);
	iow_check_fini(&c);
	iow_snapshot_fini(&now);
	iow_snapshot_fini(&saved);
	iow_snapshot_fini(&other);
	destroy(&l);
}

int main(void)
{
	struct iow_buf b;

	iow_buf_init(&b);
	check_sound(&b);
	check_broken(&b);
	check_snapshot(&b);
	iow_buf_fini(&b);
	return tap_done();
}
