/* usercode.c — the user-code rule; see usercode.h. */
#include "config.h"
#include "model/usercode.h"
#include <string.h>

/* Where a distribution keeps what the user did not write: headers, libraries
 * (and the dynamic loader), their sources, the directories Debian's
 * packages are built in (the source paths of their debug info), and where
 * Rust's standard library says its sources were (rustc remaps them; the
 * crates it bundles, such as hashbrown, under /rust/deps). */
static const char *const system_dirs[] = {
	"/usr/include/", "/usr/local/include/", "/usr/lib/", "/usr/lib64/", "/lib/", "/lib64/",
	"/usr/src/", "/build/", "/rustc/", "/rust/deps/",
};

/* Toolchains and package managers in a home directory: a Rust toolchain's
 * library sources, the crates cargo downloads. */
static const char *const system_parts[] = {
	"/.rustup/toolchains/", "/.cargo/registry/",
};

/* cprof-tui's own allocation sampler (preload/), preloaded into a program
 * by --memory, wherever it is installed or built. */
#define OWN_LIBRARY "/libcprof-alloc.so"

static bool under_system_dir(const char *path)
{
	if (path[0] == '[' || path[0] == '<')
		return true; /* [vdso], [unknown], <built-in> */
	size_t n = strlen(path);
	if (n >= strlen(OWN_LIBRARY) && !strcmp(path + n - strlen(OWN_LIBRARY), OWN_LIBRARY))
		return true;
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (strncmp(path, system_dirs[i], strlen(system_dirs[i])) == 0)
			return true;
	for (size_t i = 0; i < sizeof(system_parts) / sizeof(system_parts[0]); i++)
		if (strstr(path, system_parts[i]))
			return true;
	return false;
}

bool is_user_code(const char *module, const char *source, bool program_has_lines)
{
	if (module && under_system_dir(module))
		return false;
	if (!source)
		return module && !program_has_lines;
	return !under_system_dir(source);
}
