/* diffcols.c — the diff columns of the TUI; see diffcols.h. */
#include "config.h"
#include "ui/diffcols.h"
#include "ui/draw.h"
#include "model/xalloc.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One table's comparison: its rows, where each row of cur is among them
 * (by its id; a line by its file << 32 | number), and where each gone row
 * is (by gone_key). */
struct side {
	struct diff_row *rows;
	size_t n;
	struct u64map of_cur, gone;
};

/* A gone row by its strings, which are the base's, one copy each. */
static uint64_t gone_key(const char *name, const char *path, uint32_t line)
{
	return hash_u64(hash_u64(hash_u64((uintptr_t)path) ^ (uintptr_t)name) ^ line);
}

struct diffcols {
	struct profile *base;
	struct profile *cur;
	struct side sides[3];  /* by TABLE_FUNCTION, TABLE_LINE, TABLE_FILE */
	uint64_t gen_cur, gen_base, focus_stamp;
	bool built;
};

struct diffcols *diffcols_new(struct profile *base)
{
	struct diffcols *d = xcalloc(1, sizeof(*d));
	d->base = base;
	for (int by = 0; by < 3; by++) {
		u64map_init(&d->sides[by].of_cur);
		u64map_init(&d->sides[by].gone);
	}
	return d;
}

void diffcols_free(struct diffcols *d)
{
	if (!d)
		return;
	for (int by = 0; by < 3; by++) {
		free(d->sides[by].rows);
		u64map_free(&d->sides[by].of_cur);
		u64map_free(&d->sides[by].gone);
	}
	free(d);
}

/* The base counted as cur is: its profiled set (file by file, by path) and
 * its focus. */
static void share_scope(struct diffcols *d, struct profile *cur)
{
	struct profile *base = d->base;
	for (uint32_t i = 0; i < base->nfiles; i++) {
		int64_t f = profile_find_file(cur, base->files[i].path);
		if (f >= 0)
			profile_set_profiled(base, i, cur->files[f].profiled, false);
	}
	if (!d->built || d->focus_stamp != cur->focus_stamp) {
		profile_set_focus(base, (const char *const *)cur->focus, cur->nfocus);
		d->focus_stamp = cur->focus_stamp;
	}
}

/* A file the base has samples in that cur knows without samples: the Files
 * view lists it (every file seen), so it is not listed again as gone. Its
 * id in cur, or -1. */
static int64_t gone_file(const struct profile *cur, enum table_by by, const struct diff_row *r)
{
	return by == TABLE_FILE && r->status == DIFF_GONE ? profile_find_file(cur, r->path) : -1;
}

static void build_side(struct diffcols *d, struct profile *cur, enum table_by by)
{
	struct side *s = &d->sides[by];
	free(s->rows);
	u64map_clear(&s->of_cur);
	u64map_clear(&s->gone);
	s->n = diff_build(d->base, cur, by, &s->rows);
	for (size_t i = 0; i < s->n; i++) {
		const struct diff_row *r = &s->rows[i];
		if (r->status == DIFF_GONE)
			*u64map_slot(&s->gone, gone_key(r->name, r->path, r->line), i) = i;
		if (by != TABLE_LINE) {
			int64_t id = r->new_id != DIFF_ABSENT ? (int64_t)r->new_id : gone_file(cur, by, r);
			if (id >= 0)
				u64map_put(&s->of_cur, (uint64_t)id, i);
			continue;
		}
		if (r->new_id == TABLE_OUTSIDE || r->base_id == TABLE_OUTSIDE)
			continue;
		int64_t file = r->new_id != DIFF_ABSENT ? (int64_t)cur->lines[r->new_id].file
							: profile_find_file(cur, r->path);
		if (file >= 0)
			u64map_put(&s->of_cur, (uint64_t)file << 32 | r->line, i);
	}
}

