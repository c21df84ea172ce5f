/* options: see options.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/options.h"

static bool positional(const struct iow_opt *o)
{
	return o->flags & IOW_OPT_POSITIONAL;
}

static bool takes_value(const struct iow_opt *o)
{
	return o->kind != IOW_OPT_FLAG && o->kind != IOW_OPT_SET;
}

/* --- usage ------------------------------------------------------------------ */

/* "a|b|c" */
static struct iow_error *choices(const struct iow_opt *o, const char *sep, struct iow_buf *b)
{
	struct iow_error *err = NULL;
	size_t i;

	for (i = 0; !err && o->choices[i]; i++)
		err = iow_buf_printf(b, "%s%s", i ? sep : "", o->choices[i]);
	return err;
}

static struct iow_error *argument(const struct iow_opt *o, bool spell_choices, struct iow_buf *b)
{
	struct iow_error *err = NULL;
	bool optional = !(o->flags & IOW_OPT_REQUIRED);

	if (optional)
		err = iow_buf_putc(b, '[');
	if (!err)
		err = spell_choices && o->kind == IOW_OPT_CHOICE ? choices(o, "|", b) : iow_buf_printf(b, "%s", o->name);
	if (!err && optional)
		err = iow_buf_putc(b, ']');
	return err;
}

/* "[--depth N]", "[--iomem|--ioports]" (alternatives that set one field);
 * *O moves past the alternatives. */
static struct iow_error *option_usage(const struct iow_opt **o, struct iow_buf *b)
{
	const struct iow_opt *p = *o;
	struct iow_error *err = iow_buf_printf(b, "[--%s", p->name);

	while (!err && p->kind == IOW_OPT_SET && p[1].name && p[1].kind == IOW_OPT_SET && p[1].at == p->at)
		err = iow_buf_printf(b, "|--%s", (++p)->name);
	if (!err && takes_value(p))
		err = iow_buf_printf(b, " %s", p->arg ? p->arg : "VALUE");
	*o = p;
	return err ? err : iow_buf_putc(b, ']');
}

/* The usage words of SCHEMA: with OPTIONS, the options too, and the
 * choices of an argument spelled out; else the arguments by name. */
static struct iow_error *usage_words(const struct iow_opt *schema, bool options, struct iow_buf *b)
{
	struct iow_error *err = NULL;
	const struct iow_opt *o;
	const char *sep = "";

	for (o = schema; !err && o->name; o++) {
		if ((o->flags & IOW_OPT_STOP) || (!options && !positional(o)))
			continue;
		if (!(err = iow_buf_printf(b, "%s", sep)))
			err = positional(o) ? argument(o, options, b) : option_usage(&o, b);
		sep = " ";
	}
	return err;
}

struct iow_error *iow_opts_synopsis(const struct iow_opt *schema, struct iow_buf *b)
{
	return usage_words(schema, true, b);
}

struct iow_error *iow_opts_arguments(const struct iow_opt *schema, struct iow_buf *b)
{
	return usage_words(schema, false, b);
}

#define HELP_COLUMN 22

static void help_line(const struct iow_opt *o, struct iow_sink *out)
{
	char left[64];
	const char *h = o->help;
	int n;

	if (positional(o))
		n = snprintf(left, sizeof(left), "      %s", o->name);
	else
		n = snprintf(left, sizeof(left), "  %c%c%c --%s%s%s", o->short_name ? '-' : ' ',
			     o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ', o->name,
			     takes_value(o) ? " " : "", takes_value(o) ? (o->arg ? o->arg : "VALUE") : "");
	iow_sink_printf(out, "%s%*s", left, n < HELP_COLUMN ? HELP_COLUMN - n : 2, "");
	for (;;) {
		size_t len = strcspn(h, "\n");

		iow_sink_printf(out, "%.*s\n", (int)len, h);
		if (!h[len])
			break;
		h += len + 1;
		iow_sink_printf(out, "%*s", HELP_COLUMN, "");
	}
}

void iow_opts_help(const struct iow_opt *schema, unsigned mode, struct iow_sink *out)
{
	const struct iow_opt *o;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (o = schema; o->name; o++)
			if (o->help && positional(o) == (pass == 1) &&
			    (!(mode & IOW_PARSE_GDB) || (o->flags & IOW_OPT_GDB)))
				help_line(o, out);
}

/* --- parsing ---------------------------------------------------------------- */

struct parse {
	const char *who;
	const struct iow_opt *schema;
	unsigned mode;
	void *dest;
};

