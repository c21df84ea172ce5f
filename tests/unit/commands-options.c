/* commands/options and commands/cmdline: one schema, one parser.
 *
 * Every spelling the tests, the docs and the fuzz corpus use (tree
 * --depth N, --depth=N, -d N, ioports as a word, proc FILE, check --expect
 * FILE, pte ADDR, the global options of the CLI and of GDB) reads as it
 * always did; mistakes say what is wrong and, for a mistake of form, the
 * subcommand's usage; GDB refuses the CLI's own options; usage lines,
 * option help and the --stats line come out of the one place each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "commands/commands.h"
#include "model-fixture.h"
#include "relay/internal.h"
#include "tap.h"

#define MAX_WORDS 32

/* LINE (words split on blanks, as the relay splits them) as FRONT parses
 * it; the error's message, or NULL. */
static char line_buf[1024];
static char *words[MAX_WORDS];
static char message[1024];

static const char *parse(enum iow_front front, const char *line, struct iow_cmdline *c)
{
	static const char *const own_cli[] = { "relay", NULL }, *const own_gdb[] = { "gdb-view", NULL };
	struct iow_error *err;
	int n;

	snprintf(line_buf, sizeof(line_buf), "iomem-walk %s", line);
	n = iow_relay_split_words(line_buf, words, MAX_WORDS);
	err = iow_cmdline_parse(front, n, words, front == IOW_FRONT_CLI ? own_cli : own_gdb, c);
	if (!err)
		return NULL;
	snprintf(message, sizeof(message), "%s", err->message);
	iow_error_destroy(err);
	return message;
}

/* LINE parses for the CLI, and as a monitor line in GDB, the same way. */
static bool both(const char *line, struct iow_cmdline *c)
{
	struct iow_cmdline g;
	const char *e = parse(IOW_FRONT_GDB, line, &g);

	if (e) {
		printf("# GDB: %s: %s\n", line, e);
		return false;
	}
	if ((e = parse(IOW_FRONT_CLI, line, c))) {
		printf("# CLI: %s: %s\n", line, e);
		return false;
	}
	return g.cmd == c->cmd && memcmp(&g.args, &c->args, sizeof(g.args)) == 0;
}

