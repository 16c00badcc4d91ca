/* mainexit [-p PIDFILE] [SECONDS]
 *
 * The main thread starts a busy thread and ends with pthread_exit: the
 * process runs on in that thread (spinning in `survivor`) for SECONDS
 * (default 3), while /proc/PID/maps of its exited first thread is empty.
 * The pid file is written once the main thread has exited. */
#include "wl.h"
#include <pthread.h>

static double end_time;
static const char *pidfile;

__attribute__((noinline)) static void *survivor(void *arg)
{
	uint64_t x = (uintptr_t)arg;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)getpid(), (int)getpid());
	for (int i = 0; i < 1000; i++) { /* until the main thread is a zombie */
		FILE *f = fopen(path, "r");
		char buf[512] = "";
		if (f) {
			if (!fgets(buf, sizeof buf, f))
				buf[0] = '\0';
			fclose(f);
		}
		char *p = strrchr(buf, ')');
		if (!f || (p && p[1] == ' ' && p[2] == 'Z'))
			break;
		usleep(1000);
	}
	wl_ready(pidfile);
	while (wl_now() < end_time) {
		WL_SPIN(x, 100000);
	}
	wl_sink = x;
	return NULL;
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "p:")) != -1) {
		switch (c) {
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	end_time = wl_now() + wl_parse_seconds(argv[optind], 3);
	pthread_t t;
	if (pthread_create(&t, NULL, survivor, (void *)1)) {
		perror("pthread_create");
		return 2;
	}
	pthread_exit(NULL);
}
