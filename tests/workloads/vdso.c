/* vdso [-p PIDFILE] [SECONDS]
 *
 * Loops on clock_gettime(CLOCK_MONOTONIC), which runs in the vDSO, from
 * spin_clock(): stacks must unwind through [vdso] back to main. */
#include "wl.h"

__attribute__((noinline)) static uint64_t spin_clock(double end)
{
	struct timespec ts;
	uint64_t calls = 0;
	do {
		for (int i = 0; i < 1000; i++, calls++)
			clock_gettime(CLOCK_MONOTONIC, &ts); /* HOT:clock */
	} while (ts.tv_sec + ts.tv_nsec / 1e9 < end);
	return calls;
}

int main(int argc, char **argv)
{
	const char *pidfile;
	double end = wl_options(argc, argv, 3, &pidfile);
	wl_ready(pidfile);
	wl_sink = spin_clock(end);
	return 0;
}
