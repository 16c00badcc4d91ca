/* elfsyms.h — a module's functions from its ELF file, for code that DWARF
 * does not describe: the symbol table (read and sorted once, then searched
 * by address), PLT stubs ("strlen@plt"), and, where there is no symbol,
 * the unwind table: .eh_frame gives every function's start even in a fully
 * stripped binary, so such code is still split into functions, named
 * module+0xSTART (the start as an address of the ELF file) as perf names
 * addresses.
 *
 * Worker thread only (symbols.h). */
#ifndef CPROF_STACK_ELFSYMS_H
#define CPROF_STACK_ELFSYMS_H
#include "stack/names.h"
#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>

struct elfsym {
	uint64_t start, end; /* module addresses [start, end) */
	uint64_t cover;      /* the largest end of this and every symbol before it */
	const char *name;    /* as the symbol table has it (mangled) */
};

struct elfsyms {
	Dwfl_Module *mod;
	const char *base;    /* the module's file name, for module+0xSTART */
	struct namer *names;
	struct elfsym *syms; /* sorted by start, one per address */
	size_t nsyms;
	uint64_t *starts;    /* functions' starts from the unwind table (ELF addresses), sorted */
	size_t nstarts;
	bool starts_read;    /* read at the first address without a symbol */
};

enum elfsym_kind {
	ELFSYM_SYMBOL, /* a symbol of the symbol table, or a PLT stub */
	ELFSYM_UNWIND, /* no symbol: module+0xSTART from the unwind table */
	ELFSYM_NONE,   /* neither: "[module]" */
};

/* Read mod's symbol table (and note its names to `names`, which names the
 * module's functions). `base` names the module in module+0xSTART. */
void elfsyms_init(struct elfsyms *t, Dwfl_Module *mod, const char *base, struct namer *names);
void elfsyms_free(struct elfsyms *t);
/* The name of the function at module address addr, demangled; *kind says
 * where it came from. Stable until the namer is freed. */
const char *elfsyms_name(struct elfsyms *t, uint64_t addr, enum elfsym_kind *kind);
/* The name of the symbol that starts at addr, demangled; NULL when none. */
const char *elfsyms_starting_at(struct elfsyms *t, uint64_t addr);

#endif
