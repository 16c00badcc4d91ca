/* sessbench — storage and model costs at scale, through the engine's own code
 * (src/model/profile.h, db/session.h), without a live target.
 *
 *   sessbench write FILE [SAMPLES]   synthesise a session (default 1,000,000
 *                                    samples) and write it as a live recording
 *                                    does: a db_session_sync every 1,000 samples
 *                                    (one second at 999 Hz)
 *   sessbench load FILE              load it, then toggle its hottest file out
 *                                    of the profiled set and back
 *
 * The synthetic profile: 50 source files x 40 functions x 5 lines = 10,000
 * frames, 20,000 distinct stacks 8..40 frames deep, samples drawn from the
 * stacks with a skewed (roughly Zipf) distribution over 2 threads at 999 Hz.
 * That is the shape of a long recording of a mid-sized program; the number of
 * distinct stacks, not the sample count, drives the model's work per sample.
 *
 * Output: key=value lines on stdout.
 *   write: samples, sync_s (time inside db_session_sync), stored_per_s
 *          (samples / sync_s), bytes (file size after close), bytes_per_sample
 *   load:  load_s (db_session_open + db_session_load + first profile_update),
 *          toggle_ms (profile_set_profiled + profile_update of one toggle,
 *          out and back: median of 10), maxrss_mb (peak resident memory of this process) */
#include "model/profile.h"
#include "db/session.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#define NFILES 50
#define NFUNCS 40  /* per file */
#define NLINES 5   /* per function */
#define NSTACKS 20000
#define SYNC_EVERY 1000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static int write_session(const char *path, long nsamples)
{
	char err[512];
	remove(path);
	struct db_session *db = db_session_create(path, false, err, sizeof err);
	if (!db) {
		fprintf(stderr, "sessbench: %s\n", err);
		return 1;
	}
	struct profile *p = profile_new();
	p->command = strdup("synthetic");
	p->pid = 1;
	p->frequency_hz = 999;
	p->started_at = strdup("2000-01-01T00:00:00Z");
	p->ended_at = strdup("2000-01-01T00:00:00Z");

	static uint32_t frames[NFILES * NFUNCS * NLINES];
	size_t nframes = 0;
	for (int f = 0; f < NFILES; f++) {
		char fpath[64], fname[64];
		snprintf(fpath, sizeof fpath, "/src/synthetic/file%02d.c", f);
		uint32_t file = profile_file(p, fpath, true);
		for (int fn = 0; fn < NFUNCS; fn++) {
			snprintf(fname, sizeof fname, "func_%02d_%02d", f, fn);
			for (int l = 0; l < NLINES; l++)
				frames[nframes++] = profile_frame(p, fname, file, file, 100 * fn + 10 + l,
								  100 * fn + 5, "/usr/bin/synthetic", 0);
		}
	}
	static uint32_t stacks[NSTACKS];
	uint32_t chain[40];
	for (int s = 0; s < NSTACKS; s++) {
		uint32_t depth = 8 + rnd(33);
		for (uint32_t d = 0; d < depth; d++)
			chain[d] = frames[rnd(nframes)];
		stacks[s] = profile_stack(p, chain, depth, 0);
	}
	uint32_t th[2] = {profile_thread_add(p, 100, 100, "main"),
			  profile_thread_add(p, 100, 101, "worker")};

	double sync_s = 0;
	for (long i = 0; i < nsamples; i++) {
		/* skewed: the square of a uniform variate favours low stack ids */
		uint32_t u = rnd(NSTACKS);
		uint32_t s = (uint32_t)((uint64_t)u * u / NSTACKS);
		profile_add_sample(p, (uint64_t)i * 1001 / 2, th[i & 1], stacks[s]);
		if ((i + 1) % SYNC_EVERY == 0 || i + 1 == nsamples) {
			double t = now();
			if (db_session_sync(db, p, err, sizeof err)) {
				fprintf(stderr, "sessbench: %s\n", err);
				return 1;
			}
			sync_s += now() - t;
		}
	}
	db_session_close(db);
	profile_free(p);
	struct stat st;
	if (stat(path, &st)) {
		perror(path);
		return 1;
	}
	printf("samples=%ld\nsync_s=%.3f\nstored_per_s=%.0f\nbytes=%lld\nbytes_per_sample=%.1f\n",
	       nsamples, sync_s, nsamples / sync_s, (long long)st.st_size,
	       (double)st.st_size / nsamples);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int load_session(const char *path)
{
	char err[512];
	double t0 = now();
	struct profile *p = profile_new();
	struct db_session *db = db_session_open(path, false, err, sizeof err);
	if (!db || db_session_load(db, p, err, sizeof err)) {
		fprintf(stderr, "sessbench: %s\n", err);
		return 1;
	}
	profile_update(p);
	double load_s = now() - t0;

	uint32_t hot = 0; /* the file with the most self samples */
	for (uint32_t f = 0; f < p->nfiles; f++)
		if (p->files[f].self > p->files[hot].self)
			hot = f;
	double ms[10];
	for (int i = 0; i < 10; i++) {
		double t = now();
		profile_set_profiled(p, hot, i % 2 != 0, true);
		profile_update(p);
		ms[i] = (now() - t) * 1e3;
	}
	qsort(ms, 10, sizeof ms[0], cmp_double);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("samples=%zu\nstacks=%zu\nload_s=%.3f\ntoggle_ms=%.1f\nmaxrss_mb=%.1f\n",
	       p->nsamples, p->nstacks, load_s, (ms[4] + ms[5]) / 2, ru.ru_maxrss / 1024.0);
	db_session_close(db);
	profile_free(p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "write"))
		return write_session(argv[2], argc > 3 ? atol(argv[3]) : 1000000);
	if (argc == 3 && !strcmp(argv[1], "load"))
		return load_session(argv[2]);
	fprintf(stderr, "usage: sessbench write FILE [SAMPLES] | sessbench load FILE\n");
	return 2;
}
