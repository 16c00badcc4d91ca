/* internal.h — what the files of libcprof-alloc.so share (preload/).
 *
 * alloc.c interposes the allocation functions and decides which
 * allocations are sampled; it calls record.c (the ring shared with
 * cprof-tui) and blocks.c (which blocks of this process were sampled).
 * Nothing here may allocate with malloc: it runs inside malloc. */
#ifndef CPROF_PRELOAD_INTERNAL_H
#define CPROF_PRELOAD_INTERNAL_H
#include "preload/ring.h"
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* record.c. The ring, NULL while this process writes nothing. */
HIDDEN extern struct ring *rec_ring;
/* Open the ring the environment names and say hello; false when there is
 * none, or it is not cprof-tui's (then nothing is ever written). A program
 * that is the only one followed keeps its children out (environment). */
HIDDEN bool rec_open(void);
/* In the child, after fork: say hello as a process of its own, or write
 * nothing more when children are not followed. */
HIDDEN void rec_forked(void);
/* Record a sampled allocation made for `caller` (a return address), with
 * the registers and the stack of the calling thread: its id, or 0 when the
 * ring had no room. Never inlined: its frame is where the unwinding
 * starts. */
HIDDEN uint64_t rec_alloc(uint64_t size, uint64_t weight, uint64_t caller);
/* Record that sampled block `id` was freed. */
HIDDEN void rec_free(uint64_t id);
/* At exit: the bytes glibc's heap still holds. */
HIDDEN void rec_heap_at_exit(uint64_t bytes);
/* At exit: wait (a little) until cprof-tui has taken this process's
 * samples, while its memory can still be read. */
HIDDEN void rec_exit_wait(void);

/* blocks.c. The blocks of this process that were sampled and not freed. */
HIDDEN void blocks_add(const void *p, uint64_t id);
#define BLOCKS_FILTER_BITS 16
HIDDEN extern _Atomic size_t blocks_live;
HIDDEN extern uint8_t blocks_filter[1u << BLOCKS_FILTER_BITS];
static inline uint64_t blocks_hash(const void *p)
{
	return ((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull;
}
/* Is p maybe a sampled block? False for nearly every block, at once: none
 * is live, or p's counter in the filter (by its hash) is 0. */
static inline bool blocks_maybe(const void *p)
{
	return atomic_load_explicit(&blocks_live, memory_order_relaxed) &&
	       __atomic_load_n(&blocks_filter[blocks_hash(p) >> (64 - BLOCKS_FILTER_BITS)],
			       __ATOMIC_RELAXED);
}
/* Remove p: its id, or 0 when it was not sampled. */
HIDDEN uint64_t blocks_take(const void *p);
/* Around fork: the table's lock is taken before (true) and given back after
 * in the parent (false), so that the child's copy of it is free; in the
 * child, blocks_forget(): its copies of the parent's blocks are not its own
 * samples. */
HIDDEN void blocks_lock(bool locked);
HIDDEN void blocks_forget(void);

#endif
