/* record.c — writing into the ring shared with cprof-tui (preload/ring.h):
 * opening it from the environment, a sampled allocation with the thread's
 * registers and stack, the frees of sampled blocks, and the wait at exit
 * that keeps a process's memory readable until its samples are taken. */
#include "config.h"
#include "preload/internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define LOCK_WAIT_NS 50000000ull  /* a writer stopped (SIGSTOP) holds a lock: give up */
#define FULL_WAIT_NS 20000000ull  /* the ring is full: cprof-tui drains it every round */
#define EXIT_WAIT_NS 200000000ull
#define NAP_NS 50000

struct ring *rec_ring;
static uint64_t written; /* the position after this process's last sample */
static pid_t pid;        /* this process */

/* The calling thread: its id and its stack's bounds (hi 0: unknown), from
 * its first sample on. */
static __thread struct {
	pid_t tid;
	uintptr_t lo, hi;
} me __attribute__((tls_model("initial-exec")));

/* The registers of the caller, as they are when this returns to it
 * (struct ring_regs, in its order). */
void rec_capture(struct ring_regs *regs) HIDDEN;
__asm__(".text\n"
	".globl rec_capture\n"
	".hidden rec_capture\n"
	".type rec_capture, @function\n"
	"rec_capture:\n"
	"	.cfi_startproc\n"
	"	movq (%rsp), %rax\n"
	"	movq %rax, 0(%rdi)\n"
	"	leaq 8(%rsp), %rax\n"
	"	movq %rax, 8(%rdi)\n"
	"	movq %rbp, 16(%rdi)\n"
	"	movq %rbx, 24(%rdi)\n"
	"	movq %r12, 32(%rdi)\n"
	"	movq %r13, 40(%rdi)\n"
	"	movq %r14, 48(%rdi)\n"
	"	movq %r15, 56(%rdi)\n"
	"	ret\n"
	"	.cfi_endproc\n"
	".size rec_capture, .-rec_capture\n");

static uint64_t now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void nap(void)
{
	struct timespec t = {0, NAP_NS};
	nanosleep(&t, NULL);
}

/* One of the ring's locks, waiting at most LOCK_WAIT_NS. A writer that
 * died holding it left its slot unpublished: the lock is good again. */
static bool take(pthread_mutex_t *m)
{
	int rc = pthread_mutex_trylock(m);
	if (rc == EBUSY) {
		uint64_t until = now() + LOCK_WAIT_NS;
		struct timespec t = {(time_t)(until / 1000000000ull), (long)(until % 1000000000ull)};
		rc = pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &t);
	}
	if (rc == EOWNERDEAD)
		rc = pthread_mutex_consistent(m);
	return rc == 0;
}

/* Room up to position `end` in a ring of n bytes or slots whose reader is
 * at *tail, waiting at most `wait` ns for it. */
static bool room(struct ring *r, uint64_t end, _Atomic uint64_t *tail, uint64_t n, uint64_t wait)
{
	uint64_t until = 0;
	while (end - atomic_load_explicit(tail, memory_order_acquire) > n) {
		if (!until)
			until = now() + wait;
		if (atomic_load(&r->closed) || now() >= until)
			return false;
		nap();
	}
	return true;
}

static void event(uint32_t kind, uint64_t id)
{
	struct ring *r = rec_ring;
	if (!r || atomic_load(&r->closed))
		return;
	if (!take(&r->event_lock)) {
		atomic_fetch_add(&r->lost_events, 1);
		return;
	}
	uint64_t head = atomic_load_explicit(&r->event_head, memory_order_relaxed);
	if (room(r, head + 1, &r->event_tail, RING_EVENT_SLOTS, 0)) {
		r->events[head % RING_EVENT_SLOTS] =
			(struct ring_event){.id = id, .time_ns = now(), .pid = pid, .kind = kind};
		atomic_store_explicit(&r->event_head, head + 1, memory_order_release);
	} else {
		atomic_fetch_add(&r->lost_events, 1);
	}
	pthread_mutex_unlock(&r->event_lock);
}

bool rec_open(void)
{
	const char *path = getenv(RING_ENV), *cookie = getenv(RING_ENV_COOKIE);
	if (!path || !cookie)
		return false;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	/* cprof-tui's ring is a memfd of exactly its size, sealed so */
	struct stat st;
	struct ring *r = MAP_FAILED;
	int seals = fcntl(fd, F_GET_SEALS);
	if (fstat(fd, &st) == 0 && st.st_size == (off_t)sizeof(struct ring) && seals >= 0 &&
	    (seals & (F_SEAL_GROW | F_SEAL_SHRINK)) == (F_SEAL_GROW | F_SEAL_SHRINK))
		r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (r == MAP_FAILED)
		return false;
	if (r->magic != RING_MAGIC || r->version != RING_VERSION || r->size != sizeof(*r) ||
	    r->cookie != strtoull(cookie, NULL, 16)) {
		munmap(r, sizeof(*r));
		return false;
	}
	if (!r->follow) { /* the programs this one runs sample nothing */
		unsetenv(RING_ENV);
		unsetenv(RING_ENV_COOKIE);
	}
	rec_ring = r;
	pid = getpid();
	event(RING_HELLO, 0);
	return true;
}

