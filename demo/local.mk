# demo — cprof-demo, the bundled program the quick start profiles.
# Built like a distribution binary: -O2, no frame pointers, with -g.
noinst_PROGRAMS += demo/cprof-demo
demo_cprof_demo_SOURCES = demo/main.c demo/sorter.c demo/text.c demo/physics.c \
	demo/demo.h demo/vec.h
demo_cprof_demo_CFLAGS = -D_GNU_SOURCE -g -O2 -fomit-frame-pointer -Wall -Wextra -pthread
demo_cprof_demo_LDADD = -lpthread -lm
