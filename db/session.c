#include "config.h"
#include "db/session.h"
#include "db/schema.h"
#include "model/xalloc.h"
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 'cprf': marks a SQLite file as a cprof-tui session. */
#define DB_APPLICATION_ID 0x63707266
#define CPROF_STR2(x) #x
#define CPROF_STR(x) CPROF_STR2(x)

static const char sqlite_magic[16] = "SQLite format 3";

struct db_session {
	sqlite3 *db;
	char *path;
	/* how much of the profile model is already in the file */
	size_t files_done, frames_done, stacks_done, samples_done;
	bool *profiled_done; /* files.profiled as last written */
	size_t cap_profiled;
	sqlite3_stmt *ins_file, *ins_frame, *ins_stack, *ins_stack_frame, *ins_sample,
		*ins_thread, *set_meta, *set_profiled;
};

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

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a, b);
}

static int prepare(struct db_session *s, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

static int prepare_writes(struct db_session *s)
{
	if (prepare(s, &s->ins_file, "INSERT INTO files(id, path, profiled, system) VALUES(?,?,?,?)") ||
	    prepare(s, &s->ins_frame, "INSERT INTO frames(id, function, file_id, line, function_line,"
				      " module, flags) VALUES(?,?,?,?,?,?,?)") ||
	    prepare(s, &s->ins_stack, "INSERT INTO stacks(id, depth, flags) VALUES(?,?,?)") ||
	    prepare(s, &s->ins_stack_frame,
		    "INSERT INTO stack_frames(stack_id, depth, frame_id) VALUES(?,?,?)") ||
	    prepare(s, &s->ins_sample, "INSERT INTO samples(time_us, tid, stack_id) VALUES(?,?,?)") ||
	    prepare(s, &s->ins_thread,
		    "INSERT OR REPLACE INTO threads(tid, name, samples) VALUES(?,?,?)") ||
	    prepare(s, &s->set_meta, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)") ||
	    prepare(s, &s->set_profiled, "UPDATE files SET profiled = ? WHERE id = ?"))
		return -1;
	return 0;
}

static void session_free(struct db_session *s)
{
	sqlite3_stmt *all[] = {s->ins_file, s->ins_frame, s->ins_stack, s->ins_stack_frame,
			       s->ins_sample, s->ins_thread, s->set_meta, s->set_profiled};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
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
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	if ((unlink(path) && errno != ENOENT)) {
		set_err(err, errlen, "cannot replace session file %s: %s (choose another with -o)",
			path, strerror(errno));
		goto fail;
	}
	unlink(wal);
	unlink(shm);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		set_err(err, errlen, "cannot create session file %s: %s (choose another with -o)",
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
	if (rc || prepare_writes(s)) {
		set_err(err, errlen, "cannot write session file %s: %s", path,
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
		set_err(err, errlen, "cannot open session %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!db_is_session_file(path)) {
		set_err(err, errlen, "%s is not a cprof-tui session (no SQLite header)%s", path,
			"; to profile a program, give its path instead");
		goto fail;
	}
	int flags = access(path, W_OK) == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(path, &s->db, flags, NULL)) {
		set_err(err, errlen, "cannot open session %s: %s", path,
			s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 2000);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'",
				    -1, &st, NULL);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
		set_err(err, errlen, "session %s is corrupt: %s (the file cannot be read)", path,
			sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		goto fail;
	}
	if (rc) {
		set_err(err, errlen, "%s is a SQLite file but not a cprof-tui session (%s)", path,
			sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		goto fail;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		set_err(err, errlen, "%s is not a cprof-tui session (%s)", path,
			rc == SQLITE_DONE ? "no schema_version in meta" : sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		goto fail;
	}
	int version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > DB_SCHEMA_VERSION) {
		char v[32];
		snprintf(v, sizeof(v), "%d", version);
		set_err(err, errlen,
			"session %s has schema version %s, newer than this cprof-tui reads "
			"(" CPROF_STR(DB_SCHEMA_VERSION) "): upgrade cprof-tui", path, v);
		goto fail;
	}
	if (version < 1) {
		set_err(err, errlen, "session %s has an invalid schema_version%s", path, "");
		goto fail;
	}
	if (flags == SQLITE_OPEN_READWRITE && prepare_writes(s)) {
		set_err(err, errlen, "session %s is not a cprof-tui session: %s", path,
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

static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Store a meta key (any value as text) in the open transaction. */
static void set_meta(struct db_session *s, const char *key, const char *value)
{
	if (!s->set_meta)
		return;
	bind_text(s->set_meta, 1, key);
	bind_text(s->set_meta, 2, value);
	run(s->set_meta);
}

static void set_meta_u64(struct db_session *s, const char *key, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	set_meta(s, key, buf);
}

static int write_new_rows(struct db_session *s, struct profile *p)
{
	for (; s->files_done < p->nfiles; s->files_done++) {
		const struct pfile *f = &p->files[s->files_done];
		sqlite3_bind_int64(s->ins_file, 1, (int64_t)s->files_done);
		bind_text(s->ins_file, 2, f->path);
		sqlite3_bind_int(s->ins_file, 3, f->profiled);
		sqlite3_bind_int(s->ins_file, 4, f->system);
		if (run(s->ins_file))
			return -1;
		xgrow((void **)&s->profiled_done, &s->cap_profiled, s->files_done + 1, sizeof(bool));
		s->profiled_done[s->files_done] = f->profiled;
	}
	for (size_t i = 0; i < p->nfiles; i++) {
		if (s->profiled_done[i] == p->files[i].profiled)
			continue;
		sqlite3_bind_int(s->set_profiled, 1, p->files[i].profiled);
		sqlite3_bind_int64(s->set_profiled, 2, (int64_t)i);
		if (run(s->set_profiled))
			return -1;
		s->profiled_done[i] = p->files[i].profiled;
	}
	for (; s->frames_done < p->nframes; s->frames_done++) {
		const struct pframe *fr = &p->frames[s->frames_done];
		const struct pfunc *fn = &p->funcs[fr->func];
		sqlite3_bind_int64(s->ins_frame, 1, (int64_t)s->frames_done);
		bind_text(s->ins_frame, 2, strpool_get(&p->strings, fn->name));
		sqlite3_bind_int64(s->ins_frame, 3, fr->file);
		sqlite3_bind_int64(s->ins_frame, 4, fr->line);
		sqlite3_bind_int64(s->ins_frame, 5, fn->line);
		bind_text(s->ins_frame, 6, strpool_get(&p->strings, fr->module));
		sqlite3_bind_int64(s->ins_frame, 7, fr->flags);
		if (run(s->ins_frame))
			return -1;
	}
	for (; s->stacks_done < p->nstacks; s->stacks_done++) {
		const struct pstack *st = &p->stacks[s->stacks_done];
		sqlite3_bind_int64(s->ins_stack, 1, (int64_t)s->stacks_done);
		sqlite3_bind_int64(s->ins_stack, 2, st->depth);
		sqlite3_bind_int64(s->ins_stack, 3, st->flags);
		if (run(s->ins_stack))
			return -1;
		for (uint32_t d = 0; d < st->depth; d++) {
			sqlite3_bind_int64(s->ins_stack_frame, 1, (int64_t)s->stacks_done);
			sqlite3_bind_int64(s->ins_stack_frame, 2, d);
			sqlite3_bind_int64(s->ins_stack_frame, 3, st->frames[d]);
			if (run(s->ins_stack_frame))
				return -1;
		}
	}
	for (; s->samples_done < p->nsamples; s->samples_done++) {
		const struct psample *sm = &p->samples[s->samples_done];
		sqlite3_bind_int64(s->ins_sample, 1, (int64_t)sm->time_us);
		sqlite3_bind_int64(s->ins_sample, 2, sm->tid);
		sqlite3_bind_int64(s->ins_sample, 3, sm->stack);
		if (run(s->ins_sample))
			return -1;
	}
	for (size_t i = 0; i < p->nthreads; i++) {
		const struct pthread *t = &p->threads[i];
		sqlite3_bind_int64(s->ins_thread, 1, t->tid);
		bind_text(s->ins_thread, 2, t->name);
		sqlite3_bind_int64(s->ins_thread, 3, (int64_t)t->samples);
		if (run(s->ins_thread))
			return -1;
	}
	return 0;
}

static void write_meta(struct db_session *s, const struct profile *p)
{
	char buf[32];
	set_meta(s, "command", p->command);
	snprintf(buf, sizeof(buf), "%d", p->pid);
	set_meta(s, "pid", buf);
	snprintf(buf, sizeof(buf), "%u", p->frequency_hz);
	set_meta(s, "frequency_hz", buf);
	set_meta(s, "mode", p->wall ? "wall" : "cpu");
	set_meta(s, "started_at", p->started_at);
	set_meta(s, "ended_at", p->ended_at);
	set_meta_u64(s, "samples", p->nsamples);
	set_meta_u64(s, "samples_incomplete", p->counters.incomplete);
	set_meta_u64(s, "samples_no_line", p->counters.no_line);
	set_meta_u64(s, "samples_no_symbol", p->counters.no_symbol);
	set_meta_u64(s, "samples_lost", p->counters.lost);
	set_meta_u64(s, "samples_reused", p->counters.reused);
}

int db_session_sync(struct db_session *s, struct profile *p, char *err, size_t errlen)
{
	if (!s->ins_file) {
		set_err(err, errlen, "session %s is read-only: toggles are not saved%s", s->path, "");
		return -1;
	}
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		goto fail;
	if (write_new_rows(s, p))
		goto fail_rollback;
	write_meta(s, p);
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL))
		goto fail_rollback;
	return 0;
fail_rollback:
	set_err(err, errlen, "cannot write session %s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* the rows will be written again at the next sync */
	return -1;
fail:
	set_err(err, errlen, "cannot write session %s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}

/* ---- loading ---- */

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static int load_meta(struct db_session *s, struct profile *p)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM meta", -1, &st, NULL))
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = col_text(st, 0), *v = col_text(st, 1);
		if (!strcmp(k, "command"))
			p->command = xstrdup(v);
		else if (!strcmp(k, "pid"))
			p->pid = atoi(v);
		else if (!strcmp(k, "frequency_hz"))
			p->frequency_hz = (unsigned)atoi(v);
		else if (!strcmp(k, "mode"))
			p->wall = !strcmp(v, "wall");
		else if (!strcmp(k, "started_at"))
			p->started_at = xstrdup(v);
		else if (!strcmp(k, "ended_at"))
			p->ended_at = xstrdup(v);
		else if (!strcmp(k, "samples_lost"))
			p->counters.lost = strtoull(v, NULL, 10);
		else if (!strcmp(k, "samples_reused"))
			p->counters.reused = strtoull(v, NULL, 10);
	}
	return sqlite3_finalize(st) ? -1 : 0;
}

/* id -> model index maps, for files that are not dense (edited by hand). */
struct remap {
	uint32_t *to;
	size_t len, cap;
};

static void remap_set(struct remap *m, int64_t from, uint32_t to)
{
	if (from < 0)
		return;
	xgrow((void **)&m->to, &m->cap, (size_t)from + 1, sizeof(uint32_t));
	while (m->len <= (size_t)from)
		m->to[m->len++] = UINT32_MAX;
	m->to[from] = to;
}

static bool remap_get(const struct remap *m, int64_t from, uint32_t *to)
{
	if (from < 0 || (size_t)from >= m->len || m->to[from] == UINT32_MAX)
		return false;
	*to = m->to[from];
	return true;
}

int db_session_load(struct db_session *s, struct profile *p, char *err, size_t errlen)
{
	struct remap files = {0}, frames = {0}, stacks = {0};
	sqlite3_stmt *st = NULL;
	uint32_t *buf = NULL;
	size_t cap = 0;
	int rc = -1;
	const char *what = "meta";

	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) || load_meta(s, p))
		goto out;
	what = "files";
	if (sqlite3_prepare_v2(s->db, "SELECT id, path, profiled, system FROM files ORDER BY id", -1,
			       &st, NULL))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t id = profile_file(p, col_text(st, 1), !sqlite3_column_int(st, 3));
		p->files[id].system = sqlite3_column_int(st, 3);
		profile_set_profiled(p, id, sqlite3_column_int(st, 2) != 0, true);
		remap_set(&files, sqlite3_column_int64(st, 0), id);
	}
	sqlite3_finalize(st);
	what = "frames";
	if (sqlite3_prepare_v2(s->db, "SELECT id, function, file_id, line, function_line, module, "
				      "flags FROM frames ORDER BY id", -1, &st, NULL))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t file;
		if (!remap_get(&files, sqlite3_column_int64(st, 2), &file))
			goto bad;
		uint32_t id = profile_frame(p, col_text(st, 1), file, (uint32_t)sqlite3_column_int(st, 3),
					    (uint32_t)sqlite3_column_int(st, 4), col_text(st, 5),
					    (uint32_t)sqlite3_column_int(st, 6));
		remap_set(&frames, sqlite3_column_int64(st, 0), id);
	}
	sqlite3_finalize(st);
	what = "stacks";
	if (sqlite3_prepare_v2(s->db, "SELECT s.id, s.flags, sf.depth, sf.frame_id FROM stacks s "
				      "LEFT JOIN stack_frames sf ON sf.stack_id = s.id "
				      "ORDER BY s.id, sf.depth", -1, &st, NULL))
		goto out;
	{
		int64_t cur = -1;
		uint32_t cur_flags = 0;
		size_t depth = 0;
		int step;
		do {
			step = sqlite3_step(st);
			int64_t id = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -2;
			if (id != cur && cur >= 0)
				remap_set(&stacks, cur, profile_stack(p, buf, (uint32_t)depth, cur_flags));
			if (step != SQLITE_ROW)
				break;
			if (id != cur) {
				cur = id;
				cur_flags = (uint32_t)sqlite3_column_int(st, 1);
				depth = 0;
			}
			if (sqlite3_column_type(st, 3) == SQLITE_NULL)
				continue;
			uint32_t fr;
			if (!remap_get(&frames, sqlite3_column_int64(st, 3), &fr))
				goto bad;
			xgrow((void **)&buf, &cap, depth + 1, sizeof(uint32_t));
			buf[depth++] = fr;
		} while (1);
	}
	sqlite3_finalize(st);
	what = "samples";
	if (sqlite3_prepare_v2(s->db, "SELECT time_us, tid, stack_id FROM samples ORDER BY rowid", -1,
			       &st, NULL))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t sid;
		if (!remap_get(&stacks, sqlite3_column_int64(st, 2), &sid))
			goto bad;
		profile_add_sample(p, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
				   sid);
	}
	sqlite3_finalize(st);
	what = "threads";
	if (sqlite3_prepare_v2(s->db, "SELECT tid, name FROM threads", -1, &st, NULL))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct pthread *t = profile_thread(p, sqlite3_column_int(st, 0), col_text(st, 1));
		if (t->state == '?')
			t->state = 'X';
	}
	sqlite3_finalize(st);
	st = NULL;
	/* everything loaded is already in the file */
	s->files_done = p->nfiles;
	s->frames_done = p->nframes;
	s->stacks_done = p->nstacks;
	s->samples_done = p->nsamples;
	xgrow((void **)&s->profiled_done, &s->cap_profiled, p->nfiles + 1, sizeof(bool));
	for (size_t i = 0; i < p->nfiles; i++)
		s->profiled_done[i] = p->files[i].profiled;
	rc = 0;
	goto out;
bad:
	set_err(err, errlen, "session %s is inconsistent: %s refer to missing rows", s->path, what);
	sqlite3_finalize(st);
	st = NULL;
	rc = -2;
out:
	if (rc == -1) {
		set_err(err, errlen, "cannot read session %s: %s", s->path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
	}
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	free(files.to);
	free(frames.to);
	free(stacks.to);
	free(buf);
	return rc == 0 ? 0 : -1;
}
