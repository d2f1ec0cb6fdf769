/* SPDX-License-Identifier: BSD-3-Clause */
/* The overlay of an update: an arena, the touched names, and their old and
 * current records. */
#include "lib/update/update_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zone.h"

/* Arena chunks: owners and decoded rdata live until the update ends. */
struct dz__chunk {
	dz__chunk_t *next;
	size_t used, cap;
	uint8_t data[];
};

#define CHUNK_SIZE 16384

int dz__update_init(dz__update_t *u, uint32_t max_names)
{
	/* A power of two at least twice the names keeps probing short. */
	uint32_t hsize = 16;
	while (hsize < 2 * (uint64_t)max_names) {
		hsize *= 2;
	}
	u->htab = calloc(hsize, sizeof(*u->htab));
	u->names = calloc(max_names, sizeof(*u->names));
	u->scratch = malloc(DZ_RDATA_MAXLEN);
	if (u->htab == NULL || u->names == NULL || u->scratch == NULL) {
		return DZ_ENOMEM;
	}
	u->hmask = hsize - 1;
	u->names_cap = max_names;
	return DZ_OK;
}

void dz__update_clear(dz__update_t *u)
{
	for (uint32_t i = 0; i < u->nnames; i++) {
		free(u->names[i].orig);
		free(u->names[i].cur);
	}
	free(u->names);
	free(u->htab);
	free(u->scratch);
	free(u->urr);
	while (u->chunks != NULL) {
		dz__chunk_t *next = u->chunks->next;
		free(u->chunks);
		u->chunks = next;
	}
}

void *dz__update_alloc(dz__update_t *u, size_t n)
{
	dz__chunk_t *c = u->chunks;
	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		c = malloc(sizeof(*c) + cap);
		if (c == NULL) {
			return NULL;
		}
		c->cap = cap;
		c->used = 0;
		c->next = u->chunks;
		u->chunks = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

/* Records of the name in the old version (rdata borrowed from the zone). */
static int load_node(dz__uname_t *n, const dz_node_t *node)
{
	uint32_t total = 0;
	unsigned nsets = dz_node_rrset_count(node);
	dz_rrset_t set;
	for (unsigned i = 0; i < nsets; i++) {
		(void)dz_node_rrset_at(node, i, &set);
		total += set.count;
	}
	n->orig = malloc((total + 1) * sizeof(*n->orig));
	n->cur = malloc((total + 4) * sizeof(*n->cur));
	if (n->orig == NULL || n->cur == NULL) {
		return DZ_ENOMEM;
	}
	for (unsigned i = 0; i < nsets; i++) {
		dz_rdata_iter_t it;
		const uint8_t *rd;
		uint16_t len;
		(void)dz_node_rrset_at(node, i, &set);
		dz_rrset_iter(&set, &it);
		while (dz_rrset_next(&it, &rd, &len)) {
			n->orig[n->norig++] = (dz__urec_t){.rdata = rd,
			                                   .ttl = set.ttl,
			                                   .type = set.type,
			                                   .rdlen = len};
		}
	}
	memcpy(n->cur, n->orig, n->norig * sizeof(*n->cur));
	n->ncur = n->norig;
	n->cap = total + 4;
	return DZ_OK;
}

static int new_name(dz__update_t *u, const uint8_t *owner, uint32_t *idx)
{
	if (u->nnames == u->names_cap) {
		return DZ_ENOMEM; /* sized by the caller; cannot happen */
	}
	dz__uname_t *n = &u->names[u->nnames];
	const dz_node_t *node = dz_zone_node(u->zone, owner);
	n->apex = dz_name_equal(owner, u->origin);
	if (node != NULL) {
		n->owner = dz_node_name(node);
		int ret = load_node(n, node);
		u->nnames++; /* even on failure, so that clear frees it */
		*idx = u->nnames - 1;
		return ret;
	}
	uint8_t *copy = dz__update_alloc(u, dz_name_len(owner));
	if (copy == NULL) {
		return DZ_ENOMEM;
	}
	(void)dz_name_copy(copy, owner);
	n->owner = copy;
	*idx = u->nnames++;
	return DZ_OK;
}

int dz__update_name(dz__update_t *u, const uint8_t *owner, uint32_t *idx)
{
	uint32_t h = dz_name_hash(owner) & u->hmask;
	while (u->htab[h] != 0) {
		uint32_t i = u->htab[h] - 1;
		if (dz_name_equal(u->names[i].owner, owner)) {
			*idx = i;
			return DZ_OK;
		}
		h = (h + 1) & u->hmask;
	}
	int ret = new_name(u, owner, idx);
	if (ret == DZ_OK) {
		u->htab[h] = *idx + 1;
	}
	return ret;
}

int dz__uname_append(dz__uname_t *n, const dz__urec_t *rec)
{
	if (n->ncur == n->cap) {
		uint32_t cap = n->cap < 8 ? 8 : n->cap * 2;
		dz__urec_t *cur = realloc(n->cur, cap * sizeof(*cur));
		if (cur == NULL) {
			return DZ_ENOMEM;
		}
		n->cur = cur;
		n->cap = cap;
	}
	n->cur[n->ncur++] = *rec;
	return DZ_OK;
}

void dz__uname_drop(dz__uname_t *n, uint32_t i)
{
	n->cur[i] = n->cur[--n->ncur];
}

uint32_t dz__uname_count(const dz__uname_t *n, uint16_t type)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < n->ncur; i++) {
		k += n->cur[i].type == type;
	}
	return k;
}

int64_t dz__uname_find(const dz__uname_t *n, uint16_t type,
                       const uint8_t *rdata, uint16_t rdlen)
{
	for (uint32_t i = 0; i < n->ncur; i++) {
		const dz__urec_t *r = &n->cur[i];
		if (r->type == type &&
		    dz_rdata_cmp(type, r->rdata, r->rdlen, rdata, rdlen) == 0) {
			return i;
		}
	}
	return -1;
}