static struct iow_error *fail(const struct parse *p, bool usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct iow_error *fail(const struct parse *p, bool usage, const char *fmt, ...)
{
	struct iow_buf syn;
	struct iow_error *err;
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!p->who)
		return iow_error_create(IOW_ERR_INVALID, "%s", what);
	iow_buf_init(&syn);
	if (usage && !iow_opts_synopsis(p->schema, &syn))
		err = iow_error_create(IOW_ERR_INVALID, "%s: %s (usage: %s%s%s)", p->who, what, p->who,
				       syn.len ? " " : "", iow_buf_str(&syn));
	else
		err = iow_error_create(IOW_ERR_INVALID, "%s: %s", p->who, what);
	iow_buf_fini(&syn);
	return err;
}

/* How an option or argument is named in messages: "--depth", "ADDR". */
static const char *shown(const struct iow_opt *o, char *buf, size_t len)
{
	snprintf(buf, len, positional(o) ? "%s" : "--%s", o->name);
	return buf;
}

/* What the value of O must be, for messages: "a number >= 0". */
static const char *wanted(const struct iow_opt *o, char *buf, size_t len)
{
	struct iow_buf b;

	switch (o->kind) {
	case IOW_OPT_INT:
		snprintf(buf, len, "a number >= %d", o->val);
		break;
	case IOW_OPT_ADDR:
		snprintf(buf, len, "an address");
		break;
	case IOW_OPT_CHOICE:
		iow_buf_init(&b);
		if (choices(o, ", ", &b))
			snprintf(buf, len, "one of its words");
		else
			snprintf(buf, len, "one of %s", iow_buf_str(&b));
		iow_buf_fini(&b);
		break;
	default:
		snprintf(buf, len, "%s", o->arg ? o->arg : "a value");
	}
	return buf;
}

static struct iow_error *parse_int(const struct parse *p, const struct iow_opt *o, const char *v, int *out)
{
	char name[64], want[64], *end;
	long n;

	errno = 0;
	n = isdigit((unsigned char)v[0]) ? strtol(v, &end, 10) : -1;
	if (n < 0 || *end || errno == ERANGE || n > INT_MAX || n < o->val)
		return fail(p, false, "%s needs %s, not '%s'", shown(o, name, sizeof(name)),
			    wanted(o, want, sizeof(want)), v);
	*out = (int)n;
	return NULL;
}

static struct iow_error *parse_addr(const struct parse *p, const char *v, struct iow_opt_addr *out)
{
	unsigned long long n;
	char *end;

	/* A minus sign is taken, as strtoull() takes it (two's complement):
	 * bash's $((...)) prints an address above 2^63 as a negative number,
	 * and scripts pass it on so.  No blanks, no plus. */
	const char *digits = v + (v[0] == '-');

	errno = 0;
	n = isdigit((unsigned char)digits[0]) ? strtoull(v, &end, 0) : 0;
	if (!isdigit((unsigned char)digits[0]) || *end || errno == ERANGE)
		return fail(p, false, "'%s' is not an address", v);
	out->value = n;
	out->given = true;
	return NULL;
}

static struct iow_error *parse_choice(const struct parse *p, const struct iow_opt *o, const char *v, int *out)
{
	struct iow_buf b;
	struct iow_error *err;
	char noun[64];
	size_t i;

	for (i = 0; o->choices[i]; i++)
		if (strcmp(o->choices[i], v) == 0) {
			*out = (int)i;
			return NULL;
		}
	if (!positional(o)) {
		char name[64], want[256];

		return fail(p, false, "%s needs %s, not '%s'", shown(o, name, sizeof(name)),
			    wanted(o, want, sizeof(want)), v);
	}
	/* "unknown file 'x' (iomem, ioports)": the metavariable, lower case */
	for (i = 0; i + 1 < sizeof(noun) && o->name[i]; i++)
		noun[i] = (char)tolower((unsigned char)o->name[i]);
	noun[i] = 0;
	iow_buf_init(&b);
	err = choices(o, ", ", &b);
	if (!err)
		err = fail(p, false, "unknown %s '%s' (%s)", noun, v, iow_buf_str(&b));
	iow_buf_fini(&b);
	return err;
}

/* Store O's value V (NULL for options that take none). */
static struct iow_error *store(const struct parse *p, const struct iow_opt *o, const char *v)
{
	char *at = (char *)p->dest + o->at;

	switch (o->kind) {
	case IOW_OPT_FLAG:
		*(bool *)at = true;
		return NULL;
	case IOW_OPT_SET:
		*(int *)at = o->val;
		return NULL;
	case IOW_OPT_STRING:
		*(const char **)at = v;
		return NULL;
	case IOW_OPT_INT:
		return parse_int(p, o, v, (int *)at);
	case IOW_OPT_ADDR:
		return parse_addr(p, v, (struct iow_opt_addr *)at);
	case IOW_OPT_CHOICE:
		return parse_choice(p, o, v, (int *)at);
	}
	return NULL;
}

/* The option --NAME (LEN bytes of it): exact, else the one it is a prefix
 * of; *AMBIGUOUS when it is a prefix of several. */
