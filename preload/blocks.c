/* blocks.c — the blocks of this process that were sampled and not freed
 * yet, so that their frees can be told to cprof-tui.
 *
 * free() asks about every block, so the question must cost next to nothing
 * for the blocks that were not sampled (nearly all): a counter of live
 * sampled blocks (none: no), then a filter of 64 Ki one-byte counters
 * indexed by the address's hash (0: no). Only a block that passes both
 * takes the lock and looks in the table: an open-addressing hash table of
 * address -> sample id, in memory of its own (mmap, never malloc), grown
 * when half full. */
#include "preload/internal.h"
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#define FIRST_CAP 4096     /* table slots at first; a power of two */
#define EMPTY 0
#define TOMBSTONE 1        /* (no block starts at address 1) */

struct slot {
	uintptr_t addr;
	uint64_t id;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *table;
static size_t cap, used;   /* used: live entries and tombstones */
_Atomic size_t blocks_live;
uint8_t blocks_filter[1u << BLOCKS_FILTER_BITS];

static uint8_t *filter_of(const void *p)
{
	return &blocks_filter[blocks_hash(p) >> (64 - BLOCKS_FILTER_BITS)];
}

/* The slot of addr, or the free slot (empty, or the first tombstone met)
 * where it would go. Under the lock. */
static struct slot *find(uintptr_t addr)
{
	size_t mask = cap - 1, i = blocks_hash((void *)addr) & mask;
	struct slot *grave = NULL;
	for (;; i = (i + 1) & mask) {
		struct slot *s = &table[i];
		if (s->addr == addr)
			return s;
		if (s->addr == EMPTY)
			return grave ? grave : s;
		if (s->addr == TOMBSTONE && !grave)
			grave = s;
	}
}

/* Room for one more entry: a table of its own size or twice as large,
 * without tombstones. False when memory is short. Under the lock. */
static bool make_room(void)
{
	if (table && 2 * (used + 1) <= cap)
		return true;
	size_t n = !table ? FIRST_CAP : 4 * (size_t)blocks_live > cap ? 2 * cap : cap;
	struct slot *old = table, *t = mmap(NULL, n * sizeof(*t), PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return false;
	size_t old_cap = cap;
	table = t;
	cap = n;
	used = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].addr > TOMBSTONE) {
			*find(old[i].addr) = old[i];
			used++;
		}
	if (old)
		munmap(old, old_cap * sizeof(*old));
	return true;
}

void blocks_add(const void *p, uint64_t id)
{
	pthread_mutex_lock(&lock);
	if (make_room()) {
		struct slot *s = find((uintptr_t)p);
		if (s->addr == EMPTY)
			used++;
		if (s->addr != (uintptr_t)p) { /* (there when freed where we did not see it) */
			uint8_t *f = filter_of(p);
			if (*f < UINT8_MAX)
				__atomic_store_n(f, *f + 1, __ATOMIC_RELAXED);
			atomic_fetch_add(&blocks_live, 1);
		}
		*s = (struct slot){(uintptr_t)p, id};
	}
	pthread_mutex_unlock(&lock);
}

uint64_t blocks_take(const void *p)
{
	uint64_t id = 0;
	pthread_mutex_lock(&lock);
	struct slot *s = table ? find((uintptr_t)p) : NULL;
	if (s && s->addr == (uintptr_t)p) {
		id = s->id;
		s->addr = TOMBSTONE;
		uint8_t *f = filter_of(p);
		if (*f < UINT8_MAX) /* (a counter that overflowed stays "maybe") */
			__atomic_store_n(f, *f - 1, __ATOMIC_RELAXED);
		atomic_fetch_sub(&blocks_live, 1);
	}
	pthread_mutex_unlock(&lock);
	return id;
}

void blocks_lock(bool locked)
{
	if (locked)
		pthread_mutex_lock(&lock);
	else
		pthread_mutex_unlock(&lock);
}

void blocks_forget(void)
{
	pthread_mutex_init(&lock, NULL);
	if (!atomic_load(&blocks_live))
		return;
	memset(table, 0, cap * sizeof(*table));
	memset(blocks_filter, 0, sizeof(blocks_filter));
	used = 0;
	atomic_store(&blocks_live, 0);
}
