/* view-notes.c — the host's notes on a thin profile (why, with the figures,
 * and what to do), each wrapped to the screen's width. */
#include "config.h"
#include "model/xalloc.h"
#include "ui/draw.h"
#include "ui/view.h"
#include <stdlib.h>
#include <string.h>

struct notes_view {
	char **lines;       /* wrapped lines, owned */
	size_t n, cap;
};

static void add_line(struct notes_view *nv, const char *s, size_t len)
{
	char *l = xmalloc(len + 1);
	memcpy(l, s, len);
	l[len] = '\0';
	*VEC_PUSH(nv->lines, nv->n, nv->cap) = l;
}

/* Paragraph `text` in lines of at most width bytes, cut at spaces, the
 * lines after the first indented by two. */
static void wrap(struct notes_view *nv, const char *text, size_t width)
{
	const char *s = text;
	for (bool first = true; *s; first = false) {
		size_t room = first ? width : width - 2, len = strlen(s);
		if (len > room) {
			len = room;
			while (len > room / 2 && s[len] != ' ')
				len--;
			if (s[len] != ' ')
				len = room;
		}
		char *l = xasprintf("%s%.*s", first ? "- " : "    ", (int)len, s);
		*VEC_PUSH(nv->lines, nv->n, nv->cap) = l;
		s += len;
		while (*s == ' ')
			s++;
	}
}

static void free_lines(struct notes_view *nv)
{
	for (size_t i = 0; i < nv->n; i++)
		free(nv->lines[i]);
	nv->n = 0;
}

static void notes_load(struct view *v)
{
	struct notes_view *nv = v->priv;
	const struct ui_host *h = v->ui->host;
	char **notes = NULL;
	size_t n = h->notes ? h->notes(h->ctx, &notes) : 0;
	size_t width = COLS > 20 ? (size_t)COLS - 6 : 14;
	free_lines(nv);
	if (!n)
		add_line(nv, "No notes: nothing found that makes this profile thin.", 53);
	for (size_t i = 0; i < n; i++) {
		wrap(nv, notes[i], width);
		add_line(nv, "", 0);
		free(notes[i]);
	}
	free(notes);
	v->nrows = nv->n;
}

static void notes_draw_header(struct view *v, int y, int width)
{
	draw_text(y, 0, width, 0, " Why this profile is thin, and what to do", true);
}

static void notes_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct notes_view *nv = v->priv;
	attrset(draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, 1, 0, "", true);
	draw_untrusted(y, 1, width - 1, nv->lines[row], true);
}

static void notes_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	const struct notes_view *nv = v->priv;
	snprintf(buf, n, "%s", nv->lines[row]);
}

/* i again closes the notes. */
static enum reaction notes_request(struct view *v, enum request req)
{
	return req == REQ_NOTES ? ui_pop(v->ui) : REACT_NONE;
}

static void notes_done(struct view *v)
{
	struct notes_view *nv = v->priv;
	free_lines(nv);
	free(nv->lines);
	free(nv);
}

static const struct view_ops notes_view_ops = {
	.name = "Notes",
	.load = notes_load,
	.draw_header = notes_draw_header,
	.draw_row = notes_draw_row,
	.row_text = notes_row_text,
	.request = notes_request,
	.done = notes_done,
};

struct view *notes_view_new(struct ui *ui)
{
	return view_new(ui, &notes_view_ops, xcalloc(1, sizeof(struct notes_view)));
}
