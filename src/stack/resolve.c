/* resolve.c — raw samples to profile samples; see resolve.h. */
#include "config.h"
#include "stack/resolve.h"
#include "stack/symbols.h"
#include "stack/unwind.h"
#include "model/hash.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PCS 256
#define MAX_FRAMES 1024

/* An unwound stack, its addresses as symbol keys (module file, offset:
 * symbols.h), de-duplicated across processes: symbolised once, into a
 * profile stack, when the queue reaches it. */
struct pcstack {
	uint32_t off, depth;   /* in resolver.pcs */
	uint32_t flags;        /* enum stack_flags */
	int64_t stack;         /* profile stack id, -1 until symbolised */
};

struct queued_sample {
	uint64_t time_us;
	uint32_t thread;       /* the sampler's (and the model's) thread index */
	uint32_t pcstack;      /* QUEUED_FREE: a free, of allocs[alloc - 1].id */
	uint32_t alloc;        /* 0: a CPU sample; else index + 1 in allocs */
};
#define QUEUED_FREE UINT32_MAX

/* A process's address space: its unwinder (maps, caches, last unwinds). */
struct space {
	pid_t pid;
	struct unwinder *u;
};

struct resolver {
	struct profile *p;
	struct space *spaces; size_t nspaces, cap_spaces;
	struct symbolizer *sym;
	unwind_maps_fn maps_fn;       /* where unwinders read mappings (NULL: /proc) */
	void *maps_ctx;
	uint64_t start_ns;
	struct resolver_costs costs;

	struct pcstack *pcstacks; size_t npcstacks, cap_pcstacks;
	uint64_t *pcs; size_t npcs, cap_pcs; /* symbol keys of the pcstacks */
	struct u64map pcstack_index;  /* interned by contents (intern_find) */
	struct u64map last_pcstack;   /* thread -> its latest pcstack (wall-mode reuse) */
	struct queued_sample *queue; size_t nqueue, head, cap_queue;
	struct alloc_info *allocs; size_t nallocs, cap_allocs; /* of the queue's allocations */
};

struct resolver *resolver_new(struct profile *p, uint64_t start_ns, char *err, size_t errlen)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	r->p = p;
	r->start_ns = start_ns;
	r->sym = symbols_new(err, errlen);
	if (!r->sym) {
		free(r);
		return NULL;
	}
	return r;
}

/* Process pid's address space, made at its first sample; NULL when
 * libunwind cannot make one. */
static struct space *space_of(struct resolver *r, pid_t pid)
{
	for (size_t i = 0; i < r->nspaces; i++)
		if (r->spaces[i].pid == pid)
			return &r->spaces[i];
	struct unwinder *u = unwind_new(pid);
	if (!u)
		return NULL;
	unwind_set_maps_source(u, r->maps_fn, r->maps_ctx);
	struct space *sp = VEC_PUSH(r->spaces, r->nspaces, r->cap_spaces);
	*sp = (struct space){pid, u};
	return sp;
}

void resolver_set_maps_source(struct resolver *r, unwind_maps_fn fn, void *ctx)
{
	r->maps_fn = fn;
	r->maps_ctx = ctx;
}

void resolver_exec(struct resolver *r, pid_t pid)
{
	for (size_t i = 0; i < r->nspaces; i++)
		if (r->spaces[i].pid == pid)
			unwind_flush(r->spaces[i].u);
}

void resolver_process_gone(struct resolver *r, pid_t pid)
{
	for (size_t i = 0; i < r->nspaces; i++)
		if (r->spaces[i].pid == pid) {
			unwind_stats_add(r->spaces[i].u, &r->costs.frames_stepped, &r->costs.frames_reused);
			unwind_free(r->spaces[i].u);
			r->spaces[i] = r->spaces[--r->nspaces];
			return;
		}
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nspaces; i++)
		unwind_free(r->spaces[i].u);
	free(r->spaces);
	symbols_free(r->sym);
	free(r->pcstacks);
	free(r->pcs);
	free(r->queue);
	free(r->allocs);
	u64map_free(&r->pcstack_index);
	u64map_free(&r->last_pcstack);
	free(r);
}

struct pcstack_key {
	const struct resolver *r;
	const uint64_t *pcs;
	uint32_t depth, flags;
};

