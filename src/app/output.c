/* output.c — where a recording's session goes; see output.h. */
#include "config.h"
#include "app/output.h"
#include "db/session.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <sys/stat.h>

char *output_default_path(const char *comm, pid_t pid)
{
	char safe[64];
	size_t n = 0;
	for (const char *c = comm; *c && n + 1 < sizeof(safe); c++)
		safe[n++] = (*c == '/' || *c == ' ' || (unsigned char)*c < 0x20) ? '_' : *c;
	safe[n] = '\0';
	return xasprintf("cprof-%s-%d.db", n ? safe : "target", (int)pid);
}

/* -o names the program being profiled (path, or /proc/PID/exe): its
 * file would be replaced by the session, whatever --force says. */
static bool is_program(const char *output, const char *program)
{
	struct stat a, b;
	return stat(output, &a) == 0 && stat(program, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int output_check(const struct options *o, const char *program, char *err, size_t errlen)
{
	if (is_program(o->output, program)) {
		char e[256];
		snprintf(err, errlen, "-o %s is the program being profiled: choose another session "
			 "file", str_escape(e, sizeof(e), o->output));
		return -1;
	}
	return db_session_check_output(o->output, o->force, err, errlen);
}
