/* Unit test of src/debuginfo on small fixtures: the program built from
 * tests/fixtures/debuginfo-fixture.c with -gdwarf-5 and with -gdwarf-4.
 * Every layout the library reads from the fixture's DWARF is compared with
 * what this compiler says about the same declarations (the shared headers):
 * offsetof() and sizeof(), and for bit-fields the bits that light up when
 * the field is set to all ones.  The layout tables (debuginfo/layout.h) are
 * probed on the same types: required and optional entries, groups present
 * and absent with what stands instead, and the messages naming the change.
 *
 * Usage: debuginfo-fixture [FIXTURE...]; without arguments the fixtures are
 * taken from $IOW_TEST_FIXTURES (space-separated) or else from
 * ../fixtures/debuginfo-fixture-dwarf5 and -dwarf4 next to this program.
 * A missing fixture is a hard error (exit 99): make check builds them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo/debuginfo.h"
#include "debuginfo/layout.h"
#include "../fixtures/debuginfo-fixture-static.h"
#include "tap.h"

static const char *tag;

static void expect_member(struct iow_debuginfo *dbg, const char *st, const char *path,
			  const char *hint, uint64_t off, uint64_t size, uint64_t count,
			  uint64_t elem_size)
{
	struct iow_member m;
	struct iow_error *err = iow_debuginfo_member(dbg, st, path, hint, &m);

	if (!tap_ok(!err && m.offset == off && m.size == size && m.count == count &&
		    m.elem_size == elem_size && m.bit_size == 0 && m.bit_offset == 0,
		    "%s: %s.%s at %" PRIu64 ", %" PRIu64 " bytes, %" PRIu64 " x %" PRIu64, tag, st,
		    path, off, size, count, elem_size)) {
		if (err)
			printf("#   %s\n", err->message);
		else
			printf("#   got %" PRIu64 ", %" PRIu64 " bytes, %" PRIu64 " x %" PRIu64
			       ", bits %d:%d\n", m.offset, m.size, m.count, m.elem_size,
			       m.bit_offset, m.bit_size);
	}
	iow_error_destroy(err);
}

/* A scalar member: count 1, elem_size == size. */
#define SCALAR(dbg, type, member, hint)                                                   \
	expect_member(dbg, #type, #member, hint, offsetof(struct type, member),            \
		      sizeof(((struct type *)0)->member), 1, sizeof(((struct type *)0)->member))

static void expect_size(struct iow_debuginfo *dbg, const char *name, const char *hint,
			uint64_t want)
{
	uint64_t size = 0;
	struct iow_error *err = iow_debuginfo_struct_size(dbg, name, hint, &size);

	if (!tap_ok(!err && size == want, "%s: sizeof %s == %" PRIu64, tag, name, want))
		printf("#   %s%" PRIu64 "\n", err ? err->message : "got ", size);
	iow_error_destroy(err);
}

/* Where the compiler put a bit-field: the lowest set bit and the number of
 * set bits after setting it to all ones in a zeroed object. */
static void lit_bits(const uint8_t *p, size_t n, int *first, int *width)
{
	size_t i;
	int b;

	*first = -1;
	*width = 0;
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++)
			if (p[i] >> b & 1) {
				if (*first < 0)
					*first = (int)(i * 8) + b;
				(*width)++;
			}
}

static void expect_bitfield(struct iow_debuginfo *dbg, const char *st, const char *path,
			    const void *obj, size_t objsize, size_t storage)
{
	struct iow_member m;
	struct iow_error *err = iow_debuginfo_member(dbg, st, path, "fx_cu1_func", &m);
	int first, width;
	uint64_t v = 0;

	lit_bits(obj, objsize, &first, &width);
	if (!tap_ok(!err && m.bit_size == width && (int)m.offset * 8 + m.bit_offset == first &&
		    m.bit_offset + m.bit_size <= (int)m.size * 8 && m.offset + m.size <= objsize &&
		    (!storage || m.size == storage),
		    "%s: bit-field %s.%s: bit %d, %d wide", tag, st, path, first, width)) {
		if (err)
			printf("#   %s\n", err->message);
		else
			printf("#   got offset %" PRIu64 " size %" PRIu64 " bits %d:%d\n", m.offset,
			       m.size, m.bit_offset, m.bit_size);
	}
	/* and reading it the documented way gives the value back */
	if (!err && m.size <= 8 && m.offset + m.size <= objsize) {
		memcpy(&v, (const uint8_t *)obj + m.offset, m.size);
		v = v >> m.bit_offset & ((m.bit_size < 64 ? (1ull << m.bit_size) : 0) - 1);
		tap_ok(v == (m.bit_size < 64 ? (1ull << m.bit_size) - 1 : UINT64_MAX),
		       "%s: %s.%s read back through offset/size/bit_offset", tag, st, path);
	} else {
		tap_ok(0, "%s: %s.%s read back", tag, st, path);
	}
	iow_error_destroy(err);
}

