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

/* The codes, their names, and what kind of failure each is, in one list
 * (as elfutils' DWFL_ERRORS): X(NAME, "name", CLASS), CLASS a set of
 * IOW_ERRCLASS_* bits.  The enum, iow_error_code_name() and the
 * predicates below are made from it. */
#define IOW_ERRORS(X)                                                                              \
	X(OK, "ok", 0)                                                                             \
	X(NOMEM, "out of memory", 0)                             /* out of memory */               \
	X(INVALID, "invalid argument", 0)                        /* bad argument or usage */       \
	X(IO, "I/O error", IOW_ERRCLASS_LINK)                    /* connection or file (.errnum) */\
	X(TIMEOUT, "timeout", IOW_ERRCLASS_LINK)                 /* the peer did not answer */     \
	X(PROTOCOL, "protocol error", IOW_ERRCLASS_LINK)         /* the peer broke the protocol */ \
	X(REMOTE, "remote error", IOW_ERRCLASS_UNREADABLE)       /* the peer answered E NN */      \
	X(FAULT, "memory fault", IOW_ERRCLASS_UNREADABLE | IOW_ERRCLASS_PARTIAL) /* at .addr */    \
	X(DATA, "bad kernel data", IOW_ERRCLASS_PARTIAL)         /* cycle, wild pointer: .addr */  \
	X(NOTFOUND, "not found", 0)                              /* symbol, type or member */      \
	X(MISMATCH, "mismatch", 0)                               /* vmlinux not the kernel's */    \
	X(UNSUPPORTED, "unsupported", IOW_ERRCLASS_UNREADABLE)                                     \
	X(INTERRUPTED, "interrupted", 0)                         /* the user asked to stop */

/* What kind of failure a code is:
 * LINK: the connection to the target (or its file) is in trouble; nothing
 *   else read through it will do better, and a session starts afresh.
 * UNREADABLE: the target could not give that memory this way (a fault, an
 *   E NN, a read it cannot do): another way (physically) may.
 * PARTIAL: a walk stopped on memory it could not read or data that made no
 *   sense; what it read before is sound and worth showing. */
enum {
	IOW_ERRCLASS_LINK = 1,
	IOW_ERRCLASS_UNREADABLE = 2,
	IOW_ERRCLASS_PARTIAL = 4,
};

enum iow_error_code {
#define IOW_ERROR_ENUM(name, text, class) IOW_ERR_##name,
	IOW_ERRORS(IOW_ERROR_ENUM)
#undef IOW_ERROR_ENUM
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
/* The message, or the code's name when there is none (out of memory). */
const char *iow_error_message(const struct iow_error *err);

/* Whether ERR (non-NULL) is of the class (see IOW_ERRORS). */
bool iow_error_is_link(const struct iow_error *err);
bool iow_error_is_unreadable(const struct iow_error *err);
/* ERR is NULL, or a walk stopped early on bad or unreadable data: what it
 * read is kept and shown, then the error reported. */
bool iow_error_is_partial(const struct iow_error *err);

/* drgn_error_catch(): if *ERR has CODE, free it, set *ERR to NULL and
 * return true (the failure was expected: a symbol a kernel may lack);
 * else leave it and return false. */
bool iow_error_catch(struct iow_error **err, enum iow_error_code code);

#endif
