/* test-unwind.c — reusing a thread's last unwind must never change a stack.
 *
 * Real processes, sampled with the ptrace backend and (where perf events may
 * sample) the perf backend, whose stack copies the kernel makes: this
 * program re-executed
 * as a child whose threads spin in nested calls and take signals whose
 * handler spins too (signal frames on the stack), and the deep workload (48
 * pseudo-random frames, qsort calling back into the program). Every sample is
 * unwound twice: by an unwinder that reuses the thread's last unwind, and by
 * one that never does (tid 0). The stacks must be identical, frame for frame,
 * with the same completeness; and reuse must really happen. libunwind's
 * signal masking is skipped, and nobody else's. */
#include "config.h"
#include "check.h"
#include "target/sampler.h"
#include "model/strutil.h"
#include "stack/symbols.h"
#include "stack/unwind.h"
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- the child ---- */

static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t spin(uint64_t x, int n)
{
	for (int i = 0; i < n; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	return x;
}

__attribute__((noinline)) static uint64_t inner(uint64_t x, int n)
{
	x = spin(x, n);
	sink += x;
	return x ^ (uint64_t)n;
}

__attribute__((noinline)) static uint64_t outer(uint64_t x, int depth, int n)
{
	uint64_t r = depth ? outer(x + 1, depth - 1, n) : inner(x, n);
	sink += r;
	return r;
}

__attribute__((noinline)) static void in_handler(int depth)
{
	sink += outer((uint64_t)depth, depth, 3000000);
}

static void on_alarm(int sig)
{
	(void)sig;
	in_handler(3); /* some ms of work on top of the interrupted stack */
}

static void *child_thread(void *arg)
{
	int depth = (int)(intptr_t)arg;
	for (;;)
		sink += outer(sink, depth, 20000);
	return NULL;
}

static int child_main(void)
{
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPROF, &sa, NULL);
	struct itimerval it = {{0, 5000}, {0, 5000}}; /* a signal per 5 ms of CPU */
	setitimer(ITIMER_PROF, &it, NULL);
	pthread_t t;
	pthread_create(&t, NULL, child_thread, (void *)(intptr_t)5);
	child_thread((void *)(intptr_t)9);
	return 0;
}

/* ---- the test ---- */

struct counts {
	uint64_t samples, frames, differ, reached_handler, in_handler;
};

static void compare(struct unwinder *reusing, struct unwinder *fresh, struct symbolizer *sym,
		    const struct raw_batch *b, struct counts *c)
{
	for (size_t i = 0; i < b->len; i++) {
		const struct raw_sample *rs = &b->v[i];
		if (rs->reuse)
			continue; /* no stack: the recorder reuses the thread's last one */
		struct unwind_input in = {
			.tid = rs->tid,
			.regs = &rs->regs,
			.stack = b->stack + rs->stack_off,
			.stack_len = rs->stack_len,
		};
		uint64_t a[256], f[256];
		bool ca, cf;
		int na = unwind_stack(reusing, &in, a, 256, &ca);
		in.tid = 0;
		int nf = unwind_stack(fresh, &in, f, 256, &cf);
		c->samples++;
		c->frames += (uint64_t)nf;
		if (na != nf || ca != cf || memcmp(a, f, (size_t)nf * sizeof(a[0]))) {
			if (c->differ++ < 3)
				printf("  tid %d: reused unwind %d frames (%s), fresh %d (%s)\n", rs->tid,
				       na, ca ? "complete" : "incomplete", nf,
				       cf ? "complete" : "incomplete");
		}
		if (!sym)
			continue;
		/* does the stack run from the signal handler into the code it interrupted? */
		bool handler = false;
		for (int k = 0; k < nf; k++) {
			uint64_t key = symbols_key_of(sym, unwind_map(fresh, f[k]), f[k], k > 0);
			symbols_request(sym, key);
			symbols_wait_idle(sym, 5000);
			struct sym_frame sf[8];
			int n = symbols_take(sym, key, sf, 8);
			for (int j = 0; j < n; j++) {
				if (!strcmp(sf[j].function, "in_handler"))
					c->in_handler += !handler, handler = true;
				else if (handler && !strcmp(sf[j].function, "child_thread") && cf)
					c->reached_handler++, k = nf, j = n;
			}
		}
	}
}

