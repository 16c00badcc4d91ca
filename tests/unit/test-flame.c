/* test-flame.c — the flame graph's call tree (model/flame.c) and the time
 * range of the scope (scope.c): frames outside the profiled set folded into
 * their caller, the outside node, children in name order, recursion stacked,
 * and the tree and every count following the focus, the narrowing to a
 * process and the time range. */
#include "config.h"
#include "check.h"
#include "model/flame.h"
#include "model/profile.h"
#include <string.h>

#define MS 1000

/* n samples of one stack, one a millisecond from t_ms on. */
static void add(struct profile *p, uint32_t thread, const uint32_t *frames, uint32_t depth, int n,
		uint64_t t_ms)
{
	uint32_t s = profile_stack(p, frames, depth, 0);
	for (int i = 0; i < n; i++)
		profile_add_sample(p, (t_ms + (uint64_t)i) * MS, thread, s);
}

/* The node at a path of function names from the root ("" ends it), or -1. */
static int64_t node_at(const struct flame *f, const struct profile *p, const char *const *path)
{
	uint32_t node = 0;
	for (; **path; path++) {
		const struct flame_node *nd = &f->nodes[node];
		int64_t next = -1;
		for (uint32_t i = 0; i < nd->nkids && next < 0; i++)
			if (!strcmp(flame_name(f, p, f->kids[nd->first + i]), *path))
				next = f->kids[nd->first + i];
		if (next < 0)
			return -1;
		node = (uint32_t)next;
	}
	return node;
}

static uint64_t total_at(const struct flame *f, const struct profile *p, const char *const *path)
{
	int64_t n = node_at(f, p, path);
	return n < 0 ? 0 : f->nodes[n].total;
}

static uint64_t self_at(const struct flame *f, const struct profile *p, const char *const *path)
{
	int64_t n = node_at(f, p, path);
	return n < 0 ? 0 : f->nodes[n].self;
}

#define PATH(...) ((const char *const[]){ __VA_ARGS__, "" })

