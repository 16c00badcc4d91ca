/* test-session.c — the session file: a profile written in two syncs loads
 * back identical; the line_hits/function_hits views agree with the model,
 * before and after a profiled toggle saved to the file (a function is one
 * row at its own file, whatever files its lines are in); a sync waits for a
 * lock another process holds on the file instead of failing; a file of
 * schema version 1 opens, loads and saves toggles; processes (a pid used
 * twice), their threads and the focus load back, and narrowing and focus
 * count the same after a reload; foreign, corrupt,
 * truncated and newer-schema files are refused with a reason. */
#include "config.h"
#include "check.h"
#include "sesstest.h"
#include "model/profile.h"
#include "db/session.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A small profile: user.c calls memset (libc) and a helper; work() has a
 * line in user.h too (code the compiler brought from the header). */
static void fill(struct profile *p, int from, int to)
{
	uint32_t user = profile_file(p, "/src/app/user.c", true);
	uint32_t libc = profile_file(p, "/usr/lib/libc.so.6", false);
	uint32_t hdr = profile_file(p, "/src/app/user.h", true);
	uint32_t fm = profile_frame(p, "memset", libc, libc, 0, 0, "/usr/lib/libc.so.6", FRAME_NO_LINE);
	uint32_t fw = profile_frame(p, "work", user, user, 10, 8, "/src/app/a.out", 0);
	uint32_t fwh = profile_frame(p, "work", user, hdr, 5, 8, "/src/app/a.out", 0);
	uint32_t fh = profile_frame(p, "helper", user, user, 30, 29, "/src/app/a.out", FRAME_INLINED);
	uint32_t fmain = profile_frame(p, "main", user, user, 50, 45, "/src/app/a.out", 0);
	uint32_t s1 = profile_stack(p, (uint32_t[]){fm, fw, fmain}, 3, 0);
	uint32_t s2 = profile_stack(p, (uint32_t[]){fh, fw, fmain}, 3, 0);
	uint32_t s3 = profile_stack(p, (uint32_t[]){fm}, 1, STACK_INCOMPLETE);
	uint32_t s4 = profile_stack(p, (uint32_t[]){fwh, fmain}, 2, 0);
	uint32_t t0 = check_thread(p, 100, "main-thread"), t1 = check_thread(p, 101, "worker");
	for (int i = from; i < to; i++)
		profile_add_sample(p, (uint64_t)i * 1000, i % 2 ? t1 : t0,
				   i % 10 == 0 ? s3 : i % 7 == 0 ? s4 : i % 3 ? s1 : s2);
}

/* Another process takes the session's write lock and keeps it for ms
 * milliseconds (as a sqlite3 shell or a checkpoint briefly does); returns
 * once the lock is held, with the child's pid. */
static pid_t hold_write_lock(const char *db, int ms)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		sqlite3 *h;
		char ok = 0;
		if (sqlite3_open(db, &h) == SQLITE_OK &&
		    sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
			ok = 1;
		if (write(fd[1], &ok, 1) != 1)
			_exit(1);
		usleep(ms * 1000);
		sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(h);
		_exit(0);
	}
	char ok = 0;
	if (pid < 0 || read(fd[0], &ok, 1) != 1 || !ok)
		pid = -1;
	close(fd[0]);
	close(fd[1]);
	return pid;
}

static void check_views_match(const char *db, struct profile *p)
{
	profile_update(p);
	char sql[512];
	for (size_t i = 0; i < p->nlines; i++) {
		const struct pline *l = &p->lines[i];
		snprintf(sql, sizeof(sql),
			 "SELECT self * 1000000 + total FROM line_hits WHERE path = '%s' AND line = %u",
			 p->files[l->file].path, l->line);
		CHECK_EQ(sql_value(db, sql), (long long)(l->self * 1000000 + l->total));
	}
	for (size_t i = 0; i < p->nfuncs; i++) {
		const struct pfunc *f = &p->funcs[i];
		snprintf(sql, sizeof(sql),
			 "SELECT self * 1000000 + total FROM function_hits WHERE function = '%s' "
			 "AND path = '%s'", profile_func_name(p, (uint32_t)i), p->files[f->file].path);
		CHECK_EQ(sql_value(db, sql), (long long)(f->self * 1000000 + f->total));
	}
	CHECK_EQ(sql_value(db, "SELECT self FROM line_hits WHERE path = '(outside profiled files)'"),
		 (long long)p->outside);
	CHECK_EQ(sql_value(db, "SELECT sum(self) FROM line_hits"), (long long)p->counted);
}

static void expect_refused(const char *path, const char *why_substring)
{
	char err[512] = "";
	struct db_session *s = db_session_open(path, false, err, sizeof(err));
	CHECK(s == NULL);
	if (!strstr(err, why_substring))
		printf("  refusal of %s says: %s (expected to mention '%s')\n", path, err,
		       why_substring);
	CHECK(strstr(err, why_substring) != NULL);
	db_session_close(s);
}

