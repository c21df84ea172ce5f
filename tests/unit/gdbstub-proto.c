/* The gdbstub back end against a scripted stub: the protocol's corners
 * that real stubs rarely show on demand.  A child process plays the stub on
 * one end of a socket (a unix socket for the handshake, a socketpair
 * adopted otherwise) and misbehaves at chosen addresses: short replies,
 * garbage, stop and console packets before a reply, bad checksums, '-' to
 * a request, 'x' bytes, too-long replies, silence, a closed connection, a
 * flood.  Also: acks both ways in ack mode, none after QStartNoAckMode,
 * the target description in escaped pieces, 'p' and the 'g' fallback,
 * monitor output, and the exact packet sequence of physical reads,
 * switch-back failures included.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsp/rsp.h"
#include "target/qemu.h"
#include "target/target.h"
#include "tap.h"

/* --- the scripted stub (runs in a child process) ------------------------ */

/* Its memory: [0x10000, 0x20000) and [0x60000, 0x61000) hold pattern()
 * bytes (inverted in physical mode), [0x30000, 0x30010) holds them too but
 * the stub never sends past 0x30010; the other addresses below are traps. */
#define SHORT_END 0x30010
#define SILENT 0x40000
#define CLOSE 0x50000
#define NOISY 0x60000
#define BADSUM 0x70000
#define NACK 0x80000
#define FLOOD 0x90000
#define XBYTES 0xa0000
#define TOOLONG 0xb0000
#define GONE 0xc0000
#define DUPNACK 0xd0000

struct stub {
	int fd;
	bool ack;        /* acknowledging packets */
	bool offer_noack;
	bool phys;       /* in physical mode */
	bool stuck;      /* refuses to leave physical mode */
	bool no_p;       /* answers 'p' with nothing */
	bool not_qemu;   /* answers qqemu.* with nothing, as gdbserver does */
	bool badsum_done, nack_done, dupnack_done;
	int acks;        /* '+' received */
	struct iow_buf last; /* the last reply, framed, for a '-' */
	struct iow_buf log;  /* the packets received, ';'-separated */
};

static uint8_t pattern(uint64_t a, bool phys)
{
	return (uint8_t)((a * 7 + (a >> 8)) ^ (phys ? 0xff : 0));
}

static void out(struct stub *s, const void *p, size_t n)
{
	const uint8_t *b = p;
	ssize_t w;

	while (n) {
		w = write(s->fd, b, n);
		if (w <= 0)
			_exit(0);
		b += w;
		n -= (size_t)w;
	}
}

static bool damage_next; /* send the next reply with a wrong checksum */

static void reply_len(struct stub *s, const char *payload, size_t len)
{
	iow_buf_reset(&s->last);
	iow_rsp_encode(&s->last, payload, len, IOW_RSP_BINARY);
	/* the good copy stays in s->last, for when the client says '-' */
	if (damage_next)
		s->last.data[s->last.len - 1] ^= 1;
	out(s, s->last.data, s->last.len);
	if (damage_next)
		s->last.data[s->last.len - 1] ^= 1;
	damage_next = false;
}

static void reply(struct stub *s, const char *payload)
{
	reply_len(s, payload, strlen(payload));
}

static void reply_hex(struct stub *s, char prefix, const void *p, size_t n)
{
	struct iow_buf b;

	iow_buf_init(&b);
	if (prefix)
		iow_buf_putc(&b, (uint8_t)prefix);
	iow_rsp_hex_encode(&b, p, n);
	reply_len(s, (const char *)b.data, b.len);
	iow_buf_fini(&b);
}

static const char target_xml[] =
	"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<!-- specials that must travel escaped: $ # } * -->"
	"<target><architecture>i386:x86-64</architecture>"
	"<xi:include href=\"regs.xml\"/></target>";
static const char regs_xml[] =
	"<feature name=\"org.gnu.gdb.i386.core\">"
	"<reg name=\"rax\" bitsize=\"64\"/><reg name=\"rip\" bitsize=\"64\"/>"
	"<reg name=\"cr3\" bitsize=\"64\" regnum=\"5\"/></feature>";

static uint64_t reg_value(unsigned int n)
{
	return UINT64_C(0x1111111111111111) * (n + 1);
}

static void xfer(struct stub *s, const char *p)
{
	const char *annex = p + strlen("qXfer:features:read:"), *text;
	unsigned long off, len;
	size_t total, n;
	char buf[128];

	if (!strncmp(annex, "target.xml:", 11))
		text = target_xml;
	else if (!strncmp(annex, "regs.xml:", 9))
		text = regs_xml;
	else
		return reply(s, "E00");
	sscanf(strchr(annex, ':') + 1, "%lx,%lx", &off, &len);
	total = strlen(text);
	if (off > total)
		return reply(s, "E01");
	n = total - off < 40 ? total - off : 40; /* small pieces, to need several */
	if (n > len)
		n = len;
	buf[0] = off + n < total ? 'm' : 'l';
	memcpy(buf + 1, text + off, n);
	reply_len(s, buf, n + 1);
}

