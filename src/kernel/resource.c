/* resource: see resource.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/resource.h"
#include "util/addrset.h"
#include "util/array.h"

#define HINT "__request_region" /* kernel/resource.c defines struct resource's users */

struct layout {
	uint64_t size;
	uint64_t start, end, name, flags, desc, parent, sibling, child;
};

/* include/linux/ioport.h: the same members in 6.1 and 6.12. */
static const struct iow_layout_field layout_fields[] = {
	IOW_LAYOUT_SIZE(struct layout, "resource", size),
	IOW_LAYOUT_MEMBER(struct layout, "resource", "start", start),
	IOW_LAYOUT_MEMBER(struct layout, "resource", "end", end),
	IOW_LAYOUT_MEMBER(struct layout, "resource", "name", name),
	IOW_LAYOUT_MEMBER(struct layout, "resource", "flags", flags),
	IOW_LAYOUT_MEMBER(struct layout, "resource", "desc", desc),
	IOW_LAYOUT_MEMBER(struct layout, "resource", "parent", parent),
	IOW_LAYOUT_MEMBER(struct layout, "resource", "sibling", sibling),
	IOW_LAYOUT_MEMBER(struct layout, "resource", "child", child),
};

static struct iow_error *get_layout(struct iow_kernel *k, struct layout *l)
{
	struct iow_error *err;
	size_t i;

	if ((err = iow_layout_probe(iow_kernel_debuginfo(k), HINT, layout_fields,
				    IOW_LAYOUT_COUNT(layout_fields), l)))
		return err;
	if (l->size > 512)
		return iow_error_create(IOW_ERR_DATA, "struct resource is %" PRIu64 " bytes", l->size);
	/* each member is read as 64 bits */
	for (i = 1; i < IOW_LAYOUT_COUNT(layout_fields); i++) {
		uint64_t off;

		memcpy(&off, (const char *)l + layout_fields[i].at, sizeof(off));
		if (off + 8 > l->size)
			return iow_error_create(IOW_ERR_DATA, "struct resource.%s is not a 64-bit field",
						layout_fields[i].path);
	}
	return NULL;
}

struct iow_error *iow_resource_layout_get(struct iow_kernel *k, struct iow_resource_layout *out)
{
	struct layout l;
	struct iow_error *err = get_layout(k, &l);

	if (!err)
		*out = (struct iow_resource_layout){ l.size, l.start, l.end, l.name, l.flags, l.desc,
						     l.parent, l.sibling, l.child };
	return err;
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
	r->name_addr = name;
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
	return err;
}

/* Before the walk: fetch the tree in waves of one round trip each.  Each
 * wave first follows every pointer whose target is already in the cache
 * (a resource, then its child and sibling; its name), so a chain costs a
 * round trip only where it leaves what was fetched (the read-ahead brings
 * a resource's neighbours: the arrays of the e820 table or of the legacy
 * ports, a slab page's resources, a pci_dev's BARs), then asks for what the
 * chains wait on, all at once.  The page tables of the module area are
 * warmed in the same waves, for resources and names in modules.  A hint
 * only: it gives up on anything odd (a cycle, a read that fails, too many
 * nodes, no progress) and leaves the walk proper to find and report it. */
#define PREFETCH_TRIES 8 /* waves one read may wait, at most (a walk is 5 levels) */

struct item {
	uint64_t va;
	size_t len;
	unsigned char kind;  /* ITEM_NODE, ITEM_NAME (read only), ITEM_ROOT (child only) */
	unsigned char waits; /* waves it has waited */
};
enum { ITEM_NODE, ITEM_NAME, ITEM_ROOT };

static bool push(struct item **v, size_t *n, size_t *cap, struct item it)
{
	if (iow_array_reserve(v, cap, *n + 1, sizeof(**v)))
		return false;
	(*v)[(*n)++] = it;
	return true;
}

static void prefetch_tree(struct walk *w, uint64_t root)
{
	struct iow_addrset *seen = iow_addrset_create();
	struct item *work = NULL, *wait = NULL;
	size_t nwork = 0, capwork = 0, nwait = 0, capwait = 0, total = 0;
	uint64_t *vas = NULL;
	size_t *lens = NULL, capv = 0, capl = 0;
	uint64_t mods = iow_kernel_modules_hint(w->k);

	if (!seen || !push(&work, &nwork, &capwork, (struct item){ root, w->l.size, ITEM_ROOT, 0 }))
		goto out;
	if (mods && !push(&work, &nwork, &capwork, (struct item){ mods, 8, ITEM_NAME, 0 }))
		goto out;
	while (nwork && total < IOW_RESOURCE_MAX) {
		size_t i;

		/* follow everything the cache holds; keep what must wait */
		nwait = 0;
		while (nwork && total < IOW_RESOURCE_MAX) {
			struct item it = work[--nwork];
			uint64_t c, s, name;

			if (!iow_kernel_read_is_free(w->k, it.va, it.len)) {
				if (it.waits < PREFETCH_TRIES && !push(&wait, &nwait, &capwait, it))
					goto out;
				continue;
			}
			if (it.kind == ITEM_NAME)
				continue;
			if (iow_addrset_add(seen, it.va) != 1)
				continue;
			total++;
			if (iow_kernel_read(w->k, it.va, w->raw, w->l.size) != NULL)
				continue; /* free, so refused without a request: the walk reports it */
			c = field(w->raw, w->l.child);
			s = field(w->raw, w->l.sibling);
			name = field(w->raw, w->l.name);
			if ((name &&
			     !push(&work, &nwork, &capwork,
				   (struct item){ name, iow_kernel_string_hint(name), ITEM_NAME, 0 })) ||
			    (s && it.kind == ITEM_NODE &&
			     !push(&work, &nwork, &capwork, (struct item){ s, w->l.size, ITEM_NODE, 0 })) ||
			    (c && !push(&work, &nwork, &capwork, (struct item){ c, w->l.size, ITEM_NODE, 0 })))
				goto out;
		}
		if (!nwait)
			break;
		/* one round trip for all the chains */
		if (iow_array_reserve(&vas, &capv, nwait, sizeof(*vas)) ||
		    iow_array_reserve(&lens, &capl, nwait, sizeof(*lens)))
			goto out;
		for (i = 0; i < nwait; i++) {
			vas[i] = wait[i].va;
			lens[i] = wait[i].len;
			wait[i].waits++;
		}
		iow_kernel_prefetch_step(w->k, vas, lens, nwait);
		{
			struct item *t = work;
			size_t tc = capwork;

			work = wait, capwork = capwait, nwork = nwait;
			wait = t, capwait = tc;
		}
	}
out:
	free(work);
	free(wait);
	free(vas);
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
	if (iow_kernel_can_prefetch(k))
		prefetch_tree(&w, addr);
	err = read_one(&w, addr, &tree->root, &c, &s, &p);
	if (!err) {
		tree->root.depth = -1;
		err = walk_tree(&w, &tree->root, c);
	}
	iow_addrset_destroy(w.seen);
	return err;
}
