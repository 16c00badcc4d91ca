/* export-callgrind.c — the callgrind format (valgrind's "Callgrind Format
 * Specification", version 1), as callgrind_annotate and KCachegrind read it.
 *
 * One event, Samples. A function is its name at its own file (fl=, fn=) in
 * its module (ob=); a line's self cost is the samples whose innermost frame
 * is at it (fi= when the line is in another file than the function's).
 * A call (cfi=, cfn=, calls=) from a caller's line to a function carries the
 * samples of the stacks it is on, counted at the callee's outermost frame on
 * each stack: the calls into a function then add up to its total, once per
 * sample, under recursion too. calls= gives those samples as the count, for
 * a sampler does not count calls. Names and paths are escaped as the TUI
 * shows them. See export.h. */
#include "config.h"
#include "app/export.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define SELF UINT32_MAX /* a cost's callee when it is a self cost */

struct cost {
	uint32_t frame;   /* the line it is at (a frame of the function) */
	uint32_t callee;  /* the function called there, or SELF */
	uint64_t samples;
};

/* Name compression: "(id) name" the first time, "(id)" after. */
struct names {
	bool *defined;
	size_t n;
};

struct writer {
	FILE *out;
	struct profile *p;
	struct names files, funcs, modules;
	uint32_t *module_of; /* per function: the module of its frames (a string id) */
};

static void spec(struct writer *w, const char *key, struct names *ns, uint32_t id, const char *name)
{
	if (ns->defined[id]) {
		fprintf(w->out, "%s=(%u)\n", key, id + 1);
		return;
	}
	char *e = str_escape_dup(name);
	fprintf(w->out, "%s=(%u) %s\n", key, id + 1, e);
	free(e);
	ns->defined[id] = true;
}

static void names_init(struct names *ns, size_t n)
{
	ns->n = n;
	ns->defined = xcalloc(n ? n : 1, sizeof(bool));
}

/* Costs in the order they are written: by function, its own file's lines
 * first, then by file and line, the self cost before the calls. */
static int cmp_cost(const void *a, const void *b, void *arg)
{
	const struct profile *p = arg;
	const struct cost *x = a, *y = b;
	const struct pframe *fx = &p->frames[x->frame], *fy = &p->frames[y->frame];
	if (fx->func != fy->func)
		return fx->func < fy->func ? -1 : 1;
	bool ox = fx->file != p->funcs[fx->func].file, oy = fy->file != p->funcs[fy->func].file;
	if (ox != oy || fx->file != fy->file)
		return ox != oy ? ox - oy : fx->file < fy->file ? -1 : 1;
	if (fx->line != fy->line)
		return fx->line < fy->line ? -1 : 1;
	return x->callee < y->callee ? 1 : x->callee > y->callee ? -1 : 0;
}

/* Self costs and calls of the stacks in scope, one cost per (frame, callee). */
static size_t collect(struct profile *p, struct cost **out)
{
	struct u64map index;
	struct cost *costs = NULL;
	size_t n = 0, cap = 0;
	uint32_t *seen = xmalloc((p->nfuncs ? p->nfuncs : 1) * sizeof(uint32_t));
	memset(seen, 0xff, (p->nfuncs ? p->nfuncs : 1) * sizeof(uint32_t));
	u64map_init(&index);
	for (uint32_t s = 0; s < p->nstacks; s++) {
		const struct pstack *st = &p->stacks[s];
		if (!st->count || !st->depth)
			continue;
		for (uint32_t d = st->depth; d-- > 0;) {
			uint32_t func = p->frames[st->frames[d]].func;
			bool self = d == 0, call = d + 1 < st->depth && seen[func] != s;
			seen[func] = s;
			for (int k = 0; k < 2; k++) {
				if (!(k ? call : self))
					continue;
				uint32_t frame = st->frames[k ? d + 1 : d], callee = k ? func : SELF;
				uint64_t *slot = u64map_slot(&index, (uint64_t)frame << 32 | callee, UINT64_MAX);
				if (*slot == UINT64_MAX) {
					*slot = n;
					*VEC_PUSH(costs, n, cap) = (struct cost){frame, callee, 0};
				}
				costs[*slot].samples += st->count;
			}
		}
	}
	u64map_free(&index);
	free(seen);
	if (n)
		qsort_r(costs, n, sizeof(*costs), cmp_cost, p);
	*out = costs;
	return n;
}

