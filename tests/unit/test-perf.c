/* test-perf.c — the perf-events backend through the sampler interface, on
 * this program re-executed as its target:
 *  - a family: a thread that names itself, a child that execs and exits 7,
 *    a child killed by SIGKILL, a main that exits 3: every process and
 *    thread published (sampler.procs, sampler.threads) with its command,
 *    name and exit status, and sampled;
 *  - a program that ends at once: its command line all the same;
 *  - attached to two spinning threads: samples of both, with registers and
 *    a stack copy that reaches 16 KiB up or the end of the thread's stack
 *    (the kernel's own copy may stop short: the rest is read); when cprof-tui falls behind, the records the kernel could
 *    not write are counted lost; released, no event is left open here and
 *    the target runs on.
 * Skips (77) where perf events cannot sample. */
#include "config.h"
#include "check.h"
#include "target/sampler.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the targets ---- */

static volatile uint64_t sink;
static char self[4096];

static void spin_for(double seconds)
{
	uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
	while (now_ns() < end)
		for (int i = 0; i < 100000; i++)
			sink = sink * 6364136223846793005ull + 1;
}

static void *spin_thread(void *arg)
{
	if (arg)
		prctl(PR_SET_NAME, (const char *)arg);
	spin_for(arg ? 0.2 : 1e9);
	return NULL;
}

/* A thread named "worker", a child that execs (and exits 7), a child
 * killed by SIGKILL; exits 3. */
static int family(void)
{
	pthread_t t;
	pthread_create(&t, NULL, spin_thread, "worker");
	pthread_join(t, NULL);
	pid_t c = fork();
	if (c == 0) {
		execl(self, self, "exit7", (char *)NULL);
		_exit(126);
	}
	waitpid(c, NULL, 0);
	c = fork();
	if (c == 0) {
		spin_for(0.1);
		raise(SIGKILL);
	}
	waitpid(c, NULL, 0);
	return 3;
}

/* ---- the test ---- */

static size_t perf_fds(void)
{
	size_t n = 0;
	char path[300], link[256];
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		ssize_t len = readlink(path, link, sizeof(link) - 1);
		if (len > 0 && (link[len] = '\0', strstr(link, "perf_event")))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static const struct sampler_process *proc_with(const struct sampler *s, const char *command)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (strstr(s->procs[i].command, command))
			return &s->procs[i];
	return NULL;
}

static void test_family(const struct sampler_config *cfg)
{
	char err[512];
	char *argv[] = {self, "family", NULL};
	struct sampler *s = sampler_perf.launch(argv, cfg, err, sizeof(err));
	CHECK(s != NULL);
	if (!s) {
		printf("  launch: %s\n", err);
		return;
	}
	s->ops->set_stopped(s, false);
	struct raw_batch b = {0};
	uint64_t samples = 0, end = now_ns() + 10000000000ull;
	while (s->target != SAMPLER_EXITED && now_ns() < end) {
		raw_batch_clear(&b);
		s->ops->tick(s, true, true, &b);
		for (size_t i = 0; i < b.len; i++)
			samples += b.v[i].stack_len > 0 && b.v[i].regs.rip && b.v[i].regs.rsp;
		pause_ms(2);
	}
	CHECK_EQ(s->target, SAMPLER_EXITED);
	CHECK_EQ(s->exit_code, 3);
	CHECK(samples >= 200); /* 0.4 s of CPU */
	const struct sampler_process *ex = proc_with(s, "exit7"), *main = &s->procs[0];
	CHECK(ex && ex->exec_count == 1 && ex->exit_code == 7 && ex->ppid == main->pid);
	CHECK_EQ(main->exit_code, 3);
	bool killed = false, worker = false;
	for (size_t i = 1; i < s->nprocs; i++)
		killed |= s->procs[i].exit_signal == SIGKILL && s->procs[i].ended_ns;
	for (size_t i = 0; i < s->nthreads; i++)
		worker |= !strcmp(s->threads[i].name, "worker") && s->threads[i].state == 'X';
	CHECK(killed);
	CHECK(worker);
	printf("  family: %llu samples, %zu processes, %zu threads\n", (unsigned long long)samples,
	       s->nprocs, s->nthreads);
	s->ops->release(s, true);
	s->ops->free(s);
	raw_batch_free(&b);
}

