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
	/* version 1: a function's file was its frames' */
	if (sqlite3_prepare_v2(s->db, s->version >= 2
				      ? "SELECT id, function, function_file_id, file_id, line, function_line, "
					"module, flags FROM frames ORDER BY id"
				      : "SELECT id, function, file_id, file_id, line, function_line, "
					"module, flags FROM frames ORDER BY id",
			       -1, &st, NULL))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t func_file, file;
		if (!remap_get(&files, sqlite3_column_int64(st, 2), &func_file) ||
		    !remap_get(&files, sqlite3_column_int64(st, 3), &file))
			goto bad;
		uint32_t id = profile_frame(p, col_text(st, 1), func_file, file,
					    (uint32_t)sqlite3_column_int(st, 4),
					    (uint32_t)sqlite3_column_int(st, 5), col_text(st, 6),
					    (uint32_t)sqlite3_column_int(st, 7));
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
	db_set_err(err, errlen, "session %s is inconsistent: %s refer to missing rows", s->path, what);
	sqlite3_finalize(st);
	st = NULL;
	rc = -2;
out:
	if (rc == -1) {
		db_set_err(err, errlen, "cannot read session %s: %s", s->path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
	}
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	free(files.to);
	free(frames.to);
	free(stacks.to);
	free(buf);
	return rc == 0 ? 0 : -1;
}
