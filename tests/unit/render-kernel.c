/* render-kernel: `info` and `pte` rendered from fixed models, compared with
 * what the tool printed for the rig's 6.1 and 6.12 guests (the layouts and
 * walks below are theirs), so the renderers are tested without a guest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "arch/x86-64.h"
#include "model/memtype.h"
#include "render/kernel.h"
#include "tap.h"

struct buf {
	char s[8192];
	size_t n;
};

static bool buf_write(void *ctx, const char *s, size_t n)
{
	struct buf *b = ctx;

	if (b->n + n >= sizeof(b->s))
		return false;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
	return true;
}

static struct iow_sink *sink_of(struct buf *b)
{
	static struct iow_sink sink;

	b->n = 0;
	b->s[0] = 0;
	sink = (struct iow_sink){ .write = buf_write, .ctx = b };
	return &sink;
}

static struct iow_ram_range ram[] = { { 0x1000, 0x9fc00 }, { 0x100000, 0x1ffd5000 } };

static void test_info(void)
{
	struct iow_kernel_layout l = {
		.release = "6.1.0-57-cloud-amd64",
		.build_id = { 0x01, 0xd2, 0x64, 0x0d, 0x3a, 0x13, 0x14, 0x5e, 0xe3, 0x14,
			      0xeb, 0x05, 0xb1, 0x55, 0xf1, 0x41, 0xb7, 0xb7, 0x05, 0x8b },
		.build_id_len = 20, .build_id_matches = true,
		.kaslr_offset = 0xfc00000, .kaslr_source = "IDT",
		.phys_base = (uint64_t)-0x7800000, .page_offset_base = 0xffff8a7840000000,
		.vmalloc_base = 0xffffcadf40000000, .vmemmap_base = 0xfffffa0340000000,
		.physical_mask = 0x000fffffffffffff, .levels = 4, .pgd_phys = 0xae10000,
		.ram = ram, .nr_ram = 2,
	};
	struct iow_layout_item items[IOW_LAYOUT_MAX_ITEMS];
	size_t n = iow_arch_x86_64.describe(&l, items, IOW_LAYOUT_MAX_ITEMS);
	struct buf b;

	iow_render_info(&l, "/k/6.1/vmlinux", items, n, sink_of(&b));
	tap_is_str(b.s,
		   "kernel release    6.1.0-57-cloud-amd64\n"
		   "vmlinux           /k/6.1/vmlinux\n"
		   "build ID          01d2640d3a13145ee314eb05b155f141b7b7058b (matches the vmlinux)\n"
		   "KASLR offset      0xfc00000 (from the IDT)\n"
		   "phys_base         -0x7800000 (negative: the kernel image lies 0x7800000 lower in "
		   "physical memory than its virtual address less __START_KERNEL_map)\n"
		   "page_offset_base  0xffff8a7840000000\n"
		   "vmalloc_base      0xffffcadf40000000\n"
		   "vmemmap_base      0xfffffa0340000000\n"
		   "physical_mask     0x000fffffffffffff\n"
		   "paging            4-level\n"
		   "init_top_pgt      physical 0xae10000\n"
		   "RAM               2 ranges, 511 MiB\n",
		   "info as text, the x86-64 rows named by the architecture");

	l.phys_base = 0x2000000;
	l.build_id_matches = false;
	n = iow_arch_x86_64.describe(&l, items, IOW_LAYOUT_MAX_ITEMS);
	iow_render_info(&l, "/k/6.1/vmlinux", items, n, sink_of(&b));
	tap_ok(strstr(b.s, "\nphys_base         0x2000000\n") != NULL, "a positive phys_base, no note");
	tap_ok(strstr(b.s, "(DOES NOT MATCH the vmlinux)") != NULL, "a build ID that does not match");

	l.phys_base = (uint64_t)-0x2f400000;
	l.build_id_matches = true;
	l.kaslr_offset = 0x34000000;
	l.nr_ram = 1;
	n = iow_arch_x86_64.describe(&l, items, IOW_LAYOUT_MAX_ITEMS);
	iow_render_info_json(&l, "/k/v", items, n, sink_of(&b));
	tap_is_str(b.s,
		   "{\n"
		   "  \"release\": \"6.1.0-57-cloud-amd64\",\n"
		   "  \"vmlinux\": \"/k/v\",\n"
		   "  \"build_id\": \"01d2640d3a13145ee314eb05b155f141b7b7058b\",\n"
		   "  \"build_id_matches\": true,\n"
		   "  \"kaslr_offset\": \"0x34000000\",\n"
		   "  \"kaslr_source\": \"IDT\",\n"
		   "  \"phys_base\": \"0xffffffffd0c00000\",\n"
		   "  \"phys_base_signed\": \"-0x2f400000\",\n"
		   "  \"page_offset_base\": \"0xffff8a7840000000\",\n"
		   "  \"vmalloc_base\": \"0xffffcadf40000000\",\n"
		   "  \"vmemmap_base\": \"0xfffffa0340000000\",\n"
		   "  \"physical_mask\": \"0xfffffffffffff\",\n"
		   "  \"paging_levels\": 4,\n"
		   "  \"init_top_pgt_phys\": \"0xae10000\",\n"
		   "  \"ram\": [\n"
		   "    {\n"
		   "      \"start\": \"0x1000\",\n"
		   "      \"end\": \"0x9fc00\"\n"
		   "    }\n"
		   "  ]\n"
		   "}\n",
		   "info as JSON, with phys_base_signed");
}

/* The 6.12 guest's walk to the iowtest module's write-through page. */
static void wt_page(struct iow_pte_view *v)
{
	static const struct iow_pte_view_level levels[] = {
		{ "PGD", 415, 0x7822000, 0x7822cf8, 0x1000067, "P RW US A" },
		{ "PUD", 420, 0x1000000, 0x1000d20, 0x11df067, "P RW US A D" },
		{ "PMD", 0, 0x11df000, 0x11df000, 0x11e0067, "P RW US A D" },
		{ "PTE", 273, 0x11e0000, 0x11e0888, 0x8000000900c061fb, "P RW PWT PCD A D PAT G NX" },
	};

	memset(v, 0, sizeof(*v));
	v->va = 0xffffcfe900111000;
	memcpy(v->levels, levels, sizeof(levels));
	v->nr_levels = 4;
	v->present = true;
	v->pa = 0x900c06000;
	v->page_size = 4096;
	v->index_name = "PAT index";
	v->index_key = "pat_index";
	v->index = 7;
	v->mode = iow_memtype_name(IOW_MT_WT);
}

