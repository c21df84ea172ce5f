/* iow-fault-stub: an adversarial gdbstub for the tests.  It sits in front of
 * a real stub (QEMU's), passes the session through, and at the Nth packet
 * the client sends it misbehaves once, the way a broken or dying stub does:
 *
 *   badsum      the reply's checksum is wrong
 *   truncate    half the reply is sent, its end never comes
 *   oversize    the reply is a valid 4 MiB packet
 *   error       the reply is "E0e"
 *   wronglen    a hex reply loses its last byte (a valid packet)
 *   longer      a hex reply gains 16 bytes (a valid packet)
 *   rlebomb     the reply is run-length encoded to expand to ~40 MB
 *   garbage     random bytes (no '$') come before the reply
 *   delay       the reply comes DELAY ms late (default 3000)
 *   disconnect  both connections are closed instead of passing packet N on
 *   silence     packet N is swallowed; the stub never answers it
 *   none        nothing: counts and logs only
 *
 * After a one-shot fault the session goes on untouched, so a test can see
 * whether the client recovered or gave up cleanly.  N counts the client's
 * packets ($...#xx; acks and ^C are passed on and not counted) from the
 * start, or from the first packet that starts with --mark's text (say, the
 * first read of the IDT, which only iomem-walk's kernel layer sends).
 *
 * Usage: iow-fault-stub --upstream HOST:PORT --fault KIND [--at N]
 *            [--mark TEXT] [--delay MS] [--port-file FILE] [--log FILE]
 * It listens on a free 127.0.0.1 port, writes the port to --port-file (or
 * stdout), serves one client, and exits when either side closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

enum fault { F_NONE, F_BADSUM, F_TRUNCATE, F_OVERSIZE, F_ERROR, F_WRONGLEN, F_LONGER,
	     F_RLEBOMB, F_GARBAGE, F_DELAY, F_DISCONNECT, F_SILENCE };

static const char *const fault_names[] = {
	"none", "badsum", "truncate", "oversize", "error", "wronglen", "longer",
	"rlebomb", "garbage", "delay", "disconnect", "silence",
};

struct stream {
	unsigned char *buf;
	size_t len, cap;
};

static FILE *logfile;

static void die(const char *what)
{
	fprintf(stderr, "iow-fault-stub: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void append(struct stream *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2 + 4096;
		s->buf = realloc(s->buf, s->cap);
		if (!s->buf)
			die("realloc");
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void consume(struct stream *s, size_t n)
{
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
}

/* Write all of it; false when the peer is gone. */
static bool put(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;
	ssize_t w;

	while (n) {
		w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

/* The length of the first unit in S: a packet "$...#xx" or "%...#xx", or a
 * single byte (ack, nak, ^C, noise); 0 when a packet is not complete yet. */
static size_t unit_len(const struct stream *s)
{
	unsigned char *hash;

	if (!s->len)
		return 0;
	if (s->buf[0] != '$' && s->buf[0] != '%')
		return 1;
	hash = memchr(s->buf, '#', s->len);
	if (!hash || (size_t)(hash - s->buf) + 3 > s->len)
		return 0;
	return (size_t)(hash - s->buf) + 3;
}

static unsigned char checksum(const unsigned char *p, size_t n)
{
	unsigned char c = 0;

	while (n--)
		c = (unsigned char)(c + *p++);
	return c;
}

/* Frame BODY as "$BODY#xx" and send it. */
static bool put_packet(int fd, const unsigned char *body, size_t n)
{
	char tail[4];

	snprintf(tail, sizeof(tail), "#%02x", checksum(body, n));
	return put(fd, "$", 1) && put(fd, body, n) && put(fd, tail, 3);
}

static bool is_hex(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", p[i]))
			return false;
	return n > 0;
}

/* Send the reply PKT (a whole "$...#xx" unit) to FD, spoiled by FAULT. */
static bool spoil(int fd, enum fault fault, unsigned char *pkt, size_t n, int delay_ms)
{
	unsigned char *body = pkt + 1;
	size_t blen = n - 4, i;
	struct timespec ts;
	unsigned char *big;
	bool ok;

	switch (fault) {
	case F_BADSUM:
		pkt[n - 1] = pkt[n - 1] == '0' ? '1' : '0';
		return put(fd, pkt, n);
	case F_TRUNCATE:
		return put(fd, pkt, 1 + blen / 2);
	case F_OVERSIZE:
		big = malloc(4u << 20);
		if (!big)
			die("malloc");
		memset(big, '0', 4u << 20);
		ok = put_packet(fd, big, 4u << 20);
		free(big);
		return ok;
	case F_ERROR:
		return put_packet(fd, (const unsigned char *)"E0e", 3);
	case F_WRONGLEN:
		if (is_hex(body, blen) && blen >= 2)
			return put_packet(fd, body, blen - 2);
		return put(fd, pkt, n);
	case F_LONGER:
		if (is_hex(body, blen)) {
			big = malloc(blen + 32);
			if (!big)
				die("malloc");
			memcpy(big, body, blen);
			memset(big + blen, 'a', 32);
			ok = put_packet(fd, big, blen + 32);
			free(big);
			return ok;
		}
		return put(fd, pkt, n);
	case F_RLEBOMB:
		/* "0" then "0*~" (the 0 repeated 97 more times), over and over:
		 * 400 KiB on the wire, ~13 MB decoded. */
		big = malloc(3 * 140000 + 1);
		if (!big)
			die("malloc");
		big[0] = '0';
		for (i = 0; i < 140000; i++)
			memcpy(big + 1 + 3 * i, "0*~", 3);
		ok = put_packet(fd, big, 1 + 3 * 140000);
		free(big);
		return ok;
	case F_GARBAGE: {
		unsigned char junk[512];

		for (i = 0; i < sizeof(junk); i++) {
			junk[i] = (unsigned char)rand();
			if (junk[i] == '$' || junk[i] == '%' || junk[i] == '#')
				junk[i] = 'x';
		}
		return put(fd, junk, sizeof(junk)) && put(fd, pkt, n);
	}
	case F_DELAY:
		ts.tv_sec = delay_ms / 1000;
		ts.tv_nsec = (long)(delay_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		return put(fd, pkt, n);
	default:
		return put(fd, pkt, n);
	}
}

static int listen_any(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen))
		die("listen");
	*port = ntohs(a.sin_port);
	return fd;
}

static int dial(const char *hostport)
{
	char host[256], *colon;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai;
	int fd, one = 1;

	snprintf(host, sizeof(host), "%s", hostport);
	colon = strrchr(host, ':');
	if (!colon) {
		fprintf(stderr, "iow-fault-stub: --upstream HOST:PORT\n");
		exit(2);
	}
	*colon = 0;
	if (getaddrinfo(host, colon + 1, &hints, &ai)) {
		fprintf(stderr, "iow-fault-stub: cannot resolve %s\n", hostport);
		exit(2);
	}
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen))
		die("connect upstream");
	freeaddrinfo(ai);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void logunit(const char *dir, long n, const unsigned char *p, size_t len)
{
	if (!logfile)
		return;
	fprintf(logfile, "%s %ld %.*s%s\n", dir, n, (int)(len > 80 ? 80 : len), (const char *)p,
		len > 80 ? "..." : "");
	fflush(logfile);
}

