/* SPDX-License-Identifier: BSD-3-Clause */
/* Incoming transfers: building the new version (full zone or strict difference
 * steps) and handing it over. */
#include "lib/xfr/xfr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/xfr/xfr_in_internal.h"
#include "lib/xfr/xfr_internal.h"
#include "lib/zone/changeset.h"
#include "lib/zone/serial.h"
#include "lib/zone/zone.h"
#include "lib/zone/zonefile.h"

/* "owner TYPE" of the current record, for diagnostics. */
static void cur_str(const dz_xfr_in_t *in, char *dst, size_t len)
{
	char name[DZ_NAME_MAXSTR], t[16];
	(void)dz_name_to_str(name, sizeof(name), in->cur.owner);
	(void)dz_rrtype_to_str(in->cur.type, t, sizeof(t));
	(void)snprintf(dst, len, "%s %s", name, t);
}

/* --- full zone (AXFR, AXFR-style IXFR) ------------------------------------ */

int dz__xfr_in_axfr_begin(dz_xfr_in_t *in, dz_xfr_kind_t kind)
{
	int ret = dz_zone_builder_new(in->origin, &in->builder);
	if (ret != DZ_OK) {
		return dz__xfr_in_fail(in, ret, "out of memory");
	}
	ret = dz_zone_builder_add(in->builder, in->origin, DZ_RR_SOA,
	                          DZ_CLASS_IN, in->soa_ttl, in->soa,
	                          in->soa_len);
	if (ret != DZ_OK) {
		return dz__xfr_in_fail(in, ret, "cannot add the SOA");
	}
	in->kind = kind;
	in->state = XST_AXFR;
	return DZ_OK;
}

/* RFC 5936 §2.2: the zone ends with its SOA again. */
static int axfr_end(dz_xfr_in_t *in)
{
	if (in->cur_serial != in->end_serial) {
		return dz__xfr_in_fail(in, DZ_EXFRBAD,
		                       "SOA serial %u inside the zone differs "
		                       "from the first SOA serial %u",
		                       in->cur_serial, in->end_serial);
	}
	int ret = dz_zone_builder_finish(in->builder, &in->built);
	if (ret != DZ_OK) {
		return dz__xfr_in_fail(in, ret, "cannot build the zone");
	}
	dz_zone_builder_free(in->builder);
	in->builder = NULL;
	in->state = XST_DONE;
	return DZ_OK;
}

int dz__xfr_in_axfr_rr(dz_xfr_in_t *in)
{
	char what[DZ_NAME_MAXSTR + 20];

	if (in->cur_soa) {
		return axfr_end(in);
	}
	int ret = dz_zone_builder_add(in->builder, in->cur.owner, in->cur.type,
	                              DZ_CLASS_IN, in->cur.ttl, in->cur.rdata,
	                              in->cur.rdlen);
	if (ret != DZ_OK) {
		cur_str(in, what, sizeof(what));
		return dz__xfr_in_fail(in, ret, "cannot add record %s: %s",
		                       what, dz_strerror(ret));
	}
	return DZ_OK;
}

/* --- difference steps (IXFR) ---------------------------------------------- */

static int put(dz_xfr_in_t *in, bool added)
{
	const dz_rr_t *r = &in->cur;
	int ret = added ? dz_changeset_add_added(in->ch, r->owner, r->type,
	                                         r->ttl, r->rdata, r->rdlen)
	                : dz_changeset_add_removed(in->ch, r->owner, r->type,
	                                           r->ttl, r->rdata, r->rdlen);
	return ret == DZ_OK ? DZ_OK : dz__xfr_in_fail(in, ret, "out of memory");
}

int dz__xfr_in_step_begin(dz_xfr_in_t *in)
{
	uint32_t ours;

	if (in->work == NULL && in->current != NULL) {
		in->work = dz_zone_ref(in->current);
	}
	if (in->work == NULL || dz_zone_serial(in->work, &ours) != DZ_OK) {
		return dz__xfr_in_fail(in, DZ_EXFRHISTORY,
		                       "ixfr step from serial %u but we have "
		                       "no version to apply it to",
		                       in->cur_serial);
	}
	/* RFC 1995 §4: each difference starts from the version the previous
	 * one (or our own) left. */
	if (in->cur_serial != ours) {
		return dz__xfr_in_fail(
		        in, DZ_EXFRHISTORY,
		        "ixfr step from serial %u does not match our serial %u",
		        in->cur_serial, ours);
	}
	int ret = dz_changeset_new(&in->ch);
	if (ret != DZ_OK) {
		return dz__xfr_in_fail(in, ret, "out of memory");
	}
	in->step_from = in->cur_serial;
	in->state = XST_DEL;
	return put(in, false);
}

