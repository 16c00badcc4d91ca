/* allocs.c — the ring of the allocation sampler, made and read by
 * cprof-tui; see allocs.h and preload/ring.h. */
#include "config.h"
#include "target/allocs.h"
#include "preload/ring.h"
#include "model/hash.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

struct alloc_source {
	struct ring *ring;
	int fd;
	char *library, *ring_var, *cookie_var;
	char **env; size_t nenv, cap_env; /* the launched programs' environment */
	uint64_t alloc_tail;           /* samples read, up to here; done at alloc_source_done */
	uint64_t last_id;              /* of the last sample read */
	uint64_t last_drained;         /* bytes of samples the last drain found */
	/* tid -> the sampler's index of the thread (its latest) */
	const struct sampler *s;
	struct u64map threads;
	size_t threads_known;
	uint64_t samples, unknown;
	struct u64map pids;            /* processes that said hello */
	pid_t first_pid;
};

int alloc_check_program(const char *path, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0; /* (sampler_check_program says why) */
	bool dynamic = false, elf = fread(&eh, sizeof(eh), 1, f) == 1 &&
				    !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELFCLASS64;
	for (unsigned i = 0; elf && i < eh.e_phnum && !dynamic; i++) {
		Elf64_Phdr ph;
		if (fseek(f, (long)(eh.e_phoff + (uint64_t)i * eh.e_phentsize), SEEK_SET) ||
		    fread(&ph, sizeof(ph), 1, f) != 1)
			break;
		dynamic = ph.p_type == PT_INTERP;
	}
	fclose(f);
	if (!elf || dynamic)
		return 0;
	char e[256];
	snprintf(err, errlen, "%s is linked statically: --memory samples allocations through a "
		 "library the dynamic loader preloads, which it never runs; link it dynamically, or "
		 "profile its CPU time without --memory", str_escape(e, sizeof(e), path));
	return -1;
}

static int init_lock(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	int rc = pthread_mutexattr_init(&a) || pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) ||
		 pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) || pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return rc;
}

/* Where the library is; false with the paths looked at in err. */
static bool find_library(char *out, size_t n, char *err, size_t errlen)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[len > 0 ? len : 0] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	char *built = xasprintf("%s/preload/" RING_LIBRARY, self);
	const char *installed = CPROF_PKGLIBDIR "/" RING_LIBRARY;
	bool found = true;
	if (access(built, R_OK) == 0)
		snprintf(out, n, "%s", built);
	else if (access(installed, R_OK) == 0)
		snprintf(out, n, "%s", installed);
	else
		found = false;
	if (!found) {
		char e[512];
		snprintf(err, errlen, "--memory needs " RING_LIBRARY ", which is neither at %s nor at "
			 "%s: build it (make) or install cprof-tui (make install)",
			 str_escape(e, sizeof(e), built), installed);
	}
	free(built);
	return found;
}

struct alloc_source *alloc_source_new(uint64_t interval, bool follow, char *err, size_t errlen)
{
	char library[PATH_MAX + 64];
	if (!find_library(library, sizeof(library), err, errlen))
		return NULL;
	if (library[0] != '/' || strpbrk(library, ": ")) {
		char e[256];
		snprintf(err, errlen, "%s cannot be preloaded (LD_PRELOAD takes an absolute path "
			 "without ':' or spaces): install cprof-tui elsewhere",
			 str_escape(e, sizeof(e), library));
		return NULL;
	}
	int fd = memfd_create("cprof-alloc-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	struct ring *r = MAP_FAILED;
	if (fd >= 0 && ftruncate(fd, sizeof(struct ring)) == 0 &&
	    fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) == 0)
		r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r == MAP_FAILED) {
		snprintf(err, errlen, "cannot make the memory shared with the allocation sampler: %s "
			 "(memfd, %zu MiB)", strerror(errno), sizeof(struct ring) >> 20);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	uint64_t cookie = 0;
	while (!cookie && getrandom(&cookie, sizeof(cookie), 0) != sizeof(cookie))
		cookie = now_ns() ^ (uint64_t)getpid() << 32;
	r->cookie = cookie;
	r->version = RING_VERSION;
	r->follow = follow;
	r->interval = interval;
	r->size = sizeof(*r);
	if (init_lock(&r->alloc_lock) || init_lock(&r->event_lock)) {
		snprintf(err, errlen, "cannot make the allocation sampler's locks (robust, shared)");
		munmap(r, sizeof(*r));
		close(fd);
		return NULL;
	}
	atomic_thread_fence(memory_order_release);
	r->magic = RING_MAGIC; /* last: a complete header */
	struct alloc_source *a = xcalloc(1, sizeof(*a));
	a->ring = r;
	a->fd = fd;
	a->library = xstrdup(library);
	a->ring_var = xasprintf(RING_ENV "=/proc/%d/fd/%d", (int)getpid(), fd);
	a->cookie_var = xasprintf(RING_ENV_COOKIE "=%llx", (unsigned long long)cookie);
	return a;
}

