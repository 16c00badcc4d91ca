# bench — the benchmark harness (bash bench/run.sh; see bench/RESULTS.md).
# Its programs are EXTRA_PROGRAMS: `make` and `make check` do not build them
# (a change to the engine's API cannot break the build through them);
# bench/run.sh builds them with `make bench-programs`.
#
#   bench/bwl           workloads that time their own fixed work
#   bench/ptrace-floor  the bare ptrace stop/regs/resume sampler (the floor)
#   bench/symbench      symbol resolution timing through src/stack/symbols.h
#   bench/sessbench     1M-sample session write/load/toggle through db/ + src/model/
BENCH_PROGS = bench/bwl bench/ptrace-floor bench/symbench bench/sessbench
EXTRA_PROGRAMS = $(BENCH_PROGS)
CLEANFILES += $(BENCH_PROGS)
EXTRA_DIST += bench/run.sh bench/tables.sh bench/gen-big.sh bench/pysym.sh bench/suite.sh bench/alloc.sh \
	bench/RESULTS.md

# Workloads are built like the test workloads: -O2, no frame pointers, -g.
bench_bwl_SOURCES = bench/bwl.c tests/workloads/stages.h
bench_bwl_CFLAGS = -g -O2 -fomit-frame-pointer -Wall -Wextra -pthread
bench_bwl_LDADD = -lpthread
bench_ptrace_floor_SOURCES = bench/ptrace-floor.c
bench_ptrace_floor_LDFLAGS = $(SANITIZE)
bench_symbench_SOURCES = bench/symbench.c
bench_symbench_LDADD = $(ENGINE_LIBS)
bench_symbench_LDFLAGS = $(SANITIZE)
bench_sessbench_SOURCES = bench/sessbench.c
bench_sessbench_LDADD = $(ENGINE_LIBS)
bench_sessbench_LDFLAGS = $(SANITIZE)

.PHONY: bench-programs
bench-programs: cprof-tui $(BENCH_PROGS) tests/workloads/tcase tests/workloads/short \
	tests/workloads/allocs preload/libcprof-alloc.so
