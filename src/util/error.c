/* Error objects; see error.h. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

struct iow_error iow_error_nomem = { .code = IOW_ERR_NOMEM };
/* The static nomem error has an empty flexible message; code_name() names it. */

static __attribute__((format(printf, 5, 0))) struct iow_error *
vcreate(enum iow_error_code code, int errnum, bool has_addr,
				 uint64_t addr, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	struct iow_error *err;
	size_t extra = 0;
	const char *es = NULL;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	if (errnum) {
		es = strerror(errnum);
		extra = strlen(es) + 2;
	}
	err = malloc(sizeof(*err) + (size_t)n + extra + 1);
	if (!err)
		return &iow_error_nomem;
	err->code = code;
	err->errnum = errnum;
	err->has_addr = has_addr;
	err->addr = addr;
	vsnprintf(err->message, (size_t)n + 1, fmt, ap);
	if (es)
		sprintf(err->message + n, ": %s", es);
	return err;
}

struct iow_error *iow_error_create(enum iow_error_code code, const char *fmt, ...)
{
	va_list ap;
	struct iow_error *err;

	va_start(ap, fmt);
	err = vcreate(code, 0, false, 0, fmt, ap);
	va_end(ap);
	return err;
}

struct iow_error *iow_error_at(enum iow_error_code code, uint64_t addr, const char *fmt, ...)
{
	va_list ap;
	struct iow_error *err;

	va_start(ap, fmt);
	err = vcreate(code, 0, true, addr, fmt, ap);
	va_end(ap);
	return err;
}

struct iow_error *iow_error_errno(int errnum, const char *fmt, ...)
{
	va_list ap;
	struct iow_error *err;

	va_start(ap, fmt);
	err = vcreate(IOW_ERR_IO, errnum, false, 0, fmt, ap);
	va_end(ap);
	return err;
}

struct iow_error *iow_error_wrap(struct iow_error *err, const char *fmt, ...)
{
	va_list ap;
	char prefix[256];
	struct iow_error *n;
	const char *old;

	if (!err || err == &iow_error_nomem)
		return err;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	old = err->message;
	n = malloc(sizeof(*n) + strlen(prefix) + 2 + strlen(old) + 1);
	if (!n)
		return err; /* keep the less informative but valid error */
	*n = *err;
	sprintf(n->message, "%s: %s", prefix, old);
	free(err);
	return n;
}

void iow_error_destroy(struct iow_error *err)
{
	if (err && err != &iow_error_nomem)
		free(err);
}

static const struct {
	const char *name;
	unsigned class;
} codes[] = {
#define IOW_ERROR_ROW(name, text, class) [IOW_ERR_##name] = { text, class },
	IOW_ERRORS(IOW_ERROR_ROW)
#undef IOW_ERROR_ROW
};

const char *iow_error_code_name(enum iow_error_code code)
{
	if ((unsigned)code < sizeof(codes) / sizeof(codes[0]) && codes[code].name)
		return codes[code].name;
	return "unknown error";
}

const char *iow_error_message(const struct iow_error *err)
{
	return err->message[0] ? err->message : iow_error_code_name(err->code);
}

static bool is(const struct iow_error *err, unsigned class)
{
	return (unsigned)err->code < sizeof(codes) / sizeof(codes[0]) && (codes[err->code].class & class);
}

bool iow_error_is_link(const struct iow_error *err)
{
	return is(err, IOW_ERRCLASS_LINK);
}

bool iow_error_is_unreadable(const struct iow_error *err)
{
	return is(err, IOW_ERRCLASS_UNREADABLE);
}

bool iow_error_is_partial(const struct iow_error *err)
{
	return !err || is(err, IOW_ERRCLASS_PARTIAL);
}

bool iow_error_catch(struct iow_error **err, enum iow_error_code code)
{
	if (!*err || (*err)->code != code)
		return false;
	iow_error_destroy(*err);
	*err = NULL;
	return true;
}
