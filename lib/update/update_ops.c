/* SPDX-License-Identifier: BSD-3-Clause */
/* The update section: prescan and permission (RFC 2136 §3.3, §3.4.1) and the
 * record operations (§3.4.2). */
#include "lib/update/update_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/serial.h"

/* --- prescan ------------------------------------------------------------- */

/* RFC 2136 §3.4.1.2: what each class may carry in the update section. */
static int check_class(dz__update_t *u, const dz_msg_rr_t *rr)
{
	char tb[DZ_RRTYPE_MAXSTR];
	switch (rr->rclass) {
	case DZ_CLASS_IN:
		if (dz_rrtype_is_meta(rr->type)) {
			return dz__update_fail(
			        u, DZ_EMALF, DZ_RCODE_FORMERR,
			        "update adds meta type %s",
			        dz__update_type_str(tb, rr->type));
		}
		return DZ_OK;
	case DZ_CLASS_ANY:
		if (rr->ttl != 0 || rr->rdlen != 0) {
			return dz__update_fail(
			        u, DZ_EMALF, DZ_RCODE_FORMERR,
			        "rrset deletion (class ANY) must "
			        "have ttl 0 and no rdata");
		}
		if (dz_rrtype_is_meta(rr->type) && rr->type != DZ_RR_ANY) {
			return dz__update_fail(
			        u, DZ_EMALF, DZ_RCODE_FORMERR,
			        "rrset deletion of meta type %s",
			        dz__update_type_str(tb, rr->type));
		}
		return DZ_OK;
	case DZ_CLASS_NONE:
		if (rr->ttl != 0) {
			return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
			                       "record deletion (class NONE) "
			                       "must have ttl 0");
		}
		if (dz_rrtype_is_meta(rr->type)) {
			return dz__update_fail(
			        u, DZ_EMALF, DZ_RCODE_FORMERR,
			        "record deletion of meta type %s",
			        dz__update_type_str(tb, rr->type));
		}
		return DZ_OK;
	default:
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "update class %u not allowed",
		                       rr->rclass);
	}
}

/* Decode the rdata once; it lives in the arena until the end. */
static int decode_rdata(dz__update_t *u, const dz_msg_rr_t *rr, dz__urr_t *out)
{
	int len = dz_msg_rr_rdata(u->msg, rr, u->scratch, DZ_RDATA_MAXLEN);
	if (len < 0) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "bad rdata: %s", dz_strerror(len));
	}
	if (len == 0) {
		static const uint8_t empty[1];
		out->rdata =
		        empty; /* never NULL: memcmp/memcpy want a pointer */
		return DZ_OK;
	}
	uint8_t *copy = dz__update_alloc(u, (size_t)len);
	if (copy == NULL) {
		return dz__update_fail(u, DZ_ENOMEM, DZ_RCODE_SERVFAIL,
		                       "out of memory");
	}
	memcpy(copy, u->scratch, (size_t)len);
	out->rdata = copy;
	out->rdlen = (uint16_t)len;
	return DZ_OK;
}

/* BIND refuses explicit NSEC, NSEC3 and (but at the apex) RRSIG updates in
 * every zone: they belong to the signer. We follow it; RFC 2136 §3.3 leaves
 * the policy to the server. */
static int check_dnssec_type(dz__update_t *u, const dz__uname_t *n,
                             uint16_t type)
{
	char tb[DZ_RRTYPE_MAXSTR];
	if (type == DZ_RR_NSEC || type == DZ_RR_NSEC3 ||
	    (type == DZ_RR_RRSIG && !n->apex)) {
		return dz__update_fail(u, DZ_EREFUSED, DZ_RCODE_REFUSED,
		                       "explicit %s updates are not allowed%s",
		                       dz__update_type_str(tb, type),
		                       type == DZ_RR_RRSIG ? " below the apex"
		                                           : "");
	}
	return DZ_OK;
}

static bool allowed(dz__update_t *u, const uint8_t *owner, uint16_t type,
                    uint16_t rclass)
{
	return u->opts->allow_rr(u->opts->allow_ctx, owner, type, rclass);
}

