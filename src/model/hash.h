/* hash.h — hashing, interning and cheap randomness used across the engine:
 *  - u64map: open-addressing map from a 64-bit key to a 64-bit value;
 *  - intern_find / intern_add: the one way to intern records by contents;
 *  - strpool: interns strings and gives each a dense id (0, 1, 2, ...);
 *  - rand_next: xorshift64. */
#ifndef CPROF_HASH_H
#define CPROF_HASH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t hash_bytes(const void *p, size_t n, uint64_t seed);
uint64_t hash_u64(uint64_t x);
/* xorshift64: the next number of *state (which must not be 0). */
uint64_t rand_next(uint64_t *state);

struct u64map {
	uint64_t *keys;
	uint64_t *vals;
	uint8_t *used;
	size_t cap, len;
};

void u64map_init(struct u64map *m);
void u64map_free(struct u64map *m);
void u64map_clear(struct u64map *m);
/* Returns true and sets *val when key is present. */
bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val);
void u64map_put(struct u64map *m, uint64_t key, uint64_t val);
/* Pointer to the value slot for key, inserting `init` if absent. */
uint64_t *u64map_slot(struct u64map *m, uint64_t key, uint64_t init);
bool u64map_del(struct u64map *m, uint64_t key);

/* Interning records by their contents: the caller keeps the records in an
 * array and an index (a u64map) from the hash of a record's contents to its
 * id. Records whose hashes collide are filed under the next free hash
 * (h + 1, h + 2, ...); records are never removed one by one.
 * `same(ctx, id)` says whether record id is the one looked for.
 * intern_find returns its id, or -1 with *slot (when not NULL) set to the
 * hash to file a new record under: u64map_put(index, *slot, new_id). */
typedef bool (*intern_same_fn)(const void *ctx, uint64_t id);
int64_t intern_find(const struct u64map *index, uint64_t hash, intern_same_fn same,
		    const void *ctx, uint64_t *slot);

struct strpool {
	char **strs; /* id -> string, owned */
	size_t len, cap;
	struct u64map index; /* interned by contents (intern_find) */
};

void strpool_init(struct strpool *sp);
void strpool_free(struct strpool *sp);
/* Id of s, adding a copy if new. */
uint32_t strpool_intern(struct strpool *sp, const char *s);
/* Id of s or -1 when absent. */
int64_t strpool_find(const struct strpool *sp, const char *s);
static inline const char *strpool_get(const struct strpool *sp, uint32_t id)
{
	return sp->strs[id];
}

#endif
