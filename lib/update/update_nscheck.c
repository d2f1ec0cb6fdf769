/* SPDX-License-Identifier: BSD-3-Clause */
/* Post-update name server check: an update may not leave an apex NS record
 * naming an in-zone host that cannot be resolved to an address. */
#include "lib/update/update_internal.h"

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zone.h"

/*
 * BIND 9.18 (dns_zone_nscheck after the update section, REFUSED, "post update
 * name server sanity check failed") looks up A, then AAAA, of every apex NS
 * target at or below the origin in the new version, whatever the update
 * touched and whatever check-integrity says. Out-of-zone targets and the NS
 * RRsets of delegations are not examined. A target at or below a zone cut
 * passes (the lookup ends at the delegation, glue or not); a wildcard that
 * owns an address counts. Everything else fails: no such name, an empty
 * non-terminal, a name without A/AAAA, a CNAME, a name below a DNAME.
 * RFC 1912 §2.3 / RFC 2181 §10.3 give the reason: a name server name must
 * have address records and must not be an alias.
 */

/* Why \p target cannot be a name server name in \p nz, or NULL if it can. */
static const char *target_problem(const dz_zone_t *nz, const uint8_t *target,
                                  const uint8_t **dname)
{
	dz_zone_result_t res;
	const dz_node_t *node = NULL;
	if (dz_zone_find(nz, target, &res) != DZ_OK) {
		return "cannot be looked up";
	}
	switch (res.match) {
	case DZ_ZONE_DELEGATION:
		return NULL;
	case DZ_ZONE_DNAME:
		*dname = dz_node_name(res.node);
		return "is below a dname at";
	case DZ_ZONE_EXACT:
	case DZ_ZONE_WILDCARD:
		node = res.node; /* NULL for a wildcard that owns nothing */
		break;
	default: /* EMPTY, NXDOMAIN; OUTZONE is never asked */
		break;
	}
	if (node != NULL &&
	    (dz_node_has(node, DZ_RR_A) || dz_node_has(node, DZ_RR_AAAA))) {
		return NULL;
	}
	if (node != NULL && dz_node_has(node, DZ_RR_CNAME)) {
		return "is a cname";
	}
	return "has no address records";
}

static int fail_target(dz__update_t *u, const uint8_t *target, const char *why,
                       const uint8_t *dname)
{
	char tb[DZ_NAME_MAXSTR], zb[DZ_NAME_MAXSTR], db[DZ_NAME_MAXSTR];
	dz__update_at(u, DZ_UPDATE_SEC_NONE, 0, u->origin, DZ_RR_NS,
	              DZ_CLASS_IN);
	return dz__update_fail(u, DZ_EREFUSED, DZ_RCODE_REFUSED,
	                       "post-update name server check failed: %s (NS "
	                       "of %s) %s%s%s",
	                       dz__update_name_str(tb, target),
	                       dz__update_name_str(zb, u->origin), why,
	                       dname != NULL ? " " : "",
	                       dname != NULL ? dz__update_name_str(db, dname)
	                                     : "");
}

int dz__update_nscheck(dz__update_t *u, const dz_zone_t *nz)
{
	const dz_node_t *apex = dz_zone_apex(nz);
	dz_rrset_t set;
	if (apex == NULL || dz_node_rrset(apex, DZ_RR_NS, &set) != DZ_OK) {
		return DZ_OK; /* no apex NS: nothing to check (as BIND) */
	}
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	dz_rrset_iter(&set, &it);
	while (dz_rrset_next(&it, &rd, &len)) {
		/* NS rdata is one uncompressed name (RFC 1035 §3.3.11),
		 * checked when it entered the zone. */
		const uint8_t *dname = NULL;
		if (!dz_name_is_sub(rd, u->origin)) {
			continue;
		}
		const char *why = target_problem(nz, rd, &dname);
		if (why != NULL) {
			return fail_target(u, rd, why, dname);
		}
	}
	return DZ_OK;
}
