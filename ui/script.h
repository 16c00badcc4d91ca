/* script.h — the headless screen-test driver (tig's approach).
 *
 * With CPROF_TUI_SCRIPT=FILE the TUI draws into a virtual screen instead of
 * the terminal (size from COLUMNS and LINES, default 80x24) and takes its
 * keys from FILE, one per line:
 *
 *   j  Enter  Down  PgDn  Space  Tab  Esc  F1  C-l  ...   a key (keys_parse names)
 *   :type TEXT          type TEXT, one key per character (for / prompts)
 *   :dump FILE          write the screen as plain text, lines right-trimmed
 *   :resize COLSxLINES  resize the virtual screen
 *   :wait MS            live sessions: keep sampling for MS milliseconds
 *   # comment, blank lines ignored
 *
 * At the end of the script the TUI quits as `q` in a top view would.
 */
#ifndef CPROF_UI_SCRIPT_H
#define CPROF_UI_SCRIPT_H
#include <stdbool.h>
#include <stddef.h>

enum script_action { SCRIPT_KEY, SCRIPT_DUMP, SCRIPT_RESIZE, SCRIPT_WAIT, SCRIPT_END };

struct script_step {
	enum script_action action;
	int key;            /* SCRIPT_KEY */
	const char *path;   /* SCRIPT_DUMP, valid until the next step */
	int cols, lines;    /* SCRIPT_RESIZE */
	int ms;             /* SCRIPT_WAIT */
};

struct script;

/* Open a script; NULL with a reason in err. */
struct script *script_open(const char *path, char *err, size_t errlen);
/* The next step. A line that does not parse ends the script with a message
 * in err (SCRIPT_END and err[0] != 0). */
void script_next(struct script *s, struct script_step *step, char *err, size_t errlen);
void script_close(struct script *s);
/* Write stdscr as plain UTF-8 text, right-trimmed; -1 with errno on failure. */
int script_dump_screen(const char *path);

#endif
