/* ptrace-control.c — the ptrace backend's life cycle: launch a program or
 * attach to a process, stop and continue it, let it go; the backend table. */
#include "config.h"
#include "target/ptrace.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int ptrace_event_fd(struct sampler *s)
{
	return PS(s)->sigfd;
}

static void ptrace_wake_at(struct sampler *s, uint64_t ns)
{
	PS(s)->alarm_ns = ns;
	pt_set_alarm(PS(s), ns);
}

static struct ptrace_sampler *new_sampler(const struct sampler_config *cfg, char *err,
					  size_t errlen)
{
	struct ptrace_sampler *ps = xcalloc(1, sizeof(*ps));
	ps->pub.ops = &sampler_ptrace;
	ps->pub.exit_code = -1;
	ps->cfg = *cfg;
	ps->errpipe = -1;
	ps->self_sched_fd = open("/proc/thread-self/sched", O_RDONLY | O_CLOEXEC);
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
	if (cfg->follow) /* (children seize with these options too, but never EXITKILL) */
		ps->opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
	return ps;
}

static void ptrace_free(struct sampler *s)
{
	struct ptrace_sampler *ps = PS(s);
	if (!s)
		return;
	for (size_t i = 0; i < ps->nt; i++)
		if (ps->t[i].st != T_GONE)
			pt_thread_close(&ps->t[i]);
	if (ps->errpipe >= 0)
		close(ps->errpipe);
	if (ps->self_sched_fd >= 0)
		close(ps->self_sched_fd);
	if (ps->have_alarm)
		timer_delete(ps->alarm);
	close(ps->sigfd);
	free(ps->t);
	free(ps->cpu_best);
	u64map_free(&ps->published);
	free(s->threads);
	free(s->procs);
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
	if (geteuid() == 0)
		return "root may not trace it here either (a container, a security module, or a "
		       "process of another user namespace)";
	if (scope >= 1)
		return "run as root, or set kernel.yama.ptrace_scope=0 (sysctl)";
	return "run as the process's user or as root (a container may also forbid ptrace)";
}

static void ptrace_release(struct sampler *s, bool kill_launched);

/* Seize every thread of process pid (rescanning until no new one appears).
 * Returns 0, or -1 with err set: not permitted, or a thread traced by
 * someone else. */
static int seize_process(struct ptrace_sampler *ps, pid_t pid, char *err, size_t errlen)
{
	size_t seized = 0;
	for (bool added = true; added;) {
		added = false;
		pid_t *tids;
		int n = procfs_list_tasks(pid, &tids);
		if (n < 0)
			break;
		for (int i = 0; i < n; i++) {
			if (pt_thread_find(ps, tids[i]))
				continue;
			if (ptrace(PTRACE_SEIZE, tids[i], 0, (void *)(long)ps->opts) != 0) {
				if (errno == ESRCH || procfs_task_exited(pid, tids[i]))
					continue; /* (an exited first thread: the others run on) */
				int e = errno, other = procfs_task_tracer_pid(pid, tids[i]);
				if (other == getpid())
					continue; /* born of a thread seized a moment ago: its event comes */
				if (other > 0) /* a debugger took this one thread */
					snprintf(err, errlen, "thread %d of process %d is already traced by PID "
							      "%d (a debugger?); detach it first",
						 (int)tids[i], (int)pid, other);
				else if (!seized)
					snprintf(err, errlen, "not permitted to trace process %d: %s; %s",
						 (int)pid, strerror(e), ptrace_denied_hint());
				else
					continue; /* a thread exiting under us */
				free(tids);
				return -1;
			}
			pt_thread_add(ps, pid, tids[i], T_RUNNING);
			seized++;
			added = true;
		}
		free(tids);
	}
	return 0;
}

/* --follow with -p: the process's descendants now (new ones come by their
 * parents' fork events). One that cannot be traced is left alone, named. */
