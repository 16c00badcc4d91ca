/* split2_a.c — three quarters of split2's work. */
#include "split2.h"

uint64_t work_a(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL; /* HOT:a */
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}
