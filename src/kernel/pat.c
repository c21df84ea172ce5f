/* pat: see pat.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/pat.h"
#include "kernel/x86.h"
#include "util/addrset.h"
#include "util/array.h"

#define HINT_TREE "memtype_check_insert"     /* arch/x86/mm/pat/memtype_interval.c */
#define HINT_TBL "update_cache_mode_entry"    /* arch/x86/mm/init.c */
#define MAX_DEPTH 128 /* an rbtree of IOW_MEMTYPE_MAX nodes is at most 2*log2 deep */

unsigned iow_pat_leaf_mode(const struct iow_pat *pat, uint64_t leaf, bool huge)
{
	return pat->pte2cm[iow_x86_pat_index(leaf, huge)];
}

static struct iow_error *off(struct iow_kernel *k, const char *type, const char *path, uint64_t *o)
{
	struct iow_member m;
	struct iow_error *err = iow_debuginfo_member(iow_kernel_debuginfo(k), type, path, HINT_TREE, &m);

	if (!err)
		*o = m.offset;
	return err;
}

/* An enum page_cache_mode value as an enum iow_memtype: the same for the
 * six modes (check_enum makes sure), unknown for anything else. */
static unsigned x86_memtype(uint64_t mode)
{
	return mode <= IOW_MT_WP ? (unsigned)mode : IOW_MT_UNKNOWN;
}

/* The enum's values must be the ones this program names. */
static struct iow_error *check_enum(struct iow_kernel *k)
{
	static const struct { const char *name; int64_t value; } modes[] = {
		{ "_PAGE_CACHE_MODE_WB", IOW_MT_WB }, { "_PAGE_CACHE_MODE_WC", IOW_MT_WC },
		{ "_PAGE_CACHE_MODE_UC_MINUS", IOW_MT_UC_MINUS }, { "_PAGE_CACHE_MODE_UC", IOW_MT_UC },
		{ "_PAGE_CACHE_MODE_WT", IOW_MT_WT }, { "_PAGE_CACHE_MODE_WP", IOW_MT_WP },
	};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int64_t v;
		struct iow_error *err = iow_debuginfo_enumerator(iow_kernel_debuginfo(k), "page_cache_mode",
								 modes[i].name, HINT_TBL, &v);
		if (err)
			return err;
		if (v != modes[i].value)
			return iow_error_create(IOW_ERR_UNSUPPORTED, "%s is %" PRId64 " in this kernel, not %"
						PRId64, modes[i].name, v, modes[i].value);
	}
	return NULL;
}

static struct iow_error *walk_tree(struct iow_kernel *k, struct iow_pat *pat)
{
	uint64_t root, node, o_start, o_end, o_type, o_rb, o_left, o_right, size;
	uint64_t stack[MAX_DEPTH];
	struct iow_debuginfo *dbg = iow_kernel_debuginfo(k);
	struct iow_error *err;
	size_t cap = 0;
	int sp = 0;
	struct iow_addrset *seen;

	if ((err = off(k, "memtype", "start", &o_start)) || (err = off(k, "memtype", "end", &o_end)) ||
	    (err = off(k, "memtype", "type", &o_type)) || (err = off(k, "memtype", "rb", &o_rb)) ||
	    (err = off(k, "rb_node", "rb_left", &o_left)) || (err = off(k, "rb_node", "rb_right", &o_right)) ||
	    (err = iow_debuginfo_struct_size(dbg, "memtype", HINT_TREE, &size)) ||
	    (err = iow_debuginfo_variable(dbg, "memtype_rbroot", HINT_TREE, &root)))
		return err;
	if (size > 256)
		return iow_error_create(IOW_ERR_DATA, "struct memtype is %" PRIu64 " bytes", size);
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
		uint8_t raw[256];
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
			if ((err = iow_kernel_read_u64(k, node + o_left, &node)))
				break;
		}
		if (err || !sp)
			break;
		node = stack[--sp];
		if (pat->n >= IOW_MEMTYPE_MAX) {
			err = iow_error_at(IOW_ERR_DATA, node, "more than %d memtypes", IOW_MEMTYPE_MAX);
			break;
		}
		if ((err = iow_kernel_read(k, node - o_rb, raw, size)))
			break;
		if (iow_array_reserve(&pat->memtypes, &cap, pat->n + 1, sizeof(*pat->memtypes))) {
			err = &iow_error_nomem;
			break;
		}
		m = &pat->memtypes[pat->n++];
		m->addr = node - o_rb;
		memcpy(&m->start, raw + o_start, 8);
		memcpy(&m->end, raw + o_end, 8);
		{
			uint32_t t;

			memcpy(&t, raw + o_type, 4);
			m->type = x86_memtype(t);
		}
		err = iow_kernel_read_u64(k, node + o_right, &node);
	}
	iow_addrset_destroy(seen);
	return err ? iow_error_wrap(err, "walking the PAT memtype tree") : NULL;
}

struct iow_error *iow_pat_read_table(struct iow_kernel *k, uint8_t pte2cm[8])
{
	struct iow_error *err;
	uint64_t tbl;
	int i;

	if ((err = check_enum(k)) ||
	    (err = iow_debuginfo_variable(iow_kernel_debuginfo(k), "__pte2cachemode_tbl", HINT_TBL, &tbl)) ||
	    (err = iow_kernel_read(k, tbl + iow_kernel_layout(k)->kaslr_offset, pte2cm, 8)))
		return err;
	for (i = 0; i < 8; i++)
		pte2cm[i] = x86_memtype(pte2cm[i]);
	return NULL;
}

struct iow_error *iow_pat_read(struct iow_kernel *k, struct iow_pat *pat)
{
	struct iow_error *err;

	memset(pat, 0, sizeof(*pat));
	if ((err = iow_pat_read_table(k, pat->pte2cm)))
		goto out;
	err = walk_tree(k, pat);
	if (iow_pat_index(pat) && !err)
		err = &iow_error_nomem;
out:
	return err;
}
