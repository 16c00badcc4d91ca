/* test-symbols.c — names, the symbol table and the per-CU DWARF index, on
 * the workloads' own binaries opened as files (no process):
 *  - names: C++ demangled without parameters, overloads with them, a
 *    function's clones and a constructor's variants one function; Rust
 *    without the hash;
 *  - dwindex: for every address of the line tables of `inlined` (C) and
 *    `cxxnames` (C++), the same inline chain, lines and call-site lines as
 *    libdw's per-address path (dwarf_getscopes on the CU, what symbols.c
 *    used before), and for C the same names; each CU indexed once and each
 *    function's body walked once, however many of its addresses are asked
 *    for (what makes symbols cheap: no timing here, bench/ measures that);
 *  - elfsyms: `stripped-nosym`'s code is named module+0xSTART of the
 *    function the unwind table says it is in. */
#include "config.h"
#include "check.h"
#include "model/hash.h"
#include "stack/dwindex.h"
#include "stack/elfsyms.h"
#include "stack/names.h"
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CHAIN 16

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void check_names(void)
{
	char *s = name_demangle("_ZN1a6Worker3runEmm", false);
	CHECK(same(s, "a::Worker::run"));
	free(s);
	s = name_demangle("_ZN6crunch6hidden6crunch17h0bcdda3101f5227cE", false);
	CHECK(same(s, "crunch::hidden::crunch"));
	free(s);
	s = name_demangle("_RNvNtCs1234_6crunch6hidden6crunch", false);
	CHECK(same(s, "crunch::hidden::crunch"));
	free(s);
	CHECK(name_demangle("memcpy", false) == NULL);

	struct namer n;
	namer_init(&n);
	namer_note(&n, "_Z5scalemm");
	namer_note(&n, "_Z5scaledm");
	namer_note(&n, "_ZN4MeshC1Ev");
	namer_note(&n, "_ZN4MeshC2Ev");
	namer_note(&n, "_Z4foldImET_S0_m");
	namer_note(&n, "_Z4foldImET_S0_m.constprop.0");
	/* overloads: with their parameters, in the module's every name */
	CHECK(same(namer_name(&n, "_Z5scalemm", "scale"), "scale(unsigned long, unsigned long)"));
	CHECK(same(namer_name(&n, "_Z5scaledm", NULL), "scale(double, unsigned long)"));
	/* a constructor's complete and base variants, a clone: one function */
	CHECK(same(namer_name(&n, "_ZN4MeshC2Ev", "Mesh"), "Mesh::Mesh"));
	CHECK(same(namer_name(&n, "_ZN4MeshC1Ev", NULL), "Mesh::Mesh"));
	CHECK(same(namer_name(&n, "_Z4foldImET_S0_m.constprop.0", NULL), "fold<unsigned long>"));
	/* a legacy Rust name holds ".." escapes: not a clone suffix */
	const char *drop = "_ZN4core3ptr46drop_in_place$LT$alloc..vec..Vec$LT$u8$GT$$GT$"
			   "17h0123456789abcdefE";
	CHECK(same(namer_name(&n, drop, NULL), "core::ptr::drop_in_place<alloc::vec::Vec<u8>>"));
	/* found later (inlined only, not in the symbol table): told apart too */
	CHECK(same(namer_name(&n, "_Z3mixm", NULL), "mix"));
	CHECK(same(namer_name(&n, "_Z3mixd", NULL), "mix(double)"));
	CHECK(same(namer_name(&n, "_Z3mixm", NULL), "mix")); /* as it was first named */
	CHECK(same(namer_name(&n, NULL, "main"), "main"));
	/* legacy Rust instances of one generic function: two rows, as perf has
	 * them, named with the generic arguments their DWARF names carry */
	const char *u8 = "_ZN3rs111generic_sum17h915f63a2bf5f3a97E";
	const char *u64 = "_ZN3rs111generic_sum17hfe15f674c69b57bbE";
	CHECK(same(namer_name(&n, u8, "generic_sum<u8>"), "rs1::generic_sum<u8>"));
	CHECK(same(namer_name(&n, u64, "generic_sum<u64>"), "rs1::generic_sum<u64>"));
	CHECK(same(namer_name(&n, u8, NULL), "rs1::generic_sum<u8>")); /* from the symbol table */
	CHECK(same(namer_name(&n, "_ZN3rs14main17h0123456789abcdefE", "main"), "rs1::main"));
	namer_free(&n);
}

/* A module of a file, as libdwfl reports an executable outside a process. */
static Dwfl *open_file(const char *path, Dwfl_Module **mod)
{
	static char *debuginfo_path;
	static const Dwfl_Callbacks cb = {
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
		.debuginfo_path = &debuginfo_path,
	};
	Dwfl *dwfl = dwfl_begin(&cb);
	*mod = dwfl ? dwfl_report_offline(dwfl, "", path, -1) : NULL;
	dwfl_report_end(dwfl, NULL, NULL);
	if (!*mod)
		printf("cannot open %s: %s\n", path, dwfl_errmsg(-1));
	return dwfl;
}

