#include "config.h"
#include "model/hash.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>

uint64_t hash_u64(uint64_t x)
{
	/* splitmix64 finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t rand_next(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

uint64_t hash_bytes(const void *p, size_t n, uint64_t seed)
{
	/* FNV-1a over bytes, then mixed */
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return hash_u64(h);
}

void u64map_init(struct u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

void u64map_clear(struct u64map *m)
{
	if (m->used)
		memset(m->used, 0, m->cap);
	m->len = 0;
}

static size_t find_pos(const struct u64map *m, uint64_t key, bool *found)
{
	size_t mask = m->cap - 1, i = hash_u64(key) & mask;
	while (m->used[i]) {
		if (m->keys[i] == key) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
	*found = false;
	return i;
}

static void rehash(struct u64map *m, size_t ncap)
{
	struct u64map old = *m;
	m->cap = ncap;
	m->len = 0;
	m->keys = xmalloc(ncap * sizeof(uint64_t));
	m->vals = xmalloc(ncap * sizeof(uint64_t));
	m->used = xcalloc(ncap, 1);
	for (size_t i = 0; i < old.cap; i++)
		if (old.used[i])
			u64map_put(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
	free(old.used);
}

bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	bool found;
	if (!m->cap)
		return false;
	size_t i = find_pos(m, key, &found);
	if (found && val)
		*val = m->vals[i];
	return found;
}

uint64_t *u64map_slot(struct u64map *m, uint64_t key, uint64_t init)
{
	bool found;
	if (!m->cap || (m->len + 1) * 4 > m->cap * 3)
		rehash(m, m->cap ? m->cap * 2 : 64);
	size_t i = find_pos(m, key, &found);
	if (!found) {
		m->used[i] = 1;
		m->keys[i] = key;
		m->vals[i] = init;
		m->len++;
	}
	return &m->vals[i];
}

void u64map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	*u64map_slot(m, key, val) = val;
}

bool u64map_del(struct u64map *m, uint64_t key)
{
	bool found;
	if (!m->cap)
		return false;
	size_t mask = m->cap - 1, i = find_pos(m, key, &found);
	if (!found)
		return false;
	/* backward-shift deletion keeps probe chains intact */
	m->used[i] = 0;
	m->len--;
	size_t j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!m->used[j])
			break;
		size_t home = hash_u64(m->keys[j]) & mask;
		bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (between)
			continue;
		m->keys[i] = m->keys[j];
		m->vals[i] = m->vals[j];
		m->used[i] = 1;
		m->used[j] = 0;
		i = j;
	}
	return true;
}

int64_t intern_find(const struct u64map *index, uint64_t hash, intern_same_fn same,
		    const void *ctx, uint64_t *slot)
{
	uint64_t id;
	for (;; hash++) {
		if (!u64map_get(index, hash, &id))
			break;
		if (same(ctx, id))
			return (int64_t)id;
	}
	if (slot)
		*slot = hash;
	return -1;
}

void strpool_init(struct strpool *sp)
{
	memset(sp, 0, sizeof(*sp));
	u64map_init(&sp->index);
}

void strpool_free(struct strpool *sp)
{
	for (size_t i = 0; i < sp->len; i++)
		free(sp->strs[i]);
	free(sp->strs);
	u64map_free(&sp->index);
	memset(sp, 0, sizeof(*sp));
}

struct str_key {
	const struct strpool *sp;
	const char *s;
};

static bool same_str(const void *ctx, uint64_t id)
{
	const struct str_key *k = ctx;
	return strcmp(k->sp->strs[id], k->s) == 0;
}

static int64_t find_str(const struct strpool *sp, const char *s, uint64_t *slot)
{
	struct str_key k = {sp, s};
	return intern_find(&sp->index, hash_bytes(s, strlen(s), 0), same_str, &k, slot);
}

int64_t strpool_find(const struct strpool *sp, const char *s)
{
	return find_str(sp, s, NULL);
}

uint32_t strpool_intern(struct strpool *sp, const char *s)
{
	uint64_t slot = 0;
	int64_t found = find_str(sp, s, &slot);
	if (found >= 0)
		return (uint32_t)found;
	uint32_t id = (uint32_t)sp->len;
	*VEC_PUSH(sp->strs, sp->len, sp->cap) = xstrdup(s);
	u64map_put(&sp->index, slot, id);
	return id;
}
