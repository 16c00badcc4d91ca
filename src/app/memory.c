/* memory.c — --memory in a live recording; see memory.h. */
#include "config.h"
#include "app/memory.h"
#include "target/allocs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

struct memory {
	struct alloc_source *src;
	struct alloc_batch batch;
	char program[256];
};

struct memory *memory_start(const struct options *o, const char *program,
			    struct sampler_config *cfg, char *err, size_t errlen)
{
	if (alloc_check_program(program, err, errlen))
		return NULL;
	struct alloc_source *src = alloc_source_new(o->memory_interval, cfg->follow, err, errlen);
	if (!src)
		return NULL;
	struct memory *m = xcalloc(1, sizeof(*m));
	m->src = src;
	snprintf(m->program, sizeof(m->program), "%s", str_basename(program));
	cfg->env = alloc_source_env(src, environ);
	return m;
}

void memory_step(struct memory *m, const struct sampler *s, struct tracking *t,
		 struct resolver *res, struct profile *p)
{
	if (!m)
		return;
	struct alloc_batch *b = &m->batch;
	alloc_batch_clear(b);
	alloc_source_drain(m->src, s, b);
	tracking_before(t, s, &b->raw);
	for (size_t i = 0; i < b->raw.len; i++)
		resolver_add_alloc(res, &b->raw, &b->raw.v[i], &b->info[i]);
	for (size_t i = 0; i < b->nfrees; i++)
		resolver_add_free(res, &b->frees[i]);
	for (size_t i = 0; i < b->nheaps; i++) {
		int64_t proc = profile_process_find(p, b->heaps[i].pid);
		if (proc >= 0)
			profile_process_heap(p, (uint32_t)proc, b->heaps[i].bytes);
	}
	alloc_source_done(m->src); /* unwound: their processes may end */
	struct alloc_counts c;
	alloc_source_counts(m->src, &c);
	p->alloc_lost = c.lost;
	p->frees_lost = c.frees_lost;
}

/* A ring found an eighth full or more at a step is drained again soon: a
 * round is up to a millisecond away, and a full ring makes the program
 * wait for room. */
#define BUSY_FILL 0.125
#define BUSY_STEP_NS 100000ull

uint64_t memory_due_ns(const struct memory *m, uint64_t now)
{
	return m && alloc_source_fill(m->src) >= BUSY_FILL ? now + BUSY_STEP_NS : 0;
}

void memory_pause(struct memory *m, bool paused)
{
	if (m)
		alloc_source_pause(m->src, paused);
}

void memory_end(struct memory *m, const struct sampler *s, char *err, size_t errlen)
{
	err[0] = '\0';
	if (!m)
		return;
	alloc_source_close(m->src);
	if (!s->nprocs || alloc_source_saw(m->src, s->procs[0].pid))
		return;
	struct alloc_counts c;
	alloc_source_counts(m->src, &c);
	char e[256];
	str_escape(e, sizeof(e), m->program);
	if (c.processes)
		snprintf(err, errlen, "%s sampled no allocation itself (%llu of the programs it ran "
			 "did): it does not load the allocation sampler (a setuid or static program?)",
			 e, (unsigned long long)c.processes);
	else
		snprintf(err, errlen, "no allocation was sampled: %s never loaded the allocation "
			 "sampler (LD_PRELOAD cleared, or a setuid program?)", e);
}

void memory_free(struct memory *m)
{
	if (!m)
		return;
	alloc_source_free(m->src);
	alloc_batch_free(&m->batch);
	free(m);
}
