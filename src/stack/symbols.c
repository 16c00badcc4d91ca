#include "config.h"
#include "stack/symbols.h"
#include "model/hash.h"
#include "model/profile.h"
#include "model/usercode.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Everything below `lock` is shared between the sampling thread and the
 * worker; the libdw session (dwfl) is the worker's alone. */
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
};

#define QUEUED UINT64_MAX

static char *debuginfo_path;
static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

/* ---- the worker's side: libdw ---- */

static void report(struct symbolizer *s, bool add)
{
	if (add)
		dwfl_report_begin_add(s->dwfl);
	else
		dwfl_report_begin(s->dwfl);
	dwfl_linux_proc_report(s->dwfl, s->pid);
	dwfl_report_end(s->dwfl, NULL, NULL);
}

/* Absolute, normalised path of a source file named in a CU (malloc'd). */
static char *source_path(const char *name, Dwarf_Die *cudie)
{
	char *path;
	if (name[0] == '/' || !cudie) {
		path = xstrdup(name);
	} else {
		/* In a -fdebug-prefix-map build (Debian's packages) the
		 * compilation directory is relative too, and names already start
		 * with it ("nptl/pthread_create.c" in "nptl": joining doubled it),
		 * except those that climb out of it ("../sysdeps/..." in "string"). */
		Dwarf_Attribute a;
		const char *dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &a));
		bool join = dir && (dir[0] == '/' || !strncmp(name, "../", 3));
		path = join ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	}
	return str_normalize_path(path);
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
	if (!n)
		n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	return n;
}

static uint32_t die_decl_line(Dwarf_Die *die)
{
	int line = 0;
	if (dwarf_decl_line(die, &line) != 0)
		return 0;
	return line > 0 ? (uint32_t)line : 0;
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

/* Name of a PLT stub ("strlen@plt"), like perf, from .rela.plt; NULL when
 * addr is not in a PLT. Returns a malloc'd string. */
static char *plt_name(Dwfl_Module *mod, uint64_t addr)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	size_t shstrndx;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	GElf_Addr rel = addr - bias;
	Elf_Scn *scn = NULL, *plt = NULL, *rela = NULL;
	GElf_Shdr plt_sh = {0}, sh;
	const char *plt_kind = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (!strcmp(name, ".rela.plt"))
			rela = scn;
		else if ((!strcmp(name, ".plt") || !strcmp(name, ".plt.sec")) && rel >= sh.sh_addr &&
			 rel < sh.sh_addr + sh.sh_size) {
			plt = scn;
			plt_sh = sh;
			plt_kind = name;
		}
	}
	if (!plt || !rela || !plt_sh.sh_entsize)
		return NULL;
	/* .plt starts with the resolver stub; .plt.sec does not */
	int64_t idx = (int64_t)((rel - plt_sh.sh_addr) / plt_sh.sh_entsize) -
		      (strcmp(plt_kind, ".plt") == 0 ? 1 : 0);
	GElf_Shdr rsh;
	Elf_Data *rd = elf_getdata(rela, NULL);
	if (idx < 0 || !rd || !gelf_getshdr(rela, &rsh))
		return NULL;
	GElf_Rela r;
	Elf_Scn *symscn = elf_getscn(elf, rsh.sh_link);
	GElf_Shdr ssh;
	Elf_Data *sd = symscn ? elf_getdata(symscn, NULL) : NULL;
	GElf_Sym sym;
	if (!gelf_getrela(rd, (int)idx, &r) || !sd || !gelf_getshdr(symscn, &ssh) ||
	    !gelf_getsym(sd, (int)GELF_R_SYM(r.r_info), &sym))
		return NULL;
	const char *target = elf_strptr(elf, ssh.sh_link, sym.st_name);
	return target && *target ? xasprintf("%s@plt", target) : NULL;
}

/* A frame under construction: strings still the worker's own. */
struct raw_frame {
	char *function, *file;
	const char *module;
	uint32_t line, decl_line, flags;
	bool user_code;
};

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

