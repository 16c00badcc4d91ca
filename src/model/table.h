/* table.h — a profile as a sorted table of functions, lines or files, with
 * the row of samples outside profiled files: the one place the TUI's lists
 * and `--report` get their rows from, so they always agree.
 *
 * The outside row (id TABLE_OUTSIDE) is always there, even at 0: self then
 * adds up to all samples. Its label is OUTSIDE_LABEL, as the function's name
 * in a table by function, else as the path. */
#ifndef CPROF_MODEL_TABLE_H
#define CPROF_MODEL_TABLE_H
#include "model/profile.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTSIDE_LABEL "(outside profiled files)"
#define TABLE_OUTSIDE UINT32_MAX

enum table_by { TABLE_FUNCTION, TABLE_LINE, TABLE_FILE };
enum table_sort {
	SORT_SELF,  /* self, then total (descending) */
	SORT_TOTAL, /* total, then self (descending) */
	SORT_NAME,  /* function name (path where rows have no name) */
	SORT_PATH,  /* path, then line */
};

struct table_row {
	uint32_t id;         /* function, line or file index; TABLE_OUTSIDE */
	uint64_t self, total;
	const char *name;    /* by function: its name; else NULL */
	const char *path;    /* its file ("" for the outside row by function) */
	uint32_t line;       /* by function: its first line; by line: the line; else 0 */
	bool profiled;       /* its file is in the profiled set */
	uint32_t lines_hit;  /* by file: distinct lines with samples */
};

/* The rows of p (aggregates brought up to date first): those with samples,
 * or every one when `all`, and the outside row; sorted by `sort`, ties
 * broken by self, total (descending), name, path, line, id. Returns the
 * count; *rows is malloc'd, the strings are the profile's. */
size_t table_build(struct profile *p, enum table_by by, enum table_sort sort, bool all,
		   struct table_row **rows);

/* The processes as a tree by parent: each after its parent, siblings in
 * the order they started. A process's parent is the process of its ppid
 * that was running when it started. */
struct process_row {
	uint32_t id;         /* index in processes */
	uint32_t depth;      /* 0 for a root */
};
size_t table_processes(const struct profile *p, struct process_row **rows);

#endif
