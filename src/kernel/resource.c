/* resource: see resource.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/resource.h"
#include "util/addrset.h"

#define HINT "__request_region" /* kernel/resource.c defines struct resource's users */

struct layout {
	uint64_t size;
	uint64_t start, end, name, flags, desc, parent, sibling, child;
};

static struct iow_error *get_layout(struct iow_kernel *k, struct layout *l)
{
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	static const char *const names[] = { "start", "end", "name", "flags", "desc",
					     "parent", "sibling", "child" };
	uint64_t *slots[] = { &l->start, &l->end, &l->name, &l->flags, &l->desc,
			      &l->parent, &l->sibling, &l->child };
	struct iow_error *err;
	size_t i;

	if ((err = iow_debuginfo_struct_size(dbg, "resource", HINT, &l->size)))
		return err;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct iow_member m;

		if ((err = iow_debuginfo_member(dbg, "resource", names[i], HINT, &m)))
			return err;
		if (m.offset + 8 > l->size)
			return iow_error_create(IOW_ERR_DATA, "struct resource.%s is not a 64-bit field",
						names[i]);
		*slots[i] = m.offset;
	}
	if (l->size > 512)
		return iow_error_create(IOW_ERR_DATA, "struct resource is %" PRIu64 " bytes", l->size);
	return NULL;
}

static uint64_t field(const uint8_t *raw, uint64_t off)
{
	uint64_t v;

	memcpy(&v, raw + off, 8);
	return v;
}

struct walk {
	struct iow_kernel *k;
	struct layout l;
	struct iow_addrset *seen;
	struct iow_resource_tree *tree;
	uint8_t raw[512];
};

static struct iow_error *stop(struct walk *w, struct iow_error *err)
{
	if (!w->tree->error)
		w->tree->error = strdup(err->message[0] ? err->message : iow_error_code_name(err->code));
	return err;
}

/* Read the struct resource at ADDR into R (pointers still the kernel's). */
static struct iow_error *read_one(struct walk *w, uint64_t addr, struct iow_resource *r,
				  uint64_t *child, uint64_t *sibling, uint64_t *parent)
{
	struct iow_error *err;
	uint64_t name;
	int added = iow_addrset_add(w->seen, addr);

	if (added < 0)
		return &iow_error_nomem;
	if (!added)
		return iow_error_at(IOW_ERR_DATA, addr, "resource 0x%" PRIx64 " is reached twice: "
				    "the %s tree has a cycle", addr, w->tree->root_symbol);
	if (w->tree->count >= IOW_RESOURCE_MAX)
		return iow_error_at(IOW_ERR_DATA, addr, "more than %d resources below %s: stopped at 0x%"
				    PRIx64, IOW_RESOURCE_MAX, w->tree->root_symbol, addr);
	if ((err = iow_kernel_read(w->k, addr, w->raw, w->l.size)))
		return iow_error_wrap(err, "reading resource 0x%" PRIx64, addr);
	r->addr = addr;
	r->start = field(w->raw, w->l.start);
	r->end = field(w->raw, w->l.end);
	r->flags = field(w->raw, w->l.flags);
	r->desc = field(w->raw, w->l.desc);
	*parent = field(w->raw, w->l.parent);
	*sibling = field(w->raw, w->l.sibling);
	*child = field(w->raw, w->l.child);
	name = field(w->raw, w->l.name);
	r->name = NULL;
	if (name) {
		char buf[IOW_RESOURCE_NAME_MAX];

		if ((err = iow_kernel_read_string(w->k, name, buf, sizeof(buf))))
			return iow_error_wrap(err, "reading the name of resource 0x%" PRIx64, addr);
		r->name = strdup(buf);
		if (!r->name)
			return &iow_error_nomem;
	}
	return NULL;
}

/* Read the children of P (whose kernel child pointer is CHILD), and theirs,
 * depth first with an explicit stack of the kernel's pointers. */
static struct iow_error *walk_tree(struct walk *w, struct iow_resource *root, uint64_t child)
{
	struct frame {
		struct iow_resource *parent;
		struct iow_resource **link; /* where the next sibling hangs */
		uint64_t next;              /* the kernel's pointer to it */
	} *stack;
	int sp = 0;
	struct iow_error *err = NULL;

