/* usercode.h — the one rule for "is this the user's own code?".
 *
 * It decides the default profiled set (doc/PRODUCT.md §4): time in code that
 * is not the user's is charged to the user's line that called into it. It
 * also decides which modules deserve a "no debug info" warning. */
#ifndef CPROF_MODEL_USERCODE_H
#define CPROF_MODEL_USERCODE_H
#include <stdbool.h>

/* Is code of `module` (an ELF path, "[vdso]", ...) at source file `source`
 * the user's own? Not when either lies under the system's include, library
 * or package-build directories or a toolchain's library sources (Rust's
 * /rustc/..., cargo's registry), nor for the vDSO and compiler built-ins,
 * nor cprof-tui's own allocation sampler (libcprof-alloc.so).
 * `source` NULL means code without line information: the module stands in
 * for its files. Such code of the program's own modules is the user's when
 * none of them has line information (`program_has_lines` false: a
 * stripped program is profiled), else not. `module` NULL asks about the
 * source path alone. */
bool is_user_code(const char *module, const char *source, bool program_has_lines);

#endif
