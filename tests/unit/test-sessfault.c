/* test-sessfault.c — the session file under faults and hostile input:
 *  - a sync that fails half-way (the disk full) leaves the file as the last
 *    commit left it, and the next sync writes everything since;
 *  - ids from a file are mapped whatever their value (2^62, 2^40, 3e9, < 0),
 *    without memory in proportion to them; an id given twice is refused;
 *  - an error about a hostile file (its schema quoting escapes) is one line
 *    without a control character;
 *  - a file opened read-only is never changed, a damaged WAL included;
 *  - a session being written is locked: a second writer is refused, and a
 *    killed writer's lock is gone with it;
 *  - only an empty file or a cprof-tui session is replaced, unless forced. */
#include "config.h"
#include "check.h"
#include "sesstest.h"
#include "db/session-file.h"
#include "model/profile.h"
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Samples from..to-1 of a small two-file profile, a stack and a frame new
 * every 10 samples, so that each sync appends rows to every table. */
static void fill(struct profile *p, int from, int to)
{
	uint32_t user = profile_file(p, "/src/user.c", true);
	uint32_t fmain = profile_frame(p, "main", user, user, 50, 45, "/src/a.out", 0);
	for (int i = from; i < to; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%d", i / 10);
		uint32_t file = profile_file(p, i / 10 % 2 ? "/src/odd.c" : "/src/user.c", true);
		uint32_t f = profile_frame(p, name, file, file, (uint32_t)i / 10, 1, "/src/a.out", 0);
		uint32_t st = profile_stack(p, (uint32_t[]){f, fmain}, 2, 0);
		profile_add_sample(p, (uint64_t)i * 1000, check_thread(p, 100 + i % 3, "t"), st);
	}
}

static int exec_sql(const char *db, const char *sql)
{
	sqlite3 *h;
	int rc = sqlite3_open(db, &h);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		printf("  %s: %s: %s\n", db, sql, sqlite3_errmsg(h));
	sqlite3_close(h);
	return rc;
}

static void remove_session(const char *path)
{
	char side[300];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/* Load path into a new profile: its sample count, or -1 with err. */
static long long load(const char *path, bool read_only, char *err, size_t errlen)
{
	struct profile *p = profile_new();
	struct db_session *s = db_session_open(path, read_only, err, errlen);
	long long n = s && db_session_load(s, p, err, errlen) == 0 ? (long long)p->nsamples : -1;
	db_session_close(s);
	profile_free(p);
	return n;
}

static bool has_control(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return true;
	return false;
}

/* A full disk in the middle of a sync (SQLite's page limit stands in for
 * it): the file keeps its last commit, and once there is room the next sync
 * writes all that was sampled since. Seen: the rows of the failed sync were
 * counted as written, the file read "frames refer to missing rows". */
static void check_failed_sync(void)
{
	const char *db = in_dir("full.db");
	char err[512] = "";
	struct profile *p = profile_new();
	struct db_session *w = db_session_create(db, false, err, sizeof(err));
	CHECK(w != NULL);
	if (!w)
		return;
	fill(p, 0, 200);
	CHECK_EQ(db_session_sync(w, p, err, sizeof(err)), 0);
	long long pages = sql_value(db, "PRAGMA page_count");
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", pages);
	sqlite3_exec(w->db, sql, NULL, NULL, NULL);
	fill(p, 200, 5000);
	CHECK_EQ(db_session_sync(w, p, err, sizeof(err)), -1);
	CHECK(strstr(err, "full") != NULL);
	CHECK_EQ(db_session_samples_written(w), 200);
	/* what was committed is there, and consistent */
	CHECK_EQ(load(db, true, err, sizeof(err)), 200);
	CHECK_EQ(sql_value(db, "SELECT value FROM meta WHERE key = 'samples'"), 200);
	CHECK_EQ(db_session_sync(w, p, err, sizeof(err)), -1); /* still full */
	sqlite3_exec(w->db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL);
	fill(p, 5000, 5100);
	CHECK_EQ(db_session_sync(w, p, err, sizeof(err)), 0);
	CHECK_EQ(db_session_samples_written(w), 5100);
	db_session_close(w);
	long long n = load(db, true, err, sizeof(err));
	if (n < 0)
		printf("  after the disk had room again: %s\n", err);
	CHECK_EQ(n, 5100);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM samples"), 5100);
	CHECK_EQ(sql_value(db, "SELECT value FROM meta WHERE key = 'samples'"), 5100);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM frames"), (long long)p->nframes);
	CHECK_EQ(sql_value(db, "SELECT sum(samples) FROM threads"), 5100);
	profile_free(p);
}

/* Ids are data: any value maps, in time and memory that do not grow with
 * it. Seen: files.id = 2^62 overflowed the map's size (heap overflow),
 * 2^40 aborted "out of memory", 3e9 took 29 s and 11.7 GB. */
static void check_ids(const char *good)
{
	static const char *const shifts[] = {"4611686018427387904", "1099511627776", "3000000000",
					     "-9000000000"};
	char err[512], sql[1024];
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	clock_t t0 = clock();
	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		const char *db = in_dir("ids.db");
		remove_session(db);
		snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", db);
		unlink(db);
		CHECK_EQ(exec_sql(good, sql), SQLITE_OK);
		const char *k = shifts[i];
		snprintf(sql, sizeof(sql),
			 "UPDATE files SET id = id + %s; UPDATE frames SET file_id = file_id + %s,"
			 " function_file_id = function_file_id + %s, id = id + %s;"
			 "UPDATE stack_frames SET frame_id = frame_id + %s;"
			 "UPDATE stacks SET id = id + %s; UPDATE stack_frames SET stack_id = stack_id + %s;"
			 "UPDATE samples SET stack_id = stack_id + %s;", k, k, k, k, k, k, k, k);
		CHECK_EQ(exec_sql(db, sql), SQLITE_OK);
		long long n = load(db, true, err, sizeof(err));
		if (n < 0)
			printf("  ids moved by %s: %s\n", k, err);
		CHECK_EQ(n, sql_value(good, "SELECT count(*) FROM samples"));
	}
	getrusage(RUSAGE_SELF, &after);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(secs < 5);
	CHECK(after.ru_maxrss - before.ru_maxrss < 200 * 1024); /* KiB */

	/* one id, two rows (a table without its primary key) */
	const char *db = in_dir("twice.db");
	snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", db);
	CHECK_EQ(exec_sql(good, sql), SQLITE_OK);
	CHECK_EQ(exec_sql(db, "PRAGMA legacy_alter_table = ON;"
			      "CREATE TABLE f2 AS SELECT * FROM files; DROP TABLE files;"
			      "ALTER TABLE f2 RENAME TO files;"
			      "INSERT INTO files SELECT id, path || '.dup', profiled, system FROM files;"),
		 SQLITE_OK);
	CHECK_EQ(load(db, true, err, sizeof(err)), -1);
	CHECK(strstr(err, "two rows of files have one id") != NULL);
}

