/* sesstest.h — what the session file's unit tests share: a private
 * directory for their files (made by mkdtemp(unit_dir) in main) and a value
 * read back with SQL, as a user of the file would. */
#ifndef CPROF_TESTS_SESSTEST_H
#define CPROF_TESTS_SESSTEST_H
#include <sqlite3.h>
#include <stdio.h>

static char unit_dir[] = "/tmp/cprof-unit-XXXXXX";

/* unit_dir/name, in one of four rotating buffers. */
static inline char *in_dir(const char *name)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", unit_dir, name);
	return buf[k];
}

/* The first column of the first row of sql on db (read-only), or -1. */
static inline long long sql_value(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v;
}

#endif
