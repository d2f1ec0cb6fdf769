/* SPDX-License-Identifier: BSD-3-Clause */
/* Persistent B+tree of zone nodes: search, bottom-up build, path-copying edits. */
#include "lib/zone/zone_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"

/* Restore the invariants of the search after pfx[] or n changed: unused
 * prefixes UINT64_MAX, sep[] the last prefix of each group. */
static void blk_seal(dz__blk_t *b)
{
	for (unsigned i = b->n; i < DZ__FANOUT; i++) {
		b->pfx[i] = UINT64_MAX;
	}
	for (unsigned j = 0; j < DZ__NGROUPS; j++) {
		b->sep[j] = b->pfx[j * DZ__GROUP + DZ__GROUP - 1];
	}
}

_Static_assert(sizeof(dz__blk_t) % 64 == 0 && sizeof(dz__iblk_t) % 64 == 0,
               "aligned_alloc needs a multiple of the alignment");

static dz__blk_t *blk_alloc(uint8_t height, uint32_t gen)
{
	/* Both sizes are multiples of 64 (the alignment of pfx[]). */
	size_t size = height == 1 ? sizeof(dz__blk_t) : sizeof(dz__iblk_t);
	dz__blk_t *b = aligned_alloc(_Alignof(dz__blk_t), size);
	if (b == NULL) {
		return NULL;
	}
	atomic_init(&b->refs, 1);
	b->gen = gen;
	b->n = 0;
	b->height = height;
	blk_seal(b);
	return b;
}

void dz__blk_unref(dz__blk_t *b)
{
	if (b == NULL ||
	    atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) != 1) {
		return;
	}
	for (unsigned i = 0; i < b->n; i++) {
		if (b->height == 1) {
			dz__node_unref(b->slot[i]);
		} else {
			dz__blk_unref(b->slot[i]);
		}
	}
	free(b);
}

static void item_ref(const dz__blk_t *b, unsigned i)
{
	if (b->height == 1) {
		dz__node_ref(b->slot[i]);
	} else {
		dz__blk_t *c = b->slot[i];
		atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	}
}

static void item_unref(uint8_t height, void *item)
{
	if (height == 0) {
		dz__node_unref(item);
	} else {
		dz__blk_unref(item);
	}
}

const dz_node_t *dz__blk_min(dz__blk_t *b)
{
	return b->height == 1 ? b->slot[0] : dz__blk_mins(b)[0];
}

static int node_cmp(const dz_node_t *n, const uint8_t *key, size_t klen)
{
	return dz__key_cmp(dz__node_key(n), n->keylen, key, klen);
}

/*
 * Slots whose prefix is below qp: as prefixes ascend, the first slot that
 * may hold a key >= key. Groups whose last prefix is below qp count whole
 * (sep[], in the header's cache line), then the prefixes of the first
 * other group, one cache line. Counting without a branch on each compare
 * lets the loads overlap; lookups in a large zone are bound by misses.
 */
static unsigned pfx_rank(const dz__blk_t *b, uint64_t qp)
{
	_Static_assert(DZ__NGROUPS == 4 && DZ__GROUP == 8,
	               "pfx_rank is unrolled for 4 groups of 8");
	unsigned g = (b->sep[0] < qp) + (b->sep[1] < qp) + (b->sep[2] < qp) +
	             (b->sep[3] < qp);
	if (g == DZ__NGROUPS) {
		return DZ__FANOUT; /* a full block, every prefix below qp */
	}
	/* The slot the search ends on is mostly in the same group: fetch its
	 * line while the prefixes are compared, not after. */
	__builtin_prefetch(&b->slot[g * DZ__GROUP]);
	const uint64_t *p = &b->pfx[g * DZ__GROUP];
	return g * DZ__GROUP + (p[0] < qp) + (p[1] < qp) + (p[2] < qp) +
	       (p[3] < qp) + (p[4] < qp) + (p[5] < qp) + (p[6] < qp) +
	       (p[7] < qp);
}

