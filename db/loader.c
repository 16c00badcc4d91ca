/* loader.c — db_session_load: a session file into an empty profile model. */
#include "config.h"
#include "db/session-file.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

/* Replace *dst (owned) with a copy of v: a key may appear twice. */
static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static int load_meta(struct db_session *s, struct profile *p)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM meta", -1, &st, NULL))
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = col_text(st, 0), *v = col_text(st, 1);
		if (!strcmp(k, "command"))
			set_str(&p->command, v);
		else if (!strcmp(k, "pid"))
			p->pid = atoi(v);
		else if (!strcmp(k, "frequency_hz"))
			p->frequency_hz = (unsigned)atoi(v);
		else if (!strcmp(k, "mode"))
			p->wall = !strcmp(v, "wall");
		else if (!strcmp(k, "started_at"))
			set_str(&p->started_at, v);
		else if (!strcmp(k, "ended_at"))
			set_str(&p->ended_at, v);
		else if (!strcmp(k, "backend"))
			set_str(&p->backend, v);
		else if (!strcmp(k, "samples_lost"))
			p->counters.lost = strtoull(v, NULL, 10);
		else if (!strcmp(k, "samples_reused"))
			p->counters.reused = strtoull(v, NULL, 10);
		else if (!strcmp(k, "memory_interval"))
			p->alloc_interval = strtoull(v, NULL, 10);
		else if (!strcmp(k, "alloc_lost"))
			p->alloc_lost = strtoull(v, NULL, 10);
		else if (!strcmp(k, "frees_lost"))
			p->frees_lost = strtoull(v, NULL, 10);
	}
	return sqlite3_finalize(st) ? -1 : 0;
}

/* A file's ids -> model indexes. Ids come from the file and may be
 * anything (2^62, negative, sparse, repeated): the map holds one pair per
 * row read, sorted by id once the table is read, and is searched. */
struct remap {
	struct remap_pair {
		int64_t from;
		uint32_t to;
	} *v;
	size_t len, cap;
};

static void remap_add(struct remap *m, int64_t from, uint32_t to)
{
	*VEC_PUSH(m->v, m->len, m->cap) = (struct remap_pair){from, to};
}

static int cmp_pair(const void *a, const void *b)
{
	int64_t x = ((const struct remap_pair *)a)->from, y = ((const struct remap_pair *)b)->from;
	return (x > y) - (x < y);
}

/* Sort the pairs read; false when an id was given twice (one id, two rows). */
static bool remap_seal(struct remap *m)
{
	if (m->len > 1)
		qsort(m->v, m->len, sizeof(m->v[0]), cmp_pair);
	for (size_t i = 1; i < m->len; i++)
		if (m->v[i].from == m->v[i - 1].from)
			return false;
	return true;
}

static bool remap_get(const struct remap *m, int64_t from, uint32_t *to)
{
	size_t lo = 0, hi = m->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->v[mid].from < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->len || m->v[lo].from != from)
		return false;
	*to = m->v[lo].to;
	return true;
}

/* What a table's loading found: LOAD_SQL leaves the reason in sqlite3_errmsg. */
enum load_result { LOAD_OK, LOAD_SQL, LOAD_MISSING, LOAD_TWICE };

struct loading {
	struct db_session *s;
	struct profile *p;
	struct remap files, frames, stacks, threads, processes;
	char **focus; size_t nfocus, cap_focus;
};

/* Step through st's rows with row(); finalizes st. */
static enum load_result each_row(struct loading *l, sqlite3_stmt *st,
				 enum load_result (*row)(struct loading *, sqlite3_stmt *))
{
	enum load_result r = LOAD_OK;
	int rc = SQLITE_DONE;
	while (r == LOAD_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = row(l, st);
	if (r == LOAD_OK && rc != SQLITE_DONE)
		r = LOAD_SQL;
	sqlite3_finalize(st);
	return r;
}

static enum load_result query(struct loading *l, const char *sql,
			      enum load_result (*row)(struct loading *, sqlite3_stmt *))
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->s->db, sql, -1, &st, NULL))
		return LOAD_SQL;
	return each_row(l, st, row);
}

