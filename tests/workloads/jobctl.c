/* jobctl [-p PIDFILE] [SECONDS]
 *
 * Two threads spin for SECONDS of wall time (default 5), then exit 0. Used
 * for SIGSTOP/SIGCONT/SIGTSTP and kill -9 tests: progress shows in
 * /proc/PID/stat utime. */
#include "wl.h"
#include <pthread.h>

static double end_time;

static void *spin(void *arg)
{
	uint64_t x = (uintptr_t)arg;
	while (wl_now() < end_time) {
		WL_SPIN(x, 100000);
	}
	wl_sink = x;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *pidfile;
	end_time = wl_options(argc, argv, 5, &pidfile);
	pthread_t t;
	if (pthread_create(&t, NULL, spin, (void *)1)) {
		perror("pthread_create");
		return 2;
	}
	wl_ready(pidfile);
	spin((void *)2);
	pthread_join(t, NULL);
	return 0;
}
