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
