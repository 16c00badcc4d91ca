/* diff.h — two profiles compared row by row (doc/PRODUCT.md §9): the rows
 * of a function, line or file table (table.h) of a base and of a new
 * profile, matched by what they name, never by address: a function by its
 * name and its own file, a line by its file and number, a file by its path.
 * The outside row matches the outside row. `--diff` prints these rows; the
 * TUI's diff columns come from them too.
 *
 * Shares are self samples as a percentage of each profile's counted samples
 * (each under its own profiled set and scope); delta = new - base. */
#ifndef CPROF_MODEL_DIFF_H
#define CPROF_MODEL_DIFF_H
#include "model/table.h"
#include <stddef.h>
#include <stdint.h>

enum diff_status {
	DIFF_BOTH, /* a row in both profiles */
	DIFF_NEW,  /* only in the new profile */
	DIFF_GONE, /* only in the base profile: vanished */
};

#define DIFF_ABSENT (UINT32_MAX - 1) /* base_id or new_id of a row one profile lacks */

struct diff_row {
	const char *name;    /* by function: its name; else NULL */
	const char *path;    /* its file (OUTSIDE_LABEL for the outside row but by function: "") */
	uint32_t line;       /* by function: its first line; by line: the line; else 0 */
	uint32_t base_id, new_id; /* the row's id in each table (table_row.id), or DIFF_ABSENT */
	uint64_t base_self, new_self;
	double base_pct, new_pct, delta_pct;
	enum diff_status status;
};

/* The matched rows of base and cur (rows with samples in either), sorted by
 * the size of the change (|delta_pct|, largest first), ties by name, path,
 * line. Returns the count; *rows is malloc'd, the strings belong to the
 * profiles (the new one's where both have the row). */
size_t diff_build(struct profile *base, struct profile *cur, enum table_by by,
		  struct diff_row **rows);

#endif
