/* xalloc.h — allocation that never returns NULL (dies on out-of-memory),
 * and a tiny growable array helper. */
#ifndef CPROF_XALLOC_H
#define CPROF_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "cprof-tui: <message>" to stderr and exit(2). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Grow *arr (element size sz) so that `need` elements fit; *cap is updated.
 * Dies (die()) when that many cannot be counted in a size_t. */
void xgrow(void **arr, size_t *cap, size_t need, size_t sz);
#define VEC_PUSH(arr, len, cap) \
	(xgrow((void **)&(arr), &(cap), (len) + 1, sizeof(*(arr))), &(arr)[(len)++])

#endif
