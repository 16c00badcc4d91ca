/* view.c — the generic part of every view (rows, cursor, scrolling,
 * search), the view stacks, and the state the views share: the status
 * message, shares of all samples, the profiled set. */
#include "config.h"
#include "ui/view.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->message_error = error;
}

uint64_t ui_total_samples(const struct ui *ui)
{
	return profile_total(ui->p);
}

char *ui_amount(const struct ui *ui, uint64_t v, char *buf, size_t n)
{
	if (ui->p->metric != METRIC_CPU)
		return str_bytes(buf, n, v);
	snprintf(buf, n, "%llu", (unsigned long long)v);
	return buf;
}

const char *ui_amount_title(const struct ui *ui)
{
	static const char *const titles[METRIC_COUNT] = {"Samples", "Alloc", "Live", "Peak"};
	return titles[ui->p->metric];
}

char *ui_percent(const struct ui *ui, uint64_t count, bool blank_zero, char *buf, size_t n)
{
	uint64_t total = ui_total_samples(ui);
	if (!count && blank_zero)
		snprintf(buf, n, "%s", "");
	else
		snprintf(buf, n, "%.1f", total ? 100.0 * (double)count / (double)total : 0.0);
	return buf;
}

void ui_set_profiled(struct ui *ui, uint32_t file, bool profiled)
{
	char err[256];
	profile_set_profiled(ui->p, file, profiled, true);
	if (ui->host->save(ui->host->ctx, err, sizeof(err)) < 0)
		ui_message(ui, true, "not saved: %s", err);
}

struct view *ui_current(struct ui *ui)
{
	return ui->tops[ui->tab];
}

enum reaction ui_push(struct ui *ui, struct view *child)
{
	child->parent = ui_current(ui);
	ui->tops[ui->tab] = child;
	return REACT_REDRAW;
}

enum reaction ui_push_once(struct ui *ui, struct view *child)
{
	struct view *v = ui_current(ui);
	while (v && v->ops != child->ops)
		v = v->parent;
	if (!v)
		return ui_push(ui, child);
	view_free(child);
	while (ui_current(ui) != v)
		ui_pop(ui);
	return REACT_REDRAW;
}

enum reaction ui_pop(struct ui *ui)
{
	struct view *v = ui_current(ui);
	if (!v->parent)
		return REACT_NONE;
	ui->tops[ui->tab] = v->parent;
	view_free(v);
	return REACT_REDRAW;
}

struct view *view_new(struct ui *ui, const struct view_ops *ops, void *priv)
{
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = ops;
	v->ui = ui;
	v->priv = priv;
	return v;
}

void view_free(struct view *v)
{
	if (!v)
		return;
	if (v->ops->done)
		v->ops->done(v);
	free(v->ids);
	free(v);
}

void view_rows_clear(struct view *v)
{
	v->nrows = 0;
}

void view_rows_add(struct view *v, uint64_t id)
{
	*VEC_PUSH(v->ids, v->nrows, v->cap_ids) = id;
}

uint64_t view_row_id(const struct view *v, size_t row)
{
	return v->ids ? v->ids[row] : row;
}

void view_fit(struct view *v)
{
	size_t height = v->height > 0 ? (size_t)v->height : 1;

	if (v->cursor >= v->nrows)
		v->cursor = v->nrows ? v->nrows - 1 : 0;
	if (v->top > v->cursor)
		v->top = v->cursor;
	if (v->cursor >= v->top + height)
		v->top = v->cursor - height + 1;
	if (v->nrows > height && v->top > v->nrows - height)
		v->top = v->nrows - height;
	if (v->nrows <= height)
		v->top = 0;
}

void view_select(struct view *v, size_t row)
{
	size_t height = v->height > 0 ? (size_t)v->height : 1;

	if (row >= v->nrows)
		row = v->nrows ? v->nrows - 1 : 0;
	if (row < v->top || row >= v->top + height)
		v->top = row > height / 3 ? row - height / 3 : 0;
	v->cursor = row;
	v->follow = true;
	view_fit(v);
}

bool view_select_id(struct view *v, uint64_t id)
{
	for (size_t i = 0; i < v->nrows; i++)
		if (view_row_id(v, i) == id) {
			view_select(v, i);
			return true;
		}
	return false;
}

void view_refresh(struct view *v)
{
	struct profile *p = v->ui->p;

	if (v->loaded && v->generation == p->generation)
		return;
	bool had_rows = v->nrows > 0 && v->follow;
	uint64_t id = had_rows ? view_row_id(v, v->cursor) : 0;
	size_t screen_pos = v->cursor - v->top;

	v->ops->load(v);
	v->generation = p->generation;
	v->loaded = true;
	if (!had_rows)
		return;
	/* Same item, same place on the screen; if it is gone, same index. */
	for (size_t i = 0; i < v->nrows; i++)
		if (view_row_id(v, i) == id) {
			v->cursor = i;
			v->top = i >= screen_pos ? i - screen_pos : 0;
			break;
		}
	view_fit(v);
}

bool view_find(struct view *v, bool forward, bool skip_current)
{
	char text[1024];

	if (v->search[0] && v->ops->find)
		return v->ops->find(v, forward, skip_current);
	if (!v->search[0] || !v->ops->row_text || !v->nrows)
		return false;
	for (size_t step = skip_current ? 1 : 0; step <= v->nrows; step++) {
		size_t row = forward ? (v->cursor + step) % v->nrows
				     : (v->cursor + v->nrows - step % v->nrows) % v->nrows;
		v->ops->row_text(v, row, text, sizeof(text));
		if (strcasestr(text, v->search)) {
			view_select(v, row);
			return true;
		}
	}
	return false;
}

enum reaction view_request(struct view *v, enum request req)
{
	size_t page = v->height > 1 ? (size_t)v->height - 1 : 1;

	switch (req) {
	case REQ_MOVE_UP:
		if (v->cursor > 0)
			v->cursor--;
		break;
	case REQ_MOVE_DOWN:
		v->cursor++;
		break;
	case REQ_PAGE_UP:
		v->cursor = v->cursor > page ? v->cursor - page : 0;
		v->top = v->top > page ? v->top - page : 0;
		break;
	case REQ_PAGE_DOWN:
		v->cursor += page;
		v->top += page;
		break;
	case REQ_MOVE_FIRST:
		v->cursor = 0;
		break;
	case REQ_MOVE_LAST:
		v->cursor = v->nrows ? v->nrows - 1 : 0;
		break;
	case REQ_FIND_NEXT:
	case REQ_FIND_PREV:
		if (!v->search[0])
			ui_message(v->ui, false, "no search: press / to search");
		else if (!view_find(v, req == REQ_FIND_NEXT, true))
			ui_message(v->ui, true, "no match for \"%s\"", v->search);
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
	v->follow = true;
	view_fit(v);
	return REACT_REDRAW;
}
