/* churn [-j PARALLEL] [-o OUTFILE] [-p PIDFILE] [SECONDS]
 *
 * Creates and joins short-lived threads continuously, PARALLEL (default 4) at
 * a time, each spinning ~0.5 ms, for SECONDS (default 3); then prints
 * "threads=N" (threads created and joined). */
#include "wl.h"
#include <pthread.h>

static void *shortlived(void *arg)
{
	uint64_t x = (uintptr_t)arg;
	WL_SPIN(x, 500000);
	wl_sink = x;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *outfile = NULL;
	int par = 4, c;
	while ((c = getopt(argc, argv, "j:o:p:")) != -1) {
		switch (c) {
		case 'j': par = atoi(optarg); break;
		case 'o': outfile = optarg; break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	if (par < 1 || par > 64)
		return 2;
	double end = wl_now() + wl_parse_seconds(argv[optind], 3);
	wl_ready(pidfile);
	long created = 0;
	pthread_t t[64];
	while (wl_now() < end) {
		for (int i = 0; i < par; i++)
			if (pthread_create(&t[i], NULL, shortlived, (void *)(uintptr_t)(created + i))) {
				perror("pthread_create");
				return 2;
			}
		for (int i = 0; i < par; i++)
			pthread_join(t[i], NULL);
		created += par;
	}
	FILE *out = outfile ? fopen(outfile, "w") : stdout;
	if (!out) {
		perror(outfile);
		return 2;
	}
	fprintf(out, "threads=%ld\n", created);
	return fclose(out) ? 2 : 0;
}
