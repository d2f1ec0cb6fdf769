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
	c->linked = 0;
	memset(c->used, 0, sizeof(c->used));
}

/* The chain head of bucket \p b (0: empty), valid or not yet touched. */
static inline uint16_t bucket_head(const dz_compr_t *c, unsigned b)
{
	return (c->used[b / 64] >> (b % 64)) & 1 ? c->head[b] : 0;
}

/* The chain head of bucket \p b for writing: initialised on first use. */
static inline uint16_t *bucket_ref(dz_compr_t *c, unsigned b)
{
	uint64_t bit = (uint64_t)1 << (b % 64);
	if ((c->used[b / 64] & bit) == 0) {
		c->used[b / 64] |= bit;
		c->head[b] = 0;
	}
	return &c->head[b];
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
			/* Mostly the same case: fold only on a difference. */
			uint8_t a = pkt[off + i], b = suf[i];
			if (a != b && lower(a) != lower(b)) {
				return false;
			}
		}
		off += (size_t)len + 1;
		suf += (size_t)len + 1;
	}
}

/*
 * Unlink the targets dropped by a rollback (count lowered by the caller).
 * Chains are last-in first-out and targets leave newest first, so each one
 * is the head of its bucket when it goes.
 */
static void sync_chains(dz_compr_t *c)
{
	while (c->linked > c->count) {
		uint16_t i = --c->linked;
		*bucket_ref(c, c->hash[i] & (DZ_COMPR_BUCKETS - 1)) = c->next[i];
	}
}

#define ONES 0x0101010101010101ull
#define HIGH (ONES * 0x80)

/* Eight octets with ASCII A-Z folded to lower case, all at once: a byte
 * is upper case when its low 7 bits are >= 'A' and not > 'Z' and its top
 * bit is clear (no addition carries across bytes: x <= 0x7F). */
static uint64_t lower8(uint64_t w)
{
	uint64_t x = w & ~HIGH;
	uint64_t ge_a = x + ONES * (0x80 - 'A');
	uint64_t gt_z = x + ONES * (0x80 - 'Z' - 1);
	return w | ((ge_a & ~gt_z & ~w & HIGH) >> 2);
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

/* Hash of the label (length octet included) folded to lower case, chained
 * onto the hash of the rest of the name, so equal names hash equal in any
 * case. Eight octets per step; the length octet (< 64) never changes. */
static uint64_t hash_label(uint64_t h, const uint8_t *label)
{
	size_t n = (size_t)label[0] + 1;
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, label + i, 8);
		h = mix(h, lower8(w));
	}
	if (i < n) {
		w = 0;
		for (size_t k = 0; i + k < n; k++) {
			w |= (uint64_t)label[i + k] << (8 * k);
		}
		h = mix(h, lower8(w));
	}
	return h;
}

static uint16_t fold(uint64_t h)
{
	return (uint16_t)(h >> 48);
}

/* Offset of an earlier name equal to \p suf (of hash \p h), or -1. */
static int find_target(const dz_compr_t *c, const uint8_t *pkt,
                       const uint8_t *suf, uint16_t h)
{
	/* Links only ever point to older targets, so the walk ends. */
	uint16_t i = bucket_head(c, h & (DZ_COMPR_BUCKETS - 1));
	while (i != 0) {
		i--;
		if (c->hash[i] == h && match_at(pkt, c->offset[i], suf)) {
			return c->offset[i];
		}
		i = c->next[i];
	}
	return -1;
}

/* The labels of a name: where each starts, the name's wire length and
 * (in hashed mode only) the hash of the suffix starting at each label. */
typedef struct labels {
	unsigned n;
	size_t len;
	/* 16 bits like hash[] (and dz_compr_t's len like offset): with two
	 * element sizes in one loop gcc 12 addressed one array from a null
	 * base, and then dropped calls to hash_suffixes() as having no effect
	 * (compr_hash_collisions_still_compare_names failed at -O1 and up). */
	uint16_t off[DZ_NAME_MAXLABELS];
	uint16_t hash[DZ_NAME_MAXLABELS];
} labels_t;

/* Split \p name (trusted: our own wire form) into labels. */
static void split(const uint8_t *name, labels_t *l)
{
	size_t off = 0;

	l->n = 0;
	while (name[off] != 0 && l->n < DZ_NAME_MAXLABELS &&
	       off < DZ_NAME_MAXLEN) {
		l->off[l->n++] = (uint16_t)off;
		off += (size_t)name[off] + 1;
	}
	l->len = off + 1;
}

/* Hash every suffix of \p name, from the root up. */
static void hash_suffixes(const uint8_t *name, labels_t *l)
{
	uint64_t h = 0;

	for (unsigned k = l->n; k > 0; k--) {
		h = hash_label(h, name + l->off[k - 1]);
		l->hash[k - 1] = fold(h);
	}
}

/* Copy the name written at pkt[off] (our own output, so pointers only go
 * backwards) into \p out, uncompressed; a corrupted table gives a
 * truncated name, which match_at() then never confirms. */