static void test_pte(void)
{
	struct iow_pte_view v;
	struct buf b;

	wt_page(&v);
	iow_render_pte(&v, sink_of(&b));
	tap_is_str(b.s,
		   "0xffffcfe900111000\n"
		   "  PGD [415] at phys 0x7822cf8: 0x0000000001000067  P RW US A\n"
		   "  PUD [420] at phys 0x1000d20: 0x00000000011df067  P RW US A D\n"
		   "  PMD [  0] at phys 0x11df000: 0x00000000011e0067  P RW US A D\n"
		   "  PTE [273] at phys 0x11e0888: 0x8000000900c061fb  P RW PWT PCD A D PAT G NX\n"
		   "  -> phys 0x900c06000 (4 KiB page, PAT index 7 = WT)\n",
		   "pte as text");
	iow_render_pte_json(&v, sink_of(&b));
	tap_ok(strstr(b.s, "  \"present\": true,\n  \"phys\": \"0x900c06000\",\n  \"page_size\": 4096,\n"
			   "  \"pat_index\": 7,\n  \"mode\": \"WT\"\n}\n") != NULL,
	       "pte as JSON: the index under the architecture's key");
	tap_ok(strstr(b.s, "      \"level\": \"PTE\",\n      \"index\": 273,\n      \"table_phys\": \"0x11e0000\",\n"
			   "      \"entry\": \"0x8000000900c061fb\",\n") != NULL,
	       "... each level with its table and entry");

	v.page_size = 2 << 20;
	v.mode = NULL;
	v.mode_error = "no __pte2cachemode_tbl";
	iow_render_pte(&v, sink_of(&b));
	tap_ok(strstr(b.s, "  -> phys 0x900c06000 (2 MiB page, PAT index 7; its cache mode is unknown: "
			   "no __pte2cachemode_tbl)\n") != NULL, "a 2 MiB page whose mode is unknown, and why");
	iow_render_pte_json(&v, sink_of(&b));
	tap_ok(strstr(b.s, "\"mode\": null,\n  \"mode_error\": \"no __pte2cachemode_tbl\"\n") != NULL,
	       "... in JSON: mode null, mode_error");

	v.nr_levels = 1;
	v.present = false;
	iow_render_pte(&v, sink_of(&b));
	tap_is_str(b.s,
		   "0xffffcfe900111000\n"
		   "  PGD [415] at phys 0x7822cf8: 0x0000000001000067  P RW US A\n"
		   "  -> not mapped\n",
		   "an address that is not mapped");
	iow_render_pte_json(&v, sink_of(&b));
	tap_ok(strstr(b.s, "  \"present\": false\n}\n") != NULL && !strstr(b.s, "pat_index"),
	       "... in JSON: present false, nothing about a leaf");
}

int main(void)
{
	test_info();
	test_pte();
	return tap_done();
}
