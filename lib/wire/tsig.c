/* SPDX-License-Identifier: BSD-3-Clause */
/* TSIG (RFC 8945) for single messages: sign, verify in the §5.2 order, sign the response. */
#include "lib/wire/tsig.h"

#include <string.h>

#include <openssl/crypto.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"
#include "lib/wire/tsig_internal.h"

/* 48-bit Time Signed (RFC 8945 §4.2). */
#define TIME_MAX ((UINT64_C(1) << 48) - 1)

static const char *const why_str[] = {
        [DZ_TSIG_WHY_NONE] = "ok",
        [DZ_TSIG_WHY_MALFORMED] = "malformed tsig record",
        [DZ_TSIG_WHY_MAC_SIZE] = "invalid mac size",
        [DZ_TSIG_WHY_KEY_UNKNOWN] = "unknown key",
        [DZ_TSIG_WHY_ALG_UNKNOWN] = "unsupported algorithm",
        [DZ_TSIG_WHY_ALG_MISMATCH] = "algorithm does not match the key",
        [DZ_TSIG_WHY_MAC_MISMATCH] = "mac does not match",
        [DZ_TSIG_WHY_TIME] = "time outside the fudge window",
        [DZ_TSIG_WHY_TRUNC_POLICY] = "mac truncated below policy",
        [DZ_TSIG_WHY_PEER_ERROR] = "peer reported a tsig error",
        [DZ_TSIG_WHY_UNSIGNED] = "unsigned message not allowed here",
};

const char *dz_tsig_why_str(dz_tsig_why_t why)
{
	if ((size_t)why >= sizeof(why_str) / sizeof(why_str[0])) {
		return "unknown";
	}
	return why_str[why];
}

size_t dz_tsig_offset(const struct dz_msg *msg)
{
	if (msg == NULL || msg->tsig_idx < 0) {
		return 0;
	}
	return msg->rr[msg->tsig_idx].owner;
}

size_t dz_tsig_wire_size(const dz_tsig_key_t *key, size_t other_len)
{
	const uint8_t *alg = dz_tsig_alg_to_name(key->alg);
	if (alg == NULL) {
		return 0;
	}
	return dz_name_len(key->name) + DZ__TSIG_RR_FIXED + dz_name_len(alg) +
	       DZ__TSIG_RDATA_FIXED + dz_tsig_alg_mac_len(key->alg) + other_len;
}

/* MAC of one whole message (§4.3): [request MAC], message, all variables. */
static int compute_mac(const dz_tsig_key_t *key, const uint8_t *req_mac,
                       size_t req_mac_len, const uint8_t *msg, size_t end,
                       uint16_t arcount, const dz__tsig_rr_t *rr,
                       uint8_t *mac, size_t *mac_len)
{
	dz__tsig_hmac_t *h = NULL;
	int ret = dz__tsig_hmac_new(key, &h);
	if (ret != DZ_OK) {
		return ret;
	}
	if (req_mac != NULL) {
		ret = dz__tsig_hmac_mac(h, req_mac, req_mac_len);
	}
	if (ret == DZ_OK) {
		ret = dz__tsig_hmac_msg(h, msg, end, rr->orig_id, arcount);
	}
	if (ret == DZ_OK) {
		ret = dz__tsig_hmac_vars(h, rr, true);
	}
	if (ret == DZ_OK) {
		ret = dz__tsig_hmac_final(h, mac, mac_len);
	}
	dz__tsig_hmac_free(h);
	return ret;
}

static bool sign_args_ok(const uint8_t *msg, const size_t *len, size_t cap,
                         const dz_tsig_key_t *key, uint64_t now,
                         const uint8_t *request_mac, size_t request_mac_len,
                         const uint8_t *other, size_t other_len)
{
	return msg != NULL && len != NULL && key != NULL &&
	       *len >= DZ_MSG_HDR_LEN && *len <= cap &&
	       dz_tsig_alg_to_name(key->alg) != NULL && now <= TIME_MAX &&
	       (request_mac != NULL || request_mac_len == 0) &&
	       request_mac_len <= UINT16_MAX &&
	       (other != NULL || other_len == 0) && other_len <= UINT16_MAX;
}

