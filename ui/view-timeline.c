/* view-timeline.c — the samples over time (doc/PRODUCT.md §12): a strip of
 * block characters for all threads and one per thread or per process (`s`
 * switches), each cell a slice of time, as high as the CPU its samples
 * stand for (a full block: one thread busy for the whole slice, or the
 * row's busiest slice when that is more). Samples count as in every view
 * but for the narrowing and the range: the focus applies.
 *
 * The cursor moves in time. Space marks where a range starts, Enter narrows
 * every view to the cells from the mark to the cursor (the model's time
 * range, scope.c: functions, files, source, flame graph), and T, in any
 * view, clears it. The scale fits the whole session until + or - change
 * it (zoomed out to where it fits, it fits again); zoomed in, a live
 * session scrolls with its newest samples while the cursor is on the latest
 * cell. */
#include "config.h"
#include "model/xalloc.h"
#include "ui/columns.h"
#include "ui/draw.h"
#include "ui/view.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL_ROW UINT64_MAX
#define NO_ROW UINT32_MAX
#define LATEST ((uint64_t)1 << 50) /* µs: later samples are drawn here (35 years) */

struct timeline_view {
	bool by_process;
	int scale;            /* set with + and - (scale_us), or -1: the session fits */
	uint64_t cursor;      /* the cursor's cell */
	bool at_end;          /* the cursor stays on the latest cell */
	bool marking;
	uint64_t mark_us;     /* where the range being marked starts */
	/* the last layout */
	uint64_t dt, left, last; /* µs a cell; the first cell shown; the latest cell */
	uint64_t end_us;         /* where the session ends (live: now) */
	int ncells;
	uint32_t *counts;     /* [row * ncells + cell] */
	size_t cap_counts;
	uint32_t *row_of;     /* per thread or process, its row or NO_ROW */
	size_t cap_row_of;
};

enum { COL_WHAT, COL_CPU, COL_STRIP, NCOLS };
static const struct column columns[NCOLS] = {
	[COL_WHAT] = { "Thread", 18, 0, 1, COL_LEFT },
	[COL_CPU] = { "CPU%", 5, 0, 1, COL_RIGHT },
	[COL_STRIP] = { NULL, 0, 1, 1, COL_LEFT },
};

/* Rows: all, then each thread (or process) with samples, in order seen. */
static void timeline_load(struct view *v)
{
	const struct timeline_view *tv = v->priv;
	const struct profile *p = v->ui->p;
	view_rows_clear(v);
	view_rows_add(v, ALL_ROW);
	for (size_t i = 0; i < (tv->by_process ? p->nprocesses : p->nthreads); i++)
		if (tv->by_process ? p->processes[i].samples : p->threads[i].samples)
			view_rows_add(v, i);
}

/* The scales: 1, 2 and 5 times a power of ten milliseconds a cell, up to
 * 500000 s (a session longer than that many cells is cut at the end). */
#define NSCALES 27
static uint64_t scale_us(int i)
{
	static const uint64_t first[3] = { 1000, 2000, 5000 };
	uint64_t us = first[i % 3];
	for (int k = 0; k < i / 3; k++)
		us *= 10;
	return us;
}

/* The finest scale that shows `us` on `cells` cells. */
static int fit_scale(uint64_t us, uint64_t cells)
{
	int i = 0;
	while (i + 1 < NSCALES && scale_us(i) * cells < us)
		i++;
	return i;
}

/* The end of the session: its latest sample, or live, the time sampled. */
static uint64_t session_end(const struct view *v)
{
	const struct profile *p = v->ui->p;
	uint64_t end = 1;
	for (size_t i = p->counted_from; i < p->nsamples; i++)
		if (p->samples[i].time_us >= end)
			end = p->samples[i].time_us < LATEST ? p->samples[i].time_us + 1 : LATEST;
	if (v->ui->host->live) {
		struct ui_status st;
		v->ui->host->status(v->ui->host->ctx, &st);
		if (st.elapsed * 1e6 > (double)end && st.elapsed * 1e6 < (double)LATEST)
			end = (uint64_t)(st.elapsed * 1e6);
	}
	return end;
}

