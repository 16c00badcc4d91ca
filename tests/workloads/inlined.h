/* inlined.h — a hot helper that is always inlined into its caller. */
#include <stdint.h>

static inline __attribute__((always_inline)) uint64_t mix(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		x ^= x >> 29; /* HOT:mix */
		x *= 0xbf58476d1ce4e5b9ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}
