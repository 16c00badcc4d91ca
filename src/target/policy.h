/* policy.h — CPU mode: which threads are due a sample at a round.
 *
 * A sample is one thread's stack at the instant of a round, and stands for
 * one sampling period, as perf's cpu-clock samples do: a thread is sampled
 * at a round when it is running then, and never for CPU time it ran while
 * nobody looked. (An earlier policy turned CPU time read from schedstat into
 * sample weights; schedstat only catches up at scheduler events, so a thread
 * running in bursts had the time of one burst charged to whatever stack the
 * next stop found: 20/80 where perf says 50/50.)
 *
 * Pure arithmetic over what the ptrace backend reads from /proc at each look
 * (a thread's state, its CPU time and the count of times it was scheduled in,
 * from schedstat), so that it can be tested without a target
 * (tests/unit/test-policy.c). The backend owns a struct cpu_clock per thread
 * and calls, at each round:
 *
 *   policy_skip_round()    looking at a thread that hardly runs less often?
 *   policy_look()          its schedstat figures (CPU time, times scheduled in)
 *   policy_still_asleep()  asleep at the last look and not scheduled in since?
 *   policy_found_asleep()  or asleep now (state S or D)
 *   policy_on_cpu(), policy_preempted()  two in R on one CPU: which one runs
 *   policy_due()           a thread in R: is it due a sample?
 *   policy_back_off()      how many rounds until it is looked at again
 */
#ifndef CPROF_TARGET_POLICY_H
#define CPROF_TARGET_POLICY_H
#include <stdbool.h>
#include <stdint.h>

#define POLICY_MAX_BACKOFF 64 /* a thread that hardly runs is looked at every 64th round at least */
/* A thread whose CPU time over the last POLICY_ACTIVITY_NS or so is under
 * POLICY_IDLE_PERMILLE of it is looked at less and less often; any other one,
 * however long it sleeps between bursts, every round, so no burst of it is
 * missed. */
#define POLICY_ACTIVITY_NS 200000000ull
#define POLICY_IDLE_PERMILLE 10

/* What the policy knows of one thread. Zero-initialised it is a thread never
 * looked at; runtime_ns should then be set to its CPU time so far. */
struct cpu_clock {
	uint64_t runtime_ns;   /* CPU time at the last look (schedstat) */
	uint64_t slices;       /* times scheduled in, at the last look */
	uint64_t sched_in_ns;  /* the last look that found it scheduled in since the one before */
	bool sched_in;         /* ... and whether this look did */
	uint64_t ran_at_ns;    /* the last look that found its CPU time grown */
	uint64_t ran_ns;       /* CPU time since the look before this one */
	int on_cpu;            /* at this look: 1 on its CPU, 0 waiting for it, -1 not known */
	uint64_t exec_start_ns; /* at this look, when on_cpu is known: the scheduler's last
				   account of it (for a thread off its CPU, its switch-out) */
	uint64_t act_ran_ns, act_span_ns; /* its recent CPU time, over how long (decaying) */
	uint64_t looked_ns;    /* when it was last looked at */
	uint64_t unseen_ns;    /* CPU time it ran in rounds it was not looked at */
	unsigned skipped;      /* rounds not looked at since the last look */
	bool was_running;      /* state R at the last look */
	unsigned backoff, skip; /* looked at every backoff-th round; rounds left to skip */
};

/* Skip this round's look at the thread (backing off)? Counts the round. */
bool policy_skip_round(struct cpu_clock *c);

/* Take a thread's schedstat figures (CPU time, times scheduled in), read
 * at time now, rounds being period_ns apart: every look at a thread in CPU
 * mode starts here. CPU time it ran in rounds it was not looked at (backing
 * off) is added to unseen_ns: no sample stands for it. */
void policy_look(struct cpu_clock *c, uint64_t now, uint64_t period_ns, uint64_t runtime_ns,
		 uint64_t slices);

/* Asleep at the last look (or never looked at) and neither scheduled in
 * nor grown in CPU time since: it still sleeps, and its state need not be
 * read (2.6 us, against 0.6 us for schedstat). (A thread attached while it
 * runs, alone on its CPU, is never scheduled in again until something else
 * wants that CPU: only its CPU time tells that it runs.) */
bool policy_still_asleep(const struct cpu_clock *c);

/* The thread was found asleep (state S or D). */
void policy_found_asleep(struct cpu_clock *c);

/* A thread in R, looked at: its count of context switches and exec_start
 * (/proc/.../sched), read just after its schedstat. It is on its CPU when it
 * was scheduled in once more than it was switched out. */
void policy_on_cpu(struct cpu_clock *c, uint64_t switches, uint64_t exec_start_ns);
/* The same for a thread in R on the sampler's own CPU, which the round took
 * from whichever thread ran there: the thread that was switched out when the
 * sampler came in (own_exec_start_ns: the sampler's exec_start, which the
 * scheduler moves on at each tick, POLICY_TICK_NS) counts as on the CPU. */
void policy_preempted(struct cpu_clock *c, uint64_t exec_start_ns, uint64_t own_exec_start_ns);
#define POLICY_TICK_NS 4000000ull

/* Of two threads in R on one CPU, is a the more likely to be running there
 * (the other waiting for the CPU)? The one known to be on its CPU
 * (policy_on_cpu, policy_preempted), else the one switched out last; else
 * the one scheduled in last, else the one whose CPU time grew last. */
bool policy_more_likely_running(const struct cpu_clock *a, const struct cpu_clock *b);

/* A thread in R at this round (policy_look done): is it due a sample? Only
 * when `running`: it is the thread most likely running on its CPU. A thread
 * in R that waits for its CPU is not running, and perf's cpu-clock would not
 * sample it: so neither is a thread found asleep (or new) at the last look
 * and neither scheduled in nor grown in CPU time since: woken (or created),
 * it has not run yet. */
bool policy_due(struct cpu_clock *c, bool running);

/* After a look: found in R (running) or asleep. Sets how many rounds to
 * skip before the next look: none, unless the thread hardly ran lately
 * (POLICY_IDLE_PERMILLE of POLICY_ACTIVITY_NS); then 1, 3, 7, ... up to
 * POLICY_MAX_BACKOFF - 1. */
void policy_back_off(struct cpu_clock *c, bool running);

#endif
