/* sampler.h — how samples are taken: a small backend interface.
 *
 * A backend owns the target: it launches or attaches to it, keeps track of
 * its threads and processes, and on each tick puts the registers and a copy
 * of the top of the stack of the threads sampled into a raw batch. It never
 * unwinds or symbolises (unwind.c, symbols.c do) and never draws. Two
 * backends: ptrace (ptrace-*.c: stops each running thread to copy it) and
 * perf (perf-*.c: the kernel copies them at its timer interrupt into ring
 * buffers, and no thread stops). backends.c picks one. */
#ifndef CPROF_SAMPLER_H
#define CPROF_SAMPLER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include "model/hash.h"
#include "target/procfs.h"

#define SAMPLER_STACK_COPY (32 * 1024) /* bytes of stack copied per sample */

struct raw_sample {
	pid_t pid;                      /* the process of the thread */
	pid_t tid;
	uint32_t thread;                /* the thread's index in sampler.threads */
	uint64_t time_ns;               /* CLOCK_MONOTONIC */
	struct user_regs_struct regs;
	bool regs_partial;              /* only rsp/rip (thread seen blocked, not stopped) */
	bool reuse;                     /* wall mode: asleep since its last sample, same stack */
	size_t stack_off, stack_len;    /* copy in raw_batch.stack */
};

struct raw_batch {
	struct raw_sample *v;
	size_t len, cap;
	uint8_t *stack;                 /* stack copies, back to back */
	size_t stack_len, stack_cap;
	uint64_t lost;                  /* samples due but not taken (thread vanished, ...) */
};

struct sampler_thread {
	pid_t pid;                      /* its process */
	uint32_t proc;                  /* ... its index in procs (UINT32_MAX: none) */
	pid_t tid;
	char name[64];
	char state;                     /* /proc state letter; 'X' when gone */
	uint64_t changed;               /* sampler.threads_changed at its last change */
};

/* A process of the target: the one launched or attached, and, when
 * following, every descendant from its first instruction. */
struct sampler_process {
	pid_t pid, ppid;
	char comm[64];                  /* its command name, after its last exec */
	char command[256];              /* its command line then (or comm) */
	uint64_t started_ns, ended_ns;  /* CLOCK_MONOTONIC; ended_ns 0 while it runs */
	int exit_code, exit_signal;     /* when ended: exit status or -1, killing signal or 0;
					   both -1 when it was not seen (detached before) */
	uint64_t exec_count;            /* bumps at each exec: a new address space */
	uint32_t described;             /* bumps each time comm and command are read */
	bool let_go;                    /* no longer followed (it runs a debugger, or
					   could not be traced): ended_ns is when */
};

enum sampler_target {
	SAMPLER_RUNNING,
	SAMPLER_STOPPED,                /* every thread in group-stop (SIGSTOP, job control) */
	SAMPLER_EXITED,
	SAMPLER_DETACHED,
};

struct sampler_config {
	unsigned frequency;             /* samples per second per running thread */
	bool wall;                      /* also sample sleeping threads */
	bool quiet_child;               /* launched program: stdin /dev/null, output to log_fd */
	int log_fd;                     /* opened by the caller (-1: /dev/null), never by path
					   here: the child would follow a planted symlink */
	bool follow;                    /* also its child processes (fork, vfork, clone, spawn) */
	char *const *env;               /* a launched program's environment (NULL: ours) */
};

struct sampler_backend;

