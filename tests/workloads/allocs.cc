// allocs — allocations with known bytes per line, for --memory
// (tests/t-memory.sh, bench/alloc.sh).
//
//   allocs lines MB     malloc, calloc, realloc, new, new[], posix_memalign
//                       and aligned_alloc lines, all freed: about MB MiB
//   allocs leak MB      a line that leaks about a third of it, and one that frees
//   allocs threads MB   four threads allocating at once, 1:2:3:4
//   allocs fork MB      a child (fork, no exec) allocating a third of it
//                       while its parent allocates the rest
//   allocs children MB  a half allocated by the parent, then 100 identical
//                       children (fork, no exec) allocating a quarter, then
//                       the parent the last quarter
//   allocs signal N     N allocations freed at once while a profiling timer's
//                       handler allocates and frees too (every 100 us)
//   allocs churn N      N small allocations freed at once (the cost benchmark)
//   allocs errno N      errno kept over N rounds of malloc, realloc and free,
//                       and the results of calls that fail
//
// Each mode prints, for each allocating line, "bytes FILE:LINE N": the bytes
// asked for there (the exact figures the sampled ones are checked against),
// and a last line "elapsed SECONDS" of its own work. Sizes vary with a
// fixed sequence, so runs are identical.
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vector>

static unsigned long long counted[1000]; // bytes asked for, by line
static void *volatile sink;              // (keeps the compiler from dropping a block)

#define COUNT(n) __atomic_add_fetch(&counted[__LINE__], (n), __ATOMIC_RELAXED)

static unsigned next_size(unsigned *x, unsigned lo, unsigned span)
{
	*x = *x * 1103515245u + 12345u;
	return lo + (*x >> 8) % span;
}

