#include "config.h"
#include "app/recorder.h"
#include "target/procfs.h"
#include "target/sampler.h"
#include "db/session.h"
#include "model/strutil.h"
#include "stack/symbols.h"
#include "stack/unwind.h"
#include "model/xalloc.h"
#include <errno.h>
#include <poll.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PCS 256
#define MAX_FRAMES 1024
#define SYNC_INTERVAL_NS 1000000000ull /* SPEC §3: commit at least every second */

volatile int recorder_interrupted;

struct recorder {
	const struct options *o;
	struct profile *p;
	struct sampler *s;
	struct unwinder *u;
	struct symbolizer *sym;
	struct db_session *db;
	struct raw_batch batch;
	char *session_path;
	char *log_path;
	uint64_t start_ns, period_ns, next_tick_ns, last_sync_ns, end_ns;
	uint64_t active_ns, active_since_ns; /* time spent sampling (not paused) */
	uint64_t seen_exec;
	bool paused, released, over, finished;
	bool events;                  /* target events may be waiting (see recorder_wait) */
	uint64_t threads_seen;        /* the sampler's threads_changed at the last sync_threads */
	char state[128];
	char error[512];
	struct recorder_costs costs;
	uint64_t rng;                 /* xorshift state for the sampling jitter */

	struct pcstack *pcstacks; size_t npcstacks, cap_pcstacks;
	uint64_t *pcs; size_t npcs, cap_pcs;
	struct u64map pcstack_index;  /* hash -> pcstack id */
	struct u64map last_pcstack;   /* tid -> its latest pcstack (wall-mode reuse) */
	struct pending_sample *pending; size_t npending, pending_head, cap_pending;
};

static void set_error(struct recorder *r, const char *msg)
{
	snprintf(r->error, sizeof(r->error), "%s", msg);
}

static char *default_session_path(const char *comm, pid_t pid)
{
	char safe[64];
	size_t n = 0;
	for (const char *c = comm; *c && n + 1 < sizeof(safe); c++)
		safe[n++] = (*c == '/' || *c == ' ' || (unsigned char)*c < 0x20) ? '_' : *c;
	safe[n] = '\0';
	return xasprintf("cprof-%s-%d.db", n ? safe : "target", (int)pid);
}

