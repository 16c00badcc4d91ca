/* diffcols.h — a diff in the TUI (`cprof-tui BASE.db NEW.db`): the
 * Functions, Files and Source views of the new profile gain a Base% column
 * (the base's self share of the row, "new" when the base has no such row)
 * and a Delta column (the new share minus the base's, in points, with its
 * sign, coloured by it: red up, green down); rows only the base has are
 * listed too, "gone". Rows are matched as --diff matches them
 * (model/diff.h). Both profiles are counted under the new one's profiled
 * set and focus: a toggle re-charges both.
 *
 * ui->diff is NULL when the TUI shows one profile; every function here is
 * then never called. */
#ifndef CPROF_UI_DIFFCOLS_H
#define CPROF_UI_DIFFCOLS_H
#include "model/diff.h"
#include "ui/columns.h"
#include <stdbool.h>
#include <stddef.h>

struct diffcols;

struct diffcols *diffcols_new(struct profile *base);
void diffcols_free(struct diffcols *d);
/* Bring the comparison up to date with cur when either profile moved
 * (cur's profiled set and focus given to the base first). Views call it
 * when they load. */
void diffcols_update(struct diffcols *d, struct profile *cur);

/* The base's share of a row of cur's table by function or file (its id,
 * TABLE_OUTSIDE, or DIFF_ABSENT for a gone row from diffcols_add_gone), or
 * of a line of cur (file, line); -1 when the base has none (0 for a row
 * without samples in either). */
double diffcols_row_base(const struct diffcols *d, enum table_by by, const struct table_row *r);
double diffcols_line_base(const struct diffcols *d, uint32_t file, uint32_t line);
/* Rows only the base has, appended to the n *rows (table_build's, which
 * grows) as table rows with id DIFF_ABSENT and no samples; returns the new
 * count. */
size_t diffcols_add_gone(const struct diffcols *d, enum table_by by, struct table_row **rows,
			 size_t n);
/* Sort rows by the size of their change, largest first (then by self). */
void diffcols_sort(const struct diffcols *d, enum table_by by, const struct profile *cur,
		   struct table_row *rows, size_t n);
static inline double diffcols_share(uint64_t n, uint64_t all)
{
	return all ? 100.0 * (double)n / (double)all : 0.0;
}

/* Draw the Base% and Delta cells of a row whose base share is `base` (-1:
 * the base has none: "new") and new share `cur` (-1: gone, and the self
 * cell says so). */
void diffcols_cells(const struct layout *l, size_t self_col, size_t base_col, size_t delta_col,
		    int y, double base, double cur, bool selected);

#endif
