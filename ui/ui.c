/* ui.c — the TUI main loop: screen, header and status lines, key dispatch,
 * and letting a live session sample between keys (through the host).
 *
 * Four top views (Functions, Files, Threads, Processes) each own a stack of views
 * drilled into from them; ui->tops[tab] is the deepest view of a stack and
 * `parent` leads back. Requests go to the current view first, then to the
 * generic list handling (view.c), then to the global actions here. Only
 * ui_draw() draws, and it alone re-counts the profile; handlers return a
 * reaction.
 */
#include "config.h"
#include "ui/ui.h"
#include "ui/diffcols.h"
#include "ui/draw.h"
#include "ui/script.h"
#include "model/strutil.h"
#include "ui/view.h"
#include "model/xalloc.h"
#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER_LINES 2
#define REFRESH_MS 250
#define MIN_COLS 80
#define MIN_LINES 24
#define KEY_INPUT_END (KEY_MAX + 1) /* the script ended, or the TUI must leave */

/* Where keys come from: the terminal, or a test script and a virtual screen. */
static struct input {
	SCREEN *screen;
	struct script *script;
	FILE *null_in, *null_out;
	char script_error[256];
	bool interrupted;    /* cprof-tui got SIGINT, SIGTERM or SIGHUP */
	bool lost;           /* the terminal went away */
	bool own_tstp;       /* Ctrl-Z is ours (ui_suspend), not ncurses' */
} input;

static volatile sig_atomic_t suspend_asked; /* Ctrl-Z: SIGTSTP */

static void on_tstp(int sig)
{
	suspend_asked = 1;
}

/* --- drawing ----------------------------------------------------------- */

/* What the counts take in, for the header: the processes alive and ended
 * (when there are several), the one the views are narrowed to, the time
 * range, the focus. */
static int scope_words(const struct profile *p, char *buf, size_t n)
{
	size_t running = 0, x = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < p->nprocesses; i++)
		running += !p->processes[i].ended_us && p->processes[i].followed;
	if (p->nprocesses > 1)
		x += (size_t)snprintf(buf + x, n - x, "  processes %zu running %zu ended", running,
				      p->nprocesses - running);
	if (p->narrow_pid && x < n)
		x += (size_t)snprintf(buf + x, n - x, "  only pid %d", p->narrow_pid);
	if (p->range_to_us && x < n)
		x += (size_t)snprintf(buf + x, n - x, "  time %.3f-%.3fs", p->range_from_us / 1e6,
				      p->range_to_us / 1e6);
	for (size_t i = 0; i < p->nfocus && x < n; i++) {
		char e[256]; /* (from a session file: escaped as every other name) */
		x += (size_t)snprintf(buf + x, n - x, "%s%s", i ? " " : "  focus ",
				      str_escape(e, sizeof(e), p->focus[i]));
	}
	return (int)(x < n ? x : n - 1);
}

/* The totals of the allocation samples, the one the views count (the
 * metric) in brackets, after `what`; nothing without allocation samples. */
static int memory_words(const struct profile *p, const char *what, char *buf, size_t n)
{
	if (!p->alloc_interval || !n)
		return 0;
	const struct {
		enum metric m;
		uint64_t v;
	} parts[] = {{METRIC_ALLOC, p->bytes.alloc}, {METRIC_LIVE, p->bytes.live},
		     {METRIC_PEAK, p->bytes.peak}};
	size_t x = (size_t)snprintf(buf, n, "%s", what);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && x < n; i++) {
		char b[16];
		bool on = p->metric == parts[i].m;
		x += (size_t)snprintf(buf + x, n - x, " %s%s %s%s", on ? "[" : "",
				      str_bytes(b, sizeof(b), parts[i].v), profile_metric_name(parts[i].m),
				      on ? "]" : "");
	}
	return (int)(x < n ? x : n - 1);
}

/* Line 0: the target and how it is doing (the bytes counted, in a metric
 * of bytes); line 1: the session file and the problems counted (never
 * hidden), what the counts take in, then the session's last error. */
