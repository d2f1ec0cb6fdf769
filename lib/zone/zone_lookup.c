/* SPDX-License-Identifier: BSD-3-Clause */
/* Authoritative lookups: exact, empty non-terminal, cut, DNAME, wildcard, NXDOMAIN. */
#include "lib/zone/zone_internal.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"

const dz_node_t *dz_zone_node(const dz_zone_t *zone, const uint8_t *name)
{
	uint8_t key[DZ_NAME_MAXKEY];
	int klen = dz_name_to_key(key, name);
	if (klen < zone->okeylen || memcmp(key, zone->okey, zone->okeylen)) {
		return NULL; /* out of zone: the prefix search assumes in-zone */
	}
	return dz__tree_get(zone->root, zone->okeylen, key, (size_t)klen);
}

/*
 * Whether key names an existing name: it has a node (*node, else NULL) or
 * is an empty non-terminal. key(a) is a prefix of key(b) iff b is at or
 * below a, so a node below key is the first one after it in canonical
 * order: one search answers both.
 */
static bool key_exists(const dz_zone_t *zone, const uint8_t *key, size_t klen,
                       const dz_node_t **node)
{
	const dz_node_t *le, *gt;
	*node = NULL;
	dz__tree_near(zone->root, zone->okeylen, key, klen, &le, &gt);
	if (le != NULL && dz__key_cmp(dz__node_key(le), le->keylen, key,
	                              klen) == 0) {
		*node = le;
		return true;
	}
	return gt != NULL && gt->keylen > klen &&
	       memcmp(dz__node_key(gt), key, klen) == 0;
}

static bool key_is_ent(const dz_zone_t *zone, const uint8_t *key, size_t klen)
{
	const dz_node_t *node;
	if (klen < zone->okeylen || memcmp(key, zone->okey, zone->okeylen)) {
		return false;
	}
	return key_exists(zone, key, klen, &node) && node == NULL;
}

bool dz_zone_is_ent(const dz_zone_t *zone, const uint8_t *name)
{
	uint8_t key[DZ_NAME_MAXKEY];
	int klen = dz_name_to_key(key, name);
	return key_is_ent(zone, key, (size_t)klen);
}

/* Labels in a key prefix: each label ends with 0x00. */
static unsigned key_labels(const uint8_t *key, size_t len)
{
	unsigned n = 0;
	for (size_t i = 0; i < len; i++) {
		n += key[i] == 0;
	}
	return n;
}

/* Longest prefix of key ending at a label boundary shared with node n. */
static size_t common_labels(const uint8_t *key, size_t klen,
                            const dz_node_t *n)
{
	if (n == NULL) {
		return 0;
	}
	const uint8_t *nk = dz__node_key(n);
	size_t max = klen < n->keylen ? klen : n->keylen;
	size_t i = 0;
	while (i < max && key[i] == nk[i]) {
		i++;
	}
	while (i > 0 && key[i - 1] != 0) {
		i--;
	}
	return i;
}

typedef struct find_ctx {
	const dz_zone_t *zone;
	const uint8_t *qname;
	const uint8_t *qkey;
	size_t klen;
} find_ctx_t;

static void set_result(const find_ctx_t *f, dz_zone_result_t *res,
                       dz_zone_match_t match, const dz_node_t *node,
                       size_t enc_len, const dz_node_t *enc_node)
{
	/* The labels of qname below the encloser: none for most answers
	 * (enc_len == klen), so no count over the whole key. */
	unsigned below = key_labels(f->qkey + enc_len, f->klen - enc_len);
	*res = (dz_zone_result_t){.match = match, .node = node,
	                          .encloser = dz_name_skip(f->qname, below),
	                          .encloser_node = enc_node};
}

/*
 * RFC 1034 §4.3.2 step 3b and RFC 6672 §3.2: walk the ancestors of qname
 * from the apex down; the first cut (non-apex NS) or DNAME wins.
 */
