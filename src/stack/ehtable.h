/* ehtable.h — a module's unwind table found in a process's memory.
 *
 * An ELF module maps its .eh_frame_hdr (PT_GNU_EH_FRAME): a sorted table of
 * every FDE's start, which libunwind searches as a "remote table". Found
 * here through the module's ELF and program headers, read with the
 * caller's reader: for the vDSO, which has no file, and for every module of
 * a process that may be gone by the time its samples are unwound (the perf
 * backend's): libunwind-ptrace finds tables through /proc/PID/maps, which a
 * process that has exited no longer has. */
#ifndef CPROF_STACK_EHTABLE_H
#define CPROF_STACK_EHTABLE_H
#include <libunwind.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read len bytes of the process's memory at addr: true when all were read. */
typedef bool (*ehtable_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

/* Describe, as libunwind's UNW_INFO_FORMAT_REMOTE_TABLE, the table of the
 * ELF image whose file offset 0 is mapped at base, its code within
 * [lo, hi). False when it cannot be read or has no .eh_frame_hdr table. */
bool ehtable_find(ehtable_read_fn read, void *ctx, uint64_t base, uint64_t lo, uint64_t hi,
		  unw_dyn_info_t *di);

#endif
