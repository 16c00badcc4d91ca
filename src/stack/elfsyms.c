/* elfsyms.c — a module's functions from its ELF file; see elfsyms.h. */
#include "config.h"
#include "stack/elfsyms.h"
#include "stack/sorted.h"
#include "model/xalloc.h"
#include <dwarf.h>
#include <gelf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct candidate {
	struct elfsym s;
	uint64_t size;
	int bind;
	size_t order; /* in the symbol table */
};

static size_t leading_underscores(const char *s)
{
	return strspn(s, "_");
}

/* Which of two symbols at one address names it, as perf chooses: one with
 * a size, not weak, global, with fewer leading underscores, the longer
 * name; then the first in the symbol table (glibc's __memmove_avx_unaligned
 * before its alias __memcpy_avx_unaligned). Negative when a is the better. */
static int worse(const struct candidate *a, const struct candidate *b)
{
	if (!a->size != !b->size)
		return a->size ? -1 : 1;
	if ((a->bind == STB_WEAK) != (b->bind == STB_WEAK))
		return a->bind == STB_WEAK ? 1 : -1;
	if ((a->bind == STB_GLOBAL) != (b->bind == STB_GLOBAL))
		return a->bind == STB_GLOBAL ? -1 : 1;
	size_t ua = leading_underscores(a->s.name), ub = leading_underscores(b->s.name);
	if (ua != ub)
		return ua < ub ? -1 : 1;
	size_t la = strlen(a->s.name), lb = strlen(b->s.name);
	if (la != lb)
		return la > lb ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_candidate(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;
	if (a->s.start != b->s.start)
		return a->s.start < b->s.start ? -1 : 1;
	return worse(a, b);
}

/* The defined functions of mod's symbol table. */
static size_t read_symbols(Dwfl_Module *mod, struct candidate **out)
{
	int n = dwfl_module_getsymtab(mod);
	size_t k = 0, cap = 0;
	*out = NULL;
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		if (!name || !*name || shndx == SHN_UNDEF || (type != STT_FUNC && type != STT_GNU_IFUNC))
			continue;
		*VEC_PUSH(*out, k, cap) = (struct candidate){{addr, 0, 0, name}, sym.st_size,
							    GELF_ST_BIND(sym.st_info), k};
	}
	return k;
}

void elfsyms_init(struct elfsyms *t, Dwfl_Module *mod, const char *base, struct namer *names)
{
	*t = (struct elfsyms){.mod = mod, .base = base, .names = names};
	struct candidate *c;
	size_t n = read_symbols(mod, &c);
	if (n > 1) /* c may be NULL when n is 0 */
		qsort(c, n, sizeof(*c), cmp_candidate);
	Dwarf_Addr mod_end = 0;
	dwfl_module_info(mod, NULL, NULL, &mod_end, NULL, NULL, NULL, NULL);
	t->syms = xmalloc((n ? n : 1) * sizeof(*t->syms));
	for (size_t i = 0; i < n; i++) {
		if (i && c[i].s.start == c[i - 1].s.start)
			continue; /* the best of an address comes first */
		struct elfsym *s = &t->syms[t->nsyms++];
		*s = c[i].s;
		/* a symbol without a size reaches to the next one, as in perf */
		size_t next = i + 1;
		while (next < n && c[next].s.start == s->start)
			next++;
		s->end = c[i].size ? s->start + c[i].size : next < n ? c[next].s.start : mod_end;
		s->cover = t->nsyms > 1 && t->syms[t->nsyms - 2].cover > s->end ? t->syms[t->nsyms - 2].cover
										  : s->end;
		namer_note(names, s->name);
	}
	free(c);
}

void elfsyms_free(struct elfsyms *t)
{
	free(t->syms);
	free(t->starts);
	*t = (struct elfsyms){0};
}

static const struct elfsym *find_symbol(const struct elfsyms *t, uint64_t addr)
{
	size_t upto = sorted_upto(t->syms, t->nsyms, sizeof(*t->syms), offsetof(struct elfsym, start),
				  addr);
	for (size_t i = upto; i-- > 0 && t->syms[i].cover > addr;)
		if (addr < t->syms[i].end)
			return &t->syms[i];
	return NULL;
}

const char *elfsyms_starting_at(struct elfsyms *t, uint64_t addr)
{
	const struct elfsym *s = find_symbol(t, addr);
	return s && s->start == addr ? namer_name(t->names, s->name, s->name) : NULL;
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

/* The functions' starts from the search table of .eh_frame_hdr (the
 * PT_GNU_EH_FRAME segment): the initial location of every FDE, sorted, as
 * the linker writes it (datarel, sdata4) for unwinders to search. */
static void read_starts(struct elfsyms *t)
{
	t->starts_read = true;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(t->mod, &bias);
	size_t nphdr;
	if (!elf || elf_getphdrnum(elf, &nphdr))
		return;
	GElf_Phdr ph = {0};
	for (size_t i = 0; i < nphdr && ph.p_type != PT_GNU_EH_FRAME; i++)
		if (!gelf_getphdr(elf, (int)i, &ph))
			return;
	Elf_Data *d = ph.p_type == PT_GNU_EH_FRAME
			      ? elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE)
			      : NULL;
	const unsigned char *p = d ? d->d_buf : NULL;
	/* version 1, the eh_frame pointer (4 bytes), the count (udata4), the table */
	if (!p || d->d_size < 12 || p[0] != 1 || (p[1] & 0x0f) != DW_EH_PE_sdata4 ||
	    p[2] != DW_EH_PE_udata4 || p[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
		return;
	uint32_t n;
	memcpy(&n, p + 8, 4);
	if (n > (d->d_size - 12) / 8)
		return;
	t->starts = xmalloc((n ? n : 1) * sizeof(*t->starts));
	for (uint32_t i = 0; i < n; i++) {
		int32_t loc;
		memcpy(&loc, p + 12 + 8 * (size_t)i, 4);
		t->starts[t->nstarts++] = ph.p_vaddr + (uint64_t)(int64_t)loc;
	}
}

/* "module+0xSTART" for the function the unwind table (.eh_frame) says
 * addr is in; NULL when no entry covers it. malloc'd. */
static char *unwind_name(struct elfsyms *t, uint64_t addr)
{
	Dwarf_Addr bias;
	Dwarf_CFI *cfi = dwfl_module_eh_cfi(t->mod, &bias);
	Dwarf_Frame *frame;
	if (!cfi || dwarf_cfi_addrframe(cfi, addr - bias, &frame) != 0)
		return NULL;
	free(frame);
	if (!t->starts_read)
		read_starts(t);
	size_t i = sorted_upto(t->starts, t->nstarts, sizeof(*t->starts), 0, addr - bias);
	return i ? xasprintf("%s+0x%llx", t->base, (unsigned long long)t->starts[i - 1]) : NULL;
}

const char *elfsyms_name(struct elfsyms *t, uint64_t addr, enum elfsym_kind *kind)
{
	const struct elfsym *s = find_symbol(t, addr);
	if (s) {
		*kind = ELFSYM_SYMBOL;
		return namer_name(t->names, s->name, s->name);
	}
	char *name = plt_name(t->mod, addr);
	*kind = ELFSYM_SYMBOL;
	if (!name) {
		name = unwind_name(t, addr);
		*kind = ELFSYM_UNWIND;
	}
	if (!name) {
		name = t->base[0] == '[' ? xstrdup(t->base) : xasprintf("[%s]", t->base);
		*kind = ELFSYM_NONE;
	}
	const char *shown = namer_name(t->names, NULL, name);
	free(name);
	return shown;
}
