/* iomem-walk: the command-line front door.
 *
 * Parses the global options (where the kernel is and which vmlinux
 * describes it), builds a session and hands the subcommand to the shared
 * command table.  The exit status follows EXIT_STATUS_RULE below.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands/commands.h"
#include "debuginfo/discover.h"
#include "relay/relay.h"

/* The exit status: one rule, stated here once; --help prints it, and the
 * README repeats it word for word (tests/unit/cli-exit-status.sh checks). */
#define EXIT_STATUS_RULE \
	"Exit status: 0 success; 1 the verdict of check (violations, or a layout other\n" \
	"than --expect's); 2 usage, connection or data errors.  Views that merely list\n" \
	"findings (ioremap, tree) exit 0.\n"
enum { EXIT_VERDICT = 1, EXIT_ERROR = 2 };

static void usage(FILE *f)
{
	const struct iow_command *c;

	fputs("Usage: iomem-walk [--target HOST:PORT|SOCKET | --core FILE] [--vmlinux FILE]\n"
	      "                  [--stats] [--json] [SUBCOMMAND [ARGS...]]   (default: tree)\n"
	      "\n"
	      "Show how a stopped Linux kernel has laid out device memory.\n"
	      "\n"
	      "Options:\n"
	      "  -t, --target ADDR   read a guest through its gdbstub: HOST:PORT or a unix socket\n"
	      "  -c, --core FILE     read an ELF dump (QEMU dump-guest-memory, kdump vmcore)\n"
	      "  -k, --vmlinux FILE  the debug vmlinux of the running kernel (default: the one\n"
	      "                      whose build ID matches: $IOW_VMLINUX, /usr/lib/debug/boot/...)\n"
	      "      --timeout MS    how long to wait for each reply of the stub (default 5000)\n"
	      "      --stats         report round trips, bytes and time on stderr\n"
	      "      --json          machine-readable output\n"
	      "  -h, --help          show this help\n"
	      "  -V, --version       show the version\n"
	      "\n"
	      "Subcommands:\n", f);
	for (c = iow_commands(); c->name; c++)
		fprintf(f, "  %-8s %-8s %s\n", c->name, c->args, c->help);
	fputs("\nIn GDB: target remote | iomem-walk relay HOST:PORT, then monitor iomem-walk ...\n"
	      "(or source iomem-walk.gdb and use load-plugin).\n"
	      "\nEnvironment: IOW_VMLINUX (a vmlinux to try first); IOW_INDEX_DIR (where the\n"
	      "answers worked out of a vmlinux are kept, by build ID; default\n"
	      "~/.cache/iomem-walk/index; off: nowhere).\n"
	      "\n" EXIT_STATUS_RULE, f);
}

static int fail(struct iow_error *err)
{
	fprintf(stderr, "iomem-walk: %s\n", iow_error_message(err));
	iow_error_destroy(err);
	return EXIT_ERROR;
}

static int stop_pipe[2] = { -1, -1 };

static void on_stop(int sig)
{
	int saved = errno;

	(void)sig;
	if (write(stop_pipe[1], "x", 1) < 0) {
		/* nothing to do: the relay stops when the pipe has a byte */
	}
	errno = saved;
}

/* iomem-walk relay HOST:PORT           GDB on stdin/stdout: target remote | iomem-walk relay ...
 * iomem-walk relay --fd N --stub-fd M [--ack yes|no]
 *                                      the plugin's relay, on descriptors it passed us;
 *                                      SIGTERM: finish at a packet boundary and exit */
static int run_relay(int argc, char **argv, const char *vmlinux, int timeout_ms)
{
	struct iow_relay_opts o = { .gdb_in = -1, .gdb_out = -1, .stub_fd = -1, .ack_mode = true,
				    .vmlinux = vmlinux, .timeout_ms = timeout_ms, .stop_fd = -1 };
	struct iow_error *err;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--fd") == 0 && i + 1 < argc) {
			o.gdb_in = o.gdb_out = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--stub-fd") == 0 && i + 1 < argc) {
			o.stub_fd = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--ack") == 0 && i + 1 < argc) {
			o.ack_mode = strcmp(argv[++i], "no") != 0;
		} else if (argv[i][0] != '-' && o.stub_fd < 0) {
			err = iow_gdbstub_dial(argv[i], timeout_ms, &o.stub_fd);
			if (err)
				return fail(err);
			o.gdb_in = STDIN_FILENO;
			o.gdb_out = STDOUT_FILENO;
		} else {
			fprintf(stderr, "usage: iomem-walk relay HOST:PORT | --fd N --stub-fd M [--ack yes|no]\n");
			return EXIT_ERROR;
		}
	}
	if (o.gdb_in < 0 || o.stub_fd < 0) {
		fprintf(stderr, "usage: iomem-walk relay HOST:PORT | --fd N --stub-fd M [--ack yes|no]\n");
		return EXIT_ERROR;
	}
	/* The relay's output is the protocol: nothing else may go to GDB. */
	signal(SIGPIPE, SIG_IGN);
	o.gdb_pid = o.gdb_in == STDIN_FILENO ? iow_find_gdb_pid() : getppid();
	if (pipe2(stop_pipe, O_CLOEXEC) == 0) {
		struct sigaction sa = { .sa_handler = on_stop };

		sigaction(SIGTERM, &sa, NULL);
		o.stop_fd = stop_pipe[0];
	}
	err = iow_relay_run(&o);
	return err ? fail(err) : 0;
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
		"stats: %" PRIu64 " round trips (%" PRIu64 " packets), %" PRIu64 " bytes sent, %" PRIu64
		" bytes received, %" PRIu64 " reads (%" PRIu64 " from cache), %.1f ms\n",
		st->round_trips, st->packets, st->bytes_sent, st->bytes_received, st->reads,
		st->cache_hits, seconds * 1e3);
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
	const char *target = NULL, *core = NULL, *vmlinux = NULL;
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
		/* No subcommand: the annotated tree, as in GDB. */
		static char *tree_argv[] = { (char *)"tree", NULL };

		if (!target && !core) {
			usage(stderr);
			return EXIT_ERROR;
		}
		argv = tree_argv;
		argc = 1;
		optind = 0;
	}
	if (strcmp(argv[optind], "relay") == 0)
		return run_relay(argc - optind, argv + optind, vmlinux, gopts.timeout_ms);
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
	if (s.findings) /* only check sets it */
		rc = EXIT_VERDICT;
	goto out;
out_err:
	rc = fail(err);
out:
	if (stats && s.target)
		print_stats(s.target, now() - t0);
	iow_session_fini(&s);
	return rc;
}
