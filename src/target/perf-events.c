/* perf-events.c — the perf backend's events and ring buffers: opening a
 * thread's events on every CPU, reading the records the kernel wrote,
 * giving their space back. */
#include "config.h"
#include "target/perf.h"
#include "model/xalloc.h"
#include <asm/perf_regs.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The user registers a sample carries: those libunwind may read (the
 * flags and segment registers left out). perf-records.c reads them in
 * this order: the bits' order. */
#define REGS_MASK                                                                               \
	((1ull << PERF_REG_X86_AX) | (1ull << PERF_REG_X86_BX) | (1ull << PERF_REG_X86_CX) |     \
	 (1ull << PERF_REG_X86_DX) | (1ull << PERF_REG_X86_SI) | (1ull << PERF_REG_X86_DI) |     \
	 (1ull << PERF_REG_X86_BP) | (1ull << PERF_REG_X86_SP) | (1ull << PERF_REG_X86_IP) |     \
	 (0xffull << PERF_REG_X86_R8))

#define MIN_RING_BYTES (64 * 1024)

int perf_event_open_fd(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* What every event of the backend shares: times on CLOCK_MONOTONIC (the
 * rest of the program's clock), user mode only (perf_event_paranoid 2
 * allows that on a user's own processes; the sampling event asks for
 * kernel mode too where it may, perf_open_thread), inherited by the threads
 * (and child processes, unless inherit_thread) created after it is opened. */
static void common_attr(struct perf_event_attr *a, bool inherit_thread)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->exclude_kernel = 1;
	a->exclude_hv = 1;
	a->inherit = 1;
	a->inherit_thread = inherit_thread;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
	a->sample_id_all = 1;
	a->watermark = 1;
}

uint64_t perf_period_ns(unsigned frequency)
{
	return 1000000000ull / (frequency ? frequency : 999);
}

void perf_sampling_attr(struct perf_event_attr *a, unsigned frequency, size_t stack_copy,
			bool inherit_thread)
{
	common_attr(a, inherit_thread);
	a->config = PERF_COUNT_SW_CPU_CLOCK;
	a->sample_period = perf_period_ns(frequency);
	a->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_REGS_USER |
			 PERF_SAMPLE_STACK_USER;
	a->sample_regs_user = REGS_MASK;
	a->sample_stack_user = (uint32_t)stack_copy;
	/* each inherited event's count (the thread's CPU time on that CPU) in a
	 * READ record at the thread's end: what its samples do not cover
	 * (perf-records.c, on_read) */
	a->inherit_stat = 1;
}

/* The record event: no samples, only what happens to the threads. */
static void record_attr(struct perf_event_attr *a, bool inherit_thread)
{
	common_attr(a, inherit_thread);
	a->config = PERF_COUNT_SW_DUMMY;
	a->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
	a->mmap = a->mmap2 = a->mmap_data = 1; /* (data: the ELF headers, .eh_frame) */
	a->comm = a->comm_exec = 1;
	a->task = 1;
	a->wakeup_watermark = 1; /* every record wakes the sampling thread */
}

/* Map fd's ring: bytes of data (halved down to MIN_RING_BYTES while the
 * locked-memory limit refuses it). 0, or -1 with errno. */
static int map_ring(struct perf_ring *r, int fd, uint64_t bytes)
{
	long page = sysconf(_SC_PAGESIZE);
	for (;; bytes /= 2) {
		void *m = mmap(NULL, (size_t)(bytes + (uint64_t)page), PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0);
		if (m != MAP_FAILED) {
			r->fd = fd;
			r->meta = m;
			r->data = (uint8_t *)m + page;
			r->size = bytes;
			r->head = 0;
			return 0;
		}
		if ((errno != EPERM && errno != ENOMEM) || bytes / 2 < MIN_RING_BYTES)
			return -1;
	}
}

/* Send fd's records to ring r, made with fd when it has none yet. */
static int attach_ring(struct perf_ring *r, int fd, uint64_t bytes)
{
	if (r->fd < 0)
		return map_ring(r, fd, bytes);
	return ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, r->fd);
}

