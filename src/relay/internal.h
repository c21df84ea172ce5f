/* relay internals with no I/O: how the relay splits the two byte streams
 * it watches, and how it turns a `monitor iomem-walk ...` packet into a
 * subcommand and its words.  relay.c does the I/O around them; the fuzzers
 * (fuzz/) drive them on their own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_RELAY_INTERNAL_H
#define IOW_RELAY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "commands/commands.h"
#include "relay/relay.h"
#include "rsp/rsp.h"
#include "util/buf.h"
#include "util/error.h"

/* --- the traffic ----------------------------------------------------------- */

/* What the relay knows of the traffic between GDB and the stub. */
struct iow_relay_traffic {
	struct iow_rsp_decoder gdec, sdec;
	struct iow_buf pending;  /* raw bytes of GDB's packet in progress */
	bool ack;                /* whether the connection is in ack mode now */
	bool noack_pending;      /* GDB asked for no-ack mode, the stub has not answered */
	bool dirty;              /* the guest ran or was written since the last command */
	bool mode_changed;       /* GDB set QEMU's stub's memory mode since the last command */
	unsigned stray_acks;     /* acks GDB owes for packets it will find stale */
	size_t packet_size;      /* the stub's, when seen in its qSupported reply; else 0 */
};

/* Where the bytes GDB sent go. */
struct iow_relay_traffic_ops {
	/* Pass bytes on to the stub exactly as GDB sent them. */
	struct iow_error *(*to_stub)(void *ctx, const void *p, size_t n);
	/* Answer a `monitor iomem-walk ...` packet (EV is a PACKET for which
	 * iow_relay_is_ours() holds; its checksum may be bad).  May change
	 * the traffic state (stray_acks, when GDB gives up on the command). */
	struct iow_error *(*command)(void *ctx, const struct iow_rsp_event *ev);
};

void iow_relay_traffic_init(struct iow_relay_traffic *t, bool ack_mode);
void iow_relay_traffic_fini(struct iow_relay_traffic *t);
/* Bytes from GDB: packets, acks, 0x03 and junk go on to the stub as they
 * came, except our commands (to OPS->command) and the acks GDB owes for
 * replies it gave up on (swallowed).  Bytes of a packet not yet complete
 * stay in T->pending.  Stops at the first error. */
struct iow_error *iow_relay_from_gdb(struct iow_relay_traffic *t, const uint8_t *p, size_t len,
				     const struct iow_relay_traffic_ops *ops, void *ctx);
/* Bytes from the stub (the caller passes them on to GDB): watch for the
 * answer to QStartNoAckMode and for the stub's PacketSize. */
void iow_relay_from_stub(struct iow_relay_traffic *t, const uint8_t *p, size_t len);
/* Whether the packet EV is `monitor iomem-walk ...`: qRcmd,<hex> whose text
 * is the word alone or the word and a blank. */
bool iow_relay_is_ours(const struct iow_rsp_event *ev);

/* --- the command line ------------------------------------------------------ */

#define IOW_RELAY_LINE_MAX 4096 /* bytes of a command line, with its NUL */
#define IOW_RELAY_MAX_ARGS 64

/* The text of our packet EV into LINE (SIZE bytes), NUL-terminated.  False
 * if the hex is bad or the text does not fit. */
bool iow_relay_command_line(const struct iow_rsp_event *ev, char *line, size_t size);
/* Split LINE into at most MAX words, in place: blanks separate, quotes
 * group, backslash escapes.  Returns the number of words. */
int iow_relay_split_words(char *line, char **argv, int max);

/* A command line, parsed: "iomem-walk [GLOBAL OPTIONS] [SUBCOMMAND
 * [ARGS...]]" as both front doors parse it (commands.h), or the relay's
 * own "iomem-walk gdb-view [--quiet] [ADDR]". */
struct iow_relay_line {
	char *argv[IOW_RELAY_MAX_ARGS]; /* the words, pointing into the line */
	int argc;
	struct iow_cmdline c;       /* c.g.vmlinux is set even when a later word is refused */
	bool gdb_view;              /* gdb-view: load-plugin's question */
	bool quiet;                 /* gdb-view --quiet */
	struct iow_opt_addr text;   /* gdb-view ADDR: GDB's &_text */
};

/* Parse LINE (modified in place; OUT points into it).  IOW_ERR_INVALID
 * for words the schemas do not take.  Nothing is read or changed. */
struct iow_error *iow_relay_parse_line(char *line, struct iow_relay_line *out);

#endif
