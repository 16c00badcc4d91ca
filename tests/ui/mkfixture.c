/* mkfixture.c — writes the session the UI golden screens are taken on.
 *
 * A fixed, hand-made profile of fixture/main.c and fixture/util.c: 100
 * samples in two threads, a libc call charged to its caller, a file whose
 * source is missing, samples outside the profiled files, and a hostile file,
 * function and thread name full of escape sequences. Nothing depends on the
 * clock or on pids, so the screens are the same on every run.
 *
 * --changed writes the same program after a change, to compare the first
 * with (a diff): checksum faster (60 -> 40 samples), copy_buffers slower
 * (20 -> 35), lost gone, a new memset call in main (10), the rest alike.
 *
 *   usage: mkfixture [--changed] OUT.db
 */
#include "config.h"
#include "model/profile.h"
#include "model/usercode.h"
#include "db/session.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <string.h>

#define LIBC "/usr/lib/x86_64-linux-gnu/libc.so.6"
#define EXE "/opt/fixture/fixture-prog"

static uint32_t frame(struct profile *p, const char *func, const char *path, uint32_t line,
		      uint32_t decl)
{
	bool has_lines = line != 0;
	uint32_t file = profile_file(p, path, is_user_code(has_lines ? EXE : LIBC, has_lines ? path : NULL, true));
	return profile_frame(p, func, file, file, line, decl, has_lines ? EXE : LIBC,
			     has_lines ? 0 : FRAME_NO_LINE);
}

int main(int argc, char **argv)
{
	struct profile *p = profile_new();
	char err[256];

	bool changed = argc == 3 && !strcmp(argv[1], "--changed");
	if (argc != 2 && !changed) {
		fprintf(stderr, "usage: mkfixture [--changed] OUT.db\n");
		return 2;
	}
	p->command = xstrdup("./fixture-prog --size 100");
	p->pid = 4242;
	p->frequency_hz = 999;
	p->started_at = xstrdup("2026-01-02T03:04:05Z");
	p->ended_at = xstrdup("2026-01-02T03:04:06Z");

	uint32_t start = frame(p, "__libc_start_call_main", LIBC, 0, 0);
	uint32_t hot = frame(p, "checksum", "fixture/util.c", 8, 4);
	uint32_t loop = frame(p, "checksum", "fixture/util.c", 7, 4);
	uint32_t compute = frame(p, "compute", "fixture/main.c", 9, 5);
	uint32_t main_compute = frame(p, "main", "fixture/main.c", 21, 18);
	uint32_t memcpy_ = frame(p, "memcpy", LIBC, 0, 0);
	uint32_t copy = frame(p, "copy_buffers", "fixture/main.c", 15, 13);
	uint32_t main_copy = frame(p, "main", "fixture/main.c", 22, 18);
	uint32_t evil = frame(p, "evil\x1b[2Jname", "fixture/ctrl\x1b[31m.c", 3, 1);
	uint32_t main_ret = frame(p, "main", "fixture/main.c", 23, 18);
	uint32_t lost = frame(p, "lost", "src/missing.c", 10, 8);
	uint32_t clone = frame(p, "clone3", LIBC, 0, 0);
	uint32_t memset_ = frame(p, "memset", LIBC, 0, 0);
	uint32_t main_init = frame(p, "main", "fixture/main.c", 20, 18);

	const struct {
		uint32_t frames[4], depth;
		int tid, count, changed; /* samples before and after the change */
	} stacks[] = {
		{ { hot, compute, main_compute, start }, 4, 4242, 50, 30 },
		{ { loop, compute, main_compute, start }, 4, 4242, 10, 10 },
		{ { memcpy_, copy, main_copy, start }, 4, 4243, 20, 35 },
		{ { evil, main_ret, start }, 3, 4242, 5, 5 },
		{ { lost, main_ret, start }, 3, 4243, 5, 0 },
		{ { clone }, 1, 4243, 10, 10 },
		{ { memset_, main_init, start }, 3, 4242, 0, 10 },
	};
	size_t n = sizeof(stacks) / sizeof(stacks[0]);
	uint32_t ids[7];
	int left[7];

	profile_process_add(p, 4242, 1, "fixture-prog --fast", 0);
	uint32_t th[2] = {profile_thread_add(p, 4242, 4242, "fixture-prog"),
			  profile_thread_add(p, 4242, 4243, "worker\x1b]0;pwned\x07")};
	profile_thread_update(p, th[0], NULL, 'R');
	profile_thread_update(p, th[1], NULL, 'S');
	for (size_t i = 0; i < n; i++) {
		ids[i] = profile_stack(p, stacks[i].frames, stacks[i].depth, 0);
		left[i] = changed ? stacks[i].changed : stacks[i].count;
	}
	/* Interleave the stacks, one sample per millisecond. */
	uint64_t t = 0;
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < n; i++)
			if (left[i]-- > 0) {
				profile_add_sample(p, t += 1000, th[stacks[i].tid - 4242], ids[i]);
				more = true;
			}
	}
	profile_update(p);

	struct db_session *s = db_session_create(argv[argc - 1], false, err, sizeof(err));
	if (!s || db_session_sync(s, p, err, sizeof(err)) < 0) {
		fprintf(stderr, "mkfixture: %s\n", err);
		return 1;
	}
	db_session_close(s);
	profile_free(p);
	return 0;
}
