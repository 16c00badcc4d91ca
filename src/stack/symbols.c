/* symbols.c — the symbol worker: requests, results, modules; see symbols.h. */
#include "config.h"
#include "stack/symbols.h"
#include "stack/dwindex.h"
#include "stack/elfsyms.h"
#include "stack/names.h"
#include "model/hash.h"
#include "model/profile.h"
#include "model/usercode.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <elfutils/libdwfl.h>
#include <elf.h>
#include <gelf.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>
#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* A module file as the worker knows it: its own libdw session, names,
 * symbol table and DWARF index, made at its first address. Addresses come
 * as offsets in the file, so one module serves every process that maps it,
 * wherever it is mapped. */
struct symmod {
	const char *path;     /* as the target mapped it; "[vdso]" */
	Dwfl *dwfl;           /* the module alone, at its ELF addresses */
	Dwfl_Module *mod;     /* NULL when the file cannot be read */
	struct namer names;
	struct elfsyms syms;
	struct dwindex *dw;   /* NULL without DWARF */
	Dwarf_Addr dwbias;    /* module address - DWARF address */
	struct stat st;       /* the file when it was opened (libdw maps it) */
};

/* A module file registered by the sampling thread: its identity. */
struct modfile {
	char *path;
	uint64_t dev, inode;
};

/* Everything below `lock` is shared between the sampling thread and the
 * worker; the libdw session (dwfl) and the modules are the worker's alone. */
struct symbolizer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;   /* worker: work to do or quit */
	pthread_cond_t idle;   /* requesters: queue drained */
	bool quit, busy;

	uint64_t *queue;       /* keys waiting for the worker */
	size_t nqueue, cap_queue;
	struct u64map known;   /* key -> UINT64_MAX (queued) or offset << 8 | count */
	struct sym_frame *frames;
	size_t nframes, cap_frames;
	struct strpool strings;
	char **nodebug;
	size_t nnodebug, cap_nodebug;
	uint64_t busy_ns, resolved;
	struct modfile *files;    /* module id - 1 -> its file */
	size_t nfiles, cap_files;
	struct u64map file_index; /* interned by identity (intern_find) */

	/* worker only */
	struct symmod **mods;     /* module id - 1 -> NULL until its first address */
	size_t nmods_seen, cap_mods;
	bool lines_known;         /* program_has_lines is up to date with the modules */
	bool program_has_lines;   /* a module of the program's own has line info (usercode.h) */
};

#define QUEUED UINT64_MAX

static char *debuginfo_path;
static const Dwfl_Callbacks file_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* ---- the worker's side: modules ---- */

static void module_free(struct symmod *m)
{
	if (!m)
		return;
	dwindex_free(m->dw);
	elfsyms_free(&m->syms);
	namer_free(&m->names);
	if (m->dwfl)
		dwfl_end(m->dwfl);
	free(m);
}

/* The vDSO has no file: it is the same image in every process of this
 * kernel, ours too, so libdw reads ours, from a memory file. */
static int vdso_fd(void)
{
	const unsigned char *v = (const void *)getauxval(AT_SYSINFO_EHDR);
	if (!v || memcmp(v, ELFMAG, SELFMAG))
		return -1;
	const Elf64_Ehdr *eh = (const void *)v;
	size_t size = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const void *)(v + eh->e_phoff + i * (size_t)eh->e_phentsize);
		if (ph->p_offset + ph->p_filesz > size)
			size = ph->p_offset + ph->p_filesz;
	}
	int fd = memfd_create("vdso", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, v, size) != (ssize_t)size) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static const char *symbol_at(void *arg, uint64_t dwarf_addr);

