/* render/owner: a resource's owner, briefly (the annotated tree's suffix)
 * and as JSON (its "owner" object), and the owners' findings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render/json.h"
#include "render/render.h"

/* A %pS symbol, shorter: "code_resource" for "code_resource+0x0/0x40",
 * "standard_io_resources+0x40" for "...+0x40/0x280", and a module's
 * " [name]" kept. */
static const char *short_symbol(const char *sym, char *buf, size_t len)
{
	const char *plus = strchr(sym, '+'), *slash = plus ? strchr(plus, '/') : NULL;
	const char *mod = strchr(sym, '[');

	if (!plus || !slash) {
		snprintf(buf, len, "%s", sym);
		return buf;
	}
	if (strncmp(plus, "+0x0/", 5) == 0)
		snprintf(buf, len, "%.*s%s%s", (int)(plus - sym), sym, mod ? " " : "", mod ? mod : "");
	else
		snprintf(buf, len, "%.*s%s%s", (int)(slash - sym), sym, mod ? " " : "", mod ? mod : "");
	return buf;
}

static const char *where_words(const struct iow_location *l, char *buf, size_t len)
{
	if (!l)
		return "";
	switch (l->where) {
	case IOW_WHERE_SLAB: snprintf(buf, len, " (struct in %s)", l->cache ? l->cache : "a slab"); break;
	case IOW_WHERE_RESERVED: snprintf(buf, len, " (struct in boot memory)"); break;
	case IOW_WHERE_PAGE: snprintf(buf, len, " (struct in a page)"); break;
	default: buf[0] = 0; break;
	}
	return buf;
}

/* "nvme 0000:00:05.0 [1b36:0010] BAR0" */
static void pci_brief(const struct iow_owner *w, const struct iow_devices *d, char *buf, size_t len)
{
	char word[32];

	snprintf(buf, len, "%s %s [%04x:%04x] %s", w->pci->dev.driver ? w->pci->dev.driver : "(no driver)",
		 w->pci->dev.name ? w->pci->dev.name : "?", w->pci->vendor, w->pci->device,
		 iow_pci_slot_word(d, w->pci, w->index, word, sizeof(word)));
}

/* What an enclosing device resource is, briefly: "0000:00:05.0 BAR0". */
static void within_brief(const struct iow_owner *in, const struct iow_devices *d, char *buf, size_t len)
{
	char word[32];

	if (in->pci)
		snprintf(buf, len, "%s %s", in->pci->dev.name ? in->pci->dev.name : "?",
			 iow_pci_slot_word(d, in->pci, in->index, word, sizeof(word)));
	else if (in->hb)
		snprintf(buf, len, "host bridge %s window %d", in->hb->dev.name ? in->hb->dev.name : "?", in->index);
	else if (in->bdev)
		snprintf(buf, len, "%s resource %d", in->bdev->dev.name ? in->bdev->dev.name : "?", in->index);
	else
		snprintf(buf, len, "?");
}

static const char *device_driver(const struct iow_owner *in)
{
	return in->pci ? in->pci->dev.driver : in->bdev ? in->bdev->dev.driver : in->hb ? in->hb->dev.driver : NULL;
}

