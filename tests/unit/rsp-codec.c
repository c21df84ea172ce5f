/* Unit test for the RSP packet codec (src/rsp): checksums, escapes,
 * run-length encoding, the stream decoder fed in arbitrary pieces, its
 * limits and recovery, and the reply and qSupported helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rsp/rsp.h"
#include "tap.h"

#define S(lit) (const uint8_t *)(lit), sizeof(lit) - 1

/* --- an event log: every event of a stream as text, for comparisons --- */

static void log_bytes(struct iow_buf *log, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x21 && p[i] < 0x7f && p[i] != '\\' && p[i] != '(' && p[i] != ')')
			iow_buf_putc(log, p[i]);
		else
			iow_buf_printf(log, "\\x%02x", p[i]);
	}
}

static void log_event(struct iow_buf *log, const struct iow_rsp_event *ev)
{
	size_t i;

	switch (ev->type) {
	case IOW_RSP_EV_NONE:
		break;
	case IOW_RSP_EV_PACKET:
		iow_buf_append(log, ev->checksum_ok ? "P(" : "p(", 2);
		log_bytes(log, ev->payload, ev->payload_len);
		iow_buf_putc(log, ')');
		break;
	case IOW_RSP_EV_ACK:
		iow_buf_putc(log, '+');
		break;
	case IOW_RSP_EV_NACK:
		iow_buf_putc(log, '-');
		break;
	case IOW_RSP_EV_INTERRUPT:
		iow_buf_putc(log, '^');
		break;
	case IOW_RSP_EV_JUNK:
		/* one "j" per byte, so junk split across calls logs the same */
		for (i = 0; i < ev->raw_len; i++) {
			iow_buf_putc(log, 'j');
			log_bytes(log, ev->raw + i, 1);
		}
		break;
	case IOW_RSP_EV_ERROR:
		iow_buf_printf(log, "E(%s)", iow_rsp_fault_name(ev->fault));
		break;
	}
}

static int loop_ok = 1;   /* every feed loop ended within its bound */
static struct iow_buf raw_log; /* the raw spans of all events, keep_raw mode */

/* Feed one chunk the documented way, logging every event. */
static void feed(struct iow_rsp_decoder *d, struct iow_buf *log, const uint8_t *p, size_t len)
{
	struct iow_rsp_event ev;
	size_t n, rounds = 0, max_rounds = 2 * len + 2; /* an event and a fault per byte */

	do {
		n = iow_rsp_decoder_feed(d, p, len, &ev);
		if (n > len) {
			loop_ok = 0;
			return;
		}
		p += n;
		len -= n;
		log_event(log, &ev);
		if (ev.raw)
			iow_buf_append(&raw_log, ev.raw, ev.raw_len);
		if (ev.type == IOW_RSP_EV_PACKET && ev.payload[ev.payload_len] != '\0')
			loop_ok = 0;
		if (++rounds > max_rounds)
			loop_ok = 0;
	} while (ev.type != IOW_RSP_EV_NONE && loop_ok);
	if (len)
		loop_ok = 0;
}

/* Decode a whole stream in one call (step 0) or in STEP-byte chunks; the
 * log as a C string in LOG. */
static const char *decode(struct iow_buf *log, const struct iow_rsp_decoder_opts *o,
			  const uint8_t *p, size_t len, size_t step)
{
	struct iow_rsp_decoder d;
	size_t i, n;

	iow_buf_reset(log);
	iow_rsp_decoder_init(&d, o);
	i = 0;
	do {
		n = step && step < len - i ? step : len - i;
		feed(&d, log, p + i, n);
		i += n;
	} while (i < len);
	iow_rsp_decoder_fini(&d);
	return iow_buf_str(log);
}

static const char *decode_str(struct iow_buf *log, const char *s)
{
	return decode(log, NULL, (const uint8_t *)s, strlen(s), 0);
}

/* The stream split in two at AT. */
static const char *decode_split(struct iow_buf *log, const uint8_t *p, size_t len, size_t at)
{
	struct iow_rsp_decoder d;

	iow_buf_reset(log);
	iow_rsp_decoder_init(&d, NULL);
	feed(&d, log, p, at);
	feed(&d, log, p + at, len - at);
	iow_rsp_decoder_fini(&d);
	return iow_buf_str(log);
}