static void seize_descendants(struct ptrace_sampler *ps, pid_t pid)
{
	pid_t *kids;
	int n = procfs_descendants(pid, &kids);
	for (int i = 0; i < n; i++) {
		if (pt_process_find(ps, kids[i]) || procfs_is_kernel_thread(kids[i]))
			continue;
		pid_t tgid, ppid;
		if (!procfs_task_ids(kids[i], &tgid, &ppid))
			continue; /* gone */
		char err[200];
		struct sampler_process *p = pt_process_add(ps, kids[i], ppid);
		if (seize_process(ps, kids[i], err, sizeof(err))) {
			snprintf(ps->pub.error, sizeof(ps->pub.error), "not following %s", err);
			pt_process_let_go(ps, kids[i]);
		} else if (!pt_process_threads(ps, kids[i])) {
			pt_process_end(ps, p->pid, -1);
		}
	}
	free(kids);
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
	if (procfs_is_kernel_thread(pid)) {
		snprintf(err, errlen, "process %d is a kernel thread: it runs no user code to profile "
				      "(perf top shows kernel threads)", (int)pid);
		return NULL;
	}
	if (procfs_process_gone(pid)) {
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
	pid_t tgid, ppid = 0;
	procfs_task_ids(pid, &tgid, &ppid);
	pt_process_add(ps, pid, ppid);
	if (seize_process(ps, pid, err, errlen)) {
		ptrace_release(&ps->pub, false); /* the threads seized so far run on */
		ptrace_free(&ps->pub);
		return NULL;
	}
	if (!ps->nt) {
		snprintf(err, errlen, "process %d exited while attaching", (int)pid);
		ptrace_free(&ps->pub);
		return NULL;
	}
	if (cfg->follow)
		seize_descendants(ps, pid);
	procfs_process_cpu(pid, &ps->attach_cpu_ns);
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
			int out = cfg->log_fd >= 0 ? cfg->log_fd : open("/dev/null", O_WRONLY);
			if (in >= 0)
				dup2(in, 0);
			if (out >= 0) {
				dup2(out, 1);
				dup2(out, 2);
			}
		}
		raise(SIGSTOP);
		execvpe(argv[0], argv, cfg->env ? cfg->env : environ);
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
	pt_process_add(ps, pid, getpid());
	pt_thread_add(ps, pid, pid, T_RUNNING);
	ps->pub.target = SAMPLER_RUNNING; /* (held: set_stopped(false) lets it run) */
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

/* Stop or continue every process followed (SIGSTOP: a group stop each). */
static int ptrace_set_stopped(struct sampler *s, bool stop)
{
	if (s->target == SAMPLER_EXITED || s->target == SAMPLER_DETACHED)
		return -1;
	int rc = kill(s->pid, stop ? SIGSTOP : SIGCONT);
	for (size_t i = 1; i < s->nprocs; i++)
		if (!s->procs[i].ended_ns && !s->procs[i].let_go)
			kill(s->procs[i].pid, stop ? SIGSTOP : SIGCONT);
	return rc;
}

/* Kill the launched program and the followed processes a Ctrl-C at the
 * terminal would reach (those of its process group); wait for its end. */
static void kill_launched_tree(struct ptrace_sampler *ps)
{
	struct sampler *s = &ps->pub;
	pid_t group = getpgid(s->pid);
	for (size_t i = 1; i < s->nprocs; i++)
		if (!s->procs[i].ended_ns && !s->procs[i].let_go && getpgid(s->procs[i].pid) == group)
			kill(s->procs[i].pid, SIGKILL);
	kill(s->pid, SIGKILL);
	uint64_t deadline = now_ns() + 5000000000ull;
	while (s->target != SAMPLER_EXITED && now_ns() < deadline)
		pt_drain(ps, 50);
}

static void ptrace_release(struct sampler *s, bool kill_launched)
{
	struct ptrace_sampler *ps = PS(s);
	pt_drain(ps, 0);
	pt_account_cpu(ps);
	if (kill_launched && s->launched && s->target != SAMPLER_EXITED &&
	    s->target != SAMPLER_DETACHED)
		kill_launched_tree(ps);
	/* interrupt every thread still traced (the program's, or the children
	 * that outlive it) and detach it at its stop */
	ps->pending = 0;
	ps->releasing = true;
	for (size_t i = 0; i < ps->nt; i++) {
		struct pthr *th = &ps->t[i];
		if (th->st == T_GONE)
			continue;
		th->detach_pending = true;
		if (th->st == T_LISTENING) {
			ptrace(PTRACE_DETACH, th->tid, 0, 0);
			pt_thread_drop(ps, th);
		} else if (th->st != T_INTERRUPTING) {
			if (ptrace(PTRACE_INTERRUPT, th->tid, 0, 0) == 0)
				th->st = T_INTERRUPTING;
		}
	}
	/* until every thread is detached or gone (no tracee left: ECHILD; a
	 * thread that died before its interrupt stays in the table) */
	uint64_t deadline = now_ns() + 2000000000ull;
	while (pt_threads_live(ps) && now_ns() < deadline)
		if (!pt_drain(ps, 50))
			break;
	if (s->target != SAMPLER_EXITED)
		s->target = SAMPLER_DETACHED;
	check_exec_failure(ps);
}

static void ptrace_wait_exit(struct sampler *s)
{
	struct ptrace_sampler *ps = PS(s);
	if (!s->launched || s->target == SAMPLER_EXITED) {
		check_exec_failure(ps);
		return;
	}
	int status;
	while (pt_wait(ps, s->pid, &status, 0) < 0 && errno == EINTR)
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
	.tick = pt_tick,
	.set_stopped = ptrace_set_stopped,
	.release = ptrace_release,
	.wait_exit = ptrace_wait_exit,
	.free = ptrace_free,
};
