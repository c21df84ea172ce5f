/* RSP: the packet codec for GDB's Remote Serial Protocol, with no I/O.
 *
 * Everything here works on bytes in memory, so it can be unit-tested and
 * fuzzed without a socket or a clock:
 * - encoding: frame a payload as $payload#cs, escaping binary data;
 * - hex helpers and the few request payloads the target layer sends;
 * - decoding: a state machine fed arbitrary chunks of an incoming stream,
 *   in the manner of QEMU's gdbstub (gdb_read_byte), that reports packets
 *   (unescaped, run-length expanded, checksum checked), acks, nacks, the
 *   interrupt byte and junk, and can keep each packet's exact bytes for a
 *   relay;
 * - reply helpers: OK / E NN / empty / O console output / stop replies, and
 *   feature lookup in a qSupported reply.
 *
 * Wire rules follow "Debugging with GDB", appendix "Remote Protocol",
 * section "Overview".  Every decoder buffer is bounded by max_payload, so
 * hostile input (run-length bombs, endless packets) costs bounded memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_RSP_RSP_H
#define IOW_RSP_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

#define IOW_RSP_DEFAULT_MAX_PAYLOAD ((size_t)1 << 20)
#define IOW_RSP_INTERRUPT 0x03 /* the byte GDB sends for Ctrl-C */

/* --- checksums and hex --- */

/* Modulo-256 sum of LEN bytes: the checksum of a packet whose bytes between
 * '$' and '#' are P. */
uint8_t iow_rsp_checksum(const void *p, size_t len);
/* Value of hex digit C (either case), or -1. */
int iow_rsp_hex_digit(int c);
/* Append LEN bytes as 2*LEN lowercase hex digits.  NULL or &iow_error_nomem. */
struct iow_error *iow_rsp_hex_encode(struct iow_buf *out, const void *p, size_t len);
/* Decode HEXLEN hex digits into OUT (room for OUT_SIZE bytes) and set
 * *OUT_LEN = HEXLEN / 2.  False for an odd count, a non-hex digit or too
 * little room; OUT may have been partly written then. */
bool iow_rsp_hex_decode(const void *hex, size_t hexlen, uint8_t *out, size_t out_size,
			size_t *out_len);
/* Read the hex number at the start of P (at most LEN bytes) into *VAL.
 * Returns the digits used: 0 if P does not start with a digit or the number
 * does not fit 64 bits (leading zeros are fine). */
size_t iow_rsp_hex_scan(const void *p, size_t len, uint64_t *val);
/* True if all LEN (> 0) bytes of P are one hex number that fits 64 bits. */
bool iow_rsp_hex_parse(const void *p, size_t len, uint64_t *val);

/* --- encoding --- */

enum iow_rsp_encoding {
	IOW_RSP_TEXT,   /* payload may not contain $ # } *: refused with IOW_ERR_INVALID */
	IOW_RSP_BINARY, /* $ # } * are sent as '}', byte ^ 0x20 (X packets, binary replies) */
};

/* Append the packet $PAYLOAD#cs to OUT.  No run-length encoding is done.
 * On error OUT is unchanged. */
struct iow_error *iow_rsp_encode(struct iow_buf *out, const void *payload, size_t len,
				 enum iow_rsp_encoding enc);

/* --- request payloads: appended to OUT, unframed (pass to iow_rsp_encode) --- */

/* "m ADDR,LEN": read LEN bytes of memory at ADDR. */
struct iow_error *iow_rsp_fmt_read_mem(struct iow_buf *out, uint64_t addr, size_t len);
/* "p N": read register N. */
struct iow_error *iow_rsp_fmt_read_reg(struct iow_buf *out, unsigned int regnum);
/* "qRcmd,<hex of CMD>": a monitor command. */
struct iow_error *iow_rsp_fmt_monitor(struct iow_buf *out, const char *cmd);
/* "qSupported" or "qSupported:F1;F2;..." with the N FEATURES ("swbreak+",
 * "xmlRegisters=i386"). */
struct iow_error *iow_rsp_fmt_supported(struct iow_buf *out, const char *const *features,
					size_t n);

/* --- decoding --- */

enum iow_rsp_event_type {
	IOW_RSP_EV_NONE,      /* all input used, nothing (more) to report */
	IOW_RSP_EV_PACKET,    /* a whole packet: payload, checksum_ok, raw */
	IOW_RSP_EV_ACK,       /* '+' outside a packet */
	IOW_RSP_EV_NACK,      /* '-' outside a packet */
	IOW_RSP_EV_INTERRUPT, /* 0x03 outside a packet */
	IOW_RSP_EV_JUNK,      /* other bytes outside packets; skipped */
	IOW_RSP_EV_ERROR,     /* a packet was dropped, see .fault; resynced at the next '$' */
};

enum iow_rsp_fault {
	IOW_RSP_FAULT_NONE,
	IOW_RSP_FAULT_TOO_LARGE,  /* more than max_payload bytes, as sent or as decoded */
	IOW_RSP_FAULT_BAD_RLE,    /* '*' with nothing to repeat, or a forbidden count */
	IOW_RSP_FAULT_BAD_ESCAPE, /* '}' just before the '#' */
	IOW_RSP_FAULT_TRUNCATED,  /* a '$' before the packet ended: a new packet starts */
	IOW_RSP_FAULT_NOMEM,
};

/* What one call of iow_rsp_decoder_feed() found.  Pointers stay valid until
 * the next call on the decoder (or, when they point into the input, as long
 * as the input does). */