struct module {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr bias;
	struct namer names;
	struct elfsyms syms;
	struct dwindex *x;
};

static const char *symbol_at(void *arg, uint64_t addr)
{
	struct module *m = arg;
	return elfsyms_starting_at(&m->syms, addr + m->bias);
}

/* The workload `name`, built in dir. */
static bool module_open(struct module *m, const char *dir, const char *name)
{
	char path[4096 + 256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(m, 0, sizeof(*m));
	m->dwfl = open_file(path, &m->mod);
	if (!m->mod)
		return false;
	namer_init(&m->names);
	elfsyms_init(&m->syms, m->mod, "m", &m->names);
	m->dw = dwfl_module_getdwarf(m->mod, &m->bias);
	m->x = m->dw ? dwindex_new(m->dw, &m->names, symbol_at, m) : NULL;
	return true;
}

static void module_close(struct module *m)
{
	dwindex_free(m->x);
	elfsyms_free(&m->syms);
	namer_free(&m->names);
	dwfl_end(m->dwfl);
}

/* libdw's inline chain at addr, innermost first: DW_AT_name, line (the
 * line table's, then each call site's), and the outermost function's DIE. */
struct chain {
	int n;
	const char *name[MAX_CHAIN];
	int line[MAX_CHAIN];
	Dwarf_Off function, cu;
};

static void reference(struct module *m, Dwarf_Addr addr, struct chain *c)
{
	Dwarf_Addr bias;
	Dwarf_Die *cudie = dwfl_module_addrdie(m->mod, addr + m->bias, &bias);
	Dwfl_Line *dl = dwfl_module_getsrc(m->mod, addr + m->bias);
	int line = 0;
	*c = (struct chain){0};
	if (!cudie || !dl || !dwfl_lineinfo(dl, NULL, &line, NULL, NULL, NULL))
		return;
	c->cu = dwarf_dieoffset(cudie);
	Dwarf_Die *scopes = NULL, *chain = NULL;
	int nscopes = dwarf_getscopes(cudie, addr, &scopes), nchain = 0;
	for (int i = 0; i < nscopes && !chain; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
			nchain = dwarf_getscopes_die(&scopes[i], &chain);
	}
	for (int i = 0; i < nchain && c->n < MAX_CHAIN; i++) {
		int tag = dwarf_tag(&chain[i]);
		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		Dwarf_Attribute a;
		c->name[c->n] = dwarf_formstring(dwarf_attr_integrate(&chain[i], DW_AT_name, &a));
		c->line[c->n++] = line;
		if (tag == DW_TAG_subprogram) {
			c->function = dwarf_dieoffset(&chain[i]);
			break;
		}
		Dwarf_Word cl = 0;
		dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_line, &a), &cl);
		line = (int)cl;
	}
	free(scopes);
	free(chain);
}

/* The line-table addresses of every CU (no ends of sequences). */
static size_t line_addresses(Dwarf *dw, Dwarf_Addr **out)
{
	size_t n = 0, cap = 0;
	Dwarf_CU *unit = NULL, *next;
	Dwarf_Half version;
	uint8_t type;
	Dwarf_Die cudie, sub;
	*out = NULL;
	while (dwarf_get_units(dw, unit, &next, &version, &type, &cudie, &sub) == 0) {
		unit = next;
		Dwarf_Lines *lines;
		size_t nl;
		if (dwarf_getsrclines(&cudie, &lines, &nl) != 0)
			continue;
		for (size_t i = 0; i < nl; i++) {
			Dwarf_Addr a;
			bool end = true;
			Dwarf_Line *l = dwarf_onesrcline(lines, i);
			if (dwarf_lineendsequence(l, &end) || end || dwarf_lineaddr(l, &a))
				continue;
			if (n == cap)
				*out = realloc(*out, (cap = cap ? 2 * cap : 1024) * sizeof(**out));
			(*out)[n++] = a;
		}
	}
	return n;
}

