/* SPDX-License-Identifier: BSD-3-Clause */
/* Name compression while rendering: point to the longest suffix already written (RFC 1035 §4.1.4). */
#include "lib/wire/compr.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"

/* A pointer holds 14 bits of offset (RFC 1035 §4.1.4). */
#define PTR_LIMIT 0x4000

void dz_compr_init(dz_compr_t *c, const uint8_t *pkt)
{
	c->pkt = pkt;
	c->count = 0;
}

static inline uint8_t lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + ('a' - 'A')) : b;
}

/*
 * Does the name written at pkt[off] equal the wire name \p suf?
 *
 * The bytes at \p off are our own output (every target was remembered by
 * dz_compr_put_name), so pointers in them only go backwards; the hop count
 * bound is a guard against a corrupted table, not against hostile input.
 *
 * Labels compare case-insensitively, as BIND and Knot do: a later name is
 * then shown to the client with the case of the first occurrence, which DNS
 * allows (RFC 4343 §3: case is preserved "where possible", and names compare
 * equal regardless of case).
 */
static bool match_at(const uint8_t *pkt, size_t off, const uint8_t *suf)
{
	unsigned hops = 0;

	for (;;) {
		uint8_t len = pkt[off];
		if ((len & 0xC0) == 0xC0) {
			if (++hops > DZ_NAME_MAXLABELS) {
				return false;
			}
			off = ((size_t)(len & 0x3F) << 8) | pkt[off + 1];
			continue;
		}
		if (len != suf[0]) {
			return false;
		}
		if (len == 0) {
			return true;
		}
		for (size_t i = 1; i <= len; i++) {
			if (lower(pkt[off + i]) != lower(suf[i])) {
				return false;
			}
		}
		off += (size_t)len + 1;
		suf += (size_t)len + 1;
	}
}

/* Offset of an earlier name equal to \p suf, or -1. */
static int find_target(const dz_compr_t *c, const uint8_t *pkt,
                       const uint8_t *suf)
{
	for (uint16_t i = 0; i < c->count; i++) {
		if (match_at(pkt, c->offset[i], suf)) {
			return c->offset[i];
		}
	}
	return -1;
}

/*
 * Split \p name into the literal prefix (its length in *prefix) and the
 * longest suffix already in the message (its offset in *target, -1 if
 * none). The root label alone is never pointed to: a pointer is 2 octets.
 */
static void best_match(const dz_compr_t *c, const uint8_t *pkt,
                       const uint8_t *name, size_t *prefix, int *target)
{
	size_t off = 0;

	while (name[off] != 0) {
		int t = find_target(c, pkt, name + off);
		if (t >= 0) {
			*prefix = off;
			*target = t;
			return;
		}
		off += (size_t)name[off] + 1;
	}
	*prefix = off;
	*target = -1;
}

/* Remember each label of the literal part written at pkt[pos]. */
static void remember(dz_compr_t *c, const uint8_t *name, size_t prefix,
                     size_t pos)
{
	for (size_t off = 0; off < prefix; off += (size_t)name[off] + 1) {
		if (c->count >= DZ_COMPR_MAX || pos + off >= PTR_LIMIT) {
			return;
		}
		c->offset[c->count++] = (uint16_t)(pos + off);
	}
}

static size_t wire_len(const uint8_t *name)
{
	size_t off = 0;

	while (name[off] != 0) {
		off += (size_t)name[off] + 1;
	}
	return off + 1;
}

int dz_compr_put_name(dz_compr_t *c, uint8_t *pkt, size_t cap, size_t pos,
                      const uint8_t *name, bool compress)
{
	size_t prefix;
	int target = -1;
	bool use = compress && c != NULL;

	if (use) {
		best_match(c, pkt, name, &prefix, &target);
	} else {
		prefix = wire_len(name) - 1;
	}
	size_t need = prefix + (target >= 0 ? 2 : 1);
	if (pos > cap || cap - pos < need) {
		return DZ_ESPACE;
	}
	memcpy(pkt + pos, name, prefix);
	if (target >= 0) {
		pkt[pos + prefix] = (uint8_t)(0xC0 | (target >> 8));
		pkt[pos + prefix + 1] = (uint8_t)(target & 0xFF);
	} else {
		pkt[pos + prefix] = 0;
	}
	/* Names that may not be compressed (RFC 3597 §4) are not targets
	 * either, so nothing ever points into rdata a middlebox may rewrite. */
	if (use) {
		remember(c, name, prefix, pos);
	}
	return (int)need;
}
