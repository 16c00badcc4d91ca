/* ptrace-round.c — one round of the ptrace backend: decide which threads are
 * due a sample (policy.c in CPU mode; sleepers' stacks in wall mode),
 * interrupt them back to back, wait for their stops, resume them. */
#include "config.h"
#include "target/ptrace.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long a round waits for its threads to stop while it holds stopped
 * threads (pt_resume_held). A running thread stops within tens of us; one
 * that takes longer is waiting for a CPU (see await_pending) and is sampled
 * when it stops, at a later tick. A round that holds none waits until the
 * next round is due, at most ROUND_WAIT_MAX_NS. */
#define ROUND_WAIT_NS 250000ull
#define ROUND_WAIT_MAX_NS 5000000ull
/* How long a round may poll for stops before it sleeps (spin_pending). */
#define SPIN_NS 150000ull

/* A thread whose interrupt is not answered yet, or NULL; not one of our own
 * CPU `cpu`. Such a thread, switched out by this round, can stop only once
 * we give the CPU up, and not even then if the kernel runs another thread
 * first (seen: rounds waiting a whole period for it, a fifth of them late).
 * The round does not wait for it: it has not run since, so when it stops,
 * reported like any event and taken at the next tick, its stack is still
 * the one it had when the round began. */
static struct pthr *first_pending(struct ptrace_sampler *ps, int cpu)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st == T_INTERRUPTING && ps->t[i].cpu != cpu)
			return &ps->t[i];
	return NULL;
}

/* Poll the pending threads' stops without sleeping, for at most spin_ns
 * (those of our own CPU `cpu` aside: first_pending). Returns when nothing
 * is pending any more, or to wait asleep. Sleeping in waitpid, this machine took 120-150 us from the
 * interrupt to the stop reaching us, most of it waking our idle CPU;
 * polling, 50-60 us: the target is held stopped half as long (one busy
 * thread at 999 Hz: 14% slower before, 6.5% after). The price: up to
 * SPIN_NS of our CPU per round that something else could have used, where
 * otherwise it would idle (the busy case) or run a thread of the target
 * that waits for it (more busy threads than CPUs). */
static void spin_pending(struct ptrace_sampler *ps, int cpu, uint64_t spin_ns)
{
	uint64_t start = now_ns();
	while (first_pending(ps, cpu)) {
		bool any = false;
		for (size_t i = 0; i < ps->nt; i++) {
			struct pthr *th = &ps->t[i];
			if (th->st != T_INTERRUPTING || th->cpu == cpu)
				continue;
			int status;
			pid_t tid = waitpid(th->tid, &status, __WALL | WNOHANG);
			if (tid > 0) {
				pt_handle_status(ps, tid, status);
				any = true;
			} else if (tid < 0) {
				return; /* gone: await_pending sorts it out */
			}
		}
		if (!any && now_ns() - start >= spin_ns)
			return;
	}
}

/* Wait until every interrupt of this round is answered (those of threads on
 * our own CPU aside: first_pending), polling while that is cheap
 * (spin_pending), else asleep on the signalfd, until the next round
 * is due (the alarm) or, while holding stopped threads, for ROUND_WAIT_NS.
 * A thread that has not stopped by then is waiting for a CPU (the state R in
 * /proc does not tell running from runnable): holding the round until the
 * kernel runs it, up to a time slice later, would make the round late; it
 * stops when it runs, and that stop, reported like any event, is taken at
 * the next tick.
 * Each wait names its thread: waitpid(-1) walks every traced thread in the
 * kernel, which made 60 idle threads cost ~4 us a stop; waiting for one tid
 * does not. Other events wait for the drain after the round. The alarm that
 * starts the next round bounds the wait: a timer armed and disarmed for
 * each round's wait cost 12-20 us of CPU here (two busy threads on two
 * CPUs sleep every round), and is armed only when the round must end
 * sooner. */
