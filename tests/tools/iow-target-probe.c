/* iow-target-probe: a small command-line window onto the target layer, for
 * the guest tests (tests/guest/target-gdbstub-qemu.sh) and for measuring.
 *
 *   iow-target-probe [--timeout MS] [--phys] [--keep-going] STUB COMMAND [ARGS] [, COMMAND [ARGS]]...
 *
 * connects once to STUB (HOST:PORT or a unix socket) and runs each command
 * in turn on that connection, stopping at the first that fails unless
 * --keep-going:
 *
 *   info                        what the handshake found
 *   reg NAME                    a register, 0x%016x
 *   read virt|phys ADDR LEN     LEN bytes, in hex on one line
 *   string virt|phys ADDR [MAX] a NUL-terminated string
 *   monitor WORD...             a monitor command's output, as it came
 *   gva2gpa VADDR               the guest-physical address, by QEMU's monitor
 *   phys-roundtrip VADDR LEN    reads LEN bytes (within a page) virtually, then
 *                               physically at gva2gpa's answer, then virtually
 *                               again uncached; fails unless all three agree
 *   loop virt|phys ADDR LEN N   N uncached reads (until one fails)
 *   bench ADDR N                N uncached 8-byte reads, then N cached ones in
 *                               a row from ADDR: time and round trips of each
 *   invalidate                  drop the cache
 *   stats                       the counters, one "name=value" a line
 *
 * Exit status: 0 all commands worked, 1 one failed (the error on stderr:
 * "iow-target-probe: COMMAND: CODE: MESSAGE"), 2 usage.
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

static const char *prog = "iow-target-probe";

static __attribute__((noreturn)) void usage(const char *why)
{
	fprintf(stderr, "%s: %s\nusage: %s [--timeout MS] [--phys] [--keep-going] STUB COMMAND [ARGS] "
		"[, COMMAND [ARGS]]...\n(see the comment at the top of iow-target-probe.c)\n",
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

static void print_hex(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

static struct iow_error *gva2gpa(struct iow_target *t, uint64_t va, uint64_t *pa)
{
	struct iow_error *err;
	struct iow_buf out;
	char cmd[64];
	const char *s;

	iow_buf_init(&out);
	snprintf(cmd, sizeof(cmd), "gva2gpa 0x%" PRIx64, va);
	err = iow_target_monitor(t, cmd, &out);
	if (!err) {
		s = strstr(iow_buf_str(&out), "gpa: ");
		if (!s || sscanf(s + 5, "%" SCNx64, pa) != 1)
			err = iow_error_create(IOW_ERR_PROTOCOL, "gva2gpa 0x%" PRIx64 " said: %s", va,
					       iow_buf_str(&out));
	}
	iow_buf_fini(&out);
	return err;
}

static struct iow_error *phys_roundtrip(struct iow_target *t, uint64_t va, size_t len)
{
	uint8_t *a = malloc(len), *b = malloc(len), *c = malloc(len);
	const struct iow_target_stats *st = iow_target_stats(t);
	struct iow_error *err = NULL;
	uint64_t pa = 0, rt;

	if (!a || !b || !c)
		err = &iow_error_nomem;
	else if ((va & 4095) + len > 4096)
		err = iow_error_create(IOW_ERR_INVALID, "phys-roundtrip stays within one page");
	if (!err)
		err = gva2gpa(t, va, &pa);
	if (!err)
		err = iow_target_read(t, IOW_SPACE_VIRT, va, a, len);
	rt = st->round_trips;
	if (!err)
		err = iow_target_read(t, IOW_SPACE_PHYS, pa, b, len);
	if (!err)
		printf("physical read at 0x%" PRIx64 ": %" PRIu64 " round trips\n", pa,
		       st->round_trips - rt);
	iow_target_invalidate(t);
	if (!err)
		err = iow_target_read(t, IOW_SPACE_VIRT, va, c, len);
	if (!err && memcmp(a, b, len))
		err = iow_error_at(IOW_ERR_MISMATCH, pa, "the physical read at 0x%" PRIx64 " differs "
				   "from the virtual one at 0x%" PRIx64, pa, va);
	if (!err && memcmp(a, c, len))
		err = iow_error_at(IOW_ERR_MISMATCH, va, "a virtual read after the physical one "
				   "differs: the stub may still be in physical mode");
	if (!err)
		printf("virt 0x%" PRIx64 " == phys 0x%" PRIx64 " == virt again, %zu bytes\n", va,
		       pa, len);
	free(a);
	free(b);
	free(c);
	return err;
}

static struct iow_error *loop(struct iow_target *t, enum iow_space space, uint64_t addr,
			      size_t len, uint64_t n)
{
	uint8_t *buf = malloc(len ? len : 1);
	struct iow_error *err = NULL;
	uint64_t i;

	if (!buf)
		return &iow_error_nomem;
	for (i = 0; i < n && !err; i++) {
		iow_target_invalidate(t);
		err = iow_target_read(t, space, addr, buf, len);
	}
	if (err)
		err = iow_error_wrap(err, "read %" PRIu64 " of %" PRIu64, i, n);
	else
		printf("%" PRIu64 " reads of %zu bytes\n", n, len);
	free(buf);
	return err;
}

static struct iow_error *bench(struct iow_target *t, uint64_t addr, uint64_t n)
{
	const struct iow_target_stats *st = iow_target_stats(t);
	struct iow_error *err = NULL;
	uint64_t v, i, rt, sent, recvd;
	double t0, dt;

	rt = st->round_trips, sent = st->bytes_sent, recvd = st->bytes_received;
	t0 = now_s();
	for (i = 0; i < n && !err; i++) {
		iow_target_invalidate(t);
		err = iow_target_read_u64(t, IOW_SPACE_VIRT, addr, &v);
	}
	dt = now_s() - t0;
	if (err)
		return err;
	printf("uncached: %" PRIu64 " 8-byte reads in %.3f s (%.1f us each), %" PRIu64
	       " round trips, %" PRIu64 " bytes sent, %" PRIu64 " received\n",
	       n, dt, dt * 1e6 / (double)n, st->round_trips - rt, st->bytes_sent - sent,
	       st->bytes_received - recvd);
	iow_target_invalidate(t);
	rt = st->round_trips, sent = st->bytes_sent, recvd = st->bytes_received;
	t0 = now_s();
	for (i = 0; i < n && !err; i++)
		err = iow_target_read_u64(t, IOW_SPACE_VIRT, addr + 8 * i, &v);
	dt = now_s() - t0;
	if (err)
		return err;
	printf("cached: %" PRIu64 " 8-byte reads in a row in %.3f s, %" PRIu64 " round trips, %"
	       PRIu64 " bytes sent, %" PRIu64 " received (%zu bytes per read packet)\n", n, dt,
	       st->round_trips - rt, st->bytes_sent - sent, st->bytes_received - recvd,
	       t->max_read);
	return NULL;
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
	struct iow_gdbstub_info info;
	struct iow_error *err = NULL;
	struct iow_buf out;
	uint8_t *buf;
	uint64_t v;
	size_t len;
	char *s;
	bool cut;
	int i;

	if (!strcmp(cmd, "info") && argc == 1) {
		if (!iow_gdbstub_info(t, &info))
			return iow_error_create(IOW_ERR_UNSUPPORTED, "not a gdbstub target");
		printf("packet_size=%zu\nmax_read=%zu\nack_mode=%d\nxfer_features=%d\n"
		       "registers=%d\nbuiltin_regs=%d\nphys_mode=%d\n", info.packet_size,
		       t->max_read, info.ack_mode, info.xfer_features, info.registers,
		       info.builtin_regs, info.phys_mode);
	} else if (!strcmp(cmd, "reg") && argc == 2) {
		err = iow_target_read_reg(t, argv[1], &v);
		if (!err)
			printf("0x%016" PRIx64 "\n", v);
	} else if (!strcmp(cmd, "read") && argc == 4) {
		len = number(argv[3]);
		buf = malloc(len ? len : 1);
		if (!buf)
			return &iow_error_nomem;
		err = iow_target_read(t, space_of(argv[1]), number(argv[2]), buf, len);
		if (!err)
			print_hex(buf, len);
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
	} else if (!strcmp(cmd, "monitor") && argc >= 2) {
		iow_buf_init(&out);
		for (i = 1; i < argc && !err; i++)
			err = iow_buf_printf(&out, "%s%s", i > 1 ? " " : "", argv[i]);
		s = err ? NULL : strdup(iow_buf_str(&out));
		iow_buf_reset(&out);
		if (!err && !s)
			err = &iow_error_nomem;
		if (!err)
			err = iow_target_monitor(t, s, &out);
		if (!err)
			fwrite(out.data, 1, out.len, stdout);
		free(s);
		iow_buf_fini(&out);
	} else if (!strcmp(cmd, "gva2gpa") && argc == 2) {
		err = gva2gpa(t, number(argv[1]), &v);
		if (!err)
			printf("0x%" PRIx64 "\n", v);
	} else if (!strcmp(cmd, "phys-roundtrip") && argc == 3) {
		err = phys_roundtrip(t, number(argv[1]), number(argv[2]));
	} else if (!strcmp(cmd, "loop") && argc == 5) {
		err = loop(t, space_of(argv[1]), number(argv[2]), number(argv[3]), number(argv[4]));
	} else if (!strcmp(cmd, "bench") && argc == 3) {
		err = bench(t, number(argv[1]), number(argv[2]));
	} else if (!strcmp(cmd, "invalidate") && argc == 1) {
		iow_target_invalidate(t);
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
	struct iow_gdbstub_opts opts = { 0 };
	struct iow_target *t = NULL;
	struct iow_error *err;
	int i = 1, start, status = 0;
	bool keep_going = false;

	while (i < argc && !strncmp(argv[i], "--", 2)) {
		if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			opts.timeout_ms = (int)number(argv[++i]);
		else if (!strcmp(argv[i], "--phys"))
			opts.allow_phys = true;
		else if (!strcmp(argv[i], "--keep-going"))
			keep_going = true;
		else
			usage("unknown option");
		i++;
	}
	if (i + 1 >= argc)
		usage("a stub address and a command are needed");
	err = iow_gdbstub_connect(argv[i], &opts, &t);
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
