/* policy.c — CPU mode sampling policy; see policy.h. */
#include "config.h"
#include "target/policy.h"

bool policy_skip_round(struct cpu_clock *c)
{
	if (!c->skip)
		return false;
	c->skip--; /* hardly runs: looked at less often */
	c->skipped++;
	return true;
}

void policy_look(struct cpu_clock *c, uint64_t now, uint64_t period_ns, uint64_t runtime_ns,
		 uint64_t slices)
{
	uint64_t ran = runtime_ns > c->runtime_ns ? runtime_ns - c->runtime_ns : 0;
	if (c->skipped && ran > period_ns) { /* (this look's round is seen) */
		uint64_t unseen = ran - period_ns, max = c->skipped * period_ns;
		c->unseen_ns += unseen < max ? unseen : max;
	}
	c->skipped = 0;
	if (c->looked_ns) { /* its recent CPU time, halved every POLICY_ACTIVITY_NS or so */
		c->act_span_ns += now - c->looked_ns;
		c->act_ran_ns += ran;
		while (c->act_span_ns > POLICY_ACTIVITY_NS) {
			c->act_span_ns /= 2;
			c->act_ran_ns /= 2;
		}
	}
	c->looked_ns = now;
	c->ran_ns = ran;
	c->runtime_ns = runtime_ns;
	c->sched_in = slices != c->slices;
	c->on_cpu = -1;
	if (c->sched_in)
		c->sched_in_ns = now;
	c->slices = slices;
	if (ran)
		c->ran_at_ns = now;
}

bool policy_still_asleep(const struct cpu_clock *c)
{
	return !c->was_running && !c->sched_in && !c->ran_ns;
}

void policy_found_asleep(struct cpu_clock *c)
{
	c->was_running = false;
}

void policy_on_cpu(struct cpu_clock *c, uint64_t switches, uint64_t exec_start_ns)
{
	c->on_cpu = c->slices > switches;
	c->exec_start_ns = exec_start_ns;
}

void policy_preempted(struct cpu_clock *c, uint64_t exec_start_ns, uint64_t own_exec_start_ns)
{
	c->on_cpu = exec_start_ns + POLICY_TICK_NS >= own_exec_start_ns;
	c->exec_start_ns = exec_start_ns;
}

bool policy_more_likely_running(const struct cpu_clock *a, const struct cpu_clock *b)
{
	if (a->on_cpu >= 0 && b->on_cpu >= 0) {
		if (a->on_cpu != b->on_cpu)
			return a->on_cpu > b->on_cpu;
		if (a->exec_start_ns != b->exec_start_ns)
			return a->exec_start_ns > b->exec_start_ns;
	}
	if (a->sched_in_ns != b->sched_in_ns)
		return a->sched_in_ns > b->sched_in_ns;
	return a->ran_at_ns > b->ran_at_ns;
}

bool policy_due(struct cpu_clock *c, bool running)
{
	bool ran = c->was_running || c->sched_in || c->ran_ns;
	c->was_running = true;
	return running && ran;
}

/* 120 threads that wake every 20 ms, looked at every round, cost ~90 us of
 * /proc reads a round; looked at every 64th, ~1.5 us. What is missed of a
 * thread that hardly runs is counted (unseen_ns), and is little. */
void policy_back_off(struct cpu_clock *c, bool running)
{
	bool idle = !running && c->act_span_ns >= POLICY_ACTIVITY_NS / 2 &&
		    c->act_ran_ns * 1000 < c->act_span_ns * POLICY_IDLE_PERMILLE;
	if (!idle)
		c->backoff = 1;
	else if (c->backoff < POLICY_MAX_BACKOFF)
		c->backoff = c->backoff ? c->backoff * 2 : 1;
	c->skip = c->backoff - 1;
}
