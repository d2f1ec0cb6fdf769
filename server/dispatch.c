/* SPDX-License-Identifier: BSD-3-Clause */
/* The net handler: route each request by opcode, answer under the RCU read side, count it, log it when asked. */
#include "server/dispatch.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "server/log/log.h"
#include "server/notify/notify.h"
#include "server/xfrin/xfrin.h"
#include "server/xfrout/xfrout.h"

/* Offset of the question in a DNS message (RFC 1035 §4.1.1). */
#define HEADER_LEN 12

int dispatch_worker_init(void *ctx, unsigned id, void **worker_ctx)
{
	server_t *srv = ctx;
	if (id >= srv->nthreads) {
		return DZ_EINVAL;
	}
	dispatch_worker_t *w = &srv->workers[id];
	w->srv = srv;
	w->id = id;
	w->stats = stats_block(srv->stats, id);
	*worker_ctx = w;
	return DZ_OK;
}

void dispatch_worker_fini(void *ctx, void *worker_ctx)
{
	(void)ctx; /* the contexts live in srv->workers */
	(void)worker_ctx;
}

/*
 * RCU (QSBR) for the UDP workers: registered for their whole life, offline
 * while blocked in poll(2). Going offline and back is their quiescent state,
 * so a writer's grace period never waits for an idle worker and lasts at
 * most one batch of a busy one.
 */
void dispatch_thread_hook(void *ctx, void *worker_ctx,
                          net_thread_event_t event)
{
	(void)ctx;
	(void)worker_ctx;
	switch (event) {
	case NET_THREAD_START:
		zones_thread_register();
		break;
	case NET_THREAD_IDLE_BEGIN:
		zones_thread_offline();
		break;
	case NET_THREAD_IDLE_END:
		zones_thread_online();
		break;
	case NET_THREAD_STOP:
		zones_thread_unregister();
		break;
	}
}

bool dispatch_find_zone(void *ctx, const uint8_t *name, uint16_t qtype,
                        query_zone_t *out)
{
	(void)qtype;
	const server_t *srv = ctx;
	const zone_entry_t *e = zones_find(srv->zones, name);
	if (e == NULL) {
		return false;
	}
	/* A zone that never loaded has no version: SERVFAIL (not REFUSED),
	 * as BIND and Knot answer for a configured zone they cannot serve. */
	*out = (query_zone_t){.zone = zone_entry_version(e),
	                      .expired = zone_entry_expired(e),
	                      .data = (void *)e};
	return true;
}

static stats_transport_t transport_of(const net_query_t *q)
{
	bool v6 = q->peer->sa_family == AF_INET6;
	if (q->transport == NET_TCP) {
		return v6 ? STATS_TCP6 : STATS_TCP4;
	}
	return v6 ? STATS_UDP6 : STATS_UDP4;
}

/* The answer's size for the query log: octets, 0 when nothing was sent,
 * or "stream" for an answer of many messages (AXFR/IXFR over TCP), whose
 * handler return value NET_STREAM is not a length. */
static void size_str(int len, char *buf, size_t cap)
{
	if (len == NET_STREAM) {
		snprintf(buf, cap, "stream");
	} else {
		snprintf(buf, cap, "%d",
		         len > 0 && len <= NET_MSG_MAX ? len : 0);
	}
}

/* The query log line (category query, off unless switched on). */
static void log_query(const net_query_t *q, const query_info_t *info,
                      int len)
{
	uint8_t qname[DZ_NAME_MAXLEN];
	char name[DZ_NAME_MAXSTR] = "-";
	char type[32] = "-";
	size_t pos = HEADER_LEN;
	if (q->req_len > HEADER_LEN &&
	    dz_name_from_wire(qname, q->req, q->req_len, &pos) > 0) {
		(void)dz_name_to_str(name, sizeof(name), qname);
	}
	if (dz_rrtype_to_str(info->qtype, type, sizeof(type)) < 0) {
		snprintf(type, sizeof(type), "TYPE%u", info->qtype);
	}
	char rbuf[16], size[16];
	size_str(len, size, sizeof(size));
	const dz_zone_t *zone = info->zone;
	log_event(LOG_LEVEL_INFO, LOG_CAT_QUERY,
	          zone != NULL ? dz_zone_origin(zone) : NULL, q->peer, "query",
	          "qname=%s qtype=%s rcode=%s transport=%s size=%s", name, type,
	          stats_rcode_name(info->rcode, rbuf, sizeof(rbuf)),
	          stats_transport_name(transport_of(q)), size);
}

int dispatch_tsig_verify(void *ctx, const struct dz_msg *req, size_t *reserve)
{
	const server_t *srv = ctx;
	return update_tsig_query_verify(srv->update, req, reserve);
}

int dispatch_tsig_sign(void *ctx, const struct dz_msg *req, uint8_t *resp,
                       size_t len, size_t cap)
{
	const server_t *srv = ctx;
	return update_tsig_query_sign(srv->update, req, resp, len, cap);
}

