/* split2 [-n ROUNDS] [-p PIDFILE] [SECONDS]
 *
 * Known split: each round calls work_a (split2_a.c) for 3 units and work_b
 * (split2_b.c) for 1 unit of the same loop, so the self time is 75% / 25%.
 * Runs for SECONDS (default 3) or exactly ROUNDS rounds (for timing runs). */
#include "split2.h"
#include "wl.h"

#define UNIT 200000 /* ~0.2 ms of work per unit */

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	long rounds = -1;
	int c;
	while ((c = getopt(argc, argv, "n:p:")) != -1) {
		switch (c) {
		case 'n': rounds = atol(optarg); break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	double secs = wl_parse_seconds(argv[optind], 3);
	wl_ready(pidfile);
	uint64_t x = 1;
	double end = wl_now() + secs;
	for (long r = 0; rounds < 0 ? wl_now() < end : r < rounds; r++) {
		x = work_a(x, 3 * UNIT);
		x = work_b(x, UNIT);
	}
	wl_sink = x;
	return 0;
}