/* The first removal of \p ch that \p z does not hold, for the diagnostic. */
static bool find_missing(const dz_zone_t *z, const dz_changeset_t *ch,
                         dz_rr_t *out)
{
	size_t n = dz_changeset_nremoved(ch);
	for (size_t i = 0; i < n; i++) {
		dz_rr_t rr;
		dz_rrset_t set;
		dz_rdata_iter_t it;
		const uint8_t *rd;
		uint16_t len;
		bool found = false;
		(void)dz_changeset_removed(ch, i, &rr);
		const dz_node_t *node = dz_zone_node(z, rr.owner);
		if (node != NULL &&
		    dz_node_rrset(node, rr.type, &set) == DZ_OK) {
			dz_rrset_iter(&set, &it);
			while (!found && dz_rrset_next(&it, &rd, &len)) {
				found = dz_rdata_cmp(rr.type, rd, len, rr.rdata,
				                     rr.rdlen) == 0;
			}
		}
		if (!found) {
			*out = rr;
			return true;
		}
	}
	return false;
}

static int apply_failed(dz_xfr_in_t *in, int ret)
{
	char line[1024] = "?";
	dz_rr_t rr;

	if (ret != DZ_ENOTFOUND || !find_missing(in->work, in->ch, &rr)) {
		return dz__xfr_in_fail(
		        in, ret, "ixfr step %u -> %u does not apply: %s",
		        in->step_from, in->step_to, dz_strerror(ret));
	}
	(void)dz_rr_to_str(line, sizeof(line), rr.owner, rr.type, DZ_CLASS_IN,
	                   rr.ttl, rr.rdata, rr.rdlen);
	return dz__xfr_in_fail(
	        in, DZ_EXFRHISTORY,
	        "ixfr step %u -> %u removes a record we do not have: %s",
	        in->step_from, in->step_to, line);
}

static int keep_step(dz_xfr_in_t *in)
{
	if (in->nsteps == in->capsteps) {
		size_t cap = in->capsteps ? 2 * in->capsteps : 4;
		dz_xfr_step_t *v = realloc(in->steps, cap * sizeof(*v));
		if (v == NULL) {
			return dz__xfr_in_fail(in, DZ_ENOMEM, "out of memory");
		}
		in->steps = v;
		in->capsteps = cap;
	}
	in->steps[in->nsteps++] =
	        (dz_xfr_step_t){in->step_from, in->step_to, in->ch};
	in->ch = NULL;
	return DZ_OK;
}

/* Apply the step just read, strictly: removals must exist (RFC 1995 §4
 * does not allow us to guess what the peer meant). */
static int step_end(dz_xfr_in_t *in)
{
	dz_zone_t *next;
	int ret = dz_zone_apply(in->work, in->ch, 0, &next);
	if (ret != DZ_OK) {
		return apply_failed(in, ret);
	}
	dz_zone_unref(in->work);
	in->work = next;
	return keep_step(in);
}

/* An SOA among the additions: the end, or the next step's old SOA. */
static int step_soa_in_add(dz_xfr_in_t *in)
{
	int ret = step_end(in);
	if (ret != DZ_OK) {
		return ret;
	}
	if (in->cur_serial != in->end_serial) {
		return dz__xfr_in_step_begin(in);
	}
	if (in->step_to != in->end_serial) {
		return dz__xfr_in_fail(
		        in, DZ_EXFRBAD,
		        "ixfr ended at serial %u but its last step reached %u",
		        in->end_serial, in->step_to);
	}
	in->state = XST_DONE;
	return DZ_OK;
}

int dz__xfr_in_step_rr(dz_xfr_in_t *in)
{
	if (!in->cur_soa) {
		return put(in, in->state == XST_ADD);
	}
	if (in->state == XST_ADD) {
		return step_soa_in_add(in);
	}
	/* The new SOA of this step: it must move forward (RFC 1982), as the
	 * journal will only chain newer serials. */
	if (dz_serial_cmp(in->cur_serial, in->step_from) != DZ_SERIAL_GT) {
		return dz__xfr_in_fail(in, DZ_EXFRBAD,
		                       "ixfr step from serial %u to %u does "
		                       "not increase the serial",
		                       in->step_from, in->cur_serial);
	}
	in->step_to = in->cur_serial;
	in->state = XST_ADD;
	return put(in, true);
}

/* --- the outcome ---------------------------------------------------------- */

static void free_steps(dz_xfr_step_t *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		dz_changeset_free(steps[i].ch);
	}
	free(steps);
}

/* Release everything built so far (the diagnostic stays). */
static void drop_work(dz_xfr_in_t *in)
{
	dz_zone_builder_free(in->builder);
	in->builder = NULL;
	dz_zone_unref(in->built);
	in->built = NULL;
	dz_zone_unref(in->work);
	in->work = NULL;
	dz_changeset_free(in->ch);
	in->ch = NULL;
	free_steps(in->steps, in->nsteps);
	in->steps = NULL;
	in->nsteps = in->capsteps = 0;
}

