/* ptrace-floor — the bare cost of sampling with ptrace, as a yardstick.
 *
 *   ptrace-floor [-F HZ] PROGRAM [ARGS...]
 *
 * Launches PROGRAM, seizes it (and every thread it creates), and HZ times a
 * second does, for each thread whose /proc state is R (running), exactly the
 * part of a ptrace sampler that cannot be avoided:
 *   PTRACE_INTERRUPT -> waitpid (the thread is stopped) -> PTRACE_GETREGS ->
 *   PTRACE_CONT.
 * No stack copy, no unwinding, no symbols, no storage. Like cprof-tui it
 * interrupts all running threads first, then collects the stops, and it does
 * not burst to catch up when a round starts late. The target's slowdown under
 * this tool is the floor that cprof-tui's slowdown is compared with.
 *
 * At the end it prints to stderr one line:
 *   ptrace-floor: S samples in T s (R/s), stopped U us/sample; L of N rounds late; CPU C ms
 * (U = mean time from PTRACE_INTERRUPT until PTRACE_CONT returned; C = its own
 * CPU time), and exits
 * with PROGRAM's status (128+N if it died of signal N).
 *
 * It handles what a benchmark workload does (threads, signals, group-stops);
 * exec is passed through but not followed specially. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { RUNNING, INTERRUPTING, LISTENING };

struct thr {
	pid_t tid;
	int stat_fd;
	int st;
	uint64_t t_interrupt; /* ns, when INTERRUPTING */
};

static struct thr *T;
static size_t nt, capt;
static pid_t pid;
static int exit_status = -1;
static size_t pending;
static uint64_t samples, stopped_ns;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static struct thr *find(pid_t tid)
{
	for (size_t i = 0; i < nt; i++)
		if (T[i].tid == tid)
			return &T[i];
	return NULL;
}

static struct thr *add(pid_t tid)
{
	struct thr *t = find(tid);
	if (t)
		return t;
	if (nt == capt) {
		capt = capt ? 2 * capt : 64;
		T = realloc(T, capt * sizeof *T);
		if (!T)
			abort();
	}
	t = &T[nt++];
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
	*t = (struct thr){tid, open(path, O_RDONLY | O_CLOEXEC), RUNNING, 0};
	return t;
}

static void drop(struct thr *t)
{
	if (t->st == INTERRUPTING)
		pending--;
	if (t->stat_fd >= 0)
		close(t->stat_fd);
	*t = T[--nt];
}

/* The state letter of a thread ('R' running), from its stat file. */
static char state_of(struct thr *t)
{
	char buf[512];
	ssize_t n = pread(t->stat_fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : 0;
}

static void cont(pid_t tid, int sig)
{
	ptrace(PTRACE_CONT, tid, 0, (void *)(long)sig); /* ESRCH: it died, waitpid says so */
}

static void handle(pid_t tid, int status)
{
	struct thr *t = find(tid);
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (tid == pid)
			exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (t)
			drop(t);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (!t)
		t = add(tid); /* a new thread's first stop can come before its clone event */
	int sig = WSTOPSIG(status), ev = status >> 16;
	if (ev == PTRACE_EVENT_STOP) {
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			if (t->st == INTERRUPTING)
				pending--;
			t->st = LISTENING; /* group-stop: job control must keep working */
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			return;
		}
		if (t->st == INTERRUPTING) { /* our interrupt: the sample */
			struct user_regs_struct regs;
			if (ptrace(PTRACE_GETREGS, tid, 0, &regs) == 0)
				samples++;
			cont(tid, 0);
			stopped_ns += now_ns() - t->t_interrupt;
			pending--;
		} else {
			cont(tid, 0); /* a new thread's first stop, or the end of a group-stop */
		}
		t->st = RUNNING;
		return;
	}
	if (ev == PTRACE_EVENT_CLONE) {
		unsigned long child;
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &child) == 0)
			add((pid_t)child);
		cont(tid, 0);
		return;
	}
	if (ev != 0) { /* exec and other events */
		cont(tid, 0);
		return;
	}
	cont(tid, sig); /* signal-delivery-stop: deliver the signal */
}

static void on_alarm(int sig)
{
	(void)sig; /* only interrupts a blocking waitpid */
}

int main(int argc, char **argv)
{
	double hz = 999;
	int c;
	while ((c = getopt(argc, argv, "+F:")) != -1) {
		if (c == 'F')
			hz = atof(optarg);
		else
			return 2;
	}
	if (optind >= argc || hz <= 0) {
		fprintf(stderr, "usage: ptrace-floor [-F HZ] PROGRAM [ARGS...]\n");
		return 2;
	}

	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		raise(SIGSTOP);
		execvp(argv[optind], argv + optind);
		perror(argv[optind]);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, WSTOPPED) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SEIZE, pid, 0,
		   (void *)(long)(PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL))) {
		perror("ptrace-floor: seize");
		kill(pid, SIGKILL);
		return 2;
	}
	add(pid);
	kill(pid, SIGCONT);

	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	uint64_t period = (uint64_t)(1e9 / hz), next = now_ns(), t_start = next;
	uint64_t rounds = 0, late = 0;
	while (nt) {
		struct timespec ts = {next / 1000000000ull, next % 1000000000ull};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		pid_t tid;
		while ((tid = waitpid(-1, &status, __WALL | WNOHANG)) > 0) /* stops nobody asked for */
			handle(tid, status);
		if (!nt)
			break;

		/* One round: interrupt every running thread, then collect the stops. */
		rounds++;
		for (size_t i = 0; i < nt; i++) {
			struct thr *t = &T[i];
			if (t->st != RUNNING || state_of(t) != 'R')
				continue;
			t->t_interrupt = now_ns();
			if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) == 0) {
				t->st = INTERRUPTING;
				pending++;
			}
		}
		struct itimerval arm = {{0, 0}, {0, 100000}}, disarm = {{0, 0}, {0, 0}};
		setitimer(ITIMER_REAL, &arm, NULL);
		while (pending && (tid = waitpid(-1, &status, __WALL)) > 0)
			handle(tid, status);
		setitimer(ITIMER_REAL, &disarm, NULL);
		for (size_t i = 0; i < nt; i++) /* a thread that did not stop in 100 ms */
			if (T[i].st == INTERRUPTING) {
				T[i].st = RUNNING;
				pending--;
			}

		uint64_t t = now_ns();
		next += period;
		if (next < t) { /* a whole period late: do not burst to catch up */
			late++;
			next = t + period;
		}
	}
	double secs = (now_ns() - t_start) / 1e9;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "ptrace-floor: %llu samples in %.2f s (%.0f/s), stopped %.1f us/sample; "
			"%llu of %llu rounds late; CPU %.0f ms\n",
		(unsigned long long)samples, secs, samples / (secs > 0 ? secs : 1),
		samples ? stopped_ns / 1e3 / samples : 0.0, (unsigned long long)late,
		(unsigned long long)rounds,
		(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
			(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	return exit_status < 0 ? 2 : exit_status;
}
