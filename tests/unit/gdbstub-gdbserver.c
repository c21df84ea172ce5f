/* The gdbstub back end against a real stub: gdbserver attached to the
 * kshape fixture (tests/fixtures/kshape.c), whose kernel-shaped structures
 * are read back through the target layer: small, large, unaligned and
 * cross-page reads, a fault at an unmapped page that leaves the connection
 * usable, registers by the stub's own target description, no-ack mode,
 * strings, the stats, a loop of reads, and a stub killed mid-session.
 *
 * Skips (77) without gdbserver, unless CI=true (then 99).  The fixture is
 * found through $IOW_KSHAPE, $top_builddir/tests/fixtures/kshape, or next
 * to this program (../fixtures/kshape).  Every child is killed at exit, and
 * by PR_SET_PDEATHSIG if this process dies first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../fixtures/kshape.h"
#include "target/qemu.h"
#include "target/target.h"
#include "tap.h"

/* --- children that never outlive the test --- */

static pid_t children[4];
static int nchildren;
static char tmpdir[64];

static void cleanup(void)
{
	char path[128];
	int i;

	for (i = 0; i < nchildren; i++) {
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
		}
	}
	if (tmpdir[0]) {
		snprintf(path, sizeof(path), "%s/addrs", tmpdir);
		unlink(path);
		rmdir(tmpdir);
	}
}

/* Start ARGV with its stderr on ERR_FD (if >= 0); it dies with us. */
static pid_t spawn(const char *const argv[], int err_fd)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (err_fd >= 0)
			dup2(err_fd, 2);
		execvp(argv[0], (char *const *)argv); /* execvp does not write them */
		_exit(127);
	}
	children[nchildren++] = pid;
	return pid;
}

static void reap(pid_t pid)
{
	int i;

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (i = 0; i < nchildren; i++)
		if (children[i] == pid)
			children[i] = 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static __attribute__((noreturn)) void bail(int status, const char *why)
{
	printf("# %s\n", why);
	if (status == 77)
		printf("1..0 # SKIP %s\n", why);
	else
		printf("Bail out! %s\n", why);
	exit(status);
}

static bool executable(const char *path)
{
	return access(path, X_OK) == 0;
}

static const char *find_gdbserver(void)
{
	static const char *const places[] = { "/usr/bin/gdbserver", "/usr/local/bin/gdbserver" };
	size_t i;

	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (executable(places[i]))
			return places[i];
	return NULL;
}

static void find_fixture(char *out, size_t size, const char *argv0)
{
	const char *env = getenv("IOW_KSHAPE"), *top = getenv("top_builddir");
	char self[4096];

	if (env) {
		snprintf(out, size, "%s", env);
		return;
	}
	if (top) {
		snprintf(out, size, "%s/tests/fixtures/kshape", top);
		if (executable(out))
			return;
	}
	snprintf(self, sizeof(self), "%s", argv0);
	snprintf(out, size, "%s/../fixtures/kshape", dirname(self));
}

/* The fixture's "name=0x..." lines. */
struct addrs {
	uint64_t pid, root, list, pattern, hole, edge, stack;
};

static bool load_addrs(const char *path, struct addrs *a)
{
	char name[32];
	uint64_t v;
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return false;
	while (fscanf(f, " %31[^=]=%" SCNx64, name, &v) == 2) {
		n++;
		if (!strcmp(name, "pid"))
			a->pid = v;
		else if (!strcmp(name, "root"))
			a->root = v;
		else if (!strcmp(name, "list"))
			a->list = v;
		else if (!strcmp(name, "pattern"))
			a->pattern = v;
		else if (!strcmp(name, "hole"))
			a->hole = v;
		else if (!strcmp(name, "edge"))
			a->edge = v;
		else if (!strcmp(name, "stack"))
			a->stack = v;
	}
	fclose(f);
	return n == 7;
}

/* Wait for gdbserver's "Listening on port N" on FD; 0 if it never came. */
static int read_port(int fd, double timeout)
{
	char buf[4096];
	size_t len = 0;
	double end = now_s() + timeout;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	const char *p;
	ssize_t n;

	while (now_s() < end && len < sizeof(buf) - 1) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		p = strstr(buf, "Listening on port ");
		if (p && strchr(p, '\n'))
			return atoi(p + 18);
	}
	buf[len] = '\0';
	printf("# gdbserver said: %s\n", buf);
	return 0;
}

static bool pattern_ok(const uint8_t *buf, uint64_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != kshape_pattern(off + i))
			return false;
	return true;
}