/* Count the samples of each row in each cell shown. */
static void count(struct view *v)
{
	struct timeline_view *tv = v->priv;
	struct profile *p = v->ui->p;
	size_t nitems = tv->by_process ? p->nprocesses : p->nthreads, cells = (size_t)tv->ncells;
	xgrow((void **)&tv->counts, &tv->cap_counts, v->nrows * cells + 1, sizeof(uint32_t));
	memset(tv->counts, 0, v->nrows * cells * sizeof(uint32_t));
	xgrow((void **)&tv->row_of, &tv->cap_row_of, nitems + 1, sizeof(uint32_t));
	for (size_t i = 0; i < nitems; i++)
		tv->row_of[i] = NO_ROW;
	for (size_t r = 1; r < v->nrows; r++)
		tv->row_of[view_row_id(v, r)] = (uint32_t)r;
	uint8_t *in_focus = NULL; /* per stack, when there is a focus */
	if (p->nfocus) {
		in_focus = xmalloc(p->nstacks + 1);
		for (size_t s = 0; s < p->nstacks; s++)
			in_focus[s] = profile_stack_in_focus(p, (uint32_t)s);
	}
	for (size_t i = p->counted_from; i < p->nsamples; i++) {
		const struct psample *s = &p->samples[i];
		uint64_t cell = (s->time_us < LATEST ? s->time_us : LATEST - 1) / tv->dt;
		if (cell < tv->left || cell - tv->left >= cells || (in_focus && !in_focus[s->stack]))
			continue;
		cell -= tv->left;
		const struct pthread *t = &p->threads[s->thread];
		uint32_t row = tv->by_process ? (t->process ? tv->row_of[t->process - 1] : NO_ROW)
					      : tv->row_of[s->thread];
		tv->counts[cell]++;
		if (row != NO_ROW)
			tv->counts[row * cells + cell]++;
	}
	free(in_focus);
}

/* The scale and the cells shown on `width` columns; the cursor's cell. */
static void layout(struct view *v, int width)
{
	struct timeline_view *tv = v->priv;
	struct layout l;
	layout_columns(&l, columns, NCOLS, width);
	tv->ncells = l.w[COL_STRIP] > 0 ? l.w[COL_STRIP] : 1;
	uint64_t end = session_end(v), cells = (uint64_t)tv->ncells;
	uint64_t dt = scale_us(tv->scale >= 0 ? tv->scale : fit_scale(end, cells));
	if (tv->dt && dt != tv->dt) { /* a live session outgrew the scale: same times */
		tv->cursor = tv->cursor * tv->dt / dt;
		tv->left = tv->left * tv->dt / dt;
	}
	tv->dt = dt;
	tv->end_us = end;
	tv->last = (end - 1) / tv->dt;
	if (tv->at_end || tv->cursor > tv->last)
		tv->cursor = tv->last;
	if (tv->left > tv->cursor)
		tv->left = tv->cursor;
	if (tv->cursor >= tv->left + cells)
		tv->left = tv->cursor - cells + 1;
	if (tv->left && tv->last < tv->left + cells - 1) /* keep the strip full */
		tv->left = tv->last >= cells - 1 ? tv->last - (cells - 1) : 0;
	count(v);
}

/* A time as seconds, to the scale's precision. */
static char *seconds(uint64_t us, uint64_t dt, char *buf, size_t n)
{
	int digits = dt >= 1000000 ? 0 : dt >= 100000 ? 1 : dt >= 10000 ? 2 : 3;
	snprintf(buf, n, "%.*fs", digits, (double)us / 1e6);
	return buf;
}

/* Column titles, and a ruler over the strip: a tick every ten cells. */
static void timeline_draw_header(struct view *v, int y, int width)
{
	struct timeline_view *tv = v->priv;
	const char *titles[NCOLS] = { tv->by_process ? "Process" : "Thread" };
	struct layout l;
	char tick[32], at[24];

	layout(v, width);
	layout_columns(&l, columns, NCOLS, width);
	layout_header(&l, y, width, titles);
	for (int i = 0; i < tv->ncells; i++)
		if ((tv->left + (uint64_t)i) % 10 == 0) {
			snprintf(tick, sizeof(tick), "|%s", seconds((tv->left + i) * tv->dt, tv->dt, at, sizeof(at)));
			draw_text(y, l.x[COL_STRIP] + i, tv->ncells - i, 0, tick, false);
		}
}

