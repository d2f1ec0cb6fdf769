/* SPDX-License-Identifier: BSD-3-Clause */
/* Fast rdata paths for the commonest zone-file records (A, AAAA, NS, CNAME, PTR, MX). */
#include <arpa/inet.h>
#include <string.h>

#include "lib/wire/rrtype.h"
#include "lib/zone/zonefile_internal.h"

/*
 * Each path accepts only the plain, unambiguous spelling and returns -1 for
 * anything else, so dz_rdata_from_tokens stays the single authority on what
 * is valid and on every error message; the paths only save its generic
 * machinery on the million-record zones.
 */

static int fast_a(const dz_token_t *t, uint8_t *out)
{
	const char *p = t->str, *end = t->str + t->len;
	for (int i = 0; i < 4; i++) {
		if (p == end || *p < '0' || *p > '9') {
			return -1;
		}
		unsigned v = 0;
		const char *start = p;
		while (p < end && *p >= '0' && *p <= '9' && p - start < 3) {
			v = v * 10 + (unsigned)(*p++ - '0');
		}
		/* No leading zeros: "010" is octal to some tools. */
		if (v > 255 || (p - start > 1 && *start == '0')) {
			return -1;
		}
		out[i] = (uint8_t)v;
		if (i < 3) {
			if (p == end || *p != '.') {
				return -1;
			}
			p++;
		}
	}
	return p == end ? 4 : -1;
}

static int fast_aaaa(const dz_token_t *t, uint8_t *out)
{
	char buf[INET6_ADDRSTRLEN];
	if (t->len >= sizeof(buf) || memchr(t->str, '.', t->len) != NULL) {
		return -1;
	}
	memcpy(buf, t->str, t->len);
	buf[t->len] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1 ? 16 : -1;
}

static int fast_name(const dz_token_t *t, const uint8_t *origin, uint8_t *out)
{
	if (t->quoted || memchr(t->str, '\\', t->len) != NULL) {
		return -1;
	}
	if (t->len == 1 && t->str[0] == '@') {
		return origin != NULL ? (int)dz_name_copy(out, origin) : -1;
	}
	if (origin == NULL && !dz__ztok_is_absolute(t->str, t->len)) {
		return -1;
	}
	int r = dz_name_from_str(out, t->str, t->len, origin);
	return r > 0 ? r : -1;
}

static int fast_mx(const dz_token_t *tok, const uint8_t *origin, uint8_t *out)
{
	const dz_token_t *t = &tok[0];
	if (t->quoted || t->len == 0 || t->len > 5) {
		return -1;
	}
	unsigned v = 0;
	for (size_t i = 0; i < t->len; i++) {
		if (t->str[i] < '0' || t->str[i] > '9') {
			return -1;
		}
		v = v * 10 + (unsigned)(t->str[i] - '0');
	}
	if (v > 65535) {
		return -1;
	}
	out[0] = (uint8_t)(v >> 8);
	out[1] = (uint8_t)v;
	int r = fast_name(&tok[1], origin, out + 2);
	return r > 0 ? r + 2 : -1;
}

int dz__zfast_rdata(uint16_t type, const dz_token_t *tok, size_t ntok,
                    const uint8_t *origin, uint8_t *out)
{
	switch (type) {
	case DZ_RR_A:
		return ntok == 1 && !tok[0].quoted ? fast_a(&tok[0], out) : -1;
	case DZ_RR_AAAA:
		return ntok == 1 && !tok[0].quoted ? fast_aaaa(&tok[0], out) : -1;
	case DZ_RR_NS:
	case DZ_RR_CNAME:
	case DZ_RR_PTR:
		return ntok == 1 ? fast_name(&tok[0], origin, out) : -1;
	case DZ_RR_MX:
		return ntok == 2 ? fast_mx(tok, origin, out) : -1;
	default:
		return -1;
	}
}
