/* render/info: the kernel's identity and layout; see render/kernel.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "render/json.h"
#include "render/kernel.h"

#define LABEL "%-18s" /* the text's first column */

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

/* As a signed number: "-0x14e00000" or "0x2000000". */
static void signed_hex(uint64_t v, char *buf, size_t len)
{
	if ((int64_t)v < 0)
		snprintf(buf, len, "-0x%" PRIx64, -v);
	else
		snprintf(buf, len, "0x%" PRIx64, v);
}

static void item_text(const struct iow_layout_item *it, struct iow_sink *out)
{
	char v[24];

	switch (it->style) {
	case IOW_LAYOUT_ADDR:
		iow_sink_printf(out, LABEL "0x%016" PRIx64 "\n", it->label, it->value);
		break;
	case IOW_LAYOUT_PHYS:
		iow_sink_printf(out, LABEL "physical 0x%" PRIx64 "\n", it->label, it->value);
		break;
	case IOW_LAYOUT_LEVELS:
		iow_sink_printf(out, LABEL "%d-level\n", it->label, (int)it->value);
		break;
	case IOW_LAYOUT_BITS:
		iow_sink_printf(out, LABEL "%d-bit\n", it->label, (int)it->value);
		break;
	case IOW_LAYOUT_SIGNED:
		signed_hex(it->value, v, sizeof(v));
		if ((int64_t)it->value < 0)
			iow_sink_printf(out, LABEL "%s (negative: %s%s%s)\n", it->label, v,
					it->negative_pre ? it->negative_pre : "", v + 1,
					it->negative_post ? it->negative_post : "");
		else
			iow_sink_printf(out, LABEL "%s\n", it->label, v);
		break;
	}
}

static uint64_t ram_bytes(const struct iow_kernel_layout *l)
{
	uint64_t ram = 0;
	size_t i;

	for (i = 0; i < l->nr_ram; i++)
		ram += l->ram[i].end - l->ram[i].start;
	return ram;
}

void iow_render_info(const struct iow_kernel_layout *l, const char *vmlinux,
		     const struct iow_layout_item *items, size_t n, struct iow_sink *out)
{
	char id[129];
	size_t i;

	hex(l->build_id, l->build_id_len, id);
	iow_sink_printf(out, LABEL "%s\n", "kernel release", l->release);
	iow_sink_printf(out, LABEL "%s\n", "vmlinux", vmlinux);
	iow_sink_printf(out, LABEL "%s (%s)\n", "build ID", id,
			l->build_id_matches ? "matches the vmlinux" : "DOES NOT MATCH the vmlinux");
	iow_sink_printf(out, LABEL "0x%" PRIx64 " (from the %s)\n", "KASLR offset", l->kaslr_offset,
			l->kaslr_source);
	for (i = 0; i < n; i++)
		item_text(&items[i], out);
	iow_sink_printf(out, LABEL "%zu ranges, %" PRIu64 " MiB\n", "RAM", l->nr_ram, ram_bytes(l) >> 20);
}

void iow_render_info_json(const struct iow_kernel_layout *l, const char *vmlinux,
			  const struct iow_layout_item *items, size_t n, struct iow_sink *out)
{
	struct iow_json j;
	char id[129], v[24], key[64];
	size_t i;

	hex(l->build_id, l->build_id_len, id);
	iow_json_init(&j, out);
	iow_json_begin_object(&j, NULL);
	iow_json_string(&j, "release", l->release);
	iow_json_string(&j, "vmlinux", vmlinux);
	iow_json_string(&j, "build_id", id);
	iow_json_bool(&j, "build_id_matches", l->build_id_matches);
	iow_json_hex(&j, "kaslr_offset", l->kaslr_offset);
	iow_json_string(&j, "kaslr_source", l->kaslr_source);
	for (i = 0; i < n; i++) {
		const struct iow_layout_item *it = &items[i];

		if (it->style == IOW_LAYOUT_LEVELS || it->style == IOW_LAYOUT_BITS) {
			iow_json_u64(&j, it->key, it->value);
			continue;
		}
		iow_json_hex(&j, it->key, it->value);
		if (it->style == IOW_LAYOUT_SIGNED) {
			signed_hex(it->value, v, sizeof(v));
			snprintf(key, sizeof(key), "%s_signed", it->key);
			iow_json_string(&j, key, v);
		}
	}
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
}