static char *join_args(char *const argv[])
{
	size_t len = 1;
	for (size_t i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	char *s = xmalloc(len), *o = s;
	for (size_t i = 0; argv[i]; i++)
		o += sprintf(o, "%s%s", i ? " " : "", argv[i]);
	*o = '\0';
	return s;
}

/* The sampling thread must run when a round is due, even when the target's
 * threads keep every CPU busy: otherwise it runs late, samples fewer rounds
 * and holds threads stopped longer. Where permitted (root, CAP_SYS_NICE) it
 * takes nice -10: woken for a round it preempts a busy target thread at
 * once, and the work after a round (unwinding, the model, SQLite) still
 * shares the CPU with a target thread the kernel resumed there. The lowest
 * real-time priority (SCHED_FIFO), used before, held such a thread off its
 * CPU until that work was done: with two busy threads on two CPUs the target ran 4
 * points slower than at nice -10 (medians of 10 runs: +20.7% and +16.7%;
 * normal priority +19.2%, with 3-5% of rounds late instead of 1%). The
 * symbol worker thread, created before, keeps the normal priority. */
static void raise_priority(void)
{
	int n = nice(-10);
	(void)n; /* EPERM without the permission: run as we are */
}

struct recorder *recorder_start(const struct options *o, struct profile *p, bool quiet_child,
				char *err, size_t errlen)
{
	const struct sampler_backend *be = sampler_backend_find(o->backend, err, errlen);
	if (!be)
		return NULL;
	struct recorder *r = xcalloc(1, sizeof(*r));
	r->o = o;
	r->p = p;
	struct sampler_config cfg = {
		.frequency = o->frequency ? o->frequency : DEFAULT_FREQUENCY,
		.wall = o->wall,
		.quiet_child = quiet_child,
	};
	char comm[64] = "";
	if (o->mode == MODE_LAUNCH) {
		char resolved[4096];
		if (sampler_check_program(o->argv[0], resolved, sizeof(resolved), err, errlen))
			goto fail;
		snprintf(comm, sizeof(comm), "%s", str_basename(resolved));
		if (quiet_child) {
			r->log_path = o->output ? xasprintf("%s.log", o->output)
						: xasprintf("cprof-%s.log", comm);
			cfg.log_path = r->log_path;
		}
		r->s = be->launch(o->argv, &cfg, err, errlen);
		if (!r->s)
			goto fail;
		p->command = join_args(o->argv);
	} else {
		r->s = be->attach(o->pid, &cfg, err, errlen);
		if (!r->s)
			goto fail;
		char cmd[4096];
		procfs_task_comm(o->pid, o->pid, comm, sizeof(comm));
		p->command = xstrdup(procfs_cmdline(o->pid, cmd, sizeof(cmd)) ? cmd : comm);
	}
	p->pid = r->s->pid;
	p->frequency_hz = o->frequency ? o->frequency : DEFAULT_FREQUENCY;
	p->wall = o->wall;
	p->profile_all = o->profile_all;
	p->profile_only = xcalloc(o->nprofile_only + 1, sizeof(char *));
	for (size_t i = 0; i < o->nprofile_only; i++)
		p->profile_only[p->nprofile_only++] = xstrdup(o->profile_only[i]);
	char now[32];
	p->started_at = xstrdup(str_iso8601_now(now, sizeof(now)));

	r->session_path = o->output ? xstrdup(o->output) : default_session_path(comm, r->s->pid);
	r->db = db_session_create(r->session_path, err, errlen);
	if (!r->db)
		goto fail_release;
	r->u = unwind_new(r->s->pid);
	r->sym = symbols_new(r->s->pid, err, errlen);
	if (!r->u || !r->sym) {
		if (!r->u)
			snprintf(err, errlen, "libunwind: cannot create an address space");
		goto fail_release;
	}
	prctl(PR_SET_TIMERSLACK, 1UL); /* wake up on time for each tick */
	raise_priority();
	r->start_ns = now_ns();
	r->active_since_ns = r->start_ns;
	r->period_ns = 1000000000ull / p->frequency_hz;
	r->next_tick_ns = r->start_ns;
	r->rng = r->start_ns | 1;
	r->events = true;
	r->last_sync_ns = r->start_ns;
	r->end_ns = o->duration > 0 ? r->start_ns + (uint64_t)(o->duration * 1e9) : 0;
	r->seen_exec = r->s->exec_count;
	if (db_session_sync(r->db, p, err, errlen))
		goto fail_release;
	return r;

fail_release:
	r->s->ops->release(r->s, true);
fail:
	if (r->s)
		r->s->ops->free(r->s);
	unwind_free(r->u);
	symbols_free(r->sym);
	db_session_close(r->db);
	free(r->session_path);
	free(r->log_path);
	free(r);
	return NULL;
}

bool recorder_wait(struct recorder *r, int fd, int timeout_ms)
{
	uint64_t t = now_ns();
	uint64_t wait = (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000ull;
	bool sampling = !r->paused && !r->over && r->s->target == SAMPLER_RUNNING;
	/* sampling: the backend's event fd wakes us when the round is due (its
	 * alarm, set in recorder_step: cheaper here than a timeout per wait);
	 * the timeout is a fallback, a little later */
	if (sampling)
		wait = r->next_tick_ns > t ? r->next_tick_ns - t + 1000000 : 0;
	if (r->over && timeout_ms < 0)
		wait = 1000000000ull;
	struct pollfd pfd[2] = {{fd, POLLIN, 0}, {r->s->ops->event_fd(r->s), POLLIN, 0}};
	struct timespec ts = {(time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull)};
	int n = ppoll(fd >= 0 ? pfd : pfd + 1, fd >= 0 ? 2 : 1, &ts, NULL);
	r->events = n != 0 && (n < 0 || pfd[1].revents);
	return n > 0 && fd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP));
}

/* An unwound stack of addresses, de-duplicated: symbolised once, into a
 * profile stack, when the pending queue reaches it. */
struct pcstack {
	uint32_t off, depth;   /* in recorder.pcs */
	uint32_t flags;        /* enum stack_flags */
	int64_t stack;         /* profile stack id, -1 until symbolised */
};

struct pending_sample {
	uint64_t time_us;
	int tid;
	uint32_t pcstack;
};

static uint32_t intern_pcstack(struct recorder *r, const uint64_t *pcs, uint32_t depth,
			       uint32_t flags)
{
	uint64_t h = hash_bytes(pcs, depth * sizeof(uint64_t), flags), id;
	for (;; h++) {
		if (!u64map_get(&r->pcstack_index, h, &id))
			break;
		const struct pcstack *ps = &r->pcstacks[id];
		if (ps->depth == depth && ps->flags == flags &&
		    !memcmp(r->pcs + ps->off, pcs, depth * sizeof(uint64_t)))
			return (uint32_t)id;
	}
	for (uint32_t i = 0; i < depth; i++)
		symbols_request(r->sym, symbols_key(pcs[i], i > 0));
	id = r->npcstacks;
	struct pcstack *ps = VEC_PUSH(r->pcstacks, r->npcstacks, r->cap_pcstacks);
	ps->off = (uint32_t)r->npcs;
	ps->depth = depth;
	ps->flags = flags;
	ps->stack = -1;
	xgrow((void **)&r->pcs, &r->cap_pcs, r->npcs + depth, sizeof(uint64_t));
	memcpy(r->pcs + r->npcs, pcs, depth * sizeof(uint64_t));
	r->npcs += depth;
	u64map_put(&r->pcstack_index, h, id);
	return (uint32_t)id;
}