void diffcols_update(struct diffcols *d, struct profile *cur)
{
	if (d->built && d->cur == cur && d->gen_cur == cur->generation &&
	    d->gen_base == d->base->generation)
		return;
	share_scope(d, cur);
	for (int by = 0; by < 3; by++)
		build_side(d, cur, (enum table_by)by);
	d->cur = cur;
	d->gen_cur = cur->generation;
	d->gen_base = d->base->generation;
	d->built = true;
}

static double base_of(const struct side *s, uint64_t key)
{
	uint64_t i;
	if (!u64map_get(&s->of_cur, key, &i))
		return -1;
	return s->rows[i].status == DIFF_NEW ? -1 : s->rows[i].base_pct;
}

double diffcols_row_base(const struct diffcols *d, enum table_by by, const struct table_row *r)
{
	const struct side *s = &d->sides[by];
	if (r->id != DIFF_ABSENT) { /* a row of neither (a file seen without samples) is at 0 */
		double base = base_of(s, r->id);
		return base < 0 && !r->total ? 0 : base;
	}
	uint64_t i; /* a gone row: its strings are the diff row's */
	if (u64map_get(&s->gone, gone_key(r->name, r->path, r->line), &i) &&
	    s->rows[i].name == r->name && s->rows[i].path == r->path && s->rows[i].line == r->line)
		return s->rows[i].base_pct;
	return -1;
}

double diffcols_line_base(const struct diffcols *d, uint32_t file, uint32_t line)
{
	return base_of(&d->sides[TABLE_LINE], (uint64_t)file << 32 | line);
}

size_t diffcols_add_gone(const struct diffcols *d, enum table_by by, struct table_row **rows,
			 size_t n)
{
	const struct side *s = &d->sides[by];
	size_t cap = n;
	for (size_t i = 0; i < s->n; i++) {
		const struct diff_row *r = &s->rows[i];
		if (r->status == DIFF_GONE && gone_file(d->cur, by, r) < 0)
			*VEC_PUSH(*rows, n, cap) = (struct table_row){
				.id = DIFF_ABSENT, .name = r->name, .path = r->path, .line = r->line};
	}
	return n;
}

struct sort_ctx {
	const struct diffcols *d;
	enum table_by by;
	uint64_t all;
};

static double change_of(const struct sort_ctx *c, const struct table_row *r)
{
	double base = diffcols_row_base(c->d, c->by, r);
	double cur = c->all ? 100.0 * (double)r->self / (double)c->all : 0.0;
	return fabs(cur - (base < 0 ? 0 : base));
}

static int cmp_change(const void *a, const void *b, void *arg)
{
	const struct table_row *x = a, *y = b;
	double cx = change_of(arg, x), cy = change_of(arg, y);
	if (cx != cy)
		return cx < cy ? 1 : -1;
	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	return c ? c : strcmp(x->path, y->path);
}

void diffcols_sort(const struct diffcols *d, enum table_by by, const struct profile *cur,
		   struct table_row *rows, size_t n)
{
	struct sort_ctx c = {d, by, cur->counted};
	if (n > 1)
		qsort_r(rows, n, sizeof(*rows), cmp_change, &c);
}

void diffcols_cells(const struct layout *l, size_t self_col, size_t base_col, size_t delta_col,
		    int y, double base, double cur, bool selected)
{
	char buf[32];
	double delta = (cur < 0 ? 0 : cur) - (base < 0 ? 0 : base);
	attrset(draw_attr(DRAW_NORMAL, selected));
	if (cur < 0)
		cell_text(l, self_col, y, "gone");
	if (base < 0)
		cell_text(l, base_col, y, "new");
	else
		cell_text(l, base_col, y, (snprintf(buf, sizeof(buf), "%.1f", base), buf));
	/* the sign says it without colour; what rounds to 0.0 has none */
	bool zero = fabs(delta) < 0.05;
	snprintf(buf, sizeof(buf), zero ? "0.0" : "%+.1f", delta);
	attrset(draw_attr(zero ? DRAW_NORMAL : delta > 0 ? DRAW_MORE : DRAW_LESS, selected));
	cell_text(l, delta_col, y, buf);
	attrset(draw_attr(DRAW_NORMAL, selected));
}
