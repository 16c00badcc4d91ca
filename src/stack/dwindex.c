/* dwindex.c — a module's DWARF indexed a CU at a time; see dwindex.h. */
#include "config.h"
#include "stack/dwindex.h"
#include "model/usercode.h"
#include "stack/sorted.h"
#include "model/hash.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <dwarf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define MAX_NESTING 256 /* DIE nesting walked: far beyond any compiler's */

/* A row of a CU's line table; `file` END_OF_SEQUENCE ends a sequence: the
 * addresses from there to the next row have no line. */
#define END_OF_SEQUENCE UINT32_MAX
struct cu_line {
	uint64_t addr;
	uint32_t file, line;
};

/* A function's code (DW_TAG_subprogram) or a function inlined into the
 * scope `parent` (DW_TAG_inlined_subroutine), called from parent's line
 * call_line of file call_file. A function's inlined calls are indexed at
 * the first address in it: its segments of cu.inl, [inl, inl + ninl). */
struct scope {
	Dwarf_Off die;
	uint32_t parent, call_file, call_line;
	uint32_t fn; /* its function in cu.fns, NONE until first asked */
	uint32_t inl, ninl;
	bool inlined, walked;
};

/* Addresses [lo, hi) whose innermost scope is `scope`. */
struct seg {
	uint64_t lo, hi;
	uint32_t scope;
};

struct segs {
	struct seg *v;
	size_t n, cap;
};

struct fn {
	const char *name, *home;
	uint32_t decl_line;
};

struct cu {
	Dwarf_Off off;        /* of the CU's DIE */
	bool indexed;
	bool qualify;         /* C++ or Rust: a name without a linkage name is qualified */
	const char *comp_dir;
	Dwarf_Files *files;
	size_t nfiles;
	uint32_t *paths;      /* file index -> 1 + id of its path in strings; 0 until asked */
	struct cu_line *lines;
	size_t nlines;
	struct scope *scopes;
	size_t nscopes, cap_scopes;
	struct segs top;      /* the functions' code, sorted */
	struct segs inl;      /* inlined calls, each function's sorted */
	struct fn *fns;
	size_t nfns, cap_fns;
	struct u64map prefix; /* DIE offset -> id of the prefix of its scope ("ns::Class::") */
	struct u64map copies; /* abstract function's DIE offset -> entry of its out-of-line copy */
};

/* A CU's address range; maxhi is the largest hi of this and every range
 * before it in the sorted array, so that overlapping ranges are all found. */
struct cu_range {
	uint64_t lo, hi, maxhi;
	uint32_t cu;
};

struct dwindex {
	Dwarf *dw;
	struct namer *names;
	dw_symbol_fn symbol_at;
	void *symbol_arg;
	struct strpool strings; /* source paths and name prefixes */
	struct cu *cus;
	size_t ncus, cap_cus;
	struct cu_range *ranges;
	size_t nranges, cap_ranges;
	struct u64map cu_by_off; /* CU DIE offset -> index in cus */
	bool has_lines;
};

/* ---- the CUs and their address ranges ---- */

static int cmp_range(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Is the CU's source the user's (usercode.h)? A program built without -g
 * can still hold line information of a library linked into it statically
 * (Rust's standard library, from its precompiled rlibs): that is no sign
 * that the user's own code has lines. */
static bool cu_is_users(Dwarf_Die *cudie)
{
	const char *name = dwarf_diename(cudie);
	Dwarf_Attribute at;
	const char *dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &at));
	if (!name)
		return true;
	if (name[0] == '/' || !dir)
		return is_user_code(NULL, name, true);
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return is_user_code(NULL, path, true);
}

static void add_cu(struct dwindex *x, Dwarf_Die *cudie)
{
	uint32_t id = (uint32_t)x->ncus;
	struct cu *cu = VEC_PUSH(x->cus, x->ncus, x->cap_cus);
	memset(cu, 0, sizeof(*cu));
	cu->off = dwarf_dieoffset(cudie);
	u64map_put(&x->cu_by_off, cu->off, id);
	x->has_lines |= dwarf_hasattr(cudie, DW_AT_stmt_list) && cu_is_users(cudie);
	ptrdiff_t off = 0;
	Dwarf_Addr base, lo, hi;
	while ((off = dwarf_ranges(cudie, off, &base, &lo, &hi)) > 0)
		if (lo < hi)
			*VEC_PUSH(x->ranges, x->nranges, x->cap_ranges) = (struct cu_range){lo, hi, hi, id};
}

