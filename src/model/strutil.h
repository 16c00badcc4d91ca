/* strutil.h — small string helpers shared by the engine and the views. */
#ifndef CPROF_STRUTIL_H
#define CPROF_STRUTIL_H
#include <stddef.h>
#include <stdint.h>

/* Copy src into dst (size n) with control characters and invalid UTF-8
 * escaped (\n, \t, \x1b, ...), so a hostile name cannot drive the terminal.
 * Always NUL-terminates; returns dst. */
char *str_escape(char *dst, size_t n, const char *src);
/* str_escape of all of src into a new string (malloc'd, the caller frees it). */
char *str_escape_dup(const char *src);
/* The length (1 to 4) of the valid UTF-8 sequence that starts s (not at its
 * end), 0 when it is invalid: a stray byte, a truncated sequence, an
 * overlong form, a UTF-16 surrogate, a code point past U+10FFFF. */
size_t str_utf8_len(const char *s);
/* Current time as ISO 8601 UTC ("2026-11-25T18:41:18Z") into buf (>= 21 bytes). */
char *str_iso8601_now(char *buf, size_t n);
/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);
/* Bytes as people read them: "512B", "12.3K", "4.0M", "1.2G" (powers of
 * 1024) into buf; returns buf. */
char *str_bytes(char *buf, size_t n, uint64_t bytes);
/* Last path component. */
const char *str_basename(const char *path);
/* Lexically normalise a path in place: "a/./b" -> "a/b", "a/x/../b" -> "a/b". */
char *str_normalize_path(char *path);

#endif
