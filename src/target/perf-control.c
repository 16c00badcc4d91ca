/* perf-control.c — the perf backend's life cycle: whether it can sample a
 * target, launch and attach, a tick (reading the rings), pause, let go;
 * the backend table. perf.h says how it samples. */
#include "config.h"
#include "target/perf.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* Bytes of the top of the stack the kernel copies per sample: README.md
 * ("Two backends") has what a larger copy buys (stacks reaching main). */
#define PERF_STACK_COPY 16384
/* How often the rings are read: records (a fork, an exec, a mapping) wake
 * the sampling thread at once, samples wait for this or for their ring to
 * be half full. */
#define ROUND_NS 4000000ull
/* The sample rings hold about this long of one busy thread's samples per
 * CPU (within 256 KiB and 8 MiB); the record rings are RECORD_RING. */
#define RING_HOLD_NS 100000000ull
#define RECORD_RING (256 * 1024)
/* How often /proc says whether the target's threads are stopped. */
#define STATE_LOOK_NS 250000000ull

/* epoll tags: a pidfd's is its process's index; the others are these. */
#define TAG_OTHER (1ull << 63)

static const char *paranoid_hint(char *buf, size_t n)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int level = 2;
	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = 2;
		fclose(f);
	}
	if (level > 2)
		snprintf(buf, n, "kernel.perf_event_paranoid is %d: a user's own processes need 2 or "
			 "less (sysctl kernel.perf_event_paranoid=2), or root", level);
	else
		snprintf(buf, n, "kernel.perf_event_paranoid is %d: another user's process needs "
			 "root or CAP_PERFMON; in a container, perf_event_open may be forbidden", level);
	return buf;
}

/* Open the sampling event as the backend would, on pid (0: ourselves, as
 * the program we launch will be), and close it: 0, or -1 with errno. */
