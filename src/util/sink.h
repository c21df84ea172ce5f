/* sink: where output goes.  The library never prints: renderers and
 * commands write to a sink, which the CLI points at stdout and the GDB
 * relay at O packets, so both front doors stream the same text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_UTIL_SINK_H
#define IOW_UTIL_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct iow_sink {
	/* Write N bytes; false when the reader is gone (then stop producing). */
	bool (*write)(void *ctx, const char *s, size_t n);
	void *ctx;
	bool failed; /* a write returned false */
};

bool iow_sink_write(struct iow_sink *sink, const char *s, size_t n);
bool iow_sink_puts(struct iow_sink *sink, const char *s);
bool iow_sink_printf(struct iow_sink *sink, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A sink writing to a stdio stream. */
void iow_sink_init_file(struct iow_sink *sink, FILE *f);

#endif
