/* perf.h — inside the perf-events backend. (The rest of the program sees
 * only sampler.h's `sampler_perf` table.)
 *
 * No thread of the target ever stops for a sample: each thread the backend
 * starts from (the program launched, or every thread of an attached process
 * and, with --follow, of its descendants) gets, on every CPU, a software
 * cpu-clock event that samples it every period of its CPU time, the kernel
 * copying its user registers and the top of its user stack into a ring
 * buffer (PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER: a sample taken in
 * a system call or a page fault shows the user code that entered the
 * kernel, as the ptrace backend's stop at its return does; where only user
 * mode may be sampled, perf_event_paranoid 2, that time has no sample), and a
 * "dummy" event that writes the records of what happens to it: a mapping
 * made (MMAP2), a name or an exec (COMM), a thread or process created (FORK)
 * or ended (EXIT). Both are inherited: threads and (when following) child
 * processes created later carry copies that write into the same buffers.
 * One ring per CPU for samples, one per CPU for those records (woken at
 * every record, so that a child is seen within microseconds of its fork and
 * its exit status can still be read). The sampling thread reads every ring
 * at each tick, merges the records by time and turns them into raw samples
 * and into sampler.threads / sampler.procs, as the ptrace backend publishes
 * them. ptrace is used for nothing: launching holds the program before its
 * exec with SIGSTOP until the events are armed (they start at the exec).
 *
 * Files, one way:
 *   perf-control.c  launch, attach, release, the backend table, a tick
 *     -> perf-records.c  each record: samples, threads, processes, maps
 *     -> perf-events.c   opening the events, the rings, reading them
 */
#ifndef CPROF_TARGET_PERF_H
#define CPROF_TARGET_PERF_H
#include "target/procfs.h"
#include "target/sampler.h"
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A ring buffer the kernel writes records into. */
struct perf_ring {
	int fd;                            /* the event it belongs to */
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	uint64_t size;                     /* bytes of data: a power of two */
	uint64_t head;                     /* read up to here; given back at release */
};

/* A record read at this tick: contiguous (copied out when it wrapped). */
struct perf_record {
	uint64_t time;                     /* CLOCK_MONOTONIC ns */
	uint32_t ring, seq;                /* for a stable order between equal times */
	uint64_t off;                      /* in the ring's data, or in scratch when copied */
	bool copied;
	const struct perf_event_header *h; /* set once every ring is read */
};

/* The backend's side of a process of sampler.procs (same index). */
struct perf_proc {
	int pidfd;                         /* -1: none (a kernel without pidfd_open) */
	uint32_t live;                     /* its threads alive */
	uint64_t ending_ns;                /* its last thread's exit; 0 while one lives */
	int status;                        /* wait status once known, else -1 */
	struct maps maps;                  /* its mappings (MMAP2 records) */
	uint64_t maps_version;             /* bumped at each change (from 1) */
	uint64_t freed_at_tick;            /* ended: maps freed at that tick (0: kept) */
	bool describe;                     /* exec'd: its command line is read at the next
					      tick (the exec writes it after its COMM record) */
};

/* A thread's samples, and its CPU time as its events report it at its end
 * (PERF_RECORD_READ, one per CPU: inherit_stat). */
struct row_cpu {
	uint64_t samples, ended_ns;
	uint32_t ends;                     /* READ records with CPU time in them */
	int64_t left_ns;                   /* its share of short_sum_ns */
};

struct perf_sampler {
	struct sampler pub;
	struct sampler_config cfg;
	int ncpu;
	struct perf_ring *rings;           /* ncpu sample rings, then ncpu record rings */
	int *fds;                          /* every event opened, in pairs: a sampling
					      event, then the record event of the same
					      thread and CPU (-1: closed, perf_close_direct) */
	size_t nfds, cap_fds;
	struct u64map direct;              /* tid -> its events opened one by one at
					      attach: first index in fds << 24 | count */
	struct perf_proc *pp;              /* per sampler.procs */
	size_t cap_pp;
	int epfd;                          /* event_fd: rings, sigfd, timerfd, pidfds */
	int sigfd;                         /* SIGCHLD of the launched program */
	int timerfd;                       /* wake_at */
	int errpipe;                       /* launched: exec failure reported by the child */
	uint64_t period_ns;
	size_t stack_copy;                 /* bytes of stack copied per sample */
	uint64_t sample_ring_bytes, record_ring_bytes;
	bool inherit_thread;               /* children not followed: only threads inherit */
	bool paused;
	int launched_status;               /* waitpid status of the launched program, -1 */
	uint64_t tick_no;
	uint64_t next_state_ns;            /* when to look at /proc for stopped threads */
	uint64_t attach_cpu_ns;
	uint64_t throttled;                /* THROTTLE records: the kernel slowed sampling */
	struct raw_batch *batch;           /* where this tick's samples go */
	struct row_cpu *rows;              /* per sampler.threads: samples, CPU at its end */
	size_t cap_rows;
	int64_t short_sum_ns;              /* sum of the ended rows' left_ns (pub.short_ns) */
	uint64_t exits, reads;             /* EXIT records of threads, READ records */
	struct perf_record *recs;
	size_t nrecs, cap_recs;
	uint8_t *scratch;                  /* records that wrapped, copied */
	size_t scratch_len, scratch_cap;
};