/* RFC 2136 §3.3; "delete all at a name" asks for each type present (BIND). */
static int check_permission(dz__update_t *u, const dz__urr_t *x)
{
	const dz_msg_rr_t *rr = x->rr;
	const dz__uname_t *n = &u->names[x->name];
	bool ok = true;
	if (u->opts->allow_rr == NULL) {
		return DZ_OK;
	}
	if (rr->rclass == DZ_CLASS_ANY && rr->type == DZ_RR_ANY &&
	    n->norig > 0) {
		/* orig holds the node's RRsets in order: one call per type. */
		for (uint32_t i = 0; ok && i < n->norig; i++) {
			if (i == 0 || n->orig[i].type != n->orig[i - 1].type) {
				ok = allowed(u, n->owner, n->orig[i].type,
				             rr->rclass);
			}
		}
	} else {
		ok = allowed(u, n->owner, rr->type, rr->rclass);
	}
	if (!ok) {
		char nb[DZ_NAME_MAXSTR], tb[DZ_RRTYPE_MAXSTR];
		return dz__update_fail(u, DZ_EREFUSED, DZ_RCODE_REFUSED,
		                       "update not allowed for %s %s",
		                       dz__update_name_str(nb, n->owner),
		                       dz__update_type_str(tb, rr->type));
	}
	return DZ_OK;
}

static int prescan_one(dz__update_t *u, uint32_t i, const dz_msg_rr_t *rr,
                       uint8_t *owner)
{
	dz__urr_t *x = &u->urr[i];
	x->rr = rr;
	dz__update_at(u, DZ_UPDATE_SEC_UPDATE, i, NULL, rr->type, rr->rclass);
	if (dz_msg_rr_owner(u->msg, rr, owner) <= 0) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "bad owner name");
	}
	u->owner = owner;
	if (!dz_name_is_sub(owner, u->origin)) {
		char nb[DZ_NAME_MAXSTR];
		return dz__update_fail(u, DZ_EOUTZONE, DZ_RCODE_NOTZONE,
		                       "update name %s is outside the zone",
		                       dz__update_name_str(nb, owner));
	}
	int ret = check_class(u, rr);
	if (ret == DZ_OK && rr->rclass != DZ_CLASS_ANY) {
		ret = decode_rdata(u, rr, x);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	ret = dz__update_name(u, owner, &x->name);
	if (ret != DZ_OK) {
		return dz__update_fail(u, ret, DZ_RCODE_SERVFAIL, "%s",
		                       dz_strerror(ret));
	}
	ret = check_dnssec_type(u, &u->names[x->name], rr->type);
	return ret == DZ_OK ? check_permission(u, x) : ret;
}

