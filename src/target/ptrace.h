/* ptrace.h — inside the ptrace sampling backend: a small debugger.
 * (The rest of the program sees only sampler.h's `sampler_ptrace` table.)
 *
 * Threads are seized (PTRACE_SEIZE), never attached with SIGSTOP, so group
 * stops are told apart from our own interrupts and job control keeps working.
 * A sample is: PTRACE_INTERRUPT, wait for the stop, GETREGS, copy the top of
 * the stack with process_vm_readv, PTRACE_CONT at once. Only threads whose
 * /proc state is R are interrupted, so no blocking system call in the target
 * fails with EINTR because of us. Signals the target receives while traced
 * are re-injected on resume, none lost. doc/ENGINE.md has the state machine
 * this follows and the measurements behind it.
 *
 * The backend is four files, one way:
 *   ptrace-control.c  launch, attach, release, the backend table
 *     -> ptrace-round.c    a round: who is due (policy.c), interrupts, waiting
 *       -> ptrace-stops.c  the stop state machine: waitpid statuses, resuming
 *         -> ptrace-threads.c  the thread table and what the model sees of it
 */
#ifndef CPROF_TARGET_PTRACE_H
#define CPROF_TARGET_PTRACE_H
#include "target/policy.h"
#include "target/sampler.h"
#include "model/hash.h"
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

enum tstate {
	T_NEW,          /* seized, first stop not seen yet (it may never come: seized running) */
	T_RUNNING,
	T_INTERRUPTING, /* PTRACE_INTERRUPT sent, waiting for the stop */
	T_LISTENING,    /* in group-stop, resumed with PTRACE_LISTEN */
	T_GONE,
};

struct pthr {
	pid_t pid;             /* its process */
	pid_t tid;
	uint32_t pub;          /* its index in sampler.threads */
	uint32_t proc;         /* its process's index in sampler.procs (UINT32_MAX: not followed) */
	enum tstate st;
	int stat_fd, sched_fd, switches_fd; /* /proc/.../task/TID/{stat,schedstat,sched} */
	struct cpu_clock clock; /* CPU mode: what the policy knows of it */
	uint64_t runtime0_ns;  /* its CPU time when added (schedstat) */
	bool due;              /* to be stopped this round */
	bool runnable;         /* state R at this round's look */
	int cpu;               /* the CPU it runs on or waits for, at this round's look */
	bool held;             /* stopped for this round's sample, not resumed yet */
	bool resumed;          /* resumed this round from a stop that was not a sample (its
				  first stop, an event, a signal): on its way back to user
				  code, not sampled at this round */
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
	bool awaiting_exec;    /* launched: no samples of our own pre-exec code */
	struct raw_batch *batch; /* where the current round's samples go */
	uint64_t period_ns;    /* sampling period per running thread */
	uint64_t rng;          /* random state: the order of resuming */
	size_t pending;        /* interrupts not answered yet */
	long *cpu_best;        /* CPU mode, per CPU: the thread most likely running there */
	bool in_round;         /* waiting for this round's stops */
	bool holding;          /* ... and stopped threads wait to be resumed together */
	size_t cap_cpu_best;
	int self_sched_fd;     /* the sampling thread's /proc/thread-self/sched */
	uint64_t self_exec_start_ns; /* ... read this round (0: not yet) */
	uint64_t gone_cpu_ns;  /* CPU time seen of the followed threads gone */
	uint64_t attach_cpu_ns; /* attached: the target's CPU time then (procfs_process_cpu) */
};

#define PS(s) ((struct ptrace_sampler *)(s))

/* ---- ptrace-threads.c: the thread table ---- */

/* A live thread of the table, or NULL. */
struct pthr *pt_thread_find(struct ptrace_sampler *ps, pid_t tid);
/* Add thread tid of process pid (or return it when known); opens its /proc
 * files. A thread of a process not in the table (not followed) is detached
 * at its first stop. */
