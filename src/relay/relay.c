/* relay: see relay.h.  Here: the I/O on both connections, a command's
 * session and output, and the loop.  What the relay makes of the bytes it
 * watches is traffic.c, of a command line line.c (both without I/O).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands/commands.h"
#include "relay/internal.h"
#include "relay/relay.h"
#include "rsp/rsp.h"

#define CHUNK 65536
#define O_TEXT_MAX 1024      /* text bytes per O packet */

struct relay {
	const struct iow_relay_opts *o;
	struct iow_relay_traffic t;
	struct iow_buf backlog;  /* bytes GDB sent while a command ran */
	struct iow_buf out;      /* command output not yet sent */
	bool interrupted;
	bool abandoned;          /* GDB stopped waiting for the command's reply */
	bool stopping;           /* stop_fd fired while a command ran */
	bool gdb_gone;
	struct iow_session s;
	bool s_ack;              /* the ack mode the session's target was made with */
	char *vmlinux;
};

/* --- I/O -------------------------------------------------------------------- */

static struct iow_error *write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		struct stat st;
		ssize_t n;

		/* MSG_NOSIGNAL on sockets: a vanished peer is an error, not a
		 * SIGPIPE that would kill GDB (in-process) or us. */
		if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
			n = send(fd, p, len, MSG_NOSIGNAL);
		else
			n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			poll(&pfd, 1, 1000);
			continue;
		}
		if (n <= 0)
			return iow_error_errno(errno ? errno : EPIPE, "writing to descriptor %d", fd);
		p += n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct iow_error *to_gdb_raw(struct relay *r, const void *p, size_t n)
{
	struct iow_error *err = write_all(r->o->gdb_out, p, n);

	if (err)
		r->gdb_gone = true;
	return err;
}

static struct iow_error *to_stub_raw(struct relay *r, const void *p, size_t n)
{
	return write_all(r->o->stub_fd, p, n);
}

/* A byte GDB sent while one of our commands runs, other than an ack.  A
 * 0x03 interrupts the command.  A '$' means GDB has given up on it: GDB's
 * monitor loop (remote.c, rcmd) answers Ctrl-C with a plain QUIT between
 * two O packets and tells the stub nothing, so the first we hear of it is
 * GDB's next packet.  That packet is kept for the main loop.  In ack mode
 * (QEMU's gdbstub never leaves it) at most one O packet is then in flight,
 * and GDB skips it; in no-ack mode, O packets sent before we hear of it
 * reach GDB as replies to its next packet: GDB gives us no way to know. */
static void gdb_byte_during_command(struct relay *r, uint8_t c)
{
	if (c == IOW_RSP_INTERRUPT) {
		r->interrupted = true;
		return;
	}
	if (c == '$')
		r->abandoned = true;
	iow_buf_putc(&r->backlog, c);
}

/* Wait for GDB's ack of the packet we just sent, in ack mode.  Other bytes
 * GDB sends meanwhile are kept for later; a 0x03 interrupts the command.
 * No timeout: a GDB that has quit the command (see above) acks nothing
 * until the user types the next command, however long that takes, and
 * giving up here used to kill the relay and GDB's connection with it.
 * Waiting ends when GDB acks, sends a packet, hangs up, or we are asked
 * to stop. */
static struct iow_error *wait_gdb_ack(struct relay *r, bool *resend)
{
	*resend = false;
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = r->o->gdb_in, .events = POLLIN },
			{ .fd = r->o->stop_fd, .events = POLLIN },
		};
		uint8_t c;
		ssize_t n;
		int rc = poll(pfd, r->o->stop_fd >= 0 ? 2 : 1, -1);

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return iow_error_errno(errno, "waiting for GDB's ack");
		if (r->o->stop_fd >= 0 && pfd[1].revents && !pfd[0].revents) {
			/* Unloading: stop the command; the main loop hands the
			 * connection back. */
			r->stopping = true;
			return NULL;
		}
		n = read(r->o->gdb_in, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->gdb_gone = true;
			return iow_error_create(IOW_ERR_IO, "GDB closed the connection");
		}
		if (c == '+')
			return NULL;
		if (c == '-') {
			*resend = true;
			return NULL;
		}
		gdb_byte_during_command(r, c);
		if (r->abandoned) {
			/* GDB will find the packet we just sent while it waits
			 * for the ack of its own, take it for a stale reply and
			 * ack it (remote.c, putpkt: "Packet instead of Ack"):
			 * that ack is ours to swallow, not the stub's. */
			r->t.stray_acks++;
			return NULL;
		}
	}
}