static bool is_var(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(entry, name, n) && entry[n] == '=';
}

char *const *alloc_source_env(struct alloc_source *a, char *const *env)
{
	for (size_t i = 0; i < a->nenv; i++)
		free(a->env[i]);
	a->nenv = 0;
	const char *preload = NULL;
	for (size_t i = 0; env[i]; i++) {
		if (is_var(env[i], "LD_PRELOAD"))
			preload = env[i] + strlen("LD_PRELOAD=");
		else if (!is_var(env[i], RING_ENV) && !is_var(env[i], RING_ENV_COOKIE))
			*VEC_PUSH(a->env, a->nenv, a->cap_env) = xstrdup(env[i]);
	}
	/* ours first: the allocator it passes on to is the one that follows it */
	*VEC_PUSH(a->env, a->nenv, a->cap_env) =
		preload && *preload ? xasprintf("LD_PRELOAD=%s:%s", a->library, preload)
				    : xasprintf("LD_PRELOAD=%s", a->library);
	*VEC_PUSH(a->env, a->nenv, a->cap_env) = xstrdup(a->ring_var);
	*VEC_PUSH(a->env, a->nenv, a->cap_env) = xstrdup(a->cookie_var);
	*VEC_PUSH(a->env, a->nenv, a->cap_env) = NULL;
	a->nenv--; /* (the NULL is not an entry) */
	return a->env;
}

/* The sampler's threads by tid (the latest of a tid), for the samples'
 * thread indexes. A new sampler (the program run again) starts over. */
static void see_threads(struct alloc_source *a, const struct sampler *s)
{
	if (s != a->s) {
		u64map_clear(&a->threads);
		a->threads_known = 0;
		a->s = s;
	}
	for (; a->threads_known < s->nthreads; a->threads_known++)
		u64map_put(&a->threads, (uint32_t)s->threads[a->threads_known].tid, a->threads_known);
}

/* Sample ra into b: false when its thread is not one the sampler knows.
 * (ra's stack_len is within its record.) */
static bool take_sample(struct alloc_source *a, const struct ring_alloc *ra, struct alloc_batch *b)
{
	uint64_t thread;
	if (!u64map_get(&a->threads, (uint32_t)ra->tid, &thread) ||
	    a->s->threads[thread].pid != ra->pid)
		return false;
	size_t len = ra->stack_len;
	struct raw_sample *rs = raw_batch_add(&b->raw, (uint32_t)thread, ra->pid, ra->tid, len);
	rs->time_ns = ra->time_ns;
	rs->regs.rip = ra->regs.rip;
	rs->regs.rsp = ra->regs.rsp;
	rs->regs.rbp = ra->regs.rbp;
	rs->regs.rbx = ra->regs.rbx;
	rs->regs.r12 = ra->regs.r12;
	rs->regs.r13 = ra->regs.r13;
	rs->regs.r14 = ra->regs.r14;
	rs->regs.r15 = ra->regs.r15;
	memcpy(b->raw.stack + rs->stack_off, ra->stack, len);
	xgrow((void **)&b->info, &b->cap_info, b->raw.len, sizeof(*b->info));
	b->info[b->raw.len - 1] = (struct alloc_info){ra->id, ra->size, ra->weight, ra->caller};
	return true;
}

