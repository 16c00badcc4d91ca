/* hostile [-c] [-w DELAY] [SECONDS]
 *
 * A hostile (or buggy) program: after DELAY seconds of work (default 0.3) it
 * traces its own parent with ptrace and holds it stopped, never to resume
 * it, while it works on until SECONDS (default 5). Run under cprof-tui, the
 * parent is the profiler. With -c, a child it forks does it to the
 * program's parent (its grandparent) while the program works and waits. */
#include "wl.h"
#include <signal.h>
#include <stdbool.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

__attribute__((noinline)) static uint64_t work(uint64_t x, double until)
{
	while (wl_now() < until) {
		WL_SPIN(x, 100000);
	}
	return x;
}

int main(int argc, char **argv)
{
	double delay = 0.3;
	int c;
	bool by_child = false;
	while ((c = getopt(argc, argv, "cw:")) != -1) {
		switch (c) {
		case 'c': by_child = true; break;
		case 'w': delay = wl_parse_seconds(optarg, 0.3); break;
		default: return 2;
		}
	}
	double start = wl_now(), end = start + wl_parse_seconds(argv[optind], 5);
	pid_t parent = getppid(), child = by_child ? fork() : 0;
	if (child > 0) { /* the child does it */
		wl_sink = work(1, end);
		waitpid(child, NULL, 0);
		return 0;
	}
	uint64_t x = work(1, start + delay);
	if (ptrace(PTRACE_SEIZE, parent, 0, 0) == 0 && ptrace(PTRACE_INTERRUPT, parent, 0, 0) == 0) {
		int status;
		waitpid(parent, &status, __WALL);
	}
	wl_sink = work(x, end);
	return 0;
}
