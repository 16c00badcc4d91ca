/* sampler-ptrace.c — the ptrace sampling backend: a small debugger.
 *
 * Threads are seized (PTRACE_SEIZE), never attached with SIGSTOP, so group
 * stops are told apart from our own interrupts and job control keeps working.
 * A sample is: PTRACE_INTERRUPT, wait for the stop, GETREGS, copy the top of
 * the stack with process_vm_readv, PTRACE_CONT at once. Only threads whose
 * /proc state is R are interrupted, so no blocking system call in the target
 * fails with EINTR because of us. Signals the target receives while traced
 * are re-injected on resume, none lost. See ENGINE-NOTES for the state
 * machine this follows. */
#include "config.h"
#include "target/procfs.h"
#include "target/sampler.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long a round waits for its threads to stop while it holds stopped
 * threads (resume_held). A running thread stops within tens of us; one that
 * takes longer is waiting for a CPU (see await_pending) and is sampled when
 * it stops, at a later tick. A round that holds none waits until the next
 * round is due, at most ROUND_WAIT_MAX_NS. */
#define ROUND_WAIT_NS 250000ull
#define ROUND_WAIT_MAX_NS 5000000ull
/* How long a round may poll for stops before it sleeps (spin_pending). */
#define SPIN_NS 150000ull

enum tstate {
	T_NEW,          /* seized, first stop not seen yet (it may never come: seized running) */
	T_RUNNING,
	T_INTERRUPTING, /* PTRACE_INTERRUPT sent, waiting for the stop */
	T_LISTENING,    /* in group-stop, resumed with PTRACE_LISTEN */
	T_GONE,
};

struct pthr {
	pid_t tid;
	enum tstate st;
	int stat_fd, sched_fd;
	uint64_t runtime_ns;   /* CPU time when last looked at (schedstat) */
	unsigned weight;       /* periods the sample being taken stands for */
	bool due;              /* to be stopped this round */
	bool runnable;         /* state R at this round's look */
	int cpu;               /* the CPU it runs on or waits for, at this round's look */
	uint64_t ran_ns;       /* CPU mode: CPU time since the look before (schedstat) */
	uint64_t slices;       /* times scheduled in (schedstat), at the last look */
	uint64_t sched_in_ns;  /* the last look that found it scheduled in since the one before */
	uint64_t ran_at_ns;    /* the last look that found its CPU time grown */
	uint64_t carry_ns;     /* CPU time not yet turned into samples */
	bool held;             /* stopped for this round's sample, not resumed yet */
	unsigned backoff, skip; /* CPU mode: look every backoff-th round; rounds left to skip */
	bool was_running;      /* CPU mode: state R at the last look */
	uint64_t looked_ns;    /* when it was last looked at */
	uint64_t advance_ns;   /* CPU time credited ahead of schedstat, not yet repaid */
	bool detach_pending;   /* release(): detach at its next stop */
	int64_t sleep_switches; /* wall mode: switches when its sleeping stack was taken */
	bool have_sleep_stack;
	bool sleep_stop;       /* wall mode: stopped this round while asleep */
	uint64_t sleep_sp, sleep_pc; /* where it slept when that stack was taken */
	uint64_t comm_checked_ns;
	uint64_t interrupted_ns; /* when PTRACE_INTERRUPT was sent */
};

struct ptrace_sampler {
	struct sampler pub;
	struct sampler_config cfg;
	struct pthr *t;
	size_t nt, cap_t;
	int sigfd;             /* SIGCHLD and the alarm's SIGALRM */
	timer_t alarm;         /* wake_at's timer */
	bool have_alarm;
	uint64_t alarm_ns;     /* when it is set to fire (0: never) */
	bool alarm_fired;      /* its SIGALRM was read from sigfd */
	unsigned opts;
	bool releasing;
	int errpipe;           /* launched: exec failure reported by the child */
	int exec_errno;
	bool awaiting_exec;    /* launched: no samples of our own pre-exec code */
	struct raw_batch *batch; /* where the current round's samples go */
	uint64_t period_ns;    /* sampling period per running thread */
	uint64_t rng;
	size_t pending;        /* interrupts not answered yet */
	long *cpu_best;        /* CPU mode, per CPU: the thread most likely running there */
	bool in_round;         /* waiting for this round's stops */
	bool holding;          /* ... and stopped threads wait to be resumed together */
	size_t cap_cpu_best;
};

#define PS(s) ((struct ptrace_sampler *)(s))

static struct pthr *find_thread(struct ptrace_sampler *ps, pid_t tid)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].tid == tid && ps->t[i].st != T_GONE)
			return &ps->t[i];
	return NULL;
}

static void publish_thread(struct ptrace_sampler *ps, struct pthr *th, char state)
{
	struct sampler *s = &ps->pub;
	struct sampler_thread *st = NULL;
	for (size_t i = 0; i < s->nthreads && !st; i++)
		if (s->threads[i].tid == th->tid)
			st = &s->threads[i];
	if (!st) {
		st = VEC_PUSH(s->threads, s->nthreads, s->cap_threads);
		memset(st, 0, sizeof(*st));
		st->tid = th->tid;
		s->threads_changed++;
	}
	if (st->state != state)
		s->threads_changed++;
	st->state = state;
	uint64_t t = now_ns();
	if (state != 'X' && (!st->name[0] || t - th->comm_checked_ns > 1000000000ull)) {
		char name[sizeof(st->name)];
		if (procfs_task_comm(s->pid, th->tid, name, sizeof(name)) && strcmp(name, st->name)) {
			memcpy(st->name, name, sizeof(name));
			s->threads_changed++;
		}
		th->comm_checked_ns = t;
	}
}

