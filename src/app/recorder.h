/* recorder.h — a live profiling session: drives a sampler backend, turns its
 * raw stacks into frames (symbols), feeds the profile model and syncs the
 * session file. Single-threaded: the caller (headless loop or the TUI loop)
 * calls recorder_wait() and recorder_step() in turn.
 *
 *   sampler (ptrace) -> unwind -> symbols -> profile model -> db / views
 */
#ifndef CPROF_RECORDER_H
#define CPROF_RECORDER_H
#include "app/diagnose.h"
#include "app/options.h"
#include "model/profile.h"
#include "stack/resolve.h"
#include <stdbool.h>
#include <stddef.h>

enum target_state {
	TARGET_RUNNING,
	TARGET_STOPPED,   /* stopped by the user (SIGSTOP) or job control */
	TARGET_EXITED,    /* exit_status / exit_signal valid */
	TARGET_DETACHED,  /* we let go; the target runs on */
};

struct recorder;

/* Launch or attach per o; creates the session file. NULL with a one-line
 * error (cause and remedy) in err. `quiet_child` sends a launched program's
 * stdout/stderr to <session>.log (for the TUI). */
struct recorder *recorder_start(const struct options *o, struct profile *p, bool quiet_child,
				char *err, size_t errlen);
/* Sleep until the next sample is due, or until fd (>= 0) is readable, or
 * timeout_ms elapses. Returns 1 when fd became readable, -1 when a signal
 * handler ran (the caller may have something to do), 0 otherwise. */
int recorder_wait(struct recorder *r, int fd, int timeout_ms);
/* Take due samples, handle target events, sync the session file when due.
 * Returns false once the session is over (target gone, -d expired, detached). */
bool recorder_step(struct recorder *r);

/* The caller is about to do work of its own between recorder_wait calls
 * (the TUI drawing): the sampling thread leaves real-time priority until
 * its next wait. */
void recorder_idle(struct recorder *r);
void recorder_pause(struct recorder *r, bool paused);    /* pause sampling */
/* cprof-tui is about to stop (Ctrl-Z) until continued, or (stop false) runs
 * again. Nothing of the target may wait for a stopped cprof-tui: a launched
 * program, which the same Ctrl-Z stops, has that stop handled first, and
 * sampling is paused meanwhile; an attached process is let go (traced,
 * every signal it got and every thread it made would wait, and an interrupt
 * still in flight would hold a thread stopped): the session is over, as
 * when -d expires. */
void recorder_suspend(struct recorder *r, bool stop);
bool recorder_paused(const struct recorder *r);
int recorder_stop_target(struct recorder *r, bool stop); /* SIGSTOP / SIGCONT */
enum target_state recorder_target_state(const struct recorder *r);
/* Exit status as a shell reports it: code, or 128+N for death by signal N. */
int recorder_exit_status(const struct recorder *r);
/* Human description: "running", "exited with status 3", "killed by SIGSEGV", ... */
const char *recorder_state_text(const struct recorder *r);
double recorder_elapsed(const struct recorder *r);       /* seconds sampled */
double recorder_rate(const struct recorder *r);          /* samples/s achieved */
const char *recorder_last_error(const struct recorder *r); /* NULL if none */
const char *recorder_session_path(const struct recorder *r);
/* Why the last sync of the session file failed (a full disk), NULL when it
 * did not: the file then lacks what was sampled since its last commit. */
const char *recorder_store_error(const struct recorder *r);
/* Samples committed to the session file. */
size_t recorder_samples_saved(const struct recorder *r);
/* Where the profiler's time goes (for the summary and the benchmarks). */
struct recorder_costs {
	uint64_t ticks;          /* sampling rounds */
	uint64_t late_ticks;     /* rounds that started a whole period late */
	uint64_t stopped_ns;     /* sum over samples of the time the thread was stopped */
	uint64_t tick_ns;        /* time inside the sampler (stops, copies, events) */
	uint64_t store_ns;       /* writing the session file */
	uint64_t asleep_at_stop; /* stops that found the thread asleep: no sample */
	uint64_t unseen_ns;      /* CPU time of threads not looked at (long asleep) */
	uint64_t short_ns;       /* CPU time of ended threads no sample stands for (perf) */
	uint64_t short_threads;  /* ... threads that left some (perf) */
	bool short_unknown;      /* threads ended, the kernel told none of their CPU time */
	struct resolver_costs stack; /* unwinding, symbols, the model */
};
const struct recorder_costs *recorder_get_costs(const struct recorder *r);

/* Save the profiled flags after a toggle (also done by the periodic sync):
 * 0, or -1 with the reason in err (also kept as the last error). */
int recorder_sync_now(struct recorder *r, char *err, size_t errlen);
/* End the session: detach (or end a launched program when kill_launched;
 * otherwise a launched program is waited for), final sync. Idempotent.
 * Returns the exit status to report (see recorder_exit_status), 0 for an
 * attached target. The recorder stays readable until recorder_free(). */
int recorder_finish(struct recorder *r, bool kill_launched);
void recorder_free(struct recorder *r);
/* What was measured of the recording, for diagnose(); free f->nodebug
 * (its strings and the array) after. */
void recorder_facts(struct recorder *r, struct run_facts *f);
/* The profile it feeds. */
struct profile *recorder_profile(struct recorder *r);

/* Set to the signal number by the SIGINT/SIGTERM handler; recorder_step
 * returns false once seen. recorder_interrupt_sent: it was sent by a
 * process (kill), not by the terminal, which signals the whole group. */
extern volatile int recorder_interrupted;
extern volatile int recorder_interrupt_sent;

#endif
