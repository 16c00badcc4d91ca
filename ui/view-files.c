/* view-files.c — source files with their profiled mark; Space toggles a
 * file in or out of the profiled set and every view re-charges at once.
 * Its rows are the model's file table (table.h), every file seen. */
#include "config.h"
#include "ui/columns.h"
#include "ui/diffcols.h"
#include "ui/draw.h"
#include "ui/tableview.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTSIDE_ROW TABLEVIEW_OUTSIDE

static const struct sort_order orders[] = {
	{ SORT_SELF, "self", false }, { SORT_TOTAL, "total", false }, { SORT_PATH, "path", false },
};
static const struct sort_order diff_orders[] = {
	{ SORT_SELF, "change", true }, { SORT_SELF, "self", false }, { SORT_TOTAL, "total", false },
	{ SORT_PATH, "path", false },
};

enum { COL_MARK, COL_BASE, COL_SELF, COL_DELTA, COL_TOTAL, COL_LINES, COL_PATH, NCOLS };
static const struct column columns[NCOLS] = {
	[COL_MARK] = { "Prof", 4, 0, 1, COL_LEFT },
	[COL_BASE] = { NULL, COL_HIDDEN, 0, 0, COL_RIGHT },
	[COL_SELF] = { "Self%", 6, 0, 1, COL_RIGHT },
	[COL_DELTA] = { NULL, COL_HIDDEN, 0, 0, COL_RIGHT },
	[COL_TOTAL] = { "Total%", 6, 0, 2, COL_RIGHT },
	[COL_LINES] = { "Lines", 6, 0, 2, COL_RIGHT },
	[COL_PATH] = { "Path", 0, 1, 2, COL_LEFT },
};
/* a diff (ui/diffcols.h): the base's share, the new one's, the change */
static const struct column diff_columns[NCOLS] = {
	[COL_MARK] = { "Prof", 4, 0, 1, COL_LEFT },
	[COL_BASE] = { "Base%", 6, 0, 1, COL_RIGHT },
	[COL_SELF] = { "New%", 6, 0, 1, COL_RIGHT },
	[COL_DELTA] = { "Delta", 6, 0, 1, COL_RIGHT },
	[COL_TOTAL] = { "Total%", 6, 0, 2, COL_RIGHT },
	[COL_LINES] = { "Lines", 6, 0, 2, COL_RIGHT },
	[COL_PATH] = { "Path", 0, 1, 2, COL_LEFT },
};

static void files_draw_header(struct view *v, int y, int width)
{
	tableview_header(v, y, width, v->ui->diff ? diff_columns : columns, NCOLS, COL_PATH, "Path");
}

static void files_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct table_row *r = &TABLEVIEW(v)->rows[row];
	struct ui *ui = v->ui;
	bool outside = r->id == TABLE_OUTSIDE, gone = r->id == DIFF_ABSENT;
	struct layout l;
	char buf[64];

	layout_columns(&l, ui->diff ? diff_columns : columns, NCOLS, width);
	attrset(draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, width, 0, "", true);
	if (!outside && !gone) {
		attrset(draw_attr(DRAW_MARK, selected));
		cell_text(&l, COL_MARK, y, r->profiled ? "[x]" : "[ ]");
		attrset(draw_attr(DRAW_NORMAL, selected));
		snprintf(buf, sizeof(buf), "%u", r->lines_hit);
		cell_text(&l, COL_LINES, y, buf);
	}
	cell_text(&l, COL_SELF, y, ui_percent(ui, r->self, false, buf, sizeof(buf)));
	cell_text(&l, COL_TOTAL, y, ui_percent(ui, r->total, false, buf, sizeof(buf)));
	if (ui->diff)
		diffcols_cells(&l, COL_SELF, COL_BASE, COL_DELTA, y,
			       diffcols_row_base(ui->diff, TABLE_FILE, r),
			       gone ? -1 : diffcols_share(r->self, ui_total_samples(ui)), selected);
	attrset(draw_attr(!outside && !r->profiled ? DRAW_DIM : DRAW_NORMAL, selected));
	cell_untrusted_tail(&l, COL_PATH, y, r->path);
}

static void files_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	snprintf(buf, n, "%s", TABLEVIEW(v)->rows[row].path);
}

static enum reaction files_request(struct view *v, enum request req)
{
	struct ui *ui = v->ui;
	uint64_t id = v->nrows ? view_row_id(v, v->cursor) : OUTSIDE_ROW;

	switch (req) {
	case REQ_SORT:
		return tableview_sort(v, "files");
	case REQ_TOGGLE:
	case REQ_ENTER:
		if (TABLEVIEW_IS_GONE(id))
			return tableview_gone(v);
		if (id == OUTSIDE_ROW) {
			ui_message(ui, false, "toggle the files these samples passed through to charge them");
			return REACT_REDRAW;
		}
		if (req == REQ_ENTER)
			return ui_push(ui, source_view_new(ui, (uint32_t)id, 0));
		ui_set_profiled(ui, (uint32_t)id, !ui->p->files[id].profiled);
		if (!ui->message[0])
			ui_message(ui, false, "%s %s profiled; every view re-charged", ui->p->files[id].path,
				   ui->p->files[id].profiled ? "is now" : "is no longer");
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static const struct view_ops files_view_ops = {
	.name = "Files",
	.load = tableview_load, /* every file seen, and the outside row */
	.draw_header = files_draw_header,
	.draw_row = files_draw_row,
	.row_text = files_row_text,
	.request = files_request,
	.done = tableview_done,
};

struct view *files_view_new(struct ui *ui)
{
	struct tableview *t = xcalloc(1, sizeof(*t));
	*t = (struct tableview){ .by = TABLE_FILE, .all = true,
				 .orders = ui->diff ? diff_orders : orders,
				 .norders = ui->diff ? sizeof(diff_orders) / sizeof(diff_orders[0])
						     : sizeof(orders) / sizeof(orders[0]) };
	return view_new(ui, &files_view_ops, t);
}
