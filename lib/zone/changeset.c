/* SPDX-License-Identifier: BSD-3-Clause */
/* Change sets: owned lists of removed and added records in insertion order. */
#include "lib/zone/changeset.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"

/* Owner and rdata of every entry live in one growing blob (one allocation
 * per doubling, not per record); entries refer to it by offset. */
typedef struct cs_entry {
	size_t off;
	uint32_t ttl;
	uint16_t type;
	uint16_t rdlen;
	uint8_t namelen;
} cs_entry_t;

typedef struct cs_list {
	cs_entry_t *v;
	size_t n, cap;
} cs_list_t;

struct dz_changeset {
	uint8_t *blob;
	size_t used, cap;
	cs_list_t removed, added;
};

int dz_changeset_new(dz_changeset_t **out)
{
	dz_changeset_t *ch = calloc(1, sizeof(*ch));
	if (ch == NULL) {
		return DZ_ENOMEM;
	}
	*out = ch;
	return DZ_OK;
}

void dz_changeset_free(dz_changeset_t *ch)
{
	if (ch == NULL) {
		return;
	}
	free(ch->blob);
	free(ch->removed.v);
	free(ch->added.v);
	free(ch);
}

static int blob_reserve(dz_changeset_t *ch, size_t more)
{
	if (ch->cap - ch->used >= more) {
		return DZ_OK;
	}
	size_t cap = ch->cap ? ch->cap : 1024;
	while (cap - ch->used < more) {
		cap *= 2;
	}
	uint8_t *nb = realloc(ch->blob, cap);
	if (nb == NULL) {
		return DZ_ENOMEM;
	}
	ch->blob = nb;
	ch->cap = cap;
	return DZ_OK;
}

static int list_reserve(cs_list_t *l)
{
	if (l->n < l->cap) {
		return DZ_OK;
	}
	size_t cap = l->cap ? 2 * l->cap : 16;
	cs_entry_t *nv = realloc(l->v, cap * sizeof(*nv));
	if (nv == NULL) {
		return DZ_ENOMEM;
	}
	l->v = nv;
	l->cap = cap;
	return DZ_OK;
}

static int cs_append(dz_changeset_t *ch, cs_list_t *l, const uint8_t *owner,
                     uint16_t type, uint32_t ttl, const uint8_t *rdata,
                     uint16_t rdlen)
{
	if (ch == NULL || owner == NULL || (rdata == NULL && rdlen > 0)) {
		return DZ_EINVAL;
	}
	size_t namelen = dz_name_len(owner);
	int ret = blob_reserve(ch, namelen + rdlen);
	if (ret == DZ_OK) {
		ret = list_reserve(l);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	cs_entry_t *e = &l->v[l->n++];
	*e = (cs_entry_t){.off = ch->used, .ttl = ttl, .type = type,
	                  .rdlen = rdlen, .namelen = (uint8_t)namelen};
	memcpy(ch->blob + ch->used, owner, namelen);
	if (rdlen > 0) {
		memcpy(ch->blob + ch->used + namelen, rdata, rdlen);
	}
	ch->used += namelen + rdlen;
	return DZ_OK;
}

int dz_changeset_add_removed(dz_changeset_t *ch, const uint8_t *owner,
                             uint16_t type, uint32_t ttl, const uint8_t *rdata,
                             uint16_t rdlen)
{
	return cs_append(ch, &ch->removed, owner, type, ttl, rdata, rdlen);
}

int dz_changeset_add_added(dz_changeset_t *ch, const uint8_t *owner,
                           uint16_t type, uint32_t ttl, const uint8_t *rdata,
                           uint16_t rdlen)
{
	return cs_append(ch, &ch->added, owner, type, ttl, rdata, rdlen);
}

size_t dz_changeset_nremoved(const dz_changeset_t *ch)
{
	return ch->removed.n;
}

size_t dz_changeset_nadded(const dz_changeset_t *ch)
{
	return ch->added.n;
}

bool dz_changeset_is_empty(const dz_changeset_t *ch)
{
	return ch->removed.n == 0 && ch->added.n == 0;
}

static int cs_get(const dz_changeset_t *ch, const cs_list_t *l, size_t i,
                  dz_rr_t *rr)
{
	if (i >= l->n) {
		return DZ_ERANGE;
	}
	const cs_entry_t *e = &l->v[i];
	*rr = (dz_rr_t){.owner = ch->blob + e->off, .type = e->type,
	                .ttl = e->ttl, .rdata = ch->blob + e->off + e->namelen,
	                .rdlen = e->rdlen};
	return DZ_OK;
}

int dz_changeset_removed(const dz_changeset_t *ch, size_t i, dz_rr_t *rr)
{
	return cs_get(ch, &ch->removed, i, rr);
}

int dz_changeset_added(const dz_changeset_t *ch, size_t i, dz_rr_t *rr)
{
	return cs_get(ch, &ch->added, i, rr);
}
