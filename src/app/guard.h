/* guard.h — a watch over the sampling thread for the one wait nobody can
 * break: a target that traces cprof-tui itself (ptrace attach of its
 * parent, a hostile or buggy debugger-like program). The sampling thread is
 * then stopped by its own tracee, which may itself be stopped for a sample:
 * each waits for the other for ever. */
#ifndef CPROF_APP_GUARD_H
#define CPROF_APP_GUARD_H
#include <sys/types.h>

struct guard;

/* Watch the calling thread while it profiles process target. When a thread
 * of target, or of a process descended from cprof-tui or from target, has
 * held it in a ptrace stop for a second, the guard prints one
 * line (naming session_path, which holds what was committed) and ends
 * cprof-tui with status 2: the kernel then lets go of every traced thread.
 * NULL when the watching thread cannot start (then nothing is watched). */
struct guard *guard_start(pid_t target, const char *session_path);
/* fn is called before the guard ends cprof-tui (the TUI gives the terminal
 * back); NULL: nothing. */
void guard_before_exit(void (*fn)(void));
void guard_stop(struct guard *g);

#endif
