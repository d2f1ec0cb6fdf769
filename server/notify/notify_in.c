/* SPDX-License-Identifier: BSD-3-Clause */
/* NOTIFY in (RFC 1996 §3.7-3.11): check the zone, the sender and its key, answer with AA, and ask the secondary side for a refresh. */
#include "server/notify/notify_internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"
#include "server/dispatch.h"
#include "server/log/log.h"
#include "server/net/net_addr.h"
#include "server/update/update_internal.h"
#include "server/xfrin/xfrin.h"

/* Records a NOTIFY may carry: question aside, a SOA, OPT and TSIG. */
#define NOTIFY_IN_MAX_RRS 32
/* Room for the primaries list in notify-not-from-primary. */
#define PRIMARIES_STR_MAX 512

/* The answer (RFC 1996 §3.7, §4): the request's ID, opcode and question
 * with QR and AA set, no records; signed when the request was (RFC 8945
 * §5.3). */
static int respond(const dz_msg_t *req, uint16_t rcode,
                   const dz_tsig_result_t *tres, uint8_t *buf, size_t cap)
{
	dz_msg_hdr_t hdr = {.id = req->hdr.id,
	                    .qr = true,
	                    .aa = true,
	                    .opcode = DZ_OPCODE_NOTIFY};
	dz_msg_render_t r;
	int ret = dz_msg_render_begin(&r, buf, cap, &hdr);
	if (ret == DZ_OK && req->qname_len > 0) {
		ret = dz_msg_render_question(&r, req->qname, req->qtype,
		                             req->qclass);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	dz_msg_render_rcode(&r, rcode & 0xf);
	int len = dz_msg_render_finish(&r);
	if (len <= 0 || tres == NULL || !tres->parsed) {
		return len;
	}
	size_t n = (size_t)len;
	ret = dz_tsig_sign_response(buf, &n, cap, tres, update_now(),
	                            DZ_TSIG_FUDGE_DEFAULT, NULL, NULL);
	/* An answer that cannot be signed goes out unsigned: the primary
	 * then retries, which is better than silence. */
	return ret == DZ_OK ? (int)n : len;
}

/* "ns1=127.0.0.1#53,ns1=::1#53" from the zone's configured primaries. */
static void primaries_str(const conf_zone_t *zc, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; zc != NULL && i < zc->nprimaries; i++) {
		const conf_remote_t *r = zc->primaries[i];
		for (size_t k = 0; k < r->naddrs && len + 1 < cap; k++) {
			char a[NET_ADDR_STRLEN] = "?";
			(void)net_addr_to_str(
			        (const struct sockaddr *)&r->addrs[k], a,
			        sizeof(a));
			int n = snprintf(buf + len, cap - len, "%s%s=%s",
			                 len > 0 ? "," : "", r->id, a);
			if (n < 0 || (size_t)n >= cap - len) {
				return;
			}
			len += (size_t)n;
		}
	}
	if (len == 0) {
		snprintf(buf, cap, "none");
	}
}

/* The SOA serial of the answer section, if the primary sent one (a hint
 * only, RFC 1996 §3.7: the refresh asks the primary itself). */
static bool answer_serial(const dz_msg_t *m, uint32_t *serial)
{
	uint32_t n = 0;
	const dz_msg_rr_t *an = dz_msg_section(m, DZ_MSG_AN, &n);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t rd[2 * DZ_NAME_MAXLEN + 20];
		if (an[i].type != DZ_RR_SOA) {
			continue;
		}
		int len = dz_msg_rr_rdata(m, &an[i], rd, sizeof(rd));
		if (len < 20) {
			return false;
		}
		size_t off = dz_name_len(rd);
		off += dz_name_len(rd + off);
		if (off + 20 > (size_t)len) {
			return false;
		}
		*serial = (uint32_t)rd[off] << 24 | (uint32_t)rd[off + 1] << 16 |
		          (uint32_t)rd[off + 2] << 8 | rd[off + 3];
		return true;
	}
	return false;
}

