/* test-alloc.c — allocation samples (--memory, doc/PRODUCT.md §10) in the
 * model and the session file: bytes allocated, live and live at the peak
 * per line, function, thread and process, bytes allocated inside a library
 * charged to the calling line, frees of unknown or freed blocks ignored,
 * narrowing, focus, a time range and reset; the flame graph in bytes; written in two syncs (a free after its
 * allocation's sync) they load back the same, the line_alloc and
 * function_alloc views agree with the model, and a file of schema
 * version 3 (no allocations) still opens. */
#include "config.h"
#include "check.h"
#include "sesstest.h"
#include "model/flame.h"
#include "model/profile.h"
#include "db/session.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	uint32_t leak_line, tmp_line, main_line; /* line ids */
	uint32_t ta, tb;                         /* threads of pid 10 and pid 11 */
	uint32_t pa, pb;                         /* their processes */
};

/* pid 10 leaks 3000 bytes at leak.c:20, allocates 500 more there through
 * libc (freed at t=500) and 1000 at tmp.c:30 (freed); pid 11 allocates
 * 5000 at tmp.c:30 (freed). Live bytes peak at t=350: 8500. */
static struct profile *build(struct fixture *f)
{
	struct profile *p = profile_new();
	uint32_t leak = profile_file(p, "/src/leak.c", true);
	uint32_t libc = profile_file(p, "/usr/lib/libc.so.6", false);
	uint32_t fleak = profile_frame(p, "leaky", leak, leak, 20, 18, "/a.out", 0);
	uint32_t ftmp = profile_frame(p, "temp", leak, leak, 30, 28, "/a.out", 0);
	uint32_t fmain = profile_frame(p, "main", leak, leak, 50, 45, "/a.out", 0);
	uint32_t fmalloc = profile_frame(p, "malloc", libc, libc, 0, 0, "/usr/lib/libc.so.6",
					 FRAME_NO_LINE);
	uint32_t s_leak = profile_stack(p, (uint32_t[]){fleak, fmain}, 2, 0);
	uint32_t s_tmp = profile_stack(p, (uint32_t[]){ftmp, fmain}, 2, 0);
	uint32_t s_lib = profile_stack(p, (uint32_t[]){fmalloc, fleak, fmain}, 3, 0);
	f->pa = profile_process_add(p, 10, 1, "./a.out", 0);
	f->pb = profile_process_add(p, 11, 10, "./a.out child", 250);
	f->ta = profile_thread_add(p, 10, 10, "a");
	f->tb = profile_thread_add(p, 11, 11, "b");
	f->leak_line = (uint32_t)profile_find_line(p, leak, 20);
	f->tmp_line = (uint32_t)profile_find_line(p, leak, 30);
	f->main_line = (uint32_t)profile_find_line(p, leak, 50);
	profile_add_alloc(p, 100, f->ta, s_tmp, 1, 900, 1000);
	profile_free_alloc(p, 1, 150);
	profile_add_alloc(p, 200, f->ta, s_leak, 2, 2900, 3000);
	profile_add_alloc(p, 300, f->tb, s_tmp, 3, 4800, 5000);
	profile_add_alloc(p, 350, f->ta, s_lib, 4, 480, 500);
	profile_free_alloc(p, 3, 400);
	profile_free_alloc(p, 4, 500);
	profile_free_alloc(p, 3, 600);  /* freed already */
	profile_free_alloc(p, 99, 700); /* never sampled */
	p->alloc_interval = 1024;
	return p;
}

/* self of line l in metric m */
static uint64_t self_in(struct profile *p, enum metric m, uint32_t l)
{
	profile_set_metric(p, m);
	profile_update(p);
	return p->lines[l].self;
}

