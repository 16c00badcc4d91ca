#include "config.h"
#include "target/procfs.h"
#include "model/xalloc.h"
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void procfs_maps_free(struct maps *m)
{
	for (size_t i = 0; i < m->len; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int procfs_read_maps(pid_t pid, struct maps *m)
{
	char path[64], line[4096];
	pid_t live = procfs_live_task(pid);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)(live > 0 ? live : pid));
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	for (size_t i = 0; i < m->len; i++)
		free(m->v[i].path);
	m->len = 0;
	while (fgets(line, sizeof(line), f)) {
		struct map mp = {0};
		char perms[8] = "";
		unsigned maj, min;
		int pos = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n",
			   &mp.start, &mp.end, perms, &mp.offset, &maj, &min, &mp.inode, &pos) < 7)
			continue;
		mp.dev = (uint64_t)maj << 32 | min;
		mp.readable = perms[0] == 'r';
		mp.writable = perms[1] == 'w';
		mp.executable = perms[2] == 'x';
		char *name = line + pos;
		name[strcspn(name, "\n")] = '\0';
		mp.path = xstrdup(name);
		*VEC_PUSH(m->v, m->len, m->cap) = mp;
	}
	fclose(f);
	return 0;
}

const struct map *procfs_maps_find(const struct maps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (addr < m->v[mid].start)
			hi = mid;
		else if (addr >= m->v[mid].end)
			lo = mid + 1;
		else
			return &m->v[mid];
	}
	return NULL;
}

int procfs_list_tasks(pid_t pid, pid_t **tids)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	size_t n = 0, cap = 0;
	*tids = NULL;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			*VEC_PUSH(*tids, n, cap) = (pid_t)atoi(e->d_name);
	closedir(d);
	return (int)n;
}

int procfs_open_task_file(pid_t pid, pid_t tid, const char *name)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)tid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

char procfs_task_state(int fd, int *cpu)
{
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the command may hold spaces and parentheses: the state follows the last ')' */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	if (cpu) { /* field 39, "processor"; the state is field 3 */
		*cpu = -1;
		char *f = p + 2;
		for (int i = 3; i < 39 && f; i++)
			if ((f = strchr(f, ' ')))
				f++;
		if (f)
			*cpu = atoi(f);
	}
	return p[2];
}

/* The value after "NAME ... :" in a /proc/.../sched text, or NULL. */
static const char *sched_field(const char *buf, const char *name)
{
	const char *p = strstr(buf, name);
	return p && (p = strchr(p, ':')) ? p + 1 : NULL;
}

bool procfs_task_sched(int fd, uint64_t *switches, uint64_t *exec_start_ns)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *sw = sched_field(buf, "\nnr_switches"), *es = sched_field(buf, "se.exec_start");
	if (!sw || !es)
		return false;
	*switches = strtoull(sw, NULL, 10);
	/* milliseconds with six decimals */
	char *dot;
	uint64_t ms = strtoull(es, &dot, 10), ns = 0;
	if (*dot == '.')
		for (int i = 1; i <= 6; i++)
			ns = ns * 10 + (uint64_t)(dot[i] >= '0' && dot[i] <= '9' ? dot[i] - '0' : 0);
	*exec_start_ns = ms * 1000000 + ns;
	return true;
}

static bool read_small(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return false;
	buf[r] = '\0';
	return true;
}

bool procfs_task_comm(pid_t pid, pid_t tid, char *buf, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	if (!read_small(path, buf, n))
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

bool procfs_task_schedstat(int fd, uint64_t *runtime_ns, uint64_t *slices)
{
	char buf[128];
	unsigned long long run, wait, sl;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu %llu", &run, &wait, &sl) != 3)
		return false;
	*runtime_ns = run;
	*slices = sl;
	return true;
}

bool procfs_task_syscall_regs(pid_t pid, pid_t tid, uint64_t *sp, uint64_t *pc)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	if (!read_small(path, buf, sizeof(buf)) || !strncmp(buf, "running", 7))
		return false;
	/* "nr a1 a2 a3 a4 a5 a6 sp pc", or "-1 sp pc" outside a system call */
	char *tok[9];
	int n = 0;
	for (char *save, *t = strtok_r(buf, " \n", &save); t && n < 9; t = strtok_r(NULL, " \n", &save))
		tok[n++] = t;
	if (n != 9 && n != 3)
		return false;
	*sp = strtoull(tok[n - 2], NULL, 16);
	*pc = strtoull(tok[n - 1], NULL, 16);
	return *pc != 0;
}

