/* export-folded.c — folded stacks, as flamegraph.pl and inferno read them:
 * "outer;...;inner COUNT", one line per distinct stack, sorted. Stacks the
 * model keeps apart (other lines of the same functions) that fold to the
 * same line are one line. See export.h. */
#include "config.h"
#include "app/export.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

struct folded {
	char *line;
	uint64_t count;
};

/* Function names as frames of a folded line: escaped as the TUI shows them
 * (no newline can break a line), and ';', the frame separator, as ':'. */
static char **frame_names(const struct profile *p)
{
	char **names = xcalloc(p->nfuncs ? p->nfuncs : 1, sizeof(char *));
	for (size_t f = 0; f < p->nfuncs; f++) {
		names[f] = str_escape_dup(profile_func_name(p, (uint32_t)f));
		for (char *c = names[f]; (c = strchr(c, ';'));)
			*c = ':';
	}
	return names;
}

/* A stack as a folded line, outermost frame first. */
static char *fold(const struct profile *p, const struct pstack *s, char *const *names)
{
	if (!s->depth)
		return xstrdup("[unknown]");
	size_t len = 0;
	for (uint32_t d = 0; d < s->depth; d++)
		len += strlen(names[p->frames[s->frames[d]].func]) + 1;
	char *line = xmalloc(len), *o = line;
	for (uint32_t d = s->depth; d-- > 0;) {
		const char *name = names[p->frames[s->frames[d]].func];
		size_t n = strlen(name);
		memcpy(o, name, n);
		o += n;
		*o++ = d ? ';' : '\0';
	}
	return line;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct folded *)a)->line, ((const struct folded *)b)->line);
}

int export_folded(FILE *out, struct profile *p)
{
	char **names = frame_names(p);
	struct folded *rows = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < p->nstacks; i++)
		if (p->stacks[i].count)
			*VEC_PUSH(rows, n, cap) = (struct folded){fold(p, &p->stacks[i], names),
								 p->stacks[i].count};
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_line);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t count = rows[i].count;
		while (i + 1 < n && !strcmp(rows[i].line, rows[i + 1].line)) {
			free(rows[i].line);
			count += rows[++i].count;
		}
		if (fprintf(out, "%s %llu\n", rows[i].line, (unsigned long long)count) < 0)
			rc = -1;
		free(rows[i].line);
	}
	free(rows);
	for (size_t f = 0; f < p->nfuncs; f++)
		free(names[f]);
	free(names);
	return rc;
}