/* Resolve one address (already adjusted for return addresses) into out. */
static int resolve(struct symbolizer *s, uint64_t addr, struct raw_frame *out, int max)
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
	if (!mod) {
		out[0] = (struct raw_frame){xstrdup("[unknown]"), xstrdup("[unknown]"), "[unknown]",
					    0, 0, FRAME_NO_LINE | FRAME_NO_SYMBOL, false};
		return 1;
	}
	const char *modpath = module_path(mod);
	GElf_Off off;
	GElf_Sym sym;
	const char *symname = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
	Dwarf_Addr bias = 0;
	Dwarf_Die *cudie = dwfl_module_addrdie(mod, addr, &bias);
	Dwfl_Line *dl = cudie ? dwfl_module_getsrc(mod, addr) : NULL;
	int lineno = 0;
	const char *src = dl ? dwfl_lineinfo(dl, NULL, &lineno, NULL, NULL, NULL) : NULL;

	if (!src || lineno <= 0) {
		/* no line info: the module stands in for the file */
		char *name = symname ? xstrdup(symname) : plt_name(mod, addr);
		uint32_t flags = FRAME_NO_LINE | (name ? 0 : FRAME_NO_SYMBOL);
		if (!name)
			name = modpath[0] == '[' ? xstrdup(modpath)
						 : xasprintf("[%s]", str_basename(modpath));
		out[0] = (struct raw_frame){name, xstrdup(modpath), modpath, 0, 0, flags,
					    is_user_code(modpath, NULL)};
		Dwarf_Addr dbias;
		if (is_user_code(NULL, modpath) && !dwfl_module_getdwarf(mod, &dbias))
			note_nodebug(s, modpath); /* the whole module, not just this address */
		return 1;
	}

	/* The inline chain, innermost first. dwarf_getscopes follows an inlined
	 * function into its abstract definition, so it finds the innermost
	 * function-like scope only; the physical callers come from
	 * dwarf_getscopes_die on that scope (as eu-addr2line -i does). */
	Dwarf_Die *scopes = NULL, *chain = NULL;
	int nscopes = dwarf_getscopes(cudie, addr - bias, &scopes), nchain = 0;
	for (int i = 0; i < nscopes && !chain; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
			nchain = dwarf_getscopes_die(&scopes[i], &chain);
	}
	Dwarf_Die *fn[SYM_MAX_INLINE];
	int nfn = 0;
	for (int i = 0; i < nchain && nfn < SYM_MAX_INLINE; i++) {
		int tag = dwarf_tag(&chain[i]);
		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram) {
			fn[nfn++] = &chain[i];
			if (tag == DW_TAG_subprogram)
				break;
		}
	}
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	dwarf_getsrcfiles(cudie, &files, &nfiles);

	char *path = source_path(src, cudie);
	uint32_t line = (uint32_t)lineno;
	int n = 0;
	for (int i = 0; i < (nfn ? nfn : 1) && n < max; i++) {
		const char *name = nfn ? die_name(fn[i]) : NULL;
		if (!name)
			name = symname;
		bool inlined = nfn && dwarf_tag(fn[i]) == DW_TAG_inlined_subroutine;
		out[n++] = (struct raw_frame){
			name ? xstrdup(name) : xasprintf("[%s]", str_basename(modpath)), path, modpath,
			line, nfn ? die_decl_line(fn[i]) : 0, inlined ? FRAME_INLINED : 0,
			is_user_code(modpath, path)};
		path = NULL;
		if (!inlined)
			break;
		/* the caller's frame holds the call site */
		Dwarf_Attribute a;
		Dwarf_Word cf = 0, cl = 0;
		dwarf_formudata(dwarf_attr(fn[i], DW_AT_call_file, &a), &cf);
		dwarf_formudata(dwarf_attr(fn[i], DW_AT_call_line, &a), &cl);
		const char *callfile = files && cf < nfiles ? dwarf_filesrc(files, cf, NULL, NULL) : NULL;
		path = source_path(callfile ? callfile : src, cudie);
		line = (uint32_t)cl;
	}
	free(path);
	free(scopes);
	free(chain);
	return n;
}

/* Store a resolved chain under key (called with the lock held). */
static void publish(struct symbolizer *s, uint64_t key, struct raw_frame *rf, int n)
{
	xgrow((void **)&s->frames, &s->cap_frames, s->nframes + (size_t)n, sizeof(*s->frames));
	for (int i = 0; i < n; i++) {
		struct sym_frame *f = &s->frames[s->nframes + (size_t)i];
		f->function = strpool_get(&s->strings, strpool_intern(&s->strings, rf[i].function));
		f->file = strpool_get(&s->strings, strpool_intern(&s->strings, rf[i].file));
		f->module = strpool_get(&s->strings, strpool_intern(&s->strings, rf[i].module));
		f->line = rf[i].line;
		f->decl_line = rf[i].decl_line;
		f->flags = rf[i].flags;
		f->user_code = rf[i].user_code;
		free(rf[i].function);
		free(rf[i].file);
	}
	u64map_put(&s->known, key, (uint64_t)s->nframes << 8 | (uint64_t)n);
	s->nframes += (size_t)n;
	s->resolved++;
}

static void reset_dwfl(struct symbolizer *s)
{
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
		struct raw_frame rf[SYM_MAX_INLINE];
		uint64_t pc = key & ~(1ull << 63);
		int n = s->dwfl ? resolve(s, (key >> 63) && pc ? pc - 1 : pc, rf, SYM_MAX_INLINE) : 0;
		if (!n) {
			rf[0] = (struct raw_frame){xstrdup("[unknown]"), xstrdup("[unknown]"),
						   "[unknown]", 0, 0, FRAME_NO_LINE | FRAME_NO_SYMBOL,
						   false};
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