static struct pthr *add_thread(struct ptrace_sampler *ps, pid_t tid, enum tstate st)
{
	struct pthr *th = find_thread(ps, tid);
	if (th)
		return th;
	/* reuse a slot of a gone thread */
	for (size_t i = 0; i < ps->nt && !th; i++)
		if (ps->t[i].st == T_GONE)
			th = &ps->t[i];
	if (!th)
		th = VEC_PUSH(ps->t, ps->nt, ps->cap_t);
	memset(th, 0, sizeof(*th));
	th->tid = tid;
	th->st = st;
	th->detach_pending = ps->releasing; /* born while we let go: detach it too */
	th->stat_fd = procfs_open_task_file(ps->pub.pid, tid, "stat");
	th->sched_fd = procfs_open_task_file(ps->pub.pid, tid, "schedstat");
	uint64_t slices;
	if (th->sched_fd < 0 || !procfs_task_schedstat(th->sched_fd, &th->runtime_ns, &slices))
		th->runtime_ns = 0; /* CPU time counts from now on */
	publish_thread(ps, th, 'R');
	return th;
}

static void drop_thread(struct ptrace_sampler *ps, struct pthr *th)
{
	if (th->st == T_INTERRUPTING && ps->pending)
		ps->pending--;
	if (th->stat_fd >= 0)
		close(th->stat_fd);
	if (th->sched_fd >= 0)
		close(th->sched_fd);
	th->stat_fd = th->sched_fd = -1;
	publish_thread(ps, th, 'X');
	th->st = T_GONE;
	th->held = false;
}

static bool live_threads(struct ptrace_sampler *ps)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE)
			return true;
	return false;
}

static void resume(struct ptrace_sampler *ps, struct pthr *th, int sig)
{
	if (th->detach_pending) {
		ptrace(PTRACE_DETACH, th->tid, 0, (void *)(long)sig);
		drop_thread(ps, th);
		return;
	}
	if (ptrace(PTRACE_CONT, th->tid, 0, (void *)(long)sig) == 0 && th->st != T_INTERRUPTING)
		th->st = T_RUNNING;
	/* ESRCH: it died; its exit is reported by waitpid */
}

#define ERESTARTNOHAND 514 /* kernel-internal: restart the call unless a handler runs */

/* Our interrupt stopped the thread on its way out of a system call that
 * gives up with EINTR when interrupted (epoll_wait, sigtimedwait, ...): turn
 * the EINTR into the kernel's "restart unless a signal handler runs", so the
 * target never sees an EINTR we caused. A real signal arriving meanwhile
 * still gets EINTR, as it would without us. */
static void undo_eintr(struct ptrace_sampler *ps, struct pthr *th, struct user_regs_struct *regs)
{
	if ((int64_t)regs->orig_rax < 0 || (int64_t)regs->rax != -EINTR)
		return;
	struct user_regs_struct fixed = *regs;
	fixed.rax = (uint64_t)-ERESTARTNOHAND;
	if (ptrace(PTRACE_SETREGS, th->tid, 0, &fixed) == 0)
		ps->pub.restarted++;
}

/* xorshift64: cheap randomness (stochastic rounding, the order of resuming) */
static uint64_t next_random(struct ptrace_sampler *ps)
{
	uint64_t x = ps->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return ps->rng = x;
}

/* Copy the top of the stack from r's rsp into the space raw_batch_add
 * reserved (the last one in b), and give back what was not filled. */
static void copy_stack(struct ptrace_sampler *ps, struct raw_batch *b, struct raw_sample *r)
{
	struct iovec local = {b->stack + r->stack_off, SAMPLER_STACK_COPY};
	struct iovec remote = {(void *)(uintptr_t)r->regs.rsp, SAMPLER_STACK_COPY};
	ssize_t n = process_vm_readv(ps->pub.pid, &local, 1, &remote, 1, 0);
	r->stack_len = n > 0 ? (size_t)n : 0;
	b->stack_len -= SAMPLER_STACK_COPY - r->stack_len;
}

/* Copy registers and stack of a thread stopped by our interrupt. */
static void take_sample(struct ptrace_sampler *ps, struct pthr *th)
{
	struct raw_batch *b = ps->batch;
	if (!b)
		return;
	struct raw_sample *r = raw_batch_add(b, th->tid, SAMPLER_STACK_COPY);
	r->time_ns = now_ns();
	r->weight = th->weight ? th->weight : 1;
	th->weight = 0;
	if (ptrace(PTRACE_GETREGS, th->tid, 0, &r->regs) != 0) {
		b->len--;
		b->stack_len -= SAMPLER_STACK_COPY;
		b->lost++;
		return;
	}
	undo_eintr(ps, th, &r->regs);
	copy_stack(ps, b, r);
	if (th->sleep_stop) { /* its stack while asleep, reused while it stays so */
		th->sleep_stop = false;
		th->have_sleep_stack = true;
		th->sleep_sp = r->regs.rsp;
		th->sleep_pc = r->regs.rip;
	}
}

/* Resume the threads held for this round's samples, all together, in a
 * random order. Threads are held only when the target's runnable threads
 * share a CPU (pick_running): then resuming each as soon as it was sampled,
 * in the same order every round, skewed how the kernel shares CPUs between
 * them: three busy threads on two CPUs got 23/30/47% of the CPU time instead
 * of a third each (the bare ptrace floor does the same), because the thread
 * resumed first always found the same CPU free. Held together and resumed at
 * random, each gets the free CPU in turn: 33/33/34%. With a CPU for each,
 * holding only costs: a thread on another CPU, stopped in 50 us, waited for
 * the one on ours, which can only stop once we sleep (two busy threads on
 * two CPUs, 12 runs: held 90 us per stop and waiting for a CPU 0.09-0.30 s
 * of 1.2, against 78 us and 0.10-0.17 s resumed at once; 20.0% slower
 * against 16.7%). */
