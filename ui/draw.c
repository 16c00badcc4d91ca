/* draw.c — colours and clipped, escaped text on stdscr. */
#include "config.h"
#include "ui/draw.h"
#include "model/strutil.h"
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static attr_t color_attrs[DRAW_COUNT];

/* Colour pairs: foreground, background, extra attributes; and the attributes
 * that stand in for them on a monochrome terminal. */
static const struct {
	short fg, bg;
	attr_t color_extra, mono;
} color_spec[DRAW_COUNT] = {
	[DRAW_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[DRAW_HEADER] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[DRAW_TITLE] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_UNDERLINE | A_BOLD },
	[DRAW_CURSOR] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[DRAW_STATUS] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[DRAW_ERROR] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
	[DRAW_HOT] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[DRAW_WARM] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[DRAW_MILD] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[DRAW_DIM] = { -1, -1, A_DIM, A_DIM },
	[DRAW_LINENO] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[DRAW_MARK] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[DRAW_MORE] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[DRAW_LESS] = { COLOR_GREEN, -1, A_BOLD, A_NORMAL },
};

/* draw_flame_attr(l, r) is flame_attrs[l + 1][r + 1]. */
static attr_t flame_attrs[FLAME_NCOLORS + 1][FLAME_NCOLORS + 1];
static const short flame_palette[FLAME_NCOLORS] = {
	COLOR_RED, COLOR_YELLOW, COLOR_GREEN, [FLAME_MATCH] = COLOR_MAGENTA,
	[FLAME_SELECTED] = COLOR_CYAN,
};

/* Pairs after the views' own: a frame's own cells (black on its colour),
 * then each split (left colour on right colour, or on the default). */
static void flame_init(bool color)
{
	const short base = DRAW_COUNT;
	const attr_t mono[FLAME_NCOLORS] = {
		A_REVERSE, A_REVERSE, A_REVERSE, [FLAME_MATCH] = A_REVERSE | A_BOLD,
		[FLAME_SELECTED] = A_REVERSE | A_BOLD | A_UNDERLINE,
	};
	color = color && COLOR_PAIRS > base + FLAME_NCOLORS * (FLAME_NCOLORS + 2);
	for (int l = -1; l < FLAME_NCOLORS; l++)
		for (int r = -1; r < FLAME_NCOLORS; r++) {
			attr_t *a = &flame_attrs[l + 1][r + 1];
			short pair = (short)(base + FLAME_NCOLORS + (l < 0 ? r : l) * (FLAME_NCOLORS + 1) +
					     (l < 0 ? 0 : r + 1));
			if (l == r && l >= 0) {
				*a = color ? COLOR_PAIR(base + l) : mono[l];
				if (color)
					init_pair((short)(base + l), COLOR_BLACK, flame_palette[l]);
			} else if (l < 0 && r < 0) {
				*a = A_NORMAL;
			} else if (!color) {
				*a = l < 0 ? A_REVERSE : A_NORMAL; /* the block shows a frame, or none */
			} else {
				/* no frame on the left: the block in the default background */
				*a = COLOR_PAIR(pair) | (l < 0 ? A_REVERSE : A_NORMAL);
				init_pair(pair, flame_palette[l < 0 ? r : l], l < 0 || r < 0 ? -1 : flame_palette[r]);
			}
		}
}

attr_t draw_flame_attr(int left, int right)
{
	return flame_attrs[left + 1][right + 1];
}

bool draw_init_colors(void)
{
	const char *no_color = getenv("NO_COLOR");
	bool color = has_colors() && !(no_color && *no_color);

	if (color) {
		start_color();
		use_default_colors();
	}
	for (int c = 0; c < DRAW_COUNT; c++) {
		if (!color) {
			color_attrs[c] = color_spec[c].mono;
		} else if (c == DRAW_NORMAL || c == DRAW_DIM) {
			color_attrs[c] = color_spec[c].color_extra;
		} else {
			init_pair(c, color_spec[c].fg, color_spec[c].bg);
			color_attrs[c] = COLOR_PAIR(c) | color_spec[c].color_extra;
		}
	}
	flame_init(color);
	return color;
}