bool procfs_task_exited(pid_t pid, pid_t tid)
{
	int fd = procfs_open_task_file(pid, tid, "stat");
	if (fd < 0)
		return true;
	char st = procfs_task_state(fd, NULL);
	close(fd);
	return st == 0 || st == 'Z' || st == 'X';
}

pid_t procfs_live_task(pid_t pid)
{
	if (!procfs_task_exited(pid, pid))
		return pid;
	pid_t *tids, live = -1;
	int n = procfs_list_tasks(pid, &tids);
	for (int i = 0; i < n && live < 0; i++)
		if (!procfs_task_exited(pid, tids[i]))
			live = tids[i];
	if (n >= 0)
		free(tids);
	return live;
}

bool procfs_pid_exists(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return pid > 0 && access(path, F_OK) == 0;
}

bool procfs_process_gone(pid_t pid)
{
	return procfs_live_task(pid) < 0;
}

bool procfs_process_cpu(pid_t pid, uint64_t *ns)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	const char *c;
	if (!read_small(path, buf, sizeof(buf)) || !(c = strrchr(buf, ')')))
		return false;
	unsigned long long ut, st;
	long long cut, cst;
	/* after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime cutime cstime */
	if (sscanf(c + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
		   &ut, &st, &cut, &cst) != 4)
		return false;
	long hz = sysconf(_SC_CLK_TCK);
	*ns = (ut + st + (unsigned long long)(cut + cst)) * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
	return true;
}

int procfs_zombie_status(pid_t pid, bool *gone)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	*gone = !read_small(path, buf, sizeof(buf));
	const char *f = *gone ? NULL : strrchr(buf, ')');
	if (!f || f[1] != ' ' || f[2] != 'Z')
		return -1; /* gone, or not a zombie yet */
	/* exit_code is the 52nd field; f + 2 is the 3rd, the state */
	int field = 3, status = -1;
	for (f += 2; *f && field < 52; f++)
		field += *f == ' ';
	return sscanf(f, "%d", &status) == 1 ? status : -1;
}

bool procfs_task_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (!read_small(path, buf, sizeof(buf)))
		return false;
	const char *t = strstr(buf, "\nTgid:"), *p = strstr(buf, "\nPPid:");
	if (!t || !p)
		return false;
	*tgid = (pid_t)atoi(t + 6);
	*ppid = (pid_t)atoi(p + 6);
	return true;
}

int procfs_descendants(pid_t pid, pid_t **out)
{
	/* every process and its parent, from /proc/N/stat ("N (comm) S PPID ...") */
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	pid_t(*all)[2] = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end, path[64], buf[512];
		long p = strtol(e->d_name, &end, 10);
		if (*end || p <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", p);
		const char *c;
		if (!read_small(path, buf, sizeof(buf)) || !(c = strrchr(buf, ')')))
			continue;
		int ppid;
		if (sscanf(c + 1, " %*c %d", &ppid) != 1)
			continue;
		pid_t *pair = *VEC_PUSH(all, n, cap);
		pair[0] = (pid_t)p;
		pair[1] = ppid;
	}
	closedir(d);
	/* breadth first from pid: parents before their children */
	pid_t *v = NULL;
	size_t len = 0, vcap = 0;
	for (size_t next = 0; next <= len; next++) { /* next: v[next - 1]'s children */
		pid_t parent = next ? v[next - 1] : pid;
		for (size_t i = 0; i < n; i++)
			if (all[i][1] == parent)
				*VEC_PUSH(v, len, vcap) = all[i][0];
	}
	free(all);
	*out = v;
	return (int)len;
}

int procfs_task_tracer_pid(pid_t pid, pid_t tid)
{
	char path[96], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
	if (!read_small(path, buf, sizeof(buf)))
		return -1;
	char *t = strstr(buf, "TracerPid:");
	return t ? atoi(t + 10) : -1;
}

int procfs_tracer_pid(pid_t pid)
{
	return procfs_task_tracer_pid(pid, pid);
}

bool procfs_is_kernel_thread(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!read_small(path, buf, sizeof(buf)))
		return false;
	/* field 9, flags, after the command in parentheses: PF_KTHREAD */
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 9; field++)
		if ((p = strchr(p + 1, ' ')))
			p++;
	return p && (strtoul(p, NULL, 10) & 0x00200000);
}

bool procfs_cmdline(pid_t pid, char *buf, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t r = read(fd, buf, n - 1);
	close(fd);
	if (r <= 0)
		return false;
	for (ssize_t i = 0; i < r; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	while (r > 0 && buf[r - 1] == ' ')
		r--;
	buf[r] = '\0';
	return true;
}
