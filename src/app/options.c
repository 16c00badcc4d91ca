#include "config.h"
#include "app/options.h"
#include "db/session.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_BACKEND = 256, OPT_HEADLESS, OPT_PROFILE_ONLY, OPT_PROFILE_ALL, OPT_SOURCE_PATH,
	OPT_WALL, OPT_REPORT, OPT_BY, OPT_LIMIT, OPT_FORMAT, OPT_EXPORT, OPT_FOLLOW, OPT_NO_FOLLOW, OPT_FORCE,
	OPT_FOCUS, OPT_REPEAT, OPT_DIFF, OPT_MEMORY, OPT_MEMORY_INTERVAL, OPT_METRIC,
};

static const struct option long_options[] = {
	{"output", required_argument, NULL, 'o'},
	{"force", no_argument, NULL, OPT_FORCE},
	{"frequency", required_argument, NULL, 'F'},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"duration", required_argument, NULL, 'd'},
	{"headless", no_argument, NULL, OPT_HEADLESS},
	{"profile-only", required_argument, NULL, OPT_PROFILE_ONLY},
	{"profile-all", no_argument, NULL, OPT_PROFILE_ALL},
	{"source-path", required_argument, NULL, OPT_SOURCE_PATH},
	{"wall", no_argument, NULL, OPT_WALL},
	{"follow", no_argument, NULL, OPT_FOLLOW},
	{"focus", required_argument, NULL, OPT_FOCUS},
	{"repeat", required_argument, NULL, OPT_REPEAT},
	{"no-follow", no_argument, NULL, OPT_NO_FOLLOW},
	{"memory", no_argument, NULL, OPT_MEMORY},
	{"memory-interval", required_argument, NULL, OPT_MEMORY_INTERVAL},
	{"metric", required_argument, NULL, OPT_METRIC},
	{"pid", required_argument, NULL, 'p'},
	{"report", required_argument, NULL, OPT_REPORT},
	{"by", required_argument, NULL, OPT_BY},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"export", required_argument, NULL, OPT_EXPORT},
	{"diff", required_argument, NULL, OPT_DIFF},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      "  cprof-tui [OPTIONS] PROGRAM [ARGS...]   launch PROGRAM and profile it live\n"
	      "  cprof-tui [OPTIONS] -p PID              attach to a running process\n"
	      "  cprof-tui [OPTIONS] SESSION.db          browse a saved session\n"
	      "  cprof-tui [OPTIONS] BASE.db NEW.db      browse NEW.db as a diff against BASE.db\n"
	      "  cprof-tui --report SESSION.db [--by function|line|file|process] [--limit N]\n"
	      "                   [--format text|tsv|json] [--pid PID] [--focus PATTERN]\n"
	      "                   [--metric cpu|alloc|live|peak]\n"
	      "  cprof-tui --export folded|speedscope|pprof|callgrind SESSION.db [-o FILE]\n"
	      "                   [--pid PID] [--focus PATTERN]\n"
	      "  cprof-tui --diff BASE.db NEW.db [--by function|line|file] [--limit N]\n"
	      "                   [--format text|tsv|json] [--focus PATTERN]\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE         session file to write (default cprof-<comm>-<pid>.db)\n"
	      "      --force               let -o replace a file that is not a cprof-tui session\n"
	      "  -F, --frequency HZ        samples per second per running thread (default 999)\n"
	      "      --backend NAME        ptrace, perf or auto: perf where perf events may\n"
	      "                            sample the target, else ptrace (default auto, or\n"
	      "                            $CPROF_BACKEND)\n"
	      "  -d, --duration SEC        stop sampling after SEC seconds, then detach\n"
	      "      --headless            no TUI: record, then print a summary\n"
	      "      --profile-only PAT    profile files whose path matches PAT (glob or\n"
	      "                            substring); repeatable\n"
	      "      --profile-all         profile every file\n"
	      "      --source-path DIR     also look for source files in DIR; repeatable\n"
	      "      --wall                also sample sleeping threads (wall-clock profile)\n"
	      "      --no-follow           a launched PROGRAM's child processes are not\n"
	      "                            profiled (they are by default)\n"
	      "  -p, --pid PID             attach to PID (all its threads)\n"
	      "      --follow              with -p: also its child processes, now and new\n"
	      "      --repeat N            run PROGRAM N times, one after the other, into one\n"
	      "                            session\n"
	      "      --focus PATTERN       count only samples with a function matching\n"
	      "                            PATTERN (a glob) on the stack; repeatable\n"
	      "      --memory              also sample the allocations of a launched PROGRAM\n"
	      "                            (and its children), by bytes\n"
	      "      --memory-interval SIZE  mean bytes between allocation samples once\n"
	      "                            warmed up (default 256K; K, M suffixes)\n"
	      "      --metric KIND         what the counts count: cpu (default), alloc\n"
	      "                            (bytes allocated), live (not freed) or peak\n"
	      "                            (live at the peak)\n"
	      "      --report SESSION.db   print a saved session's profile and exit\n"
	      "      --by KIND             report rows: function (default), line, file or\n"
	      "                            process\n"
	      "      --pid PID             with --report or --export: that process's samples\n"
	      "                            only\n"
	      "      --limit N             report at most N rows (default 25 in text, all else)\n"
	      "      --format FMT          report as text (default), tsv or json\n"
	      "      --export FORMAT       write a saved session's stacks for other tools:\n"
	      "                            folded, speedscope, pprof or callgrind (to -o\n"
	      "                            FILE, else stdout)\n"
	      "      --diff BASE.db        compare BASE.db with the session after it, row by\n"
	      "                            row: self shares and their change\n"
	      "  -h, --help                show this help\n"
	      "  -V, --version             show the version\n",
	      f);
}

