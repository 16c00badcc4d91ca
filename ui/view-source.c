/* view-source.c — a source file with a gutter of per-line self and total
 * shares and a heat mark. Rows are line numbers. The file is looked for as
 * recorded, then under each --source-path directory by ever shorter tails of
 * its path (down to the basename); when it is nowhere, or cannot be shown,
 * the view says where it looked and why, and still lists the lines that
 * have samples. A module standing in for the files of code without line
 * information is not looked for: the view says so. */
#include "config.h"
#include "ui/columns.h"
#include "ui/diffcols.h"
#include "ui/draw.h"
#include "model/strutil.h"
#include "ui/view.h"
#include "model/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAB_WIDTH 8
#define HSCROLL_STEP 8
#define MESSAGE_ROW (1ULL << 32) /* id of message row i: MESSAGE_ROW | i */
#define SOURCE_MAX_MIB 32        /* a larger file is not read (a generated one, or not source) */

/* A path the file was looked for at, and why it is not shown from there. */
struct tried {
	char *path;
	char why[96];        /* "" when there is no such file */
};

struct source_view {
	uint32_t file;
	uint32_t want_line;  /* cursor line at the first load, 0 for the hottest */
	bool placed;
	char *found;         /* where the text was read from, NULL when not shown */
	bool binary;         /* the "file" is a module standing in for code without line info */
	bool exists;         /* some path tried exists, but could not be shown */
	struct tried *searched; /* every path tried, in order */
	size_t nsearched, cap_searched;
	char *text;          /* the file as read when the view opened */
	size_t size;
	size_t *starts;      /* offset of each line */
	size_t nlines, cap_starts;
	uint32_t *hot;       /* lines with samples, ascending */
	size_t nhot, cap_hot;
	size_t nmessages;    /* leading message rows when the file is not shown */
	int hscroll;
};

/* --- finding and reading the file ---------------------------------------- */

/* The whole of fd, a regular file, into sv->text; false with the reason in
 * why. The file may change size while it is read. */
static bool source_read(struct source_view *sv, int fd, char *why, size_t n)
{
	const size_t max = (size_t)SOURCE_MAX_MIB << 20;
	size_t cap = 0, len = 0;
	char *buf = NULL;

	for (;;) {
		if (len == cap)
			buf = xrealloc(buf, cap = cap ? 2 * cap : 64 * 1024);
		ssize_t got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(why, n, "%s", strerror(errno));
			break;
		}
		if (got == 0) {
			sv->text = buf;
			sv->size = len;
			return true;
		}
		if ((len += (size_t)got) > max) {
			snprintf(why, n, "over %d MiB: too large to show", SOURCE_MAX_MIB);
			break;
		}
	}
	free(buf);
	return false;
}

/* Show the file at path if it is a regular file that can be read. It is
 * read whole, and the view keeps the copy: the file may be truncated or
 * rewritten while the view is open (an editor's save, git checkout), which a
 * mapping would answer with SIGBUS. Opening never blocks: something else
 * than a regular file (a FIFO, a device) is not opened, and O_NONBLOCK
 * covers one put there between the check and the open. */
static bool source_try(struct source_view *sv, const char *path)
{
	struct tried *t = VEC_PUSH(sv->searched, sv->nsearched, sv->cap_searched);
	struct stat st;
	int fd = -1;

	t->path = xstrdup(path);
	t->why[0] = '\0';
	if (stat(path, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			snprintf(t->why, sizeof(t->why), "%s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(t->why, sizeof(t->why), "not a regular file");
	} else if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
		snprintf(t->why, sizeof(t->why), "%s", strerror(errno));
	} else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(t->why, sizeof(t->why), "not a regular file");
	} else if (source_read(sv, fd, t->why, sizeof(t->why))) {
		sv->found = xstrdup(path);
	}
	if (fd >= 0)
		close(fd);
	sv->exists |= t->why[0] != '\0';
	return sv->found != NULL;
}

