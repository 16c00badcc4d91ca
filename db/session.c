/* session.c — creating and opening session files: the schema, the checks
 * that a file is a cprof-tui session this version can read, the lock of a
 * session being written, and reading from read-only media. */
#include "config.h"
#include "db/session-file.h"
#include "db/schema.h"
#include "model/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
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
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* after SQLite's own descriptors: releases the flock */
	free(s->profiled_done);
	free(s->path);
	free(s);
}

static struct db_session *session_new(const char *path)
{
	struct db_session *s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->lock_fd = -1;
	return s;
}

/* ---- writing: the lock, and what may be replaced ---- */

/* The application id SQLite reads from path (through its WAL), 0 when it
 * cannot be read. */
static int application_id(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int id = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return id;
}

/* Take the writer's lock on fd (the file at path): 0, or -1 with err. */
static int lock_session(int fd, const char *path, char *err, size_t errlen)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		db_set_err(err, errlen, "session %s is being written by another cprof-tui: let it "
			"finish, or choose another file with -o%s", path, "");
	else
		db_set_err(err, errlen, "cannot lock session file %s: %s (choose another with -o)",
			path, strerror(errno));
	return -1;
}

/* fd is open on the existing file at path: lock it, and check that it may
 * be replaced (see db_session_check_output). 0, or -1 with err. */
static int claim_existing(int fd, const char *path, bool force, char *err, size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		db_set_err(err, errlen, "%s is not a regular file: choose another session file with "
			"-o%s", path, "");
		return -1;
	}
	if (lock_session(fd, path, err, errlen))
		return -1;
	if (force || st.st_size == 0 ||
	    (db_is_session_file(path) && application_id(path) == DB_APPLICATION_ID))
		return 0;
	db_set_err(err, errlen, "%s exists and is not a cprof-tui session: choose another file "
		"with -o, or add --force to overwrite it%s", path, "");
	return -1;
}

/* The existing file at path, opened to be claimed: a descriptor, -1 when
 * there is none (ENOENT), -2 with err on another error. */
static int open_existing(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0 || errno == ENOENT)
		return fd;
	db_set_err(err, errlen, "cannot open %s: %s (choose another session file with -o)", path,
		strerror(errno));
	return -2;
}

int db_session_check_output(const char *path, bool force, char *err, size_t errlen)
{
	int fd = open_existing(path, err, errlen);
	if (fd < 0)
		return fd == -1 ? 0 : -1;
	int rc = claim_existing(fd, path, force, err, errlen);
	close(fd);
	return rc;
}

/* Replace whatever db_session_check_output allows at path with a new, empty
 * file locked by s->lock_fd. 0, or -1 with err. */
static int make_locked_file(struct db_session *s, bool force, char *err, size_t errlen)
{
	const char *path = s->path;
	int old = open_existing(path, err, errlen);
	if (old == -2)
		return -1;
	if (old >= 0 && claim_existing(old, path, force, err, errlen))
		goto fail;
	if (old >= 0 && unlink(path)) {
		db_set_err(err, errlen, "cannot replace session file %s: %s (choose another with -o)",
			path, strerror(errno));
		goto fail;
	}
	/* an old session's WAL would be read into the new file */
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (s->lock_fd < 0 && errno == EEXIST) /* another writer made it just now */
		db_set_err(err, errlen, "session %s is being written by another cprof-tui: let it "
			"finish, or choose another file with -o%s", path, "");
	else if (s->lock_fd < 0)
		db_set_err(err, errlen, "cannot create session file %s: %s (choose another with -o)",
			path, strerror(errno));
	if (s->lock_fd < 0 || lock_session(s->lock_fd, path, err, errlen))
		goto fail;
	if (old >= 0)
		close(old);
	return 0;
fail:
	if (old >= 0)
		close(old);
	return -1;
}

struct db_session *db_session_create(const char *path, bool force, char *err, size_t errlen)
{
	struct db_session *s = session_new(path);
	s->version = DB_SCHEMA_VERSION;
	if (make_locked_file(s, force, err, errlen))
		goto fail;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL)) {
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
	return s;
fail:
	session_free(s);
	return NULL;
}

/* ---- reading ---- */

/* "file:PATH?immutable=1", PATH percent-encoded where a URI needs it (an
 * absolute path after "file://", so that "//x" is not read as a host). */
static char *immutable_uri(const char *path)
{
	char *uri = xmalloc(strlen(path) * 3 + 32), *o = uri;
	o += sprintf(o, path[0] == '/' ? "file://" : "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if (*c == '?' || *c == '#' || *c == '%')
			o += sprintf(o, "%%%02X", *c);
		else
			*o++ = (char)*c;
	}
	strcpy(o, "?immutable=1");
	return uri;
}

/* True when path's WAL file exists and is not empty: the latest commits
 * may be in it, and SQLite needs its -shm file beside it to read them. */