static bool read_pattern(struct iow_target *t, const struct addrs *a, uint64_t off, size_t len)
{
	uint8_t *buf = malloc(len);
	struct iow_error *err;
	bool ok;

	err = iow_target_read(t, IOW_SPACE_VIRT, a->pattern + off, buf, len);
	if (err)
		printf("# %s\n", err->message);
	ok = !err && pattern_ok(buf, off, len);
	iow_error_destroy(err);
	free(buf);
	return ok;
}

static void note(struct iow_error *err)
{
	if (err)
		printf("# error: %s: %s\n", iow_error_code_name(err->code), err->message);
}

/* Walk the resource tree depth-first, as /proc/iomem does. */
static void check_tree(struct iow_target *t, const struct addrs *a)
{
	static const char *const want[] = { "kshape-root", "Reserved", "System RAM",
					    "PCI Bus 0000:00", "0000:00:01.0", "nvme", "HPET 0" };
	struct kshape_resource r;
	struct iow_error *err = NULL;
	uint64_t p = a->root, next;
	char name[64];
	size_t i = 0;
	bool ok = true;

	while (p && i < 16 && !err) {
		err = iow_target_read(t, IOW_SPACE_VIRT, p, &r, sizeof(r));
		if (!err)
			err = iow_target_read_string(t, IOW_SPACE_VIRT, (uint64_t)(uintptr_t)r.name,
						     name, sizeof(name), NULL);
		if (err)
			break;
		ok = ok && i < 7 && !strcmp(name, want[i]);
		i++;
		/* next in pre-order: child, else sibling, else an ancestor's sibling */
		next = (uint64_t)(uintptr_t)r.child;
		while (!next && r.parent && !err) {
			next = (uint64_t)(uintptr_t)r.sibling;
			if (!next)
				err = iow_target_read(t, IOW_SPACE_VIRT, (uint64_t)(uintptr_t)r.parent,
						      &r, sizeof(r));
		}
		p = next;
	}
	note(err);
	tap_ok(!err && ok && i == 7, "the resource tree reads back, names and order");
	iow_error_destroy(err);
}

static void check_list(struct iow_target *t, const struct addrs *a)
{
	struct kshape_list_head h;
	struct kshape_item item;
	struct iow_error *err;
	uint64_t p;
	int n = 0;
	bool ok = true;

	err = iow_target_read(t, IOW_SPACE_VIRT, a->list, &h, sizeof(h));
	for (p = (uint64_t)(uintptr_t)h.next; !err && p != a->list && n < 10; n++) {
		err = iow_target_read(t, IOW_SPACE_VIRT, p - offsetof(struct kshape_item, node),
				      &item, sizeof(item));
		if (err)
			break;
		ok = ok && item.value == 1000u + (unsigned)n && !strncmp(item.name, "item-", 5);
		p = (uint64_t)(uintptr_t)item.node.next;
	}
	note(err);
	tap_ok(!err && ok && n == KSHAPE_ITEMS, "the list reads back, %d items in order", n);
	iow_error_destroy(err);
}

static void check_faults(struct iow_target *t, const struct addrs *a)
{
	struct iow_error *err;
	uint8_t buf[64];

	err = iow_target_read(t, IOW_SPACE_VIRT, a->hole + 0x10, buf, 8);
	tap_ok(err && err->code == IOW_ERR_FAULT && err->has_addr && err->addr == a->hole + 0x10,
	       "a read of an unmapped page fails with a fault at its address");
	if (err) {
		char hex[32];

		snprintf(hex, sizeof(hex), "0x%" PRIx64, a->hole + 0x10);
		tap_ok(strstr(err->message, hex) != NULL, "... the message names it: %s",
		       err->message);
	} else {
		tap_ok(0, "... the message names it");
	}
	iow_error_destroy(err);

	err = iow_target_read(t, IOW_SPACE_VIRT, a->edge + 32, buf, 64);
	tap_ok(err && err->code == IOW_ERR_FAULT && err->addr == a->hole,
	       "a read from mapped memory into the hole fails where the hole starts");
	note(err);
	iow_error_destroy(err);
	err = iow_target_read(t, IOW_SPACE_VIRT, a->edge, buf, 64);
	note(err);
	tap_ok(!err && pattern_ok(buf, 0, 64), "the mapped bytes just before the hole read");
	iow_error_destroy(err);
	tap_ok(read_pattern(t, a, 100, 8), "the connection still works after the faults");
}

