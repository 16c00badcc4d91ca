/* tableview.h — what the views that list a model table (functions, files)
 * share: their rows from table_build(), the sort orders `s` cycles through,
 * and the title that names the current one. */
#ifndef CPROF_UI_TABLEVIEW_H
#define CPROF_UI_TABLEVIEW_H
#include "model/table.h"
#include "ui/columns.h"
#include "ui/view.h"

struct sort_order {
	enum table_sort sort;
	const char *name;    /* "self", "total", ... */
	bool change;         /* a diff: by the size of the change (ui/diffcols.h) */
};

struct tableview {
	enum table_by by;
	bool all;                        /* also rows without samples */
	const struct sort_order *orders; /* the orders `s` cycles through */
	size_t norders, order;
	struct table_row *rows;          /* row i of the view */
	size_t amount_col;               /* 1 + the column of the metric's amount; 0: none */
};

/* A table view's priv is its struct tableview. */
#define TABLEVIEW(v) ((struct tableview *)(v)->priv)
/* ops->load: rebuild the rows; the outside row's id is TABLEVIEW_OUTSIDE.
 * In a diff, the rows only the base has follow (table_row.id DIFF_ABSENT),
 * their ids TABLEVIEW_GONE with a hash of what they name. */
#define TABLEVIEW_OUTSIDE UINT64_MAX
#define TABLEVIEW_GONE (1ULL << 32)
#define TABLEVIEW_IS_GONE(id) ((id) >> 32 == 1)
void tableview_load(struct view *v);
/* A gone row cannot be opened: says why. */
enum reaction tableview_gone(struct view *v);
/* ops->done */
void tableview_done(struct view *v);
/* The title row of columns cols, column title_col saying "WHAT (by self)"
 * and the amount's column the metric's (ui_amount_title). */
void tableview_header(struct view *v, int y, int width, const struct column *cols, size_t n,
		      size_t title_col, const char *what);
/* The next sort order; says which in the status line. */
enum reaction tableview_sort(struct view *v, const char *what);

#endif