/* Child to descend into: the last whose smallest key is <= key (or 0). */
static unsigned inner_pos(dz__blk_t *b, uint64_t qp, const uint8_t *key,
                          size_t klen)
{
	const dz_node_t **mins = dz__blk_mins(b);
	unsigned pos = pfx_rank(b, qp);
	/* Equal prefixes: only the full keys tell. */
	while (pos < b->n && b->pfx[pos] == qp &&
	       node_cmp(mins[pos], key, klen) <= 0) {
		pos++;
	}
	return pos > 0 ? pos - 1 : 0;
}

/* First slot whose key is >= key; *eq tells whether it is equal. */
static unsigned leaf_pos(dz__blk_t *b, uint64_t qp, const uint8_t *key,
                         size_t klen, bool *eq)
{
	unsigned pos = pfx_rank(b, qp);
	int c = 1;
	while (pos < b->n && b->pfx[pos] == qp &&
	       (c = node_cmp(b->slot[pos], key, klen)) < 0) {
		pos++;
	}
	*eq = c == 0;
	return pos;
}

const dz_node_t *dz__tree_get(dz__blk_t *root, size_t skip,
                              const uint8_t *key, size_t klen)
{
	dz__blk_t *b = root;
	if (b == NULL) {
		return NULL;
	}
	uint64_t qp = dz__key_pfx(key, klen, skip);
	while (b->height > 1) {
		b = b->slot[inner_pos(b, qp, key, klen)];
	}
	bool eq;
	unsigned pos = leaf_pos(b, qp, key, klen, &eq);
	return eq ? b->slot[pos] : NULL;
}

void dz__tree_near(dz__blk_t *root, size_t skip, const uint8_t *key,
                   size_t klen, const dz_node_t **le, const dz_node_t **gt)
{
	uint64_t qp = dz__key_pfx(key, klen, skip);
	dz__blk_t *b = root, *right = NULL; /* subtree right of the path */
	unsigned right_i = 0;
	*le = *gt = NULL;
	if (b == NULL) {
		return;
	}
	while (b->height > 1) {
		unsigned i = inner_pos(b, qp, key, klen);
		if (i + 1 < b->n) {
			right = b;
			right_i = i + 1;
		}
		b = b->slot[i];
	}
	bool eq;
	unsigned pos = leaf_pos(b, qp, key, klen, &eq);
	if (eq) {
		*le = b->slot[pos];
		pos++;
	} else if (pos > 0) {
		*le = b->slot[pos - 1];
	}
	/* Only a key past its leaf's last slot needs the separator (another
	 * cache line of the inner block). */
	if (pos < b->n) {
		*gt = b->slot[pos];
	} else if (right != NULL) {
		*gt = dz__blk_mins(right)[right_i];
	}
}

/* --- bottom-up build ---------------------------------------------------- */

/* Group m items of the level below into ceil(m/F) evenly filled blocks. */
static int build_level(void **items, size_t m, uint8_t height, uint32_t gen,
                       size_t skip, void **out, size_t *nout, size_t *bytes)
{
	size_t nb = (m + DZ__FANOUT - 1) / DZ__FANOUT;
	size_t pos = 0;
	for (size_t k = 0; k < nb; k++) {
		size_t take = (m - pos) / (nb - k);
		dz__blk_t *b = blk_alloc(height, gen);
		if (b == NULL) {
			for (size_t j = 0; j < k; j++) {
				dz__blk_unref(out[j]);
			}
			for (size_t j = pos; j < m; j++) {
				item_unref((uint8_t)(height - 1), items[j]);
			}
			return DZ_ENOMEM;
		}
		memcpy(b->slot, items + pos, take * sizeof(void *));
		b->n = (uint16_t)take;
		for (size_t j = 0; j < take; j++) {
			if (height > 1) {
				dz__blk_t *c = b->slot[j];
				dz__blk_mins(b)[j] = dz__blk_min(c);
				b->pfx[j] = c->pfx[0];
			} else {
				const dz_node_t *nd = b->slot[j];
				b->pfx[j] = dz__key_pfx(dz__node_key(nd),
				                        nd->keylen, skip);
			}
		}
		blk_seal(b);
		*bytes += dz__blk_size(b);
		out[k] = b;
		pos += take;
	}
	*nout = nb;
	return DZ_OK;
}

