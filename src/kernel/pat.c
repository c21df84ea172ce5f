/* pat: see pat.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/layout.h"
#include "kernel/pat.h"
#include "util/addrset.h"
#include "util/array.h"

#define HINT_TREE "memtype_check_insert"     /* arch/x86/mm/pat/memtype_interval.c */
#define MAX_DEPTH 128 /* an rbtree of IOW_MEMTYPE_MAX nodes is at most 2*log2 deep */
#define MAX_MEMTYPE_SIZE 256

struct tree_layout {
	uint64_t size, start, end, type, rb, left, right;
};

/* arch/x86/mm/pat/memtype.h: struct memtype; include/linux/rbtree_types.h */
static const struct iow_layout_field tree_fields[] = {
	IOW_LAYOUT_SIZE(struct tree_layout, "memtype", size),
	IOW_LAYOUT_MEMBER(struct tree_layout, "memtype", "start", start),
	IOW_LAYOUT_MEMBER(struct tree_layout, "memtype", "end", end),
	IOW_LAYOUT_MEMBER(struct tree_layout, "memtype", "type", type),
	IOW_LAYOUT_MEMBER(struct tree_layout, "memtype", "rb", rb),
	IOW_LAYOUT_MEMBER(struct tree_layout, "rb_node", "rb_left", left),
	IOW_LAYOUT_MEMBER(struct tree_layout, "rb_node", "rb_right", right),
};

/* An enum page_cache_mode value as an enum iow_memtype: the same for the
 * six modes (iow_kernel_read_memtypes checks the enum first), unknown for
 * anything else. */
static unsigned x86_memtype(uint64_t mode)
{
	return mode <= IOW_MT_WP ? (unsigned)mode : IOW_MT_UNKNOWN;
}

static struct iow_error *walk_tree(struct iow_kernel *k, struct iow_pat *pat)
{
	uint64_t root, node, stack[MAX_DEPTH];
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	struct tree_layout l;
	struct iow_error *err;
	size_t cap = 0;
	int sp = 0;
	struct iow_addrset *seen;

	if ((err = iow_layout_probe(dbg, HINT_TREE, tree_fields, IOW_LAYOUT_COUNT(tree_fields), &l)) ||
	    (err = iow_debuginfo_variable(dbg, "memtype_rbroot", HINT_TREE, &root)))
		return err;
	if (l.size > MAX_MEMTYPE_SIZE)
		return iow_error_create(IOW_ERR_DATA, "struct memtype is %" PRIu64 " bytes", l.size);
	root += iow_kernel_layout(k)->kaslr_offset;
	/* struct rb_root_cached { struct rb_root rb_root; ... }: the first
	 * word is the root node pointer. */
	if ((err = iow_kernel_read_u64(k, root, &node)))
		return iow_error_wrap(err, "reading memtype_rbroot");
	seen = iow_addrset_create();
	if (!seen)
		return &iow_error_nomem;
	/* In order: left subtree, node, right subtree; the stack holds the
	 * nodes whose left side is done. */
	while (!err && (node || sp)) {
		uint8_t raw[MAX_MEMTYPE_SIZE];
		struct iow_pat_memtype *m;
		int added;

		while (node) {
			added = iow_addrset_add(seen, node);
			if (added < 0) {
				err = &iow_error_nomem;
				break;
			}
			if (!added) {
				err = iow_error_at(IOW_ERR_DATA, node, "the memtype tree has a cycle at rb_node 0x%"
						   PRIx64, node);
				break;
			}
			if (sp == MAX_DEPTH) {
				err = iow_error_at(IOW_ERR_DATA, node, "the memtype tree is deeper than %d at 0x%"
						   PRIx64, MAX_DEPTH, node);
				break;
			}
			stack[sp++] = node;
			if ((err = iow_kernel_read_u64(k, node + l.left, &node)))
				break;
		}
		if (err || !sp)
			break;
		node = stack[--sp];
		if (pat->n >= IOW_MEMTYPE_MAX) {
			err = iow_error_at(IOW_ERR_DATA, node, "more than %d memtypes", IOW_MEMTYPE_MAX);
			break;
		}
		if ((err = iow_kernel_read(k, node - l.rb, raw, l.size)))
			break;
		if (iow_array_reserve(&pat->memtypes, &cap, pat->n + 1, sizeof(*pat->memtypes))) {
			err = &iow_error_nomem;
			break;
		}
		m = &pat->memtypes[pat->n++];
		m->addr = node - l.rb;
		memcpy(&m->start, raw + l.start, 8);
		memcpy(&m->end, raw + l.end, 8);
		{
			uint32_t t;

			memcpy(&t, raw + l.type, 4);
			m->type = x86_memtype(t);
		}
		err = iow_kernel_read_u64(k, node + l.right, &node);
	}
	iow_addrset_destroy(seen);
	return err ? iow_error_wrap(err, "walking the PAT memtype tree") : NULL;
}

struct iow_error *iow_pat_read(struct iow_kernel *k, struct iow_pat *pat)
{
	struct iow_error *err;

	memset(pat, 0, sizeof(*pat));
	if ((err = iow_kernel_read_memtypes(k, pat->pte2cm)))
		goto out;
	/* No memtype tree: a kernel without PAT (x86 without CONFIG_X86_PAT;
	 * arm64, whose memory types are in the entries alone). */
	if (!iow_debuginfo_has_symbol(iow_kernel_debuginfo(k), "memtype_rbroot")) {
		pat->none_tracked = true;
		goto out;
	}
	err = walk_tree(k, pat);
	if (iow_pat_index(pat) && !err)
		err = &iow_error_nomem;
out:
	return err;
}
