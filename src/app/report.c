#include "config.h"
#include "app/report.h"
#include "model/strutil.h"
#include <stdlib.h>
#include <string.h>

static double pct(uint64_t v, uint64_t all)
{
	return all ? 100.0 * (double)v / (double)all : 0.0;
}

void report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c;) {
		size_t n = str_utf8_len((const char *)c);
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(out, "\\u%04x", *c);
		else if (n == 2 && c[0] == 0xc2 && c[1] < 0xa0)
			fprintf(out, "\\u%04x", c[1]);
		else if (n)
			fwrite(c, 1, n, out);
		else
			fputs("\\ufffd", out);
		c += n ? n : 1;
	}
	fputc('"', out);
}

void report_tsv_field(FILE *out, const char *s)
{
	char *e = str_escape_dup(s);
	fputs(e, out);
	free(e);
}

void report_json_scope(FILE *out, const struct profile *p)
{
	if (p->narrow_pid)
		fprintf(out, "\"pid\":%d,", p->narrow_pid);
	if (!p->nfocus)
		return;
	fputs("\"focus\":[", out);
	for (size_t i = 0; i < p->nfocus; i++) {
		fputs(i ? "," : "", out);
		report_json_string(out, p->focus[i]);
	}
	fputs("],", out);
}

void report_text_scope(FILE *out, const struct profile *p)
{
	char a[512];
	if (p->narrow_pid) {
		int64_t k = profile_process_find(p, p->narrow_pid);
		fprintf(out, "only process %d (%s)\n", p->narrow_pid,
			str_escape(a, sizeof(a), k >= 0 ? p->processes[k].command : "?"));
	}
	if (p->nfocus) {
		fputs("focus:", out);
		for (size_t i = 0; i < p->nfocus; i++)
			fprintf(out, " %s", str_escape(a, sizeof(a), p->focus[i]));
		fprintf(out, " (%llu samples without a focus function left out)\n",
			(unsigned long long)p->out_of_focus);
	}
}

/* A process's exit as words: "exit 3", "SIGKILL", "running" (or, once the
 * session is over, "end unseen"), "not followed". */
static const char *exit_words(const struct profile *p, const struct pprocess *pr, char *buf,
			      size_t n)
{
	if (!pr->ended_us)
		snprintf(buf, n, "%s", !pr->followed ? "not followed"
				       : p->ended_at && *p->ended_at ? "end unseen" : "running");
	else if (pr->exit_status == EXIT_UNKNOWN)
		snprintf(buf, n, "ended");
	else if (pr->exit_status < 0)
		snprintf(buf, n, "SIG%s", sigabbrev_np(-pr->exit_status) ? sigabbrev_np(-pr->exit_status)
									  : "?");
	else
		snprintf(buf, n, "exit %d", pr->exit_status);
	return buf;
}

/* What a process counts in the metric. */
static uint64_t process_amount(const struct profile *p, const struct pprocess *pr)
{
	return profile_amount(p, pr->samples, &pr->bytes);
}

void report_processes(FILE *out, struct profile *p, enum report_format fmt, size_t limit)
{
	struct process_row *rows;
	size_t n = table_processes(p, &rows);
	uint64_t all = 0;
	profile_update(p);
	for (size_t i = 0; i < p->nprocesses; i++)
		all += process_amount(p, &p->processes[i]);
	const char *unit = p->metric == METRIC_CPU ? "samples" : "bytes";
	if (!limit || limit > n)
		limit = n;
	char a[512], st[32];
	if (fmt == FORMAT_TSV)
		fprintf(out, "%s\tshare_pct\tpid\tppid\tdepth\texit_status\tsignal\tstarted_us\t"
			"ended_us\tfollowed\tcommand\n", unit);
	else if (fmt == FORMAT_JSON) {
		fprintf(out, "{\"%s\":%llu,\"by\":\"process\",", unit, (unsigned long long)all);
		report_json_scope(out, p);
		fputs("\"rows\":[", out);
	} else {
		fprintf(out, "%s (pid %d): %zu processes, %llu %s\n",
			str_escape(a, sizeof(a), p->command), p->pid, p->nprocesses,
			(unsigned long long)all, unit);
		report_text_scope(out, p);
		fprintf(out, "%8s %6s %7s %7s %-12s %8s  %s\n", unit, "share", "pid", "ppid",
			"status", "time", "command");
	}
	for (size_t i = 0; i < limit; i++) {
		const struct pprocess *pr = &p->processes[rows[i].id];
		uint64_t amount = process_amount(p, pr);
		int status = pr->ended_us ? pr->exit_status : EXIT_UNKNOWN;
		if (fmt == FORMAT_TSV) {
			fprintf(out, "%llu\t%.1f\t%d\t%d\t%u\t", (unsigned long long)amount,
				pct(amount, all), pr->pid, pr->ppid, rows[i].depth);
			if (status != EXIT_UNKNOWN)
				fprintf(out, "%d\t%d", status < 0 ? -1 : status, status < 0 ? -status : 0);
			else
				fputc('\t', out);
			fprintf(out, "\t%llu\t", (unsigned long long)pr->started_us);
			if (pr->ended_us)
				fprintf(out, "%llu", (unsigned long long)pr->ended_us);
			fprintf(out, "\t%d\t", pr->followed);
			report_tsv_field(out, pr->command);
			fputc('\n', out);
		} else if (fmt == FORMAT_JSON) {
			fprintf(out, "%s{\"%s\":%llu,\"share_pct\":%.1f,\"pid\":%d,\"ppid\":%d,"
				     "\"depth\":%u,", i ? "," : "", unit, (unsigned long long)amount,
				pct(amount, all), pr->pid, pr->ppid, rows[i].depth);
			if (status != EXIT_UNKNOWN)
				fprintf(out, "\"exit_status\":%d,\"signal\":%d,", status < 0 ? -1 : status,
					status < 0 ? -status : 0);
			else
				fputs("\"exit_status\":null,\"signal\":null,", out);
			fprintf(out, "\"started_us\":%llu,\"ended_us\":", (unsigned long long)pr->started_us);
			if (pr->ended_us)
				fprintf(out, "%llu", (unsigned long long)pr->ended_us);
			else
				fputs("null", out);
			fprintf(out, ",\"followed\":%s,\"command\":", pr->followed ? "true" : "false");
			report_json_string(out, pr->command);
			fputc('}', out);
		} else {
			double secs = pr->ended_us ? (double)(pr->ended_us - pr->started_us) / 1e6 : 0;
			char t[32] = "";
			if (pr->ended_us)
				snprintf(t, sizeof(t), "%.2fs", secs);
			fprintf(out, "%8llu %5.1f%% %7d %7d %-12s %8s  %*s%s\n",
				(unsigned long long)amount, pct(amount, all), pr->pid, pr->ppid,
				exit_words(p, pr, st, sizeof(st)), t, (int)(2 * (rows[i].depth < 8 ? rows[i].depth : 8)),
				"", str_escape(a, sizeof(a), pr->command));
		}
	}
	if (fmt == FORMAT_JSON)
		fputs("]}\n", out);
	free(rows);
}

