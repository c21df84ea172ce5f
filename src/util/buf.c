/* Growable byte buffers; see buf.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void iow_buf_init(struct iow_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void iow_buf_fini(struct iow_buf *b)
{
	free(b->data);
	iow_buf_init(b);
}

struct iow_error *iow_buf_reserve(struct iow_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	/* +1: the spare byte for a terminating NUL */
	if (extra > SIZE_MAX - 1 - b->len)
		return &iow_error_nomem;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return NULL;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return &iow_error_nomem;
	b->data = p;
	b->cap = cap;
	return NULL;
}

struct iow_error *iow_buf_append(struct iow_buf *b, const void *p, size_t n)
{
	struct iow_error *err;

	if (!n)
		return NULL;
	err = iow_buf_reserve(b, n);
	if (err)
		return err;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return NULL;
}

struct iow_error *iow_buf_putc(struct iow_buf *b, uint8_t c)
{
	struct iow_error *err = iow_buf_reserve(b, 1);

	if (err)
		return err;
	b->data[b->len++] = c;
	return NULL;
}

struct iow_error *iow_buf_printf(struct iow_buf *b, const char *fmt, ...)
{
	struct iow_error *err;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return iow_error_create(IOW_ERR_INVALID, "bad format string \"%s\"", fmt);
	err = iow_buf_reserve(b, (size_t)n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return NULL;
}

const char *iow_buf_str(struct iow_buf *b)
{
	if (!b->data)
		return "";
	b->data[b->len] = '\0';
	return (const char *)b->data;
}