static void resume_held(struct ptrace_sampler *ps)
{
	if (!ps->nt)
		return;
	size_t start = next_random(ps) % ps->nt;
	uint64_t t = now_ns();
	for (size_t k = 0; k < ps->nt; k++) {
		struct pthr *th = &ps->t[(start + k) % ps->nt];
		if (!th->held)
			continue;
		th->held = false;
		ps->pub.stopped_ns += t - th->interrupted_ns;
		resume(ps, th, 0);
	}
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void update_target_state(struct ptrace_sampler *ps)
{
	struct sampler *s = &ps->pub;
	if (s->target == SAMPLER_EXITED || s->target == SAMPLER_DETACHED)
		return;
	bool any = false, all_listening = true;
	for (size_t i = 0; i < ps->nt; i++) {
		if (ps->t[i].st == T_GONE)
			continue;
		any = true;
		if (ps->t[i].st != T_LISTENING)
			all_listening = false;
	}
	s->target = any && all_listening ? SAMPLER_STOPPED : SAMPLER_RUNNING;
}

/* Has the whole process really gone? (A leader "exit" is also reported when
 * another thread execs.) */
static bool process_gone(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	char st = procfs_task_state(fd, NULL);
	close(fd);
	return st == 0 || st == 'Z' || st == 'X';
}

static void handle_exec(struct ptrace_sampler *ps, pid_t tid)
{
	/* every other thread is gone; the execing one now has the leader's tid */
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE && ps->t[i].tid != tid)
			drop_thread(ps, &ps->t[i]);
	struct pthr *th = find_thread(ps, tid);
	if (th) /* another thread may have the leader's tid now, with new /proc files */
		drop_thread(ps, th);
	add_thread(ps, tid, T_RUNNING);
	ps->pub.exec_count++;
	ps->awaiting_exec = false;
	if (ps->batch) {
		/* samples of this round may predate the exec: their addresses mean nothing now */
		uint64_t lost = ps->batch->lost + ps->batch->len;
		raw_batch_clear(ps->batch);
		ps->batch->lost = lost;
	}
}

static void handle_status(struct ptrace_sampler *ps, pid_t tid, int status)
{
	struct sampler *s = &ps->pub;
	struct pthr *th = find_thread(ps, tid);

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (th)
			drop_thread(ps, th);
		if (tid == s->pid && (s->launched || process_gone(s->pid))) {
			if (s->launched || !live_threads(ps)) {
				s->target = SAMPLER_EXITED;
				s->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
				s->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
			}
		}
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	int sig = WSTOPSIG(status), ev = status >> 16;
	if (!th) /* a new thread whose first stop came before its parent's clone event */
		th = add_thread(ps, tid, T_NEW);
	if (th->st == T_INTERRUPTING && !(ev == PTRACE_EVENT_STOP && !is_stop_signal(sig))) {
		/* Another stop came before our interrupt's (a clone, an exec, a
		 * signal). The kernel does not always report the interrupt after
		 * it (seen: a thread interrupted during clone never stopped again),
		 * so the round counts this thread as answered, without a sample:
		 * unwinding from such a stop, inside clone3, does not reach main.
		 * An interrupt reported later anyway is resumed as unrequested. */
		if (ps->pending)
			ps->pending--;
		if (ps->batch)
			ps->batch->lost++;
		th->st = T_RUNNING;
	}

	switch (ev) {
	case PTRACE_EVENT_STOP:
		if (is_stop_signal(sig)) {
			/* group-stop: stay stopped, but keep reporting (job control works) */
			if (th->st == T_INTERRUPTING && ps->pending)
				ps->pending--; /* no sample: it is not running */
			if (th->detach_pending) {
				ptrace(PTRACE_DETACH, tid, 0, 0);
				drop_thread(ps, th);
				break;
			}
			th->st = T_LISTENING;
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			publish_thread(ps, th, 'T');
			break;
		}
		if (th->st == T_INTERRUPTING) {
			th->st = T_RUNNING;
			if (ps->pending)
				ps->pending--;
			if (!th->detach_pending) {
				take_sample(ps, th);
				if (ps->holding) {
					th->held = true; /* resumed with the round's others */
					publish_thread(ps, th, 'R');
					break;
				}
				if (ps->in_round) /* (a later stop waited for a CPU first) */
					ps->pub.stopped_ns += now_ns() - th->interrupted_ns;
			} else {
				/* stopped to be detached: it may have been asleep */
				struct user_regs_struct regs;
				if (ptrace(PTRACE_GETREGS, tid, 0, &regs) == 0)
					undo_eintr(ps, th, &regs);
			}
		}
		publish_thread(ps, th, 'R');
		resume(ps, th, 0);
		break;
	case PTRACE_EVENT_CLONE: {
		unsigned long msg = 0;
		bool ok = ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0;
		resume(ps, th, 0);
		if (ok) /* after resume: adding may move the thread table under th */
			add_thread(ps, (pid_t)msg, T_NEW);
		break;
	}
	case PTRACE_EVENT_EXEC:
		handle_exec(ps, tid);
		th = find_thread(ps, tid);
		resume(ps, th, 0);
		break;
	case 0:
		/* signal-delivery-stop: deliver the signal, none lost */
		resume(ps, th, sig);
		break;
	default:
		resume(ps, th, 0);
		break;
	}
	update_target_state(ps);
}

