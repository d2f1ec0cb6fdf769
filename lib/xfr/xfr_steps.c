/* SPDX-License-Identifier: BSD-3-Clause */
/* Journal steps for IXFR: SOA lookup, chain checks and condensing several steps
 * into one difference. */
#include "lib/xfr/xfr.h"

#include <stdlib.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/xfr/xfr_internal.h"
#include "lib/zone/changeset.h"

const char *dz_xfr_kind_str(dz_xfr_kind_t kind)
{
	switch (kind) {
	case DZ_XFR_UPTODATE:
		return "up-to-date";
	case DZ_XFR_IXFR:
		return "ixfr";
	case DZ_XFR_AXFR:
		return "axfr";
	case DZ_XFR_AXFR_STYLE:
		return "axfr-style";
	default:
		return "none";
	}
}

/* Length of the uncompressed name at rdata[pos], bounded by len. */
static int skip_name(const uint8_t *rdata, size_t len, size_t pos, size_t *end)
{
	while (pos < len) {
		uint8_t l = rdata[pos];
		if (l == 0) {
			*end = pos + 1;
			return DZ_OK;
		}
		if (l > DZ_NAME_MAXLABEL) {
			return DZ_EMALF;
		}
		pos += (size_t)l + 1;
	}
	return DZ_EMALF;
}

int dz__xfr_soa_serial(const uint8_t *rdata, size_t len, uint32_t *serial)
{
	size_t pos = 0;
	/* MNAME, RNAME, then five 32-bit numbers, SERIAL first. */
	if (skip_name(rdata, len, 0, &pos) != DZ_OK ||
	    skip_name(rdata, len, pos, &pos) != DZ_OK || len - pos != 20) {
		return DZ_EMALF;
	}
	const uint8_t *p = rdata + pos;
	*serial = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	          (uint32_t)p[2] << 8 | p[3];
	return DZ_OK;
}

int dz__xfr_find_soa(const dz_changeset_t *ch, const uint8_t *origin,
                     bool added, size_t *idx, uint32_t *serial)
{
	size_t n = added ? dz_changeset_nadded(ch) : dz_changeset_nremoved(ch);
	dz_rr_t rr;

	for (size_t i = 0; i < n; i++) {
		(void)(added ? dz_changeset_added(ch, i, &rr)
		             : dz_changeset_removed(ch, i, &rr));
		if (rr.type != DZ_RR_SOA || !dz_name_equal(rr.owner, origin)) {
			continue;
		}
		if (dz__xfr_soa_serial(rr.rdata, rr.rdlen, serial) != DZ_OK) {
			return DZ_ENOSOA;
		}
		*idx = i;
		return DZ_OK;
	}
	return DZ_ENOSOA;
}

bool dz__xfr_steps_chain(const dz_xfr_step_t *steps, size_t nsteps,
                         const uint8_t *origin, uint32_t from, uint32_t to)
{
	uint32_t at = from, s;
	size_t idx;

	if (nsteps == 0) {
		return false;
	}
	for (size_t i = 0; i < nsteps; i++) {
		const dz_xfr_step_t *st = &steps[i];
		if (st->ch == NULL || st->from != at ||
		    dz__xfr_find_soa(st->ch, origin, false, &idx, &s) !=
		            DZ_OK ||
		    s != st->from ||
		    dz__xfr_find_soa(st->ch, origin, true, &idx, &s) != DZ_OK ||
		    s != st->to) {
			return false;
		}
		at = st->to;
	}
	return at == to;
}

/* --- condensing ----------------------------------------------------------- */

/* One non-SOA record of some step; seq orders the operations in time. */
typedef struct ent {
	dz_rr_t rr;
	size_t seq;
	bool add;
} ent_t;

/* Canonical order (RFC 4034 §6) of records, then time. */
static int ent_cmp(const void *pa, const void *pb)
{
	const ent_t *a = pa, *b = pb;
	int c = dz_name_cmp(a->rr.owner, b->rr.owner);
	if (c == 0 && a->rr.type != b->rr.type) {
		c = a->rr.type < b->rr.type ? -1 : 1;
	}
	if (c == 0) {
		c = dz_rdata_cmp(a->rr.type, a->rr.rdata, a->rr.rdlen,
		                 b->rr.rdata, b->rr.rdlen);
	}
	if (c == 0) {
		c = a->seq < b->seq ? -1 : a->seq > b->seq;
	}
	return c;
}

static bool same_record(const ent_t *a, const ent_t *b)
{
	return a->rr.type == b->rr.type &&
	       dz_name_equal(a->rr.owner, b->rr.owner) &&
	       dz_rdata_cmp(a->rr.type, a->rr.rdata, a->rr.rdlen, b->rr.rdata,
	                    b->rr.rdlen) == 0;
}

