/* render/devices: the devices view (model/devview.h) as text and JSON:
 * each PCI device with its slots, each slot's resource and the requests
 * inside it, who maps it where and how, and QEMU's region behind it; then
 * the host bridges' windows, the platform and PNP devices' resources, and
 * the owners' findings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "render/json.h"
#include "render/render.h"


#define C_NAME "\033[1m"
#define C_DIM "\033[2m"
#define C_MAP "\033[33m"
#define C_OWN "\033[32m"
#define C_OFF "\033[0m"

/* Whether a slot is worth a line: it decodes something. */
static bool used(const struct iow_dev_res *r)
{
	uint64_t t = r->flags & IORESOURCE_TYPE_BITS;

	return (t == IORESOURCE_MEM || t == IORESOURCE_IO) && r->end > r->start;
}

static const char *type_word(const struct iow_dev_res *r)
{
	const char *w = iow_ioresource_type_word(r->flags);

	return w ? w : "?";
}

static void slot_text(const struct iow_devview *v, const struct iow_devview_slot *s, const struct iow_owners *o,
		      bool color, struct iow_sink *out)
{
	char word[32], sz[32], fl[256], br[512];
	const struct iow_resource *c;
	size_t i;

	iow_human_size(s->res->end - s->res->start + 1, sz, sizeof(sz));
	iow_sink_printf(out, "  %-9s %s %08" PRIx64 "-%08" PRIx64 " %9s  %s[%s]%s",
			iow_pci_slot_word(v->d, s->p, s->index, word, sizeof(word)), type_word(s->res), s->res->start,
			s->res->end, sz, color ? C_DIM : "", iow_ioresource_flags_str(s->res->flags, fl, sizeof(fl)),
			color ? C_OFF : "");
	if (!s->res->parent)
		iow_sink_puts(out, "  not assigned: in no tree\n");
	else if (s->r && s->r->parent && s->r->parent->depth >= 0)
		iow_sink_printf(out, "  in \"%s\"\n", s->r->parent->name ? s->r->parent->name : "<BAD>");
	else
		iow_sink_puts(out, s->r ? "  at the top of its tree\n" : "  in a tree not read\n");
	for (c = s->r ? s->r->child : NULL; c && !out->failed; c = c->sibling) {
		const struct iow_owner *w = o ? iow_owner_of(o, c) : NULL;

		if (w)
			iow_owner_brief(w, v->d, br, sizeof(br));
		iow_sink_printf(out, "            `-%08" PRIx64 "-%08" PRIx64 "  %s%s%s%s%s\n", c->start, c->end,
				c->name ? c->name : "<BAD>", w ? "  -- " : "", w && color ? C_OWN : "", w ? br : "",
				w && color ? C_OFF : "");
	}
	for (i = 0; i < s->nruns && !out->failed; i++) {
		const struct iow_map_run *run = s->runs[i].run;
		const struct iow_mapping *m = s->runs[i].m;

		iow_sink_printf(out, "            %s<- %s at 0x%016" PRIx64 " (phys 0x%" PRIx64 "-0x%" PRIx64
				", %s pages) by %s%s\n", color ? C_MAP : "", iow_memtype_name(run->mode), run->va, run->pa,
				run->pa + run->size - 1, iow_leaf_size_name(run->leaf_size),
				m->area && m->area->caller_sym ? m->area->caller_sym : "?", color ? C_OFF : "");
	}
	if (s->qemu)
		iow_sink_printf(out, "            qemu: %s (%s) 0x%" PRIx64 "-0x%" PRIx64 "%s%s\n", s->qemu->name,
				s->qemu->type_name, s->qemu->start, s->qemu->end, s->qemu->owner ? " owner " : "",
				s->qemu->owner ? s->qemu->owner : "");
}

static void res_list_text(const char *label, const struct iow_dev_res *res, size_t n, struct iow_sink *out)
{
	char fl[256];
	size_t i;

	for (i = 0; i < n && !out->failed; i++)
		iow_sink_printf(out, "  %s %-3zu %-3s %08" PRIx64 "-%08" PRIx64 "  [%s]%s\n", label, i,
				type_word(&res[i]), res[i].start,
				res[i].end, iow_ioresource_flags_str(res[i].flags, fl, sizeof(fl)),
				res[i].parent ? "" : "  (in no tree)");
}

