/* dlopen PLUGIN [SECONDS]
 *
 * Spins in its own loop for a third of the time, then dlopens PLUGIN (a
 * shared object that was not mapped when the program started) and spends
 * the rest in its plugin_work(): a profiler must pick up the new module and
 * name the plugin's function and lines. */
#include "wl.h"
#include <dlfcn.h>

static uint64_t own_work(uint64_t x, uint64_t n)
{
	WL_SPIN(x, n);
	return x;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: dlopen PLUGIN [SECONDS]\n");
		return 2;
	}
	double secs = wl_parse_seconds(argc > 2 ? argv[2] : NULL, 3);
	double start = wl_now(), end = start + secs;
	uint64_t x = 1;
	while (wl_now() < start + secs / 3)
		x = own_work(x, 100000);
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	uint64_t (*work)(uint64_t, uint64_t) = (uint64_t (*)(uint64_t, uint64_t))dlsym(h, "plugin_work");
	if (!work) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 1;
	}
	while (wl_now() < end)
		x = work(x, 100000);
	wl_sink = x;
	return 0;
}
