/* bwl — benchmark workloads that time their own work.
 *
 *   bwl MODE [-n WORK | -s SECONDS] [-w SECONDS] [-i IDLE] [-r RESULTFILE] [-p PIDFILE]
 *
 * MODE
 *   busy     one thread: rounds of work_a (3 units) + work_b (1 unit), so the
 *            self split is 75% / 25%.
 *   threads  two busy threads (each WORK rounds, as in busy) plus IDLE threads
 *            (default 0) blocked in pthread_cond_wait for the whole run.
 *   deep     64 distinct stage functions call each other pseudo-randomly 48
 *            deep; the leaf sorts 512 numbers with qsort and a comparator (a
 *            libc -> program callback): deep stacks, large code footprint.
 *   vdso     clock_gettime(CLOCK_MONOTONIC) in a loop (runs in the vDSO).
 *   bursty   one thread running in bursts: ~1.5 ms of work (half work_a,
 *            half work_b) then a sleep of 2 to 8 ms (a fixed pseudo-random
 *            sequence): a round is one burst and its sleep.
 *   bursty3  three such threads.
 *
 * -n WORK is a fixed amount of work (rounds; calls x 1000 for vdso), so runs
 * with and without a profiler do the same thing; -s SECONDS runs for a wall
 * time instead (for attaching and accuracy runs). The time is taken after
 * every thread is started and ends when the work is done, so start-up and the
 * profilers' own post-processing are not counted. It is written as
 * "work_s=SECONDS" to RESULTFILE (default stdout). -w first does the same
 * work, untimed, for SECONDS (a warm-up: a profiler's start-up, such as
 * loading debug information, then falls outside the timed part). -p writes
 * the pid to PIDFILE once ready (atomically, via PIDFILE.tmp).
 *
 * Built like the test workloads: -O2, no frame pointers, -g. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;
static long work = -1;        /* fixed work, or -1: run until end_time */
static double end_time;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Loop condition shared by every mode: fixed rounds, or until end_time
 * (checked every 64 rounds so the clock is not what gets profiled). */
static inline int more(long r)
{
	return work >= 0 ? r < work : ((r & 63) || now() < end_time);
}

/* ---- what the kernel says about the working threads ----------------------- */

/* CPU time and time spent waiting for a CPU (run delay) of the threads that
 * did the timed work, from their schedstat: the slowdown's two parts seen
 * from the target (a stop is neither: the thread is off the run queue). */
static uint64_t acct_run_ns, acct_wait_ns;
static pthread_mutex_t acct_mu = PTHREAD_MUTEX_INITIALIZER;

static void sched_now(uint64_t v[2])
{
	FILE *f = fopen("/proc/thread-self/schedstat", "re");
	v[0] = v[1] = 0;
	if (f) {
		if (fscanf(f, "%" SCNu64 " %" SCNu64, &v[0], &v[1]) != 2)
			v[0] = v[1] = 0;
		fclose(f);
	}
}

static void sched_add(const uint64_t v0[2])
{
	uint64_t v1[2];
	sched_now(v1);
	pthread_mutex_lock(&acct_mu);
	acct_run_ns += v1[0] - v0[0];
	acct_wait_ns += v1[1] - v0[1];
	pthread_mutex_unlock(&acct_mu);
}

/* ---- busy / threads ------------------------------------------------------ */

#define UNIT 13001 /* ~16 us of LCG steps; a round is ~65 us */

