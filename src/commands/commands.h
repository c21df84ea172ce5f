/* commands: the one table of subcommands that both front doors share, and
 * the command line they both take.
 *
 * The CLI (src/cli/) and the GDB relay parse a command line with
 * iow_cmdline_parse() (global options, then the subcommand and its words,
 * each against its schema: options.h), build a session (a target, the
 * vmlinux, the kernel found in it) and run the subcommand with what its
 * words said.  A subcommand reads the kernel (kernel/), joins and checks
 * in model/ and renders (render/) to a sink, as text or, with --json, as
 * JSON: it parses, calls and renders, nothing more.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_COMMANDS_COMMANDS_H
#define IOW_COMMANDS_COMMANDS_H

#include <stdbool.h>
#include <sys/types.h>

#include "commands/options.h"
#include "debuginfo/debuginfo.h"
#include "debuginfo/debuginfod.h"
#include "kernel/kernel.h"
#include "target/target.h"
#include "util/error.h"
#include "util/sink.h"

struct iow_session {
	struct iow_target *target;
	struct iow_debuginfo *dbg; /* the vmlinux, if given; else found when the kernel is opened */
	struct iow_kernel *kernel; /* NULL until opened */
	pid_t gdb_pid;             /* a GDB whose open files may hold the vmlinux, or 0 */
	/* How a download of the vmlinux (debuginfod) shows its progress
	 * (NULL: not at all). */
	iow_progress_fn *progress;
	void *progress_ctx;
	bool color; /* the output is a terminal that takes ANSI colours */
	/* Violations check reported: the CLI then exits 1.  Only check sets it:
	 * views that list findings (ioremap, tree) leave it 0 (commands/cmdline.c,
	 * EXIT_STATUS_RULE). */
	size_t findings;
};

/* Open the kernel of a session whose target is set: with its vmlinux if
 * given, else with the one that matches the running kernel's build ID (see
 * debuginfo/discover.h for where it looks). */
struct iow_error *iow_session_open_kernel(struct iow_session *s, const struct iow_kernel_opts *opts);
void iow_session_fini(struct iow_session *s);

/* --- the subcommands ------------------------------------------------------- */

/* What a subcommand's words said, as its schema (the table's opts)
 * parsed them: each subcommand reads the fields it declared. */
struct iow_cmd_args {
	bool help;                /* SUBCOMMAND --help: show its usage, run nothing */
	bool json;                /* --json, after the subcommand or before it */
	int ioports;              /* tree: 1 for --ioports, 0 for --iomem (the default) */
	int depth;                /* tree: --depth N; -1: every level */
	bool no_mappings;         /* tree: --no-mappings */
	bool no_qemu;             /* tree, check: --no-qemu */
	bool no_owners;           /* tree: --no-owners */
	struct iow_opt_addr addr; /* tree [ADDR], pte ADDR */
	int file;                 /* proc: which one, an enum iow_proc_file */
	const char *expect;       /* check --expect FILE */
};

enum iow_proc_file { IOW_PROC_IOMEM, IOW_PROC_IOPORTS, IOW_PROC_VMALLOCINFO, IOW_PROC_PAT_MEMTYPE_LIST };

