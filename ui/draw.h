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

/* The flame graph's colours: FLAME_COLORS for frames (neighbours get
 * different ones), then one for a search match and one for the selected
 * frame. A frame's own cells (its label) are drawn in draw_flame_attr(c, c).
 * A cell split at an eighth between a frame of colour `left` and one of
 * colour `right` (-1: no frame there) is a left-eighths block drawn in
 * draw_flame_attr(left, right): the block shows left, the rest of the cell
 * right. Without colours every frame is in reverse video (matches bold, the
 * selected one bold and underlined), and a cell split between two frames
 * shows as a dark gap after the block. */
enum { FLAME_COLORS = 3, FLAME_MATCH = FLAME_COLORS, FLAME_SELECTED, FLAME_NCOLORS };
attr_t draw_flame_attr(int left, int right);

/* A block filling `eighths` (1..8) of a cell from the left (horizontal)
 * or from the bottom, as UTF-8 text; ASCII stand-ins when the locale's
 * character set is not UTF-8. */
const char *draw_block(bool horizontal, int eighths);

/* Draw trusted UTF-8 text at (y, x) clipped to width columns after skipping
 * `skip` columns; pads with spaces to width when pad. Returns columns drawn. */
int draw_text(int y, int x, int width, int skip, const char *s, bool pad);
/* A message over as many lines as the terminal's width needs, broken
 * between words, in the middle of the screen. */
void draw_wrapped(const char *msg);
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
