# ui: the ncurses TUI (doc/PRODUCT.md §5). One file per view, each ending with its ops.
cprof_tui_SOURCES += \
	ui/ui.c ui/ui.h \
	ui/view.c ui/view.h \
	ui/request.h ui/keys.c \
	ui/draw.c ui/draw.h \
	ui/columns.c ui/columns.h \
	ui/tableview.c ui/tableview.h \
	ui/script.c ui/script.h \
	ui/view-functions.c \
	ui/view-files.c \
	ui/view-source.c \
	ui/view-threads.c ui/view-processes.c ui/view-notes.c \
	ui/view-backtrace.c \
	ui/view-callers.c \
	ui/view-flame.c ui/view-timeline.c \
	ui/view-help.c \
	ui/diffcols.c ui/diffcols.h

# tests/ui: the fixture session of the golden screens (tests/ui/t-*.sh).
check_PROGRAMS += tests/ui/mkfixture
tests_ui_mkfixture_SOURCES = tests/ui/mkfixture.c
tests_ui_mkfixture_LDADD = $(ENGINE_LIBS)
tests_ui_mkfixture_LDFLAGS = $(SANITIZE)
EXTRA_DIST += tests/ui/fixture/main.c tests/ui/fixture/util.c tests/ui/fixture/util.h