static bool wal_has_data(const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	struct stat st;
	bool data = stat(wal, &st) == 0 && st.st_size > 0;
	free(wal);
	return data;
}

/* Open path with flags (immutable: as a file nothing changes, which reads
 * no WAL and creates no -shm) and prepare the query of its schema version:
 * SQLite's result code. */
static int open_db(struct db_session *s, int flags, bool immutable, sqlite3_stmt **st)
{
	if (s->db)
		sqlite3_close(s->db);
	s->db = NULL;
	*st = NULL;
	char *uri = immutable ? immutable_uri(s->path) : NULL;
	int rc = sqlite3_open_v2(uri ? uri : s->path, &s->db, flags | (uri ? SQLITE_OPEN_URI : 0),
				 NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_busy_timeout(s->db, 2000);
	return sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
				  st, NULL);
}

/* Open s->path for toggles when `writable`, else only to read it. Read
 * only, it is opened as an immutable file when no WAL holds data (SQLite
 * then reads the file alone and makes no -wal or -shm beside it: nothing
 * changes, on read-only media too); otherwise read-only through its WAL,
 * which needs a -shm beside it. The schema query prepared in *st, or
 * SQLite's error code with err set. */
static int open_for_reading(struct db_session *s, bool writable, sqlite3_stmt **st, char *err,
			    size_t errlen)
{
	const char *path = s->path;
	int rc = SQLITE_CANTOPEN;
	if (writable) {
		rc = open_db(s, SQLITE_OPEN_READWRITE, false, st);
		if (rc == SQLITE_OK && sqlite3_db_readonly(s->db, "main") == 1) /* SQLite's fallback */
			snprintf(s->read_only, sizeof(s->read_only), "the file is write-protected");
		else if (rc == SQLITE_CANTOPEN) /* no -wal or -shm can be made */
			snprintf(s->read_only, sizeof(s->read_only), "its directory is read-only");
	}
	if (rc == SQLITE_CANTOPEN)
		rc = open_db(s, SQLITE_OPEN_READONLY, !wal_has_data(path), st);
	if (rc == SQLITE_CANTOPEN)
		db_set_err(err, errlen, "cannot read session %s where it is: its -wal file holds data "
			"and no -shm file can be made beside it (read-only media?): copy %s and its "
			"-wal file to a writable directory", path, path);
	else if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		db_set_err(err, errlen, "session %s is corrupt: %s (the file cannot be read)", path,
			sqlite3_errmsg(s->db));
	else if (rc)
		db_set_err(err, errlen, "%s is a SQLite file but not a cprof-tui session (%s)", path,
			sqlite3_errmsg(s->db));
	return rc;
}

/* The schema_version of an opened file from its prepared query (finalized
 * here): the version, or -1 with err. */
static int read_version(struct db_session *s, sqlite3_stmt *st, char *err, size_t errlen)
{
	int rc = sqlite3_step(st);
	int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	if (rc != SQLITE_ROW)
		db_set_err(err, errlen, "%s is not a cprof-tui session (%s)", s->path,
			rc == SQLITE_DONE ? "no schema_version in meta" : sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (version > DB_SCHEMA_VERSION) {
		char v[32];
		snprintf(v, sizeof(v), "%d", version);
		db_set_err(err, errlen,
			"session %s has schema version %s, newer than this cprof-tui reads "
			"(" CPROF_STR(DB_SCHEMA_VERSION) "): upgrade cprof-tui", s->path, v);
		return -1;
	}
	if (version < 1) {
		db_set_err(err, errlen, "session %s has an invalid schema_version%s", s->path, "");
		return -1;
	}
	return version;
}

struct db_session *db_session_open(const char *path, bool read_only, char *err, size_t errlen)
{
	struct db_session *s = session_new(path);
	if (access(path, R_OK)) {
		db_set_err(err, errlen, "cannot open session %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!db_is_session_file(path)) {
		db_set_err(err, errlen, "%s is not a cprof-tui session (no SQLite header)%s", path,
			"; to profile a program, give its path instead");
		goto fail;
	}
	bool writable = !read_only;
	if (writable && access(path, W_OK)) {
		snprintf(s->read_only, sizeof(s->read_only), "%s", strerror(errno));
		writable = false;
	}
	if (read_only)
		snprintf(s->read_only, sizeof(s->read_only), "opened read-only");
	sqlite3_stmt *st;
	if (open_for_reading(s, writable, &st, err, errlen))
		goto fail;
	s->version = read_version(s, st, err, errlen);
	if (s->version < 0)
		goto fail;
	if (!s->read_only[0] && db_writer_prepare(s)) {
		db_set_err(err, errlen, "session %s is not a cprof-tui session: %s", path,
			sqlite3_errmsg(s->db));
		goto fail;
	}
	return s;
fail:
	session_free(s);
	return NULL;
}

size_t db_session_samples_written(const struct db_session *s)
{
	return s->done.samples;
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