/* State shared by every backend; backends extend it. */
struct sampler {
	const struct sampler_backend *ops;
	pid_t pid;
	bool launched;
	enum sampler_target target;
	int exit_code;                  /* valid when EXITED: exit status, or -1 */
	int exit_signal;                /* valid when EXITED: killing signal, or 0 */
	uint64_t stopped_ns;            /* total time threads were held stopped for samples */
	uint64_t restarted;             /* system calls we interrupted, restarted instead of EINTR */
	uint64_t asleep_at_stop;        /* CPU mode: stops that found the thread asleep (no sample) */
	uint64_t unseen_ns;             /* CPU mode: CPU time run in rounds a thread was not looked
					   at (long asleep, backing off): no sample stands for it */
	uint64_t short_ns;              /* perf: CPU time of ended threads that no sample stands
					   for (a thread is sampled at the end of each whole
					   period of its CPU time on a CPU: what it ran after
					   its last one, or all of it if shorter, never is) */
	uint64_t short_threads;         /* ... threads that left some */
	bool short_unknown;             /* threads ended, and the kernel told none of their
					   CPU time (perf: no READ records) */
	bool user_mode_only;            /* perf: samples in user mode only (not permitted in
					   the kernel): CPU time in system calls has none */
	/* CPU time, for explaining a thin profile: the target's (the launched
	 * program's from its exit, with the children it waited for; or its
	 * growth in /proc while attached or until released), and the followed
	 * threads' as read from schedstat (a 10-ms child may be missed). */
	uint64_t target_cpu_ns, followed_cpu_ns;
	bool target_cpu_known;
	struct sampler_thread *threads; /* every thread seen, in order (only appended) */
	size_t nthreads, cap_threads;
	uint64_t threads_changed;       /* bumped when threads[] changes */
	struct sampler_process *procs;  /* procs[0] is the one launched or attached (pid) */
	size_t nprocs, cap_procs;
	uint64_t procs_changed;         /* bumped when procs[] changes */
	struct u64map published;        /* tid -> its latest row in threads[] */
	uint64_t round_ns;              /* how often tick() wants a round: 0 at every sampling
					   period (ptrace); perf reads its buffers less often */
	char error[256];                /* last problem worth showing, "" if none */
};

struct sampler_backend {
	const char *name;
	/* The program is held stopped before its exec until set_stopped(s,
	 * false): the caller gets ready first (not a sample of it lost). */
	struct sampler *(*launch)(char *const argv[], const struct sampler_config *cfg, char *err,
				  size_t errlen);
	struct sampler *(*attach)(pid_t pid, const struct sampler_config *cfg, char *err,
				  size_t errlen);
	/* A descriptor that becomes readable when the target has events to
	 * handle, and at the time given to wake_at. */
	int (*event_fd)(struct sampler *s);
	/* Make the event fd readable at ns (CLOCK_MONOTONIC; 0: never): when the
	 * next round is due. A round's wait for its stops does not run past it. */
	void (*wake_at)(struct sampler *s, uint64_t ns);
	/* Handle pending target events; when `sample`, take one round of samples
	 * into b (appended). Updates threads/target/exit fields. `events`: the
	 * event fd may have become readable since the last tick (false only
	 * when the caller's poll said it had not: the events are then handled
	 * during the round, or at the next tick). */
	void (*tick)(struct sampler *s, bool sample, bool events, struct raw_batch *b);
	/* Stop (SIGSTOP) or continue (SIGCONT) the whole target. */
	int (*set_stopped)(struct sampler *s, bool stop);
	/* Let go of the target: detach so it runs on, or end it (launched only). */
	void (*release)(struct sampler *s, bool kill_launched);
	/* Wait for a released launched program to end; sets exit fields. */
	void (*wait_exit)(struct sampler *s);
	void (*free)(struct sampler *s);
	/* Optional. Pause sampling (the kernel takes none) or resume it. */
	void (*pause)(struct sampler *s, bool paused);
	/* Optional: backends that see mappings as they are made (perf's MMAP2
	 * records) and keep them after the process is gone. When process pid's
	 * mappings changed since *version, copy them into m and update
	 * *version: 1; unchanged: 0; not known here: -1 (read /proc/PID/maps). */
	int (*read_maps)(struct sampler *s, pid_t pid, struct maps *m, uint64_t *version);
};

extern const struct sampler_backend sampler_ptrace;
extern const struct sampler_backend sampler_perf;

/* Can the perf backend sample process pid (0: a program we launch) with cfg?
 * 0, or -1 with why (one line: the cause and the remedy). */
int sampler_perf_usable(pid_t pid, const struct sampler_config *cfg, char *why, size_t n);