/* Empty the signalfd (its SIGCHLDs only wake the caller's poll: waitpid
 * tells what happened; a SIGALRM is the alarm). Neither signal queues: one
 * read empties it. Returns whether a SIGCHLD was read. */
static bool flush_sigfd(struct ptrace_sampler *ps)
{
	struct signalfd_siginfo si[4];
	ssize_t n = read(ps->sigfd, si, sizeof(si));
	bool chld = false;
	for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++) {
		if (si[i].ssi_signo == SIGALRM)
			ps->alarm_fired = true;
		chld |= si[i].ssi_signo == SIGCHLD;
	}
	return chld;
}

/* Arm the alarm for ns (CLOCK_MONOTONIC; 0: never). */
static void set_alarm(struct ptrace_sampler *ps, uint64_t ns)
{
	struct itimerspec its = {{0, 0}, {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)}};
	if (ps->have_alarm)
		timer_settime(ps->alarm, TIMER_ABSTIME, &its, NULL);
}

/* Handle every status that is ready; with wait_ms > 0, first wait up to that
 * long for one to arrive. Returns false when no traced thread is left
 * (ECHILD). */
static bool drain(struct ptrace_sampler *ps, int wait_ms)
{
	flush_sigfd(ps);
	for (;;) {
		int status;
		pid_t tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid > 0) {
			handle_status(ps, tid, status);
			wait_ms = 0;
			continue;
		}
		if (tid < 0 && errno == ECHILD)
			return false;
		if (tid < 0 || wait_ms <= 0)
			break;
		struct pollfd pfd = {ps->sigfd, POLLIN, 0};
		if (poll(&pfd, 1, wait_ms) <= 0)
			break;
		flush_sigfd(ps);
	}
	return true;
}

/* A thread whose interrupt is not answered yet, or NULL. */
static struct pthr *first_pending(struct ptrace_sampler *ps)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st == T_INTERRUPTING)
			return &ps->t[i];
	return NULL;
}

/* Poll the pending threads' stops without sleeping, for at most spin_ns,
 * while none of them ran last on our CPU (such a thread can only stop once
 * we give the CPU up). Returns when nothing is pending any more, or to wait
 * asleep. Sleeping in waitpid, this machine took 120-150 us from the
 * interrupt to the stop reaching us, most of it waking our idle CPU;
 * polling, 50-60 us: the target is held stopped half as long (one busy
 * thread at 999 Hz: 14% slower before, 6.5% after). The price: up to
 * SPIN_NS of our CPU per round that something else could have used, where
 * otherwise it would idle (the busy case) or run a thread of the target
 * that waits for it (more busy threads than CPUs). */
static void spin_pending(struct ptrace_sampler *ps, uint64_t spin_ns)
{
	int cpu = sched_getcpu();
	uint64_t start = now_ns();
	while (ps->pending) {
		bool any = false;
		for (size_t i = 0; i < ps->nt; i++) {
			struct pthr *th = &ps->t[i];
			if (th->st != T_INTERRUPTING)
				continue;
			if (th->cpu == cpu)
				return;
			int status;
			pid_t tid = waitpid(th->tid, &status, __WALL | WNOHANG);
			if (tid > 0) {
				handle_status(ps, tid, status);
				any = true;
			} else if (tid < 0) {
				return; /* gone: await_pending sorts it out */
			}
		}
		if (!any && now_ns() - start >= spin_ns)
			return;
	}
}

/* Wait until every interrupt of this round is answered, polling while that
 * is cheap (spin_pending), else asleep on the signalfd, until the next round
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
	uint64_t start = now_ns(), next = ps->alarm_ns; /* (0 before the first wake_at) */
	uint64_t end = start + (ps->holding || next <= start ? ROUND_WAIT_NS : ROUND_WAIT_MAX_NS);
	bool rearm = next <= start || next > end; /* (the next round already due: this one is late) */
	if (!rearm)
		end = next;
	spin_pending(ps, end - start < SPIN_NS ? end - start : SPIN_NS);
	if (!ps->pending || now_ns() >= end)
		return;
	if (rearm)
		set_alarm(ps, end);
	flush_sigfd(ps); /* a SIGALRM read now is stale: it is not yet time */
	ps->alarm_fired = false;
	struct pthr *th;
	while (ps->pending && (th = first_pending(ps))) {
		int status;
		pid_t tid = waitpid(th->tid, &status, __WALL | WNOHANG);
		if (tid > 0) {
			handle_status(ps, tid, status);
		} else if (tid < 0 && errno == ECHILD) {
			drop_thread(ps, th); /* no longer ours: gone (an exec took its tid) */
		} else {
			uint64_t t = now_ns();
			if (tid < 0 || ps->alarm_fired || t >= end)
				break;
			struct pollfd pfd = {ps->sigfd, POLLIN, 0};
			if (poll(&pfd, 1, ps->have_alarm ? -1 : (int)((end - t) / 1000000 + 1)) < 0 &&
			    errno != EINTR)
				break;
			flush_sigfd(ps); /* the SIGCHLDs of stops, or the alarm */
		}
	}
	if (rearm)
		set_alarm(ps, next);
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
	if (!same && procfs_task_syscall_regs(ps->pub.pid, th->tid, &sp, &pc))
		same = th->have_sleep_stack && sp == th->sleep_sp && pc == th->sleep_pc;
	th->sleep_switches = sw;
	if (same) {
		struct raw_sample *r = raw_batch_add(b, th->tid, 0);
		r->time_ns = now_ns();
		r->reuse = true;
		return false;
	}
	th->have_sleep_stack = false;
	if (!pc) /* not in a system call: only a stop tells its stack */
		return state == 'S' && (th->sleep_stop = true);
	struct raw_sample *r = raw_batch_add(b, th->tid, SAMPLER_STACK_COPY);
	r->time_ns = now_ns();
	r->regs.rsp = sp;
	r->regs.rip = pc;
	r->regs_partial = true;
	copy_stack(ps, b, r);
	return false;
}

