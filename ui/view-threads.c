/* view-threads.c — the target's threads (of the process the views are
 * narrowed to, if any); Enter shows a thread's latest backtrace. Rows are
 * identified by thread index. */
#include "config.h"
#include "ui/columns.h"
#include "ui/draw.h"
#include "ui/view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The /proc state letter in words. */
static const char *thread_state(char state)
{
	switch (state) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk wait";
	case 'T': return "stopped";
	case 't': return "traced";
	case 'Z': return "zombie";
	case 'X': return "gone";
	case 'I': return "idle";
	default: return "?";
	}
}

/* What a thread counts in the metric. */
static uint64_t amount(const struct profile *p, const struct pthread *t)
{
	return profile_amount(p, t->samples, &t->bytes);
}

static int compare_rows(const void *a, const void *b, void *arg)
{
	const struct profile *p = arg;
	const struct pthread *x = &p->threads[*(const uint64_t *)a];
	const struct pthread *y = &p->threads[*(const uint64_t *)b];
	if (amount(p, x) != amount(p, y))
		return amount(p, x) < amount(p, y) ? 1 : -1;
	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->tid > y->tid) - (x->tid < y->tid);
}

static void threads_load(struct view *v)
{
	const struct profile *p = v->ui->p;

	view_rows_clear(v);
	for (size_t i = 0; i < p->nthreads; i++)
		if (!p->narrow_pid || p->threads[i].pid == p->narrow_pid)
			view_rows_add(v, i);
	if (v->nrows > 1) /* (ids is NULL while empty) */
		qsort_r(v->ids, v->nrows, sizeof(v->ids[0]), compare_rows, (void *)p);
}

enum { COL_PID, COL_TID, COL_NAME, COL_STATE, COL_SAMPLES, COL_SHARE, NCOLS };
static const struct column columns[NCOLS] = {
	[COL_PID] = { "PID", 7, 0, 1, COL_RIGHT },
	[COL_TID] = { "TID", 7, 0, 1, COL_RIGHT },
	[COL_NAME] = { "Name", 19, 0, 2, COL_LEFT },
	[COL_STATE] = { "State", 11, 0, 1, COL_LEFT },
	[COL_SAMPLES] = { "Samples", 8, 0, 1, COL_RIGHT },
	[COL_SHARE] = { "Share%", 6, 0, 2, COL_RIGHT },
};

static void threads_draw_header(struct view *v, int y, int width)
{
	const char *titles[NCOLS] = {[COL_SAMPLES] = ui_amount_title(v->ui)};
	struct layout l;
	layout_columns(&l, columns, NCOLS, width);
	layout_header(&l, y, width, titles);
}

static void threads_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct profile *p = v->ui->p;
	const struct pthread *t = &p->threads[view_row_id(v, row)];
	struct layout l;
	char buf[32];

	layout_columns(&l, columns, NCOLS, width);
	attrset(draw_attr(t->state == 'X' ? DRAW_DIM : DRAW_NORMAL, selected));
	draw_text(y, 0, width, 0, "", true);
	snprintf(buf, sizeof(buf), "%d", t->pid);
	cell_text(&l, COL_PID, y, t->pid ? buf : "?");
	snprintf(buf, sizeof(buf), "%d", t->tid);
	cell_text(&l, COL_TID, y, buf);
	cell_untrusted(&l, COL_NAME, y, t->name);
	cell_text(&l, COL_STATE, y, thread_state(t->state));
	cell_text(&l, COL_SAMPLES, y, ui_amount(v->ui, amount(p, t), buf, sizeof(buf)));
	cell_text(&l, COL_SHARE, y, ui_percent(v->ui, amount(p, t), false, buf, sizeof(buf)));
}

static void threads_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	const struct pthread *t = &v->ui->p->threads[view_row_id(v, row)];
	snprintf(buf, n, "%d %d %s", t->pid, t->tid, t->name ? t->name : "");
}

static enum reaction threads_request(struct view *v, enum request req)
{
	if (req != REQ_ENTER || !v->nrows)
		return REACT_NONE;
	return ui_push(v->ui, backtrace_view_new(v->ui, (uint32_t)view_row_id(v, v->cursor)));
}

static const struct view_ops threads_view_ops = {
	.name = "Threads",
	.load = threads_load,
	.draw_header = threads_draw_header,
	.draw_row = threads_draw_row,
	.row_text = threads_row_text,
	.request = threads_request,
};

struct view *threads_view_new(struct ui *ui)
{
	return view_new(ui, &threads_view_ops, NULL);
}
