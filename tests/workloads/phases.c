/* phases [-p PIDFILE] [SECONDS]
 *
 * A program that changes phase halfway: for the first half of SECONDS
 * (default 2) it burns CPU in phase_one, for the second half in phase_two,
 * so a timeline shows the change and a time range narrows a profile to
 * either function. -p writes the pid once it starts (wl.h). */
#include "wl.h"

__attribute__((noinline)) void phase_one(double end) { WL_BURN_UNTIL(end); }
__attribute__((noinline)) void phase_two(double end) { WL_BURN_UNTIL(end); }

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	int c;
	while ((c = getopt(argc, argv, "p:")) != -1) {
		if (c != 'p')
			return 2;
		pidfile = optarg;
	}
	double secs = wl_parse_seconds(argv[optind], 2), start = wl_now();
	wl_ready(pidfile);
	phase_one(start + secs / 2);
	phase_two(start + secs);
	return 0;
}
