/* layout: see layout.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "debuginfo/layout.h"

static void put(void *layout, size_t at, uint64_t v)
{
	if (at != IOW_LAYOUT_NONE)
		memcpy((char *)layout + at, &v, sizeof(v));
}

static void put_absent(void *layout, const struct iow_layout_field *f)
{
	put(layout, f->at, IOW_LAYOUT_ABSENT);
	put(layout, f->size_at, 0);
	put(layout, f->count_at, 0);
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

/* What entry F asks for, for messages: "struct module.mem". */
static const char *describe(const struct iow_layout_field *f, char *buf, size_t len)
{
	switch (f->what) {
	case IOW_LAYOUT_OFFSET:
		snprintf(buf, len, "struct %s.%s", f->type, f->path);
		break;
	case IOW_LAYOUT_SIZEOF:
		snprintf(buf, len, "struct %s", f->type);
		break;
	case IOW_LAYOUT_ENUMVAL:
		snprintf(buf, len, "enumerator %s", f->path);
		break;
	case IOW_LAYOUT_VARADDR:
		snprintf(buf, len, "variable %s", f->path);
		break;
	default:
		snprintf(buf, len, "symbol %s", f->path);
		break;
	}
	return buf;
}

/* Look entry F up and store its answer (all entries but group markers). */
static struct iow_error *probe_one(struct iow_debuginfo *dbg, const char *hint,
				   const struct iow_layout_field *fields, size_t i, void *layout)
{
	const struct iow_layout_field *f = &fields[i];
	struct iow_member m = { 0 };
	struct iow_variable var = { 0 };
	struct iow_error *err;
	int64_t value = 0;
	uint64_t size;

	switch (f->what) {
	case IOW_LAYOUT_SIZEOF:
		err = iow_debuginfo_struct_size(dbg, f->type, hint, &m.offset);
		break;
	case IOW_LAYOUT_ENUMVAL:
		err = iow_debuginfo_enumerator(dbg, f->type, f->path, hint, &value);
		m.offset = (uint64_t)value;
		break;
	case IOW_LAYOUT_VARADDR:
		err = iow_debuginfo_variable_info(dbg, f->path, hint, &var);
		m.offset = var.addr;
		m.size = var.size;
		m.count = var.count;
		break;
	case IOW_LAYOUT_SYMADDR:
		err = iow_debuginfo_symbol(dbg, f->path, &m.offset, &m.size);
		break;
	default:
		err = iow_debuginfo_member(dbg, f->type, f->path, hint, &m);
		break;
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
	return NULL;
}

/* Whether F, an ELSE entry of a group the vmlinux has, shares its field
 * with one of the group's own entries (the bit of PG_arch_2, or else of
 * PG_uncached, into one field): then the group's answer stays. */
static bool shares_field(const struct iow_layout_field *group, const struct iow_layout_field *f)
{
	const struct iow_layout_field *g;

	for (g = group + 1; g < f && g->what != IOW_LAYOUT_GROUP_ELSE; g++)
		if (g->at == f->at)
			return true;
	return false;
}

/* Where the probe stands in a group. */
enum part {
	OUTSIDE,   /* not in a group */
	DECIDING,  /* at a group's first entry */
	WITH,      /* in the group proper (after its first entry) */
	INSTEAD,   /* between IOW_LAYOUT_ELSE and IOW_LAYOUT_END */
};

struct iow_error *iow_layout_probe(struct iow_debuginfo *dbg, const char *hint,
				   const struct iow_layout_field *fields, size_t n, void *layout)
{
	const struct iow_layout_field *group = NULL, *first = NULL;
	enum part part = OUTSIDE;
	bool present = false;
	char what[160];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct iow_layout_field *f = &fields[i];
		struct iow_error *err;

		switch (f->what) {
		case IOW_LAYOUT_GROUP_BEGIN:
			if (part != OUTSIDE)
				goto out_malformed;
			group = f;
			part = DECIDING;
			continue;
		case IOW_LAYOUT_GROUP_ELSE:
			if (part != WITH)
				goto out_malformed;
			part = INSTEAD;
			continue;
		case IOW_LAYOUT_GROUP_END:
			if (part != WITH && part != INSTEAD)
				goto out_malformed;
			part = OUTSIDE;
			continue;
		default:
			break;
		}
		if ((part == WITH && !present) || (part == INSTEAD && present)) {
			if (part == WITH || !shares_field(group, f))
				put_absent(layout, f);
			continue;
		}
		err = probe_one(dbg, hint, fields, i, layout);
		if (part == DECIDING) {
			first = f;
			present = !iow_error_catch(&err, IOW_ERR_NOTFOUND);
			*(bool *)((char *)layout + group->at) = present;
			part = WITH;
			if (!present)
				put_absent(layout, f);
		} else if (f->since && iow_error_catch(&err, IOW_ERR_NOTFOUND)) {
			put_absent(layout, f);
		} else if (err && err->code == IOW_ERR_NOTFOUND && part == WITH) {
			return iow_error_wrap(err, "this kernel has %s (%s) but not all that goes with it",
					      describe(first, what, sizeof(what)), group->since);
		} else if (err && err->code == IOW_ERR_NOTFOUND && part == INSTEAD) {
			return iow_error_wrap(err, "this kernel has neither %s (%s) nor what came before",
					      describe(first, what, sizeof(what)), group->since);
		}
		if (err)
			return err;
	}
	if (part == OUTSIDE)
		return NULL;
out_malformed:
	return iow_error_create(IOW_ERR_INVALID, "layout table: entry %zu of %zu: groups must "
				"have entries, not nest, and end", i, n);
}