static void source_open(struct source_view *sv, const struct ui_config *cfg, const char *path)
{
	if (source_try(sv, path))
		return;
	for (size_t d = 0; cfg && d < cfg->nsource_path; d++)
		for (const char *tail = path; tail; tail = strchr(tail + 1, '/')) {
			const char *rel = tail + strspn(tail, "/");
			char *candidate = xasprintf("%s/%s", cfg->source_path[d], rel);
			bool ok = *rel && source_try(sv, candidate);
			free(candidate);
			if (ok)
				return;
		}
}

static void source_index_lines(struct source_view *sv)
{
	for (size_t off = 0; off < sv->size;) {
		const char *nl = memchr(sv->text + off, '\n', sv->size - off);
		*VEC_PUSH(sv->starts, sv->nlines, sv->cap_starts) = off;
		off = nl ? (size_t)(nl - sv->text) + 1 : sv->size;
	}
}

/* --- rows ---------------------------------------------------------------- */

static uint32_t row_line(const struct view *v, size_t row)
{
	const struct source_view *sv = v->priv;
	if (sv->found)
		return (uint32_t)row + 1;
	uint64_t id = view_row_id(v, row);
	return id & MESSAGE_ROW ? 0 : (uint32_t)id;
}

static void line_counts(const struct profile *p, uint32_t file, uint32_t line, uint64_t *self,
			uint64_t *total)
{
	int64_t i = line ? profile_find_line(p, file, line) : -1;
	*self = i >= 0 ? p->lines[i].self : 0;
	*total = i >= 0 ? p->lines[i].total : 0;
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The line with the most self samples (then total); 0 when none. */
static uint32_t hottest_line(const struct view *v)
{
	const struct source_view *sv = v->priv;
	const struct profile *p = v->ui->p;
	uint64_t best_self = 0, best_total = 0;
	uint32_t best = 0;

	for (size_t i = 0; i < sv->nhot; i++) {
		uint64_t self, total;
		line_counts(p, sv->file, sv->hot[i], &self, &total);
		if (self > best_self || (self == best_self && total > best_total)) {
			best = sv->hot[i];
			best_self = self;
			best_total = total;
		}
	}
	return best;
}

static bool select_line(struct view *v, uint32_t line)
{
	const struct source_view *sv = v->priv;
	if (sv->found) {
		if (!line || line > v->nrows)
			return false;
		view_select(v, line - 1);
		return true;
	}
	return view_select_id(v, line);
}

static void source_load(struct view *v)
{
	struct source_view *sv = v->priv;
	const struct profile *p = v->ui->p;
	uint32_t last = 0;

	if (v->ui->diff)
		diffcols_update(v->ui->diff, v->ui->p);
	sv->nhot = 0;
	for (size_t i = 0; i < p->nlines; i++)
		if (p->lines[i].file == sv->file && p->lines[i].line && p->lines[i].total)
			*VEC_PUSH(sv->hot, sv->nhot, sv->cap_hot) = p->lines[i].line;
	if (sv->nhot > 1) /* (hot is NULL while empty) */
		qsort(sv->hot, sv->nhot, sizeof(sv->hot[0]), compare_u32);
	if (sv->nhot)
		last = sv->hot[sv->nhot - 1];

	view_rows_clear(v);
	if (sv->found) {
		/* Row i is line i + 1; a stale file may be shorter than its samples. */
		v->nrows = sv->nlines > last ? sv->nlines : last;
	} else {
		sv->nmessages = sv->binary ? 2 : sv->nsearched + 4;
		for (size_t i = 0; i < sv->nmessages; i++)
			view_rows_add(v, MESSAGE_ROW | i);
		for (size_t i = 0; i < sv->nhot; i++)
			view_rows_add(v, sv->hot[i]);
	}
	if (!sv->placed) {
		sv->placed = true;
		if (!select_line(v, sv->want_line ? sv->want_line : hottest_line(v)))
			view_select(v, sv->found ? 0 : sv->nmessages);
		/* Show what led up to the line: put it a third down the page. */
		v->top = v->cursor > (size_t)v->height / 3 ? v->cursor - (size_t)v->height / 3 : 0;
		view_fit(v);
	}
}

/* --- drawing ------------------------------------------------------------- */

static int lineno_width(const struct view *v)
{
	int w = 4;
	for (size_t n = v->nrows; n >= 10000; n /= 10)
		w++;
	return w;
}

/* The gutter (self, total, heat mark, line number), then the text, whose
 * column's title is the file's path. A diff (ui/diffcols.h) shows the
 * base's self share before the new one's, and the change after it. */
enum { COL_BASE, COL_SELF, COL_DELTA, COL_TOTAL, COL_HEAT, COL_LINE, COL_TEXT, NCOLS };

static void source_layout(const struct view *v, struct layout *l, struct column *cols, int width)
{
	bool diff = v->ui->diff != NULL;
	const struct column gutter[NCOLS] = {
		[COL_BASE] = { "Base%", diff ? 5 : COL_HIDDEN, 0, diff, COL_RIGHT },
		[COL_SELF] = { diff ? "New%" : "Self%", 5, 0, 1, COL_RIGHT },
		[COL_DELTA] = { "Delta", diff ? 6 : COL_HIDDEN, 0, diff, COL_RIGHT },
		[COL_TOTAL] = { "Total%", 6, 0, 1, COL_RIGHT },
		[COL_HEAT] = { NULL, 1, 0, 1, COL_LEFT },
		[COL_LINE] = { "Line", lineno_width(v), 0, 1, COL_RIGHT },
		[COL_TEXT] = { NULL, 0, 1, 2, COL_LEFT },
	};
	memcpy(cols, gutter, sizeof(gutter));
	layout_columns(l, cols, NCOLS, width);
}

static void source_draw_header(struct view *v, int y, int width)
{
	const struct source_view *sv = v->priv;
	struct column cols[NCOLS];
	struct layout l;
	char buf[64];

	source_layout(v, &l, cols, width);
	layout_header(&l, y, width, NULL);
	snprintf(buf, sizeof(buf), sv->hscroll ? "  (from column %d)" : "", sv->hscroll + 1);
	int x = l.x[COL_TEXT], bw = draw_width(buf);
	x += draw_untrusted_tail(y, x, l.w[COL_TEXT] - bw, sv->found ? sv->found : v->ui->p->files[sv->file].path, false);
	draw_text(y, x, width - x, 0, buf, false);
}

/* Line text with tabs expanded, at most n - 1 bytes, NULs shown as "\0"'s
 * escape; control characters are escaped by the caller. */
static void expand_tabs(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0, col = 0;

	for (size_t i = 0; i < len && o + TAB_WIDTH + 1 < n; i++) {
		if (s[i] == '\t') {
			do
				out[o++] = ' ';
			while (++col % TAB_WIDTH);
			continue;
		}
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 == len))
			break;
		out[o++] = s[i] ? s[i] : '?';
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;
	}
	out[o] = '\0';
}