/* Every line-table address of the workload `name` against libdw's chain. */
static void check_index(const char *dir, const char *name, bool compare_names)
{
	struct module m;
	CHECK(module_open(&m, dir, name));
	CHECK(m.x != NULL);
	if (!m.x)
		return;
	Dwarf_Addr *addrs;
	size_t n = line_addresses(m.dw, &addrs), mismatches = 0, inlined = 0;
	CHECK(n > 50);
	struct u64map cus, functions;
	u64map_init(&cus);
	u64map_init(&functions);
	for (size_t i = 0; i < n; i++) {
		struct chain c;
		struct dw_frame f[MAX_CHAIN];
		reference(&m, addrs[i], &c);
		int k = dwindex_lookup(m.x, addrs[i], f, MAX_CHAIN);
		bool ok = k == c.n;
		for (int j = 0; ok && j < k; j++) {
			ok = f[j].line == (uint32_t)c.line[j] && f[j].inlined == (j + 1 < k);
			if (compare_names)
				ok = ok && same(f[j].function, c.name[j]);
		}
		if (!ok && mismatches++ < 5)
			printf("  %s+0x%llx: %d frames (%s:%u), libdw %d (%s:%d)\n", name,
			       (unsigned long long)addrs[i], k, k ? f[0].function : "-", k ? f[0].line : 0,
			       c.n, c.n ? c.name[0] : "-", c.n ? c.line[0] : 0);
		inlined += k > 1;
		if (c.n) {
			u64map_put(&cus, c.cu, 1);
			u64map_put(&functions, c.function, 1);
		}
	}
	CHECK_EQ(mismatches, 0);
	CHECK(inlined > 0);
	/* once per CU and per function, and never again */
	size_t ncus, nfunctions;
	dwindex_stats(m.x, &ncus, &nfunctions);
	CHECK_EQ(ncus, cus.len);
	CHECK_EQ(nfunctions, functions.len);
	for (size_t i = 0; i < n; i++) {
		struct dw_frame f[MAX_CHAIN];
		dwindex_lookup(m.x, addrs[i], f, MAX_CHAIN);
	}
	size_t ncus2, nfunctions2;
	dwindex_stats(m.x, &ncus2, &nfunctions2);
	CHECK_EQ(ncus2, ncus);
	CHECK_EQ(nfunctions2, nfunctions);
	u64map_free(&cus);
	u64map_free(&functions);
	free(addrs);
	module_close(&m);
}

/* C++ names from the DWARF: qualified, overloads told apart, the lambda
 * named from the symbol table (GCC gives it no linkage name). */
static void check_cxx_names(const char *dir)
{
	static const char *const want[] = {
		"a::Worker::run", "b::Worker::run", "scale(unsigned long, unsigned long)",
		"scale(double, unsigned long)", "fold<unsigned long>",
		"one_round(unsigned long)::{lambda(unsigned long, unsigned long)#1}::operator()",
	};
	struct module m;
	CHECK(module_open(&m, dir, "cxxnames"));
	if (!m.x)
		return;
	bool seen[sizeof(want) / sizeof(want[0])] = {false};
	Dwarf_Addr *addrs;
	size_t n = line_addresses(m.dw, &addrs);
	for (size_t i = 0; i < n; i++) {
		struct dw_frame f[MAX_CHAIN];
		int k = dwindex_lookup(m.x, addrs[i], f, MAX_CHAIN);
		for (size_t w = 0; k && w < sizeof(want) / sizeof(want[0]); w++)
			seen[w] |= same(f[k - 1].function, want[w]);
		CHECK(k == 0 || !same(f[k - 1].function, "run"));
	}
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		if (!seen[w])
			printf("  cxxnames: no function %s\n", want[w]);
		CHECK(seen[w]);
	}
	free(addrs);
	module_close(&m);
}

/* No symbol at all: module+0xSTART of the FDE around the address. */
static void check_unwind_names(const char *dir)
{
	struct module m;
	CHECK(module_open(&m, dir, "stripped-nosym"));
	if (!m.mod)
		return;
	CHECK(m.x == NULL);
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(m.mod, &bias);
	GElf_Ehdr eh;
	CHECK(elf && gelf_getehdr(elf, &eh));
	/* _start, where no symbol is left either: the starts are read */
	enum elfsym_kind kind;
	char want[64];
	const char *name = elfsyms_name(&m.syms, eh.e_entry + bias, &kind);
	snprintf(want, sizeof(want), "m+0x%llx", (unsigned long long)eh.e_entry);
	CHECK_EQ(kind, ELFSYM_UNWIND);
	CHECK(same(name, want));
	CHECK(m.syms.nstarts > 3);
	size_t named = 0;
	for (size_t i = 0; i < m.syms.nstarts; i++) {
		uint64_t start = m.syms.starts[i];
		snprintf(want, sizeof(want), "m+0x%llx", (unsigned long long)start);
		/* its first byte and its second: the same function */
		for (uint64_t a = start; a < start + 2; a++) {
			name = elfsyms_name(&m.syms, a + bias, &kind);
			if (kind == ELFSYM_SYMBOL)
				continue; /* a PLT stub */
			CHECK_EQ(kind, ELFSYM_UNWIND);
			if (!same(name, want))
				printf("  stripped-nosym: 0x%llx is %s, expected %s\n", (unsigned long long)a,
				       name ? name : "nothing", want);
			CHECK(same(name, want));
			named++;
		}
	}
	CHECK(named >= 6);
	module_close(&m);
}

int main(void)
{
	char self[4096], dir[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		perror("/proc/self/exe");
		return 1;
	}
	self[len] = '\0';
	/* the workloads, built beside this test: <build>/tests/workloads */
	snprintf(dir, sizeof(dir), "%s/../workloads", dirname(self));
	unsetenv("DEBUGINFOD_URLS");
	check_names();
	check_index(dir, "inlined", true);
	check_index(dir, "cxxnames", false);
	check_cxx_names(dir);
	check_unwind_names(dir);
	return check_done("test-symbols");
}
