/* draw.h — colours and clipped, escaped text on stdscr.
 *
 * Every string that comes from a target or a session file goes through
 * draw_untrusted(), which escapes control characters (str_escape) before it
 * reaches the terminal. Widths are display columns (UTF-8 aware).
 */
#ifndef CPROF_UI_DRAW_H
#define CPROF_UI_DRAW_H
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

enum draw_color {
	DRAW_NORMAL,
	DRAW_HEADER,     /* the two header lines */
	DRAW_TITLE,      /* column titles */
	DRAW_CURSOR,     /* the selected row */
	DRAW_STATUS,     /* the bottom status line */
	DRAW_ERROR,      /* error messages */
	DRAW_HOT,        /* heat: the hottest lines */
	DRAW_WARM,
	DRAW_MILD,
	DRAW_DIM,        /* not profiled, no samples */
	DRAW_LINENO,
	DRAW_MARK,       /* the profiled mark */
	DRAW_MORE,       /* a diff: a share that grew */
	DRAW_LESS,       /* a diff: a share that shrank */
	DRAW_COUNT
};

/* Set up colour pairs; monochrome attributes when there are no colours or
 * NO_COLOR is set (https://no-color.org). Returns true when colours are on. */
bool draw_init_colors(void);
/* The attribute of a colour; the cursor colour when selected. */
attr_t draw_attr(enum draw_color c, bool selected);

/* Draw trusted UTF-8 text at (y, x) clipped to width columns after skipping
 * `skip` columns; pads with spaces to width when pad. Returns columns drawn. */
int draw_text(int y, int x, int width, int skip, const char *s, bool pad);
/* Same, for strings from the target or a session file: escaped first. */
int draw_untrusted(int y, int x, int width, const char *s, bool pad);
/* Same, keeping the end of a long string ("...src/main.c:42"). */
int draw_untrusted_tail(int y, int x, int width, const char *s, bool pad);
/* Same, right-aligned in width columns. */
void draw_right(int y, int x, int width, const char *s);
/* Display width of UTF-8 text (invalid bytes count as one column). */
int draw_width(const char *s);
/* Escape untrusted text into buf (str_escape); returns buf. */
char *draw_escape(char *buf, size_t n, const char *s);

#endif