/* Frame PAYLOAD (text) and return the packet as a C string in OUT. */
static const char *frame(struct iow_buf *out, const char *payload)
{
	struct iow_error *err;

	iow_buf_reset(out);
	err = iow_rsp_encode(out, payload, strlen(payload), IOW_RSP_TEXT);
	iow_error_destroy(err);
	return err ? "(error)" : iow_buf_str(out);
}

/* --- the tests --- */

static void test_checksum(void)
{
	tap_is_int(iow_rsp_checksum("", 0), 0, "checksum of nothing is 0");
	tap_is_int(iow_rsp_checksum("OK", 2), 0x9a, "checksum of OK is 9a");
	tap_is_int(iow_rsp_checksum("qSupported", 10), 0x37, "checksum of qSupported is 37");
	tap_is_int(iow_rsp_checksum("\xff\xff", 2), 0xfe, "checksum wraps modulo 256");
}

static void test_hex(void)
{
	struct iow_buf b;
	uint8_t out[8];
	size_t n = 99;
	uint64_t v = 0;

	iow_buf_init(&b);
	tap_ok(!iow_rsp_hex_encode(&b, "\x00\xff\x12\xa5", 4), "hex encode succeeds");
	tap_is_str(iow_buf_str(&b), "00ff12a5", "hex encode is lower case, two digits a byte");
	tap_ok(iow_rsp_hex_decode("00fF12A5", 8, out, sizeof(out), &n) && n == 4 &&
		       !memcmp(out, "\x00\xff\x12\xa5", 4),
	       "hex decode takes both cases");
	tap_ok(iow_rsp_hex_decode("", 0, out, 0, &n) && n == 0, "hex decode of nothing");
	tap_ok(!iow_rsp_hex_decode("abc", 3, out, sizeof(out), &n), "odd hex length rejected");
	tap_ok(!iow_rsp_hex_decode("0g", 2, out, sizeof(out), &n), "bad hex digit g rejected");
	tap_ok(!iow_rsp_hex_decode("0 ", 2, out, sizeof(out), &n), "space in hex rejected");
	tap_ok(!iow_rsp_hex_decode("x0", 2, out, sizeof(out), &n), "x in hex rejected");
	tap_ok(!iow_rsp_hex_decode("000000", 6, out, 2, &n), "hex decode refuses to overflow OUT");
	tap_is_int(iow_rsp_hex_digit('/'), -1, "'/' is no hex digit");
	tap_is_int(iow_rsp_hex_digit(':'), -1, "':' is no hex digit");
	tap_is_int(iow_rsp_hex_digit('G'), -1, "'G' is no hex digit");
	tap_is_int(iow_rsp_hex_digit('F'), 15, "'F' is 15");

	tap_ok(iow_rsp_hex_parse("ffffffff81000000", 16, &v) && v == 0xffffffff81000000ull,
	       "hex parse of a kernel address");
	tap_ok(iow_rsp_hex_parse("00000000000000000001", 20, &v) && v == 1,
	       "hex parse allows leading zeros");
	tap_ok(!iow_rsp_hex_parse("10000000000000000", 17, &v), "hex parse rejects 65-bit numbers");
	tap_ok(!iow_rsp_hex_parse("", 0, &v), "hex parse rejects nothing");
	tap_ok(!iow_rsp_hex_parse("12,", 3, &v), "hex parse rejects trailing junk");
	tap_is_int(iow_rsp_hex_scan("1f,4", 4, &v), 2, "hex scan stops at the comma");
	tap_is_u64(v, 0x1f, "hex scan value");
	tap_is_int(iow_rsp_hex_scan(",4", 2, &v), 0, "hex scan of no digits uses nothing");
	iow_buf_fini(&b);
}

static void test_format(void)
{
	struct iow_buf b;
	static const char *const feats[] = { "multiprocess+", "swbreak+", "xmlRegisters=i386" };

	iow_buf_init(&b);
	tap_ok(!iow_rsp_fmt_read_mem(&b, 0xffffffff82000000ull, 0x1000), "format m");
	tap_is_str(iow_buf_str(&b), "mffffffff82000000,1000", "m ADDR,LEN");
	iow_buf_reset(&b);
	iow_rsp_fmt_read_reg(&b, 0x10);
	tap_is_str(iow_buf_str(&b), "p10", "p REGNUM in hex");
	iow_buf_reset(&b);
	iow_rsp_fmt_monitor(&b, "info mtree");
	tap_is_str(iow_buf_str(&b), "qRcmd,696e666f206d74726565", "qRcmd,<hex>");
	iow_buf_reset(&b);
	iow_rsp_fmt_supported(&b, feats, 3);
	tap_is_str(iow_buf_str(&b), "qSupported:multiprocess+;swbreak+;xmlRegisters=i386",
		   "qSupported with features");
	iow_buf_reset(&b);
	iow_rsp_fmt_supported(&b, NULL, 0);
	tap_is_str(iow_buf_str(&b), "qSupported", "qSupported without features");
	iow_buf_fini(&b);
}

