/* perf-records.c — what the perf backend's records mean: samples into the
 * raw batch; threads and processes born, exec'ing and ending into
 * sampler.threads and sampler.procs, published as the ptrace backend
 * publishes them; mappings into each process's maps, which outlive it so
 * that its last samples can still be unwound. */
#include "config.h"
#include "target/perf.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long after its last thread's exit a process's status is waited for
 * (its zombie in /proc, or its pidfd once reaped) before it ends unknown. */
#define STATUS_WAIT_NS 200000000ull

/* pidfd's PIDFD_GET_INFO (Linux 6.15: the exit status of a process, also
 * once its parent has reaped it), declared here for older headers. */
struct pidfd_exit_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PIDFD_INFO_EXIT_BIT (1ull << 3)
#define PIDFD_GET_INFO_IOCTL _IOWR(0xFF, 11, struct pidfd_exit_info)

struct perf_proc *perf_proc_of(struct perf_sampler *ps, size_t i)
{
	if (i >= ps->cap_pp) {
		size_t old = ps->cap_pp;
		xgrow((void **)&ps->pp, &ps->cap_pp, i + 1, sizeof(*ps->pp));
		for (size_t k = old; k < ps->cap_pp; k++)
			ps->pp[k] = (struct perf_proc){.pidfd = -1, .status = -1};
	}
	return &ps->pp[i];
}

/* ---- mappings ---- */

static void map_free(struct map *m)
{
	free(m->path);
	m->path = NULL;
}

/* Insert mp (its path taken over) into m, sorted; what it overlaps of older
 * mappings goes (mmap over a range replaces what was there). */
static void maps_insert(struct maps *m, struct map mp)
{
	struct maps out = {0};
	for (size_t i = 0; i < m->len; i++) {
		struct map e = m->v[i];
		if (e.end <= mp.start || e.start >= mp.end) {
			*VEC_PUSH(out.v, out.len, out.cap) = e;
			continue;
		}
		if (e.start < mp.start) { /* its part below */
			struct map lo = e;
			lo.end = mp.start;
			lo.path = xstrdup(e.path);
			*VEC_PUSH(out.v, out.len, out.cap) = lo;
		}
		if (e.end > mp.end) { /* its part above */
			struct map hi = e;
			hi.offset += mp.end - e.start;
			hi.start = mp.end;
			hi.path = xstrdup(e.path);
			*VEC_PUSH(out.v, out.len, out.cap) = hi;
		}
		map_free(&e);
	}
	size_t at = 0;
	while (at < out.len && out.v[at].start < mp.start)
		at++;
	VEC_PUSH(out.v, out.len, out.cap);
	memmove(out.v + at + 1, out.v + at, (out.len - 1 - at) * sizeof(*out.v));
	out.v[at] = mp;
	free(m->v);
	*m = out;
}

static void maps_copy(struct maps *dst, const struct maps *src)
{
	procfs_maps_free(dst);
	for (size_t i = 0; i < src->len; i++) {
		struct map e = src->v[i];
		e.path = xstrdup(e.path);
		*VEC_PUSH(dst->v, dst->len, dst->cap) = e;
	}
}

int perf_read_maps(struct sampler *s, pid_t pid, struct maps *m, uint64_t *version)
{
	struct perf_sampler *ps = PERF(s);
	struct sampler_process *p = sampler_process_find(s, pid);
	if (!p)
		return -1;
	struct perf_proc *pp = perf_proc_of(ps, (size_t)(p - s->procs));
	if (!pp->maps_version)
		return -1; /* (freed: ended long ago) */
	if (pp->maps_version == *version)
		return 0;
	maps_copy(m, &pp->maps);
	*version = pp->maps_version;
	return 1;
}

/* ---- processes and threads ---- */

/* Process pid, followed and running (its end not published), or NULL. */
static struct sampler_process *running(struct perf_sampler *ps, pid_t pid)
{
	struct sampler_process *p = sampler_process_find(&ps->pub, pid);
	return p && !p->ended_ns ? p : NULL;
}