static void draw_header(struct ui *ui)
{
	struct profile *p = ui->p;
	const struct pcounters *c = &p->counters;
	char line[1024], cmd[512], path[512], base[512], started[128], pct[16];
	unsigned long long n = p->counted;
	struct ui_status st;
	ui->host->status(ui->host->ctx, &st);
	const char *err = st.error;

	attrset(draw_attr(DRAW_HEADER, false));
	int x = snprintf(line, sizeof(line), "  %s%s  %.1fs ", st.state,
			 st.paused ? " (sampling paused)" : "", st.elapsed);
	if (p->metric == METRIC_CPU)
		snprintf(line + x, sizeof(line) - (size_t)x, " %llu samples  %.0f/s ", n, st.rate);
	else if ((x += memory_words(p, "", line + x, sizeof(line) - (size_t)x - 1)) + 2 < (int)sizeof(line))
		strcpy(line + x, " ");
	int right = draw_width(line) < COLS ? draw_width(line) : COLS;
	/* a long command is cut, not the pid after it */
	char pid[32];
	snprintf(pid, sizeof(pid), "  pid %d", p->pid);
	int room = COLS - right - draw_width(pid);
	snprintf(cmd, sizeof(cmd), " %s", p->command ? p->command : "?");
	x = draw_untrusted(0, 0, room > 0 ? room : 0, cmd, false);
	draw_text(0, x, COLS - right - x, 0, pid, true);
	draw_text(0, COLS - right, right, 0, line, true);

	draw_escape(path, sizeof(path), st.path);
	char via[64] = ""; /* "cpu/perf 999 Hz": the backend that sampled */
	if (p->backend)
		snprintf(via, sizeof(via), "/%s", draw_escape(started, sizeof(started), p->backend));
	x = snprintf(line, sizeof(line), " %s", path);
	if (ui->cfg->base) /* a diff */
		x += snprintf(line + x, sizeof(line) - (size_t)x, " against %s (%llu samples)",
			      draw_escape(base, sizeof(base), ui->cfg->base_path),
			      (unsigned long long)ui->cfg->base->counted);
	x += scope_words(p, line + x, sizeof(line) - (size_t)x);
	x += snprintf(line + x, sizeof(line) - (size_t)x, "  %s%s %u Hz  outside %s%%",
		      p->wall ? "wall" : "cpu", via, p->frequency_hz,
		      ui_percent(ui, p->outside, false, pct, sizeof(pct)));
	if (p->metric == METRIC_CPU)
		x += memory_words(p, "  memory", line + x, sizeof(line) - (size_t)x);
	if (!ui->host->live && p->started_at)
		x += snprintf(line + x, sizeof(line) - x, "  started %s",
			      draw_escape(started, sizeof(started), p->started_at));
	const struct {
		const char *what;
		uint64_t n;
	} problems[] = {
		{ "incomplete", c->incomplete }, { "lost", c->lost }, { "no line", c->no_line },
		{ "no symbol", c->no_symbol },   { "reused", c->reused },
	};
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (problems[i].n && (size_t)x < sizeof(line))
			x += snprintf(line + x, sizeof(line) - x, "  %s %llu", problems[i].what,
				      (unsigned long long)problems[i].n);
	x = draw_text(1, 0, COLS, 0, line, !err);
	if (err) {
		attrset(draw_attr(DRAW_ERROR, false));
		x += draw_untrusted(1, x, COLS - x, "  ", false);
		x += draw_untrusted(1, x, COLS - x, err, false);
		attrset(draw_attr(DRAW_HEADER, false));
		draw_text(1, x, COLS - x, 0, "", true);
	}
}

/* Breadcrumb of the current stack: "Functions > Source main.c". */
static void breadcrumb(struct view *v, char *buf, size_t n)
{
	char title[512];
	if (v->parent) {
		breadcrumb(v->parent, buf, n);
		strncat(buf, " > ", n - strlen(buf) - 1);
	} else {
		buf[0] = '\0';
	}
	if (v->ops->title)
		v->ops->title(v, title, sizeof(title));
	else
		snprintf(title, sizeof(title), "%s", v->ops->name);
	strncat(buf, title, n - strlen(buf) - 1);
}

