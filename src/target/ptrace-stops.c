/* ptrace-stops.c — the ptrace backend's stop state machine: every waitpid
 * status of a traced thread, and how each stop is resumed. */
#include "config.h"
#include "target/ptrace.h"
#include "target/procfs.h"
#include "model/hash.h"
#include "model/strutil.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void pt_resume(struct ptrace_sampler *ps, struct pthr *th, int sig)
{
	if (th->detach_pending) {
		ptrace(PTRACE_DETACH, th->tid, 0, (void *)(long)sig);
		pt_thread_drop(ps, th);
		return;
	}
	if (ptrace(PTRACE_CONT, th->tid, 0, (void *)(long)sig) == 0 && th->st != T_INTERRUPTING)
		th->st = T_RUNNING;
	/* ESRCH: it died; its exit is reported by waitpid */
}

/* Kernel-internal codes a system call ends with when a signal (or our
 * interrupt) comes while it sleeps: restart it, restart unless a handler
 * runs, restart it with its remaining time. */
#define ERESTARTSYS 512
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* Our interrupt stopped the thread on its way out of a system call that
 * gives up with EINTR when interrupted (epoll_wait, sigtimedwait, ...): turn
 * the EINTR into the kernel's "restart unless a signal handler runs", so the
 * target never sees an EINTR we caused. A real signal arriving meanwhile
 * still gets EINTR, as it would without us. */
void pt_undo_eintr(struct ptrace_sampler *ps, struct pthr *th, struct user_regs_struct *regs)
{
	if ((int64_t)regs->orig_rax < 0 || (int64_t)regs->rax != -EINTR)
		return;
	struct user_regs_struct fixed = *regs;
	fixed.rax = (uint64_t)-ERESTARTNOHAND;
	if (ptrace(PTRACE_SETREGS, th->tid, 0, &fixed) == 0)
		ps->pub.restarted++;
}


/* Copy the top of the stack from r's rsp into the space raw_batch_add
 * reserved (the last one in b), and give back what was not filled. */
void pt_copy_stack(struct ptrace_sampler *ps, struct raw_batch *b, struct raw_sample *r)
{
	struct iovec local = {b->stack + r->stack_off, SAMPLER_STACK_COPY};
	struct iovec remote = {(void *)(uintptr_t)r->regs.rsp, SAMPLER_STACK_COPY};
	ssize_t n = process_vm_readv(r->tid, &local, 1, &remote, 1, 0); /* (the process's
						     memory, even after its first thread exited) */
	r->stack_len = n > 0 ? (size_t)n : 0;
	b->stack_len -= SAMPLER_STACK_COPY - r->stack_len;
}

/* Did the stop find the thread asleep in a system call (our interrupt woke
 * it: the call ends with EINTR or one of the kernel's restart codes)? */
static bool asleep_in_syscall(const struct user_regs_struct *regs)
{
	int64_t rc = (int64_t)regs->rax;
	return (int64_t)regs->orig_rax >= 0 &&
	       (rc == -EINTR || (rc <= -ERESTARTSYS && rc >= -ERESTART_RESTARTBLOCK));
}

static void drop_last(struct raw_batch *b)
{
	b->len--;
	b->stack_len -= SAMPLER_STACK_COPY;
}

/* Copy registers and stack of a thread stopped by our interrupt. In CPU
 * mode, a thread found asleep at the stop (in R when /proc was read, asleep
 * in a system call by the time the interrupt came) was not running at the
 * round: it gets no sample, as perf's cpu-clock would give it none. */