size_t perf_follow_process(struct perf_sampler *ps, pid_t pid, pid_t ppid, uint64_t started_ns)
{
	struct sampler *s = &ps->pub;
	struct sampler_process *parent = running(ps, ppid);
	size_t from = parent ? (size_t)(parent - s->procs) : SIZE_MAX;
	size_t i = (size_t)(sampler_process_add(s, pid, ppid, started_ns) - s->procs);
	struct perf_proc *pp = perf_proc_of(ps, i);
	pp->maps_version = 1;
	if (from != SIZE_MAX) /* a fork: its parent's mappings */
		maps_copy(&pp->maps, &perf_proc_of(ps, from)->maps);
	if (pp->pidfd < 0)
		pp->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pp->pidfd >= 0) { /* its end wakes the sampling thread, once */
		struct epoll_event ev = {EPOLLIN | EPOLLONESHOT, {.u64 = i}};
		epoll_ctl(ps->epfd, EPOLL_CTL_ADD, pp->pidfd, &ev);
	}
	return i;
}

void perf_load_maps(struct perf_sampler *ps, size_t proc)
{
	struct perf_proc *pp = perf_proc_of(ps, proc);
	struct maps now = {0};
	if (procfs_read_maps(ps->pub.procs[proc].pid, &now)) {
		procfs_maps_free(&now);
		return;
	}
	for (size_t i = 0; i < now.len; i++)
		maps_insert(&pp->maps, now.v[i]); /* (its path taken over) */
	free(now.v);
	pp->maps_version++;
}

/* The row of a thread alive of process pid, or UINT64_MAX. */
static uint64_t live_row(struct perf_sampler *ps, pid_t pid, pid_t tid)
{
	struct sampler *s = &ps->pub;
	uint64_t row;
	if (u64map_get(&s->published, (uint32_t)tid, &row) && s->threads[row].pid == pid &&
	    s->threads[row].state != 'X')
		return row;
	return UINT64_MAX;
}

void perf_thread_born(struct perf_sampler *ps, size_t proc, pid_t tid, uint64_t parent_row)
{
	struct sampler *s = &ps->pub;
	pid_t pid = s->procs[proc].pid;
	if (live_row(ps, pid, tid) != UINT64_MAX)
		return;
	uint32_t row = sampler_thread_publish(s, pid, (uint32_t)proc, tid, 'R');
	if (row < ps->cap_rows) /* (its tid again, ended: a new life) */
		ps->rows[row] = (struct row_cpu){0};
	char name[sizeof(s->threads[0].name)];
	if (parent_row != UINT64_MAX) /* a new thread is named as its creator until it renames */
		sampler_thread_name(s, row, s->threads[parent_row].name);
	else if (procfs_task_comm(pid, tid, name, sizeof(name)))
		sampler_thread_name(s, row, name);
	perf_proc_of(ps, proc)->live++;
}

static void thread_gone(struct perf_sampler *ps, uint64_t row, uint64_t when_ns)
{
	struct sampler *s = &ps->pub;
	struct sampler_thread *t = &s->threads[row];
	struct perf_proc *pp = perf_proc_of(ps, t->proc);
	sampler_thread_publish(s, t->pid, t->proc, t->tid, 'X');
	if (pp->live && !--pp->live)
		pp->ending_ns = when_ns;
}

/* The wait status of process pid, which has no thread left: from its
 * zombie's /proc/PID/stat (field 52), or from its pidfd once its parent
 * reaped it; -1 while it is still on its way out (or unknown). */
static int exit_status(pid_t pid, int pidfd, bool *reaped)
{
	int status = procfs_zombie_status(pid, reaped);
	if (!*reaped)
		return status;
	struct pidfd_exit_info info = {.mask = PIDFD_INFO_EXIT_BIT};
	if (pidfd >= 0 && ioctl(pidfd, PIDFD_GET_INFO_IOCTL, &info) == 0 &&
	    (info.mask & PIDFD_INFO_EXIT_BIT))
		return info.exit_code;
	return -1;
}

