/* policy.c — CPU mode sampling policy; see policy.h. */
#include "config.h"
#include "target/policy.h"

bool policy_skip_round(struct cpu_clock *c)
{
	if (!c->skip)
		return false;
	c->skip--; /* long asleep: looked at less often */
	c->skipped++;
	return true;
}

/* Reading a thread's stat (state and CPU) costs 2.4 us here against 1.5 us
 * for schedstat: a pool of threads blocked for good costs one schedstat read
 * per look. One that woke since pays both reads. */
bool policy_still_asleep(const struct cpu_clock *c, uint64_t slices)
{
	return !c->was_running && slices == c->slices;
}

void policy_found_asleep(struct cpu_clock *c, uint64_t now, uint64_t slices)
{
	c->was_running = false;
	c->slices = slices;
	c->skipped = 0;
	if (!c->asleep_since_ns)
		c->asleep_since_ns = now;
}

void policy_look(struct cpu_clock *c, uint64_t now, uint64_t period_ns, uint64_t runtime_ns,
		 uint64_t slices)
{
	uint64_t ran = runtime_ns > c->runtime_ns ? runtime_ns - c->runtime_ns : 0;
	if (c->skipped && ran > period_ns) { /* this look's sample stands for one period */
		uint64_t unseen = ran - period_ns, max = c->skipped * period_ns;
		c->unseen_ns += unseen < max ? unseen : max;
	}
	c->skipped = 0;
	c->runtime_ns = runtime_ns;
	c->sched_in = slices != c->slices;
	c->on_cpu = -1;
	if (c->sched_in)
		c->sched_in_ns = now;
	c->slices = slices;
	if (ran)
		c->ran_at_ns = now;
}

void policy_on_cpu(struct cpu_clock *c, uint64_t switches)
{
	c->on_cpu = c->slices > switches;
}

bool policy_more_likely_running(const struct cpu_clock *a, const struct cpu_clock *b)
{
	if (a->on_cpu >= 0 && b->on_cpu >= 0 && a->on_cpu != b->on_cpu)
		return a->on_cpu > b->on_cpu;
	if (a->sched_in_ns != b->sched_in_ns)
		return a->sched_in_ns > b->sched_in_ns;
	return a->ran_at_ns > b->ran_at_ns;
}

bool policy_due(struct cpu_clock *c, bool running)
{
	bool ran = c->was_running || c->sched_in;
	c->was_running = true;
	c->asleep_since_ns = 0;
	return running && ran;
}

/* 60 idle threads looked at every round would cost ~90 us of /proc reads a
 * round; looked at every 64th once idle, ~1.5 us. A thread that sleeps
 * between bursts is not idle: it is looked at every round, so its bursts are
 * seen from their start. */
void policy_back_off(struct cpu_clock *c, bool running, uint64_t now)
{
	if (running || !c->asleep_since_ns || now - c->asleep_since_ns < POLICY_IDLE_NS)
		c->backoff = 1;
	else if (c->backoff < POLICY_MAX_BACKOFF)
		c->backoff = c->backoff ? c->backoff * 2 : 1;
	c->skip = c->backoff - 1;
}