static void check_outer(struct iow_debuginfo *dbg)
{
	const char *h = "fx_cu1_func";
	struct fx_outer o;
	struct fx_packed pk;

	expect_size(dbg, "fx_outer", h, sizeof(struct fx_outer));
	SCALAR(dbg, fx_outer, start, h);
	/* through the anonymous union and the anonymous struct in it */
	SCALAR(dbg, fx_outer, list, h);
	SCALAR(dbg, fx_outer, ptr, h);
	SCALAR(dbg, fx_outer, lo, h);
	SCALAR(dbg, fx_outer, hi, h);
	expect_member(dbg, "fx_outer", "list.prev", h, offsetof(struct fx_outer, list.prev), 8, 1, 8);
	SCALAR(dbg, fx_outer, color, h);
	expect_member(dbg, "fx_outer", "in", h, offsetof(struct fx_outer, in), sizeof(o.in), 4,
		      sizeof(o.in[0]));
	expect_member(dbg, "fx_outer", "in[2].b", h, offsetof(struct fx_outer, in[2].b),
		      sizeof(o.in[2].b), 3, 1);
	expect_member(dbg, "fx_outer", "in[3]", h, offsetof(struct fx_outer, in[3]), sizeof(o.in[3]),
		      1, sizeof(o.in[3]));
	expect_member(dbg, "fx_outer", "grid", h, offsetof(struct fx_outer, grid), sizeof(o.grid), 3,
		      sizeof(o.grid[0]));
	expect_member(dbg, "fx_outer", "nested.b", h, offsetof(struct fx_outer, nested.b), 3, 3, 1);
	expect_member(dbg, "fx_outer", "zero", h, offsetof(struct fx_outer, zero), 0, 0,
		      sizeof(int));
	expect_member(dbg, "fx_outer", "tail", h, offsetof(struct fx_outer, tail), 0, 0, 1);

#define BITS(field, storage)                                                               \
	do {                                                                               \
		memset(&o, 0, sizeof(o));                                                  \
		o.field = -1;                                                              \
		expect_bitfield(dbg, "fx_outer", #field, &o, sizeof(o), storage);          \
	} while (0)
	BITS(f1, sizeof(unsigned int));
	BITS(f2, sizeof(unsigned int));
	BITS(f3, sizeof(unsigned int));
	BITS(wide, sizeof(uint64_t));
	BITS(wide2, sizeof(uint64_t));
	BITS(sc, sizeof(signed char));
#undef BITS
	/* packed: the field straddles a 4-byte unit, so no aligned unit holds it */
	memset(&pk, 0, sizeof(pk));
	pk.straddle = 0xfffff;
	expect_bitfield(dbg, "fx_packed", "straddle", &pk, sizeof(pk), 0);
	memset(&pk, 0, sizeof(pk));
	pk.more = 0xfff;
	expect_bitfield(dbg, "fx_packed", "more", &pk, sizeof(pk), 0);
	expect_size(dbg, "fx_packed", h, sizeof(struct fx_packed));
}

static void check_paths(struct iow_debuginfo *dbg)
{
	const char *h = "fx_cu1_func";
	struct iow_member m;
	struct iow_error *err;
	static const char *const bad[] = { "", ".start", "start.", "in[", "in[x]", "in[1",
					  "start[0]", "in[4]", "start.x", "list..next", "lo-hi" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = iow_debuginfo_member(dbg, "fx_outer", bad[i], h, &m);
		tap_ok(err && (err->code == IOW_ERR_INVALID || err->code == IOW_ERR_NOTFOUND),
		       "%s: path \"%s\" is refused (%s)", tag, bad[i],
		       err ? iow_error_code_name(err->code) : "accepted");
		iow_error_destroy(err);
	}
	err = iow_debuginfo_member(dbg, "fx_outer", "no_such_member", h, &m);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND, "%s: a missing member is NOTFOUND", tag);
	iow_error_destroy(err);
	tap_ok(!iow_debuginfo_has_member(dbg, "fx_outer", "in.a", h),
	       "%s: no member through an array without an index", tag);
	tap_ok(iow_debuginfo_has_member(dbg, "fx_outer", "in[0].a", h), "%s: in[0].a exists", tag);
	tap_ok(!iow_debuginfo_has_member(dbg, "fx_holder", "opaque.secret", h),
	       "%s: no member through a pointer", tag);
}

