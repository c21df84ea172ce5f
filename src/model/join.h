/* model/join: the resource tree joined with the kernel's mappings, for the
 * annotated tree: under each resource, who maps it, where and how.
 *
 * Every present run of a mapping hangs under the deepest resource that
 * contains its first byte (a run that starts in no resource hangs
 * nowhere).  Which one is worked out once per run, when the join is made,
 * and looked up by resource from then on: asking every resource about
 * every run made a tree of 10,000 resources and 5,000 ioremaps take
 * minutes.  Nothing here reads memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_JOIN_H
#define IOW_MODEL_JOIN_H

#include <stddef.h>

#include "model/mapping.h"
#include "model/resource.h"

/* One run under one resource. */
struct iow_join_run {
	const struct iow_resource *r;
	const struct iow_mapping *m;
	const struct iow_map_run *run;
};

struct iow_join {
	const struct iow_resource_tree *tree;
	const struct iow_mapping_set *maps;
	/* By resource, then in the mappings' order (mapping, then run): the
	 * output order under each resource.  NULL when there was no memory
	 * for it: then each lookup asks every run. */
	struct iow_join_run *runs;
	size_t n;
};

/* Join TREE and MAPS, which must outlive J.  Never fails: out of memory,
 * the lookups scan instead. */
void iow_join_init(struct iow_join *j, const struct iow_resource_tree *tree,
		   const struct iow_mapping_set *maps);
void iow_join_fini(struct iow_join *j);

/* Call FN for each present run that hangs under R, in output order. */
typedef void iow_join_fn(void *arg, const struct iow_mapping *m, const struct iow_map_run *run);
void iow_join_each(const struct iow_join *j, const struct iow_resource *r, iow_join_fn *fn, void *arg);

/* The deepest resource below ROOT (not ROOT itself) that contains PA, or
 * NULL. */
const struct iow_resource *iow_resource_deepest(const struct iow_resource *root, uint64_t pa);

#endif
