/* SPDX-License-Identifier: BSD-3-Clause */
/* Difference of two zone versions, skipping the subtrees they share. */
#include "lib/zone/zone_internal.h"

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/zone/changeset.h"

/*
 * A cursor over a tree whose current item is either a child block (not yet
 * opened) or a node. Two cursors advance in step; items that are the same
 * pointer are the same subtree (versions never mutate shared blocks), so
 * they are skipped whole: the cost is O(fanout * height * changes).
 */
typedef struct cur {
	const dz__blk_t *blk[DZ_ZONE_MAXHEIGHT];
	unsigned idx[DZ_ZONE_MAXHEIGHT];
	int top;
} cur_t;

static void cur_init(cur_t *c, const dz__blk_t *root)
{
	c->top = root != NULL ? 0 : -1;
	c->blk[0] = root;
	c->idx[0] = 0;
}

static const void *cur_item(const cur_t *c, unsigned *height)
{
	const dz__blk_t *b = c->blk[c->top];
	*height = b->height - 1u;
	return b->slot[c->idx[c->top]];
}

static void cur_next(cur_t *c)
{
	c->idx[c->top]++;
	while (c->top >= 0 && c->idx[c->top] >= c->blk[c->top]->n) {
		if (--c->top >= 0) {
			c->idx[c->top]++;
		}
	}
}

static void cur_open(cur_t *c)
{
	unsigned h;
	const dz__blk_t *child = cur_item(c, &h);
	c->top++;
	c->blk[c->top] = child;
	c->idx[c->top] = 0;
}

typedef int (*emit_fn)(dz_changeset_t *ch, const uint8_t *owner,
                       uint16_t type, uint32_t ttl, const uint8_t *rdata,
                       uint16_t rdlen);

static int emit_set(dz_changeset_t *ch, emit_fn fn, const dz_rrset_t *set)
{
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	dz_rrset_iter(set, &it);
	while (dz_rrset_next(&it, &rd, &len)) {
		int ret = fn(ch, set->owner, set->type, set->ttl, rd, len);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

static int emit_node(dz_changeset_t *ch, emit_fn fn, const dz_node_t *n)
{
	for (unsigned i = 0; i < n->nrrsets; i++) {
		dz_rrset_t set;
		(void)dz_node_rrset_at(n, i, &set);
		int ret = emit_set(ch, fn, &set);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

/* Same TTL: merge the two canonical rdata sequences. */
static int diff_records(dz_changeset_t *ch, const dz_rrset_t *x,
                        const dz_rrset_t *y)
{
	dz_rdata_iter_t ix, iy;
	const uint8_t *rx = NULL, *ry = NULL;
	uint16_t lx = 0, ly = 0;
	dz_rrset_iter(x, &ix);
	dz_rrset_iter(y, &iy);
	bool hx = dz_rrset_next(&ix, &rx, &lx);
	bool hy = dz_rrset_next(&iy, &ry, &ly);
	int ret = DZ_OK;
	while (ret == DZ_OK && (hx || hy)) {
		int c = !hx ? 1 : !hy ? -1 : dz_rdata_cmp(x->type, rx, lx, ry, ly);
		if (c < 0) {
			ret = dz_changeset_add_removed(ch, x->owner, x->type,
			                               x->ttl, rx, lx);
			hx = dz_rrset_next(&ix, &rx, &lx);
		} else if (c > 0) {
			ret = dz_changeset_add_added(ch, y->owner, y->type,
			                             y->ttl, ry, ly);
			hy = dz_rrset_next(&iy, &ry, &ly);
		} else {
			hx = dz_rrset_next(&ix, &rx, &lx);
			hy = dz_rrset_next(&iy, &ry, &ly);
		}
	}
	return ret;
}

static int diff_sets(dz_changeset_t *ch, const dz_rrset_t *x,
                     const dz_rrset_t *y)
{
	if (x->ttl == y->ttl) {
		return diff_records(ch, x, y);
	}
	/* IXFR carries TTLs per record: replace the whole RRset. */
	int ret = emit_set(ch, dz_changeset_add_removed, x);
	return ret == DZ_OK ? emit_set(ch, dz_changeset_add_added, y) : ret;
}

static int diff_nodes(dz_changeset_t *ch, const dz_node_t *a,
                      const dz_node_t *b)
{
	unsigned i = 0, j = 0;
	int ret = DZ_OK;
	while (ret == DZ_OK && (i < a->nrrsets || j < b->nrrsets)) {
		dz_rrset_t x, y;
		uint32_t tx = i < a->nrrsets ? dz__node_sets(a)[i].type : 0x10000;
		uint32_t ty = j < b->nrrsets ? dz__node_sets(b)[j].type : 0x10000;
		if (tx < ty) {
			(void)dz_node_rrset_at(a, i++, &x);
			ret = emit_set(ch, dz_changeset_add_removed, &x);
		} else if (tx > ty) {
			(void)dz_node_rrset_at(b, j++, &y);
			ret = emit_set(ch, dz_changeset_add_added, &y);
		} else {
			(void)dz_node_rrset_at(a, i++, &x);
			(void)dz_node_rrset_at(b, j++, &y);
			ret = diff_sets(ch, &x, &y);
		}
	}
	return ret;
}

/* One step of the merge walk over both cursors. */
static int diff_step(dz_changeset_t *ch, cur_t *ca, cur_t *cb)
{
	unsigned ha = 0, hb = 0;
	const void *ia = ca->top >= 0 ? cur_item(ca, &ha) : NULL;
	const void *ib = cb->top >= 0 ? cur_item(cb, &hb) : NULL;
	if (ia != NULL && ia == ib && ha == hb) {
		cur_next(ca);
		cur_next(cb);
		return DZ_OK;
	}
	if (ia != NULL && ha > 0 && (ib == NULL || ha >= hb)) {
		cur_open(ca);
		return DZ_OK;
	}
	if (ib != NULL && hb > 0) {
		cur_open(cb);
		return DZ_OK;
	}
	int c = ia == NULL ? 1 : ib == NULL ? -1 : 0;
	if (c == 0) {
		const dz_node_t *na = ia, *nb = ib;
		c = dz__key_cmp(dz__node_key(na), na->keylen, dz__node_key(nb),
		                nb->keylen);
	}
	int ret;
	if (c < 0) {
		ret = emit_node(ch, dz_changeset_add_removed, ia);
		cur_next(ca);
	} else if (c > 0) {
		ret = emit_node(ch, dz_changeset_add_added, ib);
		cur_next(cb);
	} else {
		ret = diff_nodes(ch, ia, ib);
		cur_next(ca);
		cur_next(cb);
	}
	return ret;
}

int dz_zone_diff(const dz_zone_t *a, const dz_zone_t *b, dz_changeset_t **out)
{
	if (a == NULL || b == NULL || out == NULL) {
		return DZ_EINVAL;
	}
	if (a->okeylen != b->okeylen ||
	    memcmp(a->okey, b->okey, a->okeylen) != 0) {
		return DZ_EINVAL;
	}
	dz_changeset_t *ch;
	int ret = dz_changeset_new(&ch);
	if (ret != DZ_OK) {
		return ret;
	}
	cur_t ca, cb;
	cur_init(&ca, a->root);
	cur_init(&cb, b->root);
	while (ret == DZ_OK && (ca.top >= 0 || cb.top >= 0)) {
		ret = diff_step(ch, &ca, &cb);
	}
	if (ret != DZ_OK) {
		dz_changeset_free(ch);
		return ret;
	}
	*out = ch;
	return DZ_OK;
}
