/* Fuzz target: the RSP codec (src/rsp/rsp.c).
 *
 * Input: one byte of options (keep_raw, a small max_payload), one byte that
 * seeds the chunk sizes, then a byte stream as a peer would send it.  The
 * stream is decoded three times: in chunks, whole, and whole with keep_raw
 * flipped; the three must report the same events.  Every event is checked
 * against the contract in rsp.h; every packet's payload goes through the
 * reply, feature and hex helpers, and is encoded and decoded again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rsp/rsp.h"

#define SMALL_MAX_PAYLOAD 64u
/* The usual bound: above every packet of the seeds (QEMU sends at most
 * 4 KiB, gdbserver 18 KiB), small enough that run-length bombs (97 bytes
 * for 2 sent) stay cheap to check. */
#define USUAL_MAX_PAYLOAD ((size_t)16 << 10)

/* What one decode reported, to compare decodes with. */
struct trace {
	uint64_t hash;     /* of every non-junk event, in order */
	size_t events;
	size_t junk_bytes; /* junk may come in more or fewer events */
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *s = p;

	while (n--)
		h = (h ^ *s++) * 0x100000001b3ull; /* FNV-1a */
	return h;
}

static bool is_hex(uint8_t c)
{
	return iow_rsp_hex_digit(c) >= 0;
}

/* The hex helpers against a plain reference. */
static void check_hex(const uint8_t *p, size_t len)
{
	size_t i, digits = 0, lead = 0, n;
	uint64_t v = 0;
	bool all;
	uint8_t *bin;
	struct iow_buf b;

	for (i = 0; i < len && is_hex(p[i]); i++)
		;
	digits = i;
	all = digits == len;
	for (i = 0; i < digits && p[i] == '0'; i++)
		lead++;
	/* hex_scan: the digits that fit 64 bits, else 0 */
	n = iow_rsp_hex_scan(p, len, &v);
	FUZZ_CHECK(n == (digits - lead <= 16 ? digits : 0));
	FUZZ_CHECK(iow_rsp_hex_parse(p, len, &v) == (len && all && digits - lead <= 16));

	/* hex_decode, then encode again: the same digits, in lowercase */
	bin = malloc(len / 2 + 1);
	FUZZ_CHECK(bin);
	if (iow_rsp_hex_decode(p, len, bin, len / 2, &n)) {
		FUZZ_CHECK(len % 2 == 0 && all && n == len / 2);
		iow_buf_init(&b);
		FUZZ_CHECK(!iow_rsp_hex_encode(&b, bin, n));
		FUZZ_CHECK(b.len == len);
		for (i = 0; i < len; i++)
			FUZZ_CHECK(b.data[i] == (p[i] >= 'A' && p[i] <= 'F' ? p[i] + 32 : p[i]));
		iow_buf_fini(&b);
	} else {
		FUZZ_CHECK(len % 2 || !all);
	}
	if (len >= 2)
		FUZZ_CHECK(!iow_rsp_hex_decode(p, len, bin, len / 2 - 1, &n));
	free(bin);
}

/* The reply and feature helpers on a payload. */
static void check_reply(const uint8_t *p, size_t len)
{
	static const char *const names[] = { "PacketSize", "QStartNoAckMode", "qXfer:features:read",
					     "swbreak", "" };
	enum iow_rsp_reply kind;
	unsigned int code = 12345;
	const uint8_t *val;
	size_t vlen, n, i;
	uint64_t v;
	uint8_t *text;

	kind = iow_rsp_reply_classify(p, len, &code);
	FUZZ_CHECK(iow_rsp_reply_classify(p, len, NULL) == kind);
	if (kind == IOW_RSP_REPLY_ERROR || kind == IOW_RSP_REPLY_STOP)
		FUZZ_CHECK(code <= 255);
	else
		FUZZ_CHECK(code == 0);
	FUZZ_CHECK((kind == IOW_RSP_REPLY_EMPTY) == (len == 0));
	/* The answer to a memory read is never taken for anything else. */
	if (len % 2 == 0 && len > 2) {
		for (i = 0; i < len && (is_hex(p[i]) || p[i] == 'x'); i++)
			;
		if (i == len)
			FUZZ_CHECK(kind == IOW_RSP_REPLY_DATA);
	}

	text = malloc(len / 2 + 1);
	FUZZ_CHECK(text);
	if (kind == IOW_RSP_REPLY_CONSOLE) {
		FUZZ_CHECK(iow_rsp_reply_console(p, len, text, (len - 1) / 2, &n));
		FUZZ_CHECK(n == (len - 1) / 2);
		if (n)
			FUZZ_CHECK(!iow_rsp_reply_console(p, len, text, n - 1, &n));
	} else {
		FUZZ_CHECK(!iow_rsp_reply_console(p, len, text, len / 2 + 1, &n));
	}
	free(text);

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		enum iow_rsp_feature f = iow_rsp_feature_find(p, len, names[i], &val, &vlen);

		if (f == IOW_RSP_FEATURE_VALUE) {
			FUZZ_CHECK(val >= p && val + vlen <= p + len);
			FUZZ_CHECK(val > p && val[-1] == '=');
			FUZZ_CHECK(iow_rsp_feature_hex(p, len, names[i], &v) ==
				   iow_rsp_hex_parse(val, vlen, &v));
		} else {
			FUZZ_CHECK(!iow_rsp_feature_hex(p, len, names[i], &v));
		}
		FUZZ_CHECK(iow_rsp_feature_find(p, len, names[i], NULL, NULL) == f);
	}
	check_hex(p, len);
}

