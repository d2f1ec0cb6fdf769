/* SPDX-License-Identifier: BSD-3-Clause */
/* Base32 with the extended hex alphabet (RFC 4648 §7), unpadded as NSEC3 uses
 * it. */
#include "lib/util/base32hex.h"

#include "lib/util/errcode.h"

static int b32_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'A' && c <= 'V') {
		return c - 'A' + 10;
	}
	if (c >= 'a' && c <= 'v') {
		return c - 'a' + 10;
	}
	return -1;
}

int dz_base32hex_encode(char *dst, size_t dstcap, const uint8_t *src,
                        size_t srclen)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	if (srclen > INT32_MAX / 2 || DZ_BASE32HEX_ENCLEN(srclen) >= dstcap) {
		return DZ_ESPACE;
	}
	size_t o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < srclen; i++) {
		acc = (acc << 8) | src[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			dst[o++] = alphabet[(acc >> bits) & 31];
		}
	}
	if (bits > 0) {
		dst[o++] = alphabet[(acc << (5 - bits)) & 31];
	}
	dst[o] = '\0';
	return (int)o;
}

int dz_base32hex_decode(uint8_t *dst, size_t dstcap, const char *src,
                        size_t srclen)
{
	/* Unpadded lengths mod 8 of 1, 3 or 6 cannot be produced (RFC 4648 §6).
	 */
	size_t rem = srclen % 8;
	if (rem == 1 || rem == 3 || rem == 6 || srclen > INT32_MAX) {
		return DZ_ESYNTAX;
	}
	size_t o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < srclen; i++) {
		int v = b32_value(src[i]);
		if (v < 0) {
			return DZ_ESYNTAX;
		}
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o >= dstcap) {
				return DZ_ESPACE;
			}
			dst[o++] = (uint8_t)(acc >> bits);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0) {
		return DZ_ESYNTAX;
	}
	return (int)o;
}
