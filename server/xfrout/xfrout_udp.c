/* SPDX-License-Identifier: BSD-3-Clause */
/* IXFR over UDP (RFC 1995 §2): the SOA when the client is current, the whole answer when it fits one datagram, else the SOA with TC. */
#include "server/xfrout/xfrout_internal.h"

#include "lib/util/errcode.h"
#include "lib/wire/edns.h"
#include "lib/wire/rrtype.h"
#include "server/update/update_internal.h"

/* An OPT with no options: root, type, class, TTL, RDLENGTH (RFC 6891). */
#define OPT_LEN 11

/* RFC 6891 §6.2.5: the client's payload size (512 without EDNS), never
 * more than ours. */
static size_t udp_limit(const dz_msg_t *msg, uint16_t ours)
{
	size_t lim = 512;
	if (msg->edns.present && msg->edns.udp_size > lim) {
		lim = msg->edns.udp_size;
	}
	return lim < ours ? lim : (ours >= 512 ? ours : 512);
}

/* lib/xfr renders no OPT into a single datagram; an EDNS client gets one
 * appended (before the TSIG, which must stay last). */
static int put_opt(const xfrout_t *x, uint8_t *buf, size_t len, size_t cap)
{
	if (len + OPT_LEN > cap) {
		return DZ_ESPACE;
	}
	uint8_t *p = buf + len;
	p[0] = 0; /* root */
	p[1] = (uint8_t)(DZ_RR_OPT >> 8);
	p[2] = (uint8_t)DZ_RR_OPT;
	p[3] = (uint8_t)(x->payload >> 8);
	p[4] = (uint8_t)x->payload;
	p[5] = p[6] = 0; /* extended rcode, version */
	p[7] = (uint8_t)(x->opt.flags >> 8);
	p[8] = (uint8_t)x->opt.flags;
	p[9] = p[10] = 0; /* no options */
	uint16_t ar = (uint16_t)((buf[10] << 8 | buf[11]) + 1);
	buf[10] = (uint8_t)(ar >> 8);
	buf[11] = (uint8_t)ar;
	return (int)(len + OPT_LEN);
}

/* OPT and TSIG after the rendered records. */
static int finish(xfrout_t *x, bool edns, uint8_t *buf, int len, size_t cap)
{
	if (len > 0 && edns) {
		len = put_opt(x, buf, (size_t)len, cap);
	}
	if (len <= 0 || !x->signed_req) {
		return len;
	}
	size_t n = (size_t)len;
	int ret = dz_tsig_sign_response(buf, &n, cap, &x->tres, update_now(),
	                                DZ_TSIG_FUDGE_DEFAULT, NULL, NULL);
	return ret == DZ_OK ? (int)n : ret;
}

static const char *form_of(dz_xfr_kind_t kind, bool tc)
{
	return tc ? "tc" : dz_xfr_kind_str(kind);
}

int xfrout_udp_answer(net_query_t *q, const dz_msg_t *msg, xfrout_t *x)
{
	bool edns = msg->edns.present;
	x->opt.flags = edns ? (msg->edns.flags & DZ_EDNS_DO) : 0;
	size_t cap = udp_limit(msg, x->payload);
	if (cap > q->resp_cap) {
		cap = q->resp_cap; /* the payload size at start (a reload
		                      may have raised it since) */
	}
	size_t reserve = (edns ? OPT_LEN : 0) +
	                 (x->signed_req ? dz_tsig_wire_size(&x->tkey, 0) : 0);
	dz_xfr_kind_t kind = DZ_XFR_NONE;
	bool tc = false;
	int len = dz_xfr_out_ixfr_udp(x->version, msg, x->client_serial,
	                              x->steps.steps, x->steps.n, q->resp, cap,
	                              reserve, &kind);
	if (len == DZ_ESPACE) {
		/* RFC 1995 §2: too big for a datagram; TC sends the client
		 * to TCP. */
		tc = true;
		len = dz_xfr_out_soa(x->version, msg, true, q->resp, cap,
		                     reserve);
	}
	if (len > 0) {
		dz_xfr_stats_t st = {
		        .messages = 1,
		        .records = (uint64_t)(q->resp[6] << 8 | q->resp[7])};
		len = finish(x, edns, q->resp, len, cap);
		st.bytes = len > 0 ? (uint64_t)len : 0;
		if (len > 0) {
			xfrout_log_done(x, XFROUT_TYPE_IXFR_UDP,
			                form_of(kind, tc), &st);
		}
	}
	xfrout_free(x);
	return len;
}
