/* RSP packet codec: framing, checksums, escapes, run-length encoding and
 * acks for GDB's Remote Serial Protocol; no I/O.  See rsp.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "rsp/rsp.h"

#define RLE_BIAS 29 /* a repeat count N is sent as the byte N + 29 */

static const char hexdigits[] = "0123456789abcdef";

static bool is_special(uint8_t c)
{
	return c == '$' || c == '#' || c == '}' || c == '*';
}

uint8_t iow_rsp_checksum(const void *p, size_t len)
{
	const uint8_t *s = p;
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += s[i];
	return sum;
}

/* Each byte's value as a hex digit plus one, 0 for the others (a table: a
 * memory read's reply is thousands of digits). */
static const unsigned char hex_value1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int iow_rsp_hex_digit(int c)
{
	return c >= 0 && c <= 255 ? hex_value1[c] - 1 : -1;
}

struct iow_error *iow_rsp_hex_encode(struct iow_buf *out, const void *p, size_t len)
{
	const uint8_t *s = p;
	struct iow_error *err;
	size_t i;

	if (len > SIZE_MAX / 2)
		return &iow_error_nomem;
	err = iow_buf_reserve(out, 2 * len);
	if (err)
		return err;
	for (i = 0; i < len; i++) {
		out->data[out->len++] = hexdigits[s[i] >> 4];
		out->data[out->len++] = hexdigits[s[i] & 15];
	}
	return NULL;
}