static void read_memory(struct stub *s, uint64_t addr, size_t len)
{
	uint8_t data[4096];
	size_t i, n = len;
	char big[70001];

	memset(data, 0, sizeof(data));
	if (len > sizeof(data))
		return reply(s, "E16");
	if (addr == SILENT)
		return;
	if (addr == CLOSE)
		_exit(0);
	if (addr == GONE)
		return reply(s, "W00");
	if (addr == FLOOD) {
		memset(big, 'j', sizeof(big) - 1);
		out(s, big, sizeof(big) - 1);
		return;
	}
	if (addr == XBYTES)
		return reply(s, "0102xxxx");
	if (addr == TOOLONG)
		return reply_hex(s, 0, data, len + 1);
	if (addr == NOISY) {
		out(s, "garbage!", 8);
		reply(s, "T05thread:01;");
		reply_hex(s, 'O', "console\n", 8);
	}
	if (addr >= 0x30000 && addr < SHORT_END)
		n = SHORT_END - addr < len ? SHORT_END - addr : len;
	else if (!((addr >= 0x10000 && addr + len <= 0x20000) ||
		   (addr >= NOISY && addr + len <= NOISY + 0x1000) ||
		   (addr >= BADSUM && addr + len <= BADSUM + 0x1000) ||
		   (addr >= NACK && addr + len <= NACK + 0x1000) ||
		   (addr >= DUPNACK && addr + len <= DUPNACK + 0x1000)))
		return reply(s, "E14");
	for (i = 0; i < n; i++)
		data[i] = pattern(addr + i, s->phys);
	if (addr == BADSUM && !s->badsum_done)
		damage_next = s->badsum_done = true;
	reply_hex(s, 0, data, n);
}

static void monitor(struct stub *s, const char *hex)
{
	char cmd[256];
	size_t n;

	if (!iow_rsp_hex_decode(hex, strlen(hex), (uint8_t *)cmd, sizeof(cmd) - 1, &n))
		return reply(s, "E02");
	cmd[n] = '\0';
	if (!strncmp(cmd, "echo ", 5)) {
		reply_hex(s, 'O', cmd + 5, strlen(cmd + 5));
		reply_hex(s, 'O', "\n", 1);
		return reply(s, "OK");
	}
	if (!strncmp(cmd, "hexreply ", 9))
		return reply_hex(s, 0, cmd + 9, strlen(cmd + 9));
	if (!strcmp(cmd, "log")) {
		reply_hex(s, 'O', s->log.data, s->log.len);
		iow_buf_reset(&s->log);
		return reply(s, "OK");
	}
	if (!strcmp(cmd, "acks")) {
		snprintf(cmd, sizeof(cmd), "%d", s->acks);
		return reply_hex(s, 0, cmd, strlen(cmd));
	}
	if (!strcmp(cmd, "phys")) { /* as another client would leave it */
		s->phys = true;
		return reply(s, "OK");
	}
	if (!strcmp(cmd, "stuck") || !strcmp(cmd, "unstuck")) {
		s->stuck = cmd[0] == 's';
		return reply(s, "OK");
	}
	if (!strcmp(cmd, "no-p")) {
		s->no_p = true;
		return reply(s, "OK");
	}
	if (!strcmp(cmd, "not-qemu")) {
		s->not_qemu = true;
		return reply(s, "OK");
	}
	if (!strcmp(cmd, "fail"))
		return reply(s, "E01");
	if (!strcmp(cmd, "info mtree -f -o")) { /* as QEMU: a line per O packet, CR LF */
		static const char *const lines[] = {
			"FlatView #0\r\n", " AS \"memory\", root: system\r\n",
			" Root memory region: system\r\n",
			"  0000000000000000-000000000009ffff (prio 0, ram): pc.ram owner:{obj path=/objects/pc.ram}\r\n",
			"  00000000fed00000-00000000fed003ff (prio 0, i/o): hpet owner:{dev path=/machine/x}\r\n",
			"\r\n",
		};
		size_t i;

		for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
			reply_hex(s, 'O', lines[i], strlen(lines[i]));
		return reply(s, "OK");
	}
	reply(s, "");
}

