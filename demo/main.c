/* cprof-demo [SECONDS] — a small multi-threaded program to profile.
 *
 * Three worker threads run for SECONDS (default 20), each busy in a different
 * source file: sorting records with qsort (time in libc and in a comparator),
 * building text lines (strlen/memcpy in libc), and moving particles (an
 * inlined vector helper). The main thread wakes up now and then to sum the
 * results, so there is one mostly-sleeping thread too. Prints one line at
 * the end. */
#include "demo.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

volatile int demo_stop;
volatile uint64_t demo_sink;

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 20;
	if (seconds <= 0) {
		fprintf(stderr, "usage: cprof-demo [SECONDS]\n");
		return 2;
	}
	struct {
		void *(*fn)(void *);
		const char *name;
		pthread_t t;
	} w[] = {
		{.fn = sorter_thread, .name = "sorter"},
		{.fn = text_thread, .name = "text"},
		{.fn = physics_thread, .name = "physics"},
	};
	pthread_setname_np(pthread_self(), "demo-main");
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		if (pthread_create(&w[i].t, NULL, w[i].fn, NULL)) {
			perror("pthread_create");
			return 1;
		}
		pthread_setname_np(w[i].t, w[i].name);
	}
	for (long ms = 0; ms < seconds * 1000; ms += 100)
		usleep(100 * 1000);
	demo_stop = 1;
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		pthread_join(w[i].t, NULL);
	printf("cprof-demo: done after %.0f s (checksum %llx)\n", seconds,
	       (unsigned long long)demo_sink);
	return 0;
}
