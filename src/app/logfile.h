/* logfile.h — where a launched program's output goes in the TUI (so that it
 * does not draw over the screen): FILE.log, or cprof-<prog>.log in the
 * current directory. Such a name anyone can predict, in a directory that
 * may be shared, and cprof-tui often runs as root. */
#ifndef CPROF_APP_LOGFILE_H
#define CPROF_APP_LOGFILE_H
#include <stddef.h>

/* Open path for writing without following or clobbering what someone else
 * put there: the file is created new, and a file of that name is emptied
 * and reused only when it is a regular file of ours with no other link. A
 * symbolic link (even a dangling one) is never followed, a FIFO does not
 * block. Returns the descriptor (close-on-exec, appending: every run of a
 * --repeat writes after the last), or -1 with a one-line error naming the
 * file, the reason and the remedy in err. */
int logfile_open(const char *path, char *err, size_t errlen);

#endif
