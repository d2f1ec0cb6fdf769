/* SPDX-License-Identifier: BSD-3-Clause */
/* Base64 (RFC 4648 §4) encoding and strict decoding. */
#include "lib/util/base64.h"

#include <stdbool.h>

#include "lib/util/errcode.h"

static const char b64_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of a base64 character, or -1. */
static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

int dz_base64_encode(char *dst, size_t dstcap, const uint8_t *src,
                     size_t srclen)
{
	size_t need = DZ_BASE64_ENCLEN(srclen);
	if (srclen > (SIZE_MAX / 4) - 3 || need >= dstcap || need > INT32_MAX) {
		return DZ_ESPACE;
	}
	size_t o = 0;
	for (size_t i = 0; i < srclen; i += 3) {
		size_t left = srclen - i;
		uint32_t v = (uint32_t)src[i] << 16;
		if (left > 1) {
			v |= (uint32_t)src[i + 1] << 8;
		}
		if (left > 2) {
			v |= src[i + 2];
		}
		dst[o++] = b64_alphabet[(v >> 18) & 63];
		dst[o++] = b64_alphabet[(v >> 12) & 63];
		dst[o++] = left > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
		dst[o++] = left > 2 ? b64_alphabet[v & 63] : '=';
	}
	dst[o] = '\0';
	return (int)o;
}

/* Decode one quad; returns octets produced (1..3) or DZ_ESYNTAX. */
static int decode_quad(const char *q, bool last, uint8_t out[3])
{
	int v[4];
	int pad = 0;
	for (int k = 0; k < 4; k++) {
		if (q[k] == '=') {
			/* RFC 4648 §3.2: padding only in the final quad, at its
			 * end. */
			if (!last || k < 2) {
				return DZ_ESYNTAX;
			}
			pad++;
			v[k] = 0;
			continue;
		}
		if (pad > 0) {
			return DZ_ESYNTAX;
		}
		v[k] = b64_value((unsigned char)q[k]);
		if (v[k] < 0) {
			return DZ_ESYNTAX;
		}
	}
	uint32_t w = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) |
	             ((uint32_t)v[2] << 6) | (uint32_t)v[3];
	/* RFC 4648 §3.5: reject non-zero pad bits so encodings are unique. */
	if ((pad == 2 && (w & 0xffff) != 0) || (pad == 1 && (w & 0xff) != 0)) {
		return DZ_ESYNTAX;
	}
	out[0] = (uint8_t)(w >> 16);
	out[1] = (uint8_t)(w >> 8);
	out[2] = (uint8_t)w;
	return 3 - pad;
}

int dz_base64_decode(uint8_t *dst, size_t dstcap, const char *src,
                     size_t srclen)
{
	if (srclen % 4 != 0 || srclen / 4 * 3 > INT32_MAX) {
		return DZ_ESYNTAX;
	}
	size_t o = 0;
	for (size_t i = 0; i < srclen; i += 4) {
		uint8_t buf[3];
		int n = decode_quad(src + i, i + 4 == srclen, buf);
		if (n < 0) {
			return n;
		}
		if (dstcap - o < (size_t)n) {
			return DZ_ESPACE;
		}
		for (int k = 0; k < n; k++) {
			dst[o++] = buf[k];
		}
	}
	return (int)o;
}
