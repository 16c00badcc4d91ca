/* options.h — the command line (doc/PRODUCT.md §2). */
#ifndef CPROF_OPTIONS_H
#define CPROF_OPTIONS_H
#include "model/table.h"
#include <stdbool.h>
#include <stddef.h>

enum run_mode { MODE_LAUNCH, MODE_ATTACH, MODE_BROWSE, MODE_REPORT, MODE_EXPORT, MODE_DIFF };
enum report_format { FORMAT_TEXT, FORMAT_TSV, FORMAT_JSON };
enum export_format { EXPORT_FOLDED, EXPORT_SPEEDSCOPE, EXPORT_PPROF, EXPORT_CALLGRIND };
/* Their names, in that order (NULL-terminated). */
extern const char *const export_format_names[];

struct options {
	enum run_mode mode;
	int pid;                 /* -p */
	char **argv;             /* PROGRAM ARGS (launch), NULL-terminated */
	const char *session;     /* SESSION.db (browse / report / export), NEW.db (diff) */
	const char *base;        /* BASE.db of --diff, or of a diff browsed (BASE.db NEW.db) */
	const char *output;      /* -o: the session file, or the export's file */
	unsigned frequency;      /* -F, 0 = default */
	const char *backend;     /* ptrace | perf | auto */
	double duration;         /* -d, 0 = unlimited */
	bool headless;
	bool force;              /* --force: -o may replace a file that is not a session */
	bool wall;
	int follow;              /* child processes: 1 followed (launch's default, -p --follow), 0 not */
	bool profile_all;
	const char **profile_only; size_t nprofile_only;
	const char **source_path;  size_t nsource_path;
	const char **focus;        size_t nfocus;  /* --focus globs */
	unsigned repeat;         /* --repeat N: run the program N times (0: once) */
	int narrow_pid;          /* --report --pid */
	bool by_process;         /* --report --by process */
	enum table_by by;        /* --by */
	size_t limit;            /* --limit, 0 = default */
	enum report_format format;
	enum export_format export_format; /* --export FORMAT */
	bool memory;             /* --memory: sample allocations too */
	uint64_t memory_interval; /* --memory-interval: mean bytes between samples */
	int metric;              /* --metric: enum metric of the counts (report, TUI) */
};

#define DEFAULT_FREQUENCY 999
#define MAX_FREQUENCY 10000
#define DEFAULT_MEMORY_INTERVAL (256 * 1024)

/* Parse argv. Returns 0 to run, 1 when --help/--version was printed (exit 0),
 * -1 after printing one error line (exit 2). */
int options_parse(struct options *o, int argc, char **argv);
void options_free(struct options *o);

#endif
