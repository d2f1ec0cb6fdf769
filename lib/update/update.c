/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 2136 dynamic update: the zone section, the order of the steps, and
 * failure reports. */
#include "lib/update/update.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/update/update_internal.h"
#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zone.h"

const char *dz_update_section_str(dz_update_section_t section)
{
	switch (section) {
	case DZ_UPDATE_SEC_ZONE:
		return "zone";
	case DZ_UPDATE_SEC_PREREQ:
		return "prerequisite";
	case DZ_UPDATE_SEC_UPDATE:
		return "update";
	default:
		return "message";
	}
}

const char *dz__update_name_str(char *buf, const uint8_t *name)
{
	if (dz_name_to_str(buf, DZ_NAME_MAXSTR, name) < 0) {
		(void)snprintf(buf, DZ_NAME_MAXSTR, "?");
	}
	return buf;
}

const char *dz__update_type_str(char *buf, uint16_t type)
{
	if (dz_rrtype_to_str(type, buf, DZ_RRTYPE_MAXSTR) < 0) {
		(void)snprintf(buf, DZ_RRTYPE_MAXSTR, "TYPE%u", type);
	}
	return buf;
}

void dz__update_at(dz__update_t *u, dz_update_section_t sec, size_t idx,
                   const uint8_t *owner, uint16_t type, uint16_t rclass)
{
	u->sec = sec;
	u->idx = idx;
	u->owner = owner;
	u->type = type;
	u->rclass = rclass;
}

int dz__update_fail(dz__update_t *u, int status, uint16_t rcode,
                    const char *fmt, ...)
{
	u->rcode = rcode;
	dz_update_diag_t *d = u->diag;
	if (d == NULL) {
		return status;
	}
	memset(d, 0, sizeof(*d));
	d->section = u->sec;
	d->index = u->idx;
	d->owner[0] = 0; /* the root when no record is concerned */
	if (u->owner != NULL) {
		(void)dz_name_copy(d->owner, u->owner);
	}
	d->type = u->type;
	d->rclass = u->rclass;
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return status;
}

/* RFC 2136 §3.1.1: one zone "question", of type SOA, in our class. */
static int check_zone_section(dz__update_t *u, const dz_msg_t *msg)
{
	char tbuf[DZ_RRTYPE_MAXSTR];
	dz__update_at(u, DZ_UPDATE_SEC_ZONE, 0,
	              msg->qname_len > 0 ? msg->qname : NULL, msg->qtype,
	              msg->qclass);
	if (msg->hdr.opcode != DZ_OPCODE_UPDATE) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "opcode %u is not update",
		                       msg->hdr.opcode);
	}
	if (msg->hdr.qdcount != 1 || msg->qname_len == 0) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "zone section must hold exactly one "
		                       "record, not %u",
		                       msg->hdr.qdcount);
	}
	if (msg->qtype != DZ_RR_SOA) {
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "zone section type must be SOA, not %s",
		                       dz__update_type_str(tbuf, msg->qtype));
	}
	if (msg->qclass != DZ_CLASS_IN) {
		char cbuf[DZ_RRTYPE_MAXSTR];
		if (dz_rrclass_to_str(msg->qclass, cbuf, sizeof(cbuf)) < 0) {
			(void)snprintf(cbuf, sizeof(cbuf), "%u", msg->qclass);
		}
		return dz__update_fail(u, DZ_EMALF, DZ_RCODE_FORMERR,
		                       "zone class must be IN, not %s", cbuf);
	}
	return DZ_OK;
}

/* The record forms BIND rejects at parse time, with a scratch buffer of our
 * own: the server calls dz_update_zone_name before it checks permissions. */
static int check_form_alone(dz__update_t *u)
{
	u->scratch = malloc(DZ_RDATA_MAXLEN);
	if (u->scratch == NULL) {
		dz__update_at(u, DZ_UPDATE_SEC_NONE, 0, NULL, 0, 0);
		return dz__update_fail(u, DZ_ENOMEM, DZ_RCODE_SERVFAIL,
		                       "out of memory");
	}
	int ret = dz__update_check_form(u);
	free(u->scratch);
	u->scratch = NULL;
	return ret;
}

