/* commands/live: a subcommand on a live target runs again when its walk
 * met inconsistent data, from fresh reads, and its findings are shown only
 * once two runs agree; at most IOW_LIVE_ATTEMPTS runs, then the last run's
 * output and an error saying it is incomplete.  A scripted subcommand on a
 * target of memory that says it is live (or not).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "commands/commands.h"
#include "tap.h"
#include "util/buf.h"

struct fake {
	struct iow_target t;
	bool live;
	int backend_reads;
};

static struct fake *to_fake(struct iow_target *t)
{
	return (struct fake *)(void *)t;
}

static struct iow_error *fake_read(struct iow_target *t, enum iow_space space, uint64_t addr,
				   void *buf, size_t len)
{
	(void)space, (void)addr;
	to_fake(t)->backend_reads++;
	memset(buf, 0, len);
	return NULL;
}

static bool fake_live(struct iow_target *t)
{
	return to_fake(t)->live;
}

static void fake_destroy(struct iow_target *t)
{
	(void)t;
}

static const struct iow_target_ops fake_ops = {
	.name = "fake", .read = fake_read, .live = fake_live, .destroy = fake_destroy,
};

/* What each run of the scripted subcommand prints and returns. */
struct step {
	const char *out;
	enum iow_error_code code; /* IOW_ERR_OK: success */
	int findings;
};
static const struct step *script;
static int runs;

static struct iow_error *scripted(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	const struct step *st = &script[runs++];
	uint64_t word;
	struct iow_error *err;

	(void)a;
	/* every run reads the same word: only a fresh cache asks the back end */
	if ((err = iow_target_read_u64(s->target, IOW_SPACE_VIRT, 0x1000, &word)))
		return err;
	iow_sink_puts(out, st->out);
	s->findings += (size_t)st->findings;
	return st->code == IOW_ERR_OK ? NULL : iow_error_create(st->code, "step %d: bad data", runs);
}

static bool buf_write(void *ctx, const char *p, size_t n)
{
	return iow_buf_append(ctx, p, n) == NULL;
}

struct result {
	struct iow_buf out;
	struct iow_error *err;
	size_t findings;
	int runs, backend_reads;
};

static void exec(bool live, bool confirm, const struct step *steps, struct result *r)
{
	static const struct iow_command cmd = { "scripted", "a script", NULL, true, scripted };
	struct fake f = { .live = live };
	struct iow_session s = { .target = &f.t };
	struct iow_sink sink = { .write = buf_write };
	struct iow_cmd_args a = { 0 };

	iow_target_init(&f.t, &fake_ops, 4096);
	iow_buf_init(&r->out);
	sink.ctx = &r->out;
	script = steps;
	runs = 0;
	r->err = iow_command_exec_live(&s, &cmd, &a, confirm, &sink);
	r->findings = s.findings;
	r->runs = runs;
	r->backend_reads = f.backend_reads;
	iow_target_destroy(&f.t);
}

static void done(struct result *r)
{
	iow_buf_fini(&r->out);
	iow_error_destroy(r->err);
}

#define OK IOW_ERR_OK
#define DATA IOW_ERR_DATA

int main(void)
{
	struct result r;

	{
		static const struct step s[] = { { "partial\n", DATA, 0 } };

		exec(false, true, s, &r);
		tap_ok(r.runs == 1 && r.err && r.err->code == DATA, "a stopped target: one run, its error as it is");
		tap_is_str(iow_buf_str(&r.out), "partial\n", "... and its output as it came");
		done(&r);
	}
	{
		static const struct step s[] = { { "torn\n", DATA, 0 }, { "whole\n", OK, 0 } };

		exec(true, false, s, &r);
		tap_ok(r.runs == 2 && !r.err, "live: a walk that met inconsistent data runs again");
		tap_is_int(r.backend_reads, 2, "... from fresh reads (the cache was dropped)");
		tap_is_str(iow_buf_str(&r.out), "whole\n", "... and only the run that succeeded is shown");
		done(&r);
	}
	{
		static const struct step s[] = { { "a\n", DATA, 0 }, { "b\n", DATA, 0 }, { "c\n", DATA, 0 },
						 { "d\n", DATA, 0 }, { "never\n", OK, 0 } };

		exec(true, false, s, &r);
		tap_is_int(r.runs, IOW_LIVE_ATTEMPTS, "live: at most IOW_LIVE_ATTEMPTS runs");
		tap_is_str(iow_buf_str(&r.out), "d\n", "... then what the last one read");
		tap_ok(r.err && r.err->code == DATA && strstr(r.err->message, "incomplete") &&
		       strstr(r.err->message, "step 4: bad data"), "... and an error: incomplete, and why");
		done(&r);
	}
	{
		static const struct step s[] = { { "gone\n", IOW_ERR_IO, 0 }, { "never\n", OK, 0 } };

		exec(true, false, s, &r);
		tap_ok(r.runs == 1 && r.err && r.err->code == IOW_ERR_IO && r.out.len == 0,
		       "live: an error that is not the kernel's ends at once, nothing shown");
		done(&r);
	}
	{
		static const struct step s[] = { { "F\n", OK, 1 }, { "F\n", OK, 1 } };

		exec(true, true, s, &r);
		tap_ok(r.runs == 2 && !r.err, "live findings: shown once two runs agree");
		tap_is_str(iow_buf_str(&r.out), "F\n", "... once");
		tap_is_int(r.findings, 1, "... and counted once");
		done(&r);
	}
	{
		static const struct step s[] = { { "F1\n", OK, 1 }, { "F2\n", OK, 1 }, { "F2\n", OK, 1 } };

		exec(true, true, s, &r);
		tap_ok(r.runs == 3 && !r.err && strcmp(iow_buf_str(&r.out), "F2\n") == 0,
		       "live findings: a run that differs from the one before is not confirmed");
		done(&r);
	}
	{
		static const struct step s[] = { { "F\n", OK, 1 }, { "torn\n", DATA, 0 }, { "F\n", OK, 1 },
						 { "F\n", OK, 1 } };

		exec(true, true, s, &r);
		tap_ok(r.runs == 4 && !r.err && r.findings == 1,
		       "live findings: a failed run breaks the pair (only consecutive runs confirm)");
		done(&r);
	}
	{
		static const struct step s[] = { { "1\n", OK, 1 }, { "2\n", OK, 1 }, { "3\n", OK, 1 },
						 { "4\n", OK, 1 } };

		exec(true, true, s, &r);
		tap_is_str(iow_buf_str(&r.out), "4\n", "live findings never confirmed: the last run is shown");
		tap_ok(r.err && r.err->code == DATA && strstr(r.err->message, "not confirmed") && r.findings == 0,
		       "... with an error that says so, and no verdict");
		done(&r);
	}
	{
		static const struct step s[] = { { "F\n", OK, 1 }, { "F\n", OK, 1 } };

		exec(true, false, s, &r);
		tap_ok(r.runs == 1 && !r.err, "live, no findings: one run is enough");
		done(&r);
	}
	return tap_done();
}
