/* policy.h — CPU mode: which threads are due a sample at a round, and how
 * many sampling periods a sample stands for.
 *
 * Pure arithmetic over what the ptrace backend reads from /proc at each look
 * (a thread's state, its CPU time and the count of times it was scheduled
 * in, from schedstat), so that it can be tested without a target
 * (tests/unit/test-policy.c). The backend owns a struct cpu_clock per thread
 * and calls, at each round:
 *
 *   policy_skip_round()    backing off from a thread that sleeps a lot?
 *   policy_still_asleep()  a thread found asleep last time: still so?
 *   policy_found_asleep()  or a thread found asleep now;
 *   policy_look()          a thread found in R: its CPU time since last look
 *   policy_more_likely_running()  two in R on one CPU: which one runs there
 *   policy_weight()        the sample it is due (0: none)
 *   policy_back_off()      how many rounds until it is looked at again
 */
#ifndef CPROF_TARGET_POLICY_H
#define CPROF_TARGET_POLICY_H
#include <stdbool.h>
#include <stdint.h>

#define POLICY_MAX_BACKOFF 64 /* an idle thread is looked at every 64th round at least */
#define POLICY_MAX_WEIGHT POLICY_MAX_BACKOFF /* periods one sample may stand for */
#define POLICY_MAX_ADVANCE 2 /* periods of CPU time credited ahead of schedstat */

/* What the policy knows of one thread. Zero-initialised it is a thread never
 * looked at; runtime_ns should then be set to its CPU time so far. */
struct cpu_clock {
	uint64_t runtime_ns;   /* CPU time at the last look (schedstat) */
	uint64_t slices;       /* times scheduled in, at the last look */
	uint64_t ran_ns;       /* CPU time between the last two looks */
	uint64_t sched_in_ns;  /* the last look that found it scheduled in since the one before */
	uint64_t ran_at_ns;    /* the last look that found its CPU time grown */
	uint64_t carry_ns;     /* CPU time not yet turned into samples */
	uint64_t advance_ns;   /* CPU time credited ahead of schedstat, not yet repaid */
	uint64_t looked_ns;    /* when it was last found in R */
	bool was_running;      /* state R at the last look */
	unsigned backoff, skip; /* looked at every backoff-th round; rounds left to skip */
};

/* Skip this round's look at the thread (backing off)? Counts the round. */
bool policy_skip_round(struct cpu_clock *c);

/* A thread in state R: take its schedstat figures (CPU time, times
 * scheduled in) read at time now. */
void policy_look(struct cpu_clock *c, uint64_t now, uint64_t runtime_ns, uint64_t slices);

/* A thread found asleep at its last look, whose schedstat now says `slices`:
 * has it not been scheduled in since? Then it still sleeps, and its state
 * need not be read. */
bool policy_still_asleep(const struct cpu_clock *c, uint64_t slices);

/* The thread was found asleep; `slices` is its count of times scheduled in
 * now (or at the last look when schedstat was not read). */
void policy_found_asleep(struct cpu_clock *c, uint64_t slices);

/* Of two threads in R on one CPU, is a the more likely to be running there
 * (the other waiting for the CPU)? The one scheduled in last, else the one
 * whose CPU time grew last. */
bool policy_more_likely_running(const struct cpu_clock *a, const struct cpu_clock *b);

/* A thread in R, looked at (policy_look) at time now: the number of sampling periods its sample stands for, 0 when it
 * is not due one. `running`: it is the thread most likely running on its
 * CPU; a thread that only waits for one is not sampled, its CPU time is
 * carried to a later sample. *rng is the random state of the rounding. */
unsigned policy_weight(struct cpu_clock *c, uint64_t period_ns, uint64_t *rng, bool running,
		       uint64_t now);

/* After a look: found in R (running) or asleep. Sets how many rounds to skip
 * before the next look (0 when running). */
void policy_back_off(struct cpu_clock *c, bool running);

#endif
