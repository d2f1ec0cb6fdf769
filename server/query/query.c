/* SPDX-License-Identifier: BSD-3-Clause */
/* Request checks (FORMERR, NOTIMP, REFUSED, BADVERS), zone selection, EDNS and size limits around the answer engine. */
#include "server/query/query.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "server/query/query_internal.h"

/* Records a query may carry beyond its question (OPT, TSIG, a few more);
 * a query with more is answered FORMERR. */
#define QUERY_MAX_REQ_RRS 32
/* Default EDNS payload (the DNS Flag Day 2020 value). */
#define QUERY_DEFAULT_PAYLOAD 1232

/* ------------------------------------------------------------------------
 * Classification
 * ------------------------------------------------------------------------ */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* QTYPE of the first question, or 0 if it cannot be read. */
static uint16_t peek_qtype(const uint8_t *req, size_t len)
{
	uint8_t name[DZ_NAME_MAXLEN];
	size_t pos = DZ_MSG_HDR_LEN;

	if (get16(req + 4) == 0 ||
	    dz_name_from_wire(name, req, len, &pos) < 0 || len - pos < 4) {
		return 0;
	}
	return get16(req + pos);
}

query_kind_t query_classify(const uint8_t *req, size_t len)
{
	if (req == NULL || len < DZ_MSG_HDR_LEN || (req[2] & 0x80) != 0) {
		return QUERY_KIND_DROP;
	}
	switch ((req[2] >> 3) & 0x0F) {
	case DZ_OPCODE_QUERY: {
		uint16_t qtype = peek_qtype(req, len);
		return qtype == DZ_RR_AXFR || qtype == DZ_RR_IXFR
		               ? QUERY_KIND_XFR
		               : QUERY_KIND_QUERY;
	}
	case DZ_OPCODE_NOTIFY:
		return QUERY_KIND_NOTIFY;
	case DZ_OPCODE_UPDATE:
		return QUERY_KIND_UPDATE;
	default:
		return QUERY_KIND_OTHER;
	}
}

/* ------------------------------------------------------------------------
 * Error responses
 * ------------------------------------------------------------------------ */

/* The parts of a request an error response echoes. */
typedef struct echo {
	dz_msg_hdr_t hdr;
	const uint8_t *qname; /* NULL: no question */
	uint16_t qtype, qclass;
	const dz_edns_t *edns; /* NULL: no OPT */
} echo_t;

static void response_hdr(dz_msg_hdr_t *out, const dz_msg_hdr_t *req)
{
	/* RFC 1035 §4.1.1: ID, opcode and RD are copied; RFC 4035 §3.1.6:
	 * so is CD. Everything else starts clear. */
	*out = (dz_msg_hdr_t){.id = req->id, .qr = true, .opcode = req->opcode,
	                      .rd = req->rd, .cd = req->cd};
}

/* RFC 6891 §6.1.1: our OPT carries our payload size and version 0; the DO
 * bit is copied back (RFC 3225 §3), as BIND and Knot do even without
 * DNSSEC data. */
static void opt_for(dz_edns_out_t *opt, const dz_edns_t *req, uint16_t payload)
{
	*opt = (dz_edns_out_t){.udp_size = payload,
	                       .flags = req->flags & DZ_EDNS_DO};
}

static uint16_t payload_of(const query_env_t *env)
{
	return env != NULL && env->udp_max_payload != 0
	               ? env->udp_max_payload
	               : QUERY_DEFAULT_PAYLOAD;
}

