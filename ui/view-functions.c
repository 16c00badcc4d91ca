/* view-functions.c — the start view: functions by self and total samples,
 * like perf top. Enter opens the source at the function, c its callers. */
#include "config.h"
#include "ui/draw.h"
#include "app/report.h"
#include "ui/view.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTSIDE_ROW UINT64_MAX

enum functions_sort { SORT_SELF, SORT_TOTAL, SORT_NAME, SORT_FILE, SORT_COUNT };
static const char *const sort_names[SORT_COUNT] = { "self", "total", "name", "file" };

struct functions_view {
	enum functions_sort sort;
};

struct row_key {
	uint64_t self, total;
	const char *name, *file;
	uint32_t line;
};

static struct row_key row_key(const struct profile *p, uint64_t id)
{
	if (id == OUTSIDE_ROW)
		return (struct row_key){ p->outside, p->outside, OUTSIDE_LABEL, "", 0 };
	const struct pfunc *f = &p->funcs[id];
	return (struct row_key){ f->self, f->total, profile_func_name(p, (uint32_t)id),
				 p->files[f->file].path, f->line };
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int compare_rows(const void *a, const void *b, void *arg)
{
	struct view *v = arg;
	const struct functions_view *fv = v->priv;
	struct row_key x = row_key(v->ui->p, *(const uint64_t *)a);
	struct row_key y = row_key(v->ui->p, *(const uint64_t *)b);
	int c = 0;

	switch (fv->sort) {
	case SORT_SELF:
		c = cmp_u64_desc(x.self, y.self) ?: cmp_u64_desc(x.total, y.total);
		break;
	case SORT_TOTAL:
		c = cmp_u64_desc(x.total, y.total) ?: cmp_u64_desc(x.self, y.self);
		break;
	case SORT_NAME:
		c = strcmp(x.name, y.name);
		break;
	case SORT_FILE:
		c = strcmp(x.file, y.file) ?: (x.line > y.line) - (x.line < y.line);
		break;
	case SORT_COUNT:
		break;
	}
	return c ?: strcmp(x.name, y.name) ?: cmp_u64_desc(*(const uint64_t *)b, *(const uint64_t *)a);
}

/* Every function with samples, and the row for samples outside profiled files. */
static void functions_load(struct view *v)
{
	const struct profile *p = v->ui->p;

	view_rows_clear(v);
	for (size_t i = 0; i < p->nfuncs; i++)
		if (p->funcs[i].total || p->funcs[i].self)
			view_rows_add(v, i);
	view_rows_add(v, OUTSIDE_ROW);
	qsort_r(v->ids, v->nrows, sizeof(v->ids[0]), compare_rows, v);
}

/* Column layout shared by the header and the rows. */
struct columns {
	int self, total, samples, func, file;
};

static struct columns columns(int width)
{
	struct columns c = { .self = 1, .total = 8, .samples = 16, .func = 27 };
	c.file = c.func + (width - c.func) * 11 / 20;
	return c;
}

static void functions_draw_header(struct view *v, int y, int width)
{
	const struct functions_view *fv = v->priv;
	struct columns c = columns(width);
	char title[64];

	draw_text(y, 0, width, 0, "", true);
	draw_right(y, c.self, 6, "Self%");
	draw_right(y, c.total, 6, "Total%");
	draw_right(y, c.samples, 8, "Samples");
	snprintf(title, sizeof(title), "Function (by %s)", sort_names[fv->sort]);
	draw_text(y, c.func, c.file - c.func - 1, 0, title, false);
	draw_text(y, c.file, width - c.file, 0, "File:Line", false);
}

static void functions_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	struct ui *ui = v->ui;
	const struct profile *p = ui->p;
	uint64_t id = view_row_id(v, row);
	struct row_key k = row_key(p, id);
	struct columns c = columns(width);
	bool profiled = id != OUTSIDE_ROW && p->files[p->funcs[id].file].profiled;
	char buf[64];

	attrset(draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, width, 0, "", true);
	draw_right(y, c.self, 6, ui_percent(ui, k.self, false, buf, sizeof(buf)));
	draw_right(y, c.total, 6, ui_percent(ui, k.total, false, buf, sizeof(buf)));
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)k.self);
	draw_right(y, c.samples, 8, buf);
	attrset(draw_attr(profiled ? DRAW_NORMAL : DRAW_DIM, selected));
	draw_untrusted(y, c.func, c.file - c.func - 1, k.name, false);
	if (id != OUTSIDE_ROW) {
		char where[1024];
		snprintf(where, sizeof(where), k.line ? "%s:%u" : "%s", k.file, k.line);
		draw_untrusted_tail(y, c.file, width - c.file, where, false);
	}
}

static void functions_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	struct row_key k = row_key(v->ui->p, view_row_id(v, row));
	snprintf(buf, n, "%s %s:%u", k.name, k.file, k.line);
}

static enum reaction functions_request(struct view *v, enum request req)
{
	struct functions_view *fv = v->priv;
	uint64_t id = v->nrows ? view_row_id(v, v->cursor) : OUTSIDE_ROW;

	switch (req) {
	case REQ_SORT:
		fv->sort = (fv->sort + 1) % SORT_COUNT;
		v->loaded = false;
		ui_message(v->ui, false, "functions sorted by %s", sort_names[fv->sort]);
		return REACT_REDRAW;
	case REQ_ENTER:
	case REQ_CALLERS:
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

static void functions_done(struct view *v)
{
	free(v->priv);
}

static const struct view_ops functions_view_ops = {
	.name = "Functions",
	.load = functions_load,
	.draw_header = functions_draw_header,
	.draw_row = functions_draw_row,
	.row_text = functions_row_text,
	.request = functions_request,
	.done = functions_done,
};

struct view *functions_view_new(struct ui *ui)
{
	return view_new(ui, &functions_view_ops, xcalloc(1, sizeof(struct functions_view)));
}
