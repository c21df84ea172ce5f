/* commands: the table, each subcommand's schema, and the session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "commands/commands.h"

#define ARG(field) offsetof(struct iow_cmd_args, field)

#define HELP_OPT                                                                                   \
	{ .name = "help", .short_name = 'h', .kind = IOW_OPT_FLAG, .flags = IOW_OPT_STOP, .at = ARG(help), \
	  .help = "show this help" }
#define JSON_OPT { .name = "json", .kind = IOW_OPT_FLAG, .at = ARG(json), .help = "machine-readable output (docs/JSON.md)" }
#define END_OPT { .name = NULL }
#define NO_QEMU_OPT                                                                                \
	{ .name = "no-qemu", .kind = IOW_OPT_FLAG, .at = ARG(no_qemu),                             \
	  .help = "leave out QEMU's memory map (read from its monitor when the stub is QEMU's)" }

static const struct iow_opt tree_opts[] = {
	{ .name = "iomem", .kind = IOW_OPT_SET, .flags = IOW_OPT_WORD, .at = ARG(ioports), .val = 0,
	  .help = "the iomem tree (the default; also as a word: tree iomem)" },
	{ .name = "ioports", .kind = IOW_OPT_SET, .flags = IOW_OPT_WORD, .at = ARG(ioports), .val = 1,
	  .help = "the ioport tree (also as a word: tree ioports)" },
	{ .name = "depth", .short_name = 'd', .kind = IOW_OPT_INT, .at = ARG(depth), .val = 0, .arg = "N",
	  .help = "levels below the root to show (below ADDR's resource, with ADDR)" },
	{ .name = "no-mappings", .kind = IOW_OPT_FLAG, .at = ARG(no_mappings),
	  .help = "leave out who maps each resource" },
	NO_QEMU_OPT,
	{ .name = "no-owners", .kind = IOW_OPT_FLAG, .at = ARG(no_owners),
	  .help = "leave out who owns each resource (the device, driver, firmware map...)" },
	JSON_OPT,
	HELP_OPT,
	{ .name = "ADDR", .kind = IOW_OPT_ADDR, .flags = IOW_OPT_POSITIONAL, .at = ARG(addr),
	  .help = "only the resources that contain ADDR, and the subtree of the innermost" },
	END_OPT,
};

static const char *const proc_files[] = {
	[IOW_PROC_IOMEM] = "iomem",
	[IOW_PROC_IOPORTS] = "ioports",
	[IOW_PROC_VMALLOCINFO] = "vmallocinfo",
	[IOW_PROC_PAT_MEMTYPE_LIST] = "pat_memtype_list",
	NULL,
};

static const struct iow_opt proc_opts[] = {
	HELP_OPT,
	{ .name = "FILE", .kind = IOW_OPT_CHOICE, .flags = IOW_OPT_POSITIONAL | IOW_OPT_REQUIRED, .at = ARG(file),
	  .choices = proc_files, .help = "iomem, ioports, vmallocinfo or pat_memtype_list" },
	END_OPT,
};

static const struct iow_opt json_opts[] = { JSON_OPT, HELP_OPT, END_OPT };

static const struct iow_opt no_opts[] = { HELP_OPT, END_OPT };

static const struct iow_opt check_opts[] = {
	{ .name = "expect", .kind = IOW_OPT_STRING, .at = ARG(expect), .arg = "FILE",
	  .help = "and that the layout is the one saved in FILE (by snapshot)" },
	NO_QEMU_OPT,
	JSON_OPT,
	HELP_OPT,
	END_OPT,
};

static const struct iow_opt pte_opts[] = {
	JSON_OPT,
	HELP_OPT,
	{ .name = "ADDR", .kind = IOW_OPT_ADDR, .flags = IOW_OPT_POSITIONAL | IOW_OPT_REQUIRED, .at = ARG(addr),
	  .help = "a kernel virtual address" },
	END_OPT,
};

static const struct iow_command table[] = {
	{ "tree", "the annotated resource tree (--ioports, --depth N, --json)", tree_opts, true, iow_cmd_tree },
	{ "proc", "iomem, ioports, vmallocinfo or pat_memtype_list, as the guest shows them", proc_opts, true,
	  iow_cmd_proc },
	{ "ioremap", "every ioremap (and non-RAM vmap), its cache mode by page, its reservation, findings",
	  json_opts, true, iow_cmd_ioremap },
	{ "vmap", "the vmap/vmalloc areas, annotated", json_opts, true, iow_cmd_vmap },
	{ "check", "verify the layout's invariants (--expect FILE: and that it is the saved one)", check_opts, true,
	  iow_cmd_check },
	{ "snapshot", "the layout, KASLR-independent, for check --expect", no_opts, true, iow_cmd_snapshot },
	{ "info", "the running kernel: release, build ID, KASLR offset, memory layout", json_opts, true,
	  iow_cmd_info },
	{ "pte", "the kernel page-table walk for ADDR, each level decoded", pte_opts, true, iow_cmd_pte },
	{ "mtree", "QEMU's memory map beside the guest's: what is behind each resource, findings", json_opts, true,
	  iow_cmd_mtree },
	{ "devices", "each PCI device's BARs: their resources, requests, mappings; host bridges, platform "
		     "and PNP devices", json_opts, true, iow_cmd_devices },
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

struct iow_error *iow_command_parse(const struct iow_command *cmd, int argc, char **argv, struct iow_cmd_args *a)
{
	int used;

	*a = (struct iow_cmd_args){ .depth = -1 };
	return iow_opts_parse(cmd->name, cmd->opts, 0, argc - 1, argv + 1, a, &used);
}

struct iow_error *iow_command_run(struct iow_session *s, int argc, char **argv, struct iow_sink *out)
{
	const struct iow_command *cmd = argc ? iow_command_find(argv[0]) : NULL;
	struct iow_cmd_args a;
	struct iow_error *err;

	if (!cmd)
		return iow_error_create(IOW_ERR_INVALID, "unknown subcommand '%s'", argc ? argv[0] : "");
	if ((err = iow_command_parse(cmd, argc, argv, &a)))
		return err;
	if (a.help) {
		iow_usage(IOW_FRONT_CLI, cmd, out);
		return NULL;
	}
	return iow_command_exec(s, cmd, &a, out);
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
