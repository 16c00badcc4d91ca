/* cli.c — cprof-tui's main: parse the command line, then record (headless or
 * in the TUI), browse a saved session, or print a report. */
#include "config.h"
#include "app/options.h"
#include "app/export.h"
#include "model/profile.h"
#include "app/recorder.h"
#include "app/report.h"
#include "db/session.h"
#include "model/strutil.h"
#include "app/tui.h"
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Every error line of cprof-tui goes through here: one line, escaped (a
 * message may quote a path, a program's name, or SQLite's words about a
 * hostile file's schema). */
static void print_error(const char *msg)
{
	char line[4096];
	fprintf(stderr, "cprof-tui: %s\n", str_escape(line, sizeof(line), msg));
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	recorder_interrupted = sig;
	/* sent by a process (kill, timeout, a CI runner), not by the terminal to
	 * its whole foreground group: the launched program has not had it */
	recorder_interrupt_sent = si && si->si_code == SI_USER;
}

static void install_signal_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal; /* no SA_RESTART: the wait loop must wake up */
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* A saved session into p. --profile-only / --profile-all given now replace
 * the profiled set stored in it, for this report or TUI; the file keeps its
 * own (the TUI saves a set only when the user toggles a file). */
static struct db_session *open_session(const struct options *o, const char *path,
				       struct profile *p, bool read_only)
{
	char err[1024];
	struct db_session *s = db_session_open(path, read_only, err, sizeof(err));
	if (!s || db_session_load(s, p, err, sizeof(err))) {
		print_error(err);
		db_session_close(s);
		return NULL;
	}
	if (o->profile_all || o->nprofile_only) {
		profile_set_rules(p, o->profile_all, o->profile_only, o->nprofile_only);
		profile_apply_rules(p);
	}
	if (o->nfocus) /* (stored only when the TUI changes it) */
		profile_set_focus(p, o->focus, o->nfocus);
	if (p->metric != METRIC_CPU && !p->alloc_interval) {
		snprintf(err, sizeof(err), "%s has no allocation samples for --metric %s (record "
			 "with --memory)", o->session, profile_metric_name(p->metric));
		print_error(err);
		db_session_close(s);
		return NULL;
	}
	if (o->narrow_pid) {
		if (profile_process_find(p, o->narrow_pid) < 0) {
			snprintf(err, sizeof(err), "no process %d in %s (--report %s --by process "
				 "lists them)", o->narrow_pid, path, path);
			print_error(err);
			db_session_close(s);
			return NULL;
		}
		profile_narrow(p, o->narrow_pid);
	}
	return s;
}

/* Why the profile is thin, if it is: one "note:" line each. */
static void print_diagnoses(struct recorder *r, struct profile *p)
{
	struct run_facts f;
	recorder_facts(r, &f);
	char **lines;
	size_t n = diagnose(p, &f, &lines);
	for (size_t i = 0; i < n; i++) {
		fprintf(stderr, "cprof-tui: note: %s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	for (size_t i = 0; i < f.nnodebug; i++)
		free(f.nodebug[i]);
	free(f.nodebug);
}

/* CPU time of this process so far (every thread), in ms */
static double cpu_ms(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void print_costs(struct recorder *r, const struct profile *p)
{
	const struct recorder_costs *c = recorder_get_costs(r);
	const struct resolver_costs *k = &c->stack;
	double n = p->nsamples ? (double)p->nsamples : 1, u = k->unwound ? (double)k->unwound : 1;
	double a = k->addresses ? (double)k->addresses : 1;
	double fr = (double)(k->frames_stepped + k->frames_reused);
	fprintf(stderr, "  cost per sample (us): stopped %.1f, unwind %.1f (%.0f%% of frames reused), "
			"model %.1f, store %.1f; "
			"symbols %.1f per address (%llu addresses, worker thread); "
			"%llu of %llu rounds late; %llu stops found the thread asleep, "
			"%.0f ms of CPU time not looked at; CPU %.0f ms",
		(double)c->stopped_ns / n / 1e3, (double)k->unwind_ns / u / 1e3,
		fr > 0 ? 100.0 * (double)k->frames_reused / fr : 0.0,
		(double)k->model_ns / n / 1e3, (double)c->store_ns / n / 1e3,
		(double)k->symbols_ns / a / 1e3, (unsigned long long)k->addresses,
		(unsigned long long)c->late_ticks,
		(unsigned long long)c->ticks, (unsigned long long)c->asleep_at_stop,
		(double)c->unseen_ns / 1e6, cpu_ms());
	if (c->short_unknown) /* (perf: a kernel without READ records at a thread's end) */
		fprintf(stderr, "; the CPU time of ended threads not told by the kernel");
	else if (c->short_ns)
		fprintf(stderr, "; %.0f ms of ended threads' CPU time in no sample (%llu threads)",
			(double)c->short_ns / 1e6, (unsigned long long)c->short_threads);
	fputc('\n', stderr);
}

/* Headless: the recorder's last error on stderr as soon as it is new (a
 * full disk is told when it happens, not at the end). */
static void show_new_error(struct recorder *r, char *shown, size_t n)
{
	const char *e = recorder_last_error(r);
	if (!e || !strcmp(e, shown))
		return;
	print_error(e);
	snprintf(shown, n, "%s", e);
}

/* The session file lacks samples: its last sync failed. */
static void show_unsaved(struct recorder *r, const struct profile *p)
{
	const char *e = recorder_store_error(r);
	if (!e)
		return;
	char msg[1024];
	snprintf(msg, sizeof(msg), "session %s holds %zu of the %zu samples taken, the rest is "
		 "lost: %s (free space where it is written, or write elsewhere with -o)",
		 recorder_session_path(r), recorder_samples_saved(r), p->nsamples, e);
	print_error(msg);
}

/* After a report on stdout: 0, or 2 after one line when it could not all
 * be written (a full disk). */
static int finish_stdout(const char *what)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	char msg[256];
	snprintf(msg, sizeof(msg), "cannot write the %s: %s (is the disk full?)", what,
		 strerror(errno));
	print_error(msg);
	return 2;
}

static int print_report(const struct options *o, struct profile *p)
{
	if (o->by_process)
		report_processes(stdout, p, o->format, o->limit);
	else
		report_print(stdout, p, o->by, o->format, o->limit);
	return finish_stdout("report");
}

/* --export: the output is checked before the session is read, so that a
 * refusal costs nothing. */
static int export(const struct options *o, struct profile *p)
{
	char err[1024];
	if (export_check_output(o->output, o->session, o->export_format, o->force, err,
				sizeof(err))) {
		print_error(err);
		return 2;
	}
	struct db_session *s = open_session(o, o->session, p, true);
	int status = 2;
	if (s && export_write(p, o->export_format, o->output, err, sizeof(err)) == 0)
		status = 0;
	else if (s)
		print_error(err);
	db_session_close(s);
	return status;
}

/* --diff BASE.db NEW.db on stdout, each session with the same options. */
static int diff(const struct options *o, struct profile *cur)
{
	struct profile *base = profile_new();
	struct db_session *sb = open_session(o, o->base, base, true), *sc = NULL;
	int status = 2;
	if (sb && (sc = open_session(o, o->session, cur, true))) {
		report_diff(stdout, base, o->base, cur, o->session, o->by, o->format, o->limit);
		status = finish_stdout("diff");
	}
	db_session_close(sc);
	db_session_close(sb);
	profile_free(base);
	return status;
}

/* The TUI on a saved session, or on two as a diff (neither is changed:
 * its toggles apply to both, and are saved in neither). */
static int browse(const struct options *o, struct profile *p)
{
	if (!getenv("CPROF_TUI_SCRIPT") && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		char msg[1024];
		if (o->base)
			snprintf(msg, sizeof(msg), "not on a terminal: to print the comparison use "
				 "--diff %s %s", o->base, o->session);
		else
			snprintf(msg, sizeof(msg), "not on a terminal: to print a session use "
				 "--report %s", o->session);
		print_error(msg);
		return 2;
	}
	struct profile *base = o->base ? profile_new() : NULL;
	struct db_session *sb = base ? open_session(o, o->base, base, true) : NULL, *s = NULL;
	int status = 2;
	if ((sb || !base) && (s = open_session(o, o->session, p, base != NULL)))
		status = tui_browse(s, p, base, o);
	db_session_close(s);
	db_session_close(sb);
	profile_free(base);
	return status;
}

static int record(const struct options *o, struct profile *p)
{
	char err[1024];
	bool tui = !o->headless;
	/* CPROF_TUI_SCRIPT drives the TUI from a script (screen tests): no terminal needed */
	bool scripted = getenv("CPROF_TUI_SCRIPT") != NULL;
	if (tui && !scripted && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "cprof-tui: not on a terminal: the TUI needs one (use --headless "
				"to record without it)\n");
		return 2;
	}
	install_signal_handlers();
	struct recorder *r = recorder_start(o, p, tui, err, sizeof(err));
	if (!r) {
		print_error(err);
		return 2;
	}
	int status;
	if (tui) {
		status = tui_record(r, p, o);
	} else {
		char shown[1024] = "";
		while (recorder_step(r)) {
			show_new_error(r, shown, sizeof(shown));
			recorder_wait(r, -1, 100);
		}
		status = recorder_finish(r, false);
		report_summary(stderr, p, recorder_session_path(r), recorder_elapsed(r));
		print_costs(r, p);
		show_new_error(r, shown, sizeof(shown));
	}
	show_unsaved(r, p);
	print_diagnoses(r, p);
	recorder_free(r);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	setlocale(LC_ALL, "");
	int rc = options_parse(&o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	struct profile *p = profile_new();
	profile_set_metric(p, (enum metric)o.metric);
	struct db_session *s = NULL;
	int status = 0;
	switch (o.mode) {
	case MODE_REPORT:
		if (!(s = open_session(&o, o.session, p, true))) {
			status = 2;
			break;
		}
		status = print_report(&o, p);
		break;
	case MODE_BROWSE:
		status = browse(&o, p);
		break;
	case MODE_EXPORT:
		status = export(&o, p);
		break;
	case MODE_DIFF:
		status = diff(&o, p);
		break;
	case MODE_LAUNCH:
	case MODE_ATTACH:
		status = record(&o, p);
		break;
	}
	db_session_close(s);
	profile_free(p);
	options_free(&o);
	return status;
}
