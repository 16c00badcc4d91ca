#include "config.h"
#include "stack/unwind.h"
#include "stack/ehtable.h"
#include "model/hash.h"
#include "target/procfs.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <libunwind-ptrace.h>
#include <libunwind.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

/* Exported by libunwind but not declared in its public headers. */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip,
					      unw_dyn_info_t *di, unw_proc_info_t *pi,
					      int need_unwind_info, void *arg);

#define PAGE 4096u
#define MAPS_BACKOFF_MIN_NS 1000000ull    /* see find_map */
#define MAPS_BACKOFF_MAX_NS 1000000000ull

struct page_entry {
	uint64_t dev, inode, off; /* identity: file page (or vDSO address for inode 0) */
	uint8_t data[PAGE];
};

/* A frame of an unwind: where it is, the registers its callers can be
 * restored from, and where its reads of stack memory start in the unwind's
 * read log. */
struct frame_state {
	uint64_t ip, sp;
	uint64_t saved[6]; /* rbx, rbp, r12-r15 */
	uint32_t first_read;
};

/* A word of the stack snapshot the unwinder read. */
struct stack_read {
	uint64_t addr, val;
};

#define MEMO_SLOTS 64 /* threads whose last unwind is kept (by tid) */

/* A thread's last unwind, to reuse its outer frames. */
struct memo {
	pid_t tid;                   /* 0: empty, or not reusable */
	struct frame_state *frames;  /* innermost first */
	size_t n, cap_frames;
	struct stack_read *reads;    /* in the order read; frames[i].first_read indexes it */
	size_t nreads, cap_reads;
	long volatile_at;            /* last frame whose unwinding read a caller-saved
					register of the sample (-1: none) */
};

/* A module (a file mapped) of the process: its unwind table, found in
 * memory (ehtable.h) or else by libunwind-ptrace, and the file itself, to
 * read its pages from once the process is gone. */
struct module {
	uint64_t dev, inode;
	int table;           /* 1: di found in memory, -1: none there, 0: not looked */
	unw_dyn_info_t di;
	void *upt;           /* libunwind-ptrace's handle (tables it finds itself) */
	int fd;              /* the file, checked to be this module's (-2: not opened yet) */
};

struct unwinder {
	pid_t pid;
	unw_addr_space_t as;
	struct maps maps;
	unwind_maps_fn maps_fn;    /* a backend's record of them, or NULL */
	void *maps_ctx;
	uint64_t maps_version;     /* of the backend's record copied into maps */
	uint64_t maps_read_ns;
	uint64_t maps_backoff_ns;  /* no re-read sooner than this after the last */

	struct page_entry **pages;
	size_t npages, cap_pages;
	struct u64map page_index; /* interned by identity (intern_find) */
	struct page_entry *last_page;
	uint64_t last_page_addr;   /* target address of last_page */

	struct module *mods;
	size_t nmods, cap_mods;

	uint64_t vdso_start;      /* vDSO the table below describes (0: none) */
	unw_dyn_info_t vdso_di;
	bool vdso_ok;

	const struct unwind_input *cur; /* the sample being unwound */

	struct memo memo[MEMO_SLOTS];
	struct memo now;   /* the unwind in progress (becomes its thread's memo) */
	bool read_live;    /* it read memory that is neither snapshot nor read-only */
	uint64_t stepped, reused;
};

static void forget_memos(struct unwinder *u)
{
	for (int i = 0; i < MEMO_SLOTS; i++)
		u->memo[i].tid = 0;
}

static int reload_maps(struct unwinder *u)
{
	u->maps_read_ns = now_ns();
	int rc = u->maps_fn ? u->maps_fn(u->maps_ctx, u->pid, &u->maps, &u->maps_version) : -1;
	if (rc == 0)
		return 0; /* unchanged: the memos stand */
	forget_memos(u); /* what was code may be no longer */
	for (size_t i = 0; i < u->nmods; i++)
		u->mods[i].table = 0; /* (a module mapped again elsewhere) */
	return rc > 0 ? 0 : procfs_read_maps(u->pid, &u->maps);
}

/* The mapping of addr. An address in none (for code: in none that is
 * executable) is either code mapped since the maps were read (a library
 * loaded at start-up or by dlopen: re-read them now, or that sample's stack
 * ends there; dlopen maps the library where ld.so had just mapped and
 * unmapped /etc/ld.so.cache, seen in maps read in between) or an unwinder
 * gone astray (do not re-read /proc/PID/maps for every such sample): each
 * re-read that does not find the address doubles the time before the next
 * one, up to a second; one that does resets it. */
