/* cmdline: the command line both front doors take, its usage, and the
 * --stats line: each written once, here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "commands/commands.h"

/* The exit status: one rule, stated here once; the CLI's --help prints it,
 * src/cli/main.c follows it, and the README repeats it word for word
 * (tests/unit/cli-exit-status.sh checks). */
#define EXIT_STATUS_RULE \
	"Exit status: 0 success; 1 the verdict of check (violations, or a layout other\n" \
	"than --expect's); 2 usage, connection or data errors.  Views that merely list\n" \
	"findings (ioremap, tree) exit 0.\n"

#define G(field) offsetof(struct iow_global_args, field)

const struct iow_opt iow_global_opts[] = {
	{ .name = "target", .short_name = 't', .kind = IOW_OPT_STRING, .at = G(target), .arg = "ADDR",
	  .help = "read a guest through its gdbstub: HOST:PORT or a unix socket" },
	{ .name = "core", .short_name = 'c', .kind = IOW_OPT_STRING, .at = G(core), .arg = "FILE",
	  .help = "read an ELF dump (QEMU dump-guest-memory, kdump vmcore)" },
	{ .name = "live", .short_name = 'l', .kind = IOW_OPT_FLAG, .at = G(live),
	  .help = "read the running kernel through /proc/kcore, as root (the\n"
		  "default when neither --target nor --core is given)" },
	{ .name = "vmlinux", .short_name = 'k', .kind = IOW_OPT_STRING, .flags = IOW_OPT_GDB, .at = G(vmlinux),
	  .arg = "FILE", .help = "the debug vmlinux of the running kernel (default: the one\n"
				 "whose build ID matches: $IOW_VMLINUX, /usr/lib/debug/boot/...)" },
	{ .name = "timeout", .kind = IOW_OPT_INT, .at = G(timeout_ms), .val = 1, .arg = "MS",
	  .help = "how long to wait for each reply of the stub (default 5000)" },
	{ .name = "stats", .kind = IOW_OPT_FLAG, .flags = IOW_OPT_GDB, .at = G(stats),
	  .help = "report round trips, bytes and time (on stderr, in a shell)" },
	{ .name = "json", .kind = IOW_OPT_FLAG, .flags = IOW_OPT_GDB, .at = G(json),
	  .help = "machine-readable output" },
	{ .name = "help", .short_name = 'h', .kind = IOW_OPT_FLAG, .flags = IOW_OPT_GDB | IOW_OPT_STOP,
	  .at = G(help), .help = "show this help" },
	{ .name = "version", .short_name = 'V', .kind = IOW_OPT_FLAG, .flags = IOW_OPT_STOP, .at = G(version),
	  .help = "show the version" },
	{ .name = NULL },
};

/* Where each front door's usage is read. */
static const char *hint(enum iow_front front)
{
	return front == IOW_FRONT_GDB ? "iomem-walk help" : "see --help";
}

static bool own_word(const char *const *own, const char *w)
{
	for (; own && *own; own++)
		if (strcmp(*own, w) == 0)
			return true;
	return false;
}

struct iow_error *iow_cmdline_parse(enum iow_front front, int argc, char **argv, const char *const *own_words,
				    struct iow_cmdline *out)
{
	unsigned mode = IOW_PARSE_LEADING | (front == IOW_FRONT_GDB ? IOW_PARSE_GDB : 0);
	struct iow_error *err;
	int i = 1, used;

	memset(out, 0, sizeof(*out));
	out->g.timeout_ms = 5000;
	out->args.depth = -1;
	err = iow_opts_parse(NULL, iow_global_opts, mode, argc - 1, argv + 1, &out->g, &used);
	if (err && err != &iow_error_nomem) {
		struct iow_error *told = iow_error_create(err->code, "%s (%s)", err->message, hint(front));

		iow_error_destroy(err);
		return told;
	}
	if (err)
		return err;
	i += used;
	if (out->g.help || out->g.version) {
		out->help = out->g.help;
		return NULL;
	}
	if (i >= argc) { /* iomem-walk alone: the annotated tree (DESIGN §2) */
		out->cmd = iow_command_find("tree");
		out->args.json = out->g.json;
		return NULL;
	}
	out->named = true;
	if (strcmp(argv[i], "help") == 0) {
		out->help = true;
		out->cmd = i + 1 < argc ? iow_command_find(argv[i + 1]) : NULL;
		return NULL;
	}
	if (own_word(own_words, argv[i])) {
		out->own = argv[i];
		out->own_argc = argc - i;
		out->own_argv = argv + i;
		return NULL;
	}
	if (!(out->cmd = iow_command_find(argv[i])))
		return iow_error_create(IOW_ERR_INVALID, "unknown subcommand '%s' (%s)", argv[i], hint(front));
	if ((err = iow_command_parse(out->cmd, argc - i, argv + i, &out->args)))
		return err;
	out->help = out->args.help;
	out->args.json |= out->g.json;
	return NULL;
}