static void check_types(struct iow_debuginfo *dbg)
{
	const char *h = "fx_cu1_func";

	expect_size(dbg, "fx_union", h, sizeof(union fx_union));
	expect_member(dbg, "fx_union", "bytes", h, 0, 4, 4, 1);
	SCALAR(dbg, fx_holder, cv, h);
	expect_member(dbg, "fx_holder", "cv.prev", h, offsetof(struct fx_holder, cv.prev), 8, 1, 8);
	SCALAR(dbg, fx_holder, td, h);
	expect_member(dbg, "fx_holder", "td.y", h, offsetof(struct fx_holder, td.y), sizeof(long),
		      1, sizeof(long));
	expect_size(dbg, "fx_typedef_t", h, sizeof(fx_typedef_t)); /* a typedef'd anonymous struct */
	expect_size(dbg, "fx_node", h, sizeof(struct fx_node));
	expect_member(dbg, "fx_node", "pool", h, 0, sizeof(((struct fx_node *)0)->pool), 256,
		      sizeof(struct fx_pool));
	expect_member(dbg, "fx_node", "busy.head", h, offsetof(struct fx_node, busy.head),
		      sizeof(struct fx_list), 1, sizeof(struct fx_list));
	expect_member(dbg, "fx_node", "lazy.head.next", h, offsetof(struct fx_node, lazy.head.next),
		      8, 1, 8);
	expect_member(dbg, "fx_node", "pool[255].len", h, offsetof(struct fx_node, pool[255].len),
		      sizeof(unsigned long), 1, sizeof(unsigned long));
	SCALAR(dbg, fx_node, skip_populate, h);
	expect_member(dbg, "fx_opaque", "name", h, offsetof(struct fx_opaque, name), 12, 12, 1);
}

/* Which CU is searched, and what a hint decides. */
static void check_hints(const char *path)
{
	struct iow_debuginfo *dbg = NULL;
	struct iow_error *err;
	const struct iow_debuginfo_stats *st;
	uint64_t size = 0, before;

	err = iow_debuginfo_open(path, &dbg);
	iow_error_destroy(err);
	if (!tap_ok(dbg != NULL, "%s: reopened", tag))
		return;
	st = iow_debuginfo_get_stats(dbg);
	err = iow_debuginfo_struct_size(dbg, "fx_node", "fx_cu1_func", &size);
	tap_ok(!err && size == sizeof(struct fx_node) && st->hint_hits == 1 && st->full_scans == 0,
	       "%s: a static type is found in its hint's CU alone", tag);
	iow_error_destroy(err);
	/* the other CU neither defines nor declares it: authoritative */
	err = iow_debuginfo_struct_size(dbg, "fx_rb_list", "fx_cu2_func", &size);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND && st->full_scans == 0,
	       "%s: a hint's CU that never names a type says it is absent, without a scan", tag);
	iow_error_destroy(err);
	/* ... but where it only declares it, every CU is searched */
	err = iow_debuginfo_struct_size(dbg, "fx_opaque", "fx_cu2_func", &size);
	tap_ok(!err && size == sizeof(struct fx_opaque) && st->full_scans == 1,
	       "%s: a hint's CU with only a declaration leads to the definition elsewhere", tag);
	iow_error_destroy(err);
	/* no hint, and a hint that is no symbol: every CU */
	err = iow_debuginfo_struct_size(dbg, "fx_pool", NULL, &size);
	tap_ok(!err && size == sizeof(struct fx_pool) && st->full_scans == 2,
	       "%s: found without a hint", tag);
	iow_error_destroy(err);
	err = iow_debuginfo_struct_size(dbg, "fx_inner", "no_such_function", &size);
	tap_ok(!err && size == sizeof(struct fx_inner) && st->full_scans == 3,
	       "%s: found with a hint that is no symbol", tag);
	iow_error_destroy(err);
	err = iow_debuginfo_struct_size(dbg, "fx_no_such_struct", NULL, &size);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND && st->full_scans == 4,
	       "%s: a type in no CU is NOTFOUND", tag);
	iow_error_destroy(err);
	/* answers are cached, negative ones too */
	before = st->cus_searched;
	err = iow_debuginfo_struct_size(dbg, "fx_no_such_struct", NULL, &size);
	iow_error_destroy(err);
	err = iow_debuginfo_struct_size(dbg, "fx_no_such_struct", "fx_cu1_func", &size);
	iow_error_destroy(err);
	err = iow_debuginfo_struct_size(dbg, "fx_node", "fx_cu1_func", &size);
	iow_error_destroy(err);
	err = iow_debuginfo_struct_size(dbg, "fx_node", NULL, &size);
	iow_error_destroy(err);
	tap_ok(st->cus_searched == before && size == sizeof(struct fx_node),
	       "%s: repeated lookups search no CU", tag);
	iow_debuginfo_destroy(dbg);
}