/* Encode PAYLOAD and decode it again: the same bytes, checksum good. */
static void check_round_trip(const uint8_t *payload, size_t len, size_t max_payload)
{
	struct iow_rsp_decoder_opts o = { .max_payload = max_payload, .keep_raw = true };
	struct iow_rsp_decoder d;
	struct iow_rsp_event ev;
	struct iow_buf bin, text;
	struct iow_error *err;
	size_t i, n;
	bool special = false;

	iow_buf_init(&bin);
	iow_buf_init(&text);
	FUZZ_CHECK(!iow_rsp_encode(&bin, payload, len, IOW_RSP_BINARY));
	for (i = 0; i < len; i++)
		special |= payload[i] == '$' || payload[i] == '#' || payload[i] == '}' ||
			   payload[i] == '*';
	err = iow_rsp_encode(&text, payload, len, IOW_RSP_TEXT);
	FUZZ_CHECK(!err == !special);
	if (err) {
		FUZZ_CHECK(err->code == IOW_ERR_INVALID && text.len == 0);
		iow_error_destroy(err);
	} else {
		FUZZ_CHECK(text.len == bin.len && !memcmp(text.data, bin.data, bin.len));
	}

	iow_rsp_decoder_init(&d, &o);
	n = iow_rsp_decoder_feed(&d, bin.data, bin.len, &ev);
	FUZZ_CHECK(n == bin.len);
	FUZZ_CHECK(ev.type == IOW_RSP_EV_PACKET && ev.checksum_ok);
	FUZZ_CHECK(ev.payload_len == len && !memcmp(ev.payload, payload, len));
	FUZZ_CHECK(ev.raw_len == bin.len && !memcmp(ev.raw, bin.data, bin.len));
	FUZZ_CHECK(iow_rsp_decoder_idle(&d));
	iow_rsp_decoder_fini(&d);
	iow_buf_fini(&bin);
	iow_buf_fini(&text);
}

/* A packet as received again, alone: the same payload and verdict. */
static void check_raw(const struct iow_rsp_event *ev, size_t max_payload)
{
	struct iow_rsp_decoder_opts o = { .max_payload = max_payload };
	struct iow_rsp_decoder d;
	struct iow_rsp_event again;
	int hi, lo;

	FUZZ_CHECK(ev->raw && ev->raw_len >= 4);
	FUZZ_CHECK(ev->raw[0] == '$' && ev->raw[ev->raw_len - 3] == '#');
	hi = iow_rsp_hex_digit(ev->raw[ev->raw_len - 2]);
	lo = iow_rsp_hex_digit(ev->raw[ev->raw_len - 1]);
	FUZZ_CHECK(ev->checksum_ok == (hi >= 0 && lo >= 0 &&
				       (hi << 4 | lo) == iow_rsp_checksum(ev->raw + 1, ev->raw_len - 4)));
	iow_rsp_decoder_init(&d, &o);
	FUZZ_CHECK(iow_rsp_decoder_feed(&d, ev->raw, ev->raw_len, &again) == ev->raw_len);
	FUZZ_CHECK(again.type == IOW_RSP_EV_PACKET && again.checksum_ok == ev->checksum_ok);
	FUZZ_CHECK(again.payload_len == ev->payload_len &&
		   !memcmp(again.payload, ev->payload, ev->payload_len));
	iow_rsp_decoder_fini(&d);
}