int main(void)
{
	struct profile *p = profile_new();
	struct flame f = {0};
	uint32_t user = profile_file(p, "/home/me/app/user.c", true);
	uint32_t libc = profile_file(p, "/usr/lib/x86_64-linux-gnu/libc.so.6", false);
	const char *mod = "/home/me/app/a.out";
	uint32_t start = profile_frame(p, "__libc_start_main", libc, libc, 0, 0, "libc.so.6", FRAME_NO_LINE);
	uint32_t memcpy_ = profile_frame(p, "memcpy", libc, libc, 0, 0, "libc.so.6", FRAME_NO_LINE);
	uint32_t main_ = profile_frame(p, "main", user, user, 20, 18, mod, 0);
	uint32_t run = profile_frame(p, "run", user, user, 30, 28, mod, 0);
	uint32_t work_a = profile_frame(p, "work_a", user, user, 40, 38, mod, 0);
	uint32_t work_b = profile_frame(p, "work_b", user, user, 50, 48, mod, 0);
	uint32_t rec = profile_frame(p, "rec", user, user, 60, 58, mod, 0);
	profile_process_add(p, 100, 1, "app", 0);
	profile_process_add(p, 200, 100, "child", 0);
	uint32_t t1 = profile_thread_add(p, 100, 100, "app");
	uint32_t t2 = profile_thread_add(p, 200, 200, "child");

	/* the first phase: work_a; then work_b calling memcpy; 10 samples in
	 * libc alone; rec recursing, in the child process */
	add(p, t1, (uint32_t[]){work_a, run, main_, start}, 4, 300, 0);
	add(p, t1, (uint32_t[]){memcpy_, work_b, run, main_, start}, 5, 100, 300);
	add(p, t1, (uint32_t[]){start}, 1, 10, 400);
	add(p, t2, (uint32_t[]){rec, rec, main_, start}, 4, 5, 410);

	flame_build(&f, p);
	CHECK_EQ(f.nodes[0].total, 415);
	CHECK(!strcmp(flame_name(&f, p, 0), "all"));
	CHECK_EQ(total_at(&f, p, PATH("main")), 405);
	CHECK_EQ(total_at(&f, p, PATH("main", "run")), 400);
	CHECK_EQ(self_at(&f, p, PATH("main", "run", "work_a")), 300);
	/* memcpy is libc's: folded into work_b, its caller */
	CHECK_EQ(self_at(&f, p, PATH("main", "run", "work_b")), 100);
	CHECK_EQ(node_at(&f, p, PATH("main", "run", "work_b", "memcpy")), -1);
	CHECK_EQ(self_at(&f, p, PATH("(outside profiled files)")), 10);
	/* recursion is stacked, as it was called */
	CHECK_EQ(self_at(&f, p, PATH("main", "rec", "rec")), 5);
	CHECK_EQ(self_at(&f, p, PATH("main", "rec")), 0);
	CHECK_EQ(f.max_depth, 3);
	/* kids in name order, the outside node last */
	CHECK_EQ(f.nodes[0].nkids, 2);
	CHECK(!strcmp(flame_name(&f, p, f.kids[f.nodes[0].first]), "main"));
	CHECK_EQ(f.nodes[f.kids[f.nodes[0].first + 1]].func, FLAME_OUTSIDE);
	int64_t m = node_at(&f, p, PATH("main"));
	CHECK(m >= 0 && f.nodes[m].nkids == 2 &&
	      !strcmp(flame_name(&f, p, f.kids[f.nodes[m].first]), "rec"));
	CHECK_EQ(flame_child(&f, (uint32_t)m, p->frames[run].func), node_at(&f, p, PATH("main", "run")));
	CHECK_EQ(flame_child(&f, (uint32_t)m, p->frames[work_a].func), -1);

	/* libc profiled: its frames are nodes of their own, nothing is outside */
	profile_set_profiled(p, libc, true, true);
	flame_build(&f, p);
	CHECK_EQ(self_at(&f, p, PATH("__libc_start_main", "main", "run", "work_b", "memcpy")), 100);
	CHECK_EQ(self_at(&f, p, PATH("__libc_start_main")), 10);
	CHECK_EQ(node_at(&f, p, PATH("(outside profiled files)")), -1);
	CHECK_EQ(f.max_depth, 5);
	profile_set_profiled(p, libc, false, true);

	/* the time range: the second phase alone, in every count */
	profile_set_range(p, 300 * MS, 400 * MS);
	CHECK_EQ(p->counted, 100);
	flame_build(&f, p);
	CHECK_EQ(f.nodes[0].total, 100);
	CHECK_EQ(self_at(&f, p, PATH("main", "run", "work_b")), 100);
	CHECK_EQ(node_at(&f, p, PATH("main", "run", "work_a")), -1);
	profile_update(p);
	CHECK_EQ(p->funcs[p->frames[work_b].func].self, 100);
	CHECK_EQ(p->funcs[p->frames[work_a].func].total, 0);
	/* ... the threads' and processes' samples are not narrowed */
	CHECK_EQ(p->threads[t1].samples, 410);
	CHECK_EQ(p->processes[1].samples, 5);
	/* a range ends before its end: [299 ms, 300 ms) is one sample, work_a's */
	profile_set_range(p, 299 * MS, 300 * MS);
	CHECK_EQ(p->counted, 1);
	flame_build(&f, p);
	CHECK_EQ(self_at(&f, p, PATH("main", "run", "work_a")), 1);
	/* new samples count only in the range */
	add(p, t1, (uint32_t[]){work_a, run, main_, start}, 4, 3, 299);
	CHECK_EQ(p->counted, 2);
	/* with the narrowing to a process and the focus */
	profile_set_range(p, 400 * MS, 500 * MS);
	CHECK_EQ(p->counted, 15);
	profile_narrow(p, 200);
	CHECK_EQ(p->counted, 5);
	profile_narrow(p, 0);
	profile_set_focus(p, (const char *[]){"rec"}, 1);
	CHECK_EQ(p->counted, 5);
	flame_build(&f, p);
	CHECK_EQ(f.nodes[0].total, 5);
	CHECK_EQ(f.nodes[0].nkids, 1);
	profile_set_focus(p, NULL, 0);
	/* cleared: the whole session again */
	profile_set_range(p, 0, 0);
	CHECK_EQ(p->counted, 418);
	CHECK_EQ(p->range_from_us, 0);
	/* a reset keeps the range */
	profile_set_range(p, 0, 1000 * MS);
	profile_reset_counts(p);
	add(p, t1, (uint32_t[]){work_a, run, main_, start}, 4, 2, 999);
	CHECK_EQ(p->counted, 1);

	flame_free(&f);
	profile_free(p);
	return check_done("test-flame");
}
