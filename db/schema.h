/* schema.h — the session file schema (version DB_SCHEMA_VERSION).
 * Documented for sqlite3 users in doc/SESSION.md; keep both in step.
 * Version 1 had no frames.function_file_id: a function's file was its
 * frames' file_id. Version 2 had no processes or focus, threads were keyed
 * by tid and samples named their tid. Version 3 had no allocs or frees.
 * (db/loader.c reads all four.)
 *
 * Counting rules of line_hits / function_hits are doc/PRODUCT.md §4 under the profiled
 * set stored in files.profiled; samples with no frame in a profiled file
 * appear as one row named '(outside profiled files)'. */
#ifndef CPROF_SCHEMA_H
#define CPROF_SCHEMA_H

#define DB_SCHEMA_SQL \
"CREATE TABLE meta(key TEXT PRIMARY KEY, value);\n" \
"CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT UNIQUE, profiled INTEGER NOT NULL,\n" \
"                   system INTEGER NOT NULL DEFAULT 0);\n" \
"CREATE TABLE frames(id INTEGER PRIMARY KEY, function TEXT NOT NULL,\n" \
"                    function_file_id INTEGER NOT NULL REFERENCES files(id),\n" \
"                    file_id INTEGER NOT NULL REFERENCES files(id), line INTEGER NOT NULL,\n" \
"                    function_line INTEGER NOT NULL DEFAULT 0, module TEXT, flags INTEGER NOT NULL);\n" \
"CREATE TABLE stacks(id INTEGER PRIMARY KEY, depth INTEGER NOT NULL, flags INTEGER NOT NULL);\n" \
"CREATE TABLE stack_frames(stack_id INTEGER NOT NULL, depth INTEGER NOT NULL,\n" \
"                          frame_id INTEGER NOT NULL, PRIMARY KEY(stack_id, depth)) WITHOUT ROWID;\n" \
"CREATE TABLE samples(time_us INTEGER NOT NULL, thread_id INTEGER NOT NULL,\n" \
"                     stack_id INTEGER NOT NULL);\n" \
"CREATE TABLE threads(id INTEGER PRIMARY KEY, process_id INTEGER, pid INTEGER, tid INTEGER NOT NULL,\n" \
"                     name TEXT, samples INTEGER NOT NULL);\n" \
"CREATE TABLE processes(id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, ppid INTEGER,\n" \
"                       command TEXT, started_us INTEGER NOT NULL, ended_us INTEGER,\n" \
"                       exit_status INTEGER, followed INTEGER NOT NULL, samples INTEGER NOT NULL);\n" \
"CREATE TABLE focus(pattern TEXT NOT NULL);\n" \
"CREATE TABLE allocs(id INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, thread_id INTEGER NOT NULL,\n" \
"                    stack_id INTEGER NOT NULL, size INTEGER NOT NULL, weight INTEGER NOT NULL);\n" \
"CREATE TABLE frees(alloc_id INTEGER NOT NULL, time_us INTEGER NOT NULL);\n" \
"CREATE INDEX frees_alloc ON frees(alloc_id);\n" \
"CREATE VIEW stack_counts AS SELECT stack_id, count(*) AS n FROM samples GROUP BY stack_id;\n" \
"CREATE VIEW stack_self AS\n" \
"  SELECT sf.stack_id, sf.frame_id FROM stack_frames sf\n" \
"  WHERE sf.depth = (SELECT min(s2.depth) FROM stack_frames s2\n" \
"                    JOIN frames f2 ON f2.id = s2.frame_id JOIN files p2 ON p2.id = f2.file_id\n" \
"                    WHERE s2.stack_id = sf.stack_id AND p2.profiled);\n" \
"CREATE VIEW line_hits AS\n" \
"  WITH t AS (SELECT d.file_id, d.line, sum(c.n) AS total FROM\n" \
"               (SELECT DISTINCT sf.stack_id, f.file_id, f.line FROM stack_frames sf\n" \
"                JOIN frames f ON f.id = sf.frame_id) d\n" \
"             JOIN stack_counts c USING(stack_id) GROUP BY d.file_id, d.line),\n" \
"       s AS (SELECT f.file_id, f.line, sum(c.n) AS self FROM stack_self ss\n" \
"             JOIN stack_counts c USING(stack_id) JOIN frames f ON f.id = ss.frame_id\n" \
"             GROUP BY f.file_id, f.line)\n" \
"  SELECT fi.path AS path, t.line AS line, coalesce(s.self, 0) AS self, t.total AS total\n" \
"  FROM t JOIN files fi ON fi.id = t.file_id LEFT JOIN s ON s.file_id = t.file_id AND s.line = t.line\n" \
"  UNION ALL\n" \
"  SELECT '(outside profiled files)', 0, coalesce(sum(n), 0), coalesce(sum(n), 0) FROM stack_counts\n" \
"  WHERE stack_id NOT IN (SELECT stack_id FROM stack_self);\n" \
"CREATE VIEW function_hits AS\n" \
"  WITH t AS (SELECT d.function, d.function_file_id, sum(c.n) AS total FROM\n" \
"               (SELECT DISTINCT sf.stack_id, f.function, f.function_file_id FROM stack_frames sf\n" \
"                JOIN frames f ON f.id = sf.frame_id) d\n" \
"             JOIN stack_counts c USING(stack_id) GROUP BY d.function, d.function_file_id),\n" \
"       s AS (SELECT f.function, f.function_file_id, sum(c.n) AS self FROM stack_self ss\n" \
"             JOIN stack_counts c USING(stack_id) JOIN frames f ON f.id = ss.frame_id\n" \
"             GROUP BY f.function, f.function_file_id)\n" \
"  SELECT t.function AS function, fi.path AS path, coalesce(s.self, 0) AS self, t.total AS total\n" \
"  FROM t JOIN files fi ON fi.id = t.function_file_id\n" \
"  LEFT JOIN s ON s.function = t.function AND s.function_file_id = t.function_file_id\n" \
"  UNION ALL\n" \
"  SELECT '(outside profiled files)', '', coalesce(sum(n), 0), coalesce(sum(n), 0) FROM stack_counts\n" \
"  WHERE stack_id NOT IN (SELECT stack_id FROM stack_self);\n" \
"CREATE VIEW stack_bytes AS\n" \
"  WITH live AS (SELECT a.size, a.weight, t.process_id AS proc FROM allocs a\n" \
"                JOIN threads t ON t.id = a.thread_id\n" \
"                WHERE NOT EXISTS (SELECT 1 FROM frees f WHERE f.alloc_id = a.id) AND a.size > 0),\n" \
"       est AS (SELECT proc, sum(weight * (CASE WHEN size >= 131072\n" \
"                 THEN ((size + 16 + 4095) / 4096) * 4096 ELSE max(32, ((size + 8 + 15) / 16) * 16) END)\n" \
"                 * 1.0 / size) AS chunks FROM live GROUP BY proc),\n" \
"       scale AS (SELECT e.proc, CAST(m.value AS REAL) / e.chunks AS f FROM est e\n" \
"                 JOIN meta m ON m.key = 'heap_at_exit:' || e.proc\n" \
"                 WHERE e.chunks > 0 AND CAST(m.value AS INTEGER) > 0)\n" \
"  SELECT a.stack_id, sum(a.weight) AS alloc,\n" \
"         sum(CASE WHEN EXISTS (SELECT 1 FROM frees f WHERE f.alloc_id = a.id) THEN 0\n" \
"             ELSE CAST(a.weight * coalesce((SELECT s.f FROM threads t JOIN scale s ON s.proc = t.process_id\n" \
"                                           WHERE t.id = a.thread_id), 1.0) + 0.5 AS INTEGER) END)\n" \
"         AS live\n" \
"  FROM allocs a GROUP BY a.stack_id;\n" \
"CREATE VIEW line_alloc AS\n" \
"  WITH t AS (SELECT d.file_id, d.line, sum(b.alloc) AS total, sum(b.live) AS live_total FROM\n" \
"               (SELECT DISTINCT sf.stack_id, f.file_id, f.line FROM stack_frames sf\n" \
"                JOIN frames f ON f.id = sf.frame_id) d\n" \
"             JOIN stack_bytes b USING(stack_id) GROUP BY d.file_id, d.line),\n" \
"       s AS (SELECT f.file_id, f.line, sum(b.alloc) AS self, sum(b.live) AS live_self\n" \
"             FROM stack_self ss JOIN stack_bytes b USING(stack_id) JOIN frames f ON f.id = ss.frame_id\n" \
"             GROUP BY f.file_id, f.line)\n" \
"  SELECT fi.path AS path, t.line AS line, coalesce(s.self, 0) AS self, t.total AS total,\n" \
"         coalesce(s.live_self, 0) AS live_self, t.live_total AS live_total\n" \
"  FROM t JOIN files fi ON fi.id = t.file_id LEFT JOIN s ON s.file_id = t.file_id AND s.line = t.line\n" \
"  UNION ALL\n" \
"  SELECT '(outside profiled files)', 0, coalesce(sum(alloc), 0), coalesce(sum(alloc), 0),\n" \
"         coalesce(sum(live), 0), coalesce(sum(live), 0) FROM stack_bytes\n" \
"  WHERE stack_id NOT IN (SELECT stack_id FROM stack_self);\n" \
"CREATE VIEW function_alloc AS\n" \
"  WITH t AS (SELECT d.function, d.function_file_id, sum(b.alloc) AS total, sum(b.live) AS live_total\n" \
"             FROM (SELECT DISTINCT sf.stack_id, f.function, f.function_file_id FROM stack_frames sf\n" \
"                   JOIN frames f ON f.id = sf.frame_id) d\n" \
"             JOIN stack_bytes b USING(stack_id) GROUP BY d.function, d.function_file_id),\n" \
"       s AS (SELECT f.function, f.function_file_id, sum(b.alloc) AS self, sum(b.live) AS live_self\n" \
"             FROM stack_self ss JOIN stack_bytes b USING(stack_id) JOIN frames f ON f.id = ss.frame_id\n" \
"             GROUP BY f.function, f.function_file_id)\n" \
"  SELECT t.function AS function, fi.path AS path, coalesce(s.self, 0) AS self, t.total AS total,\n" \
"         coalesce(s.live_self, 0) AS live_self, t.live_total AS live_total\n" \
"  FROM t JOIN files fi ON fi.id = t.function_file_id\n" \
"  LEFT JOIN s ON s.function = t.function AND s.function_file_id = t.function_file_id\n" \
"  UNION ALL\n" \
"  SELECT '(outside profiled files)', '', coalesce(sum(alloc), 0), coalesce(sum(alloc), 0),\n" \
"         coalesce(sum(live), 0), coalesce(sum(live), 0) FROM stack_bytes\n" \
"  WHERE stack_id NOT IN (SELECT stack_id FROM stack_self);\n"

#endif