int dz_update_zone_name(const dz_msg_t *msg, const uint8_t **zname,
                        uint16_t *rcode, dz_update_diag_t *diag)
{
	dz__update_t u = {.msg = msg, .diag = diag};
	int ret = check_zone_section(&u, msg);
	if (ret == DZ_OK) {
		ret = check_form_alone(&u);
	}
	if (ret != DZ_OK) {
		*rcode = u.rcode;
		return ret;
	}
	*zname = msg->qname;
	return DZ_OK;
}

/* The zone named must be the one we are given (the server picked it). */
static int check_zone(dz__update_t *u)
{
	if (!dz_name_equal(u->msg->qname, u->origin)) {
		char a[DZ_NAME_MAXSTR], b[DZ_NAME_MAXSTR];
		return dz__update_fail(u, DZ_ENOTAUTH, DZ_RCODE_NOTAUTH,
		                       "not authoritative for %s (zone is %s)",
		                       dz__update_name_str(a, u->msg->qname),
		                       dz__update_name_str(b, u->origin));
	}
	uint32_t serial;
	if (dz_zone_serial(u->zone, &serial) != DZ_OK) {
		dz__update_at(u, DZ_UPDATE_SEC_NONE, 0, u->origin, DZ_RR_SOA,
		              DZ_CLASS_IN);
		return dz__update_fail(u, DZ_ENOSOA, DZ_RCODE_SERVFAIL,
		                       "zone has no usable SOA");
	}
	return DZ_OK;
}

static int fail_alloc(dz__update_t *u, int ret)
{
	dz__update_at(u, DZ_UPDATE_SEC_NONE, 0, NULL, 0, 0);
	return dz__update_fail(u, ret, DZ_RCODE_SERVFAIL, "%s",
	                       dz_strerror(ret));
}

/* The order of update.h: zone section, record forms, zone, prescan,
 * prerequisites, updates, result (with the name server check). */
static int run(dz__update_t *u, dz_zone_t **new_zone, dz_changeset_t **changes)
{
	int ret = check_zone_section(u, u->msg);
	if (ret != DZ_OK) {
		return ret;
	}
	uint32_t nupd;
	(void)dz_msg_section(u->msg, DZ_MSG_NS, &nupd);
	/* One name per update RR at most, plus the apex. */
	ret = dz__update_init(u, nupd + 1);
	if (ret != DZ_OK) {
		return fail_alloc(u, ret);
	}
	ret = dz__update_check_form(u);
	if (ret == DZ_OK) {
		ret = check_zone(u);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	ret = dz__update_name(u, u->origin, &u->apex);
	if (ret != DZ_OK) {
		return fail_alloc(u, ret);
	}
	ret = dz__update_prescan(u);
	if (ret == DZ_OK) {
		ret = dz__update_prereqs(u);
	}
	if (ret == DZ_OK) {
		ret = dz__update_process(u);
	}
	if (ret == DZ_OK) {
		ret = dz__update_result(u, new_zone, changes);
	}
	return ret;
}

int dz_update_apply(const dz_zone_t *zone, const dz_msg_t *msg,
                    const dz_update_opts_t *opts, dz_zone_t **new_zone,
                    dz_changeset_t **changes, uint16_t *rcode,
                    dz_update_diag_t *diag)
{
	static const dz_update_opts_t defaults = {0};
	dz__update_t u = {
	        .zone = zone,
	        .msg = msg,
	        .opts = opts != NULL ? opts : &defaults,
	        .origin = dz_zone_origin(zone),
	        .diag = diag,
	};
	dz_zone_t *nz = NULL;
	dz_changeset_t *ch = NULL;
	int ret = run(&u, &nz, &ch);
	dz__update_clear(&u);
	if (ret != DZ_OK) {
		*rcode = u.rcode;
		return ret;
	}
	*rcode = DZ_RCODE_NOERROR;
	*new_zone = nz;
	*changes = ch;
	return DZ_OK;
}