void rec_forked(void)
{
	if (!rec_ring)
		return;
	if (!rec_ring->follow) {
		rec_ring = NULL;
		return;
	}
	written = 0;
	pid = getpid();
	me.tid = 0;
	event(RING_HELLO, 0);
}

/* The calling thread's id and stack, the first time. (pthread_getattr_np
 * allocates: the caller is busy, its allocations are passed on.) */
static void know_thread(void)
{
	if (me.tid)
		return;
	me.tid = gettid();
	pthread_attr_t a;
	void *lo;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return;
	if (pthread_attr_getstack(&a, &lo, &size) == 0) {
		me.lo = (uintptr_t)lo;
		me.hi = (uintptr_t)lo + size;
	}
	pthread_attr_destroy(&a);
}

/* How much stack from sp up there is to copy: to the top of the thread's
 * stack (RING_STACK at most), or RING_STACK elsewhere (a signal stack, a
 * coroutine's: process_vm_readv tells how much there was). */
static size_t stack_from(uint64_t sp)
{
	bool in = sp > me.lo && sp < me.hi;
	return in && me.hi - sp < RING_STACK ? me.hi - sp : RING_STACK;
}

/* n bytes of stack from sp into buf: the bytes copied. Within the thread's
 * stack, a copy; elsewhere process_vm_readv, which stops at the end of the
 * mapping instead of faulting. */
static uint32_t copy_stack(uint8_t *buf, uint64_t sp, size_t n)
{
	if (sp > me.lo && sp < me.hi) {
		memcpy(buf, (const void *)(uintptr_t)sp, n);
		return (uint32_t)n;
	}
	struct iovec local = {buf, n}, remote = {(void *)(uintptr_t)sp, n};
	ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	return got > 0 ? (uint32_t)got : 0;
}

static uint32_t record_len(size_t stack)
{
	return (uint32_t)((sizeof(struct ring_alloc) + stack + 7) & ~(size_t)7);
}

__attribute__((noinline)) uint64_t rec_alloc(uint64_t size, uint64_t weight, uint64_t caller)
{
	struct ring *r = rec_ring;
	struct ring_regs regs;
	rec_capture(&regs);
	if (!r || atomic_load(&r->closed))
		return 0;
	know_thread();
	size_t stack = stack_from(regs.rsp);
	uint32_t need = record_len(stack);
	if (!take(&r->alloc_lock)) {
		atomic_fetch_add(&r->lost_allocs, 1);
		return 0;
	}
	uint64_t head = atomic_load_explicit(&r->alloc_head, memory_order_relaxed), id = 0;
	uint64_t at = head % RING_BYTES, pad = at + need > RING_BYTES ? RING_BYTES - at : 0;
	if (room(r, head + pad + need, &r->alloc_tail, RING_BYTES, FULL_WAIT_NS)) {
		if (pad) { /* the record goes at the start */
			((struct ring_alloc *)(r->allocs + at))->len = RING_PAD;
			head += pad;
			at = 0;
		}
		struct ring_alloc *a = (struct ring_alloc *)(r->allocs + at);
		a->id = id = ++r->last_id;
		a->time_ns = now();
		a->size = size;
		a->weight = weight;
		a->caller = caller;
		a->pid = pid;
		a->tid = me.tid;
		a->regs = regs;
		a->stack_len = copy_stack(a->stack, regs.rsp, stack);
		a->len = record_len(a->stack_len);
		written = head + a->len;
		atomic_store_explicit(&r->alloc_head, written, memory_order_release);
	} else {
		atomic_fetch_add(&r->lost_allocs, 1);
	}
	pthread_mutex_unlock(&r->alloc_lock);
	return id;
}

void rec_free(uint64_t id)
{
	event(RING_FREE, id);
}

void rec_heap_at_exit(uint64_t bytes)
{
	event(RING_HEAP_AT_EXIT, bytes);
}

void rec_exit_wait(void)
{
	struct ring *r = rec_ring;
	if (!r || !written)
		return;
	uint64_t until = now() + EXIT_WAIT_NS;
	while (atomic_load_explicit(&r->alloc_tail, memory_order_acquire) < written &&
	       !atomic_load(&r->closed) && now() < until)
		nap();
}
