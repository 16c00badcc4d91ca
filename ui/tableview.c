/* tableview.c — the rows and sort order of a table view; see tableview.h. */
#include "config.h"
#include "ui/tableview.h"
#include "ui/diffcols.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t row_id(const struct table_row *r)
{
	if (r->id == TABLE_OUTSIDE)
		return TABLEVIEW_OUTSIDE;
	if (r->id != DIFF_ABSENT)
		return r->id;
	uint64_t h = hash_bytes(r->path, strlen(r->path), r->line);
	if (r->name)
		h ^= hash_bytes(r->name, strlen(r->name), 1);
	return TABLEVIEW_GONE | (uint32_t)h;
}

void tableview_load(struct view *v)
{
	struct tableview *t = TABLEVIEW(v);
	struct diffcols *d = v->ui->diff;
	free(t->rows);
	size_t n = table_build(v->ui->p, t->by, t->orders[t->order].sort, t->all, &t->rows);
	if (d) {
		diffcols_update(d, v->ui->p);
		n = diffcols_add_gone(d, t->by, &t->rows, n);
		if (t->orders[t->order].change)
			diffcols_sort(d, t->by, v->ui->p, t->rows, n);
	}
	view_rows_clear(v);
	for (size_t i = 0; i < n; i++)
		view_rows_add(v, row_id(&t->rows[i]));
}

enum reaction tableview_gone(struct view *v)
{
	const struct table_row *r = &TABLEVIEW(v)->rows[v->cursor];
	ui_message(v->ui, false, "%s is gone: it has samples in the base only",
		   r->name ? r->name : r->path);
	return REACT_REDRAW;
}

void tableview_done(struct view *v)
{
	free(TABLEVIEW(v)->rows);
	free(v->priv);
}

void tableview_header(struct view *v, int y, int width, const struct column *cols, size_t n,
		      size_t title_col, const char *what)
{
	const struct tableview *t = TABLEVIEW(v);
	const char *titles[LAYOUT_MAX] = {0};
	char title[64];
	struct layout l;

	snprintf(title, sizeof(title), "%s (by %s)", what, t->orders[t->order].name);
	titles[title_col] = title;
	if (t->amount_col && t->amount_col <= n)
		titles[t->amount_col - 1] = ui_amount_title(v->ui);
	layout_columns(&l, cols, n, width);
	layout_header(&l, y, width, titles);
}

enum reaction tableview_sort(struct view *v, const char *what)
{
	struct tableview *t = TABLEVIEW(v);
	t->order = (t->order + 1) % t->norders;
	v->loaded = false;
	ui_message(v->ui, false, "%s sorted by %s", what, t->orders[t->order].name);
	return REACT_REDRAW;
}
