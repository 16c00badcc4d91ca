/* export-pprof.c — profile.proto (github.com/google/pprof, proto/profile.proto),
 * gzip-compressed, as go tool pprof, Pyroscope and Parca read it.
 *
 * The protobuf is encoded here by hand: a profile is a handful of small
 * messages of varints and length-delimited fields, only ever written, so a
 * protobuf library (libprotobuf-c) would bring a code generator into the
 * build and a dependency for what is fifty lines.
 *
 * What goes in: one Sample per stack and thread (values: samples, and the
 * CPU or wall nanoseconds they stand for; labels pid, tid and the thread's
 * name); a Location per chain of frames at one address (the frames inlined
 * there, innermost first, then the function they are inlined into), without
 * the address: sessions keep none; a Function per function and file its
 * lines are in (its own file gets its first line); a Mapping per module.
 * Every mapping says it has functions, files, lines and inline frames, so
 * that pprof does not symbolize again what cprof-tui already resolved.
 * Strings are escaped as the TUI shows them (valid UTF-8, no control byte).
 * See export.h. */
#include "config.h"
#include "app/export.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

/* ---- protobuf encoding ---- */

struct pb {
	uint8_t *b;
	size_t n, cap;
};

enum { WIRE_VARINT = 0, WIRE_BYTES = 2 };

static void pb_raw(struct pb *b, const void *data, size_t n)
{
	xgrow((void **)&b->b, &b->cap, b->n + n, 1);
	if (n)
		memcpy(b->b + b->n, data, n);
	b->n += n;
}

