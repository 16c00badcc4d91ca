#include "config.h"
#include "app/recorder.h"
#include "app/guard.h"
#include "app/logfile.h"
#include "app/memory.h"
#include "app/output.h"
#include "app/tracking.h"
#include "target/procfs.h"
#include "target/sampler.h"
#include "db/session.h"
#include "model/hash.h"
#include "model/strutil.h"
#include "stack/resolve.h"
#include "model/xalloc.h"
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SYNC_INTERVAL_NS 1000000000ull /* doc/PRODUCT.md §3: commit at least every second */
#define SETTLE_NS 20000000ull /* a launched program's own Ctrl-Z stop, handled before ours */

volatile int recorder_interrupted, recorder_interrupt_sent;

struct recorder {
	const struct options *o;
	struct profile *p;
	const struct sampler_backend *be;
	char backend_why[256];        /* auto chose ptrace: why not perf ("" otherwise) */
	struct sampler_config cfg;
	struct sampler *s;
	unsigned run, runs;           /* --repeat: this run (1...), of how many */
	int failed_status, failed_run; /* the first run that failed (status 0: none) */
	struct recorder_costs before; /* the sampler's counts of the runs before */
	struct resolver *res;
	struct db_session *db;
	struct guard *guard;
	struct raw_batch batch;
	char *session_path;
	int log_fd;                   /* a launched program's output (every run's), -1 if none */
	uint64_t start_ns, period_ns, next_tick_ns, last_sync_ns, end_ns;
	uint64_t active_ns, active_since_ns; /* time spent sampling (not paused) */
	struct tracking track;        /* the sampler's threads and processes -> the model */
	struct memory *mem;           /* --memory: allocation samples, NULL without */
	bool paused, released, over, finished;
	bool suspended, paused_before; /* cprof-tui stopped (Ctrl-Z): see recorder_suspend */
	bool events;                  /* target events may be waiting (see recorder_wait) */
	bool realtime;                /* SCHED_FIFO permitted: see raise_priority */
	bool in_rounds;               /* ... and taken, for waiting and rounds */
	char state[128];
	char error[1024];
	char store_error[512];        /* the last sync failed: why ("" when it did not) */
	unsigned store_failures;      /* syncs failed in a row */
	struct recorder_costs costs;
	uint64_t rng;                 /* xorshift state for the sampling jitter */
};

