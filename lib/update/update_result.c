/* SPDX-License-Identifier: BSD-3-Clause */
/* End of an update: the serial bump, the change set in journal form, and the
 * new version. */
#include "lib/update/update_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "lib/zone/serial.h"
#include "lib/zone/zone.h"

/* --- SOA rdata ----------------------------------------------------------- */

static bool skip_name(const uint8_t *rd, size_t len, size_t *pos)
{
	size_t p = *pos;
	while (p < len) {
		uint8_t l = rd[p];
		if (l == 0) {
			*pos = p + 1;
			return true;
		}
		if (l > DZ_NAME_MAXLABEL) {
			return false;
		}
		p += 1 + (size_t)l;
	}
	return false;
}

bool dz__soa_serial_off(const uint8_t *rdata, size_t rdlen, size_t *off)
{
	size_t p = 0;
	/* MNAME, RNAME, then SERIAL REFRESH RETRY EXPIRE MINIMUM. */
	if (!skip_name(rdata, rdlen, &p) || !skip_name(rdata, rdlen, &p) ||
	    rdlen - p < 20) {
		return false;
	}
	*off = p;
	return true;
}

uint32_t dz__soa_serial(const uint8_t *rdata, size_t rdlen)
{
	size_t p;
	if (!dz__soa_serial_off(rdata, rdlen, &p)) {
		return 0;
	}
	return (uint32_t)rdata[p] << 24 | (uint32_t)rdata[p + 1] << 16 |
	       (uint32_t)rdata[p + 2] << 8 | rdata[p + 3];
}

/* --- comparing old and current records ------------------------------------ */

static int rec_cmp(const void *pa, const void *pb)
{
	const dz__urec_t *a = pa, *b = pb;
	if (a->type != b->type) {
		return a->type < b->type ? -1 : 1;
	}
	return dz_rdata_cmp(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen);
}

static bool name_changed(const dz__uname_t *n)
{
	if (n->ncur != n->norig) {
		return true;
	}
	for (uint32_t i = 0; i < n->ncur; i++) {
		if (n->cur[i].ttl != n->orig[i].ttl ||
		    rec_cmp(&n->cur[i], &n->orig[i]) != 0) {
			return true;
		}
	}
	return false;
}

/* Sort every touched name's records; true if any name changed. */
static bool sort_and_compare(dz__update_t *u)
{
	bool changed = false;
	for (uint32_t i = 0; i < u->nnames; i++) {
		dz__uname_t *n = &u->names[i];
		if (n->norig > 1) {
			qsort(n->orig, n->norig, sizeof(*n->orig), rec_cmp);
		}
		if (n->ncur > 1) {
			qsort(n->cur, n->ncur, sizeof(*n->cur), rec_cmp);
		}
		changed = changed || name_changed(n);
	}
	return changed;
}

/* --- serial -------------------------------------------------------------- */

static dz__urec_t *find_soa(dz__urec_t *recs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (recs[i].type == DZ_RR_SOA) {
			return &recs[i];
		}
	}
	return NULL;
}

/* RFC 2136 §3.6 and §3.7: one increment per update, by the zone's policy,
 * unless the update itself installed a newer serial. */
static int bump_serial(dz__update_t *u)
{
	dz__uname_t *apex = &u->names[u->apex];
	dz__urec_t *old = find_soa(apex->orig, apex->norig);
	dz__urec_t *cur = find_soa(apex->cur, apex->ncur);
	size_t off;
	if (old == NULL || cur == NULL ||
	    !dz__soa_serial_off(cur->rdata, cur->rdlen, &off)) {
		return DZ_ENOSOA;
	}
	uint32_t was = dz__soa_serial(old->rdata, old->rdlen), next;
	if (u->soa_set && dz_serial_cmp(dz__soa_serial(cur->rdata, cur->rdlen),
	                                was) == DZ_SERIAL_GT) {
		return DZ_OK;
	}
	int ret = dz_serial_next(was, u->opts->serial_policy, u->opts->now,
	                         &next);
	if (ret != DZ_OK) {
		return ret;
	}
	uint8_t *rd = dz__update_alloc(u, cur->rdlen);
	if (rd == NULL) {
		return DZ_ENOMEM;
	}
	memcpy(rd, cur->rdata, cur->rdlen);
	rd[off] = (uint8_t)(next >> 24);
	rd[off + 1] = (uint8_t)(next >> 16);
	rd[off + 2] = (uint8_t)(next >> 8);
	rd[off + 3] = (uint8_t)next;
	cur->rdata = rd;
	return DZ_OK;
}

/* --- change set ---------------------------------------------------------- */

static int put(dz_changeset_t *ch, bool add, const uint8_t *owner,
               const dz__urec_t *r)
{
	if (add) {
		return dz_changeset_add_added(ch, owner, r->type, r->ttl,
		                              r->rdata, r->rdlen);
	}
	return dz_changeset_add_removed(ch, owner, r->type, r->ttl, r->rdata,
	                                r->rdlen);
}

static int put_all(dz_changeset_t *ch, bool add, const uint8_t *owner,
                   const dz__urec_t *r, uint32_t n)
{
	int ret = DZ_OK;
	for (uint32_t i = 0; ret == DZ_OK && i < n; i++) {
		ret = put(ch, add, owner, &r[i]);
	}
	return ret;
}

/* One type's records: a TTL change replaces the RRset whole (as
 * dz_zone_diff does), otherwise a sorted merge. */
