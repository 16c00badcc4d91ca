/* view-functions.c — the start view: functions by self and total samples,
 * like perf top. Enter opens the source at the function, c its callers.
 * Its rows are the model's function table (table.h), as `--report` prints. */
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
	{ SORT_SELF, "self", false }, { SORT_TOTAL, "total", false }, { SORT_NAME, "name", false },
	{ SORT_PATH, "file", false },
};
static const struct sort_order diff_orders[] = {
	{ SORT_SELF, "change", true }, { SORT_SELF, "self", false }, { SORT_TOTAL, "total", false },
	{ SORT_NAME, "name", false }, { SORT_PATH, "file", false },
};

enum { COL_BASE, COL_SELF, COL_DELTA, COL_TOTAL, COL_SAMPLES, COL_FUNC, COL_FILE, NCOLS };
static const struct column columns[NCOLS] = {
	[COL_BASE] = { NULL, COL_HIDDEN, 0, 0, COL_RIGHT },
	[COL_SELF] = { "Self%", 6, 0, 1, COL_RIGHT },
	[COL_DELTA] = { NULL, COL_HIDDEN, 0, 0, COL_RIGHT },
	[COL_TOTAL] = { "Total%", 6, 0, 1, COL_RIGHT },
	[COL_SAMPLES] = { "Samples", 8, 0, 2, COL_RIGHT },
	[COL_FUNC] = { "Function", 0, 11, 3, COL_LEFT },
	[COL_FILE] = { "File:Line", 0, 9, 1, COL_LEFT },
};
/* a diff (ui/diffcols.h): the base's share, the new one's, the change */
static const struct column diff_columns[NCOLS] = {
	[COL_BASE] = { "Base%", 6, 0, 1, COL_RIGHT },
	[COL_SELF] = { "New%", 6, 0, 1, COL_RIGHT },
	[COL_DELTA] = { "Delta", 6, 0, 1, COL_RIGHT },
	[COL_TOTAL] = { "Total%", 6, 0, 1, COL_RIGHT },
	[COL_SAMPLES] = { NULL, COL_HIDDEN, 0, 0, COL_RIGHT },
	[COL_FUNC] = { "Function", 0, 11, 3, COL_LEFT },
	[COL_FILE] = { "File:Line", 0, 9, 1, COL_LEFT },
};

static void functions_draw_header(struct view *v, int y, int width)
{
	tableview_header(v, y, width, v->ui->diff ? diff_columns : columns, NCOLS, COL_FUNC,
			 "Function");
}

static void functions_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct table_row *r = &TABLEVIEW(v)->rows[row];
	struct ui *ui = v->ui;
	struct layout l;
	char buf[64];

	layout_columns(&l, ui->diff ? diff_columns : columns, NCOLS, width);
	attrset(draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, width, 0, "", true);
	cell_text(&l, COL_SELF, y, ui_percent(ui, r->self, false, buf, sizeof(buf)));
	cell_text(&l, COL_TOTAL, y, ui_percent(ui, r->total, false, buf, sizeof(buf)));
	cell_text(&l, COL_SAMPLES, y, ui_amount(ui, r->self, buf, sizeof(buf)));
	if (ui->diff)
		diffcols_cells(&l, COL_SELF, COL_BASE, COL_DELTA, y,
			       diffcols_row_base(ui->diff, TABLE_FUNCTION, r),
			       r->id == DIFF_ABSENT ? -1 : diffcols_share(r->self, ui_total_samples(ui)),
			       selected);
	attrset(draw_attr(r->profiled ? DRAW_NORMAL : DRAW_DIM, selected));
	cell_untrusted(&l, COL_FUNC, y, r->name);
	if (r->id != TABLE_OUTSIDE) {
		char where[1024];
		snprintf(where, sizeof(where), r->line ? "%s:%u" : "%s", r->path, r->line);
		cell_untrusted_tail(&l, COL_FILE, y, where);
	}
}

static void functions_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	const struct table_row *r = &TABLEVIEW(v)->rows[row];
	snprintf(buf, n, "%s %s:%u", r->name, r->path, r->line);
}

static enum reaction functions_request(struct view *v, enum request req)
{
	uint64_t id = v->nrows ? view_row_id(v, v->cursor) : OUTSIDE_ROW;

	switch (req) {
	case REQ_SORT:
		return tableview_sort(v, "functions");
	case REQ_ENTER:
	case REQ_CALLERS:
		if (TABLEVIEW_IS_GONE(id))
			return tableview_gone(v);
		if (id == OUTSIDE_ROW) {
			ui_message(v->ui, false, "these samples have no frame in a profiled file (toggle files in the Files view)");
			return REACT_REDRAW;
		}
		if (req == REQ_CALLERS)
			return ui_push(v->ui, callers_view_new(v->ui, (uint32_t)id));
		return ui_push(v->ui, source_view_for_function(v->ui, (uint32_t)id));
	default:
		return REACT_NONE;
	}
}

static const struct view_ops functions_view_ops = {
	.name = "Functions",
	.load = tableview_load, /* every function with samples, and the outside row */
	.draw_header = functions_draw_header,
	.draw_row = functions_draw_row,
	.row_text = functions_row_text,
	.request = functions_request,
	.done = tableview_done,
};

struct view *functions_view_new(struct ui *ui)
{
	struct tableview *t = xcalloc(1, sizeof(*t));
	*t = (struct tableview){ .by = TABLE_FUNCTION, .orders = ui->diff ? diff_orders : orders,
				 .norders = ui->diff ? sizeof(diff_orders) / sizeof(diff_orders[0])
						     : sizeof(orders) / sizeof(orders[0]),
				 .amount_col = 1 + COL_SAMPLES };
	return view_new(ui, &functions_view_ops, t);
}