struct iow_rsp_event {
	enum iow_rsp_event_type type;
	enum iow_rsp_fault fault; /* ERROR */
	bool checksum_ok;         /* PACKET: the two digits matched the sum */
	const uint8_t *payload;   /* PACKET: decoded bytes, NUL-terminated, never NULL */
	size_t payload_len;
	/* The bytes exactly as received: for ACK, NACK, INTERRUPT and JUNK a span
	 * of the input; for PACKET "$...#cs" when keep_raw, else NULL; for ERROR
	 * NULL. */
	const uint8_t *raw;
	size_t raw_len;
};

struct iow_rsp_decoder_opts {
	size_t max_payload; /* 0: IOW_RSP_DEFAULT_MAX_PAYLOAD */
	bool keep_raw;      /* copy each packet's bytes for event.raw (relays) */
};

/* Embedded by the user; the fields are private. */
struct iow_rsp_decoder {
	int state;
	enum iow_rsp_fault fault; /* found, not reported yet */
	bool keep_raw;
	bool esc;       /* a '}' is waiting for the byte it escapes */
	bool have_prev; /* prev holds a byte '*' may repeat */
	uint8_t prev;   /* the last byte as sent: what '*' repeats */
	uint8_t sum;    /* running checksum */
	int sent_hi;    /* first checksum digit (-1 if not hex) */
	size_t max_payload;
	size_t sent;    /* bytes between '$' and '#' so far */
	struct iow_buf payload;
	struct iow_buf raw;
};

/* OPTS may be NULL for the defaults.  Allocates nothing, cannot fail. */
void iow_rsp_decoder_init(struct iow_rsp_decoder *d, const struct iow_rsp_decoder_opts *opts);
void iow_rsp_decoder_fini(struct iow_rsp_decoder *d);
/* Drop any partial packet and pending fault (after a reconnect). */
void iow_rsp_decoder_reset(struct iow_rsp_decoder *d);
/* True between packets: no partial packet held. */
bool iow_rsp_decoder_idle(const struct iow_rsp_decoder *d);
/* Consume bytes of IN up to and including the first one that completes an
 * event, store the event in *EV and return how many bytes were used.  At
 * most one event per call: call again with the rest until it returns
 * IOW_RSP_EV_NONE, which means all of IN has been used:
 *
 *	do {
 *		n = iow_rsp_decoder_feed(d, p, len, &ev);
 *		p += n, len -= n;
 *		...handle ev...
 *	} while (ev.type != IOW_RSP_EV_NONE);
 *
 * A call that reports a fault may use no bytes; every other call that
 * reports an event uses at least one, so the loop always ends.  Packets may
 * be split across calls anywhere.  A packet cut short by a '$' is reported
 * before that '$' is used: the bytes a call uses never hold the end of one
 * packet and the start of the next. */
size_t iow_rsp_decoder_feed(struct iow_rsp_decoder *d, const void *in, size_t len,
			    struct iow_rsp_event *ev);
const char *iow_rsp_fault_name(enum iow_rsp_fault fault);

/* --- replies --- */

enum iow_rsp_reply {
	IOW_RSP_REPLY_EMPTY,   /* "": the stub does not support the request */
	IOW_RSP_REPLY_OK,      /* "OK" */
	IOW_RSP_REPLY_ERROR,   /* "E NN" (code = NN) or "E.text" (code = 0) */
	IOW_RSP_REPLY_CONSOLE, /* "O" + hex text: output for the user */
	IOW_RSP_REPLY_STOP,    /* S AA, T AA..., W AA, X AA (code = AA) */
	IOW_RSP_REPLY_DATA,    /* anything else: the request's own answer */
};

/* Classify a reply payload; *CODE (may be NULL) gets the number noted
 * above, else 0.  The answer to a memory or register read (hex digits of
 * either case, 'x' for unavailable bytes) is never taken for ERROR, STOP or
 * CONSOLE: "E NN" has an odd length, and O, S, T, W, X and '.' are no hex
 * digits. */
enum iow_rsp_reply iow_rsp_reply_classify(const void *p, size_t len, unsigned int *code);
/* Decode the text of an "O" console reply P into OUT (room for OUT_SIZE
 * bytes; (LEN - 1) / 2 is enough), *OUT_LEN its length.  False if P is not
 * a console reply or OUT is too small. */
bool iow_rsp_reply_console(const void *p, size_t len, uint8_t *out, size_t out_size,
			   size_t *out_len);

enum iow_rsp_feature {
	IOW_RSP_FEATURE_ABSENT,
	IOW_RSP_FEATURE_YES,   /* name+ */
	IOW_RSP_FEATURE_NO,    /* name- */
	IOW_RSP_FEATURE_QUERY, /* name? */
	IOW_RSP_FEATURE_VALUE, /* name=value */
};

/* Look up feature NAME in the qSupported reply P ("PacketSize=1000;
 * QStartNoAckMode+;...").  For VALUE, *VALUE and *VALUE_LEN (may be NULL)
 * point at the value inside P.  A feature named twice: the last one counts. */
enum iow_rsp_feature iow_rsp_feature_find(const void *p, size_t len, const char *name,
					  const uint8_t **value, size_t *value_len);
/* True if NAME=<hex> is in the reply (PacketSize); the number in *VAL. */
bool iow_rsp_feature_hex(const void *p, size_t len, const char *name, uint64_t *val);

#endif
