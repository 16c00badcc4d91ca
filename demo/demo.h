/* demo.h — cprof-demo: the bundled program to try cprof-tui on. */
#ifndef DEMO_H
#define DEMO_H
#include <stdint.h>

extern volatile int demo_stop;   /* set by main when the run time is over */
extern volatile uint64_t demo_sink;

void *sorter_thread(void *arg);  /* sorter.c: qsort with a comparator */
void *text_thread(void *arg);    /* text.c: strlen/memcpy over text lines */
void *physics_thread(void *arg); /* physics.c: particles, inlined vector helpers */

/* One integer hash, used by every part to make pseudo-random data. */
static inline uint64_t demo_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}
#endif
