/* SPDX-License-Identifier: BSD-3-Clause */
/* Prerequisites of an update (RFC 2136 §3.2), checked against the old version.
 */
#include "lib/update/update_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zone.h"

/* One value-dependent prerequisite record (class IN, RFC 2136 §2.4.2). */
typedef struct vdrr {
	const uint8_t *owner;
	const uint8_t *rdata;
	uint32_t index;
	uint16_t type;
	uint16_t rdlen;
} vdrr_t;

static int vd_cmp(const void *pa, const void *pb)
{
	const vdrr_t *a = pa, *b = pb;
	int c = dz_name_cmp(a->owner, b->owner);
	if (c == 0) {
		c = (a->type > b->type) - (a->type < b->type);
	}
	if (c == 0) {
		c = dz_rdata_cmp(a->type, a->rdata, a->rdlen, b->rdata,
		                 b->rdlen);
	}
	return c;
}

/* "Name is in use" (RFC 2136 §2.4.4): the name owns a record. An empty
 * non-terminal owns none, so it is not in use (as BIND). */
static unsigned rrsets_at(const dz__update_t *u, const uint8_t *owner)
{
	const dz_node_t *node = dz_zone_node(u->zone, owner);
	return node != NULL ? dz_node_rrset_count(node) : 0;
}

static unsigned records_of(const dz__update_t *u, const uint8_t *owner,
                           uint16_t type)
{
	const dz_node_t *node = dz_zone_node(u->zone, owner);
	dz_rrset_t set;
	if (node == NULL || dz_node_rrset(node, type, &set) != DZ_OK) {
		return 0;
	}
	return set.count;
}

/* Class ANY (§2.4.1, §2.4.4) and class NONE (§2.4.3, §2.4.5). */
static int check_meta(dz__update_t *u, const dz_msg_rr_t *rr,
                      const uint8_t *owner)
{
	char nb[DZ_NAME_MAXSTR], tb[DZ_RRTYPE_MAXSTR];
	bool any = rr->rclass == DZ_CLASS_ANY;
	(void)dz__update_name_str(nb, owner);
	(void)dz__update_type_str(tb, rr->type);
	if (rr->rdlen != 0) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "prerequisite of class %s must have no "
		                       "rdata",
		                       any ? "ANY" : "NONE");
	}
	if (rr->type == DZ_RR_ANY) {
		unsigned n = rrsets_at(u, owner);
		if (any && n == 0) {
			return dz__update_fail(u, DZ_EPREREQ, DZ_RCODE_NXDOMAIN,
			                       "prerequisite yxdomain failed: "
			                       "%s: name not in use",
			                       nb);
		}
		if (!any && n > 0) {
			return dz__update_fail(u, DZ_EPREREQ, DZ_RCODE_YXDOMAIN,
			                       "prerequisite nxdomain failed: "
			                       "%s: name in use (%u rrsets)",
			                       nb, n);
		}
		return DZ_OK;
	}
	unsigned n = records_of(u, owner, rr->type);
	if (any && n == 0) {
		return dz__update_fail(u, DZ_EPREREQ, DZ_RCODE_NXRRSET,
		                       "prerequisite yxrrset failed: %s %s: "
		                       "rrset does not exist",
		                       nb, tb);
	}
	if (!any && n > 0) {
		return dz__update_fail(u, DZ_EPREREQ, DZ_RCODE_YXRRSET,
		                       "prerequisite nxrrset failed: %s %s: "
		                       "rrset exists (%u records)",
		                       nb, tb, n);
	}
	return DZ_OK;
}

/* Keep a class IN prerequisite for the value-dependent pass (§3.2.3). */
static int collect(dz__update_t *u, const dz_msg_rr_t *rr, const uint8_t *owner,
                   uint32_t i, vdrr_t *vd)
{
	int len = 0;
	/* A meta type cannot be a stored RRset; it fails as NXRRSET later
	 * (BIND), so its rdata is not decoded. */
	if (!dz_rrtype_is_meta(rr->type)) {
		len = dz_msg_rr_rdata(u->msg, rr, u->scratch, DZ_RDATA_MAXLEN);
	}
	if (len < 0) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "bad rdata: %s", dz_strerror(len));
	}
	size_t olen = dz_name_len(owner);
	uint8_t *mem = dz__update_alloc(u, olen + (size_t)len);
	if (mem == NULL) {
		return dz__update_fail(u, DZ_ENOMEM, DZ_RCODE_SERVFAIL,
		                       "out of memory");
	}
	memcpy(mem, owner, olen);
	memcpy(mem + olen, u->scratch, (size_t)len);
	*vd = (vdrr_t){.owner = mem,
	               .rdata = mem + olen,
	               .index = i,
	               .type = rr->type,
	               .rdlen = (uint16_t)len};
	return DZ_OK;
}

