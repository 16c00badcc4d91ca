/* test-export.c — the exports and the diff on a hand-made profile, where
 * every number is known: folded lines (stacks that fold alike merged, ';'
 * and controls in names escaped, the scope: --pid, --focus), callgrind's
 * calls adding up to each function's total under recursion, what -o may
 * replace (each format recognises its own files), and the diff's matching,
 * marks and order. The consumers themselves read real sessions in
 * t-export and t-diff. */
#include "config.h"
#include "check.h"
#include "app/export.h"
#include "model/diff.h"
#include "model/profile.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	struct profile *p;
	uint32_t main, a, b, mix, weird; /* function ids */
};

static uint32_t frame(struct profile *p, const char *func, uint32_t file, uint32_t line,
		      uint32_t flags)
{
	return profile_frame(p, func, file, file, line, line ? 1 : 0, "/bin/prog", flags);
}

static void add(struct profile *p, const uint32_t *frames, uint32_t depth, uint32_t thread, int n)
{
	uint32_t st = profile_stack(p, frames, depth, 0);
	for (int i = 0; i < n; i++)
		profile_add_sample(p, p->nsamples * 1000, thread, st);
}

/* main calls a (8 samples at two lines of a), b with mix inlined in it (4),
 * a -> b -> a recursion in another process (2), and a function whose name
 * holds ';' and a newline (1): 15 samples. */
static struct fixture make(void)
{
	struct fixture f = {.p = profile_new()};
	struct profile *p = f.p;
	p->command = xstrdup("./prog");
	p->frequency_hz = 1000;
	uint32_t mc = profile_file(p, "/src/main.c", true), lh = profile_file(p, "/src/lib.h", true);
	profile_process_add(p, 100, 1, "./prog", 0);
	profile_process_add(p, 200, 100, "./prog child", 0);
	uint32_t t1 = profile_thread_add(p, 100, 100, "prog"), t2 = profile_thread_add(p, 100, 101, "worker");
	uint32_t t3 = profile_thread_add(p, 200, 200, "child");
	uint32_t a10 = frame(p, "a", mc, 10, 0), m20 = frame(p, "main", mc, 20, 0);
	add(p, (uint32_t[]){a10, m20}, 2, t1, 5);
	add(p, (uint32_t[]){frame(p, "a", mc, 11, 0), m20}, 2, t1, 3);
	add(p, (uint32_t[]){frame(p, "mix", lh, 5, FRAME_INLINED), frame(p, "b", mc, 30, 0),
			    frame(p, "main", mc, 21, 0)}, 3, t2, 4);
	add(p, (uint32_t[]){frame(p, "a", mc, 12, 0), frame(p, "b", mc, 31, 0), frame(p, "a", mc, 13, 0),
			    frame(p, "main", mc, 22, 0)}, 4, t3, 2);
	add(p, (uint32_t[]){frame(p, "x;y\nz", mc, 40, 0), frame(p, "main", mc, 23, 0)}, 2, t1, 1);
	f.a = p->frames[a10].func;
	f.main = p->frames[m20].func;
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		const char *n = profile_func_name(p, i);
		if (!strcmp(n, "b"))
			f.b = i;
		else if (!strcmp(n, "mix"))
			f.mix = i;
		else if (n[0] == 'x')
			f.weird = i;
	}
	return f;
}

static char *run(int (*writer)(FILE *, struct profile *), struct profile *p)
{
	char *text = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&text, &n);
	CHECK(writer(out, p) == 0);
	fclose(out);
	return text;
}

static void test_folded(void)
{
	struct fixture f = make();
	char *text = run(export_folded, f.p);
	CHECK(!strcmp(text, "main;a 8\nmain;a;b;a 2\nmain;b;mix 4\nmain;x:y\\nz 1\n"));
	free(text);
	profile_narrow(f.p, 200);
	text = run(export_folded, f.p);
	CHECK(!strcmp(text, "main;a;b;a 2\n"));
	free(text);
	profile_narrow(f.p, 0);
	profile_set_focus(f.p, (const char *[]){"mi?"}, 1);
	text = run(export_folded, f.p);
	CHECK(!strcmp(text, "main;b;mix 4\n"));
	free(text);
	/* a focus that matches nothing: every format writes an empty profile */
	profile_set_focus(f.p, (const char *[]){"nothing-matches"}, 1);
	text = run(export_folded, f.p);
	CHECK(!strcmp(text, ""));
	free(text);
	text = run(export_speedscope, f.p);
	CHECK(strstr(text, "\"profiles\":[]") && !strstr(text, "activeProfileIndex"));
	free(text);
	text = run(export_callgrind, f.p);
	CHECK(strstr(text, "events:") != NULL);
	free(text);
	profile_free(f.p);
}

