#include "config.h"
#include "model/profile.h"
#include "model/xalloc.h"
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

struct profile *profile_new(void)
{
	struct profile *p = xcalloc(1, sizeof(*p));
	strpool_init(&p->strings);
	p->wall = false;
	return p;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i].path);
	for (size_t i = 0; i < p->nstacks; i++)
		free(p->stacks[i].frames);
	for (size_t i = 0; i < p->nthreads; i++)
		free(p->threads[i].name);
	for (size_t i = 0; i < p->nprocesses; i++)
		free(p->processes[i].command);
	for (size_t i = 0; i < p->nfocus; i++)
		free(p->focus[i]);
	free(p->focus);
	free(p->func_focus);
	free(p->processes);
	free(p->allocs);
	free(p->frees);
	free(p->alloc_in);
	u64map_free(&p->alloc_index);
	for (size_t i = 0; i < p->nprofile_only; i++)
		free(p->profile_only[i]);
	free(p->profile_only);
	free(p->files);
	free(p->funcs);
	free(p->lines);
	free(p->frames);
	free(p->stacks);
	free(p->threads);
	free(p->samples);
	free(p->stamp_line);
	free(p->stamp_func);
	free(p->stamp_file);
	free(p->command);
	free(p->started_at);
	free(p->ended_at);
	free(p->backend);
	strpool_free(&p->strings);
	u64map_free(&p->file_index);
	u64map_free(&p->func_index);
	u64map_free(&p->line_index);
	u64map_free(&p->frame_index);
	u64map_free(&p->stack_index);
	u64map_free(&p->process_index);
	free(p);
}

static void changed(struct profile *p)
{
	p->dirty = true;
	p->generation++;
}

/* A change to a row the session writer rewrites when its stamp moved. */
static void touch(struct profile *p, uint64_t *stamp)
{
	changed(p);
	*stamp = p->generation;
}

static bool matches_profile_only(const struct profile *p, const char *path)
{
	for (size_t i = 0; i < p->nprofile_only; i++) {
		const char *pat = p->profile_only[i];
		if (fnmatch(pat, path, 0) == 0 || strstr(path, pat))
			return true;
		/* a glob without a slash also matches the file name */
		if (!strchr(pat, '/')) {
			const char *base = strrchr(path, '/');
			if (fnmatch(pat, base ? base + 1 : path, 0) == 0)
				return true;
		}
	}
	return false;
}

struct file_key {
	const struct profile *p;
	const char *path;
};

static bool same_file(const void *ctx, uint64_t id)
{
	const struct file_key *k = ctx;
	return strcmp(k->p->files[id].path, k->path) == 0;
}

static int64_t find_file(const struct profile *p, const char *path, uint64_t *slot)
{
	struct file_key k = {p, path};
	return intern_find(&p->file_index, hash_bytes(path, strlen(path), 1), same_file, &k, slot);
}

/* A file's profiled state by the rules: --profile-all, else --profile-only,
 * else the default (the user's own code). */
static bool rule_profiled(const struct profile *p, const struct pfile *f)
{
	if (p->profile_all)
		return true;
	if (p->nprofile_only)
		return matches_profile_only(p, f->path);
	return !f->system;
}

void profile_set_rules(struct profile *p, bool all, const char *const *only, size_t n)
{
	for (size_t i = 0; i < p->nprofile_only; i++)
		free(p->profile_only[i]);
	free(p->profile_only);
	p->profile_all = all;
	p->profile_only = xcalloc(n + 1, sizeof(char *));
	for (p->nprofile_only = 0; p->nprofile_only < n; p->nprofile_only++)
		p->profile_only[p->nprofile_only] = xstrdup(only[p->nprofile_only]);
}

void profile_apply_rules(struct profile *p)
{
	for (uint32_t i = 0; i < p->nfiles; i++)
		profile_set_profiled(p, i, rule_profiled(p, &p->files[i]), false);
}

int64_t profile_find_file(const struct profile *p, const char *path)
{
	return find_file(p, path, NULL);
}

uint32_t profile_file(struct profile *p, const char *path, bool user_code)
{
	uint64_t slot = 0;
	int64_t found = find_file(p, path, &slot);
	if (found >= 0)
		return (uint32_t)found;
	uint32_t id = (uint32_t)p->nfiles;
	struct pfile *f = VEC_PUSH(p->files, p->nfiles, p->cap_files);
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->system = !user_code;
	f->profiled = rule_profiled(p, f);
	u64map_put(&p->file_index, slot, id);
	changed(p);
	return id;
}

