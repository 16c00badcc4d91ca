/* output.h — where a recording's session goes: its default name, and
 * whether -o may be written (never over the program being profiled). */
#ifndef CPROF_APP_OUTPUT_H
#define CPROF_APP_OUTPUT_H
#include "app/options.h"
#include <sys/types.h>

/* "cprof-COMM-PID.db", COMM made safe for a file name. */
char *output_default_path(const char *comm, pid_t pid);
/* Before the target is launched or attached: may o->output be written?
 * (program: the program's file.) 0, or -1 with err (nothing has been done
 * to the program yet). */
int output_check(const struct options *o, const char *program, char *err, size_t errlen);

#endif
