/* SPDX-License-Identifier: BSD-3-Clause */
/* The RFC 1034 §4.3.2 step 3 lookup: answers, CNAME/DNAME chains, wildcards, referrals, negative answers, additional data. */
#include "server/query/query_internal.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"

/* ------------------------------------------------------------------------
 * Rendering helpers
 * ------------------------------------------------------------------------ */

/* Record that the answer or authority lacks data: RFC 2181 §9 TC. */
static void set_truncated(query_ctx_t *q)
{
	q->r.truncated = true;
	q->r.hdr.tc = true;
}

/* Put a whole RRset or nothing (the renderer's rule), walking the zone's
 * packed rdata without copying it into a descriptor array. */
static int put_rrset(query_ctx_t *q, dz_msg_section_t s, const uint8_t *owner,
                     const dz_rrset_t *rs, uint32_t ttl)
{
	dz_msg_render_mark_t m;
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;

	dz_msg_render_mark(&q->r, &m);
	dz_rrset_iter(rs, &it);
	while (dz_rrset_next(&it, &rd, &len)) {
		int ret = dz_msg_render_rr(&q->r, s, owner, rs->type,
		                           DZ_CLASS_IN, ttl, rd, len);
		if (ret == DZ_OK) {
			continue;
		}
		dz_msg_render_rollback(&q->r, &m);
		if (ret == DZ_ESPACE && s != DZ_MSG_AR) {
			set_truncated(q);
		}
		return ret;
	}
	return DZ_OK;
}

/* Types whose rdata names a host that gets A/AAAA in the additional
 * section (RFC 1034 §3.6.2 for NS and MX, RFC 2782 for SRV); returns the
 * offset of that name in the rdata, or -1. */
static int target_offset(uint16_t type)
{
	switch (type) {
	case DZ_RR_NS:
		return 0;
	case DZ_RR_MX:
		return 2;
	case DZ_RR_SRV:
		return 6;
	default:
		return -1;
	}
}

static void want_additional(query_ctx_t *q, const dz_rrset_t *rs, bool glue)
{
	if (target_offset(rs->type) < 0 ||
	    q->naddl == QUERY_MAX_ADDITIONAL_SETS) {
		return;
	}
	q->addl[q->naddl] = *rs;
	q->addl_glue[q->naddl] = glue;
	q->naddl++;
}

/* An answer or authority RRset, remembered for additional processing. */
static int put_section(query_ctx_t *q, dz_msg_section_t s,
                       const uint8_t *owner, const dz_rrset_t *rs)
{
	int ret = put_rrset(q, s, owner, rs, rs->ttl);
	if (ret == DZ_OK) {
		want_additional(q, rs, false);
	}
	return ret;
}

/* The name in a CNAME or DNAME rdata (a singleton: RFC 2181 §10.1,
 * RFC 6672 §2.4); zone data was validated when it was loaded. */
static const uint8_t *first_target(const dz_rrset_t *rs)
{
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;

	dz_rrset_iter(rs, &it);
	return dz_rrset_next(&it, &rd, &len) && len > 0 ? rd : NULL;
}

/* ------------------------------------------------------------------------
 * Answer section
 * ------------------------------------------------------------------------ */

/* RFC 8482 §4.1: over UDP an ANY query gets one RRset (the first in type
 * order, as BIND's minimal-any does); over TCP every RRset of the node. */