static uint32_t intern_func(struct profile *p, uint32_t name, uint32_t file, uint32_t decl_line)
{
	uint64_t key = (uint64_t)name << 32 | file;
	uint64_t *slot = u64map_slot(&p->func_index, key, UINT64_MAX);
	if (*slot == UINT64_MAX) {
		*slot = p->nfuncs;
		struct pfunc *fn = VEC_PUSH(p->funcs, p->nfuncs, p->cap_funcs);
		memset(fn, 0, sizeof(*fn));
		fn->name = name;
		fn->file = file;
	}
	struct pfunc *fn = &p->funcs[*slot];
	if (!fn->line && decl_line)
		fn->line = decl_line;
	return (uint32_t)*slot;
}

static uint32_t intern_line(struct profile *p, uint32_t file, uint32_t line)
{
	uint64_t key = (uint64_t)file << 32 | line;
	uint64_t *slot = u64map_slot(&p->line_index, key, UINT64_MAX);
	if (*slot == UINT64_MAX) {
		*slot = p->nlines;
		struct pline *l = VEC_PUSH(p->lines, p->nlines, p->cap_lines);
		memset(l, 0, sizeof(*l));
		l->file = file;
		l->line = line;
	}
	return (uint32_t)*slot;
}

int64_t profile_find_line(const struct profile *p, uint32_t file, uint32_t line)
{
	uint64_t id;
	if (!u64map_get(&p->line_index, (uint64_t)file << 32 | line, &id))
		return -1;
	return (int64_t)id;
}

struct frame_key {
	const struct profile *p;
	struct pframe f;
};

static bool same_frame(const void *ctx, uint64_t id)
{
	const struct frame_key *k = ctx;
	const struct pframe *fr = &k->p->frames[id];
	return fr->func == k->f.func && fr->file == k->f.file && fr->line == k->f.line &&
	       fr->module == k->f.module && fr->flags == k->f.flags;
}

uint32_t profile_frame(struct profile *p, const char *function, uint32_t func_file, uint32_t file,
		       uint32_t line, uint32_t decl_line, const char *module, uint32_t flags)
{
	uint32_t name = strpool_intern(&p->strings, function);
	uint32_t mod = strpool_intern(&p->strings, module ? module : "");
	uint32_t func = intern_func(p, name, func_file, decl_line);
	struct frame_key k = {p, {.func = func, .file = file, .line = line, .module = mod, .flags = flags}};
	uint32_t hk[5] = {func, file, line, mod, flags};
	uint64_t slot = 0;
	int64_t found = intern_find(&p->frame_index, hash_bytes(hk, sizeof(hk), 2), same_frame, &k, &slot);
	if (found >= 0)
		return (uint32_t)found;
	uint32_t id = (uint32_t)p->nframes;
	struct pframe *fr = VEC_PUSH(p->frames, p->nframes, p->cap_frames);
	*fr = k.f;
	fr->pline = intern_line(p, file, line);
	if (!(flags & FRAME_NO_LINE))
		p->files[file].has_lines = true;
	u64map_put(&p->frame_index, slot, id);
	changed(p);
	return id;
}

struct stack_key {
	const struct profile *p;
	const uint32_t *frames;
	uint32_t depth, flags;
};

static bool same_stack(const void *ctx, uint64_t id)
{
	const struct stack_key *k = ctx;
	const struct pstack *s = &k->p->stacks[id];
	/* a stack without frames (a damaged file) may come with frames == NULL */
	return s->depth == k->depth && s->flags == k->flags &&
	       (!k->depth || memcmp(s->frames, k->frames, k->depth * sizeof(uint32_t)) == 0);
}

uint32_t profile_stack(struct profile *p, const uint32_t *frames, uint32_t depth, uint32_t flags)
{
	struct stack_key k = {p, frames, depth, flags};
	uint64_t slot = 0;
	int64_t found = intern_find(&p->stack_index, hash_bytes(frames, depth * sizeof(uint32_t), flags),
				    same_stack, &k, &slot);
	if (found >= 0)
		return (uint32_t)found;
	uint32_t id = (uint32_t)p->nstacks;
	struct pstack *s = VEC_PUSH(p->stacks, p->nstacks, p->cap_stacks);
	memset(s, 0, sizeof(*s));
	s->frames = xmalloc((depth ? depth : 1) * sizeof(uint32_t));
	if (depth)
		memcpy(s->frames, frames, depth * sizeof(uint32_t));
	s->depth = depth;
	s->flags = flags;
	u64map_put(&p->stack_index, slot, id);
	changed(p);
	return id;
}

