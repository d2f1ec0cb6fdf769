/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone store internals shared by lib/zone/zone_*.c: node, tree and version layouts. */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/wire/name.h"
#include "lib/zone/zone.h"

/*
 * A node is ONE allocation: this header, the RRset table (ascending type),
 * the lookup key (dz_name_to_key), the owner name, then every RRset's
 * records packed as [u16 length][rdata]. No per-record allocation.
 */
struct dz_node {
	_Atomic uint32_t refs; /* one per tree leaf slot referencing it */
	uint16_t keylen;
	uint16_t nrrsets;
	uint8_t namelen;
	uint8_t flags; /* DZ__NODE_* */
	uint16_t pad;
};

enum {
	DZ__NODE_NS = 1u << 0,
	DZ__NODE_DNAME = 1u << 1,
	DZ__NODE_CNAME = 1u << 2,
};

typedef struct dz__node_rrset {
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	uint32_t off; /* of the packed records, from the node's start */
} dz__node_rrset_t;

/* One record handed to dz__node_new. */
typedef struct dz__rec {
	const uint8_t *rdata;
	uint32_t ttl;
	uint16_t type;
	uint16_t rdlen;
	uint32_t seq; /* input order (set by dz__recs_sort) */
} dz__rec_t;

static inline const dz__node_rrset_t *dz__node_sets(const dz_node_t *n)
{
	return (const dz__node_rrset_t *)(n + 1);
}

static inline const uint8_t *dz__node_key(const dz_node_t *n)
{
	return (const uint8_t *)(dz__node_sets(n) + n->nrrsets);
}

/* Big-endian key octets [skip, skip + 8), zero padded: ordered like the keys
 * of one zone (a tie needs the full compare). On every search path: one
 * copy of at most 8 octets, not a loop over them. */
static inline uint64_t dz__key_pfx(const uint8_t *key, size_t klen,
                                   size_t skip)
{
	uint8_t o[8] = {0};
	if (klen > skip) {
		memcpy(o, key + skip, klen - skip < 8 ? klen - skip : 8);
	}
	return (uint64_t)o[0] << 56 | (uint64_t)o[1] << 48 |
	       (uint64_t)o[2] << 40 | (uint64_t)o[3] << 32 |
	       (uint64_t)o[4] << 24 | (uint64_t)o[5] << 16 |
	       (uint64_t)o[6] << 8 | (uint64_t)o[7];
}

/* Memcmp order of keys = canonical name order. */
static inline int dz__key_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
                              size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0) {
		return c;
	}
	return (alen > blen) - (alen < blen);
}

/*
 * Build a node from records sorted by (type, canonical rdata) without
 * duplicates; each RRset takes the TTL of its first record. \p n >= 1.
 */
int dz__node_new(const uint8_t *name, const uint8_t *key, size_t keylen,
                 const dz__rec_t *recs, size_t n, dz_node_t **out);
void dz__node_unref(const dz_node_t *n);
void dz__node_ref(const dz_node_t *n);
size_t dz__node_bytes(const dz_node_t *n);
size_t dz__node_records(const dz_node_t *n);
/* Sort records by (type, canonical rdata) and drop duplicates in place;
 * returns the new count. */
size_t dz__recs_sort(dz__rec_t *recs, size_t n);

/* --- B+tree ------------------------------------------------------------ */

/* 32 keeps a copied path (height ~4 for 1M names) near 2 KiB while a
 * lookup still needs only ~5 key compares per level. */
#define DZ__FANOUT 32
/* Prefixes per group: one 64-octet cache line of pfx[]. */
#define DZ__GROUP 8
#define DZ__NGROUPS (DZ__FANOUT / DZ__GROUP)

/*
 * A tree block. Height 1 = leaf: slot[] holds nodes. Higher: slot[] holds
 * child blocks and min[i] the smallest node below slot[i] (the separator).
 * Blocks are shared between versions; gen tells which version created one,
 * so a transaction mutates its own fresh blocks in place.
 *
 * Layout for the search (blocks are 64-octet aligned): the first cache
 * line holds the header and sep[], the last prefix of each group; a search
 * reads it, then the one line of pfx[] its group spans, then slot[]: three
 * lines a level instead of every line of pfx[].
 */
typedef struct dz__blk {
	_Atomic uint32_t refs;
	uint32_t gen;
	uint16_t n;
	uint8_t height;
	/* sep[j] = pfx[j * DZ__GROUP + DZ__GROUP - 1] (kept by zone_tree.c). */
	uint64_t sep[DZ__NGROUPS];
	/* Key octets [skip, skip + 8) of each slot's (smallest) node, big
	 * endian: most search steps compare these and never touch a node.
	 * skip is the origin's key length, which every key in a zone shares.
	 * Unused entries (from n on) hold UINT64_MAX, so the search needs
	 * no bound: no prefix is below UINT64_MAX. */
	_Alignas(64) uint64_t pfx[DZ__FANOUT];
	void *slot[DZ__FANOUT];
} dz__blk_t;

typedef struct dz__iblk {
	dz__blk_t b;
	const dz_node_t *min[DZ__FANOUT];
} dz__iblk_t;

static inline const dz_node_t **dz__blk_mins(dz__blk_t *b)
{
	return ((dz__iblk_t *)b)->min;
}

static inline size_t dz__blk_size(const dz__blk_t *b)
{
	return b->height == 1 ? sizeof(dz__blk_t) : sizeof(dz__iblk_t);
}

void dz__blk_unref(dz__blk_t *b);
const dz_node_t *dz__blk_min(dz__blk_t *b);

/* Exact lookup by key. */
const dz_node_t *dz__tree_get(dz__blk_t *root, size_t skip,
                              const uint8_t *key, size_t klen);
/* Greatest node with key <= key and smallest with key > key (either NULL). */
void dz__tree_near(dz__blk_t *root, size_t skip, const uint8_t *key,
                   size_t klen, const dz_node_t **le, const dz_node_t **gt);
/* Bottom-up build over sorted nodes (takes their references). */
int dz__tree_build(dz_node_t **nodes, size_t n, uint32_t gen, size_t skip,
                   dz__blk_t **root, size_t *bytes);

/* A path-copying transaction on one new version's tree. */
typedef struct dz__tree_tx {
	dz__blk_t *root;
	uint32_t gen;
	size_t skip;
	size_t bytes_new;  /* blocks allocated */
	size_t bytes_freed; /* blocks replaced by copies (still owned elsewhere) */
} dz__tree_tx_t;

/* Insert, replace (takes the reference of \p node) or delete (node NULL)
 * the entry with \p key. */
int dz__tree_set(dz__tree_tx_t *tx, const uint8_t *key, size_t klen,
                 dz_node_t *node);

/* --- versions ---------------------------------------------------------- */

struct dz_zone {
	_Atomic uint32_t refs;
	uint32_t gen;
	dz__blk_t *root;
	const dz_node_t *apex;
	dz_zone_stats_t st;
	size_t ncuts; /* non-apex nodes with NS or DNAME (0: skip the walk) */
	uint16_t okeylen;
	uint8_t origin[DZ_NAME_MAXLEN];
	uint8_t okey[DZ_NAME_MAXKEY];
};

/* A fresh version with origin and no tree. */
int dz__zone_alloc(const uint8_t *origin, dz_zone_t **out);
/* Recompute apex pointer and height after the tree changed. */
void dz__zone_refresh(dz_zone_t *z);
/* Node counters as they enter/leave a version. */
void dz__zone_count(dz_zone_t *z, const dz_node_t *n, int sign);