/* The samples from the last drain's end to the ring's head into b. */
static void drain_samples(struct alloc_source *a, struct alloc_batch *b)
{
	struct ring *r = a->ring;
	uint64_t head = atomic_load_explicit(&r->alloc_head, memory_order_acquire), t;
	a->last_drained = head - a->alloc_tail;
	for (t = a->alloc_tail; t < head;) {
		uint64_t at = t % RING_BYTES;
		const struct ring_alloc *ra = (const struct ring_alloc *)(r->allocs + at);
		uint32_t len = ra->len; /* (written by the target: nothing in it is trusted) */
		if (len == RING_PAD) {
			t += RING_BYTES - at;
			continue;
		}
		if (len < sizeof(*ra) || len % 8 || len > RING_BYTES - at || len > head - t ||
		    ra->stack_len > len - sizeof(*ra)) {
			a->unknown++; /* a damaged ring: what is left of it is lost */
			t = head;
			break;
		}
		if (take_sample(a, ra, b))
			a->samples++;
		else
			a->unknown++;
		a->last_id = ra->id;
		t += len;
	}
	a->alloc_tail = t;
}

/* The events in order into b, up to a free of a sample not read yet
 * (written since the samples were drained). */
static void drain_events(struct alloc_source *a, struct alloc_batch *b)
{
	struct ring *r = a->ring;
	uint64_t end = atomic_load_explicit(&r->event_head, memory_order_acquire);
	uint64_t t = atomic_load_explicit(&r->event_tail, memory_order_relaxed);
	for (; t < end; t++) {
		const struct ring_event *e = &r->events[t % RING_EVENT_SLOTS];
		if (e->kind == RING_FREE && e->id > a->last_id)
			break;
		if (e->kind == RING_FREE)
			*VEC_PUSH(b->frees, b->nfrees, b->cap_frees) = (struct alloc_free){e->id, e->time_ns};
		else if (e->kind == RING_HEAP_AT_EXIT)
			*VEC_PUSH(b->heaps, b->nheaps, b->cap_heaps) = (struct alloc_heap){e->pid, e->id};
		else if (e->kind == RING_HELLO && !u64map_get(&a->pids, (uint32_t)e->pid, NULL)) {
			u64map_put(&a->pids, (uint32_t)e->pid, 1);
			if (!a->first_pid)
				a->first_pid = e->pid;
		}
	}
	atomic_store_explicit(&r->event_tail, t, memory_order_release);
}

void alloc_source_drain(struct alloc_source *a, const struct sampler *s, struct alloc_batch *b)
{
	see_threads(a, s);
	drain_samples(a, b);
	drain_events(a, b);
}

void alloc_source_done(struct alloc_source *a)
{
	atomic_store_explicit(&a->ring->alloc_tail, a->alloc_tail, memory_order_release);
}

double alloc_source_fill(const struct alloc_source *a)
{
	return (double)a->last_drained / RING_BYTES;
}

void alloc_source_pause(struct alloc_source *a, bool paused)
{
	atomic_store(&a->ring->paused, paused);
}

void alloc_source_counts(const struct alloc_source *a, struct alloc_counts *c)
{
	*c = (struct alloc_counts){
		.samples = a->samples,
		.lost = atomic_load(&a->ring->lost_allocs) + a->unknown,
		.frees_lost = atomic_load(&a->ring->lost_events),
		.processes = a->pids.len,
		.first_pid = a->first_pid,
	};
}

bool alloc_source_saw(const struct alloc_source *a, pid_t pid)
{
	return u64map_get(&a->pids, (uint32_t)pid, NULL);
}

void alloc_source_close(struct alloc_source *a)
{
	atomic_store(&a->ring->closed, 1);
}

void alloc_source_free(struct alloc_source *a)
{
	if (!a)
		return;
	alloc_source_close(a);
	munmap(a->ring, sizeof(*a->ring));
	close(a->fd);
	for (size_t i = 0; i < a->nenv; i++)
		free(a->env[i]);
	free(a->env);
	free(a->library);
	free(a->ring_var);
	free(a->cookie_var);
	u64map_free(&a->threads);
	u64map_free(&a->pids);
	free(a);
}

void alloc_batch_clear(struct alloc_batch *b)
{
	raw_batch_clear(&b->raw);
	b->nfrees = b->nheaps = 0;
}

void alloc_batch_free(struct alloc_batch *b)
{
	raw_batch_free(&b->raw);
	free(b->info);
	free(b->frees);
	free(b->heaps);
	memset(b, 0, sizeof(*b));
}
