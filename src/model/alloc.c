/* alloc.c — the profile model's allocation samples (--memory) and the
 * metric self and total are counted in (doc/PRODUCT.md §10).
 *
 * An allocation sample stands for `weight` bytes allocated by its stack
 * (the sampler's estimate: preload/alloc.c); it is live until its block is
 * freed. The counts take in the samples the scope takes in (scope.c: since
 * the last reset, of the process narrowed to, with a focus function on the
 * stack), and are made again from the samples at each profile_update(), in
 * one pass and a replay of allocations and frees in the order of their
 * times for the peak: at the moment the most bytes were live, which of
 * them were. */
#include "config.h"
#include "model/profile.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

static const char *const metric_names[METRIC_COUNT] = {"cpu", "alloc", "live", "peak"};

const char *profile_metric_name(enum metric m)
{
	return m < METRIC_COUNT ? metric_names[m] : "?";
}

int profile_metric_find(const char *name)
{
	for (int m = 0; m < METRIC_COUNT; m++)
		if (!strcmp(name, metric_names[m]))
			return m;
	return -1;
}

void profile_set_metric(struct profile *p, enum metric m)
{
	if (p->metric == m)
		return;
	p->metric = m;
	p->dirty = true;
	p->generation++;
}

uint64_t profile_amount(const struct profile *p, uint64_t samples, const struct pbytes *b)
{
	switch (p->metric) {
	case METRIC_ALLOC: return b->alloc;
	case METRIC_LIVE: return b->live;
	case METRIC_PEAK: return b->peak;
	default: return samples;
	}
}

uint64_t profile_total(const struct profile *p)
{
	return profile_amount(p, p->counted, &p->bytes);
}

void profile_add_alloc(struct profile *p, uint64_t time_us, uint32_t thread, uint32_t stack,
		       uint64_t id, uint64_t size, uint64_t weight)
{
	*VEC_PUSH(p->allocs, p->nallocs, p->cap_allocs) =
		(struct palloc){.time_us = time_us, .thread = thread, .stack = stack, .size = size,
				.weight = weight};
	u64map_put(&p->alloc_index, id, p->nallocs - 1);
	p->dirty = true;
	p->generation++;
}

void profile_free_alloc(struct profile *p, uint64_t id, uint64_t time_us)
{
	uint64_t i;
	if (!u64map_get(&p->alloc_index, id, &i))
		return;
	u64map_del(&p->alloc_index, id);
	*VEC_PUSH(p->frees, p->nfrees, p->cap_frees) = (struct pfree){(uint32_t)i, time_us};
	p->allocs[i].freed = (uint32_t)p->nfrees;
	p->dirty = true;
	p->generation++;
}

/* How allocation i counts (the scope of scope.c): OUT (before the last
 * reset, or out of the focus), THREAD (for its thread and process only:
 * another process is narrowed to, or it is out of the time range, as their
 * CPU samples count) or IN. */
enum { OUT, THREAD, IN };

static uint8_t counted(struct profile *p, size_t i)
{
	const struct palloc *a = &p->allocs[i];
	if (i < p->allocs_from || !profile_stack_in_focus(p, a->stack))
		return OUT;
	return profile_in_narrowing(p, a->thread, a->time_us) ? IN : THREAD;
}

static void add(struct pbytes *to, const struct pbytes *b)
{
	to->alloc += b->alloc;
	to->live += b->live;
	to->peak += b->peak;
}

/* The process (index + 1) an allocation's thread belongs to, 0 none. */
static uint32_t process_of(const struct profile *p, const struct palloc *a)
{
	return a->thread < p->nthreads ? p->threads[a->thread].process : 0;
}

static int cmp_end(const void *x, const void *y, void *arg)
{
	const struct profile *p = arg;
	uint64_t a = p->processes[*(const uint32_t *)x].ended_us;
	uint64_t b = p->processes[*(const uint32_t *)y].ended_us;
	return a < b ? -1 : a > b;
}

/* Replay the allocations, frees and process ends counted in the order of
 * their times (a process that ends frees what it still held): at the moment
 * the most was live, allocations [0, *na) and frees [0, *nf) had happened,
 * and the processes whose end_rank is under *ne had ended. end_rank has a
 * slot per process (UINT32_MAX: it did not end). */