/* Text: the allocations in the counts, a line. */
static void text_allocations(FILE *out, const struct profile *p)
{
	char a[16], b[16], c[16], d[16];
	fprintf(out, "%s allocated in %llu samples (one per %s allocated, on average), %s live at "
		     "the end, peak %s at %.2fs", str_bytes(a, sizeof(a), p->bytes.alloc),
		(unsigned long long)p->alloc_counted, str_bytes(b, sizeof(b), p->alloc_interval),
		str_bytes(c, sizeof(c), p->bytes.live), str_bytes(d, sizeof(d), p->bytes.peak),
		(double)p->peak_us / 1e6);
	if (p->alloc_lost || p->frees_lost)
		fprintf(out, " (%llu samples lost, %llu frees not seen)",
			(unsigned long long)p->alloc_lost, (unsigned long long)p->frees_lost);
	fputc('\n', out);
}

/* Text: the header of a metric of bytes. */
static void text_memory(FILE *out, const struct profile *p)
{
	text_allocations(out, p);
	static const char *const what[METRIC_COUNT] = {
		[METRIC_ALLOC] = "bytes allocated", [METRIC_LIVE] = "bytes never freed (live at the end)",
		[METRIC_PEAK] = "bytes live at the peak"};
	fprintf(out, "metric: %s (%s)\n", profile_metric_name(p->metric), what[p->metric]);
}

