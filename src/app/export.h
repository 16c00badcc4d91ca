/* export.h — `cprof-tui --export FORMAT SESSION.db [-o FILE]`: a profile's
 * stacks in the formats other tools read (doc/PRODUCT.md §9).
 *
 * Every format takes the samples in the profile's scope (profile.h: the
 * --pid narrowing and the --focus), whole stacks from the innermost frame
 * to the outermost unwound (the profiled set does not cut them: the tools
 * do their own filtering), and names each frame as the TUI does: a
 * function's name, an inlined function being a frame of its own.
 *
 *  - folded: one line per distinct stack, outermost frame first, frames
 *    joined by ';', then a space and its samples (flamegraph.pl, inferno,
 *    speedscope); the counts add up to the samples in scope;
 *  - speedscope: speedscope's JSON file format: shared.frames (a function:
 *    its name, own file and first line), one "sampled" profile per thread in
 *    sample order, each stack outermost first, weights in nanoseconds;
 *  - pprof: profile.proto, gzip-compressed (go tool pprof, Pyroscope,
 *    Parca): sample types samples/count and cpu (or wall)/nanoseconds,
 *    locations with their inline chains, functions with file and first
 *    line, one mapping per module, pid and tid labels;
 *  - callgrind: the callgrind format (callgrind_annotate, KCachegrind): the
 *    samples of each line as its self cost (the innermost frame's line),
 *    and calls between functions with their inclusive samples.
 *
 * Each writer returns 0, or -1 when out cannot be written (errno set). */
#ifndef CPROF_EXPORT_H
#define CPROF_EXPORT_H
#include "app/options.h"
#include "model/profile.h"
#include <stdbool.h>
#include <stdio.h>

/* How each file cprof-tui writes begins (folded has no header), by which
 * export_check_output knows an export of its own. pprof's is the comment
 * of its gzip header. */
#define EXPORT_SPEEDSCOPE_HEAD \
	"{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"exporter\":\"cprof-tui"
#define EXPORT_CALLGRIND_HEAD "# callgrind format\nversion: 1\ncreator: cprof-tui"
#define EXPORT_PPROF_COMMENT "cprof-tui pprof export"

int export_folded(FILE *out, struct profile *p);
int export_speedscope(FILE *out, struct profile *p);
int export_pprof(FILE *out, struct profile *p);
int export_callgrind(FILE *out, struct profile *p);

/* May the export be written at path (NULL: stdout)? 0 when path does not
 * exist, is empty, or is a cprof-tui export of the same format; any regular
 * file with `force`, but never the session being exported (session). -1
 * with a one-line reason and remedy in err. pprof, which is binary, is
 * not written to a terminal. Changes nothing. */
int export_check_output(const char *path, const char *session, enum export_format fmt,
			bool force, char *err, size_t errlen);
/* Write p in fmt to path (NULL: stdout): into a new file beside it, renamed
 * over path once complete, so a failed export leaves what was there. 0, or
 * -1 with a one-line reason in err. */
int export_write(struct profile *p, enum export_format fmt, const char *path, char *err,
		 size_t errlen);

#endif
