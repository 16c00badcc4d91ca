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
	if (s->version == DB_SCHEMA_VERSION &&
	    prepare(s, &s->ins_frame, "INSERT INTO frames(id, function, function_file_id, file_id, line,"
				      " function_line, module, flags) VALUES(?,?,?,?,?,?,?,?)"))
		return -1;
	if (prepare(s, &s->ins_file, "INSERT INTO files(id, path, profiled, system) VALUES(?,?,?,?)") ||
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

void db_writer_finalize(struct db_session *s)
{
	sqlite3_stmt *all[] = {s->ins_file, s->ins_frame, s->ins_stack, s->ins_stack_frame,
			       s->ins_sample, s->ins_thread, s->set_meta, s->set_profiled};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
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
		if (!s->ins_frame)
			return -1; /* an older file: nothing is appended to it */
		sqlite3_bind_int64(s->ins_frame, 1, (int64_t)s->frames_done);
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
		db_set_err(err, errlen, "session %s is read-only: toggles are not saved%s", s->path, "");
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
	db_set_err(err, errlen, "cannot write session %s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* the rows will be written again at the next sync */
	return -1;
fail:
	db_set_err(err, errlen, "cannot write session %s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}
