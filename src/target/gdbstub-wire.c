/* gdbstub-wire: the connection under the gdbstub back end; see
 * gdbstub-wire.h.
 *
 * Framing, checksums and escapes are rsp/rsp.c's; this file owns the
 * socket: a timeout on every wait, acknowledgements while the stub wants
 * them, retries and garbage within bounds, and a connection that, once it
 * has timed out or lost its framing, refuses further use rather than risk
 * taking a late reply for the answer to a new request.  Writes never raise
 * SIGPIPE, and the process's signal dispositions are left alone (this code
 * may run inside GDB).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "target/gdbstub-wire.h"

#define MAX_JUNK 65536           /* garbage bytes skipped while waiting for one reply */
#define MAX_BAD_PACKETS 8        /* damaged packets per request */
#define MAX_RESENDS 3            /* times one request is sent again after a '-' */
#define SETTLE_MS 200            /* silence that ends a resent request's extra replies */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- the connection's health --- */

/* Mark the connection unusable, for the reason ERR gives; returns ERR. */
static struct iow_error *poison(struct iow_gdbstub *g, struct iow_error *err)
{
	if (!g->broken) {
		g->broken = true;
		g->why = strdup(err == &iow_error_nomem ? "out of memory" : err->message);
	}
	return err;
}

static struct iow_error *check_usable(struct iow_gdbstub *g)
{
	if (g->broken)
		return iow_error_create(IOW_ERR_IO, "the connection to the stub at %s is unusable "
					"after an earlier error (%s)",
					g->where, g->why ? g->why : "out of memory");
	return NULL;
}

/* The end of the connection, met while DOING ("sending", "waiting for")
 * WHAT. */
static struct iow_error *closed(struct iow_gdbstub *g, int errnum, const char *doing,
				const char *what)
{
	struct iow_error *err;

	err = iow_error_create(IOW_ERR_IO, "the stub at %s closed the connection (%s %s%s%s)",
			       g->where, doing, what, errnum ? ": " : "",
			       errnum ? strerror(errnum) : "");
	if (err != &iow_error_nomem)
		err->errnum = errnum;
	return poison(g, err);
}

/* --- bytes on the wire --- */

/* write() to a pipe or terminal without letting a reader that went away
 * kill the process with SIGPIPE, and without touching the process's signal
 * disposition (this may run inside GDB): hold SIGPIPE back in this thread,
 * write, and take back a SIGPIPE that this write raised. */