void perf_settle_processes(struct perf_sampler *ps, bool final)
{
	struct sampler *s = &ps->pub;
	uint64_t t = now_ns();
	for (size_t i = 0; i < s->nprocs; i++) {
		struct sampler_process *p = &s->procs[i];
		struct perf_proc *pp = perf_proc_of(ps, i);
		if (p->ended_ns) {
			if (pp->freed_at_tick && ps->tick_no >= pp->freed_at_tick) {
				procfs_maps_free(&pp->maps);
				pp->maps_version = 0;
				pp->freed_at_tick = 0;
			}
			continue;
		}
		if (!pp->ending_ns)
			continue;
		bool reaped = false, launched = s->launched && i == 0;
		int status = launched ? ps->launched_status : exit_status(p->pid, pp->pidfd, &reaped);
		if (status < 0 && !final && !(reaped && !launched) && t - pp->ending_ns < STATUS_WAIT_NS)
			continue;
		sampler_process_end(s, p->pid, status, pp->ending_ns);
		pp->freed_at_tick = ps->tick_no + 1; /* (this tick's samples are unwound first) */
		if (pp->pidfd >= 0)
			close(pp->pidfd);
		pp->pidfd = -1;
	}
}

/* ---- records ---- */

/* The registers of a sample, in the order of perf-events.c's REGS_MASK. */
static void take_regs(struct user_regs_struct *r, const uint64_t *v)
{
	r->rax = v[0];
	r->rbx = v[1];
	r->rcx = v[2];
	r->rdx = v[3];
	r->rsi = v[4];
	r->rdi = v[5];
	r->rbp = v[6];
	r->rsp = v[7];
	r->rip = v[8];
	r->r8 = v[9];
	r->r9 = v[10];
	r->r10 = v[11];
	r->r11 = v[12];
	r->r12 = v[13];
	r->r13 = v[14];
	r->r14 = v[15];
	r->r15 = v[16];
}
#define NREGS 17

/* The kernel copies the stack at the timer interrupt, where it cannot take
 * a page fault: its copy ends early at a page that was not mapped in at
 * that instant (seen here: 1-2 KiB of 16 copied, sample after sample of one
 * thread, while any other reader finds the page). The copy then ends on a
 * page boundary, as it does where the stack itself ends. Read the rest from
 * the thread now, page by page (up to where its stack ends): its callers'
 * frames, which the unwinder would otherwise read word by word, and could
 * not reuse from the thread's last unwind. Returns the bytes now in buf. */
static size_t complete_stack(pid_t tid, uint64_t sp, uint8_t *buf, size_t dyn, size_t size)
{
	enum { PAGE = 4096, MAXV = 16 };
	struct iovec local[MAXV], remote[MAXV];
	int n = 0;
	if (dyn >= size || (sp + dyn) % PAGE)
		return dyn;
	for (size_t at = dyn; at < size && n < MAXV; n++) {
		size_t len = size - at < PAGE ? size - at : PAGE;
		local[n] = (struct iovec){buf + at, len};
		remote[n] = (struct iovec){(void *)(uintptr_t)(sp + at), len};
		at += len;
	}
	ssize_t got = process_vm_readv(tid, local, (unsigned long)n, remote, (unsigned long)n, 0);
	return got > 0 ? dyn + (size_t)got : dyn;
}

static struct row_cpu *row_cpu_of(struct perf_sampler *ps, uint64_t row)
{
	if (row >= ps->cap_rows) {
		size_t old = ps->cap_rows;
		xgrow((void **)&ps->rows, &ps->cap_rows, (size_t)row + 1, sizeof(*ps->rows));
		memset(ps->rows + old, 0, (ps->cap_rows - old) * sizeof(*ps->rows));
	}
	return &ps->rows[row];
}