static void header(struct writer *w, uint64_t total)
{
	struct profile *p = w->p;
	char *cmd = str_escape_dup(p->command ? p->command : "?");
	fprintf(w->out, EXPORT_CALLGRIND_HEAD " %s\npid: %d\ncmd: %s\n", PACKAGE_VERSION, p->pid, cmd);
	fprintf(w->out, "desc: Samples: one per sampling period of %s time (%u Hz)\n",
		p->wall ? "wall" : "CPU", p->frequency_hz);
	if (p->narrow_pid)
		fprintf(w->out, "desc: Process: only process %d\n", p->narrow_pid);
	for (size_t i = 0; i < p->nfocus; i++) {
		char *f = str_escape_dup(p->focus[i]);
		fprintf(w->out, "desc: Focus: %s\n", f);
		free(f);
	}
	fprintf(w->out, "positions: line\nevents: Samples\nsummary: %llu\n\n",
		(unsigned long long)total);
	free(cmd);
}

static void write_call(struct writer *w, const struct cost *c, uint32_t ob)
{
	struct profile *p = w->p;
	const struct pfunc *callee = &p->funcs[c->callee];
	if (w->module_of[c->callee] != ob)
		spec(w, "cob", &w->modules, w->module_of[c->callee],
		     strpool_get(&p->strings, w->module_of[c->callee]));
	spec(w, "cfi", &w->files, callee->file, p->files[callee->file].path);
	spec(w, "cfn", &w->funcs, c->callee, profile_func_name(p, c->callee));
	fprintf(w->out, "calls=%llu %u\n%u %llu\n", (unsigned long long)c->samples, callee->line,
		p->frames[c->frame].line, (unsigned long long)c->samples);
}

static bool same_line(const struct profile *p, const struct pframe *a, const struct pframe *b)
{
	return a->func == b->func && a->file == b->file && a->line == b->line;
}

static void body(struct writer *w, const struct cost *costs, size_t n)
{
	struct profile *p = w->p;
	uint32_t func = UINT32_MAX, file = UINT32_MAX, ob = UINT32_MAX;
	bool line_done = false; /* the line of costs[i] has had its cost line */
	for (size_t i = 0; i < n; i++) {
		const struct pframe *fr = &p->frames[costs[i].frame];
		if (fr->func != func) {
			func = fr->func;
			file = p->funcs[func].file;
			fputc('\n', w->out);
			if (w->module_of[func] != ob) {
				ob = w->module_of[func];
				spec(w, "ob", &w->modules, ob, strpool_get(&p->strings, ob));
			}
			spec(w, "fl", &w->files, file, p->files[file].path);
			spec(w, "fn", &w->funcs, func, profile_func_name(p, func));
		}
		if (fr->file != file) {
			file = fr->file;
			spec(w, "fi", &w->files, file, p->files[file].path);
		}
		/* a call's line has a cost line of its own, 0 when no sample's
		 * innermost frame is there: callgrind_annotate stumbles over a
		 * source file without one */
		if (costs[i].callee == SELF || !line_done)
			fprintf(w->out, "%u %llu\n", fr->line,
				(unsigned long long)(costs[i].callee == SELF ? costs[i].samples : 0));
		if (costs[i].callee != SELF)
			write_call(w, &costs[i], ob);
		line_done = i + 1 < n && same_line(p, fr, &p->frames[costs[i + 1].frame]);
	}
}

int export_callgrind(FILE *out, struct profile *p)
{
	struct writer w = {.out = out, .p = p};
	names_init(&w.files, p->nfiles);
	names_init(&w.funcs, p->nfuncs);
	names_init(&w.modules, p->strings.len);
	w.module_of = xcalloc(p->nfuncs ? p->nfuncs : 1, sizeof(uint32_t));
	for (size_t f = p->nframes; f-- > 0;) /* the first frame of each function */
		w.module_of[p->frames[f].func] = p->frames[f].module;
	struct cost *costs;
	size_t n = collect(p, &costs);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += costs[i].callee == SELF ? costs[i].samples : 0;
	header(&w, total);
	body(&w, costs, n);
	fprintf(out, "\ntotals: %llu\n", (unsigned long long)total);
	free(costs);
	free(w.module_of);
	free(w.files.defined);
	free(w.funcs.defined);
	free(w.modules.defined);
	return ferror(out) ? -1 : 0;
}