uint32_t profile_thread_add(struct profile *p, int pid, int tid, const char *name)
{
	uint32_t id = (uint32_t)p->nthreads;
	struct pthread *t = VEC_PUSH(p->threads, p->nthreads, p->cap_threads);
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pid = pid;
	int64_t proc = pid ? profile_process_find(p, pid) : -1;
	t->process = proc < 0 ? 0 : (uint32_t)proc + 1;
	t->name = name ? xstrdup(name) : NULL;
	t->state = '?';
	t->last_stack = -1;
	touch(p, &t->stamp);
	return id;
}

void profile_thread_update(struct profile *p, uint32_t thread, const char *name, char state)
{
	struct pthread *t = &p->threads[thread];
	if (name && (!t->name || strcmp(t->name, name) != 0)) {
		free(t->name);
		t->name = xstrdup(name);
		touch(p, &t->stamp);
	}
	if (state && t->state != state) {
		t->state = state;
		changed(p);
	}
}

uint32_t profile_process_add(struct profile *p, int pid, int ppid, const char *command,
			     uint64_t started_us)
{
	uint32_t id = (uint32_t)p->nprocesses;
	struct pprocess *pr = VEC_PUSH(p->processes, p->nprocesses, p->cap_processes);
	*pr = (struct pprocess){.pid = pid, .ppid = ppid, .command = xstrdup(command ? command : ""),
				.started_us = started_us, .exit_status = EXIT_UNKNOWN,
				.followed = true};
	u64map_put(&p->process_index, (uint32_t)pid, id);
	touch(p, &pr->stamp);
	return id;
}

int64_t profile_process_find(const struct profile *p, int pid)
{
	uint64_t id;
	return u64map_get(&p->process_index, (uint32_t)pid, &id) ? (int64_t)id : -1;
}

void profile_process_command(struct profile *p, uint32_t proc, const char *command)
{
	struct pprocess *pr = &p->processes[proc];
	if (!strcmp(pr->command, command))
		return;
	free(pr->command);
	pr->command = xstrdup(command);
	touch(p, &pr->stamp);
}

void profile_process_end(struct profile *p, uint32_t proc, uint64_t ended_us, int exit_status)
{
	struct pprocess *pr = &p->processes[proc];
	pr->ended_us = ended_us ? ended_us : 1;
	pr->exit_status = exit_status;
	touch(p, &pr->stamp);
}

void profile_process_heap(struct profile *p, uint32_t proc, uint64_t bytes)
{
	p->processes[proc].heap_at_exit = bytes;
	touch(p, &p->processes[proc].stamp);
}

void profile_process_let_go(struct profile *p, uint32_t proc)
{
	p->processes[proc].followed = false;
	touch(p, &p->processes[proc].stamp);
}

/* Count one sample of stack s against the problem counters. */
static void count_problems(struct profile *p, const struct pstack *s, int64_t n)
{
	if (s->flags & STACK_INCOMPLETE)
		p->counters.incomplete += n;
	if (s->depth) {
		uint32_t fl = p->frames[s->frames[0]].flags;
		if (fl & FRAME_NO_SYMBOL)
			p->counters.no_symbol += n;
		else if (fl & FRAME_NO_LINE)
			p->counters.no_line += n;
	}
}

void profile_add_sample(struct profile *p, uint64_t time_us, uint32_t thread, uint32_t stack)
{
	struct psample *smp = VEC_PUSH(p->samples, p->nsamples, p->cap_samples);
	smp->time_us = time_us;
	smp->thread = thread;
	smp->stack = stack;
	count_problems(p, &p->stacks[stack], 1);
	p->threads[thread].last_stack = stack;
	profile_count_sample(p, smp);
	changed(p);
}

void profile_set_profiled(struct profile *p, uint32_t file, bool profiled, bool user)
{
	struct pfile *f = &p->files[file];
	if (user)
		f->user_set = true;
	if (f->profiled != profiled) {
		f->profiled = profiled;
		changed(p);
	}
}

void profile_reset_counts(struct profile *p)
{
	p->counted_from = p->nsamples;
	p->allocs_from = p->nallocs;
	profile_recount(p);
}

