/* request.h — every user action, defined once.
 *
 * REQUEST_INFO is the single table that generates the request enum, the key
 * bindings (keys.c) and the help view (view-help.c), so the help can never
 * drift from what the keys do. Each entry: name, group, up to three keys, and
 * the help text. Keys are ncurses key codes after keys_normalize() (keys.c):
 * Enter is '\n', every Backspace code is KEY_BACKSPACE.
 */
#ifndef CPROF_UI_REQUEST_H
#define CPROF_UI_REQUEST_H
#include <curses.h>
#include <stddef.h>

#define CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27
#define KEY_TAB '\t'

#define REQUEST_INFO(R) \
	R(MOVE_UP,      "Move",    KEY_UP,        'k',           0,             "Move the cursor up one row") \
	R(MOVE_DOWN,    "Move",    KEY_DOWN,      'j',           0,             "Move the cursor down one row") \
	R(PAGE_UP,      "Move",    KEY_PPAGE,     CTRL('b'),     0,             "Move up one page") \
	R(PAGE_DOWN,    "Move",    KEY_NPAGE,     CTRL('f'),     0,             "Move down one page") \
	R(MOVE_LEFT,    "Move",    KEY_LEFT,      'h',           0,             "Flame graph: the frame left; timeline: earlier; else back") \
	R(MOVE_RIGHT,   "Move",    KEY_RIGHT,     'l',           0,             "Flame graph: the frame right; timeline: later; else in") \
	R(MOVE_FIRST,   "Move",    KEY_HOME,      0,             0,             "Go to the first row; timeline: to the start") \
	R(MOVE_LAST,    "Move",    KEY_END,       'G',           0,             "Go to the last row; timeline: to the end") \
	R(SCROLL_LEFT,  "Move",    '<',           0,             0,             "Scroll long lines left (source); timeline: earlier") \
	R(SCROLL_RIGHT, "Move",    '>',           0,             0,             "Scroll long lines right (source); timeline: later") \
	R(ZOOM_IN,      "Move",    '+',           '=',           0,             "Timeline: a finer time scale") \
	R(ZOOM_OUT,     "Move",    '-',           0,             0,             "Timeline: a coarser time scale") \
	R(ENTER,        "Views",   '\n',          0,             0,             "In; Processes, timeline: narrow every view; flame: zoom") \
	R(BACK,         "Views",   KEY_ESC,       KEY_BACKSPACE, 0,             "Back to exactly where you were; flame graph: zoom out") \
	R(QUIT,         "Views",   'q',           0,             0,             "Back; in a top view quit (ends a launched program)") \
	R(NEXT_VIEW,    "Views",   KEY_TAB,       0,             0,             "Next top view: Functions, Files, Threads, Processes") \
	R(PREV_VIEW,    "Views",   KEY_BTAB,      0,             0,             "Previous top view") \
	R(CALLERS,      "Views",   'c',           0,             0,             "Callers and callees of the selected function") \
	R(FLAME,        "Views",   'g',           0,             0,             "Flame graph of the counted samples (g again closes it)") \
	R(TIMELINE,     "Views",   't',           0,             0,             "Timeline: samples over time, to narrow to a time range") \
	R(OPEN_SOURCE,  "Views",   'o',           0,             0,             "Flame graph: the source of the selected frame") \
	R(NOTES,        "Views",   'i',           0,             0,             "Notes: why the profile is thin, and what to do") \
	R(HELP,         "Views",   '?',           KEY_F(1),      0,             "This help") \
	R(REDRAW,       "Views",   CTRL('l'),     0,             0,             "Redraw the screen") \
	R(SEARCH,       "Find",    '/',           0,             0,             "Search this view (an empty pattern clears)") \
	R(FIND_NEXT,    "Find",    'n',           0,             0,             "Next match; in source, next line with samples") \
	R(FIND_PREV,    "Find",    'N',           0,             0,             "Previous match or line with samples") \
	R(HOTTEST,      "Find",    'H',           0,             0,             "Jump to the hottest line (source view)") \
	R(SORT,         "Profile", 's',           0,             0,             "Sort: self, total, name, file; timeline: thread/process") \
	R(TOGGLE,       "Profile", ' ',           0,             0,             "Files: toggle profiled; timeline: mark a range's start") \
	R(FOCUS,        "Profile", 'f',           0,             0,             "Focus on functions: count only stacks with a match") \
	R(ALL_PROCESSES,"Profile", 'x',           0,             0,             "Show every process again (undo a narrowing)") \
	R(METRIC,       "Profile", 'm',           0,             0,             "Count CPU samples, bytes allocated, live, live at the peak") \
	R(ALL_TIME,     "Profile", 'T',           0,             0,             "Show the whole session again (undo a time range)") \
	R(PAUSE,        "Session", 'p',           0,             0,             "Pause or resume sampling (live)") \
	R(STOP_TARGET,  "Session", 'S',           0,             0,             "Stop or continue the target process (live)") \
	R(RESET,        "Session", 'z',           0,             0,             "Reset all counts to zero (live)")

enum request {
	REQ_NONE,
#define REQ_ENUM(name, group, k1, k2, k3, help) REQ_##name,
	REQUEST_INFO(REQ_ENUM)
#undef REQ_ENUM
	REQ_COUNT
};

struct request_info {
	enum request req;
	const char *group;
	int keys[3];
	const char *help;
};

/* The table itself, in REQUEST_INFO order, REQ_COUNT - 1 entries. */
extern const struct request_info request_table[];

/* Map a raw ncurses key to the one code the table uses. */
int keys_normalize(int key);
/* The request bound to a (normalized) key, or REQ_NONE. */
enum request keys_request(int key);
/* A key's display name ("Enter", "PgUp", "C-l", "q") into buf; returns buf. */
const char *keys_name(int key, char *buf, size_t n);
/* Inverse of keys_name (used by the screen-test script); -1 when unknown. */
int keys_parse(const char *name);

#endif
