/* gdbstub: the target back end that speaks GDB's remote protocol to a stub
 * (QEMU's gdbstub, gdbserver): memory with 'm', registers by the names and
 * numbers of the stub's own target description (with 'p', or out of 'g'
 * for stubs without it), guest-physical memory through QEMU's
 * qemu.PhyMemMode, and monitor commands with qRcmd.  The socket, acks,
 * timeouts and retries are gdbstub-wire.c's, the registers gdbstub-regs.c's.
 *
 * Read-only by construction: the only packets sent are '+'/'-', qSupported,
 * QStartNoAckMode, Hg0, m, p, g, qXfer:features:read, qRcmd (whatever the
 * caller asks the monitor), qqemu.Supported and Qqemu.PhyMemMode.  No M, X,
 * G, P, c, s, vCont, D or k: destroy just closes the socket.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target/gdbstub-wire.h"

#define DEFAULT_TIMEOUT_MS 5000
#define ADOPT_PACKET_SIZE 4096   /* QEMU's MAX_PACKET_LENGTH, assumed when adopting */
#define SILENT_PACKET_SIZE 1024  /* assumed of a stub whose qSupported names none */

static const struct iow_target_ops gdbstub_ops;

static struct iow_gdbstub *to_gdbstub(struct iow_target *t)
{
	return (struct iow_gdbstub *)(void *)((char *)t - offsetof(struct iow_gdbstub, t));
}

/* --- memory --- */

static struct iow_error *fault(uint64_t addr, const char *space, const char *why)
{
	return iow_error_at(IOW_ERR_FAULT, addr, "cannot read %smemory at 0x%" PRIx64 " (%s)",
			    space, addr, why);
}

/* Check one 'm' reply of R (asked for N bytes at ADDR) and decode it into
 * BUF; *GOT says how many bytes came. */
static struct iow_error *mem_reply(struct iow_gdbstub *g, const struct iow_gdbstub_reply *r,
				   uint64_t addr, size_t n, const char *space, uint8_t *buf,
				   size_t *got)
{
	const uint8_t *x;
	char why[32];

	if (r->kind == IOW_RSP_REPLY_ERROR) {
		snprintf(why, sizeof(why), "the stub answered E%02x", r->code);
		return fault(addr, space, why);
	}
	/* 'x' marks bytes the stub does not have (GDB's "unavailable") */
	x = memchr(r->data, 'x', r->len);
	if (x && (size_t)(x - r->data) / 2 < n)
		return fault(addr + (size_t)(x - r->data) / 2, space,
			     "the stub marks it unavailable");
	if (r->kind != IOW_RSP_REPLY_DATA && r->kind != IOW_RSP_REPLY_EMPTY)
		return iow_error_at(IOW_ERR_PROTOCOL, addr, "the stub at %s answered a read at 0x%"
				    PRIx64 " with '%.20s'", g->where, addr, r->data);
	if (r->len > 2 * n || !iow_rsp_hex_decode(r->data, r->len, buf, n, got))
		return iow_error_at(IOW_ERR_PROTOCOL, addr, "the stub at %s answered a read of %zu "
				    "bytes at 0x%" PRIx64 " with %zu characters that are not that "
				    "many bytes in hex", g->where, n, addr, r->len);
	if (!*got)
		return fault(addr, space, "the stub sent no data");
	return NULL;
}

static struct iow_error *read_mem(struct iow_gdbstub *g, uint64_t addr, uint8_t *buf,
				  size_t len, const char *space)
{
	struct iow_gdbstub_reply r;
	struct iow_error *err = NULL;
	size_t n, got;

	while (len && !err) {
		n = len < g->t.max_read ? len : g->t.max_read;
		got = 0;
		iow_buf_reset(&g->req);
		err = iow_rsp_fmt_read_mem(&g->req, addr, n);
		if (!err)
			err = iow_gdbstub_transact_req(g, &r);
		if (!err)
			err = mem_reply(g, &r, addr, n, space, buf, &got);
		/* Stubs may send fewer bytes than asked (gdbserver stops at an
		 * unreadable page); ask again for the rest, which then either
		 * comes or fails with its own address. */
		addr += got;
		buf += got;
		len -= got;
	}
	return err;
}

