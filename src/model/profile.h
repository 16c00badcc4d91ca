/* profile.h — the one in-memory profile model.
 *
 * Fed by the live sampler (through recorder.c) or by a saved session
 * (db_session_load), read by the session writer, the report and every TUI
 * view. Interned tables only grow; ids are dense indexes into the arrays
 * below and are the same ids the session file stores.
 *
 * Counting rules (doc/PRODUCT.md §4):
 *  - self(line L)  = samples whose innermost frame in a profiled file is at L;
 *  - total(line L) = samples with at least one frame at L (once per sample);
 *  - functions and files likewise; samples with no frame in a profiled file
 *    are counted in `outside`.
 * Aggregates (the self/total fields) are valid after profile_update().
 */
#ifndef CPROF_PROFILE_H
#define CPROF_PROFILE_H
#include "model/hash.h"
#include <stdbool.h>
#include <stdint.h>

enum frame_flags {
	FRAME_INLINED = 1,   /* an inlined call: its caller holds the call-site line */
	FRAME_NO_LINE = 2,   /* no line info: file is the module, line 0 */
	FRAME_NO_SYMBOL = 4, /* not even a symbol: function is "[module]" */
};

enum stack_flags {
	STACK_INCOMPLETE = 1, /* unwinding stopped before the thread's start function */
};

/* What self and total count (doc/PRODUCT.md §10): CPU samples, or the
 * bytes of sampled allocations (alloc.c): allocated, still live (at the
 * end: never freed), or live at the moment the most was. */
enum metric { METRIC_CPU, METRIC_ALLOC, METRIC_LIVE, METRIC_PEAK, METRIC_COUNT };

/* Bytes of allocation samples, each counted for its weight. */
struct pbytes {
	uint64_t alloc, live, peak;
};

struct pfile {
	char *path;
	bool profiled;    /* current state (the user's toggle wins) */
	bool user_set;    /* profiled was set by the user (toggle or saved session) */
	bool system;      /* not the user's code (usercode.h): not profiled by default */
	bool has_lines;   /* a frame has a line in it (it is not a module standing in for its files) */
	uint64_t self, total;
	uint32_t lines_hit; /* distinct lines with total > 0 */
};

/* A function is its name and its own file (where it is defined), whatever
 * files its frames' lines are in (code the compiler brought in from a
 * header, or an #include in its body). */
struct pfunc {
	uint32_t name;  /* strpool id in profile.strings */
	uint32_t file;  /* pfile index of its own file */
	uint32_t line;  /* first line of the function (declaration), 0 if unknown */
	uint64_t self, total;
};

struct pline {
	uint32_t file, line;
	uint64_t self, total;
};

struct pframe {
	uint32_t func;   /* pfunc index */
	uint32_t file;   /* pfile index of the line's file (usually funcs[func].file) */
	uint32_t line;   /* 0 when unknown */
	uint32_t pline;  /* plines index of (file, line) */
	uint32_t module; /* strpool id of the module (ELF path) */
	uint32_t flags;  /* enum frame_flags */
};

struct pstack {
	uint32_t *frames; /* innermost first, frame ids */
	uint32_t depth;
	uint32_t flags;   /* enum stack_flags */
	uint64_t count;   /* samples with this stack */
	struct pbytes bytes; /* allocations with this stack */
};

struct pthread {
	int tid;
	int pid;             /* its process; 0 unknown (sessions before version 3) */
	uint32_t process;    /* index + 1 in processes; 0 none */
	char *name;
	char state;          /* last /proc state letter, 'X' when gone */
	uint64_t samples;    /* in the counts (the focus applies, the narrowing not) */
	struct pbytes bytes; /* its allocations, likewise */
	int64_t last_stack;  /* stack id of its latest sample, -1 if none */
	uint64_t stamp;      /* generation of its last change: the session writer's cue */
};

/* A process of the target: the one launched or attached, and each child
 * followed. A pid used again is a new process. */
#define EXIT_UNKNOWN (-1000) /* exit_status while running, or when not seen */
struct pprocess {
	int pid, ppid;
	char *command;
	uint64_t started_us, ended_us; /* since the session's start; ended_us 0 while it runs */
	int exit_status;     /* its exit code, -N when killed by signal N, or EXIT_UNKNOWN */
	bool followed;       /* false: let go (it runs a debugger, or could not be traced) */
	uint64_t samples;    /* in the counts (the focus applies, the narrowing not) */
	struct pbytes bytes; /* its allocations, likewise */
	uint64_t heap_at_exit; /* --memory: bytes glibc's heap held when it exited (0: unknown) */
	uint64_t stamp;      /* generation of its last change */
};

struct psample {
	uint64_t time_us; /* since session start */
	uint32_t thread;  /* index in threads */
	uint32_t stack;
};

/* A sampled allocation (--memory): `weight` is the bytes it stands for. */
struct palloc {
	uint64_t time_us;
	uint32_t thread, stack;
	uint64_t size, weight;
	uint32_t freed;   /* index + 1 of its free in frees; 0 while live */
};

struct pfree {
	uint32_t alloc;   /* index in allocs */
	uint64_t time_us;
};