static int reply_error(const echo_t *e, uint16_t rcode, uint16_t payload,
                       uint8_t *resp, size_t cap)
{
	dz_msg_render_t r;
	dz_msg_hdr_t hdr;
	dz_edns_out_t opt;

	response_hdr(&hdr, &e->hdr);
	/* Header + a question + an OPT fit in 512 octets: error answers never
	 * need more, whatever the transport. */
	int ret = dz_msg_render_begin(&r, resp, cap < 512 ? cap : 512, &hdr);
	if (ret != DZ_OK) {
		return ret;
	}
	if (e->qname != NULL) {
		ret = dz_msg_render_question(&r, e->qname, e->qtype, e->qclass);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	if (e->edns != NULL) {
		opt_for(&opt, e->edns, payload);
		if ((ret = dz_msg_render_opt(&r, &opt)) != DZ_OK) {
			return ret;
		}
	} else {
		rcode &= 0x0F; /* no OPT: only the header part exists */
	}
	dz_msg_render_rcode(&r, rcode);
	return dz_msg_render_finish(&r);
}

int query_error(const dz_msg_t *req, uint16_t rcode, uint16_t udp_payload,
                uint8_t *resp, size_t respcap)
{
	echo_t e = {.hdr = req->hdr};

	if (req->hdr.qdcount == 1 && req->qname_len > 0) {
		e.qname = req->qname;
		e.qtype = req->qtype;
		e.qclass = req->qclass;
	}
	e.edns = req->edns.present ? &req->edns : NULL;
	return reply_error(&e, rcode, udp_payload ? udp_payload
	                                          : QUERY_DEFAULT_PAYLOAD,
	                   resp, respcap);
}

/* Parse failures that happen before or inside the question leave nothing
 * to echo; later ones still let us echo a well-formed question. */
static bool question_parsed(dz_msg_why_t why)
{
	switch (why) {
	case DZ_MSG_WHY_HDR_TRUNC:
	case DZ_MSG_WHY_TOO_LONG:
	case DZ_MSG_WHY_COUNTS:
	case DZ_MSG_WHY_QNAME:
	case DZ_MSG_WHY_Q_TRUNC:
		return false;
	default:
		return true;
	}
}

/* FORMERR for a message dz_msg_parse() rejected (RFC 1035 §4.1.1). */
static int reply_malformed(const uint8_t *req, size_t len,
                           const dz_msg_diag_t *diag, uint8_t *resp,
                           size_t cap, query_info_t *info)
{
	dz_msg_t hdr_only;
	uint8_t qname[DZ_NAME_MAXLEN];
	size_t pos = DZ_MSG_HDR_LEN;
	echo_t e = {0};

	/* Only the header is needed: parse a copy of it with zero counts. */
	uint8_t head[DZ_MSG_HDR_LEN];
	memcpy(head, req, DZ_MSG_HDR_LEN);
	memset(head + 4, 0, 8);
	dz_msg_init(&hdr_only, NULL, 0);
	if (dz_msg_parse(&hdr_only, head, sizeof(head), NULL, NULL) != DZ_OK) {
		return DZ_EINVAL;
	}
	e.hdr = hdr_only.hdr;
	if (get16(req + 4) == 1 && question_parsed(diag->why) &&
	    dz_name_from_wire(qname, req, len, &pos) > 0 && len - pos >= 4) {
		e.qname = qname;
		e.qtype = get16(req + pos);
		e.qclass = get16(req + pos + 2);
		info->qtype = e.qtype;
		info->qclass = e.qclass;
	}
	info->rcode = DZ_RCODE_FORMERR;
	return reply_error(&e, DZ_RCODE_FORMERR, 0, resp, cap);
}

/* ------------------------------------------------------------------------
 * Request checks
 * ------------------------------------------------------------------------ */

/*
 * The rcode for a request that cannot be answered from zone data, or
 * NOERROR. The order follows BIND's: EDNS version, opcode, question count,
 * class, type.
 */
static uint16_t check_request(const dz_msg_t *msg, bool tcp)
{
	if (msg->edns.present && msg->edns.version > 0) {
		return DZ_RCODE_BADVERS; /* RFC 6891 §6.1.3 */
	}
	if (msg->hdr.opcode != DZ_OPCODE_QUERY) {
		return DZ_RCODE_NOTIMP; /* NOTIFY/UPDATE are routed elsewhere */
	}
	if (msg->hdr.qdcount != 1) {
		return DZ_RCODE_FORMERR;
	}
	if (msg->qclass != DZ_CLASS_IN) {
		/* No CH/HS zones: REFUSED, as BIND and Knot answer
		 * "version.bind CH TXT" when it is not configured. */
		return DZ_RCODE_REFUSED;
	}
	switch (msg->qtype) {
	case DZ_RR_ANY:
		return DZ_RCODE_NOERROR;
	case DZ_RR_AXFR:
		/* RFC 5936 §4.2: AXFR needs TCP; over UDP both BIND and
		 * (older) Knot say FORMERR. Over TCP transfers are not served
		 * here (the transfer server takes them): REFUSED. */
		return tcp ? DZ_RCODE_REFUSED : DZ_RCODE_FORMERR;
	case DZ_RR_IXFR:
		return DZ_RCODE_REFUSED;
	case DZ_RR_MAILA:
	case DZ_RR_MAILB:
	case DZ_RR_TKEY:
		return DZ_RCODE_NOTIMP; /* BIND's answer for these */
	default:
		/* OPT, TSIG and the other meta types cannot be asked for. */
		return dz_rrtype_is_meta(msg->qtype) ? DZ_RCODE_FORMERR
		                                     : DZ_RCODE_NOERROR;
	}
}

/* ------------------------------------------------------------------------
 * Zone selection
 * ------------------------------------------------------------------------ */

/*
 * The zone to answer from. A DS query at the apex of a zone whose parent we
 * also serve is answered from the parent (RFC 4035 §3.1.4.1; BIND and Knot
 * do the same); otherwise the deepest zone.
 */
static bool select_zone(const query_env_t *env, const dz_msg_t *msg,
                        query_zone_t *out)
{
	query_zone_t z = {0}, parent = {0};

	if (env->find_zone == NULL ||
	    !env->find_zone(env->ctx, msg->qname, msg->qtype, &z)) {
		return false;
	}
	*out = z;
	if (msg->qtype != DZ_RR_DS || z.zone == NULL ||
	    dz_name_labels(msg->qname) == 0 ||
	    !dz_name_equal(dz_zone_origin(z.zone), msg->qname)) {
		return true;
	}
	const uint8_t *up = dz_name_skip(msg->qname, 1);
	if (env->find_zone(env->ctx, up, msg->qtype, &parent) &&
	    parent.zone != NULL && !parent.expired) {
		*out = parent;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Answering
 * ------------------------------------------------------------------------ */

/* RFC 6891 §6.2.5 / RFC 1035 §4.2.1: UDP answers fit the client's buffer
 * (512 without EDNS, never less than 512) and our own limit; TCP answers
 * fit the 16-bit length prefix (RFC 7766 §8). */
static size_t size_limit(const query_env_t *env, const dz_msg_t *msg,
                         bool tcp, size_t cap)
{
	size_t limit = DZ_MSG_MAX_SIZE;

	if (!tcp) {
		limit = 512;
		if (msg->edns.present) {
			size_t ours = payload_of(env);
			limit = msg->edns.udp_size < ours ? msg->edns.udp_size
			                                  : ours;
			limit = limit < 512 ? 512 : limit;
		}
	}
	return limit < cap ? limit : cap;
}

static int answer_from_zone(const query_env_t *env, const dz_msg_t *msg,
                            bool tcp, const dz_zone_t *zone, size_t reserve,
                            uint8_t *resp, size_t cap, query_info_t *info)
{
	query_ctx_t q;
	dz_msg_hdr_t hdr;
	dz_edns_out_t opt;

	response_hdr(&hdr, &msg->hdr);
	int ret = dz_msg_render_begin(&q.r, resp, size_limit(env, msg, tcp, cap),
	                              &hdr);
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&q.r, msg->qname, msg->qtype,
		                             msg->qclass);
	}
	if (ret == DZ_OK && msg->edns.present) {
		opt_for(&opt, &msg->edns, payload_of(env));
		ret = dz_msg_render_opt(&q.r, &opt);
	}
	if (ret == DZ_OK && reserve > 0) {
		ret = dz_msg_render_reserve(&q.r, reserve);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	q.env = env;
	q.req = msg;
	q.zone = zone;
	q.qtype = msg->qtype;
	q.tcp = tcp;
	q.sname = msg->qname; /* case preserved (RFC 1034 §3.1, RFC 4343) */
	if ((ret = query_resolve(&q)) != DZ_OK) {
		return ret;
	}
	dz_msg_render_rcode(&q.r, q.rcode);
	info->rcode = q.rcode;
	info->result = q.result;
	info->tc = q.r.hdr.tc;
	info->aa = q.r.hdr.aa;
	return dz_msg_render_finish(&q.r);
}

static int answer_parsed(const query_env_t *env, const dz_msg_t *msg, bool tcp,
                         uint8_t *resp, size_t cap, query_info_t *info)
{
	uint16_t payload = payload_of(env);
	size_t reserve = 0;
	query_zone_t z = {0};

	uint16_t rcode = check_request(msg, tcp);
	if (rcode == DZ_RCODE_NOERROR && msg->tsig_idx >= 0 &&
	    env->tsig_verify != NULL &&
	    env->tsig_verify(env->ctx, msg, &reserve) != DZ_OK) {
		rcode = DZ_RCODE_NOTAUTH; /* RFC 8945 §5.2 */
	}
	if (rcode == DZ_RCODE_NOERROR && !select_zone(env, msg, &z)) {
		rcode = DZ_RCODE_REFUSED; /* not authoritative (RFC 1034 §4.3.2) */
	}
	if (rcode == DZ_RCODE_NOERROR && (z.zone == NULL || z.expired)) {
		rcode = DZ_RCODE_SERVFAIL; /* no data to answer from */
	}
	info->zone = z.zone;
	info->zone_data = z.data;
	if (rcode != DZ_RCODE_NOERROR) {
		info->rcode = rcode;
		return query_error(msg, rcode, payload, resp, cap);
	}
	int len = answer_from_zone(env, msg, tcp, z.zone, reserve, resp, cap,
	                           info);
	if (len > 0 && reserve > 0 && env->tsig_sign != NULL) {
		len = env->tsig_sign(env->ctx, msg, resp, (size_t)len, cap);
	}
	return len;
}

static void info_from_msg(query_info_t *info, const dz_msg_t *msg)
{
	info->qtype = msg->qtype;
	info->qclass = msg->qclass;
	info->edns = msg->edns.present;
	info->dnssec_ok = dz_edns_do(&msg->edns);
	info->tsig = msg->tsig_idx >= 0;
}

int query_answer(const query_env_t *env, const uint8_t *req, size_t reqlen,
                 bool tcp, uint8_t *resp, size_t respcap, query_info_t *info)
{
	query_info_t scratch;
	dz_msg_rr_t rrs[QUERY_MAX_REQ_RRS];
	dz_msg_t msg;
	dz_msg_diag_t diag = {0};

	if (info == NULL) {
		info = &scratch;
	}
	*info = (query_info_t){0};
	/* RFC 1035 §7.3: never answer a response (reflection loops); a
	 * message without a full header has no ID to answer with. */
	if (req == NULL || reqlen < DZ_MSG_HDR_LEN || (req[2] & 0x80) != 0) {
		return 0;
	}
	info->opcode = (req[2] >> 3) & 0x0F;
	if (resp == NULL || respcap < DZ_MSG_HDR_LEN) {
		return DZ_ESPACE;
	}
	dz_msg_init(&msg, rrs, QUERY_MAX_REQ_RRS);
	if (dz_msg_parse(&msg, req, reqlen, NULL, &diag) != DZ_OK) {
		return reply_malformed(req, reqlen, &diag, resp, respcap, info);
	}
	info_from_msg(info, &msg);
	return answer_parsed(env, &msg, tcp, resp, respcap, info);
}
