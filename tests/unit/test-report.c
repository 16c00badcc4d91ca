/* test-report.c — --report's output is clean whatever the session holds:
 * names and paths with invalid UTF-8, C0 and C1 controls (ESC, BEL, CSI)
 * give valid UTF-8 JSON with every control escaped, TSV and text without a
 * control byte (escaped as the TUI shows them), and the rows keep their
 * place (one line per row, the TSV's columns). */
#include "config.h"
#include "check.h"
#include "app/report.h"
#include "model/profile.h"
#include <stdlib.h>
#include <string.h>

/* What a hostile file can hold: ESC ] title BEL, CSI clear, a C1 CSI
 * (U+009B), a tab and a newline, invalid UTF-8 (a lone continuation byte,
 * a truncated sequence, an overlong '/', a surrogate). */
static const char evil_name[] = "f\x1b]0;pwned\x07\x1b[2J\xc2\x9b" "1m\ttab\nnl";
static const char evil_path[] = "/src/\x80x\xe2\x82/\xc0\xaf/\xed\xa0\x80/caf\xc3\xa9.c";

static bool valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
			 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (!k || i + k > n)
			return false;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
		if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0) ||
		    (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90))
			return false;
		i += k;
	}
	return true;
}

/* No control byte but the layout's own: newline ends a row, tab (TSV only)
 * parts columns; no C1 control (U+0080..U+009F). */
static bool clean(const unsigned char *s, size_t n, bool tabs)
{
	for (size_t i = 0; i < n; i++) {
		if ((s[i] < 0x20 && s[i] != '\n' && !(tabs && s[i] == '\t')) || s[i] == 0x7f)
			return false;
		if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] < 0xa0)
			return false;
	}
	return true;
}

static size_t count(const char *s, size_t n, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

/* The report into *out (malloc'ed): its length. */
static size_t report(struct profile *p, enum table_by by, enum report_format fmt, char **out)
{
	size_t n = 0;
	FILE *f = open_memstream(out, &n);
	report_print(f, p, by, fmt, 0);
	fclose(f);
	return n;
}

int main(void)
{
	struct profile *p = profile_new();
	p->command = strdup("./prog\x1b[2J");
	p->started_at = strdup("2026\x1b]0;x\x07");
	p->ended_at = strdup("\x9b" "2J");
	uint32_t file = profile_file(p, evil_path, true);
	uint32_t fr = profile_frame(p, evil_name, file, file, 3, 1, "/bin/prog", 0);
	uint32_t st = profile_stack(p, &fr, 1, 0);
	uint32_t th = profile_thread_add(p, 1, 1, "t");
	for (int i = 0; i < 10; i++)
		profile_add_sample(p, (uint64_t)i * 1000, th, st);
	profile_update(p);

	char *out;
	size_t n = report(p, TABLE_FUNCTION, FORMAT_JSON, &out);
	CHECK(valid_utf8((unsigned char *)out, n));
	CHECK(clean((unsigned char *)out, n, false));
	CHECK_EQ(count(out, n, '\n'), 1);
	CHECK(strstr(out, "\\u001b]0;pwned\\u0007") != NULL);
	CHECK(strstr(out, "\\u009b1m\\ttab\\nnl") || strstr(out, "\\u009b1m\\u0009tab\\u000anl"));
	CHECK(strstr(out, "/src/\\ufffdx\\ufffd") != NULL);
	CHECK(strstr(out, "caf\xc3\xa9.c") != NULL); /* valid UTF-8 is kept */
	if (!valid_utf8((unsigned char *)out, n) || !clean((unsigned char *)out, n, false))
		printf("  json: %s\n", out);
	free(out);

	for (int by = TABLE_FUNCTION; by <= TABLE_FILE; by++) {
		n = report(p, by, FORMAT_TSV, &out);
		CHECK(valid_utf8((unsigned char *)out, n));
		CHECK(clean((unsigned char *)out, n, true));
		/* a header and two rows, each with the header's columns */
		CHECK_EQ(count(out, n, '\n'), 3);
		CHECK_EQ(count(out, n, '\t'), 3 * count(out, strchr(out, '\n') - out, '\t'));
		if (!clean((unsigned char *)out, n, true))
			printf("  tsv: %s\n", out);
		free(out);
	}
	n = report(p, TABLE_FUNCTION, FORMAT_TEXT, &out);
	CHECK(valid_utf8((unsigned char *)out, n));
	CHECK(clean((unsigned char *)out, n, false));
	free(out);
	profile_free(p);
	return check_done("test-report");
}