	stack = calloc(IOW_RESOURCE_MAX_DEPTH, sizeof(*stack));
	if (!stack)
		return &iow_error_nomem;
	stack[0] = (struct frame){ root, &root->child, child };
	while (sp >= 0) {
		struct frame *f = &stack[sp];
		struct iow_resource *r;
		uint64_t c, s, p;

		if (!f->next) {
			sp--;
			continue;
		}
		r = calloc(1, sizeof(*r));
		if (!r) {
			err = &iow_error_nomem;
			break;
		}
		err = read_one(w, f->next, r, &c, &s, &p);
		if (err) {
			free(r->name);
			free(r);
			break;
		}
		r->parent = f->parent;
		r->depth = sp;
		*f->link = r;
		f->link = &r->sibling;
		w->tree->count++;
		if (p != f->parent->addr) {
			err = iow_error_at(IOW_ERR_DATA, r->addr, "resource 0x%" PRIx64 " (%s) hangs below 0x%"
					   PRIx64 " but its parent pointer is 0x%" PRIx64,
					   r->addr, r->name ? r->name : "<BAD>", f->parent->addr, p);
			break;
		}
		f->next = s;
		if (c) {
			if (sp + 1 >= IOW_RESOURCE_MAX_DEPTH) {
				err = iow_error_at(IOW_ERR_DATA, c, "the %s tree is deeper than %d levels at 0x%"
						   PRIx64, w->tree->root_symbol, IOW_RESOURCE_MAX_DEPTH, c);
				break;
			}
			sp++;
			stack[sp] = (struct frame){ r, &r->child, c };
		}
	}
	free(stack);
	return err ? stop(w, err) : NULL;
}

/* Before the walk: fetch the tree level by level, every resource of a
 * level and the names of the one before it in one go (so a round trip per
 * level, not per resource).  A hint only: it stops at anything odd (a
 * cycle, a read that fails, too many nodes) and leaves the walk proper to
 * find and report it. */
static void prefetch_tree(struct walk *w, uint64_t first_child)
{
	struct iow_addrset *seen = iow_addrset_create();
	uint64_t *cur = NULL, *next = NULL, *names = NULL, *hints = NULL;
	size_t ncur = 0, nnext, nnames = 0, *lens = NULL, total = 0, cap = 0;

	if (!seen || !first_child)
		goto out;
	cap = 64;
	cur = malloc(cap * sizeof(*cur));
	next = malloc(2 * cap * sizeof(*next));
	names = malloc(cap * sizeof(*names));
	hints = malloc(3 * cap * sizeof(*hints));
	lens = malloc(3 * cap * sizeof(*lens));
	if (!cur || !next || !names || !hints || !lens)
		goto out;
	cur[ncur++] = first_child;
	while ((ncur || nnames) && total < IOW_RESOURCE_MAX) {
		size_t i, nh = 0;

		for (i = 0; i < ncur; i++) {
			hints[nh] = cur[i];
			lens[nh++] = w->l.size;
		}
		for (i = 0; i < nnames; i++) {
			hints[nh] = names[i];
			lens[nh++] = iow_kernel_string_hint(names[i]);
		}
		iow_kernel_prefetch(w->k, hints, lens, nh);
		nnext = nnames = 0;
		for (i = 0; i < ncur; i++) {
			struct iow_error *err;
			uint64_t c, s, name;

			if (iow_addrset_add(seen, cur[i]) != 1)
				continue;
			total++;
			err = iow_kernel_read(w->k, cur[i], w->raw, w->l.size);
			if (err) {
				iow_error_destroy(err);
				continue;
			}
			c = field(w->raw, w->l.child);
			s = field(w->raw, w->l.sibling);
			name = field(w->raw, w->l.name);
			if (c)
				next[nnext++] = c;
			if (s)
				next[nnext++] = s;
			if (name)
				names[nnames++] = name;
		}
		/* the next level: at most two pointers per resource of this one */
		if (nnext > cap) {
			size_t ncap = nnext;
			uint64_t *a = realloc(cur, ncap * sizeof(*cur));

			if (a)
				cur = a;
			if (!a || !(a = realloc(next, 2 * ncap * sizeof(*next))))
				goto out;
			next = a;
			if (!(a = realloc(hints, 3 * ncap * sizeof(*hints))))
				goto out;
			hints = a;
			if (!(a = realloc(names, ncap * sizeof(*names)))) /* names <= ncur <= ncap */
				goto out;
			names = a;
			{
				size_t *l = realloc(lens, 3 * ncap * sizeof(*lens));

				if (!l)
					goto out;
				lens = l;
			}
			cap = ncap;
		}
		memcpy(cur, next, nnext * sizeof(*cur));
		ncur = nnext;
	}
out:
	free(cur);
	free(next);
	free(names);
	free(hints);
	free(lens);
	iow_addrset_destroy(seen);
}

struct iow_error *iow_resource_tree_read(struct iow_kernel *k, const char *root,
					 struct iow_resource_tree *tree)
{
	struct walk w = { .k = k, .tree = tree };
	struct iow_error *err;
	uint64_t addr, c, s, p;

	memset(tree, 0, sizeof(*tree));
	tree->root_symbol = root;
	if ((err = get_layout(k, &w.l)) || (err = iow_kernel_symbol(k, root, &addr)))
		return err;
	w.seen = iow_addrset_create();
	if (!w.seen)
		return &iow_error_nomem;
	err = read_one(&w, addr, &tree->root, &c, &s, &p);
	if (!err) {
		tree->root.depth = -1;
		if (iow_kernel_can_prefetch(k))
			prefetch_tree(&w, c);
		err = walk_tree(&w, &tree->root, c);
	} else {
		stop(&w, err);
	}
	iow_addrset_destroy(w.seen);
	return err;
}
