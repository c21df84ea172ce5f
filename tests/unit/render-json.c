/* render/: the JSON views (docs/JSON.md), on models built by hand: the
 * writer's layout and escaping (kernel strings are not promised to be
 * UTF-8: bytes outside printable ASCII become \u00XX), the tree with what
 * maps each resource, the mappings with their runs and reservations, the
 * vmap areas, and "error" for a walk that stopped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "model/join.h"
#include "model-fixture.h"
#include "render/json.h"
#include "render/render.h"
#include "tap.h"

static void check_writer(struct iow_buf *b)
{
	struct iow_sink out = fx_sink(b);
	struct iow_json j;

	iow_json_init(&j, &out);
	iow_json_begin_object(&j, NULL);
	iow_json_string(&j, "quote\"back\\slash", "a\"b\\c\nd\re\tf\001g\037h\177i\351j\377");
	iow_json_string(&j, "null", NULL);
	iow_json_hex(&j, "hex", 0xffffffff81000000ULL);
	iow_json_hex(&j, "zero", 0);
	iow_json_u64(&j, "u64", UINT64_MAX);
	iow_json_i64(&j, "i64", INT64_MIN);
	iow_json_bool(&j, "t", true);
	iow_json_null(&j, "n");
	iow_json_begin_array(&j, "empty");
	iow_json_end_array(&j);
	iow_json_begin_object(&j, "nothing");
	iow_json_end_object(&j);
	iow_json_begin_array(&j, "list");
	iow_json_u64(&j, NULL, 1);
	iow_json_begin_object(&j, NULL);
	iow_json_bool(&j, "f", false);
	iow_json_end_object(&j);
	iow_json_end_array(&j);
	iow_json_end_object(&j);
	iow_json_finish(&j);
	tap_ok(fx_same(iow_buf_str(b),
		       "{\n"
		       "  \"quote\\\"back\\\\slash\": \"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh\\u007fi\\u00e9j\\u00ff\",\n"
		       "  \"null\": null,\n"
		       "  \"hex\": \"0xffffffff81000000\",\n"
		       "  \"zero\": \"0x0\",\n"
		       "  \"u64\": 18446744073709551615,\n"
		       "  \"i64\": -9223372036854775808,\n"
		       "  \"t\": true,\n"
		       "  \"n\": null,\n"
		       "  \"empty\": [],\n"
		       "  \"nothing\": {},\n"
		       "  \"list\": [\n"
		       "    1,\n"
		       "    {\n"
		       "      \"f\": false\n"
		       "    }\n"
		       "  ]\n"
		       "}\n"),
	       "the writer: two spaces a level, addresses as strings, every byte outside printable ASCII escaped");
}

static void check_tree(struct iow_buf *b)
{
	struct iow_resource_tree t;
	struct iow_resource *bus, *r;
	struct iow_vmap_area hpet = fx_area("hpet_enable+0x3a/0x2d0", IOW_VM_IOREMAP);
	struct iow_mapping_set maps = { 0 };
	struct iow_mapping *m;
	struct iow_error *stopped = iow_error_at(IOW_ERR_DATA, 0xffff888000123000ULL,
						 "a cycle in the resource tree at 0xffff888000123000");
	struct iow_render_opts o = { .max_depth = -1 };
	struct iow_sink out;
	struct iow_join j;

	fx_tree_init(&t, "iomem_resource", "PCI mem", 0, 0xffffffffffULL);
	bus = fx_res(&t, &t.root, 0xfe000000, 0xfebfffff, 0x200200, "PCI Bus 0000:00");
	r = fx_res(&t, bus, 0xfe000000, 0xfe003fff, 0x14220c, "virtio\t\"pci\"");
	r->addr = 0xffff888003c1e400ULL;
	bus->addr = 0xffff888003c00000ULL;
	r = fx_res(&t, &t.root, 0xfed00000, 0xfed003ff, 0x80000200, NULL);
	r->addr = 0xffffffff83a4c6c0ULL;
	r->desc = 7;
	m = fx_map(&maps, &hpet, 0xffffc90000000000ULL, 0x1000, true);
	fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	iow_join_init(&j, &t, &maps);
	o.join = &j;
	o.stopped = stopped;
	out = fx_sink(b);
	iow_render_resource_json(&t, &o, &out);
	tap_ok(fx_same(iow_buf_str(b),
		       "{\n"
		       "  \"root\": \"iomem_resource\",\n"
		       "  \"root_name\": \"PCI mem\",\n"
		       "  \"root_start\": \"0x0\",\n"
		       "  \"root_end\": \"0xffffffffff\",\n"
		       "  \"count\": 3,\n"
		       "  \"error\": \"a cycle in the resource tree at 0xffff888000123000\",\n"
		       "  \"resources\": [\n"
		       "    {\n"
		       "      \"start\": \"0xfe000000\",\n"
		       "      \"end\": \"0xfebfffff\",\n"
		       "      \"size\": 12582912,\n"
		       "      \"name\": \"PCI Bus 0000:00\",\n"
		       "      \"flags\": \"0x200200\",\n"
		       "      \"flag_names\": [\n"
		       "        \"MEM\",\n"
		       "        \"WINDOW\"\n"
		       "      ],\n"
		       "      \"desc\": 0,\n"
		       "      \"desc_name\": \"NONE\",\n"
		       "      \"kernel_address\": \"0xffff888003c00000\",\n"
		       "      \"mapped_by\": [],\n"
		       "      \"children\": [\n"
		       "        {\n"
		       "          \"start\": \"0xfe000000\",\n"
		       "          \"end\": \"0xfe003fff\",\n"
		       "          \"size\": 16384,\n"
		       "          \"name\": \"virtio\\t\\\"pci\\\"\",\n"
		       "          \"flags\": \"0x14220c\",\n"
		       "          \"flag_names\": [\n"
		       "            \"MEM\",\n"
		       "            \"PREFETCH\",\n"
		       "            \"SIZEALIGN\",\n"
		       "            \"MEM_64\"\n"
		       "          ],\n"
		       "          \"desc\": 0,\n"
		       "          \"desc_name\": \"NONE\",\n"
		       "          \"kernel_address\": \"0xffff888003c1e400\",\n"
		       "          \"mapped_by\": [],\n"
		       "          \"children\": []\n"
		       "        }\n"
		       "      ]\n"
		       "    },\n"
		       "    {\n"
		       "      \"start\": \"0xfed00000\",\n"
		       "      \"end\": \"0xfed003ff\",\n"
		       "      \"size\": 1024,\n"
		       "      \"name\": null,\n"
		       "      \"flags\": \"0x80000200\",\n"
		       "      \"flag_names\": [\n"
		       "        \"MEM\",\n"
		       "        \"BUSY\"\n"
		       "      ],\n"
		       "      \"desc\": 7,\n"
		       "      \"desc_name\": \"RESERVED\",\n"
		       "      \"kernel_address\": \"0xffffffff83a4c6c0\",\n"
		       "      \"mapped_by\": [\n"
		       "        {\n"
		       "          \"virt\": \"0xffffc90000000000\",\n"
		       "          \"phys\": \"0xfed00000\",\n"
		       "          \"size\": 4096,\n"
		       "          \"page_size\": 4096,\n"
		       "          \"mode\": \"UC-\",\n"
		       "          \"caller\": \"hpet_enable+0x3a/0x2d0\"\n"
		       "        }\n"
		       "      ],\n"
		       "      \"children\": []\n"
		       "    }\n"
		       "  ]\n"
		       "}\n"),
	       "tree --json: each resource, its flags by name, who maps it, its children; a NULL name is null; "
	       "error says why the walk stopped");

	o.join = NULL;
	o.stopped = NULL;
	o.have_addr = true;
	o.addr = 0xfed00000;
	out = fx_sink(b);
	iow_render_resource_json(&t, &o, &out);
	tap_ok(strstr(iow_buf_str(b), "\"error\": null,\n  \"resources\": [\n    {\n      \"start\": \"0xfed00000\",") &&
	       !strstr(iow_buf_str(b), "0xfe000000") && !strstr(iow_buf_str(b), "mapped_by"),
	       "tree --json ADDR --no-mappings: only the resources holding ADDR, no mapped_by, error null");
	iow_join_fini(&j);
	iow_mapping_set_fini(&maps);
	iow_resource_tree_fini(&t);
	iow_error_destroy(stopped);
}

static void check_mappings(struct iow_buf *b)
{
	struct iow_vmap_area hpet = fx_area("hpet_enable+0x3a/0x2d0", IOW_VM_IOREMAP);
	struct iow_vmap_area ram = fx_area(NULL, IOW_VM_MAP);
	struct iow_mapping_set set = { 0 };
	struct iow_pat pat = { .pte2cm = { 0, 1, 2, 3, 0, 5, 2, 4 } };
	struct iow_mapping *m;
	struct iow_map_run *r;
	struct iow_sink out;

	hpet.phys_addr = 0xfed00000;
	fx_reserve(&pat, 0xfed00000, 0xfed01000, IOW_MT_UC_MINUS);
	/* no reservation is shown for RAM, even one that covers it */
	fx_reserve(&pat, 0x19d00000, 0x19e00000, IOW_MT_WC);
	m = fx_map(&set, &hpet, 0xffffc90000000000ULL, 0x2000, true);
	r = fx_run(m, 0xfed00000, 0x1000, 4096, IOW_MT_UC_MINUS, false);
	r->leaf = 0x8000000fed0017bULL;
	fx_hole(m, 0x1000);
	m = fx_map(&set, &ram, 0xffffc90000400000ULL, 0x1000, false);
	r = fx_run(m, 0x19d44000, 0x1000, 4096, IOW_MT_WC, true);
	r->leaf = 0x8000000019d4416bULL;
	r->direct_known = true;
	set.areas_walked = 2;
	iow_mapping_find(&set, &pat);
	out = fx_sink(b);
	iow_render_mappings_json(&set, &pat, NULL, &out);
	tap_ok(fx_same(iow_buf_str(b),
		       "{\n"
		       "  \"pat_table\": [\n"
		       "    \"WB\",\n    \"WC\",\n    \"UC-\",\n    \"UC\",\n    \"WB\",\n    \"WP\",\n    \"UC-\",\n"
		       "    \"WT\"\n"
		       "  ],\n"
		       "  \"reservations_tracked\": true,\n"
		       "  \"mappings\": [\n"
		       "    {\n"
		       "      \"start\": \"0xffffc90000000000\",\n"
		       "      \"end\": \"0xffffc90000002000\",\n"
		       "      \"size\": 8192,\n"
		       "      \"ioremap\": true,\n"
		       "      \"flags\": \"0x1\",\n"
		       "      \"caller\": \"hpet_enable+0x3a/0x2d0\",\n"
		       "      \"vm_phys_addr\": \"0xfed00000\",\n"
		       "      \"runs\": [\n"
		       "        {\n"
		       "          \"virt\": \"0xffffc90000000000\",\n"
		       "          \"size\": 4096,\n"
		       "          \"present\": true,\n"
		       "          \"phys\": \"0xfed00000\",\n"
		       "          \"page_size\": 4096,\n"
		       "          \"leaf\": \"0x8000000fed0017b\",\n"
		       "          \"mode\": \"UC-\",\n"
		       "          \"ram\": false,\n"
		       "          \"reservation\": {\n"
		       "            \"start\": \"0xfed00000\",\n"
		       "            \"end\": \"0xfed01000\",\n"
		       "            \"mode\": \"UC-\"\n"
		       "          }\n"
		       "        },\n"
		       "        {\n"
		       "          \"virt\": \"0xffffc90000001000\",\n"
		       "          \"size\": 4096,\n"
		       "          \"present\": false\n"
		       "        }\n"
		       "      ]\n"
		       "    },\n"
		       "    {\n"
		       "      \"start\": \"0xffffc90000400000\",\n"
		       "      \"end\": \"0xffffc90000401000\",\n"
		       "      \"size\": 4096,\n"
		       "      \"ioremap\": false,\n"
		       "      \"flags\": \"0x4\",\n"
		       "      \"caller\": null,\n"
		       "      \"vm_phys_addr\": \"0x0\",\n"
		       "      \"runs\": [\n"
		       "        {\n"
		       "          \"virt\": \"0xffffc90000400000\",\n"
		       "          \"size\": 4096,\n"
		       "          \"present\": true,\n"
		       "          \"phys\": \"0x19d44000\",\n"
		       "          \"page_size\": 4096,\n"
		       "          \"leaf\": \"0x8000000019d4416b\",\n"
		       "          \"mode\": \"WC\",\n"
		       "          \"ram\": true,\n"
		       "          \"direct_map_mode\": \"WB\",\n"
		       "          \"reservation\": null\n"
		       "        }\n"
		       "      ]\n"
		       "    }\n"
		       "  ],\n"
		       "  \"areas_walked\": 2,\n"
		       "  \"findings\": [\n"
		       "    {\n"
		       "      \"kind\": \"alias\",\n"
		       "      \"phys_start\": \"0x19d44000\",\n"
		       "      \"phys_end\": \"0x19d45000\",\n"
		       "      \"virt\": \"0xffffc90000400000\",\n"
		       "      \"text\": \"RAM 0x19d44000-0x19d44fff is mapped WC at 0xffffc90000400000 but WB by the direct map\"\n"
		       "    },\n"
		       "    {\n"
		       "      \"kind\": \"unused-reservation\",\n"
		       "      \"phys_start\": \"0x19d00000\",\n"
		       "      \"phys_end\": \"0x19e00000\",\n"
		       "      \"text\": \"reservation [mem 0x0000000019d00000-0x0000000019e00000] write-combining has no kernel "
		       "mapping\",\n"
		       "      \"note\": true\n"
		       "    }\n"
		       "  ],\n"
		       "  \"error\": null\n"
		       "}\n"),
	       "ioremap --json: the PAT table, each mapping and run (reservation, direct map), findings");
	iow_mapping_set_fini(&set);
	iow_pat_fini(&pat);
}

