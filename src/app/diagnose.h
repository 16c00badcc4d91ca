/* diagnose.h — why a profile is thin, said with the measured figures and
 * the remedy (doc/PRODUCT.md §7): too few samples for the program's CPU
 * time, samples that cover little of it, CPU time in child processes left
 * out, a target mostly asleep, samples outside the profiled files, code
 * without debug info. Pure: the figures come in, sentences go out
 * (tests/unit/test-diagnose.c). */
#ifndef CPROF_APP_DIAGNOSE_H
#define CPROF_APP_DIAGNOSE_H
#include "model/profile.h"
#include <stdbool.h>
#include <stddef.h>

/* What was measured of a recording. */
struct run_facts {
	double elapsed_s;         /* time sampled */
	unsigned frequency;       /* Hz */
	bool wall, follow, attached;
	bool let_go;              /* sampling ended (-d, interrupted) while the program ran on */
	bool cpu_known;
	double cpu_s;             /* the target's CPU time (with the children it waited for) */
	double followed_cpu_s;    /* ... of the threads followed, as seen */
	double short_s;           /* perf backend: CPU time of ended threads that no sample
				     stands for (what ran after a thread's last whole period) */
	unsigned long long short_threads; /* ... threads that left some */
	bool short_unknown;       /* threads ended; the kernel told none of their CPU time */
	const char *ptrace_because; /* --backend auto took ptrace: why not perf (NULL: it did not) */
	bool user_mode_only;      /* perf events in user mode only: system calls unsampled */
	char **nodebug;           /* user modules without debug info */
	size_t nnodebug;
};

/* The sentences that apply, most important first: a malloc'd array of
 * malloc'd strings (free both); returns how many. */
size_t diagnose(struct profile *p, const struct run_facts *f, char ***lines);

#endif