static void take_sample(struct ptrace_sampler *ps, struct pthr *th)
{
	struct raw_batch *b = ps->batch;
	if (!b)
		return;
	struct raw_sample *r = pt_sample_add(ps, th, SAMPLER_STACK_COPY);
	r->time_ns = now_ns();
	if (ptrace(PTRACE_GETREGS, th->tid, 0, &r->regs) != 0) {
		drop_last(b);
		b->lost++;
		return;
	}
	bool asleep = asleep_in_syscall(&r->regs);
	pt_undo_eintr(ps, th, &r->regs);
	if (asleep && !ps->cfg.wall) {
		drop_last(b);
		ps->pub.asleep_at_stop++;
		return;
	}
	pt_copy_stack(ps, b, r);
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
void pt_resume_held(struct ptrace_sampler *ps)
{
	if (!ps->nt)
		return;
	size_t start = rand_next(&ps->rng) % ps->nt;
	uint64_t t = now_ns();
	for (size_t k = 0; k < ps->nt; k++) {
		struct pthr *th = &ps->t[(start + k) % ps->nt];
		if (!th->held)
			continue;
		th->held = false;
		ps->pub.stopped_ns += t - th->interrupted_ns;
		pt_resume(ps, th, 0);
	}
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

void pt_update_target_state(struct ptrace_sampler *ps)
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
/* Programs that trace their own children (or attach to processes): a
 * child we trace could not be traced by them. A followed process that execs
 * one is let go, with its children. */
static bool is_debugger(const char *comm)
{
	static const char *const names[] = {"strace", "ltrace", "gdb", "gdbserver", "lldb",
					    "lldb-server", "rr", "cprof-tui"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(comm, names[i]))
			return true;
	return false;
}

/* Process pid exec'd (reported under its leader's tid, pid): every other
 * thread of it is gone, the one that exec'd has the leader's tid now. */
static void handle_exec(struct ptrace_sampler *ps, pid_t pid)
{
	pt_process_forget_threads(ps, pid);
	pt_thread_add(ps, pid, pid, T_RUNNING);
	sampler_process_exec(&ps->pub, pid);
	struct sampler_process *p = sampler_process_find(&ps->pub, pid);
	if (pid == ps->pub.pid)
		ps->awaiting_exec = false;
	else if (p && is_debugger(p->comm)) {
		snprintf(ps->pub.error, sizeof(ps->pub.error),
			 "process %d runs %s: not followed (it traces its own children)", (int)pid,
			 p->comm);
		pt_process_let_go(ps, pid);
	}
	if (ps->batch) /* samples of this round may predate the exec */
		raw_batch_drop_process(ps->batch, pid);
}

/* A new task tid, announced by a fork, vfork or clone event of a thread of
 * process parent (or by its own first stop, then parent is 0): a thread, or
 * a process, followed or not (then detached at its first stop). */
static struct pthr *new_task(struct ptrace_sampler *ps, pid_t parent, pid_t tid, bool process)
{
	struct pthr *th = pt_thread_find(ps, tid);
	if (th)
		return th; /* its first stop came first */
	pid_t pid = tid, ppid = parent;
	if (!process && !procfs_task_ids(tid, &pid, &ppid))
		pid = tid; /* (gone already: its end will be reported) */
	if (pid == tid && pid != parent && ps->cfg.follow)
		sampler_process_add(&ps->pub, pid, ppid, now_ns());
	return pt_thread_add(ps, pid, tid, T_NEW);
}

void pt_handle_status(struct ptrace_sampler *ps, pid_t tid, int status)
{
	struct sampler *s = &ps->pub;
	struct pthr *th = pt_thread_find(ps, tid);

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (th)
			pt_thread_drop(ps, th);
		if (sampler_process_find(s, tid)) /* a process's leader: its exit status */
			sampler_process_end(s, tid, status, now_ns());
		if (tid == s->pid && (s->launched || procfs_process_gone(s->pid))) {
			if (s->launched || !pt_process_threads(ps, s->pid)) {
				pt_account_cpu(ps);
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
	bool first = !th || th->st == T_NEW;
	if (!th) /* a new task whose first stop came before its parent's event */
		th = new_task(ps, 0, tid, false);
	else if (first) /* its first stop: resumed, it has not run yet */
		pt_thread_baseline(th);
	if (first && th->pid != s->pid && !th->detach_pending)
		/* a child's: our options, without the launched program's EXITKILL
		 * (inherited): were cprof-tui to die, the children would run on */
		ptrace(PTRACE_SETOPTIONS, tid, 0, (void *)(long)ps->opts);
	th->resumed = !(th->st == T_INTERRUPTING && ev == PTRACE_EVENT_STOP && !is_stop_signal(sig));
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
				pt_thread_drop(ps, th);
				break;
			}
			th->st = T_LISTENING;
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			pt_thread_publish(ps, th, 'T');
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
					pt_thread_publish(ps, th, 'R');
					break;
				}
				if (ps->in_round) /* (a later stop waited for a CPU first) */
					ps->pub.stopped_ns += now_ns() - th->interrupted_ns;
			} else {
				/* stopped to be detached: it may have been asleep */
				struct user_regs_struct regs;
				if (ptrace(PTRACE_GETREGS, tid, 0, &regs) == 0)
					pt_undo_eintr(ps, th, &regs);
			}
		}
		pt_thread_publish(ps, th, 'R');
		pt_resume(ps, th, 0);
		break;
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK: {
		unsigned long msg = 0;
		bool ok = ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0;
		pid_t parent = th->pid;
		pt_resume(ps, th, 0);
		if (ok) /* after resume: adding may move the thread table under th */
			new_task(ps, parent, (pid_t)msg, ev != PTRACE_EVENT_CLONE);
		break;
	}
	case PTRACE_EVENT_EXEC:
		handle_exec(ps, tid);
		th = pt_thread_find(ps, tid);
		pt_resume(ps, th, 0);
		break;
	case 0:
		/* signal-delivery-stop: deliver the signal, none lost */
		pt_resume(ps, th, sig);
		break;
	default:
		pt_resume(ps, th, 0);
		break;
	}
	pt_update_target_state(ps);
}

/* Empty the signalfd (its SIGCHLDs only wake the caller's poll: waitpid
 * tells what happened; a SIGALRM is the alarm). Neither signal queues: one
 * read empties it. Returns whether a SIGCHLD was read. */
bool pt_flush_sigfd(struct ptrace_sampler *ps)
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
void pt_set_alarm(struct ptrace_sampler *ps, uint64_t ns)
{
	struct itimerspec its = {{0, 0}, {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)}};
	if (ps->have_alarm)
		timer_settime(ps->alarm, TIMER_ABSTIME, &its, NULL);
}

/* Handle every status that is ready; with wait_ms > 0, first wait up to that
 * long for one to arrive. Returns false when no traced thread is left
 * (ECHILD). */
pid_t pt_wait(struct ptrace_sampler *ps, pid_t tid, int *status, int flags)
{
	struct rusage ru;
	pid_t got = wait4(tid, status, __WALL | flags, &ru);
	struct sampler *s = &ps->pub;
	if (got > 0 && got == s->pid && s->launched && (WIFEXITED(*status) || WIFSIGNALED(*status))) {
		s->target_cpu_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
				   (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
		s->target_cpu_known = true;
	}
	return got;
}

bool pt_drain(struct ptrace_sampler *ps, int wait_ms)
{
	pt_flush_sigfd(ps);
	for (;;) {
		int status;
		pid_t tid = pt_wait(ps, -1, &status, WNOHANG);
		if (tid > 0) {
			pt_handle_status(ps, tid, status);
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
		pt_flush_sigfd(ps);
	}
	return true;
}