/* One error line naming arg (escaped: an argument may hold anything). */
static int bad(const char *fmt, const char *arg)
{
	char e[256];
	fprintf(stderr, "cprof-tui: ");
	fprintf(stderr, fmt, str_escape(e, sizeof(e), arg));
	fputc('\n', stderr);
	return -1;
}

/* The index of s among words (NULL-terminated), or -1. */
static int pick(const char *s, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return i;
	return -1;
}

/* --report, --export and --diff each make a mode of their own. */
static int set_mode(struct options *o, enum run_mode mode)
{
	if (o->mode != MODE_LAUNCH)
		return bad("give one of --report, --export and --diff%s", "");
	o->mode = mode;
	return 0;
}

const char *const export_format_names[] = {"folded", "speedscope", "pprof", "callgrind", NULL};

static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return false;
	*out = v;
	return true;
}

/* --export SESSION.db, --diff BASE.db NEW.db: the (last) session file
 * comes among the options, which getopt stops at. Takes it if due. */
static bool take_session(struct options *o, int argc, char **argv)
{
	if ((o->mode != MODE_EXPORT && o->mode != MODE_DIFF) || o->session || optind >= argc)
		return false;
	o->session = argv[optind++];
	return true;
}

/* A size in bytes with an optional K, M or G (powers of 1024). */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = !*end ? 0 : !strcmp(end, "K") || !strcmp(end, "k") ? 10 : !strcmp(end, "M") ? 20
		    : !strcmp(end, "G") ? 30 : -1;
	if (errno || end == s || s[0] == '-' || shift < 0 || v > (1ull << 40) >> shift)
		return false;
	*out = v << shift;
	return true;
}