/* Module id's symmod, made at its first address. */
static struct symmod *module_of(struct symbolizer *s, uint32_t id)
{
	pthread_mutex_lock(&s->lock);
	const struct modfile f = s->files[id - 1];
	pthread_mutex_unlock(&s->lock);
	xgrow((void **)&s->mods, &s->cap_mods, id, sizeof(*s->mods));
	for (size_t i = s->nmods_seen; i < id; i++)
		s->mods[i] = NULL;
	if (s->nmods_seen < id)
		s->nmods_seen = id;
	if (s->mods[id - 1])
		return s->mods[id - 1];
	struct symmod *m = xcalloc(1, sizeof(*m));
	s->mods[id - 1] = m;
	m->path = f.path;
	namer_init(&m->names);
	m->dwfl = dwfl_begin(&file_callbacks);
	if (m->dwfl) {
		bool vdso = !strcmp(f.path, "[vdso]");
		int fd = vdso ? vdso_fd() : -1;
		dwfl_report_begin(m->dwfl);
		if (!vdso)
			stat(f.path, &m->st);
		if (!vdso || fd >= 0) /* (libdw closes fd) */
			m->mod = dwfl_report_elf(m->dwfl, str_basename(f.path), f.path, fd, 0, false);
		dwfl_report_end(m->dwfl, NULL, NULL);
	}
	if (m->mod) {
		elfsyms_init(&m->syms, m->mod, str_basename(m->path), &m->names);
		Dwarf *dw = dwfl_module_getdwarf(m->mod, &m->dwbias);
		m->dw = dw ? dwindex_new(dw, &m->names, symbol_at, m) : NULL;
	}
	s->lines_known = false;
	return m;
}

static const char *symbol_at(void *arg, uint64_t dwarf_addr)
{
	struct symmod *m = arg;
	return elfsyms_starting_at(&m->syms, dwarf_addr + m->dwbias);
}

/* Does any module of the program's own (not the system's) have line
 * information? What code without lines counts as (usercode.h). */
static bool program_has_lines(struct symbolizer *s)
{
	if (!s->lines_known) {
		s->program_has_lines = false;
		for (size_t i = 0; i < s->nmods_seen && !s->program_has_lines; i++) {
			const struct symmod *m = s->mods[i];
			s->program_has_lines = m && m->dw && is_user_code(NULL, m->path, true) &&
					       dwindex_has_lines(m->dw);
		}
		s->lines_known = true;
	}
	return s->program_has_lines;
}

static void note_nodebug(struct symbolizer *s, const char *mod)
{
	pthread_mutex_lock(&s->lock);
	bool seen = false;
	for (size_t i = 0; i < s->nnodebug && !seen; i++)
		seen = !strcmp(s->nodebug[i], mod);
	if (!seen)
		*VEC_PUSH(s->nodebug, s->nnodebug, s->cap_nodebug) = xstrdup(mod);
	pthread_mutex_unlock(&s->lock);
}

/* A module address (as in its ELF file's program headers) of a file offset. */
static bool file_address(const struct symmod *m, uint64_t offset, uint64_t *addr)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(m->mod, &bias);
	size_t n;
	if (!elf || elf_getphdrnum(elf, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD && offset >= ph.p_offset &&
		    offset < ph.p_offset + ph.p_filesz) {
			*addr = offset - ph.p_offset + ph.p_vaddr + bias;
			return true;
		}
	}
	return false;
}

static const struct sym_frame unknown_frame = {
	"[unknown]", "[unknown]", "[unknown]", "[unknown]", 0, 0, FRAME_NO_LINE | FRAME_NO_SYMBOL,
	false, false,
};

/* Code without line information: its symbol, the module for its file. */
static int resolve_no_line(struct symbolizer *s, struct symmod *m, uint64_t addr,
			   struct sym_frame *out)
{
	enum elfsym_kind kind;
	const char *name = elfsyms_name(&m->syms, addr, &kind);
	bool user = is_user_code(m->path, NULL, program_has_lines(s));
	out[0] = (struct sym_frame){name, m->path, m->path, m->path, 0, 0,
				    FRAME_NO_LINE | (kind == ELFSYM_SYMBOL ? 0 : FRAME_NO_SYMBOL),
				    user, user};
	if (!m->dw && is_user_code(NULL, m->path, true))
		note_nodebug(s, m->path); /* the whole module, not just this address */
	return 1;
}

/* Was the module's file written over in place since libdw mapped it (cp
 * onto a program between two runs of it)? Its mapping then reads the new
 * contents, and beyond their end faults (SIGBUS): it is not read again.
 * (A file replaced by a new one, as a linker or install does, leaves the
 * mapped one whole.) */
static bool rewritten(struct symmod *m)
{
	struct stat now;
	if (!m->st.st_ino || stat(m->path, &now) || now.st_ino != m->st.st_ino ||
	    now.st_dev != m->st.st_dev)
		return false;
	if (now.st_size == m->st.st_size && now.st_mtim.tv_sec == m->st.st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == m->st.st_mtim.tv_nsec)
		return false;
	m->mod = NULL; /* (its Dwfl and names are freed with the others) */
	return true;
}

