/* test-util.c — string escaping (hostile names must not drive the terminal),
 * path normalisation, the hash tables. */
#include "config.h"
#include "check.h"
#include "model/hash.h"
#include "model/strutil.h"
#include <stdlib.h>
#include <string.h>

static void check_escape(const char *in, const char *want)
{
	char out[256];
	str_escape(out, sizeof(out), in);
	if (strcmp(out, want))
		printf("  escape: got '%s', want '%s'\n", out, want);
	CHECK(!strcmp(out, want));
}

static void check_norm(const char *in, const char *want)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", in);
	str_normalize_path(buf);
	if (strcmp(buf, want))
		printf("  normalize '%s': got '%s', want '%s'\n", in, buf, want);
	CHECK(!strcmp(buf, want));
}

int main(void)
{
	check_escape("plain_name", "plain_name");
	check_escape("evil\x1b[2Jname", "evil\\x1b[2Jname");
	check_escape("tab\there\nnl", "tab\\there\\nnl");
	check_escape("del\x7f", "del\\x7f");
	check_escape("caf\xc3\xa9.c", "caf\xc3\xa9.c");   /* UTF-8 kept */
	check_escape("c1\xc2\x9b" "31m", "c1\\u009b31m");  /* C1 CSI escaped */
	check_escape("bad\xff\xfe", "bad\\xff\\xfe");       /* invalid UTF-8 */
	char small[6];
	str_escape(small, sizeof(small), "\x1b\x1b\x1b");
	CHECK(strlen(small) < sizeof(small)); /* truncated, still terminated */

	check_norm("/a/b/./c", "/a/b/c");
	check_norm("/a/b/../c", "/a/c");
	check_norm("/build/x/../../src/y.c", "/src/y.c");
	check_norm("a//b/", "a/b");
	check_norm("../x/y", "../x/y");
	check_norm("/..", "/");
	CHECK(!strcmp(str_basename("/usr/lib/libc.so.6"), "libc.so.6"));

	struct u64map m;
	u64map_init(&m);
	for (uint64_t i = 0; i < 10000; i++)
		u64map_put(&m, i * 7919, i);
	uint64_t v = 0;
	CHECK(u64map_get(&m, 5000 * 7919, &v) && v == 5000);
	for (uint64_t i = 0; i < 10000; i += 2)
		CHECK(u64map_del(&m, i * 7919));
	CHECK_EQ(m.len, 5000);
	int missing = 0;
	for (uint64_t i = 1; i < 10000; i += 2)
		missing += !u64map_get(&m, i * 7919, &v) || v != i;
	CHECK_EQ(missing, 0);
	CHECK(!u64map_get(&m, 0, NULL));
	u64map_free(&m);

	struct strpool sp;
	strpool_init(&sp);
	uint32_t a = strpool_intern(&sp, "main");
	uint32_t b = strpool_intern(&sp, "work");
	CHECK(a != b);
	CHECK_EQ(strpool_intern(&sp, "main"), a);
	CHECK_EQ(strpool_find(&sp, "work"), b);
	CHECK_EQ(strpool_find(&sp, "absent"), -1);
	CHECK(!strcmp(strpool_get(&sp, b), "work"));
	strpool_free(&sp);
	return check_done("test-util");
}