static const struct map *find_map(struct unwinder *u, uint64_t addr, bool code)
{
	const struct map *m = procfs_maps_find(&u->maps, addr);
	if ((m && (m->executable || !code)) || now_ns() - u->maps_read_ns < u->maps_backoff_ns ||
	    reload_maps(u))
		return m;
	m = procfs_maps_find(&u->maps, addr);
	if (m && (m->executable || !code))
		u->maps_backoff_ns = 0;
	else if (u->maps_backoff_ns < MAPS_BACKOFF_MAX_NS)
		u->maps_backoff_ns = u->maps_backoff_ns ? 2 * u->maps_backoff_ns : MAPS_BACKOFF_MIN_NS;
	return m;
}

static bool live_read(struct unwinder *u, uint64_t addr, void *buf, size_t len)
{
	u->read_live = true;
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	pid_t via = u->cur && u->cur->tid ? u->cur->tid : u->pid; /* alive (see procfs_live_task) */
	return process_vm_readv(via, &local, 1, &remote, 1, 0) == (ssize_t)len;
}

static struct module *module_of(struct unwinder *u, const struct map *m)
{
	for (size_t i = 0; i < u->nmods; i++)
		if (u->mods[i].dev == m->dev && u->mods[i].inode == m->inode)
			return &u->mods[i];
	struct module *mod = VEC_PUSH(u->mods, u->nmods, u->cap_mods);
	*mod = (struct module){.dev = m->dev, .inode = m->inode, .fd = -2};
	return mod;
}

/* A page of a mapped file, read from the file (the process is gone): only
 * when the file at the mapping's path is still the one mapped. */
static bool file_read(struct unwinder *u, const struct map *m, uint64_t page_addr, uint8_t *buf)
{
	if (!m->inode || m->path[0] != '/')
		return false;
	struct module *mod = module_of(u, m);
	if (mod->fd == -2) {
		struct stat st;
		mod->fd = open(m->path, O_RDONLY | O_CLOEXEC);
		if (mod->fd >= 0 && (fstat(mod->fd, &st) || st.st_ino != m->inode ||
				     ((uint64_t)major(st.st_dev) << 32 | minor(st.st_dev)) != m->dev)) {
			close(mod->fd);
			mod->fd = -1;
		}
	}
	ssize_t n = mod->fd >= 0 ? pread(mod->fd, buf, PAGE, (off_t)(page_addr - m->start + m->offset))
				 : -1;
	if (n < 0)
		return false;
	memset(buf + n, 0, PAGE - (size_t)n); /* (past the end of the file: zeros) */
	return true;
}

struct page_key {
	const struct unwinder *u;
	const uint64_t *key; /* dev, inode, offset */
};

static bool same_page(const void *ctx, uint64_t id)
{
	const struct page_key *k = ctx;
	const struct page_entry *pe = k->u->pages[id];
	return pe->dev == k->key[0] && pe->inode == k->key[1] && pe->off == k->key[2];
}

/* A read-only page of the target, cached by file identity. */
static struct page_entry *cached_page(struct unwinder *u, uint64_t page_addr)
{
	if (u->last_page && u->last_page_addr == page_addr)
		return u->last_page;
	const struct map *m = find_map(u, page_addr, false);
	if (!m || m->writable || !m->readable || !strcmp(m->path, "[vvar]"))
		return NULL;
	uint64_t key[3];
	if (m->inode) {
		key[0] = m->dev;
		key[1] = m->inode;
		key[2] = page_addr - m->start + m->offset;
	} else {
		key[0] = key[1] = 0; /* the vDSO and other anonymous read-only memory */
		key[2] = page_addr;
	}
	struct page_key k = {u, key};
	uint64_t slot = 0;
	int64_t idx = intern_find(&u->page_index, hash_bytes(key, sizeof(key), 3), same_page, &k, &slot);
	if (idx >= 0) {
		u->last_page = u->pages[idx];
		u->last_page_addr = page_addr;
		return u->last_page;
	}
	struct page_entry *pe = xmalloc(sizeof(*pe));
	bool was_live = u->read_live; /* read-only file pages do not change */
	bool ok = live_read(u, page_addr, pe->data, PAGE) || file_read(u, m, page_addr, pe->data);
	u->read_live = was_live;
	if (!ok) {
		free(pe);
		return NULL;
	}
	pe->dev = key[0];
	pe->inode = key[1];
	pe->off = key[2];
	*VEC_PUSH(u->pages, u->npages, u->cap_pages) = pe;
	u64map_put(&u->page_index, slot, u->npages - 1);
	u->last_page = pe;
	u->last_page_addr = page_addr;
	return pe;
}