/* The CPU time a thread ran that its samples do not stand for: each of its
 * events (one per CPU) counts CPU time, kernel time included, and samples at
 * the end of each whole period of it (in user mode only, where only that is
 * permitted: pub.user_mode_only). What exceeds one period per event is lost samples
 * (or unsampled kernel time), not a short life: left out. It
 * may be negative (a sample paid for partly by another thread's time when
 * the kernel swaps two threads' event contexts): rows add up signed. */
static int64_t left_ns(const struct perf_sampler *ps, const struct row_cpu *c)
{
	int64_t left = (int64_t)c->ended_ns - (int64_t)(c->samples * ps->period_ns);
	int64_t most = (int64_t)(c->ends * ps->period_ns);
	return left < most ? left : most;
}

/* A thread's event on one CPU ended with it (inherit_stat): its count is
 * the thread's CPU time there. One comes per CPU, after the thread's EXIT
 * record and its samples (time order; a sample its ring held back until the
 * next read is counted late, and moves the sum by one period). Kernels
 * from 5.13 until a fix of December 2025 write none ("perf/core: Fix
 * missing read event generation on task exit"): then pub.short_unknown. */
static void on_read(struct perf_sampler *ps, const uint32_t *ids, uint64_t value)
{
	struct sampler *s = &ps->pub;
	uint64_t row;
	ps->reads++;
	s->short_unknown = false; /* (the kernel tells) */
	if (!u64map_get(&s->published, ids[1], &row) || s->threads[row].pid != (pid_t)ids[0] ||
	    !value)
		return;
	struct row_cpu *c = row_cpu_of(ps, row);
	c->ended_ns += value;
	c->ends++;
	int64_t left = left_ns(ps, c);
	if (left > 0 && c->left_ns <= 0)
		s->short_threads++;
	else if (left <= 0 && c->left_ns > 0)
		s->short_threads--;
	ps->short_sum_ns += left - c->left_ns;
	c->left_ns = left;
	s->short_ns = ps->short_sum_ns > 0 ? (uint64_t)ps->short_sum_ns : 0;
}

static void on_sample(struct perf_sampler *ps, const struct perf_event_header *h, uint64_t time)
{
	const uint8_t *b = (const uint8_t *)(h + 1), *end = (const uint8_t *)h + h->size;
	uint32_t ids[2];
	uint64_t abi, regs[NREGS], size, dyn = 0;
	memcpy(ids, b, 8);
	memcpy(&abi, b + 16, 8);
	b += 24;
	if (abi == PERF_SAMPLE_REGS_ABI_NONE || b + sizeof(regs) + 8 > end)
		return; /* (no user registers: a thread past its exit_mm) */
	memcpy(regs, b, sizeof(regs));
	memcpy(&size, b + sizeof(regs), 8);
	const uint8_t *stack = b + sizeof(regs) + 8;
	if (size && stack + size + 8 <= end)
		memcpy(&dyn, stack + size, 8);
	if (dyn > size)
		dyn = size;
	pid_t pid = (pid_t)ids[0], tid = (pid_t)ids[1];
	uint64_t row = live_row(ps, pid, tid);
	if (row == UINT64_MAX) { /* a thread made as its events were opened */
		struct sampler_process *p = running(ps, pid);
		if (!p)
			return; /* a process not followed (a kernel without inherit_thread) */
		perf_thread_born(ps, (size_t)(p - ps->pub.procs), tid, UINT64_MAX);
		row = live_row(ps, pid, tid);
	}
	row_cpu_of(ps, row)->samples++;
	struct raw_sample *r = raw_batch_add(ps->batch, (uint32_t)row, pid, tid, (size_t)size);
	r->time_ns = time;
	take_regs(&r->regs, regs);
	uint8_t *copy = ps->batch->stack + r->stack_off;
	memcpy(copy, stack, (size_t)dyn);
	size_t len = complete_stack(tid, r->regs.rsp, copy, (size_t)dyn, (size_t)size);
	ps->batch->stack_len -= r->stack_len - len; /* (the last copy in the batch) */
	r->stack_len = len;
}