int dz_tsig_sign(uint8_t *msg, size_t *len, size_t cap,
                 const dz_tsig_key_t *key, uint64_t now, uint16_t fudge,
                 const uint8_t *request_mac, size_t request_mac_len,
                 uint16_t error, const uint8_t *other, size_t other_len,
                 uint8_t *mac_out, size_t *mac_len_out)
{
	uint8_t mac[DZ_TSIG_MAC_MAX];
	size_t mac_len = 0;

	if (!sign_args_ok(msg, len, cap, key, now, request_mac,
	                  request_mac_len, other, other_len)) {
		return DZ_EINVAL;
	}
	dz__tsig_rr_t rr = {
	        .owner = key->name,
	        .alg_name = dz_tsig_alg_to_name(key->alg),
	        .rclass = DZ_CLASS_ANY,
	        .ttl = 0,
	        .time_signed = now,
	        .fudge = fudge,
	        .orig_id = dz__tsig_get16(msg),
	        .error = error,
	        .other_len = (uint16_t)other_len,
	        .other = other,
	};
	int ret = compute_mac(key, request_mac, request_mac_len, msg, *len,
	                      dz__tsig_get16(msg + 10), &rr, mac, &mac_len);
	if (ret != DZ_OK) {
		return ret;
	}
	rr.mac = mac;
	rr.mac_len = (uint16_t)mac_len;
	ret = dz__tsig_rr_append(msg, len, cap, &rr);
	if (ret != DZ_OK) {
		return ret;
	}
	if (mac_out != NULL && mac_len_out != NULL) {
		memcpy(mac_out, mac, mac_len);
		*mac_len_out = mac_len;
	}
	return DZ_OK;
}

/* --- verification ------------------------------------------------------ */

static void result_reset(dz_tsig_result_t *res)
{
	memset(res, 0, sizeof(*res));
}

static int fail(dz_tsig_result_t *res, uint16_t error, dz_tsig_why_t why)
{
	res->error = error;
	res->rcode = DZ_RCODE_NOTAUTH; /* RFC 8945 §5.2: TSIG errors */
	res->why = why;
	return DZ_EACCES;
}

static int formerr(dz_tsig_result_t *res, dz_tsig_why_t why)
{
	res->error = DZ_TSIG_NOERROR;
	res->rcode = DZ_RCODE_FORMERR;
	res->why = why;
	return DZ_EMALF;
}

static void record_fields(dz_tsig_result_t *res, const dz__tsig_rr_t *rr,
                          uint64_t now)
{
	res->parsed = true;
	dz_name_copy(res->key_name, rr->owner);
	dz_name_copy(res->alg_name, rr->alg_name);
	if (dz_tsig_alg_from_name(rr->alg_name, &res->alg) != DZ_OK) {
		res->alg = DZ_TSIG_ALG_NONE;
	}
	res->time_signed = rr->time_signed;
	res->fudge = rr->fudge;
	res->offset = (int64_t)now - (int64_t)rr->time_signed;
	res->orig_id = rr->orig_id;
	res->peer_error = rr->error;
	res->other_len = rr->other_len;
	size_t n = rr->other_len < sizeof(res->other) ? rr->other_len
	                                               : sizeof(res->other);
	memcpy(res->other, rr->other, n);
	res->mac_len = rr->mac_len <= DZ_TSIG_MAC_MAX ? rr->mac_len : 0;
	memcpy(res->mac, rr->mac, res->mac_len);
}