static void push_pending(struct recorder *r, uint64_t time_us, int tid, uint32_t pcstack)
{
	*VEC_PUSH(r->pending, r->npending, r->cap_pending) =
		(struct pending_sample){time_us, tid, pcstack};
	u64map_put(&r->last_pcstack, (uint32_t)tid, pcstack);
}

/* Unwind one raw sample (from its snapshot) into the pending queue. */
static void unwind_sample(struct recorder *r, const struct raw_sample *rs)
{
	uint64_t time_us = (rs->time_ns - r->start_ns) / 1000, last;
	if (rs->reuse) {
		/* wall mode: asleep since its last sample, so the same stack */
		if (u64map_get(&r->last_pcstack, (uint32_t)rs->tid, &last)) {
			r->p->counters.reused++;
			push_pending(r, time_us, rs->tid, (uint32_t)last);
		}
		return;
	}
	uint64_t pcs[MAX_PCS];
	bool complete;
	struct unwind_input in = {
		.tid = rs->tid,
		.regs = &rs->regs,
		.regs_partial = rs->regs_partial,
		.stack = r->batch.stack + rs->stack_off,
		.stack_len = rs->stack_len,
	};
	uint64_t t0 = now_ns();
	int n = unwind_stack(r->u, &in, pcs, MAX_PCS, &complete);
	uint32_t id = intern_pcstack(r, pcs, (uint32_t)n, complete ? 0 : STACK_INCOMPLETE);
	for (unsigned w = 0; w < (rs->weight ? rs->weight : 1); w++)
		push_pending(r, time_us, rs->tid, id);
	r->costs.unwind_ns += now_ns() - t0;
	r->costs.unwound++;
}

static uint32_t intern_frame(struct profile *p, const struct sym_frame *f)
{
	uint32_t file = profile_file(p, f->file, !f->system);
	return profile_frame(p, f->function, file, f->line, f->decl_line, f->module, f->flags);
}

/* The profile stack of an address stack, or -1 while an address is still
 * with the symbol worker. */
static int64_t symbolise(struct recorder *r, const struct pcstack *ps)
{
	uint32_t frames[MAX_FRAMES], depth = 0;
	struct sym_frame sf[SYM_MAX_INLINE];
	const uint64_t *pcs = r->pcs + ps->off;
	for (uint32_t i = 0; i < ps->depth && depth < MAX_FRAMES; i++) {
		int n = symbols_take(r->sym, symbols_key(pcs[i], i > 0), sf, SYM_MAX_INLINE);
		if (n < 0)
			return -1;
		for (int k = 0; k < n && depth < MAX_FRAMES; k++)
			frames[depth++] = intern_frame(r->p, &sf[k]);
	}
	return profile_stack(r->p, frames, depth, ps->flags);
}

/* Move pending samples, in order, into the model until the queue is empty,
 * a stack waits for the symbol worker, or the deadline (0: none) passes. */
static void drain_pending(struct recorder *r, uint64_t deadline_ns)
{
	uint64_t t0 = now_ns();
	while (r->pending_head < r->npending) {
		if (deadline_ns && now_ns() >= deadline_ns)
			break;
		const struct pending_sample *pd = &r->pending[r->pending_head];
		struct pcstack *ps = &r->pcstacks[pd->pcstack];
		if (ps->stack < 0 && (ps->stack = symbolise(r, ps)) < 0)
			break;
		profile_add_sample(r->p, pd->time_us, pd->tid, (uint32_t)ps->stack);
		r->pending_head++;
	}
	if (r->pending_head == r->npending)
		r->pending_head = r->npending = 0;
	r->costs.model_ns += now_ns() - t0;
}

/* Everything pending into the model, waiting for the symbol worker. */
static void drain_all(struct recorder *r)
{
	uint64_t give_up = now_ns() + 60000000000ull;
	for (;;) {
		drain_pending(r, 0);
		if (!r->npending || now_ns() > give_up)
			break;
		symbols_wait_idle(r->sym, 100);
	}
	if (r->npending) {
		set_error(r, "symbols took too long: samples left out of the profile");
		r->p->counters.lost += r->npending - r->pending_head;
		r->pending_head = r->npending = 0;
	}
}