static enum load_result file_row(struct loading *l, sqlite3_stmt *st)
{
	uint32_t id = profile_file(l->p, col_text(st, 1), !sqlite3_column_int(st, 3));
	l->p->files[id].system = sqlite3_column_int(st, 3);
	profile_set_profiled(l->p, id, sqlite3_column_int(st, 2) != 0, true);
	remap_add(&l->files, sqlite3_column_int64(st, 0), id);
	return LOAD_OK;
}

static enum load_result frame_row(struct loading *l, sqlite3_stmt *st)
{
	uint32_t func_file, file;
	if (!remap_get(&l->files, sqlite3_column_int64(st, 2), &func_file) ||
	    !remap_get(&l->files, sqlite3_column_int64(st, 3), &file))
		return LOAD_MISSING;
	uint32_t id = profile_frame(l->p, col_text(st, 1), func_file, file,
				    (uint32_t)sqlite3_column_int(st, 4),
				    (uint32_t)sqlite3_column_int(st, 5), col_text(st, 6),
				    (uint32_t)sqlite3_column_int(st, 7));
	remap_add(&l->frames, sqlite3_column_int64(st, 0), id);
	return LOAD_OK;
}

/* (time_us, thread id (its tid before version 3), stack id) */
static enum load_result sample_row(struct loading *l, sqlite3_stmt *st)
{
	uint32_t sid, thread;
	if (!remap_get(&l->stacks, sqlite3_column_int64(st, 2), &sid) ||
	    !remap_get(&l->threads, sqlite3_column_int64(st, 1), &thread))
		return LOAD_MISSING;
	profile_add_sample(l->p, (uint64_t)sqlite3_column_int64(st, 0), thread, sid);
	return LOAD_OK;
}

/* (id, time_us, thread id, stack id, size, weight) */
static enum load_result alloc_row(struct loading *l, sqlite3_stmt *st)
{
	uint32_t sid, thread;
	if (!remap_get(&l->stacks, sqlite3_column_int64(st, 3), &sid) ||
	    !remap_get(&l->threads, sqlite3_column_int64(st, 2), &thread))
		return LOAD_MISSING;
	profile_add_alloc(l->p, (uint64_t)sqlite3_column_int64(st, 1), thread, sid,
			  (uint64_t)sqlite3_column_int64(st, 0), (uint64_t)sqlite3_column_int64(st, 4),
			  (uint64_t)sqlite3_column_int64(st, 5));
	return LOAD_OK;
}

/* (alloc id, time_us): a free of an allocation that is not there, or
 * freed already, changes nothing */
static enum load_result free_row(struct loading *l, sqlite3_stmt *st)
{
	profile_free_alloc(l->p, (uint64_t)sqlite3_column_int64(st, 0),
			   (uint64_t)sqlite3_column_int64(st, 1));
	return LOAD_OK;
}

static int64_t col_int64_or(sqlite3_stmt *st, int i, int64_t null)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? null : sqlite3_column_int64(st, i);
}

/* (id, pid, ppid, command, started_us, ended_us, exit_status, followed) */
static enum load_result process_row(struct loading *l, sqlite3_stmt *st)
{
	struct profile *p = l->p;
	uint32_t id = profile_process_add(p, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
					  col_text(st, 3), (uint64_t)sqlite3_column_int64(st, 4));
	int64_t ended = col_int64_or(st, 5, 0), status = col_int64_or(st, 6, EXIT_UNKNOWN);
	if (ended > 0)
		profile_process_end(p, id, (uint64_t)ended,
				    status > -1000 && status < 1000 ? (int)status : EXIT_UNKNOWN);
	if (!sqlite3_column_int(st, 7))
		profile_process_let_go(p, id);
	remap_add(&l->processes, sqlite3_column_int64(st, 0), id);
	return LOAD_OK;
}

