/* backends.c — the sampling backends there are, by name. Above every
 * backend: the one file that knows them all. */
#include "config.h"
#include "target/sampler.h"
#include <stdio.h>
#include <string.h>

const struct sampler_backend *sampler_backend_find(const char *name, pid_t pid,
						   const struct sampler_config *cfg, char *why,
						   size_t whylen, char *err, size_t errlen)
{
	char reason[256];
	if (why && whylen)
		why[0] = '\0';
	if (!strcmp(name, "ptrace"))
		return &sampler_ptrace;
	if (!strcmp(name, "perf")) {
		if (sampler_perf_usable(pid, cfg, reason, sizeof(reason)) == 0)
			return &sampler_perf;
		snprintf(err, errlen, "--backend perf: %s", reason);
		return NULL;
	}
	if (!strcmp(name, "auto")) {
		if (sampler_perf_usable(pid, cfg, reason, sizeof(reason)) == 0)
			return &sampler_perf;
		if (why)
			snprintf(why, whylen, "%s", reason);
		return &sampler_ptrace;
	}
	snprintf(err, errlen, "unknown backend '%s': use ptrace, perf or auto", name);
	return NULL;
}
