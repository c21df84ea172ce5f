/* render: the model as text or JSON.  Renderers never read memory; they
 * take what the walkers built and write it to a sink.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_RENDER_RENDER_H
#define IOW_RENDER_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/check.h"
#include "model/devices.h"
#include "model/devview.h"
#include "model/join.h"
#include "model/mapping.h"
#include "model/owner.h"
#include "model/pat.h"
#include "model/qemu.h"
#include "model/resource.h"
#include "model/snapshot.h"
#include "model/vmap.h"
#include "util/error.h"
#include "util/sink.h"

struct iow_render_opts {
	/* The mappings joined with the tree, shown under each resource (in
	 * text, with the tree guide's width; in JSON, as "mapped_by"), or
	 * NULL: none. */
	const struct iow_join *join;
	bool color;          /* ANSI colours (a terminal) */
	int max_depth;       /* tree: levels below the root to show; < 0: all */
	bool have_addr;      /* tree: only the resources containing ADDR ... */
	uint64_t addr;       /* ... and the subtree of the innermost one */
	/* Why the walk stopped early, or NULL: JSON says it in its "error"
	 * field.  (Text does not: the command fails with the error after the
	 * output, and the front end reports it, once.) */
	const struct iow_error *stopped;
	/* QEMU's map beside the tree, or NULL: under each resource, what QEMU
	 * has behind it (render/qemu.c; JSON: "qemu", "qemu_nothing").
	 * QEMU_SPACE: which of its spaces[] the tree is. */
	const struct iow_qemu *qemu;
	size_t qemu_space;
	/* QEMU's map was asked for (not --no-qemu): JSON says "qemu_error";
	 * QEMU_UNAVAILABLE is why it could not be had (one line), or NULL. */
	bool qemu_asked;
	const char *qemu_unavailable;
	/* Who owns each resource (model/owner.h), with the devices it names,
	 * or NULL: not shown.  Text: after each resource's line, "  -- "
	 * and the owner, briefly; JSON: an "owner" object. */
	const struct iow_owners *owners;
	const struct iow_devices *devices;
};

/* "4 KiB", "635 KiB", "1.5 GiB": binary units, exact when whole. */
char *iow_human_size(uint64_t bytes, char *buf, size_t len);

/* /proc/iomem or /proc/ioports, byte for byte as the kernel's r_show()
 * (kernel/resource.c) prints them for a reader with CAP_SYS_ADMIN. */
void iow_render_proc_resources(const struct iow_resource_tree *tree, struct iow_sink *out);
/* The annotated tree: size, decoded flags and descriptor of each resource. */
void iow_render_resource_tree(const struct iow_resource_tree *tree, const struct iow_render_opts *opts,
			      struct iow_sink *out);
/* The same as JSON; see docs/JSON.md. */
void iow_render_resource_json(const struct iow_resource_tree *tree, const struct iow_render_opts *opts,
			      struct iow_sink *out);

/* --- owners and devices (render/owner.c, render/devices.c) --- */
struct iow_json;
/* W, briefly: "nvme 0000:00:05.0 [1b36:0010] BAR0", "e820 entry 7 (RAM)". */
void iow_owner_brief(const struct iow_owner *w, const struct iow_devices *d, char *buf, size_t len);
/* W as the JSON object KEY (docs/JSON.md, "owner"). */
void iow_owner_json(struct iow_json *j, const char *key, const struct iow_owner *w, const struct iow_devices *d);
/* One mapped run as the JSON object of a "mapped_by" array (docs/JSON.md). */
void iow_map_run_json(struct iow_json *j, const struct iow_mapping *m, const struct iow_map_run *run);
/* P's ids as JSON members: pci_device, vendor, device, class, subsystem_*, revision. */
void iow_pci_json_ids(struct iow_json *j, const struct iow_pci_dev *p);
/* The owners' findings: text (nothing when there are none), and JSON (an array KEY). */
void iow_render_owner_findings(const struct iow_owners *o, bool color, struct iow_sink *out);
void iow_owner_findings_json(struct iow_json *j, const char *key, const struct iow_owners *o);
/* The devices view, and as JSON; STOPPED as elsewhere. */
void iow_render_devices(const struct iow_devview *v, const struct iow_owners *o, bool color, struct iow_sink *out);
void iow_render_devices_json(const struct iow_devview *v, const struct iow_owners *o,
			     const struct iow_error *stopped, struct iow_sink *out);

/* /sys/kernel/debug/x86/pat_memtype_list, line for line. */
void iow_render_proc_pat(const struct iow_pat *pat, struct iow_sink *out);
/* Mappings, each run of pages with its cache mode and reservation, then
 * the findings. */
void iow_render_mappings(const struct iow_mapping_set *s, const struct iow_pat *pat, bool color,
			 struct iow_sink *out);
/* STOPPED: why the walk stopped early, or NULL (JSON's "error"). */
void iow_render_mappings_json(const struct iow_mapping_set *s, const struct iow_pat *pat,
			      const struct iow_error *stopped, struct iow_sink *out);
void iow_render_findings(const struct iow_mapping_set *s, bool color, struct iow_sink *out);
/* The vmap areas, annotated, in the list's order (the vmap command sorts
 * them by address first). */
void iow_render_vmap(const struct iow_vmap_list *l, bool color, struct iow_sink *out);
void iow_render_vmap_json(const struct iow_vmap_list *l, const struct iow_error *stopped,
			  struct iow_sink *out);
/* /proc/vmallocinfo, line for line, in the kernel's order. */
void iow_render_proc_vmallocinfo(const struct iow_vmap_list *l, struct iow_sink *out);

/* QEMU's memory map beside the guest's (mtree): each address space as
 * rows of QEMU's regions and gaps with the guest's resources that start
 * in them, then the findings (render/qemu.c says how it reads). */
void iow_render_qemu(const struct iow_qemu *q, const struct iow_error *stopped, bool color, struct iow_sink *out);
void iow_render_qemu_json(const struct iow_qemu *q, const struct iow_error *stopped, bool color,
			  struct iow_sink *out);
/* The annotated tree's lines under R: the regions behind it, one line
 * each, or that QEMU has nothing there; GUIDE starts each line. */
void iow_render_qemu_lines(const struct iow_render_opts *o, const struct iow_resource *r, const char *guide,
			   struct iow_sink *out);
struct iow_json;
/* The same as members of R's JSON object. */
void iow_render_qemu_json_members(struct iow_json *j, const struct iow_render_opts *o, const struct iow_resource *r);

/* check's report: each violation and note, then the verdict line (EXPECT:
 * a saved layout was compared too). */
void iow_render_check(const struct iow_check *c, bool expect, struct iow_sink *out);
/* The same as JSON: the violations (notes only counted). */
void iow_render_check_json(const struct iow_check *c, struct iow_sink *out);
/* A snapshot, header first, as check --expect reads it back. */
void iow_render_snapshot(const struct iow_snapshot *s, struct iow_sink *out);

#endif
