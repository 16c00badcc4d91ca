/* sorter.c — sorts records by (score, name) with qsort: the time goes into
 * libc's qsort and, through it, into compare_records(). */
#include "demo.h"
#include <stdlib.h>
#include <string.h>

struct record {
	uint32_t score;
	char name[12];
};

#define NRECORDS 4096

static int compare_records(const void *a, const void *b)
{
	const struct record *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void make_records(struct record *r, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t h = demo_hash(seed + i);
		r[i].score = (uint32_t)(h % 1000); /* many ties: strcmp runs too */
		for (int k = 0; k < 11; k++)
			r[i].name[k] = 'a' + (h >> (k * 5)) % 26;
		r[i].name[11] = 0;
	}
}

void *sorter_thread(void *arg)
{
	(void)arg;
	static struct record records[NRECORDS];
	for (uint64_t round = 0; !demo_stop; round++) {
		make_records(records, NRECORDS, round * NRECORDS);
		qsort(records, NRECORDS, sizeof records[0], compare_records);
		demo_sink += records[NRECORDS / 2].score;
	}
	return NULL;
}