static void handle(struct stub *s, const char *p)
{
	unsigned long long addr, len;
	unsigned int n;
	uint8_t regs[6 * 8];
	uint64_t v;
	int i;

	if (strncmp(p, "qRcmd,6c6f67", 12)) { /* not "log" itself */
		iow_buf_append(&s->log, p, strlen(p) < 40 ? strlen(p) : 40);
		iow_buf_putc(&s->log, ';');
	}
	if (!strncmp(p, "qSupported", 10)) {
		reply(s, s->offer_noack ? "PacketSize=200;qXfer:features:read+;QStartNoAckMode+"
					: "PacketSize=200;qXfer:features:read+");
	} else if (!strcmp(p, "QStartNoAckMode")) {
		reply(s, "OK");
		s->ack = false;
	} else if (!strcmp(p, "Hg0")) {
		reply(s, "OK");
	} else if (sscanf(p, "m%llx,%llx", &addr, &len) == 2) {
		read_memory(s, addr, len);
	} else if (!strncmp(p, "qXfer:features:read:", 20)) {
		xfer(s, p);
	} else if (sscanf(p, "p%x", &n) == 1) {
		if (s->no_p)
			return reply(s, "");
		v = reg_value(n);
		reply_hex(s, 0, &v, 8); /* little-endian host */
	} else if (!strcmp(p, "g")) {
		/* rax, rip, then cr3 (regnum 5) right after them */
		for (i = 0; i < 3; i++) {
			v = reg_value(i < 2 ? (unsigned int)i : 5);
			memcpy(regs + 8 * i, &v, 8);
		}
		reply_hex(s, 0, regs, 24);
	} else if (!strncmp(p, "qRcmd,", 6)) {
		monitor(s, p + 6);
	} else if (s->not_qemu && !strncmp(p, "qqemu.", 6)) {
		reply(s, "");
	} else if (!strcmp(p, "qqemu.PhyMemMode")) {
		reply(s, s->phys ? "1" : "0");
	} else if (!strcmp(p, "qqemu.Supported")) {
		reply(s, "sstepbits;sstep;PhyMemMode");
	} else if (!strcmp(p, "Qqemu.PhyMemMode:1")) {
		s->phys = true;
		reply(s, "OK");
	} else if (!strcmp(p, "Qqemu.PhyMemMode:0")) {
		if (s->stuck)
			return reply(s, "E01");
		s->phys = false;
		reply(s, "OK");
	} else {
		reply(s, "");
	}
}

static __attribute__((noreturn)) void stub_run(int fd, bool offer_noack, bool start_noack)
{
	struct stub s = { .fd = fd, .ack = !start_noack, .offer_noack = offer_noack };
	struct iow_rsp_decoder d;
	struct iow_rsp_event ev;
	uint8_t buf[8192], *p;
	ssize_t n;
	size_t used, left;

	iow_rsp_decoder_init(&d, NULL);
	iow_buf_init(&s.last);
	iow_buf_init(&s.log);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			_exit(0);
		for (p = buf, left = (size_t)n; ; p += used, left -= used) {
			used = iow_rsp_decoder_feed(&d, p, left, &ev);
			if (ev.type == IOW_RSP_EV_NONE)
				break;
			if (ev.type == IOW_RSP_EV_ACK)
				s.acks++;
			else if (ev.type == IOW_RSP_EV_NACK && s.ack)
				out(&s, s.last.data, s.last.len);
			else if (ev.type == IOW_RSP_EV_PACKET && ev.checksum_ok) {
				if (s.ack && !s.nack_done && !strncmp((const char *)ev.payload, "m80000,", 7)) {
					s.nack_done = true;
					out(&s, "-", 1);
					continue;
				}
				if (s.ack && !s.dupnack_done && !strncmp((const char *)ev.payload, "md0000,", 7)) {
					/* a '-' that is noise: the request is answered
					 * all the same, and again when it comes again */
					s.dupnack_done = true;
					out(&s, "-", 1);
				}
				if (s.ack)
					out(&s, "+", 1);
				handle(&s, (const char *)ev.payload);
			}
		}
	}
}

/* --- the test's side ------------------------------------------------------ */

static pid_t stubs[32];
static int nstubs;
static char sockdir[64];

static void cleanup(void)
{
	char path[128];
	int i;

	for (i = 0; i < nstubs; i++) {
		kill(stubs[i], SIGKILL);
		waitpid(stubs[i], NULL, 0);
	}
	if (sockdir[0]) {
		snprintf(path, sizeof(path), "%s/stub.sock", sockdir);
		unlink(path);
		rmdir(sockdir);
	}
}

/* Fork a stub serving FD (or the first connection on listening socket LFD). */
static void fork_stub(int fd, int lfd, int close_fd, bool offer_noack, bool start_noack)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("Bail out! fork: %s\n", strerror(errno));
		exit(99);
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		if (close_fd >= 0)
			close(close_fd);
		if (lfd >= 0) {
			fd = accept(lfd, NULL, NULL);
			if (fd < 0)
				_exit(1);
		}
		stub_run(fd, offer_noack, start_noack);
	}
	stubs[nstubs++] = pid;
}