static void set_error(struct recorder *r, const char *msg)
{
	snprintf(r->error, sizeof(r->error), "%s", msg);
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

/* The sampling thread must start a round when it is due, even when a
 * target thread runs on its CPU: a late round samples the wrong instant.
 * nice -10 was not enough: the kernel's scheduler (EEVDF) lets a thread that
 * has just woken run out its slice (up to 3 ms here) before a waking
 * sampler preempts it, so a thread that runs in bursts after sleeps (a
 * server, an event loop) was seen late in each burst: 13/86 where perf says
 * 50/50 between the first and second half of a burst, with a third of
 * perf's samples. Where permitted (root, CAP_SYS_NICE) the thread therefore
 * runs at the lowest real-time priority (SCHED_FIFO 1): 46/54 and perf's
 * sample count. Dropping to normal scheduling after each round gave the CPU
 * to a target thread until its slice ended, and a tenth of the rounds
 * started milliseconds late; so it does only for work that may take
 * milliseconds: writing the session file (SQLite), and the TUI's drawing
 * (recorder_idle). The work after a round (unwinding from the copies, the
 * model) takes microseconds now; with the unwinding of old (150 us a
 * sample), real-time throughout made a target thread resumed on the
 * sampler's CPU wait for it (two busy threads on two CPUs 4 points slower).
 * nice -10 stays for the normal-priority parts. The symbol worker thread,
 * created before, keeps the normal priority. */
static void raise_priority(struct recorder *r)
{
	int n = nice(-10);
	(void)n; /* EPERM without the permission: run as we are */
	struct sched_param sp = { .sched_priority = 1 };
	r->realtime = sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
}

/* Real-time for waiting, rounds and the work after them; normal for the
 * session file and the TUI. */
static void round_priority(struct recorder *r, bool rounds)
{
	if (!r->realtime || rounds == r->in_rounds)
		return;
	struct sched_param sp = { .sched_priority = rounds ? 1 : 0 };
	sched_setscheduler(0, rounds ? SCHED_FIFO : SCHED_OTHER, &sp);
	r->in_rounds = rounds;
}

/* The unwinder's view of a process's mappings: the backend's, when it
 * keeps them (perf), else /proc (read_maps -1). */
static int read_maps(void *ctx, pid_t pid, struct maps *m, uint64_t *version)
{
	struct sampler *s = ((struct recorder *)ctx)->s;
	return s->ops->read_maps ? s->ops->read_maps(s, pid, m, version) : -1;
}

struct recorder *recorder_start(const struct options *o, struct profile *p, bool quiet_child,
				char *err, size_t errlen)
{
	struct sampler_config cfg = {
		.frequency = o->frequency ? o->frequency : DEFAULT_FREQUENCY,
		.wall = o->wall,
		.quiet_child = quiet_child,
		.log_fd = -1,
		.follow = o->follow > 0,
	};
	char why[256];
	const struct sampler_backend *be = sampler_backend_find(
		o->backend, o->mode == MODE_LAUNCH ? 0 : o->pid, &cfg, why, sizeof(why), err, errlen);
	if (!be)
		return NULL;
	struct recorder *r = xcalloc(1, sizeof(*r));
	r->log_fd = -1;
	r->o = o;
	r->p = p;
	r->be = be;
	snprintf(r->backend_why, sizeof(r->backend_why), "%s", why);
	r->run = 1;
	r->runs = o->repeat ? o->repeat : 1;
	char comm[64] = "";
	if (o->mode == MODE_LAUNCH) {
		char resolved[4096];
		if (sampler_check_program(o->argv[0], resolved, sizeof(resolved), err, errlen) ||
		    (o->output && output_check(o, resolved, err, errlen)))
			goto fail;
		snprintf(comm, sizeof(comm), "%s", str_basename(resolved));
		if (o->memory && !(r->mem = memory_start(o, resolved, &cfg, err, errlen)))
			goto fail;
		if (quiet_child) {
			char *log = o->output ? xasprintf("%s.log", o->output) : xasprintf("cprof-%s.log", comm);
			cfg.log_fd = logfile_open(log, err, errlen);
			free(log);
			if (cfg.log_fd < 0)
				goto fail;
		}
		r->log_fd = cfg.log_fd;
		r->s = be->launch(o->argv, &cfg, err, errlen);
		if (!r->s)
			goto fail_backend;
		p->command = join_args(o->argv);
	} else {
		char exe[64];
		snprintf(exe, sizeof(exe), "/proc/%d/exe", o->pid);
		if (o->output && output_check(o, exe, err, errlen))
			goto fail;
		r->s = be->attach(o->pid, &cfg, err, errlen);
		if (!r->s)
			goto fail_backend;
		char cmd[4096];
		procfs_task_comm(o->pid, o->pid, comm, sizeof(comm));
		p->command = xstrdup(procfs_cmdline(o->pid, cmd, sizeof(cmd)) ? cmd : comm);
	}
	p->pid = r->s->pid;
	p->frequency_hz = o->frequency ? o->frequency : DEFAULT_FREQUENCY;
	p->wall = o->wall;
	p->backend = xstrdup(be->name);
	p->alloc_interval = o->memory ? o->memory_interval : 0;
	profile_set_rules(p, o->profile_all, o->profile_only, o->nprofile_only);
	if (o->nfocus)
		profile_set_focus(p, o->focus, o->nfocus);
	char now[32];
	p->started_at = xstrdup(str_iso8601_now(now, sizeof(now)));

	r->session_path = o->output ? xstrdup(o->output) : output_default_path(comm, r->s->pid);
	r->db = db_session_create(r->session_path, o->force, err, errlen);
	if (!r->db)
		goto fail_release;
	r->start_ns = now_ns();
	r->res = resolver_new(p, r->start_ns, err, errlen);
	if (!r->res)
		goto fail_release;
	resolver_set_maps_source(r->res, read_maps, r);
	tracking_init(&r->track, p, r->res, r->start_ns);
	r->cfg = cfg;
	r->guard = guard_start(r->s->pid, r->session_path);
	prctl(PR_SET_TIMERSLACK, 1UL); /* wake up on time for each tick */
	raise_priority(r);
	r->in_rounds = r->realtime;
	r->active_since_ns = r->start_ns;
	r->period_ns = 1000000000ull / p->frequency_hz;
	r->next_tick_ns = r->start_ns;
	r->rng = r->start_ns | 1;
	r->events = true;
	r->last_sync_ns = r->start_ns;
	r->end_ns = o->duration > 0 ? r->start_ns + (uint64_t)(o->duration * 1e9) : 0;
	if (db_session_sync(r->db, p, err, errlen))
		goto fail_release;
	if (r->s->launched)
		r->s->ops->set_stopped(r->s, false); /* all is ready: it runs */
	return r;

fail_backend: /* auto fell back on ptrace, which failed too: say why not perf */
	if (r->backend_why[0] && !o->wall && strlen(err) < errlen)
		snprintf(err + strlen(err), errlen - strlen(err), " (perf events: %s)", r->backend_why);
	goto fail;
fail_release:
	r->s->ops->release(r->s, true);
fail:
	if (r->s)
		r->s->ops->free(r->s);
	resolver_free(r->res);
	db_session_close(r->db);
	memory_free(r->mem);
	if (r->log_fd >= 0)
		close(r->log_fd);
	free(r->session_path);
	free(r);
	return NULL;
}

int recorder_wait(struct recorder *r, int fd, int timeout_ms)
{
	uint64_t t = now_ns();
	uint64_t wait = (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000ull;
	bool sampling = !r->paused && !r->over && r->s->target == SAMPLER_RUNNING;
	/* sampling: the backend's event fd wakes us when the round is due (its
	 * alarm, set in recorder_step: cheaper here than a timeout per wait);
	 * the timeout is a fallback, a little later */
	if (sampling)
		wait = r->next_tick_ns > t ? r->next_tick_ns - t + 1000000 : 0;
	uint64_t due = memory_due_ns(r->mem, t); /* a busy allocation sampler */
	if (due && due - t < wait)
		wait = due - t;
	round_priority(r, sampling);
	if (r->over && timeout_ms < 0)
		wait = 1000000000ull;
	struct pollfd pfd[2] = {{fd, POLLIN, 0}, {r->s->ops->event_fd(r->s), POLLIN, 0}};
	struct timespec ts = {(time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull)};
	int n = ppoll(fd >= 0 ? pfd : pfd + 1, fd >= 0 ? 2 : 1, &ts, NULL);
	r->events = n != 0 && (n < 0 || pfd[1].revents);
	if (n < 0)
		return errno == EINTR ? -1 : 0;
	return n > 0 && fd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP));
}

