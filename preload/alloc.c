/* alloc.c — libcprof-alloc.so, the allocation sampler of cprof-tui --memory.
 *
 * Preloaded into a launched program (and the programs it runs), it passes
 * every allocation on to the allocator that follows it (glibc's, or one the
 * program brings: dlsym(RTLD_NEXT)) and samples some of them by bytes, for
 * cprof-tui to unwind and charge to the allocating line.
 *
 * Sampling: each thread counts bytes down to its next sample point, drawn
 * from an exponential distribution of mean T, so that the points fall on
 * the bytes allocated as a Poisson process and cannot lock onto a program's
 * sizes (tcmalloc and Go's runtime sample this way). An allocation of s
 * bytes holds a point with probability 1 - exp(-s/T); a sampled one stands
 * for s / (1 - exp(-s/T)) bytes, so that the sums of weights per stack are
 * unbiased estimates of the bytes allocated there, and of those still live.
 * T starts at MIN_INTERVAL, so that a program that allocates little still
 * gets a thousand samples or so, grows with what the process has allocated
 * (a WARM_SAMPLES-th of it), and stays at the interval cprof-tui gives
 * (hundreds of KiB): from there on the cost no longer grows with the
 * calls, only with the bytes.
 *
 * It never changes what the program sees: results and errno are the
 * allocator's; its own work calls no allocator (an allocation made while it
 * works, from a signal handler say, is passed on and not sampled); while
 * dlsym looks for the allocator, allocations come from a static arena; a
 * child after fork forgets its parent's samples (they are the parent's
 * blocks). */
#include "config.h"
#include "preload/internal.h"
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PUBLIC __attribute__((visibility("default")))
#define MIN_INTERVAL 1024u
#define WARM_SAMPLES 2000u
#define BOOT_ARENA (64 * 1024)
#define BOOT_ALIGN 16

enum state { UNKNOWN, LOOKING, READY };

/* The allocator's functions, once dlsym has found them. */
static struct {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
} next;
static _Atomic int state;
static _Atomic bool started;          /* the constructor ran: rec_ring is final */
static _Atomic uint64_t allocated;    /* bytes this process's samples stand for */

struct thread_state {
	int64_t countdown;     /* bytes to the next sample point */
	uint64_t interval;     /* T of that point */
	uint64_t rng;          /* xorshift64; 0 until the thread's first sample point */
	bool busy;             /* inside the sampler, or looking for the allocator */
};
static __thread struct thread_state ts __attribute__((tls_model("initial-exec")));

/* --- the static arena, while dlsym looks -------------------------------- */

static _Alignas(BOOT_ALIGN) char boot[BOOT_ARENA];
static _Atomic size_t boot_used;

static bool in_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + BOOT_ARENA;
}

/* A block of the arena, after a header that holds its size; never freed.
 * (It is zeroed memory: calloc's too.) */
static void *boot_alloc(size_t size)
{
	size_t need = BOOT_ALIGN + ((size + BOOT_ALIGN - 1) & ~(size_t)(BOOT_ALIGN - 1));
	size_t at = atomic_fetch_add(&boot_used, need);
	if (size > BOOT_ARENA || at + need > BOOT_ARENA) {
		errno = ENOMEM;
		return NULL;
	}
	*(size_t *)(boot + at) = size;
	return boot + at + BOOT_ALIGN;
}

static size_t boot_size(const void *p)
{
	return *(const size_t *)((const char *)p - BOOT_ALIGN);
}

static void *boot_realloc(void *old, size_t size)
{
	void *p = boot_alloc(size);
	if (p && old)
		memcpy(p, old, boot_size(old) < size ? boot_size(old) : size);
	return p;
}

/* --- the allocator that follows ----------------------------------------- */

/* Find the allocator's functions. dlsym may allocate: this thread's
 * allocations meanwhile come from the arena, and other threads wait. There
 * is always one (glibc's): a process without is not one to run in. */
