/* SPDX-License-Identifier: BSD-3-Clause */
/* TSIG over message streams (RFC 8945 §5.3.1): a running MAC across the messages of a TCP transfer. */
#include "lib/wire/tsig.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"
#include "lib/wire/tsig_internal.h"

/* Start the running MAC for the next signed message: it opens with the
 * request MAC (first message) or the prior MAC (every later one). */
static int start_run(dz_tsig_stream_t *s, bool with_mac)
{
	dz__tsig_hmac_t *h = NULL;
	int ret = dz__tsig_hmac_new(s->key, &h);
	if (ret == DZ_OK && with_mac) {
		ret = dz__tsig_hmac_mac(h, s->mac, s->mac_len);
	}
	if (ret != DZ_OK) {
		dz__tsig_hmac_free(h);
		return ret;
	}
	dz__tsig_hmac_free(s->run);
	s->run = h;
	return DZ_OK;
}

/* A failed stream stays failed: nothing after a bad message can verify. */
static void kill_stream(dz_tsig_stream_t *s)
{
	dz__tsig_hmac_free(s->run);
	s->run = NULL;
}

int dz_tsig_stream_init(dz_tsig_stream_t *s, const dz_tsig_key_t *key,
                        const uint8_t *request_mac, size_t request_mac_len,
                        uint16_t fudge)
{
	if (s == NULL || key == NULL || dz_tsig_alg_to_name(key->alg) == NULL ||
	    request_mac_len > DZ_TSIG_MAC_MAX ||
	    (request_mac == NULL && request_mac_len != 0)) {
		return DZ_EINVAL;
	}
	memset(s, 0, sizeof(*s));
	s->key = key;
	s->fudge = fudge;
	if (request_mac != NULL) {
		memcpy(s->mac, request_mac, request_mac_len);
		s->mac_len = (uint16_t)request_mac_len;
	}
	return start_run(s, request_mac != NULL);
}

void dz_tsig_stream_clear(dz_tsig_stream_t *s)
{
	if (s != NULL) {
		kill_stream(s);
	}
}

/* The running MAC has seen everything before this message's own digest. */
static int finish_mac(dz_tsig_stream_t *s, const uint8_t *msg, size_t end,
                      uint16_t arcount, const dz__tsig_rr_t *rr, uint8_t *mac,
                      size_t *mac_len)
{
	dz__tsig_hmac_t *h = s->run;
	int ret = dz__tsig_hmac_msg(h, msg, end, rr->orig_id, arcount);
	if (ret == DZ_OK) {
		/* §4.3.1: later messages cover only the timers */
		ret = dz__tsig_hmac_vars(h, rr, s->count == 0);
	}
	if (ret == DZ_OK) {
		ret = dz__tsig_hmac_final(h, mac, mac_len);
	}
	return ret;
}

/* After a signed message: its MAC becomes the prior MAC of the next. */
static int next_run(dz_tsig_stream_t *s, const uint8_t *mac, size_t mac_len)
{
	memcpy(s->mac, mac, mac_len);
	s->mac_len = (uint16_t)mac_len;
	s->unsigned_run = 0;
	s->count++;
	return start_run(s, true);
}