static void check_tree(void)
{
	struct iow_cmdline c;

	tap_ok(both("tree", &c) && c.cmd == iow_command_find("tree") && c.named && !c.args.ioports &&
	       c.args.depth == -1 && !c.args.no_mappings && !c.args.json && !c.args.addr.given,
	       "tree: the defaults");
	tap_ok(both("", &c) && !c.named && c.cmd == iow_command_find("tree") && c.args.depth == -1,
	       "no subcommand: tree, with its defaults");
	tap_ok(both("tree --ioports --depth 1", &c) && c.args.ioports == 1 && c.args.depth == 1,
	       "tree --ioports --depth 1");
	tap_ok(both("tree ioports", &c) && c.args.ioports == 1, "tree ioports (the word)");
	tap_ok(both("tree --ioports iomem", &c) && c.args.ioports == 0, "tree --ioports iomem: the last one counts");
	tap_ok(both("tree --depth=3 0xfebf0000", &c) && c.args.depth == 3 && c.args.addr.given &&
	       c.args.addr.value == 0xfebf0000, "tree --depth=3 0xfebf0000");
	tap_ok(both("tree \"--depth\" '2' --iomem", &c) && c.args.depth == 2 && c.args.ioports == 0,
	       "tree \"--depth\" '2' --iomem (quoted words)");
	tap_ok(both("tree -d 0", &c) && c.args.depth == 0, "tree -d 0");
	tap_ok(both("tree -d7", &c) && c.args.depth == 7, "tree -d7");
	tap_ok(both("tree --dep 4", &c) && c.args.depth == 4, "tree --dep 4: an unambiguous prefix");
	tap_ok(both("--json tree --no-mappings", &c) && c.args.json && c.args.no_mappings,
	       "--json tree --no-mappings");
	tap_ok(both("tree --no-mappings --json", &c) && c.args.json && c.args.no_mappings,
	       "tree --no-mappings --json");
	tap_ok(both("tree 4096", &c) && c.args.addr.value == 4096, "an address in decimal");
	tap_ok(both("tree -- 0x10", &c) && c.args.addr.value == 0x10, "-- before an argument");
	tap_ok(both("tree 0xffffffffffffffff", &c) && c.args.addr.value == UINT64_MAX, "the last address");

	tap_is_str(parse(IOW_FRONT_CLI, "tree --bogus", &c),
		   "tree: unknown option --bogus (usage: tree [--iomem|--ioports] [--depth N] [--no-mappings] [--no-qemu] [--no-owners] "
		   "[--json] [ADDR])", "an unknown option: named, with the usage");
	tap_is_str(parse(IOW_FRONT_GDB, "tree --depth", &c),
		   "tree: --depth needs a number >= 0 (usage: tree [--iomem|--ioports] [--depth N] [--no-mappings] [--no-qemu] [--no-owners] "
		   "[--json] [ADDR])", "--depth with no number");
	tap_is_str(parse(IOW_FRONT_GDB, "tree --depth -1", &c), "tree: --depth needs a number >= 0, not '-1'",
		   "--depth -1");
	tap_is_str(parse(IOW_FRONT_GDB, "tree --depth=x", &c), "tree: --depth needs a number >= 0, not 'x'",
		   "--depth=x");
	tap_is_str(parse(IOW_FRONT_GDB, "tree --depth 99999999999", &c),
		   "tree: --depth needs a number >= 0, not '99999999999'", "a depth too large for an int");
	tap_is_str(parse(IOW_FRONT_GDB, "tree junk", &c), "tree: 'junk' is not an address", "tree junk");
	tap_is_str(parse(IOW_FRONT_GDB, "tree 18446744073709551616", &c),
		   "tree: '18446744073709551616' is not an address", "an address past 64 bits");
	tap_ok(both("pte -1", &c) && c.args.addr.value == UINT64_MAX, "pte -1: a negative address, modulo 2^64");
	tap_ok(both("pte -46982647250944", &c) && c.args.addr.value == 0xffffd54500000000ULL,
	       "pte -46982647250944: an address above 2^63 as bash's $((...)) prints it");
	tap_ok(parse(IOW_FRONT_GDB, "pte -0x", &c) && strstr(message, "pte: '-0x' is not an address"),
	       "a minus and no number");
	tap_ok(parse(IOW_FRONT_GDB, "pte -x1", &c) && strstr(message, "pte: unknown option -x"),
	       "a minus and a letter is an option");
	tap_ok(parse(IOW_FRONT_GDB, "tree 0x1 0x2", &c) && strstr(message, "tree: unexpected argument '0x2'"),
	       "two addresses");
	tap_ok(parse(IOW_FRONT_GDB, "tree --i", &c) && strstr(message, "tree: ambiguous option --i"),
	       "an ambiguous prefix");
	tap_ok(parse(IOW_FRONT_GDB, "tree --json=1", &c) && strstr(message, "tree: --json takes no value"),
	       "a flag given a value");
}