static void await_pending(struct ptrace_sampler *ps)
{
	int cpu = sched_getcpu();
	uint64_t start = now_ns(), next = ps->alarm_ns; /* (0 before the first wake_at) */
	uint64_t end = start + (ps->holding || next <= start ? ROUND_WAIT_NS : ROUND_WAIT_MAX_NS);
	bool rearm = next <= start || next > end; /* (the next round already due: this one is late) */
	if (!rearm)
		end = next;
	spin_pending(ps, cpu, end - start < SPIN_NS ? end - start : SPIN_NS);
	if (!first_pending(ps, cpu) || now_ns() >= end)
		return;
	if (rearm)
		pt_set_alarm(ps, end);
	pt_flush_sigfd(ps); /* a SIGALRM read before `end` is stale */
	ps->alarm_fired = now_ns() >= end; /* ... unless it has just rung on time */
	struct pthr *th;
	while ((th = first_pending(ps, cpu))) {
		int status;
		pid_t tid = waitpid(th->tid, &status, __WALL | WNOHANG);
		if (tid > 0) {
			pt_handle_status(ps, tid, status);
		} else if (tid < 0 && errno == ECHILD) {
			pt_thread_drop(ps, th); /* no longer ours: gone (an exec took its tid) */
		} else {
			uint64_t t = now_ns();
			if (tid < 0 || ps->alarm_fired || t >= end)
				break;
			struct pollfd pfd = {ps->sigfd, POLLIN, 0};
			if (poll(&pfd, 1, ps->have_alarm ? -1 : (int)((end - t) / 1000000 + 1)) < 0 &&
			    errno != EINTR)
				break;
			pt_flush_sigfd(ps); /* the SIGCHLDs of stops, or the alarm */
		}
	}
	if (rearm)
		pt_set_alarm(ps, next);
}

/* Wall mode: a sleeping thread (state S or D), sampled without a stop when
 * possible. While it has not run since its last sample (the same count of
 * times scheduled in), its stack has not changed: reuse it. When it has run
 * but sleeps again at the same stack pointer and instruction (/proc/.../syscall)
 * as when its stack was last taken, that stack is still the one: reuse it.
 * Only a thread asleep somewhere new is stopped, once (returns true; the
 * system call it sleeps in is restarted, not failed: undo_eintr); stopping it
 * again and again would restart its call forever. A thread in D, which would
 * stop only when its call ends, is unwound from rsp and rip alone. */
static bool sleeper_needs_stop(struct ptrace_sampler *ps, struct pthr *th, char state)
{
	struct raw_batch *b = ps->batch;
	uint64_t runtime, slices, sp = 0, pc = 0;
	int64_t sw = th->sched_fd >= 0 && procfs_task_schedstat(th->sched_fd, &runtime, &slices)
			     ? (int64_t)slices : -1;
	bool same = th->have_sleep_stack && sw >= 0 && sw == th->sleep_switches;
	if (!same && procfs_task_syscall_regs(th->pid, th->tid, &sp, &pc))
		same = th->have_sleep_stack && sp == th->sleep_sp && pc == th->sleep_pc;
	th->sleep_switches = sw;
	if (same) {
		struct raw_sample *r = pt_sample_add(ps, th, 0);
		r->time_ns = now_ns();
		r->reuse = true;
		return false;
	}
	th->have_sleep_stack = false;
	if (!pc) /* not in a system call: only a stop tells its stack */
		return state == 'S' && (th->sleep_stop = true);
	struct raw_sample *r = pt_sample_add(ps, th, SAMPLER_STACK_COPY);
	r->time_ns = now_ns();
	r->regs.rsp = sp;
	r->regs.rip = pc;
	r->regs_partial = true;
	pt_copy_stack(ps, b, r);
	return false;
}

/* Of the threads found in R this round (th->runnable, th->cpu), find for each
 * CPU the one most likely running there (ps->cpu_best). Where two share a
 * CPU, the scheduler's accounts tell which one is on it, if either (another
 * process's thread may be): pt_thread_on_cpu. Returns whether two share a
 * CPU: the target has more runnable threads than CPUs to run them on (or the
 * kernel placed two on one). */
static bool pick_running(struct ptrace_sampler *ps)
{
	size_t ncpu = 0;
	bool shared = false;
	int own = sched_getcpu();
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].runnable && ps->t[i].cpu >= 0 && (size_t)ps->t[i].cpu >= ncpu)
			ncpu = (size_t)ps->t[i].cpu + 1;
	xgrow((void **)&ps->cpu_best, &ps->cap_cpu_best, ncpu, sizeof(*ps->cpu_best));
	for (size_t c = 0; c < ncpu; c++)
		ps->cpu_best[c] = -1;
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		if (!th->runnable || th->cpu < 0)
			continue;
		long *best = &ps->cpu_best[th->cpu];
		if (*best >= 0 && !ps->cfg.wall) {
			pt_thread_on_cpu(ps, th, th->cpu == own);
			pt_thread_on_cpu(ps, &ps->t[*best], th->cpu == own);
		}
		shared |= *best >= 0;
		if (*best < 0 || policy_more_likely_running(&th->clock, &ps->t[*best].clock))
			*best = (long)i;
	}
	return shared;
}