attr_t draw_attr(enum draw_color c, bool selected)
{
	return color_attrs[selected ? DRAW_CURSOR : c];
}

const char *draw_block(bool horizontal, int eighths)
{
	static const char *const left[8] = { "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█" };
	static const char *const low[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char *const ascii_low[8] = { ".", ".", ":", ":", "+", "+", "#", "#" };
	int i = eighths < 1 ? 0 : eighths > 8 ? 7 : eighths - 1;

	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		return horizontal ? "|" : ascii_low[i];
	return horizontal ? left[i] : low[i];
}

/* Decode one character; invalid bytes decode as '?' of width 1. */
static size_t next_char(const char *s, wchar_t *wc, int *width)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t len = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	*width = wcwidth(*wc);
	if (*width < 0) {
		*wc = L'?';
		*width = 1;
	}
	return len;
}

int draw_width(const char *s)
{
	int cols = 0;
	while (*s) {
		wchar_t wc;
		int w;
		s += next_char(s, &wc, &w);
		cols += w;
	}
	return cols;
}

int draw_text(int y, int x, int width, int skip, const char *s, bool pad)
{
	int col = 0, drawn = 0;

	if (width <= 0)
		return 0;
	move(y, x);
	while (*s && drawn < width) {
		wchar_t wc;
		int w;
		s += next_char(s, &wc, &w);
		if (col < skip) {
			/* A wide character cut by the left edge shows as spaces. */
			if (col + w > skip)
				for (int i = skip; i < col + w && drawn < width; i++, drawn++)
					addch(' ');
			col += w;
			continue;
		}
		if (drawn + w > width)
			break;
		addnwstr(&wc, 1);
		col += w;
		drawn += w;
	}
	for (; pad && drawn < width; drawn++)
		addch(' ');
	return drawn;
}

char *draw_escape(char *buf, size_t n, const char *s)
{
	return str_escape(buf, n, s ? s : "");
}

int draw_untrusted(int y, int x, int width, const char *s, bool pad)
{
	char buf[1024];
	return draw_text(y, x, width, 0, draw_escape(buf, sizeof(buf), s), pad);
}

int draw_untrusted_tail(int y, int x, int width, const char *s, bool pad)
{
	char buf[1024];
	int w = draw_width(draw_escape(buf, sizeof(buf), s));

	if (w <= width || width <= 3)
		return draw_text(y, x, width, 0, buf, pad);
	draw_text(y, x, 3, 0, "...", false);
	return 3 + draw_text(y, x + 3, width - 3, w - (width - 3), buf, pad);
}

void draw_right(int y, int x, int width, const char *s)
{
	int w = draw_width(s);
	if (w > width)
		w = width;
	draw_text(y, x, width - w, 0, "", true);
	draw_text(y, x + width - w, w, 0, s, false);
}

void draw_wrapped(const char *msg)
{
	int width = COLS > 0 ? COLS : 1, len = (int)strlen(msg), nlines = 0;
	int starts[64], lens[64];
	for (int at = 0; at < len && nlines < 64; nlines++) {
		int n = len - at <= width ? len - at : width;
		if (at + n < len) { /* break at the last space that fits, if any */
			int sp = n;
			while (sp > 0 && msg[at + sp] != ' ')
				sp--;
			n = sp > 0 ? sp : n;
		}
		starts[nlines] = at;
		lens[nlines] = n;
		for (at += n; at < len && msg[at] == ' '; at++)
			;
	}
	int y = LINES / 2 - nlines / 2;
	for (int i = 0; i < nlines; i++) {
		char line[128];
		snprintf(line, sizeof(line), "%.*s", lens[i], msg + starts[i]);
		draw_text(y + i < 0 ? 0 : y + i, 0, width, 0, line, false);
	}
}
