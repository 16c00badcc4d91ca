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
	struct sampler_thread *st;
	uint64_t before = s->threads_changed;
	if (th->proc == UINT32_MAX)
		return; /* a process not followed: let go at its first stop */
	uint64_t *slot = u64map_slot(&ps->published, (uint32_t)th->tid, UINT64_MAX);
	if (*slot != UINT64_MAX && s->threads[*slot].pid == th->pid && s->threads[*slot].proc == th->proc) {
		st = &s->threads[*slot];
	} else { /* (a tid used again, by a new process or not, is a new thread) */
		*slot = s->nthreads;
		st = VEC_PUSH(s->threads, s->nthreads, s->cap_threads);
		memset(st, 0, sizeof(*st));
		st->pid = th->pid;
		st->proc = th->proc;
		st->tid = th->tid;
		s->threads_changed++;
	}
	th->pub = (uint32_t)*slot;
	if (st->state != state)
		s->threads_changed++;
	st->state = state;
	uint64_t t = now_ns();
	if (state != 'X' && (!st->name[0] || t - th->comm_checked_ns > 1000000000ull)) {
		char name[sizeof(st->name)];
		if (procfs_task_comm(th->pid, th->tid, name, sizeof(name)) && strcmp(name, st->name)) {
			memcpy(st->name, name, sizeof(name));
			s->threads_changed++;
		}
		th->comm_checked_ns = t;
	}
	if (s->threads_changed != before)
		st->changed = s->threads_changed;
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
	struct sampler_process *p = pt_process_find(ps, pid);
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
		pt_process_end(ps, th->pid, -1);
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

struct sampler_process *pt_process_find(struct ptrace_sampler *ps, pid_t pid)
{
	struct sampler *s = &ps->pub;
	for (size_t i = s->nprocs; i-- > 0;) /* (the newest first: a pid used again) */
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

static void process_comm(struct sampler_process *p)
{
	if (!procfs_task_comm(p->pid, p->pid, p->comm, sizeof(p->comm)))
		p->comm[0] = '\0';
	if (!procfs_cmdline(p->pid, p->command, sizeof(p->command)))
		snprintf(p->command, sizeof(p->command), "%s", p->comm);
}

struct sampler_process *pt_process_add(struct ptrace_sampler *ps, pid_t pid, pid_t ppid)
{
	struct sampler *s = &ps->pub;
	struct sampler_process *p = pt_process_find(ps, pid);
	if (p && !p->ended_ns)
		return p;
	p = VEC_PUSH(s->procs, s->nprocs, s->cap_procs);
	*p = (struct sampler_process){.pid = pid, .ppid = ppid, .started_ns = now_ns(),
				      .exit_code = -1, .exit_signal = -1};
	process_comm(p);
	s->procs_changed++;
	return p;
}

void pt_process_exec(struct ptrace_sampler *ps, pid_t pid)
{
	struct sampler_process *p = pt_process_find(ps, pid);
	if (!p)
		return;
	p->exec_count++;
	process_comm(p);
	ps->pub.procs_changed++;
}

void pt_process_end(struct ptrace_sampler *ps, pid_t pid, int status)
{
	struct sampler_process *p = pt_process_find(ps, pid);
	if (!p)
		return;
	if (status >= 0) {
		p->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		p->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	if (!p->ended_ns) {
		p->ended_ns = now_ns();
		ps->pub.procs_changed++;
	} else if (status >= 0) {
		ps->pub.procs_changed++;
	}
}

void pt_process_let_go(struct ptrace_sampler *ps, pid_t pid)
{
	struct sampler_process *p = pt_process_find(ps, pid);
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
