/* export.c — --export: where the file goes and what may be replaced there;
 * the formats are export-<format>.c. See export.h. */
#include "config.h"
#include "app/export.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_err(char *err, size_t errlen, const char *fmt, const char *path, const char *what)
{
	char e[1024];
	snprintf(err, errlen, fmt, str_escape(e, sizeof(e), path), what);
}

/* A file of folded stacks and nothing else: every line some frames, a
 * space and a count. */
static bool is_folded(int fd)
{
	FILE *f = fdopen(dup(fd), "r");
	if (!f)
		return false;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool folded = true;
	while (folded && (n = getline(&line, &cap, f)) > 0) {
		ssize_t d = n - 1;
		if (line[d] != '\n')
			folded = false;
		while (folded && d > 0 && line[d - 1] >= '0' && line[d - 1] <= '9')
			d--;
		folded = folded && d >= 2 && d < n - 1 && line[d - 1] == ' ';
	}
	free(line);
	fclose(f);
	return folded;
}

/* Is the file open at fd an export of fmt that cprof-tui wrote? */
static bool is_our_export(int fd, enum export_format fmt)
{
	char head[256];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	if (n < 0)
		return false;
	switch (fmt) {
	case EXPORT_FOLDED:
		return is_folded(fd);
	case EXPORT_SPEEDSCOPE:
		return (size_t)n >= strlen(EXPORT_SPEEDSCOPE_HEAD) &&
		       !memcmp(head, EXPORT_SPEEDSCOPE_HEAD, strlen(EXPORT_SPEEDSCOPE_HEAD));
	case EXPORT_CALLGRIND:
		return (size_t)n >= strlen(EXPORT_CALLGRIND_HEAD) &&
		       !memcmp(head, EXPORT_CALLGRIND_HEAD, strlen(EXPORT_CALLGRIND_HEAD));
	case EXPORT_PPROF: /* gzip magic, deflate, a comment alone, then ours */
		return (size_t)n >= 10 + sizeof(EXPORT_PPROF_COMMENT) && (uint8_t)head[0] == 0x1f &&
		       (uint8_t)head[1] == 0x8b && head[2] == 8 && head[3] == 0x10 &&
		       !memcmp(head + 10, EXPORT_PPROF_COMMENT, sizeof(EXPORT_PPROF_COMMENT));
	}
	return false;
}

int export_check_output(const char *path, const char *session, enum export_format fmt,
			bool force, char *err, size_t errlen)
{
	if (!path) {
		if (fmt == EXPORT_PPROF && isatty(STDOUT_FILENO)) {
			snprintf(err, errlen, "pprof is gzip-compressed binary, not for a terminal: "
				 "give -o FILE.pb.gz");
			return -1;
		}
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		set_err(err, errlen, "cannot open %s: %s (choose another file with -o)", path,
			strerror(errno));
		return -1;
	}
	struct stat st, ss;
	int rc = -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		set_err(err, errlen, "%s is not a regular file: choose another file with -o%s", path, "");
	else if (!stat(session, &ss) && ss.st_dev == st.st_dev && ss.st_ino == st.st_ino)
		set_err(err, errlen, "%s is the session being exported: choose another file with "
			"-o%s", path, "");
	else if (force || st.st_size == 0 || is_our_export(fd, fmt))
		rc = 0;
	else
		set_err(err, errlen, "%s exists and is not a cprof-tui %s export: choose another "
			"file with -o, or add --force to overwrite it", path, export_format_names[fmt]);
	close(fd);
	return rc;
}

static int write_format(FILE *out, struct profile *p, enum export_format fmt)
{
	switch (fmt) {
	case EXPORT_FOLDED:
		return export_folded(out, p);
	case EXPORT_SPEEDSCOPE:
		return export_speedscope(out, p);
	case EXPORT_PPROF:
		return export_pprof(out, p);
	case EXPORT_CALLGRIND:
		return export_callgrind(out, p);
	}
	return -1;
}

/* The new file beside path, made as any file of the user's (umask). */
static FILE *create_beside(const char *path, char **tmp)
{
	*tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0)
		return NULL;
	mode_t mask = umask(0);
	umask(mask);
	FILE *f = fchmod(fd, 0666 & ~mask) ? NULL : fdopen(fd, "w");
	if (!f) {
		int e = errno;
		close(fd);
		unlink(*tmp);
		errno = e;
	}
	return f;
}

int export_write(struct profile *p, enum export_format fmt, const char *path, char *err,
		 size_t errlen)
{
	if (!path) {
		if (write_format(stdout, p, fmt) == 0 && fflush(stdout) == 0 && !ferror(stdout))
			return 0;
		set_err(err, errlen, "cannot write the export to %s: %s (is the disk full?)",
			"stdout", strerror(errno));
		return -1;
	}
	char *tmp;
	FILE *f = create_beside(path, &tmp);
	if (!f) {
		set_err(err, errlen, "cannot create a file beside %s: %s (choose another "
			"place with -o)", path, strerror(errno));
		free(tmp);
		return -1;
	}
	int rc = write_format(f, p, fmt);
	if (fflush(f) || ferror(f))
		rc = -1;
	int e = errno;
	if (fclose(f) && !rc) {
		rc = -1;
		e = errno;
	}
	if (!rc && rename(tmp, path)) {
		rc = -1;
		e = errno;
	}
	if (rc) {
		unlink(tmp);
		set_err(err, errlen, "cannot write %s: %s (is the disk full?)", path, strerror(e));
	}
	free(tmp);
	return rc;
}