static void pb_varint(struct pb *b, uint64_t v)
{
	uint8_t buf[10];
	size_t n = 0;
	do {
		buf[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	pb_raw(b, buf, n);
}

/* A varint field; 0 is proto3's default and is left out. */
static void pb_int(struct pb *b, unsigned field, uint64_t v)
{
	if (!v)
		return;
	pb_varint(b, (uint64_t)field << 3 | WIRE_VARINT);
	pb_varint(b, v);
}

static void pb_bytes(struct pb *b, unsigned field, const void *data, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | WIRE_BYTES);
	pb_varint(b, n);
	pb_raw(b, data, n);
}

/* Message m as field `field` of b; m is emptied for the next one. */
static void pb_msg(struct pb *b, unsigned field, struct pb *m)
{
	pb_bytes(b, field, m->b, m->n);
	m->n = 0;
}

/* A packed repeated varint field (scratch: a buffer to encode it in). */
static void pb_packed(struct pb *b, unsigned field, const uint64_t *v, size_t n, struct pb *scratch)
{
	for (size_t i = 0; i < n; i++)
		pb_varint(scratch, v[i]);
	pb_msg(b, field, scratch);
}

/* ---- the profile ---- */

/* A location's frames: loc_frames[start .. start + len) */
struct chain {
	size_t start;
	uint32_t len;
};

/* Fields of profile.proto's messages */
enum { PROFILE_SAMPLE_TYPE = 1, PROFILE_SAMPLE, PROFILE_MAPPING, PROFILE_LOCATION,
       PROFILE_FUNCTION, PROFILE_STRING_TABLE, PROFILE_TIME_NANOS = 9, PROFILE_DURATION_NANOS,
       PROFILE_PERIOD_TYPE, PROFILE_PERIOD, PROFILE_COMMENT };

struct pprof {
	struct profile *p;
	struct pb out, msg, sub, scratch; /* the Profile; messages being built inside it */
	struct strpool strings;           /* string_table (0 is "") */
	struct u64map loc_index;          /* a chain of frames -> location index */
	struct chain *locs; size_t nlocs, cap_locs;
	uint32_t *loc_frames; size_t nloc_frames, cap_loc_frames;
	struct u64map func_index;         /* function << 32 | file -> function index */
	uint64_t *funcs; size_t nfuncs, cap_funcs; /* the same keys, by index */
	struct u64map mapping_index;      /* module's string id -> mapping index */
	uint32_t *mappings; size_t nmappings, cap_mappings;
};

/* The string table index of s, escaped. */
static uint64_t str_id(struct pprof *x, const char *s)
{
	char *e = str_escape_dup(s);
	uint32_t id = strpool_intern(&x->strings, e);
	free(e);
	return id;
}

static uint64_t mapping_id(struct pprof *x, const struct pframe *fr)
{
	uint64_t *slot = u64map_slot(&x->mapping_index, fr->module, UINT64_MAX);
	if (*slot == UINT64_MAX) {
		*slot = x->nmappings;
		*VEC_PUSH(x->mappings, x->nmappings, x->cap_mappings) = fr->module;
	}
	return *slot + 1;
}

static uint64_t function_id(struct pprof *x, const struct pframe *fr)
{
	uint64_t key = (uint64_t)fr->func << 32 | fr->file;
	uint64_t *slot = u64map_slot(&x->func_index, key, UINT64_MAX);
	if (*slot == UINT64_MAX) {
		*slot = x->nfuncs;
		*VEC_PUSH(x->funcs, x->nfuncs, x->cap_funcs) = key;
	}
	return *slot + 1;
}

struct chain_key {
	const struct pprof *x;
	const uint32_t *frames;
	uint32_t n;
};

static bool same_chain(const void *ctx, uint64_t id)
{
	const struct chain_key *k = ctx;
	const struct chain *c = &k->x->locs[id];
	return c->len == k->n && !memcmp(k->x->loc_frames + c->start, k->frames, k->n * sizeof(uint32_t));
}

/* The location id of a chain of n frames, innermost first: the frames
 * inlined at an address, then the function they are in. */
static uint64_t location_id(struct pprof *x, const uint32_t *frames, uint32_t n)
{
	struct chain_key k = {x, frames, n};
	uint64_t slot;
	int64_t found = intern_find(&x->loc_index, hash_bytes(frames, n * sizeof(uint32_t), 7),
				    same_chain, &k, &slot);
	if (found >= 0)
		return (uint64_t)found + 1;
	*VEC_PUSH(x->locs, x->nlocs, x->cap_locs) = (struct chain){x->nloc_frames, n};
	for (uint32_t i = 0; i < n; i++)
		*VEC_PUSH(x->loc_frames, x->nloc_frames, x->cap_loc_frames) = frames[i];
	u64map_put(&x->loc_index, slot, x->nlocs - 1);
	return x->nlocs;
}

/* A stack's location ids, innermost first, into ids (depth long at most). */
static size_t stack_locations(struct pprof *x, const struct pstack *s, uint64_t *ids)
{
	size_t n = 0;
	for (uint32_t d = 0; d < s->depth;) {
		uint32_t end = d;
		while (end + 1 < s->depth && (x->p->frames[s->frames[end]].flags & FRAME_INLINED))
			end++;
		ids[n++] = location_id(x, s->frames + d, end - d + 1);
		d = end + 1;
	}
	return n;
}

static void label(struct pprof *x, const char *key, const char *str, int64_t num)
{
	pb_int(&x->sub, 1, str_id(x, key));
	if (str)
		pb_int(&x->sub, 2, str_id(x, str));
	else
		pb_int(&x->sub, 3, (uint64_t)num);
	pb_msg(&x->msg, 3, &x->sub);
}

/* One Sample per stack and thread with samples in scope. */
static void write_samples(struct pprof *x, uint64_t period_ns)
{
	struct profile *p = x->p;
	struct u64map counts;
	u64map_init(&counts);
	for (size_t i = p->counted_from; i < p->nsamples; i++)
		if (profile_sample_counted(p, i))
			++*u64map_slot(&counts, (uint64_t)p->samples[i].stack << 32 | p->samples[i].thread, 0);
	size_t maxdepth = 1;
	for (size_t s = 0; s < p->nstacks; s++)
		if (p->stacks[s].depth > maxdepth)
			maxdepth = p->stacks[s].depth;
	uint64_t *ids = xmalloc(maxdepth * sizeof(uint64_t));
	for (size_t k = 0; k < counts.cap; k++) {
		if (!counts.used[k])
			continue;
		const struct pstack *s = &p->stacks[counts.keys[k] >> 32];
		const struct pthread *t = &p->threads[(uint32_t)counts.keys[k]];
		uint64_t values[2] = {counts.vals[k], counts.vals[k] * period_ns};
		pb_packed(&x->msg, 1, ids, stack_locations(x, s, ids), &x->scratch);
		pb_packed(&x->msg, 2, values, period_ns ? 2 : 1, &x->scratch);
		label(x, "pid", NULL, t->pid);
		label(x, "tid", NULL, t->tid);
		if (t->name && *t->name)
			label(x, "thread", t->name, 0);
		pb_msg(&x->out, PROFILE_SAMPLE, &x->msg);
	}
	free(ids);
	u64map_free(&counts);
}

/* pprof takes the first mapping for the program's: the module of the
 * command's first word, when a frame is in it. */
static void main_mapping_first(struct pprof *x)
{
	const struct profile *p = x->p;
	if (!p->command || !*p->command)
		return;
	char *prog = xstrdup(p->command);
	prog[strcspn(prog, " ")] = '\0';
	for (size_t f = 0; f < p->nframes; f++)
		if (!strcmp(str_basename(strpool_get(&p->strings, p->frames[f].module)),
			    str_basename(prog))) {
			mapping_id(x, &p->frames[f]);
			break;
		}
	free(prog);
}

static void write_locations(struct pprof *x)
{
	main_mapping_first(x);
	for (size_t l = 0; l < x->nlocs; l++) {
		const uint32_t *chain = x->loc_frames + x->locs[l].start;
		uint32_t n = x->locs[l].len;
		pb_int(&x->msg, 1, l + 1);
		pb_int(&x->msg, 2, mapping_id(x, &x->p->frames[chain[n - 1]]));
		for (uint32_t i = 0; i < n; i++) {
			const struct pframe *fr = &x->p->frames[chain[i]];
			pb_int(&x->sub, 1, function_id(x, fr));
			pb_int(&x->sub, 2, fr->line);
			pb_msg(&x->msg, 4, &x->sub);
		}
		pb_msg(&x->out, PROFILE_LOCATION, &x->msg);
	}
}

static void write_functions(struct pprof *x)
{
	for (size_t f = 0; f < x->nfuncs; f++) {
		uint32_t func = (uint32_t)(x->funcs[f] >> 32), file = (uint32_t)x->funcs[f];
		const struct pfunc *fn = &x->p->funcs[func];
		uint64_t name = str_id(x, profile_func_name(x->p, func));
		pb_int(&x->msg, 1, f + 1);
		pb_int(&x->msg, 2, name);
		pb_int(&x->msg, 3, name);
		pb_int(&x->msg, 4, str_id(x, x->p->files[file].path));
		pb_int(&x->msg, 5, file == fn->file ? fn->line : 0);
		pb_msg(&x->out, PROFILE_FUNCTION, &x->msg);
	}
}

static void write_mappings(struct pprof *x)
{
	for (size_t m = 0; m < x->nmappings; m++) {
		pb_int(&x->msg, 1, m + 1);
		pb_int(&x->msg, 5, str_id(x, strpool_get(&x->p->strings, x->mappings[m])));
		for (unsigned field = 7; field <= 10; field++) /* has_functions .. has_inline_frames */
			pb_int(&x->msg, field, 1);
		pb_msg(&x->out, PROFILE_MAPPING, &x->msg);
	}
}

static void value_type(struct pprof *x, unsigned field, const char *type, const char *unit)
{
	pb_int(&x->msg, 1, str_id(x, type));
	pb_int(&x->msg, 2, str_id(x, unit));
	pb_msg(&x->out, field, &x->msg);
}

/* Seconds since the epoch of an ISO 8601 UTC time, or 0. */
static int64_t epoch_of(const char *iso)
{
	struct tm tm = {0};
	if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static void comment(struct pprof *x, const char *text)
{
	pb_int(&x->out, PROFILE_COMMENT, str_id(x, text));
}

static void write_facts(struct pprof *x, uint64_t period_ns)
{
	struct profile *p = x->p;
	int64_t start = epoch_of(p->started_at), end = epoch_of(p->ended_at);
	const char *kind = p->wall ? "wall" : "cpu";
	if (start > 0)
		pb_int(&x->out, PROFILE_TIME_NANOS, (uint64_t)start * 1000000000ull);
	if (start > 0 && end > start)
		pb_int(&x->out, PROFILE_DURATION_NANOS, (uint64_t)(end - start) * 1000000000ull);
	if (period_ns) {
		value_type(x, PROFILE_PERIOD_TYPE, kind, "nanoseconds");
		pb_int(&x->out, PROFILE_PERIOD, period_ns);
	}
	char *c = xasprintf("cprof-tui session of %s (pid %d), %u Hz, %s mode",
			    p->command ? p->command : "?", p->pid, p->frequency_hz, kind);
	comment(x, c);
	free(c);
	if (p->narrow_pid) {
		c = xasprintf("only process %d", p->narrow_pid);
		comment(x, c);
		free(c);
	}
	for (size_t i = 0; i < p->nfocus; i++) {
		c = xasprintf("focus: %s", p->focus[i]);
		comment(x, c);
		free(c);
	}
}

/* data gzip-compressed to out, the header's comment saying whose it is. */
static int gzip_to(FILE *out, const struct pb *data)
{
	z_stream z = {0};
	gz_header h = {.os = 3, .comment = (Bytef *)EXPORT_PPROF_COMMENT}; /* 3: Unix */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK ||
	    deflateSetHeader(&z, &h) != Z_OK)
		return -1;
	size_t left = data->n;
	z.next_in = data->b;
	int rc = 0, zr;
	do {
		uint8_t chunk[64 * 1024];
		/* avail_in is 32 bits: a larger profile goes in pieces */
		size_t take = left < (1u << 30) ? left : (1u << 30);
		z.avail_in += (uInt)take;
		left -= take;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			zr = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
			size_t n = sizeof(chunk) - z.avail_out;
			if (zr == Z_STREAM_ERROR || fwrite(chunk, 1, n, out) != n)
				rc = -1;
		} while (!rc && z.avail_out == 0);
	} while (!rc && zr != Z_STREAM_END);
	deflateEnd(&z);
	return rc;
}