static void draw_status(struct ui *ui)
{
	struct view *v = ui_current(ui);
	char left[2048], right[64];
	int y = LINES - 1;

	snprintf(right, sizeof(right), " %zu/%zu  ?:help q:%s ", v->nrows ? v->cursor + 1 : 0,
		 v->nrows, v->parent ? "back" : "quit");
	attrset(draw_attr(ui->message[0] && ui->message_error ? DRAW_ERROR : DRAW_STATUS, false));
	if (ui->message[0]) {
		left[0] = ' ';
		draw_escape(left + 1, sizeof(left) - 1, ui->message);
	} else {
		left[0] = ' ';
		breadcrumb(v, left + 1, sizeof(left) - 1);
	}
	int rw = draw_width(right);
	draw_text(y, 0, COLS - rw, 0, left, true);
	attrset(draw_attr(DRAW_STATUS, false));
	draw_text(y, COLS - rw, rw, 0, right, true);
}

static void draw_rows(struct view *v)
{
	int y0 = HEADER_LINES + 1;

	v->height = LINES - HEADER_LINES - 2;
	view_refresh(v);
	view_fit(v);
	attrset(draw_attr(DRAW_TITLE, false));
	v->ops->draw_header(v, HEADER_LINES, COLS);
	for (int i = 0; i < v->height; i++) {
		size_t row = v->top + (size_t)i;
		if (row < v->nrows) {
			v->ops->draw_row(v, row, y0 + i, COLS, row == v->cursor);
		} else {
			attrset(draw_attr(DRAW_NORMAL, false));
			draw_text(y0 + i, 0, COLS, 0, "", true);
		}
	}
}

static void ui_draw(struct ui *ui)
{
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		char msg[128];
		snprintf(msg, sizeof(msg), "cprof-tui needs %dx%d; this terminal is %dx%d (q quits)",
			 MIN_COLS, MIN_LINES, COLS, LINES);
		attrset(draw_attr(DRAW_NORMAL, false));
		draw_wrapped(msg);
	} else {
		profile_update(ui->p); /* the one re-count, after any change */
		draw_header(ui);
		draw_rows(ui_current(ui));
		draw_status(ui);
	}
	attrset(A_NORMAL);
	refresh();
}

/* --- input ------------------------------------------------------------- */

static bool ui_has_notes(struct ui *ui)
{
	char **notes;
	size_t n = ui->host->notes ? ui->host->notes(ui->host->ctx, &notes) : 0;
	for (size_t i = 0; i < n; i++)
		free(notes[i]);
	if (ui->host->notes)
		free(notes);
	return n > 0;
}

/* Let a live session sample for up to ms; returns true when stdin has
 * input. Notes when the session is over (target gone, -d expired, or
 * SIGINT/SIGTERM to cprof-tui: then the TUI leaves). */
static bool ui_sample(struct ui *ui, int ms, bool watch_stdin)
{
	if (ui->live_over)
		return false;
	bool over = false;
	bool ready = ui->host->run(ui->host->ctx, watch_stdin ? STDIN_FILENO : -1, ms, &over);
	if (over) {
		struct ui_status st;
		ui->live_over = true;
		ui->host->status(ui->host->ctx, &st);
		if (ui->host->interrupted(ui->host->ctx))
			input.interrupted = true;
		else
			ui_message(ui, false, "session over: %s; the profile is final (q quits)%s",
				   st.state, ui_has_notes(ui) ? "; i: notes on why it is thin" : "");
	}
	return ready;
}

static int ui_script_key(struct ui *ui)
{
	struct script_step step;

	for (;;) {
		script_next(input.script, &step, input.script_error, sizeof(input.script_error));
		switch (step.action) {
		case SCRIPT_KEY:
			return step.key;
		case SCRIPT_DUMP:
			if (script_dump_screen(step.path) < 0) {
				snprintf(input.script_error, sizeof(input.script_error),
					 "cannot write %s: %m", step.path);
				return KEY_INPUT_END;
			}
			break;
		case SCRIPT_RESIZE:
			resize_term(step.lines, step.cols);
			return KEY_RESIZE;
		case SCRIPT_WAIT:
			if (ui->host->live)
				ui_sample(ui, step.ms, false);
			return ERR;
		case SCRIPT_END:
			return KEY_INPUT_END;
		}
	}
}

/* Ctrl-Z: give the terminal back, let the host make the target safe, stop
 * until continued (fg), then take the terminal again. cprof-tui stops here,
 * between two rounds of samples: ncurses' own handler stopped it wherever
 * the signal came, in a round too, leaving threads of an attached process
 * interrupted and stopped until fg. */
