# tests — engine test workloads (built by `make check`), engine test scripts.
# tests/unit/ and tests/ui/ have their own rules below this file's or in ui/.
#
# Workloads are built like real distribution binaries: -O2, no frame pointers,
# DWARF line info (-g). The profiler must unwind them without frame pointers.
WL_CFLAGS = -D_GNU_SOURCE -g -O2 -fomit-frame-pointer -Wall -Wextra -Wno-unused-parameter -pthread
WL_LDADD = -lpthread

WORKLOADS = \
	tests/workloads/split2 \
	tests/workloads/bursty \
	tests/workloads/mainexit \
	tests/workloads/hostile \
	tests/workloads/libccall \
	tests/workloads/threads \
	tests/workloads/syscalls \
	tests/workloads/inlined \
	tests/workloads/vdso \
	tests/workloads/deep \
	tests/workloads/signals \
	tests/workloads/eintr \
	tests/workloads/churn \
	tests/workloads/exectest \
	tests/workloads/exitcode \
	tests/workloads/diesig \
	tests/workloads/short \
	tests/workloads/tcase \
	tests/workloads/phases \
	tests/workloads/jobctl \
	tests/workloads/noperf \
	tests/workloads/stripped \
	tests/workloads/stripped-nosym \
	tests/workloads/cxxnames \
	tests/workloads/dlopen \
	tests/workloads/libplugin.so \
	tests/workloads/allocs \
	tests/workloads/exitcode-static
check_PROGRAMS += $(WORKLOADS)

SPLIT2_SOURCES = tests/workloads/split2.c tests/workloads/split2_a.c \
	tests/workloads/split2_b.c tests/workloads/split2.h tests/workloads/wl.h
tests_workloads_split2_SOURCES = $(SPLIT2_SOURCES)
tests_workloads_split2_CFLAGS = $(WL_CFLAGS)
tests_workloads_split2_LDADD = $(WL_LDADD)

# `stripped`: split2 linked with -rdynamic (so work_a/work_b stay in .dynsym,
# like a library's exported functions) and -s (the linker strips it fully: no
# .symtab, no DWARF). The profiler must still name the functions, with the
# module standing in for the file at line 0.
tests_workloads_stripped_SOURCES = $(SPLIT2_SOURCES)
tests_workloads_stripped_CFLAGS = $(WL_CFLAGS)
tests_workloads_stripped_LDFLAGS = -rdynamic -s
tests_workloads_stripped_LDADD = $(WL_LDADD)

# `stripped-nosym`: split2 linked with -s alone: not one symbol of its own
# code is left, in .symtab or .dynsym. Its functions are split by the unwind
# table (.eh_frame) and named stripped-nosym+0xSTART.
tests_workloads_stripped_nosym_SOURCES = $(SPLIT2_SOURCES)
tests_workloads_stripped_nosym_CFLAGS = $(WL_CFLAGS)
tests_workloads_stripped_nosym_LDFLAGS = -s
tests_workloads_stripped_nosym_LDADD = $(WL_LDADD)

# `cxxnames`: C++ functions that share names (namesakes in two namespaces,
# overloads, a template, a lambda), built like the C workloads.
tests_workloads_cxxnames_SOURCES = tests/workloads/cxxnames.cc tests/workloads/wl.h
tests_workloads_cxxnames_CXXFLAGS = -g -O2 -fomit-frame-pointer -Wall -Wextra

# `allocs`: allocations with known bytes per line (--memory)
tests_workloads_allocs_SOURCES = tests/workloads/allocs.cc
tests_workloads_allocs_CXXFLAGS = -g -O2 -fomit-frame-pointer -Wall -Wextra -pthread
tests_workloads_allocs_LDFLAGS = -pthread

# `dlopen` loads libplugin.so (built as a "program" linked -shared) at run time.
tests_workloads_dlopen_SOURCES = tests/workloads/dlopen.c tests/workloads/wl.h
tests_workloads_dlopen_CFLAGS = $(WL_CFLAGS)
tests_workloads_libplugin_so_SOURCES = tests/workloads/plugin.c tests/workloads/wl.h
tests_workloads_libplugin_so_CFLAGS = $(WL_CFLAGS) -fPIC
tests_workloads_libplugin_so_LDFLAGS = -shared