/* RFC 2136: server/update answers, or queues to the zone's writer. */
static int route_update(const server_t *srv, net_query_t *q,
                        query_info_t *info)
{
	uint16_t payload = srv->conf->server.udp_max_payload;
	info->opcode = DZ_OPCODE_UPDATE;
	/* A secondary with update-forwarding relays it (RFC 2136 §6). */
	int len = xfrin_forward_update((server_t *)srv, q);
	if (len != DZ_ENOTSUP) {
		return len;
	}
	len = update_handle(srv->update, srv->zones, q, payload, info);
	if (len == DZ_EMALF) {
		/* Unparseable: the answer engine's FORMERR. */
		return query_answer(&srv->env, q->req, q->req_len,
		                    q->transport == NET_TCP, q->resp,
		                    q->resp_cap, info);
	}
	return len;
}

/* AXFR/IXFR (issue 5 §4): server/xfrout answers, or streams over TCP. */
static int route_xfr(const server_t *srv, net_query_t *q, query_info_t *info)
{
	dz_msg_rr_t rrs[16]; /* SOA (IXFR), OPT, TSIG: a few suffice */
	dz_msg_t msg;
	dz_msg_init(&msg, rrs, 16);
	if (dz_msg_parse(&msg, q->req, q->req_len, NULL, NULL) != DZ_OK) {
		return query_answer(&srv->env, q->req, q->req_len,
		                    q->transport == NET_TCP, q->resp,
		                    q->resp_cap, info); /* FORMERR */
	}
	info->qtype = msg.qtype;
	info->qclass = msg.qclass;
	info->tsig = msg.tsig_idx >= 0;
	int len = xfrout_handle((server_t *)srv, q, &msg);
	if (len > DZ_MSG_HDR_LEN && len <= NET_MSG_MAX) {
		info->rcode = q->resp[3] & 0x0f;
	}
	return len;
}

/* NOTIFY (RFC 1996, issue 5 §2): server/notify checks and answers. */
static int route_notify(const server_t *srv, net_query_t *q,
                        query_info_t *info)
{
	dz_msg_rr_t rrs[16]; /* SOA, OPT, TSIG: a few suffice */
	dz_msg_t msg;
	dz_msg_init(&msg, rrs, 16);
	info->opcode = DZ_OPCODE_NOTIFY;
	if (dz_msg_parse(&msg, q->req, q->req_len, NULL, NULL) != DZ_OK) {
		return query_answer(&srv->env, q->req, q->req_len,
		                    q->transport == NET_TCP, q->resp,
		                    q->resp_cap, info); /* FORMERR */
	}
	info->qtype = msg.qtype;
	info->qclass = msg.qclass;
	int len = notify_in_handle((server_t *)srv, q, &msg);
	if (len > DZ_MSG_HDR_LEN && len <= NET_MSG_MAX) {
		info->rcode = q->resp[3] & 0x0f;
	}
	return len;
}

/* Route by opcode; each later issue plugs its handler into one case. */
static int route(const server_t *srv, net_query_t *q, query_info_t *info)
{
	bool tcp = q->transport == NET_TCP;
	switch (query_classify(q->req, q->req_len)) {
	case QUERY_KIND_DROP:
		return 0;
	case QUERY_KIND_UPDATE:
		if (srv->update != NULL) {
			return route_update(srv, q, info);
		}
		break;
	case QUERY_KIND_XFR:
		return route_xfr(srv, q, info);
	case QUERY_KIND_NOTIFY:
		return route_notify(srv, q, info);
	case QUERY_KIND_QUERY:
	case QUERY_KIND_OTHER:
		break;
	}
	/* Until then query_answer() gives NOTIMP to NOTIFY and refuses
	 * transfers. */
	int len = query_answer(&srv->env, q->req, q->req_len, tcp, q->resp,
	                       q->resp_cap, info);
	if (srv->update != NULL) {
		/* A failed TSIG gets its RFC 8945 §5.3.2 form and a log line. */
		len = update_tsig_query_finish(srv->update, q->peer, q->resp,
		                               len, q->resp_cap);
	}
	return len;
}

int dispatch_handle(void *ctx, net_query_t *q)
{
	const server_t *srv = ctx;
	dispatch_worker_t *w = q->worker_ctx;
	/* The loop thread stays offline except while it reads the table. */
	bool tcp = q->transport == NET_TCP;
	if (tcp) {
		zones_thread_online();
	}
	query_info_t info = {0};
	int len = route(srv, q, &info);
	if (len == NET_DEFERRED) {
		/* Counted when the writer answers it (server/update). */
		if (tcp) {
			zones_thread_offline();
		}
		return len;
	}
	if (len > 0) {
		stats_count(w->stats, info.opcode, info.rcode, info.qtype,
		            transport_of(q));
		if (info.zone_data != NULL) {
			stats_zone_bump(zone_entry_stats(info.zone_data), w->id,
			                STATS_ZONE_QUERIES);
		}
	} else {
		stats_bump(&w->stats->dropped);
	}
	if (log_enabled(LOG_CAT_QUERY, LOG_LEVEL_INFO)) {
		log_query(q, &info, len);
	}
	if (tcp) {
		zones_thread_offline();
	}
	return len;
}