static void draw_source_text(struct view *v, size_t row, int y, int x, int width)
{
	const struct source_view *sv = v->priv;
	size_t line = row_line(v, row);

	if (!sv->found || line > sv->nlines)
		return;
	size_t start = sv->starts[line - 1];
	size_t end = line < sv->nlines ? sv->starts[line] - 1 : sv->size;
	size_t n = (size_t)(sv->hscroll + width) * 4 + 64;
	char *expanded = xmalloc(n), *escaped = xmalloc(4 * n);

	expand_tabs(sv->text + start, end - start, expanded, n);
	str_escape(escaped, 4 * n, expanded);
	draw_text(y, x, width, sv->hscroll, escaped, false);
	free(expanded);
	free(escaped);
}

static void draw_message_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct source_view *sv = v->priv;
	size_t i = view_row_id(v, row) & ~MESSAGE_ROW;
	char path[1024], text[1200];

	attrset(draw_attr(i == 0 ? DRAW_ERROR : DRAW_NORMAL, selected));
	draw_escape(path, sizeof(path), v->ui->p->files[sv->file].path);
	if (i == 0 && sv->binary)
		snprintf(text, sizeof(text), " No line information for %s", path);
	else if (sv->binary)
		snprintf(text, sizeof(text), " It has no debug info: rebuild it with -g, or install "
			 "its debug symbols.");
	else if (i == 0)
		snprintf(text, sizeof(text), " Source file %s: %s", sv->exists ? "not shown" : "not found", path);
	else if (i == 1)
		snprintf(text, sizeof(text), " Searched:");
	else if (i - 2 < sv->nsearched)
		snprintf(text, sizeof(text), "   %s%s%s%s", draw_escape(path, sizeof(path), sv->searched[i - 2].path),
			 sv->searched[i - 2].why[0] ? " (" : "", sv->searched[i - 2].why,
			 sv->searched[i - 2].why[0] ? ")" : "");
	else if (i - 2 == sv->nsearched && sv->exists)
		snprintf(text, sizeof(text), " A source is shown from a regular file of at most %d MiB that "
			 "can be read.", SOURCE_MAX_MIB);
	else if (i - 2 == sv->nsearched && path[0] != '/')
		snprintf(text, sizeof(text), " Add the top of the tree it was built in with --source-path DIR.");
	else if (i - 2 == sv->nsearched)
		snprintf(text, sizeof(text), " Add the directory that holds it with --source-path DIR.");
	else
		snprintf(text, sizeof(text), " Lines with samples:");
	draw_text(y, 0, width, 0, text, true);
}

