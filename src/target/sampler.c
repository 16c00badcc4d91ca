/* sampler.c — what sampler.h promises whatever the backend: checking a
 * program before launching it, raw sample batches. */
#include "config.h"
#include "target/sampler.h"
#include "model/xalloc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sampler_check_program(const char *prog, char *resolved, size_t n, char *err, size_t errlen)
{
	char cand[4096];
	if (strchr(prog, '/')) {
		snprintf(cand, sizeof(cand), "%s", prog);
	} else {
		const char *path = getenv("PATH");
		bool found = false;
		for (const char *p = path ? path : "/usr/bin:/bin"; *p && !found;) {
			size_t len = strcspn(p, ":");
			snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, len ? p : ".", prog);
			struct stat st;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				found = true;
			p += len + (p[len] == ':');
		}
		if (!found) {
			snprintf(err, errlen, "%s: command not found in PATH (give its path, e.g. ./%s)",
				 prog, prog);
			return -1;
		}
	}
	struct stat st;
	if (stat(cand, &st) != 0) {
		snprintf(err, errlen, "%s: %s (check the program path)", cand, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || access(cand, X_OK) != 0) {
		snprintf(err, errlen, "%s: not an executable file (chmod +x, or give a program)", cand);
		return -1;
	}
	unsigned char magic[4] = {0};
	FILE *f = fopen(cand, "rb");
	size_t got = f ? fread(magic, 1, 4, f) : 0;
	if (f)
		fclose(f);
	bool elf = got == 4 && !memcmp(magic, "\177ELF", 4);
	bool script = got >= 2 && magic[0] == '#' && magic[1] == '!';
	if (!elf && !script) {
		snprintf(err, errlen, "%s: not an ELF executable or script (nothing cprof-tui can run)",
			 cand);
		return -1;
	}
	snprintf(resolved, n, "%s", cand);
	return 0;
}

void raw_batch_clear(struct raw_batch *b)
{
	b->len = 0;
	b->stack_len = 0;
	b->lost = 0;
}

void raw_batch_free(struct raw_batch *b)
{
	free(b->v);
	free(b->stack);
	memset(b, 0, sizeof(*b));
}

void raw_batch_drop_process(struct raw_batch *b, pid_t pid)
{
	size_t kept = 0;
	for (size_t i = 0; i < b->len; i++)
		if (b->v[i].pid != pid)
			b->v[kept++] = b->v[i]; /* (its stack copy stays where it is) */
	b->lost += b->len - kept;
	b->len = kept;
}

struct raw_sample *raw_batch_add(struct raw_batch *b, uint32_t thread, pid_t pid, pid_t tid,
				 size_t stack_len)
{
	struct raw_sample *r = VEC_PUSH(b->v, b->len, b->cap);
	memset(r, 0, sizeof(*r));
	r->thread = thread;
	r->pid = pid;
	r->tid = tid;
	xgrow((void **)&b->stack, &b->stack_cap, b->stack_len + stack_len, 1);
	r->stack_off = b->stack_len;
	r->stack_len = stack_len;
	b->stack_len += stack_len;
	return r;
}