/* §5.2.1: the key must be known and of the algorithm the message claims. */
static int check_key(dz_tsig_result_t *res, dz_tsig_lookup_t lookup,
                     void *ctx)
{
	if (res->alg == DZ_TSIG_ALG_NONE) {
		return fail(res, DZ_TSIG_BADKEY, DZ_TSIG_WHY_ALG_UNKNOWN);
	}
	const dz_tsig_key_t *key = lookup(ctx, res->key_name, res->alg);
	if (key == NULL || !dz_name_equal(key->name, res->key_name)) {
		return fail(res, DZ_TSIG_BADKEY, DZ_TSIG_WHY_KEY_UNKNOWN);
	}
	if (key->alg != res->alg) {
		return fail(res, DZ_TSIG_BADKEY, DZ_TSIG_WHY_ALG_MISMATCH);
	}
	res->key = key;
	return DZ_OK;
}

/* §5.2.2.1: a MAC longer than the hash, or cut below max(10, hash/2)
 * octets, must never be sent; receiving one is FORMERR. */
static int check_mac_size(dz_tsig_result_t *res, uint16_t mac_len)
{
	size_t full = dz_tsig_alg_mac_len(res->alg);
	size_t min = full / 2 > 10 ? full / 2 : 10;
	if (mac_len > full || mac_len < min) {
		return formerr(res, DZ_TSIG_WHY_MAC_SIZE);
	}
	res->truncated = mac_len < full;
	return DZ_OK;
}

/* §5.2.2: compare only the octets sent (a truncated MAC), in constant time. */
static int check_mac(dz_tsig_result_t *res, const uint8_t *computed,
                     const dz__tsig_rr_t *rr)
{
	if (CRYPTO_memcmp(computed, rr->mac, rr->mac_len) != 0) {
		return fail(res, DZ_TSIG_BADSIG, DZ_TSIG_WHY_MAC_MISMATCH);
	}
	return DZ_OK;
}

/* §5.2.3 then §5.2.4. */
static int check_time_trunc(dz_tsig_result_t *res, uint64_t now)
{
	uint64_t skew = now > res->time_signed ? now - res->time_signed
	                                       : res->time_signed - now;
	if (skew > res->fudge) {
		return fail(res, DZ_TSIG_BADTIME, DZ_TSIG_WHY_TIME);
	}
	size_t full = dz_tsig_alg_mac_len(res->alg);
	size_t min = res->key->min_mac != 0 ? res->key->min_mac : full;
	if (res->mac_len < min) {
		return fail(res, DZ_TSIG_BADTRUNC, DZ_TSIG_WHY_TRUNC_POLICY);
	}
	return DZ_OK;
}

int dz__tsig_verify_checks(dz_tsig_result_t *res, const uint8_t *computed,
                           const dz__tsig_rr_t *rr, uint64_t now)
{
	int ret = check_mac(res, computed, rr);
	if (ret == DZ_OK) {
		ret = check_time_trunc(res, now);
	}
	if (ret == DZ_OK && rr->error != DZ_TSIG_NOERROR) {
		/* authentic, but the peer refused us (e.g. a signed BADTIME) */
		res->why = DZ_TSIG_WHY_PEER_ERROR;
		ret = DZ_EACCES;
	}
	return ret;
}

int dz__tsig_verify_begin(const uint8_t *msg, size_t len, size_t off,
                          dz_tsig_lookup_t lookup, void *ctx, uint64_t now,
                          bool response, dz_tsig_result_t *res,
                          dz__tsig_rr_t *rr, uint8_t *owner,
                          uint8_t *alg_name)
{
	/* §5.1: class ANY; ARCOUNT counts the TSIG itself */
	if (dz__tsig_rr_parse(msg, len, off, owner, alg_name, rr) != DZ_OK ||
	    rr->rclass != DZ_CLASS_ANY || dz__tsig_get16(msg + 10) == 0) {
		return formerr(res, DZ_TSIG_WHY_MALFORMED);
	}
	record_fields(res, rr, now);
	if (response && rr->mac_len == 0 && rr->error != DZ_TSIG_NOERROR) {
		/* §5.3.2: BADKEY/BADSIG answers are unsigned */
		res->why = DZ_TSIG_WHY_PEER_ERROR;
		return DZ_EACCES;
	}
	int ret = check_key(res, lookup, ctx);
	return ret != DZ_OK ? ret : check_mac_size(res, rr->mac_len);
}