static void check_model(void)
{
	struct fixture f;
	struct profile *p = build(&f);
	CHECK_EQ(p->nallocs, 4);
	CHECK_EQ(p->nfrees, 3);
	profile_update(p);
	CHECK_EQ(p->bytes.alloc, 9500);
	CHECK_EQ(p->bytes.live, 3000);
	CHECK_EQ(p->bytes.peak, 8500);
	CHECK_EQ(p->peak_us, 350);
	CHECK_EQ(p->alloc_counted, 4);
	/* CPU samples are what the lines count by default: none */
	CHECK_EQ(p->lines[f.leak_line].self, 0);
	/* libc's 500 bytes are the calling line's */
	CHECK_EQ(self_in(p, METRIC_ALLOC, f.leak_line), 3500);
	CHECK_EQ(self_in(p, METRIC_ALLOC, f.tmp_line), 6000);
	CHECK_EQ(p->lines[f.main_line].total, 9500);
	CHECK_EQ(profile_total(p), 9500);
	CHECK_EQ(self_in(p, METRIC_LIVE, f.leak_line), 3000);
	CHECK_EQ(self_in(p, METRIC_LIVE, f.tmp_line), 0);
	CHECK_EQ(profile_total(p), 3000);
	CHECK_EQ(self_in(p, METRIC_PEAK, f.leak_line), 3500);
	CHECK_EQ(self_in(p, METRIC_PEAK, f.tmp_line), 5000);
	CHECK_EQ(p->threads[f.ta].bytes.alloc, 4500);
	CHECK_EQ(p->threads[f.tb].bytes.alloc, 5000);
	CHECK_EQ(p->processes[f.pa].bytes.live, 3000);
	CHECK_EQ(p->processes[f.pb].bytes.peak, 5000);

	/* the flame graph counts the bytes too */
	struct flame fl = {0};
	profile_set_metric(p, METRIC_ALLOC);
	profile_update(p);
	flame_build(&fl, p);
	CHECK_EQ(fl.nodes[0].total, 9500);
	flame_free(&fl);

	/* narrowed to pid 11: its bytes; pid 10's thread keeps its own */
	profile_narrow(p, 11);
	CHECK_EQ(self_in(p, METRIC_ALLOC, f.tmp_line), 5000);
	CHECK_EQ(self_in(p, METRIC_ALLOC, f.leak_line), 0);
	CHECK_EQ(p->bytes.peak, 5000);
	CHECK_EQ(p->alloc_counted, 1);
	CHECK_EQ(p->threads[f.ta].bytes.alloc, 4500);
	profile_narrow(p, 0);

	/* a focus on leaky: its stacks only */
	const char *focus[] = {"leaky"};
	profile_set_focus(p, focus, 1);
	CHECK_EQ(self_in(p, METRIC_ALLOC, f.leak_line), 3500);
	CHECK_EQ(p->bytes.alloc, 3500);
	CHECK_EQ(p->bytes.peak, 3500);
	profile_set_focus(p, NULL, 0);

	/* a time range: the allocations made in it */
	profile_set_range(p, 250, 360);
	CHECK_EQ(self_in(p, METRIC_ALLOC, f.leak_line), 500);
	CHECK_EQ(p->bytes.alloc, 5500);
	CHECK_EQ(p->bytes.peak, 5500);
	CHECK_EQ(p->threads[f.ta].bytes.alloc, 4500);
	profile_set_range(p, 0, 0);

	/* a reset: only what comes after counts */
	profile_reset_counts(p);
	CHECK_EQ(self_in(p, METRIC_ALLOC, f.leak_line), 0);
	CHECK_EQ(p->bytes.alloc, 0);
	profile_add_alloc(p, 800, f.ta, p->nstacks - 1, 5, 64, 128);
	CHECK_EQ(self_in(p, METRIC_ALLOC, f.leak_line), 128);
	CHECK_EQ(self_in(p, METRIC_LIVE, f.leak_line), 128);

	CHECK_EQ(profile_metric_find("alloc"), METRIC_ALLOC);
	CHECK_EQ(profile_metric_find("cpu"), METRIC_CPU);
	CHECK_EQ(profile_metric_find("bytes"), -1);
	CHECK(!strcmp(profile_metric_name(METRIC_PEAK), "peak"));
	profile_free(p);
}

/* A process that ends frees what it still holds: a child leaks 4000 bytes
 * and ends, then its parent allocates 5000 and frees them. Live at the end:
 * the child's 4000 (its leak); at the peak, the parent's 5000 alone (not
 * 9000: never were both live at once). */
