/* report-diff.c — `cprof-tui --diff BASE.db NEW.db`: the rows of
 * model/diff.h as text, TSV or JSON. See report.h. */
#include "config.h"
#include "app/report.h"
#include "model/diff.h"
#include "model/strutil.h"
#include <stdlib.h>

static const char *const status_name[] = {"both", "new", "vanished"};

static void text_row(FILE *out, const struct diff_row *r, enum table_by by)
{
	char a[512], b[512];
	fprintf(out, "%+8.2f %7.2f %7.2f  ", r->delta_pct, r->base_pct, r->new_pct);
	str_escape(b, sizeof(b), r->path);
	if (by == TABLE_FUNCTION)
		fprintf(out, "%s  %s%s%.0u", str_escape(a, sizeof(a), r->name), b, r->line ? ":" : "",
			r->line);
	else
		fprintf(out, "%s%s%.0u", b, r->line ? ":" : "", r->line);
	fprintf(out, "%s\n", r->status == DIFF_NEW ? "  [new]" : r->status == DIFF_GONE ? "  [vanished]" : "");
}

static void json_side(FILE *out, const char *key, const char *path, const struct profile *p)
{
	fprintf(out, "\"%s\":{\"session\":", key);
	report_json_string(out, path);
	fprintf(out, ",\"samples\":%llu},", (unsigned long long)p->counted);
}

static void json_row(FILE *out, const struct diff_row *r)
{
	fputs("{\"function\":", out);
	report_json_string(out, r->name ? r->name : "");
	fputs(",\"file\":", out);
	report_json_string(out, r->path);
	fprintf(out, ",\"line\":%u,\"base_self_pct\":%.2f,\"new_self_pct\":%.2f,\"delta_pct\":%.2f,"
		     "\"status\":\"%s\"}",
		r->line, r->base_pct, r->new_pct, r->delta_pct, status_name[r->status]);
}

void report_diff(FILE *out, struct profile *base, const char *base_path, struct profile *cur,
		 const char *cur_path, enum table_by by, enum report_format fmt, size_t limit)
{
	static const char *const by_name[] = {"function", "line", "file"};
	struct diff_row *rows;
	size_t n = diff_build(base, cur, by, &rows);
	if (!limit)
		limit = fmt == FORMAT_TEXT ? 25 : n;
	if (limit > n)
		limit = n;
	if (fmt == FORMAT_TSV) {
		fputs("base_self_pct\tnew_self_pct\tdelta_pct\tfunction\tfile\tline\tstatus\n", out);
		for (size_t i = 0; i < limit; i++) {
			const struct diff_row *r = &rows[i];
			fprintf(out, "%.2f\t%.2f\t%.2f\t", r->base_pct, r->new_pct, r->delta_pct);
			report_tsv_field(out, r->name ? r->name : "");
			fputc('\t', out);
			report_tsv_field(out, r->path);
			fprintf(out, "\t%u\t%s\n", r->line, status_name[r->status]);
		}
	} else if (fmt == FORMAT_JSON) {
		fputc('{', out);
		json_side(out, "base", base_path, base);
		json_side(out, "new", cur_path, cur);
		fprintf(out, "\"by\":\"%s\",", by_name[by]);
		report_json_scope(out, cur);
		fputs("\"rows\":[", out);
		for (size_t i = 0; i < limit; i++) {
			fputs(i ? "," : "", out);
			json_row(out, &rows[i]);
		}
		fputs("]}\n", out);
	} else {
		char a[512], b[512];
		fprintf(out, "base: %s, %llu samples (%s)\n", str_escape(a, sizeof(a), base->command),
			(unsigned long long)base->counted, str_escape(b, sizeof(b), base_path));
		fprintf(out, "new:  %s, %llu samples (%s)\n", str_escape(a, sizeof(a), cur->command),
			(unsigned long long)cur->counted, str_escape(b, sizeof(b), cur_path));
		report_text_scope(out, cur);
		fprintf(out, "%8s %7s %7s  %s\n", "delta%", "base%", "new%",
			by == TABLE_FUNCTION ? "function  file:line" : by == TABLE_LINE ? "file:line" : "file");
		for (size_t i = 0; i < limit; i++)
			text_row(out, &rows[i], by);
	}
	free(rows);
}