/* A target on a socketpair with a fresh stub, adopted in ACK mode. */
static struct iow_target *adopt_stub(bool ack, int timeout_ms, bool allow_phys)
{
	struct iow_gdbstub_opts opts = { .timeout_ms = timeout_ms, .allow_phys = allow_phys,
					 .packet_size = 0x200 };
	struct iow_target *t = NULL;
	struct iow_error *err;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		exit(99);
	fork_stub(sv[1], -1, sv[0], true, !ack);
	close(sv[1]);
	err = iow_gdbstub_adopt(sv[0], ack, &opts, &t);
	if (err) {
		printf("Bail out! adopt: %s\n", err->message);
		exit(99);
	}
	return t;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool read_ok(struct iow_target *t, enum iow_space space, uint64_t addr, size_t len)
{
	uint8_t *buf = malloc(len);
	struct iow_error *err;
	bool ok = true;
	size_t i;

	err = iow_target_read(t, space, addr, buf, len);
	if (err) {
		printf("# read 0x%" PRIx64 ": %s\n", addr, err->message);
		iow_error_destroy(err);
		ok = false;
	}
	for (i = 0; i < len && ok; i++)
		ok = buf[i] == pattern(addr + i, space == IOW_SPACE_PHYS);
	free(buf);
	return ok;
}

/* The error of reading LEN bytes at ADDR (NULL if it worked). */
static struct iow_error *read_err(struct iow_target *t, enum iow_space space, uint64_t addr,
				  size_t len)
{
	uint8_t buf[4096];

	return iow_target_read(t, space, addr, buf, len);
}

static bool fails_at(struct iow_error *err, enum iow_error_code code, uint64_t addr)
{
	bool ok = err && err->code == code && err->has_addr && err->addr == addr;

	if (!ok)
		printf("#   %s\n", err ? err->message : "no error");
	iow_error_destroy(err);
	return ok;
}

static bool fails_with(struct iow_error *err, enum iow_error_code code, const char *text)
{
	bool ok = err && err->code == code && strstr(err->message, text);

	if (!ok)
		printf("#   %s: %s\n", err ? iow_error_code_name(err->code) : "",
		       err ? err->message : "no error");
	iow_error_destroy(err);
	return ok;
}

/* Monitor command CMD's output, or "ERROR: ..."  The scripted stub's
 * commands ("log", "acks", ...) steer it: they go to the back end's op
 * directly, past iow_target_monitor()'s allow-list of QEMU's read-only
 * commands, which would refuse them (tests/unit/target-cache tests it). */
static char *mon(struct iow_target *t, const char *cmd)
{
	struct iow_error *err;
	struct iow_buf b;
	char *s;

	iow_buf_init(&b);
	err = t->ops->monitor(t, cmd, &b);
	if (err) {
		iow_buf_reset(&b);
		iow_buf_printf(&b, "ERROR %s: %s", iow_error_code_name(err->code), err->message);
		iow_error_destroy(err);
	}
	s = strdup(iow_buf_str(&b));
	iow_buf_fini(&b);
	return s;
}

static bool mon_is(struct iow_target *t, const char *cmd, const char *want)
{
	char *got = mon(t, cmd);
	bool ok = !strcmp(got, want);

	if (!ok)
		printf("#   monitor %s: \"%s\", want \"%s\"\n", cmd, got, want);
	free(got);
	return ok;
}

static bool mon_has(struct iow_target *t, const char *cmd, const char *want)
{
	char *got = mon(t, cmd);
	bool ok = strstr(got, want) != NULL;

	if (!ok)
		printf("#   monitor %s: \"%s\", want \"%s\" in it\n", cmd, got, want);
	free(got);
	return ok;
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

static bool reg_is(struct iow_target *t, const char *name, uint64_t want)
{
	struct iow_error *err;
	uint64_t v = 0;

	err = iow_target_read_reg(t, name, &v);
	if (err)
		printf("#   %s\n", err->message);
	iow_error_destroy(err);
	return !err && v == want;
}

static void test_handshake_and_memory(void)
{
	struct iow_gdbstub_opts opts = { .timeout_ms = 2000 };
	struct iow_gdbstub_info info;
	const struct iow_target_stats *st;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct iow_target *t = NULL;
	struct iow_error *err;
	char *log;
	int lfd;

	snprintf(sockdir, sizeof(sockdir), "/tmp/iow-proto-XXXXXX");
	if (!mkdtemp(sockdir)) {
		sockdir[0] = '\0';
		exit(99);
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/stub.sock", sockdir);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) || listen(lfd, 1))
		exit(99);
	fork_stub(-1, lfd, -1, true, false);
	close(lfd);

	err = iow_gdbstub_connect(sun.sun_path, &opts, &t);
	tap_ok(!err, "connect to a unix socket by its path");
	if (err) {
		printf("# %s\n", err->message);
		exit(1);
	}
	st = iow_target_stats(t);
	tap_ok(iow_gdbstub_info(t, &info) && !info.ack_mode && info.packet_size == 0x200 &&
		       info.xfer_features, "qSupported read: PacketSize, qXfer, no-ack mode taken");
	tap_ok(t->max_read == 0x100, "reads are half the packet size (%zu)", t->max_read);
	tap_ok(st->round_trips == 4, "handshake: qSupported, QStartNoAckMode, Hg0, qqemu.PhyMemMode");
	log = mon(t, "log");
	tap_ok(!strcmp(log, "qSupported:xmlRegisters=i386;QStartNoAckMode;Hg0;qqemu.PhyMemMode;"),
	       "the handshake's packets, in order: %s", log);
	free(log);

	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x10ff0, 32), "a read across a page");
	tap_ok(fails_at(read_err(t, IOW_SPACE_VIRT, 0x20008, 8), IOW_ERR_FAULT, 0x20008),
	       "E14: a fault at the address asked for");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x30000, 8),
	       "a short reply is continued; its read-ahead's fault does not fail the read");
	tap_ok(fails_at(read_err(t, IOW_SPACE_VIRT, 0x30008, 16), IOW_ERR_FAULT, SHORT_END),
	       "a short reply, then E14: a fault where the data stopped");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, NOISY, 16),
	       "garbage, a stop packet and console output before a reply are skipped");
	tap_ok(fails_at(read_err(t, IOW_SPACE_VIRT, XBYTES, 8), IOW_ERR_FAULT, XBYTES + 2),
	       "bytes marked 'x': a fault at the first of them");
	tap_ok(fails_with(read_err(t, IOW_SPACE_VIRT, TOOLONG, 8), IOW_ERR_PROTOCOL, "characters"),
	       "a reply longer than asked is a protocol error");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x11000, 64), "the connection still works after these");
	tap_ok(fails_with(read_err(t, IOW_SPACE_PHYS, 0x10000, 8), IOW_ERR_UNSUPPORTED, "allow_phys"),
	       "physical reads need allow_phys");

	/* registers: the description in escaped pieces, regnum, 'p' then 'g' */
	tap_ok(reg_is(t, "rax", reg_value(0)) && reg_is(t, "rip", reg_value(1)) &&
		       reg_is(t, "cr3", reg_value(5)),
	       "registers by name, numbered by the stub's description");
	tap_ok(iow_gdbstub_info(t, &info) && info.registers == 3 && !info.builtin_regs,
	       "three registers known");
	tap_ok(fails_with(iow_target_read_reg(t, "cr4", &(uint64_t){ 0 }), IOW_ERR_NOTFOUND, "cr4"),
	       "an unknown register is named");
	tap_ok(mon_is(t, "no-p", ""), "the stub stops answering 'p'");
	tap_ok(reg_is(t, "cr3", reg_value(5)) && reg_is(t, "rip", reg_value(1)),
	       "registers then come out of 'g', laid out by number");
	log = mon(t, "log");
	tap_ok(strstr(log, "p5;g;g;") != NULL, "... after one 'p' that came back empty: %s", log);
	free(log);

	tap_ok(mon_is(t, "echo hello", "hello\n"), "monitor output from O packets");
	tap_ok(mon_is(t, "hexreply whole", "whole"), "monitor output in one hex reply");
	tap_ok(mon_has(t, "fail", "ERROR remote error: the stub at ") &&
		       mon_has(t, "fail", "refused the monitor command 'fail' (E01)"),
	       "a monitor command answered E01: a remote error");
	tap_ok(mon_has(t, "nonsense", "ERROR unsupported: ") &&
		       mon_has(t, "nonsense", "no monitor commands"),
	       "a monitor command answered with nothing: unsupported");

	tap_ok(fails_with(read_err(t, IOW_SPACE_VIRT, GONE, 8), IOW_ERR_IO, "the program is gone"),
	       "a W reply: the program is gone");
	iow_target_destroy(t);
}