int dz__tree_build(dz_node_t **nodes, size_t n, uint32_t gen, size_t skip,
                   dz__blk_t **root, size_t *bytes)
{
	if (n == 0) {
		*root = NULL;
		return DZ_OK;
	}
	void **lvl = malloc(((n + DZ__FANOUT - 1) / DZ__FANOUT) * sizeof(void *));
	if (lvl == NULL) {
		for (size_t i = 0; i < n; i++) {
			dz__node_unref(nodes[i]);
		}
		return DZ_ENOMEM;
	}
	size_t m = 0;
	int ret = build_level((void **)nodes, n, 1, gen, skip, lvl, &m, bytes);
	for (uint8_t h = 2; ret == DZ_OK && m > 1; h++) {
		/* Each level is written over the front of the one it reads:
		 * block k only reads items at or after k * F. */
		ret = build_level(lvl, m, h, gen, skip, lvl, &m, bytes);
	}
	if (ret == DZ_OK) {
		*root = lvl[0];
	}
	free(lvl);
	return ret;
}

/* --- path-copying edits ------------------------------------------------- */

/* Make *pb a block this transaction may modify, copying it if shared. */
static int make_mutable(dz__tree_tx_t *tx, dz__blk_t **pb)
{
	dz__blk_t *b = *pb;
	if (b->gen == tx->gen && atomic_load(&b->refs) == 1) {
		return DZ_OK;
	}
	dz__blk_t *c = blk_alloc(b->height, tx->gen);
	if (c == NULL) {
		return DZ_ENOMEM;
	}
	c->n = b->n;
	memcpy(c->slot, b->slot, b->n * sizeof(void *));
	memcpy(c->pfx, b->pfx, sizeof(c->pfx));
	memcpy(c->sep, b->sep, sizeof(c->sep));
	if (b->height > 1) {
		memcpy(dz__blk_mins(c), dz__blk_mins(b),
		       b->n * sizeof(dz_node_t *));
	}
	for (unsigned i = 0; i < b->n; i++) {
		item_ref(b, i);
	}
	tx->bytes_new += dz__blk_size(c);
	tx->bytes_freed += dz__blk_size(b);
	*pb = c;
	/* The new tree's reference moves to the copy; another version keeps
	 * the original alive. */
	dz__blk_unref(b);
	return DZ_OK;
}

static void slot_insert(dz__blk_t *b, unsigned pos, void *item,
                        const dz_node_t *min, uint64_t pfx)
{
	memmove(&b->slot[pos + 1], &b->slot[pos], (b->n - pos) * sizeof(void *));
	memmove(&b->pfx[pos + 1], &b->pfx[pos], (b->n - pos) * sizeof(uint64_t));
	b->slot[pos] = item;
	b->pfx[pos] = pfx;
	if (b->height > 1) {
		const dz_node_t **mins = dz__blk_mins(b);
		memmove(&mins[pos + 1], &mins[pos],
		        (b->n - pos) * sizeof(dz_node_t *));
		mins[pos] = min;
	}
	b->n++;
	blk_seal(b);
}

static void slot_remove(dz__blk_t *b, unsigned pos)
{
	memmove(&b->slot[pos], &b->slot[pos + 1],
	        (b->n - pos - 1) * sizeof(void *));
	memmove(&b->pfx[pos], &b->pfx[pos + 1],
	        (b->n - pos - 1) * sizeof(uint64_t));
	if (b->height > 1) {
		const dz_node_t **mins = dz__blk_mins(b);
		memmove(&mins[pos], &mins[pos + 1],
		        (b->n - pos - 1) * sizeof(dz_node_t *));
	}
	b->n--;
	blk_seal(b);
}

