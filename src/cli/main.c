/* iomem-walk: the command-line front door.
 *
 * Parses the global options (where the kernel is and which vmlinux
 * describes it), builds a session and hands the subcommand to the shared
 * command table.  Exit status: 0 success, 1 findings (check), 2 usage,
 * connection or data errors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands/commands.h"

enum { EXIT_FINDINGS = 1, EXIT_ERROR = 2 };

static void usage(FILE *f)
{
	const struct iow_command *c;

	fputs("Usage: iomem-walk [--target HOST:PORT|SOCKET | --core FILE] [--vmlinux FILE]\n"
	      "                  [--stats] [--json] SUBCOMMAND [ARGS...]\n"
	      "\n"
	      "Show how a stopped Linux kernel has laid out device memory.\n"
	      "\n"
	      "Options:\n"
	      "  -t, --target ADDR   read a guest through its gdbstub: HOST:PORT or a unix socket\n"
	      "  -c, --core FILE     read an ELF dump (QEMU dump-guest-memory, kdump vmcore)\n"
	      "  -k, --vmlinux FILE  the debug vmlinux of the running kernel (default: $IOW_VMLINUX)\n"
	      "      --timeout MS    how long to wait for each reply of the stub (default 5000)\n"
	      "      --stats         report round trips, bytes and time on stderr\n"
	      "      --json          machine-readable output\n"
	      "  -h, --help          show this help\n"
	      "  -V, --version       show the version\n"
	      "\n"
	      "Subcommands:\n", f);
	for (c = iow_commands(); c->name; c++)
		fprintf(f, "  %-8s %-8s %s\n", c->name, c->args, c->help);
	fputs("\nExit status: 0 success, 1 findings, 2 usage or connection error.\n", f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_stats(const struct iow_target *t, double seconds)
{
	const struct iow_target_stats *st = iow_target_stats(t);

	fprintf(stderr,
		"stats: %" PRIu64 " round trips, %" PRIu64 " bytes sent, %" PRIu64
		" bytes received, %" PRIu64 " reads (%" PRIu64 " from cache), %.1f ms\n",
		st->round_trips, st->bytes_sent, st->bytes_received, st->reads, st->cache_hits,
		seconds * 1e3);
}

static int fail(struct iow_error *err)
{
	fprintf(stderr, "iomem-walk: %s\n", err->message[0] ? err->message : iow_error_code_name(err->code));
	iow_error_destroy(err);
	return EXIT_ERROR;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "core", required_argument, NULL, 'c' },
		{ "vmlinux", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "stats", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *target = NULL, *core = NULL, *vmlinux = getenv("IOW_VMLINUX");
	struct iow_gdbstub_opts gopts = { .timeout_ms = 5000, .allow_phys = true };
	struct iow_session s = { 0 };
	const struct iow_command *cmd;
	struct iow_error *err;
	struct iow_sink out;
	bool stats = false;
	double t0 = now();
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "+t:c:k:hV", opts, NULL)) != -1) {
		switch (c) {
		case 't': target = optarg; break;
		case 'c': core = optarg; break;
		case 'k': vmlinux = optarg; break;
		case 'T': gopts.timeout_ms = atoi(optarg); break;
		case 'S': stats = true; break;
		case 'J': s.json = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION); return 0;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	cmd = iow_command_find(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "iomem-walk: unknown subcommand '%s' (see --help)\n", argv[optind]);
		return EXIT_ERROR;
	}
	if (!!target == !!core) {
		fprintf(stderr, "iomem-walk: give exactly one of --target and --core\n");
		return EXIT_ERROR;
	}
	if (gopts.timeout_ms <= 0) {
		fprintf(stderr, "iomem-walk: --timeout needs a positive number of milliseconds\n");
		return EXIT_ERROR;
	}
	if (cmd->needs_kernel && !vmlinux) {
		fprintf(stderr, "iomem-walk: no vmlinux: give --vmlinux FILE (or set IOW_VMLINUX)\n");
		return EXIT_ERROR;
	}
	if (vmlinux && (err = iow_debuginfo_open(vmlinux, &s.dbg)))
		return fail(err);
	err = target ? iow_gdbstub_connect(target, &gopts, &s.target) : iow_core_open(core, &s.target);
	if (err) {
		iow_session_fini(&s);
		return fail(err);
	}
	if (cmd->needs_kernel && (err = iow_session_open_kernel(&s, NULL)))
		goto out_err;
	iow_sink_init_file(&out, stdout);
	s.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
		  !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0);
	err = cmd->run(&s, argc - optind, argv + optind, &out);
	if (err)
		goto out_err;
	fflush(stdout);
	goto out;
out_err:
	rc = fail(err);
out:
	if (stats && s.target)
		print_stats(s.target, now() - t0);
	iow_session_fini(&s);
	return rc;
}
