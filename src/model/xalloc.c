#include "config.h"
#include "model/xalloc.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("cprof-tui: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		oom();
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

void die(const char *fmt, ...)
{
	va_list ap;
	fputs("cprof-tui: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void xgrow(void **arr, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return;
	if (need > SIZE_MAX / 2 / sz)
		die("cannot grow an array to %zu elements of %zu bytes: more than memory can hold "
		    "(a damaged input?)", need, sz);
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	*arr = xrealloc(*arr, n * sz);
	*cap = n;
}
