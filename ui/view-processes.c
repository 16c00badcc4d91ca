/* view-processes.c — the target's processes as a tree by parent: the one
 * launched or attached and every child followed. Enter narrows every view
 * to the selected process's samples (x clears). Rows are identified by
 * process index. */
#include "config.h"
#include "model/table.h"
#include "model/xalloc.h"
#include "ui/columns.h"
#include "ui/draw.h"
#include "ui/view.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct processes_view {
	uint32_t *depth;    /* per process index: its depth in the tree */
	size_t cap_depth;
	uint64_t all;       /* what every process counts (the share's whole) */
};

/* What a process counts in the metric. */
static uint64_t amount(const struct profile *p, const struct pprocess *pr)
{
	return profile_amount(p, pr->samples, &pr->bytes);
}

static void processes_load(struct view *v)
{
	struct processes_view *pv = v->priv;
	const struct profile *p = v->ui->p;
	struct process_row *rows;
	size_t n = table_processes(p, &rows);

	xgrow((void **)&pv->depth, &pv->cap_depth, p->nprocesses + 1, sizeof(uint32_t));
	view_rows_clear(v);
	pv->all = 0;
	for (size_t i = 0; i < n; i++) {
		view_rows_add(v, rows[i].id);
		pv->depth[rows[i].id] = rows[i].depth;
		pv->all += amount(p, &p->processes[rows[i].id]);
	}
	free(rows);
}

enum { COL_PID, COL_SAMPLES, COL_SHARE, COL_STATUS, COL_TIME, COL_COMMAND, NCOLS };
static const struct column columns[NCOLS] = {
	[COL_PID] = { "PID", 7, 0, 1, COL_RIGHT },
	[COL_SAMPLES] = { "Samples", 8, 0, 1, COL_RIGHT },
	[COL_SHARE] = { "Share%", 6, 0, 1, COL_RIGHT },
	[COL_STATUS] = { "Status", 12, 0, 2, COL_LEFT },
	[COL_TIME] = { "Time", 8, 0, 1, COL_RIGHT },
	[COL_COMMAND] = { "Command", 0, 1, 2, COL_LEFT },
};

static void processes_draw_header(struct view *v, int y, int width)
{
	const char *titles[NCOLS] = {[COL_SAMPLES] = ui_amount_title(v->ui)};
	struct layout l;
	layout_columns(&l, columns, NCOLS, width);
	layout_header(&l, y, width, titles);
}

/* Its status in words: running, exit 3, SIGSEGV, not followed; in a saved
 * session, a process whose end the recording did not see. */
static const char *status_words(const struct pprocess *pr, bool live, char *buf, size_t n)
{
	if (!pr->followed)
		snprintf(buf, n, "not followed");
	else if (!pr->ended_us)
		snprintf(buf, n, live ? "running" : "end unseen");
	else if (pr->exit_status == EXIT_UNKNOWN)
		snprintf(buf, n, "ended");
	else if (pr->exit_status < 0)
		snprintf(buf, n, "SIG%s", sigabbrev_np(-pr->exit_status) ? sigabbrev_np(-pr->exit_status) : "?");
	else
		snprintf(buf, n, "exit %d", pr->exit_status);
	return buf;
}

/* The command as the row shows it: the program's file name without its
 * directory (the arguments are what tells a test runner's children apart,
 * and a long build path would push them off the screen). */
static const char *command_shown(const char *command)
{
	const char *end = strchr(command, ' ');
	const char *slash = command;
	for (const char *c = command; *c && c != end; c++)
		if (*c == '/')
			slash = c + 1;
	return slash;
}

static void processes_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	const struct processes_view *pv = v->priv;
	const struct profile *p = v->ui->p;
	uint32_t id = (uint32_t)view_row_id(v, row);
	const struct pprocess *pr = &p->processes[id];
	bool narrowed = p->narrow_pid && pr->pid == p->narrow_pid;
	struct layout l;
	char buf[64];

	layout_columns(&l, columns, NCOLS, width);
	attrset(draw_attr(narrowed ? DRAW_MARK : pr->ended_us ? DRAW_DIM : DRAW_NORMAL, selected));
	draw_text(y, 0, width, 0, "", true);
	snprintf(buf, sizeof(buf), "%d", pr->pid);
	cell_text(&l, COL_PID, y, buf);
	cell_text(&l, COL_SAMPLES, y, ui_amount(v->ui, amount(p, pr), buf, sizeof(buf)));
	snprintf(buf, sizeof(buf), "%.1f", pv->all ? 100.0 * (double)amount(p, pr) / (double)pv->all : 0.0);
	cell_text(&l, COL_SHARE, y, buf);
	cell_text(&l, COL_STATUS, y, status_words(pr, v->ui->host->live, buf, sizeof(buf)));
	if (pr->ended_us) {
		snprintf(buf, sizeof(buf), "%.2fs", (double)(pr->ended_us - pr->started_us) / 1e6);
		cell_text(&l, COL_TIME, y, buf);
	}
	/* the tree: two columns per level, then the command (from the target) */
	uint32_t d = pv->depth[id] < 8 ? pv->depth[id] : 8;
	char indent[24];
	memset(indent, ' ', 2 * d);
	indent[2 * d] = '\0';
	char *cmd = xasprintf("%s%s", indent, command_shown(pr->command));
	cell_untrusted(&l, COL_COMMAND, y, cmd);
	free(cmd);
}

static void processes_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	const struct pprocess *pr = &v->ui->p->processes[view_row_id(v, row)];
	snprintf(buf, n, "%d %s", pr->pid, pr->command);
}

static enum reaction processes_request(struct view *v, enum request req)
{
	struct profile *p = v->ui->p;
	if (req != REQ_ENTER || !v->nrows)
		return REACT_NONE;
	const struct pprocess *pr = &p->processes[view_row_id(v, v->cursor)];
	profile_narrow(p, pr->pid);
	ui_message(v->ui, false, "narrowed to process %d (x: every process): %s",
		   pr->pid, pr->command);
	return REACT_REDRAW;
}

static void processes_done(struct view *v)
{
	struct processes_view *pv = v->priv;
	free(pv->depth);
	free(pv);
}

static const struct view_ops processes_view_ops = {
	.name = "Processes",
	.load = processes_load,
	.draw_header = processes_draw_header,
	.draw_row = processes_draw_row,
	.row_text = processes_row_text,
	.request = processes_request,
	.done = processes_done,
};

struct view *processes_view_new(struct ui *ui)
{
	return view_new(ui, &processes_view_ops, xcalloc(1, sizeof(struct processes_view)));
}
