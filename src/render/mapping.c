/* render/mapping: ioremap mappings with their cache modes, the PAT list,
 * and findings; as text and as JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "model/pat.h"
#include "render/json.h"
#include "render/render.h"

#define C_BAD "\033[1;31m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

void iow_render_proc_pat(const struct iow_pat *pat, struct iow_sink *out)
{
	size_t i;

	/* memtype_seq_show(), arch/x86/mm/pat/memtype.c, after the header
	 * that pat_memtype_list's open prints. */
	iow_sink_puts(out, "PAT memtype list:\n");
	for (i = 0; i < pat->n && !out->failed; i++)
		iow_sink_printf(out, "PAT: [mem 0x%016" PRIx64 "-0x%016" PRIx64 "] %s\n", pat->memtypes[i].start,
				pat->memtypes[i].end, iow_cache_mode_name(pat->memtypes[i].type));
}

static void run_line(const struct iow_map_run *run, const struct iow_pat *pat, bool color,
		     struct iow_sink *out)
{
	char sz[32];
	const struct iow_pat_memtype *mt;

	iow_human_size(run->size, sz, sizeof(sz));
	if (!run->present) {
		iow_sink_printf(out, "    0x%016" PRIx64 " %9s  not mapped\n", run->va, sz);
		return;
	}
	iow_sink_printf(out, "    0x%016" PRIx64 " %9s  phys 0x%" PRIx64 "-0x%" PRIx64 "  %s pages  %-3s",
			run->va, sz, run->pa, run->pa + run->size - 1, iow_leaf_size_name(run->leaf_size),
			iow_memtype_name(run->mode));
	if (run->attrs.share[0])
		iow_sink_printf(out, "  %s-shareable  kernel %s  user %s", run->attrs.share,
				run->attrs.kernel, run->attrs.user);
	if (run->ram) {
		iow_sink_puts(out, "  RAM");
		if (run->direct_known)
			iow_sink_printf(out, " (direct map %s)", iow_memtype_name(run->direct_mode));
	} else if ((mt = iow_pat_covering(pat, run->pa, run->size))) {
		bool bad = mt->type != run->mode;

		iow_sink_printf(out, "  %sreserved %s [0x%" PRIx64 "-0x%" PRIx64 ")%s",
				bad && color ? C_BAD : "", iow_memtype_name(mt->type), mt->start, mt->end,
				bad && color ? C_OFF : "");
	} else if (run->firmware_mem) {
		iow_sink_puts(out, "  firmware memory (not RAM)");
	} else if (pat && pat->none_tracked) {
		/* nothing to compare with: the kernel reserves no memory types */
	} else if (run->pa >= 0xa0000 && run->pa + run->size <= 0x100000) {
		iow_sink_puts(out, "  ISA range (not tracked by PAT)");
	} else {
		iow_sink_printf(out, "  %sno reservation%s", color ? C_BAD : "", color ? C_OFF : "");
	}
	iow_sink_puts(out, "\n");
}

void iow_render_findings(const struct iow_mapping_set *s, bool color, struct iow_sink *out)
{
	size_t i;

	if (!s->nfindings && s->none_tracked) {
		iow_sink_puts(out, "No findings: no device memory is mapped cacheable, no RAM as device "
				   "memory, and no range is mapped with two memory types.\n");
		return;
	}
	if (!s->nfindings) {
		iow_sink_puts(out, "No findings: every mapping's page-table mode agrees with its reservation, "
				   "and no range is mapped with two modes.\n");
		return;
	}
	iow_sink_printf(out, "%s%zu finding%s:%s\n", color ? C_BAD : "", s->nfindings,
			s->nfindings == 1 ? "" : "s", color ? C_OFF : "");
	for (i = 0; i < s->nfindings; i++)
		iow_sink_printf(out, "  %s%-18s%s %s\n", color ? C_BAD : "",
				iow_finding_kind_name(s->findings[i].kind), color ? C_OFF : "",
				s->findings[i].text);
}

void iow_render_mappings(const struct iow_mapping_set *s, const struct iow_pat *pat, bool color,
			 struct iow_sink *out)
{
	size_t i, r;

	for (i = 0; i < s->n && !out->failed; i++) {
		const struct iow_mapping *m = &s->m[i];
		char sz[32];

		iow_sink_printf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %9s  %s  %s\n", m->va, m->va + m->size - 1,
				iow_human_size(m->size, sz, sizeof(sz)),
				m->ioremap ? "ioremap" : (m->area->flags & IOW_VM_MAP) ? "vmap" : "vmalloc",
				m->area->caller_sym ? m->area->caller_sym : "(no caller)");
		for (r = 0; r < m->nruns; r++)
			run_line(&m->runs[r], pat, color, out);
	}
	iow_sink_printf(out, "%s%zu mappings shown, %zu vmap areas walked%s\n", color ? C_DIM : "", s->n,
			s->areas_walked, color ? C_OFF : "");
	if (pat->none_tracked)
		iow_sink_printf(out, "%sThis kernel keeps no memory-type reservations (no PAT memtype "
				"list): each mapping's type is its page-table entries' alone.%s\n",
				color ? C_DIM : "", color ? C_OFF : "");
	iow_render_findings(s, color, out);
}