/* Append the non-SOA records of one list of a step to v. */
static void collect_list(const dz_changeset_t *ch, bool added, size_t skip,
                         ent_t *v, size_t *n)
{
	size_t cnt =
	        added ? dz_changeset_nadded(ch) : dz_changeset_nremoved(ch);
	for (size_t i = 0; i < cnt; i++) {
		if (i == skip) {
			continue;
		}
		ent_t *e = &v[*n];
		(void)(added ? dz_changeset_added(ch, i, &e->rr)
		             : dz_changeset_removed(ch, i, &e->rr));
		e->seq = *n;
		e->add = added;
		(*n)++;
	}
}

static int put_rr(dz_changeset_t *ch, bool added, const dz_rr_t *rr)
{
	return added ? dz_changeset_add_added(ch, rr->owner, rr->type, rr->ttl,
	                                      rr->rdata, rr->rdlen)
	             : dz_changeset_add_removed(ch, rr->owner, rr->type,
	                                        rr->ttl, rr->rdata, rr->rdlen);
}

/*
 * The net effect of one record's operations: it existed before the steps
 * iff its first operation is a removal, and exists after them iff its last
 * one is an addition (the journal only adds what is absent; a TTL change is
 * a removal plus an addition, as dz_zone_diff writes it).
 */
static int net_group(dz_changeset_t *out, const ent_t *first, const ent_t *last)
{
	bool before = !first->add, after = last->add;
	int ret = DZ_OK;

	if (before && (!after || first->rr.ttl != last->rr.ttl)) {
		ret = put_rr(out, false, &first->rr);
	}
	if (ret == DZ_OK && after &&
	    (!before || first->rr.ttl != last->rr.ttl)) {
		ret = put_rr(out, true, &last->rr);
	}
	return ret;
}

static int condense_sorted(dz_changeset_t *out, const ent_t *v, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && same_record(&v[i], &v[j])) {
			j++;
		}
		int ret = net_group(out, &v[i], &v[j - 1]);
		if (ret != DZ_OK) {
			return ret;
		}
		i = j;
	}
	return DZ_OK;
}

/* The old SOA of the first step and the new SOA of the last one. */
static int put_soas(dz_changeset_t *out, const dz_xfr_step_t *steps,
                    size_t nsteps, const uint8_t *origin)
{
	size_t i;
	uint32_t s;
	dz_rr_t rr;

	(void)dz__xfr_find_soa(steps[0].ch, origin, false, &i, &s);
	(void)dz_changeset_removed(steps[0].ch, i, &rr);
	int ret = put_rr(out, false, &rr);
	if (ret != DZ_OK) {
		return ret;
	}
	(void)dz__xfr_find_soa(steps[nsteps - 1].ch, origin, true, &i, &s);
	(void)dz_changeset_added(steps[nsteps - 1].ch, i, &rr);
	return put_rr(out, true, &rr);
}

/* The origin is the owner of the first step's SOA (any SOA it removes). */
static const uint8_t *steps_origin(const dz_xfr_step_t *steps)
{
	size_t n = dz_changeset_nremoved(steps[0].ch);
	dz_rr_t rr;
	for (size_t i = 0; i < n; i++) {
		(void)dz_changeset_removed(steps[0].ch, i, &rr);
		if (rr.type == DZ_RR_SOA) {
			return rr.owner;
		}
	}
	return NULL;
}

static size_t steps_records(const dz_xfr_step_t *steps, size_t nsteps)
{
	size_t total = 0;
	for (size_t i = 0; i < nsteps; i++) {
		total += dz_changeset_nremoved(steps[i].ch) +
		         dz_changeset_nadded(steps[i].ch);
	}
	return total;
}

int dz_xfr_out_condense(const dz_xfr_step_t *steps, size_t nsteps,
                        dz_changeset_t **out)
{
	if (nsteps == 0 || steps[0].ch == NULL) {
		return DZ_EINVAL;
	}
	const uint8_t *origin = steps_origin(steps);
	if (origin == NULL ||
	    !dz__xfr_steps_chain(steps, nsteps, origin, steps[0].from,
	                         steps[nsteps - 1].to)) {
		return DZ_EINVAL;
	}
	size_t total = steps_records(steps, nsteps), n = 0;
	ent_t *v = malloc((total > 0 ? total : 1) * sizeof(*v));
	dz_changeset_t *ch = NULL;
	int ret = v != NULL ? dz_changeset_new(&ch) : DZ_ENOMEM;
	if (ret != DZ_OK) {
		goto cleanup;
	}
	for (size_t i = 0; i < nsteps; i++) {
		size_t rs, as;
		uint32_t s;
		(void)dz__xfr_find_soa(steps[i].ch, origin, false, &rs, &s);
		(void)dz__xfr_find_soa(steps[i].ch, origin, true, &as, &s);
		collect_list(steps[i].ch, false, rs, v, &n);
		collect_list(steps[i].ch, true, as, v, &n);
	}
	qsort(v, n, sizeof(*v), ent_cmp);
	ret = put_soas(ch, steps, nsteps, origin);
	if (ret == DZ_OK) {
		ret = condense_sorted(ch, v, n);
	}
	if (ret == DZ_OK) {
		*out = ch;
		ch = NULL;
	}
cleanup:
	dz_changeset_free(ch);
	free(v);
	return ret;
}
