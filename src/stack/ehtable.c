/* ehtable.c — a module's .eh_frame_hdr table found in a process's memory;
 * see ehtable.h. */
#include "config.h"
#include "stack/ehtable.h"
#include <elf.h>
#include <string.h>

bool ehtable_find(ehtable_read_fn read, void *ctx, uint64_t base, uint64_t lo, uint64_t hi,
		  unw_dyn_info_t *di)
{
	Elf64_Ehdr eh;
	if (!read(ctx, base, &eh, sizeof(eh)) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		return false;
	uint64_t bias = 0, hdr = 0;
	bool have_load = false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (!read(ctx, base + eh.e_phoff + i * sizeof(ph), &ph, sizeof(ph)))
			return false;
		if (ph.p_type == PT_LOAD && !have_load) { /* the one mapping file offset 0 */
			bias = base - (ph.p_vaddr - ph.p_offset);
			have_load = true;
		} else if (ph.p_type == PT_GNU_EH_FRAME) {
			hdr = ph.p_vaddr;
		}
	}
	if (!have_load || !hdr)
		return false;
	hdr += bias;
	uint8_t h[4];
	uint32_t fde_count;
	/* version 1; eh_frame_ptr sdata4; fde_count udata4; table datarel|sdata4 */
	if (!read(ctx, hdr, h, 4) || h[0] != 1 || h[2] != 0x03 || h[3] != 0x3b ||
	    (h[1] & 0x0f) != 0x0b || !read(ctx, hdr + 8, &fde_count, 4))
		return false;
	memset(di, 0, sizeof(*di));
	di->format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di->start_ip = lo;
	di->end_ip = hi;
	di->u.rti.segbase = hdr;
	di->u.rti.table_data = hdr + 12;
	di->u.rti.table_len = (uint64_t)fde_count * 8 / sizeof(unw_word_t);
	return true;
}