static int answer_any(query_ctx_t *q, const dz_node_t *node)
{
	unsigned n = dz_node_rrset_count(node);
	if (!q->tcp && n > 1) {
		n = 1;
	}
	for (unsigned i = 0; i < n; i++) {
		dz_rrset_t rs;
		if (dz_node_rrset_at(node, i, &rs) != DZ_OK) {
			return DZ_EINVAL;
		}
		int ret = put_section(q, DZ_MSG_AN, q->sname, &rs);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	q->result = n > 0 ? QUERY_RESULT_POSITIVE : QUERY_RESULT_NODATA;
	return DZ_OK;
}

/* The node of sname (exact or the wildcard that synthesises it: owners are
 * always sname, RFC 4592 §4.1). A CNAME is followed unless asked for. */
static int answer_node(query_ctx_t *q, const dz_node_t *node, bool *follow)
{
	dz_rrset_t rs;

	if (q->qtype != DZ_RR_CNAME && q->qtype != DZ_RR_ANY &&
	    dz_node_rrset(node, DZ_RR_CNAME, &rs) == DZ_OK) {
		int ret = put_section(q, DZ_MSG_AN, q->sname, &rs);
		const uint8_t *target = first_target(&rs);
		if (ret != DZ_OK) {
			return ret;
		}
		q->result = QUERY_RESULT_POSITIVE;
		if (target != NULL) {
			q->sname = target; /* zone memory: stable */
			*follow = true;
		}
		return DZ_OK;
	}
	if (q->qtype == DZ_RR_ANY) {
		return answer_any(q, node);
	}
	if (dz_node_rrset(node, q->qtype, &rs) != DZ_OK) {
		q->result = QUERY_RESULT_NODATA;
		return DZ_OK;
	}
	q->result = QUERY_RESULT_POSITIVE;
	return put_section(q, DZ_MSG_AN, q->sname, &rs);
}

/* The buffer not holding the current sname. */
static uint8_t *spare_buf(query_ctx_t *q)
{
	return q->sname == q->sname_buf[0] ? q->sname_buf[1] : q->sname_buf[0];
}

/* RFC 6672 §3.2: the DNAME, then a CNAME from sname to sname with the
 * DNAME owner replaced by its target (TTL of the DNAME, §3.1), then the
 * lookup goes on with that name; YXDOMAIN if it would be too long. */
static int answer_dname(query_ctx_t *q, const dz_node_t *node, bool *follow)
{
	dz_rrset_t rs;
	const uint8_t *owner = dz_node_name(node);

	if (dz_node_rrset(node, DZ_RR_DNAME, &rs) != DZ_OK) {
		return DZ_EINVAL;
	}
	const uint8_t *target = first_target(&rs);
	int ret = put_rrset(q, DZ_MSG_AN, owner, &rs, rs.ttl);
	if (ret != DZ_OK || target == NULL) {
		return ret;
	}
	size_t prefix = dz_name_len(q->sname) - dz_name_len(owner);
	size_t tlen = dz_name_len(target);
	if (prefix + tlen > DZ_NAME_MAXLEN) {
		q->rcode = DZ_RCODE_YXDOMAIN;
		q->result = QUERY_RESULT_NONE;
		return DZ_OK;
	}
	uint8_t *next = spare_buf(q);
	memcpy(next, q->sname, prefix);
	memcpy(next + prefix, target, tlen);
	ret = dz_msg_render_rr(&q->r, DZ_MSG_AN, q->sname, DZ_RR_CNAME,
	                       DZ_CLASS_IN, rs.ttl, next, (uint16_t)(prefix + tlen));
	if (ret == DZ_ESPACE) {
		set_truncated(q);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	q->result = QUERY_RESULT_POSITIVE;
	q->sname = next;
	/* RFC 1034 §4.3.2 step 3a: the synthesised CNAME answers a CNAME
	 * query; only other types chase it (BIND and Knot agree). */
	*follow = q->qtype != DZ_RR_CNAME;
	return DZ_OK;
}

/* RFC 1034 §4.3.2 step 3b: the NS RRset of the cut in authority, glue in
 * additional; AA is cleared by the caller when this is the first step. */
static int answer_referral(query_ctx_t *q, const dz_node_t *cut)
{
	dz_rrset_t rs;

	q->result = QUERY_RESULT_REFERRAL;
	if (dz_node_rrset(cut, DZ_RR_NS, &rs) != DZ_OK) {
		return DZ_EINVAL;
	}
	q->cut = dz_node_name(cut);
	int ret = put_rrset(q, DZ_MSG_NS, q->cut, &rs, rs.ttl);
	if (ret == DZ_OK) {
		want_additional(q, &rs, true);
	}
	return ret;
}

/* RFC 4035 §3.1.4.1: DS lives on the parent side of a cut, so a DS query
 * at the cut is answered from the parent zone (NODATA when there is none;
 * with no DNSSEC there are no NSEC proofs to add). */
static int answer_ds_at_cut(query_ctx_t *q, const dz_node_t *cut)
{
	dz_rrset_t rs;

	if (dz_node_rrset(cut, DZ_RR_DS, &rs) != DZ_OK) {
		q->result = QUERY_RESULT_NODATA;
		return DZ_OK;
	}
	q->result = QUERY_RESULT_POSITIVE;
	return put_section(q, DZ_MSG_AN, q->sname, &rs);
}

/* One lookup of q->sname; *follow says whether the chain continues. */
static int resolve_step(query_ctx_t *q, unsigned hop, bool *follow)
{
	dz_zone_result_t res;

	if (dz_zone_find(q->zone, q->sname, &res) != DZ_OK) {
		return DZ_EINVAL;
	}
	switch (res.match) {
	case DZ_ZONE_EXACT:
		return answer_node(q, res.node, follow);
	case DZ_ZONE_WILDCARD:
		if (res.node == NULL) { /* RFC 4592 §2.2.2: empty wildcard */
			q->result = QUERY_RESULT_NODATA;
			return DZ_OK;
		}
		return answer_node(q, res.node, follow);
	case DZ_ZONE_EMPTY:
		q->result = QUERY_RESULT_NODATA;
		return DZ_OK;
	case DZ_ZONE_NXDOMAIN:
		q->result = QUERY_RESULT_NXDOMAIN;
		q->rcode = DZ_RCODE_NXDOMAIN;
		return DZ_OK;
	case DZ_ZONE_DELEGATION:
		if (q->qtype == DZ_RR_DS &&
		    dz_name_equal(dz_node_name(res.node), q->sname)) {
			return answer_ds_at_cut(q, res.node);
		}
		return answer_referral(q, res.node);
	case DZ_ZONE_DNAME:
		return answer_dname(q, res.node, follow);
	case DZ_ZONE_OUTZONE:
		/* Only a chain target can leave the zone: like Knot, we stop
		 * and the resolver follows it (RFC 1034 §4.3.2 step 3a
		 * allows either). */
		if (hop == 0) {
			return DZ_EINVAL;
		}
		return DZ_OK;
	}
	return DZ_EINVAL;
}

/* True if sname was resolved before in this chain (a CNAME loop). */
static bool chain_seen(query_ctx_t *q)
{
	for (unsigned i = 0; i < q->nvisited; i++) {
		if (dz_name_equal(q->visited[i], q->sname)) {
			return true;
		}
	}
	return false;
}

static void chain_remember(query_ctx_t *q)
{
	if (q->nvisited <= QUERY_MAX_CHAIN) {
		dz_name_copy(q->visited_buf[q->nvisited], q->sname);
		q->visited[q->nvisited] = q->visited_buf[q->nvisited];
		q->nvisited++;
	}
}

/* The answer section: follow the chain within the zone. The rcode is that
 * of the last lookup (RFC 6604 §2); a loop or an over-long chain just ends
 * it with what was found so far (NOERROR, as BIND and Knot answer). */
static int resolve_answer(query_ctx_t *q)
{
	for (unsigned hop = 0;; hop++) {
		bool follow = false;
		chain_remember(q);
		int ret = resolve_step(q, hop, &follow);
		if (hop == 0) {
			/* AA unless the first lookup was a referral: a CNAME
			 * into a delegation is still our authoritative data. */
			q->r.hdr.aa = q->result != QUERY_RESULT_REFERRAL;
		}
		if (ret != DZ_OK || !follow || hop + 1 > QUERY_MAX_CHAIN ||
		    chain_seen(q)) {
			return ret;
		}
	}
}

/* ------------------------------------------------------------------------
 * Authority section
 * ------------------------------------------------------------------------ */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* RFC 2308 §3: the SOA of a negative answer has TTL min(TTL, MINIMUM). */
static int put_negative_soa(query_ctx_t *q)
{
	dz_rrset_t soa;
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;

	if (dz_zone_soa(q->zone, &soa) != DZ_OK) {
		return DZ_OK; /* a zone without SOA is not loaded: never here */
	}
	uint32_t ttl = soa.ttl;
	dz_rrset_iter(&soa, &it);
	if (dz_rrset_next(&it, &rd, &len) && len >= 20) {
		uint32_t minimum = get32(rd + len - 4);
		ttl = minimum < ttl ? minimum : ttl;
	}
	return put_rrset(q, DZ_MSG_NS, dz_zone_origin(q->zone), &soa, ttl);
}

/* ------------------------------------------------------------------------
 * Additional section
 * ------------------------------------------------------------------------ */

static bool addl_seen(query_ctx_t *q, const uint8_t *name)
{
	for (unsigned i = 0; i < q->naddl_done; i++) {
		if (dz_name_equal(q->addl_done[i], name)) {
			return true;
		}
	}
	if (q->naddl_done < QUERY_MAX_ADDITIONAL_NAMES) {
		q->addl_done[q->naddl_done++] = name;
	}
	return false;
}

/* The node whose addresses go with \p target, or NULL. Glue of a referral
 * may be below a cut (dz_zone_node ignores cuts); other targets must be
 * authoritative data of the zone (no wildcard synthesis, as Knot). */
static const dz_node_t *additional_node(query_ctx_t *q, const uint8_t *target,
                                        bool glue)
{
	dz_zone_result_t res;

	if (!dz_name_is_sub(target, dz_zone_origin(q->zone))) {
		return NULL;
	}
	if (glue) {
		return dz_zone_node(q->zone, target);
	}
	if (dz_zone_find(q->zone, target, &res) != DZ_OK ||
	    res.match != DZ_ZONE_EXACT) {
		return NULL;
	}
	return res.node;
}

/* A and AAAA of one target. Glue below the cut is required (RFC 9471 §3):
 * if it does not fit the response is truncated; other additional data is
 * just left out (RFC 2181 §9). */
static void put_addresses(query_ctx_t *q, const uint8_t *target, bool glue)
{
	static const uint16_t types[] = {DZ_RR_A, DZ_RR_AAAA};
	const dz_node_t *node = additional_node(q, target, glue);
	bool required = glue && q->cut != NULL && dz_name_is_sub(target, q->cut);

	for (size_t i = 0; node != NULL && i < sizeof(types) / sizeof(types[0]);
	     i++) {
		dz_rrset_t rs;
		if (dz_node_rrset(node, types[i], &rs) != DZ_OK) {
			continue;
		}
		int ret = put_rrset(q, DZ_MSG_AR, dz_node_name(node), &rs,
		                    rs.ttl);
		if (ret == DZ_ESPACE && required) {
			set_truncated(q);
		}
	}
}

static void resolve_additional(query_ctx_t *q)
{
	for (unsigned i = 0; i < q->naddl && !q->r.truncated; i++) {
		const dz_rrset_t *rs = &q->addl[i];
		int off = target_offset(rs->type);
		dz_rdata_iter_t it;
		const uint8_t *rd;
		uint16_t len;

		dz_rrset_iter(rs, &it);
		while (dz_rrset_next(&it, &rd, &len)) {
			if (len <= off || addl_seen(q, rd + off)) {
				continue;
			}
			put_addresses(q, rd + off, q->addl_glue[i]);
		}
	}
}

int query_resolve(query_ctx_t *q)
{
	q->rcode = DZ_RCODE_NOERROR;
	q->result = QUERY_RESULT_NONE;
	q->nvisited = 0;
	q->naddl = 0;
	q->naddl_done = 0;
	q->cut = NULL;

	int ret = resolve_answer(q);
	if (ret == DZ_ESPACE) {
		return DZ_OK; /* truncated: RFC 2181 §9 partial answer, TC */
	}
	if (ret != DZ_OK) {
		return ret;
	}
	if (q->result == QUERY_RESULT_NODATA ||
	    q->result == QUERY_RESULT_NXDOMAIN) {
		ret = put_negative_soa(q);
		if (ret != DZ_OK && ret != DZ_ESPACE) {
			return ret;
		}
	}
	resolve_additional(q);
	return DZ_OK;
}