static ssize_t write_nosigpipe(int fd, const void *p, size_t len)
{
	static const struct timespec zero;
	sigset_t set, old, pending;
	bool was_pending;
	ssize_t n;
	int saved;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	n = write(fd, p, len);
	saved = errno;
	if (n < 0 && saved == EPIPE && !was_pending)
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

/* Wait until FD is ready for EVENTS or DEADLINE passes: 1 ready, 0 timed
 * out, -1 error (errno). */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

struct iow_error *iow_gdbstub_wire_send(struct iow_gdbstub *g, const void *p, size_t len,
					const char *what)
{
	int64_t deadline = now_ms() + g->timeout_ms;
	const uint8_t *s = p;
	ssize_t n;
	int r;

	while (len) {
		if (g->is_socket)
			n = send(g->fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		else
			n = write_nosigpipe(g->fd, s, len);
		if (n > 0) {
			g->t.stats.bytes_sent += (uint64_t)n;
			s += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOTSOCK) {
			g->is_socket = false;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			r = wait_fd(g->fd, POLLOUT, deadline);
			if (r > 0)
				continue;
			if (r == 0)
				return poison(g, iow_error_create(IOW_ERR_TIMEOUT, "the stub at "
								  "%s took no data for %d ms "
								  "(sending %s)", g->where,
								  g->timeout_ms, what));
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return closed(g, errno, "sending", what);
		return poison(g, iow_error_errno(errno, "sending %s to the stub at %s", what,
						 g->where));
	}
	return NULL;
}

/* Refill the input buffer (it must be used up), waiting until DEADLINE. */
static struct iow_error *recv_more(struct iow_gdbstub *g, int64_t deadline, const char *what)
{
	ssize_t n;
	int r;

	for (;;) {
		r = wait_fd(g->fd, POLLIN, deadline);
		if (r == 0)
			return poison(g, iow_error_create(IOW_ERR_TIMEOUT, "the stub at %s did not "
							  "answer within %d ms (waiting for %s)",
							  g->where, g->timeout_ms, what));
		if (r < 0)
			return poison(g, iow_error_errno(errno, "waiting for the stub at %s",
							 g->where));
		if (g->is_socket)
			n = recv(g->fd, g->in, sizeof(g->in), MSG_DONTWAIT);
		else
			n = read(g->fd, g->in, sizeof(g->in));
		if (n > 0) {
			g->t.stats.bytes_received += (uint64_t)n;
			g->in_pos = 0;
			g->in_len = (size_t)n;
			return NULL;
		}
		if (n == 0)
			return closed(g, 0, "waiting for", what);
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		if (errno == ECONNRESET || errno == EPIPE)
			return closed(g, errno, "waiting for", what);
		return poison(g, iow_error_errno(errno, "reading from the stub at %s", g->where));
	}
}

/* The next event of the incoming stream.  Its payload stays valid until
 * the next call. */
static struct iow_error *next_event(struct iow_gdbstub *g, int64_t deadline, const char *what,
				    struct iow_rsp_event *ev)
{
	struct iow_error *err;
	size_t n;

	for (;;) {
		n = iow_rsp_decoder_feed(&g->dec, g->in + g->in_pos, g->in_len - g->in_pos, ev);
		g->in_pos += n;
		if (ev->type != IOW_RSP_EV_NONE)
			return NULL;
		err = recv_more(g, deadline, what);
		if (err)
			return err;
	}
}

/* --- one request, one reply --- */

/* A request as messages name it: "'mffffffff81000000,800'", or "the
 * monitor command 'info mtree'", printable and short. */
static void describe(char *out, size_t size, const char *req, size_t len)
{
	uint8_t text[40];
	size_t i, n, o, hexlen;

	if (len > 6 && !memcmp(req, "qRcmd,", 6)) {
		hexlen = len - 6 < 2 * (sizeof(text) - 1) ? len - 6 : 2 * (sizeof(text) - 1);
		if (iow_rsp_hex_decode(req + 6, hexlen & ~(size_t)1, text, sizeof(text) - 1, &n)) {
			for (i = 0; i < n; i++)
				if (text[i] < ' ' || text[i] > '~')
					text[i] = '?';
			snprintf(out, size, "the monitor command '%.*s%s'", (int)n, (char *)text,
				 len - 6 > 2 * n ? "..." : "");
			return;
		}
	}
	o = 0;
	out[o++] = '\'';
	for (i = 0; i < len && o + 5 < size; i++)
		out[o++] = req[i] >= ' ' && req[i] <= '~' ? req[i] : '?';
	snprintf(out + o, size - o, "%s'", i < len ? "..." : "");
}

/* Console output ("O" + hex) of a monitor command, kept up to IOW_GDBSTUB_MAX_CONSOLE. */
static struct iow_error *keep_console(struct iow_gdbstub *g, const uint8_t *p, size_t len)
{
	struct iow_buf *out = g->console;
	struct iow_error *err;
	size_t n = (len - 1) / 2;

	if (out->len + n > IOW_GDBSTUB_MAX_CONSOLE) {
		g->console_cut = true;
		return NULL;
	}
	err = iow_buf_reserve(out, n);
	if (err)
		return err;
	/* classify() said CONSOLE, so this decodes */
	iow_rsp_reply_console(p, len, out->data + out->len, n, &n);
	out->len += n;
	return NULL;
}

/* One request under way: its names for messages, and what has gone wrong
 * so far, within bounds. */
struct exchange {
	char name[72];  /* "'mffffffff81000000,800'" */
	char what[96];  /* "the reply to 'mffffffff81000000,800'" */
	int resends;    /* '-' from the stub */
	int bad;        /* damaged packets from the stub */
	size_t junk;    /* bytes outside packets */
	bool done;      /* the reply is in */
	bool in_step;   /* failed, but no reply is outstanding */
};

/* A whole, intact packet: acknowledge it, then take it as the reply,
 * collect it as console output, or skip it (a stop reply). */
static struct iow_error *good_packet(struct iow_gdbstub *g, struct exchange *x,
				     const struct iow_rsp_event *ev, struct iow_gdbstub_reply *r)
{
	struct iow_error *err;

	if (g->ack_mode) {
		err = iow_gdbstub_wire_send(g, "+", 1, "an acknowledgement");
		if (err)
			return err;
	}
	r->kind = iow_rsp_reply_classify(ev->payload, ev->payload_len, &r->code);
	if (r->kind == IOW_RSP_REPLY_STOP && (ev->payload[0] == 'W' || ev->payload[0] == 'X'))
		return iow_error_create(IOW_ERR_IO, "the stub at %s says the program is gone (%s)",
					g->where, (const char *)ev->payload);
	if (r->kind == IOW_RSP_REPLY_STOP)
		return NULL;
	if (r->kind == IOW_RSP_REPLY_CONSOLE)
		return g->console ? keep_console(g, ev->payload, ev->payload_len) : NULL;
	iow_buf_reset(&g->reply);
	err = iow_buf_append(&g->reply, ev->payload, ev->payload_len);
	if (err)
		return err;
	r->data = (const uint8_t *)iow_buf_str(&g->reply);
	r->len = g->reply.len;
	x->done = true;
	return NULL;
}

/* A damaged packet, or a broken one the decoder dropped (WHOLE false). */
static struct iow_error *bad_packet(struct iow_gdbstub *g, struct exchange *x, bool whole)
{
	if (++x->bad > MAX_BAD_PACKETS)
		return iow_error_create(IOW_ERR_PROTOCOL, "%d damaged packets from the stub at %s "
					"(waiting for %s)", x->bad, g->where, x->what);
	/* while acks are on, the stub sends it again */
	if (g->ack_mode)
		return iow_gdbstub_wire_send(g, "-", 1, "a negative acknowledgement");
	if (!whole)
		return NULL;
	/* No acks, no second copy: this request failed, but the stream is
	 * still in step. */
	x->in_step = true;
	return iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s sent %s with a bad checksum",
				g->where, x->what);
}

/* Bytes outside packets (or a '-' without acks) while waiting: skipped,
 * within bounds. */
static struct iow_error *junk(struct iow_gdbstub *g, struct exchange *x,
			      const struct iow_rsp_event *ev)
{
	x->junk += ev->type == IOW_RSP_EV_JUNK ? ev->raw_len : 1;
	if (x->junk <= MAX_JUNK)
		return NULL;
	return iow_error_create(IOW_ERR_PROTOCOL, "more than %d bytes of garbage from the stub "
				"at %s (waiting for %s)", MAX_JUNK, g->where, x->what);
}

/* The stub said '-' to the request: send it again, a few times. */
static struct iow_error *resend(struct iow_gdbstub *g, struct exchange *x)
{
	if (++x->resends > MAX_RESENDS)
		return iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s rejected %s %d times",
					g->where, x->name, x->resends);
	return iow_gdbstub_wire_send(g, g->pkt.data, g->pkt.len, x->name);
}

/* The stub said '-' to a request, which was sent again.  If the first copy
 * reached it after all (a '-' that was noise), a second reply is on its
 * way, and it must never be taken for the answer to the next request: skip
 * (and acknowledge) what comes until the stream has been quiet for
 * SETTLE_MS, within the timeout. */
static struct iow_error *settle(struct iow_gdbstub *g, const char *what)
{
	int64_t end = now_ms() + g->timeout_ms, quiet = now_ms() + SETTLE_MS;
	struct iow_rsp_event ev;
	struct iow_error *err;
	size_t n;
	int r;

	for (;;) {
		n = iow_rsp_decoder_feed(&g->dec, g->in + g->in_pos, g->in_len - g->in_pos, &ev);
		g->in_pos += n;
		if (ev.type == IOW_RSP_EV_PACKET) {
			if (g->ack_mode && ev.checksum_ok) {
				err = iow_gdbstub_wire_send(g, "+", 1, "an acknowledgement");
				if (err)
					return err;
			}
			quiet = now_ms() + SETTLE_MS;
			continue;
		}
		if (ev.type != IOW_RSP_EV_NONE)
			continue;
		if (now_ms() >= end)
			return poison(g, iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s did not "
							  "fall silent within %d ms after %s",
							  g->where, g->timeout_ms, what));
		r = wait_fd(g->fd, POLLIN, quiet < end ? quiet : end);
		if (r < 0)
			return poison(g, iow_error_errno(errno, "waiting for the stub at %s",
							 g->where));
		if (r == 0 && now_ms() >= quiet)
			return NULL;
		if (r > 0) {
			err = recv_more(g, end, what);
			if (err)
				return err;
		}
	}
}

