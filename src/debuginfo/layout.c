/* layout: see layout.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "debuginfo/layout.h"

static void put(void *layout, size_t at, uint64_t v)
{
	if (at != IOW_LAYOUT_NONE)
		memcpy((char *)layout + at, &v, sizeof(v));
}

/* The size probed for TYPE by an earlier entry of FIELDS, or 0. */
static uint64_t size_of(const struct iow_layout_field *fields, size_t upto, const char *type,
			const void *layout)
{
	size_t i;
	uint64_t v;

	for (i = 0; i < upto; i++)
		if (fields[i].what == IOW_LAYOUT_SIZEOF && strcmp(fields[i].type, type) == 0) {
			memcpy(&v, (const char *)layout + fields[i].at, sizeof(v));
			return v == IOW_LAYOUT_ABSENT ? 0 : v;
		}
	return 0;
}

struct iow_error *iow_layout_probe(struct iow_debuginfo *dbg, const char *hint,
				   const struct iow_layout_field *fields, size_t n, void *layout)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct iow_layout_field *f = &fields[i];
		struct iow_member m = { 0 };
		struct iow_error *err;
		uint64_t size;

		if (f->what == IOW_LAYOUT_SIZEOF)
			err = iow_debuginfo_struct_size(dbg, f->type, hint, &m.offset);
		else
			err = iow_debuginfo_member(dbg, f->type, f->path, hint, &m);
		if (f->since && iow_error_catch(&err, IOW_ERR_NOTFOUND)) {
			put(layout, f->at, IOW_LAYOUT_ABSENT);
			put(layout, f->size_at, 0);
			put(layout, f->count_at, 0);
			continue;
		}
		if (err)
			return err;
		put(layout, f->at, m.offset);
		put(layout, f->size_at, m.size);
		put(layout, f->count_at, m.count);
		if (f->what == IOW_LAYOUT_OFFSET && (size = size_of(fields, i, f->type, layout)) &&
		    (m.offset >= size || m.size > size - m.offset))
			return iow_error_create(IOW_ERR_DATA, "struct %s.%s (%" PRIu64 " bytes at %" PRIu64
						") lies outside the struct (%" PRIu64 " bytes)",
						f->type, f->path, m.size, m.offset, size);
	}
	return NULL;
}