/* Problems that are counted and shown, never silently dropped. */
struct pcounters {
	uint64_t incomplete;     /* samples whose unwinding stopped early */
	uint64_t no_line;        /* samples whose innermost frame had no line info */
	uint64_t no_symbol;      /* samples whose innermost frame had no symbol */
	uint64_t lost;           /* samples lost: thread vanished, memory unreadable, ... */
	uint64_t reused;         /* wall mode: sleeping thread's stack reused without a stop */
};

struct profile {
	struct strpool strings; /* function names and module paths */

	struct pfile *files;   size_t nfiles, cap_files;
	struct pfunc *funcs;   size_t nfuncs, cap_funcs;
	struct pline *lines;   size_t nlines, cap_lines;
	struct pframe *frames; size_t nframes, cap_frames;
	struct pstack *stacks; size_t nstacks, cap_stacks;
	struct pthread *threads; size_t nthreads, cap_threads;
	struct pprocess *processes; size_t nprocesses, cap_processes;
	struct psample *samples; size_t nsamples, cap_samples;

	/* What counts (scope.c): samples since the last reset (samples[counted_from...]),
	 * of one process when narrowed, taken in the time range if one is set,
	 * with a focus function on their stack. */
	size_t counted_from;
	int narrow_pid;            /* 0: every process */
	uint64_t range_from_us, range_to_us; /* [from, to) since the start; to 0: no range */
	char **focus; size_t nfocus; /* function name globs; none: every sample */
	uint64_t focus_stamp;      /* generation when the focus was last set */
	uint8_t *func_focus; size_t cap_func_focus; /* per function: 0 unknown, 1 no, 2 matches */
	uint64_t out_of_focus;     /* samples left out by the focus */
	uint64_t counted;   /* samples in the counts */
	uint64_t outside;   /* samples with no frame in a profiled file */
	struct pcounters counters;

	/* Session facts (doc/PRODUCT.md §3 meta). Strings owned. */
	char *command;
	int pid;
	unsigned frequency_hz;
	bool wall;
	char *started_at, *ended_at;   /* ISO 8601 UTC */
	char *backend;                 /* how samples were taken: "ptrace", "perf"; NULL: unknown */

	/* Profiled-set rules applied to files seen for the first time. */
	char **profile_only; size_t nprofile_only;
	bool profile_all;

	uint64_t generation; /* bumped on every change; views compare it */
	bool dirty;          /* aggregates need profile_update() */

	/* Allocation samples (alloc.c); allocs and frees in the order they came
	 * (which is the order of their times). */
	struct palloc *allocs; size_t nallocs, cap_allocs;
	struct pfree *frees; size_t nfrees, cap_frees;
	size_t allocs_from;        /* those counted: since the last reset */
	enum metric metric;        /* what self and total count */
	struct pbytes bytes;       /* the allocations in the counts */
	uint64_t alloc_counted;    /* ... how many */
	uint64_t peak_us;          /* when the live bytes peaked (0: never) */
	uint64_t alloc_interval;   /* mean bytes between samples; 0: not sampled */
	uint64_t alloc_lost, frees_lost; /* samples not taken, frees not seen (counted) */

	/* private indexes */
	struct u64map alloc_index; /* allocation sample id -> index, while live */
	uint8_t *alloc_in; size_t cap_alloc_in; /* (alloc.c's scratch) */
	struct u64map file_index, func_index, line_index, frame_index, stack_index, process_index;
	uint32_t *stamp_line, *stamp_func, *stamp_file;
	size_t cap_stamp_line, cap_stamp_func, cap_stamp_file;
};

struct profile *profile_new(void);
void profile_free(struct profile *p);

/* Intern a source file (or a module path standing in for one). New files get
 * their profiled state from --profile-all / --profile-only, else from
 * `user_code` (is_user_code() of usercode.h: the default rule). */
uint32_t profile_file(struct profile *p, const char *path, bool user_code);
/* Intern a frame of `function`, whose own file is func_file, at `line` of
 * `file`; returns its id. `decl_line` is the function's first line. */
uint32_t profile_frame(struct profile *p, const char *function, uint32_t func_file, uint32_t file,
		       uint32_t line, uint32_t decl_line, const char *module, uint32_t flags);
/* Intern a stack (innermost first); returns its id. */
uint32_t profile_stack(struct profile *p, const uint32_t *frames, uint32_t depth, uint32_t flags);
/* Record one sample of thread `thread` (an index in threads). */
void profile_add_sample(struct profile *p, uint64_t time_us, uint32_t thread, uint32_t stack);
/* Add a thread tid of process pid (its latest process; pid 0: unknown);
 * returns its index. A tid used again (by a new process) is a new thread. */
uint32_t profile_thread_add(struct profile *p, int pid, int tid, const char *name);
/* A thread's new name (NULL keeps it) and /proc state letter. */
void profile_thread_update(struct profile *p, uint32_t thread, const char *name, char state);
/* Add a process (a pid used again is a new one); returns its index. */
uint32_t profile_process_add(struct profile *p, int pid, int ppid, const char *command,
			     uint64_t started_us);