static struct iow_error *to_gdb_packet(struct relay *r, const void *payload, size_t len)
{
	struct iow_buf pkt;
	struct iow_error *err;
	int tries;

	if (r->abandoned || r->stopping)
		return NULL; /* nobody is waiting for it */
	iow_buf_init(&pkt);
	err = iow_rsp_encode(&pkt, payload, len, IOW_RSP_BINARY);
	for (tries = 0; !err && tries < 5; tries++) {
		bool resend;

		if ((err = to_gdb_raw(r, pkt.data, pkt.len)))
			break;
		if (!r->t.ack)
			break;
		if ((err = wait_gdb_ack(r, &resend)) || !resend)
			break;
	}
	iow_buf_fini(&pkt);
	return err;
}

/* --- command output as O packets ------------------------------------------- */

static struct iow_error *flush_out(struct relay *r)
{
	struct iow_error *err = NULL;
	size_t off = 0;

	while (!err && off < r->out.len) {
		size_t n = r->out.len - off > O_TEXT_MAX ? O_TEXT_MAX : r->out.len - off;
		struct iow_buf pl;

		iow_buf_init(&pl);
		err = iow_buf_putc(&pl, 'O');
		if (!err)
			err = iow_rsp_hex_encode(&pl, r->out.data + off, n);
		if (!err)
			err = to_gdb_packet(r, pl.data, pl.len);
		iow_buf_fini(&pl);
		off += n;
	}
	iow_buf_reset(&r->out);
	return err;
}

static bool sink_write(void *ctx, const char *s, size_t n)
{
	struct relay *r = ctx;
	struct iow_error *err;

	if (r->gdb_gone || r->interrupted || r->abandoned || r->stopping)
		return false;
	if (iow_buf_append(&r->out, s, n))
		return false;
	if (r->out.len < O_TEXT_MAX)
		return true;
	err = flush_out(r);
	if (err) {
		iow_error_destroy(err);
		return false;
	}
	return !r->interrupted && !r->abandoned && !r->stopping;
}

/* The target asks before each stub read: has GDB sent a Ctrl-C? */
static bool check_interrupt(void *ctx)
{
	struct relay *r = ctx;
	struct pollfd pfd = { .fd = r->o->gdb_in, .events = POLLIN };
	uint8_t buf[256];
	ssize_t n, i;

	while (!r->interrupted && !r->abandoned && poll(&pfd, 1, 0) > 0) {
		n = read(r->o->gdb_in, buf, sizeof(buf));
		if (n <= 0) {
			r->gdb_gone = true;
			return true;
		}
		for (i = 0; i < n; i++)
			gdb_byte_during_command(r, buf[i]);
	}
	return r->interrupted || r->abandoned || r->stopping || r->gdb_gone;
}

/* --- the command ----------------------------------------------------------- */

static void say(struct relay *r, struct iow_sink *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct relay *r, struct iow_sink *out, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	(void)r;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	iow_sink_puts(out, buf);
}

static struct iow_error *session(struct relay *r)
{
	struct iow_gdbstub_opts go = { .timeout_ms = r->o->timeout_ms ? r->o->timeout_ms : 5000,
				       .allow_phys = true, .packet_size = r->t.packet_size };
	struct iow_error *err, *changed = NULL;
	bool ran = false;
	int fd;

