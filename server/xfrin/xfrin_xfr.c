/* SPDX-License-Identifier: BSD-3-Clause */
/* The transfer client: IXFR (RFC 1995) or AXFR (RFC 5936) over TCP, every
 * message TSIG-verified as a stream and fed to lib/xfr's consumer. */
#include "server/xfrin/xfrin_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zone.h"

/* Parsed records of the message at hand; only the loop thread runs here. */
static dz_msg_rr_t rrs[XFRIN_MAX_RRS];

static int xfr_fail(xfrin_zone_t *z, int status, const char *reason)
{
	snprintf(z->xfr_reason, sizeof(z->xfr_reason), "%s", reason);
	return status;
}

/* RFC 8945 §5.3.1: every message is verified against the running MAC. */
static int verify(xfrin_zone_t *z, const uint8_t *pkt, size_t len,
                  const dz_msg_t *m)
{
	if (!z->ts_on) {
		return DZ_OK;
	}
	dz_tsig_result_t res;
	int ret =
	        dz_tsig_stream_verify_next(&z->ts, pkt, len, dz_tsig_offset(m),
	                                   (uint64_t)time(NULL), &res);
	if (ret != DZ_OK) {
		char why[96];
		snprintf(why, sizeof(why), "tsig: %s",
		         dz_tsig_why_str(res.why));
		return xfr_fail(z, ret, why);
	}
	return DZ_OK;
}

static int on_msg(void *ctx, const uint8_t *pkt, size_t len)
{
	xfrin_zone_t *z = ctx;
	dz_msg_t m;
	dz_msg_init(&m, rrs, XFRIN_MAX_RRS);
	dz_msg_limits_t lim = {.max_rrs = XFRIN_MAX_RRS};
	dz_msg_diag_t diag = {0};
	int ret = dz_msg_parse(&m, pkt, len, &lim, &diag);
	if (ret != DZ_OK) {
		return xfr_fail(z, ret, dz_msg_why_str(diag.why));
	}
	/* An error rcode comes unsigned when the primary did not know our
	 * key: let the consumer see it first. */
	if (dz_msg_rcode(&m) == DZ_RCODE_NOERROR &&
	    (ret = verify(z, pkt, len, &m)) != DZ_OK) {
		return ret;
	}
	ret = dz_xfr_in_feed(z->in, &m);
	if (ret != DZ_OK) {
		z->xfr_rcode = dz_xfr_in_rcode(z->in);
		return xfr_fail(z, ret, dz_xfr_in_diag(z->in));
	}
	if (!dz_xfr_in_is_done(z->in)) {
		return 1;
	}
	if (z->ts_on && dz_tsig_stream_end(&z->ts) != DZ_OK) {
		return xfr_fail(z, DZ_EACCES, "tsig: unsigned last message");
	}
	return 0;
}

static void on_done(void *ctx, int status)
{
	xfrin_zone_t *z = ctx;
	z->xfr_bytes = z->io != NULL ? xfrin_io_bytes(z->io) : 0;
	z->io = NULL;
	if (status == DZ_OK) {
		status = dz_xfr_in_finish(z->in, &z->result);
		if (status != DZ_OK) {
			xfr_fail(z, status, dz_xfr_in_diag(z->in));
		}
	} else if (z->xfr_reason[0] == '\0') {
		xfr_fail(z, status, xfrin_io_reason(status));
	}
	dz_xfr_in_free(z->in);
	z->in = NULL;
	if (z->ts_on) {
		dz_tsig_stream_clear(&z->ts);
		z->ts_on = false;
	}
	z->xfr_status = status;
	xfrin_zone_event(z, XFRIN_EV_XFR_DONE);
}

/* Our version, referenced (RCU online only for the lookup). */
static dz_zone_t *current_version(xfrin_zone_t *z)
{
	dz_zone_t *v = NULL;
	zones_thread_online();
	const zone_entry_t *e = zones_find(z->x->srv->zones, z->name);
	if (e != NULL && dz_name_equal(zone_entry_name(e), z->name) &&
	    zone_entry_version(e) != NULL) {
		v = dz_zone_ref(zone_entry_version(e));
	}
	zones_thread_offline();
	return v;
}

static int xfr_send(xfrin_zone_t *z, dz_zone_t *cur, uint16_t qtype)
{
	uint8_t q[1024];
	size_t len = 0;
	int ret = xfrin_query_build(z, qtype, cur, q, sizeof(q), &len);
	const xfrin_target_t *t = &z->targets[z->cur];
	if (ret == DZ_OK && t->has_key) {
		ret = dz_tsig_stream_init(&z->ts, &t->key, z->qmac, z->qmac_len,
		                          DZ_TSIG_FUDGE_DEFAULT);
		z->ts_on = ret == DZ_OK;
	}
	if (ret != DZ_OK) {
		return ret;
	}
	dz_xfr_in_expect_id(z->in, z->qid);
	xfrin_io_opts_t o = {.dst = &t->addr,
	                     .via = t->has_via ? &t->via : NULL,
	                     .tcp = true,
	                     .timeout_ms = XFRIN_TCP_TIMEOUT_MS,
	                     .on_msg = on_msg,
	                     .on_done = on_done,
	                     .ctx = z};
	return xfrin_io_start(&z->x->srv->loop, &o, q, len, &z->io);
}

int xfrin_xfr_start(xfrin_zone_t *z, uint16_t qtype)
{
	dz_zone_t *cur = current_version(z);
	uint32_t serial = 0;
	if (cur == NULL || dz_zone_serial(cur, &serial) != DZ_OK) {
		qtype = DZ_RR_AXFR; /* nothing to be incremental from */
	}
	z->xfr_qtype = qtype;
	z->our_serial = serial;
	z->have_version = cur != NULL;
	z->xfr_reason[0] = '\0';
	z->xfr_rcode = 0;
	z->xfr_bytes = 0;
	memset(&z->result, 0, sizeof(z->result));
	clock_gettime(CLOCK_MONOTONIC, &z->xfr_t0);
	int ret = dz_xfr_in_new(z->name, cur, qtype, serial, &z->in);
	if (ret == DZ_OK) {
		ret = xfr_send(z, cur, qtype);
	}
	dz_zone_unref(cur);
	if (ret != DZ_OK) {
		dz_xfr_in_free(z->in);
		z->in = NULL;
		if (z->ts_on) {
			dz_tsig_stream_clear(&z->ts);
			z->ts_on = false;
		}
	}
	return ret;
}
