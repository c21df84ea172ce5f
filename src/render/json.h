/* json: a small streaming JSON writer for --json output.
 *
 * Addresses are written as strings ("0xffff888000000000"): JSON numbers
 * lose precision above 2^53 in most readers.  Counts and sizes are numbers.
 * Output is one object per line-free document, pretty-printed with two
 * spaces, ending with a newline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_RENDER_JSON_H
#define IOW_RENDER_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/sink.h"

#define IOW_JSON_MAX_DEPTH 64

struct iow_json {
	struct iow_sink *out;
	int depth;
	bool first[IOW_JSON_MAX_DEPTH];
};

void iow_json_init(struct iow_json *j, struct iow_sink *out);
/* KEY is the member name inside an object, NULL inside an array or at the top. */
void iow_json_begin_object(struct iow_json *j, const char *key);
void iow_json_end_object(struct iow_json *j);
void iow_json_begin_array(struct iow_json *j, const char *key);
void iow_json_end_array(struct iow_json *j);
void iow_json_string(struct iow_json *j, const char *key, const char *value); /* NULL -> null */
void iow_json_u64(struct iow_json *j, const char *key, uint64_t value);
void iow_json_i64(struct iow_json *j, const char *key, int64_t value);
void iow_json_hex(struct iow_json *j, const char *key, uint64_t value);
void iow_json_bool(struct iow_json *j, const char *key, bool value);
void iow_json_null(struct iow_json *j, const char *key);
/* Close the document (a final newline). */
void iow_json_finish(struct iow_json *j);

/* Members of a C struct that map one to one onto JSON members: a table
 * per object, which reads like docs/JSON.md. */
enum iow_json_type {
	IOW_JSON_HEX,    /* uint64_t, as an address string */
	IOW_JSON_U64,    /* uint64_t */
	IOW_JSON_UINT,   /* unsigned (uint32_t) */
	IOW_JSON_BOOL,   /* bool */
	IOW_JSON_STRING, /* char *, NULL as null */
};
struct iow_json_member {
	const char *key;
	enum iow_json_type type;
	size_t offset;   /* offsetof() in the struct */
};
/* The MEMBERS (ending with a NULL key) of the struct at OBJ, in order. */
void iow_json_members(struct iow_json *j, const void *obj, const struct iow_json_member *members);
/* "error": why a walk stopped early, or null when it completed. */
void iow_json_stopped(struct iow_json *j, const struct iow_error *stopped);

#endif
