/* view-backtrace.c — a thread's latest sampled stack, innermost frame
 * first, like a debugger's `bt`. Enter on a frame opens its source line.
 * Rows are frame depths; live, the stack follows the thread's newest sample. */
#include "config.h"
#include "ui/columns.h"
#include "ui/draw.h"
#include "ui/view.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct backtrace_view {
	uint32_t thread;    /* its index in the profile's threads */
	int tid;
	const char *name;   /* thread name, owned by the profile */
	int64_t stack;      /* stack id shown, -1 when the thread has none */
};

static void backtrace_load(struct view *v)
{
	struct backtrace_view *bv = v->priv;
	const struct profile *p = v->ui->p;

	bv->stack = p->threads[bv->thread].last_stack;
	bv->name = p->threads[bv->thread].name;
	view_rows_clear(v);
	if (bv->stack >= 0)
		for (uint32_t d = 0; d < p->stacks[bv->stack].depth; d++)
			view_rows_add(v, d);
}

static const struct pframe *row_frame(struct view *v, size_t row)
{
	const struct backtrace_view *bv = v->priv;
	const struct profile *p = v->ui->p;
	return &p->frames[p->stacks[bv->stack].frames[view_row_id(v, row)]];
}

enum { COL_DEPTH, COL_FUNC, COL_WHERE, NCOLS };
static const struct column columns[NCOLS] = {
	[COL_DEPTH] = { "#", 3, 0, 1, COL_RIGHT },
	[COL_FUNC] = { "Function", 0, 2, 2, COL_LEFT },
	[COL_WHERE] = { "File:Line  [module]", 0, 3, 1, COL_LEFT },
};

static void backtrace_draw_header(struct view *v, int y, int width)
{
	struct layout l;
	layout_columns(&l, columns, NCOLS, width);
	layout_header(&l, y, width, NULL);
}

static void frame_where(const struct profile *p, const struct pframe *f, char *buf, size_t n)
{
	const char *module = strpool_get(&p->strings, f->module);
	if (f->flags & FRAME_NO_LINE)
		snprintf(buf, n, "[%s]", module);
	else
		snprintf(buf, n, "%s:%u  [%s]", p->files[f->file].path, f->line, strrchr(module, '/') ? strrchr(module, '/') + 1 : module);
}

static void backtrace_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct profile *p = v->ui->p;
	const struct pframe *f = row_frame(v, row);
	struct layout l;
	char buf[1024];

	layout_columns(&l, columns, NCOLS, width);
	attrset(draw_attr(p->files[f->file].profiled ? DRAW_NORMAL : DRAW_DIM, selected));
	draw_text(y, 0, width, 0, "", true);
	snprintf(buf, sizeof(buf), "#%zu", row);
	cell_text(&l, COL_DEPTH, y, buf);
	snprintf(buf, sizeof(buf), "%s%s", profile_func_name(p, f->func),
		 f->flags & FRAME_INLINED ? " (inlined)" : "");
	cell_untrusted(&l, COL_FUNC, y, buf);
	frame_where(p, f, buf, sizeof(buf));
	cell_untrusted_tail(&l, COL_WHERE, y, buf);
}

static void backtrace_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	const struct profile *p = v->ui->p;
	const struct pframe *f = row_frame(v, row);
	char where[1024];
	frame_where(p, f, where, sizeof(where));
	snprintf(buf, n, "%s %s", profile_func_name(p, f->func), where);
}

static enum reaction backtrace_request(struct view *v, enum request req)
{
	const struct pframe *f;

	if (req != REQ_ENTER || !v->nrows)
		return REACT_NONE;
	f = row_frame(v, v->cursor);
	if (f->flags & FRAME_NO_LINE || !f->line) {
		ui_message(v->ui, false, "no line information for this frame (no debug info)");
		return REACT_REDRAW;
	}
	return ui_push(v->ui, source_view_new(v->ui, f->file, f->line));
}

static void backtrace_title(struct view *v, char *buf, size_t n)
{
	const struct backtrace_view *bv = v->priv;
	const struct profile *p = v->ui->p;
	char name[64];
	const char *note = bv->stack < 0 ? " (no samples yet)"
			   : p->stacks[bv->stack].flags & STACK_INCOMPLETE ? " (unwinding stopped early)" : "";
	snprintf(buf, n, "Backtrace of %d %s%s", bv->tid, draw_escape(name, sizeof(name), bv->name), note);
}

static void backtrace_done(struct view *v)
{
	free(v->priv);
}

static const struct view_ops backtrace_view_ops = {
	.name = "Backtrace",
	.load = backtrace_load,
	.draw_header = backtrace_draw_header,
	.draw_row = backtrace_draw_row,
	.row_text = backtrace_row_text,
	.request = backtrace_request,
	.title = backtrace_title,
	.done = backtrace_done,
};

struct view *backtrace_view_new(struct ui *ui, uint32_t thread)
{
	struct backtrace_view *bv = xcalloc(1, sizeof(*bv));
	bv->thread = thread;
	bv->tid = ui->p->threads[thread].tid;
	bv->stack = -1;
	return view_new(ui, &backtrace_view_ops, bv);
}
