/* stages.h — the deep-stack machinery shared by tests/workloads/deep.c and
 * bench/bwl.c (mode deep): 64 distinct stage functions, each with its own
 * unrolled code (a large code footprint), calling each other pseudo-randomly
 * `depth` levels deep; the leaf sorts an array with qsort and a comparator (a
 * libc -> program callback). The includer fills unsorted[] and calls a stage,
 * e.g. stage_10(x, depth). */
#ifndef CPROF_WL_STAGES_H
#define CPROF_WL_STAGES_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NSTAGE 64
#define NSORT 512

typedef uint64_t (*stage_fn)(uint64_t, int);
static stage_fn stages[NSTAGE];
static uint32_t unsorted[NSORT];

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y); /* HOT:cmp */
}

__attribute__((noinline)) static uint64_t leaf(uint64_t x)
{
	uint32_t v[NSORT];
	memcpy(v, unsorted, sizeof v);
	qsort(v, NSORT, sizeof v[0], cmp_u32); /* CALL:qsort */
	for (int i = 0; i < 20000; i++) { /* spin a little */
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x + v[x % NSORT];
}

/* Each stage has its own unrolled mixing code, to spread the code footprint. */
#define STAGE(n)                                                                  \
	__attribute__((noinline)) static uint64_t stage_##n(uint64_t x, int depth) \
	{                                                                         \
		_Pragma("GCC unroll 48") for (int i = 0; i < 48; i++)             \
		{                                                                 \
			x ^= x >> (n % 13 + 7);                                   \
			x *= 0x9E3779B97F4A7C15ULL + 2 * n;                        \
		}                                                                 \
		if (depth <= 0)                                                   \
			return leaf(x);                                           \
		return stages[(x >> 11) % NSTAGE](x, depth - 1) + n;              \
	}
#define STAGE8(a) STAGE(a##0) STAGE(a##1) STAGE(a##2) STAGE(a##3) \
		  STAGE(a##4) STAGE(a##5) STAGE(a##6) STAGE(a##7)
STAGE8(1) STAGE8(2) STAGE8(3) STAGE8(4) STAGE8(5) STAGE8(6) STAGE8(7) STAGE8(8)
#define REF8(a) stage_##a##0, stage_##a##1, stage_##a##2, stage_##a##3, \
		stage_##a##4, stage_##a##5, stage_##a##6, stage_##a##7
static stage_fn stages[NSTAGE] = {REF8(1), REF8(2), REF8(3), REF8(4),
				  REF8(5), REF8(6), REF8(7), REF8(8)};

#endif