void iow_render_devices(const struct iow_devview *v, const struct iow_owners *o, bool color, struct iow_sink *out)
{
	const struct iow_devices *d = v->d;
	size_t i, j;

	for (i = 0; i < d->npci && !out->failed; i++) {
		const struct iow_pci_dev *p = &d->pci[i];

		iow_sink_printf(out, "%s%s%s [%04x:%04x] class %06x, subsystem [%04x:%04x], rev %02x, %s%s%s%s",
				color ? C_NAME : "", p->dev.name ? p->dev.name : "?", color ? C_OFF : "", p->vendor,
				p->device, p->class, p->subsys_vendor, p->subsys_device, p->revision,
				p->dev.driver ? "driver " : "no driver", p->dev.driver ? p->dev.driver : "",
				p->dev.firmware ? ", firmware " : "", p->dev.firmware ? p->dev.firmware : "");
		if (p->secondary >= 0)
			iow_sink_printf(out, ", bus %02x behind it", p->secondary);
		iow_sink_puts(out, "\n");
		for (j = 0; j < p->nres; j++) {
			const struct iow_devview_slot *s = &v->slots[v->first[i] + j];

			if (used(s->res))
				slot_text(v, s, o, color, out);
		}
	}
	for (i = 0; i < d->nhb && !out->failed; i++) {
		const struct iow_host_bridge *hb = &d->hb[i];

		iow_sink_printf(out, "host bridge %s%s%s%s (bus %s)\n", hb->dev.name ? hb->dev.name : "?",
				hb->dev.firmware ? ", firmware " : "", hb->dev.firmware ? hb->dev.firmware : "", "",
				hb->bus ? hb->bus : "?");
		res_list_text("window", hb->win, hb->nwin, out);
	}
	for (i = 0; i < d->nbus && !out->failed; i++) {
		const struct iow_bus_dev *b = &d->bus[i];

		if (!b->nres)
			continue;
		iow_sink_printf(out, "%s %s%s%s%s%s\n", b->bus == IOW_BUS_PNP ? "pnp" : "platform",
				b->dev.name ? b->dev.name : "?", b->dev.driver ? ", driver " : ", no driver",
				b->dev.driver ? b->dev.driver : "", b->dev.firmware ? ", firmware " : "",
				b->dev.firmware ? b->dev.firmware : "");
		res_list_text("resource", b->res, b->nres, out);
	}
	if (v->have_qemu)
		iow_sink_puts(out, "(QEMU's regions from its memory map)\n");
	for (i = 0; i < d->nabsent; i++)
		iow_sink_printf(out, "(this kernel has no %s)\n", d->absent[i]);
	if (o)
		iow_render_owner_findings(o, color, out);
}

/* --- JSON -------------------------------------------------------------------------- */

static void res_json(struct iow_json *j, const struct iow_dev_res *r)
{
	iow_json_string(j, "type", iow_ioresource_type_word(r->flags));
	iow_json_hex(j, "start", r->start);
	iow_json_hex(j, "end", r->end);
	iow_json_u64(j, "size", r->end >= r->start ? r->end - r->start + 1 : 0);
	iow_json_hex(j, "flags", r->flags);
	iow_json_bool(j, "assigned", r->parent != 0);
	iow_json_hex(j, "kernel_address", r->addr);
}

static void slot_json(struct iow_json *j, const struct iow_devview *v, const struct iow_devview_slot *s,
		      const struct iow_owners *o)
{
	char word[32];
	const struct iow_resource *c;
	size_t i;

	iow_json_begin_object(j, NULL);
	iow_json_i64(j, "bar", s->index);
	iow_json_string(j, "slot", iow_pci_slot_word(v->d, s->p, s->index, word, sizeof(word)));
	res_json(j, s->res);
	if (s->r) {
		iow_json_begin_object(j, "resource");
		iow_json_string(j, "name", s->r->name);
		iow_json_string(j, "parent", s->r->parent && s->r->parent->depth >= 0 ? s->r->parent->name : NULL);
		iow_json_end_object(j);
	} else {
		iow_json_null(j, "resource");
	}
	iow_json_begin_array(j, "requests");
	for (c = s->r ? s->r->child : NULL; c; c = c->sibling) {
		const struct iow_owner *w = o ? iow_owner_of(o, c) : NULL;

		iow_json_begin_object(j, NULL);
		iow_json_hex(j, "start", c->start);
		iow_json_hex(j, "end", c->end);
		iow_json_string(j, "name", c->name);
		iow_json_hex(j, "flags", c->flags);
		if (w)
			iow_owner_json(j, "owner", w, v->d);
		iow_json_end_object(j);
	}
	iow_json_end_array(j);
	iow_json_begin_array(j, "mapped_by");
	for (i = 0; i < s->nruns; i++)
		iow_map_run_json(j, s->runs[i].m, s->runs[i].run);
	iow_json_end_array(j);
	if (v->have_qemu) {
		if (s->qemu) {
			iow_json_begin_object(j, "qemu");
			iow_json_string(j, "name", s->qemu->name);
			iow_json_string(j, "type", s->qemu->type_name);
			iow_json_hex(j, "start", s->qemu->start);
			iow_json_hex(j, "end", s->qemu->end);
			iow_json_string(j, "owner", s->qemu->owner);
			iow_json_end_object(j);
		} else {
			iow_json_null(j, "qemu");
		}
	}
	iow_json_end_object(j);
}