struct dwindex *dwindex_new(Dwarf *dw, struct namer *names, dw_symbol_fn symbol_at, void *arg)
{
	struct dwindex *x = xcalloc(1, sizeof(*x));
	x->dw = dw;
	x->names = names;
	x->symbol_at = symbol_at;
	x->symbol_arg = arg;
	strpool_init(&x->strings);
	u64map_init(&x->cu_by_off);
	Dwarf_CU *unit = NULL, *next;
	Dwarf_Half version;
	uint8_t type;
	Dwarf_Die cudie, subdie;
	while (dwarf_get_units(dw, unit, &next, &version, &type, &cudie, &subdie) == 0) {
		unit = next;
		if (type == DW_UT_compile)
			add_cu(x, &cudie);
	}
	if (x->nranges > 1) /* (ranges is NULL while empty) */
		qsort(x->ranges, x->nranges, sizeof(*x->ranges), cmp_range);
	for (size_t i = 1; i < x->nranges; i++)
		if (x->ranges[i].maxhi < x->ranges[i - 1].maxhi)
			x->ranges[i].maxhi = x->ranges[i - 1].maxhi;
	return x;
}

void dwindex_free(struct dwindex *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->ncus; i++) {
		struct cu *cu = &x->cus[i];
		free(cu->paths);
		free(cu->lines);
		free(cu->scopes);
		free(cu->top.v);
		free(cu->inl.v);
		free(cu->fns);
		u64map_free(&cu->prefix);
		u64map_free(&cu->copies);
	}
	free(x->cus);
	free(x->ranges);
	u64map_free(&x->cu_by_off);
	strpool_free(&x->strings);
	free(x);
}

bool dwindex_has_lines(const struct dwindex *x)
{
	return x->has_lines;
}

void dwindex_stats(const struct dwindex *x, size_t *cus, size_t *functions)
{
	*cus = *functions = 0;
	for (size_t i = 0; i < x->ncus; i++) {
		*cus += x->cus[i].indexed;
		for (size_t k = 0; k < x->cus[i].nscopes; k++)
			*functions += x->cus[i].scopes[k].walked;
	}
}

/* ---- indexing a CU: the line table ---- */

struct row {
	struct cu_line l;
	size_t order;
};

/* By address; at one address a sequence's end first, then the rows in
 * their order (the last is in effect). */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->l.addr != y->l.addr)
		return x->l.addr < y->l.addr ? -1 : 1;
	bool xend = x->l.file == END_OF_SEQUENCE, yend = y->l.file == END_OF_SEQUENCE;
	if (xend != yend)
		return xend ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool rows_sorted(const struct cu_line *l, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (l[i].addr < l[i - 1].addr ||
		    (l[i].addr == l[i - 1].addr && l[i].file == END_OF_SEQUENCE &&
		     l[i - 1].file != END_OF_SEQUENCE))
			return false;
	return true;
}

/* libdw gives the rows sorted by address already; sort them when not. */
static void sort_rows(struct cu_line *l, size_t n)
{
	if (rows_sorted(l, n))
		return;
	struct row *rows = xmalloc(n * sizeof(*rows));
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct row){l[i], i};
	qsort(rows, n, sizeof(*rows), cmp_row);
	for (size_t i = 0; i < n; i++)
		l[i] = rows[i].l;
	free(rows);
}

static void index_lines(struct cu *cu, Dwarf_Die *cudie)
{
	Dwarf_Lines *lines;
	size_t n;
	if (dwarf_getsrclines(cudie, &lines, &n) != 0 || !n)
		return;
	dwarf_getsrcfiles(cudie, &cu->files, &cu->nfiles);
	cu->lines = xmalloc(n * sizeof(*cu->lines));
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr addr;
		Dwarf_Files *files;
		size_t file;
		int lineno = 0;
		bool end = false;
		if (!l || dwarf_lineaddr(l, &addr) || dwarf_line_file(l, &files, &file))
			continue;
		dwarf_lineno(l, &lineno);
		dwarf_lineendsequence(l, &end);
		cu->lines[cu->nlines++] = (struct cu_line){addr, end ? END_OF_SEQUENCE : (uint32_t)file,
							   lineno > 0 ? (uint32_t)lineno : 0};
	}
	sort_rows(cu->lines, cu->nlines);
}