static int diff_type(dz_changeset_t *ch, const uint8_t *owner,
                     const dz__urec_t *a, uint32_t na, const dz__urec_t *b,
                     uint32_t nb)
{
	if (na > 0 && nb > 0 && a[0].ttl != b[0].ttl) {
		int ret = put_all(ch, false, owner, a, na);
		return ret == DZ_OK ? put_all(ch, true, owner, b, nb) : ret;
	}
	uint32_t i = 0, j = 0;
	int ret = DZ_OK;
	while (ret == DZ_OK && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : rec_cmp(&a[i], &b[j]);
		if (c < 0) {
			ret = put(ch, false, owner, &a[i++]);
		} else if (c > 0) {
			ret = put(ch, true, owner, &b[j++]);
		} else {
			i++;
			j++;
		}
	}
	return ret;
}

static uint32_t type_run(const dz__urec_t *r, uint32_t n, uint32_t i,
                         uint16_t type)
{
	uint32_t k = i;
	while (k < n && r[k].type == type) {
		k++;
	}
	return k - i;
}

/* Changes at one name; the apex SOA is written first by the caller. */
static int diff_name(dz_changeset_t *ch, const dz__uname_t *n)
{
	uint32_t i = 0, j = 0;
	int ret = DZ_OK;
	while (ret == DZ_OK && (i < n->norig || j < n->ncur)) {
		uint16_t ta = i < n->norig ? n->orig[i].type : UINT16_MAX;
		uint16_t tb = j < n->ncur ? n->cur[j].type : UINT16_MAX;
		uint16_t t = ta < tb ? ta : tb;
		uint32_t na = type_run(n->orig, n->norig, i, t);
		uint32_t nb = type_run(n->cur, n->ncur, j, t);
		if (!(n->apex && t == DZ_RR_SOA)) {
			/* A new name has no orig array, a cleared one may
			 * have no cur array: no pointer arithmetic on NULL. */
			ret = diff_type(ch, n->owner,
			                na > 0 ? &n->orig[i] : NULL, na,
			                nb > 0 ? &n->cur[j] : NULL, nb);
		}
		i += na;
		j += nb;
	}
	return ret;
}

static int name_ptr_cmp(const void *pa, const void *pb)
{
	const dz__uname_t *a = *(const dz__uname_t *const *)pa;
	const dz__uname_t *b = *(const dz__uname_t *const *)pb;
	return dz_name_cmp(a->owner, b->owner);
}

/* Journal/IXFR form (RFC 1995 §4): old SOA first among the removals, new
 * SOA first among the additions, then every name in canonical order. */
static int build_changeset(dz__update_t *u, dz_changeset_t *ch)
{
	const dz__uname_t *apex = &u->names[u->apex];
	const dz__urec_t *old = find_soa(apex->orig, apex->norig);
	const dz__urec_t *cur = find_soa(apex->cur, apex->ncur);
	int ret = put(ch, false, apex->owner, old);
	if (ret == DZ_OK) {
		ret = put(ch, true, apex->owner, cur);
	}
	const dz__uname_t **order = malloc(u->nnames * sizeof(*order));
	if (order == NULL) {
		return DZ_ENOMEM;
	}
	for (uint32_t i = 0; i < u->nnames; i++) {
		order[i] = &u->names[i];
	}
	qsort(order, u->nnames, sizeof(*order), name_ptr_cmp);
	for (uint32_t i = 0; ret == DZ_OK && i < u->nnames; i++) {
		ret = diff_name(ch, order[i]);
	}
	free(order);
	return ret;
}

static int finish(dz__update_t *u, dz_zone_t **new_zone,
                  dz_changeset_t **changes)
{
	dz_changeset_t *ch = NULL;
	dz_zone_t *nz = NULL;
	int ret = bump_serial(u);
	if (ret == DZ_OK) {
		ret = dz_changeset_new(&ch);
	}
	if (ret == DZ_OK) {
		ret = build_changeset(u, ch);
	}
	if (ret == DZ_OK) {
		ret = dz_zone_apply(u->zone, ch, 0, &nz);
	}
	if (ret != DZ_OK) {
		dz_changeset_free(ch);
		dz__update_at(u, DZ_UPDATE_SEC_NONE, 0, u->origin, DZ_RR_SOA,
		              DZ_CLASS_IN);
		return dz__update_fail(u, ret, DZ_RCODE_SERVFAIL,
		                       "cannot make the new version: %s",
		                       dz_strerror(ret));
	}
	*new_zone = nz;
	*changes = ch;
	return DZ_OK;
}

int dz__update_result(dz__update_t *u, dz_zone_t **new_zone,
                      dz_changeset_t **changes)
{
	if (!sort_and_compare(u)) {
		/* Nothing changed: no new version, no serial bump, and no name
		 * server check (BIND checks only a non-empty diff). */
		*new_zone = NULL;
		*changes = NULL;
		return DZ_OK;
	}
	dz_zone_t *nz = NULL;
	dz_changeset_t *ch = NULL;
	int ret = finish(u, &nz, &ch);
	if (ret != DZ_OK) {
		return ret;
	}
	/* Checked on the version the update would publish: its lookups see
	 * zone cuts, DNAMEs, wildcards and empty non-terminals as queries
	 * would. */
	ret = dz__update_nscheck(u, nz);
	if (ret != DZ_OK) {
		dz_zone_unref(nz);
		dz_changeset_free(ch);
		return ret;
	}
	*new_zone = nz;
	*changes = ch;
	return DZ_OK;
}
