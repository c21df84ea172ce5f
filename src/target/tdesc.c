/* tdesc: registers from a GDB target description; see tdesc.h.
 *
 * Not an XML parser: a scanner that finds tags, skips comments, processing
 * instructions, CDATA and the DOCTYPE, and reads the attributes of the two
 * elements that matter.  GDB's own descriptions and QEMU's are plain enough
 * for that, and anything it cannot follow is an error, not a guess.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "target/tdesc.h"
#include "util/array.h"

#define MAX_DEPTH 8     /* xi:include nesting */
#define MAX_ANNEXES 64  /* files in one description */
#define MAX_REGS 4096
#define MAX_REGNUM 65535u
#define MAX_BITSIZE 4096u

void iow_tdesc_init(struct iow_tdesc *td)
{
	memset(td, 0, sizeof(*td));
}

void iow_tdesc_fini(struct iow_tdesc *td)
{
	size_t i;

	for (i = 0; i < td->n; i++)
		free(td->regs[i].name);
	free(td->regs);
	iow_tdesc_init(td);
}

struct iow_error *iow_tdesc_add(struct iow_tdesc *td, const char *name, long regnum,
				unsigned int bitsize)
{
	struct iow_tdesc_reg *r;

	if (td->n >= MAX_REGS)
		return iow_error_create(IOW_ERR_PROTOCOL, "the target description has more "
					"than %d registers", MAX_REGS);
	if (regnum > (long)MAX_REGNUM)
		return iow_error_create(IOW_ERR_PROTOCOL, "register %s has number %ld, too large",
					name, regnum);
	if (iow_array_reserve(&td->regs, &td->cap, td->n + 1, sizeof(*td->regs)))
		return &iow_error_nomem;
	r = &td->regs[td->n];
	r->name = strdup(name);
	if (!r->name)
		return &iow_error_nomem;
	r->regnum = regnum >= 0 ? (unsigned int)regnum : td->next_regnum;
	r->bitsize = bitsize;
	td->next_regnum = r->regnum + 1;
	td->n++;
	return NULL;
}

const struct iow_tdesc_reg *iow_tdesc_find(const struct iow_tdesc *td, const char *name)
{
	size_t i;

	/* The first of a name wins; lists are short (about 70 for x86-64). */
	for (i = 0; i < td->n; i++)
		if (!strcmp(td->regs[i].name, name))
			return &td->regs[i];
	return NULL;
}

/* --- scanning --- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The first occurrence of the string S in [P, END), or NULL. */
static const char *find(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	for (; p && (size_t)(end - p) >= n; p++) {
		p = memchr(p, s[0], (size_t)(end - p) - n + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, s, n))
			return p;
	}
	return NULL;
}

/* The '>' that ends the tag starting at P, skipping quoted values. */
static const char *tag_end(const char *p, const char *end)
{
	char quote = 0;

	for (; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '>') {
			return p;
		}
	}
	return NULL;
}

/* Attribute NAME of the tag body [P, END) as a new string, or NULL when it
 * is missing; *ERR is set for a malformed tag or no memory. */
static char *attr(const char *p, const char *end, const char *name, struct iow_error **err)
{
	const char *n, *v;
	size_t nlen;
	char quote;
	char *s;

	/* skip the element's own name */
	while (p < end && !is_space(*p) && *p != '/')
		p++;
	for (;;) {
		while (p < end && (is_space(*p) || *p == '/'))
			p++;
		if (p >= end)
			return NULL;
		n = p;
		while (p < end && !is_space(*p) && *p != '=')
			p++;
		nlen = (size_t)(p - n);
		while (p < end && is_space(*p))
			p++;
		if (p >= end || *p != '=')
			goto bad;
		p++;
		while (p < end && is_space(*p))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			goto bad;
		quote = *p++;
		v = p;
		p = memchr(p, quote, (size_t)(end - p));
		if (!p)
			goto bad;
		if (nlen == strlen(name) && !memcmp(n, name, nlen)) {
			s = strndup(v, (size_t)(p - v));
			if (!s)
				*err = &iow_error_nomem;
			return s;
		}
		p++;
	}
bad:
	*err = iow_error_create(IOW_ERR_PROTOCOL, "malformed attributes in the target "
				"description: <%.*s>", (int)(end - n < 80 ? end - n : 80), n);
	return NULL;
}

/* A decimal attribute value in [0, MAX]. */
static bool decimal(const char *s, unsigned long max, unsigned long *val)
{
	char *e;

	if (!*s || *s < '0' || *s > '9')
		return false;
	*val = strtoul(s, &e, 10);
	return !*e && *val <= max;
}

static struct iow_error *parse(struct iow_tdesc *td, const char *xml, size_t len,
			       iow_tdesc_fetch_fn fetch, void *ctx, int depth);

