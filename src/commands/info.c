/* info: who the running kernel is and how its memory is laid out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "commands/commands.h"
#include "render/json.h"

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* phys_base is __pa(x) - (x - __START_KERNEL_map) for an image address x
 * (arch/x86/include/asm/page_64.h __phys_addr_symbol()): the kernel keeps it
 * unsigned, but it is negative whenever KASLR put the image lower in
 * physical memory than its virtual address less __START_KERNEL_map.  As a
 * signed number: "-0x14e00000" or "0x2000000". */
static void signed_hex(uint64_t v, char *buf, size_t len)
{
	if ((int64_t)v < 0)
		snprintf(buf, len, "-0x%" PRIx64, -v);
	else
		snprintf(buf, len, "0x%" PRIx64, v);
}

struct iow_error *iow_cmd_info(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	const struct iow_kernel_layout *l;
	char id[129], pbase[24];
	uint64_t ram = 0;
	size_t i;

	l = iow_kernel_layout(s->kernel);
	hex(l->build_id, l->build_id_len, id);
	for (i = 0; i < l->nr_ram; i++)
		ram += l->ram[i].end - l->ram[i].start;
	signed_hex(l->phys_base, pbase, sizeof(pbase));

	if (a->json) {
		struct iow_json j;

		iow_json_init(&j, out);
		iow_json_begin_object(&j, NULL);
		iow_json_string(&j, "release", l->release);
		iow_json_string(&j, "vmlinux", iow_debuginfo_path(s->dbg));
		iow_json_string(&j, "build_id", id);
		iow_json_bool(&j, "build_id_matches", l->build_id_matches);
		iow_json_hex(&j, "kaslr_offset", l->kaslr_offset);
		iow_json_string(&j, "kaslr_source", l->kaslr_source);
		iow_json_hex(&j, "phys_base", l->phys_base);
		iow_json_string(&j, "phys_base_signed", pbase);
		iow_json_hex(&j, "page_offset_base", l->page_offset_base);
		iow_json_hex(&j, "vmalloc_base", l->vmalloc_base);
		iow_json_hex(&j, "vmemmap_base", l->vmemmap_base);
		iow_json_hex(&j, "physical_mask", l->physical_mask);
		iow_json_u64(&j, "paging_levels", (uint64_t)l->levels);
		iow_json_hex(&j, "init_top_pgt_phys", l->pgd_phys);
		iow_json_begin_array(&j, "ram");
		for (i = 0; i < l->nr_ram; i++) {
			iow_json_begin_object(&j, NULL);
			iow_json_hex(&j, "start", l->ram[i].start);
			iow_json_hex(&j, "end", l->ram[i].end);
			iow_json_end_object(&j);
		}
		iow_json_end_array(&j);
		iow_json_end_object(&j);
		iow_json_finish(&j);
		return NULL;
	}
	iow_sink_printf(out, "kernel release    %s\n", l->release);
	iow_sink_printf(out, "vmlinux           %s\n", iow_debuginfo_path(s->dbg));
	iow_sink_printf(out, "build ID          %s (%s)\n", id,
			l->build_id_matches ? "matches the vmlinux" : "DOES NOT MATCH the vmlinux");
	iow_sink_printf(out, "KASLR offset      0x%" PRIx64 " (from the %s)\n", l->kaslr_offset,
			l->kaslr_source);
	if ((int64_t)l->phys_base < 0)
		iow_sink_printf(out, "phys_base         %s (negative: the kernel image lies %s lower in "
				"physical memory than its virtual address less __START_KERNEL_map)\n", pbase,
				pbase + 1);
	else
		iow_sink_printf(out, "phys_base         %s\n", pbase);
	iow_sink_printf(out, "page_offset_base  0x%016" PRIx64 "\n", l->page_offset_base);
	iow_sink_printf(out, "vmalloc_base      0x%016" PRIx64 "\n", l->vmalloc_base);
	iow_sink_printf(out, "vmemmap_base      0x%016" PRIx64 "\n", l->vmemmap_base);
	iow_sink_printf(out, "physical_mask     0x%016" PRIx64 "\n", l->physical_mask);
	iow_sink_printf(out, "paging            %d-level\n", l->levels);
	iow_sink_printf(out, "init_top_pgt      physical 0x%" PRIx64 "\n", l->pgd_phys);
	iow_sink_printf(out, "RAM               %zu ranges, %" PRIu64 " MiB\n", l->nr_ram, ram >> 20);
	return NULL;
}
