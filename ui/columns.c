/* columns.c — the column model; see columns.h. */
#include "config.h"
#include "ui/columns.h"
#include "ui/draw.h"
#include <assert.h>

void layout_columns(struct layout *l, const struct column *cols, size_t n, int width)
{
	assert(n <= LAYOUT_MAX);
	l->cols = cols;
	l->n = n;
	int x = 0, shares = 0;
	size_t first_flex = n;
	for (size_t i = 0; i < n; i++) {
		if (cols[i].width == COL_HIDDEN) {
			l->x[i] = x;
			l->w[i] = 0;
			continue;
		}
		if (!cols[i].width) {
			if (first_flex == n)
				first_flex = i;
			shares += cols[i].share;
			continue;
		}
		l->x[i] = x + cols[i].gap;
		l->w[i] = cols[i].width;
		x = l->x[i] + l->w[i];
	}
	if (first_flex == n)
		return;
	/* the flexible columns share what is left after the first one's gap;
	 * each one after the first starts at its share's boundary, and the one
	 * before it ends its gap earlier */
	int base = x + cols[first_flex].gap, room = width > base ? width - base : 0, cum = 0;
	size_t prev = n;
	for (size_t i = first_flex; i < n; i++) {
		if (cols[i].width) /* fixed or hidden */
			continue;
		int start = base + (shares ? room * cum / shares : 0);
		if (prev < n)
			l->w[prev] = start - cols[i].gap - l->x[prev];
		l->x[i] = prev < n ? start : base;
		cum += cols[i].share;
		prev = i;
	}
	l->w[prev] = width - l->x[prev];
	for (size_t i = 0; i < n; i++)
		if (l->w[i] < 0)
			l->w[i] = 0;
}

void layout_header(const struct layout *l, int y, int width, const char *const *titles)
{
	draw_text(y, 0, width, 0, "", true);
	for (size_t i = 0; i < l->n; i++) {
		const char *t = titles && titles[i] ? titles[i] : l->cols[i].title;
		if (t && l->w[i])
			cell_text(l, i, y, t);
	}
}

int cell_text(const struct layout *l, size_t i, int y, const char *s)
{
	if (l->cols[i].align == COL_RIGHT) {
		draw_right(y, l->x[i], l->w[i], s);
		return l->w[i];
	}
	return draw_text(y, l->x[i], l->w[i], 0, s, false);
}

int cell_untrusted(const struct layout *l, size_t i, int y, const char *s)
{
	char buf[1024];
	return cell_text(l, i, y, draw_escape(buf, sizeof(buf), s));
}

int cell_untrusted_tail(const struct layout *l, size_t i, int y, const char *s)
{
	return draw_untrusted_tail(y, l->x[i], l->w[i], s, false);
}