int dz__update_prescan(dz__update_t *u)
{
	uint32_t n;
	const dz_msg_rr_t *sec = dz_msg_section(u->msg, DZ_MSG_NS, &n);
	uint8_t owner[DZ_NAME_MAXLEN];
	u->urr = calloc(n + 1, sizeof(*u->urr));
	if (u->urr == NULL) {
		dz__update_at(u, DZ_UPDATE_SEC_NONE, 0, NULL, 0, 0);
		return dz__update_fail(u, DZ_ENOMEM, DZ_RCODE_SERVFAIL,
		                       "out of memory");
	}
	for (uint32_t i = 0; i < n; i++) {
		int ret = prescan_one(u, i, &sec[i], owner);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	u->nurr = n;
	return DZ_OK;
}

/* --- operations ---------------------------------------------------------- */

/* RFC 2181 §10.1, RFC 4035 §2.5: what may stand beside a CNAME. */
static bool at_cname(uint16_t type)
{
	return type == DZ_RR_RRSIG || type == DZ_RR_NSEC;
}

/* Types of which a name holds one record: an addition replaces it
 * (RFC 2136 §3.4.2.2 for CNAME and SOA; BIND also treats DNAME and NSEC so). */
static bool singleton(uint16_t type)
{
	return type == DZ_RR_CNAME || type == DZ_RR_SOA ||
	       type == DZ_RR_DNAME || type == DZ_RR_NSEC;
}

static bool cname_conflict(const dz__uname_t *n, uint16_t type)
{
	for (uint32_t i = 0; i < n->ncur; i++) {
		uint16_t t = n->cur[i].type;
		if (type == DZ_RR_CNAME && t != DZ_RR_CNAME && !at_cname(t)) {
			return true; /* a CNAME would join other data */
		}
		if (type != DZ_RR_CNAME && t == DZ_RR_CNAME &&
		    !at_cname(type)) {
			return true; /* other data would join a CNAME */
		}
	}
	return false;
}

/* RFC 2136 §3.4.2.2: an SOA is only replaced by a newer serial (and never
 * created at another name: "attempt to create 2nd SOA", BIND). */
static bool soa_acceptable(dz__update_t *u, const dz__uname_t *n,
                           const dz__urr_t *x)
{
	size_t off;
	int64_t i = -1;
	for (uint32_t k = 0; k < n->ncur && i < 0; k++) {
		i = n->cur[k].type == DZ_RR_SOA ? (int64_t)k : -1;
	}
	if (i < 0 || !dz__soa_serial_off(x->rdata, x->rdlen, &off)) {
		return false;
	}
	const dz__urec_t *cur = &n->cur[i];
	uint32_t now = dz__soa_serial(cur->rdata, cur->rdlen);
	uint32_t next = dz__soa_serial(x->rdata, x->rdlen);
	if (dz_serial_cmp(next, now) != DZ_SERIAL_GT) {
		return false;
	}
	u->soa_set = true;
	return true;
}

/* Additions that are ignored, not errors (RFC 2136 §3.4.2.2; BIND). */
static bool add_ignored(dz__update_t *u, const dz__uname_t *n,
                        const dz__urr_t *x)
{
	uint16_t type = x->rr->type;
	if (type == DZ_RR_MD || type == DZ_RR_MF) {
		return true; /* obsolete (RFC 1123 §5.2.4) */
	}
	if ((type == DZ_RR_NS || type == DZ_RR_DNAME) &&
	    dz_name_is_wildcard(n->owner)) {
		return true; /* RFC 4592 §4.2, §4.4 */
	}
	if (type == DZ_RR_DS && n->apex) {
		return true; /* DS belongs in the parent (RFC 4034 §5) */
	}
	if (cname_conflict(n, type)) {
		return true;
	}
	return type == DZ_RR_SOA && !soa_acceptable(u, n, x);
}

static int op_add(dz__update_t *u, dz__uname_t *n, const dz__urr_t *x)
{
	uint16_t type = x->rr->type;
	uint32_t ttl = x->rr->ttl;
	if (add_ignored(u, n, x)) {
		return DZ_OK;
	}
	int64_t same = dz__uname_find(n, type, x->rdata, x->rdlen);
	if (same >= 0 && n->cur[same].ttl == ttl) {
		return DZ_OK; /* duplicate: ignored */
	}
	/* Replace a singleton; otherwise the RRset takes the newest TTL. */
	for (uint32_t i = n->ncur; i-- > 0;) {
		if (n->cur[i].type != type) {
			continue;
		}
		if (singleton(type)) {
			dz__uname_drop(n, i);
		} else {
			n->cur[i].ttl = ttl;
		}
	}
	if (same >= 0 && !singleton(type)) {
		return DZ_OK;
	}
	dz__urec_t rec = {
	        .rdata = x->rdata, .ttl = ttl, .type = type, .rdlen = x->rdlen};
	return dz__uname_append(n, &rec);
}

/* RFC 2136 §3.4.2.3: the apex SOA and NS RRsets are never deleted whole. */
static bool apex_protected(const dz__uname_t *n, uint16_t type)
{
	return n->apex && (type == DZ_RR_SOA || type == DZ_RR_NS);
}

static void op_delete_rrset(dz__uname_t *n, uint16_t type)
{
	for (uint32_t i = n->ncur; i-- > 0;) {
		uint16_t t = n->cur[i].type;
		if ((type == DZ_RR_ANY || t == type) && !apex_protected(n, t)) {
			dz__uname_drop(n, i);
		}
	}
}

/* RFC 2136 §3.4.2.4: never the apex SOA, never the last apex NS. */
static void op_delete_rr(dz__uname_t *n, const dz__urr_t *x)
{
	uint16_t type = x->rr->type;
	if (n->apex && type == DZ_RR_SOA) {
		return;
	}
	if (n->apex && type == DZ_RR_NS && dz__uname_count(n, type) <= 1) {
		return;
	}
	int64_t i = dz__uname_find(n, type, x->rdata, x->rdlen);
	if (i >= 0) {
		dz__uname_drop(n, (uint32_t)i);
	}
}

int dz__update_process(dz__update_t *u)
{
	for (uint32_t i = 0; i < u->nurr; i++) {
		const dz__urr_t *x = &u->urr[i];
		dz__uname_t *n = &u->names[x->name];
		int ret = DZ_OK;
		switch (x->rr->rclass) {
		case DZ_CLASS_IN:
			ret = op_add(u, n, x);
			break;
		case DZ_CLASS_ANY:
			op_delete_rrset(n, x->rr->type);
			break;
		default: /* DZ_CLASS_NONE; the prescan allowed nothing else */
			op_delete_rr(n, x);
			break;
		}
		if (ret != DZ_OK) {
			dz__update_at(u, DZ_UPDATE_SEC_UPDATE, i, n->owner,
			              x->rr->type, x->rr->rclass);
			return dz__update_fail(u, ret, DZ_RCODE_SERVFAIL, "%s",
			                       dz_strerror(ret));
		}
	}
	return DZ_OK;
}
