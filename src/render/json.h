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
#include <stdint.h>

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

#endif