/* ---- indexing a CU: functions, then a function's inlined calls ---- */

/* An address range of a scope, at its depth of inlining. */
struct ival {
	uint64_t lo, hi;
	uint32_t scope, depth;
};

struct walk {
	struct dwindex *x;
	struct cu *cu;
	struct ival *iv;
	size_t niv, cap_iv;
};

static uint64_t attr_udata(Dwarf_Die *die, unsigned name, uint64_t dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word v;
	return dwarf_formudata(dwarf_attr(die, name, &a), &v) == 0 ? v : dflt;
}

/* The address a function's code is entered at: its entry_pc or low_pc,
 * else the start of its first range. */
static uint64_t entry_of(Dwarf_Die *die, uint64_t first)
{
	Dwarf_Addr pc;
	return dwarf_entrypc(die, &pc) == 0 ? pc : first;
}

/* A scope for die when it has code; NONE when it has no address range (a
 * declaration, an abstract instance). */
static uint32_t add_scope(struct walk *w, Dwarf_Die *die, uint32_t parent, uint32_t depth)
{
	struct cu *cu = w->cu;
	uint32_t id = (uint32_t)cu->nscopes;
	size_t first = w->niv;
	ptrdiff_t off = 0;
	Dwarf_Addr base, lo, hi;
	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0)
		if (lo < hi)
			*VEC_PUSH(w->iv, w->niv, w->cap_iv) = (struct ival){lo, hi, id, depth};
	if (w->niv == first)
		return NONE;
	bool inlined = dwarf_tag(die) == DW_TAG_inlined_subroutine;
	Dwarf_Attribute a;
	Dwarf_Die origin;
	if (!inlined && dwarf_formref_die(dwarf_attr(die, DW_AT_abstract_origin, &a), &origin))
		u64map_put(&cu->copies, dwarf_dieoffset(&origin), entry_of(die, w->iv[first].lo));
	*VEC_PUSH(cu->scopes, cu->nscopes, cu->cap_scopes) = (struct scope){
		.die = dwarf_dieoffset(die),
		.parent = parent,
		.call_file = inlined ? (uint32_t)attr_udata(die, DW_AT_call_file, NONE) : NONE,
		.call_line = inlined ? (uint32_t)attr_udata(die, DW_AT_call_line, 0) : 0,
		.fn = NONE,
		.inlined = inlined,
	};
	return id;
}

/* The prefix of names declared in die (a namespace or a type) inside a
 * scope of prefix `outer` (NONE: the CU). */
static uint32_t nested_prefix(struct walk *w, Dwarf_Die *die, uint32_t outer)
{
	const char *name = dwarf_diename(die);
	if (!name && dwarf_tag(die) == DW_TAG_namespace)
		name = "(anonymous namespace)";
	if (!name)
		return outer;
	const char *o = outer == NONE ? "" : strpool_get(&w->x->strings, outer);
	char *p = xasprintf("%s%s::", o, name);
	uint32_t id = strpool_intern(&w->x->strings, p);
	free(p);
	return id;
}

/* The functions among die's children (and, in C++ and Rust, in the
 * namespaces and types there, which qualify them by `prefix`); their
 * bodies are walked when an address falls in them. */
