/* ptrace-threads.c — the ptrace backend's thread table, and what the rest of
 * the program sees of it (sampler.threads). */
#include "config.h"
#include "target/ptrace.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <string.h>
#include <unistd.h>

struct pthr *pt_thread_find(struct ptrace_sampler *ps, pid_t tid)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].tid == tid && ps->t[i].st != T_GONE)
			return &ps->t[i];
	return NULL;
}

void pt_thread_publish(struct ptrace_sampler *ps, struct pthr *th, char state)
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

struct pthr *pt_thread_add(struct ptrace_sampler *ps, pid_t tid, enum tstate st)
{
	struct pthr *th = pt_thread_find(ps, tid);
	if (th)
		return th;
	/* reuse a slot of a gone thread */
	for (size_t i = 0; i < ps->nt && !th; i++)
		if (ps->t[i].st == T_GONE)
			th = &ps->t[i];
	if (!th)
		th = VEC_PUSH(ps->t, ps->nt, ps->cap_t);
	memset(th, 0, sizeof(*th));
	th->pid = ps->pub.pid;
	th->tid = tid;
	th->st = st;
	th->detach_pending = ps->releasing; /* born while we let go: detach it too */
	th->stat_fd = procfs_open_task_file(ps->pub.pid, tid, "stat");
	th->sched_fd = procfs_open_task_file(ps->pub.pid, tid, "schedstat");
	th->switches_fd = -1; /* opened when needed: pt_thread_on_cpu */
	pt_thread_baseline(th);
	pt_thread_publish(ps, th, 'R');
	return th;
}

void pt_thread_baseline(struct pthr *th)
{
	uint64_t runtime, slices;
	if (th->sched_fd >= 0 && procfs_task_schedstat(th->sched_fd, &runtime, &slices)) {
		th->clock.runtime_ns = runtime;
		th->clock.slices = slices;
	}
}

void pt_thread_close(struct pthr *th)
{
	int *fds[] = { &th->stat_fd, &th->sched_fd, &th->switches_fd };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

bool pt_thread_on_cpu(struct ptrace_sampler *ps, struct pthr *th, bool own_cpu)
{
	if (th->clock.on_cpu >= 0)
		return th->clock.on_cpu > 0;
	if (th->switches_fd < 0)
		th->switches_fd = procfs_open_task_file(ps->pub.pid, th->tid, "sched");
	uint64_t switches, exec_start, self_switches;
	if (th->switches_fd < 0 || !procfs_task_sched(th->switches_fd, &switches, &exec_start))
		return false;
	if (!own_cpu)
		policy_on_cpu(&th->clock, switches, exec_start);
	else if (ps->self_exec_start_ns ||
		 (ps->self_sched_fd >= 0 &&
		  procfs_task_sched(ps->self_sched_fd, &self_switches, &ps->self_exec_start_ns)))
		policy_preempted(&th->clock, exec_start, ps->self_exec_start_ns);
	return th->clock.on_cpu > 0;
}

void pt_thread_drop(struct ptrace_sampler *ps, struct pthr *th)
{
	if (th->st == T_INTERRUPTING && ps->pending)
		ps->pending--;
	pt_thread_close(th);
	pt_thread_publish(ps, th, 'X');
	th->st = T_GONE;
	th->held = false;
}

bool pt_threads_live(struct ptrace_sampler *ps)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE)
			return true;
	return false;
}
