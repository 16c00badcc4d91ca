/* eintr [-k] [-o OUTFILE] [-p PIDFILE] [SECONDS]
 *
 * One busy thread plus three threads that block, over and over with short
 * timeouts, in epoll_wait, sigtimedwait and select. Each counts calls and
 * EINTR failures; at the end it prints
 *   "calls=N epoll=E sigtimedwait=S select=T"
 * where E, S, T are EINTR counts (0 expected: a profiler must not inject
 * EINTR). -k is the workload's own self-check: the main thread kicks each
 * blocked thread with SIGUSR1 (handler without SA_RESTART) until it has seen
 * an EINTR, so each count must come out >= 1. */
#include "wl.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>

#define TIMEOUT_MS 10

static double end_time;
static volatile int kicked[3];
static long calls[3], eintrs[3];

static void on_usr1(int sig) { (void)sig; }

static void count(int k, int r)
{
	__atomic_add_fetch(&calls[k], 1, __ATOMIC_RELAXED);
	if (r < 0 && errno == EINTR)
		__atomic_add_fetch(&eintrs[k], 1, __ATOMIC_RELAXED);
}

static void *busy(void *arg)
{
	uint64_t x = 1;
	while (wl_now() < end_time) {
		WL_SPIN(x, 100000);
	}
	wl_sink = x;
	return NULL;
}

static void *blk_epoll(void *arg)
{
	int ep = epoll_create1(0);
	struct epoll_event ev;
	while (wl_now() < end_time) {
		kicked[0] = 1;
		count(0, epoll_wait(ep, &ev, 1, TIMEOUT_MS));
	}
	close(ep);
	return NULL;
}

static void *blk_sigtimedwait(void *arg)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2); /* blocked in every thread, never sent */
	struct timespec ts = {0, TIMEOUT_MS * 1000000L};
	while (wl_now() < end_time) {
		kicked[1] = 1;
		count(1, sigtimedwait(&set, NULL, &ts) < 0 && errno == EAGAIN ? 0 : -1);
	}
	return NULL;
}

static void *blk_select(void *arg)
{
	while (wl_now() < end_time) {
		struct timeval tv = {0, TIMEOUT_MS * 1000};
		kicked[2] = 1;
		count(2, select(0, NULL, NULL, NULL, &tv));
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *outfile = NULL;
	int kick = 0, c;
	while ((c = getopt(argc, argv, "ko:p:")) != -1) {
		switch (c) {
		case 'k': kick = 1; break;
		case 'o': outfile = optarg; break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	end_time = wl_now() + wl_parse_seconds(argv[optind], 3);
	struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	void *(*fn[4])(void *) = {blk_epoll, blk_sigtimedwait, blk_select, busy};
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, fn[i], NULL)) {
			perror("pthread_create");
			return 2;
		}
	wl_ready(pidfile);
	if (kick) {
		/* Interrupt each blocker with SIGUSR1 until it has seen one EINTR
		 * (a kick that lands between two calls interrupts nothing). */
		for (int i = 0; i < 3; i++) {
			while (!kicked[i])
				usleep(1000);
			for (int n = 0; n < 200 && !__atomic_load_n(&eintrs[i], __ATOMIC_RELAXED); n++) {
				pthread_kill(t[i], SIGUSR1);
				usleep(5000);
			}
		}
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	FILE *out = outfile ? fopen(outfile, "w") : stdout;
	if (!out) {
		perror(outfile);
		return 2;
	}
	fprintf(out, "calls=%ld epoll=%ld sigtimedwait=%ld select=%ld\n",
		calls[0] + calls[1] + calls[2], eintrs[0], eintrs[1], eintrs[2]);
	return fclose(out) ? 2 : 0;
}
