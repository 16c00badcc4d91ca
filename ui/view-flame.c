/* view-flame.c — the flame graph (doc/PRODUCT.md §12): an icicle of the
 * counted samples, the root on top, each frame as wide as its samples to an
 * eighth of a cell. The tree is model/flame.c's: a frame in a file outside
 * the profiled set is folded into its caller, as its time is charged to the
 * calling line (§4), so a frame's self is the Functions view's self; and it
 * counts what every view counts (the process, the time range, the focus).
 *
 * Rows are depths. The selected frame is kept as the path of functions from
 * the root, so a live update leaves it where it was: Up and Down go to its
 * caller and a callee (the one Up came from, else the heaviest), Left and
 * Right to the frame beside it at its depth; Enter zooms into it, Esc zooms
 * out; `/` highlights the frames that match, the header gives their share.
 * Frames are told apart by colour, and by a dark gap where two meet at a
 * cell's edge, which shows without colours (and in a text capture) too. */
#include "config.h"
#include "model/flame.h"
#include "model/xalloc.h"
#include "ui/draw.h"
#include "ui/view.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* A node in the last layout: its cells [x0, x1) (not shown when x1 <= x0). */
struct node_layout {
	double x0, x1;
	int8_t color;
	bool match, covered; /* it matches the search; it or a caller does */
};

struct flame_view {
	struct flame tree;
	/* the selection: path[i] is the function at depth i + 1 from the root,
	 * kept below the selected depth to go back down the same way; chain[i]
	 * the node at depth i on it (chain[0] the root) */
	uint32_t *path, *chain;
	size_t npath, cap_path, cap_chain;
	uint32_t depth;
	uint32_t *zooms;   /* depths zoomed into, the last one shown */
	size_t nzooms, cap_zooms;
	/* the last layout, for the width of the last draw */
	int width;
	struct node_layout *lay;
	size_t cap_lay;
	uint32_t *walk, *by_depth; /* nodes shown: depth first; by depth, left to right */
	size_t nshown, cap_shown;
	size_t *row_first;         /* by_depth[row_first[d] .. row_first[d + 1]] */
	size_t nrows_shown, cap_rows;
	uint64_t match_total;      /* samples with a match on their stack */
};

static uint32_t zoom_depth(const struct flame_view *fv)
{
	return fv->nzooms ? fv->zooms[fv->nzooms - 1] : 0;
}

static uint32_t selected_node(const struct flame_view *fv)
{
	return fv->chain[fv->depth];
}

/* Follow the path in a new tree as far as it goes. */
static void resolve(struct flame_view *fv)
{
	xgrow((void **)&fv->chain, &fv->cap_chain, fv->npath + 1, sizeof(uint32_t));
	fv->chain[0] = 0;
	for (size_t i = 0; i < fv->npath; i++) {
		int64_t kid = flame_child(&fv->tree, fv->chain[i], fv->path[i]);
		if (kid < 0) {
			fv->npath = i;
			break;
		}
		fv->chain[i + 1] = (uint32_t)kid;
	}
	if (fv->depth > fv->npath)
		fv->depth = (uint32_t)fv->npath;
	while (fv->nzooms && fv->zooms[fv->nzooms - 1] > fv->depth)
		fv->nzooms--;
}

static uint32_t deepest(const struct flame *f, uint32_t n)
{
	uint32_t d = f->nodes[n].depth;
	for (uint32_t i = 0; i < f->nodes[n].nkids; i++) {
		uint32_t kd = deepest(f, f->kids[f->nodes[n].first + i]);
		d = kd > d ? kd : d;
	}
	return d;
}

static void flame_load(struct view *v)
{
	struct flame_view *fv = v->priv;
	flame_build(&fv->tree, v->ui->p);
	resolve(fv);
	v->nrows = deepest(&fv->tree, fv->chain[zoom_depth(fv)]) + 1;
	v->cursor = fv->depth;
}

/* Lay out node n in cells [x0, x1), then its callees from the left; the
 * rest of it is its self time. Too narrow to draw, neither are they. */
static void place(struct flame_view *fv, uint32_t n, double x0, double x1)
{
	const struct flame_node *nd = &fv->tree.nodes[n];
	if ((x1 - x0) * 8 < 1)
		return;
	fv->lay[n].x0 = x0;
	fv->lay[n].x1 = x1;
	fv->walk[fv->nshown++] = n;
	uint64_t before = 0;
	for (uint32_t i = 0; i < nd->nkids; i++) {
		uint32_t kid = fv->tree.kids[nd->first + i];
		double a = x0 + (x1 - x0) * (double)before / (double)nd->total;
		before += fv->tree.nodes[kid].total;
		place(fv, kid, a, x0 + (x1 - x0) * (double)before / (double)nd->total);
	}
}

