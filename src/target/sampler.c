/* sampler.c — what sampler.h promises whatever the backend: checking a
 * program before launching it, raw sample batches, the processes and
 * threads published. */
#include "config.h"
#include "target/sampler.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

void raw_batch_drop_process(struct raw_batch *b, pid_t pid)
{
	size_t kept = 0;
	for (size_t i = 0; i < b->len; i++)
		if (b->v[i].pid != pid)
			b->v[kept++] = b->v[i]; /* (its stack copy stays where it is) */
	b->lost += b->len - kept;
	b->len = kept;
}

struct raw_sample *raw_batch_add(struct raw_batch *b, uint32_t thread, pid_t pid, pid_t tid,
				 size_t stack_len)
{
	struct raw_sample *r = VEC_PUSH(b->v, b->len, b->cap);
	memset(r, 0, sizeof(*r));
	r->thread = thread;
	r->pid = pid;
	r->tid = tid;
	xgrow((void **)&b->stack, &b->stack_cap, b->stack_len + stack_len, 1);
	r->stack_off = b->stack_len;
	r->stack_len = stack_len;
	b->stack_len += stack_len;
	return r;
}

struct sampler_process *sampler_process_find(struct sampler *s, pid_t pid)
{
	for (size_t i = s->nprocs; i-- > 0;) /* (the newest first: a pid used again) */
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

bool sampler_process_describe(struct sampler_process *p)
{
	p->described++;
	if (!procfs_task_comm(p->pid, p->pid, p->comm, sizeof(p->comm)))
		p->comm[0] = '\0';
	if (procfs_cmdline(p->pid, p->command, sizeof(p->command)))
		return true;
	snprintf(p->command, sizeof(p->command), "%s", p->comm);
	return false;
}

struct sampler_process *sampler_process_add(struct sampler *s, pid_t pid, pid_t ppid,
					    uint64_t started_ns)
{
	struct sampler_process *p = sampler_process_find(s, pid);
	if (p && !p->ended_ns)
		return p;
	p = VEC_PUSH(s->procs, s->nprocs, s->cap_procs);
	*p = (struct sampler_process){.pid = pid, .ppid = ppid, .started_ns = started_ns,
				      .exit_code = -1, .exit_signal = -1};
	sampler_process_describe(p);
	s->procs_changed++;
	return p;
}

bool sampler_process_exec(struct sampler *s, pid_t pid)
{
	struct sampler_process *p = sampler_process_find(s, pid);
	if (!p)
		return true;
	p->exec_count++;
	s->procs_changed++;
	return sampler_process_describe(p);
}

void sampler_process_end(struct sampler *s, pid_t pid, int status, uint64_t ended_ns)
{
	struct sampler_process *p = sampler_process_find(s, pid);
	if (!p)
		return;
	if (status >= 0) {
		p->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		p->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	if (!p->ended_ns) {
		p->ended_ns = ended_ns;
		s->procs_changed++;
	} else if (status >= 0) {
		s->procs_changed++;
	}
}

uint32_t sampler_thread_publish(struct sampler *s, pid_t pid, uint32_t proc, pid_t tid,
				char state)
{
	struct sampler_thread *st;
	uint64_t before = s->threads_changed;
	uint64_t *slot = u64map_slot(&s->published, (uint32_t)tid, UINT64_MAX);
	if (*slot != UINT64_MAX && s->threads[*slot].pid == pid && s->threads[*slot].proc == proc) {
		st = &s->threads[*slot];
	} else { /* (a tid used again, by a new process or not, is a new thread) */
		*slot = s->nthreads;
		st = VEC_PUSH(s->threads, s->nthreads, s->cap_threads);
		memset(st, 0, sizeof(*st));
		st->pid = pid;
		st->proc = proc;
		st->tid = tid;
		s->threads_changed++;
	}
	if (st->state != state)
		s->threads_changed++;
	st->state = state;
	if (s->threads_changed != before)
		st->changed = s->threads_changed;
	return (uint32_t)*slot;
}

void sampler_thread_name(struct sampler *s, uint32_t thread, const char *name)
{
	struct sampler_thread *st = &s->threads[thread];
	if (!strcmp(name, st->name))
		return;
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->changed = ++s->threads_changed;
}

void sampler_kill_tree(struct sampler *s)
{
	pid_t group = getpgid(s->pid);
	for (size_t i = 1; i < s->nprocs; i++)
		if (!s->procs[i].ended_ns && !s->procs[i].let_go && getpgid(s->procs[i].pid) == group)
			kill(s->procs[i].pid, SIGKILL);
	kill(s->pid, SIGKILL);
}

void sampler_free_tables(struct sampler *s)
{
	free(s->threads);
	free(s->procs);
	u64map_free(&s->published);
	s->threads = NULL;
	s->procs = NULL;
	s->nthreads = s->nprocs = 0;
}

pid_t sampler_fork_held(char *const argv[], const struct sampler_config *cfg, bool die_with_us,
			int *errpipe, char *err, size_t errlen)
{
	int pfd[2];
	pid_t parent = getpid();
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t set;
		sigemptyset(&set);
		pthread_sigmask(SIG_SETMASK, &set, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (die_with_us && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent))
			_exit(127);
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
	*errpipe = pfd[0];
	return pid;
}

void sampler_exec_failure(struct sampler *s, int *errpipe)
{
	int e;
	if (*errpipe < 0)
		return;
	if (read(*errpipe, &e, sizeof(e)) == sizeof(e))
		snprintf(s->error, sizeof(s->error), "cannot run the program: %s", strerror(e));
	close(*errpipe);
	*errpipe = -1;
}

int sampler_check_attach(pid_t pid, char *err, size_t errlen)
{
	if (!procfs_pid_exists(pid))
		snprintf(err, errlen, "no process with PID %d (check the PID with ps or pgrep)", (int)pid);
	else if (pid == getpid())
		snprintf(err, errlen, "cannot profile cprof-tui itself (PID %d)", (int)pid);
	else if (procfs_is_kernel_thread(pid))
		snprintf(err, errlen, "process %d is a kernel thread: it runs no user code to profile "
				      "(perf top shows kernel threads)", (int)pid);
	else if (procfs_process_gone(pid))
		snprintf(err, errlen, "process %d has exited (it is a zombie); nothing to profile", (int)pid);
	else
		return 0;
	return -1;
}

int sampler_set_stopped(struct sampler *s, bool stop)
{
	if (s->target == SAMPLER_EXITED || s->target == SAMPLER_DETACHED)
		return -1;
	int rc = kill(s->pid, stop ? SIGSTOP : SIGCONT);
	for (size_t i = 1; i < s->nprocs; i++)
		if (!s->procs[i].ended_ns && !s->procs[i].let_go)
			kill(s->procs[i].pid, stop ? SIGSTOP : SIGCONT);
	return rc;
}
