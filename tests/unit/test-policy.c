/* test-policy.c — the CPU-mode sampling policy (src/target/policy.c) on
 * simulated threads: what the ptrace backend would read from /proc at each
 * round, and which rounds the policy samples.
 *
 * A simulated thread is running or asleep at each round's instant; while it
 * runs its CPU time grows. The policy must sample it at exactly the rounds
 * it runs at (a sample is one period at one instant, as perf's are), never
 * miss a burst because it slept just before, and look less often only at a
 * thread asleep for long. */
#include "config.h"
#include "check.h"
#include "target/policy.h"
#include <stdlib.h>
#include <string.h>

#define P 1000000ull /* the round period: 1 ms */

struct sim {
	struct cpu_clock c;
	uint64_t now, cpu, slices;
	bool ran_last;           /* running at the previous round */
	uint64_t looks, samples, missed; /* missed: rounds it ran but was not looked at */
};

static void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	s->now = 1000 * P;
}

/* One round at which the thread is running (in R and on its CPU), waiting
 * (in R, another thread on its CPU), or asleep. Returns whether sampled. */
enum at { RUNNING, WAITING, ASLEEP };

static bool sim_round(struct sim *s, enum at at)
{
	s->now += P;
	bool in_r = at != ASLEEP;
	if (in_r && !s->ran_last)
		s->slices++; /* scheduled in since */
	if (at == RUNNING)
		s->cpu += P;
	s->ran_last = in_r;
	if (policy_skip_round(&s->c)) {
		s->missed += at == RUNNING;
		return false;
	}
	s->looks++;
	policy_look(&s->c, s->now, P, s->cpu, s->slices);
	if (policy_still_asleep(&s->c)) {
		policy_back_off(&s->c, false);
		return false;
	}
	if (!in_r) {
		policy_found_asleep(&s->c);
		policy_back_off(&s->c, false);
		return false;
	}
	bool due = policy_due(&s->c, at == RUNNING);
	policy_back_off(&s->c, true);
	s->samples += due;
	return due;
}

/* A busy thread: a sample at every round. */
static void busy(void)
{
	struct sim s;
	sim_init(&s);
	for (int i = 0; i < 1000; i++)
		sim_round(&s, RUNNING);
	CHECK_EQ(s.samples, 1000);
}

/* Attached while it runs, alone on its CPU: never scheduled in again (no
 * other thread wants that CPU, and nothing stops it before its first
 * sample), so only its CPU time, which the scheduler's tick moves on every
 * 4 ms, says it runs. Sampled from the tick after the first look on. (It
 * was taken for a thread still asleep: an attached busy thread had no
 * sample until something preempted it, 0.26 s in one run of 30.) */
static void attached_running(void)
{
	struct sim s;
	sim_init(&s);
	s.ran_last = true; /* running since before the baseline */
	s.c.slices = s.slices = 4;
	uint64_t ticked = 0;
	for (int i = 0; i < 100; i++) {
		s.now += P;
		s.cpu += P;
		if (s.cpu - ticked >= POLICY_TICK_NS)
			ticked = s.cpu; /* what schedstat shows */
		policy_look(&s.c, s.now, P, ticked, s.slices);
		if (policy_still_asleep(&s.c)) {
			CHECK(i < 4);
			continue;
		}
		CHECK(policy_due(&s.c, true));
		s.samples++;
	}
	CHECK(s.samples >= 96);
}

/* Bursts of `on` rounds between sleeps of `off` rounds: sampled at every
 * round it runs, none missed, none while asleep (its duty cycle is over
 * POLICY_IDLE_PERMILLE: it is looked at every round). */
static void bursts(int on, int off)
{
	struct sim s;
	sim_init(&s);
	uint64_t running = 0;
	for (int i = 0; i < 5000; i++) {
		bool run = i % (on + off) < on;
		running += run;
		CHECK_EQ(sim_round(&s, run ? RUNNING : ASLEEP), run);
	}
	CHECK_EQ(s.samples, running);
	CHECK_EQ(s.missed, 0);
	CHECK_EQ(s.c.unseen_ns, 0);
}

/* Woken (in R) but not scheduled in since its last look: it has not run
 * yet, it waits for a CPU; no sample. Nor for a new thread never run. */