/* Matches of the search, and the samples under one (a caller before its
 * callees: nodes are made outermost first). */
static void mark_matches(struct view *v)
{
	struct flame_view *fv = v->priv;
	const struct flame *f = &fv->tree;
	fv->match_total = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct node_layout *l = &fv->lay[i];
		l->match = v->search[0] && strcasestr(flame_name(f, v->ui->p, (uint32_t)i), v->search);
		l->covered = l->match || (i && fv->lay[f->nodes[i].parent].covered);
		if (l->match && !(i && fv->lay[f->nodes[i].parent].covered))
			fv->match_total += f->nodes[i].total;
	}
}

/* Rows of the nodes shown, left to right; neighbours in different colours
 * (each function keeps its own colour where it can). */
static void rows_and_colors(struct flame_view *fv)
{
	size_t rows = 0;
	for (size_t i = 0; i < fv->nshown; i++)
		if (fv->tree.nodes[fv->walk[i]].depth + 1 > rows)
			rows = fv->tree.nodes[fv->walk[i]].depth + 1;
	xgrow((void **)&fv->row_first, &fv->cap_rows, rows + 1, sizeof(size_t));
	memset(fv->row_first, 0, (rows + 1) * sizeof(size_t));
	for (size_t i = 0; i < fv->nshown; i++)
		fv->row_first[fv->tree.nodes[fv->walk[i]].depth + 1]++;
	for (size_t d = 1; d <= rows; d++)
		fv->row_first[d] += fv->row_first[d - 1];
	size_t *next = xcalloc(rows + 1, sizeof(size_t));
	for (size_t i = 0; i < fv->nshown; i++) {
		uint32_t d = fv->tree.nodes[fv->walk[i]].depth;
		fv->by_depth[fv->row_first[d] + next[d]++] = fv->walk[i];
	}
	free(next);
	fv->nrows_shown = rows;
	for (size_t d = 0; d < rows; d++) {
		int left = -1;
		for (size_t i = fv->row_first[d]; i < fv->row_first[d + 1]; i++) {
			uint32_t func = fv->tree.nodes[fv->by_depth[i]].func;
			int c = (int)((func * 2654435761u) >> 16) % FLAME_COLORS;
			if (c == left)
				c = (c + 1) % FLAME_COLORS;
			fv->lay[fv->by_depth[i]].color = (int8_t)(left = c);
		}
	}
}

/* Lay the graph out on `width` cells: the callers of the frame zoomed into
 * as wide as the screen above it, and it, as wide. */
static void layout(struct view *v, int width)
{
	struct flame_view *fv = v->priv;
	size_t n = fv->tree.n;
	xgrow((void **)&fv->lay, &fv->cap_lay, n, sizeof(*fv->lay));
	xgrow((void **)&fv->walk, &fv->cap_shown, n, sizeof(uint32_t));
	fv->by_depth = xrealloc(fv->by_depth, fv->cap_shown * sizeof(uint32_t));
	memset(fv->lay, 0, n * sizeof(*fv->lay));
	fv->width = width;
	fv->nshown = 0;
	uint32_t z = zoom_depth(fv);
	for (uint32_t d = 0; d < z; d++) {
		fv->lay[fv->chain[d]].x1 = width;
		fv->walk[fv->nshown++] = fv->chain[d];
	}
	if (fv->tree.nodes[fv->chain[z]].total)
		place(fv, fv->chain[z], 0, width);
	rows_and_colors(fv);
	mark_matches(v);
}

static bool shown(const struct flame_view *fv, uint32_t n)
{
	return fv->lay[n].x1 > fv->lay[n].x0;
}

/* --- drawing ------------------------------------------------------------ */

/* A cell: the node on its left k eighths, the node on the rest (NONE: no
 * frame); k 8 is a whole cell of l. */
struct cell {
	uint32_t l, r;
	int k;
};