static void test_ack_mode(void)
{
	struct iow_target *t = adopt_stub(true, 2000, false);
	const struct iow_target_stats *st = iow_target_stats(t);
	uint64_t rt, sent;
	char *acks;

	rt = st->round_trips;
	sent = st->bytes_sent;
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x10000, 8), "ack mode: a read");
	tap_ok(st->round_trips == rt + 2, "... two round trips: the stub's memory mode, "
	       "asked once (adopted), then the read");
	tap_ok(st->bytes_sent == sent + 20 + 1 + 14 + 1, "... their bytes counted, the '+'s too (%"
	       PRIu64 ": $qqemu.PhyMemMode#xx, $m10000,100#xx and two +)", st->bytes_sent - sent);
	tap_ok(read_ok(t, IOW_SPACE_VIRT, NACK, 8), "the stub says '-': the request is sent again");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, DUPNACK, 8), "a stray '-' before a good reply: the "
	       "request is sent again, and answered twice");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x11000, 8), "... the second answer is not taken for the "
	       "next request's");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x11800, 8), "... nor for the one after");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, BADSUM, 8), "a reply with a bad checksum: '-', and "
	       "the good copy is taken");
	acks = mon(t, "acks");
	/* the mode query, 6 reads, the stray '-''s second answer, the damaged
	 * reply's good copy, and "acks" counts before its own reply is
	 * acknowledged */
	tap_ok(!strcmp(acks, "8"), "every good reply was acknowledged (%s)", acks);
	free(acks);
	iow_target_destroy(t);
}