/* The samples of the calls into each function, as callgrind_annotate adds
 * them up (a call's cost is the line after its calls= line). */
static void callgrind_incoming(const char *text, uint64_t *into, size_t n)
{
	unsigned cfn = 0;
	bool cost_next = false;
	for (const char *l = text; *l; l = strchr(l, '\n') + 1) {
		unsigned id, line;
		unsigned long long c;
		if (sscanf(l, "cfn=(%u)", &id) == 1)
			cfn = id;
		else if (!strncmp(l, "calls=", 6))
			cost_next = true;
		else if (cost_next && sscanf(l, "%u %llu", &line, &c) == 2 && cfn && cfn <= n) {
			into[cfn - 1] += c;
			cost_next = false;
		}
	}
}

static void test_callgrind(void)
{
	struct fixture f = make();
	char *text = run(export_callgrind, f.p);
	uint64_t into[16] = {0};
	CHECK(f.p->nfuncs <= 16);
	callgrind_incoming(text, into, 16);
	/* each function's total, once per sample: a is on 10 samples' stacks,
	 * b on 6, mix on 4; nothing calls main */
	CHECK_EQ(into[f.a], 10);
	CHECK_EQ(into[f.b], 6);
	CHECK_EQ(into[f.mix], 4);
	CHECK_EQ(into[f.main], 0);
	CHECK(strstr(text, "\nsummary: 15\n") && strstr(text, "\ntotals: 15\n"));
	CHECK(!strncmp(text, EXPORT_CALLGRIND_HEAD, strlen(EXPORT_CALLGRIND_HEAD)));
	/* the name with a newline stays on its line */
	CHECK(strstr(text, " x;y\\nz\n") != NULL);
	free(text);
	profile_free(f.p);
}

/* -o: what may be replaced, each format knowing its own files. */
static void test_output(void)
{
	char dir[] = "/tmp/test-export.XXXXXX", err[512];
	CHECK(mkdtemp(dir) != NULL);
	char *session = xasprintf("%s/s.db", dir), *out = xasprintf("%s/out", dir);
	FILE *s = fopen(session, "w");
	fputs("SQLite format 3", s);
	fclose(s);
	struct fixture f = make();
	for (int fmt = EXPORT_FOLDED; fmt <= EXPORT_CALLGRIND; fmt++) {
		unlink(out);
		CHECK(export_check_output(out, session, fmt, false, err, sizeof(err)) == 0);
		CHECK(export_write(f.p, fmt, out, err, sizeof(err)) == 0);
		CHECK(export_check_output(out, session, fmt, false, err, sizeof(err)) == 0);
		int other = fmt == EXPORT_FOLDED ? EXPORT_CALLGRIND : EXPORT_FOLDED;
		CHECK(export_check_output(out, session, other, false, err, sizeof(err)) == -1);
		CHECK(strstr(err, "add --force") != NULL);
		CHECK(export_check_output(out, session, other, true, err, sizeof(err)) == 0);
	}
	FILE *o = fopen(out, "w");
	CHECK(export_check_output(out, session, EXPORT_FOLDED, false, err, sizeof(err)) == 0);
	fputs("main;a 8\nnot folded\n", o);
	fclose(o);
	CHECK(export_check_output(out, session, EXPORT_FOLDED, false, err, sizeof(err)) == -1);
	CHECK(export_check_output(session, session, EXPORT_FOLDED, true, err, sizeof(err)) == -1);
	CHECK(strstr(err, "is the session being exported") != NULL);
	CHECK(export_check_output(dir, session, EXPORT_FOLDED, true, err, sizeof(err)) == -1);
	CHECK(strstr(err, "not a regular file") != NULL);
	/* a failed export leaves what was there */
	CHECK(export_write(f.p, EXPORT_FOLDED, "/nonexistent/dir/out", err, sizeof(err)) == -1);
	unlink(out);
	unlink(session);
	rmdir(dir);
	free(out);
	free(session);
	profile_free(f.p);
}

static const struct diff_row *row_named(const struct diff_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].name && !strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