#define MAX_BACKOFF 64 /* an idle thread is looked at every 64th round at least */
#define MAX_WEIGHT MAX_BACKOFF /* periods one sample may stand for */
#define MAX_ADVANCE 2 /* periods of CPU time credited ahead of schedstat */


/* CPU mode, a thread in state R: read its CPU time (schedstat) since the
 * last look, and whether it was scheduled in meanwhile. */
static void look_cpu(struct pthr *th, uint64_t now)
{
	uint64_t runtime, slices;
	th->ran_ns = 0;
	if (th->sched_fd < 0 || !procfs_task_schedstat(th->sched_fd, &runtime, &slices))
		return;
	th->ran_ns = runtime > th->runtime_ns ? runtime - th->runtime_ns : 0;
	th->runtime_ns = runtime;
	if (slices != th->slices)
		th->sched_in_ns = now;
	th->slices = slices;
	if (th->ran_ns)
		th->ran_at_ns = now;
}

/* CPU mode, a thread found asleep at its last look: has it not been
 * scheduled in since (the same count in schedstat)? Then it still sleeps,
 * and its stat (state and CPU, 2.4 us to read here against 1.5 us for
 * schedstat) is not read: a pool of threads blocked for good costs one
 * schedstat read per look. One that woke since pays both reads. Otherwise
 * *slices is the count now. */
static bool still_asleep(struct pthr *th, uint64_t *slices)
{
	uint64_t runtime;
	if (th->was_running || th->sched_fd < 0 ||
	    !procfs_task_schedstat(th->sched_fd, &runtime, slices))
		return false;
	return *slices == th->slices;
}

/* Is a the more likely of two threads in R on one CPU to be the one running
 * there? The one scheduled in last, else the one that ran last. */
static bool more_likely_running(const struct pthr *a, const struct pthr *b)
{
	if (a->sched_in_ns != b->sched_in_ns)
		return a->sched_in_ns > b->sched_in_ns;
	return a->ran_at_ns > b->ran_at_ns;
}

/* CPU mode: is a thread in state R due a sample, and how many sampling
 * periods does the sample stand for? Only CPU time the thread really ran
 * counts, as with perf's cpu-clock: a runnable thread waiting for a CPU is
 * not sampled. /proc says R for both, so of the target's threads in R on one
 * CPU only the one most likely running there (more_likely_running) may be
 * stopped: one that waits stops only when the kernel runs it, up to a time
 * slice later, and, stopped and resumed round after round, it stayed "cache
 * hot" on that CPU, so the kernel never moved it to an idle one (seen: two
 * busy threads kept on one CPU of two for whole runs, 60-70% slower). The
 * others' CPU time is carried to their next sample. schedstat's run time
 * only moves at scheduler events (a tick, a switch), so the running thread,
 * found in R at two looks in a row, is credited the time between them in
 * advance, repaid from its run time as it shows up (at most MAX_ADVANCE
 * ahead: a thread that gets no CPU stops earning). The credit, in periods, is rounded up or down at random in
 * proportion to its fraction, so the expected number of samples equals the
 * CPU time over the period even for threads that run in bursts shorter than
 * a period or die before the next look. */
static bool due_cpu_sample(struct ptrace_sampler *ps, struct pthr *th, bool running,
			   uint64_t elapsed)
{
	uint64_t period = ps->period_ns;
	if (th->sched_fd < 0) {
		th->weight = 1; /* no schedstat (kernel without it): sample every R */
		return running;
	}
	uint64_t ran = th->ran_ns;
	uint64_t repay = ran < th->advance_ns ? ran : th->advance_ns;
	th->advance_ns -= repay;
	uint64_t credit = ran - repay + th->carry_ns;
	th->carry_ns = 0;
	if (running && th->was_running && credit < elapsed &&
	    th->advance_ns < MAX_ADVANCE * period) {
		th->advance_ns += elapsed - credit;
		credit = elapsed;
	}
	if (credit > MAX_WEIGHT * period)
		credit = MAX_WEIGHT * period;
	if (!running) {
		th->carry_ns = credit; /* waiting for its CPU: sampled later */
		return false;
	}
	unsigned w = (unsigned)(credit / period);
	if (next_random(ps) % period < credit % period)
		w++;
	th->weight = w;
	return w > 0;
}

/* CPU mode: a thread found asleep round after round is looked at every 2nd,
 * 4th, ... up to every MAX_BACKOFF-th round, so idle threads cost little (a
 * /proc read is 2-3 us here; looked at every 16th round, 60 idle threads
 * beside two busy ones cost 90 ms more CPU per 2 s). One found running is
 * looked at every round again. The CPU time it ran in
 * between is not lost: schedstat counts it, and the next stop is weighted
 * for it (due_cpu_sample). */
static void back_off(struct pthr *th, bool running)
{
	if (running)
		th->backoff = 1;
	else if (th->backoff < MAX_BACKOFF)
		th->backoff = th->backoff ? th->backoff * 2 : 1;
	th->skip = th->backoff - 1;
}

