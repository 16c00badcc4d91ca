/* sorted.h — searching an array sorted by a 64-bit key (an address), as
 * the symbol indexes do (dwindex.c, elfsyms.c). */
#ifndef CPROF_STACK_SORTED_H
#define CPROF_STACK_SORTED_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* How many of the n elements (of `size` bytes each, at base, sorted by the
 * uint64_t at `offset` in each, e.g. offsetof(struct seg, lo)) have a key
 * <= key: the index of the first element after key. */
static inline size_t sorted_upto(const void *base, size_t n, size_t size, size_t offset,
				 uint64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t k;
		memcpy(&k, (const char *)base + mid * size + offset, sizeof(k));
		if (k <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#endif