/* Pick a backend by name ("ptrace", "perf", "auto") for process pid (0: a
 * program to launch): auto is perf where it can sample the target, else
 * ptrace, and `why` (may be NULL) says why perf could not. NULL with err
 * when unknown or unusable. */
const struct sampler_backend *sampler_backend_find(const char *name, pid_t pid,
						   const struct sampler_config *cfg, char *why,
						   size_t whylen, char *err, size_t errlen);

/* ---- what every backend publishes (sampler.c) ---- */

/* The latest process pid in procs, or NULL. */
struct sampler_process *sampler_process_find(struct sampler *s, pid_t pid);
/* Add process pid, child of ppid, started at started_ns (or return it when
 * it runs); its comm and command line from /proc. */
struct sampler_process *sampler_process_add(struct sampler *s, pid_t pid, pid_t ppid,
					    uint64_t started_ns);
/* Read p's comm and command line from /proc (the command is its comm when
 * the line cannot be read: false). */
bool sampler_process_describe(struct sampler_process *p);
/* Process pid exec'd: a new address space, its new command. False when
 * its command line could not be read (it is gone: its comm stands in). */
bool sampler_process_exec(struct sampler *s, pid_t pid);
/* Process pid has ended at ended_ns; status as waitpid gives it, or -1 when
 * not seen (a second call may bring the status). */
void sampler_process_end(struct sampler *s, pid_t pid, int status, uint64_t ended_ns);
/* Publish thread tid of process pid (procs[proc]) in state `state` (a /proc
 * letter, 'X' when gone): a tid seen before in the same process keeps its
 * row, a tid used again by another process gets a new one. Returns the row. */
uint32_t sampler_thread_publish(struct sampler *s, pid_t pid, uint32_t proc, pid_t tid,
				char state);
/* Name a published thread (from /proc, or a backend's record). */
void sampler_thread_name(struct sampler *s, uint32_t thread, const char *name);
/* Fork the child that will run argv (stdin and output per cfg): it stops
 * itself (SIGSTOP) before its exec, for the backend to get ready and let it
 * go (set_stopped false); with die_with_us it is killed if cprof-tui dies.
 * *errpipe reads a failed exec's errno (sampler_exec_failure). Returns its
 * pid (not waited for), or -1 with err. */
pid_t sampler_fork_held(char *const argv[], const struct sampler_config *cfg, bool die_with_us,
			int *errpipe, char *err, size_t errlen);
/* Once the launched program is gone: did its exec fail? Then say why in
 * s->error. Closes *errpipe. */
void sampler_exec_failure(struct sampler *s, int *errpipe);
/* Can process pid be profiled at all (it exists, is not cprof-tui, not a
 * kernel thread, not a zombie)? 0, or -1 with err. */
int sampler_check_attach(pid_t pid, char *err, size_t errlen);
/* set_stopped of either backend: SIGSTOP or SIGCONT to every process
 * followed (a group stop each); -1 once the target is gone. */
int sampler_set_stopped(struct sampler *s, bool stop);
/* SIGKILL the launched program and the followed processes a Ctrl-C at the
 * terminal would reach (those of its process group). */
void sampler_kill_tree(struct sampler *s);
/* Free the tables above. */
void sampler_free_tables(struct sampler *s);

/* Check that argv[0] names something we can launch (found in PATH, executable,
 * an ELF or a #! script). 0, or -1 with a one-line reason in err. */
int sampler_check_program(const char *prog, char *resolved, size_t n, char *err, size_t errlen);

void raw_batch_clear(struct raw_batch *b);
void raw_batch_free(struct raw_batch *b);
/* Drop the samples of process pid from b (it exec'd: their addresses mean
 * nothing now); they count as lost. */
void raw_batch_drop_process(struct raw_batch *b, pid_t pid);
/* Append a sample of thread tid of process pid (sampler.threads[thread])
 * and reserve len bytes for its stack copy; returns it. */
struct raw_sample *raw_batch_add(struct raw_batch *b, uint32_t thread, pid_t pid, pid_t tid,
				 size_t stack_len);

#endif
