/* guard.c — the watch over the sampling thread; see guard.h. */
#include "config.h"
#include "app/guard.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GUARD_LOOK_MS 200
#define GUARD_PATIENCE_NS 1000000000ull

struct guard {
	pthread_t thread;
	pid_t target, watched;
	char *session_path;
	pthread_mutex_t lock;
	pthread_cond_t stop;
	bool stopping;
};

/* The process (thread group) a thread belongs to, 0 when unknown. */
static pid_t tgid_of(pid_t tid)
{
	pid_t tgid, ppid;
	return procfs_task_ids(tid, &tgid, &ppid) ? tgid : 0;
}

static void (*before_exit)(void);

void guard_before_exit(void (*fn)(void))
{
	before_exit = fn;
}

/* Is process pid the target, or one of cprof-tui's own descendants (the
 * launched program and the children it made) or of the target's (an
 * attached process's children, followed)? */
static bool ours(const struct guard *g, pid_t pid)
{
	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		pid_t tgid, ppid;
		if (pid == g->target || !procfs_task_ids(pid, &tgid, &ppid))
			return pid == g->target;
		if (ppid == getpid() || ppid == g->target)
			return true;
		pid = ppid;
	}
	return false;
}

static void *watch(void *arg)
{
	struct guard *g = arg;
	uint64_t held_since = 0;
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += GUARD_LOOK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->stop, &g->lock, &ts);
		if (g->stopping)
			break;
		int tracer = procfs_task_tracer_pid(getpid(), g->watched);
		pid_t by = tracer > 0 ? tgid_of(tracer) : 0;
		if (!by || !ours(g, by)) {
			held_since = 0;
			continue;
		}
		if (!held_since)
			held_since = now_ns();
		else if (now_ns() - held_since >= GUARD_PATIENCE_NS) {
			char path[1024];
			if (before_exit) /* (the sampling thread is stopped: nothing draws) */
				before_exit();
			fprintf(stderr, "cprof-tui: process %d traces cprof-tui itself (ptrace), and each "
					"would wait for the other for ever: cprof-tui ends here; %s holds "
					"what was sampled until a second ago\n", (int)by,
				str_escape(path, sizeof(path), g->session_path));
			_exit(2);
		}
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

struct guard *guard_start(pid_t target, const char *session_path)
{
	struct guard *g = xcalloc(1, sizeof(*g));
	g->target = target;
	g->watched = gettid();
	g->session_path = xstrdup(session_path);
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->stop, NULL);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* signals are the sampling thread's */
	int rc = pthread_create(&g->thread, NULL, watch, g);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		free(g->session_path);
		free(g);
		return NULL;
	}
	return g;
}

void guard_stop(struct guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->stop);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->stop);
	free(g->session_path);
	free(g);
}