/* Resolve one address, at file offset `offset` of module id (already
 * adjusted for return addresses), into out (SYM_MAX_INLINE frames); the
 * strings are the worker's until published. */
static int resolve(struct symbolizer *s, uint32_t id, uint64_t offset, struct sym_frame *out)
{
	struct symmod *m = id ? module_of(s, id) : NULL;
	uint64_t addr;
	if (!m || !m->mod || rewritten(m) || !file_address(m, offset, &addr)) {
		out[0] = unknown_frame;
		return 1;
	}
	struct dw_frame df[SYM_MAX_INLINE];
	int n = m->dw ? dwindex_lookup(m->dw, addr - m->dwbias, df, SYM_MAX_INLINE) : 0;
	if (!n)
		return resolve_no_line(s, m, addr, out);
	bool has_lines = program_has_lines(s);
	for (int i = 0; i < n; i++) {
		const struct dw_frame *d = &df[i];
		/* assembly has lines, and its name in the symbol table */
		enum elfsym_kind kind = ELFSYM_SYMBOL;
		const char *name = d->function ? d->function : elfsyms_name(&m->syms, addr, &kind);
		const char *home = d->home ? d->home : d->file;
		uint32_t flags = (d->inlined ? FRAME_INLINED : 0) | (d->file ? 0 : FRAME_NO_LINE) |
				 (kind == ELFSYM_SYMBOL ? 0 : FRAME_NO_SYMBOL);
		out[i] = (struct sym_frame){name, home ? home : m->path, d->file ? d->file : m->path,
					    m->path, d->line, d->decl_line, flags,
					    is_user_code(m->path, d->file, has_lines),
					    is_user_code(m->path, home, has_lines)};
	}
	return n;
}

/* Store a resolved chain under key, its strings copied into the shared
 * pool (called with the lock held). */
static void publish(struct symbolizer *s, uint64_t key, const struct sym_frame *rf, int n)
{
	xgrow((void **)&s->frames, &s->cap_frames, s->nframes + (size_t)n, sizeof(*s->frames));
	for (int i = 0; i < n; i++) {
		struct sym_frame *f = &s->frames[s->nframes + (size_t)i];
		*f = rf[i];
		f->function = strpool_get(&s->strings, strpool_intern(&s->strings, rf[i].function));
		f->home = strpool_get(&s->strings, strpool_intern(&s->strings, rf[i].home));
		f->file = strpool_get(&s->strings, strpool_intern(&s->strings, rf[i].file));
		f->module = strpool_get(&s->strings, strpool_intern(&s->strings, rf[i].module));
	}
	u64map_put(&s->known, key, (uint64_t)s->nframes << 8 | (uint64_t)n);
	s->nframes += (size_t)n;
	s->resolved++;
}