	if (r->s.target && r->s_ack != r->t.ack) {
		/* The ack mode changed under the session: start again. */
		iow_session_fini(&r->s);
	}
	if (!r->s.target) {
		fd = dup(r->o->stub_fd);
		if (fd < 0)
			return iow_error_errno(errno, "duplicating the stub connection");
		if ((err = iow_gdbstub_adopt(fd, r->t.ack, &go, &r->s.target)))
			return err;
		r->s_ack = r->t.ack;
		r->s.gdb_pid = r->o->gdb_pid;
		r->t.dirty = false;
	}
	r->s.target->interrupted = check_interrupt;
	r->s.target->interrupt_ctx = r;
	if (r->t.dirty) {
		iow_target_invalidate(r->s.target);
		r->t.dirty = false;
		ran = true;
	}
	if (r->t.mode_changed) {
		iow_gdbstub_forget_mode(r->s.target);
		r->t.mode_changed = false;
	}
	/* The guest ran: it may have rebooted (another KASLR offset) or
	 * kexec'd another kernel.  Then open it afresh, and find its vmlinux
	 * again unless one was named. */
	if (ran && r->s.kernel && (err = iow_kernel_check_same(r->s.kernel))) {
		if (err->code != IOW_ERR_MISMATCH || err == &iow_error_nomem)
			return err;
		changed = err;
		iow_kernel_destroy(r->s.kernel);
		r->s.kernel = NULL;
		if (!r->vmlinux) {
			iow_debuginfo_destroy(r->s.dbg);
			r->s.dbg = NULL;
		}
	}
	err = NULL;
	if (!r->s.dbg && r->vmlinux)
		err = iow_debuginfo_open(r->vmlinux, &r->s.dbg);
	if (!err)
		err = iow_session_open_kernel(&r->s, NULL);
	if (err && changed)
		err = iow_error_wrap(err, "%s; opening it again", changed->message);
	iow_error_destroy(changed);
	return err;
}

static void say_gdb_view(struct relay *r, struct iow_sink *out, uint64_t gdb_text, uint64_t text)
{
	say(r, out, "iomem-walk: GDB's symbols are not relocated for KASLR: the kernel runs %s0x%" PRIx64
		" from where GDB's symbols say.  To fix GDB's view:\n  symbol-file -o 0x%" PRIx64 " %s\n",
	    text >= gdb_text ? "+" : "-", text >= gdb_text ? text - gdb_text : gdb_text - text,
	    iow_kernel_layout(r->s.kernel)->kaslr_offset, iow_debuginfo_path(r->s.dbg));
}

/* `iomem-walk gdb-view [ADDR]`: what load-plugin sends once the relay is
 * on GDB's connection, with GDB's idea of &_text when GDB has the kernel's
 * symbols.  The answer is load-plugin's: that the relay is there (as
 * monitor output, which reaches MI front ends, unlike a message on GDB's
 * stderr), and, if GDB's symbols are not relocated for KASLR, the command
 * that fixes GDB's view.  A kernel that cannot be read yet (no matching
 * vmlinux, say) is said, not failed: the relay is loaded all the same, and
 * the next command may name the vmlinux. */
static struct iow_error *gdb_view(struct relay *r, const struct iow_relay_line *l, struct iow_sink *out)
{
	struct iow_error *err;
	uint64_t text;

	if (!l->quiet)
		say(r, out, "iomem-walk: relaying GDB's remote connection: try 'iomem-walk help'\n");
	if ((err = session(r))) {
		if (iow_error_is_link(err) || err == &iow_error_nomem)
			return err; /* the connection itself is in trouble */
		if (!l->quiet)
			say(r, out, "iomem-walk: note: the kernel cannot be read yet: %s\n", err->message);
		iow_error_destroy(err);
		return NULL;
	}
	if (!l->text.given || l->quiet)
		return NULL;
	if ((err = iow_kernel_symbol(r->s.kernel, "_text", &text)))
		return err;
	if (l->text.value != text)
		say_gdb_view(r, out, l->text.value, text);
	return NULL;
}

/* GDB had put the stub in physical mode, which our reads undid: put it
 * back, or say that GDB's reads now see virtual addresses. */
static struct iow_error *restore_gdb_mode(struct relay *r, struct iow_error *err)
{
	struct iow_error *e = iow_gdbstub_restore_mode(r->s.target);