bool iow_rsp_hex_decode(const void *hex, size_t hexlen, uint8_t *out, size_t out_size,
			size_t *out_len)
{
	const uint8_t *s = hex;
	size_t i;
	int hi, lo;

	if (hexlen % 2 || hexlen / 2 > out_size)
		return false;
	for (i = 0; i < hexlen / 2; i++) {
		hi = hex_value1[s[2 * i]] - 1;
		lo = hex_value1[s[2 * i + 1]] - 1;
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = hexlen / 2;
	return true;
}

size_t iow_rsp_hex_scan(const void *p, size_t len, uint64_t *val)
{
	const uint8_t *s = p;
	uint64_t v = 0;
	size_t i;
	int d;

	for (i = 0; i < len && (d = iow_rsp_hex_digit(s[i])) >= 0; i++) {
		if (v > UINT64_MAX >> 4)
			return 0;
		v = v << 4 | (uint64_t)d;
	}
	if (i)
		*val = v;
	return i;
}

bool iow_rsp_hex_parse(const void *p, size_t len, uint64_t *val)
{
	return len && iow_rsp_hex_scan(p, len, val) == len;
}

struct iow_error *iow_rsp_encode(struct iow_buf *out, const void *payload, size_t len,
				 enum iow_rsp_encoding enc)
{
	const uint8_t *s = payload;
	struct iow_error *err;
	uint8_t *o, sum = 0;
	size_t i;

	if (enc != IOW_RSP_BINARY) {
		for (i = 0; i < len; i++)
			if (is_special(s[i]))
				return iow_error_create(IOW_ERR_INVALID,
							"'%c' at offset %zu cannot be sent in a text packet",
							s[i], i);
	}
	if (len > (SIZE_MAX - 4) / 2)
		return &iow_error_nomem;
	err = iow_buf_reserve(out, 2 * len + 4);
	if (err)
		return err;
	o = out->data + out->len;
	*o++ = '$';
	for (i = 0; i < len; i++) {
		if (is_special(s[i])) {
			*o++ = '}';
			*o++ = s[i] ^ 0x20;
			sum += '}' + (s[i] ^ 0x20);
		} else {
			*o++ = s[i];
			sum += s[i];
		}
	}
	*o++ = '#';
	*o++ = hexdigits[sum >> 4];
	*o++ = hexdigits[sum & 15];
	out->len = (size_t)(o - out->data);
	return NULL;
}

struct iow_error *iow_rsp_fmt_read_mem(struct iow_buf *out, uint64_t addr, size_t len)
{
	return iow_buf_printf(out, "m%" PRIx64 ",%zx", addr, len);
}

struct iow_error *iow_rsp_fmt_read_reg(struct iow_buf *out, unsigned int regnum)
{
	return iow_buf_printf(out, "p%x", regnum);
}

struct iow_error *iow_rsp_fmt_monitor(struct iow_buf *out, const char *cmd)
{
	struct iow_error *err = iow_buf_append(out, "qRcmd,", 6);

	if (!err)
		err = iow_rsp_hex_encode(out, cmd, strlen(cmd));
	return err;
}

struct iow_error *iow_rsp_fmt_supported(struct iow_buf *out, const char *const *features,
					size_t n)
{
	struct iow_error *err = iow_buf_append(out, "qSupported", 10);
	size_t i;

	for (i = 0; i < n && !err; i++) {
		err = iow_buf_putc(out, i ? ';' : ':');
		if (!err)
			err = iow_buf_append(out, features[i], strlen(features[i]));
	}
	return err;
}

/* --- decoding --- */

enum {
	ST_IDLE,       /* between packets */
	ST_DATA,       /* after '$' */
	ST_RLE,        /* after '*': the count comes next */
	ST_CSUM1,      /* after '#' */
	ST_CSUM2,
	ST_SKIP,       /* in a packet being dropped, until its '#' or a '$' */
	ST_SKIP_CSUM1, /* the checksum of a packet being dropped */
	ST_SKIP_CSUM2,
};

void iow_rsp_decoder_init(struct iow_rsp_decoder *d, const struct iow_rsp_decoder_opts *opts)
{
	memset(d, 0, sizeof(*d));
	d->state = ST_IDLE;
	d->max_payload = opts && opts->max_payload ? opts->max_payload
						    : IOW_RSP_DEFAULT_MAX_PAYLOAD;
	d->keep_raw = opts && opts->keep_raw;
	iow_buf_init(&d->payload);
	iow_buf_init(&d->raw);
}

void iow_rsp_decoder_fini(struct iow_rsp_decoder *d)
{
	iow_buf_fini(&d->payload);
	iow_buf_fini(&d->raw);
}

void iow_rsp_decoder_reset(struct iow_rsp_decoder *d)
{
	d->state = ST_IDLE;
	d->fault = IOW_RSP_FAULT_NONE;
	iow_buf_reset(&d->payload);
	iow_buf_reset(&d->raw);
}

bool iow_rsp_decoder_idle(const struct iow_rsp_decoder *d)
{
	return d->state == ST_IDLE;
}

/* Drop the current packet: report F (unless a fault is already waiting) and
 * skip to its end. */
static void fail(struct iow_rsp_decoder *d, enum iow_rsp_fault f)
{
	if (!d->fault)
		d->fault = f;
	d->state = ST_SKIP;
}

/* Keep a byte of the packet as sent, for a relay.  The room reserved here
 * also covers the "#cs" that ends the packet, so raw_tail() cannot fail. */
static void keep_raw(struct iow_rsp_decoder *d, uint8_t c)
{
	if (!d->keep_raw)
		return;
	if (iow_buf_reserve(&d->raw, 4))
		fail(d, IOW_RSP_FAULT_NOMEM);
	else
		d->raw.data[d->raw.len++] = c;
}

static void raw_tail(struct iow_rsp_decoder *d, uint8_t c)
{
	if (d->keep_raw)
		d->raw.data[d->raw.len++] = c;
}

static void begin(struct iow_rsp_decoder *d)
{
	d->state = ST_DATA;
	d->esc = false;
	d->have_prev = false;
	d->sum = 0;
	d->sent = 0;
	iow_buf_reset(&d->payload);
	iow_buf_reset(&d->raw);
	keep_raw(d, '$');
}

/* One decoded byte into the payload. */
static void put(struct iow_rsp_decoder *d, uint8_t c)
{
	if (d->payload.len >= d->max_payload)
		fail(d, IOW_RSP_FAULT_TOO_LARGE);
	else if (iow_buf_putc(&d->payload, c))
		fail(d, IOW_RSP_FAULT_NOMEM);
}

/* One byte as sent, after run-length expansion: undo the escapes.  Like
 * GDB's read_frame() and remote_unescape_input(), run-length expansion
 * comes first, repeating the byte as sent, so "}]*!" is "}" then "]]]]". */
static void unescape(struct iow_rsp_decoder *d, uint8_t c)
{
	if (d->esc) {
		d->esc = false;
		put(d, c ^ 0x20);
	} else if (c == '}') {
		d->esc = true;
	} else {
		put(d, c);
	}
}

/* The count after '*': N + 29 means N more copies of the byte before it.
 * As in QEMU's gdbstub, only the printable counts the manual allows are
 * taken (N >= 3; '#' and '$' are caught before this). */
static void repeat(struct iow_rsp_decoder *d, uint8_t c)
{
	int n;

	if (c < ' ' || c > '~') {
		fail(d, IOW_RSP_FAULT_BAD_RLE);
		return;
	}
	d->state = ST_DATA;
	for (n = c - RLE_BIAS; n > 0 && d->state == ST_DATA; n--)
		unescape(d, d->prev);
}

/* A byte between '$' and '#', other than those two. */
static void body(struct iow_rsp_decoder *d, uint8_t c)
{
	d->sum += c;
	if (++d->sent > d->max_payload) {
		fail(d, IOW_RSP_FAULT_TOO_LARGE);
		return;
	}
	keep_raw(d, c);
	if (d->state == ST_RLE) {
		repeat(d, c);
	} else if (d->state != ST_DATA) {
		return; /* keep_raw() failed */
	} else if (c == '*') {
		if (d->have_prev)
			d->state = ST_RLE;
		else
			fail(d, IOW_RSP_FAULT_BAD_RLE);
	} else {
		d->prev = c;
		d->have_prev = true;
		unescape(d, c);
	}
}

/* A byte body() would only count, keep and copy: the bulk of a packet. */
static bool plain(uint8_t c)
{
	return c != '$' && c != '#' && c != '*' && c != '}';
}

/* What body() does to each of the plain bytes that start P (at least one),
 * a run at a time: a memory read's reply is thousands of them.  Returns how
 * many it took; the byte after them goes through body() as usual.  Falls
 * back to body() for the byte that would pass a bound or fail to fit. */
static size_t plain_run(struct iow_rsp_decoder *d, const uint8_t *p, size_t len)
{
	size_t n = 0, room = 0, made = d->sent > d->payload.len ? d->sent : d->payload.len;
	uint8_t sum = 0;

	/* body() allows max_payload bytes as sent, put() as decoded */
	if (made < d->max_payload)
		room = d->max_payload - made;
	while (n < len && n < room && plain(p[n]))
		sum = (uint8_t)(sum + p[n++]);
	if (!n || iow_buf_reserve(&d->payload, n) ||
	    (d->keep_raw && iow_buf_reserve(&d->raw, n + 4))) {
		body(d, p[0]); /* the slow way, with its own checks */
		return 1;
	}
	memcpy(d->payload.data + d->payload.len, p, n);
	d->payload.len += n;
	if (d->keep_raw) {
		memcpy(d->raw.data + d->raw.len, p, n);
		d->raw.len += n;
	}
	d->sum = (uint8_t)(d->sum + sum);
	d->sent += n;
	d->prev = p[n - 1];
	d->have_prev = true;
	return n;
}

/* Bytes inside a packet; a PACKET event when its checksum is in. */
static void in_packet(struct iow_rsp_decoder *d, uint8_t c, struct iow_rsp_event *ev)
{
	int lo;

	if (c == '$') {
		/* The packet being dropped ends (a packet cut short never gets
		 * here: see iow_rsp_decoder_feed()). */
		begin(d);
		return;
	}
	switch (d->state) {
	case ST_DATA:
		if (c != '#') {
			body(d, c);
		} else if (d->esc) {
			fail(d, IOW_RSP_FAULT_BAD_ESCAPE);
			d->state = ST_SKIP_CSUM1;
		} else {
			raw_tail(d, c);
			d->state = ST_CSUM1;
		}
		break;
	case ST_RLE:
		if (c == '#') {
			fail(d, IOW_RSP_FAULT_BAD_RLE);
			d->state = ST_SKIP_CSUM1;
		} else {
			body(d, c);
		}
		break;
	case ST_CSUM1:
		raw_tail(d, c);
		d->sent_hi = iow_rsp_hex_digit(c);
		d->state = ST_CSUM2;
		break;
	case ST_CSUM2:
		raw_tail(d, c);
		lo = iow_rsp_hex_digit(c);
		d->state = ST_IDLE;
		ev->type = IOW_RSP_EV_PACKET;
		ev->checksum_ok = d->sent_hi >= 0 && lo >= 0 && (d->sent_hi << 4 | lo) == d->sum;
		/* put() always leaves room for the NUL */
		if (d->payload.len) {
			d->payload.data[d->payload.len] = '\0';
			ev->payload = d->payload.data;
		} else {
			ev->payload = (const uint8_t *)"";
		}
		ev->payload_len = d->payload.len;
		if (d->keep_raw) {
			ev->raw = d->raw.data;
			ev->raw_len = d->raw.len;
		}
		break;
	case ST_SKIP:
		if (c == '#')
			d->state = ST_SKIP_CSUM1;
		break;
	case ST_SKIP_CSUM1:
		d->state = ST_SKIP_CSUM2;
		break;
	case ST_SKIP_CSUM2:
		d->state = ST_IDLE;
		break;
	}
}

static bool is_idle_special(uint8_t c)
{
	return c == '$' || c == '+' || c == '-' || c == IOW_RSP_INTERRUPT;
}

/* Bytes between packets: returns how many were used (at least one). */
static size_t idle(struct iow_rsp_decoder *d, const uint8_t *p, size_t len,
		   struct iow_rsp_event *ev)
{
	size_t n = 1;

	switch (p[0]) {
	case '$':
		begin(d);
		return 1;
	case '+':
		ev->type = IOW_RSP_EV_ACK;
		break;
	case '-':
		ev->type = IOW_RSP_EV_NACK;
		break;
	case IOW_RSP_INTERRUPT:
		ev->type = IOW_RSP_EV_INTERRUPT;
		break;
	default:
		while (n < len && !is_idle_special(p[n]))
			n++;
		ev->type = IOW_RSP_EV_JUNK;
		break;
	}
	ev->raw = p;
	ev->raw_len = n;
	return n;
}

size_t iow_rsp_decoder_feed(struct iow_rsp_decoder *d, const void *in, size_t len,
			    struct iow_rsp_event *ev)
{
	const uint8_t *p = in;
	size_t i = 0;

	memset(ev, 0, sizeof(*ev));
	ev->type = IOW_RSP_EV_NONE;
	while (ev->type == IOW_RSP_EV_NONE) {
		if (d->fault) {
			ev->type = IOW_RSP_EV_ERROR;
			ev->fault = d->fault;
			d->fault = IOW_RSP_FAULT_NONE;
			break;
		}
		if (i == len)
			break;
		if (d->state == ST_IDLE) {
			i += idle(d, p + i, len - i, ev);
		} else if (p[i] == '$' && (d->state == ST_DATA || d->state == ST_RLE ||
					   d->state == ST_CSUM1 || d->state == ST_CSUM2)) {
			/* A new packet before this one ended (GDB's read_frame()
			 * also restarts on it): report this one dropped, and
			 * leave the '$' unused, to start the next one at the
			 * next call.  So the bytes a call uses never mix the
			 * two packets, and a relay that passes a dropped
			 * packet on does not pass the next one's '$' with it. */
			fail(d, d->state == ST_RLE ? IOW_RSP_FAULT_BAD_RLE : IOW_RSP_FAULT_TRUNCATED);
			d->state = ST_IDLE;
		} else if (d->state == ST_DATA && !d->esc && plain(p[i])) {
			i += plain_run(d, p + i, len - i);
		} else {
			in_packet(d, p[i++], ev);
		}
	}
	return i;
}

const char *iow_rsp_fault_name(enum iow_rsp_fault fault)
{
	switch (fault) {
	case IOW_RSP_FAULT_NONE:
		return "no error";
	case IOW_RSP_FAULT_TOO_LARGE:
		return "packet too large";
	case IOW_RSP_FAULT_BAD_RLE:
		return "invalid run-length encoding";
	case IOW_RSP_FAULT_BAD_ESCAPE:
		return "escape character at the end of a packet";
	case IOW_RSP_FAULT_TRUNCATED:
		return "packet cut short by a new '$'";
	case IOW_RSP_FAULT_NOMEM:
		return "out of memory";
	}
	return "unknown packet error";
}

/* --- replies --- */

static bool all_hex(const uint8_t *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (iow_rsp_hex_digit(s[i]) < 0)
			return false;
	return true;
}

enum iow_rsp_reply iow_rsp_reply_classify(const void *p, size_t len, unsigned int *code)
{
	const uint8_t *s = p;
	unsigned int dummy;

	if (!code)
		code = &dummy;
	*code = 0;
	if (len == 0)
		return IOW_RSP_REPLY_EMPTY;
	if (len == 2 && s[0] == 'O' && s[1] == 'K')
		return IOW_RSP_REPLY_OK;
	/* "E NN" and GDB's "E.text", as packet_check_result() accepts them */
	if (s[0] == 'E' && len >= 2 && s[1] == '.')
		return IOW_RSP_REPLY_ERROR;
	if (s[0] == 'E' && len == 3 && all_hex(s + 1, 2)) {
		*code = (unsigned int)(iow_rsp_hex_digit(s[1]) << 4 | iow_rsp_hex_digit(s[2]));
		return IOW_RSP_REPLY_ERROR;
	}
	if (s[0] == 'O' && len % 2 == 1 && all_hex(s + 1, len - 1))
		return IOW_RSP_REPLY_CONSOLE;
	if (memchr("STWX", s[0], 4) && len >= 3 && all_hex(s + 1, 2) &&
	    (s[0] != 'S' || len == 3)) {
		*code = (unsigned int)(iow_rsp_hex_digit(s[1]) << 4 | iow_rsp_hex_digit(s[2]));
		return IOW_RSP_REPLY_STOP;
	}
	return IOW_RSP_REPLY_DATA;
}

bool iow_rsp_reply_console(const void *p, size_t len, uint8_t *out, size_t out_size,
			   size_t *out_len)
{
	const uint8_t *s = p;

	if (iow_rsp_reply_classify(p, len, NULL) != IOW_RSP_REPLY_CONSOLE)
		return false;
	return iow_rsp_hex_decode(s + 1, len - 1, out, out_size, out_len);
}

enum iow_rsp_feature iow_rsp_feature_find(const void *p, size_t len, const char *name,
					  const uint8_t **value, size_t *value_len)
{
	const uint8_t *s = p, *end = s + len, *item, *semi, *eq, *val = NULL;
	enum iow_rsp_feature found = IOW_RSP_FEATURE_ABSENT;
	size_t namelen = strlen(name), n, vlen = 0;

	for (item = s; item < end; item = semi ? semi + 1 : end) {
		semi = memchr(item, ';', (size_t)(end - item));
		n = semi ? (size_t)(semi - item) : (size_t)(end - item);
		eq = memchr(item, '=', n);
		if (eq) {
			if ((size_t)(eq - item) == namelen && !memcmp(item, name, namelen)) {
				found = IOW_RSP_FEATURE_VALUE;
				val = eq + 1;
				vlen = n - namelen - 1;
			}
		} else if (n == namelen + 1 && !memcmp(item, name, namelen)) {
			switch (item[namelen]) {
			case '+':
				found = IOW_RSP_FEATURE_YES;
				break;
			case '-':
				found = IOW_RSP_FEATURE_NO;
				break;
			case '?':
				found = IOW_RSP_FEATURE_QUERY;
				break;
			}
		}
	}
	if (found == IOW_RSP_FEATURE_VALUE) {
		if (value)
			*value = val;
		if (value_len)
			*value_len = vlen;
	}
	return found;
}

bool iow_rsp_feature_hex(const void *p, size_t len, const char *name, uint64_t *val)
{
	const uint8_t *v;
	size_t vlen;

	return iow_rsp_feature_find(p, len, name, &v, &vlen) == IOW_RSP_FEATURE_VALUE &&
	       iow_rsp_hex_parse(v, vlen, val);
}
