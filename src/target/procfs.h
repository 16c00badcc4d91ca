/* procfs.h — what the engine reads from /proc about a target. */
#ifndef CPROF_PROCFS_H
#define CPROF_PROCFS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct map {
	uint64_t start, end, offset;
	uint64_t dev, inode;
	bool readable, writable, executable;
	char *path; /* "" for anonymous, "[vdso]", "[stack]", ... */
};

struct maps {
	struct map *v;
	size_t len, cap;
};

/* Read /proc/PID/maps; 0 on success, -1 with errno. Replaces m's contents. */
int procfs_read_maps(pid_t pid, struct maps *m);
void procfs_maps_free(struct maps *m);
/* Mapping containing addr, or NULL. */
const struct map *procfs_maps_find(const struct maps *m, uint64_t addr);

/* Thread ids in /proc/PID/task; returns count, *tids malloc'd. -1 when gone. */
int procfs_list_tasks(pid_t pid, pid_t **tids);
/* Open /proc/PID/task/TID/NAME (stat, schedstat) for repeated preads. */
int procfs_open_task_file(pid_t pid, pid_t tid, const char *name);
/* State letter (R, S, D, T, t, Z, X) from an open stat fd; 0 when unreadable.
 * With cpu, also the CPU it runs or last ran on (-1 when unknown). */
char procfs_task_state(int fd, int *cpu);
/* From an open schedstat fd: time on a CPU (ns) and times scheduled in. */
bool procfs_task_schedstat(int fd, uint64_t *runtime_ns, uint64_t *slices);
/* From an open /proc/PID/task/TID/sched (kernels with scheduler debugging):
 * the thread's context switches (nr_switches), and the scheduler's last
 * account of its run time (se.exec_start, ns of the CPU's scheduler clock:
 * for a thread off its CPU, when it was switched out). */
bool procfs_task_sched(int fd, uint64_t *switches, uint64_t *exec_start_ns);
/* /proc/PID/task/TID/comm into buf. */
bool procfs_task_comm(pid_t pid, pid_t tid, char *buf, size_t n);
/* SP and PC of a thread blocked in a system call (/proc/.../syscall);
 * false when it is running or unreadable. */
bool procfs_task_syscall_regs(pid_t pid, pid_t tid, uint64_t *sp, uint64_t *pc);
/* A thread of process pid that is alive (not a zombie): pid itself while
 * its first thread lives, else another one (a program whose main thread
 * called pthread_exit runs on in its other threads, and /proc/PID/maps of
 * the exited leader is empty); -1 when the whole process has gone. Read a
 * process's maps and memory through it. */
pid_t procfs_live_task(pid_t pid);
/* Has thread tid of process pid exited (a zombie, or gone)? */
bool procfs_task_exited(pid_t pid, pid_t tid);
/* Has the whole process gone (every thread exited)? A leader's "exit" is
 * also reported when another thread execs. */
bool procfs_process_gone(pid_t pid);
/* /proc/PID exists (a process, a zombie or a thread of one). */
bool procfs_pid_exists(pid_t pid);
/* A zombie's wait status (the exit_code field of /proc/PID/stat); -1 while
 * it runs, or when it is gone (*gone: reaped, /proc/PID unreadable). */
int procfs_zombie_status(pid_t pid, bool *gone);
/* TracerPid of a process, -1 when unreadable. */
int procfs_tracer_pid(pid_t pid);
/* The process (thread group) of thread tid, and its parent process: from
 * /proc/TID/status; false when unreadable (it is gone). */
bool procfs_task_ids(pid_t tid, pid_t *tgid, pid_t *ppid);
/* TracerPid of one of its threads, -1 when unreadable. */
int procfs_task_tracer_pid(pid_t pid, pid_t tid);
/* Every descendant of process pid now (children, their children...),
 * parents first; a malloc'd array (free it), its length or -1. */
int procfs_descendants(pid_t pid, pid_t **pids);
/* Is pid a kernel thread (no user code at all)? */
bool procfs_is_kernel_thread(pid_t pid);
/* CPU time of process pid and of the children it waited for (utime,
 * stime, cutime, cstime of /proc/PID/stat), ns; false when gone. */
bool procfs_process_cpu(pid_t pid, uint64_t *ns);
/* Command line joined with spaces (at most n bytes). */
bool procfs_cmdline(pid_t pid, char *buf, size_t n);

#endif
