/* hash.h — two small hash tables used across the engine:
 *  - u64map: open-addressing map from a 64-bit key to a 64-bit value;
 *  - strpool: interns strings and gives each a dense id (0, 1, 2, ...). */
#ifndef CPROF_HASH_H
#define CPROF_HASH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t hash_bytes(const void *p, size_t n, uint64_t seed);
uint64_t hash_u64(uint64_t x);

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

struct strpool {
	char **strs; /* id -> string, owned */
	size_t len, cap;
	struct u64map index; /* hash -> first id; collisions chained in next[] */
	uint32_t *next;
	size_t next_cap;
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
