/* view-help.c — every key, generated from REQUEST_INFO (request.h), so the
 * help cannot drift from the bindings; and what the columns mean. */
#include "config.h"
#include "ui/draw.h"
#include "model/table.h"
#include "ui/view.h"
#include <stdio.h>
#include <string.h>

/* Rows: the groups and requests of the table, then the legend. */
static const char *const legend[] = {
	"",
	"Columns",
	"  Self%    samples whose innermost frame in a profiled file is here",
	"  Total%   samples with this function (line, file) anywhere on the stack",
	"  " OUTSIDE_LABEL ": samples with no frame in a profiled file",
	"  Time in files that are not profiled (dimmed) is charged to the profiled",
	"  line that called into them. Toggle files with Space in the Files view.",
	"",
	"Source gutter heat: # >= 10% self, * >= 3%, + > 0, . only on the stack",
	"",
	"Flame graph: each frame as wide as its samples, its callees under it.",
	"  A frame in a file that is not profiled is folded into its caller, as",
	"  its time is in Self%. The header shows the selected frame's numbers.",
	"Timeline: a full block is one thread busy for the whole cell (or the",
	"  row's busiest cell); CPU% is at the cursor, 100 for one busy thread.",
};

#define NLEGEND (sizeof(legend) / sizeof(legend[0]))

/* Row i of the table part: a group title (req == REQ_NONE) or a request. */
struct help_row {
	const char *group;
	const struct request_info *info;
};

static struct help_row rows[2 * REQ_COUNT];

/* Ids are row indexes: the table rows, then the legend. */
static void help_load(struct view *v)
{
	size_t n = 0;
	for (size_t i = 0; i < REQ_COUNT - 1; i++) {
		if (i == 0 || strcmp(request_table[i].group, request_table[i - 1].group))
			rows[n++] = (struct help_row){ request_table[i].group, NULL };
		rows[n++] = (struct help_row){ NULL, &request_table[i] };
	}
	v->nrows = n + NLEGEND;
}

/* A key row: "  KEYS  ACTION", drawn from column 1, the header above it */
#define KEYS_WIDTH 18
#define HELP_ROW_FORMAT "  %-*s  %s"

static void help_draw_header(struct view *v, int y, int width)
{
	char text[64];
	snprintf(text, sizeof(text), " " HELP_ROW_FORMAT, KEYS_WIDTH, "Keys", "Action");
	draw_text(y, 0, width, 0, text, true);
}

static void request_keys(const struct request_info *info, char *buf, size_t n)
{
	char name[32];
	buf[0] = '\0';
	for (int k = 0; k < 3 && info->keys[k]; k++) {
		if (k)
			strncat(buf, " ", n - strlen(buf) - 1);
		strncat(buf, keys_name(info->keys[k], name, sizeof(name)), n - strlen(buf) - 1);
	}
}

static void help_row_text(struct view *v, size_t row, char *buf, size_t n)
{
	size_t ntable = v->nrows - NLEGEND;
	char keys[64];

	if (row >= ntable) {
		snprintf(buf, n, "%s", legend[row - ntable]);
	} else if (rows[row].group) {
		snprintf(buf, n, "%s", rows[row].group);
	} else {
		request_keys(rows[row].info, keys, sizeof(keys));
		snprintf(buf, n, HELP_ROW_FORMAT, KEYS_WIDTH, keys, rows[row].info->help);
	}
}

static void help_draw_row(struct view *v, size_t row, int y, int width, bool selected)
{
	size_t ntable = v->nrows - NLEGEND;
	bool title = row < ntable ? rows[row].group != NULL : legend[row - ntable][0] && legend[row - ntable][0] != ' ';
	char text[256];

	help_row_text(v, row, text, sizeof(text));
	attrset(title ? draw_attr(DRAW_MARK, selected) : draw_attr(DRAW_NORMAL, selected));
	draw_text(y, 0, 1, 0, "", true);
	draw_text(y, 1, width - 1, 0, text, true);
}

/* ? or F1 again closes the help. */
static enum reaction help_request(struct view *v, enum request req)
{
	return req == REQ_HELP ? ui_pop(v->ui) : REACT_NONE;
}

static const struct view_ops help_view_ops = {
	.name = "Help",
	.request = help_request,
	.load = help_load,
	.draw_header = help_draw_header,
	.draw_row = help_draw_row,
	.row_text = help_row_text,
};

struct view *help_view_new(struct ui *ui)
{
	return view_new(ui, &help_view_ops, NULL);
}
