/* syscalls [-c FILE] [-p PIDFILE] [SECONDS]
 *
 * Two threads for SECONDS (default 2): "kern" reads /dev/zero 64 KiB at a
 * time in in_kernel() (most of its CPU time in the kernel, clearing the
 * buffer), "user" spins in user code in in_user(). With -c, each thread's
 * CPU time is written to FILE at the end, one "NAME MS" line each. */
#include "wl.h"
#include <fcntl.h>
#include <pthread.h>

static double end_time;
static double cpu_ms[2];

static double thread_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static __attribute__((noinline)) void *in_kernel(void *arg)
{
	static char buf[65536];
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && wl_now() < end_time)
		if (read(fd, buf, sizeof(buf)) < 0)
			break;
	if (fd >= 0)
		close(fd);
	cpu_ms[0] = thread_cpu_ms();
	return NULL;
}

static __attribute__((noinline)) void *in_user(void *arg)
{
	WL_BURN_UNTIL(end_time);
	cpu_ms[1] = thread_cpu_ms();
	return NULL;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *cpufile = NULL;
	int c;
	while ((c = getopt(argc, argv, "c:p:")) != -1) {
		switch (c) {
		case 'c': cpufile = optarg; break;
		case 'p': pidfile = optarg; break;
		default: return 2;
		}
	}
	end_time = wl_now() + wl_parse_seconds(argv[optind], 2);
	pthread_t t[2];
	void *(*fn[2])(void *) = {in_kernel, in_user};
	const char *names[2] = {"kern", "user"};
	for (int i = 0; i < 2; i++) {
		if (pthread_create(&t[i], NULL, fn[i], NULL))
			return 1;
		pthread_setname_np(t[i], names[i]);
	}
	wl_ready(pidfile);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	FILE *f = cpufile ? fopen(cpufile, "w") : NULL;
	for (int i = 0; f && i < 2; i++)
		fprintf(f, "%s %.0f\n", names[i], cpu_ms[i]);
	if (f)
		fclose(f);
	return 0;
}
