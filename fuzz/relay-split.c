/* Fuzz target: the relay's splitting of the two byte streams it watches
 * (src/relay/traffic.c, iow_relay_from_gdb and iow_relay_from_stub).
 *
 * Input: one byte of options (bit 0: the connection starts in ack mode;
 * bit 1: every command is given up by GDB, as when the user presses
 * Ctrl-C, so GDB owes an ack), then records of one header byte H and
 * H >> 1 bytes of data, from GDB (H even) or from the stub (H odd), in the
 * order they arrive.  The relay's ends are stand-ins that only count.
 *
 * Checked: no byte GDB sends is lost or duplicated: each one goes on to
 * the stub, is part of one of our commands, is a swallowed stray ack, or
 * still waits in the pending packet (a second decoder that keeps each
 * packet's bytes, fed the same chunks, says how long the commands were);
 * nothing waits when the decoder is between packets; every command handed
 * over is ours; the stub's PacketSize is taken only in its bounds, and ack
 * mode only ever ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "relay/internal.h"

struct ends {
	struct iow_relay_traffic *t;
	bool give_up;
	size_t forwarded;      /* bytes passed on to the stub */
	size_t commands;
	unsigned given_up;     /* commands GDB gave up on: acks it owes */
};

static struct iow_error *to_stub(void *ctx, const void *p, size_t n)
{
	struct ends *e = ctx;

	FUZZ_CHECK(p && n > 0);
	e->forwarded += n;
	return NULL;
}

/* The bytes of our commands in P, as a decoder like the relay's sees
 * them; D keeps each packet's raw bytes. */
static size_t command_bytes(struct iow_rsp_decoder *d, const uint8_t *p, size_t len)
{
	struct iow_rsp_event ev;
	size_t total = 0, n;

	do {
		n = iow_rsp_decoder_feed(d, p, len, &ev);
		p += n;
		len -= n;
		if (ev.type == IOW_RSP_EV_PACKET && iow_relay_is_ours(&ev))
			total += ev.raw_len;
	} while (ev.type != IOW_RSP_EV_NONE);
	return total;
}

static struct iow_error *command(void *ctx, const struct iow_rsp_event *ev)
{
	struct ends *e = ctx;
	char line[IOW_RELAY_LINE_MAX];
	size_t wl = strlen(IOW_RELAY_WORD);

	FUZZ_CHECK(ev->type == IOW_RSP_EV_PACKET && iow_relay_is_ours(ev));
	FUZZ_CHECK(ev->payload_len >= 6 + 2 * wl && !memcmp(ev->payload, "qRcmd,", 6));
	/* The packet's bytes were taken out of what goes to the stub. */
	FUZZ_CHECK(e->t->pending.len == 0);
	if (iow_relay_command_line(ev, line, sizeof(line)))
		FUZZ_CHECK(!strncmp(line, IOW_RELAY_WORD, wl) &&
			   (!line[wl] || line[wl] == ' ' || line[wl] == '\t'));
	e->commands++;
	if (e->give_up) {
		e->t->stray_acks++; /* as wait_gdb_ack() counts when GDB gives up */
		e->given_up++;
	}
	return NULL;
}

static const struct iow_relay_traffic_ops ops = { .to_stub = to_stub, .command = command };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t flags = fuzz_byte(&in);
	struct iow_relay_traffic t;
	struct ends e = { .t = &t, .give_up = flags & 2 };
	/* the relay's decoder options, and keep_raw */
	struct iow_rsp_decoder_opts o = { .max_payload = 1 << 24, .keep_raw = true };
	struct iow_rsp_decoder shadow;
	size_t from_gdb = 0, swallowed = 0, ours = 0;

	iow_relay_traffic_init(&t, flags & 1);
	iow_rsp_decoder_init(&shadow, &o);
	while (in.len) {
		uint8_t h = fuzz_byte(&in);
		size_t n = (size_t)(h >> 1) < in.len ? (size_t)(h >> 1) : in.len;

		if (h & 1) {
			bool was_ack = t.ack, asked = t.noack_pending;

			iow_relay_from_stub(&t, in.p, n);
			/* No-ack mode only when GDB asked and the stub agreed;
			 * there is no way back. */
			FUZZ_CHECK(t.ack == was_ack || (was_ack && asked));
			FUZZ_CHECK(t.packet_size == 0 ||
				   (t.packet_size >= 64 && t.packet_size < (1u << 24)));
		} else {
			unsigned owed = t.stray_acks, given_up = e.given_up;

			FUZZ_CHECK(!iow_relay_from_gdb(&t, in.p, n, &ops, &e));
			swallowed += owed + (e.given_up - given_up) - t.stray_acks;
			ours += command_bytes(&shadow, in.p, n);
			from_gdb += n;
			if (iow_rsp_decoder_idle(&t.gdec))
				FUZZ_CHECK(t.pending.len == 0);
			/* Every byte GDB sent is passed on, waits in a packet
			 * not yet complete, is a swallowed ack, or is one of
			 * our commands. */
			FUZZ_CHECK(e.forwarded + t.pending.len + swallowed + ours == from_gdb);
		}
		in.p += n;
		in.len -= n;
	}
	FUZZ_CHECK(e.commands == 0 || ours > 0);
	iow_rsp_decoder_fini(&shadow);
	iow_relay_traffic_fini(&t);
	return 0;
}
