/* signals [-o OUTFILE] [-p PIDFILE] [SECONDS]
 *
 * Spins for SECONDS (default 3) while counting SIGUSR1 and SIGRTMIN+1
 * deliveries, then prints "usr1=N rt=M" (to OUTFILE, or stdout). Real-time
 * signals queue, so every one sent must be counted; SIGUSR1 sent with gaps
 * must be counted too. SIGUSR2 ends the run early. */
#include "wl.h"
#include <signal.h>

static volatile sig_atomic_t n_usr1, n_rt, stop;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		n_usr1++;
	else if (sig == SIGUSR2)
		stop = 1;
	else
		n_rt++;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *outfile = NULL;
	int c;
	while ((c = getopt(argc, argv, "o:p:")) != -1) {
		switch (c) {
		case 'o': outfile = optarg; break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	double end = wl_now() + wl_parse_seconds(argv[optind], 3);
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) || sigaction(SIGUSR2, &sa, NULL) ||
	    sigaction(SIGRTMIN + 1, &sa, NULL)) {
		perror("sigaction");
		return 2;
	}
	wl_ready(pidfile);
	uint64_t x = 1;
	while (!stop && wl_now() < end) {
		WL_SPIN(x, 50000);
	}
	wl_sink = x;
	FILE *out = outfile ? fopen(outfile, "w") : stdout;
	if (!out) {
		perror(outfile);
		return 2;
	}
	fprintf(out, "usr1=%d rt=%d\n", (int)n_usr1, (int)n_rt);
	return fclose(out) ? 2 : 0;
}