static void source_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct source_view *sv = v->priv;
	struct ui *ui = v->ui;
	uint32_t line = row_line(v, row);
	uint64_t self, total, all = ui_total_samples(ui);
	struct column cols[NCOLS];
	struct layout l;
	char buf[32];

	if (!line) {
		draw_message_row(v, row, y, width, selected);
		return;
	}
	source_layout(v, &l, cols, width);
	line_counts(ui->p, sv->file, line, &self, &total);
	attrset(draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, width, 0, "", true);
	cell_text(&l, COL_SELF, y, ui_percent(ui, self, true, buf, sizeof(buf)));
	cell_text(&l, COL_TOTAL, y, ui_percent(ui, total, true, buf, sizeof(buf)));
	double base = ui->diff ? diffcols_line_base(ui->diff, sv->file, line) : -1;
	if (ui->diff && (base >= 0 || total)) /* lines with samples in either */
		diffcols_cells(&l, COL_SELF, COL_BASE, COL_DELTA, y, base, diffcols_share(self, all),
			       selected);

	enum draw_color heat = DRAW_DIM;
	const char *mark = total ? "." : " ";
	if (self && self * 10 >= all) {
		heat = DRAW_HOT;
		mark = "#";
	} else if (self && self * 100 >= all * 3) {
		heat = DRAW_WARM;
		mark = "*";
	} else if (self) {
		heat = DRAW_MILD;
		mark = "+";
	}
	attrset(draw_attr(heat, selected));
	cell_text(&l, COL_HEAT, y, mark);
	attrset(draw_attr(DRAW_LINENO, selected));
	snprintf(buf, sizeof(buf), "%u", line);
	cell_text(&l, COL_LINE, y, buf);
	attrset(draw_attr(self ? heat : DRAW_NORMAL, selected));
	if (sv->found)
		draw_source_text(v, row, y, l.x[COL_TEXT], l.w[COL_TEXT]);
	else
		cell_text(&l, COL_TEXT, y, "(source not available)");
}

static void source_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	const struct source_view *sv = v->priv;
	uint32_t line = row_line(v, row);

	buf[0] = '\0';
	if (!sv->found || !line || line > sv->nlines)
		return;
	size_t start = sv->starts[line - 1];
	size_t end = line < sv->nlines ? sv->starts[line] - 1 : sv->size;
	expand_tabs(sv->text + start, end - start, buf, n);
}