	if (!e)
		return err;
	e = iow_error_wrap(e, "GDB had set Qqemu.PhyMemMode:1, and restoring it failed");
	if (!err)
		return e;
	iow_error_destroy(e);
	return err;
}

static struct iow_error *run_line(struct relay *r, char *line, struct iow_sink *out)
{
	struct iow_relay_line l;
	struct iow_error *err = iow_relay_parse_line(line, &l);
	struct timespec t0, t1;
	struct iow_target_stats before;

	if (l.c.g.vmlinux) {
		/* A new vmlinux: a new session.  Taken even when the line goes
		 * wrong after it, as it always was. */
		free(r->vmlinux);
		r->vmlinux = strdup(l.c.g.vmlinux);
		iow_session_fini(&r->s);
	}
	if (err)
		return err;
	if (l.c.help) {
		iow_usage(IOW_FRONT_GDB, l.c.cmd, out);
		return NULL;
	}
	if (l.gdb_view)
		return gdb_view(r, &l, out);
	if ((err = session(r)))
		return err;
	before = *iow_target_stats(r->s.target);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = l.c.cmd->run(&r->s, &l.c.args, out);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (l.c.g.stats && r->s.target)
		iow_stats_print(r->s.target, &before,
				(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, out);
	return err;
}

static struct iow_error *handle_command(struct relay *r, const struct iow_rsp_event *ev)
{
	char line[IOW_RELAY_LINE_MAX];
	struct iow_sink out = { .write = sink_write, .ctx = r };
	struct iow_error *err, *werr;

	/* A new command: whatever stopped the last one is over.  (GDB may
	 * give up on a command as late as while we wait for the ack of its
	 * final OK; left set, the flag would silence this one and GDB would
	 * wait for its reply for ever.) */
	r->interrupted = r->abandoned = false;
	if (r->t.ack && (err = to_gdb_raw(r, ev->checksum_ok ? "+" : "-", 1)))
		return err;
	if (!ev->checksum_ok)
		return NULL; /* GDB sends it again */
	if (!iow_relay_command_line(ev, line, sizeof(line)))
		return to_gdb_packet(r, "E01", 3);
	err = run_line(r, line, &out);
	if (r->s.target && !r->gdb_gone)
		err = restore_gdb_mode(r, err);
	if (r->gdb_gone) {
		iow_error_destroy(err);
		return iow_error_create(IOW_ERR_IO, "GDB closed the connection");
	}
	if (r->abandoned || r->stopping) {
		/* GDB no longer waits for this reply (it quit the command, or
		 * is unloading us): any more output, or the final OK, would be
		 * taken for the reply to its next packet.  Send nothing. */
		iow_error_destroy(err);
		iow_buf_reset(&r->out);
		r->abandoned = r->interrupted = false;
		return NULL;
	}
	if (r->interrupted) {
		iow_error_destroy(err);
		err = NULL;
		iow_buf_reset(&r->out);
		r->interrupted = false;
		/* The sink failed when the interrupt stopped the output: clear
		 * that first, or the notice is dropped too. */
		out.failed = false;
		iow_sink_puts(&out, "iomem-walk: interrupted\n");
	}
	if (err) {
		out.failed = false;
		iow_sink_printf(&out, "iomem-walk: %s\n", iow_error_message(err));
		/* A broken stub connection: the session starts afresh next time. */
		if (iow_error_is_link(err))
			iow_session_fini(&r->s);
	}
	if ((werr = flush_out(r))) {
		iow_error_destroy(err);
		return werr;
	}
	werr = err ? to_gdb_packet(r, "E01", 3) : to_gdb_packet(r, "OK", 2);
	iow_error_destroy(err);
	return werr;
}

/* The relay's ends of iow_relay_from_gdb(). */
static struct iow_error *traffic_to_stub(void *ctx, const void *p, size_t n)
{
	return to_stub_raw(ctx, p, n);
}

static struct iow_error *traffic_command(void *ctx, const struct iow_rsp_event *ev)
{
	return handle_command(ctx, ev);
}

static const struct iow_relay_traffic_ops traffic_ops = {
	.to_stub = traffic_to_stub,
	.command = traffic_command,
};

static struct iow_error *from_gdb(struct relay *r, const uint8_t *p, size_t len)
{
	return iow_relay_from_gdb(&r->t, p, len, &traffic_ops, r);
}

/* --- the loop -------------------------------------------------------------- */

static struct iow_error *drain_gdb_to_stub(struct relay *r)
{
	uint8_t buf[4096];
	struct iow_error *err = NULL;