static void find_peak(struct profile *p, const uint8_t *in, size_t *na, size_t *nf,
		      uint32_t *end_rank, uint32_t *ne)
{
	size_t np = p->nprocesses, nends = 0;
	uint32_t *ends = xmalloc((np ? np : 1) * sizeof(*ends));
	uint64_t *held = xcalloc(np ? np : 1, sizeof(*held)); /* live bytes per process */
	for (uint32_t k = 0; k < np; k++) {
		end_rank[k] = UINT32_MAX;
		if (p->processes[k].ended_us)
			ends[nends++] = k;
	}
	if (nends > 1)
		qsort_r(ends, nends, sizeof(*ends), cmp_end, p);
	for (uint32_t r = 0; r < nends; r++)
		end_rank[ends[r]] = r;
	uint64_t live = 0, peak = 0;
	size_t i = 0, j = 0, e = 0;
	*na = *nf = *ne = 0;
	while (i < p->nallocs || j < p->nfrees) {
		uint64_t ta = i < p->nallocs ? p->allocs[i].time_us : UINT64_MAX;
		uint64_t tf = j < p->nfrees ? p->frees[j].time_us : UINT64_MAX;
		if (e < nends && p->processes[ends[e]].ended_us < (ta < tf ? ta : tf)) {
			live -= held[ends[e]];
			held[ends[e++]] = 0;
		} else if (ta <= tf) {
			uint32_t k = process_of(p, &p->allocs[i]);
			if (in[i] == IN) {
				if (k && end_rank[k - 1] >= e) /* (not after its own end) */
					held[k - 1] += p->allocs[i].weight;
				if ((live += p->allocs[i].weight) > peak) {
					peak = live;
					*na = i + 1;
					*nf = j;
					*ne = (uint32_t)e;
					p->peak_us = p->allocs[i].time_us;
				}
			}
			i++;
		} else {
			const struct palloc *a = &p->allocs[p->frees[j].alloc];
			uint32_t k = process_of(p, a);
			if (in[p->frees[j].alloc] == IN) {
				live -= a->weight;
				if (k && end_rank[k - 1] >= e)
					held[k - 1] -= a->weight;
			}
			j++;
		}
	}
	free(held);
	free(ends);
}

/* The bytes glibc's allocator takes for a block of `size` (its chunk: the
 * size with its 8-byte header, in 16-byte steps, at least 32; a block of
 * 128 KiB or more is mapped on its own, in pages). */
static double chunk_of(uint64_t size)
{
	if (size >= 128 * 1024)
		return (double)((size + 16 + 4095) & ~(uint64_t)4095);
	uint64_t c = (size + 8 + 15) & ~(uint64_t)15;
	return (double)(c < 32 ? 32 : c);
}

/* Per process, the factor its sampled live bytes are scaled by: what its
 * heap held at exit over what its live samples say it held (in chunks, as
 * the heap counts them); 1 where that is not known. A sampled estimate of
 * a leak of L bytes is off by about sqrt(interval / L) (16% for 10 MB at
 * 256 KiB); the heap's own count, told by the allocation sampler at exit,
 * makes the total exact, and the samples share it out between the lines. */
static double *live_scale(const struct profile *p)
{
	double *f = xcalloc(p->nprocesses ? p->nprocesses : 1, sizeof(*f));
	for (size_t i = 0; i < p->nallocs; i++) {
		const struct palloc *a = &p->allocs[i];
		uint32_t k = process_of(p, a);
		if (k && !a->freed && a->size)
			f[k - 1] += (double)a->weight * chunk_of(a->size) / (double)a->size;
	}
	for (size_t k = 0; k < p->nprocesses; k++)
		f[k] = p->processes[k].heap_at_exit && f[k] > 0
			       ? (double)p->processes[k].heap_at_exit / f[k] : 1.0;
	return f;
}

void profile_tally_allocs(struct profile *p)
{
	for (size_t i = 0; i < p->nstacks; i++)
		p->stacks[i].bytes = (struct pbytes){0};
	for (size_t i = 0; i < p->nthreads; i++)
		p->threads[i].bytes = (struct pbytes){0};
	for (size_t i = 0; i < p->nprocesses; i++)
		p->processes[i].bytes = (struct pbytes){0};
	p->bytes = (struct pbytes){0};
	p->alloc_counted = p->peak_us = 0;
	if (!p->nallocs)
		return;
	xgrow((void **)&p->alloc_in, &p->cap_alloc_in, p->nallocs, 1);
	uint8_t *in = p->alloc_in;
	for (size_t i = 0; i < p->nallocs; i++)
		in[i] = counted(p, i);
	size_t na, nf;
	uint32_t ne, *end_rank = xmalloc((p->nprocesses ? p->nprocesses : 1) * sizeof(*end_rank));
	find_peak(p, in, &na, &nf, end_rank, &ne);
	double *scale = live_scale(p);
	for (size_t i = 0; i < p->nallocs; i++) {
		const struct palloc *a = &p->allocs[i];
		if (in[i] == OUT)
			continue;
		struct pthread *t = &p->threads[a->thread];
		bool held = in[i] == IN && i < na && (!a->freed || a->freed > nf) &&
			    !(t->process && end_rank[t->process - 1] < ne);
		uint64_t live = a->freed ? 0 : (uint64_t)((double)a->weight *
						       (t->process ? scale[t->process - 1] : 1.0) + 0.5);
		struct pbytes b = {a->weight, live, held ? a->weight : 0};
		add(&t->bytes, &b);
		if (t->process)
			add(&p->processes[t->process - 1].bytes, &b);
		if (in[i] == THREAD)
			continue;
		add(&p->stacks[a->stack].bytes, &b);
		add(&p->bytes, &b);
		p->alloc_counted++;
	}
	free(end_rank);
	free(scale);
}