/* One event, against rsp.h's contract; P/USED: the bytes the call used. */
static void check_event(const struct iow_rsp_decoder_opts *o, const struct iow_rsp_event *ev,
			const uint8_t *p, size_t avail, size_t used)
{
	size_t i;

	FUZZ_CHECK(used <= avail);
	switch (ev->type) {
	case IOW_RSP_EV_NONE:
		FUZZ_CHECK(used == avail);
		break;
	case IOW_RSP_EV_PACKET:
		FUZZ_CHECK(used >= 1 && ev->payload);
		FUZZ_CHECK(ev->payload_len <= o->max_payload);
		FUZZ_CHECK(ev->payload[ev->payload_len] == '\0');
		if (o->keep_raw)
			check_raw(ev, o->max_payload);
		else
			FUZZ_CHECK(!ev->raw);
		break;
	case IOW_RSP_EV_ACK:
	case IOW_RSP_EV_NACK:
	case IOW_RSP_EV_INTERRUPT:
		FUZZ_CHECK(used >= 1 && ev->raw_len == 1 && ev->raw == p + used - 1);
		FUZZ_CHECK(*ev->raw == (ev->type == IOW_RSP_EV_ACK ? '+' :
					ev->type == IOW_RSP_EV_NACK ? '-' : IOW_RSP_INTERRUPT));
		break;
	case IOW_RSP_EV_JUNK:
		FUZZ_CHECK(used >= 1 && ev->raw_len >= 1 && ev->raw + ev->raw_len == p + used);
		for (i = 0; i < ev->raw_len; i++)
			FUZZ_CHECK(!strchr("$+-\003", ev->raw[i]) || !ev->raw[i]);
		break;
	case IOW_RSP_EV_ERROR:
		FUZZ_CHECK(ev->fault != IOW_RSP_FAULT_NONE && !ev->raw);
		FUZZ_CHECK(strcmp(iow_rsp_fault_name(ev->fault), "unknown packet error"));
		break;
	default:
		FUZZ_CHECK(!"unknown event type");
	}
}

/* Decode DATA in chunks of 1..16 bytes drawn from SEED (0: in one go). */
static void decode(const struct iow_rsp_decoder_opts *o, const uint8_t *data, size_t len,
		   unsigned seed, bool deep, struct trace *tr)
{
	struct iow_rsp_decoder d;
	struct iow_rsp_event ev;
	size_t pos = 0;

	memset(tr, 0, sizeof(*tr));
	tr->hash = 0xcbf29ce484222325ull;
	iow_rsp_decoder_init(&d, o);
	while (pos < len) {
		size_t chunk = len - pos, avail, used;
		const uint8_t *p = data + pos;

		if (seed) {
			seed = seed * 1103515245u + 12345u;
			chunk = 1 + (seed >> 16) % 16;
			if (chunk > len - pos)
				chunk = len - pos;
		}
		avail = chunk;
		do {
			used = iow_rsp_decoder_feed(&d, p, avail, &ev);
			check_event(o, &ev, p, avail, used);
			if (ev.type == IOW_RSP_EV_JUNK) {
				tr->junk_bytes += ev.raw_len;
			} else if (ev.type != IOW_RSP_EV_NONE) {
				tr->events++;
				tr->hash = mix(tr->hash, &ev.type, sizeof(ev.type));
				tr->hash = mix(tr->hash, &ev.fault, sizeof(ev.fault));
				tr->hash = mix(tr->hash, &ev.checksum_ok, sizeof(ev.checksum_ok));
				tr->hash = mix(tr->hash, ev.payload, ev.payload ? ev.payload_len : 0);
			}
			if (deep && ev.type == IOW_RSP_EV_PACKET) {
				check_reply(ev.payload, ev.payload_len);
				check_round_trip(ev.payload, ev.payload_len, o->max_payload);
			}
			p += used;
			avail -= used;
		} while (ev.type != IOW_RSP_EV_NONE);
		pos += chunk;
	}
	/* Past the end: nothing more to report. */
	FUZZ_CHECK(iow_rsp_decoder_feed(&d, data, 0, &ev) == 0 && ev.type == IOW_RSP_EV_NONE);
	iow_rsp_decoder_reset(&d);
	FUZZ_CHECK(iow_rsp_decoder_idle(&d));
	iow_rsp_decoder_fini(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t flags = fuzz_byte(&in), seed = fuzz_byte(&in);
	struct iow_rsp_decoder_opts o = {
		.keep_raw = flags & 1,
		/* sometimes small, to reach TOO_LARGE */
		.max_payload = flags & 2 ? 1 + (size_t)(flags >> 2) % SMALL_MAX_PAYLOAD : USUAL_MAX_PAYLOAD,
	};
	struct trace chunked, whole, flipped;

	decode(&o, in.p, in.len, seed | 1u, true, &chunked);
	decode(&o, in.p, in.len, 0, false, &whole);
	o.keep_raw = !o.keep_raw;
	decode(&o, in.p, in.len, 0, false, &flipped);
	FUZZ_CHECK(chunked.events == whole.events && chunked.hash == whole.hash &&
		   chunked.junk_bytes == whole.junk_bytes);
	FUZZ_CHECK(flipped.events == whole.events && flipped.hash == whole.hash &&
		   flipped.junk_bytes == whole.junk_bytes);
	return 0;
}
