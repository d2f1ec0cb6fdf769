/* SPDX-License-Identifier: BSD-3-Clause */
/* The refresh query (RFC 1035 §4.3.5): our primary's SOA over UDP with retries,
 * over TCP when truncated, and the checks on its answer. */
#include "server/xfrin/xfrin_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"

/* Room for an SOA answer with its authority and additional records. */
#define SOA_MAX_RRS 256

const char *xfrin_rcode_str(uint16_t rcode)
{
	static const char *const names[] = {"noerror",  "formerr", "servfail",
	                                    "nxdomain", "notimp",  "refused",
	                                    "yxdomain", "yxrrset", "nxrrset",
	                                    "notauth",  "notzone"};
	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode]
	                                                : "rcode-other";
}

static int soa_fail(xfrin_zone_t *z, int status, const char *reason)
{
	snprintf(z->soa_reason, sizeof(z->soa_reason), "%s", reason);
	return status;
}

/* The serial of the zone's SOA in the answer section; DZ_ENOTAUTH with a
 * reason when the answer is not one for our zone. */
static int soa_serial(xfrin_zone_t *z, const dz_msg_t *m)
{
	uint32_t n = 0;
	const dz_msg_rr_t *rr = dz_msg_section(m, DZ_MSG_AN, &n);
	bool other = false;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t owner[DZ_NAME_MAXLEN];
		if (rr[i].type != DZ_RR_SOA ||
		    dz_msg_rr_owner(m, &rr[i], owner) < 0) {
			continue;
		}
		if (!dz_name_equal(owner, z->name)) {
			other = true;
			continue;
		}
		/* The serial follows MNAME and RNAME: read the rdata whole. */
		uint8_t rd[2 * DZ_NAME_MAXLEN + 20];
		int len = dz_msg_rr_rdata(m, &rr[i], rd, sizeof(rd));
		if (len < 20) {
			return soa_fail(z, DZ_ENOTAUTH, "malformed-soa");
		}
		const uint8_t *s = rd + len - 20;
		z->soa_serial = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
		                (uint32_t)s[2] << 8 | s[3];
		return DZ_OK;
	}
	return soa_fail(z, DZ_ENOTAUTH, other ? "wrong-zone" : "no-soa");
}

/* The answer to our SOA query: > 0 keep waiting (not ours), 0 done. */
static int check_answer(xfrin_zone_t *z, const dz_msg_t *m)
{
	uint16_t rcode = dz_msg_rcode(m);
	if (rcode != DZ_RCODE_NOERROR) {
		return soa_fail(z, DZ_EREFUSED, xfrin_rcode_str(rcode));
	}
	if (m->hdr.tc) {
		return soa_fail(z, DZ_ETRUNC, "truncated");
	}
	if (!m->hdr.aa) {
		return soa_fail(z, DZ_ENOTAUTH, "not-authoritative");
	}
	if (m->qname_len == 0 || !dz_name_equal(m->qname, z->name) ||
	    m->qtype != DZ_RR_SOA) {
		return soa_fail(z, DZ_ENOTAUTH, "wrong-zone");
	}
	return soa_serial(z, m);
}

static int on_msg(void *ctx, const uint8_t *pkt, size_t len)
{
	xfrin_zone_t *z = ctx;
	dz_msg_rr_t rrs[SOA_MAX_RRS];
	dz_msg_t m;
	dz_msg_init(&m, rrs, SOA_MAX_RRS);
	if (dz_msg_parse(&m, pkt, len, NULL, NULL) != DZ_OK ||
	    m.hdr.id != z->qid || !m.hdr.qr) {
		/* Not an answer to this query (RFC 5452 §9.1): over UDP keep
		 * waiting for the real one. */
		z->soa_status = soa_fail(z, DZ_EMALF, "malformed");
		return 1;
	}
	dz_tsig_result_t res;
	if (xfrin_query_verify(z, pkt, len, &m, &res) != DZ_OK) {
		/* The primary's own verdict on our key (BADSIG, BADKEY...)
		 * says more than ours on its unsigned error answer. */
		char why[48];
		snprintf(why, sizeof(why), "tsig-%s",
		         res.peer_error != 0 ? dz_tsig_error_str(res.peer_error)
		         : res.why == DZ_TSIG_WHY_UNSIGNED ? "unsigned"
		                                           : "invalid");
		z->soa_status = soa_fail(z, DZ_EACCES, why);
		return 0;
	}
	z->soa_status = check_answer(z, &m);
	return 0;
}

const char *xfrin_io_reason(int status)
{
	switch (status) {
	case -ETIMEDOUT:
		return "timeout";
	case -ECONNREFUSED:
		return "connection-refused";
	case DZ_EXFRINCOMPLETE:
		return "connection-closed";
	default:
		return "network-error";
	}
}

static int soa_send(xfrin_zone_t *z, bool tcp);

static void on_done(void *ctx, int status)
{
	xfrin_zone_t *z = ctx;
	z->io = NULL;
	if (status != DZ_OK) {
		z->soa_status = soa_fail(z, status, xfrin_io_reason(status));
	} else if (z->soa_status == DZ_ETRUNC && !z->soa_tcp) {
		/* RFC 7766 §5: retry over TCP. */
		if (soa_send(z, true) == DZ_OK) {
			return;
		}
		z->soa_status = soa_fail(z, DZ_EIO, "tcp-failed");
	}
	xfrin_zone_event(z, XFRIN_EV_SOA_DONE);
}

static int soa_send(xfrin_zone_t *z, bool tcp)
{
	uint8_t q[DZ_MSG_HDR_LEN + DZ_NAME_MAXLEN + 4 + 512];
	size_t len = 0;
	int ret = xfrin_query_build(z, DZ_RR_SOA, NULL, q, sizeof(q), &len);
	if (ret != DZ_OK) {
		return ret;
	}
	const xfrin_target_t *t = &z->targets[z->cur];
	xfrin_io_opts_t o = {.dst = &t->addr,
	                     .via = t->has_via ? &t->via : NULL,
	                     .tcp = tcp,
	                     .timeout_ms = tcp ? XFRIN_TCP_TIMEOUT_MS
	                                       : XFRIN_UDP_TIMEOUT_MS,
	                     .tries = XFRIN_UDP_TRIES,
	                     .on_msg = on_msg,
	                     .on_done = on_done,
	                     .ctx = z};
	z->soa_tcp = tcp; /* TC over TCP is an error, not a retry */
	z->soa_status = DZ_EIO;
	snprintf(z->soa_reason, sizeof(z->soa_reason), "no-answer");
	return xfrin_io_start(&z->x->srv->loop, &o, q, len, &z->io);
}

int xfrin_soa_start(xfrin_zone_t *z)
{
	return soa_send(z, false);
}