static void *worker(void *arg)
{
	struct symbolizer *s = arg;
	/* Below the target when both want a CPU: a module's first symbols take
	 * tens of milliseconds, and at the normal priority they were taken from
	 * the program being profiled (a third of its CPU for its first 0.3 s). */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), 10) != 0)
		(void)0; /* not permitted: run as we are */
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->quit && !s->nqueue) {
			s->busy = false;
			pthread_cond_broadcast(&s->idle);
			pthread_cond_wait(&s->wake, &s->lock);
		}
		if (s->quit)
			break;
		s->busy = true;
		uint64_t key = s->queue[--s->nqueue];
		pthread_mutex_unlock(&s->lock);

		struct timespec t0, t1; /* CPU time: what resolving costs the machine */
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		struct sym_frame rf[SYM_MAX_INLINE];
		uint64_t off = key & SYMBOLS_OFFSET_MASK;
		int n = resolve(s, (uint32_t)(key >> 40 & SYMBOLS_MODULE_MASK),
				(key >> 63) && off ? off - 1 : off, rf);
		if (!n) {
			rf[0] = unknown_frame;
			n = 1;
		}
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);

		pthread_mutex_lock(&s->lock);
		publish(s, key, rf, n);
		s->busy_ns += (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull +
			      (uint64_t)(t1.tv_nsec - t0.tv_nsec);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- the sampling thread's side ---- */

struct symbolizer *symbols_new(char *err, size_t errlen)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));
	/* debuginfod can block for minutes: not in a live profiler */
	unsetenv("DEBUGINFOD_URLS");
	strpool_init(&s->strings);
	u64map_init(&s->known);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->idle, NULL);
	/* The worker takes no signals: SIGINT/SIGTERM must interrupt the
	 * sampling thread's wait for the next round. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&s->thread, NULL, worker, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot start the symbol thread: %s", strerror(rc));
		strpool_free(&s->strings);
		free(s);
		return NULL;
	}
	return s;
}

void symbols_free(struct symbolizer *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->quit = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	for (size_t i = 0; i < s->nmods_seen; i++)
		module_free(s->mods[i]);
	free(s->mods);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	free(s->files);
	u64map_free(&s->file_index);
	strpool_free(&s->strings);
	u64map_free(&s->known);
	free(s->frames);
	free(s->queue);
	for (size_t i = 0; i < s->nnodebug; i++)
		free(s->nodebug[i]);
	free(s->nodebug);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->idle);
	free(s);
}

void symbols_request(struct symbolizer *s, uint64_t key)
{
	pthread_mutex_lock(&s->lock);
	if (!u64map_get(&s->known, key, NULL)) {
		u64map_put(&s->known, key, QUEUED);
		*VEC_PUSH(s->queue, s->nqueue, s->cap_queue) = key;
		pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
}

int symbols_take(struct symbolizer *s, uint64_t key, struct sym_frame *out, int max)
{
	uint64_t v;
	int n = -1;
	pthread_mutex_lock(&s->lock);
	if (u64map_get(&s->known, key, &v) && v != QUEUED) {
		n = (int)(v & 0xff);
		if (n > max)
			n = max;
		memcpy(out, s->frames + (v >> 8), (size_t)n * sizeof(*out));
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

bool symbols_wait_idle(struct symbolizer *s, int timeout_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->lock);
	int rc = 0;
	while ((s->nqueue || s->busy) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&s->idle, &s->lock, &ts);
	bool idle = !s->nqueue && !s->busy;
	pthread_mutex_unlock(&s->lock);
	return idle;
}

struct file_key {
	const struct symbolizer *s;
	const char *path;
	uint64_t dev, inode;
};

static bool same_file(const void *ctx, uint64_t id)
{
	const struct file_key *k = ctx;
	const struct modfile *f = &k->s->files[id];
	return f->dev == k->dev && f->inode == k->inode && !strcmp(f->path, k->path);
}

uint32_t symbols_module(struct symbolizer *s, const char *path, uint64_t dev, uint64_t inode)
{
	struct file_key k = {s, path, dev, inode};
	uint64_t h[2] = {dev ^ hash_bytes(path, strlen(path), 4), inode}, slot = 0;
	pthread_mutex_lock(&s->lock);
	int64_t found = intern_find(&s->file_index, hash_bytes(h, sizeof(h), 5), same_file, &k, &slot);
	if (found < 0 && s->nfiles < SYMBOLS_MODULE_MASK) {
		found = (int64_t)s->nfiles;
		*VEC_PUSH(s->files, s->nfiles, s->cap_files) = (struct modfile){xstrdup(path), dev, inode};
		u64map_put(&s->file_index, slot, (uint64_t)found);
	}
	pthread_mutex_unlock(&s->lock);
	return found < 0 ? SYMBOLS_UNKNOWN : (uint32_t)found + 1;
}

uint64_t symbols_key_of(struct symbolizer *s, const struct map *m, uint64_t pc, bool is_return)
{
	if (!m || !m->path[0] || (m->path[0] == '[' && strcmp(m->path, "[vdso]")))
		return symbols_key(SYMBOLS_UNKNOWN, 0, false); /* anonymous code (JIT), [stack]... */
	return symbols_key(symbols_module(s, m->path, m->dev, m->inode), pc - m->start + m->offset,
			   is_return);
}

size_t symbols_modules_without_debuginfo(struct symbolizer *s, char ***paths)
{
	pthread_mutex_lock(&s->lock);
	size_t n = s->nnodebug;
	*paths = xmalloc((n ? n : 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++)
		(*paths)[i] = xstrdup(s->nodebug[i]);
	pthread_mutex_unlock(&s->lock);
	return n;
}

void symbols_stats(struct symbolizer *s, uint64_t *busy_ns, uint64_t *resolved)
{
	pthread_mutex_lock(&s->lock);
	*busy_ns = s->busy_ns;
	*resolved = s->resolved;
	pthread_mutex_unlock(&s->lock);
}