/* After exec the same addresses mean other code: symbolise what was taken
 * before, then forget every address-level cache. */
static void flush_address_caches(struct recorder *r)
{
	drain_all(r);
	r->npcstacks = r->npcs = 0;
	u64map_clear(&r->pcstack_index);
	u64map_clear(&r->last_pcstack);
	unwind_flush(r->u);
	symbols_flush(r->sym);
}

static void sync_threads(struct recorder *r)
{
	r->threads_seen = r->s->threads_changed;
	for (size_t i = 0; i < r->s->nthreads; i++) {
		const struct sampler_thread *st = &r->s->threads[i];
		struct pthread *t = profile_thread(r->p, st->tid, st->name[0] ? st->name : NULL);
		t->state = st->state;
	}
}

static void do_sync(struct recorder *r)
{
	char err[512];
	char now[32];
	free(r->p->ended_at);
	r->p->ended_at = xstrdup(str_iso8601_now(now, sizeof(now)));
	uint64_t t = now_ns();
	if (db_session_sync(r->db, r->p, err, sizeof(err)))
		set_error(r, err);
	r->last_sync_ns = now_ns();
	r->costs.store_ns += r->last_sync_ns - t;
}

static void update_state_text(struct recorder *r)
{
	const struct sampler *s = r->s;
	switch (s->target) {
	case SAMPLER_EXITED:
		if (s->exit_signal)
			snprintf(r->state, sizeof(r->state), "killed by SIG%s",
				 sigabbrev_np(s->exit_signal) ? sigabbrev_np(s->exit_signal) : "?");
		else
			snprintf(r->state, sizeof(r->state), "exited with status %d", s->exit_code);
		break;
	case SAMPLER_DETACHED:
		snprintf(r->state, sizeof(r->state), "detached");
		break;
	case SAMPLER_STOPPED:
		snprintf(r->state, sizeof(r->state), "stopped");
		break;
	default:
		snprintf(r->state, sizeof(r->state), r->paused ? "paused" : "running");
	}
}

static void end_sampling(struct recorder *r)
{
	drain_all(r);
	if (!r->paused)
		r->active_ns += now_ns() - r->active_since_ns;
	r->paused = true;
	r->over = true;
}

/* The period with +-10% of random jitter: sampling at a fixed interval can
 * lock onto a program's own periodic work and see the same few instructions
 * every time (seen: one run in five gave a qsort comparator 30% instead of 9%). */
static uint64_t jittered_period(struct recorder *r)
{
	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 7;
	r->rng ^= r->rng << 17;
	uint64_t tenth = r->period_ns / 10;
	return r->period_ns - tenth + (tenth ? r->rng % (2 * tenth) : 0);
}

bool recorder_step(struct recorder *r)
{
	if (r->over) {
		update_state_text(r);
		return false;
	}
	struct sampler *s = r->s;
	uint64_t t = now_ns();
	bool due = !r->paused && s->target == SAMPLER_RUNNING && t >= r->next_tick_ns;
	raw_batch_clear(&r->batch);
	if (due) { /* the next round, known to this one: its wait ends there */
		r->next_tick_ns += jittered_period(r);
		if (r->next_tick_ns < t) { /* fell behind: do not burst to catch up */
			r->costs.late_ticks++;
			r->next_tick_ns = t + r->period_ns;
		}
		s->ops->wake_at(s, r->next_tick_ns);
	}
	s->ops->tick(s, due, r->events, &r->batch);
	r->events = true; /* unknown until the next recorder_wait */
	if (due) {
		r->costs.ticks++;
		r->costs.tick_ns += now_ns() - t;
	}
	if (s->exec_count != r->seen_exec) {
		r->seen_exec = s->exec_count;
		flush_address_caches(r);
		char cmd[4096];
		if (procfs_cmdline(s->pid, cmd, sizeof(cmd))) {
			free(r->p->command);
			r->p->command = xstrdup(cmd);
		}
	}
	for (size_t i = 0; i < r->batch.len; i++)
		unwind_sample(r, &r->batch.v[i]);
	/* symbolise in the time left before the next round */
	t = now_ns();
	bool sampling = !r->paused && s->target == SAMPLER_RUNNING;
	drain_pending(r, sampling ? (r->next_tick_ns > t + 100000 ? r->next_tick_ns - 100000 : t + 1)
				  : t + 20000000);
	r->p->counters.lost += r->batch.lost;
	if (s->threads_changed != r->threads_seen) /* not every round: 60 threads cost 3 us */
		sync_threads(r);
	if (s->error[0]) {
		set_error(r, s->error);
		s->error[0] = '\0';
	}
	t = now_ns();
	if (t - r->last_sync_ns >= SYNC_INTERVAL_NS)
		do_sync(r);
	if (s->target == SAMPLER_EXITED) {
		sync_threads(r);
		end_sampling(r);
	} else if ((r->end_ns && t >= r->end_ns) || recorder_interrupted) {
		end_sampling(r);
		s->ops->release(s, false);
		r->released = true;
	}
	update_state_text(r);
	if (r->over)
		do_sync(r);
	return !r->over;
}

