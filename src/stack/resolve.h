/* resolve.h — from a backend's raw samples to the profile model's samples.
 *
 *   raw sample (registers, stack copy)
 *     -> unwind (unwind.h) at once: an address stack
 *     -> address stacks de-duplicated; each new address goes to the symbol
 *        worker (symbols.h)
 *     -> queued, in order, until every address of its stack is resolved
 *     -> a profile stack (frames: function, file, line), then a sample in
 *        the model (profile.h)
 *
 * Called from the sampling thread only; the symbol worker is the one other
 * thread. */
#ifndef CPROF_STACK_RESOLVE_H
#define CPROF_STACK_RESOLVE_H
#include "model/profile.h"
#include "target/allocs.h"
#include "target/sampler.h"
#include "stack/unwind.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct resolver;

/* Feeding p; times are counted from start_ns (CLOCK_MONOTONIC). NULL with
 * a one-line reason in err. Samples of any number of processes: each has
 * its own address space (unwinder), the symbols are shared. */
struct resolver *resolver_new(struct profile *p, uint64_t start_ns, char *err, size_t errlen);
void resolver_free(struct resolver *r);

/* Unwinders read a process's mappings through fn (unwind.h). */
void resolver_set_maps_source(struct resolver *r, unwind_maps_fn fn, void *ctx);
/* Unwind a raw sample of batch b and queue it. */
void resolver_add(struct resolver *r, const struct raw_batch *b, const struct raw_sample *rs);
/* The same for an allocation sample (allocs.h): its stack starts at the
 * frame of the allocation function's caller; and a free, queued after the
 * allocations before it. */
void resolver_add_alloc(struct resolver *r, const struct raw_batch *b, const struct raw_sample *rs,
			const struct alloc_info *info);
void resolver_add_free(struct resolver *r, const struct alloc_free *f);
/* Move queued samples, in order, into the model until the queue is empty,
 * a stack waits for the symbol worker, or deadline_ns (0: none) passes. */
void resolver_drain(struct resolver *r, uint64_t deadline_ns);
/* Move every queued sample into the model, waiting for the symbol worker
 * (at most a minute). Returns how many had to be left out (then counted as
 * lost in the model). */
uint64_t resolver_drain_all(struct resolver *r);
/* Process pid exec'd: its addresses mean other code now (its unwinder's
 * caches are forgotten; symbols are known by file, they stay). */
void resolver_exec(struct resolver *r, pid_t pid);
/* Process pid has ended (its samples are unwound): free its address space. */
void resolver_process_gone(struct resolver *r, pid_t pid);

struct resolver_costs {
	uint64_t unwind_ns;      /* unwinding from the snapshots */
	uint64_t unwound;        /* samples unwound (not reused) */
	uint64_t frames_stepped; /* frames unwound by libunwind */
	uint64_t frames_reused;  /* frames taken from a thread's previous unwind */
	uint64_t model_ns;       /* turning stacks into frames and counting samples */
	uint64_t symbols_ns;     /* symbol worker thread: resolving unique addresses */
	uint64_t addresses;      /* unique addresses resolved */
};
void resolver_get_costs(struct resolver *r, struct resolver_costs *c);
/* User modules seen without debug info; malloc'd array of malloc'd strings. */
size_t resolver_nodebug_modules(struct resolver *r, char ***paths);

#endif