/* Read len bytes of target memory as of the snapshot. */
static bool mem_read(struct unwinder *u, uint64_t addr, void *buf, size_t len)
{
	const struct unwind_input *in = u->cur;
	if (in && in->stack) {
		uint64_t sp = in->regs->rsp;
		/* (no addr + len: a wild address near 2^64 wraps it; seen under valgrind) */
		if (addr >= sp && addr - sp <= in->stack_len && len <= in->stack_len - (addr - sp)) {
			memcpy(buf, in->stack + (addr - sp), len);
			if (len == sizeof(uint64_t))
				*VEC_PUSH(u->now.reads, u->now.nreads, u->now.cap_reads) =
					(struct stack_read){addr, *(uint64_t *)buf};
			else
				u->read_live = true; /* not logged: not reusable */
			return true;
		}
	}
	uint64_t page_addr = addr & ~(uint64_t)(PAGE - 1);
	if (len <= PAGE - (addr - page_addr)) {
		struct page_entry *pe = cached_page(u, page_addr);
		if (pe) {
			memcpy(buf, pe->data + (addr - page_addr), len);
			return true;
		}
	}
	return live_read(u, addr, buf, len);
}

/* ---- libunwind accessors ---- */

static struct unwinder *current; /* libunwind passes _UPT handles as arg, not ours */

static int acc_access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
			  void *arg)
{
	if (write)
		return -UNW_EINVAL;
	return mem_read(current, addr, val, sizeof(*val)) ? 0 : -UNW_EINVAL;
}

static int acc_access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
			  void *arg)
{
	const struct unwind_input *in = current->cur;
	const struct user_regs_struct *r = in->regs;
	if (write)
		return -UNW_EREADONLYREG;
	switch (reg) {
	case UNW_X86_64_RIP: *val = r->rip; return 0;
	case UNW_X86_64_RSP: *val = r->rsp; return 0;
	case UNW_X86_64_RBX: case UNW_X86_64_RBP: case UNW_X86_64_R12: case UNW_X86_64_R13:
	case UNW_X86_64_R14: case UNW_X86_64_R15:
		break; /* callee-saved: part of every frame's state (struct frame_state) */
	default:
		/* a caller-saved register: only the innermost frame's are known,
		 * and an unwind that depended on them is not reused past this frame */
		if (current->now.n)
			current->now.volatile_at = (long)current->now.n - 1;
		break;
	}
	if (in->regs_partial) {
		/* Only rsp and rip are known (a thread seen asleep, not stopped).
		 * Callee-saved registers are read for restoring, rarely for a CFA
		 * (code without frame pointers computes it from rsp): zero lets
		 * the unwinder go on, and a CFA built on it fails to read and
		 * ends the stack as incomplete rather than inventing one. */
		*val = 0;
		return 0;
	}
	switch (reg) {
	case UNW_X86_64_RAX: *val = r->rax; break;
	case UNW_X86_64_RDX: *val = r->rdx; break;
	case UNW_X86_64_RCX: *val = r->rcx; break;
	case UNW_X86_64_RBX: *val = r->rbx; break;
	case UNW_X86_64_RSI: *val = r->rsi; break;
	case UNW_X86_64_RDI: *val = r->rdi; break;
	case UNW_X86_64_RBP: *val = r->rbp; break;
	case UNW_X86_64_R8: *val = r->r8; break;
	case UNW_X86_64_R9: *val = r->r9; break;
	case UNW_X86_64_R10: *val = r->r10; break;
	case UNW_X86_64_R11: *val = r->r11; break;
	case UNW_X86_64_R12: *val = r->r12; break;
	case UNW_X86_64_R13: *val = r->r13; break;
	case UNW_X86_64_R14: *val = r->r14; break;
	case UNW_X86_64_R15: *val = r->r15; break;
	default: return -UNW_EBADREG;
	}
	return 0;
}