static void expect_enum(struct iow_debuginfo *dbg, const char *e, const char *name, int64_t want)
{
	int64_t v = 0;
	struct iow_error *err = iow_debuginfo_enumerator(dbg, e, name, "fx_cu1_func", &v);

	if (!tap_ok(!err && v == want, "%s: %s%s%s == %" PRId64, tag, e ? e : "", e ? "." : "",
		    name, want))
		printf("#   %s%" PRId64 "\n", err ? err->message : "got ", v);
	iow_error_destroy(err);
}

static void check_enums(struct iow_debuginfo *dbg)
{
	int64_t v;
	struct iow_error *err;

	expect_enum(dbg, NULL, "FX_RED", FX_RED);
	expect_enum(dbg, NULL, "FX_BLUE", FX_BLUE);
	expect_enum(dbg, NULL, "FX_NEG", FX_NEG);
	expect_enum(dbg, NULL, "FX_MIN", FX_MIN);
	expect_enum(dbg, NULL, "FX_MAX", FX_MAX);
	expect_enum(dbg, NULL, "FX_ALLONES", (int64_t)FX_ALLONES);
	expect_enum(dbg, NULL, "FX_WIDE", (int64_t)FX_WIDE);
	expect_enum(dbg, NULL, "FX_WIDE_NEG", (int64_t)FX_WIDE_NEG);
	expect_enum(dbg, "fx_color", "FX_GREEN", FX_GREEN);
	expect_enum(dbg, "fx_signed", "FX_NEG", FX_NEG);
	err = iow_debuginfo_enumerator(dbg, "fx_color", "FX_NEG", "fx_cu1_func", &v);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND, "%s: FX_NEG is not in enum fx_color", tag);
	iow_error_destroy(err);
	err = iow_debuginfo_enum_value(dbg, "FX_PURPLE", "fx_cu1_func", &v);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND, "%s: FX_PURPLE is in no enum", tag);
	iow_error_destroy(err);
	err = iow_debuginfo_enum_value(dbg, "FX_GREEN", NULL, &v);
	tap_ok(!err && v == FX_GREEN, "%s: FX_GREEN without a hint", tag);
	iow_error_destroy(err);
}

static uint64_t sym(struct iow_debuginfo *dbg, const char *name, uint64_t *size)
{
	uint64_t a = 0;
	struct iow_error *err = iow_debuginfo_symbol(dbg, name, &a, size);

	iow_error_destroy(err);
	return a;
}

static void expect_var(struct iow_debuginfo *dbg, const char *name, const char *hint,
		       uint64_t size, uint64_t count, uint64_t elem_size, struct iow_variable *v)
{
	struct iow_error *err = iow_debuginfo_variable_info(dbg, name, hint, v);

	if (!tap_ok(!err && v->from_dwarf && v->addr && v->size == size && v->count == count &&
		    v->elem_size == elem_size,
		    "%s: variable %s: %" PRIu64 " bytes, %" PRIu64 " x %" PRIu64, tag, name, size,
		    count, elem_size))
		printf("#   %s addr 0x%" PRIx64 " %" PRIu64 " bytes %" PRIu64 " x %" PRIu64 " %s\n",
		       err ? err->message : "", v->addr, v->size, v->count, v->elem_size,
		       v->from_dwarf ? "DWARF" : "ELF");
	iow_error_destroy(err);
}

