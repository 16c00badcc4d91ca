/* report.h — `cprof-tui --report`: the profile as text, TSV or JSON.
 *
 * TSV (one header line, then rows sorted by self desc, then total desc):
 *   --by function: self total self_pct total_pct function file line
 *   --by line:     self total self_pct total_pct file line
 *   --by file:     self total self_pct total_pct profiled lines_hit file
 * Percentages are of all samples, with one decimal. The row for samples with
 * no frame in a profiled file has function/file "(outside profiled files)"
 * and line 0; it is always present (possibly 0).
 *   --by process:  samples share_pct pid ppid depth exit_status signal
 *                  started_us ended_us followed command
 *                  (a tree: each process after its parent; exit_status and
 *                  signal empty while it runs or when unknown)
 * JSON: {"samples":N,"by":"function","pid":N,"focus":[..],"rows":[{"self":..,...}]}
 * ("pid" and "focus" only when the report is narrowed or focused).
 * Text: a header with the session facts, then an aligned table.
 * Narrowed (--pid) or focused (--focus), every number is of the samples
 * that are in: the header says which. */
#ifndef CPROF_REPORT_H
#define CPROF_REPORT_H
#include "app/options.h"
#include "model/profile.h"
#include <stdio.h>

void report_print(FILE *out, struct profile *p, enum table_by by, enum report_format fmt,
		  size_t limit);
/* --by process */
void report_processes(FILE *out, struct profile *p, enum report_format fmt, size_t limit);
/* --diff BASE.db NEW.db: the rows of model/diff.h, sorted by the size of
 * the change. TSV: base_self_pct new_self_pct delta_pct function file line
 * status (status: both, new or vanished; function empty but by function,
 * line 0 by file); percentages with two decimals. JSON: {"base":{"session":
 * PATH,"samples":N},"new":{..},"by":..,"focus":[..],"rows":[{"function":..,
 * "file":..,"line":..,"base_self_pct":..,"new_self_pct":..,"delta_pct":..,
 * "status":..}]}. Text: the two sessions, then an aligned table. */
void report_diff(FILE *out, struct profile *base, const char *base_path, struct profile *cur,
		 const char *cur_path, enum table_by by, enum report_format fmt, size_t limit);
/* What the numbers are of, when narrowed or focused: JSON "pid" and
 * "focus" members, each followed by a comma; text lines. */
void report_json_scope(FILE *out, const struct profile *p);
void report_text_scope(FILE *out, const struct profile *p);
/* A JSON string: always valid JSON in valid UTF-8, whatever the bytes (a
 * name from a damaged or hostile file): invalid UTF-8 becomes U+FFFD, and
 * controls (C0, DEL, C1) are \u escapes. */
void report_json_string(FILE *out, const char *s);
/* A TSV field, escaped as the TUI shows it (str_escape): no tab or newline
 * breaks the columns, no control byte reaches a terminal. */
void report_tsv_field(FILE *out, const char *s);
/* The short end-of-recording summary of --headless. */
void report_summary(FILE *out, struct profile *p, const char *session_path, double elapsed_s);

#endif