int main(int argc, char **argv)
{
	const char *upstream = NULL, *mark = NULL, *port_file = NULL;
	enum fault fault = F_NONE;
	long at = 1, count = 0;
	int delay_ms = 3000, lfd, cfd, ufd, port, i, one = 1;
	bool counting, armed = false, done = false;
	struct stream from_client = { 0 }, from_stub = { 0 };
	unsigned char chunk[65536];
	struct pollfd pfd[2];
	size_t k, ulen;
	ssize_t r;
	FILE *pf;

	for (i = 1; i < argc; i += 2) { /* every option takes a value */
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t f;

		if (!v)
			goto usage;
		if (!strcmp(a, "--upstream"))
			upstream = v;
		else if (!strcmp(a, "--at"))
			at = strtol(v, NULL, 0);
		else if (!strcmp(a, "--mark"))
			mark = v;
		else if (!strcmp(a, "--delay"))
			delay_ms = atoi(v);
		else if (!strcmp(a, "--port-file"))
			port_file = v;
		else if (!strcmp(a, "--log")) {
			if (!(logfile = fopen(v, "w")))
				die(v);
		} else if (!strcmp(a, "--fault")) {
			for (f = 0; f < sizeof(fault_names) / sizeof(*fault_names); f++)
				if (!strcmp(v, fault_names[f]))
					break;
			if (f == sizeof(fault_names) / sizeof(*fault_names))
				goto usage;
			fault = (enum fault)f;
		} else
			goto usage;
	}
	if (!upstream || at < 1)
		goto usage;
	srand(1);
	lfd = listen_any(&port);
	if (port_file) {
		char tmp[4096];

		snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
		if (!(pf = fopen(tmp, "w")) || fprintf(pf, "%d\n", port) < 0 || fclose(pf) ||
		    rename(tmp, port_file))
			die(port_file);
	} else {
		printf("%d\n", port);
		fflush(stdout);
	}
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		die("accept");
	close(lfd);
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ufd = dial(upstream);
	counting = !mark;

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = cfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = ufd, .events = POLLIN };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (k = 0; k < 2; k++) {
			if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = recv(pfd[k].fd, chunk, sizeof(chunk), 0);
			if (r <= 0)
				goto out;
			append(k == 0 ? &from_client : &from_stub, chunk, (size_t)r);
		}
		/* The client's units, counted, on to the stub. */
		while ((ulen = unit_len(&from_client))) {
			bool pkt = from_client.buf[0] == '$';

			if (pkt && !counting && mark && ulen - 4 >= strlen(mark) &&
			    !memcmp(from_client.buf + 1, mark, strlen(mark)))
				counting = true;
			if (pkt && counting)
				count++;
			if (pkt)
				logunit(">", counting ? count : 0, from_client.buf, ulen);
			if (pkt && counting && count == at && !done) {
				done = true;
				if (fault == F_DISCONNECT) {
					logunit("!", count, (const unsigned char *)"disconnect", 10);
					goto out;
				}
				if (fault == F_SILENCE) {
					logunit("!", count, (const unsigned char *)"swallowed", 9);
					consume(&from_client, ulen);
					continue;
				}
				armed = fault != F_NONE;
			}
			if (!put(ufd, from_client.buf, ulen))
				goto out;
			consume(&from_client, ulen);
		}
		/* The stub's units on to the client, the armed reply spoiled. */
		while ((ulen = unit_len(&from_stub))) {
			bool pkt = from_stub.buf[0] == '$';

			if (pkt)
				logunit("<", count, from_stub.buf, ulen);
			if (pkt && armed) {
				armed = false;
				logunit("!", count, (const unsigned char *)fault_names[fault],
					strlen(fault_names[fault]));
				if (!spoil(cfd, fault, from_stub.buf, ulen, delay_ms))
					goto out;
			} else if (!put(cfd, from_stub.buf, ulen))
				goto out;
			consume(&from_stub, ulen);
		}
	}
out:
	close(cfd);
	close(ufd);
	if (logfile) {
		fprintf(logfile, "= %ld packets counted, fault %s %s\n", count, fault_names[fault],
			done ? "done" : "never reached");
		fclose(logfile);
	}
	free(from_client.buf);
	free(from_stub.buf);
	return 0;

usage:
	fprintf(stderr, "usage: iow-fault-stub --upstream HOST:PORT --fault KIND [--at N] "
		"[--mark TEXT] [--delay MS] [--port-file FILE] [--log FILE]\n"
		"KIND: none badsum truncate oversize error wronglen longer rlebomb garbage "
		"delay disconnect silence\n");
	return 2;
}
