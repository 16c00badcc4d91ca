/* ui.h — the interactive TUI (doc/PRODUCT.md §5).
 *
 * The TUI shows a profile model and knows nothing else of the program: what
 * it needs from a live recording or a saved session comes through a
 * struct ui_host that the application fills in (src/app/tui.c). The UI
 * never calls the sampler, the recorder or the session file itself. */
#ifndef CPROF_UI_UI_H
#define CPROF_UI_UI_H
#include "model/profile.h"
#include <stdbool.h>
#include <stddef.h>

/* What the header shows of the session besides the profile. */
struct ui_status {
	const char *state;   /* "running", "exited with status 3", "saved session", ... */
	bool paused;         /* sampling paused by the user */
	double elapsed;      /* seconds sampled */
	double rate;         /* samples per second achieved */
	const char *path;    /* the session file */
	const char *error;   /* the last problem worth showing, NULL if none */
};

struct ui_host {
	void *ctx;
	bool live;           /* a recording: sampled between keys; p, S and z work */
	void (*status)(void *ctx, struct ui_status *st);
	/* Save the profiled set after a toggle: 0, or -1 with a reason in err. */
	int (*save)(void *ctx, char *err, size_t errlen);

	/* Live only. Sample until fd (>= 0) is readable or timeout_ms passes;
	 * returns true when fd is readable, and early when a signal was caught.
	 * Sets *over once the session is over (target gone, -d expired,
	 * cprof-tui interrupted); the model then holds the final profile. */
	bool (*run)(void *ctx, int fd, int timeout_ms, bool *over);
	/* True once cprof-tui got SIGINT/SIGTERM/SIGHUP: the TUI leaves at once
	 * (also after the session is over). */
	bool (*interrupted)(void *ctx);
	void (*pause)(void *ctx, bool paused);
	/* cprof-tui is about to stop (Ctrl-Z) until continued, or (stop false)
	 * runs again: nothing of the target may wait for it meanwhile. */
	void (*suspend)(void *ctx, bool stop);
	/* Stop (SIGSTOP) or continue the target: 0, or -1 with a reason in err. */
	int (*stop_target)(void *ctx, bool stop, char *err, size_t errlen);
	bool (*target_stopped)(void *ctx);
	/* Why the profile is thin, if it is (diagnose.h): malloc'd sentences in
	 * a malloc'd array; returns how many. */
	size_t (*notes)(void *ctx, char ***lines);
};

struct ui_config {
	const char *const *source_path; /* --source-path directories */
	size_t nsource_path;
	struct profile *base;           /* a diff: the profile compared with (NULL: none) */
	const char *base_path;          /* its session file */
};

/* Run the TUI on p until the user quits (or, live, cprof-tui is
 * interrupted), or the terminal goes away. The caller then ends the session.
 * Returns 0; UI_TERMINAL_LOST when the terminal was closed or hung up (the
 * caller ends the session as on quitting, and says so where it can); or 2
 * (with a line on stderr) when the terminal, or the CPROF_TUI_SCRIPT test
 * script, could not be used. */
#define UI_TERMINAL_LOST 1
int ui_run(struct profile *p, const struct ui_host *host, const struct ui_config *cfg);

/* Give the terminal back (leave curses) if ui_run has it: for a caller
 * about to end the program from another thread. */
void ui_terminal_restore(void);

#endif
