/* pte ADDR: the kernel page-table walk for one virtual address, every
 * level's entry with its bits decoded, and the leaf's memory type through
 * the kernel's own table (as the ioremap view decodes it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "commands/commands.h"
#include "model/memtype.h"
#include "render/kernel.h"

/* The leaf's memory type into V, or *WHY (to be freed) when the kernel's
 * table cannot be read: the walk is still worth showing then.  An error of
 * the connection, which no later read would survive either, is returned
 * instead. */
static struct iow_error *leaf_mode(struct iow_kernel *k, struct iow_pte_view *v,
				   struct iow_error **why)
{
	uint8_t table[8];
	struct iow_error *err = iow_kernel_read_memtypes(k, table);

	*why = NULL;
	if (!err) {
		v->mode = iow_memtype_name(table[v->index % 8]);
		return NULL;
	}
	if (err == &iow_error_nomem || iow_error_is_link(err) || err->code == IOW_ERR_INTERRUPTED)
		return err;
	*why = err;
	v->mode_error = err->message;
	return NULL;
}

struct iow_error *iow_cmd_pte(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	struct iow_translation tr;
	struct iow_pte_view v;
	struct iow_error *err, *why = NULL;
	uint64_t va = a->addr.value;

	if ((err = iow_kernel_translate(s->kernel, va, &tr)))
		return err;
	iow_kernel_describe_walk(s->kernel, &tr, &v);
	if (tr.present && (err = leaf_mode(s->kernel, &v, &why)))
		return err;
	if (a->json)
		iow_render_pte_json(&v, out);
	else
		iow_render_pte(&v, out);
	iow_error_destroy(why);
	return NULL;
}
