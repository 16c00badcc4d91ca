/* test-profile.c — the counting rules of doc/PRODUCT.md §4 on a hand-built profile:
 * self/total of lines and functions, libc time charged to the calling line,
 * recursion counted once, the "(outside profiled files)" row, re-attribution
 * when files are toggled, callers/callees, reset; a function whose lines are
 * in two files is one function, at its own file. */
#include "config.h"
#include "check.h"
#include "model/profile.h"
#include "model/usercode.h"
#include <stdlib.h>
#include <string.h>

static uint32_t line_id(struct profile *p, uint32_t file, uint32_t line)
{
	int64_t id = profile_find_line(p, file, line);
	CHECK(id >= 0);
	return id < 0 ? 0 : (uint32_t)id;
}

static int64_t func_id(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->nfuncs; i++)
		if (!strcmp(profile_func_name(p, (uint32_t)i), name))
			return (int64_t)i;
	return -1;
}

static void add(struct profile *p, const uint32_t *frames, uint32_t depth, int n)
{
	uint32_t s = profile_stack(p, frames, depth, 0);
	for (int i = 0; i < n; i++)
		profile_add_sample(p, (uint64_t)i, check_thread(p, 42, "t"), s);
}

/* A function is its name and its own file: its frames at lines of another
 * file (a system header the compiler brought code from, with no inline
 * record of its own) are still the function's; self follows the line's file. */
static void check_home_file(void)
{
	struct profile *p = profile_new();
	uint32_t c = profile_file(p, "/home/me/app/v.c", true);
	uint32_t h = profile_file(p, "/usr/include/c++/12/bits/stl_vector.h", false);
	uint32_t own = profile_frame(p, "fill", c, c, 10, 8, "/home/me/app/a.out", 0);
	uint32_t hdr = profile_frame(p, "fill", c, h, 1200, 8, "/home/me/app/a.out", 0);
	uint32_t call = profile_frame(p, "main", c, c, 30, 28, "/home/me/app/a.out", 0);
	CHECK(own != hdr);
	CHECK_EQ(p->nfuncs, 2);
	CHECK_EQ(p->frames[own].func, p->frames[hdr].func);
	CHECK_EQ(p->funcs[p->frames[hdr].func].file, c);
	CHECK(p->files[h].has_lines);
	add(p, (uint32_t[]){own, call}, 2, 3);
	add(p, (uint32_t[]){hdr, call}, 2, 1);
	profile_update(p);
	int64_t fill = func_id(p, "fill"), main_ = func_id(p, "main");
	CHECK(fill >= 0 && main_ >= 0);
	CHECK_EQ(p->funcs[fill].total, 4);
	CHECK_EQ(p->funcs[fill].self, 3); /* the header's line is not profiled: main's */
	CHECK_EQ(p->funcs[main_].self, 1);
	CHECK_EQ(p->lines[line_id(p, c, 30)].self, 1);
	profile_set_profiled(p, h, true, true);
	profile_update(p);
	CHECK_EQ(p->funcs[fill].self, 4);
	CHECK_EQ(p->files[h].self, 1);
	profile_free(p);
}

