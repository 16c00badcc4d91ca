/* deep [-D DEPTH] [-p PIDFILE] [SECONDS]
 *
 * Deep stacks over a large code footprint: 64 distinct stage functions call
 * each other (chosen pseudo-randomly) DEPTH levels deep (default 48); the leaf
 * sorts an array with qsort and a comparator (a libc -> program callback) and
 * spins a little. Every sample's stack should reach main. */
#include "wl.h"

#include "stages.h"

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	int depth = 48, c;
	while ((c = getopt(argc, argv, "D:p:")) != -1) {
		switch (c) {
		case 'D': depth = atoi(optarg); break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	double end = wl_now() + wl_parse_seconds(argv[optind], 3);
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < NSORT; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		unsorted[i] = (uint32_t)x;
	}
	wl_ready(pidfile);
	while (wl_now() < end)
		x = stage_10(x, depth);
	wl_sink = x;
	return 0;
}