static void test_encode(void)
{
	struct iow_buf b, log;
	struct iow_error *err;

	iow_buf_init(&b);
	iow_buf_init(&log);
	tap_is_str(frame(&b, "OK"), "$OK#9a", "encode OK");
	tap_is_str(frame(&b, ""), "$#00", "encode the empty packet");
	tap_is_str(frame(&b, "qSupported"), "$qSupported#37", "encode qSupported");
	tap_is_str(frame(&b, "g"), "$g#67", "encode g");

	iow_buf_reset(&b);
	iow_buf_append(&b, "keep", 4);
	err = iow_rsp_encode(&b, "a#b", 3, IOW_RSP_TEXT);
	tap_ok(err && err->code == IOW_ERR_INVALID, "text packet with '#' refused");
	if (err)
		printf("# message: %s\n", err->message);
	iow_error_destroy(err);
	tap_ok(b.len == 4, "refused encode leaves the buffer alone");
	err = iow_rsp_encode(&b, "a*b", 3, IOW_RSP_TEXT);
	tap_ok(err != NULL, "text packet with '*' refused");
	iow_error_destroy(err);

	iow_buf_reset(&b);
	iow_rsp_encode(&b, "a$b#c}d*e", 9, IOW_RSP_BINARY);
	tap_is_mem(b.data, b.len < 15 ? b.len : 15, "$a}\x04" "b}\x03" "c}]d}\x0a" "e#", 15,
		   "binary encode escapes $ # } *");
	tap_ok(b.len == 17 && iow_rsp_checksum(b.data + 1, 13) ==
				      (iow_rsp_hex_digit(b.data[15]) << 4 |
				       iow_rsp_hex_digit(b.data[16])),
	       "binary checksum covers the escaped bytes");
	tap_is_str(decode(&log, NULL, b.data, b.len, 0), "P(a$b#c}d*e)",
		   "escaped binary decodes back");
	iow_buf_fini(&b);
	iow_buf_fini(&log);
}

static void test_binary_roundtrip(void)
{
	struct iow_rsp_decoder d;
	struct iow_rsp_event ev;
	struct iow_buf b;
	uint8_t all[512];
	size_t i, n, bad = 0, got = 0, ok = 0;

	for (i = 0; i < 256; i++) {
		all[i] = (uint8_t)i;
		all[511 - i] = (uint8_t)i;
	}
	iow_buf_init(&b);
	tap_ok(!iow_rsp_encode(&b, all, sizeof(all), IOW_RSP_BINARY), "encode all 256 bytes");
	for (i = 1; i + 3 < b.len; i++)
		if ((b.data[i] == '$' || b.data[i] == '#' || b.data[i] == '*') ||
		    (b.data[i] == '}' && !(b.data[i + 1] == 0x03 || b.data[i + 1] == 0x04 ||
					   b.data[i + 1] == 0x5d || b.data[i + 1] == 0x0a)))
			bad++;
	tap_ok(bad == 0, "no bare $ # * or stray } in the encoded body");
	tap_is_int(b.len, 4 + 512 + 8, "four escapes per 256 bytes");

	/* whole, then byte by byte */
	iow_rsp_decoder_init(&d, NULL);
	n = iow_rsp_decoder_feed(&d, b.data, b.len, &ev);
	tap_ok(n == b.len && ev.type == IOW_RSP_EV_PACKET && ev.checksum_ok,
	       "all 256 bytes: one good packet");
	tap_is_mem(ev.payload, ev.payload_len, all, sizeof(all), "all 256 bytes round-trip");
	for (i = 0; i < b.len; i++) {
		n = iow_rsp_decoder_feed(&d, b.data + i, 1, &ev);
		if (ev.type == IOW_RSP_EV_PACKET) {
			got++;
			ok = ev.checksum_ok && ev.payload_len == sizeof(all) &&
			     !memcmp(ev.payload, all, sizeof(all));
		} else if (ev.type != IOW_RSP_EV_NONE || n != 1) {
			bad++;
		}
	}
	tap_ok(got == 1 && ok && bad == 0, "all 256 bytes round-trip fed a byte at a time");
	iow_rsp_decoder_fini(&d);
	iow_buf_fini(&b);
}

