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
 *   policy_skip_round()    backing off from a thread long asleep?
 *   policy_still_asleep()  a thread found asleep last time: still so?
 *   policy_found_asleep()  or a thread found asleep now;
 *   policy_look()          a thread found in R: its schedstat figures
 *   policy_more_likely_running()  two in R on one CPU: which one runs there
 *   policy_due()           a thread in R: is it due a sample?
 *   policy_back_off()      how many rounds until it is looked at again
 */
#ifndef CPROF_TARGET_POLICY_H
#define CPROF_TARGET_POLICY_H
#include <stdbool.h>
#include <stdint.h>

#define POLICY_MAX_BACKOFF 64 /* a thread long asleep is looked at every 64th round at least */
/* A thread asleep this long is looked at less and less often: a thread that
 * sleeps between bursts is looked at every round, so no burst is missed. */
#define POLICY_IDLE_NS 200000000ull

/* What the policy knows of one thread. Zero-initialised it is a thread never
 * looked at; runtime_ns should then be set to its CPU time so far. */
struct cpu_clock {
	uint64_t runtime_ns;   /* CPU time at the last look (schedstat) */
	uint64_t slices;       /* times scheduled in, at the last look */
	uint64_t sched_in_ns;  /* the last look that found it scheduled in since the one before */
	bool sched_in;         /* ... and whether this look did */
	int on_cpu;            /* at this look: 1 on its CPU, 0 waiting for it, -1 not known */
	uint64_t ran_at_ns;    /* the last look that found its CPU time grown */
	uint64_t asleep_since_ns; /* the first look of this sleep (0: not asleep) */
	uint64_t unseen_ns;    /* CPU time it ran in rounds it was not looked at */
	unsigned skipped;      /* rounds not looked at since the last look */
	bool was_running;      /* state R at the last look */
	unsigned backoff, skip; /* looked at every backoff-th round; rounds left to skip */
};

/* Skip this round's look at the thread (backing off)? Counts the round. */
bool policy_skip_round(struct cpu_clock *c);

/* A thread found asleep at its last look, whose schedstat now says `slices`:
 * has it not been scheduled in since? Then it still sleeps, and its state
 * need not be read. */
bool policy_still_asleep(const struct cpu_clock *c, uint64_t slices);

/* The thread was found asleep at time now; `slices` is its count of times
 * scheduled in (or the last look's, when schedstat was not read). */
void policy_found_asleep(struct cpu_clock *c, uint64_t now, uint64_t slices);

/* A thread in state R: take its schedstat figures (CPU time, times
 * scheduled in) read at time now, rounds being period_ns apart. CPU time it
 * ran in rounds it was not looked at (backing off) is added to unseen_ns:
 * no sample stands for it. */
void policy_look(struct cpu_clock *c, uint64_t now, uint64_t period_ns, uint64_t runtime_ns,
		 uint64_t slices);

/* A thread in R, looked at: its count of context switches, read just after
 * its schedstat. It is on its CPU when it was scheduled in once more than it
 * was switched out. */
void policy_on_cpu(struct cpu_clock *c, uint64_t switches);

/* Of two threads in R on one CPU, is a the more likely to be running there
 * (the other waiting for the CPU)? The one known to be on its CPU
 * (policy_on_cpu); else the one scheduled in last, else the one whose CPU
 * time grew last. */
bool policy_more_likely_running(const struct cpu_clock *a, const struct cpu_clock *b);

/* A thread in R at this round (policy_look done): is it due a sample? Only
 * when `running`: it is the thread most likely running on its CPU. A thread
 * in R that waits for its CPU is not running, and perf's cpu-clock would not
 * sample it: so neither is a thread found asleep (or new) at the last look
 * and not scheduled in since: woken (or created), it has not run yet. */
bool policy_due(struct cpu_clock *c, bool running);

/* After a look at time now: found in R (running) or asleep. Sets how many
 * rounds to skip before the next look: none, unless it has been asleep for
 * POLICY_IDLE_NS; then 1, 3, 7, ... up to POLICY_MAX_BACKOFF - 1. */
void policy_back_off(struct cpu_clock *c, bool running, uint64_t now);

#endif
