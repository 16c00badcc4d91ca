/* usercode.c — the user-code rule; see usercode.h. */
#include "config.h"
#include "model/usercode.h"
#include <string.h>

/* Where a distribution keeps what the user did not write: headers, libraries
 * (and the dynamic loader), their sources, and the directories Debian's
 * packages are built in (the source paths of their debug info). */
static const char *const system_dirs[] = {
	"/usr/include/", "/usr/local/include/", "/usr/lib/", "/usr/lib64/", "/lib/", "/lib64/",
	"/usr/src/", "/build/",
};

static bool under_system_dir(const char *path)
{
	if (path[0] == '[' || path[0] == '<')
		return true; /* [vdso], [unknown], <built-in> */
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (strncmp(path, system_dirs[i], strlen(system_dirs[i])) == 0)
			return true;
	return false;
}

bool is_user_code(const char *module, const char *source)
{
	if (module && under_system_dir(module))
		return false;
	return source && !under_system_dir(source);
}
