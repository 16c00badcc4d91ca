/* fuzz-session.c — libFuzzer target: the session reader on hostile files.
 *
 * An input is one of two things:
 *  - a whole session file (it starts with the SQLite header): real sessions
 *    from the corpus, truncated and with bytes flipped by the fuzzer;
 *  - SQL (anything else): run on a copy of a real session (FUZZ_BASE, or
 *    $CPROF_FUZZ_BASE), as a user or an attacker with sqlite3 would edit it
 *    (ids, counts, names, NULLs, the schema itself with writable_schema).
 * The file is then read as cprof-tui reads it: opened for --report and
 * loaded, every table (and the processes) printed in every format, in every
 * metric it has, exported in every format, diffed against itself; then
 * opened for browsing, a file toggled and the toggle saved. Any crash, leak or
 * undefined behaviour is a finding (built with ASan and UBSan, see
 * tests/fuzz/fuzz.sh).
 */
#include "config.h"
#include "app/export.h"
#include "app/report.h"
#include "db/session.h"
#include "model/profile.h"
#include "model/table.h"
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_BASE
#define FUZZ_BASE "tests/fuzz/corpus/base.db"
#endif

static char path[4096];
static unsigned char *base;
static size_t base_len;
static FILE *devnull;

static void remove_session(void)
{
	char side[4200];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static void write_file(const uint8_t *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n) {
		perror(path);
		abort();
	}
	fclose(f);
}

/* SQL runs for a bounded number of VM steps: a recursive query is not a
 * finding. */
static int stop_runaway(void *steps)
{
	return ++*(long *)steps > 2000;
}

static void apply_sql(const uint8_t *data, size_t n)
{
	write_file(base, base_len);
	char *sql = malloc(n + 1);
	memcpy(sql, data, n);
	sql[n] = '\0';
	sqlite3 *db;
	long steps = 0;
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_progress_handler(db, 1000, stop_runaway, &steps);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	sqlite3_close(db);
	free(sql);
}

static void read_session(void)
{
	char err[1024];
	struct profile *p = profile_new();
	struct db_session *s = db_session_open(path, true, err, sizeof(err));
	if (s && db_session_load(s, p, err, sizeof(err)) == 0) {
		profile_update(p);
		for (int fmt = FORMAT_TEXT; fmt <= FORMAT_JSON; fmt++) {
			for (int by = TABLE_FUNCTION; by <= TABLE_FILE; by++)
				report_print(devnull, p, by, fmt, 0);
			report_processes(devnull, p, fmt, 0);
		}
		report_summary(devnull, p, path, 1.0);
		for (int m = METRIC_CPU; m < METRIC_COUNT && (m == METRIC_CPU || p->alloc_interval); m++) {
			profile_set_metric(p, (enum metric)m);
			profile_update(p);
			report_print(devnull, p, TABLE_LINE, FORMAT_TSV, 0);
		}
		profile_set_metric(p, METRIC_CPU);
		profile_update(p);
		export_folded(devnull, p);
		export_speedscope(devnull, p);
		export_pprof(devnull, p);
		export_callgrind(devnull, p);
		for (int by = TABLE_FUNCTION; by <= TABLE_FILE; by++)
			report_diff(devnull, p, path, p, path, by, FORMAT_JSON, 0);
	}
	db_session_close(s);
	profile_free(p);

	/* browsing: a toggle saved */
	p = profile_new();
	s = db_session_open(path, false, err, sizeof(err));
	if (s && db_session_load(s, p, err, sizeof(err)) == 0 && p->nfiles) {
		profile_set_profiled(p, 0, !p->files[0].profiled, true);
		profile_update(p);
		db_session_sync(s, p, err, sizeof(err));
	}
	db_session_close(s);
	profile_free(p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *b = getenv("CPROF_FUZZ_BASE") ? getenv("CPROF_FUZZ_BASE") : FUZZ_BASE;
	FILE *f = fopen(b, "rb");
	if (!f) {
		perror(b);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	base_len = (size_t)ftell(f);
	rewind(f);
	base = malloc(base_len);
	if (fread(base, 1, base_len, f) != base_len)
		exit(2);
	fclose(f);
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(path, sizeof(path), "%s/cprof-fuzz-%d.db", tmp, (int)getpid());
	devnull = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const char magic[16] = "SQLite format 3";
	remove_session();
	if (n >= sizeof(magic) && memcmp(data, magic, sizeof(magic)) == 0)
		write_file(data, n);
	else
		apply_sql(data, n);
	read_session();
	remove_session();
	return 0;
}