static void test_rle(void)
{
	struct iow_buf log, want;
	char zeros[200];

	iow_buf_init(&log);
	iow_buf_init(&want);
	memset(zeros, '0', sizeof(zeros));

	tap_is_str(decode_str(&log, "$0* #7a"), "P(0000)", "'0* ' is four zeros (manual example)");
	tap_is_str(decode_str(&log, "$0*\"00#dc"), "P(00000000)", "'0*\"00' is eight zeros");
	tap_is_str(decode_str(&log, "$0*!#7b"), "P(00000)", "'0*!' is five zeros");
	/* gdbserver's try_rle(): 16 zeros as "0*," and 7 as "0*\"0" (skipping '#') */
	iow_buf_reset(&want);
	iow_buf_printf(&want, "P(%.16s1f%.7s)", zeros, zeros);
	tap_is_str(decode_str(&log, "$0*,1f0*\"0#c9"), iow_buf_str(&want),
		   "gdbserver-style register dump expands");
	iow_buf_reset(&want);
	iow_buf_printf(&want, "P(%.98s)", zeros);
	tap_is_str(decode_str(&log, "$0*~#d8"), iow_buf_str(&want), "'~' repeats 97 more");
	iow_buf_reset(&want);
	iow_buf_printf(&want, "P(%.97s)", zeros);
	tap_is_str(decode_str(&log, "$0*}#d7"), iow_buf_str(&want), "'}' as a count is a count");
	iow_buf_reset(&want);
	iow_buf_printf(&want, "P(%.14s)", zeros);
	tap_is_str(decode_str(&log, "$0**#84"), iow_buf_str(&want), "'*' as a count is 13");
	tap_is_str(decode_str(&log, "$0* * #c4"), "P(0000000)", "two runs in a row");
	tap_is_str(decode_str(&log, "$}]*!#25"), "P(}]]]])",
		   "the run repeats the byte as sent, as GDB does");
	tap_is_str(decode_str(&log, "$0* #00"), "p(0000)", "bad checksum still decodes, flagged");

	/* invalid counts: the packet is dropped, the next one decodes */
	tap_is_str(decode_str(&log, "$*0#5a$OK#9a"), "E(invalid run-length encoding)P(OK)",
		   "'*' with nothing before it");
	tap_is_str(decode_str(&log, "$0*\x1f#6f$OK#9a"), "E(invalid run-length encoding)P(OK)",
		   "count below ' ' (repeat < 3)");
	tap_is_str(decode_str(&log, "$0*\x7f#cf$OK#9a"), "E(invalid run-length encoding)P(OK)",
		   "count above '~'");
	tap_is_str(decode_str(&log, "$0*\xff#00$OK#9a"), "E(invalid run-length encoding)P(OK)",
		   "count 0xff");
	tap_is_str(decode_str(&log, "$0*#5a+$OK#9a"), "E(invalid run-length encoding)+P(OK)",
		   "count '#': the packet ends there, its checksum is skipped");
	tap_is_str(decode_str(&log, "$0*$OK#9a"), "E(invalid run-length encoding)P(OK)",
		   "count '$': a new packet starts");
	iow_buf_fini(&log);
	iow_buf_fini(&want);
}