/* Move slots [from, n) of a to the end of b. */
static void slots_move(dz__blk_t *a, unsigned from, dz__blk_t *b)
{
	unsigned cnt = a->n - from;
	memcpy(&b->slot[b->n], &a->slot[from], cnt * sizeof(void *));
	memcpy(&b->pfx[b->n], &a->pfx[from], cnt * sizeof(uint64_t));
	if (a->height > 1) {
		memcpy(&dz__blk_mins(b)[b->n], &dz__blk_mins(a)[from],
		       cnt * sizeof(dz_node_t *));
	}
	b->n = (uint16_t)(b->n + cnt);
	a->n = (uint16_t)from;
	blk_seal(a);
	blk_seal(b);
}

/* Insert an item at pos, splitting a full block in two (right half out). */
static int insert_at(dz__tree_tx_t *tx, dz__blk_t *b, unsigned pos,
                     void *item, const dz_node_t *min, uint64_t pfx,
                     dz__blk_t **split)
{
	if (b->n < DZ__FANOUT) {
		slot_insert(b, pos, item, min, pfx);
		return DZ_OK;
	}
	dz__blk_t *r = blk_alloc(b->height, tx->gen);
	if (r == NULL) {
		return DZ_ENOMEM;
	}
	tx->bytes_new += dz__blk_size(r);
	unsigned half = DZ__FANOUT / 2;
	slots_move(b, half, r);
	if (pos <= half) {
		slot_insert(b, pos, item, min, pfx);
	} else {
		slot_insert(r, pos - half, item, min, pfx);
	}
	*split = r;
	return DZ_OK;
}

static int leaf_set(dz__tree_tx_t *tx, dz__blk_t *b, const uint8_t *key,
                    size_t klen, dz_node_t *node, dz__blk_t **split)
{
	bool eq;
	uint64_t qp = dz__key_pfx(key, klen, tx->skip);
	unsigned pos = leaf_pos(b, qp, key, klen, &eq);
	if (eq) {
		dz__node_unref(b->slot[pos]);
		if (node != NULL) {
			b->slot[pos] = node;
		} else {
			slot_remove(b, pos);
		}
		return DZ_OK;
	}
	if (node == NULL) {
		return DZ_OK;
	}
	int ret = insert_at(tx, b, pos, node, NULL, qp, split);
	if (ret != DZ_OK) {
		dz__node_unref(node);
	}
	return ret;
}

/* Merge a small child with a neighbour so deletions keep blocks dense. A
 * failed copy just leaves the block small: lookups stay correct. */
static void maybe_merge(dz__tree_tx_t *tx, dz__blk_t *b, unsigned i)
{
	dz__blk_t *c = b->slot[i];
	if (c->n >= DZ__FANOUT / 4 || b->n < 2) {
		return;
	}
	unsigned l = i + 1 < b->n ? i : i - 1;
	dz__blk_t *left = b->slot[l];
	dz__blk_t *right = b->slot[l + 1];
	if (left->n + right->n > DZ__FANOUT ||
	    make_mutable(tx, (dz__blk_t **)&b->slot[l]) != DZ_OK ||
	    make_mutable(tx, (dz__blk_t **)&b->slot[l + 1]) != DZ_OK) {
		return;
	}
	left = b->slot[l];
	right = b->slot[l + 1];
	slots_move(right, 0, left);
	tx->bytes_freed += dz__blk_size(right);
	dz__blk_unref(right);
	slot_remove(b, l + 1);
}

static int blk_set(dz__tree_tx_t *tx, dz__blk_t *b, const uint8_t *key,
                   size_t klen, dz_node_t *node, dz__blk_t **split)
{
	if (b->height == 1) {
		return leaf_set(tx, b, key, klen, node, split);
	}
	unsigned i = inner_pos(b, dz__key_pfx(key, klen, tx->skip), key, klen);
	int ret = make_mutable(tx, (dz__blk_t **)&b->slot[i]);
	if (ret != DZ_OK) {
		dz__node_unref(node);
		return ret;
	}
	dz__blk_t *child = b->slot[i];
	dz__blk_t *csplit = NULL;
	ret = blk_set(tx, child, key, klen, node, &csplit);
	if (child->n == 0) {
		tx->bytes_freed += dz__blk_size(child);
		dz__blk_unref(child);
		slot_remove(b, i);
	} else {
		dz__blk_mins(b)[i] = dz__blk_min(child);
		b->pfx[i] = child->pfx[0];
		blk_seal(b);
	}
	if (csplit != NULL) {
		int r2 = insert_at(tx, b, i + 1, csplit, dz__blk_min(csplit),
		                   csplit->pfx[0], split);
		if (r2 != DZ_OK) {
			/* The transaction fails and its tree is freed whole. */
			dz__blk_unref(csplit);
			return r2;
		}
	} else if (ret == DZ_OK && node == NULL && i < b->n) {
		maybe_merge(tx, b, i);
	}
	return ret;
}

