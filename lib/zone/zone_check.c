/* SPDX-License-Identifier: BSD-3-Clause */
/* Load-time semantic checks of a zone version, in the spirit of named-checkzone. */
#include "lib/zone/zone_internal.h"

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"

typedef struct check {
	const dz_zone_t *zone;
	dz_zone_report_cb cb;
	void *ctx;
	bool error;
	const dz_node_t *dname; /* innermost DNAME whose subtree we are in */
} check_t;

static void report(check_t *c, dz_zone_severity_t sev, const uint8_t *owner,
                   uint16_t type, int code, const char *msg)
{
	if (sev == DZ_ZONE_ERROR) {
		c->error = true;
	}
	if (c->cb != NULL) {
		dz_zone_finding_t f = {.severity = sev, .owner = owner,
		                       .type = type, .code = code, .msg = msg};
		c->cb(&f, c->ctx);
	}
}

/* A well-formed uncompressed name at rdata[off]? (Bounded: rdata is data.) */
static const uint8_t *rdata_name(const uint8_t *rd, uint16_t len, size_t off)
{
	size_t pos = off;
	while (pos < len) {
		uint8_t l = rd[pos];
		if (l == 0) {
			return pos + 1 - off <= DZ_NAME_MAXLEN ? rd + off : NULL;
		}
		if (l > DZ_NAME_MAXLABEL) {
			return NULL;
		}
		pos += 1 + (size_t)l;
	}
	return NULL;
}

static void check_apex(check_t *c, const dz_node_t *apex)
{
	const uint8_t *origin = c->zone->origin;
	dz_rrset_t soa;
	if (apex == NULL || dz_node_rrset(apex, DZ_RR_SOA, &soa) != DZ_OK) {
		report(c, DZ_ZONE_ERROR, origin, DZ_RR_SOA, DZ_ENOSOA,
		       "no soa record at the zone apex");
	} else if (soa.count > 1) {
		report(c, DZ_ZONE_ERROR, origin, DZ_RR_SOA, DZ_EMULTISOA,
		       "more than one soa record");
	}
	if (apex == NULL || !dz_node_has(apex, DZ_RR_NS)) {
		report(c, DZ_ZONE_ERROR, origin, DZ_RR_NS, DZ_ENONS,
		       "no ns records at the zone apex");
	}
}

/* RFC 2181 §10.1 and RFC 4035 §2.5: CNAME stands alone but for DNSSEC. */
static void check_cname(check_t *c, const dz_node_t *n)
{
	dz_rrset_t set;
	if (dz_node_rrset(n, DZ_RR_CNAME, &set) != DZ_OK) {
		return;
	}
	if (set.count > 1) {
		report(c, DZ_ZONE_ERROR, set.owner, DZ_RR_CNAME, DZ_ECNAME,
		       "more than one cname record");
	}
	for (unsigned i = 0; i < n->nrrsets; i++) {
		uint16_t t = dz__node_sets(n)[i].type;
		if (t != DZ_RR_CNAME && t != DZ_RR_RRSIG && t != DZ_RR_NSEC) {
			report(c, DZ_ZONE_ERROR, set.owner, t, DZ_ECNAME,
			       "cname and other data");
			return;
		}
	}
}

/* RFC 6672 §2.4: no data below a DNAME (BIND refuses such zones). */
static void check_dname(check_t *c, const dz_node_t *n)
{
	const dz_node_t *d = c->dname;
	if (d != NULL && n->keylen > d->keylen &&
	    memcmp(dz__node_key(n), dz__node_key(d), d->keylen) == 0) {
		report(c, DZ_ZONE_ERROR, dz_node_name(n), 0, DZ_EDNAME,
		       "data below a dname");
		return;
	}
	c->dname = (n->flags & DZ__NODE_DNAME) ? n : NULL;
}

static void check_target_cname(check_t *c, const dz_rrset_t *set,
                               const uint8_t *target, const char *msg)
{
	const dz_node_t *t = dz_zone_node(c->zone, target);
	if (t != NULL && (t->flags & DZ__NODE_CNAME)) {
		report(c, DZ_ZONE_WARNING, set->owner, set->type, DZ_ECNAME, msg);
	}
}

static void check_ns_target(check_t *c, const dz_rrset_t *set,
                            const uint8_t *target)
{
	if (!dz_name_is_sub(target, c->zone->origin)) {
		return;
	}
	check_target_cname(c, set, target, "ns target is a cname");
	const dz_node_t *t = dz_zone_node(c->zone, target);
	if (t != NULL && (dz_node_has(t, DZ_RR_A) || dz_node_has(t, DZ_RR_AAAA))) {
		return;
	}
	dz_zone_result_t r;
	(void)dz_zone_find(c->zone, target, &r);
	if (r.match == DZ_ZONE_DELEGATION) {
		report(c, DZ_ZONE_WARNING, set->owner, DZ_RR_NS, DZ_ENOTFOUND,
		       "missing glue for ns target below a zone cut");
	} else if (t == NULL || !(t->flags & DZ__NODE_CNAME)) {
		report(c, DZ_ZONE_WARNING, set->owner, DZ_RR_NS, DZ_ENOTFOUND,
		       "in-zone ns target has no address records");
	}
}

/* NS, MX and SRV targets: RFC 2181 §10.3 forbids aliases there. */
static void check_targets(check_t *c, const dz_rrset_t *set)
{
	size_t off;
	switch (set->type) {
	case DZ_RR_NS: off = 0; break;
	case DZ_RR_MX: off = 2; break;
	case DZ_RR_SRV: off = 6; break;
	default: return;
	}
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	dz_rrset_iter(set, &it);
	while (dz_rrset_next(&it, &rd, &len)) {
		const uint8_t *target = rdata_name(rd, len, off);
		if (target == NULL) {
			continue;
		}
		if (set->type == DZ_RR_NS) {
			check_ns_target(c, set, target);
		} else if (dz_name_is_sub(target, c->zone->origin)) {
			check_target_cname(c, set, target,
			                   set->type == DZ_RR_MX
			                           ? "mx target is a cname"
			                           : "srv target is a cname");
		}
	}
}

static int check_node(const dz_node_t *n, void *ctx)
{
	check_t *c = ctx;
	const dz_zone_t *z = c->zone;
	if (n->keylen < z->okeylen ||
	    memcmp(dz__node_key(n), z->okey, z->okeylen) != 0) {
		report(c, DZ_ZONE_ERROR, dz_node_name(n), 0, DZ_EOUTZONE,
		       "data outside the zone");
		return 0;
	}
	if (n != z->apex && dz_node_has(n, DZ_RR_SOA)) {
		report(c, DZ_ZONE_ERROR, dz_node_name(n), DZ_RR_SOA,
		       DZ_EMULTISOA, "soa record not at the zone apex");
	}
	check_cname(c, n);
	check_dname(c, n);
	for (unsigned i = 0; i < n->nrrsets; i++) {
		dz_rrset_t set;
		(void)dz_node_rrset_at(n, i, &set);
		check_targets(c, &set);
	}
	return 0;
}

int dz_zone_check(const dz_zone_t *zone, dz_zone_report_cb cb, void *ctx)
{
	if (zone == NULL) {
		return DZ_EINVAL;
	}
	check_t c = {.zone = zone, .cb = cb, .ctx = ctx};
	check_apex(&c, zone->apex);
	(void)dz_zone_walk(zone, check_node, &c);
	return c.error ? DZ_EZONECHECK : DZ_OK;
}
