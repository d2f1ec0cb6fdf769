/* SPDX-License-Identifier: BSD-3-Clause */
/* Incoming transfers: the AXFR/IXFR answer stream checked record by record and
 * turned into a new version. */
#include "lib/xfr/xfr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/xfr/xfr_in_internal.h"
#include "lib/xfr/xfr_internal.h"
#include "lib/zone/changeset.h"
#include "lib/zone/serial.h"
#include "lib/zone/zone.h"

/*
 * The stream is read as a state machine over its answer records, the way
 * BIND's xfrin does (RFC 1995 §4, RFC 5936 §2.2):
 *
 *   START   first record: the zone's SOA, serial S (the peer's version);
 *           IXFR and S not newer than ours: up to date, DONE
 *   FIRST   IXFR, second record: an SOA with a serial other than S opens a
 *           difference sequence (DEL); anything else is a full zone (AXFR)
 *   AXFR    zone records, until an SOA with serial S: DONE
 *   DEL     removals of one step, until its new SOA (ADD)
 *   ADD     additions, until an SOA: serial S ends the transfer (DONE),
 *           another opens the next step (DEL)
 *
 * Each difference step is applied strictly to a working version when it
 * ends, so a removal of something we do not hold is caught as an
 * inconsistent history at once. Nothing is visible to anyone before
 * dz_xfr_in_finish().
 */

int dz__xfr_in_fail(dz_xfr_in_t *in, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(in->diag, sizeof(in->diag), fmt, ap);
	va_end(ap);
	in->err = err;
	in->state = XST_FAILED;
	return err;
}

/* --- construction --------------------------------------------------------- */

int dz_xfr_in_new(const uint8_t *origin, const dz_zone_t *current,
                  uint16_t qtype, uint32_t serial, dz_xfr_in_t **out)
{
	if (origin == NULL || (qtype != DZ_RR_AXFR && qtype != DZ_RR_IXFR)) {
		return DZ_EINVAL;
	}
	if (current != NULL &&
	    !dz_name_equal(dz_zone_origin(current), origin)) {
		return DZ_EINVAL;
	}
	dz_xfr_in_t *in = calloc(1, sizeof(*in));
	if (in == NULL) {
		return DZ_ENOMEM;
	}
	(void)dz_name_copy(in->origin, origin);
	in->current = current != NULL ? dz_zone_ref(current) : NULL;
	in->qtype = qtype;
	in->serial = serial;
	*out = in;
	return DZ_OK;
}

void dz_xfr_in_expect_id(dz_xfr_in_t *in, uint16_t id)
{
	in->check_id = true;
	in->id = id;
}

/* --- header checks -------------------------------------------------------- */

static const char *rcode_str(uint16_t rcode, char *buf, size_t len)
{
	static const char *const names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
	                                    "NXDOMAIN", "NOTIMP",  "REFUSED",
	                                    "YXDOMAIN", "YXRRSET", "NXRRSET",
	                                    "NOTAUTH",  "NOTZONE"};
	if (rcode < sizeof(names) / sizeof(names[0])) {
		return names[rcode];
	}
	(void)snprintf(buf, len, "RCODE%u", (unsigned)rcode);
	return buf;
}

static int check_question(dz_xfr_in_t *in, const dz_msg_t *msg)
{
	char got[DZ_NAME_MAXSTR], want[DZ_NAME_MAXSTR], t[16];

	if (msg->qname_len == 0) {
		/* RFC 5936 §2.2.1: later messages may leave it out; BIND and
		 * Knot accept a first one without it too. */
		return DZ_OK;
	}
	if (msg->hdr.qdcount == 1 && msg->qtype == in->qtype &&
	    msg->qclass == DZ_CLASS_IN &&
	    dz_name_equal(msg->qname, in->origin)) {
		return DZ_OK;
	}
	(void)dz_name_to_str(got, sizeof(got), msg->qname);
	(void)dz_name_to_str(want, sizeof(want), in->origin);
	(void)dz_rrtype_to_str(msg->qtype, t, sizeof(t));
	return dz__xfr_in_fail(in, DZ_EXFRBAD,
	                       "question %s %s does not match the query for %s",
	                       got, t, want);
}

static int check_header(dz_xfr_in_t *in, const dz_msg_t *msg)
{
	char buf[16];
	uint16_t rcode = dz_msg_rcode(msg);

	if (!msg->hdr.qr || msg->hdr.opcode != DZ_OPCODE_QUERY) {
		return dz__xfr_in_fail(in, DZ_EHEADER,
		                       "message is not a query response");
	}
	if (in->check_id && msg->hdr.id != in->id) {
		return dz__xfr_in_fail(
		        in, DZ_EHEADER,
		        "message id %u does not match query id %u",
		        (unsigned)msg->hdr.id, (unsigned)in->id);
	}
	if (rcode != DZ_RCODE_NOERROR) {
		in->rcode = rcode;
		return dz__xfr_in_fail(in, DZ_EXFRRCODE, "peer answered %s",
		                       rcode_str(rcode, buf, sizeof(buf)));
	}
	if (msg->hdr.tc) {
		return dz__xfr_in_fail(in, DZ_EXFRBAD,
		                       "message is truncated (TC)");
	}
	return check_question(in, msg);
}

/* --- records -------------------------------------------------------------- */