static void test_stream(void)
{
	static const uint8_t stream[] = "+$OK#9a\r\njunk#7f$T05thread:01;#07-\x03"
					"$0*,1f0*\"0#c9+$a}\x04" "b#44$Ebad#00";
	static const char want[] = "+P(OK)j\\x0dj\\x0ajjjujnjkj#j7jfP(T05thread:01;)-^"
				   "P(00000000000000001f0000000)+P(a$b)p(Ebad)";
	struct iow_buf log;
	size_t len = sizeof(stream) - 1, at, step, bad_at = 0;

	iow_buf_init(&log);
	tap_is_str(decode(&log, NULL, stream, len, 0), want, "a mixed stream in one call");
	for (at = 0; at <= len; at++)
		if (strcmp(decode_split(&log, stream, len, at), want) && !bad_at)
			bad_at = at + 1;
	tap_ok(!bad_at, "the same events split at every byte boundary");
	if (bad_at)
		printf("# first failure split at %zu: %s\n", bad_at - 1, iow_buf_str(&log));
	for (step = 1, bad_at = 0; step <= 7; step++)
		if (strcmp(decode(&log, NULL, stream, len, step), want) && !bad_at)
			bad_at = step;
	tap_ok(!bad_at, "the same events fed 1..7 bytes at a time");

	tap_is_str(decode_str(&log, "$abc#00"), "p(abc)", "bad checksum flagged");
	tap_is_str(decode_str(&log, "$OK#9A"), "P(OK)", "upper-case checksum digits accepted");
	tap_is_str(decode_str(&log, "$OK#zz"), "p(OK)", "non-hex checksum digits: bad checksum");
	tap_is_str(decode_str(&log, "$#00"), "P()", "empty packet");
	tap_is_str(decode_str(&log, "+-\x03+"), "+-^+", "acks, nacks and interrupts");
	tap_is_str(decode_str(&log, "$a\x03+-#bc"), "P(a\\x03+-)",
		   "0x03, + and - inside a packet are data");
	tap_is_str(decode_str(&log, "\x01\xff$OK#9a"), "j\\x01j\\xffP(OK)", "binary junk skipped");
	tap_is_str(decode_str(&log, "#}*$OK#9a"), "j#j}j*P(OK)", "framing bytes outside packets are junk");
	tap_is_str(decode_str(&log, "$abc$OK#9a"), "E(packet cut short by a new '$')P(OK)",
		   "a '$' in mid-packet restarts");
	tap_is_str(decode_str(&log, "$abc#$OK#9a"), "E(packet cut short by a new '$')P(OK)",
		   "a '$' in the checksum restarts");
	tap_is_str(decode_str(&log, "$ab}#00$OK#9a"),
		   "E(escape character at the end of a packet)P(OK)", "dangling escape");
	{
		/* The '$' that cuts a packet short is the next packet's: the
		 * call that reports the fault does not use it (a relay passes
		 * on the bytes a dropped packet used). */
		struct iow_rsp_decoder d;
		struct iow_rsp_event ev;
		size_t n;

		iow_rsp_decoder_init(&d, NULL);
		n = iow_rsp_decoder_feed(&d, "$ab$OK#9a", 9, &ev);
		tap_ok(n == 3 && ev.type == IOW_RSP_EV_ERROR && ev.fault == IOW_RSP_FAULT_TRUNCATED,
		       "a packet cut short: reported before the '$' is used");
		n = iow_rsp_decoder_feed(&d, "$a*$OK#9a", 9, &ev);
		tap_ok(n == 3 && ev.type == IOW_RSP_EV_ERROR && ev.fault == IOW_RSP_FAULT_BAD_RLE,
		       "a run-length count cut short by a '$': the same");
		iow_rsp_decoder_fini(&d);
	}
	iow_buf_fini(&log);
}

static void test_limits(void)
{
	struct iow_rsp_decoder_opts small = { .max_payload = 16 };
	struct iow_rsp_decoder d;
	struct iow_buf log, bomb;
	size_t i;

	iow_buf_init(&log);
	iow_buf_init(&bomb);
	tap_is_str(decode(&log, &small, S("$0123456789abcdef#00"), 0), "p(0123456789abcdef)",
		   "payload of exactly the limit is taken");
	tap_is_str(decode(&log, &small, S("$0123456789abcdefg+-\x03#00+$OK#9a"), 0),
		   "E(packet too large)+P(OK)",
		   "one byte over: dropped, the rest of it skipped (no spurious events)");
	tap_is_str(decode(&log, &small, S("$0*~#ae$OK#9a"), 0), "E(packet too large)P(OK)",
		   "run past the limit dropped");
	tap_is_str(decode(&log, &small, S("$0*,#86$OK#9a"), 0), "P(0000000000000000)P(OK)",
		   "run up to the limit taken");
	tap_is_str(decode(&log, &small, S("$}]}]}]}]}]}]}]}]}]#00$OK#9a"), 0),
		   "E(packet too large)P(OK)", "the limit bounds the bytes as sent too");
	tap_is_str(decode(&log, &small, S("$0123456789abcdefghij$OK#9a"), 0),
		   "E(packet too large)P(OK)", "oversized and unterminated: resync at '$'");

	/* an RLE bomb: 3 bytes sent make 97, past the default 1 MiB limit */
	iow_buf_append(&bomb, "$0", 2);
	for (i = 0; i < 12000; i++)
		iow_buf_append(&bomb, "*~", 2);
	iow_buf_append(&bomb, "#00$OK#9a", 9);
	tap_is_str(decode(&log, NULL, bomb.data, bomb.len, 0), "E(packet too large)P(OK)",
		   "RLE bomb past 1 MiB rejected, next packet fine");
	tap_is_str(decode(&log, NULL, bomb.data, bomb.len, 4096), "E(packet too large)P(OK)",
		   "RLE bomb in 4 KiB pieces too");

	/* the decoder keeps working after a fault and after reset */
	iow_rsp_decoder_init(&d, &small);
	iow_buf_reset(&log);
	feed(&d, &log, S("$0123456789abcdefgh#00"));
	feed(&d, &log, S("$O4f4b0a#10"));
	tap_is_str(iow_buf_str(&log), "E(packet too large)P(O4f4b0a)", "same decoder, next call");
	feed(&d, &log, S("$half"));
	tap_ok(!iow_rsp_decoder_idle(&d), "mid-packet: not idle");
	iow_rsp_decoder_reset(&d);
	tap_ok(iow_rsp_decoder_idle(&d), "idle after reset");
	iow_buf_reset(&log);
	feed(&d, &log, S("ed#00$OK#9a"));
	tap_is_str(iow_buf_str(&log), "jejdj#j0j0P(OK)", "reset dropped the partial packet");
	iow_rsp_decoder_fini(&d);
	tap_ok(loop_ok, "every feed loop used its input and ended");
	iow_buf_fini(&log);
	iow_buf_fini(&bomb);
}

