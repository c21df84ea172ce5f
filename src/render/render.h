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
#include "model/join.h"
#include "model/mapping.h"
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
