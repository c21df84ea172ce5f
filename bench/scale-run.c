/* scale-run: one run of the scale benchmark (bench/scale.sh).  Starts the
 * kscale fixture at the given size under gdbserver, opens it as a flat
 * kernel (src/kernel/flat.h) and runs one subcommand through the same
 * command table as the CLI and GDB, with the production walkers, models
 * and renderers.  Not a test: prints one line,
 *
 *   scale cmd=proc-vmallocinfo areas=N resources=M depth=D tables=T
 *         open_ms=... wall_ms=... cpu_ms=... rt=... bytes=... reads=...
 *         cache_hits=... out_bytes=... base_kb=... maxrss_kb=... status=ok
 *
 * wall_ms, cpu_ms (this process's user + system time, which the stub's
 * and other jobs' load disturb less), rt (round trips), bytes (on the
 * wire, both ways) and reads are the subcommand's alone; base_kb is the peak RSS before it (the session
 * open) and maxrss_kb the peak RSS after it (getrusage ru_maxrss).
 *
 * Usage: scale-run [--out FILE] [--timeout MS] FIXTURE AREAS RESOURCES DEPTH SUBCOMMAND [ARGS...]
 *   --out FILE: where the subcommand's output goes (default /dev/null)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../tests/tools/kscale-harness.h"

static struct kscale ks;

static void cleanup(void)
{
	kscale_stop(&ks);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static long maxrss_kb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

struct counted {
	FILE *f;
	uint64_t n;
};

static bool counted_write(void *ctx, const char *s, size_t n)
{
	struct counted *c = ctx;

	c->n += n;
	return fwrite(s, 1, n, c->f) == n;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || end == s) {
		fprintf(stderr, "scale-run: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *out_path = "/dev/null", *why;
	struct iow_session s;
	struct iow_error *err;
	const struct iow_command *cmd;
	struct counted c = { NULL, 0 };
	struct iow_sink sink = { .write = counted_write, .ctx = &c };
	struct iow_target_stats before, after;
	unsigned long areas, resources, depth;
	char name[128] = "";
	double t0, t1, t2, c1, c2;
	long base;
	int i = 1, timeout_ms = 60000;

	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			break;
		if (!strcmp(argv[i], "--out"))
			out_path = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout"))
			timeout_ms = (int)num(argv[i + 1]);
		else
			break;
	}
	if (argc - i < 5) {
		fprintf(stderr, "usage: scale-run [--out FILE] [--timeout MS] FIXTURE AREAS RESOURCES DEPTH "
				"SUBCOMMAND [ARGS...]\n");
		return 2;
	}
	areas = num(argv[i + 1]);
	resources = num(argv[i + 2]);
	depth = num(argv[i + 3]);
	cmd = iow_command_find(argv[i + 4]);
	if (!cmd) {
		fprintf(stderr, "scale-run: no subcommand %s\n", argv[i + 4]);
		return 2;
	}
	for (int k = i + 4; k < argc; k++)
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s", k > i + 4 ? "-" : "",
			 argv[k][0] == '-' && argv[k][1] == '-' ? argv[k] + 2 : argv[k]);
	c.f = fopen(out_path, "w");
	if (!c.f) {
		perror(out_path);
		return 2;
	}
	atexit(cleanup);
	why = kscale_start(&ks, argv[i], areas, resources, depth);
	if (why) {
		fprintf(stderr, "scale-run: %s\n", why);
		return 2;
	}
	t0 = now_ms();
	if ((err = kscale_open(&ks, &s, timeout_ms))) {
		fprintf(stderr, "scale-run: %s\n", err->message);
		return 2;
	}
	t1 = now_ms();
	before = *iow_target_stats(s.target);
	base = maxrss_kb();
	c1 = cpu_ms();
	err = iow_command_run(&s, argc - i - 4, argv + i + 4, &sink);
	fflush(c.f);
	t2 = now_ms();
	c2 = cpu_ms();
	after = *iow_target_stats(s.target);
	printf("scale cmd=%s areas=%" PRIu64 " resources=%" PRIu64 " depth=%lu tables=%" PRIu64
	       " open_ms=%.1f wall_ms=%.1f cpu_ms=%.1f rt=%" PRIu64 " bytes=%" PRIu64 " reads=%" PRIu64
	       " cache_hits=%" PRIu64 " out_bytes=%" PRIu64 " base_kb=%ld maxrss_kb=%ld status=%s\n",
	       name, ks.areas, ks.resources, depth, ks.tables, t1 - t0, t2 - t1, c2 - c1,
	       after.round_trips - before.round_trips,
	       after.bytes_sent + after.bytes_received - before.bytes_sent - before.bytes_received,
	       after.reads - before.reads, after.cache_hits - before.cache_hits, c.n, base, maxrss_kb(),
	       err ? "error" : "ok");
	if (err)
		fprintf(stderr, "scale-run: %s: %s\n", name, err->message);
	iow_error_destroy(err);
	iow_session_fini(&s);
	fclose(c.f);
	return err ? 1 : 0;
}