/* In a pipeline of N requests, trouble while waiting for one reply: a
 * damaged reply fails only its request (*DAMAGED) and the stream stays in
 * step; a '-' or a packet the decoder dropped ends them all. */
static struct iow_error *pipeline_trouble(struct iow_gdbstub *g, struct exchange *x,
					  const struct iow_rsp_event *ev, size_t n, bool *damaged)
{
	if (ev->type == IOW_RSP_EV_PACKET) {
		/* No '-' even with acks: the stub would send its last packet
		 * again, which may be a later reply.  The read that wants the
		 * data asks again alone. */
		*damaged = x->done = true;
		return g->ack_mode ? iow_gdbstub_wire_send(g, "+", 1, "an acknowledgement") : NULL;
	}
	if (ev->type == IOW_RSP_EV_NACK && g->ack_mode)
		/* The stub drops a request it says '-' to; which of them is
		 * not worth the guess on a line that damages packets. */
		return iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s rejected one of %zu "
					"pipelined requests", g->where, n);
	if (ev->type == IOW_RSP_EV_ERROR)
		/* which request it answered is no longer certain */
		return iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s sent a broken packet (%s)",
					g->where, x->what);
	return ev->type != IOW_RSP_EV_ACK ? junk(g, x, ev) : NULL;
}