static void check_registers(struct iow_target *t, const struct addrs *a)
{
	struct iow_gdbstub_info info;
	struct iow_error *err;
	uint64_t rip = 0, rsp = 0, v;

	err = iow_target_read_reg(t, "rip", &rip);
	note(err);
	tap_ok(!err && rip > 0x1000, "rip reads: 0x%" PRIx64, rip);
	iow_error_destroy(err);
	err = iow_target_read_reg(t, "rsp", &rsp);
	note(err);
	tap_ok(!err && rsp < a->stack && a->stack - rsp < (1u << 20),
	       "rsp reads, just below a local of main: 0x%" PRIx64, rsp);
	iow_error_destroy(err);
	iow_gdbstub_info(t, &info);
	tap_ok(!info.builtin_regs && info.registers > 24,
	       "the registers came from the stub's target description (%d)", info.registers);
	err = iow_target_read_reg(t, "cr3", &v);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND && strstr(err->message, "cr3"),
	       "a register the stub lacks: not found, by name");
	iow_error_destroy(err);
	err = iow_target_read_reg(t, "xmm0", &v);
	tap_ok(err && err->code == IOW_ERR_UNSUPPORTED, "a 128-bit register is refused");
	iow_error_destroy(err);
}

int main(int argc, char **argv)
{
	struct iow_gdbstub_opts opts = { .timeout_ms = 5000, .allow_phys = true };
	const struct iow_target_stats *st;
	struct iow_gdbstub_info info;
	struct iow_target *t = NULL;
	struct iow_error *err;
	struct iow_buf out;
	struct addrs a = { 0 };
	const char *gdbserver;
	char fixture[4096], addrfile[128], port_s[32], pid_s[32];
	uint64_t rt, v;
	double t0, dt;
	int pipefd[2], port, i;
	pid_t gs;
	uint8_t buf[64];
	bool ok;

	(void)argc;
	gdbserver = find_gdbserver();
	if (!gdbserver)
		bail(getenv("CI") && !strcmp(getenv("CI"), "true") ? 99 : 77,
		     "gdbserver is not installed (Debian package gdbserver)");
	find_fixture(fixture, sizeof(fixture), argv[0]);
	if (!executable(fixture))
		bail(99, "the kshape fixture was not built");
	atexit(cleanup);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/iow-gdbserver-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		bail(99, "mkdtemp failed");
	}
	snprintf(addrfile, sizeof(addrfile), "%s/addrs", tmpdir);

	if (spawn((const char *const[]){ fixture, addrfile, NULL }, -1) < 0)
		bail(99, "cannot start the fixture");
	for (i = 0; i < 100 && !load_addrs(addrfile, &a); i++)
		usleep(50000);
	if (i == 100)
		bail(99, "the fixture wrote no addresses");
	snprintf(pid_s, sizeof(pid_s), "%" PRIu64, a.pid);

	if (pipe2(pipefd, O_CLOEXEC))
		bail(99, "pipe failed");
	gs = spawn((const char *const[]){ gdbserver, "--once", "--attach", "127.0.0.1:0",
				     pid_s, NULL }, pipefd[1]);
	close(pipefd[1]);
	port = read_port(pipefd[0], 15);
	if (!port)
		bail(99, "gdbserver did not start listening");
	snprintf(port_s, sizeof(port_s), "127.0.0.1:%d", port);

	err = iow_gdbstub_connect(port_s, &opts, &t);
	note(err);
	tap_ok(!err, "connect to gdbserver at %s", port_s);
	if (err)
		bail(1, "cannot go on without a connection");
	st = iow_target_stats(t);
	tap_ok(iow_gdbstub_info(t, &info) && !info.ack_mode, "no-ack mode was negotiated");
	tap_ok(info.packet_size >= 4096 && t->max_read == 4096,
	       "PacketSize 0x%zx: reads of a whole page (%zu)", info.packet_size, t->max_read);
	tap_ok(st->round_trips == 4, "the handshake took four round trips (qSupported, "
	       "QStartNoAckMode, Hg0, qqemu.PhyMemMode): %" PRIu64, st->round_trips);

	rt = st->round_trips;
	tap_ok(read_pattern(t, &a, 0, 8), "a small read");
	tap_ok(st->round_trips == rt + 1, "... took one round trip");
	tap_ok(read_pattern(t, &a, 16, 8) && st->round_trips == rt + 1,
	       "a read nearby comes from the cache");
	tap_ok(read_pattern(t, &a, 1, 3), "an unaligned odd-sized read");
	tap_ok(read_pattern(t, &a, 4090, 20), "a read across a page boundary");
	iow_target_invalidate(t);
	rt = st->round_trips;
	tap_ok(read_pattern(t, &a, 0, KSHAPE_PATTERN_LEN), "a large read (%d bytes, > max_read)",
	       KSHAPE_PATTERN_LEN);
	tap_ok(st->round_trips == rt + KSHAPE_PATTERN_PAGES + 1,
	       "... one round trip per page: %" PRIu64, st->round_trips - rt);
	iow_target_invalidate(t);
	tap_ok(read_pattern(t, &a, 4095, 4097 + 2), "an unaligned read over three pages");

	check_tree(t, &a);
	check_list(t, &a);
	check_faults(t, &a);
	check_registers(t, &a);
	{
		char s[32];
		bool cut = true;
		struct kshape_resource r;

		err = iow_target_read(t, IOW_SPACE_VIRT, a.root, &r, sizeof(r));
		if (!err)
			err = iow_target_read_string(t, IOW_SPACE_VIRT, (uint64_t)(uintptr_t)r.name,
						     s, 6, &cut);
		tap_ok(!err && !strcmp(s, "kshap") && cut, "a string cut to its room");
		iow_error_destroy(err);
	}

	err = iow_target_read(t, IOW_SPACE_PHYS, a.pattern, buf, 8);
	tap_ok(err && err->code == IOW_ERR_UNSUPPORTED && strstr(err->message, "PhyMemMode"),
	       "physical reads: unsupported by gdbserver, and said so");
	note(err);
	iow_error_destroy(err);
	tap_ok(iow_gdbstub_info(t, &info) && info.phys_mode == 0, "... after asking once");
	tap_ok(read_pattern(t, &a, 200, 8), "virtual reads go on after that");

	iow_buf_init(&out);
	err = iow_target_monitor(t, "help", &out);
	note(err);
	tap_ok(!err && strstr(iow_buf_str(&out), "monitor"), "monitor help returns text");
	iow_error_destroy(err);
	iow_buf_fini(&out);
	{
		/* gdbserver has a monitor, but not QEMU's: no memory map, said
		 * in one line, and nothing sent to its monitor. */
		struct iow_mtree m;
		uint64_t sent = st->monitor_commands;

		err = iow_qemu_mtree_read(t, &m);
		tap_ok(err && err->code == IOW_ERR_UNSUPPORTED && !strchr(err->message, '\n') &&
			       !strcmp(err->message, "QEMU's memory map is not available: the stub is not QEMU's "
						     "(it does not answer qqemu.Supported)") &&
			       st->monitor_commands == sent,
		       "QEMU's memory map from gdbserver: not available, in one line, nothing asked: %s",
		       err ? err->message : "(no error)");
		iow_error_destroy(err);
	}

	rt = st->round_trips;
	ok = true;
	t0 = now_s();
	for (i = 0; i < 100; i++) {
		iow_target_invalidate(t);
		err = iow_target_read_u64(t, IOW_SPACE_VIRT, a.pattern + (uint64_t)i * 40, &v);
		ok = ok && !err;
		iow_error_destroy(err);
	}
	dt = now_s() - t0;
	tap_ok(ok && st->round_trips == rt + 100, "100 uncached reads, 100 round trips (%.1f ms "
	       "each)", dt * 10);
	tap_ok(st->bytes_sent > 100 * 8 && st->bytes_received > 100 * 16,
	       "bytes counted: %" PRIu64 " sent, %" PRIu64 " received", st->bytes_sent,
	       st->bytes_received);
	tap_ok(st->reads > 100 && st->cache_hits > 0 && st->cache_misses >= 100 &&
		       st->mem_bytes > 100 * 64,
	       "reads %" PRIu64 ", hits %" PRIu64 ", misses %" PRIu64 ", %" PRIu64 " bytes",
	       st->reads, st->cache_hits, st->cache_misses, st->mem_bytes);

	/* The stub dies: the next read fails at once, clearly, and so does
	 * every one after it. */
	reap(gs);
	iow_target_invalidate(t);
	t0 = now_s();
	err = iow_target_read(t, IOW_SPACE_VIRT, a.pattern, buf, 8);
	dt = now_s() - t0;
	tap_ok(err && err->code == IOW_ERR_IO && strstr(err->message, "closed the connection"),
	       "with the stub killed, a read fails: %s", err ? err->message : "(no error)");
	tap_ok(dt < 2, "... within %.3f s", dt);
	iow_error_destroy(err);
	err = iow_target_read_reg(t, "rip", &v);
	tap_ok(err && err->code == IOW_ERR_IO, "... and so does the next request: %s",
	       err ? err->message : "(no error)");
	iow_error_destroy(err);

	iow_target_destroy(t);
	return tap_done();
}
