/* threads [-b BUSY] [-i IDLE] [-l LATE] [-s SLEEPERS] [-L DELAY] [-c FILE] [-p PIDFILE] [SECONDS]
 *
 * BUSY threads (default 2) spin, named "busy-N"; IDLE threads (default 2)
 * sleep, named "idle-N"; after DELAY seconds (default 1) LATE more busy
 * threads (default 0) start, named "late-N". SLEEPERS threads (default 0),
 * named "sleeper-N", start at once, sleep in one system call until DELAY,
 * then spin like the busy ones. The main thread, named
 * "threads-main", only waits. Every thread runs until SECONDS (default 3)
 * have passed since start. The pid file is written once the first busy and
 * idle threads are running. With -c, the busy threads' CPU times are written
 * to FILE at the end, one "busy-N MS" line each. */
#include "wl.h"
#include <pthread.h>

static double end_time;

static double busy_cpu_ms[64]; /* by busy thread, -c */

static void *busy(void *arg)
{
	uint64_t x = (uintptr_t)arg;
	while (wl_now() < end_time) {
		WL_SPIN(x, 100000);
	}
	wl_sink = x;
	return NULL;
}

/* A busy thread that records its CPU time (arg: its index + 1). */
static void *busy_counted(void *arg)
{
	busy(arg);
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	busy_cpu_ms[(uintptr_t)arg - 1] = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
	return NULL;
}

static void *idle(void *arg)
{
	while (wl_now() < end_time)
		usleep(20000);
	return NULL;
}

static double wake_time;

static void *sleeper(void *arg)
{
	double wait = wake_time - wl_now();
	if (wait > 0)
		usleep(wait * 1e6); /* one sleep, never woken before */
	return busy(arg);
}

static void start(pthread_t *t, void *(*fn)(void *), const char *prefix, int i)
{
	char name[16];
	if (pthread_create(t, NULL, fn, (void *)(uintptr_t)(i + 1))) {
		perror("pthread_create");
		exit(2);
	}
	snprintf(name, sizeof name, "%s-%d", prefix, i);
	pthread_setname_np(*t, name);
}

int main(int argc, char **argv)
{
	int nbusy = 2, nidle = 2, nlate = 0, nsleep = 0;
	double late_delay = 1;
	const char *pidfile = NULL, *cpufile = NULL;
	int c;
	while ((c = getopt(argc, argv, "b:i:l:s:L:c:p:")) != -1) {
		switch (c) {
		case 'b': nbusy = atoi(optarg); break;
		case 'i': nidle = atoi(optarg); break;
		case 'l': nlate = atoi(optarg); break;
		case 's': nsleep = atoi(optarg); break;
		case 'L': late_delay = wl_parse_seconds(optarg, 1); break;
		case 'c': cpufile = optarg; break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	double t0 = wl_now();
	end_time = t0 + wl_parse_seconds(argv[optind], 3);
	wake_time = t0 + late_delay;
	pthread_setname_np(pthread_self(), "threads-main");
	int n = nbusy + nidle + nsleep + nlate;
	pthread_t *t = calloc(n ? n : 1, sizeof *t);
	for (int i = 0; i < nbusy; i++)
		start(&t[i], busy_counted, "busy", i);
	for (int i = 0; i < nidle; i++)
		start(&t[nbusy + i], idle, "idle", i);
	for (int i = 0; i < nsleep; i++)
		start(&t[nbusy + nidle + i], sleeper, "sleeper", i);
	wl_ready(pidfile);
	if (nlate) {
		double wait = t0 + late_delay - wl_now();
		if (wait > 0)
			usleep(wait * 1e6);
		for (int i = 0; i < nlate; i++)
			start(&t[nbusy + nidle + nsleep + i], busy, "late", i);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	FILE *f = cpufile ? fopen(cpufile, "w") : NULL;
	for (int i = 0; f && i < nbusy && i < 64; i++)
		fprintf(f, "busy-%d %.0f\n", i, busy_cpu_ms[i]);
	return f && fclose(f) ? 2 : 0;
}