/* Decode one answer record into in->cur (owner and rdata uncompressed). */
static int read_rr(dz_xfr_in_t *in, const dz_msg_t *msg, const dz_msg_rr_t *rr)
{
	char name[DZ_NAME_MAXSTR], t[16];
	int ret = dz_msg_rr_owner(msg, rr, in->owner);
	if (ret < 0) {
		return dz__xfr_in_fail(in, ret, "bad owner name in the answer");
	}
	(void)dz_name_to_str(name, sizeof(name), in->owner);
	(void)dz_rrtype_to_str(rr->type, t, sizeof(t));
	ret = dz_msg_rr_rdata(msg, rr, in->rdata, sizeof(in->rdata));
	if (ret < 0) {
		return dz__xfr_in_fail(in, ret, "bad rdata: %s %s", name, t);
	}
	if (rr->rclass != DZ_CLASS_IN) {
		return dz__xfr_in_fail(
		        in, DZ_ECLASS,
		        "record class %u is not the zone class IN: %s %s",
		        (unsigned)rr->rclass, name, t);
	}
	if (!dz_name_is_sub(in->owner, in->origin)) {
		return dz__xfr_in_fail(in, DZ_EOUTZONE,
		                       "record outside the zone: %s", name);
	}
	in->cur = (dz_rr_t){in->owner, rr->type, rr->ttl, in->rdata,
	                    (uint16_t)ret};
	in->cur_soa =
	        rr->type == DZ_RR_SOA && dz_name_equal(in->owner, in->origin);
	in->cur_serial = 0;
	if (in->cur_soa && dz__xfr_soa_serial(in->rdata, (size_t)ret,
	                                      &in->cur_serial) != DZ_OK) {
		return dz__xfr_in_fail(in, DZ_EMALF, "bad SOA rdata");
	}
	return DZ_OK;
}

/* The first record: the SOA of the zone, giving the peer's serial. */
static int on_start(dz_xfr_in_t *in)
{
	char name[DZ_NAME_MAXSTR], t[16];

	if (!in->cur_soa) {
		(void)dz_name_to_str(name, sizeof(name), in->cur.owner);
		(void)dz_rrtype_to_str(in->cur.type, t, sizeof(t));
		return dz__xfr_in_fail(
		        in, DZ_EXFRBAD,
		        "first record is not the SOA of the zone: %s %s", name,
		        t);
	}
	in->end_serial = in->cur_serial;
	in->soa_ttl = in->cur.ttl;
	in->soa_len = in->cur.rdlen;
	memcpy(in->soa, in->cur.rdata, in->cur.rdlen);
	if (in->qtype == DZ_RR_AXFR) {
		return dz__xfr_in_axfr_begin(in, DZ_XFR_AXFR);
	}
	/* RFC 1995 §2: a serial not newer than ours is answered by the SOA
	 * alone; like BIND, we stop there whatever follows. */
	if (dz_serial_cmp(in->end_serial, in->serial) != DZ_SERIAL_GT) {
		in->kind = DZ_XFR_UPTODATE;
		in->state = XST_DONE;
		return DZ_OK;
	}
	in->state = XST_FIRST;
	return DZ_OK;
}

/* The second record of an IXFR answer tells its form (RFC 1995 §4). */
static int on_first(dz_xfr_in_t *in)
{
	if (in->cur_soa && in->cur_serial != in->end_serial) {
		in->kind = DZ_XFR_IXFR;
		return dz__xfr_in_step_begin(in);
	}
	int ret = dz__xfr_in_axfr_begin(in, DZ_XFR_AXFR_STYLE);
	return ret == DZ_OK ? dz__xfr_in_axfr_rr(in) : ret;
}

static int on_record(dz_xfr_in_t *in)
{
	switch (in->state) {
	case XST_START:
		return on_start(in);
	case XST_FIRST:
		return on_first(in);
	case XST_AXFR:
		return dz__xfr_in_axfr_rr(in);
	case XST_DEL:
	case XST_ADD:
		return dz__xfr_in_step_rr(in);
	default:
		return dz__xfr_in_fail(in, DZ_ETRAIL,
		                       "records after the final SOA");
	}
}

int dz_xfr_in_feed(dz_xfr_in_t *in, const dz_msg_t *msg)
{
	uint32_t n;

	if (in->err != DZ_OK) {
		return in->err;
	}
	if (in->state == XST_DONE || in->state == XST_SPENT) {
		return dz__xfr_in_fail(in, DZ_ETRAIL,
		                       "message after the final SOA");
	}
	int ret = check_header(in, msg);
	if (ret != DZ_OK) {
		return ret;
	}
	const dz_msg_rr_t *an = dz_msg_section(msg, DZ_MSG_AN, &n);
	if (n == 0 && in->state == XST_START) {
		return dz__xfr_in_fail(in, DZ_EXFRBAD,
		                       "first message has no answer records");
	}
	in->stats.messages++;
	in->stats.bytes += msg->len;
	for (uint32_t i = 0; i < n && ret == DZ_OK; i++) {
		if (in->state == XST_DONE) {
			return dz__xfr_in_fail(in, DZ_ETRAIL,
			                       "records after the final SOA");
		}
		ret = read_rr(in, msg, &an[i]);
		if (ret == DZ_OK) {
			in->stats.records++;
			ret = on_record(in);
		}
	}
	return ret;
}

bool dz_xfr_in_is_done(const dz_xfr_in_t *in)
{
	return in->state == XST_DONE;
}

void dz_xfr_in_stats(const dz_xfr_in_t *in, dz_xfr_stats_t *stats)
{
	*stats = in->stats;
}

dz_xfr_kind_t dz_xfr_in_kind(const dz_xfr_in_t *in)
{
	return in->kind;
}

const char *dz_xfr_in_diag(const dz_xfr_in_t *in)
{
	return in->diag;
}

uint16_t dz_xfr_in_rcode(const dz_xfr_in_t *in)
{
	return in->rcode;
}