/* (id, process id, pid, tid, name); before version 3 (tid, NULL, pid, tid, name) */
static enum load_result thread_row(struct loading *l, sqlite3_stmt *st)
{
	uint32_t proc = 0, id;
	if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
	    !remap_get(&l->processes, sqlite3_column_int64(st, 1), &proc))
		return LOAD_MISSING;
	id = profile_thread_add(l->p, sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
				sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : col_text(st, 4));
	struct pthread *t = &l->p->threads[id];
	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		t->process = proc + 1;
	t->state = 'X';
	remap_add(&l->threads, sqlite3_column_int64(st, 0), id);
	return LOAD_OK;
}

/* meta's "heap_at_exit:ID" = bytes: process ID's heap when it exited */
static enum load_result heap_row(struct loading *l, sqlite3_stmt *st)
{
	uint32_t proc;
	if (!remap_get(&l->processes, sqlite3_column_int64(st, 0), &proc))
		return LOAD_OK; /* (of no process: nothing to scale) */
	int64_t bytes = sqlite3_column_int64(st, 1);
	if (bytes > 0)
		profile_process_heap(l->p, proc, (uint64_t)bytes);
	return LOAD_OK;
}

static enum load_result focus_row(struct loading *l, sqlite3_stmt *st)
{
	*VEC_PUSH(l->focus, l->nfocus, l->cap_focus) = xstrdup(col_text(st, 0));
	return LOAD_OK;
}

/* Processes and threads. Before version 3 there were no processes: the
 * session's one process is made from meta, and its threads are the rows of
 * threads and any other tid its samples name. */
static enum load_result load_threads(struct loading *l, const char **what)
{
	enum load_result r;
	*what = "processes";
	if (l->s->version >= 3) {
		r = query(l, "SELECT id, pid, ppid, command, started_us, ended_us, exit_status, "
			     "followed FROM processes ORDER BY id", process_row);
	} else {
		remap_add(&l->processes, 0, profile_process_add(l->p, l->p->pid, 0, l->p->command, 0));
		r = LOAD_OK;
	}
	if (r || !remap_seal(&l->processes))
		return r ? r : LOAD_TWICE;
	*what = "threads";
	r = query(l, l->s->version >= 3
			 ? "SELECT id, process_id, pid, tid, name FROM threads ORDER BY id"
			 : "SELECT tid, 0, (SELECT value FROM meta WHERE key = 'pid'), tid, name "
			   "FROM threads UNION SELECT DISTINCT tid, 0, "
			   "(SELECT value FROM meta WHERE key = 'pid'), tid, NULL FROM samples "
			   "WHERE tid NOT IN (SELECT tid FROM threads)", thread_row);
	if (r || !remap_seal(&l->threads))
		return r ? r : LOAD_TWICE;
	return LOAD_OK;
}

/* Stacks with their frames, one row per frame (or one row with NULLs for a
 * stack without frames), ordered by stack id. */
static enum load_result load_stacks(struct loading *l)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->s->db, "SELECT s.id, s.flags, sf.frame_id FROM stacks s "
					 "LEFT JOIN stack_frames sf ON sf.stack_id = s.id "
					 "ORDER BY s.id, sf.depth", -1, &st, NULL))
		return LOAD_SQL;
	uint32_t *frames = NULL, flags = 0;
	size_t depth = 0, cap = 0;
	int64_t id = 0;
	bool open = false; /* a stack is being read: id, flags, frames[depth] */
	enum load_result r = LOAD_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t row_id = sqlite3_column_int64(st, 0);
		if (open && row_id != id)
			remap_add(&l->stacks, id, profile_stack(l->p, frames, (uint32_t)depth, flags));
		if (!open || row_id != id) {
			open = true;
			id = row_id;
			flags = (uint32_t)sqlite3_column_int(st, 1);
			depth = 0;
		}
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		uint32_t fr;
		if (!remap_get(&l->frames, sqlite3_column_int64(st, 2), &fr)) {
			r = LOAD_MISSING;
			break;
		}
		*VEC_PUSH(frames, depth, cap) = fr;
	}
	if (r == LOAD_OK && rc != SQLITE_DONE)
		r = LOAD_SQL;
	if (r == LOAD_OK && open)
		remap_add(&l->stacks, id, profile_stack(l->p, frames, (uint32_t)depth, flags));
	sqlite3_finalize(st);
	free(frames);
	return r;
}