static void test_fuzz(void)
{
	static const uint8_t alphabet[] = "$#*}+-\x03" "0 ~!\"aZ";
	struct iow_rsp_decoder_opts o = { .max_payload = 64, .keep_raw = true };
	struct iow_rsp_decoder d;
	struct iow_buf log, in;
	uint32_t x = 12345;
	size_t i, round, step, bad = 0;

	iow_buf_init(&log);
	iow_buf_init(&in);
	for (round = 0; round < 200; round++) {
		iow_buf_reset(&in);
		for (i = 0; i < 2000; i++) {
			x = x * 1103515245 + 12345;
			iow_buf_putc(&in, (x >> 16) % 4 ? alphabet[(x >> 8) % 14] : (uint8_t)(x >> 8));
		}
		o.keep_raw = round % 2;
		step = 1 + round % 41;
		iow_rsp_decoder_init(&d, &o);
		iow_buf_reset(&log);
		for (i = 0; i < in.len; i += step)
			feed(&d, &log, in.data + i, in.len - i < step ? in.len - i : step);
		iow_buf_reset(&log);
		feed(&d, &log, S("$OK#9a"));
		if (log.len < 5 || memcmp(log.data + log.len - 5, "P(OK)", 5))
			bad++;
		iow_rsp_decoder_fini(&d);
	}
	tap_ok(bad == 0 && loop_ok, "random streams never hang and always resync at '$'");
	iow_buf_fini(&log);
	iow_buf_fini(&in);
}

static void test_raw(void)
{
	static const uint8_t stream[] = "+$OK#9ajunk$a}\x04" "b#44-\x03$0* #7a";
	static const char ok[] = "$OK#9a";
	struct iow_rsp_decoder_opts o = { .keep_raw = true };
	struct iow_rsp_decoder d;
	struct iow_rsp_event ev;
	struct iow_buf log;
	size_t n, i;

	iow_buf_init(&log);
	iow_buf_reset(&raw_log);
	decode(&log, &o, stream, sizeof(stream) - 1, 0);
	tap_is_mem(raw_log.data, raw_log.len, stream, sizeof(stream) - 1,
		   "raw spans of all events rebuild the stream exactly");
	iow_buf_reset(&raw_log);
	decode(&log, &o, stream, sizeof(stream) - 1, 1);
	tap_is_mem(raw_log.data, raw_log.len, stream, sizeof(stream) - 1,
		   "... also when fed a byte at a time");

	iow_rsp_decoder_init(&d, &o);
	n = iow_rsp_decoder_feed(&d, S("$a}\x04" "b#44"), &ev);
	tap_ok(n == 8 && ev.type == IOW_RSP_EV_PACKET, "raw mode still decodes");
	tap_is_mem(ev.raw, ev.raw_len, "$a}\x04" "b#44", 8, "raw packet keeps the escape");
	tap_is_mem(ev.payload, ev.payload_len, "a$b", 3, "raw mode payload unescaped");
	iow_rsp_decoder_fini(&d);

	iow_rsp_decoder_init(&d, NULL);
	for (i = 0; i < 6; i++)
		n = iow_rsp_decoder_feed(&d, &ok[i], 1, &ev);
	tap_ok(ev.type == IOW_RSP_EV_PACKET && ev.raw == NULL && ev.raw_len == 0,
	       "no raw copy unless asked");
	n = iow_rsp_decoder_feed(&d, "+", 1, &ev);
	tap_ok(n == 1 && ev.type == IOW_RSP_EV_ACK && ev.raw_len == 1 && ev.raw[0] == '+',
	       "ack's raw span points at the input");
	iow_rsp_decoder_fini(&d);
	iow_buf_fini(&log);
}

