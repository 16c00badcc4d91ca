/* symbols.c — the symbol worker: requests, results, modules; see symbols.h. */
#include "config.h"
#include "stack/symbols.h"
#include "target/procfs.h"
#include "stack/dwindex.h"
#include "stack/elfsyms.h"
#include "stack/names.h"
#include "model/hash.h"
#include "model/profile.h"
#include "model/usercode.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A module of the target as the worker knows it: its names, symbol table
 * and DWARF index, made at its first address. */
struct symmod {
	const char *path;     /* module_path() */
	struct namer names;
	struct elfsyms syms;
	struct dwindex *dw;   /* NULL without DWARF */
	Dwarf_Addr dwbias;    /* module address - DWARF address */
};

/* Everything below `lock` is shared between the sampling thread and the
 * worker; the libdw session (dwfl) and the modules are the worker's alone. */
struct symbolizer {
	pid_t pid;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;   /* worker: work to do or quit */
	pthread_cond_t idle;   /* requesters: queue drained */
	bool quit, flush, busy;

	uint64_t *queue;       /* keys waiting for the worker */
	size_t nqueue, cap_queue;
	struct u64map known;   /* key -> UINT64_MAX (queued) or offset << 8 | count */
	struct sym_frame *frames;
	size_t nframes, cap_frames;
	struct strpool strings;
	char **nodebug;
	size_t nnodebug, cap_nodebug;
	uint64_t busy_ns, resolved;

	/* worker only */
	Dwfl *dwfl;
	struct symmod **mods;
	size_t nmods, cap_mods;
	struct u64map mod_index;  /* Dwfl_Module pointer -> index in mods */
	bool lines_known;         /* program_has_lines is up to date with the modules */
	bool program_has_lines;   /* a module of the program's own has line info (usercode.h) */
};

#define QUEUED UINT64_MAX

static char *debuginfo_path;
static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

/* ---- the worker's side: modules ---- */

static void forget_modules(struct symbolizer *s)
{
	for (size_t i = 0; i < s->nmods; i++) {
		struct symmod *m = s->mods[i];
		dwindex_free(m->dw);
		elfsyms_free(&m->syms);
		namer_free(&m->names);
		free(m);
	}
	s->nmods = 0;
	u64map_clear(&s->mod_index);
	s->lines_known = false;
}

/* Read the target's modules: `add` keeps those known (a module mapped since
 * the last report: dlopen), else every module is forgotten. */
static void report(struct symbolizer *s, bool add)
{
	if (add) {
		dwfl_report_begin_add(s->dwfl);
	} else {
		forget_modules(s); /* libdw frees the modules not reported again */
		dwfl_report_begin(s->dwfl);
	}
	pid_t live = procfs_live_task(s->pid); /* its maps, even after main() ended */
	dwfl_linux_proc_report(s->dwfl, live > 0 ? live : s->pid);
	dwfl_report_end(s->dwfl, NULL, NULL);
	s->lines_known = false;
}

static const char *module_path(Dwfl_Module *mod)
{
	const char *mainfile = NULL, *name;
	name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
	if (name && !strncmp(name, "[vdso", 5))
		return "[vdso]"; /* libdw names it "[vdso: PID]" */
	if (name && (name[0] == '/' || name[0] == '['))
		return name;
	return mainfile ? mainfile : name ? name : "[unknown]";
}

static const char *symbol_at(void *arg, uint64_t dwarf_addr)
{
	struct symmod *m = arg;
	return elfsyms_starting_at(&m->syms, dwarf_addr + m->dwbias);
}

static struct symmod *module_of(struct symbolizer *s, Dwfl_Module *mod)
{
	uint64_t *slot = u64map_slot(&s->mod_index, (uintptr_t)mod, UINT64_MAX);
	if (*slot != UINT64_MAX)
		return s->mods[*slot];
	*slot = s->nmods;
	struct symmod *m = xcalloc(1, sizeof(*m));
	*VEC_PUSH(s->mods, s->nmods, s->cap_mods) = m;
	m->path = module_path(mod);
	namer_init(&m->names);
	elfsyms_init(&m->syms, mod, str_basename(m->path), &m->names);
	Dwarf *dw = dwfl_module_getdwarf(mod, &m->dwbias);
	m->dw = dw ? dwindex_new(dw, &m->names, symbol_at, m) : NULL;
	return m;
}