tests_workloads_tcase_SOURCES = tests/workloads/tcase.c tests/workloads/wl.h
tests_workloads_tcase_CFLAGS = $(WL_CFLAGS)
tests_workloads_phases_SOURCES = tests/workloads/phases.c tests/workloads/wl.h
tests_workloads_phases_CFLAGS = $(WL_CFLAGS)
tests_workloads_bursty_SOURCES = tests/workloads/bursty.c tests/workloads/wl.h
tests_workloads_bursty_CFLAGS = $(WL_CFLAGS)
tests_workloads_bursty_LDADD = $(WL_LDADD)
tests_workloads_mainexit_SOURCES = tests/workloads/mainexit.c tests/workloads/wl.h
tests_workloads_mainexit_CFLAGS = $(WL_CFLAGS)
tests_workloads_mainexit_LDADD = $(WL_LDADD)
tests_workloads_hostile_SOURCES = tests/workloads/hostile.c tests/workloads/wl.h
tests_workloads_hostile_CFLAGS = $(WL_CFLAGS)
tests_workloads_libccall_SOURCES = tests/workloads/libccall.c tests/workloads/wl.h
tests_workloads_libccall_CFLAGS = $(WL_CFLAGS)
tests_workloads_threads_SOURCES = tests/workloads/threads.c tests/workloads/wl.h
tests_workloads_threads_CFLAGS = $(WL_CFLAGS)
tests_workloads_threads_LDADD = $(WL_LDADD)
tests_workloads_syscalls_SOURCES = tests/workloads/syscalls.c tests/workloads/wl.h
tests_workloads_syscalls_CFLAGS = $(WL_CFLAGS)
tests_workloads_syscalls_LDADD = $(WL_LDADD)
tests_workloads_inlined_SOURCES = tests/workloads/inlined.c tests/workloads/inlined.h \
	tests/workloads/wl.h
tests_workloads_inlined_CFLAGS = $(WL_CFLAGS)
tests_workloads_vdso_SOURCES = tests/workloads/vdso.c tests/workloads/wl.h
tests_workloads_vdso_CFLAGS = $(WL_CFLAGS)
tests_workloads_deep_SOURCES = tests/workloads/deep.c tests/workloads/wl.h tests/workloads/stages.h
tests_workloads_deep_CFLAGS = $(WL_CFLAGS)
tests_workloads_signals_SOURCES = tests/workloads/signals.c tests/workloads/wl.h
tests_workloads_signals_CFLAGS = $(WL_CFLAGS)
tests_workloads_eintr_SOURCES = tests/workloads/eintr.c tests/workloads/wl.h
tests_workloads_eintr_CFLAGS = $(WL_CFLAGS)
tests_workloads_eintr_LDADD = $(WL_LDADD)
tests_workloads_churn_SOURCES = tests/workloads/churn.c tests/workloads/wl.h
tests_workloads_churn_CFLAGS = $(WL_CFLAGS)
tests_workloads_churn_LDADD = $(WL_LDADD)
tests_workloads_exectest_SOURCES = tests/workloads/exectest.c tests/workloads/wl.h
tests_workloads_exectest_CFLAGS = $(WL_CFLAGS)
tests_workloads_exectest_LDADD = $(WL_LDADD)
tests_workloads_exitcode_SOURCES = tests/workloads/exitcode.c tests/workloads/wl.h
tests_workloads_exitcode_CFLAGS = $(WL_CFLAGS)
# `exitcode-static`: a program the dynamic loader never runs (--memory refuses it)
tests_workloads_exitcode_static_SOURCES = tests/workloads/exitcode.c tests/workloads/wl.h
tests_workloads_exitcode_static_CFLAGS = $(WL_CFLAGS)
tests_workloads_exitcode_static_LDFLAGS = -static
tests_workloads_diesig_SOURCES = tests/workloads/diesig.c tests/workloads/wl.h
tests_workloads_diesig_CFLAGS = $(WL_CFLAGS)
tests_workloads_short_SOURCES = tests/workloads/short.c tests/workloads/wl.h
tests_workloads_short_CFLAGS = $(WL_CFLAGS)
tests_workloads_jobctl_SOURCES = tests/workloads/jobctl.c tests/workloads/wl.h
tests_workloads_jobctl_CFLAGS = $(WL_CFLAGS)
tests_workloads_jobctl_LDADD = $(WL_LDADD)
# `noperf COMMAND`: perf_event_open refused (EPERM), as in a container
tests_workloads_noperf_SOURCES = tests/workloads/noperf.c


# Engine tests: `make check` runs them (one at a time: they measure time shares,
# so do not pass -j to `make check`); tests/run-all.sh runs them with the
# TUI and unit tests and prints one line per test.
ENGINE_TESTS = \
	tests/t-attach.sh \
	tests/t-bursty.sh \
	tests/t-backend.sh \
	tests/t-badinput.sh \
	tests/t-children.sh \
	tests/t-children-edge.sh \
	tests/t-churn.sh \
	tests/t-cxx.sh \
	tests/t-dlopen.sh \
	tests/t-deep.sh \
	tests/t-diff.sh \
	tests/t-diskfull.sh \
	tests/t-eintr.sh \
	tests/t-exec.sh \
	tests/t-exitstatus.sh \
	tests/t-export.sh \
	tests/t-focus.sh \
	tests/t-frequency.sh \
	tests/t-fuzz.sh \
	tests/t-hostile.sh \
	tests/t-hostile-session.sh \
	tests/t-inlined.sh \
	tests/t-jobctl.sh \
	tests/t-kill9.sh \
	tests/t-layout.sh \
	tests/t-killmidwrite.sh \
	tests/t-libccall.sh \
	tests/t-logfile.sh \
	tests/t-mainexit.sh \
	tests/t-many-threads.sh \
	tests/t-memory.sh \
	tests/t-memory-heaptrack.sh \
	tests/t-output.sh \
	tests/t-overhead.sh \
	tests/t-quick-children.sh \
	tests/t-readonly.sh \
	tests/t-repeat.sh \
	tests/t-report.sh \
	tests/t-rust.sh \
	tests/t-short.sh \
	tests/t-signals.sh \
	tests/t-sigterm.sh \
	tests/t-split2.sh \
	tests/t-stripped.sh \
	tests/t-syscalls.sh \
	tests/t-thin.sh \
	tests/t-threads-attach.sh \
	tests/t-threads.sh \
	tests/t-valgrind.sh \
	tests/t-vdso.sh
