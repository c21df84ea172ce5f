/* Fuzz target: a `monitor iomem-walk ...` line, from the qRcmd packet to
 * the subcommand's own option parsing, with no machine behind it.
 *
 * Input: the text GDB would send (`monitor LINE` sends LINE), any bytes.
 * It is hex-encoded into a qRcmd packet as GDB does and goes the relay's
 * way: iow_relay_is_ours(), iow_relay_command_line(), then
 * iow_relay_parse_line(), which parses the global options, the subcommand
 * and its words against their schemas (src/commands/options.c), as both
 * front doors do, with no target or kernel behind it; a line that asks
 * for help has its usage written from the schemas.  A line that is not
 * ours is also tried with "iomem-walk " in front, so that mutations that
 * break the first word still reach the parsers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "commands/commands.h"
#include "fuzz.h"
#include "relay/internal.h"

static bool sink_write(void *ctx, const char *s, size_t n)
{
	size_t *total = ctx;

	FUZZ_CHECK(s || !n);
	*total += n;
	return true;
}

static bool in_line(const char *p, const char *start, const char *end)
{
	return p >= start && p < end;
}

/* LINE's words, as the relay parses them. */
static void check_parse(char *line, size_t len)
{
	char *start = line, *end = line + len + 1;
	struct iow_relay_line l;
	size_t written = 0;
	struct iow_sink out = { .write = sink_write, .ctx = &written };
	struct iow_error *err = iow_relay_parse_line(line, &l);
	const struct iow_cmd_args *a = &l.c.args;
	int i;

	FUZZ_CHECK(l.argc >= 0 && l.argc <= IOW_RELAY_MAX_ARGS);
	/* Words, and the values taken from them, point into the line. */
	for (i = 0; i < l.argc; i++)
		FUZZ_CHECK(in_line(l.argv[i], start, end));
	FUZZ_CHECK(!l.c.g.vmlinux || in_line(l.c.g.vmlinux, start, end));
	/* Options GDB does not take were refused, not taken. */
	FUZZ_CHECK(!l.c.g.target && !l.c.g.core && !l.c.g.version);
	if (err) {
		FUZZ_CHECK(err->code == IOW_ERR_INVALID && err->message[0]);
		iow_error_destroy(err);
		return;
	}
	if (l.c.help) {
		/* help [SUBCOMMAND], --help, SUBCOMMAND --help: the usage,
		 * from the schemas */
		FUZZ_CHECK(!l.gdb_view);
		iow_usage(IOW_FRONT_GDB, l.c.cmd, &out);
		FUZZ_CHECK(written > 0 && !out.failed);
		return;
	}
	if (l.gdb_view) {
		FUZZ_CHECK(l.c.own && !strcmp(l.c.own, "gdb-view") && !l.c.cmd);
		return;
	}
	FUZZ_CHECK(l.c.cmd && l.c.cmd->run && !l.c.own);
	FUZZ_CHECK(l.c.named || !strcmp(l.c.cmd->name, "tree"));
	/* Each value where its subcommand's schema puts it, and only there. */
	FUZZ_CHECK(!a->help && a->depth >= -1 && (a->ioports == 0 || a->ioports == 1));
	FUZZ_CHECK(!a->expect || (in_line(a->expect, start, end) && !strcmp(l.c.cmd->name, "check")));
	FUZZ_CHECK(!a->addr.given || !strcmp(l.c.cmd->name, "tree") || !strcmp(l.c.cmd->name, "pte"));
	FUZZ_CHECK(strcmp(l.c.cmd->name, "pte") || a->addr.given);
	FUZZ_CHECK(a->file >= IOW_PROC_IOMEM && a->file <= IOW_PROC_PAT_MEMTYPE_LIST);
	FUZZ_CHECK(!l.c.g.json || a->json);
	/* Only words were looked at. */
	FUZZ_CHECK(!written);
}

/* The packet GDB sends for `monitor TEXT`, through the relay's checks. */
static bool try_line(const uint8_t *text, size_t len)
{
	struct iow_rsp_event ev = { .type = IOW_RSP_EV_PACKET, .checksum_ok = true };
	char line[IOW_RELAY_LINE_MAX];
	struct iow_buf pl;
	bool ours;

	iow_buf_init(&pl);
	FUZZ_CHECK(!iow_buf_append(&pl, "qRcmd,", 6));
	FUZZ_CHECK(!iow_rsp_hex_encode(&pl, text, len));
	ev.payload = pl.data;
	ev.payload_len = pl.len;
	ours = iow_relay_is_ours(&ev);
	FUZZ_CHECK(ours == (len >= strlen(IOW_RELAY_WORD) &&
			    !memcmp(text, IOW_RELAY_WORD, strlen(IOW_RELAY_WORD)) &&
			    (len == strlen(IOW_RELAY_WORD) || text[strlen(IOW_RELAY_WORD)] == ' ' ||
			     text[strlen(IOW_RELAY_WORD)] == '\t')));
	if (ours && iow_relay_command_line(&ev, line, sizeof(line))) {
		FUZZ_CHECK(len < sizeof(line) && !memcmp(line, text, len) && !line[len]);
		check_parse(line, strnlen(line, len));
	} else if (ours) {
		FUZZ_CHECK(len >= sizeof(line));
	}
	iow_buf_fini(&pl);
	return ours;
}

/* The word splitter alone, with a small word limit. */
static void check_split(const uint8_t *text, size_t len)
{
	char *line = malloc(len + 1), *argv[8];
	int max = (int)(len % 8), n, i;

	FUZZ_CHECK(line);
	memcpy(line, text, len);
	line[len] = 0;
	n = iow_relay_split_words(line, argv, max);
	FUZZ_CHECK(n >= 0 && n <= max);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(argv[i] >= line && argv[i] <= line + len && strlen(argv[i]) <= len);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = IOW_RELAY_WORD " ";
	uint8_t *with;

	check_split(data, size);
	if (try_line(data, size))
		return 0;
	with = malloc(sizeof(prefix) - 1 + size);
	FUZZ_CHECK(with);
	memcpy(with, prefix, sizeof(prefix) - 1);
	memcpy(with + sizeof(prefix) - 1, data, size);
	FUZZ_CHECK(try_line(with, sizeof(prefix) - 1 + size));
	free(with);
	return 0;
}
