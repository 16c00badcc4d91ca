/* scope.c — what the counts of the profile model take in: the samples since
 * the last reset, of every process or of one (narrowed), of the whole
 * session or of a time range, and with a focus, only those with a focus
 * function on their stack (doc/PRODUCT.md §7, §8, §12).
 * The samples themselves are all kept: changing the scope re-counts. */
#include "config.h"
#include "model/profile.h"
#include "model/xalloc.h"
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool profile_focus_match(const char *glob, const char *function)
{
	if (fnmatch(glob, function, 0) == 0)
		return true;
	/* without its parameter list: "ns::f(int) const" -> "ns::f" */
	char *bare = xstrdup(function);
	char *paren = strchr(bare, '(');
	if (paren && paren != bare)
		*paren = '\0';
	bool match = fnmatch(glob, bare, 0) == 0;
	if (!match) { /* its last name: "ns::Class::f" -> "f" */
		const char *last = bare;
		for (const char *c = bare; (c = strstr(c, "::")); c += 2)
			last = c + 2;
		match = last != bare && fnmatch(glob, last, 0) == 0;
	}
	free(bare);
	return match;
}

static bool func_in_focus(struct profile *p, uint32_t func)
{
	if (p->cap_func_focus < p->nfuncs) {
		size_t old = p->cap_func_focus;
		xgrow((void **)&p->func_focus, &p->cap_func_focus, p->nfuncs, 1);
		memset(p->func_focus + old, 0, p->cap_func_focus - old);
	}
	uint8_t *known = &p->func_focus[func];
	if (!*known) {
		const char *name = profile_func_name(p, func);
		*known = 1;
		for (size_t i = 0; i < p->nfocus && *known == 1; i++)
			if (profile_focus_match(p->focus[i], name))
				*known = 2;
	}
	return *known == 2;
}

bool profile_stack_in_focus(struct profile *p, uint32_t stack)
{
	if (!p->nfocus)
		return true;
	const struct pstack *s = &p->stacks[stack];
	for (uint32_t d = 0; d < s->depth; d++)
		if (func_in_focus(p, p->frames[s->frames[d]].func))
			return true;
	return false;
}

bool profile_in_narrowing(const struct profile *p, uint32_t thread, uint64_t time_us)
{
	return (!p->narrow_pid || p->threads[thread].pid == p->narrow_pid) &&
	       (!p->range_to_us || (time_us >= p->range_from_us && time_us < p->range_to_us));
}

bool profile_sample_counted(struct profile *p, size_t i)
{
	const struct psample *s = &p->samples[i];
	return i >= p->counted_from && profile_in_narrowing(p, s->thread, s->time_us) &&
	       profile_stack_in_focus(p, s->stack);
}

void profile_count_sample(struct profile *p, const struct psample *s)
{
	struct pthread *t = &p->threads[s->thread];
	if (!profile_stack_in_focus(p, s->stack)) {
		p->out_of_focus++;
		return;
	}
	t->samples++;
	if (t->process)
		p->processes[t->process - 1].samples++;
	if (!profile_in_narrowing(p, s->thread, s->time_us))
		return;
	p->stacks[s->stack].count++;
	p->counted++;
}

void profile_recount(struct profile *p)
{
	for (size_t i = 0; i < p->nstacks; i++)
		p->stacks[i].count = 0;
	for (size_t i = 0; i < p->nthreads; i++)
		p->threads[i].samples = 0;
	for (size_t i = 0; i < p->nprocesses; i++)
		p->processes[i].samples = 0;
	p->counted = p->out_of_focus = 0;
	for (size_t i = p->counted_from; i < p->nsamples; i++)
		profile_count_sample(p, &p->samples[i]);
	p->dirty = true;
	p->generation++;
}

void profile_narrow(struct profile *p, int pid)
{
	if (p->narrow_pid == pid)
		return;
	p->narrow_pid = pid;
	profile_recount(p);
}

void profile_set_range(struct profile *p, uint64_t from_us, uint64_t to_us)
{
	if (!to_us)
		from_us = 0;
	if (p->range_from_us == from_us && p->range_to_us == to_us)
		return;
	p->range_from_us = from_us;
	p->range_to_us = to_us;
	profile_recount(p);
}

void profile_set_focus(struct profile *p, const char *const *globs, size_t n)
{
	for (size_t i = 0; i < p->nfocus; i++)
		free(p->focus[i]);
	free(p->focus);
	p->focus = n ? xmalloc(n * sizeof(char *)) : NULL;
	for (size_t i = 0; i < n; i++)
		p->focus[i] = xstrdup(globs[i]);
	p->nfocus = n;
	if (p->func_focus)
		memset(p->func_focus, 0, p->cap_func_focus);
	profile_recount(p);
	p->focus_stamp = p->generation;
}
