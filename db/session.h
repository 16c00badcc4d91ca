/* session.h — the SQLite session file (schema in db/schema.h, documented in
 * doc/SESSION.md).
 *
 * Writing: db_session_create() makes a new file; db_session_sync() appends
 * whatever the profile model gained since the last sync (files, frames,
 * stacks, samples, threads, profiled flags, meta) in one transaction. The
 * file is in WAL mode, so it is readable at any moment and a killed writer
 * leaves everything up to the last sync.
 *
 * Reading: db_session_load() fills an empty profile model from a file.
 */
#ifndef CPROF_SESSION_H
#define CPROF_SESSION_H
#include "model/profile.h"
#include <stdbool.h>
#include <stddef.h>

#define DB_SCHEMA_VERSION 2

struct db_session;

/* True when the file at path starts with the SQLite header. */
bool db_is_session_file(const char *path);

/* Create (truncate) a session file. NULL on failure with a one-line reason in err. */
struct db_session *db_session_create(const char *path, char *err, size_t errlen);
/* Open an existing session for reading and for saving profiled toggles.
 * Refuses foreign, corrupt and newer-schema files with a clear reason. */
struct db_session *db_session_open(const char *path, char *err, size_t errlen);
/* Load the whole session into an empty profile. 0 on success, -1 with err. */
int db_session_load(struct db_session *s, struct profile *p, char *err, size_t errlen);
/* Append what p gained since the last sync and rewrite meta and profiled
 * flags; one transaction. 0 on success, -1 with err (the profile is kept). */
int db_session_sync(struct db_session *s, struct profile *p, char *err, size_t errlen);
const char *db_session_path(const struct db_session *s);
void db_session_close(struct db_session *s);

#endif
