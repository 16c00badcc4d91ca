/* inlined [-p PIDFILE] [SECONDS]
 *
 * Nearly all time is in mix() (inlined.h), inlined into outer() at the line
 * marked CALL:mix. A symbolizer that expands inline chains shows a frame
 * mix() at inlined.h:HOT:mix whose caller outer() is at the call-site line. */
#include "inlined.h"
#include "wl.h"

__attribute__((noinline)) static uint64_t outer(uint64_t x)
{
	x = mix(x, 100000); /* CALL:mix */
	return x + 1;
}

int main(int argc, char **argv)
{
	const char *pidfile;
	double end = wl_options(argc, argv, 3, &pidfile);
	wl_ready(pidfile);
	uint64_t x = 1;
	while (wl_now() < end)
		x = outer(x);
	wl_sink = x;
	return 0;
}