static void woken_not_run(void)
{
	struct sim s;
	sim_init(&s);
	sim_round(&s, ASLEEP);
	s.now += P; /* in R, not scheduled in: the same count */
	policy_look(&s.c, s.now, P, s.cpu, s.slices);
	CHECK(!policy_due(&s.c, true));
	policy_look(&s.c, s.now + P, P, s.cpu + P, s.slices + 1); /* now it ran */
	CHECK(policy_due(&s.c, true));

	struct cpu_clock fresh = { .runtime_ns = 5 * P, .slices = 3 };
	policy_look(&fresh, 10 * P, P, 5 * P, 3);
	CHECK(!policy_due(&fresh, true));
}

/* In R but waiting for its CPU: no sample. */
static void waiting(void)
{
	struct sim s;
	sim_init(&s);
	sim_round(&s, RUNNING);
	for (int i = 0; i < 5; i++)
		CHECK(!sim_round(&s, WAITING));
	CHECK(sim_round(&s, RUNNING));
	CHECK_EQ(s.samples, 2);
}

/* Hardly running: looked at every round until POLICY_ACTIVITY_NS / 2 show
 * it, then every 2nd, 4th, ... 64th round. Woken to run, it is found within
 * 64 rounds and looked at every round again; the CPU time it ran before it
 * was found is counted as unseen, not sampled. A thread that wakes for one
 * round in 200 (0.5%) backs off too; one at 5% does not. */
static void idle(void)
{
	struct sim s;
	sim_init(&s);
	sim_round(&s, RUNNING);
	uint64_t warm = POLICY_ACTIVITY_NS / 2 / P;
	for (uint64_t i = 0; i < warm; i++)
		sim_round(&s, ASLEEP);
	CHECK(s.looks >= warm); /* every round until it is known to be idle */
	uint64_t before = s.looks;
	for (int i = 0; i < 1000; i++)
		sim_round(&s, ASLEEP);
	/* after 1, 2, 4, ... 32 rounds (63), every 64th */
	CHECK(s.looks - before >= 18 && s.looks - before <= 21);
	CHECK_EQ(s.c.backoff, POLICY_MAX_BACKOFF);
	int rounds = 0;
	uint64_t samples = s.samples;
	while (s.samples == samples && rounds < 200) {
		sim_round(&s, RUNNING);
		rounds++;
	}
	CHECK(rounds <= POLICY_MAX_BACKOFF);
	CHECK_EQ(s.missed, (uint64_t)rounds - 1);
	CHECK_EQ(s.c.backoff, 1);
	CHECK_EQ(s.c.unseen_ns, s.missed * P);
	for (int i = 0; i < 10; i++)
		CHECK(sim_round(&s, RUNNING)); /* every round again */

	sim_init(&s);
	for (int i = 0; i < 6000; i++)
		sim_round(&s, i % 200 == 0 ? RUNNING : ASLEEP);
	CHECK(s.looks < 2000);
	sim_init(&s);
	for (int i = 0; i < 6000; i++)
		sim_round(&s, i % 100 < 5 ? RUNNING : ASLEEP);
	CHECK_EQ(s.looks, 6000);
}

/* A thread asleep since its last look (same count of times scheduled in) is
 * still asleep; one scheduled in since is not. */
static void still_asleep(void)
{
	struct cpu_clock c;
	memset(&c, 0, sizeof(c));
	policy_look(&c, 5 * P, P, 0, 7);
	policy_found_asleep(&c);
	policy_look(&c, 6 * P, P, 0, 7);
	CHECK(policy_still_asleep(&c));
	policy_look(&c, 7 * P, P, 0, 8); /* scheduled in since */
	CHECK(!policy_still_asleep(&c));
	policy_look(&c, 8 * P, P, 0, 8);
	c.was_running = true;
	CHECK(!policy_still_asleep(&c));
}

/* Of two threads in R on one CPU, the one scheduled in last runs there; on
 * a tie, the one whose CPU time grew last. */
static void likely_running(void)
{
	struct cpu_clock a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	policy_look(&a, 100, P, 5 * P, 3);
	policy_look(&b, 200, P, 5 * P, 4);
	CHECK(policy_more_likely_running(&b, &a));
	CHECK(!policy_more_likely_running(&a, &b));
	policy_look(&a, 300, P, 5 * P, 3); /* not scheduled in again, no CPU time */
	policy_look(&b, 300, P, 6 * P, 4);
	b.sched_in_ns = a.sched_in_ns;
	CHECK(policy_more_likely_running(&b, &a));
}

int main(void)
{
	busy();
	attached_running();
	bursts(2, 5);
	bursts(1, 1);
	bursts(20, 20);
	bursts(3, 97); /* 3%: over POLICY_IDLE_PERMILLE */
	waiting();
	woken_not_run();
	idle();
	still_asleep();
	likely_running();
	return check_done("test-policy");
}
