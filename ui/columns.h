/* columns.h — the column model shared by the views.
 *
 * A view declares its columns once, as a table (title, width, alignment,
 * the blank columns before it); the header and every row are laid out from
 * that table, so they cannot drift apart. Fixed-width columns come first;
 * the room left on the line is shared among the flexible ones (width 0) in
 * proportion to their `share`.
 *
 *   static const struct column cols[] = {
 *           {"Self%", 6, 0, 1, COL_RIGHT}, {"Function", 0, 11, 3, COL_LEFT}, ...
 *   };
 *   struct layout l;
 *   layout_columns(&l, cols, 2, width);
 *   layout_header(&l, y, width, NULL);
 *   cell_text(&l, 0, y, "12.5");
 */
#ifndef CPROF_UI_COLUMNS_H
#define CPROF_UI_COLUMNS_H
#include <stdbool.h>
#include <stddef.h>

enum col_align { COL_LEFT, COL_RIGHT };

/* The width of a column a view shows only sometimes (the diff's): it takes
 * no room and its cells draw nothing. */
#define COL_HIDDEN (-1)

struct column {
	const char *title;   /* NULL: no title */
	int width;           /* display columns; 0: flexible; COL_HIDDEN: not shown */
	int share;           /* flexible: its share of the room left */
	int gap;             /* blank display columns before it */
	enum col_align align;
};

#define LAYOUT_MAX 8

struct layout {
	const struct column *cols;
	size_t n;
	int x[LAYOUT_MAX], w[LAYOUT_MAX];
};

/* Lay out n (<= LAYOUT_MAX) columns on a line `width` display columns wide. */
void layout_columns(struct layout *l, const struct column *cols, size_t n, int width);
/* Clear line y and draw the titles; titles[i] (when titles and titles[i]
 * are not NULL) replaces column i's own. */
void layout_header(const struct layout *l, int y, int width, const char *const *titles);

/* A cell of column i on line y: trusted text; text from a target or a
 * session file (escaped); the same keeping its end ("...src/main.c:42").
 * Each returns the display columns drawn. */
int cell_text(const struct layout *l, size_t i, int y, const char *s);
int cell_untrusted(const struct layout *l, size_t i, int y, const char *s);
int cell_untrusted_tail(const struct layout *l, size_t i, int y, const char *s);

#endif
