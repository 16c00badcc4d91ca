/* memory.h — --memory in a live recording (doc/PRODUCT.md §10): the
 * allocation sampler's library found and preloaded into the programs
 * launched, its samples and frees into the resolver at each step, and what
 * it could not do, said.
 *
 *   preload/libcprof-alloc.so -> ring (target/allocs.c) -> memory_step ->
 *   resolver (unwound as CPU samples are) -> the model's allocations */
#ifndef CPROF_APP_MEMORY_H
#define CPROF_APP_MEMORY_H
#include "app/options.h"
#include "app/tracking.h"
#include "stack/resolve.h"
#include "target/sampler.h"
#include <stddef.h>

struct memory;

/* For --memory with a program to launch (the path it was found at): the
 * library found, its ring made, and cfg->env set for the launch (valid
 * while the memory lives). NULL with a one-line reason in err. */
struct memory *memory_start(const struct options *o, const char *program,
			    struct sampler_config *cfg, char *err, size_t errlen);
/* Once per recorder step, after the CPU samples: the allocations sampled
 * since into the resolver, through t (thread indexes), and their frees;
 * the model's counts of what was lost. */
void memory_step(struct memory *m, const struct sampler *s, struct tracking *t,
		 struct resolver *res, struct profile *p);
/* When the next step should be, at the latest, to keep up with a program
 * that samples fast (0: the next round will do). */
uint64_t memory_due_ns(const struct memory *m, uint64_t now);
void memory_pause(struct memory *m, bool paused);
/* Sampling is over: the programs sample no more (one let go runs on at
 * full speed). err: why no allocation was sampled, when none was ("" when
 * nothing needs saying). */
void memory_end(struct memory *m, const struct sampler *s, char *err, size_t errlen);
void memory_free(struct memory *m);

#endif
