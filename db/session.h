/* session.h — the SQLite session file (schema in db/schema.h, documented in
 * doc/SESSION.md).
 *
 * Writing: db_session_create() makes a new file; db_session_sync() appends
 * whatever the profile model gained since the last sync (files, frames,
 * stacks, samples, threads, profiled flags, meta) in one transaction. The
 * file is in WAL mode, so it is readable at any moment and a killed writer
 * leaves everything up to the last sync. A sync that fails (a full disk)
 * leaves the file as the last one left it, and the next sync writes
 * everything since. A session being written is locked (flock): a second
 * writer is refused, and a crashed writer's lock goes with its process.
 *
 * Reading: db_session_load() fills an empty profile model from a file.
 * Nothing in a file is trusted: ids, counts and strings may be anything.
 */
#ifndef CPROF_SESSION_H
#define CPROF_SESSION_H
#include "model/profile.h"
#include <stdbool.h>
#include <stddef.h>

#define DB_SCHEMA_VERSION 4

struct db_session;

/* True when the file at path starts with the SQLite header. */
bool db_is_session_file(const char *path);

/* May a new session be written at path? 0 when it does not exist, is empty
 * or is a cprof-tui session no cprof-tui is writing; -1 with a one-line
 * reason and remedy in err otherwise. `force` lets any regular file that
 * is not being written be replaced. Changes nothing: call it before
 * launching a program, so that a refusal costs the program nothing. */
int db_session_check_output(const char *path, bool force, char *err, size_t errlen);
/* Create a session file at path, replacing what db_session_check_output
 * allows, and lock it until db_session_close(). NULL on failure with a
 * one-line reason in err. */
struct db_session *db_session_create(const char *path, bool force, char *err, size_t errlen);
/* Open an existing session. `read_only`: never change the file (--report);
 * otherwise profiled toggles are saved where the file can be written.
 * Works on read-only media. Refuses foreign, corrupt and newer-schema files
 * with a clear reason. */
struct db_session *db_session_open(const char *path, bool read_only, char *err, size_t errlen);
/* Load the whole session into an empty profile. 0 on success, -1 with err. */
int db_session_load(struct db_session *s, struct profile *p, char *err, size_t errlen);
/* Append what p gained since the last sync and rewrite meta and profiled
 * flags; one transaction. 0 on success, -1 with err (nothing of this sync
 * is in the file; the next one writes it). */
int db_session_sync(struct db_session *s, struct profile *p, char *err, size_t errlen);
/* Samples committed to the file (by this writer or before loading). */
size_t db_session_samples_written(const struct db_session *s);
const char *db_session_path(const struct db_session *s);
void db_session_close(struct db_session *s);

#endif