int main(void)
{
	struct profile *p = profile_new();
	const char *hdr_path = "/usr/include/x86_64-linux-gnu/bits/string_fortified.h";
	uint32_t user = profile_file(p, "/home/me/app/user.c", true);
	uint32_t libc = profile_file(p, "/usr/lib/x86_64-linux-gnu/libc.so.6", false);
	uint32_t hdr = profile_file(p, hdr_path, is_user_code("/home/me/app/a.out", hdr_path, true));
	CHECK(p->files[user].profiled);
	CHECK(!p->files[libc].profiled);
	CHECK(!p->files[hdr].profiled);
	CHECK(p->files[libc].system && p->files[hdr].system && !p->files[user].system);

	const char *mod = "/home/me/app/a.out";
	uint32_t f_memset = profile_frame(p, "memset", libc, libc, 0, 0, "libc.so.6", FRAME_NO_LINE);
	uint32_t f_work10 = profile_frame(p, "work", user, user, 10, 8, mod, 0);
	uint32_t f_work12 = profile_frame(p, "work", user, user, 12, 8, mod, 0);
	uint32_t f_rec5 = profile_frame(p, "rec", user, user, 5, 4, mod, 0);
	uint32_t f_main20 = profile_frame(p, "main", user, user, 20, 18, mod, 0);
	uint32_t f_start = profile_frame(p, "__libc_start_main", libc, libc, 0, 0, "libc.so.6", FRAME_NO_LINE);
	CHECK_EQ(profile_frame(p, "work", user, user, 10, 8, mod, 0), f_work10); /* interned once */

	/* 3 samples in memset called from work line 10 */
	add(p, (uint32_t[]){f_memset, f_work10, f_main20, f_start}, 4, 3);
	/* 2 samples at work line 12 */
	add(p, (uint32_t[]){f_work12, f_main20, f_start}, 3, 2);
	/* 4 samples in rec recursing 3 deep */
	add(p, (uint32_t[]){f_rec5, f_rec5, f_rec5, f_main20, f_start}, 5, 4);
	/* 1 sample with no frame in a profiled file */
	add(p, (uint32_t[]){f_memset, f_start}, 2, 1);
	CHECK_EQ(p->nstacks, 4);
	CHECK_EQ(p->counted, 10);
	profile_update(p);

	uint32_t l10 = line_id(p, user, 10), l12 = line_id(p, user, 12), l5 = line_id(p, user, 5),
		 l20 = line_id(p, user, 20), l0 = line_id(p, libc, 0);
	CHECK_EQ(p->lines[l10].self, 3); /* memset's time charged to its calling line */
	CHECK_EQ(p->lines[l10].total, 3);
	CHECK_EQ(p->lines[l12].self, 2);
	CHECK_EQ(p->lines[l5].self, 4);
	CHECK_EQ(p->lines[l5].total, 4); /* recursion counts once per sample */
	CHECK_EQ(p->lines[l20].self, 0);
	CHECK_EQ(p->lines[l20].total, 9);
	CHECK_EQ(p->lines[l0].self, 0);
	CHECK_EQ(p->lines[l0].total, 10);
	CHECK_EQ(p->outside, 1);

	int64_t work = func_id(p, "work"), rec = func_id(p, "rec"), mainf = func_id(p, "main"),
		memset_f = func_id(p, "memset");
	CHECK(work >= 0 && rec >= 0 && mainf >= 0 && memset_f >= 0);
	CHECK_EQ(p->funcs[work].self, 5);
	CHECK_EQ(p->funcs[work].total, 5);
	CHECK_EQ(p->funcs[work].line, 8);
	CHECK_EQ(p->funcs[rec].total, 4);
	CHECK_EQ(p->funcs[mainf].total, 9);
	CHECK_EQ(p->funcs[memset_f].self, 0);
	CHECK_EQ(p->funcs[memset_f].total, 4);
	CHECK_EQ(p->files[user].self, 9);
	CHECK_EQ(p->files[user].lines_hit, 4);

	/* self adds up to all samples, the outside row included */
	uint64_t sum = p->outside;
	for (size_t i = 0; i < p->nlines; i++)
		sum += p->lines[i].self;
	CHECK_EQ(sum, p->counted);

	/* profile libc: its time is its own now */
	uint64_t gen = p->generation;
	profile_set_profiled(p, libc, true, true);
	CHECK(p->generation != gen && p->files[libc].user_set);
	profile_update(p);
	CHECK_EQ(p->lines[l10].self, 0);
	CHECK_EQ(p->funcs[memset_f].self, 4);
	CHECK_EQ(p->outside, 0);
	CHECK_EQ(p->lines[l0].self, 4);
	/* and back */
	profile_set_profiled(p, libc, false, true);
	profile_update(p);
	CHECK_EQ(p->lines[l10].self, 3);
	CHECK_EQ(p->outside, 1);
	/* unprofile the user's file: everything is outside */
	profile_set_profiled(p, user, false, true);
	profile_update(p);
	CHECK_EQ(p->outside, 10);
	profile_set_profiled(p, user, true, true);
	profile_update(p);

	/* callers and callees (once per sample) */
	struct pedge *e;
	size_t n = profile_callers(p, (uint32_t)work, &e);
	CHECK_EQ(n, 1);
	CHECK_EQ(e[0].func, mainf);
	CHECK_EQ(e[0].count, 5);
	free(e);
	n = profile_callees(p, (uint32_t)work, &e);
	CHECK_EQ(n, 1);
	CHECK_EQ(e[0].func, memset_f);
	CHECK_EQ(e[0].count, 3);
	free(e);
	n = profile_callers(p, (uint32_t)rec, &e);
	CHECK_EQ(n, 2); /* rec (recursion) and main, 4 samples each */
	CHECK_EQ(e[0].count, 4);
	CHECK_EQ(e[1].count, 4);
	free(e);

	/* threads */
	CHECK_EQ(p->nthreads, 1);
	CHECK_EQ(p->threads[0].samples, 10);
	CHECK_EQ(p->threads[0].last_stack, 3);

	/* reset: counts go, raw samples stay for the session file */
	profile_reset_counts(p);
	profile_update(p);
	CHECK_EQ(p->counted, 0);
	CHECK_EQ(p->nsamples, 10);
	CHECK_EQ(p->lines[l20].total, 0);

	/* --profile-only replaces the default; --profile-all marks everything */
	struct profile *q = profile_new();
	q->profile_only = calloc(2, sizeof(char *));
	q->profile_only[q->nprofile_only++] = strdup("*/lib*.c");
	uint32_t lib = profile_file(q, "/src/libfoo.c", true);
	uint32_t app = profile_file(q, "/src/main.c", true);
	uint32_t sys = profile_file(q, "/usr/lib/x86_64-linux-gnu/libz.c", true);
	CHECK(q->files[lib].profiled);
	CHECK(!q->files[app].profiled);
	CHECK(q->files[sys].profiled);
	q->profile_all = true;
	uint32_t inc = profile_file(q, "/usr/include/stdio.h", true);
	CHECK(q->files[inc].profiled);
	profile_free(q);

	profile_free(p);
	check_home_file();
	return check_done("test-profile");
}
