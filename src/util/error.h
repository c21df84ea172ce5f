/* Errors: one object that says what failed and, for a bad read, where.
 *
 * Every fallible function in the project returns a struct iow_error *: NULL
 * means success, anything else is owned by the caller, who either passes it
 * up or frees it with iow_error_destroy().  Out of memory is reported with
 * the static &iow_error_nomem, which iow_error_destroy() knows not to free,
 * so reporting it cannot itself fail. */
#ifndef IOW_UTIL_ERROR_H
#define IOW_UTIL_ERROR_H

#include <stdbool.h>
#include <stdint.h>

enum iow_error_code {
	IOW_ERR_OK = 0,
	IOW_ERR_NOMEM,    /* out of memory */
	IOW_ERR_INVALID,  /* bad argument or usage */
	IOW_ERR_IO,       /* the connection or file failed (errno in .errnum) */
	IOW_ERR_TIMEOUT,  /* the peer did not answer in time */
	IOW_ERR_PROTOCOL, /* the peer answered something that breaks the protocol */
	IOW_ERR_REMOTE,   /* the peer answered with an error (E NN) */
	IOW_ERR_FAULT,    /* memory at .addr could not be read */
	IOW_ERR_DATA,     /* kernel data makes no sense (cycle, wild pointer); see .addr */
	IOW_ERR_NOTFOUND, /* a symbol, type or member is missing */
	IOW_ERR_MISMATCH, /* the vmlinux does not belong to the running kernel */
	IOW_ERR_UNSUPPORTED,
	IOW_ERR_INTERRUPTED, /* the user asked to stop */
};

struct iow_error {
	enum iow_error_code code;
	int errnum;       /* errno for IOW_ERR_IO, else 0 */
	bool has_addr;
	uint64_t addr;    /* the address that failed, when has_addr */
	char message[];   /* full human-readable message */
};

extern struct iow_error iow_error_nomem;

struct iow_error *iow_error_create(enum iow_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A failed access at ADDR; the message names the address. */
struct iow_error *iow_error_at(enum iow_error_code code, uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* IOW_ERR_IO with errno ERRNUM; strerror(ERRNUM) is appended to the message. */
struct iow_error *iow_error_errno(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the message of ERR with more context ("reading resource: ...");
 * returns the (possibly reallocated) error. */
struct iow_error *iow_error_wrap(struct iow_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void iow_error_destroy(struct iow_error *err);
const char *iow_error_code_name(enum iow_error_code code);

#endif
