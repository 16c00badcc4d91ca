/* bursty [-t THREADS] [-b BURST_MS] [-s SLEEP_MS[:MAX_MS]] [-p PIDFILE] [SECONDS]
 *
 * Threads that run in bursts: each of THREADS threads (default 1) alternates
 * a burst of BURST_MS milliseconds of CPU time (default 2; the work it takes
 * is measured at the start), the first half in burst_a and the second in
 * burst_b, with a sleep of SLEEP_MS
 * milliseconds (default 5), or a random length from SLEEP_MS to MAX_MS. So
 * burst_a and burst_b get the same CPU time whatever the duty cycle; a
 * profiler should give them the same share. Servers, event loops and GUIs
 * have threads like these. At the end it prints the process's CPU time,
 * "cpu_s=N", so samples per CPU-second can be compared between profilers. */
#include "wl.h"
#include <pthread.h>
#include <sys/resource.h>

static double end_time, burst_s = 0.002, sleep_min = 0.005, sleep_max = 0.005;

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The two halves of a burst: a fixed number of steps of two different loops
 * (so the compiler cannot fold them into one function), no system call
 * inside: a profiler's view of the burst is not bent by its sampling
 * catching threads at system calls. */
__attribute__((noinline)) static uint64_t burst_a(uint64_t x, uint64_t steps)
{
	WL_SPIN(x, steps);
	return x;
}

__attribute__((noinline)) static uint64_t burst_b(uint64_t x, uint64_t steps)
{
	for (uint64_t i = 0; i < steps; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

/* Steps of fn per second of CPU time, measured over ~30 ms. */
static double calibrate(uint64_t (*fn)(uint64_t, uint64_t))
{
	uint64_t steps = 1000, x = 1;
	double t0 = thread_cpu(), t;
	while ((t = thread_cpu()) - t0 < 0.03) {
		x = fn(x, steps);
		steps *= 2;
	}
	wl_sink = x;
	return (double)(steps - 1000) / (t - t0);
}

static double rate_a, rate_b;

static void *worker(void *arg)
{
	uint64_t x = (uintptr_t)arg, r = x * 0x9E3779B97F4A7C15ULL + 1;
	uint64_t steps_a = (uint64_t)(rate_a * burst_s / 2), steps_b = (uint64_t)(rate_b * burst_s / 2);
	while (wl_now() < end_time) {
		x = burst_a(x, steps_a);
		x = burst_b(x, steps_b);
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		double s = sleep_min + (sleep_max - sleep_min) * (double)(r % 1000) / 999.0;
		struct timespec ts = { 0, (long)(s * 1e9) };
		nanosleep(&ts, NULL);
	}
	wl_sink = x;
	return NULL;
}

int main(int argc, char **argv)
{
	int nthreads = 1, c;
	const char *pidfile = NULL;
	while ((c = getopt(argc, argv, "t:b:s:p:")) != -1) {
		switch (c) {
		case 't': nthreads = atoi(optarg); break;
		case 'b': burst_s = atof(optarg) / 1e3; break;
		case 's':
			sleep_min = sleep_max = atof(optarg) / 1e3;
			if (strchr(optarg, ':'))
				sleep_max = atof(strchr(optarg, ':') + 1) / 1e3;
			break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	if (nthreads < 1 || nthreads > 64 || burst_s <= 0 || sleep_min < 0 || sleep_max < sleep_min) {
		fprintf(stderr, "bursty: bad arguments\n");
		return 2;
	}
	rate_a = calibrate(burst_a);
	rate_b = calibrate(burst_b);
	end_time = wl_now() + wl_parse_seconds(argv[optind], 3);
	pthread_t t[64];
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1))) {
			perror("pthread_create");
			return 2;
		}
	wl_ready(pidfile);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("cpu_s=%.3f\n", ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
				       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}