/* The latest process of pid, or -1. */
int64_t profile_process_find(const struct profile *p, int pid);
/* A process's command after an exec; its end (exit_status as in pprocess);
 * let go. */
void profile_process_command(struct profile *p, uint32_t proc, const char *command);
void profile_process_end(struct profile *p, uint32_t proc, uint64_t ended_us, int exit_status);
void profile_process_let_go(struct profile *p, uint32_t proc);
/* What glibc's heap held when the process exited (its blocks never freed,
 * with their chunk overhead): its live bytes are scaled to it (alloc.c). */
void profile_process_heap(struct profile *p, uint32_t proc, uint64_t bytes);

/* scope.c: what counts. Narrow to the samples of process pid (0: all);
 * count only samples with a function matching one of the globs on their
 * stack (n = 0: all). A glob matches a function's full name, its name
 * without the parameter list, or its last name (after "::"). Both re-count
 * from the samples. */
void profile_narrow(struct profile *p, int pid);
void profile_set_focus(struct profile *p, const char *const *globs, size_t n);
/* Count only samples taken in [from_us, to_us) (microseconds since the
 * session's start, as psample.time_us; from_us < to_us), or with to_us 0,
 * those of the whole session. Like
 * the narrowing to a process, it applies to stacks (every view's counts),
 * not to the samples of threads and processes. Re-counts. */
void profile_set_range(struct profile *p, uint64_t from_us, uint64_t to_us);
/* Is a sample (or an allocation) of this thread at this time in the
 * narrowing: of the narrowed process and in the time range (true without
 * either)? The focus is a matter of its stack. */
bool profile_in_narrowing(const struct profile *p, uint32_t thread, uint64_t time_us);
/* Does the stack have a function in the focus (true without a focus)? */
bool profile_stack_in_focus(struct profile *p, uint32_t stack);
/* Is samples[i] in the counts: since the reset, of the narrowed process, in
 * the time range, in the focus? (Exports walk the samples themselves.) */
bool profile_sample_counted(struct profile *p, size_t i);
/* Does one glob match this function name (the rules above)? */
bool profile_focus_match(const char *glob, const char *function);
/* (Between profile.c and scope.c: count one new sample, as the scope says;
 * re-count every sample since the reset.) */
void profile_count_sample(struct profile *p, const struct psample *s);
void profile_recount(struct profile *p);

/* The rules for files seen from now on: --profile-all, or the
 * --profile-only patterns (globs, or substrings of the path; a glob without
 * a slash also matches the file name). Copied. */
void profile_set_rules(struct profile *p, bool all, const char *const *only, size_t n);
/* Give every file seen so far its profiled state by the rules (a saved
 * session reported with --profile-only: the stored set is left aside). */
void profile_apply_rules(struct profile *p);
/* Set a file's profiled state; `user` marks it as the user's choice. */
void profile_set_profiled(struct profile *p, uint32_t file, bool profiled, bool user);
/* Zero all counts (raw samples and interned tables stay, for the session file). */
void profile_reset_counts(struct profile *p);

/* Recompute self/total of lines, functions, files and `outside` if dirty,
 * in the metric's unit. */
void profile_update(struct profile *p);

/* alloc.c: allocation samples. Record one of thread `thread` (an index in
 * threads) whose block is known as `id` until it is freed. */
void profile_add_alloc(struct profile *p, uint64_t time_us, uint32_t thread, uint32_t stack,
		       uint64_t id, uint64_t size, uint64_t weight);
/* Block `id` was freed (unknown ids are ignored). */
void profile_free_alloc(struct profile *p, uint64_t id, uint64_t time_us);
/* Count self and total in metric m from the next profile_update(). */
void profile_set_metric(struct profile *p, enum metric m);
/* The metric's name ("cpu", "alloc", "live", "peak") and back (-1: none). */
const char *profile_metric_name(enum metric m);
int profile_metric_find(const char *name);
/* (Between profile.c and alloc.c: the stacks', threads', processes' and
 * totals' bytes of the allocations in the counts, in profile_update.) */
void profile_tally_allocs(struct profile *p);
/* What self and total of a stack, thread or process count in the metric,
 * and the whole their shares are of (all samples, or all bytes). */
uint64_t profile_amount(const struct profile *p, uint64_t samples, const struct pbytes *b);
uint64_t profile_total(const struct profile *p);

/* Lookups; -1 when absent. */
int64_t profile_find_file(const struct profile *p, const char *path);
int64_t profile_find_line(const struct profile *p, uint32_t file, uint32_t line);

/* Callers (the frame just outside any frame of `func`) or callees (the frame
 * just inside) of a function, with sample counts (once per sample). Fills
 * *out (malloc'd, caller frees) sorted by count descending; returns the count. */
struct pedge {
	uint32_t func;
	uint64_t count;
};
size_t profile_callers(const struct profile *p, uint32_t func, struct pedge **out);
size_t profile_callees(const struct profile *p, uint32_t func, struct pedge **out);

static inline const char *profile_func_name(const struct profile *p, uint32_t func)
{
	return strpool_get(&p->strings, p->funcs[func].name);
}

#endif