void iow_owner_brief(const struct iow_owner *w, const struct iow_devices *d, char *buf, size_t len)
{
	char a[256], b[256];
	const char *fw;

	switch (w->kind) {
	case IOW_OWNER_PCI_BAR:
	case IOW_OWNER_PCI_ROM:
	case IOW_OWNER_PCI_BRIDGE_WINDOW:
	case IOW_OWNER_PCI_IOV_BAR:
	case IOW_OWNER_PCI_DEVICE_RESOURCE:
		pci_brief(w, d, buf, len);
		break;
	case IOW_OWNER_HOST_BRIDGE_WINDOW:
		fw = w->hb->dev.firmware ? w->hb->dev.firmware : w->hb->dev.name;
		snprintf(buf, len, "host bridge %s window %d", fw ? fw : "?", w->index);
		break;
	case IOW_OWNER_FIRMWARE_MAP:
		snprintf(buf, len, "e820 entry %d (%s)", w->index,
			 iow_e820_type_name(w->fw->type) ? iow_e820_type_name(w->fw->type) : "type ?");
		break;
	case IOW_OWNER_KERNEL_STATIC:
		if (w->array)
			snprintf(buf, len, "%s[%d], at boot", w->array->symbol, w->index);
		else
			snprintf(buf, len, "static %s", w->loc && w->loc->symbol
						       ? short_symbol(w->loc->symbol, a, sizeof(a))
						       : w->loc && w->loc->module ? w->loc->module : "?");
		break;
	case IOW_OWNER_PLATFORM_DEVICE:
	case IOW_OWNER_PNP_DEVICE:
		snprintf(buf, len, "%s %s%s%s%s resource %d", w->kind == IOW_OWNER_PNP_DEVICE ? "pnp" : "platform",
			 w->bdev->dev.name ? w->bdev->dev.name : "?", w->bdev->dev.driver ? " (" : "",
			 w->bdev->dev.driver ? w->bdev->dev.driver : "", w->bdev->dev.driver ? ")" : "", w->index);
		break;
	case IOW_OWNER_DRIVER_REQUEST:
		if (w->within)
			within_brief(w->within, d, b, sizeof(b));
		switch (w->req) {
		case IOW_REQ_DEVRES:
			snprintf(buf, len, "request by %s (%s), devres", w->devres->dev_name ? w->devres->dev_name : "?",
				 w->devres->driver ? w->devres->driver : "no driver");
			break;
		case IOW_REQ_MODULE:
			snprintf(buf, len, "request by module %s%s%s", w->name_loc->module, w->within ? " in " : "",
				 w->within ? b : "");
			break;
		case IOW_REQ_PARENT:
			snprintf(buf, len, "request by %s in %s", device_driver(w->within), b);
			break;
		default:
			snprintf(buf, len, "request, requester unknown%s", where_words(w->loc, a, sizeof(a)));
			break;
		}
		break;
	default:
		snprintf(buf, len, "unknown owner%s", where_words(w->loc, a, sizeof(a)));
		break;
	}
}

/* --- JSON ----------------------------------------------------------------------- */

static void json_id(struct iow_json *j, const char *key, unsigned v, int digits)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%0*x", digits, v);
	iow_json_string(j, key, buf);
}

void iow_pci_json_ids(struct iow_json *j, const struct iow_pci_dev *p)
{
	iow_json_string(j, "pci_device", p->dev.name);
	json_id(j, "vendor", p->vendor, 4);
	json_id(j, "device", p->device, 4);
	json_id(j, "class", p->class, 6);
	json_id(j, "subsystem_vendor", p->subsys_vendor, 4);
	json_id(j, "subsystem_device", p->subsys_device, 4);
	json_id(j, "revision", p->revision, 2);
}

static void json_location(struct iow_json *j, const char *key, const struct iow_location *l)
{
	if (!l) {
		iow_json_null(j, key);
		return;
	}
	iow_json_begin_object(j, key);
	iow_json_string(j, "where", iow_where_name(l->where));
	if (l->symbol)
		iow_json_string(j, "symbol", l->symbol);
	if (l->module)
		iow_json_string(j, "module", l->module);
	if (l->cache)
		iow_json_string(j, "cache", l->cache);
	iow_json_end_object(j);
}

static void json_within(struct iow_json *j, const struct iow_owner *in, const struct iow_devices *d)
{
	iow_json_begin_object(j, "within");
	iow_json_string(j, "kind", iow_owner_kind_name(in->kind));
	if (in->pci) {
		iow_json_string(j, "pci_device", in->pci->dev.name);
		iow_json_i64(j, "bar", in->index);
		(void)d;
	} else if (in->hb) {
		iow_json_string(j, "host_bridge", in->hb->dev.name);
		iow_json_i64(j, "window", in->index);
	} else if (in->bdev) {
		iow_json_string(j, in->bdev->bus == IOW_BUS_PNP ? "pnp_device" : "platform_device", in->bdev->dev.name);
		iow_json_i64(j, "index", in->index);
	}
	iow_json_string(j, "driver", device_driver(in));
	iow_json_end_object(j);
}