static void list_commands(struct iow_sink *out)
{
	const struct iow_command *c;
	struct iow_buf args;

	iow_buf_init(&args);
	for (c = iow_commands(); c->name; c++) {
		iow_buf_reset(&args);
		if (iow_opts_arguments(c->opts, &args))
			break;
		iow_sink_printf(out, "  %-8s %-8s %s\n", c->name, iow_buf_str(&args), c->help);
	}
	iow_buf_fini(&args);
}

/* `iomem-walk tree --help`: its usage line, what it does, its options. */
static void command_usage(const struct iow_command *cmd, struct iow_sink *out)
{
	struct iow_buf syn;

	iow_buf_init(&syn);
	if (!iow_opts_synopsis(cmd->opts, &syn))
		iow_sink_printf(out, "Usage: iomem-walk %s%s%s\n\n", cmd->name, syn.len ? " " : "", iow_buf_str(&syn));
	iow_buf_fini(&syn);
	iow_sink_printf(out, "%s.\n\n", cmd->help);
	iow_opts_help(cmd->opts, 0, out);
}

void iow_usage(enum iow_front front, const struct iow_command *cmd, struct iow_sink *out)
{
	if (cmd) {
		command_usage(cmd, out);
		return;
	}
	if (front == IOW_FRONT_GDB) {
		struct iow_buf syn;
		const struct iow_opt *o;

		/* the options GDB takes, as a usage line has them */
		iow_buf_init(&syn);
		for (o = iow_global_opts; o->name; o++)
			if ((o->flags & IOW_OPT_GDB) && !(o->flags & IOW_OPT_STOP))
				iow_buf_printf(&syn, "[--%s%s%s] ", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		iow_sink_printf(out, "Usage: iomem-walk %sSUBCOMMAND [ARGS...]\n", iow_buf_str(&syn));
		iow_buf_fini(&syn);
		iow_sink_puts(out, "Subcommands:\n");
		list_commands(out);
		iow_sink_puts(out, "Options:\n");
		iow_opts_help(iow_global_opts, IOW_PARSE_GDB, out);
		iow_sink_puts(out, "A subcommand's own options: iomem-walk SUBCOMMAND --help.\n");
		return;
	}
	iow_sink_puts(out, "Usage: iomem-walk [--target HOST:PORT|SOCKET | --core FILE | --live] [--vmlinux FILE]\n"
			   "                  [--stats] [--json] [SUBCOMMAND [ARGS...]]   (default: tree)\n"
			   "\n"
			   "Show how a Linux kernel has laid out device memory: a stopped guest's,\n"
			   "a dump's, or the running machine's own (--live).\n"
			   "\n"
			   "Options:\n");
	iow_opts_help(iow_global_opts, 0, out);
	iow_sink_puts(out, "\nSubcommands:\n");
	list_commands(out);
	iow_sink_puts(out, "A subcommand's own options: iomem-walk SUBCOMMAND --help.\n"
			   "\nIn GDB: target remote | iomem-walk relay HOST:PORT, then monitor iomem-walk ...\n"
			   "(or source iomem-walk.gdb and use load-plugin).\n"
			   "\nEnvironment: IOW_VMLINUX (a vmlinux to try first); IOW_INDEX_DIR (where the\n"
			   "answers worked out of a vmlinux are kept, by build ID; default\n"
			   "~/.cache/iomem-walk/index; off: nowhere).\n"
			   "\n" EXIT_STATUS_RULE);
}

void iow_stats_print(const struct iow_target *t, const struct iow_target_stats *since, double ms,
		     struct iow_sink *out)
{
	const struct iow_target_stats zero = { 0 }, *now = iow_target_stats(t), *b = since ? since : &zero;

	uint64_t mon = now->monitor_commands - b->monitor_commands;

	iow_sink_printf(out, "stats: %" PRIu64 " round trips (%" PRIu64 " packets), %" PRIu64 " bytes sent, %" PRIu64
			" bytes received, %" PRIu64 " reads (%" PRIu64 " from cache), ",
			now->round_trips - b->round_trips, now->packets - b->packets, now->bytes_sent - b->bytes_sent,
			now->bytes_received - b->bytes_received, now->reads - b->reads,
			now->cache_hits - b->cache_hits);
	/* QEMU's memory map: one monitor command, said only when sent */
	if (mon)
		iow_sink_printf(out, "%" PRIu64 " monitor command%s (%" PRIu64 " bytes of output), ", mon,
				mon == 1 ? "" : "s", now->monitor_bytes - b->monitor_bytes);
	iow_sink_printf(out, "%.1f ms\n", ms);
}