/* SQLite's message about a damaged schema quotes the file: the error the
 * user sees is one line without a control character. */
static void check_error_escaped(const char *good)
{
	const char *db = in_dir("evil.db");
	char sql[512], err[1024] = "";
	snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", db);
	CHECK_EQ(exec_sql(good, sql), SQLITE_OK);
	CHECK_EQ(exec_sql(db, "PRAGMA writable_schema = ON; INSERT INTO sqlite_master VALUES("
			      "'table', 'x' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J',"
			      "'x', 0, 'CREATE TABLE' || char(27) || '[2J' || char(10) || 'second line')"),
		 SQLITE_OK);
	CHECK_EQ(load(db, true, err, sizeof(err)), -1);
	CHECK(err[0] != '\0');
	CHECK(!has_control(err));
	if (has_control(err))
		printf("  raw error: %s\n", err);
}

static void file_hash(const char *path, unsigned long long *h, long long *size)
{
	*h = 1469598103934665603ull;
	*size = -1;
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	int c;
	*size = 0;
	while ((c = fgetc(f)) != EOF) {
		*h = (*h ^ (unsigned)c) * 1099511628211ull;
		(*size)++;
	}
	fclose(f);
}

/* A writer killed with its last commits in the WAL, whose tail is then
 * damaged: reading it read-only changes neither the file nor its WAL.
 * Seen: --report opened it read-write, and closing checkpointed and deleted
 * the WAL. */
