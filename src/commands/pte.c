/* pte ADDR: the kernel page-table walk for one virtual address, every
 * level's entry with its bits decoded, and the leaf's cache mode through
 * the guest's own PAT table (as the ioremap view decodes it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include "commands/commands.h"
#include "kernel/pat.h"
#include "kernel/x86.h"
#include "render/json.h"

/* The leaf's cache mode, or NULL with *WHY set (to be freed) when the
 * kernel's table cannot be read: the walk is still worth showing then.  An
 * error of the connection, which no later read would survive either, is
 * returned instead. */
static struct iow_error *leaf_mode(struct iow_kernel *k, const struct iow_translation *tr,
				   const char **mode, struct iow_error **why)
{
	struct iow_pat pat = { .n = 0 };
	struct iow_error *err = iow_pat_read_table(k, pat.pte2cm);

	*mode = NULL;
	*why = NULL;
	if (!err) {
		*mode = iow_memtype_name(iow_pat_leaf_mode(&pat, tr->leaf, tr->leaf_size > 4096));
		return NULL;
	}
	switch (err->code) {
	case IOW_ERR_NOMEM: case IOW_ERR_IO: case IOW_ERR_TIMEOUT: case IOW_ERR_PROTOCOL:
	case IOW_ERR_INTERRUPTED:
		return err;
	default:
		*why = err;
		return NULL;
	}
}

struct iow_error *iow_cmd_pte(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	const struct iow_kernel_layout *l;
	struct iow_translation tr;
	struct iow_error *err, *why = NULL;
	const char *mode = NULL;
	unsigned pat_index = 0;
	char flags[128];
	uint64_t va = a->addr.value;
	int i;

	l = iow_kernel_layout(s->kernel);
	if ((err = iow_kernel_translate(s->kernel, va, &tr)))
		return err;
	if (tr.present) {
		pat_index = iow_x86_pat_index(tr.leaf, tr.leaf_size > 4096);
		if ((err = leaf_mode(s->kernel, &tr, &mode, &why)))
			return err;
	}

	if (a->json) {
		struct iow_json j;

		iow_json_init(&j, out);
		iow_json_begin_object(&j, NULL);
		iow_json_hex(&j, "address", va);
		iow_json_begin_array(&j, "levels");
		for (i = 0; i < tr.nr_levels; i++) {
			const struct iow_pt_level *pl = &tr.levels[i];

			iow_x86_pte_flags(pl->entry, pl->level, flags, sizeof(flags));
			iow_json_begin_object(&j, NULL);
			iow_json_string(&j, "level", iow_x86_level_name(pl->level, l->levels));
			iow_json_u64(&j, "index", pl->index);
			iow_json_hex(&j, "table_phys", pl->table_pa);
			iow_json_hex(&j, "entry", pl->entry);
			iow_json_string(&j, "flags", flags);
			iow_json_end_object(&j);
		}
		iow_json_end_array(&j);
		iow_json_bool(&j, "present", tr.present);
		if (tr.present) {
			iow_json_hex(&j, "phys", tr.pa);
			iow_json_u64(&j, "page_size", tr.leaf_size);
			iow_json_u64(&j, "pat_index", pat_index);
			iow_json_string(&j, "mode", mode);
			if (why)
				iow_json_string(&j, "mode_error", why->message);
		}
		iow_json_end_object(&j);
		iow_json_finish(&j);
		iow_error_destroy(why);
		return NULL;
	}
	iow_sink_printf(out, "0x%016" PRIx64 "\n", va);
	for (i = 0; i < tr.nr_levels; i++) {
		const struct iow_pt_level *pl = &tr.levels[i];

		iow_x86_pte_flags(pl->entry, pl->level, flags, sizeof(flags));
		iow_sink_printf(out, "  %-3s [%3u] at phys 0x%" PRIx64 ": 0x%016" PRIx64 "  %s\n",
				iow_x86_level_name(pl->level, l->levels), pl->index,
				pl->table_pa + pl->index * 8, pl->entry, flags);
	}
	if (tr.present) {
		iow_sink_printf(out, "  -> phys 0x%" PRIx64 " (%s page, PAT index %u", tr.pa,
				tr.leaf_size == 4096 ? "4 KiB" : tr.leaf_size == (2u << 20) ? "2 MiB" : "1 GiB",
				pat_index);
		if (mode)
			iow_sink_printf(out, " = %s)\n", mode);
		else
			iow_sink_printf(out, "; its cache mode is unknown: %s)\n", why->message);
	} else {
		iow_sink_puts(out, "  -> not mapped\n");
	}
	iow_error_destroy(why);
	return NULL;
}
