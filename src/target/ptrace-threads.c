/* ptrace-threads.c — the ptrace backend's tables of threads and processes,
 * and what the rest of the program sees of them (sampler.threads,
 * sampler.procs). */
#include "config.h"
#include "target/ptrace.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
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
	if (th->proc == UINT32_MAX)
		return; /* a process not followed: let go at its first stop */
	th->pub = sampler_thread_publish(s, th->pid, th->proc, th->tid, state);
	uint64_t t = now_ns();
	if (state != 'X' && (!s->threads[th->pub].name[0] || t - th->comm_checked_ns > 1000000000ull)) {
		char name[sizeof(s->threads[0].name)];
		if (procfs_task_comm(th->pid, th->tid, name, sizeof(name)))
			sampler_thread_name(s, th->pub, name);
		th->comm_checked_ns = t;
	}
}

struct pthr *pt_thread_add(struct ptrace_sampler *ps, pid_t pid, pid_t tid, enum tstate st)
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
	th->pid = pid;
	th->tid = tid;
	th->st = st;
	/* born while we let go, or a process we do not follow: detach it too */
	struct sampler_process *p = sampler_process_find(&ps->pub, pid);
	th->detach_pending = ps->releasing || !p || p->let_go;
	th->proc = p ? (uint32_t)(p - ps->pub.procs) : UINT32_MAX;
	th->stat_fd = procfs_open_task_file(pid, tid, "stat");
	th->sched_fd = procfs_open_task_file(pid, tid, "schedstat");
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
		if (!th->runtime0_ns)
			th->runtime0_ns = runtime ? runtime : 1;
	}
}

/* CPU time seen of a followed thread (0 for one we only pass by). */
static uint64_t cpu_seen(const struct pthr *th)
{
	return th->proc != UINT32_MAX && th->runtime0_ns && th->clock.runtime_ns > th->runtime0_ns
		       ? th->clock.runtime_ns - th->runtime0_ns
		       : 0;
}

void pt_account_cpu(struct ptrace_sampler *ps)
{
	struct sampler *s = &ps->pub;
	uint64_t sum = ps->gone_cpu_ns, runtime, slices;
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		if (th->st == T_GONE)
			continue;
		if (th->sched_fd >= 0 && procfs_task_schedstat(th->sched_fd, &runtime, &slices) &&
		    runtime > th->clock.runtime_ns)
			th->clock.runtime_ns = runtime;
		sum += cpu_seen(th);
	}
	s->followed_cpu_ns = sum;
	uint64_t cpu;
	if (s->target != SAMPLER_EXITED && procfs_process_cpu(s->pid, &cpu)) {
		s->target_cpu_ns = cpu > ps->attach_cpu_ns ? cpu - ps->attach_cpu_ns : 0;
		s->target_cpu_known = true;
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

struct raw_sample *pt_sample_add(struct ptrace_sampler *ps, struct pthr *th, size_t len)
{
	return raw_batch_add(ps->batch, th->pub, th->pid, th->tid, len);
}

bool pt_thread_on_cpu(struct ptrace_sampler *ps, struct pthr *th, bool own_cpu)
{
	if (th->clock.on_cpu >= 0)
		return th->clock.on_cpu > 0;
	if (th->switches_fd < 0)
		th->switches_fd = procfs_open_task_file(th->pid, th->tid, "sched");
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

static void forget(struct ptrace_sampler *ps, struct pthr *th)
{
	ps->gone_cpu_ns += cpu_seen(th);
	if (th->st == T_INTERRUPTING && ps->pending)
		ps->pending--;
	pt_thread_close(th);
	pt_thread_publish(ps, th, 'X');
	th->st = T_GONE;
	th->held = false;
}

void pt_thread_drop(struct ptrace_sampler *ps, struct pthr *th)
{
	forget(ps, th);
	if (!pt_process_threads(ps, th->pid)) /* its last thread: the process has ended */
		sampler_process_end(&ps->pub, th->pid, -1, now_ns());
}

void pt_process_forget_threads(struct ptrace_sampler *ps, pid_t pid)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE && ps->t[i].pid == pid)
			forget(ps, &ps->t[i]);
}

size_t pt_process_threads(struct ptrace_sampler *ps, pid_t pid)
{
	size_t n = 0;
	for (size_t i = 0; i < ps->nt; i++)
		n += ps->t[i].st != T_GONE && ps->t[i].pid == pid;
	return n;
}

void pt_process_let_go(struct ptrace_sampler *ps, pid_t pid)
{
	struct sampler_process *p = sampler_process_find(&ps->pub, pid);
	if (p && !p->let_go) {
		p->let_go = true;
		ps->pub.procs_changed++;
	}
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		if (th->st == T_GONE || th->pid != pid)
			continue;
		th->detach_pending = true;
		if (th->st == T_LISTENING) {
			ptrace(PTRACE_DETACH, th->tid, 0, 0);
			pt_thread_drop(ps, th);
		} else if (th->st == T_RUNNING && ptrace(PTRACE_INTERRUPT, th->tid, 0, 0) == 0) {
			th->st = T_INTERRUPTING;
			ps->pending++;
		}
	}
}

bool pt_threads_live(struct ptrace_sampler *ps)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE)
			return true;
	return false;
}
