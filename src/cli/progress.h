/* progress: the CLI's bar for a download of the vmlinux (debuginfod: a
 * kernel's debug file is hundreds of MB), drawn on stderr when stderr is a
 * terminal, and Ctrl-C during it, which gives the download up (the
 * library's iow_progress_fn; the library itself never prints).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_CLI_PROGRESS_H
#define IOW_CLI_PROGRESS_H

#include <stdbool.h>

#include "debuginfo/debuginfod.h"

struct iow_cli_progress {
	int fd;          /* where the bar goes: stderr */
	bool drawn;      /* a bar is on the line: clear it when done */
	long last_shown; /* the DONE last drawn, to draw at most once per 1% */
};

/* Set up P for a terminal on FD, or return NULL if FD is none (no bar,
 * then: a log or a pipe gets no carriage returns). */
iow_progress_fn *iow_cli_progress_init(struct iow_cli_progress *p, int fd);
/* Clear the bar's line if one was drawn, and stop catching Ctrl-C. */
void iow_cli_progress_end(struct iow_cli_progress *p);

#endif