static void find_next(void)
{
	int expected = UNKNOWN;
	if (!atomic_compare_exchange_strong(&state, &expected, LOOKING)) {
		while (atomic_load(&state) != READY)
			sched_yield();
		return;
	}
	ts.busy = true;
	void **fn = (void **)&next;
	static const char *const names[] = {"malloc", "free", "calloc", "realloc", "posix_memalign",
					    "aligned_alloc", "memalign", "valloc", "pvalloc"};
	_Static_assert(sizeof(next) == sizeof(names) / sizeof(names[0]) * sizeof(void *), "names");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!(fn[i] = dlsym(RTLD_NEXT, names[i]))) {
			static const char msg[] = RING_LIBRARY ": no allocator after it to pass on to\n";
			if (write(2, msg, sizeof(msg) - 1) < 0)
				_exit(127);
			_exit(127);
		}
	ts.busy = false;
	atomic_store(&state, READY);
}

/* Not ready: the arena for this thread while it looks (`early` is what
 * to do then), else look first. */
#define EARLY(early) \
	do { \
		if (atomic_load_explicit(&state, memory_order_acquire) != READY) { \
			if (ts.busy) { \
				early; \
			} \
			find_next(); \
		} \
	} while (0)

/* --- sampling ------------------------------------------------------------ */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Bytes to the next sample point: exponential, of mean t. */
static int64_t draw(uint64_t t)
{
	double u = (double)((xorshift(&ts.rng) >> 11) + 1) * 0x1p-53; /* (0, 1] */
	return (int64_t)(-log(u) * (double)t);
}

static uint64_t interval_now(void)
{
	uint64_t t = atomic_load_explicit(&allocated, memory_order_relaxed) / WARM_SAMPLES;
	uint64_t most = rec_ring->interval;
	return t < MIN_INTERVAL ? MIN_INTERVAL : t > most ? most : t;
}

/* The thread's countdown passed 0 at the allocation p of size bytes, made
 * for `caller`. Its first time: the thread's first sample point is drawn
 * (and may fall beyond). Never inlined, so that the unwinding sees the
 * allocation function's frame and ends its own frames at `caller`. */
static __attribute__((noinline)) void sample(void *p, size_t size, void *caller)
{
	if (ts.busy)
		return;
	if (!rec_ring || atomic_load_explicit(&rec_ring->closed, memory_order_relaxed)) {
		if (atomic_load(&started)) /* for good: this process samples nothing */
			ts.countdown = INT64_MAX;
		return;
	}
	int saved = errno;
	ts.busy = true;
	if (!ts.rng) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ts.rng = ((uint64_t)gettid() << 32 ^ (uint64_t)t.tv_nsec ^ (uintptr_t)&ts) | 1;
		ts.interval = interval_now();
		ts.countdown += draw(ts.interval);
	}
	if (ts.countdown < 0) {
		double s = (double)size, weight = s / -expm1(-s / (double)ts.interval);
		if (!atomic_load_explicit(&rec_ring->paused, memory_order_relaxed)) {
			uint64_t id = rec_alloc(size, (uint64_t)(weight + 0.5), (uintptr_t)caller);
			if (id) {
				blocks_add(p, id);
				atomic_fetch_add(&allocated, (uint64_t)weight);
			}
		}
		ts.interval = interval_now();
		ts.countdown = draw(ts.interval);
	}
	ts.busy = false;
	errno = saved;
}

/* Count size bytes of the new block p toward the thread's next sample.
 * A macro: `caller` is the allocation function's own return address. */
#define COUNT(p, size) \
	do { \
		if ((p) && (ts.countdown -= (int64_t)(size)) < 0) \
			sample((p), (size), __builtin_return_address(0)); \
	} while (0)

/* Block p (not NULL) is going back to the allocator: if it was sampled, it
 * is freed for cprof-tui too. */
static void forget(void *p)
{
	if (!blocks_maybe(p) || ts.busy)
		return;
	int saved = errno;
	ts.busy = true;
	uint64_t id = blocks_take(p);
	if (id)
		rec_free(id);
	ts.busy = false;
	errno = saved;
}

/* --- the interface ------------------------------------------------------- */

PUBLIC void *malloc(size_t size)
{
	EARLY(return boot_alloc(size));
	void *p = next.malloc(size);
	COUNT(p, size);
	return p;
}

PUBLIC void free(void *p)
{
	if (!p || in_boot(p))
		return;
	EARLY(return); /* (a block the arena did not give is the allocator's) */
	forget(p);
	next.free(p);
}

PUBLIC void *calloc(size_t n, size_t size)
{
	EARLY(return n && size > SIZE_MAX / n ? NULL : boot_alloc(n * size));
	void *p = next.calloc(n, size);
	COUNT(p, n * size); /* (no overflow: it succeeded) */
	return p;
}

