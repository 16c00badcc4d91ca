/* writer.c — db_session_sync: appending what the model gained to the file,
 * in one transaction. */
#include "config.h"
#include "db/session-file.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

static int prepare(struct db_session *s, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

int db_writer_prepare(struct db_session *s)
{
	/* an older file is only read: its toggles and meta are saved, nothing appended */
	if (s->version == DB_SCHEMA_VERSION &&
	    (prepare(s, &s->ins_frame, "INSERT INTO frames(id, function, function_file_id, file_id, "
				       "line, function_line, module, flags) VALUES(?,?,?,?,?,?,?,?)") ||
	     prepare(s, &s->ins_sample,
		     "INSERT INTO samples(time_us, thread_id, stack_id) VALUES(?,?,?)") ||
	     prepare(s, &s->ins_thread, "INSERT OR REPLACE INTO threads(id, process_id, pid, tid, "
					"name, samples) VALUES(?,?,?,?,?,?)") ||
	     prepare(s, &s->ins_process, "INSERT OR REPLACE INTO processes(id, pid, ppid, command, "
					 "started_us, ended_us, exit_status, followed, samples) "
					 "VALUES(?,?,?,?,?,?,?,?,?)") ||
	     prepare(s, &s->ins_focus, "INSERT INTO focus(pattern) VALUES(?)") ||
	     prepare(s, &s->ins_alloc, "INSERT INTO allocs(id, time_us, thread_id, stack_id, size, "
				       "weight) VALUES(?,?,?,?,?,?)") ||
	     prepare(s, &s->ins_free, "INSERT INTO frees(alloc_id, time_us) VALUES(?,?)")))
		return -1;
	if (prepare(s, &s->ins_file, "INSERT INTO files(id, path, profiled, system) VALUES(?,?,?,?)") ||
	    prepare(s, &s->ins_stack, "INSERT INTO stacks(id, depth, flags) VALUES(?,?,?)") ||
	    prepare(s, &s->ins_stack_frame,
		    "INSERT INTO stack_frames(stack_id, depth, frame_id) VALUES(?,?,?)") ||
	    prepare(s, &s->set_meta, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)") ||
	    prepare(s, &s->set_profiled, "UPDATE files SET profiled = ? WHERE id = ?"))
		return -1;
	return 0;
}

void db_writer_finalize(struct db_session *s)
{
	sqlite3_stmt *all[] = {s->ins_file, s->ins_frame, s->ins_stack, s->ins_stack_frame,
			       s->ins_sample, s->ins_thread, s->ins_process, s->ins_focus,
			       s->ins_alloc, s->ins_free, s->set_meta, s->set_profiled};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	struct db_counts *c[] = {&s->counts, &s->pending};
	for (size_t i = 0; i < 2; i++) {
		free(c[i]->threads);
		free(c[i]->processes);
	}
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

/* Store a meta key (any value as text) in the open transaction: 0 or -1. */
static int set_meta(struct db_session *s, const char *key, const char *value)
{
	bind_text(s->set_meta, 1, key);
	bind_text(s->set_meta, 2, value);
	return run(s->set_meta);
}

static int set_meta_u64(struct db_session *s, const char *key, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return set_meta(s, key, buf);
}

/* Files from `from` on, and the profiled flags of the files already in the
 * file that changed since the last commit. */
static int write_files(struct db_session *s, const struct profile *p, size_t from)
{
	for (size_t i = from; i < p->nfiles; i++) {
		const struct pfile *f = &p->files[i];
		sqlite3_bind_int64(s->ins_file, 1, (int64_t)i);
		bind_text(s->ins_file, 2, f->path);
		sqlite3_bind_int(s->ins_file, 3, f->profiled);
		sqlite3_bind_int(s->ins_file, 4, f->system);
		if (run(s->ins_file))
			return -1;
	}
	for (size_t i = 0; i < from; i++) {
		if (s->profiled_done[i] == p->files[i].profiled)
			continue;
		sqlite3_bind_int(s->set_profiled, 1, p->files[i].profiled);
		sqlite3_bind_int64(s->set_profiled, 2, (int64_t)i);
		if (run(s->set_profiled))
			return -1;
	}
	return 0;
}

static int write_frames(struct db_session *s, const struct profile *p, size_t from)
{
	if (from < p->nframes && !s->ins_frame)
		return -1; /* an older file: nothing is appended to it */
	for (size_t i = from; i < p->nframes; i++) {
		const struct pframe *fr = &p->frames[i];
		const struct pfunc *fn = &p->funcs[fr->func];
		sqlite3_bind_int64(s->ins_frame, 1, (int64_t)i);
		bind_text(s->ins_frame, 2, strpool_get(&p->strings, fn->name));
		sqlite3_bind_int64(s->ins_frame, 3, fn->file);
		sqlite3_bind_int64(s->ins_frame, 4, fr->file);
		sqlite3_bind_int64(s->ins_frame, 5, fr->line);
		sqlite3_bind_int64(s->ins_frame, 6, fn->line);
		bind_text(s->ins_frame, 7, strpool_get(&p->strings, fr->module));
		sqlite3_bind_int64(s->ins_frame, 8, fr->flags);
		if (run(s->ins_frame))
			return -1;
	}
	return 0;
}

static int write_stacks(struct db_session *s, const struct profile *p, size_t from)
{
	for (size_t i = from; i < p->nstacks; i++) {
		const struct pstack *st = &p->stacks[i];
		sqlite3_bind_int64(s->ins_stack, 1, (int64_t)i);
		sqlite3_bind_int64(s->ins_stack, 2, st->depth);
		sqlite3_bind_int64(s->ins_stack, 3, st->flags);
		if (run(s->ins_stack))
			return -1;
		for (uint32_t d = 0; d < st->depth; d++) {
			sqlite3_bind_int64(s->ins_stack_frame, 1, (int64_t)i);
			sqlite3_bind_int64(s->ins_stack_frame, 2, d);
			sqlite3_bind_int64(s->ins_stack_frame, 3, st->frames[d]);
			if (run(s->ins_stack_frame))
				return -1;
		}
	}
	return 0;
}

static void bind_count(sqlite3_stmt *st, int i, uint64_t v)
{
	sqlite3_bind_int64(st, i, (int64_t)v);
}

void db_writer_count(struct db_session *s, const struct profile *p)
{
	struct db_counts *c = &s->pending;
	xgrow((void **)&c->threads, &c->cap_threads, p->nthreads + 1, sizeof(uint64_t));
	xgrow((void **)&c->processes, &c->cap_processes, p->nprocesses + 1, sizeof(uint64_t));
	memset(c->threads, 0, p->nthreads * sizeof(uint64_t));
	memset(c->processes, 0, p->nprocesses * sizeof(uint64_t));
	if (s->done.threads)
		memcpy(c->threads, s->counts.threads, s->done.threads * sizeof(uint64_t));
	if (s->done.processes)
		memcpy(c->processes, s->counts.processes, s->done.processes * sizeof(uint64_t));
	for (size_t i = s->done.samples; i < p->nsamples; i++) {
		const struct psample *sm = &p->samples[i];
		uint32_t proc = p->threads[sm->thread].process;
		c->threads[sm->thread]++;
		if (proc)
			c->processes[proc - 1]++;
	}
}

/* Samples from `from` on. */
static int write_samples(struct db_session *s, const struct profile *p, size_t from)
{
	if (from < p->nsamples && !s->ins_sample)
		return -1; /* an older file */
	for (size_t i = from; i < p->nsamples; i++) {
		const struct psample *sm = &p->samples[i];
		bind_count(s->ins_sample, 1, sm->time_us);
		sqlite3_bind_int64(s->ins_sample, 2, sm->thread);
		sqlite3_bind_int64(s->ins_sample, 3, sm->stack);
		if (run(s->ins_sample))
			return -1;
	}
	return 0;
}

/* Allocation samples and frees from `from` on. */
static int write_allocs(struct db_session *s, const struct profile *p, size_t from,
			size_t frees_from)
{
	if ((from < p->nallocs || frees_from < p->nfrees) && !s->ins_alloc)
		return -1; /* an older file */
	for (size_t i = from; i < p->nallocs; i++) {
		const struct palloc *a = &p->allocs[i];
		sqlite3_bind_int64(s->ins_alloc, 1, (int64_t)i);
		bind_count(s->ins_alloc, 2, a->time_us);
		sqlite3_bind_int64(s->ins_alloc, 3, a->thread);
		sqlite3_bind_int64(s->ins_alloc, 4, a->stack);
		bind_count(s->ins_alloc, 5, a->size);
		bind_count(s->ins_alloc, 6, a->weight);
		if (run(s->ins_alloc))
			return -1;
	}
	for (size_t i = frees_from; i < p->nfrees; i++) {
		sqlite3_bind_int64(s->ins_free, 1, p->frees[i].alloc);
		bind_count(s->ins_free, 2, p->frees[i].time_us);
		if (run(s->ins_free))
			return -1;
	}
	return 0;
}

/* Threads and processes that are new or changed since the last commit
 * (their names, states, ends, sample counts). */
static int write_threads(struct db_session *s, const struct profile *p)
{
	const struct db_written *d = &s->done;
	if (!s->ins_thread)
		return 0; /* an older file: nothing new was sampled into it */
	for (size_t i = 0; i < p->nthreads; i++) {
		const struct pthread *t = &p->threads[i];
		uint64_t n = s->pending.threads[i];
		if (i < d->threads && t->stamp <= d->generation && n == s->counts.threads[i])
			continue;
		sqlite3_bind_int64(s->ins_thread, 1, (int64_t)i);
		if (t->process)
			sqlite3_bind_int64(s->ins_thread, 2, t->process - 1);
		else
			sqlite3_bind_null(s->ins_thread, 2);
		sqlite3_bind_int64(s->ins_thread, 3, t->pid);
		sqlite3_bind_int64(s->ins_thread, 4, t->tid);
		bind_text(s->ins_thread, 5, t->name);
		bind_count(s->ins_thread, 6, n);
		if (run(s->ins_thread))
			return -1;
	}
	for (size_t i = 0; i < p->nprocesses; i++) {
		const struct pprocess *pr = &p->processes[i];
		uint64_t n = s->pending.processes[i];
		if (i < d->processes && pr->stamp <= d->generation && n == s->counts.processes[i])
			continue;
		sqlite3_stmt *st = s->ins_process;
		sqlite3_bind_int64(st, 1, (int64_t)i);
		sqlite3_bind_int64(st, 2, pr->pid);
		sqlite3_bind_int64(st, 3, pr->ppid);
		bind_text(st, 4, pr->command);
		bind_count(st, 5, pr->started_us);
		if (pr->ended_us)
			bind_count(st, 6, pr->ended_us);
		else
			sqlite3_bind_null(st, 6);
		if (pr->exit_status != EXIT_UNKNOWN)
			sqlite3_bind_int(st, 7, pr->exit_status);
		else
			sqlite3_bind_null(st, 7);
		sqlite3_bind_int(st, 8, pr->followed);
		bind_count(st, 9, n);
		if (run(st))
			return -1;
		char key[48];
		snprintf(key, sizeof(key), "heap_at_exit:%zu", i);
		if (pr->heap_at_exit && set_meta_u64(s, key, pr->heap_at_exit))
			return -1;
	}
	return 0;
}

/* The focus, when it changed since the last commit. */
static int write_focus(struct db_session *s, const struct profile *p)
{
	if (!s->ins_focus || p->focus_stamp <= s->done.generation)
		return 0;
	if (sqlite3_exec(s->db, "DELETE FROM focus", NULL, NULL, NULL))
		return -1;
	for (size_t i = 0; i < p->nfocus; i++) {
		bind_text(s->ins_focus, 1, p->focus[i]);
		if (run(s->ins_focus))
			return -1;
	}
	return 0;
}

static int write_meta(struct db_session *s, const struct profile *p)
{
	char pid[32], hz[32];
	snprintf(pid, sizeof(pid), "%d", p->pid);
	snprintf(hz, sizeof(hz), "%u", p->frequency_hz);
	const struct pcounters *c = &p->counters;
	return set_meta(s, "command", p->command) || set_meta(s, "pid", pid) ||
	       set_meta(s, "frequency_hz", hz) || set_meta(s, "mode", p->wall ? "wall" : "cpu") ||
	       set_meta(s, "started_at", p->started_at) || set_meta(s, "ended_at", p->ended_at) ||
	       set_meta_u64(s, "samples", p->nsamples) ||
	       set_meta_u64(s, "samples_incomplete", c->incomplete) ||
	       set_meta_u64(s, "samples_no_line", c->no_line) ||
	       set_meta_u64(s, "samples_no_symbol", c->no_symbol) ||
	       set_meta_u64(s, "samples_lost", c->lost) ||
	       set_meta_u64(s, "samples_reused", c->reused) ||
	       (p->alloc_interval &&
		(set_meta_u64(s, "memory_interval", p->alloc_interval) ||
		 set_meta_u64(s, "alloc_samples", p->nallocs) ||
		 set_meta_u64(s, "alloc_lost", p->alloc_lost) ||
		 set_meta_u64(s, "frees_lost", p->frees_lost))) ||
	       (p->backend && set_meta(s, "backend", p->backend)) ? -1 : 0;
}

void db_writer_committed(struct db_session *s, const struct profile *p)
{
	s->done = (struct db_written){p->nfiles, p->nframes, p->nstacks, p->nsamples,
				      p->nthreads, p->nprocesses, p->nallocs, p->nfrees, p->generation};
	xgrow((void **)&s->profiled_done, &s->cap_profiled, p->nfiles, sizeof(bool));
	for (size_t i = 0; i < p->nfiles; i++)
		s->profiled_done[i] = p->files[i].profiled;
	struct db_counts t = s->counts; /* the pending counts are the file's now */
	s->counts = s->pending;
	s->pending = t;
}

int db_session_sync(struct db_session *s, struct profile *p, char *err, size_t errlen)
{
	if (s->read_only[0]) {
		db_set_err(err, errlen, "session %s is read-only (%s)", s->path,
			s->read_only);
		return -1;
	}
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		goto fail;
	/* rows below s->done are in the file; the rest is written again until
	 * a commit succeeds (a failed one leaves the file as it was) */
	db_writer_count(s, p);
	if (write_files(s, p, s->done.files) || write_frames(s, p, s->done.frames) ||
	    write_stacks(s, p, s->done.stacks) || write_samples(s, p, s->done.samples) ||
	    write_allocs(s, p, s->done.allocs, s->done.frees) ||
	    write_threads(s, p) || write_focus(s, p) || write_meta(s, p) ||
	    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL))
		goto fail_rollback;
	db_writer_committed(s, p);
	return 0;
fail_rollback:
	db_set_err(err, errlen, "cannot write session %s: %s", s->path, sqlite3_errmsg(s->db));
	if (!sqlite3_get_autocommit(s->db)) /* SQLite may have rolled back already */
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
fail:
	db_set_err(err, errlen, "cannot write session %s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}
