/* symbols.h — addresses to frames (function, file, line) with libdw.
 *
 * Each unique address is resolved once and cached as a chain of profile
 * frame ids: inlined functions are frames of their own, innermost first, and
 * the caller's frame holds the call-site line. Code without line info gives
 * the symbol-table name with the module as its file (line 0); code without a
 * symbol gives "[module]"; both are flagged (FRAME_NO_LINE / FRAME_NO_SYMBOL). */
#ifndef CPROF_SYMBOLS_H
#define CPROF_SYMBOLS_H
#include "profile.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct symbolizer;

struct symbolizer *symbols_new(pid_t pid, struct profile *p, char *err, size_t errlen);
void symbols_free(struct symbolizer *s);
/* Forget every module and cached address (after exec). */
void symbols_flush(struct symbolizer *s);
/* Re-read the target's modules now (before it exits, or after a dlopen). */
void symbols_refresh(struct symbolizer *s);
/* Frames for pc (innermost first) into out (at most max); returns the count
 * (>= 1). `is_return`: pc is a return address, so look up pc - 1. */
int symbols_resolve(struct symbolizer *s, uint64_t pc, bool is_return, uint32_t *out, int max);
/* Modules seen without debug info (paths, for the end-of-run warning). */
size_t symbols_modules_without_debuginfo(struct symbolizer *s, const char ***paths);
uint64_t symbols_resolved_count(const struct symbolizer *s);

#endif