static void paint(struct cell *c, int width, uint32_t n, long a, long b)
{
	if (b > 8L * width)
		b = 8L * width;
	if (b <= a)
		return;
	for (long x = (a + 7) / 8; x < b / 8; x++)
		c[x] = (struct cell){ n, n, 8 };
	if (a % 8 && a / 8 == b / 8) { /* within one cell: beside what is there */
		if (c[a / 8].l == NONE)
			c[a / 8] = (struct cell){ n, NONE, (int)(b % 8) };
		else if (c[a / 8].r == NONE)
			c[a / 8].r = n;
		return;
	}
	if (a % 8) {
		c[a / 8].r = n;
		if (c[a / 8].l == NONE)
			c[a / 8].k = (int)(a % 8);
	}
	if (b % 8)
		c[b / 8] = (struct cell){ n, NONE, (int)(b % 8) };
}

static int node_color(const struct view *v, uint32_t n)
{
	const struct flame_view *fv = v->priv;
	if (n == NONE)
		return -1;
	if (n == selected_node(fv))
		return FLAME_SELECTED;
	return fv->lay[n].match ? FLAME_MATCH : fv->lay[n].color;
}

static void draw_label(int y, int x, int room, const char *name)
{
	char buf[1024];
	draw_escape(buf, sizeof(buf), name);
	if (draw_width(buf) <= room || room <= 2) {
		draw_text(y, x, room, 0, buf, false);
		return;
	}
	draw_text(y, x, room - 2, 0, buf, false);
	draw_text(y, x + room - 2, 2, 0, "..", false);
}

static void flame_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	struct flame_view *fv = v->priv;
	attrset(draw_attr(DRAW_NORMAL, false));
	draw_text(y, 0, width, 0, "", true);
	if (row >= fv->nrows_shown || width <= 0)
		return;
	struct cell *c = xmalloc((size_t)width * sizeof(*c));
	for (int x = 0; x < width; x++)
		c[x] = (struct cell){ NONE, NONE, 8 };
	for (size_t i = fv->row_first[row]; i < fv->row_first[row + 1]; i++) {
		const struct node_layout *l = &fv->lay[fv->by_depth[i]];
		paint(c, width, fv->by_depth[i], lround(l->x0 * 8), lround(l->x1 * 8));
	}
	/* the selected frame, narrower than a cell and painted over by its
	 * neighbours, still gets its cell: the cursor never goes out of sight */
	uint32_t sel = selected_node(fv);
	bool in_row = false, seen = false;
	for (size_t i = fv->row_first[row]; i < fv->row_first[row + 1]; i++)
		in_row |= fv->by_depth[i] == sel;
	for (int x = 0; x < width && in_row && !seen; x++)
		seen = c[x].l == sel || c[x].r == sel;
	if (in_row && !seen) {
		long x = lround(fv->lay[sel].x0 * 8) / 8;
		c[x < width ? x : width - 1] = (struct cell){ sel, sel, 8 };
	}
	/* two frames meeting at a cell's edge: a gap of an eighth shows where */
	for (int x = 0; x + 1 < width; x++)
		if (c[x].k == 8 && c[x].l != NONE && c[x + 1].l != NONE && c[x + 1].l != c[x].l)
			c[x] = (struct cell){ c[x].l, c[x + 1].l, 7 };
	for (int x = 0; x < width; x++) {
		int lc = node_color(v, c[x].l), rc = node_color(v, c[x].r);
		if (c[x].k == 8 || c[x].l == c[x].r) {
			attrset(lc < 0 ? draw_attr(DRAW_NORMAL, false) : draw_flame_attr(lc, lc));
			draw_text(y, x, 1, 0, " ", false);
		} else {
			attrset(draw_flame_attr(lc, lc == rc ? -1 : rc));
			draw_text(y, x, 1, 0, draw_block(true, c[x].k), false);
		}
	}
	for (size_t i = fv->row_first[row]; i < fv->row_first[row + 1]; i++) {
		uint32_t n = fv->by_depth[i];
		int x = (int)(lround(fv->lay[n].x0 * 8) + 7) / 8, room = 0;
		while (x + room < width && c[x + room].k == 8 && c[x + room].l == n)
			room++;
		int color = node_color(v, n);
		attrset(draw_flame_attr(color, color));
		draw_label(y, x, room, flame_name(&fv->tree, v->ui->p, n));
	}
	free(c);
}

