/* SPDX-License-Identifier: BSD-3-Clause */
/* The form of every prerequisite and update record, checked over the whole
 * message before any record is looked at one by one (BIND's parse time). */
#include "lib/update/update_internal.h"

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

/*
 * BIND 9.18 rejects these while it parses the message (lib/dns/message.c),
 * so they answer FORMERR even after a record that is outside the zone or
 * before a section that would fail otherwise:
 *  - class ANY with rdata (prerequisite or update: RFC 2136 §2.4.1, §2.4.4,
 *    §2.5.2, §2.5.3), class NONE with rdata in the prerequisites (§2.4.3,
 *    §2.4.5);
 *  - rdata that does not have its type's structure, for class IN (both
 *    sections) and class NONE in the update section (§2.5.4: the record to
 *    delete, so an empty A is as malformed as a 3-octet one).
 * Meta types and other classes are left to the per-record checks (BIND
 * takes their rdata as opaque and answers NOTZONE first).
 */

static int bad_rdata(dz__update_t *u, int err)
{
	return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR, "bad rdata: %s",
	                       dz_strerror(err));
}

/* Decode into the scratch buffer only to see that it decodes. */
static int check_rdata(dz__update_t *u, const dz_msg_rr_t *rr)
{
	int len = dz_rdata_from_wire(rr->type, u->msg->pkt, u->msg->len,
	                             rr->rdata, rr->rdlen, u->scratch,
	                             DZ_RDATA_MAXLEN);
	return len < 0 ? bad_rdata(u, len) : DZ_OK;
}

static int check_prereq(dz__update_t *u, const dz_msg_rr_t *rr)
{
	switch (rr->rclass) {
	case DZ_CLASS_ANY:
	case DZ_CLASS_NONE:
		if (rr->rdlen != 0) {
			return dz__update_fail(
			        u, DZ_EMALF, DZ_RCODE_FORMERR,
			        "prerequisite of class %s must have no rdata",
			        rr->rclass == DZ_CLASS_ANY ? "ANY" : "NONE");
		}
		return DZ_OK;
	case DZ_CLASS_IN:
		return dz_rrtype_is_meta(rr->type) ? DZ_OK : check_rdata(u, rr);
	default:
		return DZ_OK;
	}
}

static int check_update(dz__update_t *u, const dz_msg_rr_t *rr)
{
	switch (rr->rclass) {
	case DZ_CLASS_ANY:
		if (rr->rdlen != 0) {
			return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
			                       "rrset deletion (class ANY) "
			                       "must have no rdata");
		}
		return DZ_OK;
	case DZ_CLASS_IN:
	case DZ_CLASS_NONE:
		return dz_rrtype_is_meta(rr->type) ? DZ_OK : check_rdata(u, rr);
	default:
		return DZ_OK;
	}
}

static int check_section(dz__update_t *u, dz_msg_section_t s,
                         dz_update_section_t sec)
{
	uint32_t n;
	const dz_msg_rr_t *rrs = dz_msg_section(u->msg, s, &n);
	uint8_t owner[DZ_NAME_MAXLEN];
	for (uint32_t i = 0; i < n; i++) {
		const dz_msg_rr_t *rr = &rrs[i];
		dz__update_at(u, sec, i, NULL, rr->type, rr->rclass);
		if (dz_msg_rr_owner(u->msg, rr, owner) <= 0) {
			return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
			                       "bad owner name");
		}
		u->owner = owner;
		int ret = sec == DZ_UPDATE_SEC_PREREQ ? check_prereq(u, rr)
		                                      : check_update(u, rr);
		u->owner = NULL; /* owner is about to go out of scope */
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

int dz__update_check_form(dz__update_t *u)
{
	int ret = check_section(u, DZ_MSG_AN, DZ_UPDATE_SEC_PREREQ);
	return ret == DZ_OK ? check_section(u, DZ_MSG_NS, DZ_UPDATE_SEC_UPDATE)
	                    : ret;
}
