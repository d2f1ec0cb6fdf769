/* SPDX-License-Identifier: BSD-3-Clause */
/* Base16 (RFC 4648 §8) encoding and strict decoding. */
#include "lib/util/hex.h"

#include "lib/util/errcode.h"

int dz_hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

int dz_hex_encode(char *dst, size_t dstcap, const uint8_t *src, size_t srclen)
{
	static const char digits[] = "0123456789ABCDEF";
	if (dstcap == 0 || srclen > (dstcap - 1) / 2 ||
	    srclen > INT32_MAX / 2) {
		return DZ_ESPACE;
	}
	for (size_t i = 0; i < srclen; i++) {
		dst[2 * i] = digits[src[i] >> 4];
		dst[2 * i + 1] = digits[src[i] & 15];
	}
	dst[2 * srclen] = '\0';
	return (int)(2 * srclen);
}

int dz_hex_decode(uint8_t *dst, size_t dstcap, const char *src, size_t srclen)
{
	if (srclen % 2 != 0 || srclen / 2 > INT32_MAX) {
		return DZ_ESYNTAX;
	}
	size_t n = srclen / 2;
	for (size_t i = 0; i < n; i++) {
		int hi = dz_hex_digit(src[2 * i]);
		int lo = dz_hex_digit(src[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			return DZ_ESYNTAX;
		}
		if (i >= dstcap) {
			return DZ_ESPACE;
		}
		dst[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)n;
}