static void check_read_only(void)
{
	const char *db = in_dir("wal.db");
	char wal[300], err[512];
	snprintf(wal, sizeof(wal), "%s-wal", db);
	pid_t pid = fork();
	if (pid == 0) {
		struct profile *p = profile_new();
		struct db_session *w = db_session_create(db, false, err, sizeof(err));
		if (!w)
			_exit(1);
		sqlite3_wal_autocheckpoint(w->db, 0);
		for (int i = 0; i < 5; i++) {
			fill(p, i * 100, i * 100 + 100);
			db_session_sync(w, p, err, sizeof(err));
		}
		_exit(0); /* killed: nothing closed */
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	long long wal_size = -1;
	unsigned long long h;
	file_hash(wal, &h, &wal_size);
	CHECK(wal_size > 4096);
	int fd = open(wal, O_WRONLY);
	CHECK(fd >= 0);
	if (fd >= 0) { /* damage the last frame */
		CHECK(pwrite(fd, "damaged!", 8, wal_size - 100) == 8);
		close(fd);
	}
	unsigned long long db_before, wal_before, db_after, wal_after;
	long long n1, n2;
	file_hash(db, &db_before, &n1);
	file_hash(wal, &wal_before, &n2);
	long long n = load(db, true, err, sizeof(err));
	CHECK(n >= 300); /* the commits before the damaged one */
	file_hash(db, &db_after, &n1);
	file_hash(wal, &wal_after, &n2);
	CHECK(db_after == db_before);
	CHECK(wal_after == wal_before);
	CHECK_EQ(n2, wal_size);
	/* and a toggle cannot be saved to it */
	struct profile *p = profile_new();
	struct db_session *s = db_session_open(db, true, err, sizeof(err));
	CHECK(s && db_session_load(s, p, err, sizeof(err)) == 0);
	CHECK(s && db_session_sync(s, p, err, sizeof(err)) == -1 && strstr(err, "is read-only (opened read-only)"));
	db_session_close(s);
	profile_free(p);
}

/* A session being written is locked: a second writer is refused before it
 * changes anything; once the first is gone (closed, or killed: the kernel
 * drops its lock), the file may be written again. */
static void check_lock(void)
{
	const char *db = in_dir("locked.db");
	char err[512] = "";
	struct profile *p = profile_new();
	fill(p, 0, 50);
	struct db_session *a = db_session_create(db, false, err, sizeof(err));
	CHECK(a && db_session_sync(a, p, err, sizeof(err)) == 0);
	CHECK_EQ(db_session_check_output(db, true, err, sizeof(err)), -1);
	CHECK(strstr(err, "being written by another cprof-tui") != NULL);
	struct db_session *b = db_session_create(db, true, err, sizeof(err));
	CHECK(b == NULL);
	CHECK(strstr(err, "being written by another cprof-tui") != NULL);
	db_session_close(b);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM samples"), 50); /* a's file untouched */
	fill(p, 50, 80);
	CHECK(a && db_session_sync(a, p, err, sizeof(err)) == 0);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM samples"), 80);
	db_session_close(a);
	CHECK_EQ(db_session_check_output(db, false, err, sizeof(err)), 0);

	/* a writer killed with SIGKILL leaves no lock behind */
	int fd[2];
	CHECK(pipe(fd) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct db_session *w = db_session_create(db, false, err, sizeof(err));
		char c = w ? 1 : 0;
		if (write(fd[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c = 0;
	CHECK(read(fd[0], &c, 1) == 1 && c == 1);
	CHECK_EQ(db_session_check_output(db, false, err, sizeof(err)), -1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(fd[0]);
	close(fd[1]);
	struct db_session *d = db_session_create(db, false, err, sizeof(err));
	CHECK(d != NULL);
	if (!d)
		printf("  after the writer was killed: %s\n", err);
	db_session_close(d);
	profile_free(p);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* -o replaces a session or an empty file, never another file unless
 * forced. Seen: -o notes.txt destroyed the notes. */
static void check_replace(const char *good)
{
	char err[512] = "";
	const char *txt = in_dir("notes.txt");
	write_text(txt, "my notes\n");
	CHECK_EQ(db_session_check_output(txt, false, err, sizeof(err)), -1);
	CHECK(strstr(err, "not a cprof-tui session") && strstr(err, "--force"));
	CHECK(db_session_create(txt, false, err, sizeof(err)) == NULL);
	unsigned long long h;
	long long size;
	file_hash(txt, &h, &size);
	CHECK_EQ(size, 9);
	struct db_session *s = db_session_create(txt, true, err, sizeof(err));
	CHECK(s != NULL);
	db_session_close(s);
	/* a foreign SQLite file is not a session either */
	const char *other = in_dir("other.db");
	CHECK_EQ(exec_sql(other, "CREATE TABLE t(x)"), SQLITE_OK);
	CHECK_EQ(db_session_check_output(other, false, err, sizeof(err)), -1);
	/* an empty file, a session, nothing at all: replaced */
	const char *empty = in_dir("empty.db");
	write_text(empty, "");
	CHECK_EQ(db_session_check_output(empty, false, err, sizeof(err)), 0);
	CHECK_EQ(db_session_check_output(good, false, err, sizeof(err)), 0);
	CHECK_EQ(db_session_check_output(in_dir("none.db"), false, err, sizeof(err)), 0);
	/* not a regular file, even forced */
	CHECK_EQ(db_session_check_output(unit_dir, true, err, sizeof(err)), -1);
	CHECK(strstr(err, "not a regular file") != NULL);
}

int main(void)
{
	char err[512];
	if (!mkdtemp(unit_dir)) {
		perror("mkdtemp");
		return 1;
	}
	/* a good session to spoil */
	char good[256];
	snprintf(good, sizeof(good), "%s", in_dir("good.db"));
	struct profile *p = profile_new();
	fill(p, 0, 300);
	struct db_session *w = db_session_create(good, false, err, sizeof(err));
	CHECK(w && db_session_sync(w, p, err, sizeof(err)) == 0);
	db_session_close(w);
	profile_free(p);

	check_failed_sync();
	check_ids(good);
	check_error_escaped(good);
	check_read_only();
	check_lock();
	check_replace(good);

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", unit_dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", unit_dir);
	return check_done("test-sessfault");
}