/* The title line: the selected frame's numbers, and the search's. */
static void flame_draw_header(struct view *v, int y, int width)
{
	struct flame_view *fv = v->priv;
	const struct flame_node *nd;
	char line[512], total[16], self[16], share[16], amount[32];

	layout(v, width);
	nd = &fv->tree.nodes[selected_node(fv)];
	draw_text(y, 0, width, 0, "", true);
	int x = draw_text(y, 0, width, 0, " ", false);
	x += draw_untrusted(y, x, width - x > 40 ? width - x - 40 : 0,
			    flame_name(&fv->tree, v->ui->p, selected_node(fv)), false);
	int n = snprintf(line, sizeof(line), "  total %s%%  self %s%%  %s%s",
			 ui_percent(v->ui, nd->total, false, total, sizeof(total)),
			 ui_percent(v->ui, nd->self, false, self, sizeof(self)),
			 ui_amount(v->ui, nd->total, amount, sizeof(amount)),
			 v->ui->p->metric == METRIC_CPU ? " samples" : "");
	if (v->search[0] && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, "  match %s%%",
			 ui_percent(v->ui, fv->match_total, false, share, sizeof(share)));
	x += draw_text(y, x, width - x, 0, line, false);
	if (v->search[0]) {
		x += draw_untrusted(y, x, width - x, " \"", false);
		x += draw_untrusted(y, x, width - x, v->search, false);
		draw_text(y, x, width - x, 0, "\"", false);
	}
}

static void flame_title(struct view *v, char *buf, size_t n)
{
	const struct flame_view *fv = v->priv;
	char name[256];
	if (!fv->nzooms) {
		snprintf(buf, n, "Flame graph");
		return;
	}
	draw_escape(name, sizeof(name), flame_name(&fv->tree, v->ui->p, fv->chain[zoom_depth(fv)]));
	snprintf(buf, n, "Flame graph, zoomed into %s", name);
}

/* --- moving ------------------------------------------------------------- */

/* Select node n: the path becomes its path, kept below it when it was on it. */
static void select_node(struct view *v, uint32_t n)
{
	struct flame_view *fv = v->priv;
	uint32_t d = fv->tree.nodes[n].depth;
	if (d >= fv->npath + 1 || fv->chain[d] != n) {
		xgrow((void **)&fv->path, &fv->cap_path, d + 1, sizeof(uint32_t));
		xgrow((void **)&fv->chain, &fv->cap_chain, d + 1, sizeof(uint32_t));
		fv->npath = d;
		for (uint32_t m = n, i = d; i > 0; m = fv->tree.nodes[m].parent, i--) {
			fv->chain[i] = m;
			fv->path[i - 1] = fv->tree.nodes[m].func;
		}
	}
	fv->depth = d;
	v->cursor = d;
}

/* The callee to go down to: the one on the path, else the heaviest shown. */
static uint32_t callee(const struct flame_view *fv, uint32_t n)
{
	const struct flame_node *nd = &fv->tree.nodes[n];
	uint32_t best = NONE;
	if (fv->depth < fv->npath && fv->chain[fv->depth] == n && shown(fv, fv->chain[fv->depth + 1]))
		return fv->chain[fv->depth + 1];
	for (uint32_t i = 0; i < nd->nkids; i++) {
		uint32_t kid = fv->tree.kids[nd->first + i];
		if (shown(fv, kid) && (best == NONE || fv->tree.nodes[kid].total > fv->tree.nodes[best].total))
			best = kid;
	}
	return best;
}

static bool move_down(struct view *v)
{
	struct flame_view *fv = v->priv;
	uint32_t kid = callee(fv, selected_node(fv));
	if (kid == NONE)
		return false;
	select_node(v, kid);
	return true;
}

static bool move_up(struct view *v)
{
	struct flame_view *fv = v->priv;
	if (fv->depth <= zoom_depth(fv))
		return false;
	select_node(v, fv->chain[fv->depth - 1]);
	return true;
}

/* The frame beside the selected one at its depth (dir -1: left), or the
 * nearest one when it is not shown. */
static bool move_side(struct view *v, int dir)
{
	struct flame_view *fv = v->priv;
	uint32_t sel = selected_node(fv), d = fv->depth;
	if (d >= fv->nrows_shown)
		return false;
	size_t first = fv->row_first[d], end = fv->row_first[d + 1], at = first;
	while (at < end && fv->by_depth[at] != sel && fv->lay[fv->by_depth[at]].x0 < fv->lay[sel].x0)
		at++;
	if (at < end && fv->by_depth[at] != sel && dir > 0)
		dir = 0; /* not shown: the one after where it was */
	if ((dir < 0 && at == first) || (size_t)((ptrdiff_t)at + dir) >= end)
		return false;
	select_node(v, fv->by_depth[at + dir]);
	return true;
}

