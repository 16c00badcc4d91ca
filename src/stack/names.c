/* names.c — demangling and the per-module choice of names; see names.h.
 *
 * The demangler is libiberty's cplus_demangle (Debian's libiberty-dev), the
 * one binutils and perf use: it reads C++ and both Rust schemes (legacy,
 * which it prints without the hash, and v0). libstdc++'s __cxa_demangle
 * reads C++ only, and cannot leave parameter lists out. */
#include "config.h"
#include "stack/names.h"
#include "model/xalloc.h"
#include <libiberty/demangle.h>
#include <stdlib.h>
#include <string.h>

/* namer.first of a short name two different functions claim: shown with
 * their parameters. */
#define AMBIGUOUS UINT64_MAX

char *name_demangle(const char *sym, bool params)
{
	if (strncmp(sym, "_Z", 2) != 0 && strncmp(sym, "_R", 2) != 0)
		return NULL;
	int opts = DMGL_AUTO | (params ? DMGL_PARAMS | DMGL_ANSI | DMGL_RET_DROP : 0);
	return cplus_demangle(sym, opts);
}

void namer_init(struct namer *n)
{
	strpool_init(&n->names);
	u64map_init(&n->first);
	u64map_init(&n->shown);
}

void namer_free(struct namer *n)
{
	strpool_free(&n->names);
	u64map_free(&n->first);
	u64map_free(&n->shown);
}

/* Where a compiler's clone suffix starts (".constprop.0", ".isra.0",
 * ".part.0", ".cold", ".lto_priv.0", LLVM's ".llvm.1234"): the end of a
 * mangled name, whose clones are the same function. Legacy Rust names hold
 * ".." escapes, but never a tail of lower-case letters, digits and dots. */
static size_t unsuffixed_len(const char *sym)
{
	for (const char *dot = strchr(sym, '.'); dot; dot = strchr(dot + 1, '.')) {
		if (dot[1] < 'a' || dot[1] > 'z')
			continue;
		if (!dot[strspn(dot, "abcdefghijklmnopqrstuvwxyz_0123456789.")])
			return (size_t)(dot - sym);
	}
	return strlen(sym);
}

/* Intern sym without its clone suffix. */
static uint32_t intern_key(struct namer *n, const char *sym)
{
	size_t len = unsuffixed_len(sym);
	if (!sym[len])
		return strpool_intern(&n->names, sym);
	char *key = xmalloc(len + 1);
	memcpy(key, sym, len);
	key[len] = '\0';
	uint32_t id = strpool_intern(&n->names, key);
	free(key);
	return id;
}

/* Do two linkage names (keys) name different functions? Not when they
 * demangle alike with their parameters: a constructor's complete and base
 * variants (C1, C2), or the same Rust path with two hashes. */
static bool different_functions(struct namer *n, uint32_t a, uint32_t b)
{
	char *x = name_demangle(strpool_get(&n->names, a), true);
	char *y = name_demangle(strpool_get(&n->names, b), true);
	bool differ = !x || !y || strcmp(x, y) != 0;
	free(x);
	free(y);
	return differ;
}

/* Function `key` claims the short name `short_id`. */
static void claim(struct namer *n, uint32_t short_id, uint32_t key)
{
	uint64_t *first = u64map_slot(&n->first, short_id, key);
	if (*first != key && *first != AMBIGUOUS && different_functions(n, (uint32_t)*first, key))
		*first = AMBIGUOUS;
}

void namer_note(struct namer *n, const char *linkage)
{
	char *short_name = name_demangle(linkage, false);
	if (!short_name)
		return;
	uint32_t key = intern_key(n, linkage);
	claim(n, strpool_intern(&n->names, short_name), key);
	free(short_name);
}

/* The name shown for a function first named now (key: its linkage name
 * without a clone suffix). */
static uint32_t choose(struct namer *n, uint32_t key)
{
	const char *linkage = strpool_get(&n->names, key);
	char *short_name = name_demangle(linkage, false);
	if (!short_name)
		return key;
	uint32_t short_id = strpool_intern(&n->names, short_name);
	free(short_name);
	claim(n, short_id, key);
	uint64_t first;
	if (!u64map_get(&n->first, short_id, &first) || first != AMBIGUOUS)
		return short_id;
	char *full = name_demangle(linkage, true);
	uint32_t id = full ? strpool_intern(&n->names, full) : short_id;
	free(full);
	return id;
}

/* A legacy Rust symbol ("_ZN...17h<16 hex digits>E"): its name carries no
 * generic arguments, and each instance of a generic function is one more
 * hash of the same path. */
static bool rust_legacy(const char *linkage)
{
	const char *h = strstr(linkage, "17h");
	if (strncmp(linkage, "_ZN", 3) || !h)
		return false;
	while (strstr(h + 1, "17h"))
		h = strstr(h + 1, "17h");
	return strspn(h + 3, "0123456789abcdef") == 16 && h[19] == 'E';
}

/* A legacy Rust instance of a generic function, named with its arguments as
 * its DWARF name has them (`generic_sum<u8>`): its path with the last part
 * replaced, as C++ keeps template arguments. 0 when it is not one. */
static uint32_t rust_instance(struct namer *n, const char *linkage, const char *plain)
{
	if (!plain || !strchr(plain, '<') || !rust_legacy(linkage))
		return 0;
	char *path = name_demangle(linkage, false);
	if (!path)
		return 0;
	char *last = path, *sep;
	while ((sep = strstr(last, "::")))
		last = sep + 2;
	size_t base = strcspn(plain, "<");
	uint32_t id = 0;
	if (strlen(last) == base && !strncmp(last, plain, base)) {
		char *full = xmalloc((size_t)(last - path) + strlen(plain) + 1);
		memcpy(full, path, (size_t)(last - path));
		strcpy(full + (last - path), plain);
		id = strpool_intern(&n->names, full);
		free(full);
	}
	free(path);
	return id;
}

const char *namer_name(struct namer *n, const char *linkage, const char *plain)
{
	if (!linkage || (strncmp(linkage, "_Z", 2) && strncmp(linkage, "_R", 2)))
		return strpool_get(&n->names, strpool_intern(&n->names, plain ? plain : linkage));
	uint32_t key = intern_key(n, linkage);
	uint64_t *shown = u64map_slot(&n->shown, key, UINT64_MAX);
	uint32_t instance = rust_instance(n, linkage, plain);
	if (instance)
		*shown = instance;
	else if (*shown == UINT64_MAX)
		*shown = choose(n, key);
	return strpool_get(&n->names, (uint32_t)*shown);
}
