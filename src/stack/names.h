/* names.h — function names as perf shows them.
 *
 * C++ and Rust symbols are demangled: C++ qualified (`ns::Class::method`),
 * template arguments kept, parameter lists left out except where the module
 * has two functions of the same qualified name (overloads); Rust without
 * the hash (`crunch::hidden::crunch`), an instance of a generic function
 * with the arguments its DWARF name gives (`rs1::generic_sum<u8>`, where
 * the legacy mangling names every instance alike). C names are shown as
 * they are.
 *
 * A namer holds the names of one module: they are decided module-wide, so a
 * function has the same name wherever it is seen (its own code, inlined into
 * callers, or from the symbol table). Worker thread only (symbols.h). */
#ifndef CPROF_STACK_NAMES_H
#define CPROF_STACK_NAMES_H
#include "model/hash.h"
#include <stdbool.h>

/* Demangle a C++ (Itanium ABI) or Rust (legacy or v0) symbol; NULL when
 * `sym` is not mangled (a C name). `params` adds C++ parameter lists (and
 * the [clone .constprop.0] of a GCC clone). Returns a malloc'd string. */
char *name_demangle(const char *sym, bool params);

struct namer {
	struct strpool names;   /* every name handed out, and linkage names */
	struct u64map first;    /* short name -> the first function's key, or AMBIGUOUS */
	struct u64map shown;    /* a function's key -> the name shown for it */
};

void namer_init(struct namer *n);
void namer_free(struct namer *n);
/* Note a function of the module by its linkage (symbol-table) name before
 * any is named: names that two functions share get their parameter lists
 * everywhere. Names that are not mangled cost one comparison. */
void namer_note(struct namer *n, const char *linkage);
/* The name to show for a function of the module: from its linkage name
 * when it has one (demangled), else `plain` (its source name, qualified by
 * the caller where needed); one of them at least is given. A function's key
 * is its linkage name without a clone suffix (.constprop.0, .cold...).
 * Stable until namer_free. */
const char *namer_name(struct namer *n, const char *linkage, const char *plain);

#endif