static void on_fork(struct perf_sampler *ps, const uint32_t *ids, uint64_t time)
{
	pid_t pid = (pid_t)ids[0], ppid = (pid_t)ids[1], tid = (pid_t)ids[2], ptid = (pid_t)ids[3];
	struct sampler *s = &ps->pub;
	if (live_row(ps, pid, tid) != UINT64_MAX && perf_close_direct(ps, tid))
		return; /* (followed already: opened at attach) */
	uint64_t parent_row = live_row(ps, ppid, ptid);
	if (pid == ppid) { /* a thread */
		struct sampler_process *p = running(ps, pid);
		if (p)
			perf_thread_born(ps, (size_t)(p - s->procs), tid, parent_row);
		return;
	}
	if (!ps->cfg.follow || !running(ps, ppid))
		return;
	struct sampler_process *old = running(ps, pid);
	if (old) /* its pid used again: the old one was reaped */
		perf_settle_processes(ps, true);
	size_t i = perf_follow_process(ps, pid, ppid, time);
	perf_thread_born(ps, i, tid, parent_row);
}

static void on_exit_record(struct perf_sampler *ps, const uint32_t *ids, uint64_t time)
{
	bool inherited = !u64map_del(&ps->direct, ids[2]); /* (opened at attach: no READ) */
	if (ids[2] != ids[0] && inherited) /* a thread ended, not a leader: its READ records follow */
		ps->exits++;
	ps->pub.short_unknown = ps->exits && !ps->reads; /* (until a READ record comes) */
	uint64_t row = live_row(ps, (pid_t)ids[0], (pid_t)ids[2]);
	if (row != UINT64_MAX)
		thread_gone(ps, row, time);
}

/* Process pid exec'd (by its thread that now has the leader's tid): its
 * other threads are gone, its mappings are new, and the samples of this
 * tick taken before mean nothing now (counted lost). */
static void on_exec(struct perf_sampler *ps, struct sampler_process *p, const char *comm)
{
	struct sampler *s = &ps->pub;
	size_t i = (size_t)(p - s->procs);
	struct perf_proc *pp = perf_proc_of(ps, i);
	for (size_t k = 0; k < s->nthreads; k++)
		if (s->threads[k].proc == i && s->threads[k].state != 'X' && s->threads[k].tid != p->pid)
			sampler_thread_publish(s, p->pid, (uint32_t)i, s->threads[k].tid, 'X');
	pp->live = 0;
	pp->ending_ns = 0;
	procfs_maps_free(&pp->maps);
	pp->maps_version++;
	raw_batch_drop_process(ps->batch, p->pid);
	char argv_command[sizeof(p->command)];
	bool first = s->launched && i == 0 && !p->exec_count; /* (its command: its argv) */
	snprintf(argv_command, sizeof(argv_command), "%s", p->command);
	if (!sampler_process_exec(s, p->pid) && first)
		snprintf(p->command, sizeof(p->command), "%s", argv_command); /* gone already */
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	pp->describe = true;
	uint64_t row = live_row(ps, p->pid, p->pid);
	if (row != UINT64_MAX)
		pp->live = 1;
	else
		perf_thread_born(ps, i, p->pid, UINT64_MAX);
	sampler_thread_name(s, (uint32_t)live_row(ps, p->pid, p->pid), comm);
}

void perf_describe_execs(struct perf_sampler *ps)
{
	struct sampler *s = &ps->pub;
	for (size_t i = 0; i < s->nprocs; i++) {
		struct perf_proc *pp = perf_proc_of(ps, i);
		if (!pp->describe || s->procs[i].ended_ns)
			continue;
		struct sampler_process *p = &s->procs[i];
		char before[sizeof(p->command)];
		snprintf(before, sizeof(before), "%s", p->command);
		pp->describe = !sampler_process_describe(p);
		if (pp->describe && s->launched && i == 0 && p->exec_count == 1)
			snprintf(p->command, sizeof(p->command), "%s", before); /* its argv */
		s->procs_changed++;
	}
}

