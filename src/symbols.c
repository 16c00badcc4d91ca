#include "config.h"
#include "symbols.h"
#include "strutil.h"
#include "xalloc.h"
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INLINE 32
#define REFRESH_MIN_NS 20000000ull

struct symbolizer {
	pid_t pid;
	struct profile *p;
	Dwfl *dwfl;
	uint64_t refreshed_ns;
	struct u64map cache;  /* (pc | is_return << 63) -> offset << 8 | count in chains */
	uint32_t *chains;
	size_t nchains, cap_chains;
	char **nodebug;       /* modules without debug info */
	size_t nnodebug, cap_nodebug;
	uint64_t resolved;
};

static char *debuginfo_path;
static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

static int report(struct symbolizer *s, bool add)
{
	if (add)
		dwfl_report_begin_add(s->dwfl);
	else
		dwfl_report_begin(s->dwfl);
	int rc = dwfl_linux_proc_report(s->dwfl, s->pid);
	dwfl_report_end(s->dwfl, NULL, NULL);
	s->refreshed_ns = now_ns();
	return rc;
}

struct symbolizer *symbols_new(pid_t pid, struct profile *p, char *err, size_t errlen)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));
	s->pid = pid;
	s->p = p;
	/* debuginfod can block for minutes; never from the sampling path */
	unsetenv("DEBUGINFOD_URLS");
	s->dwfl = dwfl_begin(&proc_callbacks);
	if (!s->dwfl) {
		snprintf(err, errlen, "libdw: %s", dwfl_errmsg(-1));
		free(s);
		return NULL;
	}
	report(s, false);
	u64map_init(&s->cache);
	return s;
}

void symbols_flush(struct symbolizer *s)
{
	dwfl_end(s->dwfl);
	s->dwfl = dwfl_begin(&proc_callbacks);
	u64map_clear(&s->cache);
	s->nchains = 0;
	report(s, false);
}

void symbols_refresh(struct symbolizer *s)
{
	report(s, true);
}

void symbols_free(struct symbolizer *s)
{
	if (!s)
		return;
	dwfl_end(s->dwfl);
	u64map_free(&s->cache);
	free(s->chains);
	for (size_t i = 0; i < s->nnodebug; i++)
		free(s->nodebug[i]);
	free(s->nodebug);
	free(s);
}

static bool module_is_system(const char *path)
{
	static const char *const dirs[] = {"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/"};
	if (path[0] == '[')
		return true; /* [vdso] */
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

/* Absolute, normalised path of a source file named in a CU. */
static char *source_path(const char *name, Dwarf_Die *cudie)
{
	char *path;
	if (name[0] == '/' || !cudie) {
		path = xstrdup(name);
	} else {
		Dwarf_Attribute a;
		const char *dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &a));
		path = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
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

static void note_nodebug(struct symbolizer *s, const char *mod)
{
	for (size_t i = 0; i < s->nnodebug; i++)
		if (!strcmp(s->nodebug[i], mod))
			return;
	if (mod[0] != '[')
		*VEC_PUSH(s->nodebug, s->nnodebug, s->cap_nodebug) = xstrdup(mod);
}

/* Resolve one address (already adjusted for return addresses). */
static int resolve(struct symbolizer *s, uint64_t addr, uint32_t *out, int max)
{
	struct profile *p = s->p;
	Dwfl_Module *mod = dwfl_addrmodule(s->dwfl, addr);
	if (!mod && now_ns() - s->refreshed_ns > REFRESH_MIN_NS) {
		report(s, true);
		mod = dwfl_addrmodule(s->dwfl, addr);
	}
	if (!mod) {
		uint32_t file = profile_file(p, "[unknown]", false);
		out[0] = profile_frame(p, "[unknown]", file, 0, 0, "[unknown]",
				       FRAME_NO_LINE | FRAME_NO_SYMBOL);
		return -1; /* not cached: the module may show up later */
	}
	const char *modpath = module_path(mod);
	bool sys = module_is_system(modpath);
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
		uint32_t file = profile_file(p, modpath, false);
		char *name = symname ? xstrdup(symname)
			     : modpath[0] == '[' ? xstrdup(modpath)
						 : xasprintf("[%s]", str_basename(modpath));
		out[0] = profile_frame(p, name, file, 0, 0, modpath,
				       FRAME_NO_LINE | (symname ? 0 : FRAME_NO_SYMBOL));
		free(name);
		if (!cudie && !sys)
			note_nodebug(s, modpath);
		return 1;
	}

	/* inline chain: function-like scopes, innermost first */
	Dwarf_Die *scopes = NULL;
	int nscopes = dwarf_getscopes(cudie, addr - bias, &scopes);
	Dwarf_Die *fn[MAX_INLINE];
	int nfn = 0;
	for (int i = 0; i < nscopes && nfn < MAX_INLINE; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram) {
			fn[nfn++] = &scopes[i];
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
		char *fallback = NULL;
		if (!name)
			name = fallback = xasprintf("[%s]", str_basename(modpath));
		uint32_t file = profile_file(p, path, !sys);
		bool inlined = nfn && dwarf_tag(fn[i]) == DW_TAG_inlined_subroutine;
		out[n++] = profile_frame(p, name, file, line, nfn ? die_decl_line(fn[i]) : 0, modpath,
					 inlined ? FRAME_INLINED : 0);
		free(fallback);
		if (!inlined)
			break;
		/* the caller's frame holds the call site */
		Dwarf_Attribute a;
		Dwarf_Word cf = 0, cl = 0;
		dwarf_formudata(dwarf_attr(fn[i], DW_AT_call_file, &a), &cf);
		dwarf_formudata(dwarf_attr(fn[i], DW_AT_call_line, &a), &cl);
		const char *callfile = files && cf < nfiles ? dwarf_filesrc(files, cf, NULL, NULL) : NULL;
		if (callfile) {
			free(path);
			path = source_path(callfile, cudie);
		}
		line = (uint32_t)cl;
	}
	free(path);
	free(scopes);
	return n;
}

int symbols_resolve(struct symbolizer *s, uint64_t pc, bool is_return, uint32_t *out, int max)
{
	uint64_t key = pc | (uint64_t)is_return << 63, v;
	if (u64map_get(&s->cache, key, &v)) {
		uint32_t cnt = v & 0xff, off = (uint32_t)(v >> 8);
		if ((int)cnt > max)
			cnt = (uint32_t)max;
		memcpy(out, s->chains + off, cnt * sizeof(uint32_t));
		return (int)cnt;
	}
	uint32_t tmp[MAX_INLINE];
	int n = resolve(s, is_return && pc ? pc - 1 : pc, tmp, MAX_INLINE);
	s->resolved++;
	if (n < 0) {
		out[0] = tmp[0];
		return 1;
	}
	xgrow((void **)&s->chains, &s->cap_chains, s->nchains + (size_t)n, sizeof(uint32_t));
	memcpy(s->chains + s->nchains, tmp, (size_t)n * sizeof(uint32_t));
	u64map_put(&s->cache, key, (uint64_t)s->nchains << 8 | (uint64_t)n);
	s->nchains += (size_t)n;
	if (n > max)
		n = max;
	memcpy(out, tmp, (size_t)n * sizeof(uint32_t));
	return n;
}

size_t symbols_modules_without_debuginfo(struct symbolizer *s, const char ***paths)
{
	*paths = (const char **)s->nodebug;
	return s->nnodebug;
}

uint64_t symbols_resolved_count(const struct symbolizer *s)
{
	return s->resolved;
}
