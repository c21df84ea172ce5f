/* iomem-walk: the command-line front door.
 *
 * Parses the command line as the shared schema says (commands/cmdline.c:
 * where the kernel is, which vmlinux describes it, the subcommand and its
 * words), builds a session and runs the subcommand.  The exit status
 * follows EXIT_STATUS_RULE (commands/cmdline.c, which --help prints).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"
#include "commands/commands.h"
#include "debuginfo/discover.h"
#include "relay/relay.h"

/* EXIT_STATUS_RULE: 1 is check's verdict alone. */
enum { EXIT_VERDICT = 1, EXIT_ERROR = 2 };

/* The running kernel, read when nothing else is named (iow_kcore_open). */
#define LIVE_KCORE "/proc/kcore"

static void usage(FILE *f)
{
	struct iow_sink out;

	iow_sink_init_file(&out, f);
	iow_usage(IOW_FRONT_CLI, NULL, &out);
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
struct relay_args {
	int fd, stub_fd, ack;
	const char *stub;
};

static const char *const yes_no[] = { "no", "yes", NULL };

static const struct iow_opt relay_opts[] = {
	{ .name = "fd", .kind = IOW_OPT_INT, .at = offsetof(struct relay_args, fd), .arg = "N",
	  .help = "GDB's side of the connection" },
	{ .name = "stub-fd", .kind = IOW_OPT_INT, .at = offsetof(struct relay_args, stub_fd), .arg = "M",
	  .help = "the stub's side" },
	{ .name = "ack", .kind = IOW_OPT_CHOICE, .at = offsetof(struct relay_args, ack), .arg = "yes|no",
	  .choices = yes_no, .help = "whether the connection is in ack mode now" },
	{ .name = "HOST:PORT", .kind = IOW_OPT_STRING, .flags = IOW_OPT_POSITIONAL,
	  .at = offsetof(struct relay_args, stub), .help = "the stub to dial, GDB on stdin and stdout" },
	{ .name = NULL },
};

static int run_relay(int argc, char **argv, const char *vmlinux, int timeout_ms)
{
	static const char use[] = "usage: iomem-walk relay HOST:PORT | --fd N --stub-fd M [--ack yes|no]";
	struct iow_relay_opts o = { .gdb_in = -1, .gdb_out = -1, .stub_fd = -1, .ack_mode = true,
				    .vmlinux = vmlinux, .timeout_ms = timeout_ms, .stop_fd = -1 };
	struct relay_args a = { .fd = -1, .stub_fd = -1, .ack = 1 };
	struct iow_error *err;
	int used;

	if ((err = iow_opts_parse("relay", relay_opts, 0, argc - 1, argv + 1, &a, &used)))
		return fail(err);
	if (a.stub ? a.fd >= 0 || a.stub_fd >= 0 : a.fd < 0 || a.stub_fd < 0) {
		fprintf(stderr, "%s\n", use);
		return EXIT_ERROR;
	}
	if (a.stub) {
		if ((err = iow_gdbstub_dial(a.stub, timeout_ms, &a.stub_fd)))
			return fail(err);
		o.gdb_in = STDIN_FILENO;
		o.gdb_out = STDOUT_FILENO;
	} else {
		o.gdb_in = o.gdb_out = a.fd;
	}
	o.stub_fd = a.stub_fd;
	o.ack_mode = a.ack;
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

int main(int argc, char **argv)
{
	static const char *const own[] = { "relay", NULL };
	struct iow_session s = { 0 };
	struct iow_gdbstub_opts gopts = { .allow_phys = true };
	struct iow_cmdline c;
	struct iow_error *err;
	struct iow_sink out;
	struct iow_cli_progress bar;
	double t0 = now();
	int rc = 0;

	if ((err = iow_cmdline_parse(IOW_FRONT_CLI, argc, argv, own, &c)))
		return fail(err);
	if (c.g.version) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	if (c.help) {
		iow_sink_init_file(&out, stdout);
		iow_usage(IOW_FRONT_CLI, c.cmd, &out);
		return 0;
	}
	if (c.own) /* relay */
		return run_relay(c.own_argc, c.own_argv, c.g.vmlinux, c.g.timeout_ms);
	if (!!c.g.target + !!c.g.core + c.g.live > 1) {
		fprintf(stderr, "iomem-walk: give one of --target, --core and --live\n");
		return EXIT_ERROR;
	}
	/* Nothing named: the running kernel, where it can be read at all
	 * (whether it may be read, the open says, in one line). */
	if (!c.g.target && !c.g.core && !c.g.live && access(LIVE_KCORE, F_OK) == 0)
		c.g.live = true;
	if (!c.g.target && !c.g.core && !c.g.live) {
		/* No subcommand and nothing to read: the annotated tree of
		 * what?  The usage. */
		if (!c.named)
			usage(stderr);
		else
			fprintf(stderr, "iomem-walk: give --target, --core or --live (%s is not there)\n",
				LIVE_KCORE);
		return EXIT_ERROR;
	}
	gopts.timeout_ms = c.g.timeout_ms;
	if (c.g.vmlinux && (err = iow_debuginfo_open(c.g.vmlinux, &s.dbg)))
		return fail(err);
	if (c.g.live)
		err = iow_kcore_open(NULL, &s.target);
	else
		err = c.g.target ? iow_gdbstub_connect(c.g.target, &gopts, &s.target) :
				   iow_core_open(c.g.core, &s.target);
	if (err) {
		iow_session_fini(&s);
		return fail(err);
	}
	/* Run from GDB (`gdb vmlinux /proc/kcore`, then `!iomem-walk`): the
	 * vmlinux GDB has open is a candidate, as for the relay. */
	if (!s.dbg)
		s.gdb_pid = iow_find_gdb_pid();
	s.progress = iow_cli_progress_init(&bar, STDERR_FILENO);
	s.progress_ctx = &bar;
	err = c.cmd->needs_kernel ? iow_session_open_kernel(&s, NULL) : NULL;
	iow_cli_progress_end(&bar);
	if (err)
		goto out_err;
	iow_sink_init_file(&out, stdout);
	s.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
		  !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0);
	err = iow_command_exec(&s, c.cmd, &c.args, &out);
	if (err)
		goto out_err;
	fflush(stdout);
	if (s.findings) /* only check sets it */
		rc = EXIT_VERDICT;
	goto out;
out_err:
	rc = fail(err);
out:
	if (c.g.stats && s.target) {
		struct iow_sink errout;

		iow_sink_init_file(&errout, stderr);
		iow_stats_print(s.target, NULL, (now() - t0) * 1e3, &errout);
	}
	iow_session_fini(&s);
	return rc;
}
