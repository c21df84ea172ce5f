/* sink: see sink.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/sink.h"

bool iow_sink_write(struct iow_sink *sink, const char *s, size_t n)
{
	if (sink->failed)
		return false;
	if (n && !sink->write(sink->ctx, s, n))
		sink->failed = true;
	return !sink->failed;
}

bool iow_sink_puts(struct iow_sink *sink, const char *s)
{
	return iow_sink_write(sink, s, strlen(s));
}

bool iow_sink_printf(struct iow_sink *sink, const char *fmt, ...)
{
	char small[512], *p = small;
	va_list ap;
	int n;
	bool ok;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	if ((size_t)n >= sizeof(small)) {
		p = malloc((size_t)n + 1);
		if (!p)
			return false;
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	ok = iow_sink_write(sink, p, (size_t)n);
	if (p != small)
		free(p);
	return ok;
}

static bool file_write(void *ctx, const char *s, size_t n)
{
	return fwrite(s, 1, n, ctx) == n;
}

void iow_sink_init_file(struct iow_sink *sink, FILE *f)
{
	sink->write = file_write;
	sink->ctx = f;
	sink->failed = false;
}
