/* view-callers.c — who calls a function and what it calls, with the share
 * of the function's samples that went through each edge. Enter moves to
 * that function's callers and callees; back retraces the path. */
#include "config.h"
#include "ui/columns.h"
#include "ui/draw.h"
#include "ui/view.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Row ids: a section title, or section << 32 | function. */
enum { SECTION_CALLERS = 1, SECTION_CALLEES = 2 };
#define TITLE_ROW(section) ((uint64_t)(section) << 32 | UINT32_MAX)
#define ROW_SECTION(id) ((uint32_t)((id) >> 32))
#define ROW_FUNC(id) ((uint32_t)(id))

struct callers_view {
	uint32_t func;
	struct pedge *callers, *callees;
	size_t ncallers, ncallees;
	bool placed; /* the cursor was put on the first edge */
};

static void callers_load(struct view *v)
{
	struct callers_view *cv = v->priv;
	const struct profile *p = v->ui->p;

	free(cv->callers);
	free(cv->callees);
	cv->ncallers = profile_callers(p, cv->func, &cv->callers);
	cv->ncallees = profile_callees(p, cv->func, &cv->callees);
	view_rows_clear(v);
	view_rows_add(v, TITLE_ROW(SECTION_CALLERS));
	for (size_t i = 0; i < cv->ncallers; i++)
		view_rows_add(v, (uint64_t)SECTION_CALLERS << 32 | cv->callers[i].func);
	view_rows_add(v, TITLE_ROW(SECTION_CALLEES));
	for (size_t i = 0; i < cv->ncallees; i++)
		view_rows_add(v, (uint64_t)SECTION_CALLEES << 32 | cv->callees[i].func);
	if (!cv->placed) {
		view_select(v, cv->ncallers ? 1 : cv->ncallees ? 2 : 0);
		cv->placed = true;
	}
}

/* What went through the edge of a row (the metric's amount). */
static uint64_t row_count(const struct callers_view *cv, uint64_t id)
{
	const struct pedge *e = ROW_SECTION(id) == SECTION_CALLERS ? cv->callers : cv->callees;
	size_t n = ROW_SECTION(id) == SECTION_CALLERS ? cv->ncallers : cv->ncallees;
	for (size_t i = 0; i < n; i++)
		if (e[i].func == ROW_FUNC(id))
			return e[i].count;
	return 0;
}

enum { COL_SAMPLES, COL_SHARE, COL_FUNC, COL_WHERE, NCOLS };
static const struct column columns[NCOLS] = {
	[COL_SAMPLES] = { "Samples", 8, 0, 1, COL_RIGHT },
	[COL_SHARE] = { "Share%", 7, 0, 2, COL_RIGHT },
	[COL_FUNC] = { "Function", 0, 11, 2, COL_LEFT },
	[COL_WHERE] = { "File:Line", 0, 9, 1, COL_LEFT },
};

static void callers_draw_header(struct view *v, int y, int width)
{
	const char *titles[NCOLS] = {[COL_SAMPLES] = ui_amount_title(v->ui)};
	struct layout l;
	layout_columns(&l, columns, NCOLS, width);
	layout_header(&l, y, width, titles);
}

static void callers_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct callers_view *cv = v->priv;
	const struct profile *p = v->ui->p;
	uint64_t id = view_row_id(v, row);
	char buf[1024];

	if (ROW_FUNC(id) == UINT32_MAX) {
		attrset(draw_attr(DRAW_TITLE, selected));
		snprintf(buf, sizeof(buf), " %s of ", ROW_SECTION(id) == SECTION_CALLERS ? "Callers" : "Callees");
		int x = draw_text(y, 0, width, 0, buf, false);
		x += draw_untrusted(y, x, width - x, profile_func_name(p, cv->func), false);
		size_t n = ROW_SECTION(id) == SECTION_CALLERS ? cv->ncallers : cv->ncallees;
		draw_text(y, x, width - x, 0, n ? "" : "  (none)", true);
		return;
	}
	const struct pfunc *f = &p->funcs[ROW_FUNC(id)];
	uint64_t count = row_count(cv, id), total = p->funcs[cv->func].total;
	struct layout l;

	layout_columns(&l, columns, NCOLS, width);
	attrset(draw_attr(p->files[f->file].profiled ? DRAW_NORMAL : DRAW_DIM, selected));
	draw_text(y, 0, width, 0, "", true);
	cell_text(&l, COL_SAMPLES, y, ui_amount(v->ui, count, buf, sizeof(buf)));
	snprintf(buf, sizeof(buf), "%.1f", total ? 100.0 * (double)count / (double)total : 0.0);
	cell_text(&l, COL_SHARE, y, buf);
	char name[1024];
	snprintf(buf, sizeof(buf), "  %s", draw_escape(name, sizeof(name), profile_func_name(p, ROW_FUNC(id))));
	cell_text(&l, COL_FUNC, y, buf); /* indented under its section's title */
	snprintf(buf, sizeof(buf), f->line ? "%s:%u" : "%s", p->files[f->file].path, f->line);
	cell_untrusted_tail(&l, COL_WHERE, y, buf);
}

static void callers_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	uint64_t id = view_row_id(v, row);
	const struct profile *p = v->ui->p;
	if (ROW_FUNC(id) == UINT32_MAX)
		snprintf(buf, n, "%s", "");
	else
		snprintf(buf, n, "%s %s", profile_func_name(p, ROW_FUNC(id)),
			 p->files[p->funcs[ROW_FUNC(id)].file].path);
}

static enum reaction callers_request(struct view *v, enum request req)
{
	struct callers_view *cv = v->priv;
	uint64_t id;

	if (!v->nrows)
		return REACT_NONE;
	id = view_row_id(v, v->cursor);
	switch (req) {
	case REQ_ENTER:
		if (ROW_FUNC(id) == UINT32_MAX)
			return ui_push(v->ui, source_view_for_function(v->ui, cv->func));
		return ui_push(v->ui, callers_view_new(v->ui, ROW_FUNC(id)));
	default:
		return REACT_NONE;
	}
}

static void callers_title(struct view *v, char *buf, size_t n)
{
	const struct callers_view *cv = v->priv;
	char name[256];
	snprintf(buf, n, "Callers %s", draw_escape(name, sizeof(name), profile_func_name(v->ui->p, cv->func)));
}

static void callers_done(struct view *v)
{
	struct callers_view *cv = v->priv;
	free(cv->callers);
	free(cv->callees);
	free(cv);
}

static const struct view_ops callers_view_ops = {
	.name = "Callers",
	.load = callers_load,
	.draw_header = callers_draw_header,
	.draw_row = callers_draw_row,
	.row_text = callers_row_text,
	.request = callers_request,
	.title = callers_title,
	.done = callers_done,
};

struct view *callers_view_new(struct ui *ui, uint32_t func)
{
	struct callers_view *cv = xcalloc(1, sizeof(*cv));
	cv->func = func;
	return view_new(ui, &callers_view_ops, cv);
}
