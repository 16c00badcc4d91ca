/* view-files.c — source files with their profiled mark; Space toggles a
 * file in or out of the profiled set and every view re-charges at once. */
#include "config.h"
#include "ui/draw.h"
#include "app/report.h"
#include "ui/view.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTSIDE_ROW UINT64_MAX

enum files_sort { SORT_SELF, SORT_TOTAL, SORT_PATH, SORT_COUNT };
static const char *const sort_names[SORT_COUNT] = { "self", "total", "path" };

struct files_view {
	enum files_sort sort;
};

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static void row_counts(const struct profile *p, uint64_t id, uint64_t *self, uint64_t *total,
		       const char **path)
{
	if (id == OUTSIDE_ROW) {
		*self = *total = p->outside;
		*path = OUTSIDE_LABEL;
	} else {
		*self = p->files[id].self;
		*total = p->files[id].total;
		*path = p->files[id].path;
	}
}

static int compare_rows(const void *a, const void *b, void *arg)
{
	struct view *v = arg;
	const struct files_view *fv = v->priv;
	uint64_t xs, xt, ys, yt;
	const char *xp, *yp;
	int c = 0;

	row_counts(v->ui->p, *(const uint64_t *)a, &xs, &xt, &xp);
	row_counts(v->ui->p, *(const uint64_t *)b, &ys, &yt, &yp);
	if (fv->sort == SORT_SELF)
		c = cmp_u64_desc(xs, ys) ?: cmp_u64_desc(xt, yt);
	else if (fv->sort == SORT_TOTAL)
		c = cmp_u64_desc(xt, yt) ?: cmp_u64_desc(xs, ys);
	return c ?: strcmp(xp, yp);
}

/* Every file seen, and the row for samples outside profiled files. */
static void files_load(struct view *v)
{
	const struct profile *p = v->ui->p;

	view_rows_clear(v);
	for (size_t i = 0; i < p->nfiles; i++)
		view_rows_add(v, i);
	view_rows_add(v, OUTSIDE_ROW);
	qsort_r(v->ids, v->nrows, sizeof(v->ids[0]), compare_rows, v);
}

enum { COL_MARK = 1, COL_SELF = 6, COL_TOTAL = 14, COL_LINES = 22, COL_PATH = 30 };

static void files_draw_header(struct view *v, int y, int width)
{
	const struct files_view *fv = v->priv;
	char title[64];

	draw_text(y, 0, width, 0, " Prof", true);
	draw_right(y, COL_SELF, 6, "Self%");
	draw_right(y, COL_TOTAL, 6, "Total%");
	draw_right(y, COL_LINES, 6, "Lines");
	snprintf(title, sizeof(title), "Path (by %s)", sort_names[fv->sort]);
	draw_text(y, COL_PATH, width - COL_PATH, 0, title, false);
}

static void files_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	struct ui *ui = v->ui;
	const struct profile *p = ui->p;
	uint64_t id = view_row_id(v, row), self, total;
	const char *path;
	char buf[64];

	row_counts(p, id, &self, &total, &path);
	attrset(draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, width, 0, "", true);
	if (id != OUTSIDE_ROW) {
		attrset(draw_attr(DRAW_MARK, selected));
		draw_text(y, COL_MARK, 3, 0, p->files[id].profiled ? "[x]" : "[ ]", false);
		attrset(draw_attr(DRAW_NORMAL, selected));
		snprintf(buf, sizeof(buf), "%u", p->files[id].lines_hit);
		draw_right(y, COL_LINES, 6, buf);
	}
	draw_right(y, COL_SELF, 6, ui_percent(ui, self, false, buf, sizeof(buf)));
	draw_right(y, COL_TOTAL, 6, ui_percent(ui, total, false, buf, sizeof(buf)));
	attrset(draw_attr(id != OUTSIDE_ROW && !p->files[id].profiled ? DRAW_DIM : DRAW_NORMAL, selected));
	draw_untrusted_tail(y, COL_PATH, width - COL_PATH, path, false);
}

static void files_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	uint64_t self, total;
	const char *path;
	row_counts(v->ui->p, view_row_id(v, row), &self, &total, &path);
	snprintf(buf, n, "%s", path);
}

static enum reaction files_request(struct view *v, enum request req)
{
	struct files_view *fv = v->priv;
	struct ui *ui = v->ui;
	uint64_t id = v->nrows ? view_row_id(v, v->cursor) : OUTSIDE_ROW;
	char path[512];

	switch (req) {
	case REQ_SORT:
		fv->sort = (fv->sort + 1) % SORT_COUNT;
		v->loaded = false;
		ui_message(ui, false, "files sorted by %s", sort_names[fv->sort]);
		return REACT_REDRAW;
	case REQ_TOGGLE:
	case REQ_ENTER:
		if (id == OUTSIDE_ROW) {
			ui_message(ui, false, "toggle the files these samples passed through to charge them");
			return REACT_REDRAW;
		}
		if (req == REQ_ENTER)
			return ui_push(ui, source_view_new(ui, (uint32_t)id, 0));
		ui_set_profiled(ui, (uint32_t)id, !ui->p->files[id].profiled);
		if (!ui->message[0])
			ui_message(ui, false, "%s %s profiled; every view re-charged",
				   draw_escape(path, sizeof(path), ui->p->files[id].path),
				   ui->p->files[id].profiled ? "is now" : "is no longer");
		return REACT_RECHARGE | REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static void files_done(struct view *v)
{
	free(v->priv);
}

static const struct view_ops files_view_ops = {
	.name = "Files",
	.load = files_load,
	.draw_header = files_draw_header,
	.draw_row = files_draw_row,
	.row_text = files_row_text,
	.request = files_request,
	.done = files_done,
};

struct view *files_view_new(struct ui *ui)
{
	return view_new(ui, &files_view_ops, xcalloc(1, sizeof(struct files_view)));
}
