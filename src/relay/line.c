/* relay/line: a `monitor iomem-walk ...` line, split into words and
 * parsed, with no I/O (see internal.h): the words as GDB's user typed
 * them, then the command line both front doors take (commands.h), or the
 * relay's own gdb-view.  fuzz/monitor-line.c drives it alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "relay/internal.h"

bool iow_relay_command_line(const struct iow_rsp_event *ev, char *line, size_t size)
{
	size_t n;

	if (!size || !iow_rsp_hex_decode(ev->payload + 6, ev->payload_len - 6, (uint8_t *)line,
					 size - 1, &n))
		return false;
	line[n] = 0;
	return true;
}

int iow_relay_split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	while (*p) {
		char q = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || argc == max)
			break;
		argv[argc++] = p;
		for (char *o = p; ; p++) {
			if (!*p) {
				*o = 0;
				break;
			}
			if (q ? *p == q : (*p == '"' || *p == '\'')) {
				q = q ? 0 : *p;
				continue;
			}
			if (!q && (*p == ' ' || *p == '\t')) {
				*o = 0;
				p++;
				break;
			}
			if (*p == '\\' && p[1])
				p++;
			*o++ = *p;
		}
	}
	return argc;
}

static const struct iow_opt gdb_view_opts[] = {
	{ .name = "quiet", .kind = IOW_OPT_FLAG, .at = offsetof(struct iow_relay_line, quiet),
	  .help = "say nothing unless the connection fails" },
	{ .name = "ADDR", .kind = IOW_OPT_ADDR, .flags = IOW_OPT_POSITIONAL, .at = offsetof(struct iow_relay_line, text),
	  .help = "GDB's &_text, to check GDB's symbols against the kernel's KASLR offset" },
	{ .name = NULL },
};

struct iow_error *iow_relay_parse_line(char *line, struct iow_relay_line *l)
{
	static const char *const own[] = { "gdb-view", NULL };
	struct iow_error *err;
	int used;

	memset(l, 0, sizeof(*l));
	l->argc = iow_relay_split_words(line, l->argv, IOW_RELAY_MAX_ARGS);
	if ((err = iow_cmdline_parse(IOW_FRONT_GDB, l->argc, l->argv, own, &l->c)) || !l->c.own)
		return err;
	l->gdb_view = true;
	return iow_opts_parse("gdb-view", gdb_view_opts, 0, l->c.own_argc - 1, l->c.own_argv + 1, l, &used);
}