/* --- physical memory: QEMU's qemu.PhyMemMode --- */

static struct iow_error *phys_probe(struct iow_gdbstub *g)
{
	const uint8_t *p, *end, *semi;
	struct iow_error *err;
	struct iow_gdbstub_reply r;

	if (g->phys_support >= 0)
		return NULL;
	err = iow_gdbstub_transact_str(g, "qqemu.Supported", &r);
	if (err)
		return err;
	g->phys_support = 0;
	/* "sstepbits;sstep;PhyMemMode": plain names, no '+' */
	if (r.kind == IOW_RSP_REPLY_DATA) {
		for (p = r.data, end = p + r.len; p < end; p = semi + 1) {
			semi = memchr(p, ';', (size_t)(end - p));
			if (!semi)
				semi = end;
			if (semi - p == 10 && !memcmp(p, "PhyMemMode", 10))
				g->phys_support = 1;
		}
	}
	return NULL;
}

static struct iow_error *phys_set(struct iow_gdbstub *g, bool on)
{
	struct iow_error *err;
	struct iow_gdbstub_reply r;

	/* Until the stub says OK to ":0", it may be in physical mode: a lost
	 * reply to ":1" does not mean the switch did not happen. */
	if (on)
		g->phys_on = true;
	err = iow_gdbstub_transact_str(g, on ? "Qqemu.PhyMemMode:1" : "Qqemu.PhyMemMode:0", &r);
	if (!err && r.kind == IOW_RSP_REPLY_OK) {
		g->phys_on = on;
		g->mode_unknown = false;
		return NULL;
	}
	if (!err) {
		/* a clear "no" to ":1" switched nothing */
		if (on)
			g->phys_on = false;
		err = iow_error_create(r.kind == IOW_RSP_REPLY_EMPTY ? IOW_ERR_UNSUPPORTED
								     : IOW_ERR_REMOTE,
				       "the stub at %s answered '%.20s' to Qqemu.PhyMemMode:%d",
				       g->where, (const char *)r.data, on);
	}
	if (!on)
		err = iow_error_wrap(err, "switching the stub back to virtual addresses failed; "
				     "it may still read physical memory");
	return err;
}

/* QEMU keeps its memory mode across connections, and GDB may have chosen
 * physical mode itself: ask the stub which mode it is in (QEMU answers
 * qqemu.PhyMemMode with 0 or 1).  A stub that does not answer may still
 * have the mode (qqemu.Supported): then it is set before it is trusted.
 * One round trip: a new connection's handshake asks; an adopted one asks
 * before its first read. */
static struct iow_error *learn_mode(struct iow_gdbstub *g)
{
	struct iow_gdbstub_reply r;
	struct iow_error *err;

	err = iow_gdbstub_transact_str(g, "qqemu.PhyMemMode", &r);
	if (err)
		return err;
	if (r.kind == IOW_RSP_REPLY_DATA && r.len == 1 && (r.data[0] == '0' || r.data[0] == '1')) {
		g->phys_support = 1;
		g->phys_on = g->found_phys = r.data[0] == '1';
	} else if (r.kind == IOW_RSP_REPLY_EMPTY) {
		/* QEMU answers both or neither (4.1 added them together) */
		g->phys_support = 0;
		g->phys_on = false;
	} else {
		err = phys_probe(g);
		if (err)
			return err;
		g->phys_on = g->phys_support == 1;
	}
	g->mode_unknown = false;
	return NULL;
}

static struct iow_error *phys_enter(struct iow_gdbstub *g)
{
	struct iow_error *err;

	if (g->mode_unknown && g->allow_phys && (err = learn_mode(g)))
		return err;