static void print_counted(void)
{
	for (int i = 0; i < 1000; i++)
		if (counted[i])
			printf("bytes %s:%d %llu\n", __FILE__, i, counted[i]);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// About `bytes` in small blocks from each kind of allocation, all freed:
// a fifth to a quarter each from malloc, calloc and realloc, a tenth each
// from new and new[], a twentieth each from the aligned allocations.
__attribute__((noinline)) static void lines(unsigned long long bytes)
{
	unsigned x = 7;
	unsigned long long done = 0;
	while (done < bytes) {
		for (int i = 0; i < 100; i++) {
			unsigned n = next_size(&x, 16, 96);
			void *p = malloc(n); COUNT(n);
			sink = p;
			free(p);
			done += n;
		}
		for (int i = 0; i < 50; i++) {
			unsigned n = next_size(&x, 4, 12);
			void *p = calloc(n, 16); COUNT(n * 16);
			sink = p;
			free(p);
			done += n * 16;
		}
		char *buf = NULL; // a buffer grown step by step
		for (unsigned size = 256; size <= 2048; size += 256) {
			buf = (char *)realloc(buf, size); COUNT(size);
			buf[size - 1] = 1;
			done += size;
		}
		free(buf);
		for (int i = 0; i < 20; i++) { // new of an object (and its vector's array), new[]
			std::vector<long> *v = new std::vector<long>(16); COUNT(sizeof(*v) + 16 * sizeof(long));
			sink = v;
			delete v;
			char *s = new char[136]; COUNT(136);
			sink = s;
			delete[] s;
			done += sizeof(*v) + 16 * sizeof(long) + 136;
		}
		for (int i = 0; i < 5; i++) { // and aligned blocks
			void *p;
			if (posix_memalign(&p, 64, 320) == 0) { COUNT(320);
				sink = p;
				free(p);
			}
			p = aligned_alloc(128, 384); COUNT(384);
			sink = p;
			free(p);
			done += 704;
		}
	}
}

// About a third of `bytes` kept for ever in 4-KiB blocks; the rest freed.
__attribute__((noinline)) static void leak(unsigned long long bytes)
{
	unsigned x = 11;
	unsigned long long done = 0;
	void **kept = NULL;
	while (done < bytes) {
		for (int i = 0; i < 100; i++) {
			unsigned n = next_size(&x, 32, 128);
			void *p = malloc(n); COUNT(n);
			sink = p;
			free(p);
			done += n;
		}
		void **block = (void **)malloc(4096); COUNT(4096);
		*block = kept;
		kept = block;
		done += 4096;
	}
	sink = kept;
}

// Functions that allocate at a line of their own each (one function with
// the same call in two branches may be compiled into one call).
#define ALLOCATOR(name) \
	__attribute__((noinline)) static void *name(unsigned n) { void *p = malloc(n); COUNT(n); return p; }
ALLOCATOR(thread0)
ALLOCATOR(thread1)
ALLOCATOR(thread2)
ALLOCATOR(thread3)
ALLOCATOR(in_parent)
ALLOCATOR(in_child)
ALLOCATOR(before_children)
__attribute__((noinline)) static void *in_children(unsigned n) { void *p = malloc(n); COUNT(n); return p; } static const int children_line = __LINE__;

struct worker {
	int k;
	unsigned long long bytes;
};

// Thread k allocates (k + 1) parts of ten, at its own line.
static void *work(void *arg)
{
	struct worker *w = (struct worker *)arg;
	unsigned long long done = 0, want = w->bytes * (unsigned long long)(w->k + 1) / 10;
	unsigned x = 3u + (unsigned)w->k;
	void *(*const allocate[4])(unsigned) = {thread0, thread1, thread2, thread3};
	while (done < want) {
		unsigned n = next_size(&x, 24, 200);
		void *p = allocate[w->k](n);
		sink = p;
		free(p);
		done += n;
	}
	return NULL;
}

__attribute__((noinline)) static void threads(unsigned long long bytes)
{
	pthread_t t[4];
	struct worker w[4];
	for (int k = 0; k < 4; k++) {
		w[k] = (struct worker){k, bytes};
		pthread_create(&t[k], NULL, work, &w[k]);
	}
	for (int k = 0; k < 4; k++)
		pthread_join(t[k], NULL);
}

// The child allocates a third at one line, the parent two thirds at
// another; both print their own lines.
__attribute__((noinline)) static int forked(unsigned long long bytes)
{
	fflush(stdout);
	pid_t child = fork();
	if (child < 0)
		return 1;
	unsigned x = child ? 5 : 9;
	unsigned long long done = 0, want = child ? bytes * 2 / 3 : bytes / 3;
	while (done < want) {
		unsigned n = next_size(&x, 40, 100);
		void *p = child ? in_parent(n) : in_child(n);
		sink = p;
		free(p);
		done += n;
	}
	if (!child) {
		print_counted();
		exit(0);
	}
	int status;
	waitpid(child, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

// Blocks of 40-140 bytes from alloc, up to `want` bytes; returns the bytes.
static unsigned long long allocate_up_to(void *(*alloc)(unsigned), unsigned long long want)
{
	unsigned x = 5;
	unsigned long long done = 0;
	while (done < want) {
		unsigned n = next_size(&x, 40, 100);
		void *p = alloc ? alloc(n) : NULL;
		sink = p;
		free(p);
		done += n;
	}
	return done;
}

// Children alike in every way: each must still sample its own allocations
// (a child that kept its parent's sampling state would sample the same
// ones as its siblings, and their errors would add up). The parent counts
// the children's bytes by going through their sizes without allocating.
__attribute__((noinline)) static int children(unsigned long long bytes)
{
	enum { N = 100 };
	allocate_up_to(before_children, bytes / 2);
	fflush(stdout);
	for (int i = 0; i < N; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			allocate_up_to(in_children, bytes / 4 / N);
			_exit(0);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	}
	counted[children_line] += N * allocate_up_to(NULL, bytes / 4 / N);
	allocate_up_to(in_parent, bytes / 4);
	return 0;
}

static void allocate_in_handler(int)
{
	void *p = malloc(512);
	sink = p;
	free(p);
}

// A handler that allocates may interrupt the sampler anywhere in malloc or
// free: neither may hold a lock the handler's allocation waits for.
__attribute__((noinline)) static void in_signals(unsigned long n)
{
	signal(SIGPROF, allocate_in_handler);
	struct itimerval every = {{0, 100}, {0, 100}};
	setitimer(ITIMER_PROF, &every, NULL);
	for (unsigned long i = 0; i < n; i++) {
		void *p = malloc(512);
		sink = p;
		free(p);
	}
	struct itimerval off = {};
	setitimer(ITIMER_PROF, &off, NULL);
}

__attribute__((noinline)) static void churn(unsigned long n)
{
	void *keep[64] = {0};
	unsigned x = 1;
	for (unsigned long i = 0; i < n; i++) {
		unsigned sz = next_size(&x, 16, 240);
		int k = (int)(x >> 4) & 63;
		free(keep[k]);
		keep[k] = malloc(sz);
		((char *)keep[k])[0] = 1;
	}
	for (int k = 0; k < 64; k++)
		free(keep[k]);
}

// errno and the results of calls that fail, as the allocator gives them:
// printed, to be the same with and without the sampler. (Called through
// pointers: the compiler takes free for one that keeps errno, and would
// not look again.)
static volatile size_t huge = SIZE_MAX; // (no warning about a constant size)
static void *(*volatile do_malloc)(size_t) = malloc;
static void *(*volatile do_realloc)(void *, size_t) = realloc;
static void (*volatile do_free)(void *) = free;

__attribute__((noinline)) static void errors(unsigned long n)
{
	unsigned long kept = 0, calls = 0;
	unsigned x = 13;
	for (unsigned long i = 0; i < n; i++) {
		unsigned sz = next_size(&x, 8, 4000);
		errno = 1234;
		void *p = do_malloc(sz);
		sink = p;
		kept += errno == 1234;
		errno = 1234;
		p = do_realloc(p, sz * 2);
		sink = p;
		kept += errno == 1234;
		errno = 1234;
		do_free(p);
		kept += errno == 1234;
		calls += 3;
	}
	printf("errno kept %lu of %lu\n", kept, calls);
	void *q;
	sink = malloc(16); // (kept where the compiler does not follow it through realloc)
	errno = 0;
	q = malloc(huge);
	printf("malloc(SIZE_MAX) %s errno %d\n", q ? "a block" : "NULL", errno);
	errno = 0;
	q = realloc(sink, huge);
	printf("realloc(p, SIZE_MAX) %s errno %d\n", q ? "a block" : "NULL", errno);
	errno = 0;
	q = calloc(huge / 2, 4);
	printf("calloc(SIZE_MAX / 2, 4) %s errno %d\n", q ? "a block" : "NULL", errno);
	q = NULL;
	printf("posix_memalign(3) %d\n", posix_memalign(&q, 3, 16));
	errno = 0;
	q = aligned_alloc(3, 16);
	printf("aligned_alloc(3) %s errno %d\n", q ? "a block" : "NULL", errno);
	free(q);
	free(sink);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: allocs lines|leak|threads|fork|children MIB, or allocs churn|errno|signal N\n");
		return 2;
	}
	// stdout's buffer is ours: its first printf would otherwise allocate one,
	// never freed, and a byte sample could land in it (bytes no line counts)
	static char outbuf[BUFSIZ];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	unsigned long long arg = strtoull(argv[2], NULL, 10), bytes = arg << 20;
	int rc = 0;
	double t0 = now();
	if (!strcmp(argv[1], "lines"))
		lines(bytes);
	else if (!strcmp(argv[1], "leak"))
		leak(bytes);
	else if (!strcmp(argv[1], "threads"))
		threads(bytes);
	else if (!strcmp(argv[1], "fork"))
		rc = forked(bytes);
	else if (!strcmp(argv[1], "children"))
		rc = children(bytes);
	else if (!strcmp(argv[1], "signal"))
		in_signals((unsigned long)arg);
	else if (!strcmp(argv[1], "churn"))
		churn((unsigned long)arg);
	else if (!strcmp(argv[1], "errno"))
		errors((unsigned long)arg);
	else
		return 2;
	double t1 = now();
	print_counted();
	printf("elapsed %.4f\n", t1 - t0);
	return rc;
}