static void check_variables(struct iow_debuginfo *dbg)
{
	struct iow_variable v1, v2, v;
	struct iow_error *err;
	uint64_t addr = 0, size = 0;

	expect_var(dbg, "fx_single", "fx_cu1_func", sizeof(struct fx_node), 1, sizeof(struct fx_node),
		   &v);
	tap_is_u64(v.addr, sym(dbg, "fx_single", &size), "static fx_single at its ELF symbol");
	expect_var(dbg, "fx_nodes", "fx_cu1_func", 8, 1, 8, &v);
	expect_var(dbg, "fx_nr_nodes", "fx_cu1_func", 4, 1, 4, &v);
	expect_var(dbg, "fx_tbl", "fx_cu1_func", 8, 8, 1, &v);
	expect_var(dbg, "fx_outer_var", "fx_cu1_func", sizeof(struct fx_outer), 1,
		   sizeof(struct fx_outer), &v);
	tap_is_u64(v.addr, sym(dbg, "fx_outer_var", NULL), "global fx_outer_var at its ELF symbol");
	/* fx_shadow: static in CU 1, global in CU 2 */
	expect_var(dbg, "fx_shadow", "fx_cu1_func", 4, 1, 4, &v1);
	expect_var(dbg, "fx_shadow", "fx_cu2_func", 4, 1, 4, &v2);
	tap_ok(v1.addr != v2.addr, "%s: the two fx_shadow are told apart by their CU", tag);
	err = iow_debuginfo_symbol(dbg, "fx_shadow", &addr, &size);
	tap_ok(!err && addr == v2.addr && size == 4, "%s: the ELF symbol prefers the global", tag);
	iow_error_destroy(err);
	/* not in the hint's CU: the ELF symbol */
	err = iow_debuginfo_variable_info(dbg, "fx_other_list", "fx_cu1_func", &v);
	tap_ok(!err && !v.from_dwarf && v.addr == sym(dbg, "fx_other_list", NULL) &&
	       v.size == sizeof(struct fx_list) && v.count == 1,
	       "%s: a variable outside the hint's CU comes from the ELF symbol", tag);
	iow_error_destroy(err);
	/* no DWARF, two locals of one name: the hint's source file decides */
	memset(&v1, 0, sizeof(v1));
	memset(&v2, 0, sizeof(v2));
	err = iow_debuginfo_variable_info(dbg, "fx_asm_dup", "fx_cu1_func", &v1);
	iow_error_destroy(err);
	err = iow_debuginfo_variable_info(dbg, "fx_asm_dup", "fx_cu2_func", &v2);
	tap_ok(!err && !v1.from_dwarf && !v2.from_dwarf && v1.addr && v2.addr &&
	       v1.addr < v2.addr && v1.size == 4 && v2.size == 4,
	       "%s: ELF locals of one name are told apart by the hint's file", tag);
	iow_error_destroy(err);
	err = iow_debuginfo_variable(dbg, "fx_nr_nodes", NULL, &addr);
	tap_ok(!err && addr == sym(dbg, "fx_nr_nodes", NULL), "%s: a variable without a hint", tag);
	iow_error_destroy(err);
	err = iow_debuginfo_variable(dbg, "fx_no_such_var", "fx_cu1_func", &addr);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND, "%s: a missing variable is NOTFOUND", tag);
	iow_error_destroy(err);
}

static void check_symbols(struct iow_debuginfo *dbg)
{
	uint64_t a = 0, s = 0;
	size_t len = 0;
	const uint8_t *id = iow_debuginfo_build_id(dbg, &len);
	struct iow_symbolized out;
	struct iow_buf b;
	struct iow_error *err;

	tap_ok(id && len >= 16, "%s: build ID present (%zu bytes)", tag, len);
	tap_ok(iow_debuginfo_has_symbol(dbg, "fx_cu1_func"), "%s: has fx_cu1_func", tag);
	tap_ok(!iow_debuginfo_has_symbol(dbg, "fx_no_such_symbol"), "%s: lacks fx_no_such_symbol",
	       tag);
	err = iow_debuginfo_symbol(dbg, "fx_tbl", &a, &s);
	tap_ok(!err && a && s == 8, "%s: static fx_tbl is an 8-byte local symbol", tag);
	iow_error_destroy(err);
	err = iow_debuginfo_symbol(dbg, "fx_no_such_symbol", &a, &s);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND, "%s: missing symbol is NOTFOUND", tag);
	iow_error_destroy(err);
	/* not a kernel: no _stext/_end, so there is no image to symbolize */
	tap_ok(!iow_debuginfo_symbolize(dbg, sym(dbg, "fx_cu1_func", NULL), &out),
	       "%s: no %%pS outside a kernel image", tag);
	iow_buf_init(&b);
	err = iow_debuginfo_format_symbol(dbg, sym(dbg, "fx_cu1_func", NULL), &b);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND && b.len == 0, "%s: format_symbol says so", tag);
	iow_error_destroy(err);
	iow_buf_fini(&b);
}