#define PERF(s) ((struct perf_sampler *)(s))

/* ---- perf-events.c: events and rings ---- */

/* Open thread tid's sampling and record events on every CPU, their output
 * into the backend's rings (made at the first thread; enable_on_exec: they
 * start at its next exec). 0, or -1 with errno (ESRCH: it is gone). */
int perf_open_thread(struct perf_sampler *ps, pid_t tid, bool enable_on_exec);
/* Close the events opened for thread tid one by one at attach
 * (perf_open_thread), and return true; false when it has none. Used when
 * its FORK record comes after all: it was made while its process's threads
 * were opened, listed before that record was written, and carries copies
 * inherited from the thread that made it too (it would be counted twice);
 * and when its process cannot be followed whole. */
bool perf_close_direct(struct perf_sampler *ps, pid_t tid);
/* Read the records written since the last read, up to time `until`, into
 * ps->recs, in time order. The rings are read one after the other while
 * the kernel goes on writing: a record of one ring may be newer than one
 * another ring will show only at the next read (a thread's last sample
 * and its EXIT record; a sample just after an exec and the exec's MMAP2
 * records). A cut in time taken before the reads, `until` = now, leaves
 * out what is newer, so nothing handled is newer than something left for
 * the next read (UINT64_MAX: everything). */
void perf_read_rings(struct perf_sampler *ps, uint64_t until);
/* Give the space of the records read back to the kernel. */
void perf_release_rings(struct perf_sampler *ps);
/* Enable or disable every sampling event (and their inherited copies). */
void perf_enable_sampling(struct perf_sampler *ps, bool on);
/* The CPU time counted by the sampling events (ns, the threads that
 * inherited them included). */
uint64_t perf_counted_ns(struct perf_sampler *ps);
/* Close every event and unmap the rings. */
void perf_close_events(struct perf_sampler *ps);
/* The sampling period: ns of a thread's CPU time between two samples. */
uint64_t perf_period_ns(unsigned frequency);
/* The attributes of the sampling and record events. */
void perf_sampling_attr(struct perf_event_attr *a, unsigned frequency, size_t stack_copy,
			bool inherit_thread);
/* perf_event_open(2). */
int perf_event_open_fd(struct perf_event_attr *a, pid_t pid, int cpu);

/* ---- perf-records.c: what each record means ---- */

/* Act on one record (time order): a sample into ps->batch, a thread or
 * process born or ended, an exec, a mapping, a name, lost records. */
void perf_handle_record(struct perf_sampler *ps, const struct perf_record *r);
/* The backend's entry of process procs[i], made as needed. */
struct perf_proc *perf_proc_of(struct perf_sampler *ps, size_t i);
/* Follow process pid (child of ppid) from started_ns; its mappings are its
 * parent's when that is followed (a fork), else none yet: an attached
 * process's come from perf_load_maps, a launched one's from its exec's
 * MMAP2 records. Returns its index. */
size_t perf_follow_process(struct perf_sampler *ps, pid_t pid, pid_t ppid, uint64_t started_ns);
/* Read an attached process's mappings from /proc, once its events are open:
 * read before, one made before the opening would have no MMAP2 record.
 * (One made since is both in /proc and in a record: the same.) */
void perf_load_maps(struct perf_sampler *ps, size_t proc);
/* Publish a thread of a followed process (proc: its index) as alive. */
void perf_thread_born(struct perf_sampler *ps, size_t proc, pid_t tid, uint64_t parent_row);
/* Processes whose last thread ended: their end and, once known, their exit
 * status (the launched program's from waitpid; another's from its pidfd or
 * its zombie's /proc/PID/stat). With `final`, give up waiting for it. */
void perf_settle_processes(struct perf_sampler *ps, bool final);
/* The command lines of the processes that exec'd since the last tick. */
void perf_describe_execs(struct perf_sampler *ps);
/* The mappings of process pid, as sampler_backend.read_maps. */
int perf_read_maps(struct sampler *s, pid_t pid, struct maps *m, uint64_t *version);

#endif