static void check_vmap(struct iow_buf *b)
{
	static uint32_t numa[2] = { 0, 5 };
	struct iow_vmap_area areas[2];
	struct iow_vmap_list l = { .areas = areas, .n = 2, .per_node = true, .nr_vmap_nodes = 4, .nr_numa = 2 };
	struct iow_error *stopped = iow_error_create(IOW_ERR_FAULT, "reading vmap_nodes[1]: memory fault");
	struct iow_sink out;

	areas[0] = fx_area("alloc_thread_stack_node+0x1c5/0x310", IOW_VM_ALLOC);
	areas[0].node = 3;
	areas[0].va = 0xffff888004ad1e00ULL;
	areas[0].vm = 0xffff888004ad1d80ULL;
	areas[0].va_start = areas[0].addr = 0xffffc90000004000ULL;
	areas[0].va_end = 0xffffc90000009000ULL;
	areas[0].size = 0x5000;
	areas[0].nr_pages = 5;
	areas[0].caller = 0xffffffff810a1b25ULL;
	areas[0].node_pages = numa;
	memset(&areas[1], 0, sizeof(areas[1]));
	areas[1].kind = IOW_VMAP_LAZY;
	areas[1].va = 0xffff888004ad2000ULL;
	areas[1].va_start = 0xffffc90000010000ULL;
	areas[1].va_end = 0xffffc90000013000ULL;
	out = fx_sink(b);
	iow_render_vmap_json(&l, stopped, &out);
	tap_ok(fx_same(iow_buf_str(b),
		       "{\n"
		       "  \"layout\": \"vmap_nodes\",\n"
		       "  \"nr_vmap_nodes\": 4,\n"
		       "  \"areas\": [\n"
		       "    {\n"
		       "      \"kind\": \"busy\",\n"
		       "      \"node\": 3,\n"
		       "      \"va_start\": \"0xffffc90000004000\",\n"
		       "      \"va_end\": \"0xffffc90000009000\",\n"
		       "      \"vmap_area\": \"0xffff888004ad1e00\",\n"
		       "      \"vm_struct\": \"0xffff888004ad1d80\",\n"
		       "      \"addr\": \"0xffffc90000004000\",\n"
		       "      \"size\": 20480,\n"
		       "      \"flags\": \"0x2\",\n"
		       "      \"nr_pages\": 5,\n"
		       "      \"page_order\": 0,\n"
		       "      \"phys_addr\": \"0x0\",\n"
		       "      \"caller_address\": \"0xffffffff810a1b25\",\n"
		       "      \"caller\": \"alloc_thread_stack_node+0x1c5/0x310\",\n"
		       "      \"node_pages\": {\n"
		       "        \"N1\": 5\n"
		       "      }\n"
		       "    },\n"
		       "    {\n"
		       "      \"kind\": \"unpurged\",\n"
		       "      \"node\": 0,\n"
		       "      \"va_start\": \"0xffffc90000010000\",\n"
		       "      \"va_end\": \"0xffffc90000013000\",\n"
		       "      \"vmap_area\": \"0xffff888004ad2000\"\n"
		       "    }\n"
		       "  ],\n"
		       "  \"error\": \"reading vmap_nodes[1]: memory fault\"\n"
		       "}\n"),
	       "vmap --json: each area, its vm_struct when it has one, NUMA pages by node, why the walk stopped");
	iow_error_destroy(stopped);
}

int main(void)
{
	struct iow_buf b;

	iow_buf_init(&b);
	check_writer(&b);
	check_tree(&b);
	check_mappings(&b);
	check_vmap(&b);
	iow_buf_fini(&b);
	return tap_done();
}