static void test_phys(void)
{
	struct iow_target *t = adopt_stub(false, 2000, true);
	struct iow_gdbstub_info info;
	char *log;

	tap_ok(read_ok(t, IOW_SPACE_PHYS, 0x10000, 8), "a physical read");
	log = mon(t, "log");
	tap_ok(!strcmp(log, "qqemu.PhyMemMode;Qqemu.PhyMemMode:1;m10000,100;Qqemu.PhyMemMode:0;"),
	       "... asks the mode once, switches, reads, switches back: %s", log);
	free(log);
	tap_ok(iow_gdbstub_info(t, &info) && info.phys_mode == 1, "... and remembers the answer");
	tap_ok(read_ok(t, IOW_SPACE_PHYS, 0x12000, 3 * 4096), "a physical read of three pages");
	log = mon(t, "log");
	tap_ok(!strncmp(log, "Qqemu.PhyMemMode:1;m12000,100;", 30) &&
		       !strcmp(log + strlen(log) - 19, "Qqemu.PhyMemMode:0;") &&
		       count(log, "PhyMemMode") == 2 && count(log, ";m") == 48,
	       "... switches once for all 48 reads of it");
	free(log);
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x12000, 8), "a virtual read of the same address gets the virtual bytes");
	tap_ok(fails_at(read_err(t, IOW_SPACE_PHYS, 0x20000, 8), IOW_ERR_FAULT, 0x20000),
	       "a physical read that faults");
	log = mon(t, "log");
	tap_ok(strstr(log, "Qqemu.PhyMemMode:0;") && !strcmp(log + strlen(log) - 19,
								"Qqemu.PhyMemMode:0;"),
	       "... still switches back last");
	free(log);

	tap_ok(mon_is(t, "stuck", ""), "the stub will refuse to leave physical mode");
	tap_ok(fails_with(read_err(t, IOW_SPACE_PHYS, 0x16000, 8), IOW_ERR_REMOTE,
			  "switching the stub back to virtual addresses failed"),
	       "a failed switch back is reported");
	tap_ok(fails_with(read_err(t, IOW_SPACE_VIRT, 0x14000, 8), IOW_ERR_REMOTE,
			  "switching the stub back"),
	       "while the stub may be in physical mode, virtual reads are refused");
	log = mon(t, "log");
	tap_ok(strstr(log, "m14000") == NULL, "... no 'm' was sent for it: %s", log);
	free(log);
	tap_ok(mon_is(t, "unstuck", ""), "the stub will leave it again");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x14000, 8), "once the stub switches back, they work");
	iow_target_destroy(t);

	/* Left in physical mode by another client (QEMU keeps the mode across
	 * connections; GDB may choose it on a shared one). */
	t = adopt_stub(false, 2000, true);
	tap_ok(mon_is(t, "phys", ""), "another client leaves the stub in physical mode");
	free(mon(t, "log"));
	iow_gdbstub_forget_mode(t);
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x15000, 8), "a virtual read gets the virtual bytes");
	log = mon(t, "log");
	tap_ok(!strcmp(log, "qqemu.PhyMemMode;Qqemu.PhyMemMode:0;m15000,100;"),
	       "... after asking the mode and leaving physical mode: %s", log);
	free(log);
	tap_ok(!iow_gdbstub_restore_mode(t), "the mode found is restored");
	log = mon(t, "log");
	tap_ok(!strcmp(log, "Qqemu.PhyMemMode:1;"), "... with Qqemu.PhyMemMode:1: %s", log);
	free(log);
	tap_ok(!iow_gdbstub_restore_mode(t), "restoring again does nothing");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x16000, 8), "the next virtual read is right too");
	log = mon(t, "log");
	tap_ok(!strcmp(log, "qqemu.PhyMemMode;Qqemu.PhyMemMode:0;m16000,100;"),
	       "... it asked again (the other client's mode): %s", log);
	free(log);
	iow_target_destroy(t);
}

/* QEMU's memory map: asked only of a stub that is QEMU's, with the one
 * read-only command; no other monitor command ever leaves the target. */
static void test_qemu_mtree(void)
{
	static const char *const refused[] = {
		"quit", "stop", "cont", "system_reset", "info mtree -f -o\nquit", "info mtree -f -o ",
		"xp /16xb 0xfed00000", "gva2gpa", "gva2gpa 0x", "gva2gpa 0x1000 x", "gva2gpa 0x12345678123456789",
		"dump-guest-memory /tmp/x", "", "info mtree",
	};
	struct iow_target *t = adopt_stub(false, 2000, true);
	const struct iow_target_stats *st = iow_target_stats(t);
	struct iow_mtree m;
	struct iow_error *err;
	struct iow_buf b;
	size_t i, sent = 0;
	char *log;
	bool yes;

	iow_buf_init(&b);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err = iow_target_monitor(t, refused[i], &b);
		sent += !err || err->code != IOW_ERR_INVALID || iow_target_monitor_allowed(refused[i]);
		iow_error_destroy(err);
	}
	iow_buf_fini(&b);
	log = mon(t, "log");
	tap_ok(sent == 0 && !strcmp(log, "") && st->monitor_commands == 0,
	       "%zu monitor commands off the allow-list are refused, and none reaches the stub: '%s'",
	       sizeof(refused) / sizeof(refused[0]), log);
	free(log);
	tap_ok(iow_target_monitor_allowed("info mtree -f -o") && iow_target_monitor_allowed("gva2gpa 0xffffffff81000000") &&
	       iow_target_monitor_allowed("gva2gpa 1000"), "the allow-list's own commands pass");

	err = iow_qemu_mtree_read(t, &m);
	tap_ok(!err && m.n == 1 && iow_mtree_space(&m, "memory") && iow_mtree_space(&m, "memory")->n == 2,
	       "QEMU's memory map read from a stub that answers qqemu.Supported%s%s", err ? ": " : "",
	       err ? err->message : "");
	log = mon(t, "log");
	tap_ok(!strcmp(log, "qqemu.Supported;qRcmd,696e666f206d74726565202d66202d6f;"),
	       "... asking qqemu.Supported once, then one qRcmd: %s", log);
	free(log);
	tap_ok(st->monitor_commands == 1 && st->monitor_bytes > 200, "... counted: %" PRIu64 " command, %" PRIu64 " bytes",
	       st->monitor_commands, st->monitor_bytes);
	if (!err)
		iow_mtree_fini(&m);
	iow_error_destroy(err);
	err = iow_target_qemu_monitor(t, &yes, NULL);
	log = mon(t, "log");
	tap_ok(!err && yes && !strcmp(log, ""), "asking again costs nothing: %s", log);
	free(log);
	iow_target_destroy(t);

	t = adopt_stub(false, 2000, true);
	tap_ok(mon_is(t, "not-qemu", ""), "a stub that is not QEMU's (gdbserver answers qqemu.* with nothing)");
	free(mon(t, "log"));
	err = iow_qemu_mtree_read(t, &m);
	log = mon(t, "log");
	tap_ok(err && err->code == IOW_ERR_UNSUPPORTED && m.n == 0 &&
	       !strcmp(err->message, "QEMU's memory map is not available: the stub is not QEMU's (it does not "
				     "answer qqemu.Supported)"), "... has no QEMU memory map, said in one line: %s",
	       err ? err->message : "no error");
	tap_ok(!strcmp(log, "qqemu.Supported;"), "... and was sent no qRcmd: %s", log);
	free(log);
	iow_error_destroy(err);
	iow_target_destroy(t);
}