static bool same_pcstack(const void *ctx, uint64_t id)
{
	const struct pcstack_key *k = ctx;
	const struct pcstack *ps = &k->r->pcstacks[id];
	return ps->depth == k->depth && ps->flags == k->flags &&
	       !memcmp(k->r->pcs + ps->off, k->pcs, k->depth * sizeof(uint64_t));
}

static uint32_t intern_pcstack(struct resolver *r, const uint64_t *pcs, uint32_t depth,
			       uint32_t flags)
{
	struct pcstack_key k = {r, pcs, depth, flags};
	uint64_t slot = 0;
	int64_t found = intern_find(&r->pcstack_index, hash_bytes(pcs, depth * sizeof(uint64_t), flags),
				    same_pcstack, &k, &slot);
	if (found >= 0)
		return (uint32_t)found;
	for (uint32_t i = 0; i < depth; i++)
		symbols_request(r->sym, pcs[i]);
	uint32_t id = (uint32_t)r->npcstacks;
	struct pcstack *ps = VEC_PUSH(r->pcstacks, r->npcstacks, r->cap_pcstacks);
	ps->off = (uint32_t)r->npcs;
	ps->depth = depth;
	ps->flags = flags;
	ps->stack = -1;
	xgrow((void **)&r->pcs, &r->cap_pcs, r->npcs + depth, sizeof(uint64_t));
	if (depth)
		memcpy(r->pcs + r->npcs, pcs, depth * sizeof(uint64_t));
	r->npcs += depth;
	u64map_put(&r->pcstack_index, slot, id);
	return id;
}

static void enqueue(struct resolver *r, uint64_t time_us, uint32_t thread, uint32_t pcstack)
{
	*VEC_PUSH(r->queue, r->nqueue, r->cap_queue) = (struct queued_sample){time_us, thread, pcstack, 0};
	u64map_put(&r->last_pcstack, thread, pcstack);
}

static uint64_t session_us(const struct resolver *r, uint64_t ns)
{
	return ns > r->start_ns ? (ns - r->start_ns) / 1000 : 0;
}

/* Unwind rs into an interned address stack: its id, or -1 when its process
 * has no address space. An allocation's stack starts at the frame that
 * returns to `caller` (the allocation function's caller: the sampler's own
 * frames are above it); 0: a CPU sample, from its innermost frame. */
static int64_t unwind_raw(struct resolver *r, const struct raw_batch *b,
			  const struct raw_sample *rs, uint64_t caller)
{
	uint64_t pcs[MAX_PCS];
	bool complete;
	struct space *sp = space_of(r, rs->pid);
	if (!sp)
		return -1;
	struct unwind_input in = {
		.tid = rs->tid,
		.regs = &rs->regs,
		.regs_partial = rs->regs_partial,
		.stack = b->stack + rs->stack_off,
		.stack_len = rs->stack_len,
	};
	uint64_t t0 = now_ns();
	int n = unwind_stack(sp->u, &in, pcs, MAX_PCS, &complete), from = 0;
	for (int i = 1; caller && !from && i < n; i++)
		if (pcs[i] == caller)
			from = i;
	for (int i = from; i < n; i++) /* where each address is, in which file */
		pcs[i] = symbols_key_of(r->sym, unwind_map(sp->u, pcs[i]), pcs[i], i > 0);
	uint32_t id = intern_pcstack(r, pcs + from, (uint32_t)(n - from),
				     complete ? 0 : STACK_INCOMPLETE);
	r->costs.unwind_ns += now_ns() - t0;
	r->costs.unwound++;
	return id;
}

void resolver_add(struct resolver *r, const struct raw_batch *b, const struct raw_sample *rs)
{
	uint64_t time_us = session_us(r, rs->time_ns), last;
	if (rs->reuse) {
		/* wall mode: asleep since its last sample, so the same stack */
		if (u64map_get(&r->last_pcstack, rs->thread, &last)) {
			r->p->counters.reused++;
			enqueue(r, time_us, rs->thread, (uint32_t)last);
		}
		return;
	}
	int64_t id = unwind_raw(r, b, rs, 0);
	if (id < 0)
		r->p->counters.lost++;
	else
		enqueue(r, time_us, rs->thread, (uint32_t)id);
}

/* Queue an allocation (pcstack) or a free (QUEUED_FREE) with its info.
 * (Not a thread's latest stack for wall mode: that is its CPU samples'.) */
