/* test-diagnose.c — each explanation of a thin profile is given when its
 * figures say so, with those figures, and not otherwise: few samples, low
 * coverage of the CPU time, children left out, a target mostly asleep,
 * samples outside the profiled files or charged from unprofiled code, a
 * module without debug info. */
#include "config.h"
#include "check.h"
#include "app/diagnose.h"
#include <stdlib.h>
#include <string.h>

/* A profile of n samples: `mine` of them in main.c alone, `lib` in libz
 * called from main.c, `out` in libz alone (no profiled frame), `nodbg` in
 * a program without debug info. */
static struct profile *make(int mine, int lib, int out, int nodbg)
{
	struct profile *p = profile_new();
	uint32_t fmain = profile_file(p, "/src/main.c", true);
	uint32_t flib = profile_file(p, "/usr/lib/libz.so.1", false);
	uint32_t fbin = profile_file(p, "/opt/bin/tool", true);
	uint32_t m = profile_frame(p, "main", fmain, fmain, 3, 1, "/a", 0);
	uint32_t z = profile_frame(p, "deflate", flib, flib, 0, 0, "/usr/lib/libz.so.1", FRAME_NO_LINE);
	uint32_t t = profile_frame(p, "tool+0x10", fbin, fbin, 0, 0, "/opt/bin/tool", FRAME_NO_LINE);
	uint32_t s_mine = profile_stack(p, (uint32_t[]){m}, 1, 0);
	uint32_t s_lib = profile_stack(p, (uint32_t[]){z, m}, 2, 0);
	uint32_t s_out = profile_stack(p, (uint32_t[]){z}, 1, 0);
	uint32_t s_bin = profile_stack(p, (uint32_t[]){t}, 1, 0);
	uint32_t th = check_thread(p, 1, "t");
	int counts[] = {mine, lib, out, nodbg};
	uint32_t stacks[] = {s_mine, s_lib, s_out, s_bin};
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < counts[k]; i++)
			profile_add_sample(p, (uint64_t)i, th, stacks[k]);
	return p;
}

/* The diagnoses as one string, "|"-separated; freed by the next call. */
static const char *run(struct profile *p, const struct run_facts *f)
{
	static char all[8192];
	char **lines;
	size_t n = diagnose(p, f, &lines);
	all[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strncat(all, lines[i], sizeof(all) - strlen(all) - 2);
		strcat(all, "|");
		free(lines[i]);
	}
	free(lines);
	return all;
}

/* run() on a profile made for one look, then freed. */
static const char *run_once(struct profile *p, const struct run_facts *f)
{
	const char *s = run(p, f);
	profile_free(p);
	return s;
}

#define HAS(s, sub) (strstr((s), (sub)) != NULL)