/* Of the threads found in R this round (th->runnable, th->cpu), find for each
 * CPU the one most likely running there (ps->cpu_best). Returns whether two
 * of them share a CPU: the target has more runnable threads than CPUs to run
 * them on (or the kernel placed two on one). */
static bool pick_running(struct ptrace_sampler *ps)
{
	size_t ncpu = 0;
	bool shared = false;
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].runnable && ps->t[i].cpu >= 0 && (size_t)ps->t[i].cpu >= ncpu)
			ncpu = (size_t)ps->t[i].cpu + 1;
	xgrow((void **)&ps->cpu_best, &ps->cap_cpu_best, ncpu, sizeof(*ps->cpu_best));
	for (size_t c = 0; c < ncpu; c++)
		ps->cpu_best[c] = -1;
	for (size_t i = 0; i < ps->nt; i++) {
		const struct pthr *th = &ps->t[i];
		if (!th->runnable || th->cpu < 0)
			continue;
		long *best = &ps->cpu_best[th->cpu];
		shared |= *best >= 0;
		if (*best < 0 || more_likely_running(th, &ps->t[*best]))
			*best = (long)i;
	}
	return shared;
}

/* CPU mode: the due threads of this round, among those looked at and found
 * in R, given pick_running's choice. */
static void decide_cpu_samples(struct ptrace_sampler *ps, uint64_t now)
{
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		if (!th->runnable)
			continue;
		bool running = th->cpu < 0 || ps->cpu_best[th->cpu] == (long)i;
		uint64_t elapsed = th->looked_ns ? now - th->looked_ns : 0;
		th->due = due_cpu_sample(ps, th, running, elapsed);
		th->was_running = true;
		th->looked_ns = now;
	}
}

static void ptrace_tick(struct sampler *s, bool sample, bool events, struct raw_batch *b)
{
	struct ptrace_sampler *ps = PS(s);
	ps->batch = b; /* a stop that came after its round's wait is a sample too */
	/* Collect what happened since the last round. Every flush of the
	 * signalfd is followed by a waitpid(-1) walk, so a SIGCHLD read now is
	 * the only sign of new events: the alarm alone is none, and the walk
	 * costs a look at every traced thread (60 idle ones: ~2 us). */
	if (!sample || (events && flush_sigfd(ps)))
		drain(ps, 0);
	if (!sample || s->target != SAMPLER_RUNNING || ps->awaiting_exec) {
		ps->batch = NULL;
		update_target_state(ps);
		return;
	}
	/* first decide who is due, then interrupt them back to back: the /proc
	 * reads stay out of the time threads are held stopped */
	uint64_t t = now_ns();
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		th->due = th->runnable = false;
		if (th->st != T_RUNNING)
			continue; /* a T_NEW thread's first stop is pending: not a sample */
		if (!ps->cfg.wall && th->skip) {
			th->skip--; /* CPU mode: asleep lately, looked at less often */
			th->was_running = false;
			continue;
		}
		uint64_t slices = th->slices;
		if (!ps->cfg.wall && still_asleep(th, &slices)) {
			back_off(th, false);
			continue;
		}
		char st = th->stat_fd >= 0 ? procfs_task_state(th->stat_fd, &th->cpu) : 0;
		th->runnable = st == 'R';
		if (st != 'R') {
			th->was_running = false;
			th->slices = slices; /* ran and slept again: asleep from here */
		}
		if (st == 'R' && ps->cfg.wall)
			th->due = true;
		else if (st == 'R')
			look_cpu(th, t);
		else if (ps->cfg.wall && (st == 'S' || st == 'D'))
			th->due = sleeper_needs_stop(ps, th, st);
		back_off(th, st == 'R');
	}
	bool shared = pick_running(ps);
	if (!ps->cfg.wall)
		decide_cpu_samples(ps, t);
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
	ps->holding = ps->pending > 1 && shared; /* see resume_held */
	ps->in_round = true;
	await_pending(ps);
	ps->holding = ps->in_round = false;
	resume_held(ps);
	drain(ps, 0); /* whatever else came meanwhile, and the SIGCHLDs */
	ps->batch = NULL;
	t = now_ns();
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE && t - ps->t[i].comm_checked_ns > 1000000000ull)
			publish_thread(ps, &ps->t[i], ps->t[i].st == T_LISTENING ? 'T' : 'R');
	update_target_state(ps);
}

static int ptrace_event_fd(struct sampler *s)
{
	return PS(s)->sigfd;
}

static void ptrace_wake_at(struct sampler *s, uint64_t ns)
{
	PS(s)->alarm_ns = ns;
	set_alarm(PS(s), ns);
}

static struct ptrace_sampler *new_sampler(const struct sampler_config *cfg, char *err,
					  size_t errlen)
{
	struct ptrace_sampler *ps = xcalloc(1, sizeof(*ps));
	ps->pub.ops = &sampler_ptrace;
	ps->pub.exit_code = -1;
	ps->cfg = *cfg;
	ps->errpipe = -1;
	ps->period_ns = 1000000000ull / (cfg->frequency ? cfg->frequency : 999);
	ps->rng = now_ns() | 1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ps->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (ps->sigfd < 0) {
		snprintf(err, errlen, "signalfd: %s", strerror(errno));
		free(ps);
		return NULL;
	}
	/* the alarm: SIGALRM to this thread alone, read from sigfd (no handler) */
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGALRM;
	ev._sigev_un._tid = gettid();
	ps->have_alarm = timer_create(CLOCK_MONOTONIC, &ev, &ps->alarm) == 0;
	ps->opts = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
	return ps;
}