static void keep_fd(struct perf_sampler *ps, int fd)
{
	*VEC_PUSH(ps->fds, ps->nfds, ps->cap_fds) = fd;
}

static void unmap_ring(struct perf_ring *r)
{
	if (r->fd >= 0)
		munmap(r->meta, (size_t)(r->size + (uint64_t)sysconf(_SC_PAGESIZE)));
	r->fd = -1;
}

/* The ring mapped through event fd, or NULL. */
static struct perf_ring *ring_of(const struct perf_sampler *ps, int fd)
{
	for (int i = 0; fd >= 0 && i < 2 * ps->ncpu; i++)
		if (ps->rings[i].fd == fd)
			return &ps->rings[i];
	return NULL;
}

/* A thread's open failed part way: close what it opened (and the rings
 * made with them, when it was the first). */
static void close_since(struct perf_sampler *ps, size_t from)
{
	for (size_t i = from; i < ps->nfds; i++) {
		struct perf_ring *r = ring_of(ps, ps->fds[i]);
		if (r)
			unmap_ring(r);
		close(ps->fds[i]);
	}
	ps->nfds = from;
}

int perf_open_thread(struct perf_sampler *ps, pid_t tid, bool enable_on_exec)
{
	struct perf_event_attr sa, ra;
	perf_sampling_attr(&sa, ps->cfg.frequency, ps->stack_copy, ps->inherit_thread);
	sa.wakeup_watermark = (uint32_t)(ps->sample_ring_bytes / 2);
	sa.disabled = enable_on_exec || ps->paused;
	sa.enable_on_exec = enable_on_exec;
	sa.exclude_kernel = ps->pub.user_mode_only;
	record_attr(&ra, ps->inherit_thread);
	size_t opened = 0, from = ps->nfds;
	for (int cpu = 0; cpu < ps->ncpu; cpu++) {
		int sfd = perf_event_open_fd(&sa, tid, cpu);
		if (sfd < 0 && (errno == EACCES || errno == EPERM) && !ps->pub.user_mode_only) {
			ps->pub.user_mode_only = true; /* (paranoid 2) */
			sa.exclude_kernel = 1;
			sfd = perf_event_open_fd(&sa, tid, cpu);
		}
		if (sfd < 0 && errno == ENODEV)
			continue; /* an offline CPU */
		int rfd = sfd >= 0 ? perf_event_open_fd(&ra, tid, cpu) : -1;
		if (sfd >= 0)
			keep_fd(ps, sfd);
		if (rfd >= 0)
			keep_fd(ps, rfd);
		if (rfd < 0 || attach_ring(&ps->rings[cpu], sfd, ps->sample_ring_bytes) ||
		    attach_ring(&ps->rings[ps->ncpu + cpu], rfd, ps->record_ring_bytes)) {
			int e = errno;
			close_since(ps, from); /* (sampled on some CPUs only, it would be
						  under-counted unseen) */
			errno = e;
			return -1;
		}
		opened++;
	}
	if (!opened)
		errno = ENODEV;
	return opened ? 0 : -1;
}

bool perf_close_direct(struct perf_sampler *ps, pid_t tid)
{
	uint64_t v;
	if (!u64map_get(&ps->direct, (uint32_t)tid, &v))
		return false;
	u64map_del(&ps->direct, (uint32_t)tid);
	for (size_t i = (size_t)(v >> 24); i < (size_t)(v >> 24) + (v & 0xffffff) && i < ps->nfds; i++) {
		if (ps->fds[i] < 0 || ring_of(ps, ps->fds[i]))
			continue; /* (the rings are mapped through the first thread's) */
		close(ps->fds[i]);
		ps->fds[i] = -1;
	}
	return true;
}

/* The time of a record: in its body (samples, forks, exits) or in the
 * sample_id trailer every other record carries (sample_id_all). */
