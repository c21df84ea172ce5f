/* json: see json.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include "render/json.h"

void iow_json_init(struct iow_json *j, struct iow_sink *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
}

static void indent(struct iow_json *j)
{
	int i;

	iow_sink_puts(j->out, "\n");
	for (i = 0; i < j->depth; i++)
		iow_sink_puts(j->out, "  ");
}

static void put_string(struct iow_json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	iow_sink_puts(j->out, "\"");
	for (; *p; p++) {
		switch (*p) {
		case '"': iow_sink_puts(j->out, "\\\""); break;
		case '\\': iow_sink_puts(j->out, "\\\\"); break;
		case '\n': iow_sink_puts(j->out, "\\n"); break;
		case '\r': iow_sink_puts(j->out, "\\r"); break;
		case '\t': iow_sink_puts(j->out, "\\t"); break;
		default:
			/* Control bytes, and bytes that are not ASCII: kernel
			 * strings are not promised to be UTF-8, so escape them as
			 * the code points of Latin-1 to keep the output valid. */
			if (*p < 0x20 || *p >= 0x7f)
				iow_sink_printf(j->out, "\\u%04x", *p);
			else
				iow_sink_write(j->out, (const char *)p, 1);
		}
	}
	iow_sink_puts(j->out, "\"");
}

static void member(struct iow_json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			iow_sink_puts(j->out, ",");
		indent(j);
	}
	j->first[j->depth] = false;
	if (key) {
		put_string(j, key);
		iow_sink_puts(j->out, ": ");
	}
}

static void json_open(struct iow_json *j, const char *key, const char *c)
{
	member(j, key);
	iow_sink_puts(j->out, c);
	if (j->depth < IOW_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void json_close(struct iow_json *j, const char *c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	iow_sink_puts(j->out, c);
}

void iow_json_begin_object(struct iow_json *j, const char *key) { json_open(j, key, "{"); }
void iow_json_end_object(struct iow_json *j) { json_close(j, "}"); }
void iow_json_begin_array(struct iow_json *j, const char *key) { json_open(j, key, "["); }
void iow_json_end_array(struct iow_json *j) { json_close(j, "]"); }

void iow_json_string(struct iow_json *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		put_string(j, value);
	else
		iow_sink_puts(j->out, "null");
}

void iow_json_u64(struct iow_json *j, const char *key, uint64_t value)
{
	member(j, key);
	iow_sink_printf(j->out, "%" PRIu64, value);
}

void iow_json_i64(struct iow_json *j, const char *key, int64_t value)
{
	member(j, key);
	iow_sink_printf(j->out, "%" PRId64, value);
}

void iow_json_hex(struct iow_json *j, const char *key, uint64_t value)
{
	member(j, key);
	iow_sink_printf(j->out, "\"0x%" PRIx64 "\"", value);
}

void iow_json_bool(struct iow_json *j, const char *key, bool value)
{
	member(j, key);
	iow_sink_puts(j->out, value ? "true" : "false");
}

void iow_json_null(struct iow_json *j, const char *key)
{
	member(j, key);
	iow_sink_puts(j->out, "null");
}

void iow_json_finish(struct iow_json *j)
{
	iow_sink_puts(j->out, "\n");
}

void iow_json_members(struct iow_json *j, const void *obj, const struct iow_json_member *m)
{
	for (; m->key; m++) {
		const char *at = (const char *)obj + m->offset;

		if (m->type == IOW_JSON_STRING)
			iow_json_string(j, m->key, *(char *const *)at);
		else if (m->type == IOW_JSON_BOOL)
			iow_json_bool(j, m->key, *(const bool *)at);
		else if (m->type == IOW_JSON_HEX)
			iow_json_hex(j, m->key, *(const uint64_t *)at);
		else
			iow_json_u64(j, m->key, m->type == IOW_JSON_UINT ? *(const unsigned *)at : *(const uint64_t *)at);
	}
}

void iow_json_stopped(struct iow_json *j, const struct iow_error *stopped)
{
	iow_json_string(j, "error", stopped ? iow_error_message(stopped) : NULL);
}
