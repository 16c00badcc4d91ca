/* policy.c — CPU mode sampling policy; see policy.h. */
#include "config.h"
#include "target/policy.h"
#include "model/hash.h"

bool policy_skip_round(struct cpu_clock *c)
{
	if (!c->skip)
		return false;
	c->skip--; /* asleep lately: looked at less often */
	c->was_running = false;
	return true;
}

void policy_look(struct cpu_clock *c, uint64_t now, uint64_t runtime_ns, uint64_t slices)
{
	c->ran_ns = runtime_ns > c->runtime_ns ? runtime_ns - c->runtime_ns : 0;
	c->runtime_ns = runtime_ns;
	if (slices != c->slices)
		c->sched_in_ns = now;
	c->slices = slices;
	if (c->ran_ns)
		c->ran_at_ns = now;
}

/* Reading a thread's stat (state and CPU) costs 2.4 us here against 1.5 us
 * for schedstat: a pool of threads blocked for good costs one schedstat read
 * per look. One that woke since pays both reads. */
bool policy_still_asleep(const struct cpu_clock *c, uint64_t slices)
{
	return !c->was_running && slices == c->slices;
}

void policy_found_asleep(struct cpu_clock *c, uint64_t slices)
{
	c->was_running = false;
	c->slices = slices; /* ran and slept again: asleep from here */
}

bool policy_more_likely_running(const struct cpu_clock *a, const struct cpu_clock *b)
{
	if (a->sched_in_ns != b->sched_in_ns)
		return a->sched_in_ns > b->sched_in_ns;
	return a->ran_at_ns > b->ran_at_ns;
}

/* Only CPU time the thread really ran counts, as with perf's cpu-clock: a
 * runnable thread waiting for a CPU is not sampled. /proc says R for both,
 * so of the target's threads in R on one CPU only the one most likely
 * running there may be stopped: one that waits stops only when the kernel
 * runs it, up to a time slice later, and, stopped and resumed round after
 * round, it stayed "cache hot" on that CPU, so the kernel never moved it to
 * an idle one (seen: two busy threads kept on one CPU of two for whole runs,
 * 60-70% slower). The others' CPU time is carried to their next sample.
 * schedstat's run time only moves at scheduler events (a tick, a switch), so
 * the running thread, found in R at two looks in a row, is credited the time
 * between them in advance, repaid from its run time as it shows up (at most
 * POLICY_MAX_ADVANCE periods ahead: a thread that gets no CPU stops
 * earning). The credit, in periods, is rounded up or down at random in
 * proportion to its fraction, so the expected number of samples equals the
 * CPU time over the period even for threads that run in bursts shorter than
 * a period or die before the next look. */
unsigned policy_weight(struct cpu_clock *c, uint64_t period_ns, uint64_t *rng, bool running,
		       uint64_t now)
{
	uint64_t elapsed = c->looked_ns ? now - c->looked_ns : 0;
	uint64_t ran = c->ran_ns;
	uint64_t repay = ran < c->advance_ns ? ran : c->advance_ns;
	c->advance_ns -= repay;
	uint64_t credit = ran - repay + c->carry_ns;
	c->carry_ns = 0;
	if (running && c->was_running && credit < elapsed &&
	    c->advance_ns < POLICY_MAX_ADVANCE * period_ns) {
		c->advance_ns += elapsed - credit;
		credit = elapsed;
	}
	c->was_running = true;
	c->looked_ns = now;
	if (credit > POLICY_MAX_WEIGHT * period_ns)
		credit = POLICY_MAX_WEIGHT * period_ns;
	if (!running) {
		c->carry_ns = credit; /* waiting for its CPU: sampled later */
		return 0;
	}
	unsigned w = (unsigned)(credit / period_ns);
	if (rand_next(rng) % period_ns < credit % period_ns)
		w++;
	return w;
}

/* A thread found asleep round after round is looked at every 2nd, 4th, ...
 * up to every POLICY_MAX_BACKOFF-th round, so idle threads cost little (a
 * /proc read is 2-3 us here; looked at every 16th round, 60 idle threads
 * beside two busy ones cost 90 ms more CPU per 2 s). One found running is
 * looked at every round again. The CPU time it ran in between is not lost:
 * schedstat counts it, and the next sample is weighted for it. */
void policy_back_off(struct cpu_clock *c, bool running)
{
	if (running)
		c->backoff = 1;
	else if (c->backoff < POLICY_MAX_BACKOFF)
		c->backoff = c->backoff ? c->backoff * 2 : 1;
	c->skip = c->backoff - 1;
}