/* Every table in turn; *what names the one that failed. */
static enum load_result load_tables(struct loading *l, const char **what)
{
	enum load_result r;
	*what = "meta";
	if (load_meta(l->s, l->p))
		return LOAD_SQL;
	*what = "files";
	r = query(l, "SELECT id, path, profiled, system FROM files ORDER BY id", file_row);
	if (r || !remap_seal(&l->files))
		return r ? r : LOAD_TWICE;
	*what = "frames";
	/* version 1: a function's file was its frames' */
	r = query(l, l->s->version >= 2
			 ? "SELECT id, function, function_file_id, file_id, line, function_line, "
			   "module, flags FROM frames ORDER BY id"
			 : "SELECT id, function, file_id, file_id, line, function_line, "
			   "module, flags FROM frames ORDER BY id", frame_row);
	if (r || !remap_seal(&l->frames))
		return r ? r : LOAD_TWICE;
	*what = "stacks";
	r = load_stacks(l);
	if (r || !remap_seal(&l->stacks))
		return r ? r : LOAD_TWICE;
	r = load_threads(l, what);
	if (r)
		return r;
	*what = "meta";
	r = query(l, "SELECT substr(key, 14), value FROM meta WHERE key LIKE 'heap_at_exit:%'",
		  heap_row);
	if (r)
		return r;
	*what = "samples";
	r = query(l, l->s->version >= 3
			 ? "SELECT time_us, thread_id, stack_id FROM samples ORDER BY rowid"
			 : "SELECT time_us, tid, stack_id FROM samples ORDER BY rowid", sample_row);
	if (r || l->s->version < 3)
		return r;
	*what = "focus";
	r = query(l, "SELECT pattern FROM focus ORDER BY rowid", focus_row);
	if (r || l->s->version < 4)
		return r;
	*what = "allocs";
	r = query(l, "SELECT id, time_us, thread_id, stack_id, size, weight FROM allocs ORDER BY id",
		  alloc_row);
	if (r)
		return r;
	*what = "frees";
	return query(l, "SELECT alloc_id, time_us FROM frees ORDER BY rowid", free_row);
}

int db_session_load(struct db_session *s, struct profile *p, char *err, size_t errlen)
{
	struct loading l = {.s = s, .p = p};
	const char *what = "meta";
	enum load_result r = LOAD_SQL;
	/* one read transaction: a file being written is read as of one commit */
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
		r = load_tables(&l, &what);
	if (r == LOAD_SQL)
		db_set_err(err, errlen, "cannot read session %s: %s", s->path, sqlite3_errmsg(s->db));
	else if (r == LOAD_MISSING)
		db_set_err(err, errlen, "session %s is inconsistent: %s refer to missing rows", s->path,
			what);
	else if (r == LOAD_TWICE)
		db_set_err(err, errlen, "session %s is inconsistent: two rows of %s have one id",
			s->path, what);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	free(l.files.v);
	free(l.frames.v);
	free(l.stacks.v);
	free(l.threads.v);
	free(l.processes.v);
	if (r == LOAD_OK && l.nfocus)
		profile_set_focus(p, (const char *const *)l.focus, l.nfocus);
	for (size_t i = 0; i < l.nfocus; i++)
		free(l.focus[i]);
	free(l.focus);
	if (r != LOAD_OK)
		return -1;
	/* everything loaded is already in the file */
	db_writer_count(s, p);
	db_writer_committed(s, p);
	return 0;
}
