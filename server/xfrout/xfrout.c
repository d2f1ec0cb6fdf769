/* SPDX-License-Identifier: BSD-3-Clause */
/* Transfer requests (RFC 5936 AXFR, RFC 1995 IXFR): TSIG, zone, ACL action transfer, then a TCP stream or a UDP answer. */
#include "server/xfrout/xfrout_internal.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/serial.h"
#include "lib/zone/zone.h"
#include "server/log/log.h"
#include "server/update/update_internal.h"

/* RFC 8914 §4 INFO-CODEs of our refusals. */
enum {
	XFROUT_EDE_OTHER = 0,
	XFROUT_EDE_NOT_READY = 14,
	XFROUT_EDE_PROHIBITED = 18,
	XFROUT_EDE_NOT_AUTHORITATIVE = 20,
};

/* One request on its way through the checks. */
typedef struct {
	server_t *srv;
	net_query_t *q;
	const dz_msg_t *msg;
	const dz_tsig_result_t *tres; /* NULL: unsigned (or not verified) */
	const uint8_t *key;           /* verified key name, NULL: unsigned */
	char keystr[DZ_NAME_MAXSTR];
} req_t;

socklen_t xfrout_peer_len(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6) {
		return sizeof(struct sockaddr_in6);
	}
	return sizeof(struct sockaddr_in);
}

uint64_t xfrout_elapsed_ms(const xfrout_t *x)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t ms = (int64_t)(now.tv_sec - x->started.tv_sec) * 1000 +
	             (now.tv_nsec - x->started.tv_nsec) / 1000000;
	return ms > 0 ? (uint64_t)ms : 0;
}

void xfrout_free(xfrout_t *x)
{
	if (x == NULL) {
		return;
	}
	dz_xfr_out_free(x->out);
	xfrout_steps_clear(&x->steps);
	if (x->tstream_on) {
		dz_tsig_stream_clear(&x->tstream);
	}
	dz_zone_unref(x->version);
	free(x);
}

void xfrout_log_done(const xfrout_t *x, const char *type, const char *form,
                     const dz_xfr_stats_t *st)
{
	log_event(LOG_LEVEL_INFO, LOG_CAT_XFR_OUT, x->zone,
	          (const struct sockaddr *)&x->peer, "xfr-out-done",
	          "type=%s form=%s serial=%u->%u key=%s records=%llu "
	          "messages=%llu bytes=%llu ms=%llu",
	          type, form, x->ixfr ? x->client_serial : x->serial,
	          x->serial, x->key, (unsigned long long)st->records,
	          (unsigned long long)st->messages,
	          (unsigned long long)st->bytes,
	          (unsigned long long)xfrout_elapsed_ms(x));
}

static const char *qtype_name(uint16_t qtype)
{
	return qtype == DZ_RR_IXFR ? "IXFR" : "AXFR";
}

/* The answer to a refused or failed request: \p rcode, an EDE in words,
 * TSIG per RFC 8945 §5.3 when the request was signed. */
static int answer(const req_t *r, uint16_t rcode, uint16_t ede,
                  const char *text)
{
	return update_resp_build(r->msg, rcode, ede, text,
	                         r->srv->conf->server.udp_max_payload, r->tres,
	                         r->q->resp, r->q->resp_cap);
}

static int refuse(const req_t *r, const uint8_t *zone, uint16_t rcode,
                  uint16_t ede, const char *reason)
{
	log_event(LOG_LEVEL_WARNING, LOG_CAT_XFR_OUT, zone, r->q->peer,
	          "xfr-out-refused", "type=%s key=%s reason=%s",
	          qtype_name(r->msg->qtype), r->keystr, reason);
	char text[80];
	snprintf(text, sizeof(text), "transfer refused: %s", reason);
	return answer(r, rcode, ede, text);
}

/* RFC 8945 §5.2: a signed request is verified before anything else; a
 * failure is answered NOTAUTH with the TSIG error (logged by update_keys). */
static int check_tsig(req_t *r, dz_tsig_result_t *tres, int *len)
{
	if (r->msg->tsig_idx < 0) {
		return DZ_OK;
	}
	int ret = update_tsig_check(r->srv->update, r->msg, r->q->peer, tres);
	if (ret == DZ_EMALF) {
		*len = refuse(r, r->msg->qname, DZ_RCODE_FORMERR,
		              XFROUT_EDE_OTHER, "malformed-tsig");
		return ret;
	}
	r->tres = tres;
	if (tres->parsed) {
		(void)dz_name_to_str(r->keystr, sizeof(r->keystr),
		                     tres->key_name);
	}
	if (ret != DZ_OK) {
		*len = refuse(r, r->msg->qname, tres->rcode, XFROUT_EDE_OTHER,
		              dz_tsig_why_str(tres->why));
		return ret;
	}
	r->key = tres->key->name;
	return DZ_OK;
}

