/* table.c — the profile as a sorted table; see table.h. */
#include "config.h"
#include "model/table.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

static int cmp_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_asc(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_name(const struct table_row *x, const struct table_row *y)
{
	return strcmp(x->name ? x->name : x->path, y->name ? y->name : y->path);
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct table_row *x = a, *y = b;
	enum table_sort sort = *(const enum table_sort *)arg;
	int c = 0;
	switch (sort) {
	case SORT_SELF:
		break;
	case SORT_TOTAL:
		c = cmp_desc(x->total, y->total);
		break;
	case SORT_NAME:
		c = cmp_name(x, y);
		break;
	case SORT_PATH:
		c = strcmp(x->path, y->path) ?: cmp_asc(x->line, y->line);
		break;
	}
	return c ?: cmp_desc(x->self, y->self) ?: cmp_desc(x->total, y->total) ?: cmp_name(x, y)
		 ?: strcmp(x->path, y->path) ?: cmp_asc(x->line, y->line) ?: cmp_asc(x->id, y->id);
}

size_t table_build(struct profile *p, enum table_by by, enum table_sort sort, bool all,
		   struct table_row **out)
{
	size_t n = 0, cap = 0;
	struct table_row *rows = NULL;
	profile_update(p);
	switch (by) {
	case TABLE_FUNCTION:
		for (uint32_t i = 0; i < p->nfuncs; i++) {
			const struct pfunc *f = &p->funcs[i];
			if (f->total || all)
				*VEC_PUSH(rows, n, cap) = (struct table_row){
					i, f->self, f->total, profile_func_name(p, i),
					p->files[f->file].path, f->line, p->files[f->file].profiled, 0};
		}
		break;
	case TABLE_LINE:
		for (uint32_t i = 0; i < p->nlines; i++) {
			const struct pline *l = &p->lines[i];
			if (l->total || all)
				*VEC_PUSH(rows, n, cap) = (struct table_row){
					i, l->self, l->total, NULL, p->files[l->file].path, l->line,
					p->files[l->file].profiled, 0};
		}
		break;
	case TABLE_FILE:
		for (uint32_t i = 0; i < p->nfiles; i++) {
			const struct pfile *f = &p->files[i];
			if (f->total || all)
				*VEC_PUSH(rows, n, cap) = (struct table_row){
					i, f->self, f->total, NULL, f->path, 0, f->profiled, f->lines_hit};
		}
		break;
	}
	*VEC_PUSH(rows, n, cap) = (struct table_row){
		TABLE_OUTSIDE, p->outside, p->outside, by == TABLE_FUNCTION ? OUTSIDE_LABEL : NULL,
		by == TABLE_FUNCTION ? "" : OUTSIDE_LABEL, 0, false, 0};
	qsort_r(rows, n, sizeof(*rows), cmp_rows, &sort);
	*out = rows;
	return n;
}

size_t table_processes(const struct profile *p, struct process_row **out)
{
	size_t np = p->nprocesses, n = 0;
	/* parents, in start order: the latest process of the ppid so far */
	int64_t *parent = xmalloc((np + 1) * sizeof(int64_t));
	struct u64map latest;
	u64map_init(&latest);
	for (uint32_t i = 0; i < np; i++) {
		const struct pprocess *c = &p->processes[i];
		uint64_t k;
		parent[i] = -1;
		if (u64map_get(&latest, (uint32_t)c->ppid, &k) &&
		    (!p->processes[k].ended_us || p->processes[k].ended_us >= c->started_us))
			parent[i] = (int64_t)k;
		u64map_put(&latest, (uint32_t)c->pid, i);
	}
	u64map_free(&latest);
	/* children lists (first[k] .. next[]) in start order, then depth first
	 * with a stack: a chain of thousands must not overflow ours */
	int64_t *first = xmalloc((np + 1) * sizeof(int64_t)), *next = xmalloc((np + 1) * sizeof(int64_t));
	int64_t *last = xmalloc((np + 1) * sizeof(int64_t));
	for (size_t i = 0; i < np; i++)
		first[i] = last[i] = next[i] = -1;
	for (uint32_t i = 0; i < np; i++) {
		int64_t par = parent[i];
		if (par < 0)
			continue;
		if (last[par] < 0)
			first[par] = i;
		else
			next[last[par]] = i;
		last[par] = i;
	}
	struct process_row *rows = xmalloc((np + 1) * sizeof(*rows));
	struct process_row *stack = xmalloc((np + 1) * sizeof(*stack));
	for (uint32_t root = 0; root < np; root++) {
		if (parent[root] >= 0)
			continue;
		size_t top = 0;
		stack[top++] = (struct process_row){root, 0};
		while (top) {
			struct process_row r = stack[--top];
			rows[n++] = r;
			/* children pushed last first, so the first started comes out first */
			size_t mark = top;
			for (int64_t k = first[r.id]; k >= 0; k = next[k])
				stack[top++] = (struct process_row){(uint32_t)k, r.depth + 1};
			for (size_t a = mark, b = top; a + 1 < b; a++, b--) {
				struct process_row t = stack[a];
				stack[a] = stack[b - 1];
				stack[b - 1] = t;
			}
		}
	}
	free(parent);
	free(first);
	free(next);
	free(last);
	free(stack);
	*out = rows;
	return n;
}
