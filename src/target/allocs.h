/* allocs.h — allocation samples of a launched program (--memory, doc/
 * PRODUCT.md §10): a source of samples beside the sampler backends.
 *
 * The program and the programs it runs are launched with libcprof-alloc.so
 * preloaded (preload/): at a sampled allocation it writes the thread's
 * registers and the top of its stack into a ring shared with cprof-tui
 * (preload/ring.h), and a free of a sampled block names the block. This file
 * makes the ring and reads it: the samples come out as raw samples, as a
 * backend's do (so they are unwound and symbolised the same way), each
 * with what it allocated; the frees as the ids they free. Nothing here
 * unwinds, symbolises or draws. */
#ifndef CPROF_TARGET_ALLOCS_H
#define CPROF_TARGET_ALLOCS_H
#include "target/sampler.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a raw sample of an allocation allocated. */
struct alloc_info {
	uint64_t id;           /* the block's sample, unique in the session (never 0) */
	uint64_t size;         /* bytes asked for */
	uint64_t weight;       /* bytes it stands for */
	uint64_t caller;       /* the return address where the sampler's own frames end */
};

struct alloc_free {
	uint64_t id;
	uint64_t time_ns;      /* CLOCK_MONOTONIC */
};

/* A process's exit, with what glibc's heap still held then (in-use bytes,
 * their chunk overhead included). */
struct alloc_heap {
	pid_t pid;
	uint64_t bytes;
};

struct alloc_batch {
	struct raw_batch raw;  /* the samples; `thread` is the sampler's index */
	struct alloc_info *info; size_t cap_info; /* info[i] goes with raw.v[i] */
	struct alloc_free *frees; size_t nfrees, cap_frees;
	struct alloc_heap *heaps; size_t nheaps, cap_heaps;
};

struct alloc_source;

/* Is the program at path one the library can be preloaded into? 0 (a
 * dynamically linked ELF, or a script), or -1 with the reason and the
 * remedy in err (a statically linked program never runs the dynamic loader
 * that preloads). */
int alloc_check_program(const char *path, char *err, size_t errlen);
/* A ring for programs sampling every `interval` bytes on average once
 * warmed up (preload/alloc.c), followed into the programs they run when
 * `follow`. The library is libcprof-alloc.so beside cprof-tui in its build
 * tree (preload/), else where `make install` put it (CPROF_PKGLIBDIR).
 * NULL with err. */
struct alloc_source *alloc_source_new(uint64_t interval, bool follow, char *err, size_t errlen);
/* The environment to launch programs in: env (NULL-terminated) with
 * LD_PRELOAD and the ring's names added. Owned by the source. */
char *const *alloc_source_env(struct alloc_source *a, char *const *env);
/* Move the samples and frees the ring holds into b (appended): samples of
 * threads the sampler s knows (others are counted lost), frees of samples
 * already taken. The processes' samples stay theirs until alloc_source_done():
 * a process that ends waits for it (a little), so that its memory can be
 * read while its samples are unwound. */
void alloc_source_drain(struct alloc_source *a, const struct sampler *s, struct alloc_batch *b);
void alloc_source_done(struct alloc_source *a);
/* How full the ring of samples was at the last drain, 0 to 1: a busy
 * program should be drained sooner than the next round. */
double alloc_source_fill(const struct alloc_source *a);
/* No samples while paused (frees are still told). */
void alloc_source_pause(struct alloc_source *a, bool paused);

struct alloc_counts {
	uint64_t samples;      /* taken */
	uint64_t lost;         /* samples that found the ring full or busy, or whose
				  thread was unknown */
	uint64_t frees_lost;   /* frees that found the ring full: their blocks look live */
	uint64_t processes;    /* processes that sampled into the ring */
	pid_t first_pid;       /* the first of them (0: none) */
};
void alloc_source_counts(const struct alloc_source *a, struct alloc_counts *c);
/* Did process pid sample into the ring? */
bool alloc_source_saw(const struct alloc_source *a, pid_t pid);
/* The programs stop sampling (and waiting for cprof-tui). */
void alloc_source_close(struct alloc_source *a);
/* ... and the ring is let go. */
void alloc_source_free(struct alloc_source *a);

void alloc_batch_clear(struct alloc_batch *b);
void alloc_batch_free(struct alloc_batch *b);

#endif
