/* check.h — the smallest test harness: CHECK(cond) records a failure with
 * its place and goes on; check_done() prints a summary and gives the exit
 * status (0 when every check passed). */
#ifndef CPROF_CHECK_H
#define CPROF_CHECK_H
#include <inttypes.h>
#include <stdio.h>

static int check_failures, check_count;

/* The model's thread tid of process 100 (added the first time). */
#include "model/profile.h"
static inline uint32_t check_thread(struct profile *p, int tid, const char *name)
{
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == tid)
			return (uint32_t)i;
	return profile_thread_add(p, 100, tid, name);
}

#define CHECK(cond)                                                                  \
	do {                                                                         \
		check_count++;                                                       \
		if (!(cond)) {                                                       \
			check_failures++;                                            \
			printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                    \
	} while (0)

#define CHECK_EQ(a, b)                                                               \
	do {                                                                         \
		long long va_ = (long long)(a), vb_ = (long long)(b);                \
		check_count++;                                                       \
		if (va_ != vb_) {                                                    \
			check_failures++;                                            \
			printf("%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,  \
			       __LINE__, #a, va_, #b, vb_);                          \
		}                                                                    \
	} while (0)

static inline int check_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
