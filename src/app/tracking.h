/* tracking.h — what the sampler knows of the target's threads and
 * processes, into the profile model and the resolver: new processes and
 * threads before their samples are counted, execs before the samples after
 * them are unwound, ends once the last samples are.
 *
 * The model's threads are the sampler's, in the same order, from `base`
 * on: a program run again (--repeat) gets a new sampler, whose threads
 * follow the earlier runs'. */
#ifndef CPROF_APP_TRACKING_H
#define CPROF_APP_TRACKING_H
#include "model/profile.h"
#include "stack/resolve.h"
#include "target/sampler.h"

struct tracking {
	struct profile *p;
	struct resolver *res;
	uint64_t start_ns;            /* the session's start (CLOCK_MONOTONIC) */
	uint32_t base;                /* the model's index of the sampler's thread 0 */
	struct seen_process {
		uint32_t model;       /* its index in the model's processes */
		uint64_t exec_count;
		uint32_t described;   /* the sampler's count of its command reads */
		bool ended;
		int status;           /* its exit status when ended */
	} *seen;                      /* what the model knows of each sampler.procs[i] */
	size_t nseen, cap_seen;
	uint64_t procs_seen;          /* the sampler's procs_changed at the last look */
	uint64_t threads_seen;        /* ... and threads_changed */
};

void tracking_init(struct tracking *t, struct profile *p, struct resolver *res, uint64_t start_ns);
/* Before a round's samples (b, may be NULL) go to the resolver: new and
 * changed processes and threads into the model, execs into the resolver;
 * b's samples are given the model's thread indexes. */
void tracking_before(struct tracking *t, const struct sampler *s, struct raw_batch *b);
/* After: processes that ended into the model, their address spaces freed. */
void tracking_after(struct tracking *t, const struct sampler *s);
/* A new sampler (the program launched again) from now on. */
void tracking_new_sampler(struct tracking *t);
void tracking_free(struct tracking *t);

#endif