static bool flame_find(struct view *v, bool forward, bool skip_current)
{
	struct flame_view *fv = v->priv;
	size_t at = 0, n = fv->nshown;
	if (!fv->lay)
		return false;
	mark_matches(v); /* for a new search */
	while (at < n && fv->walk[at] != selected_node(fv))
		at++;
	at %= n ? n : 1;
	for (size_t step = skip_current ? 1 : 0; step <= n && n; step++) {
		size_t i = forward ? (at + step) % n : (at + n - step % n) % n;
		if (fv->lay[fv->walk[i]].match) {
			select_node(v, fv->walk[i]);
			return true;
		}
	}
	return false;
}

static enum reaction zoom(struct view *v, bool in)
{
	struct flame_view *fv = v->priv;
	char name[256];
	if (!in) {
		if (!fv->nzooms)
			return REACT_NONE; /* back out of the view */
		fv->nzooms--;
	} else if (fv->depth == zoom_depth(fv)) {
		ui_message(v->ui, false, "this frame fills the width (Esc zooms out)");
		return REACT_REDRAW;
	} else {
		*VEC_PUSH(fv->zooms, fv->nzooms, fv->cap_zooms) = fv->depth;
	}
	v->loaded = false; /* rows: the depths under the frame zoomed into */
	draw_escape(name, sizeof(name), flame_name(&fv->tree, v->ui->p, fv->chain[zoom_depth(fv)]));
	ui_message(v->ui, false, "%s %s%s", in ? "zoomed into" : "zoomed out to", name,
		   fv->nzooms ? " (Esc zooms out)" : "");
	return REACT_REDRAW;
}

static enum reaction flame_request(struct view *v, enum request req)
{
	struct flame_view *fv = v->priv;
	bool moved = true;

	if (!fv->lay) /* never drawn (the terminal is too small): nothing to move on */
		return req == REQ_FLAME ? ui_pop(v->ui) : REACT_NONE;
	uint32_t func = fv->tree.nodes[selected_node(fv)].func;
	switch (req) {
	case REQ_MOVE_UP:
		if (!move_up(v))
			ui_message(v->ui, false, "%s", fv->depth ? "zoomed in here: Esc zooms out" : "the root: every sample");
		break;
	case REQ_MOVE_DOWN:
		moved = move_down(v);
		break;
	case REQ_MOVE_LEFT:
	case REQ_MOVE_RIGHT:
		moved = move_side(v, req == REQ_MOVE_LEFT ? -1 : 1);
		break;
	case REQ_PAGE_UP:
	case REQ_MOVE_FIRST:
		for (int i = 0; (req == REQ_MOVE_FIRST || i < v->height - 1) && move_up(v); i++)
			;
		break;
	case REQ_PAGE_DOWN:
	case REQ_MOVE_LAST:
		for (int i = 0; (req == REQ_MOVE_LAST || i < v->height - 1) && move_down(v); i++)
			;
		break;
	case REQ_ENTER:
	case REQ_BACK:
		return zoom(v, req == REQ_ENTER);
	case REQ_FLAME:
		return ui_pop(v->ui);
	case REQ_OPEN_SOURCE:
	case REQ_CALLERS:
		if (func == FLAME_ROOT || func == FLAME_OUTSIDE) {
			ui_message(v->ui, false, "select a function (this frame has no source)");
			return REACT_REDRAW;
		}
		return ui_push(v->ui, req == REQ_CALLERS ? callers_view_new(v->ui, func)
							: source_view_for_function(v->ui, func));
	default:
		return REACT_NONE;
	}
	if (!moved)
		ui_message(v->ui, false, "no frame %s", req == REQ_MOVE_DOWN ? "below (a callee)"
				   : req == REQ_MOVE_LEFT ? "to the left" : "to the right");
	return REACT_REDRAW;
}

static void flame_done(struct view *v)
{
	struct flame_view *fv = v->priv;
	flame_free(&fv->tree);
	free(fv->path);
	free(fv->chain);
	free(fv->zooms);
	free(fv->lay);
	free(fv->walk);
	free(fv->by_depth);
	free(fv->row_first);
	free(fv);
}

static const struct view_ops flame_view_ops = {
	.name = "Flame graph",
	.load = flame_load,
	.draw_header = flame_draw_header,
	.draw_row = flame_draw_row,
	.request = flame_request,
	.find = flame_find,
	.title = flame_title,
	.done = flame_done,
};

struct view *flame_view_new(struct ui *ui)
{
	return view_new(ui, &flame_view_ops, xcalloc(1, sizeof(struct flame_view)));
}