/* --- layout tables (debuginfo/layout.h) ------------------------------------ */

#define HINT1 "fx_cu1_func"

struct fx_layout {
	uint64_t outer_size, start, lo, color, color_size, in, in_size, in_count;
	uint64_t missing, tbl, cu1;
	int64_t blue, neg;
	bool has_node;
	uint64_t node_size, busy_head, lazy_head, nodes;
	uint64_t other_list;                 /* the ELSE of the node group: absent */
	bool has_missing;
	uint64_t missing_size, missing_member; /* a group the fixture lacks */
	uint64_t instead;                    /* ... and what stands instead */
	uint64_t either, either2;            /* one field, from a group or its ELSE */
};

#define L struct fx_layout
static const struct iow_layout_field fx_fields[] = {
	IOW_LAYOUT_SIZE(L, "fx_outer", outer_size),
	IOW_LAYOUT_MEMBER(L, "fx_outer", "start", start),
	IOW_LAYOUT_MEMBER(L, "fx_outer", "lo", lo),
	IOW_LAYOUT_MEMBER_SIZED(L, "fx_outer", "color", color, color_size),
	IOW_LAYOUT_ARRAY(L, "fx_outer", "in", in, in_size, in_count),
	IOW_LAYOUT_OPTIONAL(L, "fx_outer", "no_such_member", missing, "test: never there"),
	IOW_LAYOUT_ENUM(L, "fx_color", "FX_BLUE", blue),
	IOW_LAYOUT_ENUM(L, NULL, "FX_NEG", neg),
	IOW_LAYOUT_VARIABLE(L, "fx_tbl", tbl),
	IOW_LAYOUT_SYMBOL(L, "fx_cu1_func", cu1),
	IOW_LAYOUT_GROUP(L, has_node, "test: struct fx_node"),
	IOW_LAYOUT_SIZE(L, "fx_node", node_size),
	IOW_LAYOUT_MEMBER(L, "fx_node", "busy.head", busy_head),
	IOW_LAYOUT_MEMBER(L, "fx_node", "lazy.head", lazy_head),
	IOW_LAYOUT_VARIABLE(L, "fx_nodes", nodes),
	IOW_LAYOUT_MEMBER(L, "fx_node", "pool_lock", either),
	IOW_LAYOUT_ELSE,
	IOW_LAYOUT_VARIABLE(L, "fx_no_such_list", other_list),
	IOW_LAYOUT_MEMBER(L, "fx_missing", "y", either),
	IOW_LAYOUT_END,
	IOW_LAYOUT_GROUP(L, has_missing, "test: struct fx_missing"),
	IOW_LAYOUT_SIZE(L, "fx_missing", missing_size),
	IOW_LAYOUT_MEMBER(L, "fx_missing", "x", missing_member),
	IOW_LAYOUT_MEMBER(L, "fx_missing", "y", either2),
	IOW_LAYOUT_ELSE,
	IOW_LAYOUT_MEMBER(L, "fx_node", "nr_purged", instead),
	IOW_LAYOUT_MEMBER(L, "fx_node", "skip_populate", either2),
	IOW_LAYOUT_END,
};

/* A present group that lacks one of its entries; an absent one whose
 * ELSE is missing too; tables that are not well formed. */
static const struct iow_layout_field fx_half_group[] = {
	IOW_LAYOUT_GROUP(L, has_node, "test: fx_node's change"),
	IOW_LAYOUT_SIZE(L, "fx_node", node_size),
	IOW_LAYOUT_MEMBER(L, "fx_node", "no_such_member", busy_head),
	IOW_LAYOUT_END,
};
static const struct iow_layout_field fx_neither[] = {
	IOW_LAYOUT_GROUP(L, has_missing, "test: fx_missing's change"),
	IOW_LAYOUT_SIZE(L, "fx_missing", missing_size),
	IOW_LAYOUT_ELSE,
	IOW_LAYOUT_VARIABLE(L, "fx_no_such_list", other_list),
	IOW_LAYOUT_END,
};
static const struct iow_layout_field fx_required[] = {
	IOW_LAYOUT_MEMBER(L, "fx_outer", "no_such_member", missing),
};
static const struct iow_layout_field fx_empty_group[] = {
	IOW_LAYOUT_GROUP(L, has_node, "test"),
	IOW_LAYOUT_END,
};
static const struct iow_layout_field fx_open_group[] = {
	IOW_LAYOUT_GROUP(L, has_node, "test"),
	IOW_LAYOUT_SIZE(L, "fx_node", node_size),
};
static const struct iow_layout_field fx_nested[] = {
	IOW_LAYOUT_GROUP(L, has_node, "test"),
	IOW_LAYOUT_SIZE(L, "fx_node", node_size),
	IOW_LAYOUT_GROUP(L, has_missing, "test"),
	IOW_LAYOUT_SIZE(L, "fx_missing", missing_size),
	IOW_LAYOUT_END,
	IOW_LAYOUT_END,
};
#undef L