static void check_ended_process(void)
{
	struct profile *p = profile_new();
	uint32_t src = profile_file(p, "/src/m.c", true);
	uint32_t s_child = profile_stack(p, (uint32_t[]){profile_frame(p, "child", src, src, 10, 9, "/a", 0)}, 1, 0);
	uint32_t s_parent = profile_stack(p, (uint32_t[]){profile_frame(p, "parent", src, src, 20, 19, "/a", 0)}, 1, 0);
	uint32_t pp = profile_process_add(p, 30, 1, "./a", 0), pc = profile_process_add(p, 31, 30, "./a", 50);
	uint32_t tp = profile_thread_add(p, 30, 30, "a"), tc = profile_thread_add(p, 31, 31, "a");
	uint32_t child_line = (uint32_t)profile_find_line(p, src, 10), parent_line = (uint32_t)profile_find_line(p, src, 20);
	profile_add_alloc(p, 100, tc, s_child, 1, 4000, 4000);
	profile_process_end(p, pc, 200, 0);
	profile_add_alloc(p, 300, tp, s_parent, 2, 5000, 5000);
	profile_free_alloc(p, 2, 400);
	profile_update(p);
	CHECK_EQ(p->bytes.live, 4000);
	CHECK_EQ(p->bytes.peak, 5000);
	CHECK_EQ(self_in(p, METRIC_PEAK, parent_line), 5000);
	CHECK_EQ(self_in(p, METRIC_PEAK, child_line), 0);
	CHECK_EQ(self_in(p, METRIC_LIVE, child_line), 4000);
	CHECK_EQ(p->processes[pc].bytes.peak, 0);
	CHECK_EQ(p->processes[pp].bytes.peak, 5000);
	profile_free(p);
}

/* Live bytes scaled to the heap a process held at exit: two live samples
 * of 256 KiB each (blocks of 4096 and 100 bytes: chunks of 4112 and 112
 * bytes) and a heap of twice what they stand for in chunks; in the model,
 * and in the session file's views once written. A process without that
 * count keeps its weights. */
static void check_heap_scale(void)
{
	struct profile *p = profile_new();
	uint32_t src = profile_file(p, "/src/h.c", true);
	uint32_t sa = profile_stack(p, (uint32_t[]){profile_frame(p, "a", src, src, 10, 9, "/h", 0)}, 1, 0);
	uint32_t sb = profile_stack(p, (uint32_t[]){profile_frame(p, "b", src, src, 20, 19, "/h", 0)}, 1, 0);
	uint32_t pr = profile_process_add(p, 40, 1, "./h", 0);
	uint32_t t = profile_thread_add(p, 40, 40, "h");
	uint32_t la = (uint32_t)profile_find_line(p, src, 10), lb = (uint32_t)profile_find_line(p, src, 20);
	p->alloc_interval = 262144;
	profile_add_alloc(p, 100, t, sa, 1, 4096, 262144);
	profile_add_alloc(p, 200, t, sb, 2, 100, 262144);
	profile_add_alloc(p, 300, t, sb, 3, 100, 262144);
	profile_free_alloc(p, 3, 400);
	CHECK_EQ(self_in(p, METRIC_LIVE, la), 262144); /* not known yet */
	double chunks = 262144.0 * 4112 / 4096 + 262144.0 * 112 / 100;
	profile_process_end(p, pr, 500, 0);
	profile_process_heap(p, pr, (uint64_t)(2 * chunks));
	CHECK_EQ(self_in(p, METRIC_LIVE, la), 524288);
	CHECK_EQ(self_in(p, METRIC_LIVE, lb), 524288);
	CHECK_EQ(self_in(p, METRIC_ALLOC, lb), 524288); /* allocated: as sampled */

	char dir[] = "/tmp/cprof-test-alloc-XXXXXX", db[64], err[512];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(db, sizeof(db), "%s/h.db", dir);
	p->command = strdup("./h");
	struct db_session *w = db_session_create(db, false, err, sizeof(err));
	CHECK(w && db_session_sync(w, p, err, sizeof(err)) == 0);
	db_session_close(w);
	CHECK_EQ(sql_value(db, "SELECT live_self FROM line_alloc WHERE line = 10"), 524288);
	CHECK_EQ(sql_value(db, "SELECT live_self FROM line_alloc WHERE line = 20"), 524288);
	struct profile *q = profile_new();
	struct db_session *r = db_session_open(db, true, err, sizeof(err));
	CHECK(r && db_session_load(r, q, err, sizeof(err)) == 0);
	db_session_close(r);
	CHECK_EQ(self_in(q, METRIC_LIVE, la), 524288);
	unlink(db);
	rmdir(dir);
	profile_free(q);
	profile_free(p);
}