/* --- requests ------------------------------------------------------------ */

/* Next (or previous) line with samples after the cursor. */
static enum reaction source_next_hot(struct view *v, bool forward)
{
	const struct source_view *sv = v->priv;
	uint32_t here = v->nrows ? row_line(v, v->cursor) : 0;

	if (forward) {
		for (size_t i = 0; i < sv->nhot; i++)
			if (sv->hot[i] > here)
				return select_line(v, sv->hot[i]), REACT_REDRAW;
	} else {
		for (size_t i = sv->nhot; i-- > 0;)
			if (sv->hot[i] < here)
				return select_line(v, sv->hot[i]), REACT_REDRAW;
	}
	ui_message(v->ui, false, "no %s line with samples", forward ? "later" : "earlier");
	return REACT_REDRAW;
}

static enum reaction source_request(struct view *v, enum request req)
{
	struct source_view *sv = v->priv;
	uint32_t hot;

	switch (req) {
	case REQ_HOTTEST:
		if (!(hot = hottest_line(v)))
			ui_message(v->ui, false, "no samples in this file");
		else
			select_line(v, hot);
		return REACT_REDRAW;
	case REQ_FIND_NEXT:
	case REQ_FIND_PREV:
		return v->search[0] ? REACT_NONE : source_next_hot(v, req == REQ_FIND_NEXT);
	case REQ_SCROLL_LEFT:
		sv->hscroll = sv->hscroll > HSCROLL_STEP ? sv->hscroll - HSCROLL_STEP : 0;
		return REACT_REDRAW;
	case REQ_SCROLL_RIGHT:
		sv->hscroll += HSCROLL_STEP;
		return REACT_REDRAW;
	case REQ_ENTER:
		ui_message(v->ui, false, "n/N: next/previous line with samples, H: the hottest line");
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static void source_title(struct view *v, char *buf, size_t n)
{
	const struct source_view *sv = v->priv;
	char path[512];
	snprintf(buf, n, "Source %s:%u", draw_escape(path, sizeof(path), str_basename(v->ui->p->files[sv->file].path)),
		 v->nrows ? row_line(v, v->cursor) : 0);
}

static void source_done(struct view *v)
{
	struct source_view *sv = v->priv;
	free(sv->text);
	for (size_t i = 0; i < sv->nsearched; i++)
		free(sv->searched[i].path);
	free(sv->searched);
	free(sv->found);
	free(sv->starts);
	free(sv->hot);
	free(sv);
}

static const struct view_ops source_view_ops = {
	.name = "Source",
	.load = source_load,
	.draw_header = source_draw_header,
	.draw_row = source_draw_row,
	.row_text = source_row_text,
	.request = source_request,
	.title = source_title,
	.done = source_done,
};

struct view *source_view_new(struct ui *ui, uint32_t file, uint32_t line)
{
	struct source_view *sv = xcalloc(1, sizeof(*sv));

	sv->file = file;
	sv->want_line = line;
	sv->binary = !ui->p->files[file].has_lines;
	if (!sv->binary)
		source_open(sv, ui->cfg, ui->p->files[file].path);
	if (sv->found)
		source_index_lines(sv);
	return view_new(ui, &source_view_ops, sv);
}

struct view *source_view_for_function(struct ui *ui, uint32_t func)
{
	const struct profile *p = ui->p;
	uint32_t line = p->funcs[func].line;
	uint64_t best_self = 0, best_total = 0;

	/* The function's hottest line of its own file among its frames. */
	for (size_t i = 0; i < p->nframes; i++) {
		const struct pframe *f = &p->frames[i];
		if (f->func != func || f->file != p->funcs[func].file || !f->line)
			continue;
		const struct pline *l = &p->lines[f->pline];
		if (l->self > best_self || (l->self == best_self && l->total > best_total)) {
			line = f->line;
			best_self = l->self;
			best_total = l->total;
		}
	}
	return source_view_new(ui, p->funcs[func].file, line);
}
