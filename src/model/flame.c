/* flame.c — the counted samples as a call tree; see flame.h. */
#include "config.h"
#include "model/flame.h"
#include "model/table.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

/* The child of parent with func, made when new. */
static uint32_t child_of(struct flame *f, struct u64map *index, uint32_t parent, uint32_t func)
{
	uint64_t *slot = u64map_slot(index, (uint64_t)parent << 32 | func, UINT64_MAX);
	if (*slot == UINT64_MAX) {
		uint32_t depth = f->nodes[parent].depth + 1;
		*slot = f->n;
		*VEC_PUSH(f->nodes, f->n, f->cap) = (struct flame_node){
			.func = func, .parent = parent, .depth = depth};
		if (depth > f->max_depth)
			f->max_depth = depth;
	}
	return (uint32_t)*slot;
}

/* One counted stack, outermost frame first, its frames outside the
 * profiled set left out. */
static void add_stack(struct flame *f, struct u64map *index, const struct profile *p,
		      const struct pstack *st)
{
	uint32_t cur = 0;
	uint64_t c = profile_amount(p, st->count, &st->bytes);
	f->nodes[0].total += c;
	for (uint32_t d = st->depth; d-- > 0;) {
		const struct pframe *fr = &p->frames[st->frames[d]];
		if (!p->files[fr->file].profiled)
			continue;
		cur = child_of(f, index, cur, fr->func);
		f->nodes[cur].total += c;
	}
	if (cur == 0) {
		cur = child_of(f, index, 0, FLAME_OUTSIDE);
		f->nodes[cur].total += c;
	}
	f->nodes[cur].self += c;
}

struct kid_order {
	const struct flame *f;
	const struct profile *p;
};

/* By parent, then name (the outside node last), file, function. */
static int cmp_kids(const void *a, const void *b, void *ctx)
{
	const struct kid_order *o = ctx;
	const struct flame_node *x = &o->f->nodes[*(const uint32_t *)a];
	const struct flame_node *y = &o->f->nodes[*(const uint32_t *)b];
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->func == FLAME_OUTSIDE || y->func == FLAME_OUTSIDE)
		return (x->func == FLAME_OUTSIDE) - (y->func == FLAME_OUTSIDE);
	const struct pfunc *fx = &o->p->funcs[x->func], *fy = &o->p->funcs[y->func];
	int c = strcmp(profile_func_name(o->p, x->func), profile_func_name(o->p, y->func));
	if (!c)
		c = strcmp(o->p->files[fx->file].path, o->p->files[fy->file].path);
	return c ? c : (x->func > y->func) - (x->func < y->func);
}

void flame_build(struct flame *f, const struct profile *p)
{
	struct u64map index;
	u64map_init(&index);
	f->n = 0;
	f->max_depth = 0;
	*VEC_PUSH(f->nodes, f->n, f->cap) = (struct flame_node){.func = FLAME_ROOT};
	for (size_t s = 0; s < p->nstacks; s++)
		if (profile_amount(p, p->stacks[s].count, &p->stacks[s].bytes))
			add_stack(f, &index, p, &p->stacks[s]);
	u64map_free(&index);

	/* every node but the root is a kid; sorted, each node's kids are a run */
	f->kids = xrealloc(f->kids, f->n * sizeof(uint32_t));
	for (uint32_t i = 1; i < f->n; i++)
		f->kids[i - 1] = i;
	struct kid_order order = {f, p};
	qsort_r(f->kids, f->n - 1, sizeof(uint32_t), cmp_kids, &order);
	for (size_t i = 0; i + 1 < f->n; i++) {
		struct flame_node *parent = &f->nodes[f->nodes[f->kids[i]].parent];
		if (!parent->nkids++)
			parent->first = (uint32_t)i;
	}
}

void flame_free(struct flame *f)
{
	free(f->nodes);
	free(f->kids);
	memset(f, 0, sizeof(*f));
}

int64_t flame_child(const struct flame *f, uint32_t node, uint32_t func)
{
	const struct flame_node *nd = &f->nodes[node];
	for (uint32_t i = 0; i < nd->nkids; i++)
		if (f->nodes[f->kids[nd->first + i]].func == func)
			return f->kids[nd->first + i];
	return -1;
}

const char *flame_name(const struct flame *f, const struct profile *p, uint32_t node)
{
	uint32_t func = f->nodes[node].func;
	if (func == FLAME_ROOT)
		return "all";
	return func == FLAME_OUTSIDE ? OUTSIDE_LABEL : profile_func_name(p, func);
}