static void dev_json(struct iow_json *j, const struct iow_dev *dev)
{
	iow_json_string(j, "driver", dev->driver);
	iow_json_string(j, "firmware", dev->firmware);
	iow_json_hex(j, "kernel_address", dev->addr);
}

static void res_array_json(struct iow_json *j, const char *key, const struct iow_dev_res *res, size_t n)
{
	size_t i;

	iow_json_begin_array(j, key);
	for (i = 0; i < n; i++) {
		iow_json_begin_object(j, NULL);
		iow_json_i64(j, "index", res[i].index);
		res_json(j, &res[i]);
		iow_json_end_object(j);
	}
	iow_json_end_array(j);
}

void iow_render_devices_json(const struct iow_devview *v, const struct iow_owners *o,
			     const struct iow_error *stopped, struct iow_sink *out)
{
	const struct iow_devices *d = v->d;
	struct iow_json j;
	size_t i, k;

	iow_json_init(&j, out);
	iow_json_begin_object(&j, NULL);
	iow_json_begin_array(&j, "pci_devices");
	for (i = 0; i < d->npci; i++) {
		const struct iow_pci_dev *p = &d->pci[i];

		iow_json_begin_object(&j, NULL);
		iow_pci_json_ids(&j, p);
		dev_json(&j, &p->dev);
		if (p->secondary >= 0)
			iow_json_u64(&j, "secondary_bus", (uint64_t)p->secondary);
		else
			iow_json_null(&j, "secondary_bus");
		iow_json_begin_array(&j, "slots");
		for (k = 0; k < p->nres; k++)
			if (used(v->slots[v->first[i] + k].res))
				slot_json(&j, v, &v->slots[v->first[i] + k], o);
		iow_json_end_array(&j);
		iow_json_end_object(&j);
	}
	iow_json_end_array(&j);
	iow_json_begin_array(&j, "host_bridges");
	for (i = 0; i < d->nhb; i++) {
		iow_json_begin_object(&j, NULL);
		iow_json_string(&j, "name", d->hb[i].dev.name);
		iow_json_string(&j, "bus", d->hb[i].bus);
		dev_json(&j, &d->hb[i].dev);
		res_array_json(&j, "windows", d->hb[i].win, d->hb[i].nwin);
		iow_json_end_object(&j);
	}
	iow_json_end_array(&j);
	for (k = 0; k < 2; k++) {
		enum iow_bus_kind kind = k ? IOW_BUS_PNP : IOW_BUS_PLATFORM;

		iow_json_begin_array(&j, k ? "pnp_devices" : "platform_devices");
		for (i = 0; i < d->nbus; i++) {
			if (d->bus[i].bus != kind)
				continue;
			iow_json_begin_object(&j, NULL);
			iow_json_string(&j, "name", d->bus[i].dev.name);
			dev_json(&j, &d->bus[i].dev);
			res_array_json(&j, "resources", d->bus[i].res, d->bus[i].nres);
			iow_json_end_object(&j);
		}
		iow_json_end_array(&j);
	}
	iow_json_begin_array(&j, "absent");
	for (i = 0; i < d->nabsent; i++)
		iow_json_string(&j, NULL, d->absent[i]);
	iow_json_end_array(&j);
	iow_json_bool(&j, "qemu_map", v->have_qemu);
	if (o)
		iow_owner_findings_json(&j, "findings", o);
	iow_json_stopped(&j, stopped);
	iow_json_end_object(&j);
	iow_json_finish(&j);
}