	if (!g->allow_phys)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "physical reads are not enabled for "
					"the stub at %s (allow_phys)", g->where);
	err = phys_probe(g);
	if (!err && !g->phys_support)
		err = iow_error_create(IOW_ERR_UNSUPPORTED, "the stub at %s cannot read physical "
				       "memory (no qemu.PhyMemMode)", g->where);
	if (!err)
		err = phys_set(g, true);
	return err;
}

/* Both errors in one, the first one's code and address first; frees both. */
static struct iow_error *join(struct iow_error *first, struct iow_error *then)
{
	struct iow_error *both;

	if (!first || !then)
		return first ? first : then;
	if (first == &iow_error_nomem) {
		iow_error_destroy(then);
		return first;
	}
	if (first->has_addr)
		both = iow_error_at(first->code, first->addr, "%s; then %s", first->message,
				    then->message);
	else
		both = iow_error_create(first->code, "%s; then %s", first->message, then->message);
	iow_error_destroy(first);
	iow_error_destroy(then);
	return both;
}

/* A virtual-address request must not run while the stub may still be in
 * physical mode (a failed switch-back): try the switch again first. */
static struct iow_error *ensure_virtual(struct iow_gdbstub *g)
{
	struct iow_error *err;

	if (g->mode_unknown && !g->in_batch && (err = learn_mode(g)))
		return err;
	if (!g->phys_on)
		return NULL;
	if (g->in_batch)
		return iow_error_create(IOW_ERR_INVALID, "a virtual read in the middle of a batch "
					"of physical reads");
	return phys_set(g, false);
}

/* --- the ops --- */

static struct iow_error *gs_read(struct iow_target *t, enum iow_space space, uint64_t addr,
				 void *buf, size_t len)
{
	struct iow_gdbstub *g = to_gdbstub(t);
	struct iow_error *err;

	if (space == IOW_SPACE_VIRT) {
		err = ensure_virtual(g);
		if (!err)
			err = read_mem(g, addr, buf, len, "");
		return err;
	}
	if (g->in_batch)
		return read_mem(g, addr, buf, len, "physical ");
	err = phys_enter(g);
	if (err)
		return err;
	err = read_mem(g, addr, buf, len, "physical ");
	return join(err, phys_set(g, false));
}

static struct iow_error *gs_batch_begin(struct iow_target *t, enum iow_space space)
{
	struct iow_gdbstub *g = to_gdbstub(t);
	struct iow_error *err;

	if (space != IOW_SPACE_PHYS)
		return NULL;
	err = phys_enter(g);
	if (!err)
		g->in_batch = true;
	return err;
}

static struct iow_error *gs_batch_end(struct iow_target *t, enum iow_space space)
{
	struct iow_gdbstub *g = to_gdbstub(t);

	if (space != IOW_SPACE_PHYS || !g->in_batch)
		return NULL;
	g->in_batch = false;
	return phys_set(g, false);
}

/* --- pipelined reads --- */

struct many {
	struct iow_gdbstub *g;
	struct iow_target_span *spans;
	const char *space;
};

static void many_reply(void *ctx, size_t i, const struct iow_gdbstub_reply *r)
{
	struct many *m = ctx;
	struct iow_target_span *sp = &m->spans[i];
	struct iow_error *err;
	size_t got = 0;

	sp->ok = false;
	if (!r)
		return;
	err = mem_reply(m->g, r, sp->addr, sp->len, m->space, sp->buf, &got);
	sp->ok = !err && got == sp->len;
	iow_error_destroy(err);
}

/* Only to QEMU (a stub that has qemu.PhyMemMode): its system-mode stub
 * parses its input a byte at a time and answers each packet as it ends,
 * in order, and it never waits for the '+' after a reply (only its user-mode
 * build does), so it stays in ack mode (7.2 refuses QStartNoAckMode) and
 * still takes requests pipelined.  Other stubs may wait for each '+' or not
 * read ahead (the protocol itself has one request under way at a time), so
 * they are left alone. */
static struct iow_error *gs_read_many(struct iow_target *t, enum iow_space space,
				      struct iow_target_span *spans, size_t n)
{
	struct iow_gdbstub *g = to_gdbstub(t);
	struct many m = { .g = g, .spans = spans, .space = space == IOW_SPACE_PHYS ? "physical " : "" };
	char text[64][40], *reqs[64];
	size_t lens[64], i;
	struct iow_error *err;