static int check_module_lines(Dwfl_Module *mod, void **userdata, const char *name,
			      Dwarf_Addr start, void *arg)
{
	struct symbolizer *s = arg;
	if (!is_user_code(NULL, module_path(mod), true))
		return DWARF_CB_OK; /* a system library: its debug info stays unread */
	struct symmod *m = module_of(s, mod);
	if (m->dw && dwindex_has_lines(m->dw)) {
		s->program_has_lines = true;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

/* Does any module of the program's own (not the system's) have line
 * information? What code without lines counts as (usercode.h). */
static bool program_has_lines(struct symbolizer *s)
{
	if (!s->lines_known) {
		s->program_has_lines = false;
		dwfl_getmodules(s->dwfl, check_module_lines, s, 0);
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

/* The module at addr, reading the maps again when it is not known. */
static Dwfl_Module *find_module(struct symbolizer *s, uint64_t addr)
{
	Dwfl_Module *mod = dwfl_addrmodule(s->dwfl, addr);
	if (!mod) { /* a module mapped since the last report (dlopen, libc after exec) */
		report(s, true);
		mod = dwfl_addrmodule(s->dwfl, addr);
	}
	Dwarf_Addr ebias;
	if (mod && !dwfl_module_getelf(mod, &ebias)) {
		/* not an ELF file: a mapping gone since the last report (dlopen
		 * maps a library where ld.so had mapped /etc/ld.so.cache just
		 * before): report the maps afresh */
		report(s, false);
		mod = dwfl_addrmodule(s->dwfl, addr);
	}
	return mod;
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

/* Resolve one address (already adjusted for return addresses) into out
 * (SYM_MAX_INLINE frames); the strings are the worker's until published. */
static int resolve(struct symbolizer *s, uint64_t addr, struct sym_frame *out)
{
	Dwfl_Module *mod = find_module(s, addr);
	if (!mod) {
		out[0] = unknown_frame;
		return 1;
	}
	struct symmod *m = module_of(s, mod);
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

static void reset_dwfl(struct symbolizer *s)
{
	forget_modules(s);
	if (s->dwfl)
		dwfl_end(s->dwfl);
	s->dwfl = dwfl_begin(&proc_callbacks);
	if (s->dwfl)
		report(s, false);
}

static void *worker(void *arg)
{
	struct symbolizer *s = arg;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->quit && !s->flush && !s->nqueue) {
			s->busy = false;
			pthread_cond_broadcast(&s->idle);
			pthread_cond_wait(&s->wake, &s->lock);
		}
		if (s->quit)
			break;
		s->busy = true;
		if (s->flush && !s->nqueue) {
			s->flush = false;
			pthread_mutex_unlock(&s->lock);
			reset_dwfl(s);
			pthread_mutex_lock(&s->lock);
			continue;
		}
		uint64_t key = s->queue[--s->nqueue];
		pthread_mutex_unlock(&s->lock);

		struct timespec t0, t1; /* CPU time: what resolving costs the machine */
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		struct sym_frame rf[SYM_MAX_INLINE];
		uint64_t pc = key & ~(1ull << 63);
		int n = 0;
		if (s->dwfl)
			n = resolve(s, (key >> 63) && pc ? pc - 1 : pc, rf);
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

struct symbolizer *symbols_new(pid_t pid, char *err, size_t errlen)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));
	s->pid = pid;
	/* debuginfod can block for minutes: not in a live profiler */
	unsetenv("DEBUGINFOD_URLS");
	s->dwfl = dwfl_begin(&proc_callbacks);
	if (!s->dwfl) {
		snprintf(err, errlen, "libdw: %s", dwfl_errmsg(-1));
		free(s);
		return NULL;
	}
	report(s, false);
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
		dwfl_end(s->dwfl);
		free(s);
		return NULL;
	}
	return s;
}

static void forget_all(struct symbolizer *s)
{
	u64map_clear(&s->known);
	s->nframes = 0;
	strpool_free(&s->strings);
	strpool_init(&s->strings);
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
	forget_modules(s);
	free(s->mods);
	u64map_free(&s->mod_index);
	dwfl_end(s->dwfl);
	forget_all(s);
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
	while ((s->nqueue || s->busy || s->flush) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&s->idle, &s->lock, &ts);
	bool idle = !s->nqueue && !s->busy && !s->flush;
	pthread_mutex_unlock(&s->lock);
	return idle;
}

void symbols_flush(struct symbolizer *s)
{
	symbols_wait_idle(s, 30000);
	pthread_mutex_lock(&s->lock);
	forget_all(s);
	s->nqueue = 0;
	s->flush = true;
	s->busy = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	symbols_wait_idle(s, 30000);
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