static void walk_functions(struct walk *w, Dwarf_Die *die, uint32_t prefix, int nesting)
{
	Dwarf_Die child;
	if (nesting > MAX_NESTING || dwarf_child(die, &child) != 0)
		return;
	do {
		switch (dwarf_tag(&child)) {
		case DW_TAG_subprogram:
			if (prefix != NONE)
				u64map_put(&w->cu->prefix, dwarf_dieoffset(&child), prefix);
			add_scope(w, &child, NONE, 0);
			break;
		case DW_TAG_namespace:
		case DW_TAG_class_type:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
			if (w->cu->qualify)
				walk_functions(w, &child, nested_prefix(w, &child, prefix), nesting + 1);
			break;
		default:
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* The inlined calls among die's children, inside `scope` at inlining depth
 * `depth`. */
static void walk_body(struct walk *w, Dwarf_Die *die, uint32_t scope, uint32_t depth, int nesting)
{
	Dwarf_Die child;
	if (nesting > MAX_NESTING || dwarf_child(die, &child) != 0)
		return;
	do {
		uint32_t s;
		switch (dwarf_tag(&child)) {
		case DW_TAG_inlined_subroutine:
			s = add_scope(w, &child, scope, depth);
			walk_body(w, &child, s == NONE ? scope : s, depth + 1, nesting + 1);
			break;
		case DW_TAG_lexical_block:
		case DW_TAG_try_block:
		case DW_TAG_catch_block:
			walk_body(w, &child, scope, depth, nesting + 1);
			break;
		default:
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* Outer scopes first where ranges start together: by start, then the
 * longer, then the less inlined; of scopes with the same range, the first
 * DIE last, so that it is the innermost (gas describes each alias of an
 * assembly function, as glibc's __memmove_avx_unaligned and
 * __memcpy_avx_unaligned: the first names it, as in the symbol table). */
static int cmp_ival(const void *a, const void *b)
{
	const struct ival *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi > y->hi ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->scope > y->scope ? -1 : x->scope < y->scope;
}

static void emit(struct segs *out, size_t first, uint64_t lo, uint64_t hi, uint32_t scope)
{
	if (lo >= hi)
		return;
	struct seg *last = out->n > first ? &out->v[out->n - 1] : NULL;
	if (last && last->hi == lo && last->scope == scope)
		last->hi = hi;
	else
		*VEC_PUSH(out->v, out->n, out->cap) = (struct seg){lo, hi, scope};
}

/* Nested ranges into sorted, disjoint segments appended to out, each with
 * its innermost scope: a sweep over the ranges by start, with a stack of
 * the open ones. */
static void flatten(struct segs *out, struct ival *iv, size_t n)
{
	if (n > 1) /* iv may be NULL when n is 0 */
		qsort(iv, n, sizeof(*iv), cmp_ival);
	size_t *open = xmalloc((n ? n : 1) * sizeof(*open)), nopen = 0, first = out->n;
	uint64_t pos = 0;
	for (size_t i = 0; i <= n; i++) {
		uint64_t until = i < n ? iv[i].lo : UINT64_MAX;
		while (nopen && iv[open[nopen - 1]].hi <= until) {
			const struct ival *top = &iv[open[--nopen]];
			emit(out, first, pos, top->hi, top->scope);
			if (pos < top->hi)
				pos = top->hi;
		}
		if (i == n)
			break;
		if (nopen)
			emit(out, first, pos, iv[i].lo, iv[open[nopen - 1]].scope);
		if (pos < iv[i].lo)
			pos = iv[i].lo;
		open[nopen++] = i;
	}
	free(open);
}

static bool qualified_language(int lang)
{
	switch (lang) {
	case DW_LANG_C_plus_plus:
	case DW_LANG_C_plus_plus_03:
	case DW_LANG_C_plus_plus_11:
	case DW_LANG_C_plus_plus_14:
	case 0x2a: /* DW_LANG_C_plus_plus_17 (DWARF 5 addendum) */
	case 0x2b: /* DW_LANG_C_plus_plus_20 */
	case DW_LANG_ObjC_plus_plus:
	case DW_LANG_Rust:
		return true;
	default:
		return false;
	}
}

static void index_cu(struct dwindex *x, struct cu *cu)
{
	Dwarf_Die cudie;
	cu->indexed = true;
	if (!dwarf_offdie(x->dw, cu->off, &cudie))
		return;
	Dwarf_Attribute a;
	cu->comp_dir = dwarf_formstring(dwarf_attr(&cudie, DW_AT_comp_dir, &a));
	cu->qualify = qualified_language(dwarf_srclang(&cudie));
	u64map_init(&cu->prefix);
	u64map_init(&cu->copies);
	index_lines(cu, &cudie);
	struct walk w = {x, cu, NULL, 0, 0};
	walk_functions(&w, &cudie, NONE, 0);
	flatten(&cu->top, w.iv, w.niv);
	free(w.iv);
}

/* Index the inlined calls of function scope sc. */
static void index_function(struct dwindex *x, struct cu *cu, uint32_t sc)
{
	Dwarf_Die die;
	cu->scopes[sc].walked = true;
	cu->scopes[sc].inl = (uint32_t)cu->inl.n;
	if (!dwarf_offdie(x->dw, cu->scopes[sc].die, &die))
		return;
	struct walk w = {x, cu, NULL, 0, 0};
	walk_body(&w, &die, sc, 1, 0);
	flatten(&cu->inl, w.iv, w.niv);
	cu->scopes[sc].ninl = (uint32_t)(cu->inl.n - cu->scopes[sc].inl);
	free(w.iv);
}

/* ---- answering an address ---- */

/* Absolute, normalised path of a source file named in a CU, interned in
 * x->strings. In a -fdebug-prefix-map build (Debian's packages) the
 * compilation directory is relative too, and names already start with it
 * ("nptl/pthread_create.c" in "nptl": joining doubled it), except those
 * that climb out of it ("../sysdeps/..." in "string"). */
static uint32_t source_path(struct dwindex *x, const char *name, const char *comp_dir)
{
	bool join = name[0] != '/' && comp_dir && (comp_dir[0] == '/' || !strncmp(name, "../", 3));
	char *path = join ? xasprintf("%s/%s", comp_dir, name) : xstrdup(name);
	uint32_t id = strpool_intern(&x->strings, str_normalize_path(path));
	free(path);
	return id;
}

static const char *file_path(struct dwindex *x, struct cu *cu, uint32_t file)
{
	if (file >= cu->nfiles)
		return NULL;
	if (!cu->paths)
		cu->paths = xcalloc(cu->nfiles, sizeof(*cu->paths));
	if (!cu->paths[file]) {
		const char *name = dwarf_filesrc(cu->files, file, NULL, NULL);
		if (!name)
			return NULL;
		cu->paths[file] = 1 + source_path(x, name, cu->comp_dir);
	}
	return strpool_get(&x->strings, cu->paths[file] - 1);
}

/* The qualified source name of a function without a linkage name (a C++
 * constructor inlined: its abstract instance has none): the prefix of the
 * scope its declaration is in, found through abstract_origin and
 * specification. Plain when the declaration is in no namespace or type of
 * this CU. */
static const char *qualified_name(struct dwindex *x, struct cu *cu, Dwarf_Die *die,
				  const char *name)
{
	Dwarf_Die cur = *die;
	for (int hop = 0; hop < 8; hop++) {
		uint64_t prefix;
		if (u64map_get(&cu->prefix, dwarf_dieoffset(&cur), &prefix)) {
			char *q = xasprintf("%s%s", strpool_get(&x->strings, (uint32_t)prefix), name);
			const char *s = strpool_get(&x->strings, strpool_intern(&x->strings, q));
			free(q);
			return s;
		}
		Dwarf_Attribute a;
		if (!dwarf_attr(&cur, DW_AT_abstract_origin, &a) &&
		    !dwarf_attr(&cur, DW_AT_specification, &a))
			break;
		if (!dwarf_formref_die(&a, &cur))
			break;
	}
	return name;
}

/* The name of the symbol at the entry of a scope's function, when it has
 * code of its own: the scope itself, or an out-of-line copy of the
 * function inlined there. */
static const char *symbol_of(struct dwindex *x, struct cu *cu, const struct scope *s,
			     Dwarf_Die *die)
{
	uint64_t entry;
	Dwarf_Attribute a;
	Dwarf_Die origin;
	if (!s->inlined)
		entry = entry_of(die, 0);
	else if (!dwarf_formref_die(dwarf_attr(die, DW_AT_abstract_origin, &a), &origin) ||
		 !u64map_get(&cu->copies, dwarf_dieoffset(&origin), &entry))
		return NULL;
	return entry ? x->symbol_at(x->symbol_arg, entry) : NULL;
}

static const struct cu_line *find_line(const struct cu *cu, uint64_t addr);

static const struct fn *function_of(struct dwindex *x, struct cu *cu, uint32_t sc)
{
	struct scope *s = &cu->scopes[sc];
	if (s->fn != NONE)
		return &cu->fns[s->fn];
	struct fn f = {NULL, NULL, 0};
	Dwarf_Die die;
	if (dwarf_offdie(x->dw, s->die, &die)) {
		Dwarf_Attribute a;
		const char *linkage = dwarf_formstring(dwarf_attr_integrate(&die, DW_AT_linkage_name, &a));
		if (!linkage)
			linkage = dwarf_formstring(dwarf_attr_integrate(&die, DW_AT_MIPS_linkage_name, &a));
		const char *plain = dwarf_formstring(dwarf_attr_integrate(&die, DW_AT_name, &a));
		if (!linkage && cu->qualify)
			f.name = symbol_of(x, cu, s, &die);
		if (!f.name && !linkage && plain && cu->qualify)
			plain = qualified_name(x, cu, &die, plain);
		if (!f.name && (linkage || plain))
			f.name = namer_name(x->names, linkage, plain);
		const char *decl = dwarf_decl_file(&die);
		f.home = decl ? strpool_get(&x->strings, source_path(x, decl, cu->comp_dir)) : NULL;
		int line = 0;
		Dwarf_Addr entry;
		const struct cu_line *at;
		if (dwarf_decl_line(&die, &line) == 0 && line > 0) {
			f.decl_line = (uint32_t)line;
		} else if (dwarf_entrypc(&die, &entry) == 0 && (at = find_line(cu, entry))) {
			/* no declared line (g++'s lambdas): the line it is entered at */
			f.decl_line = at->line;
			if (!f.home)
				f.home = file_path(x, cu, at->file);
		}
	}
	s->fn = (uint32_t)cu->nfns;
	*VEC_PUSH(cu->fns, cu->nfns, cu->cap_fns) = f;
	return &cu->fns[s->fn];
}

/* The scope of the segment of v[0, n) that holds addr, NONE if none does. */
static uint32_t find_seg(const struct seg *v, size_t n, uint64_t addr)
{
	size_t i = sorted_upto(v, n, sizeof(*v), offsetof(struct seg, lo), addr);
	return i && addr < v[i - 1].hi ? v[i - 1].scope : NONE;
}

/* The innermost scope at addr: its function's, then an inlined call's. */
static uint32_t find_scope(struct dwindex *x, struct cu *cu, uint64_t addr)
{
	uint32_t sc = find_seg(cu->top.v, cu->top.n, addr);
	if (sc == NONE)
		return NONE;
	if (!cu->scopes[sc].walked)
		index_function(x, cu, sc);
	const struct scope *s = &cu->scopes[sc];
	uint32_t inner = find_seg(cu->inl.v + s->inl, s->ninl, addr);
	return inner != NONE ? inner : sc;
}

/* The line-table row in effect at addr, NULL when none is. */
static const struct cu_line *find_line(const struct cu *cu, uint64_t addr)
{
	size_t i = sorted_upto(cu->lines, cu->nlines, sizeof(*cu->lines),
			       offsetof(struct cu_line, addr), addr);
	return i && cu->lines[i - 1].file != END_OF_SEQUENCE ? &cu->lines[i - 1] : NULL;
}

static int lookup_cu(struct dwindex *x, struct cu *cu, uint64_t addr, struct dw_frame *out, int max)
{
	if (!cu->indexed)
		index_cu(x, cu);
	uint32_t sc = find_scope(x, cu, addr);
	const struct cu_line *row = find_line(cu, addr);
	const char *file = row && row->line ? file_path(x, cu, row->file) : NULL;
	uint32_t line = file ? row->line : 0;
	if (sc == NONE) { /* code the DWARF has lines for, but no function */
		if (!file)
			return 0;
		out[0] = (struct dw_frame){NULL, file, file, line, 0, false};
		return 1;
	}
	int n = 0;
	while (sc != NONE && n < max) {
		const struct fn *f = function_of(x, cu, sc);
		const struct scope *s = &cu->scopes[sc];
		out[n++] = (struct dw_frame){f->name, f->home, file ? file : f->home, line,
					     f->decl_line, s->inlined};
		if (!s->inlined)
			break;
		/* the caller's frame is at the call site */
		file = s->call_file != NONE ? file_path(x, cu, s->call_file) : NULL;
		line = s->call_line;
		sc = s->parent;
	}
	return n;
}

int dwindex_lookup(struct dwindex *x, uint64_t addr, struct dw_frame *out, int max)
{
	size_t upto = sorted_upto(x->ranges, x->nranges, sizeof(*x->ranges),
				  offsetof(struct cu_range, lo), addr);
	bool tried = false;
	for (size_t i = upto; i-- > 0 && x->ranges[i].maxhi > addr;) {
		if (addr >= x->ranges[i].hi)
			continue;
		tried = true;
		int n = lookup_cu(x, &x->cus[x->ranges[i].cu], addr, out, max);
		if (n)
			return n;
	}
	/* a CU without address ranges of its own: libdw's .debug_aranges */
	Dwarf_Die cudie;
	uint64_t id;
	if (!tried && dwarf_addrdie(x->dw, addr, &cudie) &&
	    u64map_get(&x->cu_by_off, dwarf_dieoffset(&cudie), &id))
		return lookup_cu(x, &x->cus[id], addr, out, max);
	return 0;
}
