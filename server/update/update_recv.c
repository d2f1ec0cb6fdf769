/* SPDX-License-Identifier: BSD-3-Clause */
/* The receiving side of an UPDATE (RFC 2136 §3): parse, TSIG, zone, ACL on the thread that got it, then the zone's queue. */
#include "server/update/update_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/update/update.h"
#include "lib/util/errcode.h"
#include "server/log/log.h"
#include "server/update/update_writer.h"

/* What the receiving thread decided about one request. */
typedef struct {
	const dz_msg_t *msg;
	const net_query_t *q;
	uint16_t payload;
	const dz_tsig_result_t *tres; /* NULL: unsigned */
	query_info_t *info;
} recv_t;

static int answer_now(const recv_t *r, uint16_t rcode, uint16_t ede,
                      const char *text)
{
	r->info->rcode = rcode;
	return update_resp_build(r->msg, rcode, ede, text, r->payload, r->tres,
	                         r->q->resp, r->q->resp_cap);
}

static void log_refused(const recv_t *r, const uint8_t *zone,
                        const char *reason, const char *key)
{
	log_event(LOG_LEVEL_WARNING, LOG_CAT_SECURITY, zone, r->q->peer,
	          "update-refused", "reason=%s key=%s", reason, key);
}

static update_job_t *job_new(const recv_t *r)
{
	update_job_t *job = calloc(1, sizeof(*job) + r->q->req_len);
	if (job == NULL) {
		return NULL;
	}
	job->len = r->q->req_len;
	memcpy(job->req, r->q->req, r->q->req_len);
	size_t plen = r->q->peer->sa_family == AF_INET6
	                      ? sizeof(struct sockaddr_in6)
	                      : sizeof(struct sockaddr_in);
	memcpy(&job->peer, r->q->peer, plen);
	job->udp_payload = r->payload;
	if (r->tres != NULL) {
		job->signed_req = true;
		job->tres = *r->tres;
		job->key = *r->tres->key;
		job->tres.key = &job->key;
	}
	return job;
}

static int enqueue(const recv_t *r, const zone_entry_t *e)
{
	zone_writer_t *w = zone_entry_writer(e);
	net_query_t *q = (net_query_t *)r->q;
	update_job_t *job = job_new(r);
	if (job == NULL || w == NULL ||
	    net_query_defer(q, &job->reply) != DZ_OK) {
		free(job);
		return answer_now(r, DZ_RCODE_SERVFAIL, UPDATE_EDE_OTHER,
		                  "server cannot queue the update");
	}
	if (zone_writer_submit(w, job) != DZ_OK) {
		free(job); /* the deferral is cancelled by our return value */
		return answer_now(r, DZ_RCODE_SERVFAIL, UPDATE_EDE_NOT_READY,
		                  "server is stopping");
	}
	return NET_DEFERRED;
}

/* Zone (§3.1), permission (§3.3) and queueing, TSIG and forms already
 * checked (\p zname: the zone section's name). */
static int route_zone(const recv_t *r, const zones_t *zones,
                      const uint8_t *zname, const uint8_t *key)
{
	char keystr[DZ_NAME_MAXSTR] = "-";
	if (key != NULL) {
		(void)dz_name_to_str(keystr, sizeof(keystr), key);
	}
	const zone_entry_t *e = zones_find(zones, zname);
	const conf_zone_t *zc = e != NULL ? zone_entry_conf(e) : NULL;
	if (zc == NULL || !dz_name_equal(zone_entry_name(e), zname)) {
		log_refused(r, zname, "not-authoritative", keystr);
		return answer_now(r, DZ_RCODE_NOTAUTH,
		                  UPDATE_EDE_NOT_AUTHORITATIVE,
		                  "not authoritative for the zone");
	}
	r->info->zone_data = (void *)e;
	if (zc->role != CONF_ROLE_PRIMARY) {
		/* Forwarding to the primary is the replication issue's. */
		log_refused(r, zname, "not-primary", keystr);
		return answer_now(r, DZ_RCODE_REFUSED, UPDATE_EDE_PROHIBITED,
		                  "secondary zone: send updates to the primary");
	}
	const char *why = acl_refusal(zc->acls, zc->nacls, r->q->peer, key,
	                              CONF_ACTION_UPDATE);
	if (why != NULL) {
		log_refused(r, zname, why, keystr);
		char text[64];
		snprintf(text, sizeof(text), "update refused: %s", why);
		return answer_now(r, DZ_RCODE_REFUSED, UPDATE_EDE_PROHIBITED,
		                  text);
	}
	if (zone_entry_version(e) == NULL) {
		return answer_now(r, DZ_RCODE_SERVFAIL, UPDATE_EDE_NOT_READY,
		                  "zone not loaded");
	}
	return enqueue(r, e);
}

