/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone nodes: one packed allocation per owner name with its RRsets and rdata. */
#include "lib/zone/zone_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

static int rec_cmp(const void *pa, const void *pb)
{
	const dz__rec_t *a = pa;
	const dz__rec_t *b = pb;
	if (a->type != b->type) {
		return a->type < b->type ? -1 : 1;
	}
	return dz_rdata_cmp(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen);
}

static int rec_cmp_seq(const void *pa, const void *pb)
{
	int c = rec_cmp(pa, pb);
	if (c != 0) {
		return c;
	}
	const dz__rec_t *a = pa;
	const dz__rec_t *b = pb;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

size_t dz__recs_sort(dz__rec_t *recs, size_t n)
{
	if (n == 0) {
		return 0;
	}
	/* The first record of an RRset in input order decides its TTL, so the
	 * sort is made stable with the input position as last key. */
	for (size_t i = 0; i < n; i++) {
		recs[i].seq = (uint32_t)i;
	}
	qsort(recs, n, sizeof(*recs), rec_cmp_seq);
	size_t out = 1;
	for (size_t i = 1; i < n; i++) {
		if (rec_cmp(&recs[out - 1], &recs[i]) != 0) {
			recs[out++] = recs[i];
		}
	}
	/* Propagate the earliest TTL of each type to its whole RRset. */
	size_t start = 0;
	for (size_t i = 1; i <= out; i++) {
		if (i == out || recs[i].type != recs[start].type) {
			size_t first = start;
			for (size_t j = start; j < i; j++) {
				if (recs[j].seq < recs[first].seq) {
					first = j;
				}
			}
			recs[start].ttl = recs[first].ttl;
			start = i;
		}
	}
	return out;
}

static size_t count_sets(const dz__rec_t *recs, size_t n)
{
	size_t sets = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || recs[i].type != recs[i - 1].type) {
			sets++;
		}
	}
	return sets;
}

static uint8_t type_flag(uint16_t type)
{
	switch (type) {
	case DZ_RR_NS: return DZ__NODE_NS;
	case DZ_RR_DNAME: return DZ__NODE_DNAME;
	case DZ_RR_CNAME: return DZ__NODE_CNAME;
	default: return 0;
	}
}

/* Write the RRset table and the packed records after the header. */
static void node_fill(dz_node_t *node, size_t data_off, const dz__rec_t *recs,
                      size_t n)
{
	dz__node_rrset_t *sets = (dz__node_rrset_t *)(node + 1);
	uint8_t *base = (uint8_t *)node;
	size_t pos = data_off;
	int s = -1;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || recs[i].type != recs[i - 1].type) {
			s++;
			sets[s] = (dz__node_rrset_t){.type = recs[i].type,
			                             .ttl = recs[i].ttl,
			                             .off = (uint32_t)pos};
			node->flags |= type_flag(recs[i].type);
		}
		/* An RRset is capped at 65535 records by the u16 count; the
		 * message size limit makes anything close useless anyway. */
		sets[s].count++;
		memcpy(base + pos, &recs[i].rdlen, sizeof(uint16_t));
		if (recs[i].rdlen > 0) {
			memcpy(base + pos + 2, recs[i].rdata, recs[i].rdlen);
		}
		pos += 2 + (size_t)recs[i].rdlen;
	}
}

int dz__node_new(const uint8_t *name, const uint8_t *key, size_t keylen,
                 const dz__rec_t *recs, size_t n, dz_node_t **out)
{
	size_t sets = count_sets(recs, n);
	size_t namelen = dz_name_len(name);
	size_t data = 0;
	for (size_t i = 0; i < n; i++) {
		data += 2 + (size_t)recs[i].rdlen;
	}
	if (sets > UINT16_MAX || n > UINT16_MAX * sets) {
		return DZ_ELIMIT;
	}
	size_t hdr = sizeof(dz_node_t) + sets * sizeof(dz__node_rrset_t);
	size_t total = hdr + keylen + namelen + data;
	if (total > UINT32_MAX) {
		return DZ_ELIMIT;
	}
	dz_node_t *node = calloc(1, total);
	if (node == NULL) {
		return DZ_ENOMEM;
	}
	atomic_init(&node->refs, 1);
	node->keylen = (uint16_t)keylen;
	node->nrrsets = (uint16_t)sets;
	node->namelen = (uint8_t)namelen;
	memcpy((uint8_t *)node + hdr, key, keylen);
	memcpy((uint8_t *)node + hdr + keylen, name, namelen);
	node_fill(node, hdr + keylen + namelen, recs, n);
	*out = node;
	return DZ_OK;
}

void dz__node_ref(const dz_node_t *n)
{
	dz_node_t *m = (dz_node_t *)n;
	atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
}

void dz__node_unref(const dz_node_t *n)
{
	dz_node_t *m = (dz_node_t *)n;
	if (m != NULL &&
	    atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) {
		free(m);
	}
}

size_t dz__node_bytes(const dz_node_t *n)
{
	const dz__node_rrset_t *sets = dz__node_sets(n);
	size_t end = sizeof(*n) + n->nrrsets * sizeof(*sets) + n->keylen +
	             n->namelen;
	if (n->nrrsets > 0) {
		const dz__node_rrset_t *last = &sets[n->nrrsets - 1];
		const uint8_t *p = (const uint8_t *)n + last->off;
		for (unsigned i = 0; i < last->count; i++) {
			uint16_t len;
			memcpy(&len, p, sizeof(len));
			p += 2 + len;
		}
		end = (size_t)(p - (const uint8_t *)n);
	}
	return end;
}

size_t dz__node_records(const dz_node_t *n)
{
	size_t c = 0;
	for (unsigned i = 0; i < n->nrrsets; i++) {
		c += dz__node_sets(n)[i].count;
	}
	return c;
}

/* --- public accessors --------------------------------------------------- */

const uint8_t *dz_node_name(const dz_node_t *node)
{
	return dz__node_key(node) + node->keylen;
}

unsigned dz_node_rrset_count(const dz_node_t *node)
{
	return node->nrrsets;
}

static void set_view(const dz_node_t *node, const dz__node_rrset_t *s,
                     dz_rrset_t *rrset)
{
	*rrset = (dz_rrset_t){.owner = dz_node_name(node), .type = s->type,
	                      .count = s->count, .ttl = s->ttl,
	                      .rdata = (const uint8_t *)node + s->off};
}

int dz_node_rrset_at(const dz_node_t *node, unsigned i, dz_rrset_t *rrset)
{
	if (i >= node->nrrsets) {
		return DZ_ERANGE;
	}
	set_view(node, &dz__node_sets(node)[i], rrset);
	return DZ_OK;
}

int dz_node_rrset(const dz_node_t *node, uint16_t type, dz_rrset_t *rrset)
{
	const dz__node_rrset_t *sets = dz__node_sets(node);
	for (unsigned i = 0; i < node->nrrsets && sets[i].type <= type; i++) {
		if (sets[i].type == type) {
			set_view(node, &sets[i], rrset);
			return DZ_OK;
		}
	}
	return DZ_ENOTFOUND;
}

bool dz_node_has(const dz_node_t *node, uint16_t type)
{
	const dz__node_rrset_t *sets = dz__node_sets(node);
	for (unsigned i = 0; i < node->nrrsets && sets[i].type <= type; i++) {
		if (sets[i].type == type) {
			return true;
		}
	}
	return false;
}