struct iow_command {
	const char *name;
	const char *help;          /* one line */
	const struct iow_opt *opts; /* its options and arguments (options.h) */
	bool needs_kernel;         /* the session's kernel must be open */
	struct iow_error *(*run)(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
};

/* Runs of a subcommand on a live kernel, at most (commands/live.c). */
#define IOW_LIVE_ATTEMPTS 4

/* NULL if there is no such command. */
const struct iow_command *iow_command_find(const char *name);
/* The table, ending with a zeroed entry. */
const struct iow_command *iow_commands(void);
/* Parse the words of CMD (ARGV[0], its name, is not looked at) into A,
 * with the defaults for what they leave out.  IOW_ERR_INVALID, naming the
 * subcommand and, for a mistake of form, its usage. */
struct iow_error *iow_command_parse(const struct iow_command *cmd, int argc, char **argv, struct iow_cmd_args *a);
/* Look up ARGV[0], parse its words and run it on S: what a front door
 * does after its own options, for programs that drive the table (tests,
 * the scale benchmark). */
struct iow_error *iow_command_run(struct iow_session *s, int argc, char **argv, struct iow_sink *out);
/* Run CMD with A on S: as cmd->run, but on a live target (one that changes
 * while it is read, iow_target_is_live) a walk that met inconsistent data
 * runs again from fresh reads, and findings are shown once two runs
 * agree; at most IOW_LIVE_ATTEMPTS runs, then what the last one read and
 * an error that says the walk is incomplete (docs/RELIABILITY.md). */
struct iow_error *iow_command_exec(struct iow_session *s, const struct iow_command *cmd,
				   const struct iow_cmd_args *a, struct iow_sink *out);
/* The same, CONFIRM saying whether CMD's output is findings (for tests:
 * iow_command_exec knows which subcommands draw them). */
struct iow_error *iow_command_exec_live(struct iow_session *s, const struct iow_command *cmd,
					const struct iow_cmd_args *a, bool confirm, struct iow_sink *out);

/* The subcommands. */
struct iow_error *iow_cmd_tree(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
struct iow_error *iow_cmd_proc(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
struct iow_error *iow_cmd_ioremap(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
struct iow_error *iow_cmd_vmap(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
/* proc pat_memtype_list */
struct iow_error *iow_show_pat_list(struct iow_session *s, struct iow_sink *out);
struct iow_error *iow_cmd_check(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
struct iow_error *iow_cmd_snapshot(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
struct iow_error *iow_cmd_pte(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
struct iow_error *iow_cmd_info(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
struct iow_error *iow_cmd_mtree(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);
struct iow_error *iow_cmd_devices(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out);

/* --- the front doors' command line ----------------------------------------- */

enum iow_front { IOW_FRONT_CLI, IOW_FRONT_GDB };

/* The global options, before the subcommand (iow_global_opts says which
 * are valid in GDB). */
struct iow_global_args {
	const char *target, *core, *vmlinux;
	int timeout_ms;
	bool stats, json, help, version;
	bool live; /* --live: the running kernel, through /proc/kcore */
};
extern const struct iow_opt iow_global_opts[];

/* A command line, parsed: "[GLOBAL OPTIONS] [SUBCOMMAND [ARGS...]]". */
struct iow_cmdline {
	struct iow_global_args g;
	/* --help, -h, `help [SUBCOMMAND]` or `SUBCOMMAND --help`: show the
	 * usage (of CMD when it is set), run nothing. */
	bool help;
	/* One of the front door's own words (the CLI's relay, GDB's
	 * gdb-view), which it parses itself: the word and what follows. */
	const char *own;
	int own_argc;
	char **own_argv;
	bool named;                     /* a subcommand was named (else tree, the default) */
	const struct iow_command *cmd;
	struct iow_cmd_args args;       /* args.json also for --json before the subcommand */
};

/* Parse the ARGC words of ARGV (ARGV[0], the program or "iomem-walk", is
 * not looked at) as FRONT takes them; OWN_WORDS (NULL-terminated, or
 * NULL) are subcommands the front door parses itself.  IOW_ERR_INVALID,
 * with a message that says where to read the usage.  OUT's fields hold
 * what was read before an error (GDB keeps a --vmlinux given before a
 * mistake). */
struct iow_error *iow_cmdline_parse(enum iow_front front, int argc, char **argv, const char *const *own_words,
				    struct iow_cmdline *out);
/* The usage, as FRONT shows it for --help (CLI) or `iomem-walk help`
 * (GDB): with CMD, that subcommand's usage and options. */
void iow_usage(enum iow_front front, const struct iow_command *cmd, struct iow_sink *out);
/* The --stats line: what the target counted since SINCE (NULL: since it
 * was made), and MS milliseconds. */
void iow_stats_print(const struct iow_target *t, const struct iow_target_stats *since, double ms,
		     struct iow_sink *out);

#endif