/* Verdict on an authenticated NOTIFY for \p m->qname (RCU online). */
static uint16_t check_zone(server_t *srv, const net_query_t *q,
                           const dz_msg_t *m, const uint8_t *key)
{
	const zone_entry_t *e = zones_find(srv->zones, m->qname);
	const conf_zone_t *zc = e != NULL ? zone_entry_conf(e) : NULL;
	if (zc == NULL || !dz_name_equal(zone_entry_name(e), m->qname) ||
	    zc->role != CONF_ROLE_SECONDARY) {
		log_event(LOG_LEVEL_NOTICE, LOG_CAT_NOTIFY, m->qname, q->peer,
		          "notify-unknown-zone", "served=%s",
		          zc == NULL || !dz_name_equal(zone_entry_name(e),
		                                       m->qname)
		                  ? "no"
		                  : "primary");
		return DZ_RCODE_NOTAUTH;
	}
	if (!xfrin_is_primary_addr(srv, m->qname, q->peer, key)) {
		char list[PRIMARIES_STR_MAX], k[DZ_NAME_MAXSTR] = "none";
		char from[NET_ADDR_STRLEN] = "?";
		primaries_str(zc, list, sizeof(list));
		if (key != NULL) {
			(void)dz_name_to_str(k, sizeof(k), key);
		}
		(void)net_addr_to_str(q->peer, from, sizeof(from));
		log_event(LOG_LEVEL_WARNING, LOG_CAT_NOTIFY, m->qname, q->peer,
		          "notify-not-from-primary",
		          "from=%s key=%s primaries=%s", from, k, list);
		return DZ_RCODE_REFUSED;
	}
	uint32_t serial = 0;
	if (answer_serial(m, &serial)) {
		log_event(LOG_LEVEL_INFO, LOG_CAT_NOTIFY, m->qname, q->peer,
		          "notify-received", "serial=%u", serial);
	} else {
		log_event(LOG_LEVEL_INFO, LOG_CAT_NOTIFY, m->qname, q->peer,
		          "notify-received", "serial=none");
	}
	xfrin_refresh_now(srv, m->qname, "notify");
	return DZ_RCODE_NOERROR;
}

static int handle_parsed(server_t *srv, net_query_t *q, const dz_msg_t *m)
{
	dz_tsig_result_t tres;
	const dz_tsig_result_t *signer = NULL;
	if (m->tsig_idx >= 0) {
		int ret = update_tsig_check(srv->update, m, q->peer, &tres);
		if (ret == DZ_EMALF) {
			return respond(m, DZ_RCODE_FORMERR, NULL, q->resp,
			               q->resp_cap);
		}
		if (ret != DZ_OK) {
			/* BADKEY/BADSIG/BADTIME: the §5.3.2 form (logged). */
			return respond(m, tres.rcode, &tres, q->resp,
			               q->resp_cap);
		}
		signer = &tres;
	}
	/* RFC 1996 §3.7: QDCOUNT 1, QTYPE SOA, the zone as QNAME. */
	if (m->hdr.qdcount != 1 || m->qtype != DZ_RR_SOA ||
	    m->qclass != DZ_CLASS_IN) {
		return respond(m, DZ_RCODE_FORMERR, signer, q->resp,
		               q->resp_cap);
	}
	const uint8_t *key = signer != NULL ? signer->key->name : NULL;
	uint16_t rcode = check_zone(srv, q, m, key);
	return respond(m, rcode, signer, q->resp, q->resp_cap);
}

int notify_in_handle(server_t *srv, net_query_t *q, const dz_msg_t *msg)
{
	dz_msg_t local;
	dz_msg_rr_t rrs[NOTIFY_IN_MAX_RRS];
	if (msg == NULL) {
		dz_msg_init(&local, rrs, NOTIFY_IN_MAX_RRS);
		if (dz_msg_parse(&local, q->req, q->req_len, NULL, NULL) !=
		    DZ_OK) {
			return DZ_EMALF; /* dispatch answers FORMERR */
		}
		msg = &local;
	}
	if (msg->hdr.qr) {
		return 0; /* an answer to nobody here: never answer answers */
	}
	return handle_parsed(srv, q, msg);
}
