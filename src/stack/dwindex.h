/* dwindex.h — a module's DWARF, indexed one compilation unit (CU) at a time.
 *
 * The first address that falls in a CU makes the CU's index, once: its
 * functions and inlined calls with their address ranges, flattened into
 * sorted segments, and its line table. Every address after that costs two
 * binary searches. (libdw's dwarf_getscopes walks the whole CU for every
 * address: 0.1-1 ms each; doc/ENGINE.md.) A CU is found by its address
 * ranges, read for all CUs when the index is made (no DIE below a CU's is
 * read then).
 *
 * Worker thread only (symbols.h): libdw's Dwarf is not shared. */
#ifndef CPROF_STACK_DWINDEX_H
#define CPROF_STACK_DWINDEX_H
#include "stack/names.h"
#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdint.h>

/* One frame of an address: a function, or a function inlined into the
 * next frame (whose frame then holds the call site's file and line). */
struct dw_frame {
	const char *function; /* NULL: DWARF names none (assembly: lines only) */
	const char *home;     /* the function's own file, where it is defined; NULL if unknown */
	const char *file;     /* the file of `line`; NULL when there is no line */
	uint32_t line;        /* 0 when unknown (the compiler's line 0 too) */
	uint32_t decl_line;   /* the function's first line, 0 when unknown */
	bool inlined;
};

struct dwindex;

/* The name of the symbol that starts at DWARF address addr (demangled, by
 * the module's namer), NULL when none does. */
typedef const char *(*dw_symbol_fn)(void *arg, uint64_t addr);

/* Index the DWARF dw of a module whose functions `names` names (shared with
 * the module's symbol table). A C++ function without a linkage name in the
 * DWARF (a lambda's operator(), a constructor inlined) is named by
 * symbol_at(arg, its entry) when it has an out-of-line copy, else by its
 * qualified source name. Strings handed out stay valid until dwindex_free. */
struct dwindex *dwindex_new(Dwarf *dw, struct namer *names, dw_symbol_fn symbol_at, void *arg);
void dwindex_free(struct dwindex *x);
/* Does any CU have a line table? */
bool dwindex_has_lines(const struct dwindex *x);
/* How many CUs have been indexed, and functions' inlined calls walked:
 * each is done once, whatever the number of addresses in it. */
void dwindex_stats(const struct dwindex *x, size_t *cus, size_t *functions);
/* The frames of DWARF address addr (a module address minus the DWARF's
 * bias), innermost first, at most max (>= 1): returns how many, 0 when no
 * CU describes the address (neither a function nor a line). */
int dwindex_lookup(struct dwindex *x, uint64_t addr, struct dw_frame *out, int max);

#endif