int main(void)
{
	/* a healthy profile: 1000 samples of 1.0 s CPU, all in the user's code */
	struct run_facts f = {.elapsed_s = 1.0, .frequency = 1000, .follow = true, .cpu_known = true,
			      .cpu_s = 1.0, .followed_cpu_s = 1.0};
	struct profile *p = make(1000, 0, 0, 0);
	CHECK_EQ(strlen(run(p, &f)), 0);

	/* too few samples, with the CPU time and the remedy */
	struct profile *few = make(40, 0, 0, 0);
	struct run_facts ff = f;
	ff.cpu_s = ff.followed_cpu_s = 0.04;
	const char *s = run(few, &ff);
	CHECK(HAS(s, "only 40 samples: the program used 40 ms of CPU"));
	CHECK(HAS(s, "--repeat N"));
	CHECK(!HAS(s, "asleep") && !HAS(s, "cover"));

	/* children left out: 1.0 s of CPU, 0.2 s in the threads followed */
	struct run_facts nf = f;
	nf.follow = false;
	nf.followed_cpu_s = 0.2;
	s = run_once(make(200, 0, 0, 0), &nf);
	CHECK(HAS(s, "0.80 s of the program's 1.00 s of CPU ran in its child processes"));
	CHECK(HAS(s, "drop --no-follow"));
	nf.attached = true;
	CHECK(HAS(run_once(make(200, 0, 0, 0), &nf), "add --follow"));
	nf.attached = false;
	/* few samples because the children were left out: no "run longer" */
	s = run_once(make(5, 0, 0, 0), &nf);
	CHECK(HAS(s, "ran in its child processes") && !HAS(s, "only 5 samples"));
	/* sampling let go of a launched program (-d): the reason given */
	struct run_facts gf = f;
	gf.let_go = true;
	s = run_once(make(300, 0, 0, 0), &gf);
	CHECK(HAS(s, "the samples cover 30%") && HAS(s, "sampling ended (-d, or interrupted)"));
	CHECK(!HAS(s, "children it did not wait for"));

	/* following, but samples cover little of the CPU time */
	s = run_once(make(300, 0, 0, 0), &f);
	CHECK(HAS(s, "the samples cover 30% of the program's 1.00 s of CPU"));
	CHECK(!HAS(s, "child processes, left out"));
	/* not following, no CPU time in children: the children are not the reason */
	nf.attached = false;
	nf.followed_cpu_s = nf.cpu_s;
	s = run_once(make(300, 0, 0, 0), &nf);
	CHECK(HAS(s, "the samples cover 30%") && HAS(s, "cprof-tui fell behind"));
	CHECK(!HAS(s, "children"));

	/* threads too short for perf events' first sample: 0.6 s of the 1.0 s,
	 * which is why the samples cover little (not "fell behind") */
	struct run_facts tf = nf;
	tf.short_s = 0.6;
	tf.short_threads = 1200;
	s = run_once(make(350, 0, 0, 0), &tf);
	CHECK(HAS(s, "60% of the program's CPU time (0.60 s) is in no sample: 1200 threads ended "
		     "before their CPU time reached the next sampling period (1.0 ms)"));
	CHECK(HAS(s, "--backend ptrace samples short threads"));
	CHECK(!HAS(s, "fell behind") && !HAS(s, "the samples cover"));
	/* ... a little of it (3%): not worth a word, and not the reason */
	tf.short_s = 0.03;
	s = run_once(make(300, 0, 0, 0), &tf);
	CHECK(!HAS(s, "ended before") && HAS(s, "fell behind"));
	/* ... a third: said, and the rest is still more than they explain */
	tf.short_s = 0.2;
	tf.short_threads = 1;
	s = run_once(make(300, 0, 0, 0), &tf);
	CHECK(HAS(s, "(0.20 s) is in no sample: 1 thread ended") && HAS(s, "fell behind"));
	/* few samples: only not said when the short threads would have made enough */
	struct run_facts lf = tf;
	lf.cpu_s = lf.followed_cpu_s = 0.5;
	lf.short_s = 0.45;
	s = run_once(make(20, 0, 0, 0), &lf);
	CHECK(!HAS(s, "only 20 samples") && HAS(s, "90% of the program's CPU time"));
	lf.cpu_s = lf.followed_cpu_s = 0.1; /* (ptrace would not make 200 either) */
	lf.short_s = 0.09;
	CHECK(HAS(run_once(make(5, 0, 0, 0), &lf), "only 5 samples"));
	/* a kernel that does not tell the ended threads' CPU time */
	struct run_facts uf = nf;
	uf.short_unknown = true;
	s = run_once(make(300, 0, 0, 0), &uf);
	CHECK(HAS(s, "the samples cover 30%") && HAS(s, "this kernel does not tell"));
	CHECK(!HAS(s, "is in no sample"));
	/* CPU time not known (attached, -d): the samples' and the short
	 * threads' at least: 0.6 s of 0.9 s */
	struct run_facts kf = tf;
	kf.cpu_known = false;
	kf.short_s = 0.6;
	s = run_once(make(300, 0, 0, 0), &kf);
	CHECK(HAS(s, "at least 67% of the program's CPU time (0.60 s) is in no sample"));
	CHECK(!HAS(s, "only 300") && !HAS(s, "cover"));
	kf.short_s = 0.01;
	CHECK(!HAS(run_once(make(300, 0, 0, 0), &kf), "no sample"));

	/* mostly asleep: 0.1 s of CPU in 5 s; not said in wall mode */
	struct run_facts sf = f;
	sf.elapsed_s = 5.0;
	sf.cpu_s = sf.followed_cpu_s = 0.1;
	CHECK(HAS(run_once(make(100, 0, 0, 0), &sf), "on a CPU 2% of the 5.0 s"));
	sf.wall = true;
	CHECK(!HAS(run_once(make(100, 0, 0, 0), &sf), "on a CPU"));

	/* outside the profiled files, named; charged from unprofiled code, named */
	s = run_once(make(400, 0, 600, 0), &f);
	CHECK(HAS(s, "60% of the samples are outside the profiled files, in /usr/lib/libz.so.1 60%"));
	s = run_once(make(300, 700, 0, 0), &f);
	CHECK(HAS(s, "70% of the samples ran in code that is not profiled, in /usr/lib/libz.so.1 70%"));
	CHECK(!HAS(s, "outside the profiled files"));

	/* a module without debug info: its share when it is worth a word */
	char *nodebug[] = {"/opt/bin/tool"};
	struct run_facts df = f;
	df.nodebug = nodebug;
	df.nnodebug = 1;
	s = run_once(make(500, 0, 0, 500), &df);
	CHECK(HAS(s, "/opt/bin/tool has no debug info, and 50% of the samples count for it"));
	s = run_once(make(1000, 0, 0, 1), &df);
	CHECK(HAS(s, "/opt/bin/tool has no debug info: functions come from its symbol table"));

	/* --backend auto took ptrace: why not perf, said even of a healthy profile */
	struct run_facts pf = f;
	pf.ptrace_because = "perf events are not permitted here (kernel.perf_event_paranoid is 3)";
	s = run(p, &pf);
	CHECK(HAS(s, "sampled with ptrace, which stops each thread for each sample"));
	CHECK(HAS(s, "perf_event_paranoid is 3"));

	/* perf events in user mode only: the time in system calls is not sampled */
	struct run_facts mf = f;
	mf.user_mode_only = true;
	s = run(p, &mf);
	CHECK(HAS(s, "sampled in user mode only"));
	mf.cpu_known = true;
	mf.cpu_s = 2 * (double)p->nsamples / mf.frequency; /* half of it in the kernel */
	s = run(p, &mf);
	CHECK(HAS(s, "time in the kernel, not sampled here"));
	s = run(p, &f);
	CHECK(!HAS(s, "sampled in user mode only"));

	profile_free(p);
	profile_free(few);
	return check_done("test-diagnose");
}
