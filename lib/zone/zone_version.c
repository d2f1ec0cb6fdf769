/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone versions: reference counting, apex/SOA accessors and memory accounting. */
#include "lib/zone/zone_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"

int dz__zone_alloc(const uint8_t *origin, dz_zone_t **out)
{
	dz_zone_t *z = calloc(1, sizeof(*z));
	if (z == NULL) {
		return DZ_ENOMEM;
	}
	atomic_init(&z->refs, 1);
	dz_name_copy(z->origin, origin);
	z->okeylen = (uint16_t)dz_name_to_key(z->okey, origin);
	*out = z;
	return DZ_OK;
}

void dz__zone_refresh(dz_zone_t *z)
{
	z->apex = dz__tree_get(z->root, z->okeylen, z->okey, z->okeylen);
	z->st.height = z->root != NULL ? z->root->height : 0;
}

static bool is_cut(const dz_zone_t *z, const dz_node_t *n)
{
	return (n->flags & (DZ__NODE_NS | DZ__NODE_DNAME)) != 0 &&
	       n->keylen != z->okeylen;
}

void dz__zone_count(dz_zone_t *z, const dz_node_t *n, int sign)
{
	size_t recs = dz__node_records(n);
	size_t bytes = dz__node_bytes(n);
	size_t cut = is_cut(z, n) ? 1 : 0;
	if (sign > 0) {
		z->st.records += recs;
		z->st.rrsets += n->nrrsets;
		z->st.nodes++;
		z->st.bytes += bytes;
		z->ncuts += cut;
	} else {
		z->st.records -= recs;
		z->st.rrsets -= n->nrrsets;
		z->st.nodes--;
		z->st.bytes -= bytes;
		z->ncuts -= cut;
	}
}

dz_zone_t *dz_zone_ref(const dz_zone_t *zone)
{
	dz_zone_t *z = (dz_zone_t *)zone;
	atomic_fetch_add_explicit(&z->refs, 1, memory_order_relaxed);
	return z;
}

void dz_zone_unref(const dz_zone_t *zone)
{
	dz_zone_t *z = (dz_zone_t *)zone;
	if (z == NULL ||
	    atomic_fetch_sub_explicit(&z->refs, 1, memory_order_acq_rel) != 1) {
		return;
	}
	dz__blk_unref(z->root);
	free(z);
}

const uint8_t *dz_zone_origin(const dz_zone_t *zone)
{
	return zone->origin;
}

const dz_node_t *dz_zone_apex(const dz_zone_t *zone)
{
	return zone->apex;
}

int dz_zone_soa(const dz_zone_t *zone, dz_rrset_t *soa)
{
	if (zone->apex == NULL ||
	    dz_node_rrset(zone->apex, DZ_RR_SOA, soa) != DZ_OK) {
		return DZ_ENOSOA;
	}
	return DZ_OK;
}

/* Length of an uncompressed name inside rdata, 0 if it runs off the end. */
static size_t rdata_name_len(const uint8_t *p, size_t avail)
{
	size_t pos = 0;
	while (pos < avail) {
		uint8_t l = p[pos];
		if (l == 0) {
			return pos + 1;
		}
		if (l > DZ_NAME_MAXLABEL) {
			return 0;
		}
		pos += 1 + (size_t)l;
	}
	return 0;
}

int dz_zone_serial(const dz_zone_t *zone, uint32_t *serial)
{
	dz_rrset_t soa;
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	if (dz_zone_soa(zone, &soa) != DZ_OK) {
		return DZ_ENOSOA;
	}
	dz_rrset_iter(&soa, &it);
	if (!dz_rrset_next(&it, &rd, &len)) {
		return DZ_ENOSOA;
	}
	/* RFC 1035 §3.3.13: MNAME, RNAME, then SERIAL. */
	size_t m = rdata_name_len(rd, len);
	size_t r = m ? rdata_name_len(rd + m, len - m) : 0;
	if (r == 0 || len - m - r < 20) {
		return DZ_ENOSOA;
	}
	const uint8_t *s = rd + m + r;
	*serial = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
	          (uint32_t)s[2] << 8 | s[3];
	return DZ_OK;
}

void dz_zone_stats(const dz_zone_t *zone, dz_zone_stats_t *stats)
{
	*stats = zone->st;
}

static size_t subtree_bytes(const dz__blk_t *b)
{
	size_t sum = dz__blk_size(b);
	for (unsigned i = 0; i < b->n; i++) {
		sum += b->height == 1 ? dz__node_bytes(b->slot[i])
		                      : subtree_bytes(b->slot[i]);
	}
	return sum;
}

/* Everything below a block referenced by another version is shared too. */
static void split_bytes(const dz__blk_t *b, size_t *owned, size_t *shared)
{
	if (atomic_load(&b->refs) > 1) {
		*shared += subtree_bytes(b);
		return;
	}
	*owned += dz__blk_size(b);
	for (unsigned i = 0; i < b->n; i++) {
		if (b->height > 1) {
			split_bytes(b->slot[i], owned, shared);
			continue;
		}
		const dz_node_t *n = b->slot[i];
		if (atomic_load(&((dz_node_t *)n)->refs) > 1) {
			*shared += dz__node_bytes(n);
		} else {
			*owned += dz__node_bytes(n);
		}
	}
}

void dz_zone_memory(const dz_zone_t *zone, size_t *owned, size_t *shared)
{
	size_t o = sizeof(*zone), s = 0;
	if (zone->root != NULL) {
		split_bytes(zone->root, &o, &s);
	}
	*owned = o;
	*shared = s;
}
