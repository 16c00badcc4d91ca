/* symbench — how fast the engine's symbolizer (src/stack/symbols.h, a worker thread
 * that owns the libdw session) resolves addresses of a live process.
 *
 *   symbench PID ADDRFILE
 *
 * ADDRFILE holds one decimal address (of PID's address space) per line.
 * Each address is resolved as a return address (pc - 1 is looked up), as for
 * every frame but the innermost. Output, key=value lines on stdout:
 *   addrs        unique addresses
 *   frames       frames they gave (inlined functions are frames of their own)
 *   new_ms       symbols_new: starts the worker (modules are read at their first address)
 *   cold_ms      fresh symbolizer: request every address, wait until the
 *                worker has resolved them all (opens ELF/DWARF, resolves each)
 *   cold_us      cold_ms per address
 *   busy_ms      the worker's own time resolving (symbols_stats)
 *   warm_ms      then take every address's frames again: all in the cache
 *   warm_ns      warm_ms per address
 *   fresh_ms     new_ms + cold_ms again with a second symbolizer (DWARF files
 *                now in the page cache: what a new session of it pays)
 * Cold and fresh include opening the modules' debug info, because that is what
 * the first samples of a session pay. */
#include "stack/symbols.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct maps maps; /* of the program measured */

static uint64_t key(struct symbolizer *s, uint64_t addr)
{
	return symbols_key_of(s, procfs_maps_find(&maps, addr), addr, true);
}

/* Ask the worker for every address and wait until all are resolved. */
static void resolve_all(struct symbolizer *s, const uint64_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		symbols_request(s, key(s, a[i]));
	if (!symbols_wait_idle(s, 600000))
		fprintf(stderr, "symbench: worker not idle after 600 s\n");
}

/* Take every address's frames; returns the frames (-1: unresolved, 0). */
static size_t take_all(struct symbolizer *s, const uint64_t *a, size_t n)
{
	struct sym_frame out[SYM_MAX_INLINE];
	size_t frames = 0;
	for (size_t i = 0; i < n; i++) {
		int k = symbols_take(s, key(s, a[i]), out, SYM_MAX_INLINE);
		frames += k > 0 ? (size_t)k : 0;
	}
	return frames;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: symbench PID ADDRFILE\n");
		return 2;
	}
	pid_t pid = atoi(argv[1]);
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 2;
	}
	size_t n = 0, cap = 1024;
	uint64_t *a = malloc(cap * sizeof *a);
	unsigned long long v;
	while (a && fscanf(f, "%llu", &v) == 1) {
		if (n == cap)
			a = realloc(a, (cap *= 2) * sizeof *a);
		if (a)
			a[n++] = v;
	}
	fclose(f);
	if (!a || !n) {
		fprintf(stderr, "symbench: no addresses in %s\n", argv[2]);
		return 2;
	}

	char err[256];
	if (procfs_read_maps(pid, &maps)) {
		fprintf(stderr, "symbench: cannot read the maps of %d\n", (int)pid);
		return 1;
	}
	double t0 = now();
	struct symbolizer *s = symbols_new(err, sizeof err);
	if (!s) {
		fprintf(stderr, "symbench: %s\n", err);
		return 1;
	}
	double t1 = now();
	resolve_all(s, a, n);
	double t2 = now();
	size_t frames = take_all(s, a, n);
	double t3 = now();
	uint64_t busy_ns, resolved;
	symbols_stats(s, &busy_ns, &resolved);
	symbols_free(s);

	double t4 = now();
	struct symbolizer *s2 = symbols_new(err, sizeof err);
	if (!s2) {
		fprintf(stderr, "symbench: %s\n", err);
		return 1;
	}
	resolve_all(s2, a, n);
	double t5 = now();
	symbols_free(s2);

	printf("addrs=%zu\nresolved=%llu\nframes=%zu\nnew_ms=%.1f\ncold_ms=%.1f\ncold_us=%.1f\n"
	       "busy_ms=%.1f\nwarm_ms=%.2f\nwarm_ns=%.0f\nfresh_ms=%.1f\n",
	       n, (unsigned long long)resolved, frames, (t1 - t0) * 1e3, (t2 - t1) * 1e3,
	       (t2 - t1) * 1e6 / n, busy_ns / 1e6, (t3 - t2) * 1e3, (t3 - t2) * 1e9 / n,
	       (t5 - t4) * 1e3);
	free(a);
	return 0;
}
