/* short: lives a few milliseconds (a little work, then exit 0). */
#include "wl.h"

int main(void)
{
	uint64_t x = 1;
	WL_SPIN(x, 2000000);
	wl_sink = x;
	return 0;
}