static void check_session(void)
{
	const char *db = in_dir("alloc.db");
	char err[512] = "";
	struct fixture f;
	struct profile *p = build(&f);
	p->command = strdup("./a.out");
	p->pid = 10;
	struct db_session *w = db_session_create(db, false, err, sizeof(err));
	CHECK(w && db_session_sync(w, p, err, sizeof(err)) == 0);
	/* a second sync: a new allocation, and a free of one written before */
	profile_add_alloc(p, 900, f.tb, 0, 6, 10, 20);
	profile_free_alloc(p, 2, 950); /* the leak, freed at last */
	CHECK(w && db_session_sync(w, p, err, sizeof(err)) == 0);
	db_session_close(w);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM allocs"), 5);
	CHECK_EQ(sql_value(db, "SELECT count(*) FROM frees"), 4);
	CHECK_EQ(sql_value(db, "SELECT value FROM meta WHERE key = 'memory_interval'"), 1024);
	CHECK_EQ(sql_value(db, "SELECT self FROM line_alloc WHERE line = 20"), 3520);
	CHECK_EQ(sql_value(db, "SELECT live_self FROM line_alloc WHERE line = 20"), 20);
	CHECK_EQ(sql_value(db, "SELECT self FROM line_alloc WHERE line = 30"), 6000);
	CHECK_EQ(sql_value(db, "SELECT total FROM line_alloc WHERE line = 50"), 9520);
	CHECK_EQ(sql_value(db, "SELECT self FROM function_alloc WHERE function = 'leaky'"), 3520);
	CHECK_EQ(sql_value(db, "SELECT self FROM function_alloc WHERE function = "
			       "'(outside profiled files)'"), 0);

	struct profile *q = profile_new();
	struct db_session *r = db_session_open(db, true, err, sizeof(err));
	CHECK(r && db_session_load(r, q, err, sizeof(err)) == 0);
	db_session_close(r);
	CHECK_EQ(q->nallocs, 5);
	CHECK_EQ(q->nfrees, 4);
	CHECK_EQ(q->alloc_interval, 1024);
	for (enum metric m = METRIC_ALLOC; m < METRIC_COUNT; m++) {
		profile_set_metric(p, m);
		profile_update(p);
		profile_set_metric(q, m);
		profile_update(q);
		CHECK_EQ(profile_total(q), profile_total(p));
		CHECK_EQ(q->lines[f.leak_line].self, p->lines[f.leak_line].self);
		CHECK_EQ(q->peak_us, p->peak_us);
	}
	CHECK_EQ(q->bytes.live, 20);
	profile_free(p);
	profile_free(q);

	/* schema version 3: no allocs or frees (their tables and views dropped) */
	sqlite3 *h;
	CHECK(sqlite3_open(db, &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "DROP VIEW line_alloc; DROP VIEW function_alloc; DROP VIEW stack_bytes;"
			      "DROP TABLE allocs; DROP TABLE frees;"
			      "UPDATE meta SET value = 3 WHERE key = 'schema_version';"
			      "DELETE FROM meta WHERE key IN ('memory_interval', 'alloc_samples',"
			      " 'alloc_lost', 'frees_lost')", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	struct profile *old = profile_new();
	r = db_session_open(db, false, err, sizeof(err));
	CHECK(r && db_session_load(r, old, err, sizeof(err)) == 0);
	CHECK_EQ(old->nallocs, 0);
	CHECK_EQ(old->alloc_interval, 0);
	CHECK(r && db_session_sync(r, old, err, sizeof(err)) == 0); /* a toggle's save */
	db_session_close(r);
	profile_free(old);
}

int main(void)
{
	if (!mkdtemp(unit_dir)) {
		perror("mkdtemp");
		return 1;
	}
	check_model();
	check_ended_process();
	check_heap_scale();
	check_session();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", unit_dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", unit_dir);
	return check_done("test-alloc");
}