static int probe(pid_t pid, const struct sampler_config *cfg, bool inherit_thread)
{
	struct perf_event_attr a;
	perf_sampling_attr(&a, cfg->frequency, PERF_STACK_COPY, inherit_thread);
	a.disabled = 1;
	int fd = perf_event_open_fd(&a, pid, 0);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Whether the kernel knows inherit_thread (Linux 5.13): children not
 * followed then carry no events; without it they do, and their samples
 * are dropped. */
static bool inherit_thread_known(void)
{
	return probe(0, &(struct sampler_config){.frequency = 99}, true) == 0;
}

int sampler_perf_usable(pid_t pid, const struct sampler_config *cfg, char *why, size_t n)
{
	char hint[256];
	if (cfg->wall) {
		snprintf(why, n, "--wall samples sleeping threads too, which perf events do not: "
			 "it takes the ptrace backend");
		return -1;
	}
	pid_t live = pid ? procfs_live_task(pid) : 0; /* (its first thread may have exited) */
	if (probe(live > 0 ? live : pid, cfg, false) == 0)
		return 0;
	int e = errno;
	if (e == EACCES || e == EPERM)
		snprintf(why, n, "perf events are not permitted here for %s (%s)",
			 pid ? "this process" : "cprof-tui's children", paranoid_hint(hint, sizeof(hint)));
	else if (e == ESRCH)
		snprintf(why, n, "no process with PID %d (check the PID with ps or pgrep)", (int)pid);
	else if (e == ENOSYS)
		snprintf(why, n, "perf_event_open is not available (a kernel without perf events, "
			 "or a container's seccomp filter)");
	else
		snprintf(why, n, "perf_event_open of a cpu-clock event failed: %s", strerror(e));
	return -1;
}

static void add_to_epoll(struct perf_sampler *ps, int fd, uint64_t tag)
{
	struct epoll_event ev = {EPOLLIN, {.u64 = tag}};
	epoll_ctl(ps->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static uint64_t pow2_at_least(uint64_t n)
{
	uint64_t p = 1;
	while (p < n)
		p *= 2;
	return p;
}

static void perf_free(struct sampler *s);

static struct perf_sampler *new_sampler(const struct sampler_config *cfg, char *err, size_t errlen)
{
	struct perf_sampler *ps = xcalloc(1, sizeof(*ps));
	ps->pub.ops = &sampler_perf;
	ps->pub.exit_code = -1;
	ps->pub.round_ns = ROUND_NS;
	ps->cfg = *cfg;
	ps->errpipe = ps->sigfd = ps->timerfd = -1;
	ps->launched_status = -1;
	ps->stack_copy = PERF_STACK_COPY;
	ps->period_ns = perf_period_ns(cfg->frequency);
	ps->inherit_thread = !cfg->follow && inherit_thread_known();
	ps->ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (ps->ncpu < 1)
		ps->ncpu = 1;
	ps->rings = xcalloc(2 * (size_t)ps->ncpu, sizeof(*ps->rings));
	for (int i = 0; i < 2 * ps->ncpu; i++)
		ps->rings[i].fd = -1;
	uint64_t hold = (cfg->frequency ? cfg->frequency : 999) * RING_HOLD_NS / 1000000000ull *
			(ps->stack_copy + 256);
	ps->sample_ring_bytes = pow2_at_least(hold < 256 * 1024 ? 256 * 1024 : hold);
	if (ps->sample_ring_bytes > 8 * 1024 * 1024)
		ps->sample_ring_bytes = 8 * 1024 * 1024;
	ps->record_ring_bytes = RECORD_RING;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ps->epfd = epoll_create1(EPOLL_CLOEXEC);
	ps->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	ps->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (ps->epfd < 0 || ps->sigfd < 0 || ps->timerfd < 0) {
		snprintf(err, errlen, "epoll, signalfd or timerfd: %s", strerror(errno));
		perf_free(&ps->pub);
		return NULL;
	}
	add_to_epoll(ps, ps->sigfd, TAG_OTHER);
	add_to_epoll(ps, ps->timerfd, TAG_OTHER);
	/* attaching opens 2 descriptors per thread and CPU */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return ps;
}

/* Open a thread's events; the rings made by the first are polled. */
static int open_thread(struct perf_sampler *ps, pid_t tid, bool enable_on_exec)
{
	bool first = ps->nfds == 0;
	int rc = perf_open_thread(ps, tid, enable_on_exec);
	for (int i = 0; first && rc == 0 && i < 2 * ps->ncpu; i++)
		if (ps->rings[i].fd >= 0)
			add_to_epoll(ps, ps->rings[i].fd, TAG_OTHER);
	return rc;
}

static void open_failed(pid_t pid, int e, char *err, size_t errlen)
{
	char hint[256];
	if (e == EACCES || e == EPERM)
		snprintf(err, errlen, "not permitted to sample process %d with perf events (%s); "
			 "--backend ptrace may be", (int)pid, paranoid_hint(hint, sizeof(hint)));
	else if (e == EMFILE || e == ENFILE)
		snprintf(err, errlen, "too many threads to sample process %d with perf events (2 "
			 "descriptors per thread and CPU: raise ulimit -n); --backend ptrace", (int)pid);
	else
		snprintf(err, errlen, "perf events on process %d: %s", (int)pid, strerror(e));
}

/* Read and act on what the rings hold now (at attach: samples dropped). */
static void read_records(struct perf_sampler *ps)
{
	perf_read_rings(ps, now_ns());
	for (size_t i = 0; i < ps->nrecs; i++)
		perf_handle_record(ps, &ps->recs[i]);
	perf_release_rings(ps);
}

/* Stop following process procs[proc]'s threads opened so far. */
static void drop_process(struct perf_sampler *ps, size_t proc)
{
	struct sampler *s = &ps->pub;
	for (size_t k = 0; k < s->nthreads; k++) {
		struct sampler_thread *t = &s->threads[k];
		if (t->proc == proc && t->state != 'X') {
			perf_close_direct(ps, t->tid);
			sampler_thread_publish(s, t->pid, t->proc, t->tid, 'X');
		}
	}
	perf_proc_of(ps, proc)->live = 0;
}

/* Every thread of process procs[proc], rescanning until no new one
 * appears: a thread made by one whose events were opened is already
 * followed (its FORK record says so), one made before is opened too (and
 * one listed before its FORK record came is opened twice: perf_close_direct).
 * 0, or -1 with errno when a thread could not be opened. */
static int open_process(struct perf_sampler *ps, size_t proc)
{
	pid_t pid = ps->pub.procs[proc].pid;
	size_t opened = 0;
	int e = ESRCH;
	for (bool added = true; added;) {
		added = false;
		read_records(ps);
		pid_t *tids;
		int n = procfs_list_tasks(pid, &tids);
		for (int i = 0; i < n; i++) {
			uint64_t row;
			if (u64map_get(&ps->pub.published, (uint32_t)tids[i], &row) &&
			    ps->pub.threads[row].pid == pid && ps->pub.threads[row].state != 'X')
				continue;
			size_t from = ps->nfds;
			if (open_thread(ps, tids[i], false)) {
				e = errno;
				if (e == ESRCH)
					continue; /* (exited meanwhile) */
				free(tids);
				drop_process(ps, proc); /* (a thread left out would be missed unseen) */
				errno = e;
				return -1;
			}
			u64map_put(&ps->direct, (uint32_t)tids[i], (uint64_t)from << 24 | (ps->nfds - from));
			perf_thread_born(ps, proc, tids[i], UINT64_MAX);
			opened++;
			added = true;
		}
		if (n > 0)
			free(tids);
	}
	errno = e;
	return opened ? 0 : -1;
}

static struct sampler *perf_attach(pid_t pid, const struct sampler_config *cfg, char *err,
				   size_t errlen)
{
	if (sampler_check_attach(pid, err, errlen))
		return NULL;
	struct perf_sampler *ps = new_sampler(cfg, err, errlen);
	if (!ps)
		return NULL;
	struct raw_batch discard = {0};
	ps->batch = &discard;
	ps->pub.pid = pid;
	pid_t tgid, ppid = 0;
	procfs_task_ids(pid, &tgid, &ppid);
	perf_follow_process(ps, pid, ppid, now_ns());
	if (open_process(ps, 0)) {
		open_failed(pid, errno, err, errlen);
		raw_batch_free(&discard);
		perf_free(&ps->pub);
		return NULL;
	}
	perf_load_maps(ps, 0);
	pid_t *kids;
	int n = cfg->follow ? procfs_descendants(pid, &kids) : 0;
	for (int i = 0; i < n; i++) {
		if (sampler_process_find(&ps->pub, kids[i]) || procfs_is_kernel_thread(kids[i]) ||
		    !procfs_task_ids(kids[i], &tgid, &ppid))
			continue; /* (known from a fork record, or gone) */
		size_t k = perf_follow_process(ps, kids[i], ppid, now_ns());
		if (open_process(ps, k)) {
			char e[200];
			open_failed(kids[i], errno, e, sizeof(e));
			snprintf(ps->pub.error, sizeof(ps->pub.error), "not following %s", e);
			ps->pub.procs[k].let_go = true;
			sampler_process_end(&ps->pub, kids[i], -1, now_ns());
		} else {
			perf_load_maps(ps, k);
		}
	}
	if (n > 0)
		free(kids);
	procfs_process_cpu(pid, &ps->attach_cpu_ns);
	ps->batch = NULL;
	raw_batch_free(&discard);
	ps->pub.target = SAMPLER_RUNNING;
	return &ps->pub;
}

/* The launched program's command, as its exec will have it (what /proc
 * says then, unless it has ended before it is read: a program of a
 * millisecond). */
static void command_of(char *const argv[], char *buf, size_t n)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int i = 0; argv[i] && at + 1 < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? " " : "", argv[i]);
}

static struct sampler *perf_launch(char *const argv[], const struct sampler_config *cfg,
				   char *err, size_t errlen)
{
	struct perf_sampler *ps = new_sampler(cfg, err, errlen);
	if (!ps)
		return NULL;
	pid_t pid = sampler_fork_held(argv, cfg, true, &ps->errpipe, err, errlen);
	if (pid < 0) {
		perf_free(&ps->pub);
		return NULL;
	}
	ps->pub.pid = pid;
	ps->pub.launched = true;
	int status;
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		snprintf(err, errlen, "the launched program did not stop before its exec (is "
			 "cprof-tui run under a debugger?)");
	} else if (open_thread(ps, pid, true)) {
		open_failed(pid, errno, err, errlen);
	} else {
		size_t i = perf_follow_process(ps, pid, getpid(), now_ns());
		command_of(argv, ps->pub.procs[i].command, sizeof(ps->pub.procs[i].command));
		perf_thread_born(ps, i, pid, UINT64_MAX);
		ps->pub.target = SAMPLER_RUNNING; /* (held: set_stopped(false) lets it run) */
		return &ps->pub;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	perf_free(&ps->pub);
	return NULL;
}

static int perf_event_fd(struct sampler *s)
{
	return PERF(s)->epfd;
}

static void perf_wake_at(struct sampler *s, uint64_t ns)
{
	struct itimerspec its = {{0, 0}, {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)}};
	timerfd_settime(PERF(s)->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Every thread of process procs[i] is gone (its pidfd says so, or waitpid),
 * whether or not their exit records came. */
static void process_gone(struct perf_sampler *ps, size_t i)
{
	struct sampler *s = &ps->pub;
	struct perf_proc *pp = perf_proc_of(ps, i);
	if (s->procs[i].ended_ns || pp->ending_ns)
		return;
	for (size_t k = 0; k < s->nthreads; k++)
		if (s->threads[k].proc == i && s->threads[k].state != 'X')
			sampler_thread_publish(s, s->threads[k].pid, (uint32_t)i, s->threads[k].tid, 'X');
	pp->live = 0;
	pp->ending_ns = now_ns();
}

/* The events woken since the last tick: a pidfd's process has ended; the
 * signalfd and the timer are emptied. */
static void take_wakeups(struct perf_sampler *ps, bool *ended, size_t nprocs)
{
	struct epoll_event ev[32];
	int n;
	while ((n = epoll_wait(ps->epfd, ev, 32, 0)) > 0) {
		for (int i = 0; i < n; i++)
			if (!(ev[i].data.u64 & TAG_OTHER) && ev[i].data.u64 < nprocs)
				ended[ev[i].data.u64] = true;
		if (n < 32)
			break;
	}
	struct signalfd_siginfo si[4];
	uint64_t expirations;
	while (read(ps->sigfd, si, sizeof(si)) > 0)
		;
	if (read(ps->timerfd, &expirations, sizeof(expirations)) < 0)
		expirations = 0;
}

/* The launched program's exit, from waitpid (with its CPU time). */
static bool launched_exit(struct perf_sampler *ps)
{
	struct sampler *s = &ps->pub;
	struct rusage ru;
	int status;
	if (!s->launched || ps->launched_status >= 0)
		return false;
	if (wait4(s->pid, &status, WNOHANG, &ru) != s->pid || WIFSTOPPED(status))
		return false;
	ps->launched_status = status;
	s->target_cpu_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
			   (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
	s->target_cpu_known = true;
	return true;
}

/* Stopped threads (SIGSTOP, job control): their state letters, and
 * whether every thread of the target is stopped. */
static void look_at_states(struct perf_sampler *ps)
{
	struct sampler *s = &ps->pub;
	bool any = false, all = true;
	for (size_t k = 0; k < s->nthreads; k++) {
		struct sampler_thread *t = &s->threads[k];
		if (t->state == 'X')
			continue;
		int fd = procfs_open_task_file(t->pid, t->tid, "stat");
		char st = fd >= 0 ? procfs_task_state(fd, NULL) : 0;
		if (fd >= 0)
			close(fd);
		bool stopped = st == 'T' || st == 't';
		if (st)
			sampler_thread_publish(s, t->pid, t->proc, t->tid, stopped ? 'T' : 'R');
		if (t->pid == s->pid && st) {
			any = true;
			all &= stopped;
		}
	}
	s->target = any && all ? SAMPLER_STOPPED : SAMPLER_RUNNING;
}

static void account_cpu(struct perf_sampler *ps)
{
	struct sampler *s = &ps->pub;
	uint64_t cpu;
	s->followed_cpu_ns = perf_counted_ns(ps);
	if (!s->launched && s->target != SAMPLER_EXITED && procfs_process_cpu(s->pid, &cpu)) {
		s->target_cpu_ns = cpu > ps->attach_cpu_ns ? cpu - ps->attach_cpu_ns : 0;
		s->target_cpu_known = true;
	}
}

static void perf_tick(struct sampler *s, bool sample, bool events, struct raw_batch *b)
{
	struct perf_sampler *ps = PERF(s);
	if (s->target == SAMPLER_EXITED || s->target == SAMPLER_DETACHED)
		return;
	ps->batch = b;
	ps->tick_no++;
	size_t nprocs = s->nprocs;
	bool *ended = xcalloc(nprocs + 1, sizeof(bool));
	take_wakeups(ps, ended, nprocs);
	bool main_gone = launched_exit(ps); /* (before reading: its last records are in) */
	read_records(ps);
	for (size_t i = 0; i < nprocs; i++)
		if (ended[i] || (i == 0 && main_gone))
			process_gone(ps, i);
	free(ended);
	perf_settle_processes(ps, false);
	perf_describe_execs(ps);
	uint64_t t = now_ns();
	if (s->procs[0].ended_ns) {
		account_cpu(ps);
		s->target = SAMPLER_EXITED;
		s->exit_code = s->procs[0].exit_code;
		s->exit_signal = s->procs[0].exit_signal > 0 ? s->procs[0].exit_signal : 0;
	} else if (t >= ps->next_state_ns) {
		look_at_states(ps);
		ps->next_state_ns = t + STATE_LOOK_NS;
	}
	ps->batch = NULL;
	(void)sample;
	(void)events;
}

static int perf_set_stopped(struct sampler *s, bool stop)
{
	PERF(s)->next_state_ns = 0; /* look at once at the next tick */
	return sampler_set_stopped(s, stop);
}

static void perf_pause(struct sampler *s, bool paused)
{
	struct perf_sampler *ps = PERF(s);
	ps->paused = paused;
	perf_enable_sampling(ps, !paused);
}

static void perf_release(struct sampler *s, bool kill_launched)
{
	struct perf_sampler *ps = PERF(s);
	if (s->target != SAMPLER_EXITED)
		account_cpu(ps);
	perf_close_events(ps); /* (the kernel removes the inherited copies too) */
	for (size_t i = 0; i < s->nprocs; i++) {
		struct perf_proc *pp = perf_proc_of(ps, i);
		if (pp->pidfd >= 0)
			close(pp->pidfd);
		pp->pidfd = -1;
	}
	if (kill_launched && s->launched && s->target != SAMPLER_EXITED) {
		sampler_kill_tree(s);
		int status;
		uint64_t deadline = now_ns() + 5000000000ull;
		while (now_ns() < deadline && !launched_exit(ps))
			usleep(10000);
		if (ps->launched_status >= 0) {
			s->target = SAMPLER_EXITED;
			status = ps->launched_status;
			s->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			s->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		}
	}
	if (s->target != SAMPLER_EXITED)
		s->target = SAMPLER_DETACHED;
	sampler_exec_failure(s, &ps->errpipe);
}

static void perf_wait_exit(struct sampler *s)
{
	struct perf_sampler *ps = PERF(s);
	if (s->launched && s->target != SAMPLER_EXITED) {
		int status;
		while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
			;
		s->target = SAMPLER_EXITED;
		s->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		s->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	sampler_exec_failure(s, &ps->errpipe);
}

static void perf_free(struct sampler *s)
{
	struct perf_sampler *ps = PERF(s);
	if (!s)
		return;
	perf_close_events(ps);
	for (size_t i = 0; i < ps->cap_pp; i++) {
		if (ps->pp[i].pidfd >= 0)
			close(ps->pp[i].pidfd);
		procfs_maps_free(&ps->pp[i].maps);
	}
	int fds[] = {ps->epfd, ps->sigfd, ps->timerfd, ps->errpipe};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(ps->pp);
	free(ps->rings);
	free(ps->fds);
	free(ps->recs);
	free(ps->rows);
	free(ps->scratch);
	u64map_free(&ps->direct);
	sampler_free_tables(s);
	free(ps);
}

const struct sampler_backend sampler_perf = {
	.name = "perf",
	.launch = perf_launch,
	.attach = perf_attach,
	.event_fd = perf_event_fd,
	.wake_at = perf_wake_at,
	.tick = perf_tick,
	.set_stopped = perf_set_stopped,
	.release = perf_release,
	.wait_exit = perf_wait_exit,
	.free = perf_free,
	.pause = perf_pause,
	.read_maps = perf_read_maps,
};
