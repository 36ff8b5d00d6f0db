/*
 * utf8 - validation and encoding of UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF).
 */
#ifndef FERRY_UTF8_H
#define FERRY_UTF8_H

#include <stddef.h>

/* 1 if s[0..len) is valid UTF-8, else 0.  NUL bytes are valid. */
int utf8_valid(const char *s, size_t len);

/* Offset of the first invalid byte in s[0..len), or len when valid. */
size_t utf8_invalid_at(const char *s, size_t len);

/* Characters (code points) in s[0..len), which is valid UTF-8: the
 * bytes that do not continue a sequence. */
size_t utf8_chars(const char *s, size_t len);

/* The length of the longest prefix of s[0..len) of at most max bytes
 * that does not end inside a character: len itself when len <= max. */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* Encode code point cp (<= 0x10FFFF, not a surrogate) into out; returns
 * the number of bytes (1 to 4). */
size_t utf8_encode(unsigned cp, char out[4]);

#endif