/*
 * The TSIG of the request (RFC 8945 §5.2): DZ_OK (r->tres set, *key the
 * key's name), or the status of an answer already written to r (FORMERR
 * for a malformed TSIG, NOTAUTH with the TSIG error otherwise).
 */
static int check_tsig(update_ctx_t *u, recv_t *r, dz_tsig_result_t *tres,
                      const uint8_t **key, int *len)
{
	int ret = update_tsig_check(u, r->msg, r->q->peer, tres);
	if (ret == DZ_EMALF) {
		*len = answer_now(r, DZ_RCODE_FORMERR, UPDATE_EDE_OTHER,
		                  "malformed tsig");
		return ret;
	}
	r->tres = tres;
	if (ret != DZ_OK) {
		*len = answer_now(r, tres->rcode, UPDATE_EDE_OTHER,
		                  dz_tsig_why_str(tres->why));
		return ret;
	}
	*key = tres->key->name;
	return DZ_OK;
}

/*
 * A record form that BIND rejects while it parses the message (update.h,
 * step 2: class ANY or NONE with rdata, ...) is FORMERR before the TSIG is
 * looked at: a wrong key does not turn it into NOTAUTH, as with BIND 9.18
 * (checked against named). Unlike BIND, the FORMERR is signed when the
 * TSIG does verify, so the client can trust it (RFC 8945 §5.3). A bad zone
 * section (step 1) is found by BIND after the TSIG, and so here.
 */
static int form_error(update_ctx_t *u, recv_t *r, dz_tsig_result_t *tres,
                      uint16_t rcode, const dz_update_diag_t *diag)
{
	if (r->msg->tsig_idx >= 0 &&
	    update_tsig_check(u, r->msg, r->q->peer, tres) == DZ_OK) {
		r->tres = tres; /* verified: the FORMERR is signed */
	}
	return answer_now(r, rcode, UPDATE_EDE_OTHER, diag->msg);
}

int update_handle(update_ctx_t *u, const zones_t *zones, net_query_t *q,
                  uint16_t udp_payload, query_info_t *info)
{
	static _Thread_local dz_msg_rr_t rrs[UPDATE_MAX_RRS];
	dz_msg_t msg;
	dz_msg_init(&msg, rrs, UPDATE_MAX_RRS);
	if (dz_msg_parse(&msg, q->req, q->req_len, NULL, NULL) != DZ_OK) {
		return DZ_EMALF; /* the caller answers FORMERR */
	}
	info->qtype = msg.qtype;
	info->qclass = msg.qclass;
	info->edns = msg.edns.present;
	info->tsig = msg.tsig_idx >= 0;
	recv_t r = {.msg = &msg, .q = q, .payload = udp_payload, .info = info};
	const uint8_t *zname = NULL;
	uint16_t rcode = DZ_RCODE_FORMERR;
	dz_update_diag_t diag = {0};
	int zret = dz_update_zone_name(&msg, &zname, &rcode, &diag);
	dz_tsig_result_t tres;
	if (zret != DZ_OK && diag.section != DZ_UPDATE_SEC_ZONE) {
		return form_error(u, &r, &tres, rcode, &diag);
	}
	const uint8_t *key = NULL;
	int len = 0;
	if (msg.tsig_idx >= 0 &&
	    check_tsig(u, &r, &tres, &key, &len) != DZ_OK) {
		return len;
	}
	if (zret != DZ_OK) {
		return answer_now(&r, rcode, UPDATE_EDE_OTHER, diag.msg);
	}
	return route_zone(&r, zones, zname, key);
}
