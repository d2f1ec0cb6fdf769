/* SPDX-License-Identifier: BSD-3-Clause */
/* Apply a change set to a zone version, producing the next version by path copying. */
#include "lib/zone/zone_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"

/* One change set record, keyed for grouping by owner. */
typedef struct op {
	const uint8_t *key;
	uint16_t klen;
	bool add;
	size_t seq;
	dz_rr_t rr;
} op_t;

/* One owner's outcome: new node (NULL: the name loses its last record). */
typedef struct change {
	const uint8_t *key;
	uint16_t klen;
	const dz_node_t *old;
	dz_node_t *node;
} change_t;

typedef struct apply_ctx {
	const dz_zone_t *old;
	unsigned flags;
	op_t *ops;
	size_t nops;
	uint8_t *keys;
	change_t *ch;
	size_t nch;
	dz__rec_t *recs;
	size_t rcap;
} apply_ctx_t;

static int op_cmp(const void *pa, const void *pb)
{
	const op_t *a = pa, *b = pb;
	int c = dz__key_cmp(a->key, a->klen, b->key, b->klen);
	if (c == 0) {
		c = (a->add > b->add) - (a->add < b->add);
	}
	if (c == 0) {
		c = (a->seq > b->seq) - (a->seq < b->seq);
	}
	return c;
}

static int load_op(apply_ctx_t *a, const dz_rr_t *rr, bool add, size_t *kpos)
{
	const dz_zone_t *z = a->old;
	if (dz_rrtype_is_meta(rr->type)) {
		return DZ_ETYPE;
	}
	uint8_t *key = a->keys + *kpos;
	int klen = dz_name_to_key(key, rr->owner);
	if (klen < z->okeylen || memcmp(key, z->okey, z->okeylen) != 0) {
		return DZ_EOUTZONE;
	}
	a->ops[a->nops] = (op_t){.key = key, .klen = (uint16_t)klen,
	                         .add = add, .seq = a->nops, .rr = *rr};
	a->nops++;
	*kpos += (size_t)klen;
	return DZ_OK;
}

/* Copy the change set into ops sorted by (owner, removals first, order). */
static int load_ops(apply_ctx_t *a, const dz_changeset_t *ch)
{
	size_t nr = dz_changeset_nremoved(ch), na = dz_changeset_nadded(ch);
	size_t kbytes = DZ_NAME_MAXKEY;
	dz_rr_t rr;
	for (size_t i = 0; i < nr + na; i++) {
		/* A key is at most twice as long as its name (escapes). */
		if (i < nr) {
			(void)dz_changeset_removed(ch, i, &rr);
		} else {
			(void)dz_changeset_added(ch, i - nr, &rr);
		}
		kbytes += 2 * dz_name_len(rr.owner);
	}
	a->ops = malloc((nr + na + 1) * sizeof(op_t));
	a->keys = malloc(kbytes);
	if (a->ops == NULL || a->keys == NULL) {
		return DZ_ENOMEM;
	}
	size_t kpos = 0;
	for (size_t i = 0; i < nr + na; i++) {
		if (i < nr) {
			(void)dz_changeset_removed(ch, i, &rr);
		} else {
			(void)dz_changeset_added(ch, i - nr, &rr);
		}
		int ret = load_op(a, &rr, i >= nr, &kpos);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	qsort(a->ops, a->nops, sizeof(op_t), op_cmp);
	return DZ_OK;
}

static int recs_reserve(apply_ctx_t *a, size_t n)
{
	if (n <= a->rcap) {
		return DZ_OK;
	}
	dz__rec_t *nr = realloc(a->recs, n * sizeof(*nr));
	if (nr == NULL) {
		return DZ_ENOMEM;
	}
	a->recs = nr;
	a->rcap = n;
	return DZ_OK;
}

/* Records of the old node; seq doubles as "alive" (1) / "removed" (0). */
static size_t recs_from_node(dz__rec_t *recs, const dz_node_t *n)
{
	size_t k = 0;
	for (unsigned i = 0; n != NULL && i < dz_node_rrset_count(n); i++) {
		dz_rrset_t set;
		dz_rdata_iter_t it;
		const uint8_t *rd;
		uint16_t len;
		(void)dz_node_rrset_at(n, i, &set);
		dz_rrset_iter(&set, &it);
		while (dz_rrset_next(&it, &rd, &len)) {
			recs[k++] = (dz__rec_t){.rdata = rd, .ttl = set.ttl,
			                        .type = set.type, .rdlen = len,
			                        .seq = 1};
		}
	}
	return k;
}

static dz__rec_t *recs_find(dz__rec_t *recs, size_t n, const dz_rr_t *rr)
{
	for (size_t i = 0; i < n; i++) {
		if (recs[i].seq != 0 && recs[i].type == rr->type &&
		    dz_rdata_cmp(rr->type, recs[i].rdata, recs[i].rdlen,
		                 rr->rdata, rr->rdlen) == 0) {
			return &recs[i];
		}
	}
	return NULL;
}

static void set_ttl(dz__rec_t *recs, size_t n, uint16_t type, uint32_t ttl,
                    bool *changed)
{
	for (size_t i = 0; i < n; i++) {
		if (recs[i].seq != 0 && recs[i].type == type &&
		    recs[i].ttl != ttl) {
			recs[i].ttl = ttl;
			*changed = true;
		}
	}
}

/* Apply ops [i, j) of one owner to the records in a->recs[0, *n). */
static int apply_ops(apply_ctx_t *a, size_t i, size_t j, size_t *n,
                     bool *changed)
{
	for (size_t k = i; k < j; k++) {
		const dz_rr_t *rr = &a->ops[k].rr;
		dz__rec_t *r = recs_find(a->recs, *n, rr);
		if (!a->ops[k].add) {
			if (r == NULL && !(a->flags & DZ_APPLY_LENIENT)) {
				return DZ_ENOTFOUND;
			}
			if (r != NULL) {
				r->seq = 0;
				*changed = true;
			}
			continue;
		}
		if (r == NULL) {
			a->recs[(*n)++] = (dz__rec_t){.rdata = rr->rdata,
			                              .ttl = rr->ttl,
			                              .type = rr->type,
			                              .rdlen = rr->rdlen,
			                              .seq = 1};
			*changed = true;
		}
		/* The newest addition sets the RRset's TTL (RFC 2181 §5.2). */
		set_ttl(a->recs, *n, rr->type, rr->ttl, changed);
	}
	return DZ_OK;
}

static size_t recs_compact(dz__rec_t *recs, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (recs[i].seq != 0) {
			recs[out++] = recs[i];
		}
	}
	return out;
}