/* Probe FIELDS; the error's code (0 for none) and whether its message has WANT. */
static int probe_fails(struct iow_debuginfo *dbg, const struct iow_layout_field *fields, size_t n,
		       const char *want, bool *says)
{
	struct fx_layout l;
	struct iow_error *err = iow_layout_probe(dbg, HINT1, fields, n, &l);
	int code = err ? (int)err->code : 0;

	*says = err && strstr(err->message, want);
	if (err && !*says)
		printf("#   %s\n", err->message);
	iow_error_destroy(err);
	return code;
}

static void check_layout(struct iow_debuginfo *dbg)
{
	struct fx_layout l;
	struct iow_error *err;
	uint64_t size;
	bool says;

	memset(&l, 0x5a, sizeof(l));
	err = iow_layout_probe(dbg, HINT1, fx_fields, IOW_LAYOUT_COUNT(fx_fields), &l);
	if (!tap_ok(!err, "%s: a layout table probes in one call", tag))
		printf("#   %s\n", err->message);
	iow_error_destroy(err);
	tap_ok(l.outer_size == sizeof(struct fx_outer) && l.start == offsetof(struct fx_outer, start) &&
	       l.lo == offsetof(struct fx_outer, lo), "%s: sizes and members, through anonymous unions",
	       tag);
	tap_ok(l.color == offsetof(struct fx_outer, color) &&
	       l.color_size == sizeof(enum fx_color) && l.in == offsetof(struct fx_outer, in) &&
	       l.in_size == sizeof(((struct fx_outer *)0)->in) && l.in_count == 4,
	       "%s: a member's size, an array's size and count", tag);
	tap_ok(!iow_layout_has(l.missing), "%s: an optional member the fixture lacks is absent", tag);
	tap_ok(l.blue == FX_BLUE && l.neg == FX_NEG, "%s: enumerators, of a named enum and of any",
	       tag);
	tap_ok(l.tbl == sym(dbg, "fx_tbl", &size) && l.cu1 == sym(dbg, "fx_cu1_func", &size),
	       "%s: a variable's and a symbol's address", tag);
	tap_ok(l.has_node && l.node_size == sizeof(struct fx_node) &&
	       l.busy_head == offsetof(struct fx_node, busy.head) &&
	       l.lazy_head == offsetof(struct fx_node, lazy.head) &&
	       l.nodes == sym(dbg, "fx_nodes", &size) && !iow_layout_has(l.other_list),
	       "%s: a group the fixture has: its entries, and what stands instead absent", tag);
	tap_ok(!l.has_missing && !iow_layout_has(l.missing_size) &&
	       !iow_layout_has(l.missing_member) && l.instead == offsetof(struct fx_node, nr_purged),
	       "%s: a group it lacks: absent, and what stands instead required", tag);
	tap_ok(l.either == offsetof(struct fx_node, pool_lock) &&
	       l.either2 == offsetof(struct fx_node, skip_populate),
	       "%s: a field shared by a group and its ELSE holds the answer of the one there", tag);

	tap_ok(probe_fails(dbg, fx_half_group, IOW_LAYOUT_COUNT(fx_half_group),
			   "has struct fx_node (test: fx_node's change) but not all", &says) ==
		       IOW_ERR_NOTFOUND && says,
	       "%s: a group with an entry missing fails, naming the change", tag);
	tap_ok(probe_fails(dbg, fx_neither, IOW_LAYOUT_COUNT(fx_neither),
			   "neither struct fx_missing (test: fx_missing's change)", &says) ==
		       IOW_ERR_NOTFOUND && says,
	       "%s: neither a group nor what stands instead: fails, naming the change", tag);
	tap_ok(probe_fails(dbg, fx_required, IOW_LAYOUT_COUNT(fx_required), "no member", &says) ==
		       IOW_ERR_NOTFOUND && says,
	       "%s: a required member the fixture lacks fails the probe", tag);
	tap_ok(probe_fails(dbg, fx_empty_group, IOW_LAYOUT_COUNT(fx_empty_group), "groups",
			   &says) == IOW_ERR_INVALID && says &&
		       probe_fails(dbg, fx_open_group, IOW_LAYOUT_COUNT(fx_open_group), "groups",
				   &says) == IOW_ERR_INVALID && says &&
		       probe_fails(dbg, fx_nested, IOW_LAYOUT_COUNT(fx_nested), "groups", &says) ==
			       IOW_ERR_INVALID && says,
	       "%s: an empty, an unended and a nested group are malformed tables", tag);
}