/* CPU mode: the due threads of this round, among those looked at and found
 * in R, given pick_running's choice. */
static void decide_cpu_samples(struct ptrace_sampler *ps)
{
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		if (!th->runnable)
			continue;
		bool running = (th->cpu < 0 || ps->cpu_best[th->cpu] == (long)i) &&
			       th->clock.on_cpu != 0; /* (0: known to wait for its CPU) */
		th->due = policy_due(&th->clock, running);
	}
}

void pt_tick(struct sampler *s, bool sample, bool events, struct raw_batch *b)
{
	struct ptrace_sampler *ps = PS(s);
	ps->batch = b; /* a stop that came after its round's wait is a sample too */
	/* Collect what happened since the last round. Every flush of the
	 * signalfd is followed by a waitpid(-1) walk, so a SIGCHLD read now is
	 * the only sign of new events: the alarm alone is none, and the walk
	 * costs a look at every traced thread (60 idle ones: ~2 us). */
	for (size_t i = 0; i < ps->nt; i++)
		ps->t[i].resumed = false;
	ps->self_exec_start_ns = 0;
	if (!sample || (events && pt_flush_sigfd(ps)))
		pt_drain(ps, 0);
	if (!sample || s->target != SAMPLER_RUNNING || ps->awaiting_exec) {
		ps->batch = NULL;
		pt_update_target_state(ps);
		return;
	}
	/* first decide who is due, then interrupt them back to back: the /proc
	 * reads stay out of the time threads are held stopped */
	uint64_t t = now_ns();
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		th->due = th->runnable = false;
		th->clock.on_cpu = -1;
		if (th->st != T_RUNNING || th->resumed)
			continue; /* a T_NEW thread's first stop is pending, or we just
				     resumed it: interrupted now, it would stop on its
				     way out of the kernel (seen: a fifth of the samples
				     of a program creating threads, inside clone3) */
		if (!ps->cfg.wall && policy_skip_round(&th->clock))
			continue;
		uint64_t runtime, slices;
		bool sched = !ps->cfg.wall && th->sched_fd >= 0 &&
			     procfs_task_schedstat(th->sched_fd, &runtime, &slices);
		if (sched) {
			policy_look(&th->clock, t, ps->period_ns, runtime, slices);
			s->unseen_ns += th->clock.unseen_ns;
			th->clock.unseen_ns = 0;
		}
		if (sched && policy_still_asleep(&th->clock)) {
			policy_back_off(&th->clock, false);
			continue;
		}
		char st = th->stat_fd >= 0 ? procfs_task_state(th->stat_fd, &th->cpu) : 0;
		th->runnable = st == 'R';
		if (st != 'R')
			policy_found_asleep(&th->clock);
		if (st == 'R' && ps->cfg.wall)
			th->due = true;
		else if (ps->cfg.wall && (st == 'S' || st == 'D'))
			th->due = sleeper_needs_stop(ps, th, st);
		policy_back_off(&th->clock, st == 'R');
	}
	bool shared = pick_running(ps);
	if (!ps->cfg.wall)
		decide_cpu_samples(ps);
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		if (!th->due)
			continue;
		th->have_sleep_stack = false;
		th->interrupted_ns = now_ns();
		if (ptrace(PTRACE_INTERRUPT, th->tid, 0, 0) == 0) {
			th->st = T_INTERRUPTING;
			ps->pending++;
		} else {
			b->lost++;
		}
	}
	ps->holding = ps->pending > 1 && shared; /* see pt_resume_held */
	ps->in_round = true;
	await_pending(ps);
	ps->holding = ps->in_round = false;
	pt_resume_held(ps);
	pt_drain(ps, 0); /* whatever else came meanwhile, and the SIGCHLDs */
	ps->batch = NULL;
	t = now_ns();
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE && t - ps->t[i].comm_checked_ns > 1000000000ull)
			pt_thread_publish(ps, &ps->t[i], ps->t[i].st == T_LISTENING ? 'T' : 'R');
	pt_update_target_state(ps);
}