static void enqueue_alloc(struct resolver *r, uint64_t time_us, uint32_t thread, uint32_t pcstack,
			  const struct alloc_info *info)
{
	*VEC_PUSH(r->allocs, r->nallocs, r->cap_allocs) = *info;
	*VEC_PUSH(r->queue, r->nqueue, r->cap_queue) =
		(struct queued_sample){time_us, thread, pcstack, (uint32_t)r->nallocs};
}

void resolver_add_alloc(struct resolver *r, const struct raw_batch *b, const struct raw_sample *rs,
			const struct alloc_info *info)
{
	int64_t id = unwind_raw(r, b, rs, info->caller);
	if (id < 0)
		r->p->alloc_lost++;
	else
		enqueue_alloc(r, session_us(r, rs->time_ns), rs->thread, (uint32_t)id, info);
}

void resolver_add_free(struct resolver *r, const struct alloc_free *f)
{
	struct alloc_info info = {.id = f->id};
	enqueue_alloc(r, session_us(r, f->time_ns), 0, QUEUED_FREE, &info);
}

static uint32_t intern_frame(struct profile *p, const struct sym_frame *f)
{
	uint32_t home = profile_file(p, f->home, f->home_user_code);
	uint32_t file = profile_file(p, f->file, f->user_code);
	return profile_frame(p, f->function, home, file, f->line, f->decl_line, f->module, f->flags);
}

/* The profile stack of an address stack, or -1 while an address is still
 * with the symbol worker. */
static int64_t symbolise(struct resolver *r, const struct pcstack *ps)
{
	uint32_t frames[MAX_FRAMES], depth = 0;
	struct sym_frame sf[SYM_MAX_INLINE];
	const uint64_t *keys = r->pcs + ps->off;
	for (uint32_t i = 0; i < ps->depth && depth < MAX_FRAMES; i++) {
		int n = symbols_take(r->sym, keys[i], sf, SYM_MAX_INLINE);
		if (n < 0)
			return -1;
		for (int k = 0; k < n && depth < MAX_FRAMES; k++)
			frames[depth++] = intern_frame(r->p, &sf[k]);
	}
	return profile_stack(r->p, frames, depth, ps->flags);
}

void resolver_drain(struct resolver *r, uint64_t deadline_ns)
{
	uint64_t t0 = now_ns();
	while (r->head < r->nqueue) {
		if (deadline_ns && now_ns() >= deadline_ns)
			break;
		const struct queued_sample *q = &r->queue[r->head];
		const struct alloc_info *a = q->alloc ? &r->allocs[q->alloc - 1] : NULL;
		if (q->pcstack == QUEUED_FREE) {
			profile_free_alloc(r->p, a->id, q->time_us);
			r->head++;
			continue;
		}
		struct pcstack *ps = &r->pcstacks[q->pcstack];
		if (ps->stack < 0 && (ps->stack = symbolise(r, ps)) < 0)
			break;
		if (q->thread >= r->p->nthreads) /* (the recorder tells the model of each thread first) */
			*(a ? &r->p->alloc_lost : &r->p->counters.lost) += 1;
		else if (a)
			profile_add_alloc(r->p, q->time_us, q->thread, (uint32_t)ps->stack, a->id, a->size,
					  a->weight);
		else
			profile_add_sample(r->p, q->time_us, q->thread, (uint32_t)ps->stack);
		r->head++;
	}
	if (r->head == r->nqueue)
		r->head = r->nqueue = r->nallocs = 0;
	r->costs.model_ns += now_ns() - t0;
}

uint64_t resolver_drain_all(struct resolver *r)
{
	uint64_t give_up = now_ns() + 60000000000ull;
	for (;;) {
		resolver_drain(r, 0);
		if (!r->nqueue || now_ns() > give_up)
			break;
		symbols_wait_idle(r->sym, 100);
	}
	uint64_t left = r->nqueue - r->head;
	r->p->counters.lost += left;
	r->head = r->nqueue = r->nallocs = 0;
	return left;
}

void resolver_get_costs(struct resolver *r, struct resolver_costs *c)
{
	*c = r->costs;
	for (size_t i = 0; i < r->nspaces; i++)
		unwind_stats_add(r->spaces[i].u, &c->frames_stepped, &c->frames_reused);
	symbols_stats(r->sym, &c->symbols_ns, &c->addresses);
}

size_t resolver_nodebug_modules(struct resolver *r, char ***paths)
{
	return symbols_modules_without_debuginfo(r->sym, paths);
}