static void check_others(void)
{
	static const char *const files[] = { "iomem", "ioports", "vmallocinfo", "pat_memtype_list" };
	struct iow_cmdline c;
	char line[64];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "proc %s", files[i]);
		tap_ok(both(line, &c) && c.cmd == iow_command_find("proc") && c.args.file == i, "%s", line);
	}
	tap_is_str(parse(IOW_FRONT_GDB, "proc io\\ mem", &c),
		   "proc: unknown file 'io mem' (iomem, ioports, vmallocinfo, pat_memtype_list)", "proc: an unknown file");
	tap_is_str(parse(IOW_FRONT_GDB, "proc", &c),
		   "proc: FILE is missing (usage: proc iomem|ioports|vmallocinfo|pat_memtype_list)", "proc alone");
	tap_ok(both("check --expect layout.snap --json", &c) && c.args.expect && !strcmp(c.args.expect, "layout.snap") &&
	       c.args.json, "check --expect layout.snap --json");
	tap_ok(both("check --expect=a.snap", &c) && !strcmp(c.args.expect, "a.snap"), "check --expect=a.snap");
	tap_is_str(parse(IOW_FRONT_GDB, "check --expect", &c),
		   "check: --expect needs FILE (usage: check [--expect FILE] [--no-qemu] [--json])", "check --expect alone");
	tap_ok(both("pte 0xffffc90000123000", &c) && c.args.addr.value == 0xffffc90000123000ULL, "pte ADDR");
	tap_ok(both("--json pte 0x1000", &c) && c.args.json && c.args.addr.value == 0x1000, "--json pte ADDR");
	tap_is_str(parse(IOW_FRONT_GDB, "pte", &c), "pte: ADDR is missing (usage: pte [--json] ADDR)", "pte alone");
	tap_is_str(parse(IOW_FRONT_GDB, "pte\t0x1000 extra", &c),
		   "pte: unexpected argument 'extra' (usage: pte [--json] ADDR)", "pte with a word too many");
	tap_ok(both("ioremap --json", &c) && c.args.json, "ioremap --json");
	tap_ok(both("--json vmap", &c) && c.args.json, "--json vmap");
	tap_is_str(parse(IOW_FRONT_GDB, "vmap p r", &c), "vmap: unexpected argument 'p' (usage: vmap [--json])",
		   "vmap p r: the first word refused");
	tap_ok(both("info --json", &c) && c.args.json, "info --json");
	tap_is_str(parse(IOW_FRONT_GDB, "snapshot x", &c), "snapshot: unexpected argument 'x' (usage: snapshot)",
		   "snapshot takes no words");
	tap_ok(!parse(IOW_FRONT_GDB, "tree --help --bogus", &c) && c.help && c.cmd == iow_command_find("tree"),
	       "tree --help: help, whatever follows");
	tap_is_str(parse(IOW_FRONT_GDB, "no-such-command", &c), "unknown subcommand 'no-such-command' (iomem-walk help)",
		   "an unknown subcommand, in GDB");
	tap_is_str(parse(IOW_FRONT_CLI, "no-such-command", &c), "unknown subcommand 'no-such-command' (see --help)",
		   "... and in the CLI");
}

static void check_globals(void)
{
	struct iow_cmdline c;

	tap_ok(!parse(IOW_FRONT_CLI, "--target 127.0.0.1:1234 --vmlinux /v --stats --json tree", &c) &&
	       !strcmp(c.g.target, "127.0.0.1:1234") && !strcmp(c.g.vmlinux, "/v") && c.g.stats && c.g.json &&
	       c.args.json && c.g.timeout_ms == 5000, "CLI: --target --vmlinux --stats --json");
	tap_ok(!parse(IOW_FRONT_CLI, "-t h:1 -k /v -c core.elf info", &c) && !strcmp(c.g.target, "h:1") &&
	       !strcmp(c.g.vmlinux, "/v") && !strcmp(c.g.core, "core.elf") && c.cmd == iow_command_find("info"),
	       "CLI: -t -k -c");
	tap_ok(!parse(IOW_FRONT_CLI, "--target=h:1 -th:2 --timeout 1000 info", &c) && !strcmp(c.g.target, "h:2") &&
	       c.g.timeout_ms == 1000, "CLI: --target=, -tVALUE, --timeout");
	tap_is_str(parse(IOW_FRONT_CLI, "--timeout 0 info", &c), "--timeout needs a number >= 1, not '0' (see --help)",
		   "CLI: --timeout 0");
	tap_is_str(parse(IOW_FRONT_CLI, "--bogus", &c), "unknown option --bogus (see --help)", "CLI: unknown option");
	tap_is_str(parse(IOW_FRONT_CLI, "--target", &c), "--target needs ADDR (see --help)", "CLI: --target alone");
	tap_ok(!parse(IOW_FRONT_CLI, "--help --bogus", &c) && c.help && !c.cmd, "CLI: --help, whatever follows");
	tap_ok(!parse(IOW_FRONT_CLI, "-hV", &c) && c.help, "CLI: -hV, flags together");
	tap_ok(!parse(IOW_FRONT_CLI, "-V", &c) && c.g.version && !c.help, "CLI: -V");
	tap_ok(!parse(IOW_FRONT_CLI, "--timeout 100 relay --fd 3 --stub-fd 4", &c) && c.own &&
	       !strcmp(c.own, "relay") && c.own_argc == 5 && !strcmp(c.own_argv[4], "4") && c.g.timeout_ms == 100,
	       "CLI: relay is the CLI's own, with its words");
	tap_ok(parse(IOW_FRONT_GDB, "relay", &c) && strstr(message, "unknown subcommand 'relay'"),
	       "GDB: relay is no subcommand");

	tap_ok(!parse(IOW_FRONT_GDB, "--vmlinux /usr/lib/debug/boot/vmlinux-6.1.0-13-amd64 info", &c) &&
	       !strcmp(c.g.vmlinux, "/usr/lib/debug/boot/vmlinux-6.1.0-13-amd64"), "GDB: --vmlinux FILE info");
	tap_ok(!parse(IOW_FRONT_GDB, "--stats tree --no-mappings", &c) && c.g.stats && c.args.no_mappings,
	       "GDB: --stats tree --no-mappings");
	tap_is_str(parse(IOW_FRONT_GDB, "--target x info", &c),
		   "--target is for the command line, not GDB (iomem-walk help)", "GDB: --target refused, saying why");
	tap_is_str(parse(IOW_FRONT_GDB, "-t x info", &c), "--target is for the command line, not GDB (iomem-walk help)",
		   "GDB: -t too");
	tap_ok(parse(IOW_FRONT_GDB, "--vmlinux /v --bogus", &c) && c.g.vmlinux && !strcmp(c.g.vmlinux, "/v"),
	       "GDB: a --vmlinux before a mistake is kept");
	tap_ok(!parse(IOW_FRONT_GDB, "help", &c) && c.help && !c.cmd, "GDB: help");
	tap_ok(!parse(IOW_FRONT_GDB, "help check", &c) && c.help && c.cmd == iow_command_find("check"),
	       "GDB: help check");
	tap_ok(!parse(IOW_FRONT_GDB, "-h", &c) && c.help, "GDB: -h");
	tap_ok(!parse(IOW_FRONT_GDB, "gdb-view 0xffffffff9a000000", &c) && c.own && !strcmp(c.own, "gdb-view"),
	       "GDB: gdb-view is the relay's own");
}