static void ptrace_free(struct sampler *s)
{
	struct ptrace_sampler *ps = PS(s);
	if (!s)
		return;
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE) {
			if (ps->t[i].stat_fd >= 0)
				close(ps->t[i].stat_fd);
			if (ps->t[i].sched_fd >= 0)
				close(ps->t[i].sched_fd);
		}
	if (ps->errpipe >= 0)
		close(ps->errpipe);
	if (ps->have_alarm)
		timer_delete(ps->alarm);
	close(ps->sigfd);
	free(ps->t);
	free(ps->cpu_best);
	free(s->threads);
	free(ps);
}

static const char *ptrace_denied_hint(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int scope = 0;
	if (f) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = 0;
		fclose(f);
	}
	if (scope >= 3)
		return "ptrace is disabled (kernel.yama.ptrace_scope=3)";
	if (scope >= 1 && geteuid() != 0)
		return "run as root, or set kernel.yama.ptrace_scope=0 (sysctl)";
	return "run as the process's user or as root (a container may also forbid ptrace)";
}

static struct sampler *ptrace_attach(pid_t pid, const struct sampler_config *cfg, char *err,
				     size_t errlen)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (pid <= 0 || access(path, F_OK) != 0) {
		snprintf(err, errlen, "no process with PID %d (check the PID with ps or pgrep)", (int)pid);
		return NULL;
	}
	if (pid == getpid()) {
		snprintf(err, errlen, "cannot profile cprof-tui itself (PID %d)", (int)pid);
		return NULL;
	}
	if (process_gone(pid)) {
		snprintf(err, errlen, "process %d has exited (it is a zombie); nothing to profile", (int)pid);
		return NULL;
	}
	int tracer = procfs_tracer_pid(pid);
	if (tracer > 0) {
		snprintf(err, errlen, "process %d is already traced by PID %d (a debugger?); detach it first",
			 (int)pid, tracer);
		return NULL;
	}
	struct ptrace_sampler *ps = new_sampler(cfg, err, errlen);
	if (!ps)
		return NULL;
	ps->pub.pid = pid;
	/* seize every thread; rescan until no new ones appear */
	for (bool added = true; added;) {
		added = false;
		pid_t *tids;
		int n = procfs_list_tasks(pid, &tids);
		if (n < 0)
			break;
		for (int i = 0; i < n; i++) {
			if (find_thread(ps, tids[i]))
				continue;
			if (ptrace(PTRACE_SEIZE, tids[i], 0, (void *)(long)ps->opts) != 0) {
				if (errno == ESRCH)
					continue;
				int e = errno;
				if (!ps->nt) {
					snprintf(err, errlen, "not permitted to trace process %d: %s; %s",
						 (int)pid, strerror(e), ptrace_denied_hint());
					free(tids);
					ptrace_free(&ps->pub);
					return NULL;
				}
				continue; /* a thread exiting under us */
			}
			add_thread(ps, tids[i], T_RUNNING);
			added = true;
		}
		free(tids);
	}
	if (!ps->nt) {
		snprintf(err, errlen, "process %d exited while attaching", (int)pid);
		ptrace_free(&ps->pub);
		return NULL;
	}
	ps->pub.target = SAMPLER_RUNNING;
	return &ps->pub;
}

static struct sampler *ptrace_launch(char *const argv[], const struct sampler_config *cfg,
				     char *err, size_t errlen)
{
	struct ptrace_sampler *ps = new_sampler(cfg, err, errlen);
	if (!ps)
		return NULL;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		ptrace_free(&ps->pub);
		return NULL;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		ptrace_free(&ps->pub);
		return NULL;
	}
	if (pid == 0) {
		sigset_t set;
		sigemptyset(&set);
		pthread_sigmask(SIG_SETMASK, &set, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (cfg->quiet_child) {
			int in = open("/dev/null", O_RDONLY);
			int out = open(cfg->log_path ? cfg->log_path : "/dev/null",
				       O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (in >= 0)
				dup2(in, 0);
			if (out >= 0) {
				dup2(out, 1);
				dup2(out, 2);
			}
		}
		raise(SIGSTOP);
		execvp(argv[0], argv);
		int e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	ps->errpipe = pfd[0];
	ps->pub.pid = pid;
	ps->pub.launched = true;
	ps->awaiting_exec = true;
	int status;
	bool stopped = waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status);
	if (!stopped || ptrace(PTRACE_SEIZE, pid, 0, (void *)(long)(ps->opts | PTRACE_O_EXITKILL))) {
		int e = errno; /* before the hint's own calls */
		int tracer = procfs_tracer_pid(pid);
		if (!stopped || tracer > 0)
			snprintf(err, errlen, "the launched program is already traced (by process %d): "
					      "run cprof-tui outside strace or a debugger", tracer);
		else
			snprintf(err, errlen, "cannot trace the launched program: %s; %s",
				 strerror(e), ptrace_denied_hint());
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ptrace_free(&ps->pub);
		return NULL;
	}
	add_thread(ps, pid, T_RUNNING);
	kill(pid, SIGCONT);
	ps->pub.target = SAMPLER_RUNNING;
	return &ps->pub;
}

/* After the program exited: did execvp fail in the child? */
static void check_exec_failure(struct ptrace_sampler *ps)
{
	if (ps->errpipe < 0)
		return;
	if (read(ps->errpipe, &ps->exec_errno, sizeof(int)) == sizeof(int))
		snprintf(ps->pub.error, sizeof(ps->pub.error), "cannot run the program: %s",
			 strerror(ps->exec_errno));
	close(ps->errpipe);
	ps->errpipe = -1;
}

static int ptrace_set_stopped(struct sampler *s, bool stop)
{
	if (s->target == SAMPLER_EXITED || s->target == SAMPLER_DETACHED)
		return -1;
	return kill(s->pid, stop ? SIGSTOP : SIGCONT);
}

static void ptrace_release(struct sampler *s, bool kill_launched)
{
	struct ptrace_sampler *ps = PS(s);
	drain(ps, 0);
	if (s->target == SAMPLER_EXITED || s->target == SAMPLER_DETACHED) {
		check_exec_failure(ps);
		return;
	}
	if (kill_launched && s->launched) {
		kill(s->pid, SIGKILL);
		uint64_t deadline = now_ns() + 5000000000ull;
		while (s->target != SAMPLER_EXITED && now_ns() < deadline)
			drain(ps, 50);
		return;
	}
	/* interrupt every running thread and detach it at its stop */
	ps->pending = 0;
	ps->releasing = true;
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		if (th->st == T_GONE)
			continue;
		th->detach_pending = true;
		if (th->st == T_LISTENING) {
			ptrace(PTRACE_DETACH, th->tid, 0, 0);
			drop_thread(ps, th);
		} else if (th->st != T_INTERRUPTING) {
			if (ptrace(PTRACE_INTERRUPT, th->tid, 0, 0) == 0)
				th->st = T_INTERRUPTING;
		}
	}
	/* until every thread is detached or gone (no tracee left: ECHILD; a
	 * thread that died before its interrupt stays in the table) */
	uint64_t deadline = now_ns() + 2000000000ull;
	while (live_threads(ps) && now_ns() < deadline && s->target != SAMPLER_EXITED)
		if (!drain(ps, 50))
			break;
	if (s->target != SAMPLER_EXITED)
		s->target = SAMPLER_DETACHED;
}

