/* diagnose.c — why a profile is thin; see diagnose.h. */
#include "config.h"
#include "app/diagnose.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEW_SAMPLES 200        /* below this, shares move by several points run to run */
#define LOW_COVERAGE 0.6       /* samples for under 60% of the CPU time */
#define CHILDREN_SHARE 0.25    /* a quarter of the CPU time in children left out */
#define ASLEEP_SHARE 0.2       /* on a CPU under a fifth of the time */
#define OUTSIDE_SHARE 0.4      /* samples outside the profiled files */
#define CHARGED_SHARE 0.5      /* samples in unprofiled code called from profiled code */
#define NODEBUG_SHARE 0.05     /* samples that count for a module without debug info */
#define MIN_SHARES 50          /* shares of fewer samples are not worth a word */
#define SHORT_SHARE 0.05       /* CPU time of ended threads that no sample stands for */
/* why samples are missing where the kernel does not tell ended threads' CPU time */
#define UNTOLD "threads that ended before a whole sampling period of CPU (never sampled by " \
	       "perf events; this kernel does not tell their CPU time: --backend ptrace " \
	       "samples them), "

struct out {
	char **v;
	size_t n, cap;
};

static void say(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("(out of memory)");
	va_end(ap);
	*VEC_PUSH(o->v, o->n, o->cap) = s;
}

/* Samples whose innermost frame is not in a profiled file, by that file:
 * those with no profiled frame at all (`outside`), or charged to the
 * profiled line that called that code (`charged`). Names the three files
 * with most of them in `names`. */
static uint64_t unprofiled_files(struct profile *p, bool outside, char *names, size_t n)
{
	uint64_t *by_file = xcalloc(p->nfiles + 1, sizeof(uint64_t)), all = 0;
	for (size_t s = 0; s < p->nstacks; s++) {
		const struct pstack *st = &p->stacks[s];
		if (!st->count || !st->depth || p->files[p->frames[st->frames[0]].file].profiled)
			continue;
		bool in = false;
		for (uint32_t d = 1; d < st->depth && !in; d++)
			in = p->files[p->frames[st->frames[d]].file].profiled;
		if (in != outside) {
			by_file[p->frames[st->frames[0]].file] += st->count;
			all += st->count;
		}
	}
	names[0] = '\0';
	for (int k = 0; k < 3; k++) {
		size_t best = p->nfiles;
		for (size_t i = 0; i < p->nfiles; i++)
			if (by_file[i] && (best == p->nfiles || by_file[i] > by_file[best]))
				best = i;
		if (best == p->nfiles || 100.0 * (double)by_file[best] < (double)p->counted)
			break; /* (none, or under 1%) */
		char e[256];
		size_t len = strlen(names);
		snprintf(names + len, n - len, "%s%s %.0f%%", k ? ", " : "",
			 str_escape(e, sizeof(e), p->files[best].path),
			 100.0 * (double)by_file[best] / (double)p->counted);
		by_file[best] = 0;
	}
	free(by_file);
	return all;
}

