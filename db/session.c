/* session.c — creating and opening session files: the schema, the checks
 * that a file is a cprof-tui session this version can read. */
#include "config.h"
#include "db/session-file.h"
#include "db/schema.h"
#include "model/xalloc.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 'cprf': marks a SQLite file as a cprof-tui session. */
#define DB_APPLICATION_ID 0x63707266
#define CPROF_STR2(x) #x
#define CPROF_STR(x) CPROF_STR2(x)

static const char sqlite_magic[16] = "SQLite format 3";

bool db_is_session_file(const char *path)
{
	char head[16];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return n == sizeof(head) && memcmp(head, sqlite_magic, sizeof(head)) == 0;
}

static void session_free(struct db_session *s)
{
	db_writer_finalize(s);
	if (s->db)
		sqlite3_close(s->db);
	free(s->profiled_done);
	free(s->path);
	free(s);
}

struct db_session *db_session_create(const char *path, char *err, size_t errlen)
{
	struct db_session *s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->version = DB_SCHEMA_VERSION;
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	if ((unlink(path) && errno != ENOENT)) {
		db_set_err(err, errlen, "cannot replace session file %s: %s (choose another with -o)",
			path, strerror(errno));
		goto fail;
	}
	unlink(wal);
	unlink(shm);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		db_set_err(err, errlen, "cannot create session file %s: %s (choose another with -o)",
			path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	/* a reader may open the file the moment it exists (a sqlite3 shell
	 * watching it): wait for its lock rather than fail */
	sqlite3_busy_timeout(s->db, 2000);
	char *sql = xasprintf("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
			      "PRAGMA application_id=%d; BEGIN;" DB_SCHEMA_SQL
			      "INSERT INTO meta VALUES('schema_version', %d); COMMIT;",
			      DB_APPLICATION_ID, DB_SCHEMA_VERSION);
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	free(sql);
	if (rc || db_writer_prepare(s)) {
		db_set_err(err, errlen, "cannot write session file %s: %s", path,
			msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		goto fail;
	}
	free(wal);
	free(shm);
	return s;
fail:
	free(wal);
	free(shm);
	session_free(s);
	return NULL;
}

struct db_session *db_session_open(const char *path, char *err, size_t errlen)
{
	struct db_session *s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	if (access(path, R_OK)) {
		db_set_err(err, errlen, "cannot open session %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!db_is_session_file(path)) {
		db_set_err(err, errlen, "%s is not a cprof-tui session (no SQLite header)%s", path,
			"; to profile a program, give its path instead");
		goto fail;
	}
	int flags = access(path, W_OK) == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(path, &s->db, flags, NULL)) {
		db_set_err(err, errlen, "cannot open session %s: %s", path,
			s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 2000);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'",
				    -1, &st, NULL);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
		db_set_err(err, errlen, "session %s is corrupt: %s (the file cannot be read)", path,
			sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		goto fail;
	}
	if (rc) {
		db_set_err(err, errlen, "%s is a SQLite file but not a cprof-tui session (%s)", path,
			sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		goto fail;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		db_set_err(err, errlen, "%s is not a cprof-tui session (%s)", path,
			rc == SQLITE_DONE ? "no schema_version in meta" : sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		goto fail;
	}
	int version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > DB_SCHEMA_VERSION) {
		char v[32];
		snprintf(v, sizeof(v), "%d", version);
		db_set_err(err, errlen,
			"session %s has schema version %s, newer than this cprof-tui reads "
			"(" CPROF_STR(DB_SCHEMA_VERSION) "): upgrade cprof-tui", path, v);
		goto fail;
	}
	if (version < 1) {
		db_set_err(err, errlen, "session %s has an invalid schema_version%s", path, "");
		goto fail;
	}
	s->version = version;
	if (flags == SQLITE_OPEN_READWRITE && db_writer_prepare(s)) {
		db_set_err(err, errlen, "session %s is not a cprof-tui session: %s", path,
			sqlite3_errmsg(s->db));
		goto fail;
	}
	return s;
fail:
	session_free(s);
	return NULL;
}

const char *db_session_path(const struct db_session *s)
{
	return s->path;
}

void db_session_close(struct db_session *s)
{
	if (s)
		session_free(s);
}