static void test_replies(void)
{
	unsigned int code = 99;
	uint8_t text[16];
	size_t n = 0;

	tap_is_int(iow_rsp_reply_classify("", 0, &code), IOW_RSP_REPLY_EMPTY, "empty: unsupported");
	tap_is_int(iow_rsp_reply_classify(S("OK"), &code), IOW_RSP_REPLY_OK, "OK");
	tap_is_int(iow_rsp_reply_classify(S("E01"), &code), IOW_RSP_REPLY_ERROR, "E01 is an error");
	tap_is_int(code, 1, "E01 carries 1");
	tap_is_int(iow_rsp_reply_classify(S("E14"), &code), IOW_RSP_REPLY_ERROR, "E14");
	tap_is_int(code, 0x14, "E14 carries 0x14");
	tap_is_int(iow_rsp_reply_classify(S("E.no memory"), &code), IOW_RSP_REPLY_ERROR,
		   "E.text is an error");
	tap_is_int(iow_rsp_reply_classify(S("E0"), NULL), IOW_RSP_REPLY_DATA, "E0 is data");
	tap_is_int(iow_rsp_reply_classify(S("E0aB"), NULL), IOW_RSP_REPLY_DATA,
		   "E0aB (upper-case memory hex) is data");
	tap_is_int(iow_rsp_reply_classify(S("O48690a"), NULL), IOW_RSP_REPLY_CONSOLE, "O<hex>");
	tap_ok(iow_rsp_reply_console(S("O48690a"), text, sizeof(text), &n) && n == 3 &&
		       !memcmp(text, "Hi\n", 3),
	       "console output decoded");
	tap_ok(!iow_rsp_reply_console(S("O4869"), text, 1, &n), "console decode respects OUT size");
	tap_ok(!iow_rsp_reply_console(S("OK"), text, sizeof(text), &n), "OK is no console output");
	tap_is_int(iow_rsp_reply_classify(S("O486"), NULL), IOW_RSP_REPLY_DATA, "O + odd hex is data");
	tap_is_int(iow_rsp_reply_classify(S("S05"), &code), IOW_RSP_REPLY_STOP, "S05 stop");
	tap_is_int(code, 5, "S05 carries signal 5");
	tap_is_int(iow_rsp_reply_classify(S("T05thread:p01.01;"), &code), IOW_RSP_REPLY_STOP,
		   "T stop reply");
	tap_is_int(iow_rsp_reply_classify(S("W00"), &code), IOW_RSP_REPLY_STOP, "W exited");
	tap_is_int(iow_rsp_reply_classify(S("X09;process:1"), &code), IOW_RSP_REPLY_STOP,
		   "X killed");
	tap_is_int(code, 9, "X09 carries 9");
	tap_is_int(iow_rsp_reply_classify(S("S5"), NULL), IOW_RSP_REPLY_DATA, "S5 is no stop reply");
	tap_is_int(iow_rsp_reply_classify(S("00ff1234"), NULL), IOW_RSP_REPLY_DATA, "hex is data");
	tap_is_int(iow_rsp_reply_classify(S("xxxxxxxx"), NULL), IOW_RSP_REPLY_DATA,
		   "unavailable register is data");
}

