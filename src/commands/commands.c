/* commands: the table and the session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "commands/commands.h"

static const struct iow_command table[] = {
	{ "tree", "[ADDR]", "the annotated resource tree (--ioports, --depth N, --json)",
	  true, iow_cmd_tree },
	{ "proc", "FILE", "iomem, ioports, vmallocinfo or pat_memtype_list, as the guest shows them",
	  true, iow_cmd_proc },
	{ "ioremap", "", "every ioremap (and non-RAM vmap), its cache mode by page, its reservation, findings",
	  true, iow_cmd_ioremap },
	{ "vmap", "", "the vmap/vmalloc areas, annotated", true, iow_cmd_vmap },
	{ "check", "", "verify the layout's invariants (--expect FILE: and that it is the saved one)",
	  true, iow_cmd_check },
	{ "snapshot", "", "the layout, KASLR-independent, for check --expect", true, iow_cmd_snapshot },
	{ "info", "", "the running kernel: release, build ID, KASLR offset, memory layout",
	  true, iow_cmd_info },
	{ "pte", "ADDR", "the kernel page-table walk for ADDR, each level decoded",
	  true, iow_cmd_pte },
	{ NULL, NULL, NULL, false, NULL },
};

const struct iow_command *iow_commands(void)
{
	return table;
}

const struct iow_command *iow_command_find(const char *name)
{
	const struct iow_command *c;

	for (c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void iow_session_fini(struct iow_session *s)
{
	iow_kernel_destroy(s->kernel);
	s->kernel = NULL;
	if (s->target)
		iow_target_destroy(s->target);
	s->target = NULL;
	iow_debuginfo_destroy(s->dbg);
	s->dbg = NULL;
}