	/* Whatever GDB sent and we hold, or have not read yet, goes on to the
	 * stub before we hand the connection back. */
	if (r->backlog.len)
		err = to_stub_raw(r, r->backlog.data, r->backlog.len);
	if (!err && r->t.pending.len)
		err = to_stub_raw(r, r->t.pending.data, r->t.pending.len);
	for (;;) {
		struct pollfd pfd = { .fd = r->o->gdb_in, .events = POLLIN };
		ssize_t n;

		if (err || poll(&pfd, 1, 0) <= 0)
			break;
		n = read(r->o->gdb_in, buf, sizeof(buf));
		if (n <= 0)
			break;
		err = to_stub_raw(r, buf, (size_t)n);
	}
	return err;
}

struct iow_error *iow_relay_run(const struct iow_relay_opts *o)
{
	struct relay r = { .o = o };
	struct iow_error *err = NULL;
	uint8_t *buf = malloc(CHUNK);
	bool hand_back = false;

	if (!buf)
		return &iow_error_nomem;
	if (o->vmlinux)
		r.vmlinux = strdup(o->vmlinux);
	iow_relay_traffic_init(&r.t, o->ack_mode);
	iow_buf_init(&r.backlog);
	iow_buf_init(&r.out);
	while (!err) {
		struct pollfd pfd[3] = {
			{ .fd = o->gdb_in, .events = POLLIN },
			{ .fd = o->stub_fd, .events = POLLIN },
			{ .fd = o->stop_fd, .events = POLLIN },
		};
		ssize_t n;
		int rc;

		if (r.backlog.len) {
			struct iow_buf b = r.backlog;

			iow_buf_init(&r.backlog);
			err = from_gdb(&r, b.data, b.len);
			iow_buf_fini(&b);
			continue;
		}
		rc = poll(pfd, o->stop_fd >= 0 ? 3 : 2, -1);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			err = iow_error_errno(errno, "poll");
			break;
		}
		if (o->stop_fd >= 0 && pfd[2].revents) {
			err = drain_gdb_to_stub(&r);
			hand_back = true;
			break;
		}
		if (pfd[1].revents) {
			n = read(o->stub_fd, buf, CHUNK);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) { /* the stub is gone: so is GDB's connection */
				if (n < 0)
					err = iow_error_errno(errno, "reading from the stub");
				break;
			}
			iow_relay_from_stub(&r.t, buf, (size_t)n);
			err = to_gdb_raw(&r, buf, (size_t)n);
			continue;
		}
		if (pfd[0].revents) {
			n = read(o->gdb_in, buf, CHUNK);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				break; /* GDB hung up */
			err = from_gdb(&r, buf, (size_t)n);
		}
	}
	/* Unless asked to hand the connection back (unload), it ends with us:
	 * GDB hung up, the stub did, or an error broke the relay (then GDB
	 * sees its connection close).  The plugin keeps a descriptor of the
	 * stub's socket to hand back on unload, so closing ours would not end
	 * the connection: shut it down, or the stub would go on serving a
	 * debugger that is gone and refuse GDB's next `target remote`. */
	if (!hand_back)
		shutdown(o->stub_fd, SHUT_RDWR);
	iow_session_fini(&r.s);
	free(r.vmlinux);
	iow_relay_traffic_fini(&r.t);
	iow_buf_fini(&r.backlog);
	iow_buf_fini(&r.out);
	free(buf);
	if (err && r.gdb_gone) {
		iow_error_destroy(err);
		err = NULL;
	}
	return err;
}