static void pprof_free(struct pprof *x)
{
	free(x->out.b);
	free(x->msg.b);
	free(x->sub.b);
	free(x->scratch.b);
	strpool_free(&x->strings);
	u64map_free(&x->loc_index);
	u64map_free(&x->func_index);
	u64map_free(&x->mapping_index);
	free(x->locs);
	free(x->loc_frames);
	free(x->funcs);
	free(x->mappings);
}

int export_pprof(FILE *out, struct profile *p)
{
	struct pprof x = {.p = p};
	strpool_init(&x.strings);
	u64map_init(&x.loc_index);
	u64map_init(&x.func_index);
	u64map_init(&x.mapping_index);
	strpool_intern(&x.strings, ""); /* string_table[0] */
	uint64_t period_ns = p->frequency_hz ? 1000000000ull / p->frequency_hz : 0;

	value_type(&x, PROFILE_SAMPLE_TYPE, "samples", "count");
	if (period_ns)
		value_type(&x, PROFILE_SAMPLE_TYPE, p->wall ? "wall" : "cpu", "nanoseconds");
	write_samples(&x, period_ns);
	write_locations(&x);
	write_functions(&x);
	write_mappings(&x);
	write_facts(&x, period_ns);
	for (size_t i = 0; i < x.strings.len; i++)
		pb_bytes(&x.out, PROFILE_STRING_TABLE, x.strings.strs[i], strlen(x.strings.strs[i]));
	int rc = gzip_to(out, &x.out);
	pprof_free(&x);
	return rc;
}
