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
	/* seize every thread; rescan until no new ones appear */
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
			pt_thread_add(ps, tids[i], T_RUNNING);
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
			int out = cfg->log_fd >= 0 ? cfg->log_fd : open("/dev/null", O_WRONLY);
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
	pt_thread_add(ps, pid, T_RUNNING);
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
	ps->self_sched_fd = open("/proc/thread-self/sched", O_RDONLY | O_CLOEXEC);
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
	pt_drain(ps, 0);
	if (s->target == SAMPLER_EXITED || s->target == SAMPLER_DETACHED) {
		check_exec_failure(ps);
		return;
	}
	if (kill_launched && s->launched) {
		kill(s->pid, SIGKILL);
		uint64_t deadline = now_ns() + 5000000000ull;
		while (s->target != SAMPLER_EXITED && now_ns() < deadline)
			pt_drain(ps, 50);
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
			pt_thread_drop(ps, th);
		} else if (th->st != T_INTERRUPTING) {
			if (ptrace(PTRACE_INTERRUPT, th->tid, 0, 0) == 0)
				th->st = T_INTERRUPTING;
		}
	}
	/* until every thread is detached or gone (no tracee left: ECHILD; a
	 * thread that died before its interrupt stays in the table) */
	uint64_t deadline = now_ns() + 2000000000ull;
	while (pt_threads_live(ps) && now_ns() < deadline && s->target != SAMPLER_EXITED)
		if (!pt_drain(ps, 50))
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
	.tick = pt_tick,
	.set_stopped = ptrace_set_stopped,
	.release = ptrace_release,
	.wait_exit = ptrace_wait_exit,
	.free = ptrace_free,
};
