/* exitcode N [SECONDS]: spin for SECONDS (default 0.3), then exit(N). */
#include "wl.h"

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int code = atoi(argv[1]);
	double end = wl_now() + wl_parse_seconds(argv[2], 0.3);
	uint64_t x = 1;
	while (wl_now() < end) {
		WL_SPIN(x, 100000);
	}
	wl_sink = x;
	exit(code);
}
