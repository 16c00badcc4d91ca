/* test-policy.c — the CPU-mode sampling policy (src/target/policy.c) on
 * simulated threads: what the ptrace backend would read from /proc at each
 * round, and how many samples (periods) the policy turns that into.
 *
 * A simulated thread has a true CPU time that grows while it runs, and a
 * schedstat figure that, as in the kernel, catches up only at scheduler
 * events (every `tick` rounds, and when it stops running). */
#include "config.h"
#include "check.h"
#include "target/policy.h"
#include <stdlib.h>
#include <string.h>

#define P 1000000ull /* the sampling period: 1 ms */

struct sim {
	struct cpu_clock c;
	uint64_t rng;
	uint64_t now, cpu;      /* true time and CPU time */
	uint64_t shown, slices; /* what schedstat says */
	uint64_t samples;       /* periods sampled */
	unsigned max_weight;
};

static void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	s->rng = 88172645463325252ull;
}

/* One round: the thread ran `ran` ns of the last period; schedstat shows it
 * when `update`. The thread is in R at the look when `in_r`, and is the one
 * running on its CPU when `running`. */
static unsigned sim_round(struct sim *s, uint64_t ran, bool update, bool in_r, bool running)
{
	s->now += P;
	s->cpu += ran;
	if (update && s->shown != s->cpu) {
		s->shown = s->cpu;
		s->slices++;
	}
	if (policy_skip_round(&s->c))
		return 0;
	if (!in_r) {
		if (!policy_still_asleep(&s->c, s->slices))
			policy_found_asleep(&s->c, s->slices);
		policy_back_off(&s->c, false);
		return 0;
	}
	policy_look(&s->c, s->now, s->shown, s->slices);
	unsigned w = policy_weight(&s->c, P, &s->rng, running, s->now);
	policy_back_off(&s->c, true);
	s->samples += w;
	if (w > s->max_weight)
		s->max_weight = w;
	return w;
}

/* A busy thread whose schedstat is exact: one period a round, exactly. */
static void busy_exact(void)
{
	struct sim s;
	sim_init(&s);
	int not_one = 0;
	for (int i = 0; i < 1000; i++)
		not_one += sim_round(&s, P, true, true, true) != 1;
	CHECK(not_one <= 1); /* the first look has nothing to go by */
	CHECK(s.samples >= 999 && s.samples <= 1000);
}

/* A busy thread whose schedstat moves only every 4th round (a 250 Hz tick):
 * credited in advance, it is still sampled about once a round, and the
 * total matches its CPU time. */
static void busy_lagging(void)
{
	struct sim s;
	sim_init(&s);
	for (int i = 0; i < 4000; i++)
		sim_round(&s, P, i % 4 == 3, true, true);
	CHECK(s.samples >= 3990 && s.samples <= 4002);
	CHECK(s.max_weight <= 3);
}

/* A thread that runs 30% of each period: its samples add up to its CPU
 * time, rounded at random (expected 3000 of 10000, sd ~46). */
static void fractional(void)
{
	struct sim s;
	sim_init(&s);
	for (int i = 0; i < 10000; i++)
		sim_round(&s, 3 * P / 10, true, true, true);
	CHECK(s.samples >= 2850 && s.samples <= 3150);
	CHECK(s.max_weight == 1);
}

/* In R but waiting for its CPU: no sample; the time it ran is carried to its
 * next sample, at most POLICY_MAX_WEIGHT periods. */
static void waiting(void)
{
	struct sim s;
	sim_init(&s);
	sim_round(&s, P, true, true, true);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(sim_round(&s, P / 2, true, true, false), 0);
	CHECK_EQ(sim_round(&s, P / 2, true, true, true), 3); /* 6 halves */
	for (int i = 0; i < 200; i++)
		sim_round(&s, P, true, true, false);
	CHECK_EQ(sim_round(&s, P, true, true, true), POLICY_MAX_WEIGHT);
}

/* Asleep: looked at every 2nd, 4th, ... 64th round; woken, every round, and
 * the time it ran meanwhile is sampled at its next look. */
static void backing_off(void)
{
	struct sim s;
	sim_init(&s);
	sim_round(&s, P, true, true, true);
	int looks = 0;
	for (int i = 0; i < 1000; i++) {
		unsigned skip = s.c.skip;
		sim_round(&s, 0, true, false, false);
		looks += skip == 0;
	}
	CHECK(looks >= 20 && looks <= 21); /* after 1, 2, 4, ... 32 rounds (63), every 64th */
	CHECK_EQ(s.c.backoff, POLICY_MAX_BACKOFF);
	/* it wakes and runs: found at its next look, then every round */
	uint64_t before = s.samples;
	int rounds = 0;
	while (s.samples == before && rounds < 200) {
		sim_round(&s, P, true, true, true);
		rounds++;
	}
	CHECK(rounds <= POLICY_MAX_BACKOFF);
	CHECK_EQ(s.c.backoff, 1);
	CHECK(s.samples - before >= (uint64_t)rounds - 1);
}

/* A thread asleep since its last look (same count of times scheduled in) is
 * still asleep; one scheduled in since is not. */
static void still_asleep(void)
{
	struct cpu_clock c;
	memset(&c, 0, sizeof(c));
	policy_found_asleep(&c, 7);
	CHECK(policy_still_asleep(&c, 7));
	CHECK(!policy_still_asleep(&c, 8));
	c.was_running = true;
	CHECK(!policy_still_asleep(&c, 7));
}

/* Of two threads in R on one CPU, the one scheduled in last runs there; on
 * a tie, the one whose CPU time grew last. */
static void likely_running(void)
{
	struct cpu_clock a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	policy_look(&a, 100, 5 * P, 3);
	policy_look(&b, 200, 5 * P, 4);
	CHECK(policy_more_likely_running(&b, &a));
	CHECK(!policy_more_likely_running(&a, &b));
	policy_look(&a, 300, 5 * P, 3); /* not scheduled in again, no CPU time */
	policy_look(&b, 300, 6 * P, 4);
	b.sched_in_ns = a.sched_in_ns;
	CHECK(policy_more_likely_running(&b, &a));
}

int main(void)
{
	busy_exact();
	busy_lagging();
	fractional();
	waiting();
	backing_off();
	still_asleep();
	likely_running();
	return check_done("test-policy");
}