void report_print(FILE *out, struct profile *p, enum table_by by, enum report_format fmt,
		  size_t limit)
{
	struct table_row *rows;
	size_t n = table_build(p, by, SORT_SELF, false, &rows);
	uint64_t all = profile_total(p);
	bool bytes = p->metric != METRIC_CPU;
	if (!limit)
		limit = fmt == FORMAT_TEXT ? 25 : n;
	if (limit > n)
		limit = n;
	static const char *const by_name[] = {"function", "line", "file"};

	if (fmt == FORMAT_TSV) {
		fputs(by == TABLE_FUNCTION ? "self\ttotal\tself_pct\ttotal_pct\tfunction\tfile\tline\n"
		      : by == TABLE_LINE   ? "self\ttotal\tself_pct\ttotal_pct\tfile\tline\n"
					: "self\ttotal\tself_pct\ttotal_pct\tprofiled\tlines_hit\tfile\n",
		      out);
		for (size_t i = 0; i < limit; i++) {
			const struct table_row *r = &rows[i];
			fprintf(out, "%llu\t%llu\t%.1f\t%.1f\t", (unsigned long long)r->self,
				(unsigned long long)r->total, pct(r->self, all), pct(r->total, all));
			if (by == TABLE_FUNCTION) {
				report_tsv_field(out, r->name);
				fputc('\t', out);
			}
			if (by == TABLE_FILE)
				fprintf(out, "%d\t%u\t", r->profiled, r->lines_hit);
			report_tsv_field(out, r->path);
			if (by != TABLE_FILE)
				fprintf(out, "\t%u", r->line);
			fputc('\n', out);
		}
	} else if (fmt == FORMAT_JSON) {
		if (bytes)
			fprintf(out, "{\"metric\":\"%s\",\"bytes\":%llu,\"samples\":%llu,",
				profile_metric_name(p->metric), (unsigned long long)all,
				(unsigned long long)p->alloc_counted);
		else
			fprintf(out, "{\"samples\":%llu,", (unsigned long long)all);
		fprintf(out, "\"by\":\"%s\",", by_name[by]);
		report_json_scope(out, p);
		fputs("\"rows\":[", out);
		for (size_t i = 0; i < limit; i++) {
			const struct table_row *r = &rows[i];
			fprintf(out, "%s{\"self\":%llu,\"total\":%llu,\"self_pct\":%.1f,\"total_pct\":%.1f",
				i ? "," : "", (unsigned long long)r->self, (unsigned long long)r->total,
				pct(r->self, all), pct(r->total, all));
			if (by == TABLE_FUNCTION) {
				fputs(",\"function\":", out);
				report_json_string(out, r->name);
			}
			fputs(",\"file\":", out);
			report_json_string(out, r->path);
			if (by == TABLE_FILE)
				fprintf(out, ",\"profiled\":%s,\"lines_hit\":%u",
					r->profiled ? "true" : "false", r->lines_hit);
			else
				fprintf(out, ",\"line\":%u", r->line);
			fputc('}', out);
		}
		fputs("]}\n", out);
	} else {
		char cmd[256], a[512], b[512];
		fprintf(out, "%s (pid %d): ", str_escape(cmd, sizeof(cmd), p->command), p->pid);
		if (bytes)
			text_memory(out, p);
		else
			fprintf(out, "%llu samples at %u Hz, %s mode, %s .. %s\n",
				(unsigned long long)all, p->frequency_hz, p->wall ? "wall" : "cpu",
				str_escape(a, sizeof(a), p->started_at ? p->started_at : "?"),
				str_escape(b, sizeof(b), p->ended_at ? p->ended_at : "?"));
		report_text_scope(out, p);
		fprintf(out, "%7s %7s %8s  %s\n", "self%", "total%", bytes ? "bytes" : "samples",
			by == TABLE_FUNCTION ? "function  file:line" : by == TABLE_LINE ? "file:line" : "file");
		for (size_t i = 0; i < limit; i++) {
			const struct table_row *r = &rows[i];
			char amount[32];
			if (bytes)
				str_bytes(amount, sizeof(amount), r->self);
			else
				snprintf(amount, sizeof(amount), "%llu", (unsigned long long)r->self);
			fprintf(out, "%6.1f%% %6.1f%% %8s  ", pct(r->self, all), pct(r->total, all),
				amount);
			str_escape(b, sizeof(b), r->path);
			if (by == TABLE_FUNCTION)
				fprintf(out, "%s  %s%s%.0u\n", str_escape(a, sizeof(a), r->name), b,
					r->line ? ":" : "", r->line);
			else if (by == TABLE_LINE)
				fprintf(out, "%s%s%.0u\n", b, r->line ? ":" : "", r->line);
			else
				fprintf(out, "%s%s (%u lines)\n", b, r->profiled ? "" : " [not profiled]",
					r->lines_hit);
		}
	}
	free(rows);
}

void report_summary(FILE *out, struct profile *p, const char *session_path, double elapsed_s)
{
	char a[256], b[512];
	const struct pcounters *c = &p->counters;
	fprintf(out, "cprof-tui: %llu samples in %.1f s (%.0f/s) of %s (pid %d)\n",
		(unsigned long long)p->nsamples, elapsed_s,
		elapsed_s > 0 ? (double)p->nsamples / elapsed_s : 0.0,
		str_escape(a, sizeof(a), p->command), p->pid);
	if (p->backend)
		fprintf(out, "  backend: %s\n", str_escape(a, sizeof(a), p->backend));
	if (p->nsamples) {
		fprintf(out, "  problems: %llu incomplete stacks, %llu without line info, "
			     "%llu without symbol, %llu lost\n",
			(unsigned long long)c->incomplete, (unsigned long long)c->no_line,
			(unsigned long long)c->no_symbol, (unsigned long long)c->lost);
		struct table_row *rows;
		size_t n = table_build(p, TABLE_FUNCTION, SORT_SELF, false, &rows);
		fprintf(out, "  top functions (self%%):\n");
		for (size_t i = 0; i < n && i < 5; i++)
			fprintf(out, "  %6.1f%%  %s  %s%s%.0u\n", pct(rows[i].self, profile_total(p)),
				str_escape(a, sizeof(a), rows[i].name),
				str_escape(b, sizeof(b), rows[i].path), rows[i].line ? ":" : "",
				rows[i].line);
		free(rows);
	}
	if (p->alloc_interval) {
		profile_update(p);
		fputs("  allocations: ", out);
		text_allocations(out, p);
	}
	fprintf(out, "  session: %s (cprof-tui %s, or --report)\n",
		str_escape(b, sizeof(b), session_path), str_escape(a, sizeof(a), session_path));
}