TESTS += $(ENGINE_TESTS)
# Tests without a registered extension (.test is one) run under bash.
LOG_COMPILER = bash
EXTRA_DIST += $(ENGINE_TESTS) tests/lib/common.sh tests/lib/target.sh tests/run-all.sh \
	tests/layout.py tests/fuzz/fuzz.sh tests/fuzz/fuzz-session.c tests/fuzz/session.dict \
	tests/fuzz/corpus tests/fuzz/regress tests/sanitize.sh \
	tests/workloads/crunch.rs tests/workloads/runner.sh tests/lib/memory.sh tests/lib/heaptrack.py

# Unit tests of the engine's parts (model, session file, helpers, unwinding):
# C programs linking libcprof.a; run-all.sh runs build/tests/unit/*.test.
UNIT_TESTS = tests/unit/test-profile.test tests/unit/test-session.test tests/unit/test-util.test \
	tests/unit/test-unwind.test tests/unit/test-policy.test tests/unit/test-symbols.test \
	tests/unit/test-sessfault.test tests/unit/test-report.test tests/unit/test-diagnose.test \
	tests/unit/test-flame.test tests/unit/test-alloc.test \
	tests/unit/test-export.test tests/unit/test-perf.test
check_PROGRAMS += $(UNIT_TESTS)
tests_unit_test_profile_test_SOURCES = tests/unit/test-profile.c tests/unit/check.h
tests_unit_test_profile_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_profile_test_LDFLAGS = $(SANITIZE)
tests_unit_test_flame_test_SOURCES = tests/unit/test-flame.c tests/unit/check.h
tests_unit_test_flame_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_flame_test_LDFLAGS = $(SANITIZE)
tests_unit_test_session_test_SOURCES = tests/unit/test-session.c tests/unit/check.h tests/unit/sesstest.h
tests_unit_test_session_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_session_test_LDFLAGS = $(SANITIZE)
# test-alloc: allocation samples in the model and the session file (--memory)
tests_unit_test_alloc_test_SOURCES = tests/unit/test-alloc.c tests/unit/check.h tests/unit/sesstest.h
tests_unit_test_alloc_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_alloc_test_LDFLAGS = $(SANITIZE)
# test-sessfault: the session file under faults (a failed sync, locks, read-only) and hostile input
tests_unit_test_sessfault_test_SOURCES = tests/unit/test-sessfault.c tests/unit/check.h tests/unit/sesstest.h
tests_unit_test_sessfault_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_sessfault_test_LDFLAGS = $(SANITIZE)
tests_unit_test_diagnose_test_SOURCES = tests/unit/test-diagnose.c tests/unit/check.h
tests_unit_test_diagnose_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_diagnose_test_LDFLAGS = $(SANITIZE)
tests_unit_test_export_test_SOURCES = tests/unit/test-export.c tests/unit/check.h
tests_unit_test_export_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_export_test_LDFLAGS = $(SANITIZE)
# test-perf: the perf backend on this program re-executed (a family of
# processes, an attached pair of threads); skips where perf events are refused
tests_unit_test_perf_test_SOURCES = tests/unit/test-perf.c tests/unit/check.h
tests_unit_test_perf_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_perf_test_LDFLAGS = $(SANITIZE)
tests_unit_test_report_test_SOURCES = tests/unit/test-report.c tests/unit/check.h
tests_unit_test_report_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_report_test_LDFLAGS = $(SANITIZE)
tests_unit_test_util_test_SOURCES = tests/unit/test-util.c tests/unit/check.h
tests_unit_test_util_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_util_test_LDFLAGS = $(SANITIZE)
tests_unit_test_policy_test_SOURCES = tests/unit/test-policy.c tests/unit/check.h
tests_unit_test_policy_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_policy_test_LDFLAGS = $(SANITIZE)
# test-symbols reads the workloads' binaries (cxxnames, inlined, stripped-nosym)
tests_unit_test_symbols_test_SOURCES = tests/unit/test-symbols.c tests/unit/check.h
tests_unit_test_symbols_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_symbols_test_LDFLAGS = $(SANITIZE)
# test-unwind samples real processes: itself re-executed, and the deep workload
tests_unit_test_unwind_test_SOURCES = tests/unit/test-unwind.c tests/unit/check.h
tests_unit_test_unwind_test_LDADD = $(ENGINE_LIBS)
tests_unit_test_unwind_test_LDFLAGS = $(SANITIZE)