static void on_comm(struct perf_sampler *ps, const struct perf_event_header *h)
{
	const uint8_t *b = (const uint8_t *)(h + 1);
	uint32_t ids[2];
	char comm[64];
	memcpy(ids, b, 8);
	snprintf(comm, sizeof(comm), "%.*s", (int)(h->size - sizeof(*h) - 8), (const char *)b + 8);
	struct sampler_process *p = running(ps, (pid_t)ids[0]);
	if (!p)
		return;
	if (h->misc & PERF_RECORD_MISC_COMM_EXEC) {
		on_exec(ps, p, comm);
		return;
	}
	uint64_t row = live_row(ps, (pid_t)ids[0], (pid_t)ids[1]);
	if (row != UINT64_MAX)
		sampler_thread_name(&ps->pub, (uint32_t)row, comm);
}

static void on_mmap2(struct perf_sampler *ps, const struct perf_event_header *h)
{
	struct {
		uint32_t pid, tid;
		uint64_t addr, len, pgoff;
		uint32_t maj, min;
		uint64_t ino, ino_generation;
		uint32_t prot, flags;
	} m;
	if (h->size < sizeof(*h) + sizeof(m) + 8)
		return;
	memcpy(&m, h + 1, sizeof(m));
	const char *name = (const char *)(h + 1) + sizeof(m);
	size_t room = h->size - sizeof(*h) - sizeof(m);
	struct sampler_process *p = running(ps, (pid_t)m.pid);
	bool exec = m.prot & PROT_EXEC, file = m.ino != 0 && !(h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID);
	if (!p || (!file && !exec && strncmp(name, "[vdso]", room)))
		return; /* (anonymous data: the heap, thread stacks, malloc's arenas) */
	struct perf_proc *pp = perf_proc_of(ps, (size_t)(p - ps->pub.procs));
	struct map mp = {
		.start = m.addr, .end = m.addr + m.len, .offset = m.pgoff,
		.dev = file ? (uint64_t)m.maj << 32 | m.min : 0, .inode = file ? m.ino : 0,
		.readable = m.prot & PROT_READ, .writable = m.prot & PROT_WRITE, .executable = exec,
		.path = xasprintf("%.*s", (int)strnlen(name, room), name),
	};
	if (!file && mp.path[0] == '/' && mp.path[1] == '/')
		mp.path[0] = '\0'; /* "//anon": as /proc/PID/maps shows it, no name */
	maps_insert(&pp->maps, mp);
	pp->maps_version++;
}

void perf_handle_record(struct perf_sampler *ps, const struct perf_record *r)
{
	const struct perf_event_header *h = r->h;
	const uint32_t *ids = (const uint32_t *)(h + 1);
	uint64_t lost;
	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		on_sample(ps, h, r->time);
		break;
	case PERF_RECORD_FORK:
		on_fork(ps, ids, r->time);
		break;
	case PERF_RECORD_EXIT:
		on_exit_record(ps, ids, r->time);
		break;
	case PERF_RECORD_READ:
		if (h->size >= sizeof(*h) + 16) {
			uint64_t value;
			memcpy(&value, ids + 2, 8);
			on_read(ps, ids, value);
		}
		break;
	case PERF_RECORD_COMM:
		on_comm(ps, h);
		break;
	case PERF_RECORD_MMAP2:
		on_mmap2(ps, h);
		break;
	case PERF_RECORD_LOST:
		memcpy(&lost, (const uint8_t *)(h + 1) + 8, 8);
		if (r->ring < (uint32_t)ps->ncpu)
			ps->batch->lost += lost; /* (samples; else records, below) */
		else
			snprintf(ps->pub.error, sizeof(ps->pub.error), "%llu records of threads, "
				 "processes and mappings lost (cprof-tui fell behind): some samples "
				 "may not be unwound", (unsigned long long)lost);
		break;
	case PERF_RECORD_THROTTLE:
		if (!ps->throttled++)
			snprintf(ps->pub.error, sizeof(ps->pub.error), "the kernel throttled sampling "
				 "(above kernel.perf_event_max_sample_rate): a lower -F gives steady "
				 "samples");
		break;
	}
}