static void ui_suspend(struct ui *ui)
{
	const struct ui_host *h = ui->host;
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ours;

	suspend_asked = 0;
	endwin();
	if (h->live)
		h->suspend(h->ctx, true);
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &ours);
	raise(SIGTSTP); /* stopped here until continued */
	sigaction(SIGTSTP, &ours, NULL);
	if (h->live)
		h->suspend(h->ctx, false);
	clearok(curscr, TRUE);
}

/* True when the terminal has gone away (closed, hung up): getch() then
 * fails at once, and would for ever. */
static bool terminal_lost(void)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* The next key, ERR when it is time to redraw a live profile, or
 * KEY_INPUT_END when the TUI must leave. */
static int ui_read_key(struct ui *ui)
{
	const struct ui_host *h = ui->host;
	int key;

	if (!input.interrupted && h->live && h->interrupted(h->ctx))
		input.interrupted = true;
	if (input.interrupted || input.lost)
		return KEY_INPUT_END;
	if (input.script)
		return ui_script_key(ui);
	if (suspend_asked) {
		ui_suspend(ui);
		return ERR; /* redraw */
	}
	if (!h->live || ui->live_over) {
		timeout(h->live ? 500 : -1);
		key = getch();
	} else {
		/* Keys ncurses already buffered first, then sample until a key or a redraw. */
		timeout(0);
		key = getch();
		if (key == ERR && ui_sample(ui, REFRESH_MS, true))
			key = getch();
	}
	if (key == ERR && terminal_lost())
		input.lost = true;
	return input.interrupted || input.lost ? KEY_INPUT_END : key;
}

/* Read a line at the bottom of the screen; false when cancelled. */
static bool ui_prompt(struct ui *ui, const char *prompt, char *buf, size_t n)
{
	size_t len = strlen(buf);

	curs_set(1);
	for (;;) {
		char line[512];
		snprintf(line, sizeof(line), "%s%s", prompt, buf);
		attrset(draw_attr(DRAW_STATUS, false));
		draw_text(LINES - 1, 0, COLS, 0, line, true);
		move(LINES - 1, draw_width(line) < COLS ? draw_width(line) : COLS - 1);
		refresh();
		int key = ui_read_key(ui);
		if (key == ERR || key == KEY_RESIZE) {
			ui_draw(ui);
			continue;
		}
		key = keys_normalize(key);
		if (key == '\n' || key == KEY_ESC || key == KEY_INPUT_END) {
			curs_set(0);
			return key == '\n';
		}
		if (key == KEY_BACKSPACE) {
			while (len > 0 && ((unsigned char)buf[len - 1] & 0xc0) == 0x80)
				len--; /* UTF-8 continuation bytes */
			if (len > 0)
				len--;
			buf[len] = '\0';
		} else if (key >= ' ' && key < 256 && key != 127 && len + 1 < n) {
			buf[len++] = (char)key;
			buf[len] = '\0';
		}
	}
}

/* --- requests ---------------------------------------------------------- */

static enum reaction ui_search(struct ui *ui, struct view *v)
{
	char pattern[sizeof(v->search)] = "";

	if (!ui_prompt(ui, "/", pattern, sizeof(pattern)))
		return REACT_REDRAW;
	snprintf(v->search, sizeof(v->search), "%s", pattern);
	if (!pattern[0])
		ui_message(ui, false, "search cleared");
	else if (!view_find(v, true, false))
		ui_message(ui, true, "no match for \"%s\"", pattern);
	return REACT_REDRAW;
}

/* f: the focus, as globs separated by spaces; an empty answer clears it.
 * Saved with the session. */
static enum reaction ui_focus(struct ui *ui)
{
	struct profile *p = ui->p;
	char line[256] = "", err[256];
	for (size_t i = 0; i < p->nfocus; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s", i ? " " : "",
			 p->focus[i]);
	if (!ui_prompt(ui, "focus (function globs, empty: none): ", line, sizeof(line)))
		return REACT_REDRAW;
	const char *globs[16];
	size_t n = 0;
	for (char *save, *w = strtok_r(line, " ", &save); w && n < 16; w = strtok_r(NULL, " ", &save))
		globs[n++] = w;
	profile_set_focus(p, globs, n);
	if (ui->host->save(ui->host->ctx, err, sizeof(err)) < 0)
		ui_message(ui, true, "focus set, not saved: %s", err);
	else if (!n)
		ui_message(ui, false, "no focus: every sample counts");
	else
		ui_message(ui, false, "focus: %llu samples have a matching function, %llu do not "
			   "(f and an empty answer clears)", (unsigned long long)p->counted,
			   (unsigned long long)p->out_of_focus);
	return REACT_REDRAW;
}

