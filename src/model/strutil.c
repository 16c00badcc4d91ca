#include "config.h"
#include "model/strutil.h"
#include "model/xalloc.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

size_t str_utf8_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;
	if (s[0] < 0x80)
		return 1;
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, UTF-16 surrogates, past U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

char *str_escape(char *dst, size_t n, const char *src)
{
	const unsigned char *s = (const unsigned char *)(src ? src : "");
	size_t o = 0;
	if (!n)
		return dst;
	while (*s && o + 1 < n) {
		char esc[8];
		size_t len = str_utf8_len((const char *)s);
		if (len == 1 && *s >= 0x20 && *s != 0x7f) {
			dst[o++] = (char)*s++;
			continue;
		}
		if (len > 1) {
			/* C1 controls (U+0080..U+009F) are escaped too */
			if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
				snprintf(esc, sizeof(esc), "\\u%04x", s[1]);
			else if (o + len < n) {
				memcpy(dst + o, s, len);
				o += len;
				s += len;
				continue;
			} else
				break;
			len = 2;
		} else {
			switch (*s) {
			case '\n': strcpy(esc, "\\n"); break;
			case '\t': strcpy(esc, "\\t"); break;
			case '\r': strcpy(esc, "\\r"); break;
			default: snprintf(esc, sizeof(esc), "\\x%02x", *s); break;
			}
			len = 1;
		}
		size_t el = strlen(esc);
		if (o + el >= n)
			break;
		memcpy(dst + o, esc, el);
		o += el;
		s += len;
	}
	dst[o] = '\0';
	return dst;
}

char *str_escape_dup(const char *src)
{
	size_t n = strlen(src ? src : "") * 4 + 1; /* at worst a byte becomes "\xNN" */
	return str_escape(xmalloc(n), n, src);
}

char *str_iso8601_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

char *str_bytes(char *buf, size_t n, uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	double v = (double)bytes;
	int u = -1;
	while (v >= 1024 && u < (int)sizeof(units) - 2) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, n, "%lluB", (unsigned long long)bytes);
	else
		snprintf(buf, n, v < 99.95 ? "%.1f%c" : "%.0f%c", v, units[u]);
	return buf;
}

const char *str_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Does out[start, o) end with a ".." component? */
static int ends_with_dotdot(const char *out, size_t start, size_t o)
{
	return o - start >= 2 && out[o - 1] == '.' && out[o - 2] == '.' &&
	       (o - start == 2 || out[o - 3] == '/');
}

char *str_normalize_path(char *path)
{
	char *out = path, *in = path;
	int absolute = *in == '/';
	size_t start = absolute ? 1 : 0, o = start;
	in += start;
	while (*in) {
		char *end = strchr(in, '/');
		size_t len = end ? (size_t)(end - in) : strlen(in);
		if (len == 0 || (len == 1 && in[0] == '.')) {
			/* skip empty and "." components */
		} else if (len == 2 && in[0] == '.' && in[1] == '.' &&
			   (absolute || (o > start && !ends_with_dotdot(out, start, o)))) {
			/* drop the previous component ("/.." is "/") */
			while (o > start && out[o - 1] != '/')
				o--;
			if (o > start)
				o--;
		} else {
			if (o > start)
				out[o++] = '/';
			memmove(out + o, in, len);
			o += len;
		}
		in += len;
		if (*in == '/')
			in++;
	}
	if (o == 0 && !absolute)
		out[o++] = '.';
	out[o] = '\0';
	return path;
}
