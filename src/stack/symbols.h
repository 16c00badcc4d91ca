/* symbols.h — code addresses to frames (function, file, line) with libdw.
 *
 * An address is known by its module file and its offset in that file (a
 * key), not by where a process mapped it: one module serves every process,
 * whatever its address space layout, and a program run 50 times is read
 * once.
 *
 * Symbolising runs on a worker thread that alone owns the libdw session, so
 * loading a large module's debug info (hundreds of milliseconds for a
 * compressed libc debug file) never stalls sampling. The sampling thread
 * asks for addresses with symbols_request() and picks up results with
 * symbols_take(); each address is resolved once, from indexes made once per
 * module (its symbol table: elfsyms.h) and per compilation unit (its DWARF:
 * dwindex.h).
 *
 * An address gives a chain of frames, innermost first: inlined functions are
 * frames of their own and the caller's frame holds the call-site line.
 * Functions are named as perf names them (names.h). Code without line info
 * gives the symbol-table name with the module as its file (line 0,
 * FRAME_NO_LINE); code without a symbol is named module+0xSTART from the
 * unwind table, or "[module]" (FRAME_NO_SYMBOL). */
#ifndef CPROF_SYMBOLS_H
#define CPROF_SYMBOLS_H
#include "target/procfs.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SYM_MAX_INLINE 32

struct sym_frame {
	const char *function; /* strings owned by the symbolizer, stable until flush/free */
	const char *home;     /* the function's own file (where it is defined): its row's */
	const char *file;     /* the file of `line`, or the module path when there are no lines */
	const char *module;
	uint32_t line, decl_line;
	uint32_t flags;       /* enum frame_flags of profile.h */
	bool user_code;       /* is_user_code() of its module and file (usercode.h) */
	bool home_user_code;  /* is_user_code() of its module and home */
};

struct symbolizer;

/* Start the worker. NULL with err on failure. */
struct symbolizer *symbols_new(char *err, size_t errlen);
/* Stop the worker and free everything. */
void symbols_free(struct symbolizer *s);

/* Module ids: SYMBOLS_UNKNOWN for code in no file (or too many files). */
#define SYMBOLS_UNKNOWN 0
#define SYMBOLS_MODULE_MASK 0x7fffffull   /* 23 bits of module id */
#define SYMBOLS_OFFSET_MASK 0xffffffffffull /* 40 bits of file offset */
/* The id of a module file (path as the target mapped it, "[vdso]" for the
 * vDSO; dev and inode its identity), registered at its first use. */
uint32_t symbols_module(struct symbolizer *s, const char *path, uint64_t dev, uint64_t inode);
/* Key of an address: file offset `offset` of module id; `is_return` (a
 * return address: look up the byte before). */
static inline uint64_t symbols_key(uint32_t module, uint64_t offset, bool is_return)
{
	return (uint64_t)is_return << 63 | ((uint64_t)module & SYMBOLS_MODULE_MASK) << 40 |
	       (offset & SYMBOLS_OFFSET_MASK);
}
/* Key of address pc of a process, which lies in its mapping m (NULL: in
 * none); registers the mapping's file. */
uint64_t symbols_key_of(struct symbolizer *s, const struct map *m, uint64_t pc, bool is_return);
/* Queue an address for resolution (no-op when known or queued). */
void symbols_request(struct symbolizer *s, uint64_t key);
/* Copy the frames of a resolved address into out (at most max); returns the
 * count (>= 1), or -1 when not resolved yet. */
int symbols_take(struct symbolizer *s, uint64_t key, struct sym_frame *out, int max);
/* Wait until every queued address is resolved (at most timeout_ms). */
bool symbols_wait_idle(struct symbolizer *s, int timeout_ms);
/* Modules seen without debug info (user modules only), for a warning.
 * Returns a malloc'd array of malloc'd strings; caller frees. */
size_t symbols_modules_without_debuginfo(struct symbolizer *s, char ***paths);
/* Time the worker spent resolving, and how many addresses it resolved. */
void symbols_stats(struct symbolizer *s, uint64_t *busy_ns, uint64_t *resolved);

#endif
