/* iow-core-probe: a small command-line window onto an ELF core target, for
 * the guest test (tests/guest/target-core-qemu.sh) and for measuring.
 *
 *   iow-core-probe [--keep-going] FILE COMMAND [ARGS] [, COMMAND [ARGS]]...
 *
 * opens FILE once (iow_core_open) and runs each command in turn, stopping at
 * the first that fails unless --keep-going:
 *
 *   reg NAME                    a register, 0x%016x
 *   read virt|phys ADDR LEN     LEN bytes, in hex on one line
 *   string virt|phys ADDR [MAX] a NUL-terminated string
 *   vmcoreinfo                  the VMCOREINFO note's text
 *   vmcoreinfo KEY              the value of its line KEY=VALUE
 *   bench virt|phys ADDR LEN    reads LEN bytes in 1 MiB pieces through the
 *                               cache, from cold: time and speed
 *   stats                       the counters, one "name=value" a line
 *
 * Exit status: 0 all commands worked, 1 one failed (the error on stderr:
 * "iow-core-probe: COMMAND: CODE: MESSAGE"), 2 usage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "target/target.h"

static const char *prog = "iow-core-probe";

static __attribute__((noreturn)) void usage(const char *why)
{
	fprintf(stderr, "%s: %s\nusage: %s [--keep-going] FILE COMMAND [ARGS] "
		"[, COMMAND [ARGS]]...\n(see the comment at the top of iow-core-probe.c)\n",
		prog, why, prog);
	exit(2);
}

static uint64_t number(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		usage("bad number");
	return v;
}

static enum iow_space space_of(const char *s)
{
	if (!strcmp(s, "virt"))
		return IOW_SPACE_VIRT;
	if (!strcmp(s, "phys"))
		return IOW_SPACE_PHYS;
	usage("the space is virt or phys");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct iow_error *vmcoreinfo(struct iow_target *t, const char *key)
{
	const char *text = iow_target_vmcoreinfo(t), *p;
	size_t n = key ? strlen(key) : 0;

	if (!text)
		return iow_error_create(IOW_ERR_NOTFOUND, "the core has no VMCOREINFO note");
	if (!key) {
		fputs(text, stdout);
		return NULL;
	}
	for (p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n')) {
		if (!strncmp(p, key, n) && p[n] == '=') {
			printf("%.*s\n", (int)strcspn(p + n + 1, "\n"), p + n + 1);
			return NULL;
		}
	}
	return iow_error_create(IOW_ERR_NOTFOUND, "VMCOREINFO has no %s", key);
}

static struct iow_error *bench(struct iow_target *t, enum iow_space space, uint64_t addr,
			       uint64_t len)
{
	const size_t chunk = 1 << 20;
	struct iow_error *err = NULL;
	uint8_t *buf = malloc(chunk);
	uint64_t done;
	double t0, dt;
	size_t n;

	if (!buf)
		return &iow_error_nomem;
	iow_target_invalidate(t);
	t0 = now_s();
	for (done = 0; done < len && !err; done += n) {
		n = len - done < chunk ? (size_t)(len - done) : chunk;
		err = iow_target_read(t, space, addr + done, buf, n);
	}
	dt = now_s() - t0;
	if (!err)
		printf("%" PRIu64 " bytes in %.3f s: %.0f MiB/s, %" PRIu64 " round trips\n", len,
		       dt, (double)len / (1 << 20) / (dt > 0 ? dt : 1e-9),
		       iow_target_stats(t)->round_trips);
	free(buf);
	return err;
}

static void print_stats(const struct iow_target *t)
{
	const struct iow_target_stats *s = iow_target_stats(t);

	printf("round_trips=%" PRIu64 "\nbytes_sent=%" PRIu64 "\nbytes_received=%" PRIu64
	       "\nreads=%" PRIu64 "\ncache_hits=%" PRIu64 "\ncache_misses=%" PRIu64
	       "\nmem_bytes=%" PRIu64 "\n", s->round_trips, s->bytes_sent, s->bytes_received,
	       s->reads, s->cache_hits, s->cache_misses, s->mem_bytes);
}

/* Run the command ARGV[0..ARGC-1]. */
static struct iow_error *run(struct iow_target *t, int argc, char **argv)
{
	const char *cmd = argv[0];
	struct iow_error *err = NULL;
	uint8_t *buf;
	uint64_t v;
	size_t len, i;
	char *s;
	bool cut;

	if (!strcmp(cmd, "reg") && argc == 2) {
		err = iow_target_read_reg(t, argv[1], &v);
		if (!err)
			printf("0x%016" PRIx64 "\n", v);
	} else if (!strcmp(cmd, "read") && argc == 4) {
		len = number(argv[3]);
		buf = malloc(len ? len : 1);
		if (!buf)
			return &iow_error_nomem;
		err = iow_target_read(t, space_of(argv[1]), number(argv[2]), buf, len);
		for (i = 0; !err && i < len; i++)
			printf("%02x", buf[i]);
		if (!err)
			putchar('\n');
		free(buf);
	} else if (!strcmp(cmd, "string") && (argc == 3 || argc == 4)) {
		len = argc == 4 ? number(argv[3]) : 256;
		s = malloc(len ? len : 1);
		if (!s)
			return &iow_error_nomem;
		err = iow_target_read_string(t, space_of(argv[1]), number(argv[2]), s, len, &cut);
		if (!err)
			printf("%s%s\n", s, cut ? " [cut]" : "");
		free(s);
	} else if (!strcmp(cmd, "vmcoreinfo") && argc <= 2) {
		err = vmcoreinfo(t, argc == 2 ? argv[1] : NULL);
	} else if (!strcmp(cmd, "bench") && argc == 4) {
		err = bench(t, space_of(argv[1]), number(argv[2]), number(argv[3]));
	} else if (!strcmp(cmd, "stats") && argc == 1) {
		print_stats(t);
	} else {
		usage("unknown command or wrong number of arguments");
	}
	fflush(stdout);
	return err;
}

int main(int argc, char **argv)
{
	struct iow_target *t = NULL;
	struct iow_error *err;
	int i = 1, start, status = 0;
	bool keep_going = false;

	if (i < argc && !strcmp(argv[i], "--keep-going")) {
		keep_going = true;
		i++;
	}
	if (i + 1 >= argc)
		usage("a core file and a command are needed");
	err = iow_core_open(argv[i], &t);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", prog, iow_error_code_name(err->code), err->message);
		iow_error_destroy(err);
		return 1;
	}
	for (i++; i < argc && (keep_going || !status); i++) {
		start = i;
		while (i < argc && strcmp(argv[i], ","))
			i++;
		if (i == start)
			usage("an empty command");
		err = run(t, i - start, argv + start);
		if (err) {
			fprintf(stderr, "%s: %s: %s: %s\n", prog, argv[start],
				iow_error_code_name(err->code), err->message);
			iow_error_destroy(err);
			status = 1;
		}
	}
	iow_target_destroy(t);
	return status;
}