static void json_findings(struct iow_json *j, const struct iow_mapping_set *s)
{
	size_t i;

	iow_json_begin_array(j, "findings");
	for (i = 0; i < s->nfindings; i++) {
		const struct iow_finding *f = &s->findings[i];

		iow_json_begin_object(j, NULL);
		iow_json_string(j, "kind", iow_finding_kind_name(f->kind));
		iow_json_hex(j, "phys_start", f->pa_start);
		iow_json_hex(j, "phys_end", f->pa_end);
		if (f->va)
			iow_json_hex(j, "virt", f->va);
		if (f->va2)
			iow_json_hex(j, "virt2", f->va2);
		iow_json_string(j, "text", f->text);
		if (f->note)
			iow_json_bool(j, "note", true);
		iow_json_end_object(j);
	}
	iow_json_end_array(j);
}

#define RUN(key, type, field) { key, IOW_JSON_##type, offsetof(struct iow_map_run, field) }

/* docs/JSON.md, ioremap: a run's ... */
static const struct iow_json_member run_members[] = {
	RUN("virt", HEX, va), RUN("size", U64, size), RUN("present", BOOL, present), { NULL, 0, 0 },
};

/* ... and, when present, where and how it is mapped */
static const struct iow_json_member present_members[] = {
	RUN("phys", HEX, pa), RUN("page_size", U64, leaf_size), RUN("leaf", HEX, leaf), { NULL, 0, 0 },
};

static void json_run(struct iow_json *j, const struct iow_map_run *run, const struct iow_pat *pat)
{
	const struct iow_pat_memtype *mt;

	iow_json_begin_object(j, NULL);
	iow_json_members(j, run, run_members);
	if (run->present) {
		mt = run->ram ? NULL : iow_pat_covering(pat, run->pa, run->size);
		iow_json_members(j, run, present_members);
		iow_json_string(j, "mode", iow_memtype_name(run->mode));
		iow_json_bool(j, "ram", run->ram);
		if (run->firmware_mem)
			iow_json_bool(j, "firmware_memory", true);
		if (run->attrs.share[0]) {
			iow_json_string(j, "shareability", run->attrs.share);
			iow_json_string(j, "kernel_access", run->attrs.kernel);
			iow_json_string(j, "user_access", run->attrs.user);
		}
		if (run->direct_known)
			iow_json_string(j, "direct_map_mode", iow_memtype_name(run->direct_mode));
		if (mt) {
			iow_json_begin_object(j, "reservation");
			iow_json_hex(j, "start", mt->start);
			iow_json_hex(j, "end", mt->end);
			iow_json_string(j, "mode", iow_memtype_name(mt->type));
			iow_json_end_object(j);
		} else {
			iow_json_null(j, "reservation");
		}
	}
	iow_json_end_object(j);
}

void iow_render_mappings_json(const struct iow_mapping_set *s, const struct iow_pat *pat,
			      const struct iow_error *stopped, struct iow_sink *out)
{
	struct iow_json j;
	size_t i, r;

	iow_json_init(&j, out);
	iow_json_begin_object(&j, NULL);
	iow_json_begin_array(&j, "pat_table");
	for (i = 0; i < 8; i++)
		iow_json_string(&j, NULL, iow_memtype_name(pat->pte2cm[i]));
	iow_json_end_array(&j);
	iow_json_bool(&j, "reservations_tracked", !pat->none_tracked);
	iow_json_begin_array(&j, "mappings");
	for (i = 0; i < s->n; i++) {
		const struct iow_mapping *m = &s->m[i];

		iow_json_begin_object(&j, NULL);
		iow_json_hex(&j, "start", m->va);
		iow_json_hex(&j, "end", m->va + m->size);
		iow_json_u64(&j, "size", m->size);
		iow_json_bool(&j, "ioremap", m->ioremap);
		iow_json_hex(&j, "flags", m->area->flags);
		iow_json_string(&j, "caller", m->area->caller_sym);
		iow_json_hex(&j, "vm_phys_addr", m->area->phys_addr);
		iow_json_begin_array(&j, "runs");
		for (r = 0; r < m->nruns; r++)
			json_run(&j, &m->runs[r], pat);
		iow_json_end_array(&j);
		iow_json_end_object(&j);
	}
	iow_json_end_array(&j);
	iow_json_u64(&j, "areas_walked", s->areas_walked);
	json_findings(&j, s);
	iow_json_stopped(&j, stopped);
	iow_json_end_object(&j);
	iow_json_finish(&j);
}