void iow_owner_json(struct iow_json *j, const char *key, const struct iow_owner *w, const struct iow_devices *d)
{
	iow_json_begin_object(j, key);
	iow_json_string(j, "kind", iow_owner_kind_name(w->kind));
	switch (w->kind) {
	case IOW_OWNER_PCI_BAR:
	case IOW_OWNER_PCI_ROM:
	case IOW_OWNER_PCI_BRIDGE_WINDOW:
	case IOW_OWNER_PCI_IOV_BAR:
	case IOW_OWNER_PCI_DEVICE_RESOURCE:
		iow_pci_json_ids(j, w->pci);
		iow_json_i64(j, "bar", w->index);
		iow_json_string(j, "driver", w->pci->dev.driver);
		break;
	case IOW_OWNER_HOST_BRIDGE_WINDOW:
		iow_json_string(j, "host_bridge", w->hb->dev.name);
		iow_json_string(j, "bus", w->hb->bus);
		iow_json_string(j, "firmware", w->hb->dev.firmware);
		iow_json_i64(j, "window", w->index);
		iow_json_string(j, "driver", w->hb->dev.driver);
		break;
	case IOW_OWNER_FIRMWARE_MAP:
		iow_json_string(j, "table", d->fw.table);
		iow_json_i64(j, "entry", w->index);
		iow_json_u64(j, "type", w->fw->type);
		iow_json_string(j, "type_name", iow_e820_type_name(w->fw->type));
		break;
	case IOW_OWNER_KERNEL_STATIC:
		if (w->array) {
			iow_json_string(j, "symbol", w->array->symbol);
			iow_json_i64(j, "index", w->index);
			iow_json_bool(j, "through_pointer", true);
		} else {
			iow_json_string(j, "symbol", w->loc ? w->loc->symbol : NULL);
			if (w->loc && w->loc->module)
				iow_json_string(j, "module", w->loc->module);
		}
		break;
	case IOW_OWNER_PLATFORM_DEVICE:
	case IOW_OWNER_PNP_DEVICE:
		iow_json_string(j, w->kind == IOW_OWNER_PNP_DEVICE ? "pnp_device" : "platform_device",
				w->bdev->dev.name);
		iow_json_i64(j, "index", w->index);
		iow_json_string(j, "driver", w->bdev->dev.driver);
		iow_json_string(j, "firmware", w->bdev->dev.firmware);
		break;
	case IOW_OWNER_DRIVER_REQUEST:
		iow_json_string(j, "requested_by", w->req ? iow_requester_name(w->req) : NULL);
		if (w->req == IOW_REQ_DEVRES) {
			iow_json_string(j, "requester_device", w->devres->dev_name);
			iow_json_string(j, "driver", w->devres->driver);
		} else if (w->req == IOW_REQ_MODULE) {
			iow_json_string(j, "module", w->name_loc->module);
		} else if (w->req == IOW_REQ_PARENT) {
			iow_json_string(j, "driver", device_driver(w->within));
		}
		if (w->within)
			json_within(j, w->within, d);
		json_location(j, "name_at", w->name_loc);
		json_location(j, "struct_at", w->loc);
		break;
	default:
		if (w->within)
			json_within(j, w->within, d);
		json_location(j, "name_at", w->name_loc);
		json_location(j, "struct_at", w->loc);
		break;
	}
	iow_json_end_object(j);
}

/* --- findings ------------------------------------------------------------------------ */

void iow_render_owner_findings(const struct iow_owners *o, bool color, struct iow_sink *out)
{
	size_t i;

	if (!o->nf)
		return;
	iow_sink_printf(out, "\n%sowner findings:%s\n", color ? "\033[1m" : "", color ? "\033[0m" : "");
	for (i = 0; i < o->nf && !out->failed; i++)
		iow_sink_printf(out, "  %-18s %s\n", iow_owner_finding_name(o->f[i].kind), o->f[i].text);
}

void iow_owner_findings_json(struct iow_json *j, const char *key, const struct iow_owners *o)
{
	size_t i;

	iow_json_begin_array(j, key);
	for (i = 0; i < o->nf; i++) {
		const struct iow_owner_finding *f = &o->f[i];

		iow_json_begin_object(j, NULL);
		iow_json_string(j, "kind", iow_owner_finding_name(f->kind));
		if (f->pci) {
			iow_json_string(j, "pci_device", f->pci->dev.name);
			iow_json_i64(j, "bar", f->index);
		}
		if (f->r) {
			iow_json_hex(j, "start", f->r->start);
			iow_json_hex(j, "end", f->r->end);
			iow_json_string(j, "name", f->r->name);
		}
		if (f->m) {
			iow_json_hex(j, "virt", f->m->va);
			iow_json_hex(j, "phys_start", f->pa_start);
			iow_json_hex(j, "phys_end", f->pa_end);
		}
		iow_json_string(j, "text", f->text);
		iow_json_end_object(j);
	}
	iow_json_end_array(j);
}
