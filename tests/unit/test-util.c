/* test-util.c — string escaping (hostile names must not drive the terminal),
 * path normalisation, the hash tables and interning, the user-code rule,
 * growing an array to a size that cannot be counted (dies with one line). */
#include "config.h"
#include "check.h"
#include "model/hash.h"
#include "model/strutil.h"
#include "model/usercode.h"
#include "model/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Interning with every record under one hash: collisions all the way. */
struct rec_key {
	const int *recs;
	int want;
};

static bool same_rec(const void *ctx, uint64_t id)
{
	const struct rec_key *k = ctx;
	return k->recs[id] == k->want;
}

static void check_intern(void)
{
	int recs[50];
	struct u64map index;
	u64map_init(&index);
	for (int i = 0; i < 50; i++) {
		struct rec_key k = {recs, i * 3};
		uint64_t slot = 0;
		CHECK_EQ(intern_find(&index, 42, same_rec, &k, &slot), -1);
		recs[i] = i * 3;
		u64map_put(&index, slot, (uint64_t)i);
	}
	int wrong = 0;
	for (int i = 0; i < 50; i++) {
		struct rec_key k = {recs, i * 3};
		wrong += intern_find(&index, 42, same_rec, &k, NULL) != i;
	}
	CHECK_EQ(wrong, 0);
	struct rec_key absent = {recs, 1};
	CHECK_EQ(intern_find(&index, 42, same_rec, &absent, NULL), -1);
	u64map_free(&index);
}

static void check_user_code(void)
{
	const char *exe = "/home/me/app/a.out", *libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
	CHECK(is_user_code(exe, "/home/me/app/main.c", true));
	CHECK(!is_user_code(exe, NULL, true));                  /* no line info */
	CHECK(is_user_code(exe, NULL, false));                  /* ... in a stripped program */
	CHECK(!is_user_code(libc, NULL, false));                /* never libc's */
	CHECK(!is_user_code("[vdso]", NULL, false));
	CHECK(!is_user_code(exe, "/usr/include/c++/12/bits/stl_vector.h", true));
	CHECK(!is_user_code(exe, "/usr/local/include/foo.h", true));
	CHECK(!is_user_code(exe, "<built-in>", true));
	CHECK(!is_user_code(libc, "string/../sysdeps/x86_64/memset.S", true)); /* relative, libc's */
	CHECK(!is_user_code(libc, "/build/glibc-x/string/strlen.c", true));
	CHECK(!is_user_code(exe, "/rust/deps/hashbrown-0.16.1/src/raw/mod.rs", true));
	CHECK(!is_user_code("[vdso]", "/home/me/app/main.c", true));
	CHECK(!is_user_code("/lib64/ld-linux-x86-64.so.2", "rtld.c", true));
	CHECK(is_user_code("/usr/local/lib/libmine.so", "/home/me/mine/mine.c", true));
	/* Rust's standard library and the crates cargo downloads */
	CHECK(!is_user_code(exe, "/rustc/59807616e1fa/library/core/src/num/uint_macros.rs", true));
	CHECK(!is_user_code(exe, "/root/.cargo/registry/src/index.crates.io-1/rand-0.8.5/src/lib.rs",
			    true));
	CHECK(!is_user_code(exe, "/home/me/.rustup/toolchains/stable/lib/rustlib/src/rust/x.rs", true));
	CHECK(is_user_code(exe, "/home/me/app/src/main.rs", true));
	CHECK(is_user_code(NULL, exe, true));                   /* a module path alone */
	CHECK(!is_user_code(NULL, libc, true));
}

/* xgrow to SIZE_MAX / 4 elements of 8 bytes (a count read from a damaged
 * file): one line and exit 2, not an overflowed size and a heap overflow. */
static void check_grow_overflow(void)
{
	int fd[2];
	CHECK(pipe(fd) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		uint64_t *v = NULL;
		size_t cap = 0;
		xgrow((void **)&v, &cap, SIZE_MAX / 4, sizeof(*v));
		v[SIZE_MAX / 4 - 1] = 1;
		_exit(0);
	}
	close(fd[1]);
	char msg[512] = "";
	size_t len = 0;
	ssize_t n;
	while (len + 1 < sizeof(msg) && (n = read(fd[0], msg + len, sizeof(msg) - 1 - len)) > 0)
		len += (size_t)n;
	msg[len] = '\0';
	close(fd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	CHECK(strstr(msg, "cprof-tui: cannot grow an array") == msg);
	CHECK(strchr(msg, '\n') == msg + strlen(msg) - 1);
}

int main(void)
{
	check_grow_overflow();
	check_intern();
	check_user_code();
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
