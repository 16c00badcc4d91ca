/* backends.c — the sampling backends there are, by name. Above every
 * backend: the one file that knows them all. */
#include "config.h"
#include "target/sampler.h"
#include <stdio.h>
#include <string.h>

const struct sampler_backend *sampler_backend_find(const char *name, char *err, size_t errlen)
{
	if (!name || !strcmp(name, "auto") || !strcmp(name, "ptrace"))
		return &sampler_ptrace;
	if (!strcmp(name, "perf")) {
		snprintf(err, errlen, "the perf-events backend is not available in this version; "
				      "use --backend ptrace");
		return NULL;
	}
	snprintf(err, errlen, "unknown backend '%s': use ptrace, perf or auto", name);
	return NULL;
}
