/* logfile.c — the launched program's output file in the TUI; see logfile.h. */
#include "config.h"
#include "app/logfile.h"
#include "model/strutil.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int logfile_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0)
		return fd;
	const char *why = NULL;
	bool exists = errno == EEXIST;
	struct stat st;
	if (exists) {
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 && errno == ELOOP)
			why = "it is a symbolic link, not followed";
		else if (fd < 0 && errno == ENXIO)
			why = "it is not a regular file";
		else if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)))
			why = "it is not a regular file";
		else if (fd >= 0 && (st.st_uid != geteuid() || st.st_nlink != 1))
			why = st.st_uid != geteuid() ? "it belongs to another user" : "it has other links";
		else if (fd >= 0 && ftruncate(fd, 0) == 0 && fcntl(fd, F_SETFL, O_APPEND) == 0)
			return fd;
	}
	if (!why)
		why = strerror(errno);
	if (fd >= 0)
		close(fd);
	char safe[512];
	snprintf(err, errlen, "cannot write the program's output to %s: %s (%schoose another name "
		 "with -o)", str_escape(safe, sizeof(safe), path), why, exists ? "remove it, or " : "");
	return -1;
}
