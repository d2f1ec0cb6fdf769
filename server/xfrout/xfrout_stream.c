/* SPDX-License-Identifier: BSD-3-Clause */
/* A transfer over TCP as a stream of messages (RFC 5936 §2.2), each one signed when the request was (RFC 8945 §5.3.1). */
#include "server/xfrout/xfrout_internal.h"

#include "lib/util/errcode.h"
#include "lib/wire/edns.h"
#include "lib/wire/rrtype.h"
#include "server/log/log.h"
#include "server/update/update_internal.h"

/* The xfr-out-done type of the answer that was sent. */
static const char *type_of(const xfrout_t *x)
{
	if (!x->ixfr) {
		return XFROUT_TYPE_AXFR;
	}
	dz_xfr_kind_t k = dz_xfr_out_kind(x->out);
	return k == DZ_XFR_AXFR_STYLE ? XFROUT_TYPE_IXFR_AXFR
	                              : XFROUT_TYPE_IXFR;
}

/* Every message signed, each MAC chained to the one before (§5.3.1):
 * the client may then check each message as it arrives. */
static int sign(xfrout_t *x, uint8_t *buf, int len, size_t cap)
{
	if (!x->tstream_on) {
		return len;
	}
	size_t n = (size_t)len;
	int ret = dz_tsig_stream_sign_next(&x->tstream, buf, &n, cap,
	                                   update_now());
	return ret == DZ_OK ? (int)n : ret;
}

static int stream_next(void *sctx, uint8_t *buf, size_t cap)
{
	xfrout_t *x = sctx;
	size_t reserve = x->tstream_on ? dz_tsig_wire_size(&x->tkey, 0) : 0;
	int len = dz_xfr_out_next(x->out, buf, cap, reserve);
	if (len == 0) {
		dz_xfr_stats_t st;
		dz_xfr_out_stats(x->out, &st);
		x->done = true;
		xfrout_log_done(x, type_of(x),
		                dz_xfr_kind_str(dz_xfr_out_kind(x->out)), &st);
		return 0;
	}
	if (len > 0) {
		len = sign(x, buf, len, cap);
	}
	if (len < 0) {
		x->error = len;
	}
	return len;
}

/* The stream ends: early when the client went away or a message failed. */
static void stream_free(void *sctx)
{
	xfrout_t *x = sctx;
	if (!x->done) {
		dz_xfr_stats_t st;
		dz_xfr_out_stats(x->out, &st);
		const char *reason = x->error != 0 ? dz_strerror(x->error)
		                                   : "connection closed";
		log_event(LOG_LEVEL_WARNING, LOG_CAT_XFR_OUT, x->zone,
		          (const struct sockaddr *)&x->peer, "xfr-out-failed",
		          "type=%s serial=%u key=%s records=%llu messages=%llu "
		          "ms=%llu reason=%s",
		          type_of(x), x->serial, x->key,
		          (unsigned long long)st.records,
		          (unsigned long long)st.messages,
		          (unsigned long long)xfrout_elapsed_ms(x), reason);
	}
	xfrout_free(x);
}

/* RFC 6891 §7: an OPT in the answer only to a client that sent one. */
static int set_opt(xfrout_t *x, const dz_msg_t *msg)
{
	if (!msg->edns.present) {
		return DZ_OK;
	}
	x->opt = (dz_edns_out_t){.udp_size = x->payload,
	                         .flags = msg->edns.flags & DZ_EDNS_DO};
	return dz_xfr_out_set_opt(x->out, &x->opt);
}

static int make_out(xfrout_t *x, const dz_msg_t *msg)
{
	int ret;
	if (x->ixfr) {
		/* Condensed where smaller (RFC 1995 §4 allows either form);
		 * the journal keeps every step for our own use. */
		ret = dz_xfr_out_ixfr_new(x->version, msg, x->client_serial,
		                          x->steps.steps, x->steps.n, 0,
		                          &x->out);
	} else {
		ret = dz_xfr_out_axfr_new(x->version, msg, &x->out);
	}
	if (ret == DZ_OK) {
		ret = set_opt(x, msg);
	}
	if (ret == DZ_OK && x->signed_req) {
		ret = dz_tsig_stream_init(&x->tstream, &x->tkey, x->tres.mac,
		                          x->tres.mac_len,
		                          DZ_TSIG_FUDGE_DEFAULT);
		x->tstream_on = ret == DZ_OK;
	}
	return ret;
}

int xfrout_stream_start(net_query_t *q, const dz_msg_t *msg, xfrout_t *x)
{
	int ret = make_out(x, msg);
	if (ret == DZ_OK) {
		ret = net_query_set_stream(q, stream_next, stream_free, x);
		if (ret == DZ_OK) {
			return NET_STREAM;
		}
	}
	xfrout_free(x); /* nothing was sent: no xfr-out-failed */
	return ret;
}