static void check_relay_line(void)
{
	struct iow_relay_line l;
	struct iow_error *err;
	char line[128];

	strcpy(line, "iomem-walk gdb-view 0xffffffff9a000000");
	err = iow_relay_parse_line(line, &l);
	tap_ok(!err && l.gdb_view && !l.quiet && l.text.given && l.text.value == 0xffffffff9a000000ULL,
	       "relay: gdb-view ADDR");
	strcpy(line, "iomem-walk gdb-view --quiet");
	err = iow_relay_parse_line(line, &l);
	tap_ok(!err && l.gdb_view && l.quiet && !l.text.given, "relay: gdb-view --quiet");
	strcpy(line, "iomem-walk gdb-view a b");
	err = iow_relay_parse_line(line, &l);
	tap_ok(err && strstr(err->message, "gdb-view: "), "relay: gdb-view with a bad word");
	iow_error_destroy(err);
	strcpy(line, "iomem-walk --json tree --depth 2");
	err = iow_relay_parse_line(line, &l);
	tap_ok(!err && !l.gdb_view && l.c.cmd == iow_command_find("tree") && l.c.args.json && l.c.args.depth == 2,
	       "relay: a subcommand");
}

static void check_usage(void)
{
	static const char *const synopses[][2] = {
		{ "tree", "[--iomem|--ioports] [--depth N] [--no-mappings] [--no-qemu] [--no-owners] [--json] [ADDR]" },
		{ "proc", "iomem|ioports|vmallocinfo|pat_memtype_list" },
		{ "ioremap", "[--json]" },
		{ "vmap", "[--json]" },
		{ "check", "[--expect FILE] [--no-qemu] [--json]" },
		{ "mtree", "[--json]" },
		{ "snapshot", "" },
		{ "info", "[--json]" },
		{ "pte", "[--json] ADDR" },
	};
	struct iow_target t = { 0 };
	struct iow_target_stats since = { 0 };
	struct iow_buf b;
	struct iow_sink out;
	size_t i;

	iow_buf_init(&b);
	for (i = 0; i < sizeof(synopses) / sizeof(synopses[0]); i++) {
		iow_buf_reset(&b);
		tap_ok(!iow_opts_synopsis(iow_command_find(synopses[i][0])->opts, &b), "%s: a synopsis", synopses[i][0]);
		tap_is_str(iow_buf_str(&b), synopses[i][1], synopses[i][0]);
	}
	out = fx_sink(&b);
	iow_usage(IOW_FRONT_CLI, iow_command_find("tree"), &out);
	tap_ok(fx_same(iow_buf_str(&b),
		       "Usage: iomem-walk tree [--iomem|--ioports] [--depth N] [--no-mappings] [--no-qemu] [--no-owners] [--json] [ADDR]\n"
		       "\n"
		       "the annotated resource tree (--ioports, --depth N, --json).\n"
		       "\n"
		       "      --iomem         the iomem tree (the default; also as a word: tree iomem)\n"
		       "      --ioports       the ioport tree (also as a word: tree ioports)\n"
		       "  -d, --depth N       levels below the root to show (below ADDR's resource, with ADDR)\n"
		       "      --no-mappings   leave out who maps each resource\n"
		       "      --no-qemu       leave out QEMU's memory map (read from its monitor when the stub is QEMU's)\n"
		       "      --no-owners     leave out who owns each resource (the device, driver, firmware map...)\n"
		       "      --json          machine-readable output (docs/JSON.md)\n"
		       "  -h, --help          show this help\n"
		       "      ADDR            only the resources that contain ADDR, and the subtree of the innermost\n"),
	       "tree --help: usage line, what it does, each option and argument");
	out = fx_sink(&b);
	iow_usage(IOW_FRONT_GDB, NULL, &out);
	tap_ok(!strncmp(iow_buf_str(&b), "Usage: iomem-walk [--vmlinux FILE] [--stats] [--json] SUBCOMMAND [ARGS...]\n"
					 "Subcommands:\n  tree     [ADDR]   the annotated resource tree",
			strlen("Usage: iomem-walk [--vmlinux FILE] [--stats] [--json] SUBCOMMAND [ARGS...]\n"
			       "Subcommands:\n  tree     [ADDR]   the annotated resource tree")) &&
	       strstr(iow_buf_str(&b), "  -k, --vmlinux FILE  the debug vmlinux") && !strstr(iow_buf_str(&b), "--target"),
	       "GDB's help: the options GDB takes, the subcommands");
	out = fx_sink(&b);
	iow_usage(IOW_FRONT_CLI, NULL, &out);
	tap_ok(strstr(iow_buf_str(&b), "\n  -t, --target ADDR   read a guest through its gdbstub") &&
	       strstr(iow_buf_str(&b), "\n      --timeout MS    how long") &&
	       strstr(iow_buf_str(&b), "\n  pte      ADDR     the kernel page-table walk") &&
	       strstr(iow_buf_str(&b), "\nExit status: 0 success;"), "the CLI's help: every option, subcommand, exit status");

	t.stats = (struct iow_target_stats){ .round_trips = 12, .packets = 40, .bytes_sent = 1000, .bytes_received = 150000,
					     .reads = 300, .cache_hits = 250 };
	since = (struct iow_target_stats){ .round_trips = 2, .packets = 4, .bytes_sent = 100, .bytes_received = 5000,
					   .reads = 50, .cache_hits = 49 };
	out = fx_sink(&b);
	iow_stats_print(&t, &since, 12.34, &out);
	iow_stats_print(&t, NULL, 0.5, &out);
	tap_ok(fx_same(iow_buf_str(&b),
		       "stats: 10 round trips (36 packets), 900 bytes sent, 145000 bytes received, 250 reads (201 from cache), "
		       "12.3 ms\n"
		       "stats: 12 round trips (40 packets), 1000 bytes sent, 150000 bytes received, 300 reads (250 from cache), "
		       "0.5 ms\n"),
	       "the --stats line: since a point, and in all");
	/* QEMU's memory map: its one monitor command is said, only when sent. */
	t.stats.monitor_commands = 1;
	t.stats.monitor_bytes = 21780;
	out = fx_sink(&b);
	iow_stats_print(&t, &since, 1.0, &out);
	iow_stats_print(&t, &t.stats, 1.0, &out);
	tap_ok(fx_same(iow_buf_str(&b),
		       "stats: 10 round trips (36 packets), 900 bytes sent, 145000 bytes received, 250 reads (201 from cache), "
		       "1 monitor command (21780 bytes of output), 1.0 ms\n"
		       "stats: 0 round trips (0 packets), 0 bytes sent, 0 bytes received, 0 reads (0 from cache), 1.0 ms\n"),
	       "the --stats line: the monitor command, when one was sent");
	iow_buf_fini(&b);
}

int main(void)
{
	check_tree();
	check_others();
	check_globals();
	check_relay_line();
	check_usage();
	return tap_done();
}