static void name_at(const uint8_t *pkt, size_t off, uint8_t *out)
{
	size_t w = 0;
	unsigned hops = 0;

	for (;;) {
		uint8_t len = pkt[off];
		if ((len & 0xC0) == 0xC0) {
			if (++hops > DZ_NAME_MAXLABELS) {
				break;
			}
			off = ((size_t)(len & 0x3F) << 8) | pkt[off + 1];
			continue;
		}
		if (len == 0 || w + len + 1 >= DZ_NAME_MAXLEN) {
			break;
		}
		memcpy(out + w, pkt + off, (size_t)len + 1);
		w += (size_t)len + 1;
		off += (size_t)len + 1;
	}
	out[w] = 0;
}

static void link_target(dz_compr_t *c, uint16_t i, uint16_t hash)
{
	uint16_t *head = bucket_ref(c, hash & (DZ_COMPR_BUCKETS - 1));
	c->hash[i] = hash;
	c->next[i] = *head;
	*head = (uint16_t)(i + 1);
}

/* Entering hashed mode: link the targets remembered while the table was
 * scanned (their hashes were never computed), reading them back from the
 * message. Once per message at most, unless a rollback goes below the
 * switch-over and the message grows past it again. */
static void link_pending(dz_compr_t *c, const uint8_t *pkt)
{
	uint8_t name[DZ_NAME_MAXLEN];
	labels_t l;

	while (c->linked < c->count) {
		name_at(pkt, c->offset[c->linked], name);
		split(name, &l);
		hash_suffixes(name, &l);
		link_target(c, c->linked, l.n > 0 ? l.hash[0] : fold(0));
		c->linked++;
	}
}

/* Offset of an earlier name equal to \p suf (of wire length \p len) by
 * scanning every target, newest first as the chains are; -1 if none. */
static int scan_targets(const dz_compr_t *c, const uint8_t *pkt,
                        const uint8_t *suf, size_t len)
{
	for (unsigned i = c->count; i-- > 0;) {
		if (c->len[i] == len && match_at(pkt, c->offset[i], suf)) {
			return c->offset[i];
		}
	}
	return -1;
}

/*
 * The longest suffix of \p name already in the message: its label index in
 * *first (l->n if none; the literal prefix is the labels before it) and
 * its offset in *target (-1 if none). The root label alone is never pointed
 * to: a pointer is 2 octets.
 */
static void best_match(const dz_compr_t *c, const uint8_t *pkt,
                       const uint8_t *name, const labels_t *l, bool hashed,
                       unsigned *first, int *target)
{
	for (unsigned k = 0; k < l->n; k++) {
		const uint8_t *suf = name + l->off[k];
		int t = hashed ? find_target(c, pkt, suf, l->hash[k])
		               : scan_targets(c, pkt, suf, l->len - l->off[k]);
		if (t >= 0) {
			*first = k;
			*target = t;
			return;
		}
	}
	*first = l->n;
	*target = -1;
}

/* Remember the first \p upto labels of the name written at pkt[pos]; in
 * hashed mode also link them (every older target is linked then). */
static void remember(dz_compr_t *c, const labels_t *l, unsigned upto,
                     size_t pos, bool hashed)
{
	for (unsigned k = 0; k < upto; k++) {
		size_t at = pos + l->off[k];
		if (c->count >= DZ_COMPR_MAX || at >= PTR_LIMIT) {
			return;
		}
		uint16_t i = c->count++;
		c->offset[i] = (uint16_t)at;
		c->len[i] = (uint16_t)(l->len - l->off[k]);
		if (hashed) {
			link_target(c, i, l->hash[k]);
			c->linked = c->count;
		}
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

/* Length of the literal part: the labels before \p first. */
static size_t prefix_len(const labels_t *l, unsigned first)
{
	return first < l->n ? l->off[first] : l->len - 1;
}

/* Find the longest earlier suffix of \p name: *first and *target as
 * best_match(), *hashed the mode used (which remember() must follow). */
static void lookup(dz_compr_t *c, const uint8_t *pkt, const uint8_t *name,
                   labels_t *l, unsigned *first, int *target, bool *hashed)
{
	sync_chains(c);
	split(name, l);
	*hashed = c->count > DZ_COMPR_LINEAR;
	if (*hashed) {
		link_pending(c, pkt);
		hash_suffixes(name, l);
	}
	best_match(c, pkt, name, l, *hashed, first, target);
}

int dz_compr_put_name(dz_compr_t *c, uint8_t *pkt, size_t cap, size_t pos,
                      const uint8_t *name, bool compress)
{
	labels_t l;
	size_t prefix;
	unsigned first = 0;
	int target = -1;
	bool use = compress && c != NULL, hashed = false;

	if (use) {
		lookup(c, pkt, name, &l, &first, &target, &hashed);
		prefix = prefix_len(&l, first);
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
		remember(c, &l, first, pos, hashed);
	}
	return (int)need;
}
