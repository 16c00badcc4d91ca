/* flame.h — the counted samples as a call tree, the flame graph's
 * (doc/PRODUCT.md §12).
 *
 * Each counted stack is walked from its outermost frame in, keeping only
 * the frames in profiled files: time in a file outside the profiled set is
 * folded into the profiled frame that called it, as self time is charged to
 * the calling line (§4), so a node's self is what the Functions view calls
 * self. A node is a function under the path of functions above it. Samples
 * with no frame in a profiled file are one node under the root, named
 * OUTSIDE_LABEL (table.h). The counts follow the profile's scope (scope.c):
 * the narrowing to a process, the time range, the focus; and its metric
 * (alloc.c): samples, or the bytes of allocation samples.
 */
#ifndef CPROF_MODEL_FLAME_H
#define CPROF_MODEL_FLAME_H
#include "model/profile.h"
#include <stddef.h>
#include <stdint.h>

#define FLAME_ROOT UINT32_MAX          /* the root's func: every sample */
#define FLAME_OUTSIDE (UINT32_MAX - 1) /* samples with no profiled frame */

struct flame_node {
	uint32_t func;        /* pfunc index, or FLAME_ROOT, FLAME_OUTSIDE */
	uint32_t parent;      /* node index (the root, node 0, is its own) */
	uint32_t depth;       /* 0 for the root */
	uint32_t first, nkids; /* its children: kids[first .. first + nkids) */
	uint64_t total, self; /* samples (or bytes) through it, and ending in it */
};

struct flame {
	struct flame_node *nodes;
	size_t n, cap;
	uint32_t *kids;       /* node indexes; each node's children in name order,
			       * the outside node last */
	uint32_t max_depth;
};

/* Build f from the counted stacks of p (aggregates need not be up to date):
 * node 0 is the root, then every path with samples. Replaces what f held;
 * f starts zeroed. */
void flame_build(struct flame *f, const struct profile *p);
void flame_free(struct flame *f);
/* The child of node with this func, or -1. */
int64_t flame_child(const struct flame *f, uint32_t node, uint32_t func);
/* A node's name: its function's, "all" for the root, or OUTSIDE_LABEL. */
const char *flame_name(const struct flame *f, const struct profile *p, uint32_t node);

#endif