static int parse(struct options *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	o->backend = getenv("CPROF_BACKEND") && *getenv("CPROF_BACKEND") ? getenv("CPROF_BACKEND")
									 : "auto";
	o->memory_interval = DEFAULT_MEMORY_INTERVAL;
	bool have_pid = false;
	size_t cap_po = 0, cap_sp = 0, cap_focus = 0;
	unsigned long v;
	int c, i;
	opterr = 0;
	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "+o:F:d:p:hV", long_options, NULL);
		if (c == -1 && !take_session(o, argc, argv))
			break;
		switch (c) {
		case -1: /* the session file of --export or --diff, options may follow */
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case 'F':
			if (!parse_ulong(optarg, 1000000, &v) || v == 0 || v > MAX_FREQUENCY)
				return bad("invalid frequency '%s': give samples per second from 1 to "
					   "10000 (default 999)", optarg);
			o->frequency = (unsigned)v;
			break;
		case OPT_BACKEND:
			o->backend = optarg;
			break;
		case 'd': {
			char *end;
			o->duration = strtod(optarg, &end);
			if (end == optarg || *end || !(o->duration > 0) || o->duration > 1e7)
				return bad("invalid duration '%s': give seconds greater than 0", optarg);
			break;
		}
		case OPT_HEADLESS:
			o->headless = true;
			break;
		case OPT_PROFILE_ONLY:
			*VEC_PUSH(o->profile_only, o->nprofile_only, cap_po) = optarg;
			break;
		case OPT_FOCUS:
			if (!*optarg)
				return bad("empty --focus%s: give a function name or glob (e.g. "
					   "'parse_*')", "");
			*VEC_PUSH(o->focus, o->nfocus, cap_focus) = optarg;
			break;
		case OPT_REPEAT:
			if (!parse_ulong(optarg, 1000000, &v) || v == 0)
				return bad("invalid --repeat '%s': give how many times to run the "
					   "program (1 or more)", optarg);
			o->repeat = (unsigned)v;
			break;
		case OPT_PROFILE_ALL:
			o->profile_all = true;
			break;
		case OPT_MEMORY:
			o->memory = true;
			break;
		case OPT_MEMORY_INTERVAL:
			if (!parse_size(optarg, &o->memory_interval) || o->memory_interval < 1024 ||
			    o->memory_interval > (1ull << 30))
				return bad("invalid --memory-interval '%s': give bytes from 1K to 1G "
					   "(e.g. 256K)", optarg);
			o->memory = true;
			break;
		case OPT_METRIC:
			if ((o->metric = profile_metric_find(optarg)) < 0)
				return bad("invalid --metric '%s': use cpu, alloc, live or peak", optarg);
			break;
		case OPT_SOURCE_PATH:
			*VEC_PUSH(o->source_path, o->nsource_path, cap_sp) = optarg;
			break;
		case OPT_WALL:
			o->wall = true;
			break;
		case OPT_FOLLOW:
		case OPT_NO_FOLLOW:
			o->follow = c == OPT_FOLLOW ? 1 : -1;
			break;
		case 'p':
			if (!parse_ulong(optarg, 4194304, &v) || v == 0)
				return bad("invalid PID '%s': give a process id (see ps or pgrep)", optarg);
			o->pid = (int)v;
			have_pid = true;
			break;
		case OPT_REPORT:
			if (set_mode(o, MODE_REPORT))
				return -1;
			o->session = optarg;
			break;
		case OPT_BY: /* (enum table_by's order, then process) */
			i = pick(optarg, (const char *[]){"function", "line", "file", "process", NULL});
			if (i < 0)
				return bad("invalid --by '%s': use function, line, file or process",
					   optarg);
			o->by_process = i == 3;
			o->by = o->by_process ? TABLE_FUNCTION : (enum table_by)i;
			break;
		case OPT_LIMIT:
			if (!parse_ulong(optarg, 100000000, &v) || v == 0)
				return bad("invalid --limit '%s': give a number of rows", optarg);
			o->limit = v;
			break;
		case OPT_FORMAT: /* (enum report_format's order) */
			i = pick(optarg, (const char *[]){"text", "tsv", "json", NULL});
			if (i < 0)
				return bad("invalid --format '%s': use text, tsv or json", optarg);
			o->format = (enum report_format)i;
			break;
		case OPT_EXPORT:
			i = pick(optarg, export_format_names);
			if (i < 0)
				return bad("invalid --export '%s': use folded, speedscope, pprof or "
					   "callgrind", optarg);
			o->export_format = (enum export_format)i;
			if (set_mode(o, MODE_EXPORT))
				return -1;
			break;
		case OPT_DIFF:
			if (set_mode(o, MODE_DIFF))
				return -1;
			o->base = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("cprof-tui %s\n", PACKAGE_VERSION);
			return 1;
		case '?':
		default:
			if (optopt)
				return bad("option -%c: unknown or missing its value (see --help)",
					   (char[]){(char)optopt, 0});
			return bad("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	char **rest = argv + optind;
	int nrest = argc - optind;
	if (o->mode == MODE_REPORT || o->mode == MODE_EXPORT) {
		if (o->mode == MODE_EXPORT && !o->session)
			return bad("--export needs the SESSION.db to write out%s", "");
		if (nrest)
			return bad("unexpected argument '%s' after the session file", rest[0]);
		o->narrow_pid = have_pid ? o->pid : 0; /* --pid: that process only */
		return 0;
	}
	if (o->mode == MODE_DIFF) {
		if (!o->session)
			return bad("--diff %s needs the session to compare it with: --diff BASE.db "
				   "NEW.db", o->base);
		if (nrest)
			return bad("unexpected argument '%s' after --diff BASE.db NEW.db", rest[0]);
		if (have_pid)
			return bad("--pid does not apply to --diff: the two sessions' processes "
				   "differ%s", "");
		return 0;
	}
	if (have_pid) {
		if (nrest)
			return bad("give either -p PID or a PROGRAM, not both ('%s')", rest[0]);
		o->mode = MODE_ATTACH;
		o->follow = o->follow > 0;
		return 0;
	}
	if (!nrest) {
		fprintf(stderr, "cprof-tui: nothing to profile: give a PROGRAM, -p PID or a "
				"SESSION.db (see --help)\n");
		return -1;
	}
	if (db_is_session_file(rest[0])) {
		/* two sessions: a diff, BASE.db NEW.db */
		bool diff = nrest == 2 && db_is_session_file(rest[1]);
		if (nrest > 1 && !diff)
			return bad("unexpected argument '%s' after the session file (two sessions, "
				   "BASE.db NEW.db, open a diff)", rest[nrest > 2 ? 2 : 1]);
		o->mode = MODE_BROWSE;
		o->base = diff ? rest[0] : NULL;
		o->session = rest[nrest - 1];
		return 0;
	}
	o->mode = MODE_LAUNCH;
	o->argv = rest;
	o->follow = o->follow >= 0;
	return 0;
}

int options_parse(struct options *o, int argc, char **argv)
{
	int rc = parse(o, argc, argv);
	if (rc)
		return rc;
	/* options that belong to one mode only */
	if (o->repeat && o->mode != MODE_LAUNCH)
		return bad("--repeat runs a PROGRAM again: it needs a PROGRAM to launch%s", "");
	if (o->by_process && o->mode != MODE_REPORT)
		return bad("--by process is for --report SESSION.db%s", "");
	if (o->mode == MODE_EXPORT && (o->by || o->limit || o->format))
		return bad("--export writes every stack in its own format: --by, --limit and "
			   "--format are for --report and --diff%s", "");
	if (o->memory && o->mode == MODE_ATTACH) {
		char pid[16];
		snprintf(pid, sizeof(pid), "%d", o->pid);
		return bad("--memory cannot sample the allocations of a running process (%s): the "
			   "library that samples them is loaded when a program starts; run the program "
			   "under cprof-tui --memory, or see where it first touches memory with perf "
			   "record -e page-faults -g -p PID", pid);
	}
	if (o->memory && o->mode != MODE_LAUNCH)
		return bad("--memory samples a PROGRAM that cprof-tui launches%s", "");
	if (o->metric != METRIC_CPU && !o->memory && (o->mode == MODE_LAUNCH || o->mode == MODE_ATTACH))
		return bad("--metric %s counts allocation samples: record with --memory",
			   profile_metric_name((enum metric)o->metric));
	return 0;
}

void options_free(struct options *o)
{
	free(o->profile_only);
	free(o->focus);
	free(o->source_path);
}
