/* tui.c — the TUI's host for a live recording and for a saved session. */
#include "config.h"
#include "app/tui.h"
#include "app/guard.h"
#include "model/strutil.h"
#include "ui/ui.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a live recording ---- */

/* SIGHUP: the terminal is gone (closed, or its shell killed). */
static volatile sig_atomic_t hung_up;

static void on_hangup(int sig)
{
	hung_up = 1;
}

static void live_status(void *ctx, struct ui_status *st)
{
	struct recorder *r = ctx;
	st->state = recorder_state_text(r);
	st->paused = recorder_paused(r);
	st->elapsed = recorder_elapsed(r);
	st->rate = recorder_rate(r);
	st->path = recorder_session_path(r);
	st->error = recorder_last_error(r);
}

static int live_save(void *ctx, char *err, size_t errlen)
{
	return recorder_sync_now(ctx, err, errlen);
}

static bool live_run(void *ctx, int fd, int timeout_ms, bool *over)
{
	struct recorder *r = ctx;
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000;
	bool ready = false, signalled = false;
	while (!*over && !ready && !signalled) {
		uint64_t now = now_ns();
		if (now >= deadline)
			break;
		int w = recorder_wait(r, fd, (int)((deadline - now + 999999) / 1000000));
		ready = w > 0;
		signalled = w < 0; /* the TUI has a look: Ctrl-Z, a resize, SIGHUP */
		if (!recorder_step(r))
			*over = true;
	}
	recorder_idle(r); /* the TUI draws now */
	return ready;
}

static bool live_interrupted(void *ctx)
{
	return recorder_interrupted != 0 || hung_up;
}

static void live_pause(void *ctx, bool paused)
{
	recorder_pause(ctx, paused);
}

static void live_suspend(void *ctx, bool stop)
{
	recorder_suspend(ctx, stop);
}

static int live_stop_target(void *ctx, bool stop, char *err, size_t errlen)
{
	struct recorder *r = ctx;
	if (recorder_stop_target(r, stop) == 0)
		return 0;
	int e = errno;
	snprintf(err, errlen, "%s", recorder_target_state(r) == TARGET_EXITED ? "it has exited"
				    : recorder_last_error(r) ? recorder_last_error(r) : strerror(e));
	return -1;
}

static bool live_target_stopped(void *ctx)
{
	return recorder_target_state(ctx) == TARGET_STOPPED;
}

/* Notes on a thin profile: once the recording is over, from all it measured. */
static size_t live_notes(void *ctx, char ***lines)
{
	struct recorder *r = ctx;
	*lines = NULL;
	if (recorder_target_state(r) == TARGET_RUNNING || recorder_target_state(r) == TARGET_STOPPED)
		return 0; /* (not while it runs: CPU times are known at the end) */
	struct run_facts f;
	recorder_facts(r, &f);
	size_t n = diagnose(recorder_profile(r), &f, lines);
	for (size_t i = 0; i < f.nnodebug; i++)
		free(f.nodebug[i]);
	free(f.nodebug);
	return n;
}

static struct ui_config ui_config(const struct options *o)
{
	return (struct ui_config){ .source_path = o->source_path, .nsource_path = o->nsource_path };
}

/* The TUI is gone with its terminal: one line on stderr, in case it is
 * still read (redirected), and the exit status a hangup gives. */
static int say_terminal_lost(struct recorder *r, bool launched, bool ended)
{
	char path[512];
	str_escape(path, sizeof(path), recorder_session_path(r));
	fprintf(stderr, "cprof-tui: the terminal was closed: the profile is saved in %s; %s\n", path,
		ended ? "the program had exited" : launched ? "the program was ended" : "the process runs on, detached");
	return 128 + SIGHUP;
}

int tui_record(struct recorder *r, struct profile *p, const struct options *o)
{
	const struct ui_host host = {
		.ctx = r,
		.live = true,
		.status = live_status,
		.save = live_save,
		.run = live_run,
		.interrupted = live_interrupted,
		.pause = live_pause,
		.suspend = live_suspend,
		.stop_target = live_stop_target,
		.target_stopped = live_target_stopped,
		.notes = live_notes,
	};
	struct ui_config cfg = ui_config(o);
	/* A hangup ends the session as q does (a launched program is ended, an
	 * attached one let go), not as SIGTERM (detach, pass it on, wait): a
	 * program that ignores SIGHUP would keep cprof-tui waiting for ever. */
	struct sigaction sa = { .sa_handler = on_hangup }; /* no SA_RESTART: waits wake up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	guard_before_exit(ui_terminal_restore); /* a target tracing cprof-tui ends it */
	int rc = ui_run(p, &host, &cfg);
	guard_before_exit(NULL);
	bool ended = recorder_target_state(r) == TARGET_EXITED;
	int status = recorder_finish(r, o->mode == MODE_LAUNCH);
	if (rc == UI_TERMINAL_LOST || hung_up)
		return say_terminal_lost(r, o->mode == MODE_LAUNCH, ended);
	return rc ? rc : ended ? status : 0;
}

/* ---- a saved session ---- */

struct saved {
	struct db_session *s;
	struct profile *p;
	bool diff;           /* p is compared with a base: neither file is changed */
};

static void saved_status(void *ctx, struct ui_status *st)
{
	const struct saved *sv = ctx;
	const struct profile *p = sv->p;
	double secs = p->nsamples ? (double)p->samples[p->nsamples - 1].time_us / 1e6 : 0;
	*st = (struct ui_status){
		.state = "saved session",
		.elapsed = secs,
		.rate = secs > 0 ? (double)p->nsamples / secs : 0.0, /* as sampled: not narrowed */
		.path = db_session_path(sv->s),
	};
}

static int saved_save(void *ctx, char *err, size_t errlen)
{
	struct saved *sv = ctx;
	if (sv->diff) {
		snprintf(err, errlen, "a diff changes neither session");
		return -1;
	}
	return db_session_sync(sv->s, sv->p, err, errlen);
}

/* Notes on a saved session: from what it holds (its CPU times are not). */
static size_t saved_notes(void *ctx, char ***lines)
{
	const struct saved *sv = ctx;
	struct ui_status st;
	saved_status(ctx, &st);
	struct run_facts f = {.elapsed_s = st.elapsed, .frequency = sv->p->frequency_hz,
			      .wall = sv->p->wall, .follow = true};
	return diagnose(sv->p, &f, lines);
}

int tui_browse(struct db_session *s, struct profile *p, struct profile *base,
	       const struct options *o)
{
	struct saved sv = { s, p, base != NULL };
	const struct ui_host host = {
		.ctx = &sv,
		.status = saved_status,
		.save = saved_save,
		.notes = saved_notes,
	};
	struct ui_config cfg = ui_config(o);
	cfg.base = base;
	cfg.base_path = o->base;
	return ui_run(p, &host, &cfg);
}