__attribute__((noinline)) static uint64_t work_a(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

__attribute__((noinline)) static uint64_t work_b(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		x = x * 2862933555777941757ULL + 3037000493ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

static void *busy_thread(void *arg)
{
	uint64_t x = (uintptr_t)arg, v0[2];
	sched_now(v0);
	for (long r = 0; more(r); r++) {
		x = work_a(x, 3 * UNIT);
		x = work_b(x, UNIT);
	}
	sink = x;
	sched_add(v0);
	return NULL;
}

static pthread_mutex_t idle_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cv = PTHREAD_COND_INITIALIZER;
static int idle_done;

static void *idle_thread(void *arg __attribute__((unused)))
{
	pthread_mutex_lock(&idle_mu);
	while (!idle_done)
		pthread_cond_wait(&idle_cv, &idle_mu);
	pthread_mutex_unlock(&idle_mu);
	return NULL;
}

/* ---- bursty ---------------------------------------------------------------- */

#define BURST_UNITS 46 /* half a burst: ~0.75 ms */

static void *bursty_thread(void *arg)
{
	uint64_t x = (uintptr_t)arg, r = x * 0x9E3779B97F4A7C15ULL + 1, v0[2];
	sched_now(v0);
	for (long n = 0; more(n); n++) {
		x = work_a(x, BURST_UNITS * UNIT);
		x = work_b(x, BURST_UNITS * UNIT);
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		struct timespec ts = { 0, 2000000 + (long)(r % 6000001) };
		nanosleep(&ts, NULL);
	}
	sink = x;
	sched_add(v0);
	return NULL;
}

/* ---- deep ---------------------------------------------------------------- */

/* the stage functions and the qsort leaf: shared with tests/workloads/deep.c */
#include "../tests/workloads/stages.h"

#define DEPTH 48

__attribute__((noinline)) static uint64_t deep_run(void)
{
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < NSORT; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		unsorted[i] = (uint32_t)x;
	}
	for (long r = 0; more(r); r++)
		x = stage_10(x, DEPTH);
	return x;
}

/* ---- vdso ---------------------------------------------------------------- */

__attribute__((noinline)) static uint64_t spin_clock(void)
{
	struct timespec ts;
	uint64_t sum = 0;
	for (long r = 0; more(r); r++)
		for (int i = 0; i < 1000; i++) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			sum += ts.tv_nsec;
		}
	return sum;
}

/* ---- main ---------------------------------------------------------------- */

static void ready(const char *path)
{
	if (!path)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) || rename(tmp, path)) {
		perror(path);
		exit(2);
	}
}

/* Run MODE's work (until `more` says stop); -1 for an unknown mode. */
static int run(const char *mode)
{
	if (!strcmp(mode, "busy")) {
		busy_thread((void *)1);
	} else if (!strcmp(mode, "threads") || !strcmp(mode, "bursty") || !strcmp(mode, "bursty3")) {
		bool bursty = mode[0] == 'b';
		int n = !strcmp(mode, "threads") ? 2 : !strcmp(mode, "bursty3") ? 3 : 1;
		pthread_t t[3];
		for (int i = 0; i < n; i++)
			if (pthread_create(&t[i], NULL, bursty ? bursty_thread : busy_thread,
					   (void *)(uintptr_t)(i + 1))) {
				perror("pthread_create");
				exit(2);
			}
		for (int i = 0; i < n; i++)
			pthread_join(t[i], NULL);
	} else if (!strcmp(mode, "deep") || !strcmp(mode, "vdso")) {
		uint64_t v0[2];
		sched_now(v0);
		sink = mode[0] == 'd' ? deep_run() : spin_clock();
		sched_add(v0);
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *resultfile = NULL;
	double seconds = 3, warmup = 0;
	int nidle = 0, c;
	while ((c = getopt(argc, argv, "n:s:w:i:r:p:")) != -1) {
		switch (c) {
		case 'n': work = atol(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'w': warmup = atof(optarg); break;
		case 'i': nidle = atoi(optarg); break;
		case 'r': resultfile = optarg; break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	const char *mode = optind < argc ? argv[optind] : "";
	if (nidle < 0 || nidle > 1000)
		return 2;

	pthread_t idle[1000];
	for (int i = 0; i < nidle; i++)
		if (pthread_create(&idle[i], NULL, idle_thread, NULL)) {
			perror("pthread_create");
			return 2;
		}
	ready(pidfile);
	if (warmup > 0) {
		long timed_work = work;
		work = -1;
		end_time = now() + warmup;
		if (run(mode))
			goto usage;
		work = timed_work;
	}
	acct_run_ns = acct_wait_ns = 0; /* the warm-up's threads are joined */
	double t0 = now();
	end_time = t0 + seconds;
	if (run(mode))
		goto usage;
	double t1 = now();

	pthread_mutex_lock(&idle_mu);
	idle_done = 1;
	pthread_cond_broadcast(&idle_cv);
	pthread_mutex_unlock(&idle_mu);
	for (int i = 0; i < nidle; i++)
		pthread_join(idle[i], NULL);

	FILE *out = resultfile ? fopen(resultfile, "w") : stdout;
	if (!out) {
		perror(resultfile);
		return 2;
	}
	fprintf(out, "work_s=%.6f\ncpu_s=%.6f\nwait_s=%.6f\n", t1 - t0, acct_run_ns / 1e9,
		acct_wait_ns / 1e9);
	return fclose(out) ? 2 : 0;
usage:
	fprintf(stderr, "usage: bwl busy|threads|deep|vdso|bursty|bursty3 [-n WORK | -s SECONDS] [-w SECONDS] "
			"[-i IDLE] [-r RESULTFILE] [-p PIDFILE]\n");
	return 2;
}