/* Ops [i, j) share one owner: compute that owner's new node. */
static int owner_change(apply_ctx_t *a, size_t i, size_t j)
{
	const op_t *op = &a->ops[i];
	const dz_node_t *old = dz__tree_get(a->old->root, a->old->okeylen, op->key, op->klen);
	size_t cap = (old ? dz__node_records(old) : 0) + (j - i);
	if (recs_reserve(a, cap) != DZ_OK) {
		return DZ_ENOMEM;
	}
	size_t n = recs_from_node(a->recs, old);
	bool changed = false;
	int ret = apply_ops(a, i, j, &n, &changed);
	if (ret != DZ_OK || !changed) {
		return ret;
	}
	n = dz__recs_sort(a->recs, recs_compact(a->recs, n));
	change_t *c = &a->ch[a->nch];
	*c = (change_t){.key = op->key, .klen = op->klen, .old = old};
	if (n > 0) {
		/* Keep the spelling of an existing owner. */
		const uint8_t *name = old ? dz_node_name(old) : op->rr.owner;
		ret = dz__node_new(name, op->key, op->klen, a->recs, n,
		                   &c->node);
	}
	if (ret == DZ_OK && (old != NULL || c->node != NULL)) {
		a->nch++;
	}
	return ret;
}

static int collect_changes(apply_ctx_t *a)
{
	a->ch = malloc((a->nops + 1) * sizeof(change_t));
	if (a->ch == NULL) {
		return DZ_ENOMEM;
	}
	size_t i = 0;
	while (i < a->nops) {
		size_t j = i + 1;
		while (j < a->nops &&
		       dz__key_cmp(a->ops[i].key, a->ops[i].klen, a->ops[j].key,
		                   a->ops[j].klen) == 0) {
			j++;
		}
		int ret = owner_change(a, i, j);
		if (ret != DZ_OK) {
			return ret;
		}
		i = j;
	}
	return DZ_OK;
}

/* Put every change into a path-copied tree; the tree takes each node. */
static int commit(apply_ctx_t *a, dz_zone_t **out)
{
	const dz_zone_t *old = a->old;
	dz_zone_t *z;
	int ret = dz__zone_alloc(old->origin, &z);
	if (ret != DZ_OK) {
		return ret;
	}
	z->gen = old->gen + 1;
	z->st = old->st;
	z->ncuts = old->ncuts;
	dz__tree_tx_t tx = {.root = old->root, .gen = z->gen,
	                     .skip = old->okeylen};
	if (tx.root != NULL) {
		atomic_fetch_add(&tx.root->refs, 1);
	}
	size_t node_bytes = 0;
	for (size_t k = 0; k < a->nch; k++) {
		change_t *c = &a->ch[k];
		if (c->old != NULL) {
			dz__zone_count(z, c->old, -1);
		}
		if (c->node != NULL) {
			dz__zone_count(z, c->node, +1);
			node_bytes += dz__node_bytes(c->node);
		}
		dz_node_t *node = c->node;
		c->node = NULL; /* the tree owns it now, even on failure */
		ret = dz__tree_set(&tx, c->key, c->klen, node);
		if (ret != DZ_OK) {
			dz__blk_unref(tx.root);
			free(z);
			return ret;
		}
	}
	z->root = tx.root;
	z->st.bytes += tx.bytes_new - tx.bytes_freed;
	z->st.bytes_new = tx.bytes_new + node_bytes + sizeof(*z);
	dz__zone_refresh(z);
	*out = z;
	return DZ_OK;
}

int dz_zone_apply(const dz_zone_t *old, const dz_changeset_t *ch,
                  unsigned flags, dz_zone_t **out)
{
	if (old == NULL || ch == NULL || out == NULL) {
		return DZ_EINVAL;
	}
	apply_ctx_t a = {.old = old, .flags = flags};
	int ret = load_ops(&a, ch);
	if (ret == DZ_OK) {
		ret = collect_changes(&a);
	}
	if (ret == DZ_OK) {
		ret = commit(&a, out);
	}
	for (size_t k = 0; a.ch != NULL && k < a.nch; k++) {
		dz__node_unref(a.ch[k].node);
	}
	free(a.ch);
	free(a.recs);
	free(a.keys);
	free(a.ops);
	return ret;
}