static int check_one(dz__update_t *u, uint32_t i, const dz_msg_rr_t *rr,
                     vdrr_t *vd, uint32_t *nvd)
{
	uint8_t owner[DZ_NAME_MAXLEN];
	dz__update_at(u, DZ_UPDATE_SEC_PREREQ, i, NULL, rr->type, rr->rclass);
	if (dz_msg_rr_owner(u->msg, rr, owner) <= 0) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "bad owner name");
	}
	u->owner = owner;
	/* BIND checks the TTL before the name, so a bad TTL is FORMERR
	 * even out of zone. */
	if (rr->ttl != 0) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "prerequisite ttl must be 0, not %u",
		                       rr->ttl);
	}
	if (!dz_name_is_sub(owner, u->origin)) {
		char nb[DZ_NAME_MAXSTR];
		return dz__update_fail(u, DZ_EOUTZONE, DZ_RCODE_NOTZONE,
		                       "prerequisite name %s is outside the "
		                       "zone",
		                       dz__update_name_str(nb, owner));
	}
	switch (rr->rclass) {
	case DZ_CLASS_ANY:
	case DZ_CLASS_NONE:
		return check_meta(u, rr, owner);
	case DZ_CLASS_IN:
		return collect(u, rr, owner, i, &vd[(*nvd)++]);
	default:
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "prerequisite class %u not allowed",
		                       rr->rclass);
	}
}

/* Compare one (name, type) group of sorted, deduplicated records with the
 * RRset in the zone: equal as sets (RFC 2136 §3.2.3). */
static int check_group(dz__update_t *u, const vdrr_t *g, uint32_t n,
                       uint32_t first)
{
	char nb[DZ_NAME_MAXSTR], tb[DZ_RRTYPE_MAXSTR];
	const dz_node_t *node = dz_zone_node(u->zone, g[0].owner);
	dz_rrset_t set;
	dz__update_at(u, DZ_UPDATE_SEC_PREREQ, first, g[0].owner, g[0].type,
	              DZ_CLASS_IN);
	(void)dz__update_name_str(nb, g[0].owner);
	(void)dz__update_type_str(tb, g[0].type);
	if (node == NULL || dz_node_rrset(node, g[0].type, &set) != DZ_OK) {
		return dz__update_fail(u, DZ_EPREREQ, DZ_RCODE_NXRRSET,
		                       "prerequisite yxrrset failed: %s %s: "
		                       "rrset does not exist",
		                       nb, tb);
	}
	if (set.count != n) {
		return dz__update_fail(u, DZ_EPREREQ, DZ_RCODE_NXRRSET,
		                       "prerequisite yxrrset failed: %s %s: "
		                       "found %u records, expected %u",
		                       nb, tb, set.count, n);
	}
	/* Both sides are sets of the same size: each of ours must be there. */
	for (uint32_t k = 0; k < n; k++) {
		dz_rdata_iter_t it;
		const uint8_t *rd;
		uint16_t len;
		bool found = false;
		dz_rrset_iter(&set, &it);
		while (!found && dz_rrset_next(&it, &rd, &len)) {
			found = dz_rdata_cmp(g[k].type, rd, len, g[k].rdata,
			                     g[k].rdlen) == 0;
		}
		if (!found) {
			return dz__update_fail(
			        u, DZ_EPREREQ, DZ_RCODE_NXRRSET,
			        "prerequisite yxrrset failed: %s "
			        "%s: found %u records, rdata "
			        "differs",
			        nb, tb, set.count);
		}
	}
	return DZ_OK;
}

/* RFC 2136 §3.2.3: group by (name, type), drop duplicates, compare. */
static int check_value_dependent(dz__update_t *u, vdrr_t *vd, uint32_t n)
{
	qsort(vd, n, sizeof(*vd), vd_cmp);
	uint32_t i = 0;
	while (i < n) {
		uint32_t k = 0, first = vd[i].index, j = i;
		/* Compact the group's distinct records to vd[i..i+k). */
		for (; j < n && vd[j].type == vd[i].type &&
		       dz_name_equal(vd[j].owner, vd[i].owner);
		     j++) {
			first = vd[j].index < first ? vd[j].index : first;
			if (k == 0 || vd_cmp(&vd[i + k - 1], &vd[j]) != 0) {
				vd[i + k++] = vd[j];
			}
		}
		int ret = check_group(u, &vd[i], k, first);
		if (ret != DZ_OK) {
			return ret;
		}
		i = j;
	}
	return DZ_OK;
}

int dz__update_prereqs(dz__update_t *u)
{
	uint32_t n, nvd = 0;
	const dz_msg_rr_t *sec = dz_msg_section(u->msg, DZ_MSG_AN, &n);
	if (n == 0) {
		return DZ_OK;
	}
	vdrr_t *vd = malloc(n * sizeof(*vd));
	if (vd == NULL) {
		dz__update_at(u, DZ_UPDATE_SEC_NONE, 0, NULL, 0, 0);
		return dz__update_fail(u, DZ_ENOMEM, DZ_RCODE_SERVFAIL,
		                       "out of memory");
	}
	int ret = DZ_OK;
	for (uint32_t i = 0; ret == DZ_OK && i < n; i++) {
		ret = check_one(u, i, &sec[i], vd, &nvd);
	}
	if (ret == DZ_OK) {
		ret = check_value_dependent(u, vd, nvd);
	}
	free(vd);
	return ret;
}
