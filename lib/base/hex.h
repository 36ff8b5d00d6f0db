/*
 * hex - the value of one hexadecimal digit; shared by the JSON parser, the
 * text forms of bytes and uuids, and digests.
 */
#ifndef FERRY_HEX_H
#define FERRY_HEX_H

/* 0 to 15 for 0-9, a-f, A-F; -1 for anything else. */
static inline int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
