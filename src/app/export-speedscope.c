/* export-speedscope.c — speedscope's JSON file format
 * (https://www.speedscope.app/file-format-schema.json): the functions as
 * shared frames, one "sampled" profile per thread with samples, its stacks
 * in the order they were sampled, outermost frame first, each weighing one
 * sampling period (a run of equal stacks is one stack of their weight).
 * See export.h. */
#include "config.h"
#include "app/export.h"
#include "app/report.h"
#include "model/xalloc.h"
#include <stdlib.h>

/* The frame index of each function on a stack in scope (-1: none), in
 * function order. */
static void shared_frames(struct profile *p, int64_t *frame_of)
{
	for (size_t f = 0; f < p->nfuncs; f++)
		frame_of[f] = -1;
	for (size_t s = 0; s < p->nstacks; s++)
		for (uint32_t d = 0; p->stacks[s].count && d < p->stacks[s].depth; d++)
			frame_of[p->frames[p->stacks[s].frames[d]].func] = 0;
	size_t n = 0;
	for (size_t f = 0; f < p->nfuncs; f++)
		if (frame_of[f] >= 0)
			frame_of[f] = (int64_t)n++;
}

static void write_frames(FILE *out, struct profile *p, const int64_t *frame_of)
{
	fputs("\"shared\":{\"frames\":[", out);
	for (size_t f = 0, n = 0; f < p->nfuncs; f++) {
		if (frame_of[f] < 0)
			continue;
		const struct pfunc *fn = &p->funcs[f];
		fputs(n++ ? ",{\"name\":" : "{\"name\":", out);
		report_json_string(out, profile_func_name(p, (uint32_t)f));
		fputs(",\"file\":", out);
		report_json_string(out, p->files[fn->file].path);
		if (fn->line)
			fprintf(out, ",\"line\":%u", fn->line);
		fputc('}', out);
	}
	fputs("]}", out);
}

/* A thread's samples in scope, as runs of one stack in sample order. */
struct runs {
	struct run {
		uint32_t stack;
		uint64_t samples;
	} *runs;
	size_t n, cap;
	uint64_t samples;
};

/* Every thread's runs (an array of nthreads), in one pass over the samples. */
static struct runs *thread_runs(struct profile *p)
{
	struct runs *threads = xcalloc(p->nthreads ? p->nthreads : 1, sizeof(*threads));
	for (size_t i = p->counted_from; i < p->nsamples; i++) {
		if (!profile_sample_counted(p, i))
			continue;
		struct runs *t = &threads[p->samples[i].thread];
		uint32_t stack = p->samples[i].stack;
		t->samples++;
		if (t->n && t->runs[t->n - 1].stack == stack)
			t->runs[t->n - 1].samples++;
		else
			*VEC_PUSH(t->runs, t->n, t->cap) = (struct run){stack, 1};
	}
	return threads;
}

/* One thread's profile: its stacks, then their weights. */
static void write_thread(FILE *out, struct profile *p, uint32_t t, const struct runs *runs,
			 const int64_t *frame_of, uint64_t period_ns)
{
	const struct pthread *th = &p->threads[t];
	fputs("{\"type\":\"sampled\",\"name\":", out);
	char name[512];
	snprintf(name, sizeof(name), "%s (pid %d, tid %d)", th->name ? th->name : "thread",
		 th->pid, th->tid);
	report_json_string(out, name);
	fprintf(out, ",\"unit\":\"%s\",\"startValue\":0,\"endValue\":%llu,\"samples\":[",
		period_ns > 1 ? "nanoseconds" : "none", (unsigned long long)(runs->samples * period_ns));
	for (size_t r = 0; r < runs->n; r++) {
		const struct pstack *st = &p->stacks[runs->runs[r].stack];
		fputs(r ? ",[" : "[", out);
		for (uint32_t d = st->depth; d-- > 0;)
			fprintf(out, "%lld%s", (long long)frame_of[p->frames[st->frames[d]].func],
				d ? "," : "");
		fputc(']', out);
	}
	fputs("],\"weights\":[", out);
	for (size_t r = 0; r < runs->n; r++)
		fprintf(out, "%s%llu", r ? "," : "",
			(unsigned long long)(runs->runs[r].samples * period_ns));
	fputs("]}", out);
}

int export_speedscope(FILE *out, struct profile *p)
{
	/* a sample stands for one period; a session without a rate counts samples */
	uint64_t period_ns = p->frequency_hz ? 1000000000ull / p->frequency_hz : 1;
	struct runs *threads = thread_runs(p);
	size_t busiest = 0, nprofiles = 0;
	for (size_t t = 0; t < p->nthreads; t++)
		if (threads[t].samples > threads[busiest].samples)
			busiest = t;
	int64_t *frame_of = xmalloc((p->nfuncs ? p->nfuncs : 1) * sizeof(int64_t));
	shared_frames(p, frame_of);

	fputs(EXPORT_SPEEDSCOPE_HEAD " " PACKAGE_VERSION "\",\"name\":", out);
	report_json_string(out, p->command ? p->command : "cprof-tui session");
	for (size_t t = 0; t < busiest; t++)
		nprofiles += threads[t].samples != 0;
	if (threads[busiest].samples) /* (no profile: none to point at) */
		fprintf(out, ",\"activeProfileIndex\":%zu", nprofiles);
	fputc(',', out);
	write_frames(out, p, frame_of);
	fputs(",\"profiles\":[", out);
	nprofiles = 0;
	for (uint32_t t = 0; t < p->nthreads; t++) {
		if (threads[t].samples) {
			fputs(nprofiles++ ? ",\n" : "\n", out);
			write_thread(out, p, t, &threads[t], frame_of, period_ns);
		}
		free(threads[t].runs);
	}
	fputs("]}\n", out);
	free(frame_of);
	free(threads);
	return ferror(out) ? -1 : 0;
}