/* Wait for the reply to X's request into R, until *DEADLINE (moved on by
 * every intact packet: console output may take long in all).  Alone
 * (PIPELINED 0), a damaged reply is asked for again and a '-' resends the
 * request; in a pipeline of PIPELINED requests, see pipeline_trouble. */
static struct iow_error *await_reply(struct iow_gdbstub *g, struct exchange *x, int64_t *deadline,
				     struct iow_gdbstub_reply *r, size_t pipelined, bool *damaged)
{
	struct iow_rsp_event ev;
	struct iow_error *err = NULL;

	x->done = false;
	while (!err && !x->done) {
		if ((err = next_event(g, *deadline, x->what, &ev)))
			break;
		if (ev.type == IOW_RSP_EV_PACKET && ev.checksum_ok) {
			*deadline = now_ms() + g->timeout_ms;
			err = good_packet(g, x, &ev, r);
		} else if (pipelined) {
			err = pipeline_trouble(g, x, &ev, pipelined, damaged);
		} else if (ev.type == IOW_RSP_EV_PACKET || ev.type == IOW_RSP_EV_ERROR) {
			err = bad_packet(g, x, ev.type == IOW_RSP_EV_PACKET);
		} else if (ev.type == IOW_RSP_EV_NACK && g->ack_mode) {
			err = resend(g, x);
		} else if (ev.type != IOW_RSP_EV_ACK) {
			err = junk(g, x, &ev);
		}
	}
	return err;
}

struct iow_error *iow_gdbstub_wire_transact(struct iow_gdbstub *g, const char *req,
					    size_t reqlen, struct iow_gdbstub_reply *r)
{
	struct exchange x = { .done = false };
	struct iow_error *err;
	int64_t deadline;

	err = check_usable(g);
	if (err)
		return err;
	describe(x.name, sizeof(x.name), req, reqlen);
	snprintf(x.what, sizeof(x.what), "the reply to %s", x.name);
	iow_buf_reset(&g->pkt);
	err = iow_rsp_encode(&g->pkt, req, reqlen, IOW_RSP_TEXT);
	if (err)
		return err;
	g->t.stats.round_trips++;
	g->t.stats.packets++;
	err = iow_gdbstub_wire_send(g, g->pkt.data, g->pkt.len, x.name);
	deadline = now_ms() + g->timeout_ms;
	if (!err)
		err = await_reply(g, &x, &deadline, r, 0, NULL);
	if (!err && x.resends)
		err = settle(g, x.what);
	/* Whatever went wrong, a reply that is still to come must never be
	 * taken for the answer to the next request. */
	if (err && !x.in_step)
		poison(g, err);
	return err;
}

/* --- several requests, their replies in order --- */

struct iow_error *iow_gdbstub_wire_pipeline(struct iow_gdbstub *g, const char *const *reqs,
					    const size_t *lens, size_t n,
					    void (*each)(void *ctx, size_t i,
							 const struct iow_gdbstub_reply *r),
					    void *ctx)
{
	struct exchange x = { .done = false };
	struct iow_error *err;
	struct iow_gdbstub_reply r;
	int64_t deadline;
	size_t i;

	if ((err = check_usable(g)))
		return err;
	if (!n)
		return NULL;
	/* All the requests in one write: they are small (a few dozen bytes
	 * each, and the caller keeps N bounded), so the write never waits on
	 * a stub that is itself blocked on writing replies nobody reads. */
	iow_buf_reset(&g->pkt);
	for (i = 0; i < n; i++)
		if ((err = iow_rsp_encode(&g->pkt, reqs[i], lens[i], IOW_RSP_TEXT)))
			return err;
	describe(x.name, sizeof(x.name), reqs[0], lens[0]);
	snprintf(x.what, sizeof(x.what), "the replies to %zu pipelined requests", n);
	g->t.stats.round_trips++;
	g->t.stats.packets += n;
	err = iow_gdbstub_wire_send(g, g->pkt.data, g->pkt.len, x.what);
	deadline = now_ms() + g->timeout_ms;
	for (i = 0; i < n && !err; i++) {
		bool damaged = false;

		err = await_reply(g, &x, &deadline, &r, n, &damaged);
		if (!err)
			each(ctx, i, damaged ? NULL : &r);
	}
	/* Replies still to come must never be taken for the answers to later
	 * requests. */
	if (err)
		poison(g, err);
	return err;
}

