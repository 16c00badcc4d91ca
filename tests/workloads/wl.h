/* wl.h — shared bits of the test workloads (header-only, each workload is one program).
 *
 * Conventions: a workload prints nothing unless asked; its first positional
 * argument is a duration in seconds (fractional allowed); `-p FILE` writes the
 * pid to FILE once the workload is ready (all its threads started), written to
 * FILE.tmp then renamed, so a test that sees FILE can attach at once. */
#ifndef WL_H
#define WL_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double wl_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline double wl_parse_seconds(const char *s, double dflt)
{
	if (!s)
		return dflt;
	char *end;
	double d = strtod(s, &end);
	if (*end || d < 0) {
		fprintf(stderr, "bad duration '%s' (seconds expected)\n", s);
		exit(2);
	}
	return d;
}

/* Announce readiness: write our pid to path (atomically). NULL: nothing. */
static inline void wl_ready(const char *path)
{
	if (!path)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0 || rename(tmp, path)) {
		perror(path);
		exit(2);
	}
}

/* The usual command line, [-p PIDFILE] [SECONDS]: sets *pidfile (NULL
 * without -p) and returns when the workload is to end (wl_now()), SECONDS
 * (default dflt) from now. Exits with status 2 on an unknown option. */
static inline double wl_options(int argc, char **argv, double dflt, const char **pidfile)
{
	int c;
	*pidfile = NULL;
	while ((c = getopt(argc, argv, "p:")) != -1) {
		if (c != 'p')
			exit(2);
		*pidfile = optarg;
	}
	return wl_now() + wl_parse_seconds(argv[optind], dflt);
}

/* Results are stored here so the compiler keeps the work. */
static volatile uint64_t wl_sink;

/* A unit of pure CPU work the compiler cannot fold: n steps of an LCG. */
#define WL_SPIN(x, n)                                                        \
	for (uint64_t wl_i_ = 0; wl_i_ < (n); wl_i_++) {                     \
		(x) = (x) * 6364136223846793005ULL + 1442695040888963407ULL; \
		__asm__ volatile("" : "+r"(x));                              \
	}

/* Burn CPU in the calling function until wl_now() reaches end. A macro,
 * not a function, so that the samples are in the function that uses it. */
#define WL_BURN_UNTIL(end)                          \
	do {                                        \
		uint64_t x_ = (uint64_t)getpid();   \
		while (wl_now() < (end))            \
			WL_SPIN(x_, 20000);         \
		wl_sink = x_;                       \
	} while (0)

#endif