/* Copy the list of \p src into \p dst, the apex SOA first. */
static int copy_soa_first(dz_changeset_t *dst, const dz_changeset_t *src,
                          const uint8_t *origin, bool added)
{
	size_t n =
	        added ? dz_changeset_nadded(src) : dz_changeset_nremoved(src);
	size_t soa = n;
	uint32_t s;
	int ret = DZ_OK;

	(void)dz__xfr_find_soa(src, origin, added, &soa, &s);
	for (size_t k = 0; k <= n && ret == DZ_OK; k++) {
		/* k == 0 is the SOA, then every other record in order. */
		size_t i = k == 0 ? soa : k - 1;
		dz_rr_t rr;
		if (i >= n || (k > 0 && i == soa)) {
			continue;
		}
		(void)(added ? dz_changeset_added(src, i, &rr)
		             : dz_changeset_removed(src, i, &rr));
		ret = added ? dz_changeset_add_added(dst, rr.owner, rr.type,
		                                     rr.ttl, rr.rdata, rr.rdlen)
		            : dz_changeset_add_removed(dst, rr.owner, rr.type,
		                                       rr.ttl, rr.rdata,
		                                       rr.rdlen);
	}
	return ret;
}

/* The journal record for a full zone replacing ours: the difference, SOAs
 * first as in every other journal record. */
static int axfr_journal(dz_xfr_in_t *in, dz_xfr_in_result_t *res)
{
	uint32_t ours;
	dz_changeset_t *diff = NULL, *ch = NULL;

	if (in->current == NULL ||
	    dz_zone_serial(in->current, &ours) != DZ_OK ||
	    dz_serial_cmp(in->end_serial, ours) != DZ_SERIAL_GT) {
		res->journal_reset = true;
		return DZ_OK;
	}
	int ret = dz_zone_diff(in->current, in->built, &diff);
	if (ret == DZ_OK) {
		ret = dz_changeset_new(&ch);
	}
	if (ret == DZ_OK) {
		ret = copy_soa_first(ch, diff, in->origin, false);
	}
	if (ret == DZ_OK) {
		ret = copy_soa_first(ch, diff, in->origin, true);
	}
	if (ret == DZ_OK) {
		res->steps = malloc(sizeof(*res->steps));
		ret = res->steps != NULL ? DZ_OK : DZ_ENOMEM;
	}
	dz_changeset_free(diff);
	if (ret != DZ_OK) {
		dz_changeset_free(ch);
		return ret;
	}
	res->steps[0] = (dz_xfr_step_t){ours, in->end_serial, ch};
	res->nsteps = 1;
	return DZ_OK;
}

static int make_result(dz_xfr_in_t *in, dz_xfr_in_result_t *res)
{
	memset(res, 0, sizeof(*res));
	res->kind = in->kind;
	res->serial_from = in->serial;
	res->serial_to = in->end_serial;
	res->stats = in->stats;
	if (in->kind == DZ_XFR_IXFR) {
		res->zone = in->work;
		res->steps = in->steps;
		res->nsteps = in->nsteps;
		in->work = NULL;
		in->steps = NULL;
		in->nsteps = in->capsteps = 0;
		return DZ_OK;
	}
	if (in->kind == DZ_XFR_UPTODATE) {
		return DZ_OK;
	}
	int ret = axfr_journal(in, res);
	if (ret != DZ_OK) {
		return ret;
	}
	res->zone = in->built;
	in->built = NULL;
	return DZ_OK;
}

int dz_xfr_in_finish(dz_xfr_in_t *in, dz_xfr_in_result_t *res)
{
	dz_xfr_in_result_t tmp;

	if (in->state == XST_SPENT) {
		return DZ_EINVAL;
	}
	if (in->err == DZ_OK && in->state != XST_DONE) {
		(void)dz__xfr_in_fail(in, DZ_EXFRINCOMPLETE,
		                      "transfer ended before the final SOA");
	}
	int ret = in->err;
	if (ret == DZ_OK) {
		ret = make_result(in, &tmp);
		if (ret != DZ_OK) {
			(void)dz__xfr_in_fail(in, ret, "out of memory");
		}
	}
	drop_work(in);
	if (ret != DZ_OK) {
		return ret;
	}
	in->state = XST_SPENT;
	*res = tmp;
	return DZ_OK;
}

void dz_xfr_in_free(dz_xfr_in_t *in)
{
	if (in == NULL) {
		return;
	}
	drop_work(in);
	dz_zone_unref(in->current);
	free(in);
}

void dz_xfr_in_result_clear(dz_xfr_in_result_t *res)
{
	dz_zone_unref(res->zone);
	free_steps(res->steps, res->nsteps);
	memset(res, 0, sizeof(*res));
}
