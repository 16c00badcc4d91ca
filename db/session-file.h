/* session-file.h — inside db/: the open session file, shared by session.c
 * (opening, creating), writer.c (db_session_sync) and loader.c
 * (db_session_load). */
#ifndef CPROF_DB_SESSION_FILE_H
#define CPROF_DB_SESSION_FILE_H
#include "db/session.h"
#include "model/strutil.h"
#include <sqlite3.h>
#include <stdio.h>

/* How much of the profile model is in the file: rows below these indexes
 * are committed. Moved forward only once a transaction has committed. */
struct db_written {
	size_t files, frames, stacks, samples, threads, processes, allocs, frees;
	uint64_t generation;  /* the model's generation then: rows stamped later changed */
};

/* Samples per thread and per process, as the file counts them (every
 * sample, whatever the model's scope counts). */
struct db_counts {
	uint64_t *threads, *processes;
	size_t cap_threads, cap_processes;
};

struct db_session {
	sqlite3 *db;
	char *path;
	int lock_fd;         /* a session being written: flock()ed, closed after sqlite3_close */
	int version;         /* its schema_version: an older file is only read, and its toggles saved */
	char read_only[64];  /* why toggles cannot be saved ("" when they can) */
	struct db_written done;
	bool *profiled_done; /* files.profiled as last committed */
	size_t cap_profiled;
	struct db_counts counts, pending; /* committed; written by the open transaction */
	sqlite3_stmt *ins_file, *ins_frame, *ins_stack, *ins_stack_frame, *ins_sample,
		*ins_thread, *ins_process, *ins_focus, *ins_alloc, *ins_free, *set_meta, *set_profiled;
};

/* Prepare the writer's statements (writer.c): 0, or -1 (sqlite3_errmsg).
 * A file of an older schema gets no statement that appends frames. */
int db_writer_prepare(struct db_session *s);
void db_writer_finalize(struct db_session *s);
/* The samples per thread and process the file holds once the samples of p
 * it lacks are in (into s->pending). */
void db_writer_count(struct db_session *s, const struct profile *p);
/* After loading p (loader.c) or committing: the file holds all of p, and
 * s->pending's counts. */
void db_writer_committed(struct db_session *s, const struct profile *p);

/* A one-line reason into err, with up to two string arguments. The
 * arguments (paths, SQLite's messages, which quote the file's own schema)
 * are escaped: an error line never carries a control character. */
static inline void db_set_err(char *err, size_t errlen, const char *fmt, const char *a,
			      const char *b)
{
	char ea[512], eb[512];
	if (err && errlen)
		snprintf(err, errlen, fmt, str_escape(ea, sizeof(ea), a), str_escape(eb, sizeof(eb), b));
}

#endif