/* Everything sampled into the model, waiting for the symbol worker. */
static void drain_all(struct recorder *r)
{
	if (resolver_drain_all(r->res))
		set_error(r, "symbols took too long: samples left out of the profile");
}

/* A sync failed (a full disk): said at once, in the last error. Sampling
 * goes on; what the file lacks stays in the model, and the next sync that
 * succeeds writes all of it. */
static void store_failed(struct recorder *r, const char *err)
{
	snprintf(r->store_error, sizeof(r->store_error), "%s", err);
	if (r->store_failures++ == 0)
		snprintf(r->error, sizeof(r->error), "%s (sampling goes on: the samples are kept and "
			 "written as soon as the file can be written)", err);
}

static void store_recovered(struct recorder *r)
{
	snprintf(r->error, sizeof(r->error), "session written again, every sample in it (%u "
		 "writes had failed: %s)", r->store_failures, r->store_error);
	r->store_error[0] = '\0';
	r->store_failures = 0;
}

static int do_sync(struct recorder *r)
{
	char err[512];
	char now[32];
	free(r->p->ended_at);
	r->p->ended_at = xstrdup(str_iso8601_now(now, sizeof(now)));
	round_priority(r, false); /* SQLite may take milliseconds */
	uint64_t t = now_ns();
	int rc = db_session_sync(r->db, r->p, err, sizeof(err));
	if (rc)
		store_failed(r, err);
	else if (r->store_failures)
		store_recovered(r);
	r->last_sync_ns = now_ns();
	r->costs.store_ns += r->last_sync_ns - t;
	return rc;
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
		snprintf(r->state, sizeof(r->state), r->suspended ? "detached while cprof-tui was stopped"
								 : "detached");
		break;
	case SAMPLER_STOPPED:
		snprintf(r->state, sizeof(r->state), "stopped");
		break;
	default:
		snprintf(r->state, sizeof(r->state), r->paused ? "paused" : "running");
	}
	size_t n = strlen(r->state);
	if (r->runs > 1 && s->target != SAMPLER_EXITED)
		snprintf(r->state + n, sizeof(r->state) - n, ", run %u of %u", r->run, r->runs);
	else if (r->runs > 1 && r->failed_status)
		snprintf(r->state + n, sizeof(r->state) - n, " (%u runs; run %d failed first, "
			 "status %d)", r->runs, r->failed_run, r->failed_status);
	else if (r->runs > 1)
		snprintf(r->state + n, sizeof(r->state) - n, " (%u runs)", r->run);
}