static struct iow_error *reg_tag(struct iow_tdesc *td, const char *p, const char *end)
{
	char *name = NULL, *bits = NULL, *num = NULL;
	struct iow_error *err = NULL;
	unsigned long bitsize, regnum;

	name = attr(p, end, "name", &err);
	if (!err)
		bits = attr(p, end, "bitsize", &err);
	if (!err)
		num = attr(p, end, "regnum", &err);
	if (err)
		goto out;
	if (!name || !bits || !decimal(bits, MAX_BITSIZE, &bitsize) ||
	    (num && !decimal(num, MAX_REGNUM, &regnum))) {
		err = iow_error_create(IOW_ERR_PROTOCOL, "a <reg> in the target description "
				       "lacks a name or has a bad bitsize or regnum: <%.*s>",
				       (int)(end - p < 120 ? end - p : 120), p);
		goto out;
	}
	err = iow_tdesc_add(td, name, num ? (long)regnum : -1, (unsigned int)bitsize);
out:
	free(name);
	free(bits);
	free(num);
	return err;
}

static struct iow_error *include_tag(struct iow_tdesc *td, const char *p, const char *end,
				     iow_tdesc_fetch_fn fetch, void *ctx, int depth)
{
	struct iow_error *err = NULL;
	struct iow_buf text;
	char *href;

	href = attr(p, end, "href", &err);
	if (err)
		return err;
	if (!href)
		return iow_error_create(IOW_ERR_PROTOCOL, "an xi:include without href "
					"in the target description");
	if (depth >= MAX_DEPTH || td->annexes >= MAX_ANNEXES) {
		err = iow_error_create(IOW_ERR_PROTOCOL, "the target description's includes "
				       "go too deep or are too many (at %s)", href);
		goto out_free_href;
	}
	td->annexes++;
	iow_buf_init(&text);
	err = fetch(ctx, href, &text);
	if (err)
		err = iow_error_wrap(err, "fetching %s", href);
	else
		err = parse(td, (const char *)text.data, text.len, fetch, ctx, depth + 1);
	iow_buf_fini(&text);
out_free_href:
	free(href);
	return err;
}

static bool is_element(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(end - p) >= n && !memcmp(p, name, n) &&
	       ((size_t)(end - p) == n || is_space(p[n]) || p[n] == '/');
}

static struct iow_error *parse(struct iow_tdesc *td, const char *xml, size_t len,
			       iow_tdesc_fetch_fn fetch, void *ctx, int depth)
{
	const char *p = xml, *end, *lt, *gt, *close;
	struct iow_error *err = NULL;

	if (!len)
		return NULL;
	end = xml + len;
	while (!err && p < end && (lt = memchr(p, '<', (size_t)(end - p)))) {
		if (find(lt, end, "<!--") == lt) {
			close = find(lt + 4, end, "-->");
			gt = close ? close + 2 : NULL;
		} else if (find(lt, end, "<![CDATA[") == lt) {
			close = find(lt + 9, end, "]]>");
			gt = close ? close + 2 : NULL;
		} else if (lt + 1 < end && lt[1] == '?') {
			close = find(lt + 2, end, "?>");
			gt = close ? close + 1 : NULL;
		} else if (lt + 1 < end && lt[1] == '!') {
			/* <!DOCTYPE ...>, perhaps with an [internal subset] */
			gt = tag_end(lt, end);
			close = memchr(lt, '[', (size_t)(end - lt));
			if (gt && close && close < gt) {
				close = find(close, end, "]");
				gt = close ? tag_end(close, end) : NULL;
			}
		} else {
			gt = tag_end(lt, end);
			if (gt && is_element(lt + 1, gt, "reg"))
				err = reg_tag(td, lt + 1, gt);
			else if (gt && is_element(lt + 1, gt, "xi:include"))
				err = include_tag(td, lt + 1, gt, fetch, ctx, depth);
		}
		if (!gt && !err)
			err = iow_error_create(IOW_ERR_PROTOCOL, "an unterminated tag in the "
					       "target description: %.*s",
					       (int)(end - lt < 40 ? end - lt : 40), lt);
		if (gt)
			p = gt + 1;
	}
	return err;
}

struct iow_error *iow_tdesc_parse(struct iow_tdesc *td, const char *xml, size_t len,
				  iow_tdesc_fetch_fn fetch, void *ctx)
{
	return parse(td, xml, len, fetch, ctx, 0);
}

struct iow_error *iow_tdesc_load(struct iow_tdesc *td, const char *annex,
				 iow_tdesc_fetch_fn fetch, void *ctx)
{
	struct iow_error *err;
	struct iow_buf text;

	iow_buf_init(&text);
	td->annexes++;
	err = fetch(ctx, annex, &text);
	if (!err)
		err = parse(td, (const char *)text.data, text.len, fetch, ctx, 0);
	iow_buf_fini(&text);
	return err;
}
