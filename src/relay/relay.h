/* relay: sit on GDB's remote connection, answer `monitor iomem-walk ...`
 * and pass everything else through untouched.
 *
 * GDB sends `monitor LINE` as qRcmd,<hex LINE>.  When LINE's first word is
 * "iomem-walk", the relay answers it: it reads the guest with its own
 * packets on the stub connection while GDB waits (GDB sends nothing else
 * until the reply), streams the output back as O packets, and ends with OK
 * (or, after an error, with its message and E01, which GDB turns into a
 * failed command).  Every other byte, in both directions, is passed on as
 * it came, packets, acks, interrupts and all.  A 0x03 from GDB during a
 * command stops it; so does a new packet from GDB, which is how GDB's own
 * Ctrl-C shows (it quits its monitor loop and sends no 0x03).  When GDB
 * lets the guest run, or writes to it, the relay's memory cache is
 * dropped.
 *
 * The same engine serves both ways in: the `iomem-walk relay` process that
 * GDB starts with `target remote | ...` (GDB on stdin/stdout), and the one
 * the GDB plugin starts on a connection it takes over (src/plugin/).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_RELAY_RELAY_H
#define IOW_RELAY_RELAY_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

#define IOW_RELAY_WORD "iomem-walk"

struct iow_relay_opts {
	int gdb_in, gdb_out; /* GDB's side */
	int stub_fd;         /* the real stub */
	bool ack_mode;       /* whether the connection is in ack mode now */
	const char *vmlinux; /* explicit vmlinux, or NULL to find it */
	pid_t gdb_pid;       /* GDB, whose open files may hold the vmlinux; 0: unknown */
	int timeout_ms;      /* per stub reply (0: 5000) */
	int stop_fd;         /* readable: finish at a packet boundary and return (-1: none) */
};

/* Relay until either side closes or stop_fd becomes readable.  NULL when a
 * side closed normally. */
struct iow_error *iow_relay_run(const struct iow_relay_opts *opts);

#endif