	if (g->phys_support != 1 || g->mode_unknown || n > 64 ||
	    (space == IOW_SPACE_PHYS && !g->in_batch) || (space == IOW_SPACE_VIRT && g->phys_on))
		return iow_error_create(IOW_ERR_UNSUPPORTED, "no pipelined reads from the stub "
					"at %s now", g->where);
	for (i = 0; i < n; i++) {
		if (spans[i].len > g->t.max_read)
			return iow_error_create(IOW_ERR_INVALID, "a pipelined read of %zu bytes is "
						"beyond the stub's %zu", spans[i].len, g->t.max_read);
		lens[i] = (size_t)snprintf(text[i], sizeof(text[i]), "m%" PRIx64 ",%zx",
					   spans[i].addr, spans[i].len);
		reqs[i] = text[i];
		spans[i].ok = false;
	}
	err = iow_gdbstub_wire_pipeline(g, (const char *const *)reqs, lens, n, many_reply, &m);
	return err;
}

/* --- the monitor --- */

static struct iow_error *gs_monitor(struct iow_target *t, const char *cmd, struct iow_buf *out)
{
	struct iow_gdbstub *g = to_gdbstub(t);
	struct iow_error *err;
	struct iow_gdbstub_reply r;
	size_t n;

	iow_buf_reset(&g->req);
	err = iow_rsp_fmt_monitor(&g->req, cmd);
	if (err)
		return err;
	g->console = out;
	g->console_cut = false;
	err = iow_gdbstub_transact_req(g, &r);
	g->console = NULL;
	if (err)
		return err;
	switch (r.kind) {
	case IOW_RSP_REPLY_OK:
		break;
	case IOW_RSP_REPLY_EMPTY:
		return iow_error_create(IOW_ERR_UNSUPPORTED, "the stub at %s has no monitor "
					"commands (qRcmd)", g->where);
	case IOW_RSP_REPLY_ERROR:
		return iow_error_create(IOW_ERR_REMOTE, "the stub at %s refused the monitor "
					"command '%s' (E%02x)", g->where, cmd, r.code);
	default:
		/* the whole output in one hex reply, as the manual also allows */
		err = iow_buf_reserve(out, r.len / 2);
		if (err)
			return err;
		if (!iow_rsp_hex_decode(r.data, r.len, out->data + out->len, r.len / 2, &n))
			return iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s answered the "
						"monitor command '%s' with '%.20s'", g->where, cmd,
						(const char *)r.data);
		out->len += n;
		break;
	}
	if (g->console_cut)
		return iow_error_create(IOW_ERR_PROTOCOL, "the output of the monitor command '%s' "
					"was longer than %u bytes; the rest was dropped", cmd,
					IOW_GDBSTUB_MAX_CONSOLE);
	return NULL;
}

/* QEMU's stub answers qqemu.Supported (and qqemu.PhyMemMode, which the
 * handshake asks): what it says decides, never a name.  One packet at
 * most, on a connection that asked neither yet (an adopted one). */
static struct iow_error *gs_qemu_monitor(struct iow_target *t, bool *yes, const char **why)
{
	struct iow_gdbstub *g = to_gdbstub(t);
	struct iow_error *err = phys_probe(g);

	*yes = !err && g->phys_support == 1;
	if (!err && !*yes)
		*why = "the stub is not QEMU's (it does not answer qqemu.Supported)";
	return err;
}

static void gs_destroy(struct iow_target *t)
{
	struct iow_gdbstub *g = to_gdbstub(t);

	/* Leave no stub reading physical memory behind us, if we can help it. */
	if (g->fd >= 0 && g->phys_on && !g->broken)
		iow_error_destroy(phys_set(g, false));
	if (g->fd >= 0)
		close(g->fd);
	iow_rsp_decoder_fini(&g->dec);
	iow_buf_fini(&g->pkt);
	iow_buf_fini(&g->req);
	iow_buf_fini(&g->reply);
	iow_tdesc_fini(&g->regs);
	free(g->where);
	free(g->why);
	free(g);
}