static bool in_mark(const struct timeline_view *tv, uint64_t cell)
{
	uint64_t mark = tv->mark_us / tv->dt;
	return tv->marking && cell >= (mark < tv->cursor ? mark : tv->cursor) &&
	       cell <= (mark > tv->cursor ? mark : tv->cursor);
}

static void timeline_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	struct timeline_view *tv = v->priv;
	const struct profile *p = v->ui->p;
	uint64_t id = view_row_id(v, row);
	const uint32_t *c = &tv->counts[row * (size_t)tv->ncells];
	struct layout l;
	char buf[64];

	layout_columns(&l, columns, NCOLS, width);
	attrset(draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, l.x[COL_STRIP], 0, "", true);
	if (id == ALL_ROW) {
		cell_text(&l, COL_WHAT, y, "all");
	} else {
		char *what = tv->by_process ? xasprintf("%d %s", p->processes[id].pid, p->processes[id].command)
					    : xasprintf("%d %s", p->threads[id].tid,
							p->threads[id].name ? p->threads[id].name : "");
		cell_untrusted(&l, COL_WHAT, y, what);
		free(what);
	}
	/* one busy thread's samples in a cell; a row busier than that fills
	 * its busiest cell */
	double busy = (double)tv->dt * p->frequency_hz / 1e6, full = busy > 0 ? busy : 1;
	for (int i = 0; i < tv->ncells; i++)
		full = c[i] > full ? c[i] : full;
	if (tv->cursor >= tv->left && busy > 0) {
		/* the latest cell, still filling: of the time it has had so far (at
		 * least one sample's worth) */
		uint64_t from = tv->cursor * tv->dt, had = tv->end_us > from ? tv->end_us - from : 0;
		double of = busy;
		if (tv->cursor == tv->last && had < tv->dt) {
			of = busy * (double)had / (double)tv->dt;
			of = of > (busy < 1 ? busy : 1) ? of : (busy < 1 ? busy : 1);
		}
		snprintf(buf, sizeof(buf), "%.0f", 100.0 * c[tv->cursor - tv->left] / of);
		cell_text(&l, COL_CPU, y, buf);
	}
	for (int i = 0; i < tv->ncells; i++) {
		uint64_t cell = tv->left + (uint64_t)i, t = cell * tv->dt;
		int level = (int)lround(8.0 * c[i] / full);
		enum draw_color color = DRAW_MILD;
		if (p->range_to_us)
			color = t + tv->dt > p->range_from_us && t < p->range_to_us ? DRAW_MARK : DRAW_DIM;
		attrset(draw_attr(color, cell == tv->cursor || in_mark(tv, cell)));
		draw_text(y, l.x[COL_STRIP] + i, 1, 0, c[i] ? draw_block(false, level ? level : 1) : " ", false);
	}
}

static void timeline_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	const struct timeline_view *tv = v->priv;
	const struct profile *p = v->ui->p;
	uint64_t id = view_row_id(v, row);
	if (id == ALL_ROW)
		snprintf(buf, n, "all");
	else if (tv->by_process)
		snprintf(buf, n, "%d %s", p->processes[id].pid, p->processes[id].command);
	else
		snprintf(buf, n, "%d %s", p->threads[id].tid, p->threads[id].name ? p->threads[id].name : "");
}

static void timeline_title(struct view *v, char *buf, size_t n)
{
	const struct timeline_view *tv = v->priv;
	uint64_t mark = tv->dt ? tv->mark_us / tv->dt : 0;
	char a[32], b[32];
	if (!tv->dt)
		snprintf(buf, n, "Timeline");
	else if (!tv->marking)
		snprintf(buf, n, "Timeline at %s, %s a cell", seconds(tv->cursor * tv->dt, tv->dt, a, sizeof(a)),
			 seconds(tv->dt, tv->dt, b, sizeof(b)));
	else
		snprintf(buf, n, "Timeline: marked %s-%s, Enter narrows",
			 seconds((mark < tv->cursor ? mark : tv->cursor) * tv->dt, tv->dt, a, sizeof(a)),
			 seconds(((mark > tv->cursor ? mark : tv->cursor) + 1) * tv->dt, tv->dt, b, sizeof(b)));
}

