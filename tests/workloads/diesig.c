/* diesig N [SECONDS]: spin for SECONDS (default 0.3), then die of signal N
 * (default action restored, unblocked; no core file). */
#include "wl.h"
#include <signal.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int sig = atoi(argv[1]);
	double end = wl_now() + wl_parse_seconds(argv[2], 0.3);
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	uint64_t x = 1;
	while (wl_now() < end) {
		WL_SPIN(x, 100000);
	}
	wl_sink = x;
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 100; /* not reached for a fatal signal */
}
