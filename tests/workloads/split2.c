/* split2 [-a UNITS] [-n ROUNDS] [-t THREADS] [-T TIMEFILE] [-p PIDFILE] [SECONDS]
 *
 * Known split: each round calls work_a (split2_a.c) for 3 units and work_b
 * (split2_b.c) for 1 unit of the same loop, so the self time is 75% / 25%.
 * -a gives work_a another number of units (0: it is not called at all; a
 * changed program for --diff).
 * Runs for SECONDS (default 3) or exactly ROUNDS rounds (for timing runs), in
 * THREADS threads (default 1; more threads give more samples per second).
 * -T writes the seconds the work took (its own wall clock) to TIMEFILE. */
#include "split2.h"
#include "wl.h"
#include <pthread.h>

/* ~16 us of work per unit: a round (~65 us) is far shorter than a sample
 * period and not commensurate with it, so samples do not alias with rounds. */
#define UNIT 13001

static double end_time;
static long rounds = -1;
static long units_a = 3;

static void *run(void *arg)
{
	uint64_t x = (uintptr_t)arg;
	for (long r = 0; rounds < 0 ? wl_now() < end_time : r < rounds; r++) {
		if (units_a)
			x = work_a(x, units_a * UNIT);
		x = work_b(x, UNIT);
	}
	wl_sink = x;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *timefile = NULL;
	int nthreads = 1, c;
	while ((c = getopt(argc, argv, "a:n:t:T:p:")) != -1) {
		switch (c) {
		case 'a': units_a = atol(optarg); break;
		case 'n': rounds = atol(optarg); break;
		case 't': nthreads = atoi(optarg); break;
		case 'T': timefile = optarg; break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	if (nthreads < 1 || nthreads > 64 || units_a < 0)
		return 2;
	double start = wl_now();
	end_time = start + wl_parse_seconds(argv[optind], 3);
	pthread_t t[64];
	for (int i = 1; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, run, (void *)(uintptr_t)(i + 1))) {
			perror("pthread_create");
			return 2;
		}
	wl_ready(pidfile);
	run((void *)1);
	for (int i = 1; i < nthreads; i++)
		pthread_join(t[i], NULL);
	if (timefile) {
		FILE *f = fopen(timefile, "w");
		if (!f || fprintf(f, "%.3f\n", wl_now() - start) < 0 || fclose(f)) {
			perror(timefile);
			return 2;
		}
	}
	return 0;
}