static bool find_above(const find_ctx_t *f, dz_zone_result_t *res)
{
	const dz_zone_t *z = f->zone;
	if (z->apex != NULL && (z->apex->flags & DZ__NODE_DNAME)) {
		set_result(f, res, DZ_ZONE_DNAME, z->apex, z->okeylen, z->apex);
		return true;
	}
	if (z->ncuts == 0) {
		return false;
	}
	for (size_t i = z->okeylen; i + 1 < f->klen; i++) {
		if (f->qkey[i] != 0) {
			continue;
		}
		const dz_node_t *n = dz__tree_get(z->root, z->okeylen, f->qkey, i + 1);
		if (n == NULL) {
			continue;
		}
		if (n->flags & DZ__NODE_NS) {
			set_result(f, res, DZ_ZONE_DELEGATION, n, i + 1, n);
			return true;
		}
		if (n->flags & DZ__NODE_DNAME) {
			set_result(f, res, DZ_ZONE_DNAME, n, i + 1, n);
			return true;
		}
	}
	return false;
}

/* The node of the closest encloser (ce octets of the query key), or NULL
 * for an empty non-terminal. Mostly the apex or the predecessor of the
 * query name, which the caller already holds: no search then. */
static const dz_node_t *encloser_node(const find_ctx_t *f, const dz_node_t *le,
                                      size_t ce)
{
	if (ce == f->zone->okeylen) {
		return f->zone->apex;
	}
	if (le != NULL && le->keylen == ce &&
	    memcmp(dz__node_key(le), f->qkey, ce) == 0) {
		return le;
	}
	return dz__tree_get(f->zone->root, f->zone->okeylen, f->qkey, ce);
}

/* RFC 4592 §3.3.1: the source of synthesis is "*" below the closest
 * encloser; it exists if it has records or names below it. */
static void find_missing(const find_ctx_t *f, const dz_node_t *le,
                         const dz_node_t *gt, dz_zone_result_t *res)
{
	size_t ce = common_labels(f->qkey, f->klen, le);
	size_t c2 = common_labels(f->qkey, f->klen, gt);
	ce = c2 > ce ? c2 : ce;
	if (ce < f->zone->okeylen) {
		ce = f->zone->okeylen; /* no node at all: the apex encloses */
	}
	const dz_node_t *ce_node = encloser_node(f, le, ce);
	uint8_t wkey[DZ_NAME_MAXKEY + 2];
	memcpy(wkey, f->qkey, ce);
	wkey[ce] = '*';
	wkey[ce + 1] = 0;
	const dz_node_t *wc;
	if (key_exists(f->zone, wkey, ce + 2, &wc)) {
		set_result(f, res, DZ_ZONE_WILDCARD, wc, ce, ce_node);
	} else {
		set_result(f, res, DZ_ZONE_NXDOMAIN, NULL, ce, ce_node);
	}
}

int dz_zone_find(const dz_zone_t *zone, const uint8_t *qname,
                 dz_zone_result_t *res)
{
	if (zone == NULL || qname == NULL || res == NULL) {
		return DZ_EINVAL;
	}
	uint8_t qkey[DZ_NAME_MAXKEY];
	find_ctx_t f = {.zone = zone, .qname = qname, .qkey = qkey};
	f.klen = (size_t)dz_name_to_key(qkey, qname);
	if (f.klen < zone->okeylen ||
	    memcmp(qkey, zone->okey, zone->okeylen) != 0) {
		*res = (dz_zone_result_t){.match = DZ_ZONE_OUTZONE};
		return DZ_OK;
	}
	if (f.klen > zone->okeylen && find_above(&f, res)) {
		return DZ_OK;
	}
	const dz_node_t *le, *gt;
	dz__tree_near(zone->root, zone->okeylen, qkey, f.klen, &le, &gt);
	if (le != NULL && le->keylen == f.klen &&
	    memcmp(dz__node_key(le), qkey, f.klen) == 0) {
		bool cut = (le->flags & DZ__NODE_NS) && le != zone->apex;
		set_result(&f, res, cut ? DZ_ZONE_DELEGATION : DZ_ZONE_EXACT,
		           le, f.klen, le);
		return DZ_OK;
	}
	if (gt != NULL && gt->keylen > f.klen &&
	    memcmp(dz__node_key(gt), qkey, f.klen) == 0) {
		set_result(&f, res, DZ_ZONE_EMPTY, NULL, f.klen, NULL);
		return DZ_OK;
	}
	find_missing(&f, le, gt, res);
	return DZ_OK;
}