/* Narrow every view to the marked cells, or the cursor's. */
static enum reaction narrow(struct view *v)
{
	struct timeline_view *tv = v->priv;
	uint64_t from = tv->cursor, to = tv->cursor;
	char a[32], b[32];
	if (tv->marking) {
		uint64_t mark = tv->mark_us / tv->dt;
		from = mark < from ? mark : from;
		to = mark > to ? mark : to;
	}
	tv->marking = false;
	profile_set_range(v->ui->p, from * tv->dt, (to + 1) * tv->dt);
	ui_message(v->ui, false, "every view narrowed to %s-%s (T: the whole session)",
		   seconds(from * tv->dt, tv->dt, a, sizeof(a)), seconds((to + 1) * tv->dt, tv->dt, b, sizeof(b)));
	return REACT_REDRAW;
}

static enum reaction move_to(struct view *v, int64_t cells)
{
	struct timeline_view *tv = v->priv;
	int64_t to = (int64_t)tv->cursor + cells;
	tv->cursor = to < 0 ? 0 : (uint64_t)to > tv->last ? tv->last : (uint64_t)to;
	tv->at_end = tv->cursor == tv->last;
	return REACT_REDRAW;
}

static enum reaction timeline_request(struct view *v, enum request req)
{
	struct timeline_view *tv = v->priv;
	char at[32];

	if (!tv->dt) /* never drawn (the terminal is too small): no scale yet */
		return req == REQ_TIMELINE ? ui_pop(v->ui) : REACT_NONE;
	switch (req) {
	case REQ_MOVE_LEFT:
	case REQ_MOVE_RIGHT:
		return move_to(v, req == REQ_MOVE_LEFT ? -1 : 1);
	case REQ_SCROLL_LEFT:
	case REQ_SCROLL_RIGHT:
		return move_to(v, (req == REQ_SCROLL_LEFT ? -1 : 1) * (tv->ncells / 4 + 1));
	case REQ_MOVE_FIRST:
	case REQ_MOVE_LAST:
		return move_to(v, req == REQ_MOVE_FIRST ? INT64_MIN / 2 : INT64_MAX / 2);
	case REQ_ZOOM_IN:
	case REQ_ZOOM_OUT: {
		int now = fit_scale(tv->dt, 1), to = now + (req == REQ_ZOOM_IN ? -1 : 1);
		to = to < 0 ? 0 : to >= NSCALES ? NSCALES - 1 : to;
		tv->cursor = tv->cursor * tv->dt / scale_us(to);
		/* out to where the session fits: it fits from now on */
		tv->scale = to >= fit_scale(session_end(v), (uint64_t)tv->ncells) ? -1 : to;
		return REACT_REDRAW;
	}
	case REQ_TOGGLE:
		tv->marking = !tv->marking;
		tv->mark_us = tv->cursor * tv->dt;
		ui_message(v->ui, false, tv->marking ? "range from %s: move, then Enter narrows every view to it"
			   : "mark at %s cleared", seconds(tv->mark_us, tv->dt, at, sizeof(at)));
		return REACT_REDRAW;
	case REQ_BACK:
		if (!tv->marking)
			return REACT_NONE;
		tv->marking = false;
		return REACT_REDRAW;
	case REQ_ENTER:
		return narrow(v);
	case REQ_SORT:
		tv->by_process = !tv->by_process;
		v->loaded = false;
		ui_message(v->ui, false, "timeline by %s", tv->by_process ? "process" : "thread");
		return REACT_REDRAW;
	case REQ_TIMELINE:
		return ui_pop(v->ui);
	default:
		return REACT_NONE;
	}
}

static void timeline_done(struct view *v)
{
	struct timeline_view *tv = v->priv;
	free(tv->counts);
	free(tv->row_of);
	free(tv);
}

static const struct view_ops timeline_view_ops = {
	.name = "Timeline",
	.load = timeline_load,
	.draw_header = timeline_draw_header,
	.draw_row = timeline_draw_row,
	.row_text = timeline_row_text,
	.request = timeline_request,
	.title = timeline_title,
	.done = timeline_done,
};

/* By process when there are several; a live session's cursor follows its
 * newest samples, a saved one's starts at the beginning. */
struct view *timeline_view_new(struct ui *ui)
{
	struct timeline_view *tv = xcalloc(1, sizeof(*tv));
	tv->by_process = ui->p->nprocesses > 1;
	tv->scale = -1;
	tv->at_end = ui->host->live && !ui->live_over;
	return view_new(ui, &timeline_view_ops, tv);
}