/* m: the next metric (CPU samples, then bytes allocated, live, live at the
 * peak), for a profile with allocation samples. */
static enum reaction ui_metric(struct ui *ui)
{
	struct profile *p = ui->p;
	static const char *const words[METRIC_COUNT] = {
		[METRIC_CPU] = "CPU samples", [METRIC_ALLOC] = "bytes allocated",
		[METRIC_LIVE] = "bytes live (not freed yet; at the end, never freed)",
		[METRIC_PEAK] = "bytes live when the most were"};
	if (!p->alloc_interval) {
		ui_message(ui, false, "no allocation samples to count: record with --memory");
		return REACT_REDRAW;
	}
	if (ui->diff) {
		ui_message(ui, false, "a diff compares CPU samples: open the session alone to count bytes");
		return REACT_REDRAW;
	}
	profile_set_metric(p, (p->metric + 1) % METRIC_COUNT);
	ui_message(ui, false, "counting %s (m: next)", words[p->metric]);
	return REACT_REDRAW;
}

static enum reaction ui_session_request(struct ui *ui, enum request req)
{
	const struct ui_host *h = ui->host;
	char err[256];

	if (!h->live || ui->live_over) {
		ui_message(ui, true, "%s", h->live ? "the session is over" : "a saved session cannot be changed");
		return REACT_REDRAW;
	}
	switch (req) {
	case REQ_PAUSE: {
		struct ui_status st;
		h->status(h->ctx, &st);
		h->pause(h->ctx, !st.paused);
		ui_message(ui, false, st.paused ? "sampling resumed" : "sampling paused (p resumes)");
		break;
	}
	case REQ_STOP_TARGET: {
		bool stop = !h->target_stopped(h->ctx);
		if (h->stop_target(h->ctx, stop, err, sizeof(err)) < 0)
			ui_message(ui, true, "cannot %s the target: %s", stop ? "stop" : "continue", err);
		else
			ui_message(ui, false, stop ? "target stopped (S continues)" : "target continued");
		break;
	}
	case REQ_RESET:
		profile_reset_counts(ui->p);
		ui_message(ui, false, "counts reset");
		break;
	default:
		break;
	}
	return REACT_REDRAW;
}

static enum reaction ui_request(struct ui *ui, enum request req)
{
	struct view *v = ui_current(ui);
	enum reaction react;

	if (v->ops->request && (react = v->ops->request(v, req)) != REACT_NONE)
		return react;
	if ((react = view_request(v, req)) != REACT_NONE)
		return react;
	switch (req) {
	case REQ_BACK:
		return ui_pop(ui);
	case REQ_QUIT:
		return v->parent ? ui_pop(ui) : REACT_QUIT;
	case REQ_NEXT_VIEW:
	case REQ_PREV_VIEW:
		ui->tab = (ui->tab + (req == REQ_NEXT_VIEW ? 1 : TOP_COUNT - 1)) % TOP_COUNT;
		return REACT_REDRAW;
	case REQ_HELP: /* (the help view takes it itself, to close) */
		return ui_push(ui, help_view_new(ui));
	case REQ_REDRAW:
		clearok(curscr, TRUE);
		return REACT_REDRAW;
	case REQ_SEARCH:
		return ui_search(ui, v);
	case REQ_FOCUS:
		return ui_focus(ui);
	case REQ_ALL_PROCESSES:
		if (!ui->p->narrow_pid) {
			ui_message(ui, false, "every process is shown (Enter in Processes narrows)");
			return REACT_REDRAW;
		}
		profile_narrow(ui->p, 0);
		ui_message(ui, false, "every process again");
		return REACT_REDRAW;
	case REQ_NOTES:
		return ui_push(ui, notes_view_new(ui));
	case REQ_METRIC:
		return ui_metric(ui);
	case REQ_FLAME: /* g and t go back to a flame graph or timeline already open */
		return ui_push_once(ui, flame_view_new(ui));
	case REQ_TIMELINE:
		return ui_push_once(ui, timeline_view_new(ui));
	case REQ_ALL_TIME:
		ui_message(ui, false, "%s", ui->p->range_to_us ? "the whole session again"
			   : "the whole session is counted (t: the timeline narrows to a range)");
		profile_set_range(ui->p, 0, 0);
		return REACT_REDRAW;
	case REQ_MOVE_LEFT: /* in a view that does not move sideways: back, or in */
		return ui_pop(ui);
	case REQ_MOVE_RIGHT:
		return ui_request(ui, REQ_ENTER);
	case REQ_PAUSE:
	case REQ_STOP_TARGET:
	case REQ_RESET:
		return ui_session_request(ui, req);
	default:
		return REACT_NONE;
	}
}

