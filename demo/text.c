/* text.c — builds and measures text lines: time in strlen and memcpy
 * (libc), charged to the lines of build_report() that call them. */
#include "demo.h"
#include <stdio.h>
#include <string.h>

#define NLINES 256
#define LINE 512

static char lines[NLINES][LINE];
static char report[NLINES * LINE];

static void make_lines(uint64_t seed)
{
	for (int i = 0; i < NLINES; i++) {
		size_t len = 64 + demo_hash(seed + i) % (LINE - 65);
		memset(lines[i], 'a' + i % 26, len);
		lines[i][len] = 0;
	}
}

__attribute__((noinline)) static size_t build_report(void)
{
	size_t used = 0;
	for (int i = 0; i < NLINES; i++) {
		size_t len = strlen(lines[i]);       /* time in libc strlen */
		memcpy(report + used, lines[i], len); /* time in libc memcpy */
		used += len;
	}
	return used;
}

void *text_thread(void *arg)
{
	(void)arg;
	for (uint64_t round = 0; !demo_stop; round++) {
		if (round % 64 == 0)
			make_lines(round);
		size_t total = 0;
		for (int rep = 0; rep < 16; rep++)
			total += build_report();
		demo_sink += total;
	}
	return NULL;
}
