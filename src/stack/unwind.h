/* unwind.h — unwinding a thread's stack from a snapshot, with libunwind.
 *
 * The sampler copies a thread's registers and the top of its stack while the
 * thread is stopped, resumes it at once, and unwinds from the copy afterwards.
 * Memory the unwinder reads comes from, in order: the stack snapshot; a page
 * cache of the target's read-only mappings (code, .eh_frame, the vDSO), keyed
 * by file identity so it survives ASLR and is flushed on exec; and, for the
 * rest, a live process_vm_readv. Unwind tables are found with one
 * libunwind-ptrace (_UPT) handle per module; the vDSO, which libunwind cannot
 * open as a file, gets its table built from the target's memory.
 *
 * Consecutive samples of a thread mostly differ only in their innermost
 * frames. The unwinder remembers each thread's last unwind (registers and
 * stack pointer of every frame, and the stack snapshot); when it reaches a
 * caller frame whose instruction pointer, stack pointer and callee-saved
 * registers equal those of the last unwind, and the stack above it is
 * byte-for-byte the same, the rest of the unwind can only come out the same:
 * it is taken from the last one instead of stepped again. (Each step also
 * cost two system calls, over 1 us each on this kind of virtual machine:
 * libunwind masks signals around its cache. unwind.c skips that masking.) */
#ifndef CPROF_UNWIND_H
#define CPROF_UNWIND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include "target/procfs.h"

struct unwinder;

struct unwind_input {
	pid_t tid;             /* the thread (its last unwind may be reused) */
	const struct user_regs_struct *regs;
	bool regs_partial;     /* only rsp and rip are known (a thread seen blocked) */
	const uint8_t *stack;  /* copy of [regs->rsp, regs->rsp + stack_len) */
	size_t stack_len;
};

struct unwinder *unwind_new(pid_t pid);
/* A backend's record of a process's mappings (perf keeps them from its
 * MMAP2 records, also once the process is gone): when they changed since
 * *version, copy them into m, update *version and return 1; unchanged: 0;
 * not known: -1 (then /proc/PID/maps is read). */
typedef int (*unwind_maps_fn)(void *ctx, pid_t pid, struct maps *m, uint64_t *version);
/* Read u's mappings through fn (NULL: /proc/PID/maps only). */
void unwind_set_maps_source(struct unwinder *u, unwind_maps_fn fn, void *ctx);
void unwind_free(struct unwinder *u);
/* Forget every cached mapping, page and table (after exec). */
void unwind_flush(struct unwinder *u);
/* Unwind into pcs (innermost first, at most max). Returns the depth and sets
 * *complete when the unwinder reached the thread's outermost frame. */
int unwind_stack(struct unwinder *u, const struct unwind_input *in, uint64_t *pcs, int max,
		 bool *complete);
/* The mapping of code address pc in the process (its maps read again when
 * pc is in none known), or NULL. */
const struct map *unwind_map(struct unwinder *u, uint64_t pc);
/* Add the frames stepped by libunwind and the frames reused from a
 * thread's last unwind, since the unwinder was created, to *stepped and
 * *reused. */
void unwind_stats_add(const struct unwinder *u, uint64_t *stepped, uint64_t *reused);

/* Calls from libunwind to sigprocmask skipped, in this process (unwind.c
 * says why). */
uint64_t unwind_masks_skipped(void);

#endif