/* A new transfer of version \p v (a reference is taken). */
static xfrout_t *xfrout_new(const req_t *r, const zone_entry_t *e,
                            const dz_zone_t *v)
{
	xfrout_t *x = calloc(1, sizeof(*x));
	if (x == NULL) {
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &x->started);
	dz_name_copy(x->zone, zone_entry_name(e));
	snprintf(x->key, sizeof(x->key), "%s", r->keystr);
	memcpy(&x->peer, r->q->peer, xfrout_peer_len(r->q->peer));
	x->version = dz_zone_ref(v);
	(void)dz_zone_serial(v, &x->serial);
	x->ixfr = r->msg->qtype == DZ_RR_IXFR;
	if (r->tres != NULL) {
		x->signed_req = true;
		x->tres = *r->tres;
		x->tkey = *r->tres->key;
		x->tres.key = &x->tkey;
	}
	return x;
}

/*
 * IXFR: the client's serial (RFC 1995 §3: the SOA in the authority
 * section), and the journal records from it to our version when the client
 * is behind. The journal is opened read only for this transfer (see
 * docs/transfers.md: the writer keeps its own handle and is never waited
 * for).
 */
static int ixfr_prepare(const req_t *r, const conf_zone_t *zc, xfrout_t *x)
{
	int ret = dz_xfr_out_ixfr_serial(r->msg, &x->client_serial);
	if (ret != DZ_OK) {
		return ret;
	}
	if (dz_serial_cmp(x->client_serial, x->serial) != DZ_SERIAL_LT) {
		return DZ_OK; /* current (or ahead): a single SOA */
	}
	char path[PATH_MAX];
	if (xfrout_journal_path(zc->path, path, sizeof(path)) != DZ_OK) {
		return DZ_OK; /* no history: AXFR-style */
	}
	return xfrout_steps_read(path, x->zone, x->client_serial, x->serial,
	                         &x->steps);
}

/* Zone, ACL and version are settled: answer by transport. */
static int start(const req_t *r, const zone_entry_t *e,
                 const conf_zone_t *zc, const dz_zone_t *v)
{
	bool tcp = r->q->transport == NET_TCP;
	if (!tcp && r->msg->qtype == DZ_RR_AXFR) {
		/* RFC 5936 §4.2: AXFR is not defined over UDP. */
		return refuse(r, zone_entry_name(e), DZ_RCODE_FORMERR,
		              XFROUT_EDE_OTHER, "axfr-over-udp");
	}
	xfrout_t *x = xfrout_new(r, e, v);
	if (x == NULL) {
		return answer(r, DZ_RCODE_SERVFAIL, XFROUT_EDE_OTHER,
		              "out of memory");
	}
	int ret = x->ixfr ? ixfr_prepare(r, zc, x) : DZ_OK;
	if (ret == DZ_ENOSOA || ret == DZ_EMALF) {
		xfrout_free(x);
		return refuse(r, zone_entry_name(e), DZ_RCODE_FORMERR,
		              XFROUT_EDE_OTHER, "ixfr-without-soa");
	}
	if (ret != DZ_OK) {
		xfrout_free(x);
		return answer(r, DZ_RCODE_SERVFAIL, XFROUT_EDE_OTHER,
		              "journal read failed");
	}
	x->payload = r->srv->conf->server.udp_max_payload;
	if (tcp) {
		int len = xfrout_stream_start(r->q, r->msg, x);
		return len != NET_STREAM ? answer(r, DZ_RCODE_SERVFAIL,
		                                  XFROUT_EDE_OTHER,
		                                  "transfer cannot start")
		                         : len;
	}
	return xfrout_udp_answer(r->q, r->msg, x);
}

/* The zone must be served here, exactly at the question's name. */
static int route_zone(const req_t *r)
{
	const uint8_t *qname = r->msg->qname;
	const zone_entry_t *e = zones_find(r->srv->zones, qname);
	const conf_zone_t *zc = e != NULL ? zone_entry_conf(e) : NULL;
	if (zc == NULL || !dz_name_equal(zone_entry_name(e), qname) ||
	    r->msg->qclass != DZ_CLASS_IN) {
		/* RFC 5936 §2.2.1: NOTAUTH for a zone not served here. */
		return refuse(r, qname, DZ_RCODE_NOTAUTH,
		              XFROUT_EDE_NOT_AUTHORITATIVE, "not-authoritative");
	}
	const char *why = acl_refusal(zc->acls, zc->nacls, r->q->peer, r->key,
	                              CONF_ACTION_TRANSFER);
	if (why != NULL) {
		return refuse(r, qname, DZ_RCODE_REFUSED, XFROUT_EDE_PROHIBITED,
		              why);
	}
	const dz_zone_t *v = zone_entry_version(e);
	if (v == NULL) {
		/* A secondary before its first transfer (or a failed load). */
		return refuse(r, qname, DZ_RCODE_SERVFAIL, XFROUT_EDE_NOT_READY,
		              "not-loaded");
	}
	return start(r, e, zc, v);
}

int xfrout_handle(server_t *srv, net_query_t *q, const dz_msg_t *msg)
{
	req_t r = {.srv = srv, .q = q, .msg = msg, .keystr = "-"};
	if (msg->hdr.qdcount != 1 || msg->qname_len == 0) {
		return answer(&r, DZ_RCODE_FORMERR, XFROUT_EDE_OTHER,
		              "one question expected");
	}
	dz_tsig_result_t tres;
	int len = 0;
	if (srv->update != NULL && check_tsig(&r, &tres, &len) != DZ_OK) {
		return len;
	}
	return route_zone(&r);
}