int dz_tsig_verify(const uint8_t *msg, size_t len, size_t tsig_offset,
                   dz_tsig_lookup_t lookup, void *lookup_ctx, uint64_t now,
                   const uint8_t *request_mac, size_t request_mac_len,
                   dz_tsig_result_t *res)
{
	uint8_t owner[DZ_NAME_MAXLEN], alg_name[DZ_NAME_MAXLEN];
	uint8_t mac[DZ_TSIG_MAC_MAX];
	size_t mac_len = 0;
	dz__tsig_rr_t rr;

	if (res == NULL || msg == NULL || lookup == NULL ||
	    (request_mac == NULL && request_mac_len != 0)) {
		return DZ_EINVAL;
	}
	result_reset(res);
	int ret = dz__tsig_verify_begin(msg, len, tsig_offset, lookup,
	                                lookup_ctx, now, request_mac != NULL,
	                                res, &rr, owner, alg_name);
	if (ret != DZ_OK) {
		return ret;
	}
	/* §4.3.2: the digest sees the message as it was before signing */
	ret = compute_mac(res->key, request_mac, request_mac_len, msg,
	                  tsig_offset, (uint16_t)(dz__tsig_get16(msg + 10) - 1),
	                  &rr, mac, &mac_len);
	if (ret != DZ_OK) {
		return ret;
	}
	return dz__tsig_verify_checks(res, mac, &rr, now);
}

/* §5.3.2: BADKEY and BADSIG answers carry a TSIG without a MAC. */
static int append_unsigned(uint8_t *msg, size_t *len, size_t cap,
                           const dz_tsig_result_t *req, uint64_t now,
                           uint16_t fudge)
{
	dz__tsig_rr_t rr = {
	        .owner = req->key_name,
	        .alg_name = req->alg_name,
	        .rclass = DZ_CLASS_ANY,
	        .time_signed = now,
	        .fudge = fudge,
	        .orig_id = dz__tsig_get16(msg),
	        .error = req->error,
	};
	if (now > TIME_MAX) {
		return DZ_EINVAL;
	}
	return dz__tsig_rr_append(msg, len, cap, &rr);
}

int dz_tsig_sign_response(uint8_t *msg, size_t *len, size_t cap,
                          const dz_tsig_result_t *req, uint64_t now,
                          uint16_t fudge, uint8_t *mac_out,
                          size_t *mac_len_out)
{
	if (req == NULL || !req->parsed || req->rcode == DZ_RCODE_FORMERR ||
	    msg == NULL || len == NULL || *len < DZ_MSG_HDR_LEN ||
	    *len > cap) {
		return DZ_EINVAL;
	}
	if (req->error == DZ_TSIG_BADKEY || req->error == DZ_TSIG_BADSIG) {
		return append_unsigned(msg, len, cap, req, now, fudge);
	}
	if (req->key == NULL) {
		return DZ_EINVAL;
	}
	if (req->error == DZ_TSIG_BADTIME) {
		/* §5.2.3: signed over the client's own Time Signed, so it
		 * verifies at the client; our clock goes in Other Data */
		uint8_t t[DZ_TSIG_TIME_LEN];
		for (int i = DZ_TSIG_TIME_LEN - 1; i >= 0; i--) {
			t[i] = (uint8_t)now;
			now >>= 8;
		}
		return dz_tsig_sign(msg, len, cap, req->key, req->time_signed,
		                    fudge, req->mac, req->mac_len, req->error, t,
		                    sizeof(t), mac_out, mac_len_out);
	}
	return dz_tsig_sign(msg, len, cap, req->key, now, fudge, req->mac,
	                    req->mac_len, req->error, NULL, 0, mac_out,
	                    mac_len_out);
}
