/* diff.c — two profiles compared row by row; see diff.h. */
#include "config.h"
#include "model/diff.h"
#include "model/xalloc.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The order rows are matched in: the outside row first, then by what names
 * a row (a function's name and file, a line's file and number, a path). */
static int cmp_key(const struct table_row *x, const struct table_row *y, enum table_by by)
{
	bool xo = x->id == TABLE_OUTSIDE, yo = y->id == TABLE_OUTSIDE;
	if (xo || yo)
		return yo - xo;
	int c = by == TABLE_FUNCTION ? strcmp(x->name, y->name) : 0;
	if (!c)
		c = strcmp(x->path, y->path);
	if (!c && by == TABLE_LINE)
		c = x->line < y->line ? -1 : x->line > y->line;
	return c;
}

static int cmp_by_key(const void *a, const void *b, void *by)
{
	return cmp_key(a, b, *(const enum table_by *)by);
}

static double pct(uint64_t v, uint64_t all)
{
	return all ? 100.0 * (double)v / (double)all : 0.0;
}

static int cmp_change(const void *a, const void *b)
{
	const struct diff_row *x = a, *y = b;
	double dx = fabs(x->delta_pct), dy = fabs(y->delta_pct);
	if (dx != dy)
		return dx < dy ? 1 : -1;
	int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	if (!c)
		c = strcmp(x->path, y->path);
	return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

/* The length of a C++ function's name without its parameter list and the
 * qualifiers after it ("ns::f(long) const" -> "ns::f"), or its whole length
 * when it has none. cprof-tui gives an overload its parameter list only when
 * the program has another function of that name, so one function may be
 * named with it in one build and without it in the other. */
static size_t bare_len(const char *name)
{
	size_t n = strlen(name);
	while (n && (name[n - 1] == ' ' || name[n - 1] == '&'))
		n--;
	if (n >= 6 && !strncmp(name + n - 6, " const", 6))
		n -= 6;
	if (!n || name[n - 1] != ')')
		return strlen(name);
	int depth = 0;
	for (size_t i = n; i-- > 0;) {
		depth += name[i] == ')' ? 1 : name[i] == '(' ? -1 : 0;
		if (!depth)
			return i ? i : strlen(name); /* "(anonymous namespace)" alone is a name */
	}
	return strlen(name);
}

static bool same_bare(const struct diff_row *x, const struct diff_row *y)
{
	size_t n = bare_len(x->name);
	return n == bare_len(y->name) && !strncmp(x->name, y->name, n) && !strcmp(x->path, y->path);
}

/* by bare name and file, then DIFF_NEW before DIFF_GONE */
static int cmp_bare(const void *a, const void *b)
{
	const struct diff_row *x = *(struct diff_row *const *)a, *y = *(struct diff_row *const *)b;
	size_t nx = bare_len(x->name), ny = bare_len(y->name);
	int c = strncmp(x->name, y->name, nx < ny ? nx : ny);
	if (!c)
		c = nx < ny ? -1 : nx > ny;
	if (!c)
		c = strcmp(x->path, y->path);
	return c ? c : (int)x->status - (int)y->status;
}

/* Functions only in one profile matched again by name without parameters
 * and file, where exactly one vanished and one new row share them. A pair
 * becomes one row (with the new row's name); returns the new count. */
static size_t match_overloads(struct diff_row *rows, size_t n)
{
	struct diff_row **odd = xmalloc((n ? n : 1) * sizeof(*odd));
	size_t m = 0, out = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].status != DIFF_BOTH && rows[i].name)
			odd[m++] = &rows[i];
	if (m)
		qsort(odd, m, sizeof(*odd), cmp_bare);
	for (size_t i = 0, j; i < m; i = j) {
		for (j = i + 1; j < m && same_bare(odd[i], odd[j]); j++)
			;
		struct diff_row *nw = odd[i], *gone = odd[j - 1];
		if (j != i + 2 || nw->status != DIFF_NEW || gone->status != DIFF_GONE)
			continue;
		nw->base_id = gone->base_id;
		nw->base_self = gone->base_self;
		nw->base_pct = gone->base_pct;
		nw->delta_pct = nw->new_pct - nw->base_pct;
		nw->status = DIFF_BOTH;
		gone->path = NULL; /* merged into nw: dropped below */
	}
	free(odd);
	for (size_t i = 0; i < n; i++)
		if (rows[i].path)
			rows[out++] = rows[i];
	return out;
}

/* A profile's rows with samples, in key order. */
static size_t sorted_rows(struct profile *p, enum table_by by, struct table_row **rows)
{
	size_t n = table_build(p, by, SORT_SELF, false, rows);
	qsort_r(*rows, n, sizeof(**rows), cmp_by_key, &by);
	return n;
}

size_t diff_build(struct profile *base, struct profile *cur, enum table_by by,
		  struct diff_row **out)
{
	struct table_row *b, *c;
	size_t nb = sorted_rows(base, by, &b), nc = sorted_rows(cur, by, &c);
	struct diff_row *rows = xmalloc((nb + nc) * sizeof(*rows));
	size_t n = 0, i = 0, j = 0;
	while (i < nb || j < nc) {
		int k = i == nb ? 1 : j == nc ? -1 : cmp_key(&b[i], &c[j], by);
		const struct table_row *in_b = k <= 0 ? &b[i++] : NULL;
		const struct table_row *in_c = k >= 0 ? &c[j++] : NULL;
		const struct table_row *r = in_c ? in_c : in_b;
		struct diff_row *d = &rows[n++];
		*d = (struct diff_row){
			.name = r->name, .path = r->path, .line = r->line,
			.base_id = in_b ? in_b->id : DIFF_ABSENT, .new_id = in_c ? in_c->id : DIFF_ABSENT,
			.base_self = in_b ? in_b->self : 0, .new_self = in_c ? in_c->self : 0,
			.status = !in_b ? DIFF_NEW : !in_c ? DIFF_GONE : DIFF_BOTH,
		};
		d->base_pct = pct(d->base_self, base->counted);
		d->new_pct = pct(d->new_self, cur->counted);
		d->delta_pct = d->new_pct - d->base_pct;
	}
	free(b);
	free(c);
	if (by == TABLE_FUNCTION)
		n = match_overloads(rows, n);
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_change);
	*out = rows;
	return n;
}
