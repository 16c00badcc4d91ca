# preload — libcprof-alloc.so, the allocation sampler that cprof-tui
# --memory preloads into the programs it launches (a separate small program:
# it links nothing of the engine). Installed in $(pkglibdir), where
# cprof-tui looks for it when it is not beside it in a build tree.
#
# Built like any system library: optimised, with unwind tables (cprof-tui
# unwinds through its frames), without SANITIZE (a sanitizer's runtime
# cannot be preloaded after the program's libraries), and never with a
# builtin for malloc and friends (it defines them).
cproflibdir = $(pkglibdir)
cproflib_PROGRAMS = preload/libcprof-alloc.so
preload_libcprof_alloc_so_SOURCES = preload/alloc.c preload/blocks.c preload/record.c \
	preload/internal.h preload/ring.h
preload_libcprof_alloc_so_CPPFLAGS = -I$(top_srcdir) -I$(top_builddir)
preload_libcprof_alloc_so_CFLAGS = -std=gnu11 -g -O2 -fPIC -fvisibility=hidden -fno-builtin \
	-fasynchronous-unwind-tables -Wall -Wextra -Wshadow -pthread
preload_libcprof_alloc_so_LDFLAGS = -shared -Wl,-z,defs -pthread
preload_libcprof_alloc_so_LDADD = -lm
