/* SPDX-License-Identifier: BSD-3-Clause */
/* Bulk zone build: collect records in input order, sort once, pack nodes, build the tree bottom-up. */
#include "lib/zone/zone_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

/*
 * Records are appended to two blobs so that loading costs no allocation per
 * record: owners ([u16 keylen][key][u8 namelen][name], written once per run
 * of records with the same owner, as zone files list them) and records
 * ([u16 type][u32 ttl][u16 rdlen][rdata]). The sort works on 16-octet
 * entries that carry the first key octets below the origin, so most
 * comparisons never touch the blobs.
 */
typedef struct entry {
	uint64_t pfx;
	uint32_t owner;
	uint32_t rec;
} entry_t;

typedef struct blob {
	uint8_t *p;
	size_t used, cap;
} blob_t;

struct dz_zone_builder {
	blob_t own, rec;
	entry_t *ent;
	size_t n, cap;
	size_t last_owner;
	bool have_owner, finished;
	uint16_t rclass;
	dz_zone_build_stats_t st;
	uint16_t okeylen;
	uint8_t origin[DZ_NAME_MAXLEN];
	uint8_t okey[DZ_NAME_MAXKEY];
};

int dz_zone_builder_new(const uint8_t *origin, dz_zone_builder_t **out)
{
	if (origin == NULL || out == NULL) {
		return DZ_EINVAL;
	}
	dz_zone_builder_t *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		return DZ_ENOMEM;
	}
	dz_name_copy(b->origin, origin);
	b->okeylen = (uint16_t)dz_name_to_key(b->okey, origin);
	*out = b;
	return DZ_OK;
}

void dz_zone_builder_free(dz_zone_builder_t *b)
{
	if (b == NULL) {
		return;
	}
	free(b->own.p);
	free(b->rec.p);
	free(b->ent);
	free(b);
}

void dz_zone_builder_stats(const dz_zone_builder_t *b,
                           dz_zone_build_stats_t *stats)
{
	*stats = b->st;
}

static uint8_t *blob_grab(blob_t *bl, size_t len)
{
	if (bl->cap - bl->used < len) {
		size_t cap = bl->cap ? bl->cap : 1 << 16;
		while (cap - bl->used < len) {
			cap *= 2;
		}
		if (cap > UINT32_MAX) {
			return NULL;
		}
		uint8_t *np = realloc(bl->p, cap);
		if (np == NULL) {
			return NULL;
		}
		bl->p = np;
		bl->cap = cap;
	}
	uint8_t *p = bl->p + bl->used;
	bl->used += len;
	return p;
}

static const uint8_t *owner_name(const dz_zone_builder_t *b, uint32_t off)
{
	uint16_t klen;
	memcpy(&klen, b->own.p + off, 2);
	return b->own.p + off + 2 + klen + 1;
}

static int add_owner(dz_zone_builder_t *b, const uint8_t *owner)
{
	if (b->have_owner) {
		const uint8_t *last = owner_name(b, (uint32_t)b->last_owner);
		size_t len = last[-1];
		if (memcmp(last, owner, len) == 0) {
			return DZ_OK;
		}
	}
	uint8_t key[DZ_NAME_MAXKEY];
	int klen = dz_name_to_key(key, owner);
	/* key(origin) is a prefix of key(owner) iff owner is at/below it. */
	if (klen < b->okeylen || memcmp(key, b->okey, b->okeylen) != 0) {
		return DZ_EOUTZONE;
	}
	size_t nlen = dz_name_len(owner);
	size_t at = b->own.used;
	uint8_t *p = blob_grab(&b->own, 2 + (size_t)klen + 1 + nlen);
	if (p == NULL) {
		return DZ_ENOMEM;
	}
	uint16_t k16 = (uint16_t)klen;
	memcpy(p, &k16, 2);
	memcpy(p + 2, key, (size_t)klen);
	p[2 + klen] = (uint8_t)nlen;
	memcpy(p + 3 + klen, owner, nlen);
	b->last_owner = at;
	b->have_owner = true;
	return DZ_OK;
}

static uint64_t key_prefix(const dz_zone_builder_t *b, uint32_t owner)
{
	uint16_t klen;
	memcpy(&klen, b->own.p + owner, 2);
	const uint8_t *k = b->own.p + owner + 2 + b->okeylen;
	size_t rest = klen - b->okeylen;
	uint64_t v = 0;
	for (size_t i = 0; i < 8; i++) {
		v = v << 8 | (i < rest ? k[i] : 0);
	}
	return v;
}

static int check_class(dz_zone_builder_t *b, uint16_t rclass)
{
	if (rclass == 0) {
		rclass = DZ_CLASS_IN;
	}
	if (b->rclass == 0) {
		b->rclass = rclass;
	}
	return rclass == b->rclass ? DZ_OK : DZ_ECLASS;
}

static int grow_entries(dz_zone_builder_t *b)
{
	if (b->n < b->cap) {
		return DZ_OK;
	}
	size_t cap = b->cap ? 2 * b->cap : 4096;
	entry_t *ne = realloc(b->ent, cap * sizeof(*ne));
	if (ne == NULL) {
		return DZ_ENOMEM;
	}
	b->ent = ne;
	b->cap = cap;
	return DZ_OK;
}

