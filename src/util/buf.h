/* Growable byte buffers.
 *
 * A struct iow_buf is embedded by its user (_init/_fini), grows on demand
 * and always keeps one spare byte past len so that its contents can be
 * NUL-terminated for string functions without another allocation.  Appending
 * fails only when memory runs out; the buffer is then left as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_UTIL_BUF_H
#define IOW_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct iow_buf {
	uint8_t *data; /* NULL until the first append */
	size_t len;
	size_t cap;
};

void iow_buf_init(struct iow_buf *b);
void iow_buf_fini(struct iow_buf *b);
/* Forget the contents but keep the memory. */
static inline void iow_buf_reset(struct iow_buf *b)
{
	b->len = 0;
}
/* Make room for EXTRA more bytes (plus the spare one).  Returns NULL or
 * &iow_error_nomem. */
struct iow_error *iow_buf_reserve(struct iow_buf *b, size_t extra);
/* Append bytes or one byte.  Return NULL or &iow_error_nomem. */
struct iow_error *iow_buf_append(struct iow_buf *b, const void *p, size_t n);
struct iow_error *iow_buf_putc(struct iow_buf *b, uint8_t c);
/* Append printf output (no NUL counted in len).  NULL, &iow_error_nomem, or
 * IOW_ERR_INVALID if vsnprintf() fails. */
struct iow_error *iow_buf_printf(struct iow_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The contents as a C string: writes the NUL after len (always room for it
 * once anything was appended) and returns data, or "" when nothing was. */
const char *iow_buf_str(struct iow_buf *b);

#endif