static int acc_access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
			    void *arg)
{
	return -UNW_EBADREG;
}

static int acc_resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	return -UNW_EINVAL;
}

static int acc_get_proc_name(unw_addr_space_t as, unw_word_t ip, char *buf, size_t len,
			     unw_word_t *off, void *arg)
{
	return -UNW_ENOINFO; /* names come from libdw (symbols.c) */
}

static int acc_get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	return -UNW_ENOINFO; /* no JIT-registered unwind info */
}

static bool table_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return mem_read(ctx, addr, buf, len);
}

/* The vDSO has no file libunwind could open: its table from memory. */
static bool vdso_table(struct unwinder *u, const struct map *m)
{
	if (u->vdso_start != m->start) {
		u->vdso_start = m->start;
		u->vdso_ok = ehtable_find(table_read, u, m->start, m->start, m->end, &u->vdso_di);
	}
	return u->vdso_ok;
}

/* A file module's table, from memory: its mapping of file offset 0 holds
 * the ELF headers. NULL when that fails (libunwind-ptrace may then find
 * one, in a .debug_frame, while the process lives). */
static const unw_dyn_info_t *module_table(struct unwinder *u, struct module *mod)
{
	if (!mod->table) {
		uint64_t base = 0, lo = UINT64_MAX, hi = 0;
		for (size_t i = 0; i < u->maps.len; i++) {
			const struct map *e = &u->maps.v[i];
			if (e->dev != mod->dev || e->inode != mod->inode)
				continue;
			if (!e->offset && !base)
				base = e->start;
			lo = e->start < lo ? e->start : lo;
			hi = e->end > hi ? e->end : hi;
		}
		mod->table = base && ehtable_find(table_read, u, base, lo, hi, &mod->di) ? 1 : -1;
	}
	return mod->table > 0 ? &mod->di : NULL;
}

static int acc_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			      int need_unwind_info, void *arg)
{
	struct unwinder *u = current;
	const struct map *m = find_map(u, ip, true);
	if (!m || !m->executable)
		return -UNW_ENOINFO;
	if (!strcmp(m->path, "[vdso]")) {
		if (!vdso_table(u, m))
			return -UNW_ENOINFO;
		return _Ux86_64_dwarf_search_unwind_table(as, ip, &u->vdso_di, pi, need_unwind_info,
							  NULL);
	}
	if (!m->inode)
		return -UNW_ENOINFO; /* anonymous code (JIT): no tables */
	struct module *mod = module_of(u, m);
	const unw_dyn_info_t *di = module_table(u, mod);
	if (di)
		return _Ux86_64_dwarf_search_unwind_table(as, ip, (unw_dyn_info_t *)di, pi,
							  need_unwind_info, NULL);
	if (!mod->upt) {
		pid_t live = procfs_live_task(u->pid); /* libunwind reads its maps */
		mod->upt = _UPT_create(live > 0 ? live : u->pid);
	}
	return mod->upt ? _UPT_find_proc_info(as, ip, pi, need_unwind_info, mod->upt)
			: -UNW_ENOINFO;
}

static void acc_put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	_UPT_put_unwind_info(as, pi, arg);
}

static unw_accessors_t accessors = {
	.find_proc_info = acc_find_proc_info,
	.put_unwind_info = acc_put_unwind_info,
	.get_dyn_info_list_addr = acc_get_dyn_info_list_addr,
	.access_mem = acc_access_mem,
	.access_reg = acc_access_reg,
	.access_fpreg = acc_access_fpreg,
	.resume = acc_resume,
	.get_proc_name = acc_get_proc_name,
};

/* libunwind masks every signal around each use of its caches (two
 * sigprocmask calls per frame stepped), so that a signal handler unwinding
 * in the same thread never finds them half-updated. No signal handler of
 * cprof-tui unwinds, and here a system call costs 1.2 us: 48 frames cost
 * ~120 us of masking per sample (the deep workload: unwinding took 150-170
 * us a sample with it, 20 us without). This definition takes the place of libc's
 * (the dynamic linker binds libunwind's calls to the executable's
 * sigprocmask); called from libunwind's code it does nothing, called from
 * anywhere else it does what libc's does. libunwind's locks still
 * serialise its caches between threads. */