/* A program that ends at once: its command is its argv, although it is
 * gone before /proc could say it (it was the empty string, or cprof-tui's
 * own, which the held child had before its exec). */
static void test_instant(const struct sampler_config *cfg)
{
	char err[512];
	char *argv[] = {"/bin/true", "--version", NULL};
	struct sampler *s = sampler_perf.launch(argv, cfg, err, sizeof(err));
	CHECK(s != NULL);
	if (!s)
		return;
	s->ops->set_stopped(s, false);
	struct raw_batch b = {0};
	for (uint64_t end = now_ns() + 5000000000ull; s->target != SAMPLER_EXITED && now_ns() < end;) {
		raw_batch_clear(&b);
		s->ops->tick(s, true, true, &b);
		pause_ms(2);
	}
	CHECK_EQ(s->exit_code, 0);
	CHECK(!strcmp(s->procs[0].command, "/bin/true --version"));
	s->ops->release(s, true);
	s->ops->free(s);
	raw_batch_free(&b);
}

static void test_attached(const struct sampler_config *cfg)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, "spin", (char *)NULL);
		_exit(126);
	}
	pause_ms(200);
	char err[512];
	size_t before = perf_fds();
	struct sampler *s = sampler_perf.attach(pid, cfg, err, sizeof(err));
	CHECK(s != NULL);
	if (!s) {
		printf("  attach: %s\n", err);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return;
	}
	struct raw_batch b = {0};
	struct maps maps = {0};
	CHECK_EQ(procfs_read_maps(pid, &maps), 0);
	uint64_t by_thread[2] = {0}, n = 0, short_copies = 0;
	for (int round = 0; round < 150; round++) {
		raw_batch_clear(&b);
		s->ops->tick(s, true, true, &b);
		for (size_t i = 0; i < b.len; i++, n++) {
			const struct raw_sample *r = &b.v[i];
			const struct map *st = procfs_maps_find(&maps, r->regs.rsp);
			by_thread[r->tid != pid] += r->stack_len > 0;
			short_copies += r->stack_len < 16384 &&
					(!st || r->regs.rsp + r->stack_len != st->end);
		}
		pause_ms(2);
	}
	procfs_maps_free(&maps);
	CHECK(by_thread[0] >= 50 && by_thread[1] >= 50); /* both spin for ~0.3 s */
	CHECK_EQ(short_copies, 0);
	/* cprof-tui falls behind: the rings fill, the kernel counts what it
	 * drops, and says so once there is room again */
	pause_ms(1000);
	uint64_t lost = 0;
	for (int round = 0; round < 10; round++) {
		raw_batch_clear(&b);
		s->ops->tick(s, true, true, &b);
		lost += b.lost;
		pause_ms(2);
	}
	CHECK(lost > 100); /* (~2000 due; the rings hold a few hundred; fewer due on a busy machine) */
	printf("  attached: %llu samples (%llu, %llu by thread, %llu stack copies short); %llu lost "
	       "in a second unread\n", (unsigned long long)n, (unsigned long long)by_thread[0],
	       (unsigned long long)by_thread[1], (unsigned long long)short_copies,
	       (unsigned long long)lost);
	CHECK(perf_fds() > before);
	s->ops->release(s, false);
	CHECK_EQ(perf_fds(), before); /* every event closed */
	CHECK(s->target == SAMPLER_DETACHED);
	s->ops->free(s);
	raw_batch_free(&b);
	pause_ms(100);
	int status;
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0); /* it runs on */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return 2;
	self[len] = '\0';
	if (argc > 1 && !strcmp(argv[1], "family"))
		return family();
	if (argc > 1 && !strcmp(argv[1], "exit7")) {
		spin_for(0.1);
		return 7;
	}
	if (argc > 1 && !strcmp(argv[1], "spin")) {
		pthread_t t;
		pthread_create(&t, NULL, spin_thread, NULL);
		spin_thread(NULL);
		return 0;
	}
	struct sampler_config cfg = {.frequency = 999, .quiet_child = true, .log_fd = -1,
				     .follow = true};
	char why[256];
	if (sampler_perf_usable(0, &cfg, why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	test_family(&cfg);
	test_instant(&cfg);
	test_attached(&cfg);
	return check_done("test-perf");
}