/* to = base + the sampler's own counts (base: the runs before, --repeat) */
static void sampler_counts(struct recorder_costs *to, const struct recorder_costs *base,
			   const struct sampler *s)
{
	to->stopped_ns = base->stopped_ns + s->stopped_ns;
	to->asleep_at_stop = base->asleep_at_stop + s->asleep_at_stop;
	to->unseen_ns = base->unseen_ns + s->unseen_ns;
	to->short_ns = base->short_ns + s->short_ns;
	to->short_threads = base->short_threads + s->short_threads;
	to->short_unknown = base->short_unknown || s->short_unknown;
}

/* --repeat: the program ended; launch it again (its children that outlive
 * it are let go). False when it cannot be launched: the session ends. */
static bool next_run(struct recorder *r)
{
	struct sampler *old = r->s;
	int status = recorder_exit_status(r);
	if (status && !r->failed_status) {
		r->failed_status = status;
		r->failed_run = (int)r->run;
	}
	old->ops->release(old, false);
	char err[512];
	struct sampler *s = r->be->launch(r->o->argv, &r->cfg, err, sizeof(err));
	if (!s) {
		char msg[600];
		snprintf(msg, sizeof(msg), "run %u of %u: %s", r->run + 1, r->runs, err);
		set_error(r, msg);
		return false;
	}
	sampler_counts(&r->before, &r->before, old);
	old->ops->free(old);
	s->ops->set_stopped(s, false);
	r->s = s;
	r->run++;
	tracking_new_sampler(&r->track);
	guard_stop(r->guard);
	r->guard = guard_start(s->pid, r->session_path);
	r->next_tick_ns = now_ns();
	return true;
}

static void end_sampling(struct recorder *r)
{
	char err[512];
	memory_end(r->mem, r->s, err, sizeof(err));
	if (err[0])
		set_error(r, err);
	drain_all(r);
	if (!r->paused)
		r->active_ns += now_ns() - r->active_since_ns;
	r->paused = true;
	r->over = true;
}

/* The time to the next round: a twentieth of the period, then a random
 * time drawn from an exponential distribution of mean the rest of it (at
 * most 8 periods in all), so that rounds come at the rate asked for but at
 * times nothing in the target can predict. Rounds on a fixed grid lock onto
 * a program's own periodic work and see the same few instructions every
 * time (one run in five gave a qsort comparator 30% instead of 9%); a grid
 * with +-10% of jitter still locked onto threads running in short bursts,
 * because each stop moves the stopped thread's work onto the sampler's
 * clock: three threads running 1.3-ms bursts between 1-ms sleeps had their
 * samples at the start of a burst and 1 ms of CPU later, and came out 39/61
 * where perf, on the same run, said 50/50. Times drawn without memory see
 * each state of the program as often as it occurs, however the program
 * reacts to being stopped: 49/50 now. (The more of the period is fixed,
 * the more memory: a fixed half gave 44-46, a quarter 47-49.) */
static uint64_t next_round_in(struct recorder *r)
{
	double u = (double)((rand_next(&r->rng) >> 11) + 1) * 0x1p-53; /* (0, 1] */
	double p = (double)r->period_ns, t = 0.05 * p - 0.95 * p * log(u);
	return t < 8.0 * p ? (uint64_t)t : 8 * r->period_ns;
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
		r->next_tick_ns += s->round_ns ? s->round_ns : next_round_in(r);
		if (r->next_tick_ns < t) { /* fell behind: do not burst to catch up */
			r->costs.late_ticks++;
			r->next_tick_ns = t + (s->round_ns ? s->round_ns : next_round_in(r));
		}
		s->ops->wake_at(s, r->next_tick_ns);
	}
	s->ops->tick(s, due, r->events, &r->batch);
	r->events = true; /* unknown until the next recorder_wait */
	if (due) {
		r->costs.ticks++;
		r->costs.tick_ns += now_ns() - t;
	}
	tracking_before(&r->track, s, &r->batch);
	for (size_t i = 0; i < r->batch.len; i++)
		resolver_add(r->res, &r->batch, &r->batch.v[i]);
	memory_step(r->mem, s, &r->track, r->res, r->p);
	tracking_after(&r->track, s);
	/* symbolise in the time left before the next round */
	t = now_ns();
	bool sampling = !r->paused && s->target == SAMPLER_RUNNING;
	resolver_drain(r->res, sampling ? (r->next_tick_ns > t + 100000 ? r->next_tick_ns - 100000 : t + 1)
				    : t + 20000000);
	r->p->counters.lost += r->batch.lost;
	if (s->error[0]) {
		set_error(r, s->error);
		s->error[0] = '\0';
	}
	t = now_ns();
	if (t - r->last_sync_ns >= SYNC_INTERVAL_NS)
		do_sync(r);
	if (s->target == SAMPLER_EXITED) {
		tracking_before(&r->track, s, NULL);
		tracking_after(&r->track, s);
		if (r->run >= r->runs || recorder_interrupted || (r->end_ns && t >= r->end_ns) ||
		    !next_run(r))
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
	if (r->s->ops->pause)
		r->s->ops->pause(r->s, paused);
	memory_pause(r->mem, paused);
	update_state_text(r);
}

