/* session-file.h — inside db/: the open session file, shared by session.c
 * (opening, creating), writer.c (db_session_sync) and loader.c
 * (db_session_load). */
#ifndef CPROF_DB_SESSION_FILE_H
#define CPROF_DB_SESSION_FILE_H
#include "db/session.h"
#include <sqlite3.h>
#include <stdio.h>

struct db_session {
	sqlite3 *db;
	char *path;
	int version;         /* its schema_version: an older file is only read, and its toggles saved */
	/* how much of the profile model is already in the file */
	size_t files_done, frames_done, stacks_done, samples_done;
	bool *profiled_done; /* files.profiled as last written */
	size_t cap_profiled;
	sqlite3_stmt *ins_file, *ins_frame, *ins_stack, *ins_stack_frame, *ins_sample,
		*ins_thread, *set_meta, *set_profiled;
};

/* Prepare the writer's statements (writer.c): 0, or -1 (sqlite3_errmsg).
 * A file of an older schema gets no statement that appends frames. */
int db_writer_prepare(struct db_session *s);
void db_writer_finalize(struct db_session *s);

/* A one-line reason into err, with up to two string arguments. */
static inline void db_set_err(char *err, size_t errlen, const char *fmt, const char *a,
			      const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a, b);
}

#endif