static void test_broken(void)
{
	struct iow_target *t;
	double t0, dt;

	t = adopt_stub(false, 300, false);
	t0 = now_s();
	tap_ok(fails_with(read_err(t, IOW_SPACE_VIRT, SILENT, 8), IOW_ERR_TIMEOUT,
			  "did not answer within 300 ms (waiting for the reply to 'm40000,"),
	       "a silent stub: a timeout naming the request");
	dt = now_s() - t0;
	tap_ok(dt >= 0.25 && dt < 2, "... after the timeout (%.2f s)", dt);
	tap_ok(fails_with(read_err(t, IOW_SPACE_VIRT, 0x10000, 8), IOW_ERR_IO,
			  "unusable after an earlier error"),
	       "the connection is not used again: a late reply could be taken for another");
	iow_target_destroy(t);

	t = adopt_stub(true, 2000, false);
	tap_ok(fails_with(read_err(t, IOW_SPACE_VIRT, CLOSE, 8), IOW_ERR_IO,
			  "closed the connection"),
	       "a stub that hangs up: the stub closed the connection");
	tap_ok(fails_with(iow_target_read_reg(t, "rip", &(uint64_t){ 0 }), IOW_ERR_IO, "unusable"),
	       "... and the next request fails at once");
	iow_target_destroy(t);

	t = adopt_stub(false, 2000, false);
	tap_ok(fails_with(read_err(t, IOW_SPACE_VIRT, FLOOD, 8), IOW_ERR_PROTOCOL, "garbage"),
	       "a flood of garbage is cut off");
	iow_target_destroy(t);
}

static void test_connect_errors(void)
{
	struct iow_gdbstub_opts opts = { .timeout_ms = 1000 };
	struct iow_target *t = NULL;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	char addr[64];
	int fd;

	tap_ok(fails_with(iow_gdbstub_connect("no-port-here", &opts, &t), IOW_ERR_INVALID,
			  "neither HOST:PORT"), "an address without a port is refused");
	tap_ok(fails_with(iow_gdbstub_connect("127.0.0.1:99999", &opts, &t), IOW_ERR_INVALID,
			  "neither"), "a port out of range is refused");
	tap_ok(fails_with(iow_gdbstub_connect("/nonexistent/gdb.sock", &opts, &t), IOW_ERR_IO,
			  "No such file"), "a missing unix socket: I/O error");
	/* a port nobody listens on: bind one, and close it */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len))
		exit(99);
	close(fd);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sin.sin_port));
	tap_ok(fails_with(iow_gdbstub_connect(addr, &opts, &t), IOW_ERR_IO, "refused"),
	       "a closed port: connection refused");
	snprintf(addr, sizeof(addr), "[::1]:%d", ntohs(sin.sin_port));
	tap_ok(fails_with(iow_gdbstub_connect(addr, &opts, &t), IOW_ERR_IO, "cannot connect"),
	       "a bracketed IPv6 address is understood");
	tap_ok(t == NULL, "nothing is returned on failure");
}

/* Pipelined reads (iow_target_prefetch): sent together, answered in order,
 * in ack mode as QEMU 7.2 keeps it; a damaged reply costs only its own
 * read; a stub that is not QEMU gets none. */