static uintptr_t unw_text_lo, unw_text_hi; /* libunwind's code */
static uint64_t masks_skipped;

static int find_unw_text(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	uintptr_t fn = (uintptr_t)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && fn >= lo && fn < hi) {
			unw_text_lo = lo;
			unw_text_hi = hi;
			return 1;
		}
	}
	return 0;
}

/* before main, so before any thread reads the range */
__attribute__((constructor)) static void find_libunwind(void)
{
	dl_iterate_phdr(find_unw_text, (void *)(uintptr_t)&unw_step);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	uintptr_t caller = (uintptr_t)__builtin_return_address(0);
	if (caller >= unw_text_lo && caller < unw_text_hi) {
		__atomic_add_fetch(&masks_skipped, 1, __ATOMIC_RELAXED);
		if (old) /* only ever handed back to the matching call */
			sigemptyset(old);
		return 0;
	}
	int rc = pthread_sigmask(how, set, old);
	if (rc) {
		errno = rc;
		return -1;
	}
	return 0;
}

struct unwinder *unwind_new(pid_t pid)
{
	struct unwinder *u = xcalloc(1, sizeof(*u));
	u->pid = pid;
	u->as = unw_create_addr_space(&accessors, 0);
	if (!u->as) {
		free(u);
		return NULL;
	}
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	unw_set_cache_size(u->as, 4096, 0);
	u64map_init(&u->page_index);
	return u;
}

void unwind_set_maps_source(struct unwinder *u, unwind_maps_fn fn, void *ctx)
{
	u->maps_fn = fn;
	u->maps_ctx = ctx;
}

void unwind_flush(struct unwinder *u)
{
	forget_memos(u);
	for (size_t i = 0; i < u->npages; i++)
		free(u->pages[i]);
	u->npages = 0;
	u64map_clear(&u->page_index);
	u->last_page = NULL;
	for (size_t i = 0; i < u->nmods; i++) {
		if (u->mods[i].upt)
			_UPT_destroy(u->mods[i].upt);
		if (u->mods[i].fd >= 0)
			close(u->mods[i].fd);
	}
	u->nmods = 0;
	u->vdso_start = 0;
	u->vdso_ok = false;
	procfs_maps_free(&u->maps);
	u->maps_version = 0;
	unw_flush_cache(u->as, 0, 0);
}

void unwind_free(struct unwinder *u)
{
	if (!u)
		return;
	unwind_flush(u);
	free(u->pages);
	free(u->mods);
	for (int i = 0; i < MEMO_SLOTS; i++) {
		free(u->memo[i].frames);
		free(u->memo[i].reads);
	}
	free(u->now.frames);
	free(u->now.reads);
	u64map_free(&u->page_index);
	unw_destroy_addr_space(u->as);
	free(u);
}

static const unw_regnum_t saved_regs[6] = {UNW_X86_64_RBX, UNW_X86_64_RBP, UNW_X86_64_R12,
					  UNW_X86_64_R13, UNW_X86_64_R14, UNW_X86_64_R15};

static void get_state(unw_cursor_t *c, uint64_t ip, struct frame_state *f)
{
	unw_word_t v;
	f->ip = ip;
	f->sp = unw_get_reg(c, UNW_X86_64_RSP, &v) == 0 ? v : 0;
	for (int i = 0; i < 6; i++)
		f->saved[i] = unw_get_reg(c, saved_regs[i], &v) == 0 ? v : 0;
}

/* Is f, a caller frame of the unwind in progress, in the state the memo's
 * frame j was in (same place, same callee-saved registers), and does every
 * stack word the memo's unwind read from frame j on hold the same value in
 * this snapshot? Then unwinding on from f can only give the memo's callers
 * of frame j: libunwind's steps depend on nothing else (read-only memory
 * aside, and a memo that read other memory is not kept). Returns j, or -1. */
static long memo_match(const struct memo *m, const struct frame_state *f,
		       const struct unwind_input *in)
{
	size_t j = m->volatile_at < 1 ? 1 : (size_t)m->volatile_at + 1;
	while (j < m->n && m->frames[j].sp < f->sp)
		j++;
	for (; j < m->n && m->frames[j].sp == f->sp; j++) {
		const struct frame_state *g = &m->frames[j];
		if (g->ip != f->ip || memcmp(g->saved, f->saved, sizeof(f->saved)))
			continue;
		uint64_t lo = in->regs->rsp;
		for (size_t i = g->first_read; i < m->nreads; i++) {
			const struct stack_read *rd = &m->reads[i];
			if (rd->addr < lo || rd->addr - lo > in->stack_len ||
			    in->stack_len - (rd->addr - lo) < sizeof(uint64_t) ||
			    memcmp(in->stack + (rd->addr - lo), &rd->val, sizeof(rd->val)))
				return -1;
		}
		return (long)j;
	}
	return -1;
}

