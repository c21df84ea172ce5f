/* gdbstub-wire: the gdbstub back end's insides, private to src/target.
 * gdbstub-wire.c is the connection under it: sockets with a timeout on
 * every wait, acknowledgements while the stub wants them, bounded retries
 * and garbage, and one request with its one reply.  gdbstub.c builds the
 * requests and reads the replies; gdbstub-regs.c reads registers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_TARGET_GDBSTUB_WIRE_H
#define IOW_TARGET_GDBSTUB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rsp/rsp.h"
#include "target/target.h"
#include "target/tdesc.h"

#define IOW_GDBSTUB_MAX_CONSOLE (16u << 20) /* monitor output kept per command */

struct iow_gdbstub {
	struct iow_target t; /* the generic part; target.c sees only this */
	/* the wire (gdbstub-wire.c) */
	int fd;
	bool is_socket;      /* else write() with SIGPIPE held back */
	char *where;         /* the address, for messages */
	int timeout_ms;
	bool ack_mode;
	bool broken;         /* the connection may not be used any more... */
	char *why;           /* ...for this reason (NULL if even that failed) */
	struct iow_rsp_decoder dec;
	struct iow_buf pkt;     /* the framed request, kept for resending */
	struct iow_buf reply;   /* the last reply's payload */
	struct iow_buf *console; /* where O packets go during a monitor command */
	bool console_cut;       /* ... and some of them had no room */
	size_t in_pos, in_len;
	uint8_t in[16384];
	/* the back end (gdbstub.c) */
	struct iow_buf req;     /* a request payload being built */
	size_t packet_size;
	bool allow_phys;
	bool xfer_features;  /* worth asking for target.xml */
	int phys_support;    /* -1 not asked, 0 no, 1 yes */
	bool phys_on;        /* the stub is, or may be, in physical mode */
	bool mode_unknown;   /* someone else may have left it in physical mode */
	bool found_phys;     /* ... and had: to be restored for them */
	bool in_batch;       /* physical mode held for a whole cache call */
	struct iow_tdesc regs;
	bool regs_loaded;
	bool builtin_regs;
	bool no_p;           /* the stub answers 'p' with nothing: use 'g' */
};

/* What came back for a request. */
struct iow_gdbstub_reply {
	enum iow_rsp_reply kind;
	unsigned int code;   /* NN of an "E NN" */
	const uint8_t *data; /* the payload, NUL-terminated (in g->reply) */
	size_t len;
};

/* Connect G->fd to ADDR (see iow_gdbstub_connect) within G->timeout_ms. */
struct iow_error *iow_gdbstub_wire_open(struct iow_gdbstub *g, const char *addr);
/* Send LEN raw bytes (a '+', say); WHAT names them in errors. */
struct iow_error *iow_gdbstub_wire_send(struct iow_gdbstub *g, const void *p, size_t len,
					const char *what);
/* Send the request REQ (LEN bytes of payload) and wait for its reply.  Stop
 * replies the stub sends meanwhile are skipped, and so is console output,
 * unless a monitor command collects it in G->console.  A timeout, the end
 * of the connection or lost framing make the connection unusable: every
 * later call fails at once, naming the first error. */
struct iow_error *iow_gdbstub_wire_transact(struct iow_gdbstub *g, const char *req, size_t len,
					    struct iow_gdbstub_reply *r);

/* Send the N requests REQS[i] (LENS[i] bytes each) at once and take their
 * replies in order: one wait for the stub instead of N.  Only for a stub
 * that reads ahead and, in ack mode, does not wait for each '+' (QEMU's
 * system-mode stub): the caller decides.  EACH(CTX, i, R) is called for
 * every reply, R NULL for one that came damaged (that request failed; the
 * others stand).  A '-' from the stub ends it all, as an error.  An error returned (timeout, end of
 * the connection, lost framing) makes the connection unusable, as with
 * transact; EACH was called for the replies before it.  Counts one round
 * trip and N packets. */
struct iow_error *iow_gdbstub_wire_pipeline(struct iow_gdbstub *g, const char *const *reqs,
					    const size_t *lens, size_t n,
					    void (*each)(void *ctx, size_t i,
							 const struct iow_gdbstub_reply *r),
					    void *ctx);

/* The request built in G->req, or the string REQ: its reply into R. */
static inline struct iow_error *iow_gdbstub_transact_req(struct iow_gdbstub *g,
							 struct iow_gdbstub_reply *r)
{
	return iow_gdbstub_wire_transact(g, (const char *)g->req.data, g->req.len, r);
}

static inline struct iow_error *iow_gdbstub_transact_str(struct iow_gdbstub *g, const char *req,
							 struct iow_gdbstub_reply *r)
{
	return iow_gdbstub_wire_transact(g, req, strlen(req), r);
}

/* The back end's read_reg (gdbstub-regs.c). */
struct iow_error *iow_gdbstub_read_reg(struct iow_target *t, const char *name, uint64_t *val);

#endif