/* --- setup and the loop -------------------------------------------------- */

static bool screen_open(char *err, size_t errlen)
{
	const char *script = getenv("CPROF_TUI_SCRIPT");

	if (script && *script) {
		const char *term = getenv("TERM");
		if (!term || !*term || !strcmp(term, "dumb"))
			term = "xterm";
		if (!(input.script = script_open(script, err, errlen)))
			return false;
		input.null_out = fopen("/dev/null", "w");
		input.null_in = fopen("/dev/null", "r");
		input.screen = input.null_out && input.null_in ? newterm(term, input.null_out, input.null_in) : NULL;
	} else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the TUI needs a terminal (use --headless or --report)");
		return false;
	} else {
		/* Ctrl-Z is taken where it is safe (ui_suspend), unless it is
		 * ignored; set before newterm, which then leaves it alone */
		struct sigaction sa = { .sa_handler = on_tstp }, old;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGTSTP, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			input.own_tstp = sigaction(SIGTSTP, &sa, NULL) == 0;
		input.screen = newterm(NULL, stdout, stdin);
	}
	if (!input.screen) {
		snprintf(err, errlen, "cannot use terminal type '%s' (set TERM)", getenv("TERM") ? getenv("TERM") : "");
		return false;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	return true;
}

void ui_terminal_restore(void)
{
	if (input.screen)
		endwin();
}

static void screen_close(void)
{
	if (input.screen) {
		endwin();
		delscreen(input.screen);
	}
	script_close(input.script);
	if (input.null_out)
		fclose(input.null_out);
	if (input.null_in)
		fclose(input.null_in);
	if (input.own_tstp)
		signal(SIGTSTP, SIG_DFL);
	memset(&input, 0, sizeof(input));
}

static void ui_loop(struct ui *ui)
{
	for (;;) {
		ui_draw(ui);
		int key = ui_read_key(ui);
		if (key == KEY_INPUT_END)
			return;
		if (key == ERR || key == KEY_RESIZE)
			continue;
		ui->message[0] = '\0';
		enum request req = keys_request(key);
		if (req == REQ_NONE) {
			char name[32];
			ui_message(ui, false, "%s: no such key (? for help)", keys_name(keys_normalize(key), name, sizeof(name)));
			continue;
		}
		if (ui_request(ui, req) & REACT_QUIT)
			return;
	}
}

int ui_run(struct profile *p, const struct ui_host *host, const struct ui_config *cfg)
{
	struct ui ui = { .p = p, .host = host, .cfg = cfg };
	char err[512];
	int status = 0;

	setlocale(LC_ALL, "");
	if (!screen_open(err, sizeof(err))) {
		screen_close();
		fprintf(stderr, "cprof-tui: %s\n", err);
		return 2;
	}
	ui.color = draw_init_colors();
	ui.diff = cfg->base ? diffcols_new(cfg->base) : NULL;
	ui.tops[TOP_FUNCTIONS] = functions_view_new(&ui);
	ui.tops[TOP_FILES] = files_view_new(&ui);
	ui.tops[TOP_THREADS] = threads_view_new(&ui);
	ui.tops[TOP_PROCESSES] = processes_view_new(&ui);

	ui_loop(&ui);

	char script_error[sizeof(input.script_error)];
	snprintf(script_error, sizeof(script_error), "%s", input.script_error);
	bool lost = input.lost;
	screen_close();
	for (int t = 0; t < TOP_COUNT; t++)
		while (ui.tops[t]) {
			struct view *parent = ui.tops[t]->parent;
			view_free(ui.tops[t]);
			ui.tops[t] = parent;
		}
	diffcols_free(ui.diff);
	if (script_error[0]) {
		fprintf(stderr, "cprof-tui: %s\n", script_error);
		status = 2;
	}
	return lost ? UI_TERMINAL_LOST : status;
}