/* Sample argv with backend be for about `seconds`, comparing every sample's
 * two unwinds. */
static void run(const struct sampler_backend *be, char **argv, double seconds, bool symbolise,
		const char *what)
{
	char err[512];
	struct sampler_config cfg = {.frequency = 999, .quiet_child = true, .log_fd = -1};
	struct sampler *s = be->launch(argv, &cfg, err, sizeof(err));
	CHECK(s != NULL);
	if (!s) {
		printf("  %s: %s\n", what, err);
		return;
	}
	s->ops->set_stopped(s, false); /* (launched held before its exec) */
	struct unwinder *reusing = unwind_new(s->pid), *fresh = unwind_new(s->pid);
	struct symbolizer *sym = symbolise ? symbols_new(err, sizeof(err)) : NULL;
	struct raw_batch b = {0};
	struct counts c = {0};
	uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
	while (now_ns() < end && s->target != SAMPLER_EXITED) {
		raw_batch_clear(&b);
		s->ops->tick(s, true, true, &b);
		compare(reusing, fresh, sym, &b, &c);
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	uint64_t stepped = 0, reused = 0;
	unwind_stats_add(reusing, &stepped, &reused);
	printf("  %s, %s: %llu samples, %llu frames, %llu differ; reused %llu of %llu frames; "
	       "%llu stacks from the signal handler to the thread's start (%llu in it)\n",
	       be->name, what, (unsigned long long)c.samples, (unsigned long long)c.frames,
	       (unsigned long long)c.differ, (unsigned long long)reused,
	       (unsigned long long)(reused + stepped), (unsigned long long)c.reached_handler, (unsigned long long)c.in_handler);
	CHECK(c.samples >= 200);
	CHECK_EQ(c.differ, 0);
	CHECK(reused > 0);
	if (symbolise)
		CHECK(c.reached_handler > 0);
	s->ops->release(s, true);
	s->ops->free(s);
	raw_batch_free(&b);
	unwind_free(reusing);
	unwind_free(fresh);
	symbols_free(sym);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child_main();
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		perror("/proc/self/exe");
		return 2;
	}
	self[n] = '\0';
	char *child[] = {self, "child", NULL};
	/* the deep workload, built beside this test: <build>/tests/workloads/deep */
	char deep[4096 + 32], dir[4096];
	snprintf(dir, sizeof(dir), "%s", self); /* (dirname writes into its argument) */
	snprintf(deep, sizeof(deep), "%s/../workloads/deep", dirname(dir));
	char *deep_argv[] = {deep, "30", NULL};
	CHECK(access(deep, X_OK) == 0); /* (built by make check-programs) */
	struct sampler_config cfg = {.frequency = 999};
	char why[256];
	bool perf = sampler_perf_usable(0, &cfg, why, sizeof(why)) == 0;
	if (!perf)
		printf("  the perf backend is not checked: %s\n", why);
	for (int k = 0; k < 1 + perf; k++) {
		const struct sampler_backend *be = k ? &sampler_perf : &sampler_ptrace;
		run(be, child, 2.0, true, "threads and signal handlers");
		if (access(deep, X_OK) == 0)
			run(be, deep_argv, 1.5, false, "deep");
	}

	/* libunwind's calls to sigprocmask went to unwind.c's, which skipped
	 * them; a call from anywhere else still masks */
	printf("  libunwind's sigprocmask calls skipped: %llu\n",
	       (unsigned long long)unwind_masks_skipped());
	CHECK(unwind_masks_skipped() > 0);
	sigset_t usr2, cur;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &usr2, NULL), 0);
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	CHECK(sigismember(&cur, SIGUSR2));
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &usr2, &cur), 0);
	CHECK(sigismember(&cur, SIGUSR2)); /* the old mask, as it was */
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	CHECK(!sigismember(&cur, SIGUSR2));
	CHECK_EQ(sigprocmask(99, &usr2, NULL), -1); /* and fails as libc's does */
	CHECK_EQ(errno, EINVAL);
	return check_done("test-unwind");
}
