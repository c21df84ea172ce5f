/* relay/traffic: what the relay makes of the two byte streams it watches,
 * with no I/O (see internal.h): our commands taken out of GDB's stream,
 * everything else passed on as it came, the acks GDB owes swallowed, and
 * what the stub's replies say of the connection.  relay.c does the I/O
 * around it; fuzz/relay-split.c drives it alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "relay/internal.h"

bool iow_relay_is_ours(const struct iow_rsp_event *ev)
{
	static const char word[] = IOW_RELAY_WORD;
	uint8_t text[sizeof(word)];
	size_t n, wl = sizeof(word) - 1;

	if (ev->payload_len < 6 + 2 * wl || memcmp(ev->payload, "qRcmd,", 6) != 0)
		return false;
	if (!iow_rsp_hex_decode(ev->payload + 6, 2 * wl, text, sizeof(text), &n))
		return false;
	if (memcmp(text, word, wl) != 0)
		return false;
	/* The word alone, or followed by a blank. */
	if (ev->payload_len == 6 + 2 * wl)
		return true;
	return iow_rsp_hex_decode(ev->payload + 6 + 2 * wl, 2, text, sizeof(text), &n) &&
	       (text[0] == ' ' || text[0] == '\t');
}

/* What GDB's packet means for us: the guest runs (c, s, vCont;..., and
 * detaching), memory or registers change (M, X, G, P), or no-ack mode is
 * being negotiated. */
static void observe_gdb(struct iow_relay_traffic *t, const struct iow_rsp_event *ev)
{
	const char *p = (const char *)ev->payload;

	if (strcmp(p, "QStartNoAckMode") == 0)
		t->noack_pending = true;
	else if (strncmp(p, "Qqemu.PhyMemMode:", 17) == 0)
		t->mode_changed = true;
	else if (strchr("cCsSMXGPDkR", p[0]) && p[0])
		t->dirty = true;
	else if (strncmp(p, "vCont;", 6) == 0 || strncmp(p, "vRun", 4) == 0 ||
		 strncmp(p, "bc", 2) == 0 || strncmp(p, "bs", 2) == 0)
		t->dirty = true;
}

void iow_relay_from_stub(struct iow_relay_traffic *t, const uint8_t *p, size_t len)
{
	struct iow_rsp_event ev;
	uint64_t v;

	while (len) {
		size_t n = iow_rsp_decoder_feed(&t->sdec, p, len, &ev);

		p += n;
		len -= n;
		if (ev.type == IOW_RSP_EV_NONE)
			break;
		if (ev.type != IOW_RSP_EV_PACKET)
			continue;
		if (t->noack_pending) {
			/* Its answer to QStartNoAckMode: OK switches both sides,
			 * after the stub's ack of GDB's request. */
			if (ev.payload_len == 2 && memcmp(ev.payload, "OK", 2) == 0)
				t->ack = false;
			t->noack_pending = false;
		}
		if (iow_rsp_feature_hex(ev.payload, ev.payload_len, "PacketSize", &v) && v >= 64 &&
		    v < (1u << 24))
			t->packet_size = (size_t)v;
	}
}

/* EV's own bytes end the pending ones and are not passed on: pass on
 * those before them (the rest of a packet the decoder dropped, which it
 * skipped up to EV without an event) and drop them all. */
static struct iow_error *pass_on_before(struct iow_relay_traffic *t, const struct iow_rsp_event *ev,
					const struct iow_relay_traffic_ops *ops, void *ctx)
{
	size_t before = t->pending.len > ev->raw_len ? t->pending.len - ev->raw_len : 0;
	struct iow_error *err = before ? ops->to_stub(ctx, t->pending.data, before) : NULL;

	iow_buf_reset(&t->pending);
	return err;
}

struct iow_error *iow_relay_from_gdb(struct iow_relay_traffic *t, const uint8_t *p, size_t len,
				     const struct iow_relay_traffic_ops *ops, void *ctx)
{
	struct iow_error *err = NULL;
	struct iow_rsp_event ev;

	while (len && !err) {
		size_t n = iow_rsp_decoder_feed(&t->gdec, p, len, &ev);

		if (iow_buf_append(&t->pending, p, n))
			return &iow_error_nomem;
		p += n;
		len -= n;
		switch (ev.type) {
		case IOW_RSP_EV_NONE:
			break;
		case IOW_RSP_EV_PACKET:
			if (iow_relay_is_ours(&ev)) {
				err = pass_on_before(t, &ev, ops, ctx);
				if (!err)
					err = ops->command(ctx, &ev);
				break;
			}
			observe_gdb(t, &ev);
			/* fall through */
		default:
			if (ev.type == IOW_RSP_EV_ACK && t->stray_acks) {
				/* GDB's ack of a reply it gave up on: ours. */
				t->stray_acks--;
				err = pass_on_before(t, &ev, ops, ctx);
				break;
			}
			if (ev.type == IOW_RSP_EV_INTERRUPT)
				t->dirty = true;
			err = ops->to_stub(ctx, t->pending.data, t->pending.len);
			iow_buf_reset(&t->pending);
		}
	}
	/* Bytes of a packet the decoder dropped: pass them on as they came. */
	if (!err && t->pending.len && iow_rsp_decoder_idle(&t->gdec)) {
		err = ops->to_stub(ctx, t->pending.data, t->pending.len);
		iow_buf_reset(&t->pending);
	}
	return err;
}

void iow_relay_traffic_init(struct iow_relay_traffic *t, bool ack_mode)
{
	/* GDB's packets keep their bytes: how many they were tells the
	 * bytes of a dropped packet from those of the next one. */
	struct iow_rsp_decoder_opts gopts = { .max_payload = 1 << 24, .keep_raw = true };
	struct iow_rsp_decoder_opts sopts = { .max_payload = 1 << 24 };

	memset(t, 0, sizeof(*t));
	t->ack = ack_mode;
	iow_rsp_decoder_init(&t->gdec, &gopts);
	iow_rsp_decoder_init(&t->sdec, &sopts);
	iow_buf_init(&t->pending);
}

void iow_relay_traffic_fini(struct iow_relay_traffic *t)
{
	iow_rsp_decoder_fini(&t->gdec);
	iow_rsp_decoder_fini(&t->sdec);
	iow_buf_fini(&t->pending);
}
