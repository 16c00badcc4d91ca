/* view.h — the view abstraction shared by every screen of the TUI, and the
 * state every view can reach (struct ui).
 *
 * A view is a scrolling list of rows with a cursor (struct view); what it
 * shows and how it reacts lives in its struct view_ops, defined at the end of
 * each view-*.c file. Rows are identified by a stable 64-bit id (a function,
 * file or thread index, a line number), so when the profile changes under a
 * live session the cursor stays on the same item, not the same index.
 *
 * Views never draw in reaction to a key: request handlers return a reaction
 * bitmask and the main loop (ui.c) redraws; the profile is re-counted there,
 * once, before drawing. Views drilled into form a stack through `parent`
 * (ui_push, ui_pop); going back frees the child and shows the parent exactly
 * as it was. Views may open other views but never call into ui.c.
 */
#ifndef CPROF_UI_VIEW_H
#define CPROF_UI_VIEW_H
#include "model/profile.h"
#include "ui/request.h"
#include "ui/ui.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum reaction {
	REACT_NONE = 0,
	REACT_REDRAW = 1,   /* the screen changed */
	REACT_QUIT = 2,     /* leave the UI */
};

enum top_view { TOP_FUNCTIONS, TOP_FILES, TOP_THREADS, TOP_PROCESSES, TOP_COUNT };

/* What every view and action can reach (htop's State). */
struct ui {
	struct profile *p;
	const struct ui_host *host;  /* the live recording or the saved session */
	const struct ui_config *cfg;
	struct view *tops[TOP_COUNT]; /* deepest view of each top view's stack */
	enum top_view tab;
	bool live_over;              /* the recorder reported the session over */
	bool color;
	char message[256];           /* one-shot status message */
	bool message_error;
	struct diffcols *diff;       /* a diff's columns (ui/diffcols.h), NULL for one profile */
};

struct view;

struct view_ops {
	const char *name;
	/* (Re)build rows from the profile; called when profile.generation moved. */
	void (*load)(struct view *v);
	/* Column titles on the line above the rows. */
	void (*draw_header)(struct view *v, int y, int width);
	/* One row; `selected` rows are drawn in the cursor colour. */
	void (*draw_row)(struct view *v, size_t row, int y, int width, bool selected);
	/* Plain text of a row for searching, into buf. */
	void (*row_text)(struct view *v, size_t row, char *buf, size_t n);
	/* View-specific requests; REACT_NONE with no message means "not handled". */
	enum reaction (*request)(struct view *v, enum request req);
	/* Optional: search for v->search otherwise than in the rows' text (the
	 * flame graph's frames); view_find() then calls it. */
	bool (*find)(struct view *v, bool forward, bool skip_current);
	/* Status line title ("Source src/main.c"), into buf. */
	void (*title)(struct view *v, char *buf, size_t n);
	/* Free priv. */
	void (*done)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	struct ui *ui;
	struct view *parent;
	uint64_t *ids;               /* row ids, or NULL when a row's id is its index */
	size_t nrows, cap_ids;
	size_t cursor, top;          /* selected row, first visible row */
	int height;                  /* rows visible at the last draw */
	uint64_t generation;         /* profile generation the rows were built from */
	bool loaded;
	bool follow;                 /* the cursor was placed: keep it on its row id */
	char search[128];            /* last search pattern, empty for none */
	void *priv;
};

/* Create a view (not loaded yet). priv is owned by the view from now on. */
struct view *view_new(struct ui *ui, const struct view_ops *ops, void *priv);
/* Free a view and its priv (not its parent). */
void view_free(struct view *v);
/* Reload when the profile moved, keeping the cursor on the same row id. */
void view_refresh(struct view *v);
/* Rows being (re)built by ops->load: empty them, then append. */
void view_rows_clear(struct view *v);
void view_rows_add(struct view *v, uint64_t id);
/* The id of a row (its index when the view has no ids). */
uint64_t view_row_id(const struct view *v, size_t row);
/* Put the cursor on the row with this id; false when there is none. */
bool view_select_id(struct view *v, uint64_t id);
/* Put the cursor on a row and scroll so it is visible, a third down the page
 * when it was off screen. */
void view_select(struct view *v, size_t row);
/* Keep cursor and top inside the rows and the cursor on screen. */
void view_fit(struct view *v);
/* Generic requests: movement and search. */
enum reaction view_request(struct view *v, enum request req);
/* Search from the cursor for v->search; forward or backward, wrapping. */
bool view_find(struct view *v, bool forward, bool skip_current);

/* The view stack of the current top view: push a child (it becomes the
 * current view) or pop back to its parent (REACT_NONE in a top view). */
enum reaction ui_push(struct ui *ui, struct view *child);
/* ui_push, unless a view of child's kind is on the current tab's stack
 * already: then back to that one (child is freed). */
enum reaction ui_push_once(struct ui *ui, struct view *child);
enum reaction ui_pop(struct ui *ui);
struct view *ui_current(struct ui *ui);
/* Set a file's profiled state as the user's choice and save it (through the
 * host); every view re-charges at the next draw. */
void ui_set_profiled(struct ui *ui, uint32_t file, bool profiled);
/* The one-shot status message (an error in the error colour). The whole
 * message is escaped when it is drawn: strings from the target, the session
 * file or an error text go in as they are, never escaped twice. */
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Share of the whole as "12.3", or "" when count is 0 and blank_zero. */
char *ui_percent(const struct ui *ui, uint64_t count, bool blank_zero, char *buf, size_t n);
/* The whole the shares are of: every sample counted, or in a metric of
 * bytes (profile.h), every byte. */
uint64_t ui_total_samples(const struct ui *ui);
/* An amount the metric counts as text: samples ("1234") or bytes ("12.3M");
 * the title of its column: "Samples", or the bytes: "Alloc", "Live", "Peak". */
char *ui_amount(const struct ui *ui, uint64_t v, char *buf, size_t n);
const char *ui_amount_title(const struct ui *ui);

/* The views. Openers return a new, unloaded view. */
struct view *functions_view_new(struct ui *ui);
struct view *files_view_new(struct ui *ui);
struct view *threads_view_new(struct ui *ui);
struct view *processes_view_new(struct ui *ui);
/* Notes on a thin profile (the host's), one paragraph each, wrapped. */
struct view *notes_view_new(struct ui *ui);
/* Source of a profile file, cursor on `line` (0: the hottest line). */
struct view *source_view_new(struct ui *ui, uint32_t file, uint32_t line);
/* Source of a function, cursor on its hottest line. */
struct view *source_view_for_function(struct ui *ui, uint32_t func);
struct view *backtrace_view_new(struct ui *ui, uint32_t thread);
struct view *callers_view_new(struct ui *ui, uint32_t func);
struct view *help_view_new(struct ui *ui);
/* The flame graph of the counted samples (view-flame.c), and the timeline
 * of the samples, which narrows every view to a time range. */
struct view *flame_view_new(struct ui *ui);
struct view *timeline_view_new(struct ui *ui);

#endif
