/* cxxnames [-p PIDFILE] [SECONDS] — C++ functions that share names.
 *
 * Each round gives the same loop, in units of work, to:
 *   a::Worker::run  3 units  }  namesakes (same class and method name in two
 *   b::Worker::run  1 unit   }  namespaces, in one file): a 3:1 split
 *   scale(uint64_t, ...)  1  }  an overload pair
 *   scale(double, ...)    1  }
 *   fold<uint64_t>        1     a function template
 *   the lambda in one_round  1
 * so the self shares are 3/8, 1/8, and 1/8 for each of the others. */
#include "wl.h"

/* ~12 us of work per unit: a round (~100 us) is far shorter than a sample
 * period and not commensurate with it. */
#define UNIT 9001

namespace a {
struct Worker {
	uint64_t run(uint64_t x, uint64_t n);
};

__attribute__((noinline)) uint64_t Worker::run(uint64_t x, uint64_t n)
{
	WL_SPIN(x, n);
	return x;
}
} // namespace a

namespace b {
struct Worker {
	uint64_t run(uint64_t x, uint64_t n);
};

__attribute__((noinline)) uint64_t Worker::run(uint64_t x, uint64_t n)
{
	WL_SPIN(x, n);
	return x;
}
} // namespace b

__attribute__((noinline)) uint64_t scale(uint64_t x, uint64_t n)
{
	WL_SPIN(x, n);
	return x;
}

__attribute__((noinline)) uint64_t scale(double d, uint64_t n)
{
	uint64_t x = (uint64_t)d;
	WL_SPIN(x, n);
	return x;
}

template <typename T> __attribute__((noinline)) T fold(T x, uint64_t n)
{
	WL_SPIN(x, n);
	return x;
}

static uint64_t one_round(uint64_t x)
{
	auto spin = [](uint64_t y, uint64_t n) __attribute__((noinline)) {
		WL_SPIN(y, n);
		return y;
	};
	a::Worker wa;
	b::Worker wb;
	x = wa.run(x, 3 * UNIT);
	x = wb.run(x, UNIT);
	x = scale(x, UNIT);
	x = scale((double)(x >> 12), UNIT);
	x = fold<uint64_t>(x, UNIT);
	return spin(x, UNIT);
}

int main(int argc, char **argv)
{
	const char *pidfile;
	double end = wl_options(argc, argv, 3, &pidfile);
	wl_ready(pidfile);
	uint64_t x = 1;
	while (wl_now() < end)
		x = one_round(x);
	wl_sink = x;
	return 0;
}