/* realloc's work, for `caller`: the old block is freed (when the call
 * succeeds) and the new one allocated, as the allocator sees it. */
static inline __attribute__((always_inline)) void *
do_realloc(void *old, size_t size, void *caller)
{
	if (in_boot(old)) { /* out of the arena */
		void *p = size ? next.malloc(size) : NULL;
		if (p)
			memcpy(p, old, boot_size(old) < size ? boot_size(old) : size);
		return p;
	}
	uint64_t id = 0;
	if (old && blocks_maybe(old) && !ts.busy) {
		ts.busy = true;
		id = blocks_take(old);
		ts.busy = false;
	}
	void *p = next.realloc(old, size);
	if (!p && (size || !old)) { /* failed: the old block is as it was */
		int saved = errno;
		if (id) {
			ts.busy = true;
			blocks_add(old, id);
			ts.busy = false;
		}
		errno = saved;
		return NULL;
	}
	if (id) {
		int saved = errno;
		ts.busy = true;
		rec_free(id);
		ts.busy = false;
		errno = saved;
	}
	if (p && (ts.countdown -= (int64_t)size) < 0)
		sample(p, size, caller);
	return p;
}

PUBLIC void *realloc(void *old, size_t size)
{
	EARLY(return boot_realloc(old, size));
	return do_realloc(old, size, __builtin_return_address(0));
}

PUBLIC void *reallocarray(void *old, size_t n, size_t size)
{
	if (n && size > SIZE_MAX / n) {
		errno = ENOMEM;
		return NULL;
	}
	EARLY(return boot_realloc(old, n * size));
	return do_realloc(old, n * size, __builtin_return_address(0));
}

PUBLIC int posix_memalign(void **out, size_t align, size_t size)
{
	EARLY(return ENOMEM);
	int rc = next.posix_memalign(out, align, size);
	if (rc == 0)
		COUNT(*out, size);
	return rc;
}

PUBLIC void *aligned_alloc(size_t align, size_t size)
{
	EARLY(return NULL);
	void *p = next.aligned_alloc(align, size);
	COUNT(p, size);
	return p;
}

PUBLIC void *memalign(size_t align, size_t size)
{
	EARLY(return NULL);
	void *p = next.memalign(align, size);
	COUNT(p, size);
	return p;
}

PUBLIC void *valloc(size_t size)
{
	EARLY(return NULL);
	void *p = next.valloc(size);
	COUNT(p, size);
	return p;
}

PUBLIC void *pvalloc(size_t size)
{
	EARLY(return NULL);
	void *p = next.pvalloc(size);
	COUNT(p, size);
	return p;
}

/* --- the process's life -------------------------------------------------- */

/* A child forked without exec: its heap holds its parent's blocks too. */
static bool forked;

static void before_fork(void)
{
	blocks_lock(true);
}

static void after_fork_parent(void)
{
	blocks_lock(false);
}

static void after_fork_child(void)
{
	forked = true;
	ts.rng = 0;       /* its own sample points, not its parent's */
	ts.countdown = 0;
	blocks_forget();
	rec_forked();
}

__attribute__((constructor)) static void start(void)
{
	if (atomic_load(&state) != READY)
		find_next();
	ts.busy = true;
	if (rec_open())
		pthread_atfork(before_fork, after_fork_parent, after_fork_child);
	atomic_store(&started, true);
	ts.busy = false;
}

/* At exit, what glibc's heap still holds: every block not freed, which the
 * sampled ones estimate (cprof-tui scales its live bytes to it). Only when
 * the allocator is glibc's own (another one's blocks are not in it), and
 * the heap is the process's own (not a forked child's). */
static void tell_heap(void)
{
	Dl_info where;
	if (forked || atomic_load(&state) != READY || !dladdr((void *)next.malloc, &where) ||
	    !where.dli_fname || !strstr(where.dli_fname, "/libc.so"))
		return;
	ts.busy = true;
	struct mallinfo2 mi = mallinfo2();
	ts.busy = false;
	rec_heap_at_exit((uint64_t)mi.uordblks + (uint64_t)mi.hblkhd);
}

__attribute__((destructor)) static void stop(void)
{
	tell_heap();
	rec_exit_wait();
}