/* base: the fixture; new: a gone, c new (same samples), b as before */
static void test_diff(void)
{
	struct fixture base = make();
	struct profile *cur = profile_new();
	uint32_t mc = profile_file(cur, "/src/main.c", true);
	uint32_t t = profile_thread_add(cur, 300, 300, "prog");
	uint32_t m = frame(cur, "main", mc, 20, 0);
	add(cur, (uint32_t[]){frame(cur, "c", mc, 50, 0), m}, 2, t, 10);
	add(cur, (uint32_t[]){frame(cur, "b", mc, 30, 0), m}, 2, t, 10);
	struct diff_row *rows;
	size_t n = diff_build(base.p, cur, TABLE_FUNCTION, &rows);
	const struct diff_row *a = row_named(rows, n, "a"), *b = row_named(rows, n, "b"),
			      *c = row_named(rows, n, "c");
	CHECK(a && a->status == DIFF_GONE && a->new_id == DIFF_ABSENT && a->base_self == 10);
	CHECK(c && c->status == DIFF_NEW && c->base_id == DIFF_ABSENT && c->new_pct == 50.0);
	CHECK(b && b->status == DIFF_BOTH && b->base_self == 0 && b->new_self == 10);
	for (size_t i = 1; i < n; i++)
		CHECK(abs((int)(rows[i - 1].delta_pct * 100)) >= abs((int)(rows[i].delta_pct * 100)));
	/* by 100 * 10/15 = 66.7 points, then c and b at 50 */
	CHECK(n >= 3 && rows[0].name == a->name);
	CHECK(a->delta_pct < -66.6 && a->delta_pct > -66.7);
	free(rows);
	n = diff_build(base.p, cur, TABLE_LINE, &rows);
	size_t gone = 0;
	for (size_t i = 0; i < n; i++)
		gone += rows[i].status == DIFF_GONE;
	CHECK_EQ(gone, 10); /* main.c:10-13, 21-23, 31, 40 and lib.h:5 */
	free(rows);
	profile_free(cur);
	profile_free(base.p);
}

/* An overload named with its parameters in one build and without them in
 * the other (named so only while a namesake exists) is one row; namesakes
 * in two files, or two candidates, are not matched by guess. */
static void test_diff_overloads(void)
{
	struct profile *base = profile_new(), *cur = profile_new();
	uint32_t bf = profile_file(base, "/src/x.cc", true), cf = profile_file(cur, "/src/x.cc", true);
	uint32_t bo = profile_file(base, "/src/other.cc", true);
	uint32_t bt = profile_thread_add(base, 1, 1, "x"), ct = profile_thread_add(cur, 2, 2, "x");
	add(base, (uint32_t[]){frame(base, "ns::crunch(long)", bf, 10, 0)}, 1, bt, 6);
	add(base, (uint32_t[]){frame(base, "ns::crunch(double)", bf, 20, 0)}, 1, bt, 4);
	add(base, (uint32_t[]){frame(base, "S::get() const", bf, 30, 0)}, 1, bt, 5);
	add(base, (uint32_t[]){frame(base, "moved(int)", bo, 40, 0)}, 1, bt, 5);
	add(cur, (uint32_t[]){frame(cur, "ns::crunch", cf, 10, 0)}, 1, ct, 10);
	add(cur, (uint32_t[]){frame(cur, "S::get", cf, 30, 0)}, 1, ct, 10);
	add(cur, (uint32_t[]){frame(cur, "moved", cf, 40, 0)}, 1, ct, 10);
	struct diff_row *rows;
	size_t n = diff_build(base, cur, TABLE_FUNCTION, &rows);
	const struct diff_row *get = row_named(rows, n, "S::get"), *moved = row_named(rows, n, "moved");
	/* crunch(long) and crunch(double) both vanished: which one is "crunch"? */
	CHECK(row_named(rows, n, "ns::crunch(long)") && row_named(rows, n, "ns::crunch(double)"));
	CHECK(row_named(rows, n, "ns::crunch")->status == DIFF_NEW);
	CHECK(get && get->status == DIFF_BOTH && get->base_self == 5 && get->new_self == 10);
	CHECK(!row_named(rows, n, "S::get() const"));
	CHECK(moved && moved->status == DIFF_NEW && row_named(rows, n, "moved(int)"));
	CHECK_EQ(n, 7); /* and the outside row */
	free(rows);
	profile_free(cur);
	profile_free(base);
}

int main(void)
{
	test_folded();
	test_callgrind();
	test_output();
	test_diff();
	test_diff_overloads();
	return check_done("test-export");
}