static void test_pipeline(void)
{
	struct iow_target *t = adopt_stub(true, 2000, true);
	const struct iow_target_stats *st = iow_target_stats(t);
	const uint64_t addrs[] = { 0x10000, 0x11040, 0x12f80, 0x25000, BADSUM, 0x11050 };
	const size_t lens[] = { 8, 64, 64, 8, 8, 16 };
	uint64_t rt, pk;
	char *log;

	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x1f000, 8), "pipeline: a first read (the stub's mode is learnt)");
	free(mon(t, "log"));
	tap_ok(iow_target_can_prefetch(t), "... QEMU's stub takes pipelined reads, even in ack mode");
	rt = st->round_trips;
	pk = st->packets;
	iow_target_prefetch(t, IOW_SPACE_VIRT, addrs, lens, 6);
	tap_ok(st->round_trips == rt + 1 && st->packets == pk + 5,
	       "six ranges in five reads (two share one), one round trip: %" PRIu64 " rt, %" PRIu64
	       " packets", st->round_trips - rt, st->packets - pk);
	log = mon(t, "log");
	tap_ok(!strcmp(log, "m10000,100;m11000,100;m12f00,100;m25000,100;m70000,100;"),
	       "... the aligned blocks around each, in order: %s", log);
	free(log);
	tap_ok(iow_target_cached(t, IOW_SPACE_VIRT, 0x11000, 0x100) &&
		       iow_target_cached(t, IOW_SPACE_VIRT, 0x12f00, 0x100) &&
		       !iow_target_cached(t, IOW_SPACE_VIRT, 0x12f00, 0x101) &&
		       !iow_target_cached(t, IOW_SPACE_VIRT, 0x25000, 8) &&
		       !iow_target_cached(t, IOW_SPACE_VIRT, BADSUM, 8) &&
		       !iow_target_cached(t, IOW_SPACE_PHYS, 0x10000, 8),
	       "the cache holds what came, and only that");
	rt = st->round_trips;
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x10000, 8) && read_ok(t, IOW_SPACE_VIRT, 0x11040, 64) &&
		       read_ok(t, IOW_SPACE_VIRT, 0x12f80, 64) && read_ok(t, IOW_SPACE_VIRT, 0x11050, 16),
	       "what came is right");
	tap_ok(st->round_trips == rt, "... and read from the cache");
	tap_ok(fails_at(read_err(t, IOW_SPACE_VIRT, 0x25000, 8), IOW_ERR_FAULT, 0x25000),
	       "a range the stub refused (E14) fails when it is read, at its address");
	rt = st->round_trips;
	tap_ok(read_ok(t, IOW_SPACE_VIRT, BADSUM, 8) && st->round_trips == rt + 1,
	       "the damaged reply was not taken: the read asks again, and gets it");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x13000, 8), "the connection is in step afterwards");

	/* as many as a group holds, and more */
	{
		uint64_t many[80];
		size_t ml[80], i;

		for (i = 0; i < 80; i++) {
			many[i] = 0x14000 + i * 0x100;
			ml[i] = 8;
		}
		rt = st->round_trips;
		pk = st->packets;
		iow_target_prefetch(t, IOW_SPACE_VIRT, many, ml, 80);
		tap_ok(st->packets - pk == 80 && st->round_trips - rt == 2,
		       "80 reads in groups of 64: 2 round trips (%" PRIu64 ")", st->round_trips - rt);
		rt = st->round_trips;
		for (i = 0; i < 80; i++)
			if (!read_ok(t, IOW_SPACE_VIRT, many[i], 8))
				break;
		tap_ok(i == 80 && st->round_trips == rt, "... all of them right, from the cache");
	}

	/* physical: inside one switch to physical mode */
	free(mon(t, "log"));
	{
		const uint64_t pa[] = { 0x18000, 0x19000 };
		const size_t pl[] = { 8, 8 };

		iow_target_prefetch(t, IOW_SPACE_PHYS, pa, pl, 2);
		log = mon(t, "log");
		tap_ok(!strcmp(log, "Qqemu.PhyMemMode:1;m18000,100;m19000,100;Qqemu.PhyMemMode:0;"),
		       "physical ranges: one switch there and back around them: %s", log);
		free(log);
		rt = st->round_trips;
		tap_ok(read_ok(t, IOW_SPACE_PHYS, 0x18000, 8) && read_ok(t, IOW_SPACE_PHYS, 0x19000, 8) &&
			       st->round_trips == rt, "... the physical bytes, from the cache");
	}

	/* a '-' to one of them: which one is unknown, so nothing more is sent */
	{
		const uint64_t na[] = { 0x1a000, NACK };
		const size_t nl[] = { 8, 8 };

		iow_target_prefetch(t, IOW_SPACE_VIRT, na, nl, 2);
		tap_ok(fails_with(read_err(t, IOW_SPACE_VIRT, 0x1b000, 8), IOW_ERR_IO,
				  "rejected one of 2 pipelined requests"),
		       "a '-' to a pipelined request: the connection is given up, saying why");
	}
	iow_target_destroy(t);

	t = adopt_stub(true, 2000, true);
	st = iow_target_stats(t);
	tap_ok(mon_is(t, "not-qemu", ""), "a stub that is not QEMU's");
	tap_ok(read_ok(t, IOW_SPACE_VIRT, 0x1f000, 8), "... reads");
	tap_ok(!iow_target_can_prefetch(t), "... but takes no pipelined reads");
	free(mon(t, "log"));
	pk = st->packets;
	iow_target_prefetch(t, IOW_SPACE_VIRT, addrs, lens, 3);
	tap_ok(st->packets == pk, "... and a prefetch sends nothing");
	iow_target_destroy(t);
}

int main(void)
{
	atexit(cleanup);
	test_handshake_and_memory();
	test_ack_mode();
	test_phys();
	test_pipeline();
	test_qemu_mtree();
	test_broken();
	test_connect_errors();
	return tap_done();
}
