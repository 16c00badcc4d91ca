/* tracking.c — the sampler's threads and processes into the model; see
 * tracking.h. */
#include "config.h"
#include "app/tracking.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

void tracking_init(struct tracking *t, struct profile *p, struct resolver *res, uint64_t start_ns)
{
	memset(t, 0, sizeof(*t));
	t->p = p;
	t->res = res;
	t->start_ns = start_ns;
}

void tracking_free(struct tracking *t)
{
	free(t->seen);
	t->seen = NULL;
}

void tracking_new_sampler(struct tracking *t)
{
	t->base = (uint32_t)t->p->nthreads;
	t->nseen = 0;
	t->procs_seen = t->threads_seen = 0;
}

static int exit_status(const struct sampler_process *sp)
{
	if (sp->exit_signal > 0)
		return -sp->exit_signal;
	return sp->exit_code >= 0 ? sp->exit_code : EXIT_UNKNOWN;
}

static uint64_t session_us(const struct tracking *t, uint64_t ns)
{
	return ns > t->start_ns ? (ns - t->start_ns) / 1000 : 0;
}

/* New processes into the model (their threads' samples count for them);
 * one that exec'd means other code at its addresses from now on. */
static void see_processes(struct tracking *t, const struct sampler *s)
{
	struct profile *p = t->p;
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct sampler_process *sp = &s->procs[i];
		if (i == t->nseen) {
			struct seen_process *n = VEC_PUSH(t->seen, t->nseen, t->cap_seen);
			*n = (struct seen_process){.exec_count = sp->exec_count,
						   .described = sp->described};
			n->model = profile_process_add(p, sp->pid, sp->ppid, sp->command,
						       session_us(t, sp->started_ns));
		}
		struct seen_process *seen = &t->seen[i];
		if (sp->exec_count != seen->exec_count) {
			seen->exec_count = sp->exec_count;
			resolver_exec(t->res, sp->pid);
		}
		if (sp->described != seen->described) { /* (an exec, or read again after it) */
			seen->described = sp->described;
			profile_process_command(p, seen->model, sp->command);
			if (i == 0) { /* the launched program's */
				free(p->command);
				p->command = xstrdup(sp->command);
			}
		}
		if (sp->let_go && p->processes[seen->model].followed)
			profile_process_let_go(p, seen->model);
	}
}

/* Threads that changed since the last look (the sampler's thread i is the
 * model's base + i; both only append). */
static void see_threads(struct tracking *t, const struct sampler *s)
{
	struct profile *p = t->p;
	uint64_t seen = t->threads_seen;
	t->threads_seen = s->threads_changed;
	for (size_t i = 0; i < s->nthreads; i++) {
		const struct sampler_thread *st = &s->threads[i];
		if (st->changed <= seen)
			continue;
		while (p->nthreads <= t->base + i) {
			const struct sampler_thread *n = &s->threads[p->nthreads - t->base];
			uint32_t k = profile_thread_add(p, n->pid, n->tid, NULL);
			if (n->proc < t->nseen)
				p->threads[k].process = t->seen[n->proc].model + 1;
		}
		profile_thread_update(p, t->base + (uint32_t)i, st->name[0] ? st->name : NULL,
				      st->state);
	}
}

void tracking_before(struct tracking *t, const struct sampler *s, struct raw_batch *b)
{
	if (s->procs_changed != t->procs_seen)
		see_processes(t, s);
	if (s->threads_changed != t->threads_seen) /* not every round: 60 threads cost 3 us */
		see_threads(t, s);
	for (size_t i = 0; b && i < b->len; i++)
		b->v[i].thread += t->base;
}

void tracking_after(struct tracking *t, const struct sampler *s)
{
	if (s->procs_changed == t->procs_seen)
		return;
	t->procs_seen = s->procs_changed;
	for (size_t i = 0; i < s->nprocs && i < t->nseen; i++) {
		const struct sampler_process *sp = &s->procs[i];
		struct seen_process *seen = &t->seen[i];
		int status = exit_status(sp);
		if (!sp->ended_ns || (seen->ended && status == seen->status))
			continue;
		if (!seen->ended)
			resolver_process_gone(t->res, sp->pid);
		seen->ended = true;
		seen->status = status;
		profile_process_end(t->p, seen->model, session_us(t, sp->ended_ns), status);
	}
}
