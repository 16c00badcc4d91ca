/* libccall [-p PIDFILE] [SECONDS]
 *
 * Nearly all time is spent inside libc (memset, strlen) called from two lines
 * of fill(), marked HOT:memset and HOT:strlen. A profiler that charges libc
 * time to the calling line must put the samples on those lines. */
#include "wl.h"

#define BIG (256 * 1024)
char big[BIG];
char str[64 * 1024];

__attribute__((noinline)) static size_t fill(int round)
{
	size_t n = 0;
	memset(big, round & 0x7f, sizeof big); /* HOT:memset */
	n += strlen(str);                       /* HOT:strlen */
	return n + (unsigned char)big[round % BIG];
}

int main(int argc, char **argv)
{
	const char *pidfile;
	double end = wl_options(argc, argv, 3, &pidfile);
	memset(str, 'x', sizeof str - 1);
	wl_ready(pidfile);
	size_t sum = 0;
	for (int round = 0; wl_now() < end; round++)
		sum += fill(round);
	wl_sink = sum;
	return 0;
}