/* A file of schema version 1 (frames without function_file_id), as the
 * cprof-tui of that version wrote it: it loads, each function at its
 * frames' file, and a toggle is saved to it. */
static void check_version1(void)
{
	const char *db = in_dir("v1.db");
	sqlite3 *h;
	CHECK(sqlite3_open(db, &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h,
		"CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
		"CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT UNIQUE, profiled INTEGER NOT NULL,"
		"  system INTEGER NOT NULL DEFAULT 0);"
		"CREATE TABLE frames(id INTEGER PRIMARY KEY, function TEXT NOT NULL, file_id INTEGER NOT NULL,"
		"  line INTEGER NOT NULL, function_line INTEGER NOT NULL DEFAULT 0, module TEXT,"
		"  flags INTEGER NOT NULL);"
		"CREATE TABLE stacks(id INTEGER PRIMARY KEY, depth INTEGER NOT NULL, flags INTEGER NOT NULL);"
		"CREATE TABLE stack_frames(stack_id INTEGER NOT NULL, depth INTEGER NOT NULL,"
		"  frame_id INTEGER NOT NULL, PRIMARY KEY(stack_id, depth)) WITHOUT ROWID;"
		"CREATE TABLE samples(time_us INTEGER NOT NULL, tid INTEGER NOT NULL, stack_id INTEGER NOT NULL);"
		"CREATE TABLE threads(tid INTEGER PRIMARY KEY, name TEXT, samples INTEGER NOT NULL);"
		"INSERT INTO meta VALUES('schema_version', 1), ('command', './old'), ('samples', 3);"
		"INSERT INTO files VALUES(0, '/src/old/main.c', 1, 0), (1, '/usr/lib/libc.so.6', 0, 1);"
		"INSERT INTO frames VALUES(0, 'work', 0, 12, 10, '/src/old/a.out', 0),"
		"  (1, 'main', 0, 30, 28, '/src/old/a.out', 0), (2, 'memset', 1, 0, 0, '/usr/lib/libc.so.6', 2);"
		"INSERT INTO stacks VALUES(0, 2, 0), (1, 3, 0);"
		"INSERT INTO stack_frames VALUES(0, 0, 0), (0, 1, 1), (1, 0, 2), (1, 1, 0), (1, 2, 1);"
		"INSERT INTO samples VALUES(1000, 7, 0), (2000, 7, 1), (3000, 8, 1);"
		"INSERT INTO meta VALUES('pid', 7);"
		"INSERT INTO threads VALUES(7, 'old', 2);", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	char err[512] = "";
	struct profile *p = profile_new();
	struct db_session *s = db_session_open(db, false, err, sizeof(err));
	CHECK(s != NULL);
	CHECK_EQ(s ? db_session_load(s, p, err, sizeof(err)) : -1, 0);
	CHECK_EQ(p->nsamples, 3);
	CHECK_EQ(p->nfuncs, 3);
	/* one process, from meta; thread 8 (no row of its own) from its sample */
	CHECK_EQ(p->nprocesses, 1);
	CHECK_EQ(p->processes[0].pid, 7);
	CHECK_EQ(p->processes[0].samples, 3);
	CHECK_EQ(p->nthreads, 2);
	for (size_t i = 0; i < p->nthreads; i++)
		CHECK_EQ(p->threads[i].process, 1);
	int64_t main_c = profile_find_file(p, "/src/old/main.c");
	for (size_t i = 0; i < p->nframes; i++)
		CHECK_EQ(p->funcs[p->frames[i].func].file, p->frames[i].file);
	profile_update(p);
	CHECK_EQ(p->outside, 0);
	int64_t libc = profile_find_file(p, "/usr/lib/libc.so.6");
	CHECK(main_c >= 0 && libc >= 0);
	profile_set_profiled(p, (uint32_t)libc, true, true);
	CHECK_EQ(s ? db_session_sync(s, p, err, sizeof(err)) : -1, 0);
	CHECK_EQ(sql_value(db, "SELECT profiled FROM files WHERE path = '/usr/lib/libc.so.6'"), 1);
	CHECK_EQ(sql_value(db, "SELECT value FROM meta WHERE key = 'schema_version'"), 1);
	db_session_close(s);
	profile_free(p);
}

/* A runner (pid 10) and its children: pid 11 twice (the second a new
 * process), one killed by a signal, one let go. */
static void check_processes(void)
{
	const char *db = in_dir("procs.db");
	char err[512] = "";
	struct profile *p = profile_new();
	p->command = strdup("./runner");
	p->pid = 10;
	uint32_t user = profile_file(p, "/src/t.c", true);
	uint32_t fmain = profile_frame(p, "main", user, user, 5, 1, "/t", 0);
	uint32_t fwork = profile_frame(p, "ns::work(int)", user, user, 9, 8, "/t", 0);
	uint32_t s_main = profile_stack(p, (uint32_t[]){fmain}, 1, 0);
	uint32_t s_work = profile_stack(p, (uint32_t[]){fwork, fmain}, 2, 0);
	uint32_t r = profile_process_add(p, 10, 1, "/bin/sh ./runner", 0);
	uint32_t a = profile_process_add(p, 11, 10, "./t parse", 100);
	uint32_t ta = profile_thread_add(p, 11, 11, "t"), tr = profile_thread_add(p, 10, 10, "sh");
	for (int i = 0; i < 30; i++)
		profile_add_sample(p, 200 + (uint64_t)i, ta, i % 3 ? s_work : s_main);
	profile_add_sample(p, 300, tr, s_main);
	profile_process_end(p, a, 400, -9);
	struct db_session *w = db_session_create(db, false, err, sizeof(err));
	CHECK(w && db_session_sync(w, p, err, sizeof(err)) == 0);
	uint32_t b = profile_process_add(p, 11, 10, "./t sort", 500); /* pid 11 again */
	uint32_t tb = profile_thread_add(p, 11, 11, "t");
	for (int i = 0; i < 10; i++)
		profile_add_sample(p, 600 + (uint64_t)i, tb, s_work);
	profile_process_end(p, b, 700, 3);
	profile_process_let_go(p, profile_process_add(p, 12, 10, "strace ./t", 800));
	profile_process_end(p, r, 900, 0);
	CHECK(w && db_session_sync(w, p, err, sizeof(err)) == 0);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM processes"), 4);
	CHECK_EQ(sql_value(db, "SELECT sum(samples) FROM processes"), 41);
	CHECK_EQ(sql_value(db, "SELECT samples FROM processes WHERE command = './t parse'"), 30);
	CHECK_EQ(sql_value(db, "SELECT exit_status FROM processes WHERE command = './t parse'"), -9);
	CHECK_EQ(sql_value(db, "SELECT exit_status FROM processes WHERE command = './t sort'"), 3);
	CHECK_EQ(sql_value(db, "SELECT followed FROM processes WHERE pid = 12"), 0);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM processes WHERE pid = 12 AND ended_us IS NULL"), 1);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM threads WHERE pid = 11"), 2);
	db_session_close(w);

	struct profile *q = profile_new();
	struct db_session *s = db_session_open(db, false, err, sizeof(err));
	CHECK(s && db_session_load(s, q, err, sizeof(err)) == 0);
	CHECK_EQ(q->nprocesses, 4);
	CHECK_EQ(q->nthreads, 3);
	for (size_t i = 0; i < q->nprocesses && i < p->nprocesses; i++) {
		CHECK_EQ(q->processes[i].samples, p->processes[i].samples);
		CHECK_EQ(q->processes[i].exit_status, p->processes[i].exit_status);
		CHECK_EQ(q->processes[i].ended_us, p->processes[i].ended_us);
		CHECK_EQ(q->processes[i].followed, p->processes[i].followed);
	}
	/* narrowed to pid 11: both of its processes; then a focus on work */
	profile_narrow(q, 11);
	CHECK_EQ(q->counted, 40);
	profile_narrow(q, 0);
	const char *focus[] = {"work"};
	profile_set_focus(q, focus, 1);
	CHECK_EQ(q->counted, 30);
	CHECK_EQ(q->out_of_focus, 11);
	CHECK_EQ(q->processes[b].samples, 10);
	CHECK(s && db_session_sync(s, q, err, sizeof(err)) == 0);
	db_session_close(s);
	struct profile *q2 = profile_new();
	s = db_session_open(db, true, err, sizeof(err));
	CHECK(s && db_session_load(s, q2, err, sizeof(err)) == 0);
	CHECK_EQ(q2->nfocus, 1);
	CHECK_EQ(q2->counted, 30);
	db_session_close(s);
	profile_free(p);
	profile_free(q);
	profile_free(q2);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

int main(void)
{
	char err[512];
	if (!mkdtemp(unit_dir)) {
		perror("mkdtemp");
		return 1;
	}
	const char *db = in_dir("s.db");

	/* write in two syncs, as the recorder does */
	struct profile *p = profile_new();
	p->command = strdup("./a.out --fast");
	p->pid = 4242;
	p->frequency_hz = 999;
	p->started_at = strdup("2026-11-25T10:00:00Z");
	p->ended_at = strdup("2026-11-25T10:00:05Z");
	struct db_session *w = db_session_create(db, false, err, sizeof(err));
	CHECK(w != NULL);
	if (!w) {
		printf("%s\n", err);
		return 1;
	}
	fill(p, 0, 40);
	CHECK_EQ(db_session_sync(w, p, err, sizeof(err)), 0);
	/* readable while being written */
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM samples"), 40);
	fill(p, 40, 100);
	CHECK_EQ(db_session_sync(w, p, err, sizeof(err)), 0);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM samples"), 100);
	/* a lock held elsewhere for a moment delays a sync, it does not fail it
	 * (seen: "database is locked" from a shell reading the file just created) */
	pid_t holder = hold_write_lock(db, 200);
	CHECK(holder > 0);
	CHECK_EQ(db_session_sync(w, p, err, sizeof(err)), 0);
	if (holder > 0)
		waitpid(holder, NULL, 0);
	CHECK_EQ(sql_value(db, "SELECT value FROM meta WHERE key = 'samples'"), 100);
	CHECK_EQ(sql_value(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
		 DB_SCHEMA_VERSION);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM stacks"), 4);
	/* work() is one row, at its own file, with the self of both its files */
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM function_hits WHERE function = 'work'"), 1);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM function_hits WHERE function = 'work' "
				"AND path = '/src/app/user.c'"), 1);
	CHECK_EQ(sql_value(db, "SELECT samples FROM threads WHERE tid = 101"), 50);
	check_views_match(db, p);

	/* load it back */
	struct profile *q = profile_new();
	struct db_session *r = db_session_open(db, false, err, sizeof(err));
	CHECK(r != NULL);
	CHECK_EQ(r ? db_session_load(r, q, err, sizeof(err)) : -1, 0);
	CHECK_EQ(q->nsamples, 100);
	CHECK_EQ(q->nframes, p->nframes);
	CHECK_EQ(q->nstacks, p->nstacks);
	CHECK_EQ(q->pid, 4242);
	CHECK(q->command && !strcmp(q->command, "./a.out --fast"));
	CHECK_EQ(q->counters.incomplete, p->counters.incomplete);
	profile_update(q);
	profile_update(p);
	for (size_t i = 0; i < p->nlines; i++) {
		int64_t k = profile_find_line(q, (uint32_t)profile_find_file(q, p->files[p->lines[i].file].path),
					      p->lines[i].line);
		CHECK(k >= 0);
		if (k >= 0) {
			CHECK_EQ(q->lines[k].self, p->lines[i].self);
			CHECK_EQ(q->lines[k].total, p->lines[i].total);
		}
	}
	CHECK_EQ(q->outside, p->outside);

	/* a toggle saved through the reader is what the views show */
	int64_t libc = profile_find_file(q, "/usr/lib/libc.so.6");
	CHECK(libc >= 0);
	profile_set_profiled(q, (uint32_t)libc, true, true);
	CHECK_EQ(db_session_sync(r, q, err, sizeof(err)), 0);
	CHECK_EQ(sql_value(db, "SELECT profiled FROM files WHERE path = '/usr/lib/libc.so.6'"), 1);
	check_views_match(db, q);
	db_session_close(r);
	db_session_close(w);

	/* and the toggle survives a reload */
	struct profile *q2 = profile_new();
	r = db_session_open(db, false, err, sizeof(err));
	CHECK(r && db_session_load(r, q2, err, sizeof(err)) == 0);
	int64_t libc2 = profile_find_file(q2, "/usr/lib/libc.so.6");
	CHECK(libc2 >= 0 && q2->files[libc2].profiled);
	db_session_close(r);

	check_version1();
	check_processes();

	/* refusals */
	expect_refused(in_dir("missing.db"), "No such file");
	write_file(in_dir("text.db"), "hello, not a database\n", 22);
	expect_refused(in_dir("text.db"), "not a cprof-tui session");
	sqlite3 *h;
	CHECK(sqlite3_open(in_dir("foreign.db"), &h) == SQLITE_OK);
	sqlite3_exec(h, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", NULL, NULL, NULL);
	sqlite3_close(h);
	expect_refused(in_dir("foreign.db"), "not a cprof-tui session");
	CHECK(sqlite3_open(in_dir("newer.db"), &h) == SQLITE_OK);
	sqlite3_exec(h, "CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
			"INSERT INTO meta VALUES('schema_version', 99);", NULL, NULL, NULL);
	sqlite3_close(h);
	expect_refused(in_dir("newer.db"), "upgrade cprof-tui");
	/* a file with the SQLite header and garbage after it */
	char junk[8192];
	memset(junk, 0x5a, sizeof(junk));
	memcpy(junk, "SQLite format 3", 16);
	write_file(in_dir("corrupt.db"), junk, sizeof(junk));
	expect_refused(in_dir("corrupt.db"), "corrupt");

	profile_free(p);
	profile_free(q);
	profile_free(q2);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", unit_dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", unit_dir);
	return check_done("test-session");
}
