/* plugin.c — a shared object that dlopen.c loads at run time (libplugin.so).
 * plugin_work() is its hot function. */
#include "wl.h"

uint64_t plugin_work(uint64_t x, uint64_t n);

uint64_t plugin_work(uint64_t x, uint64_t n)
{
	WL_SPIN(x, n); /* HOT:plugin */
	return x;
}
