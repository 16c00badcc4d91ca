/* exectest [-p PIDFILE] SECONDS PROGRAM [ARGS...]
 *
 * The main thread spins in before_exec(); a second thread spins in
 * exec_thread() for SECONDS, then calls execv(PROGRAM, ARGS) — an exec from
 * a non-leader thread: the kernel kills the other threads and the exec'ing
 * thread takes over the process id. */
#include "wl.h"
#include <pthread.h>

static double end_time;
static char **exec_argv;

__attribute__((noinline)) static void before_exec(void)
{
	uint64_t x = 1;
	for (;;) {
		WL_SPIN(x, 100000);
		wl_sink = x;
	}
}

static void *exec_thread(void *arg)
{
	uint64_t x = 2;
	while (wl_now() < end_time) {
		WL_SPIN(x, 100000);
	}
	wl_sink = x;
	execv(exec_argv[0], exec_argv);
	perror(exec_argv[0]);
	exit(127);
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	int c;
	while ((c = getopt(argc, argv, "+p:")) != -1) {
		if (c == 'p')
			pidfile = optarg;
		else
			return 2;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: exectest [-p PIDFILE] SECONDS PROGRAM [ARGS...]\n");
		return 2;
	}
	end_time = wl_now() + wl_parse_seconds(argv[optind], 1);
	exec_argv = argv + optind + 1;
	pthread_t t;
	if (pthread_create(&t, NULL, exec_thread, NULL)) {
		perror("pthread_create");
		return 2;
	}
	wl_ready(pidfile);
	before_exec();
}