static const struct iow_opt *find_long(const struct iow_opt *schema, const char *name, size_t len,
				       bool *ambiguous)
{
	const struct iow_opt *o, *found = NULL;

	*ambiguous = false;
	for (o = schema; o->name; o++)
		if (!positional(o) && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	for (o = schema; o->name; o++) {
		if (positional(o) || strncmp(o->name, name, len) != 0)
			continue;
		if (found)
			*ambiguous = true;
		found = o;
	}
	return *ambiguous ? NULL : found;
}

static const struct iow_opt *find_short(const struct iow_opt *schema, char c)
{
	const struct iow_opt *o;

	for (o = schema; o->name; o++)
		if (!positional(o) && o->short_name && o->short_name == c)
			return o;
	return NULL;
}

static const struct iow_opt *find_word(const struct iow_opt *schema, const char *w)
{
	const struct iow_opt *o;

	for (o = schema; o->name; o++)
		if ((o->flags & IOW_OPT_WORD) && strcmp(o->name, w) == 0)
			return o;
	return NULL;
}

static struct iow_error *refuse_in_gdb(const struct parse *p, const struct iow_opt *o)
{
	char name[64];

	if (!(p->mode & IOW_PARSE_GDB) || (o->flags & IOW_OPT_GDB))
		return NULL;
	return fail(p, false, "%s is for the command line, not GDB", shown(o, name, sizeof(name)));
}

/* The option word ARGV[*I]; *I moves past the words it took.  *STOP:
 * parsing ends after it. */
static struct iow_error *option(const struct parse *p, int argc, char **argv, int *i, bool *stop)
{
	const char *w = argv[*i], *value = NULL;
	const struct iow_opt *o;
	struct iow_error *err;
	char name[64], want[256];

	if (w[1] == '-') {
		const char *eq = strchr(w + 2, '=');
		size_t len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
		bool ambiguous;

		o = find_long(p->schema, w + 2, len, &ambiguous);
		if (!o)
			return fail(p, true, "%s option %.*s", ambiguous ? "ambiguous" : "unknown",
				    (int)(eq ? eq - w : (long)strlen(w)), w);
		if ((err = refuse_in_gdb(p, o)))
			return err;
		if (eq && !takes_value(o))
			return fail(p, true, "%s takes no value", shown(o, name, sizeof(name)));
		value = eq ? eq + 1 : NULL;
	} else {
		/* -x, -xVALUE, -xyz (flags together) */
		for (w++;; w++) {
			if (!(o = find_short(p->schema, *w)))
				return fail(p, true, "unknown option -%c", *w);
			if ((err = refuse_in_gdb(p, o)))
				return err;
			if (takes_value(o)) {
				value = w[1] ? w + 1 : NULL;
				break;
			}
			if ((err = store(p, o, NULL)))
				return err;
			if ((o->flags & IOW_OPT_STOP) || !w[1]) {
				*stop = o->flags & IOW_OPT_STOP;
				return NULL;
			}
		}
	}
	if (takes_value(o) && !value) {
		if (*i + 1 >= argc)
			return fail(p, true, "%s needs %s", shown(o, name, sizeof(name)), wanted(o, want, sizeof(want)));
		value = argv[++*i];
	}
	*stop = o->flags & IOW_OPT_STOP;
	return store(p, o, value);
}

struct iow_error *iow_opts_parse(const char *who, const struct iow_opt *schema, unsigned mode, int argc,
				 char **argv, void *dest, int *used)
{
	const struct parse p = { who, schema, mode, dest };
	const struct iow_opt *next = schema, *o;
	struct iow_error *err = NULL;
	bool words_only = false, stop = false;
	char name[64];
	int i;

	for (i = 0; i < argc && !err && !stop; i++) {
		const char *w = argv[i];

		if (!words_only && strcmp(w, "--") == 0) {
			words_only = true;
			if (mode & IOW_PARSE_LEADING) {
				i++;
				break;
			}
			continue;
		}
		/* "-1" is a (negative) number, not an option */
		if (!words_only && w[0] == '-' && w[1] && !isdigit((unsigned char)w[1])) {
			err = option(&p, argc, argv, &i, &stop);
			continue;
		}
		if (mode & IOW_PARSE_LEADING)
			break;
		if (!words_only && (o = find_word(schema, w))) {
			err = store(&p, o, NULL);
			continue;
		}
		while (next->name && !positional(next))
			next++;
		if (!next->name)
			return fail(&p, true, "unexpected argument '%s'", w);
		err = store(&p, next++, w);
	}
	*used = i;
	if (err || stop)
		return err;
	for (; next->name; next++)
		if (positional(next) && (next->flags & IOW_OPT_REQUIRED))
			return fail(&p, true, "%s is missing", shown(next, name, sizeof(name)));
	return NULL;
}