size_t diagnose(struct profile *p, const struct run_facts *f, char ***lines)
{
	struct out o = {0};
	profile_update(p);
	double n = (double)p->nsamples, hz = f->frequency ? f->frequency : 999;
	double expect = f->cpu_known ? f->cpu_s * hz : 0;
	const char *more = f->attached ? "a longer -d" : "a longer run, --repeat N,";
	/* threads that ended before a whole period of CPU (perf events sample
	 * at the end of each) took most of the CPU time the samples miss, and
	 * would have made enough samples: a longer run is not the answer. The
	 * CPU time, when not known (attached, -d): at least the samples' and
	 * theirs. */
	double cpu = f->cpu_known ? f->cpu_s : n / hz + f->short_s;
	bool short_threads = f->short_s > SHORT_SHARE * cpu && f->short_s > 0.02;
	bool short_explain = short_threads && f->short_s * hz > 0.5 * (cpu * hz - n);
	double left_out = f->cpu_known ? f->cpu_s - f->followed_cpu_s : 0;
	bool children = !f->follow && f->cpu_known && left_out > CHILDREN_SHARE * f->cpu_s &&
			left_out > 0.05;
	/* children left out explain most of what is missing: no "run longer" */
	bool children_explain = children && left_out * hz > 0.5 * (expect - n);
	if (p->nsamples < FEW_SAMPLES && !(short_explain && n + f->short_s * hz >= FEW_SAMPLES) &&
	    !children_explain) {
		if (f->cpu_known)
			say(&o, "only %zu sample%s: the program used %.0f ms of CPU, %.0f samples' worth "
				"at %.0f Hz; for more, %s or a higher rate (-F 4999)", p->nsamples,
			    p->nsamples == 1 ? "" : "s", f->cpu_s * 1e3, expect, hz, more);
		else
			say(&o, "only %zu sample%s in %.1f s; for more, %s or a higher rate (-F 4999)",
			    p->nsamples, p->nsamples == 1 ? "" : "s", f->elapsed_s, more);
	}
	if (f->ptrace_because)
		say(&o, "sampled with ptrace, which stops each thread for each sample (slower, and "
			"less exact for short bursts): perf events could not be used: %s",
		    f->ptrace_because);
	if (f->user_mode_only)
		say(&o, "sampled in user mode only (perf events in the kernel are not permitted here: "
			"kernel.perf_event_paranoid is 2): CPU time in system calls and page faults has "
			"no sample; as root, with CAP_PERFMON or with kernel.perf_event_paranoid=1 it "
			"counts for the code that made them");
	if (children)
		say(&o, "%.2f s of the program's %.2f s of CPU ran in its child processes, left out: "
			"%s", left_out, f->cpu_s,
		    f->attached ? "add --follow to profile them" : "drop --no-follow to profile them");
	if (short_threads)
		say(&o, "%s%.0f%% of the program's CPU time (%.2f s) is in no sample: %llu thread%s "
			"ended before their CPU time reached the next sampling period (%.1f ms), "
			"which perf events then never sample: --backend ptrace samples short threads "
			"(a higher rate leaves less out)", f->cpu_known ? "" : "at least ",
		    f->short_s < cpu ? 100.0 * f->short_s / cpu : 100.0, f->short_s,
		    f->short_threads, f->short_threads == 1 ? "" : "s", 1e3 / hz);
	if (!children && !short_explain && f->cpu_known && expect >= FEW_SAMPLES &&
	    n < LOW_COVERAGE * expect) {
		const char *why = "cprof-tui fell behind (a busy machine, or samples lost)";
		if (f->short_unknown)
			why = f->follow ? UNTOLD "children it did not wait for, or a busy machine"
					: UNTOLD "or a busy machine";
		else if (f->let_go)
			why = "sampling ended (-d, or interrupted) while the program ran on";
		else if (f->follow)
			why = "children it did not wait for, or a busy machine, took the rest";
		else if (left_out > 0.05)
			why = f->attached ? "its children are left out (--follow takes them in)"
					  : "its children are left out (--no-follow)";
		if (f->user_mode_only)
			why = "time in the kernel, not sampled here (above), is most likely the rest";
		say(&o, "the samples cover %.0f%% of the program's %.2f s of CPU (%.0f samples at "
			"%.0f Hz would): %s", 100.0 * n / expect, f->cpu_s, expect, hz, why);
	}
	if (!f->wall && f->cpu_known && f->elapsed_s > 0.5 && f->cpu_s < ASLEEP_SHARE * f->elapsed_s)
		say(&o, "the program was on a CPU %.0f%% of the %.1f s (%.2f s of CPU): a CPU "
			"profile shows running code only; --wall samples waiting threads too",
		    100.0 * f->cpu_s / f->elapsed_s, f->elapsed_s, f->cpu_s);
	double counted = (double)p->counted;
	char names[800];
	if (p->counted >= MIN_SHARES && unprofiled_files(p, true, names, sizeof(names)) >
					      OUTSIDE_SHARE * counted)
		say(&o, "%.0f%% of the samples are outside the profiled files, in %s: take files "
			"in with --profile-only PATTERN or --profile-all, or in the Files view",
		    100.0 * (double)p->outside / counted, names);
	uint64_t charged = p->counted >= MIN_SHARES ? unprofiled_files(p, false, names, sizeof(names))
						    : 0;
	if (charged > CHARGED_SHARE * counted)
		say(&o, "%.0f%% of the samples ran in code that is not profiled, in %s, and count "
			"for the profiled lines that called it: to see inside, --profile-only PATTERN "
			"or --profile-all, or the Files view", 100.0 * (double)charged / counted, names);
	for (size_t i = 0; i < f->nnodebug; i++) {
		int64_t file = profile_find_file(p, f->nodebug[i]);
		double share = file >= 0 && p->counted >= MIN_SHARES
				       ? (double)p->files[file].self / counted
				       : 0;
		char e[512];
		str_escape(e, sizeof(e), f->nodebug[i]);
		if (share >= NODEBUG_SHARE)
			say(&o, "%s has no debug info, and %.0f%% of the samples count for it: functions "
				"from its symbol table, no lines; install its debug symbols (a -dbgsym "
				"package) or rebuild it with -g", e, 100.0 * share);
		else
			say(&o, "%s has no debug info: functions come from its symbol table, without "
				"lines (rebuild with -g, or install its debug symbols)", e);
	}
	*lines = o.v;
	return o.n;
}