static void test_fixture(const char *path)
{
	struct iow_debuginfo *dbg = NULL;
	struct iow_error *err;

	tag = path;
	err = iow_debuginfo_open(path, &dbg);
	if (!tap_ok(!err, "%s: opened", tag)) {
		printf("#   %s\n", err->message);
		iow_error_destroy(err);
		return;
	}
	tap_is_str(iow_debuginfo_path(dbg), path, "the handle knows its path");
	check_outer(dbg);
	check_paths(dbg);
	check_types(dbg);
	check_enums(dbg);
	check_variables(dbg);
	check_symbols(dbg);
	check_layout(dbg);
	iow_debuginfo_destroy(dbg);
	check_hints(path);
}

static void test_errors(void)
{
	struct iow_debuginfo *dbg = (struct iow_debuginfo *)1;
	struct iow_error *err;
	char self[PATH_MAX];
	ssize_t n;

	err = iow_debuginfo_open("/nonexistent/vmlinux", &dbg);
	tap_ok(err && err->code == IOW_ERR_IO && !dbg, "a missing file is an I/O error");
	iow_error_destroy(err);
	err = iow_debuginfo_open("/dev/null", &dbg);
	tap_ok(err && !dbg, "an empty file is refused: %s", err ? err->message : "");
	iow_error_destroy(err);
	/* this very test program (built -g): an ELF file with DWARF, without the fixture's types */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		uint64_t size;

		self[n] = '\0'; /* readlink does not end it */
		err = iow_debuginfo_open(self, &dbg);
		tap_ok(!err, "any ELF file with DWARF opens");
		iow_error_destroy(err);
		if (dbg) {
			err = iow_debuginfo_struct_size(dbg, "fx_no_such_struct", "main", &size);
			tap_ok(err && err->code == IOW_ERR_NOTFOUND, "a type the file lacks is NOTFOUND");
			iow_error_destroy(err);
			iow_debuginfo_destroy(dbg);
		}
	}
}

int main(int argc, char **argv)
{
	char buf[2][PATH_MAX], *dir, *list = NULL, *tok, *save = NULL;
	const char *paths[16];
	int n = 0, i;
	/* the lookups themselves are measured here: not the on-disk index's answers */
	setenv("IOW_INDEX_DIR", "off", 1);

	for (i = 1; i < argc && n < 16; i++)
		paths[n++] = argv[i];
	if (!n && getenv("IOW_TEST_FIXTURES")) {
		list = strdup(getenv("IOW_TEST_FIXTURES"));
		for (tok = strtok_r(list, " ", &save); tok && n < 16; tok = strtok_r(NULL, " ", &save))
			paths[n++] = tok;
	}
	if (!n) {
		snprintf(buf[0], sizeof(buf[0]), "%s", argv[0]);
		dir = strrchr(buf[0], '/');
		if (dir)
			*dir = '\0';
		else
			snprintf(buf[0], sizeof(buf[0]), ".");
		snprintf(buf[1], sizeof(buf[1]), "%s", buf[0]);
		strncat(buf[0], "/../fixtures/debuginfo-fixture-dwarf5", sizeof(buf[0]) - strlen(buf[0]) - 1);
		strncat(buf[1], "/../fixtures/debuginfo-fixture-dwarf4", sizeof(buf[1]) - strlen(buf[1]) - 1);
		paths[n++] = buf[0];
		paths[n++] = buf[1];
	}
	for (i = 0; i < n; i++) {
		if (access(paths[i], R_OK) != 0) {
			printf("Bail out! fixture %s is missing (make check builds it)\n", paths[i]);
			free(list);
			return 99;
		}
	}
	for (i = 0; i < n; i++)
		test_fixture(paths[i]);
	test_errors();
	free(list);
	return tap_done();
}