int dz_zone_builder_add(dz_zone_builder_t *b, const uint8_t *owner,
                        uint16_t type, uint16_t rclass, uint32_t ttl,
                        const uint8_t *rdata, uint16_t rdlen)
{
	if (b == NULL || owner == NULL || (rdata == NULL && rdlen > 0) ||
	    b->finished) {
		return DZ_EINVAL;
	}
	if (dz_rrtype_is_meta(type)) {
		return DZ_ETYPE;
	}
	int ret = check_class(b, rclass);
	if (ret == DZ_OK) {
		ret = grow_entries(b);
	}
	if (ret == DZ_OK) {
		ret = add_owner(b, owner);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	size_t at = b->rec.used;
	uint8_t *p = blob_grab(&b->rec, 8 + (size_t)rdlen);
	if (p == NULL) {
		return DZ_ENOMEM;
	}
	memcpy(p, &type, 2);
	memcpy(p + 2, &ttl, 4);
	memcpy(p + 6, &rdlen, 2);
	if (rdlen > 0) {
		memcpy(p + 8, rdata, rdlen);
	}
	entry_t *e = &b->ent[b->n++];
	e->owner = (uint32_t)b->last_owner;
	e->rec = (uint32_t)at;
	e->pfx = key_prefix(b, e->owner);
	b->st.added++;
	return DZ_OK;
}

/* --- sort --------------------------------------------------------------- */

static int owner_cmp(const dz_zone_builder_t *b, uint32_t x, uint32_t y)
{
	uint16_t xl, yl;
	if (x == y) {
		return 0;
	}
	memcpy(&xl, b->own.p + x, 2);
	memcpy(&yl, b->own.p + y, 2);
	return dz__key_cmp(b->own.p + x + 2, xl, b->own.p + y + 2, yl);
}

typedef struct rec_view {
	uint16_t type, rdlen;
	uint32_t ttl;
	const uint8_t *rdata;
} rec_view_t;

static rec_view_t rec_at(const dz_zone_builder_t *b, uint32_t off)
{
	rec_view_t r;
	const uint8_t *p = b->rec.p + off;
	memcpy(&r.type, p, 2);
	memcpy(&r.ttl, p + 2, 4);
	memcpy(&r.rdlen, p + 6, 2);
	r.rdata = p + 8;
	return r;
}

static int rec_cmp(const dz_zone_builder_t *b, uint32_t x, uint32_t y)
{
	rec_view_t rx = rec_at(b, x), ry = rec_at(b, y);
	if (rx.type != ry.type) {
		return rx.type < ry.type ? -1 : 1;
	}
	return dz_rdata_cmp(rx.type, rx.rdata, rx.rdlen, ry.rdata, ry.rdlen);
}

/* Total order: owner, type, canonical rdata, then input position. */
static inline int ent_cmp(const dz_zone_builder_t *b, const entry_t *x,
                          const entry_t *y)
{
	if (x->pfx != y->pfx) {
		return x->pfx < y->pfx ? -1 : 1;
	}
	int c = owner_cmp(b, x->owner, y->owner);
	if (c == 0) {
		c = rec_cmp(b, x->rec, y->rec);
	}
	if (c == 0) {
		c = (x->rec > y->rec) - (x->rec < y->rec);
	}
	return c;
}

static void insertion_sort(const dz_zone_builder_t *b, entry_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		entry_t v = a[i];
		size_t j = i;
		while (j > 0 && ent_cmp(b, &v, &a[j - 1]) < 0) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

static void swap_ent(entry_t *x, entry_t *y)
{
	entry_t t = *x;
	*x = *y;
	*y = t;
}

/* Quicksort (median of three, smaller side recursed: O(log n) stack). */
static void ent_sort(const dz_zone_builder_t *b, entry_t *a, size_t n)
{
	while (n > 24) {
		size_t m = n / 2;
		if (ent_cmp(b, &a[m], &a[0]) < 0) {
			swap_ent(&a[m], &a[0]);
		}
		if (ent_cmp(b, &a[n - 1], &a[0]) < 0) {
			swap_ent(&a[n - 1], &a[0]);
		}
		if (ent_cmp(b, &a[n - 1], &a[m]) < 0) {
			swap_ent(&a[n - 1], &a[m]);
		}
		entry_t pivot = a[m];
		size_t i = 0, j = n - 1;
		for (;;) {
			while (ent_cmp(b, &a[i], &pivot) < 0) {
				i++;
			}
			while (ent_cmp(b, &pivot, &a[j]) < 0) {
				j--;
			}
			if (i >= j) {
				break;
			}
			swap_ent(&a[i++], &a[j--]);
		}
		size_t left = j + 1;
		if (left < n - left) {
			ent_sort(b, a, left);
			a += left;
			n -= left;
		} else {
			ent_sort(b, a + left, n - left);
			n = left;
		}
	}
	insertion_sort(b, a, n);
}

/* --- node packing ------------------------------------------------------- */

typedef struct pack {
	dz__rec_t *recs;
	size_t cap;
	dz_node_t **nodes;
	size_t nnodes;
} pack_t;

/* RFC 2181 §5.2: one TTL per RRset. Like BIND, the TTL of the RRset's first
 * record in input order wins; the others are counted as adjusted. */
static void fix_ttl(dz_zone_builder_t *b, dz__rec_t *recs, size_t n)
{
	size_t first = 0;
	for (size_t k = 1; k < n; k++) {
		if (recs[k].seq < recs[first].seq) {
			first = k;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (recs[k].ttl != recs[first].ttl) {
			b->st.ttl_adjusted++;
		}
	}
	recs[0].ttl = recs[first].ttl;
}

static int grow_recs(pack_t *pk, size_t n)
{
	if (n <= pk->cap) {
		return DZ_OK;
	}
	dz__rec_t *nr = realloc(pk->recs, n * sizeof(*nr));
	if (nr == NULL) {
		return DZ_ENOMEM;
	}
	pk->recs = nr;
	pk->cap = n;
	return DZ_OK;
}

/* Records [i, j) of one owner (sorted) -> one node. */
static int pack_node(dz_zone_builder_t *b, pack_t *pk, size_t i, size_t j)
{
	if (grow_recs(pk, j - i) != DZ_OK) {
		return DZ_ENOMEM;
	}
	size_t n = 0, set = 0;
	uint32_t owner = b->ent[i].owner, first = b->ent[i].rec;
	for (size_t k = i; k < j; k++) {
		rec_view_t r = rec_at(b, b->ent[k].rec);
		if (b->ent[k].rec < first) {
			/* Keep the owner spelling met first in the input. */
			first = b->ent[k].rec;
			owner = b->ent[k].owner;
		}
		dz__rec_t *prev = n > 0 ? &pk->recs[n - 1] : NULL;
		if (prev != NULL && prev->type == r.type &&
		    dz_rdata_cmp(r.type, prev->rdata, prev->rdlen, r.rdata,
		                 r.rdlen) == 0) {
			b->st.duplicates++;
			continue;
		}
		if (prev != NULL && prev->type != r.type) {
			fix_ttl(b, pk->recs + set, n - set);
			set = n;
		}
		pk->recs[n++] = (dz__rec_t){.rdata = r.rdata, .ttl = r.ttl,
		                            .type = r.type, .rdlen = r.rdlen,
		                            .seq = b->ent[k].rec};
	}
	fix_ttl(b, pk->recs + set, n - set);
	uint16_t klen;
	memcpy(&klen, b->own.p + owner, 2);
	dz_node_t *node;
	int ret = dz__node_new(owner_name(b, owner), b->own.p + owner + 2, klen,
	                       pk->recs, n, &node);
	if (ret == DZ_OK) {
		pk->nodes[pk->nnodes++] = node;
	}
	return ret;
}

static bool same_owner(const dz_zone_builder_t *b, const entry_t *x,
                       const entry_t *y)
{
	return x->pfx == y->pfx && owner_cmp(b, x->owner, y->owner) == 0;
}

static int pack_all(dz_zone_builder_t *b, pack_t *pk)
{
	size_t i = 0;
	while (i < b->n) {
		size_t j = i + 1;
		while (j < b->n && same_owner(b, &b->ent[i], &b->ent[j])) {
			j++;
		}
		int ret = pack_node(b, pk, i, j);
		if (ret != DZ_OK) {
			return ret;
		}
		i = j;
	}
	return DZ_OK;
}

static int make_zone(dz_zone_builder_t *b, pack_t *pk, dz_zone_t **out)
{
	dz_zone_t *z;
	int ret = dz__zone_alloc(b->origin, &z);
	if (ret != DZ_OK) {
		return ret;
	}
	z->gen = 1;
	for (size_t k = 0; k < pk->nnodes; k++) {
		dz__zone_count(z, pk->nodes[k], +1);
	}
	size_t bytes = 0;
	/* The tree takes the node references, even on failure. */
	ret = dz__tree_build(pk->nodes, pk->nnodes, z->gen, z->okeylen,
	                     &z->root, &bytes);
	pk->nnodes = 0;
	if (ret != DZ_OK) {
		free(z);
		return ret;
	}
	z->st.bytes += bytes + sizeof(*z);
	z->st.bytes_new = z->st.bytes;
	dz__zone_refresh(z);
	*out = z;
	return DZ_OK;
}

int dz_zone_builder_finish(dz_zone_builder_t *b, dz_zone_t **zone)
{
	if (b == NULL || zone == NULL || b->finished) {
		return DZ_EINVAL;
	}
	b->finished = true;
	ent_sort(b, b->ent, b->n);
	pack_t pk = {0};
	pk.nodes = malloc((b->n ? b->n : 1) * sizeof(dz_node_t *));
	int ret = pk.nodes != NULL ? pack_all(b, &pk) : DZ_ENOMEM;
	if (ret == DZ_OK) {
		ret = make_zone(b, &pk, zone);
	}
	for (size_t k = 0; k < pk.nnodes; k++) {
		dz__node_unref(pk.nodes[k]);
	}
	free(pk.nodes);
	free(pk.recs);
	return ret;
}