/* Virtual reads always; physical ones if allowed, unless the stub said it
 * has no qemu.PhyMemMode. */
static bool gs_can_read(struct iow_target *t, enum iow_space space)
{
	struct iow_gdbstub *g = to_gdbstub(t);

	return space == IOW_SPACE_VIRT || (g->allow_phys && g->phys_support != 0);
}

static const struct iow_target_ops gdbstub_ops = {
	.name = "gdbstub",
	.read = gs_read, .read_reg = iow_gdbstub_read_reg, .monitor = gs_monitor,
	.qemu_monitor = gs_qemu_monitor,
	/* qemu.PhyMemMode held for a whole call; pipelined reads to QEMU */
	.batch_begin = gs_batch_begin, .batch_end = gs_batch_end, .read_many = gs_read_many,
	.can_read = gs_can_read, /* no VMCOREINFO over the gdbstub */
	.destroy = gs_destroy,
};

/* --- connecting --- */

/* Reads of 'm' come back as hex: half a packet of data, in whole cache
 * lines.  PacketSize counts a packet's data, not its $ # and checksum
 * ("Debugging with GDB", qSupported), and QEMU takes reads of up to
 * MAX_PACKET_LENGTH / 2 (2048 for its 4096). */
static void set_packet_size(struct iow_gdbstub *g, size_t size)
{
	size_t n = size / 2;

	g->packet_size = size;
	if (n > IOW_TARGET_PAGE_SIZE)
		n = IOW_TARGET_PAGE_SIZE;
	if (n >= IOW_TARGET_LINE_SIZE)
		n -= n % IOW_TARGET_LINE_SIZE;
	g->t.max_read = n ? n : 1;
}

static struct iow_error *create(const struct iow_gdbstub_opts *opts, const char *where,
				struct iow_gdbstub **out)
{
	struct iow_error *err;
	struct iow_gdbstub *g;

	g = calloc(1, sizeof(*g));
	if (!g)
		return &iow_error_nomem;
	g->fd = -1;
	g->where = strdup(where);
	if (!g->where) {
		free(g);
		return &iow_error_nomem;
	}
	g->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	g->allow_phys = opts && opts->allow_phys;
	g->ack_mode = true;
	g->phys_support = -1;
	g->mode_unknown = true;
	iow_rsp_decoder_init(&g->dec, NULL);
	iow_buf_init(&g->pkt);
	iow_buf_init(&g->req);
	iow_buf_init(&g->reply);
	iow_tdesc_init(&g->regs);
	err = iow_target_init(&g->t, &gdbstub_ops, 1);
	if (err) {
		g->t.ops = &gdbstub_ops;
		gs_destroy(&g->t);
		return err;
	}
	set_packet_size(g, ADOPT_PACKET_SIZE);
	*out = g;
	return NULL;
}

static struct iow_error *handshake(struct iow_gdbstub *g)
{
	/* gdbserver numbers x86 registers in its description only for a
	 * client that says it reads them (xmlRegisters=i386). */
	static const char *const features[] = { "xmlRegisters=i386" };
	struct iow_error *err;
	uint64_t size = SILENT_PACKET_SIZE;
	struct iow_gdbstub_reply r;
	bool no_ack = false;

