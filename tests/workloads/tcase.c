/* tcase: one "unit test" of a test suite. `tcase NAME SECONDS [STATUS]`
 * burns SECONDS of CPU in test_NAME (parse, sort or hash: three functions,
 * so a profile tells the tests apart), then exits with STATUS (default 0).
 * `tcase daemon SECONDS` forks a child that outlives it, burning CPU in
 * daemon_work, and returns at once; `tcase self-stop SECONDS` stops itself
 * (SIGSTOP) halfway, to be continued by its parent. */
#include "wl.h"
#include <signal.h>
#include <sys/wait.h>

__attribute__((noinline)) void test_parse(double end) { WL_BURN_UNTIL(end); }
__attribute__((noinline)) void test_sort(double end) { WL_BURN_UNTIL(end); }
__attribute__((noinline)) void test_hash(double end) { WL_BURN_UNTIL(end); }
__attribute__((noinline)) void daemon_work(double end) { WL_BURN_UNTIL(end); }

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: tcase parse|sort|hash|daemon|self-stop SECONDS [STATUS]\n");
		return 2;
	}
	double secs = wl_parse_seconds(argv[2], 0), end = wl_now() + secs;
	const char *name = argv[1];
	if (!strcmp(name, "parse"))
		test_parse(end);
	else if (!strcmp(name, "sort"))
		test_sort(end);
	else if (!strcmp(name, "hash"))
		test_hash(end);
	else if (!strcmp(name, "daemon")) {
		pid_t pid = fork();
		if (pid == 0) {
			setsid();
			daemon_work(end);
			_exit(0);
		}
		return pid < 0;
	} else if (!strcmp(name, "self-stop")) {
		test_parse(wl_now() + secs / 2);
		raise(SIGSTOP);
		test_hash(wl_now() + secs / 2);
	} else {
		fprintf(stderr, "tcase: unknown test '%s'\n", name);
		return 2;
	}
	return argc > 3 ? atoi(argv[3]) : 0;
}