/* Replace the last frame of the unwind in progress, which is in the state of
 * the memo's frame j, by the memo's frames from j on, with the stack reads
 * that unwinding them took. */
static void splice_memo(struct memo *now, const struct memo *m, size_t j, size_t max)
{
	size_t at = now->n - 1, k = m->n - j;
	if (k > max - at)
		k = max - at;
	size_t from = m->frames[j].first_read, nr = m->nreads - from;
	size_t base = now->frames[at].first_read;
	for (size_t i = 0; i < k; i++) {
		now->frames[at + i] = m->frames[j + i];
		now->frames[at + i].first_read = (uint32_t)(base + m->frames[j + i].first_read - from);
	}
	now->n = at + k;
	xgrow((void **)&now->reads, &now->cap_reads, base + nr, sizeof(*now->reads));
	memcpy(now->reads + base, m->reads + from, nr * sizeof(*now->reads));
	now->nreads = base + nr;
}

int unwind_stack(struct unwinder *u, const struct unwind_input *in, uint64_t *pcs, int max,
		 bool *complete)
{
	unw_cursor_t c;
	int r;
	size_t n;
	struct memo *now = &u->now;
	struct memo *m = &u->memo[(unsigned)in->tid % MEMO_SLOTS];
	bool have_memo = in->tid && in->stack_len;
	*complete = false;
	current = u;
	u->cur = in;
	u->read_live = false;
	now->n = now->nreads = 0;
	now->volatile_at = -1;
	xgrow((void **)&now->frames, &now->cap_frames, (size_t)max, sizeof(*now->frames));
	if (!u->maps.len)
		reload_maps(u);
	if (unw_init_remote(&c, u->as, u) < 0) {
		now->frames[now->n++] = (struct frame_state){.ip = in->regs->rip};
		goto out;
	}
	do {
		unw_word_t ip;
		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || ip == 0)
			break;
		const struct map *mp = now->n ? find_map(u, ip, true) : NULL;
		if (now->n && (!mp || !mp->executable))
			break; /* not code: the unwinder lost its way, the stack ends incomplete */
		struct frame_state *f = &now->frames[now->n++];
		f->first_read = (uint32_t)now->nreads;
		get_state(&c, ip, f);
		if (now->n > 1 && have_memo && m->tid == in->tid) { /* (maps re-read: forgotten) */
			long j = memo_match(m, f, in);
			if (j >= 0) {
				size_t before = now->n;
				splice_memo(now, m, (size_t)j, (size_t)max);
				u->reused += now->n - before;
				*complete = now->n < (size_t)max; /* memos are of complete unwinds */
				break;
			}
		}
		r = unw_step(&c);
		u->stepped++;
		if (r == 0)
			*complete = true;
	} while (r > 0 && now->n < (size_t)max);
out:
	n = now->n;
	for (size_t i = 0; i < n; i++)
		pcs[i] = now->frames[i].ip;
	if (in->tid) {
		/* this unwind becomes the thread's memo, unless it read memory
		 * that may change under it, or ended early (a mapping it ended in
		 * may be found later) */
		struct memo old = *m;
		*m = *now;
		m->tid = u->read_live || !*complete ? 0 : in->tid;
		now->frames = old.frames;
		now->cap_frames = old.cap_frames;
		now->reads = old.reads;
		now->cap_reads = old.cap_reads;
	}
	u->cur = NULL;
	current = NULL;
	return (int)n;
}

uint64_t unwind_masks_skipped(void)
{
	return __atomic_load_n(&masks_skipped, __ATOMIC_RELAXED);
}

const struct map *unwind_map(struct unwinder *u, uint64_t pc)
{
	return find_map(u, pc, true);
}

void unwind_stats_add(const struct unwinder *u, uint64_t *stepped, uint64_t *reused)
{
	*stepped += u->stepped;
	*reused += u->reused;
}