int dz__tree_set(dz__tree_tx_t *tx, const uint8_t *key, size_t klen,
                 dz_node_t *node)
{
	if (tx->root == NULL) {
		if (node == NULL) {
			return DZ_OK;
		}
		dz__blk_t *leaf = blk_alloc(1, tx->gen);
		if (leaf == NULL) {
			dz__node_unref(node);
			return DZ_ENOMEM;
		}
		tx->bytes_new += dz__blk_size(leaf);
		leaf->slot[0] = node;
		leaf->pfx[0] = dz__key_pfx(key, klen, tx->skip);
		leaf->n = 1;
		blk_seal(leaf);
		tx->root = leaf;
		return DZ_OK;
	}
	int ret = make_mutable(tx, &tx->root);
	if (ret != DZ_OK) {
		dz__node_unref(node);
		return ret;
	}
	dz__blk_t *split = NULL;
	ret = blk_set(tx, tx->root, key, klen, node, &split);
	if (split != NULL) {
		dz__blk_t *nr = blk_alloc((uint8_t)(tx->root->height + 1), tx->gen);
		if (nr == NULL) {
			dz__blk_unref(split);
			return DZ_ENOMEM;
		}
		tx->bytes_new += dz__blk_size(nr);
		nr->slot[0] = tx->root;
		nr->slot[1] = split;
		dz__blk_mins(nr)[0] = dz__blk_min(tx->root);
		dz__blk_mins(nr)[1] = dz__blk_min(split);
		nr->pfx[0] = tx->root->pfx[0];
		nr->pfx[1] = split->pfx[0];
		nr->n = 2;
		blk_seal(nr);
		tx->root = nr;
	}
	/* Shrink: an empty root goes, a root with one child hands over. */
	while (tx->root != NULL && (tx->root->n == 0 ||
	                            (tx->root->height > 1 && tx->root->n == 1))) {
		dz__blk_t *old = tx->root;
		tx->root = old->n == 0 ? NULL : old->slot[0];
		if (tx->root != NULL) {
			atomic_fetch_add(&tx->root->refs, 1);
		}
		tx->bytes_freed += dz__blk_size(old);
		dz__blk_unref(old);
	}
	return ret;
}

/* --- iteration ---------------------------------------------------------- */

void dz_zone_iter_init(dz_zone_iter_t *it, const dz_zone_t *zone)
{
	it->top = -1;
	if (zone->root != NULL) {
		it->top = 0;
		it->blk[0] = zone->root;
		it->idx[0] = 0;
	}
}

bool dz_zone_iter_next(dz_zone_iter_t *it, const dz_node_t **node)
{
	while (it->top >= 0) {
		const dz__blk_t *b = it->blk[it->top];
		unsigned i = it->idx[it->top];
		if (i >= b->n) {
			if (--it->top >= 0) {
				it->idx[it->top]++;
			}
			continue;
		}
		if (b->height == 1) {
			*node = b->slot[i];
			it->idx[it->top]++;
			return true;
		}
		it->top++;
		it->blk[it->top] = b->slot[i];
		it->idx[it->top] = 0;
	}
	return false;
}

int dz_zone_walk(const dz_zone_t *zone, dz_zone_walk_cb cb, void *ctx)
{
	dz_zone_iter_t it;
	const dz_node_t *node;
	dz_zone_iter_init(&it, zone);
	while (dz_zone_iter_next(&it, &node)) {
		int ret = cb(node, ctx);
		if (ret != 0) {
			return ret;
		}
	}
	return 0;
}