static void test_supported(void)
{
	static const char qemu[] = "PacketSize=1000;qXfer:features:read+;ReverseStep+;"
				   "ReverseContinue+";
	/* the shape of gdbserver 13's answer on x86-64 GNU/Linux */
	static const char gdbserver[] =
		"PacketSize=47ff;QPassSignals+;QProgramSignals+;QStartupWithShell+;"
		"QEnvironmentHexEncoded+;QEnvironmentReset+;QEnvironmentUnset+;"
		"QSetWorkingDir+;QCatchSyscalls+;qXfer:libraries-svr4:read+;"
		"augmented-libraries-svr4-read+;qXfer:auxv:read+;qXfer:siginfo:read+;"
		"qXfer:siginfo:write+;QAgent+;QStartNoAckMode+;qXfer:features:read+;"
		"qXfer:exec-file:read+;vContSupported+;QThreadEvents+;no-resumed+;"
		"memory-tagging-;qXfer:threads:read+;multiprocess+;swbreak+;hwbreak+";
	const uint8_t *v = NULL;
	size_t vlen = 0;
	uint64_t size = 0;

	tap_ok(iow_rsp_feature_hex(qemu, strlen(qemu), "PacketSize", &size) && size == 0x1000,
	       "QEMU PacketSize=1000 is 4096");
	tap_is_int(iow_rsp_feature_find(qemu, strlen(qemu), "PacketSize", &v, &vlen),
		   IOW_RSP_FEATURE_VALUE, "PacketSize has a value");
	tap_is_mem(v, vlen, "1000", 4, "value points into the reply");
	tap_is_int(iow_rsp_feature_find(qemu, strlen(qemu), "qXfer:features:read", NULL, NULL),
		   IOW_RSP_FEATURE_YES, "QEMU qXfer:features:read+");
	tap_is_int(iow_rsp_feature_find(qemu, strlen(qemu), "ReverseContinue", NULL, NULL),
		   IOW_RSP_FEATURE_YES, "last feature found");
	tap_is_int(iow_rsp_feature_find(qemu, strlen(qemu), "QStartNoAckMode", NULL, NULL),
		   IOW_RSP_FEATURE_ABSENT, "QEMU without QStartNoAckMode");
	tap_is_int(iow_rsp_feature_find(qemu, strlen(qemu), "Reverse", NULL, NULL),
		   IOW_RSP_FEATURE_ABSENT, "a prefix of a name does not match");
	tap_is_int(iow_rsp_feature_find(qemu, strlen(qemu), "ReverseContinue+", NULL, NULL),
		   IOW_RSP_FEATURE_ABSENT, "a longer name does not match");

	tap_ok(iow_rsp_feature_hex(gdbserver, strlen(gdbserver), "PacketSize", &size) &&
		       size == 0x47ff,
	       "gdbserver PacketSize=47ff");
	tap_is_int(iow_rsp_feature_find(gdbserver, strlen(gdbserver), "QStartNoAckMode", NULL,
					NULL),
		   IOW_RSP_FEATURE_YES, "gdbserver QStartNoAckMode+");
	tap_is_int(iow_rsp_feature_find(gdbserver, strlen(gdbserver), "memory-tagging", NULL,
					NULL),
		   IOW_RSP_FEATURE_NO, "feature-");
	tap_is_int(iow_rsp_feature_find(gdbserver, strlen(gdbserver), "hwbreak", NULL, NULL),
		   IOW_RSP_FEATURE_YES, "gdbserver hwbreak+ at the end");
	tap_is_int(iow_rsp_feature_find(S("a?;;b=;a+"), "b", &v, &vlen), IOW_RSP_FEATURE_VALUE,
		   "empty value");
	tap_ok(vlen == 0, "empty value has length 0");
	tap_is_int(iow_rsp_feature_find(S("a?;;b=;a?"), "a", NULL, NULL), IOW_RSP_FEATURE_QUERY,
		   "feature? and empty items");
	tap_is_int(iow_rsp_feature_find(S("a-;a+"), "a", NULL, NULL), IOW_RSP_FEATURE_YES,
		   "the last mention counts");
	tap_ok(!iow_rsp_feature_hex(S("PacketSize=zz"), "PacketSize", &size),
	       "non-hex PacketSize rejected");
	tap_is_int(iow_rsp_feature_find("", 0, "PacketSize", NULL, NULL), IOW_RSP_FEATURE_ABSENT,
		   "empty reply has nothing");
}

int main(void)
{
	iow_buf_init(&raw_log);
	test_checksum();
	test_hex();
	test_format();
	test_encode();
	test_binary_roundtrip();
	test_rle();
	test_stream();
	test_limits();
	test_fuzz();
	test_raw();
	test_replies();
	test_supported();
	iow_buf_fini(&raw_log);
	return tap_done();
}