/* --- connecting --- */

/* connect() on non-blocking FD, waiting until DEADLINE; errno-style result. */
static int connect_by(int fd, const struct sockaddr *sa, socklen_t len, int64_t deadline)
{
	socklen_t elen = sizeof(int);
	int r, e = 0;

	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return errno;
	r = wait_fd(fd, POLLOUT, deadline);
	if (r == 0)
		return ETIMEDOUT;
	if (r < 0)
		return errno;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
		return errno;
	return e;
}

static struct iow_error *connect_unix(struct iow_gdbstub *g, const char *path, int64_t deadline)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, e;

	if (!*path || strlen(path) >= sizeof(sun.sun_path))
		return iow_error_create(IOW_ERR_INVALID, "'%s' cannot be a unix socket path", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return iow_error_errno(errno, "cannot make a socket");
	e = connect_by(fd, (struct sockaddr *)&sun, sizeof(sun), deadline);
	if (e) {
		close(fd);
		if (e == ETIMEDOUT)
			return iow_error_create(IOW_ERR_TIMEOUT, "connecting to %s timed out "
						"after %d ms", path, g->timeout_ms);
		return iow_error_errno(e, "cannot connect to the stub at %s", path);
	}
	g->fd = fd;
	return NULL;
}

static struct iow_error *connect_tcp(struct iow_gdbstub *g, const char *addr, int64_t deadline)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai, *list = NULL;
	struct iow_error *err = NULL;
	const char *colon, *port;
	char host[256];
	size_t hlen;
	int fd, e = 0, one = 1, r;

	colon = strrchr(addr, ':');
	if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5 || atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)
		return iow_error_create(IOW_ERR_INVALID, "'%s' is neither HOST:PORT nor a unix "
					"socket", addr);
	port = colon + 1;
	hlen = (size_t)(colon - addr);
	if (hlen >= 2 && addr[0] == '[' && addr[hlen - 1] == ']') {
		addr++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return iow_error_create(IOW_ERR_INVALID, "the host name in '%s' is too long", addr);
	memcpy(host, addr, hlen);
	host[hlen] = '\0';
	r = getaddrinfo(hlen ? host : "localhost", port, &hints, &list);
	if (r)
		return iow_error_create(IOW_ERR_IO, "cannot look up '%s': %s",
					hlen ? host : "localhost",
					r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
	for (ai = list; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		e = connect_by(fd, ai->ai_addr, ai->ai_addrlen, deadline);
		if (!e) {
			/* small request, small reply: never wait for Nagle */
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			g->fd = fd;
			break;
		}
		close(fd);
		if (e == ETIMEDOUT)
			break;
	}
	freeaddrinfo(list);
	if (g->fd >= 0)
		return NULL;
	if (e == ETIMEDOUT)
		err = iow_error_create(IOW_ERR_TIMEOUT, "connecting to %s timed out after %d ms",
				       g->where, g->timeout_ms);
	else
		err = iow_error_errno(e ? e : ECONNREFUSED, "cannot connect to the stub at %s",
				      g->where);
	return err;
}

struct iow_error *iow_gdbstub_wire_open(struct iow_gdbstub *g, const char *addr)
{
	int64_t deadline = now_ms() + g->timeout_ms;
	struct stat st;

	if (!strncmp(addr, "unix:", 5))
		return connect_unix(g, addr + 5, deadline);
	if (!strncmp(addr, "tcp:", 4))
		return connect_tcp(g, addr + 4, deadline);
	if (strchr(addr, '/') || (stat(addr, &st) == 0 && S_ISSOCK(st.st_mode)))
		return connect_unix(g, addr, deadline);
	return connect_tcp(g, addr, deadline);
}

struct iow_error *iow_gdbstub_dial(const char *addr, int timeout_ms, int *fd)
{
	struct iow_gdbstub g;
	struct iow_error *err;

	/* Only the connect path of the wire: no handshake, nothing sent. */
	memset(&g, 0, sizeof(g));
	g.fd = -1;
	g.timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	g.where = (char *)addr;
	err = iow_gdbstub_wire_open(&g, addr);
	*fd = err ? -1 : g.fd;
	return err;
}
