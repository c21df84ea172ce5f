/* live: a subcommand on a kernel that runs while it is read (a live
 * target: /proc/kcore).  docs/RELIABILITY.md, "A live kernel", says what
 * this promises.
 *
 * Nothing stops a running kernel: a list may move, an object be freed and
 * reused, between two reads of one walk.  The walkers already refuse what
 * makes no sense (a cycle, a pointer out of RAM, a parent that is not the
 * parent) with an error of the PARTIAL class, and then keep what they read
 * before; on a stopped guest that is corruption, on a live kernel most
 * often a change under the walk.  So here a subcommand runs into a buffer,
 * and:
 * - a walk that stopped on inconsistent data (IOW_ERR_DATA, IOW_ERR_FAULT)
 *   runs again, with the target's cache dropped (every read is then
 *   fresh: a stale line must not make the same mistake twice);
 * - a subcommand whose output is findings (tree, ioremap, check) is shown
 *   only once two runs in a row, each with a fresh cache, printed the
 *   same: a finding must not come of a torn read;
 * - at most IOW_LIVE_ATTEMPTS runs.  If none succeeded, or no two agreed,
 *   the last run's output is shown and the command fails, saying the walk
 *   is incomplete and why (exit status 2).
 * Every other error (the file, out of memory, Ctrl-C) ends at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "commands/commands.h"
#include "util/buf.h"

static bool buf_write(void *ctx, const char *s, size_t n)
{
	return iow_buf_append(ctx, s, n) == NULL;
}

/* Run CMD once into BUF, from a fresh cache. */
static struct iow_error *run_once(struct iow_session *s, const struct iow_command *cmd,
				  const struct iow_cmd_args *a, struct iow_buf *buf, size_t *findings)
{
	struct iow_sink sink = { .write = buf_write, .ctx = buf };
	size_t before = s->findings;
	struct iow_error *err;

	iow_buf_reset(buf);
	iow_target_invalidate(s->target);
	err = cmd->run(s, a, &sink);
	if (!err && sink.failed)
		err = &iow_error_nomem;
	*findings = s->findings - before;
	s->findings = before;
	return err;
}

/* The subcommands whose output is findings (model/mapping.c's, check's
 * violations). */
static bool draws_findings(const struct iow_command *cmd)
{
	return cmd->run == iow_cmd_tree || cmd->run == iow_cmd_ioremap || cmd->run == iow_cmd_check;
}

static bool same(const struct iow_buf *x, const struct iow_buf *y)
{
	return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

struct iow_error *iow_command_exec(struct iow_session *s, const struct iow_command *cmd,
				   const struct iow_cmd_args *a, struct iow_sink *out)
{
	return iow_command_exec_live(s, cmd, a, draws_findings(cmd), out);
}

struct iow_error *iow_command_exec_live(struct iow_session *s, const struct iow_command *cmd,
					const struct iow_cmd_args *a, bool confirm, struct iow_sink *out)
{
	struct iow_buf bufs[2];
	struct iow_error *err = NULL;
	size_t findings = 0, attempt, cur = 0, agreed = 0;
	bool have_prev = false;

	if (!s->target || !iow_target_is_live(s->target) || !cmd->needs_kernel)
		return cmd->run(s, a, out);
	iow_buf_init(&bufs[0]);
	iow_buf_init(&bufs[1]);
	for (attempt = 1; attempt <= IOW_LIVE_ATTEMPTS; attempt++) {
		iow_error_destroy(err);
		err = run_once(s, cmd, a, &bufs[cur], &findings);
		if (err && !iow_error_is_partial(err))
			break; /* the file, memory, Ctrl-C: not the kernel's doing */
		if (!err && (!confirm || (have_prev && same(&bufs[cur], &bufs[!cur])))) {
			agreed = attempt;
			break;
		}
		/* inconsistent, or not confirmed yet: read it all again */
		have_prev = !err;
		cur = have_prev ? !cur : cur;
	}
	if (!agreed && attempt > IOW_LIVE_ATTEMPTS) {
		/* what the last run read, and that it is incomplete */
		cur = err ? cur : !cur;
		err = err ? iow_error_wrap(err, "incomplete: the running kernel changed under the walk "
					   "(%d reads, each stopped on inconsistent data; shown is what the "
					   "last one read)", IOW_LIVE_ATTEMPTS)
			  : iow_error_create(IOW_ERR_DATA, "incomplete: the running kernel changed under "
					     "the walk (no two of %d reads agreed: what is shown, the last "
					     "one, is not confirmed)", IOW_LIVE_ATTEMPTS);
	}
	if (!err || iow_error_is_partial(err)) {
		if (!iow_sink_write(out, (const char *)bufs[cur].data, bufs[cur].len) && !err)
			err = iow_error_create(IOW_ERR_IO, "the output could not be written");
		s->findings += agreed ? findings : 0;
	}
	iow_buf_fini(&bufs[0]);
	iow_buf_fini(&bufs[1]);
	return err;
}
