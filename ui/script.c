/* script.c — the headless screen-test driver; see script.h. */
#include "config.h"
#include "ui/script.h"
#include "ui/request.h"
#include "model/xalloc.h"
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <wchar.h>

struct script {
	FILE *in;
	unsigned lineno;
	char line[4096];
	const char *typing; /* rest of a :type line still to send */
};

struct script *script_open(const char *path, char *err, size_t errlen)
{
	FILE *in = fopen(path, "r");
	if (!in) {
		snprintf(err, errlen, "cannot open script %s: %m", path);
		return NULL;
	}
	struct script *s = xcalloc(1, sizeof(*s));
	s->in = in;
	return s;
}

void script_close(struct script *s)
{
	if (!s)
		return;
	fclose(s->in);
	free(s);
}

/* Send the next character of a :type line. */
static bool script_type(struct script *s, struct script_step *step)
{
	if (!s->typing || !*s->typing) {
		s->typing = NULL; /* it points into the line, which the next one overwrites */
		return false;
	}
	step->action = SCRIPT_KEY;
	step->key = (unsigned char)*s->typing++;
	return true;
}

static bool script_command(struct script *s, char *cmd, struct script_step *step)
{
	char *arg = cmd + strcspn(cmd, " ");
	if (*arg)
		*arg++ = '\0';
	if (!strcmp(cmd, "type") && *arg) {
		s->typing = arg;
		return script_type(s, step);
	}
	if (!strcmp(cmd, "dump") && *arg) {
		step->action = SCRIPT_DUMP;
		step->path = arg;
		return true;
	}
	if (!strcmp(cmd, "resize") && sscanf(arg, "%dx%d", &step->cols, &step->lines) == 2 &&
	    step->cols > 0 && step->lines > 0) {
		step->action = SCRIPT_RESIZE;
		return true;
	}
	if (!strcmp(cmd, "wait") && sscanf(arg, "%d", &step->ms) == 1 && step->ms >= 0) {
		step->action = SCRIPT_WAIT;
		return true;
	}
	return false;
}

void script_next(struct script *s, struct script_step *step, char *err, size_t errlen)
{
	err[0] = '\0';
	if (script_type(s, step))
		return;
	while (fgets(s->line, sizeof(s->line), s->in)) {
		char *l = s->line;
		s->lineno++;
		l[strcspn(l, "\n")] = '\0';
		while (*l == ' ')
			l++;
		if (!*l || *l == '#')
			continue;
		if (*l == ':') {
			if (script_command(s, l + 1, step))
				return;
		} else if ((step->key = keys_parse(l)) >= 0) {
			step->action = SCRIPT_KEY;
			return;
		}
		snprintf(err, errlen, "script line %u: cannot parse \"%s\"", s->lineno, l);
		break;
	}
	step->action = SCRIPT_END;
}

/* One screen line as UTF-8, right-trimmed. */
static void dump_line(FILE *out, int y)
{
	char buf[4096];
	size_t len = 0;

	for (int x = 0; x < COLS && len + MB_LEN_MAX < sizeof(buf); x++) {
		cchar_t cell;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t attrs;
		short pair;

		if (mvwin_wch(stdscr, y, x, &cell) == ERR || getcchar(&cell, wch, &attrs, &pair, NULL) == ERR)
			break;
		for (int i = 0; wch[i]; i++) {
			int n = wctomb(buf + len, wch[i]);
			len += n > 0 ? (size_t)n : 0;
			if (wcwidth(wch[i]) == 2)
				x++; /* the next cell continues this character */
		}
	}
	while (len && buf[len - 1] == ' ')
		len--;
	fwrite(buf, 1, len, out);
	fputc('\n', out);
}

int script_dump_screen(const char *path)
{
	FILE *out = fopen(path, "w");
	if (!out)
		return -1;
	for (int y = 0; y < LINES; y++)
		dump_line(out, y);
	return fclose(out);
}