void recorder_pause(struct recorder *r, bool paused)
{
	if (r->over || paused == r->paused)
		return;
	uint64_t t = now_ns();
	if (paused)
		r->active_ns += t - r->active_since_ns;
	else {
		r->active_since_ns = t;
		r->next_tick_ns = t;
	}
	r->paused = paused;
	update_state_text(r);
}

bool recorder_paused(const struct recorder *r)
{
	return r->paused && !r->over;
}

int recorder_stop_target(struct recorder *r, bool stop)
{
	return r->s->ops->set_stopped(r->s, stop);
}

enum target_state recorder_target_state(const struct recorder *r)
{
	switch (r->s->target) {
	case SAMPLER_EXITED: return TARGET_EXITED;
	case SAMPLER_DETACHED: return TARGET_DETACHED;
	case SAMPLER_STOPPED: return TARGET_STOPPED;
	default: return TARGET_RUNNING;
	}
}

int recorder_exit_status(const struct recorder *r)
{
	if (r->s->target != SAMPLER_EXITED)
		return 0;
	return r->s->exit_signal ? 128 + r->s->exit_signal : r->s->exit_code;
}

const char *recorder_state_text(const struct recorder *r)
{
	return r->state[0] ? r->state : "running";
}

double recorder_elapsed(const struct recorder *r)
{
	uint64_t a = r->active_ns;
	if (!r->paused)
		a += now_ns() - r->active_since_ns;
	return (double)a / 1e9;
}

double recorder_rate(const struct recorder *r)
{
	double e = recorder_elapsed(r);
	return e > 0 ? (double)r->p->nsamples / e : 0;
}

const struct recorder_costs *recorder_get_costs(const struct recorder *r)
{
	struct recorder *w = (struct recorder *)r;
	w->costs.stopped_ns = r->s->stopped_ns;
	unwind_stats(r->u, &w->costs.frames_stepped, &w->costs.frames_reused);
	symbols_stats(r->sym, &w->costs.symbols_ns, &w->costs.addresses);
	return &r->costs;
}

const char *recorder_last_error(const struct recorder *r)
{
	return r->error[0] ? r->error : NULL;
}

const char *recorder_session_path(const struct recorder *r)
{
	return r->session_path;
}

void recorder_sync_now(struct recorder *r)
{
	do_sync(r);
}

size_t recorder_nodebug_modules(struct recorder *r, char ***paths)
{
	return symbols_modules_without_debuginfo(r->sym, paths);
}

int recorder_finish(struct recorder *r, bool kill_launched)
{
	struct sampler *s = r->s;
	if (r->finished)
		return recorder_exit_status(r);
	r->finished = true;
	if (!r->over)
		end_sampling(r);
	if (s->target != SAMPLER_EXITED && (!r->released || (kill_launched && s->launched)))
		s->ops->release(s, kill_launched);
	do_sync(r);
	if (s->launched && s->target != SAMPLER_EXITED) {
		/* detached (-d expired, or interrupted): the program runs on to its end.
		 * A terminal's SIGINT already reached it; a SIGTERM/SIGHUP sent to us
		 * is passed on. */
		if (recorder_interrupted == SIGTERM || recorder_interrupted == SIGHUP)
			kill(s->pid, recorder_interrupted);
		s->ops->wait_exit(s);
	}
	if (s->error[0])
		set_error(r, s->error);
	update_state_text(r);
	return recorder_exit_status(r);
}

void recorder_free(struct recorder *r)
{
	if (!r)
		return;
	db_session_close(r->db);
	unwind_free(r->u);
	symbols_free(r->sym);
	raw_batch_free(&r->batch);
	free(r->pcstacks);
	free(r->pcs);
	free(r->pending);
	u64map_free(&r->pcstack_index);
	u64map_free(&r->last_pcstack);
	r->s->ops->free(r->s);
	free(r->session_path);
	free(r->log_path);
	free(r);
}