static uint64_t record_time(const struct perf_event_header *h)
{
	const uint8_t *b = (const uint8_t *)(h + 1);
	uint64_t t = 0;
	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		memcpy(&t, b + 8, 8); /* after pid, tid */
		break;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		memcpy(&t, b + 16, 8); /* after pid, ppid, tid, ptid */
		break;
	default:
		if (h->size >= sizeof(*h) + 16)
			memcpy(&t, (const uint8_t *)h + h->size - 8, 8);
	}
	return t;
}

static int by_time(const void *a, const void *b)
{
	const struct perf_record *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->ring != y->ring)
		return x->ring < y->ring ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Read ring i's new records up to time `until` into ps->recs (a record that
 * wraps around the end of the ring is copied whole into scratch). A ring
 * holds its CPU's records in time order: the first one past `until` and
 * those after it stay in the ring for the next read. */
static void read_ring(struct perf_sampler *ps, uint32_t i, uint64_t until)
{
	struct perf_ring *r = &ps->rings[i];
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t pos = r->meta->data_tail, mask = r->size - 1;
	uint32_t seq = 0;
	while (pos < head) {
		const struct perf_event_header *h = (const void *)(r->data + (pos & mask));
		if (h->size < sizeof(*h) || pos + h->size > head)
			break; /* (cannot happen: the kernel writes whole records) */
		struct perf_record rec = {.ring = i, .seq = seq, .off = pos & mask};
		if ((pos & mask) + h->size > r->size) {
			size_t first = (size_t)(r->size - (pos & mask));
			xgrow((void **)&ps->scratch, &ps->scratch_cap, ps->scratch_len + h->size, 1);
			memcpy(ps->scratch + ps->scratch_len, h, first);
			memcpy(ps->scratch + ps->scratch_len + first, r->data, h->size - first);
			rec.off = ps->scratch_len;
			rec.copied = true;
			h = (const void *)(ps->scratch + ps->scratch_len);
		}
		rec.time = record_time(h);
		if (rec.time > until)
			break;
		if (rec.copied)
			ps->scratch_len += h->size;
		*VEC_PUSH(ps->recs, ps->nrecs, ps->cap_recs) = rec;
		seq++;
		pos += h->size;
	}
	r->head = pos;
}

void perf_read_rings(struct perf_sampler *ps, uint64_t until)
{
	ps->nrecs = ps->scratch_len = 0;
	for (uint32_t i = 0; i < 2 * (uint32_t)ps->ncpu; i++)
		if (ps->rings[i].fd >= 0)
			read_ring(ps, i, until);
	for (size_t k = 0; k < ps->nrecs; k++) { /* (scratch is final now) */
		struct perf_record *rec = &ps->recs[k];
		rec->h = (const void *)(rec->copied ? ps->scratch + rec->off
						    : ps->rings[rec->ring].data + rec->off);
	}
	if (ps->nrecs > 1) /* (recs is NULL until the first) */
		qsort(ps->recs, ps->nrecs, sizeof(*ps->recs), by_time);
}

void perf_release_rings(struct perf_sampler *ps)
{
	for (int i = 0; i < 2 * ps->ncpu; i++)
		if (ps->rings[i].fd >= 0)
			__atomic_store_n(&ps->rings[i].meta->data_tail, ps->rings[i].head,
					 __ATOMIC_RELEASE);
}

void perf_enable_sampling(struct perf_sampler *ps, bool on)
{
	for (size_t i = 0; i < ps->nfds; i += 2)
		if (ps->fds[i] >= 0)
			ioctl(ps->fds[i], on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
}

uint64_t perf_counted_ns(struct perf_sampler *ps)
{
	uint64_t sum = 0, v;
	for (size_t i = 0; i < ps->nfds; i += 2)
		if (ps->fds[i] >= 0 && read(ps->fds[i], &v, sizeof(v)) == (ssize_t)sizeof(v))
			sum += v;
	return sum;
}

void perf_close_events(struct perf_sampler *ps)
{
	for (int i = 0; ps->rings && i < 2 * ps->ncpu; i++)
		unmap_ring(&ps->rings[i]);
	for (size_t i = 0; i < ps->nfds; i++)
		if (ps->fds[i] >= 0)
			close(ps->fds[i]);
	ps->nfds = 0;
	u64map_clear(&ps->direct);
}
