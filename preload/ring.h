/* ring.h — the memory the allocation sampler (libcprof-alloc.so, preloaded
 * into a launched program and its children) shares with cprof-tui
 * (src/target/allocs.c), one memfd for the whole process tree.
 *
 * cprof-tui creates it, fills in the header and names it to the program in
 * its environment: CPROF_ALLOC_RING=/proc/<cprof-tui's pid>/fd/<fd> and
 * CPROF_ALLOC_COOKIE=<the header's cookie>. A library that cannot open it,
 * or finds another magic, version, size or cookie there, samples nothing.
 *
 * Two rings, each written by any thread of any process of the tree under
 * its lock (robust and process-shared: a writer killed while it holds one
 * does not block the others) and read by cprof-tui alone, without locks:
 *  - samples: one record per sampled allocation, with the registers and a
 *    copy of the top of the stack of the thread at that moment (as much as
 *    there is, up to RING_STACK), unwound by cprof-tui as a CPU sample is;
 *    records lie back to back in RING_BYTES, a record that would cross the
 *    end is put at the start and a PAD record fills the end;
 *  - events: frees of sampled blocks, and a process's first word (HELLO),
 *    in slots.
 * Positions (head, tail) only grow: bytes for samples, slots for events. A
 * writer writes at head when there is room before tail comes round, then
 * moves head on (release); the reader reads from tail to head (acquire)
 * and moves tail on when it is done. What finds no room (cprof-tui drains
 * the rings every round) is dropped and counted in `lost_*`. Records carry
 * CLOCK_MONOTONIC times, as the samplers' do. */
#ifndef CPROF_PRELOAD_RING_H
#define CPROF_PRELOAD_RING_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define RING_MAGIC 0x32676e6972667063ull /* "cpfring2" */
#define RING_VERSION 2
#define RING_BYTES (8u << 20)  /* the samples' records */
#define RING_STACK 32768u      /* at most this much stack a sample (SAMPLER_STACK_COPY) */
#define RING_EVENT_SLOTS 65536u
#define RING_ENV "CPROF_ALLOC_RING"
#define RING_ENV_COOKIE "CPROF_ALLOC_COOKIE"
#define RING_LIBRARY "libcprof-alloc.so"

/* The registers an unwinder needs, as they were in the sampler's own
 * frame when it took the copy: its instruction and stack pointers and the
 * callee-saved registers (their callers' values are found from them). */
struct ring_regs {
	uint64_t rip, rsp, rbp, rbx, r12, r13, r14, r15;
};

#define RING_PAD 0             /* a record's len: nothing more before the end */

struct ring_alloc {
	uint32_t len;          /* of the record, stack included, a multiple of 8 */
	uint32_t stack_len;    /* bytes of stack[] copied from regs.rsp up */
	uint64_t id;           /* unique in the ring's life (never 0): frees name it */
	uint64_t time_ns;
	uint64_t size;         /* bytes asked for */
	uint64_t weight;       /* bytes the sample stands for (see preload/alloc.c) */
	uint64_t caller;       /* return address in the allocation function's caller:
				  the frames inside the sampler end below it */
	int32_t pid, tid;
	struct ring_regs regs;
	uint8_t stack[];
};

enum ring_event_kind {
	RING_FREE = 1,         /* block `id` freed (or realloc'd away) */
	RING_HELLO = 2,        /* process pid samples into the ring from now on */
	RING_HEAP_AT_EXIT = 3, /* process pid exits with `id` bytes of glibc's heap in use
				  (mallinfo2: every block not freed, with its chunk overhead) */
};

struct ring_event {
	uint64_t id;
	uint64_t time_ns;
	int32_t pid;
	uint32_t kind;         /* enum ring_event_kind */
};

struct ring {
	uint64_t magic;
	uint64_t cookie;       /* random, also in the environment */
	uint32_t version;
	uint32_t follow;       /* 0: the launched program only, not its children */
	uint64_t interval;     /* mean bytes between samples, once warmed up */
	uint64_t size;         /* sizeof(struct ring) */
	_Atomic uint32_t paused;  /* set by cprof-tui: take no samples (frees still count) */
	_Atomic uint32_t closed;  /* cprof-tui is done: write nothing more */
	pthread_mutex_t alloc_lock, event_lock;
	uint64_t last_id;         /* of the samples (under alloc_lock) */
	_Atomic uint64_t alloc_head, alloc_tail;
	_Atomic uint64_t event_head, event_tail;
	_Atomic uint64_t lost_allocs;  /* samples that found the ring full or busy */
	_Atomic uint64_t lost_events;  /* frees (and hellos) that found it full */
	uint8_t allocs[RING_BYTES] __attribute__((aligned(4096)));
	struct ring_event events[RING_EVENT_SLOTS];
};

#endif
