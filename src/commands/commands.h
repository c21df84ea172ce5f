/* commands: the one table of subcommands that both front doors share.
 *
 * The CLI (src/cli/) and the GDB relay parse their own way in, build a
 * session (a target, the vmlinux, the kernel found in it), then look the
 * subcommand up here and run it with the rest of the words.  Output goes
 * to a sink, as text or, with --json, as JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_COMMANDS_COMMANDS_H
#define IOW_COMMANDS_COMMANDS_H

#include <stdbool.h>
#include <sys/types.h>

#include "debuginfo/debuginfo.h"
#include "kernel/kernel.h"
#include "target/target.h"
#include "util/error.h"
#include "util/sink.h"

struct iow_session {
	struct iow_target *target;
	struct iow_debuginfo *dbg; /* the vmlinux, if given; else found when the kernel is opened */
	struct iow_kernel *kernel; /* NULL until opened */
	pid_t gdb_pid;             /* a GDB whose open files may hold the vmlinux, or 0 */
	bool json;
	bool color; /* the output is a terminal that takes ANSI colours */
	/* Violations check reported: the CLI then exits 1.  Only check sets it:
	 * views that list findings (ioremap, tree) leave it 0 (src/cli/main.c,
	 * EXIT_STATUS_RULE). */
	size_t findings;
	/* Parse the words, report a usage error, and stop there: nothing is
	 * read, and target and kernel may be NULL.  For the fuzzers, which
	 * drive every command's parser with no machine behind it. */
	bool args_only;
};

/* Open the kernel of a session whose target is set: with its vmlinux if
 * given, else with the one that matches the running kernel's build ID (see
 * debuginfo/discover.h for where it looks). */
struct iow_error *iow_session_open_kernel(struct iow_session *s, const struct iow_kernel_opts *opts);
void iow_session_fini(struct iow_session *s);

struct iow_command {
	const char *name;
	const char *args;  /* "" or "ADDR" etc., for usage lines */
	const char *help;  /* one line */
	bool needs_kernel; /* the session's kernel must be open */
	struct iow_error *(*run)(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
};

/* NULL if there is no such command. */
const struct iow_command *iow_command_find(const char *name);
/* The table, ending with a zeroed entry. */
const struct iow_command *iow_commands(void);

/* The subcommands. */
struct iow_error *iow_cmd_tree(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
struct iow_error *iow_cmd_proc(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
struct iow_error *iow_cmd_ioremap(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
struct iow_error *iow_cmd_vmap(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
/* proc pat_memtype_list */
struct iow_error *iow_show_pat_list(struct iow_session *s, struct iow_sink *out);
struct iow_error *iow_cmd_check(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
struct iow_error *iow_cmd_snapshot(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
struct iow_error *iow_cmd_pte(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
struct iow_error *iow_cmd_info(struct iow_session *s, int argc, char **argv, struct iow_sink *out);

#endif
