/* view-files.c — source files with their profiled mark; Space toggles a
 * file in or out of the profiled set and every view re-charges at once.
 * Its rows are the model's file table (table.h), every file seen. */
#include "config.h"
#include "ui/columns.h"
#include "ui/draw.h"
#include "ui/view.h"
#include "model/table.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTSIDE_ROW UINT64_MAX

static const enum table_sort sorts[] = { SORT_SELF, SORT_TOTAL, SORT_PATH };
static const char *const sort_names[] = { "self", "total", "path" };
#define NSORTS (sizeof(sorts) / sizeof(sorts[0]))

struct files_view {
	size_t sort;             /* index in sorts[] */
	struct table_row *rows;  /* row i of the view */
};

enum { COL_MARK, COL_SELF, COL_TOTAL, COL_LINES, COL_PATH, NCOLS };
static const struct column columns[NCOLS] = {
	[COL_MARK] = { "Prof", 4, 0, 1, COL_LEFT },
	[COL_SELF] = { "Self%", 6, 0, 1, COL_RIGHT },
	[COL_TOTAL] = { "Total%", 6, 0, 2, COL_RIGHT },
	[COL_LINES] = { "Lines", 6, 0, 2, COL_RIGHT },
	[COL_PATH] = { "Path", 0, 1, 2, COL_LEFT },
};

/* Every file seen, and the row for samples outside profiled files. */
static void files_load(struct view *v)
{
	struct files_view *fv = v->priv;

	free(fv->rows);
	size_t n = table_build(v->ui->p, TABLE_FILE, sorts[fv->sort], true, &fv->rows);
	view_rows_clear(v);
	for (size_t i = 0; i < n; i++)
		view_rows_add(v, fv->rows[i].id == TABLE_OUTSIDE ? OUTSIDE_ROW : fv->rows[i].id);
}

static void files_draw_header(struct view *v, int y, int width)
{
	const struct files_view *fv = v->priv;
	struct layout l;
	char title[64];
	const char *titles[NCOLS] = { [COL_PATH] = title };

	snprintf(title, sizeof(title), "Path (by %s)", sort_names[fv->sort]);
	layout_columns(&l, columns, NCOLS, width);
	layout_header(&l, y, width, titles);
}

static void files_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct table_row *r = &((const struct files_view *)v->priv)->rows[row];
	struct ui *ui = v->ui;
	bool outside = r->id == TABLE_OUTSIDE;
	struct layout l;
	char buf[64];

	layout_columns(&l, columns, NCOLS, width);
	attrset(draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, width, 0, "", true);
	if (!outside) {
		attrset(draw_attr(DRAW_MARK, selected));
		cell_text(&l, COL_MARK, y, r->profiled ? "[x]" : "[ ]");
		attrset(draw_attr(DRAW_NORMAL, selected));
		snprintf(buf, sizeof(buf), "%u", r->lines_hit);
		cell_text(&l, COL_LINES, y, buf);
	}
	cell_text(&l, COL_SELF, y, ui_percent(ui, r->self, false, buf, sizeof(buf)));
	cell_text(&l, COL_TOTAL, y, ui_percent(ui, r->total, false, buf, sizeof(buf)));
	attrset(draw_attr(!outside && !r->profiled ? DRAW_DIM : DRAW_NORMAL, selected));
	cell_untrusted_tail(&l, COL_PATH, y, r->path);
}

static void files_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	snprintf(buf, n, "%s", ((const struct files_view *)v->priv)->rows[row].path);
}

static enum reaction files_request(struct view *v, enum request req)
{
	struct files_view *fv = v->priv;
	struct ui *ui = v->ui;
	uint64_t id = v->nrows ? view_row_id(v, v->cursor) : OUTSIDE_ROW;
	char path[512];

	switch (req) {
	case REQ_SORT:
		fv->sort = (fv->sort + 1) % NSORTS;
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
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static void files_done(struct view *v)
{
	struct files_view *fv = v->priv;
	free(fv->rows);
	free(fv);
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