/* Let the target's pending stops be handled for a while, without rounds. */
static void settle(struct recorder *r)
{
	uint64_t end = now_ns() + SETTLE_NS;
	for (uint64_t t; !r->over && (t = now_ns()) < end;) {
		recorder_wait(r, -1, (int)((end - t + 999999) / 1000000));
		recorder_step(r);
	}
}

void recorder_suspend(struct recorder *r, bool stop)
{
	if (r->over || stop == r->suspended)
		return;
	r->suspended = stop;
	if (!stop) {
		recorder_pause(r, r->paused_before);
	} else if (r->s->launched) {
		r->paused_before = r->paused;
		recorder_pause(r, true);
		settle(r);
	} else {
		end_sampling(r);
		r->s->ops->release(r->s, false);
		r->released = true;
		update_state_text(r);
		do_sync(r);
	}
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
	if (r->failed_status)
		return r->failed_status;
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
	sampler_counts(&w->costs, &r->before, r->s);
	resolver_get_costs(r->res, &w->costs.stack);
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

const char *recorder_store_error(const struct recorder *r)
{
	return r->store_error[0] ? r->store_error : NULL;
}

size_t recorder_samples_saved(const struct recorder *r)
{
	return db_session_samples_written(r->db);
}

void recorder_idle(struct recorder *r)
{
	round_priority(r, false);
}

int recorder_sync_now(struct recorder *r, char *err, size_t errlen)
{
	if (!do_sync(r))
		return 0;
	snprintf(err, errlen, "%s", r->store_error);
	return -1;
}

struct profile *recorder_profile(struct recorder *r)
{
	return r->p;
}

void recorder_facts(struct recorder *r, struct run_facts *f)
{
	const struct sampler *s = r->s;
	const struct recorder_costs *c = recorder_get_costs(r);
	*f = (struct run_facts){
		.elapsed_s = recorder_elapsed(r),
		.frequency = r->p->frequency_hz,
		.wall = r->o->wall,
		.follow = r->cfg.follow,
		.attached = !s->launched,
		.let_go = r->released,
		.cpu_known = s->target_cpu_known && r->runs == 1,
		.cpu_s = (double)s->target_cpu_ns / 1e9,
		.followed_cpu_s = (double)s->followed_cpu_ns / 1e9,
		.short_s = (double)c->short_ns / 1e9,
		.short_threads = c->short_threads,
		.short_unknown = c->short_unknown,
		.ptrace_because = r->backend_why[0] && !r->o->wall ? r->backend_why : NULL,
		.user_mode_only = s->user_mode_only,
	};
	f->nnodebug = resolver_nodebug_modules(r->res, &f->nodebug);
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
		 * A terminal's SIGINT already reached it; a SIGINT sent to us alone
		 * (timeout -s INT, a CI runner), a SIGTERM or a SIGHUP is passed on:
		 * waiting for a server that never heard of it would hang. */
		if (recorder_interrupted == SIGTERM || recorder_interrupted == SIGHUP ||
		    (recorder_interrupted == SIGINT && recorder_interrupt_sent))
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
	guard_stop(r->guard);
	db_session_close(r->db);
	resolver_free(r->res);
	raw_batch_free(&r->batch);
	tracking_free(&r->track);
	memory_free(r->mem);
	r->s->ops->free(r->s);
	if (r->log_fd >= 0)
		close(r->log_fd);
	free(r->session_path);
	free(r);
}