static void ptrace_wait_exit(struct sampler *s)
{
	struct ptrace_sampler *ps = PS(s);
	if (!s->launched || s->target == SAMPLER_EXITED) {
		check_exec_failure(ps);
		return;
	}
	int status;
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->target = SAMPLER_EXITED;
	s->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	s->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	check_exec_failure(ps);
}

const struct sampler_backend sampler_ptrace = {
	.name = "ptrace",
	.launch = ptrace_launch,
	.attach = ptrace_attach,
	.event_fd = ptrace_event_fd,
	.wake_at = ptrace_wake_at,
	.tick = ptrace_tick,
	.set_stopped = ptrace_set_stopped,
	.release = ptrace_release,
	.wait_exit = ptrace_wait_exit,
	.free = ptrace_free,
};

/* ---- shared helpers ---- */

const struct sampler_backend *sampler_backend_find(const char *name, char *err, size_t errlen)
{
	if (!name || !strcmp(name, "auto") || !strcmp(name, "ptrace"))
		return &sampler_ptrace;
	if (!strcmp(name, "perf")) {
		snprintf(err, errlen, "the perf-events backend is not available in this version; "
				      "use --backend ptrace");
		return NULL;
	}
	snprintf(err, errlen, "unknown backend '%s': use ptrace, perf or auto", name);
	return NULL;
}

int sampler_check_program(const char *prog, char *resolved, size_t n, char *err, size_t errlen)
{
	char cand[4096];
	if (strchr(prog, '/')) {
		snprintf(cand, sizeof(cand), "%s", prog);
	} else {
		const char *path = getenv("PATH");
		bool found = false;
		for (const char *p = path ? path : "/usr/bin:/bin"; *p && !found;) {
			size_t len = strcspn(p, ":");
			snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, len ? p : ".", prog);
			struct stat st;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				found = true;
			p += len + (p[len] == ':');
		}
		if (!found) {
			snprintf(err, errlen, "%s: command not found in PATH (give its path, e.g. ./%s)",
				 prog, prog);
			return -1;
		}
	}
	struct stat st;
	if (stat(cand, &st) != 0) {
		snprintf(err, errlen, "%s: %s (check the program path)", cand, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || access(cand, X_OK) != 0) {
		snprintf(err, errlen, "%s: not an executable file (chmod +x, or give a program)", cand);
		return -1;
	}
	unsigned char magic[4] = {0};
	FILE *f = fopen(cand, "rb");
	size_t got = f ? fread(magic, 1, 4, f) : 0;
	if (f)
		fclose(f);
	bool elf = got == 4 && !memcmp(magic, "\177ELF", 4);
	bool script = got >= 2 && magic[0] == '#' && magic[1] == '!';
	if (!elf && !script) {
		snprintf(err, errlen, "%s: not an ELF executable or script (nothing cprof-tui can run)",
			 cand);
		return -1;
	}
	snprintf(resolved, n, "%s", cand);
	return 0;
}

void raw_batch_clear(struct raw_batch *b)
{
	b->len = 0;
	b->stack_len = 0;
	b->lost = 0;
}

void raw_batch_free(struct raw_batch *b)
{
	free(b->v);
	free(b->stack);
	memset(b, 0, sizeof(*b));
}

struct raw_sample *raw_batch_add(struct raw_batch *b, pid_t tid, size_t stack_len)
{
	struct raw_sample *r = VEC_PUSH(b->v, b->len, b->cap);
	memset(r, 0, sizeof(*r));
	r->tid = tid;
	xgrow((void **)&b->stack, &b->stack_cap, b->stack_len + stack_len, 1);
	r->stack_off = b->stack_len;
	r->stack_len = stack_len;
	b->stack_len += stack_len;
	return r;
}