struct pthr *pt_thread_add(struct ptrace_sampler *ps, pid_t pid, pid_t tid, enum tstate st);
/* Its CPU time and times scheduled in so far, as the policy's starting
 * point: a new thread has not run since (policy_due). */
void pt_thread_baseline(struct pthr *th);
/* Is a thread found in R at this round's look (policy_look done) on its
 * CPU, rather than waiting for it? From its context switches (policy_on_cpu)
 * or, on the sampler's own CPU (own_cpu), from when it was switched out
 * (policy_preempted): a /proc read of ~5 us, made only where two threads
 * share a CPU. */
bool pt_thread_on_cpu(struct ptrace_sampler *ps, struct pthr *th, bool own_cpu);
/* Close its /proc files. */
void pt_thread_close(struct pthr *th);
/* The followed threads' CPU time seen so far (sampler.followed_cpu_ns),
 * each live one read once more; and the target's (target_cpu_ns) from
 * /proc when it has not exited. */
void pt_account_cpu(struct ptrace_sampler *ps);
/* waitpid(tid, status, __WALL | flags) (tid -1: any); the launched
 * program's exit also gives its CPU time (target_cpu_ns). */
pid_t pt_wait(struct ptrace_sampler *ps, pid_t tid, int *status, int flags);
/* Mark a thread gone and close its files. */
void pt_thread_drop(struct ptrace_sampler *ps, struct pthr *th);
bool pt_threads_live(struct ptrace_sampler *ps);
/* Forget every thread of process pid (it exec'd: they are gone, it lives on). */
void pt_process_forget_threads(struct ptrace_sampler *ps, pid_t pid);
/* Live threads of process pid in the table. */
size_t pt_process_threads(struct ptrace_sampler *ps, pid_t pid);

/* Stop following process pid: detach its threads (at their next stop) and
 * do not follow its new children. */
void pt_process_let_go(struct ptrace_sampler *ps, pid_t pid);
/* Publish a thread's state letter (and, at most once a second, its name)
 * in the backend-neutral sampler.threads. */
void pt_thread_publish(struct ptrace_sampler *ps, struct pthr *th, char state);
/* Add a sample of th to this round's batch, with len bytes for its stack. */
struct raw_sample *pt_sample_add(struct ptrace_sampler *ps, struct pthr *th, size_t len);

/* ---- ptrace-stops.c: the stop state machine ---- */

/* Resume a stopped thread with sig (0: none), or detach it when due. */
void pt_resume(struct ptrace_sampler *ps, struct pthr *th, int sig);
/* Resume the threads held for this round's samples, in a random order. */
void pt_resume_held(struct ptrace_sampler *ps);
/* Copy the top of the stack from r's rsp into the space raw_batch_add
 * reserved for it (the last one in b). */
void pt_copy_stack(struct ptrace_sampler *ps, struct raw_batch *b, struct raw_sample *r);
/* Act on one waitpid status of tid. */
void pt_handle_status(struct ptrace_sampler *ps, pid_t tid, int status);
/* Handle every status that is ready; with wait_ms > 0, first wait up to that
 * long for one. False when no traced thread is left (ECHILD). */
bool pt_drain(struct ptrace_sampler *ps, int wait_ms);
/* Empty the signalfd; returns whether a SIGCHLD was read. */
bool pt_flush_sigfd(struct ptrace_sampler *ps);
/* Arm the alarm for ns (CLOCK_MONOTONIC; 0: never). */
void pt_set_alarm(struct ptrace_sampler *ps, uint64_t ns);
void pt_update_target_state(struct ptrace_sampler *ps);
/* Turn an EINTR our interrupt caused into a restart (see ptrace-stops.c). */
void pt_undo_eintr(struct ptrace_sampler *ps, struct pthr *th, struct user_regs_struct *regs);

/* ---- ptrace-round.c: a round of samples ---- */

void pt_tick(struct sampler *s, bool sample, bool events, struct raw_batch *b);

#endif