int dz_tsig_stream_sign_next(dz_tsig_stream_t *s, uint8_t *msg, size_t *len,
                             size_t cap, uint64_t now)
{
	uint8_t mac[DZ_TSIG_MAC_MAX];
	size_t mac_len = 0;

	if (s == NULL || s->run == NULL || msg == NULL || len == NULL ||
	    *len < 12 || *len > cap || now >= (UINT64_C(1) << 48)) {
		return DZ_EINVAL;
	}
	dz__tsig_rr_t rr = {
	        .owner = s->key->name,
	        .alg_name = dz_tsig_alg_to_name(s->key->alg),
	        .rclass = DZ_CLASS_ANY,
	        .time_signed = now,
	        .fudge = s->fudge,
	        .mac_len = (uint16_t)dz_tsig_alg_mac_len(s->key->alg),
	        .orig_id = dz__tsig_get16(msg),
	};
	/* check the room first: the running MAC cannot be rewound */
	if (cap - *len < dz__tsig_rr_size(&rr)) {
		return DZ_ESPACE;
	}
	int ret = finish_mac(s, msg, *len, dz__tsig_get16(msg + 10), &rr, mac,
	                     &mac_len);
	rr.mac = mac;
	if (ret == DZ_OK) {
		ret = dz__tsig_rr_append(msg, len, cap, &rr);
	}
	if (ret == DZ_OK) {
		ret = next_run(s, mac, mac_len);
	}
	if (ret != DZ_OK) {
		kill_stream(s);
	}
	return ret;
}

static const dz_tsig_key_t *stream_key(void *ctx, const uint8_t *name,
                                       dz_tsig_alg_t alg)
{
	(void)name; /* the caller compares the name and algorithm */
	(void)alg;
	return ctx;
}

/* §5.3.1: up to 99 unsigned messages in a row, never the first. */
static int take_unsigned(dz_tsig_stream_t *s, const uint8_t *msg, size_t len,
                         dz_tsig_result_t *res)
{
	if (s->count == 0 || s->unsigned_run >= DZ_TSIG_STREAM_MAX_UNSIGNED) {
		res->error = DZ_TSIG_BADSIG;
		res->rcode = DZ_RCODE_NOTAUTH;
		res->why = DZ_TSIG_WHY_UNSIGNED;
		kill_stream(s);
		return DZ_EACCES;
	}
	int ret = dz__tsig_hmac_update(s->run, msg, len);
	if (ret != DZ_OK) {
		kill_stream(s);
		return ret;
	}
	s->unsigned_run++;
	return DZ_OK;
}

static int verify_signed(dz_tsig_stream_t *s, const uint8_t *msg, size_t len,
                         size_t off, uint64_t now, dz_tsig_result_t *res)
{
	uint8_t owner[DZ_NAME_MAXLEN], alg_name[DZ_NAME_MAXLEN];
	uint8_t mac[DZ_TSIG_MAC_MAX];
	size_t mac_len = 0;
	dz__tsig_rr_t rr;

	int ret = dz__tsig_verify_begin(msg, len, off, stream_key,
	                                (void *)(uintptr_t)s->key, now, true,
	                                res, &rr, owner, alg_name);
	if (ret == DZ_OK) {
		uint16_t arcount = (uint16_t)(dz__tsig_get16(msg + 10) - 1);
		ret = finish_mac(s, msg, off, arcount, &rr, mac, &mac_len);
	}
	if (ret == DZ_OK) {
		ret = dz__tsig_verify_checks(res, mac, &rr, now);
	}
	if (ret == DZ_OK) {
		/* a truncated MAC is carried on as sent (§5.2.2.1) */
		ret = next_run(s, rr.mac, rr.mac_len);
	}
	return ret;
}

int dz_tsig_stream_verify_next(dz_tsig_stream_t *s, const uint8_t *msg,
                               size_t len, size_t tsig_offset, uint64_t now,
                               dz_tsig_result_t *res)
{
	if (s == NULL || res == NULL || msg == NULL || len < 12) {
		return DZ_EINVAL;
	}
	memset(res, 0, sizeof(*res));
	if (s->run == NULL) {
		return DZ_EINVAL;
	}
	if (tsig_offset == 0) {
		return take_unsigned(s, msg, len, res);
	}
	int ret = verify_signed(s, msg, len, tsig_offset, now, res);
	if (ret != DZ_OK) {
		kill_stream(s);
	}
	return ret;
}

int dz_tsig_stream_end(const dz_tsig_stream_t *s)
{
	if (s == NULL || s->run == NULL || s->count == 0 ||
	    s->unsigned_run != 0) {
		return DZ_EACCES;
	}
	return DZ_OK;
}