	/* As GDB does: acknowledge whatever the stub may have sent first. */
	err = iow_gdbstub_wire_send(g, "+", 1, "the first acknowledgement");
	if (!err) {
		iow_buf_reset(&g->req);
		err = iow_rsp_fmt_supported(&g->req, features, 1);
	}
	if (!err)
		err = iow_gdbstub_transact_req(g, &r);
	if (err)
		return err;
	if (r.kind == IOW_RSP_REPLY_DATA) {
		if (!iow_rsp_feature_hex(r.data, r.len, "PacketSize", &size) || size < 32)
			size = SILENT_PACKET_SIZE;
		no_ack = iow_rsp_feature_find(r.data, r.len, "QStartNoAckMode", NULL, NULL) ==
			 IOW_RSP_FEATURE_YES;
		g->xfer_features = iow_rsp_feature_find(r.data, r.len, "qXfer:features:read",
							NULL, NULL) == IOW_RSP_FEATURE_YES;
	}
	set_packet_size(g, size > (1u << 20) ? (1u << 20) : (size_t)size);
	if (no_ack) {
		err = iow_gdbstub_transact_str(g, "QStartNoAckMode", &r);
		if (err)
			return err;
		/* The OK was acknowledged in ack mode; from here on, none. */
		if (r.kind == IOW_RSP_REPLY_OK)
			g->ack_mode = false;
	}
	/* gdbserver reads memory and registers of no thread until one is
	 * chosen (GDB's '?' does it as a side effect; '?' also makes QEMU
	 * drop every breakpoint).  "Hg0" asks for any thread; whatever the
	 * answer, the requests that follow say for themselves if it failed. */
	err = iow_gdbstub_transact_str(g, "Hg0", &r);
	if (!err)
		err = learn_mode(g);
	return err;
}

struct iow_error *iow_gdbstub_connect(const char *addr, const struct iow_gdbstub_opts *opts,
				      struct iow_target **out)
{
	struct iow_error *err;
	struct iow_gdbstub *g;

	if (!addr || !*addr)
		return iow_error_create(IOW_ERR_INVALID, "no stub address");
	err = create(opts, addr, &g);
	if (err)
		return err;
	err = iow_gdbstub_wire_open(g, addr);
	if (!err) {
		g->is_socket = true;
		err = handshake(g);
	}
	if (err) {
		iow_target_destroy(&g->t);
		return err;
	}
	*out = &g->t;
	return NULL;
}

struct iow_error *iow_gdbstub_adopt(int fd, bool ack_mode, const struct iow_gdbstub_opts *opts,
				    struct iow_target **out)
{
	struct iow_error *err;
	struct iow_gdbstub *g;
	char where[32];
	struct stat st;

	if (fd < 0)
		return iow_error_create(IOW_ERR_INVALID, "no descriptor to adopt");
	snprintf(where, sizeof(where), "descriptor %d", fd);
	err = create(opts, where, &g);
	if (err) {
		close(fd);
		return err;
	}
	g->fd = fd;
	g->is_socket = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
	g->ack_mode = ack_mode;
	/* Unknown: asking costs one packet when the registers are first used. */
	g->xfer_features = true;
	set_packet_size(g, opts && opts->packet_size ? opts->packet_size : ADOPT_PACKET_SIZE);
	*out = &g->t;
	return NULL;
}

bool iow_gdbstub_info(const struct iow_target *t, struct iow_gdbstub_info *info)
{
	const struct iow_gdbstub *g;

	if (!t || t->ops != &gdbstub_ops)
		return false;
	g = (const struct iow_gdbstub *)(const void *)((const char *)t - offsetof(struct iow_gdbstub, t));
	info->packet_size = g->packet_size;
	info->ack_mode = g->ack_mode;
	info->xfer_features = g->xfer_features;
	info->registers = g->regs_loaded ? (int)g->regs.n : -1;
	info->builtin_regs = g->builtin_regs;
	info->phys_mode = g->phys_support;
	return true;
}

void iow_gdbstub_forget_mode(struct iow_target *t)
{
	if (t && t->ops == &gdbstub_ops)
		to_gdbstub(t)->mode_unknown = true;
}

struct iow_error *iow_gdbstub_restore_mode(struct iow_target *t)
{
	struct iow_gdbstub *g;
	struct iow_error *err;

	if (!t || t->ops != &gdbstub_ops)
		return NULL;
	g = to_gdbstub(t);
	if (!g->found_phys)
		return NULL;
	g->found_phys = false;
	err = phys_set(g, true);
	/* It is the other client's mode again, not ours to undo. */
	g->phys_on = false;
	g->mode_unknown = true;
	return err;
}