static uint32_t *stamps(uint32_t **arr, size_t *cap, size_t n)
{
	xgrow((void **)arr, cap, n, sizeof(uint32_t));
	if (n) /* *arr is still NULL when nothing was ever stamped */
		memset(*arr, 0xff, n * sizeof(uint32_t));
	return *arr;
}

void profile_update(struct profile *p)
{
	if (!p->dirty)
		return;
	for (size_t i = 0; i < p->nlines; i++)
		p->lines[i].self = p->lines[i].total = 0;
	for (size_t i = 0; i < p->nfuncs; i++)
		p->funcs[i].self = p->funcs[i].total = 0;
	for (size_t i = 0; i < p->nfiles; i++) {
		p->files[i].self = p->files[i].total = 0;
		p->files[i].lines_hit = 0;
	}
	p->outside = 0;
	profile_tally_allocs(p);
	uint32_t *sl = stamps(&p->stamp_line, &p->cap_stamp_line, p->nlines);
	uint32_t *sf = stamps(&p->stamp_func, &p->cap_stamp_func, p->nfuncs);
	uint32_t *sfi = stamps(&p->stamp_file, &p->cap_stamp_file, p->nfiles);

	for (uint32_t s = 0; s < p->nstacks; s++) {
		const struct pstack *st = &p->stacks[s];
		uint64_t c = profile_amount(p, st->count, &st->bytes);
		if (!c)
			continue;
		const struct pframe *self = NULL;
		for (uint32_t d = 0; d < st->depth; d++) {
			const struct pframe *fr = &p->frames[st->frames[d]];
			if (!self && p->files[fr->file].profiled)
				self = fr;
			if (sl[fr->pline] != s) {
				sl[fr->pline] = s;
				p->lines[fr->pline].total += c;
			}
			if (sf[fr->func] != s) {
				sf[fr->func] = s;
				p->funcs[fr->func].total += c;
			}
			if (sfi[fr->file] != s) {
				sfi[fr->file] = s;
				p->files[fr->file].total += c;
			}
		}
		if (self) {
			p->lines[self->pline].self += c;
			p->funcs[self->func].self += c;
			p->files[self->file].self += c;
		} else {
			p->outside += c;
		}
	}
	for (size_t i = 0; i < p->nlines; i++)
		if (p->lines[i].total)
			p->files[p->lines[i].file].lines_hit++;
	p->dirty = false;
}

static int cmp_edge(const void *a, const void *b)
{
	const struct pedge *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->func < y->func ? -1 : x->func > y->func;
}

/* Shared walk for callers (dir = +1: the outer neighbour) and callees (-1). */
static size_t neighbours(const struct profile *p, uint32_t func, int dir, struct pedge **out)
{
	uint64_t *count = xcalloc(p->nfuncs ? p->nfuncs : 1, sizeof(uint64_t));
	uint32_t *stamp = xmalloc((p->nfuncs ? p->nfuncs : 1) * sizeof(uint32_t));
	memset(stamp, 0xff, (p->nfuncs ? p->nfuncs : 1) * sizeof(uint32_t));
	for (uint32_t s = 0; s < p->nstacks; s++) {
		const struct pstack *st = &p->stacks[s];
		uint64_t c = profile_amount(p, st->count, &st->bytes);
		if (!c)
			continue;
		for (uint32_t d = 0; d < st->depth; d++) {
			if (p->frames[st->frames[d]].func != func)
				continue;
			int64_t nd = (int64_t)d + dir;
			if (nd < 0 || nd >= st->depth)
				continue;
			uint32_t other = p->frames[st->frames[nd]].func;
			if (stamp[other] != s) {
				stamp[other] = s;
				count[other] += c;
			}
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < p->nfuncs; i++)
		n += count[i] != 0;
	*out = xmalloc((n ? n : 1) * sizeof(struct pedge));
	n = 0;
	for (size_t i = 0; i < p->nfuncs; i++)
		if (count[i])
			(*out)[n++] = (struct pedge){(uint32_t)i, count[i]};
	qsort(*out, n, sizeof(struct pedge), cmp_edge);
	free(count);
	free(stamp);
	return n;
}

size_t profile_callers(const struct profile *p, uint32_t func, struct pedge **out)
{
	return neighbours(p, func, +1, out);
}

size_t profile_callees(const struct profile *p, uint32_t func, struct pedge **out)
{
	return neighbours(p, func, -1, out);
}
