/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for TSIG (lib/wire/tsig.h): dnspython interoperability, every failure, streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/tsig.h"
#include "tests/data/tsig/vectors.h"

#define NOW (VEC_TIME + 10)

/* --- helpers -------------------------------------------------------------- */

typedef struct ring {
	const dz_tsig_key_t *keys;
	size_t n;
} ring_t;

static const dz_tsig_key_t *ring_lookup(void *ctx, const uint8_t *name,
                                        dz_tsig_alg_t alg)
{
	const ring_t *r = ctx;
	(void)alg;
	for (size_t i = 0; i < r->n; i++) {
		if (dz_name_equal(r->keys[i].name, name)) {
			return &r->keys[i];
		}
	}
	return NULL;
}

static size_t tsig_off(const uint8_t *wire, size_t len)
{
	dz_msg_t m;
	dz_msg_init(&m, NULL, 0);
	assert_int_equal(dz_msg_parse(&m, wire, len, NULL, NULL), DZ_OK);
	return dz_tsig_offset(&m);
}

static void make_key(dz_tsig_key_t *k, const char *name, dz_tsig_alg_t alg,
                     const char *secret)
{
	assert_int_equal(dz_tsig_key_init(k, name, dz_tsig_alg_to_str(alg),
	                                  secret),
	                 DZ_OK);
}

static int verify(const uint8_t *w, size_t len, const dz_tsig_key_t *key,
                  uint64_t now, const uint8_t *rmac, size_t rmac_len,
                  dz_tsig_result_t *res)
{
	ring_t r = {key, 1};
	return dz_tsig_verify(w, len, tsig_off(w, len), ring_lookup, &r, now,
	                      rmac, rmac_len, res);
}

/* An UPDATE-like message to sign: header + question, ARCOUNT 0. */
static size_t small_msg(uint8_t *buf, uint16_t id)
{
	static const uint8_t q[] = {0x00, 0x00, 0x28, 0x00, 0x00, 0x01,
	                            0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	                            7,    'e',  'x',  'a',  'm',  'p',
	                            'l',  'e',  0,    0x00, 0x06, 0x00,
	                            0x01};
	memcpy(buf, q, sizeof(q));
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	return sizeof(q);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Offset of the MAC size field of an uncompressed-owner TSIG at \p off. */
static size_t mac_size_pos(const uint8_t *w, size_t off)
{
	size_t rdata = off + dz_name_len(w + off) + 10;
	return rdata + dz_name_len(w + rdata) + 8;
}

/* Change the MAC length in place: cut it, or pad it with zero octets. */
static void resize_mac(uint8_t *w, size_t *len, size_t off, size_t newlen)
{
	size_t ms = mac_size_pos(w, off);
	size_t old = get16(w + ms), mac = ms + 2;
	size_t tail = *len - (mac + old);
	size_t rdl = off + dz_name_len(w + off) + 8;
	memmove(w + mac + newlen, w + mac + old, tail);
	if (newlen > old) {
		memset(w + mac + old, 0, newlen - old);
	}
	put16(w + ms, (uint16_t)newlen);
	put16(w + rdl, (uint16_t)(get16(w + rdl) + newlen - old));
	*len = *len + newlen - old;
}

/* Sign small_msg with \p key at \p t. */
static size_t signed_msg(uint8_t *buf, size_t cap, const dz_tsig_key_t *key,
                         uint64_t t)
{
	size_t len = small_msg(buf, 0xbeef);
	assert_int_equal(dz_tsig_sign(buf, &len, cap, key, t, VEC_FUDGE, NULL,
	                              0, 0, NULL, 0, NULL, NULL),
	                 DZ_OK);
	return len;
}

/* --- algorithms and keys ----------------------------------------------------- */

static void alg_names_short_full_and_dotted(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		dz_tsig_alg_t alg;
	} ok[] = {
	        {"hmac-md5", DZ_TSIG_HMAC_MD5},
	        {"HMAC-MD5.SIG-ALG.REG.INT.", DZ_TSIG_HMAC_MD5},
	        {"hmac-md5.sig-alg.reg.int", DZ_TSIG_HMAC_MD5},
	        {"hmac-sha1.", DZ_TSIG_HMAC_SHA1},
	        {"hmac-sha224", DZ_TSIG_HMAC_SHA224},
	        {"hmac-sha256", DZ_TSIG_HMAC_SHA256},
	        {"hmac-sha384.", DZ_TSIG_HMAC_SHA384},
	        {"Hmac-Sha512", DZ_TSIG_HMAC_SHA512},
	};
	dz_tsig_alg_t alg;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(dz_tsig_alg_from_str(ok[i].s, strlen(ok[i].s),
		                                      &alg),
		                 DZ_OK);
		assert_int_equal(alg, ok[i].alg);
	}
	const char *bad[] = {"hmac-sha256-128", "hmac-md5.", "gss-tsig", "",
	                     "hmac"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int want = strcmp(bad[i], "hmac-md5.") == 0 ? DZ_OK
		                                            : DZ_ENOTSUP;
		assert_int_equal(dz_tsig_alg_from_str(bad[i], strlen(bad[i]),
		                                      &alg),
		                 want);
	}
	assert_memory_equal(dz_tsig_alg_to_name(DZ_TSIG_HMAC_SHA256),
	                    "\x0bhmac-sha256", 13);
	assert_memory_equal(dz_tsig_alg_to_name(DZ_TSIG_HMAC_MD5),
	                    "\x08hmac-md5\x07sig-alg\x03reg\x03int", 26);
	assert_null(dz_tsig_alg_to_name(DZ_TSIG_ALG_NONE));
	assert_string_equal(dz_tsig_alg_to_str(DZ_TSIG_HMAC_SHA384),
	                    "hmac-sha384");
	assert_int_equal(dz_tsig_alg_mac_len(DZ_TSIG_HMAC_MD5), 16);
	assert_int_equal(dz_tsig_alg_mac_len(DZ_TSIG_HMAC_SHA224), 28);
	assert_int_equal(dz_tsig_alg_mac_len(DZ_TSIG_HMAC_SHA512), 64);
	assert_int_equal(dz_tsig_alg_from_name(
	                         (const uint8_t *)"\x0bHMAC-SHA1\0", &alg),
	                 DZ_ENOTSUP);
	assert_int_equal(dz_tsig_alg_from_name(
	                         (const uint8_t *)"\x0bHMAC-SHA224", &alg),
	                 DZ_OK);
	assert_int_equal(alg, DZ_TSIG_HMAC_SHA224);
}

static void key_init_checks_every_field(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	assert_int_equal(dz_tsig_key_init(&k, "Dz-Key", "hmac-sha256",
	                                  "AQID BA=="),
	                 DZ_OK);
	assert_memory_equal(k.name, "\x06" "dz-key", 8);
	assert_int_equal(k.alg, DZ_TSIG_HMAC_SHA256);
	assert_int_equal(k.secret_len, 4);
	assert_memory_equal(k.secret, "\x01\x02\x03\x04", 4);
	assert_int_equal(dz_tsig_key_init(&k, "k.", "hmac-sha7", "AQID"),
	                 DZ_ENOTSUP);
	assert_int_equal(dz_tsig_key_init(&k, "k.", "hmac-sha1", "AQI*"),
	                 DZ_ERDATA);
	assert_int_equal(dz_tsig_key_init(&k, "k.", "hmac-sha1", ""),
	                 DZ_ERDATA);
	assert_int_equal(dz_tsig_key_init(&k, "a..b", "hmac-sha1", "AQID"),
	                 DZ_ESYNTAX);
}

static void key_from_spec_nsupdate_forms(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	assert_int_equal(dz_tsig_key_from_spec(&k, "hmac-sha512:ddns.:AQID"),
	                 DZ_OK);
	assert_int_equal(k.alg, DZ_TSIG_HMAC_SHA512);
	assert_memory_equal(k.name, "\x04" "ddns", 6);
	assert_int_equal(dz_tsig_key_from_spec(&k, "ddns:AQID"), DZ_OK);
	assert_int_equal(k.alg, DZ_TSIG_HMAC_MD5); /* nsupdate's default */
	assert_int_equal(dz_tsig_key_from_spec(&k, "ddns"), DZ_ESYNTAX);
	assert_int_equal(dz_tsig_key_from_spec(&k, "a:b:c:AQID"), DZ_ESYNTAX);
	assert_int_equal(dz_tsig_key_from_spec(&k, "md6:ddns:AQID"),
	                 DZ_ENOTSUP);
}

/* --- interoperability with dnspython --------------------------------------------- */

static void verify_dnspython_request_every_algorithm(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(req_vecs) / sizeof(req_vecs[0]); i++) {
		const struct tsig_vec *v = &req_vecs[i];
		dz_tsig_key_t k;
		dz_tsig_result_t res;
		make_key(&k, "dz-key.", v->alg, v->secret);
		assert_int_equal(verify(v->wire, v->len, &k, NOW, NULL, 0,
		                        &res),
		                 DZ_OK);
		assert_int_equal(res.error, DZ_TSIG_NOERROR);
		assert_int_equal(res.rcode, 0);
		assert_int_equal(res.alg, v->alg);
		assert_ptr_equal(res.key, &k);
		assert_memory_equal(res.key_name, "\x06" "dz-key", 8);
		assert_true(res.time_signed == VEC_TIME);
		assert_true(res.offset == 10);
		assert_int_equal(res.fudge, VEC_FUDGE);
		assert_int_equal(res.orig_id, 0x1234);
		assert_false(res.truncated);
		assert_int_equal(res.mac_len, v->mac_len);
		assert_memory_equal(res.mac, v->mac, v->mac_len);
	}
}

/* HMAC is deterministic: our signature must be dnspython's, octet for octet. */
static void sign_equals_dnspython_every_algorithm(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(req_vecs) / sizeof(req_vecs[0]); i++) {
		const struct tsig_vec *v = &req_vecs[i];
		dz_tsig_key_t k;
		uint8_t buf[1024], mac[DZ_TSIG_MAC_MAX];
		size_t mac_len = 0;
		make_key(&k, "dz-key.", v->alg, v->secret);
		size_t len = tsig_off(v->wire, v->len);
		memcpy(buf, v->wire, len);
		put16(buf + 10, (uint16_t)(get16(buf + 10) - 1));
		assert_int_equal(dz_tsig_sign(buf, &len, sizeof(buf), &k,
		                              VEC_TIME, VEC_FUDGE, NULL, 0, 0,
		                              NULL, 0, mac, &mac_len),
		                 DZ_OK);
		assert_int_equal(len, v->len);
		assert_memory_equal(buf, v->wire, len);
		assert_int_equal(mac_len, v->mac_len);
		assert_memory_equal(mac, v->mac, mac_len);
	}
}

static void response_signed_with_request_mac_interoperates(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	uint8_t buf[1024];
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	const uint8_t *rm = resp_sha256_req_mac;
	size_t rml = sizeof(resp_sha256_req_mac);
	assert_int_equal(verify(resp_sha256, sizeof(resp_sha256), &k, NOW, rm,
	                        rml, &res),
	                 DZ_OK);
	/* without the request MAC the digest differs */
	assert_int_equal(verify(resp_sha256, sizeof(resp_sha256), &k, NOW,
	                        NULL, 0, &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADSIG);

	size_t len = tsig_off(resp_sha256, sizeof(resp_sha256));
	memcpy(buf, resp_sha256, len);
	put16(buf + 10, (uint16_t)(get16(buf + 10) - 1));
	assert_int_equal(dz_tsig_sign(buf, &len, sizeof(buf), &k, VEC_TIME + 1,
	                              VEC_FUDGE, rm, rml, 0, NULL, 0, NULL,
	                              NULL),
	                 DZ_OK);
	assert_int_equal(len, sizeof(resp_sha256));
	assert_memory_equal(buf, resp_sha256, len);
}

static void verify_compressed_owner_and_uppercase_algorithm(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	make_key(&k, "key.example.com.", DZ_TSIG_HMAC_MD5, VEC_SECRET);
	assert_int_equal(verify(req_compressed, sizeof(req_compressed), &k,
	                        NOW, NULL, 0, &res),
	                 DZ_OK);
	assert_int_equal(res.alg, DZ_TSIG_HMAC_MD5);
	/* as received: "Key" from the TSIG, the rest by compression from
	 * the zone name */
	assert_memory_equal(res.key_name, "\x03Key\x07" "example\x03" "com", 17);
}

/* --- failures ----------------------------------------------------------------- */

static void unknown_key_is_badkey_with_name_reported(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	make_key(&k, "other-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	assert_int_equal(verify(req_vecs[3].wire, req_vecs[3].len, &k, NOW,
	                        NULL, 0, &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADKEY);
	assert_int_equal(res.rcode, DZ_RCODE_NOTAUTH);
	assert_int_equal(res.why, DZ_TSIG_WHY_KEY_UNKNOWN);
	assert_null(res.key);
	assert_true(res.parsed);
	assert_memory_equal(res.key_name, "\x06" "dz-key", 8);
	assert_int_equal(res.alg, DZ_TSIG_HMAC_SHA256);
	assert_string_equal(dz_tsig_error_str(res.error), "badkey");
}

static void algorithm_mismatch_is_badkey(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA512, VEC_SECRET);
	assert_int_equal(verify(req_vecs[3].wire, req_vecs[3].len, &k, NOW,
	                        NULL, 0, &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADKEY);
	assert_int_equal(res.why, DZ_TSIG_WHY_ALG_MISMATCH);
}

static void wrong_secret_is_badsig_even_with_skew(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, "AAAAAAAAAAAAAAAA");
	assert_int_equal(verify(req_vecs[3].wire, req_vecs[3].len, &k, NOW,
	                        NULL, 0, &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADSIG);
	assert_int_equal(res.why, DZ_TSIG_WHY_MAC_MISMATCH);
	/* §5.2: the MAC is checked before the time */
	assert_int_equal(verify(req_vecs[3].wire, req_vecs[3].len, &k,
	                        NOW + 10000, NULL, 0, &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADSIG);
}

static void tampered_message_is_badsig(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	uint8_t buf[1024];
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA1, VEC_SECRET);
	memcpy(buf, req_vecs[1].wire, req_vecs[1].len);
	buf[14] ^= 0x20; /* a letter of the zone name changes case */
	assert_int_equal(verify(buf, req_vecs[1].len, &k, NOW, NULL, 0, &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADSIG);
}

static void clock_skew_is_badtime_with_exact_offset(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	const struct tsig_vec *v = &req_vecs[3];
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	assert_int_equal(verify(v->wire, v->len, &k, VEC_TIME + 300, NULL, 0,
	                        &res),
	                 DZ_OK);
	assert_int_equal(verify(v->wire, v->len, &k, VEC_TIME - 300, NULL, 0,
	                        &res),
	                 DZ_OK);
	assert_int_equal(verify(v->wire, v->len, &k, VEC_TIME + 301, NULL, 0,
	                        &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADTIME);
	assert_int_equal(res.rcode, DZ_RCODE_NOTAUTH);
	assert_int_equal(res.why, DZ_TSIG_WHY_TIME);
	assert_true(res.offset == 301);
	assert_ptr_equal(res.key, &k); /* the BADTIME answer is signed */
	assert_int_equal(verify(v->wire, v->len, &k, VEC_TIME - 4000, NULL, 0,
	                        &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADTIME);
	assert_true(res.offset == -4000);
}

static void truncated_mac_rules(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	uint8_t buf[1024], w[1024];
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	size_t len0 = signed_msg(buf, sizeof(buf), &k, VEC_TIME);
	size_t off = tsig_off(buf, len0);

	/* 16 of 32 octets: allowed by §5.2.2.1, refused by default policy */
	size_t len = len0;
	memcpy(w, buf, len0);
	resize_mac(w, &len, off, 16);
	assert_int_equal(verify(w, len, &k, NOW, NULL, 0, &res), DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADTRUNC);
	assert_int_equal(res.why, DZ_TSIG_WHY_TRUNC_POLICY);
	assert_true(res.truncated);
	k.min_mac = 16;
	assert_int_equal(verify(w, len, &k, NOW, NULL, 0, &res), DZ_OK);
	assert_true(res.truncated);
	assert_int_equal(res.mac_len, 16);
	/* BADTIME is checked before BADTRUNC */
	k.min_mac = 0;
	assert_int_equal(verify(w, len, &k, NOW + 1000, NULL, 0, &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADTIME);

	/* below half the hash: FORMERR */
	len = len0;
	memcpy(w, buf, len0);
	resize_mac(w, &len, off, 15);
	assert_int_equal(verify(w, len, &k, NOW, NULL, 0, &res), DZ_EMALF);
	assert_int_equal(res.rcode, DZ_RCODE_FORMERR);
	assert_int_equal(res.why, DZ_TSIG_WHY_MAC_SIZE);

	/* longer than the hash: FORMERR */
	len = len0;
	memcpy(w, buf, len0);
	resize_mac(w, &len, off, 33);
	assert_int_equal(verify(w, len, &k, NOW, NULL, 0, &res), DZ_EMALF);
	assert_int_equal(res.why, DZ_TSIG_WHY_MAC_SIZE);
}

static void truncated_md5_floor_is_ten_octets(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	uint8_t buf[1024], w[1024];
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_MD5, VEC_SECRET);
	k.min_mac = 10;
	size_t len0 = signed_msg(buf, sizeof(buf), &k, VEC_TIME);
	size_t off = tsig_off(buf, len0);
	size_t len = len0;
	memcpy(w, buf, len0);
	resize_mac(w, &len, off, 10);
	assert_int_equal(verify(w, len, &k, NOW, NULL, 0, &res), DZ_OK);
	len = len0;
	memcpy(w, buf, len0);
	resize_mac(w, &len, off, 9);
	assert_int_equal(verify(w, len, &k, NOW, NULL, 0, &res), DZ_EMALF);
	/* a zero-length MAC in a request is malformed too */
	len = len0;
	memcpy(w, buf, len0);
	resize_mac(w, &len, off, 0);
	assert_int_equal(verify(w, len, &k, NOW, NULL, 0, &res), DZ_EMALF);
}

static void malformed_tsig_rdata_is_formerr(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	uint8_t buf[1024], w[1024];
	ring_t r = {&k, 1};
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	size_t len = signed_msg(buf, sizeof(buf), &k, VEC_TIME);
	size_t off = tsig_off(buf, len);
	size_t rr = off + dz_name_len(buf + off);

	/* class IN instead of ANY */
	memcpy(w, buf, len);
	put16(w + rr + 2, 1);
	assert_int_equal(dz_tsig_verify(w, len, off, ring_lookup, &r, NOW,
	                                NULL, 0, &res),
	                 DZ_EMALF);
	assert_int_equal(res.rcode, DZ_RCODE_FORMERR);
	assert_int_equal(res.why, DZ_TSIG_WHY_MALFORMED);
	assert_false(res.parsed);

	/* Other Len claims more than the rdata holds */
	memcpy(w, buf, len);
	put16(w + len - 2, 1);
	assert_int_equal(dz_tsig_verify(w, len, off, ring_lookup, &r, NOW,
	                                NULL, 0, &res),
	                 DZ_EMALF);

	/* rdata one octet longer than its fields */
	memcpy(w, buf, len);
	w[len] = 0;
	put16(w + rr + 8, (uint16_t)(get16(w + rr + 8) + 1));
	assert_int_equal(dz_tsig_verify(w, len + 1, off, ring_lookup, &r, NOW,
	                                NULL, 0, &res),
	                 DZ_EMALF);

	/* every truncation of the record */
	for (size_t cut = off + 1; cut < len; cut++) {
		memcpy(w, buf, cut);
		assert_int_equal(dz_tsig_verify(w, cut, off, ring_lookup, &r,
		                                NOW, NULL, 0, &res),
		                 DZ_EMALF);
	}
	/* not a TSIG at that offset at all */
	assert_int_equal(dz_tsig_verify(buf, len, 12, ring_lookup, &r, NOW,
	                                NULL, 0, &res),
	                 DZ_EMALF);
}

static void compressed_algorithm_name_is_formerr(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t res;
	ring_t r = {&k, 1};
	uint8_t w[256];
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	/* question name "hmac-sha256." so the algorithm can point at it */
	static const uint8_t head[] = {0, 1, 0x28, 0, 0, 1, 0, 0, 0, 0, 0, 1,
	                               11, 'h', 'm', 'a', 'c', '-', 's', 'h',
	                               'a', '2', '5', '6', 0, 0, 6, 0, 1};
	size_t len = sizeof(head);
	memcpy(w, head, len);
	size_t off = len;
	static const uint8_t rr[] = {0, 0, 250, 0, 255, 0, 0, 0, 0, 0, 18,
	                             0xc0, 12, 0, 0, 0, 0, 0, 0, 1, 44, 0, 0,
	                             0, 1, 0, 0, 0, 0};
	memcpy(w + len, rr, sizeof(rr));
	len += sizeof(rr);
	assert_int_equal(dz_tsig_verify(w, len, off, ring_lookup, &r, NOW,
	                                NULL, 0, &res),
	                 DZ_EMALF);
	assert_int_equal(res.why, DZ_TSIG_WHY_MALFORMED);
}

/* The parser, not TSIG, rejects a TSIG that is not the last record. */
static void parser_rejects_tsig_not_last_and_two_tsigs(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	uint8_t buf[1024];
	dz_msg_t m;
	dz_msg_diag_t diag;
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	size_t len = signed_msg(buf, sizeof(buf), &k, VEC_TIME);
	/* sign again: the first TSIG is no longer last */
	assert_int_equal(dz_tsig_sign(buf, &len, sizeof(buf), &k, VEC_TIME,
	                              VEC_FUDGE, NULL, 0, 0, NULL, 0, NULL,
	                              NULL),
	                 DZ_OK);
	dz_msg_init(&m, NULL, 0);
	assert_int_equal(dz_msg_parse(&m, buf, len, NULL, &diag), DZ_EMALF);
	assert_int_equal(diag.why, DZ_MSG_WHY_TSIG_POS);

	/* a record after the TSIG */
	len = signed_msg(buf, sizeof(buf), &k, VEC_TIME);
	static const uint8_t a[] = {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4};
	memcpy(buf + len, a, sizeof(a));
	len += sizeof(a);
	put16(buf + 10, (uint16_t)(get16(buf + 10) + 1));
	assert_int_equal(dz_msg_parse(&m, buf, len, NULL, &diag), DZ_EMALF);
	assert_int_equal(diag.why, DZ_MSG_WHY_TSIG_POS);
}

static void sign_reports_space_and_bad_arguments(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	uint8_t buf[1024];
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA512, VEC_SECRET);
	size_t len = small_msg(buf, 1), want = len;
	size_t need = len + dz_tsig_wire_size(&k, 0);
	assert_int_equal(dz_tsig_sign(buf, &len, need - 1, &k, VEC_TIME, 300,
	                              NULL, 0, 0, NULL, 0, NULL, NULL),
	                 DZ_ESPACE);
	assert_int_equal(len, want);
	assert_int_equal(get16(buf + 10), 0);
	assert_int_equal(dz_tsig_sign(buf, &len, need, &k, VEC_TIME, 300, NULL,
	                              0, 0, NULL, 0, NULL, NULL),
	                 DZ_OK);
	assert_int_equal(len, need);
	assert_int_equal(get16(buf + 10), 1);
	len = small_msg(buf, 1);
	assert_int_equal(dz_tsig_sign(buf, &len, sizeof(buf), &k,
	                              UINT64_C(1) << 48, 300, NULL, 0, 0, NULL,
	                              0, NULL, NULL),
	                 DZ_EINVAL);
	k.alg = DZ_TSIG_ALG_NONE;
	assert_int_equal(dz_tsig_sign(buf, &len, sizeof(buf), &k, VEC_TIME,
	                              300, NULL, 0, 0, NULL, 0, NULL, NULL),
	                 DZ_EINVAL);
}

/* --- responses to failures -------------------------------------------------------- */

static void full_exchange_request_response(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t req, resp;
	uint8_t q[1024], a[1024], qmac[DZ_TSIG_MAC_MAX];
	size_t qmac_len = 0;
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA384, VEC_SECRET);
	size_t qlen = small_msg(q, 77);
	assert_int_equal(dz_tsig_sign(q, &qlen, sizeof(q), &k, VEC_TIME, 300,
	                              NULL, 0, 0, NULL, 0, qmac, &qmac_len),
	                 DZ_OK);
	assert_int_equal(qmac_len, 48);
	assert_int_equal(verify(q, qlen, &k, NOW, NULL, 0, &req), DZ_OK);
	size_t alen = small_msg(a, 77);
	a[2] |= 0x80;
	assert_int_equal(dz_tsig_sign_response(a, &alen, sizeof(a), &req,
	                                       NOW + 1, 300, NULL, NULL),
	                 DZ_OK);
	assert_int_equal(verify(a, alen, &k, NOW + 2, qmac, qmac_len, &resp),
	                 DZ_OK);
	assert_true(resp.time_signed == NOW + 1);
}

static void badkey_and_badsig_responses_are_unsigned(void **state)
{
	(void)state;
	dz_tsig_key_t k, other;
	dz_tsig_result_t req, resp;
	uint8_t a[1024];
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	make_key(&other, "another.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	const struct tsig_vec *v = &req_vecs[3];
	assert_int_equal(verify(v->wire, v->len, &other, NOW, NULL, 0, &req),
	                 DZ_EACCES);
	assert_int_equal(req.error, DZ_TSIG_BADKEY);
	size_t alen = small_msg(a, 0x1234);
	assert_int_equal(dz_tsig_sign_response(a, &alen, sizeof(a), &req, NOW,
	                                       300, NULL, NULL),
	                 DZ_OK);
	size_t off = tsig_off(a, alen);
	assert_memory_equal(a + off, "\x06" "dz-key", 8);
	size_t ms = mac_size_pos(a, off);
	assert_int_equal(get16(a + ms), 0);        /* no MAC */
	assert_int_equal(get16(a + ms + 4), 17);   /* error BADKEY */
	/* the client sees the server's verdict, not a signature failure */
	assert_int_equal(verify(a, alen, &k, NOW, v->mac, v->mac_len, &resp),
	                 DZ_EACCES);
	assert_int_equal(resp.why, DZ_TSIG_WHY_PEER_ERROR);
	assert_int_equal(resp.peer_error, DZ_TSIG_BADKEY);

	/* a FORMERR verdict has no TSIG to answer with */
	dz_tsig_result_t bad = {.rcode = DZ_RCODE_FORMERR};
	alen = small_msg(a, 1);
	assert_int_equal(dz_tsig_sign_response(a, &alen, sizeof(a), &bad, NOW,
	                                       300, NULL, NULL),
	                 DZ_EINVAL);
}

static void badtime_response_is_signed_with_server_time(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_result_t req, resp;
	uint8_t a[1024];
	const struct tsig_vec *v = &req_vecs[3];
	const uint64_t server_now = VEC_TIME + 1000;
	make_key(&k, "dz-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	assert_int_equal(verify(v->wire, v->len, &k, server_now, NULL, 0,
	                        &req),
	                 DZ_EACCES);
	assert_int_equal(req.error, DZ_TSIG_BADTIME);
	size_t alen = small_msg(a, 0x1234);
	assert_int_equal(dz_tsig_sign_response(a, &alen, sizeof(a), &req,
	                                       server_now, 300, NULL, NULL),
	                 DZ_OK);
	/* the client, whose clock says VEC_TIME, can verify it */
	assert_int_equal(verify(a, alen, &k, VEC_TIME, v->mac, v->mac_len,
	                        &resp),
	                 DZ_EACCES);
	assert_int_equal(resp.why, DZ_TSIG_WHY_PEER_ERROR);
	assert_int_equal(resp.peer_error, DZ_TSIG_BADTIME);
	assert_true(resp.time_signed == VEC_TIME);
	assert_int_equal(resp.other_len, 6);
	assert_memory_equal(resp.other, "\x00\x00\x65\x53\xf4\xe8", 6);
	assert_true(server_now == 0x6553f4e8);
	/* a forged one (wrong key) is a signature failure instead */
	dz_tsig_key_t wrong = k;
	wrong.secret[0] ^= 1;
	assert_int_equal(verify(a, alen, &wrong, VEC_TIME, v->mac, v->mac_len,
	                        &resp),
	                 DZ_EACCES);
	assert_int_equal(resp.why, DZ_TSIG_WHY_MAC_MISMATCH);
}

/* --- streams ---------------------------------------------------------------- */

static size_t xfr_msg(uint8_t *buf, int n)
{
	size_t len = small_msg(buf, 0x0102);
	buf[2] |= 0x80;
	buf[len - 1] = (uint8_t)n; /* make each message different */
	return len;
}

static void stream_signed_in_c_verifies_in_c(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_stream_t tx, rx;
	dz_tsig_result_t res;
	uint8_t msgs[3][512];
	size_t lens[3];
	static const uint8_t reqmac[32] = {1, 2, 3};
	make_key(&k, "xfr-key.", DZ_TSIG_HMAC_SHA224, VEC_SECRET);
	assert_int_equal(dz_tsig_stream_init(&tx, &k, reqmac, 32, 300), DZ_OK);
	for (int i = 0; i < 3; i++) {
		lens[i] = xfr_msg(msgs[i], i);
		assert_int_equal(dz_tsig_stream_sign_next(&tx, msgs[i],
		                                          &lens[i], 512,
		                                          VEC_TIME + i),
		                 DZ_OK);
	}
	dz_tsig_stream_clear(&tx);
	assert_int_equal(dz_tsig_stream_init(&rx, &k, reqmac, 32, 300), DZ_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(dz_tsig_stream_verify_next(
		                         &rx, msgs[i], lens[i],
		                         tsig_off(msgs[i], lens[i]), NOW, &res),
		                 DZ_OK);
	}
	assert_int_equal(dz_tsig_stream_end(&rx), DZ_OK);
	dz_tsig_stream_clear(&rx);

	/* swapping two messages breaks the chain */
	assert_int_equal(dz_tsig_stream_init(&rx, &k, reqmac, 32, 300), DZ_OK);
	assert_int_equal(dz_tsig_stream_verify_next(&rx, msgs[0], lens[0],
	                                            tsig_off(msgs[0], lens[0]),
	                                            NOW, &res),
	                 DZ_OK);
	assert_int_equal(dz_tsig_stream_verify_next(&rx, msgs[2], lens[2],
	                                            tsig_off(msgs[2], lens[2]),
	                                            NOW, &res),
	                 DZ_EACCES);
	assert_int_equal(res.error, DZ_TSIG_BADSIG);
	/* and the stream stays dead */
	assert_int_equal(dz_tsig_stream_verify_next(&rx, msgs[1], lens[1],
	                                            tsig_off(msgs[1], lens[1]),
	                                            NOW, &res),
	                 DZ_EINVAL);
	assert_int_equal(dz_tsig_stream_end(&rx), DZ_EACCES);
	dz_tsig_stream_clear(&rx);
}

static void stream_from_dnspython_verifies_and_matches(void **state)
{
	(void)state;
	static const uint8_t *const w[3] = {axfr_0, axfr_1, axfr_2};
	static const size_t wl[3] = {sizeof(axfr_0), sizeof(axfr_1),
	                             sizeof(axfr_2)};
	dz_tsig_key_t k;
	dz_tsig_stream_t rx, tx;
	dz_tsig_result_t res;
	make_key(&k, "xfr-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	assert_int_equal(verify(axfr_req, sizeof(axfr_req), &k, NOW, NULL, 0,
	                        &res),
	                 DZ_OK);
	assert_memory_equal(res.mac, axfr_req_mac, sizeof(axfr_req_mac));

	assert_int_equal(dz_tsig_stream_init(&rx, &k, axfr_req_mac,
	                                     sizeof(axfr_req_mac), 300),
	                 DZ_OK);
	assert_int_equal(dz_tsig_stream_init(&tx, &k, axfr_req_mac,
	                                     sizeof(axfr_req_mac), 300),
	                 DZ_OK);
	for (int i = 0; i < 3; i++) {
		size_t off = tsig_off(w[i], wl[i]);
		assert_int_equal(dz_tsig_stream_verify_next(&rx, w[i], wl[i],
		                                            off, NOW, &res),
		                 DZ_OK);
		/* and we sign the same stream to the same octets */
		uint8_t buf[1024];
		size_t len = off;
		memcpy(buf, w[i], off);
		put16(buf + 10, (uint16_t)(get16(buf + 10) - 1));
		assert_int_equal(dz_tsig_stream_sign_next(&tx, buf, &len,
		                                          sizeof(buf),
		                                          VEC_TIME + i),
		                 DZ_OK);
		assert_int_equal(len, wl[i]);
		assert_memory_equal(buf, w[i], len);
	}
	assert_int_equal(dz_tsig_stream_end(&rx), DZ_OK);
	dz_tsig_stream_clear(&rx);
	dz_tsig_stream_clear(&tx);
}

static void stream_accepts_unsigned_middle_from_dnspython(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_stream_t rx;
	dz_tsig_result_t res;
	make_key(&k, "xfr-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);
	assert_int_equal(dz_tsig_stream_init(&rx, &k, axfr_req_mac,
	                                     sizeof(axfr_req_mac), 300),
	                 DZ_OK);
	assert_int_equal(dz_tsig_stream_verify_next(
	                         &rx, axfr_u_0, sizeof(axfr_u_0),
	                         tsig_off(axfr_u_0, sizeof(axfr_u_0)), NOW,
	                         &res),
	                 DZ_OK);
	assert_int_equal(tsig_off(axfr_u_1, sizeof(axfr_u_1)), 0);
	assert_int_equal(dz_tsig_stream_verify_next(&rx, axfr_u_1,
	                                            sizeof(axfr_u_1), 0, NOW,
	                                            &res),
	                 DZ_OK);
	assert_false(res.parsed);
	assert_int_equal(dz_tsig_stream_end(&rx), DZ_EACCES); /* unsigned tail */
	assert_int_equal(dz_tsig_stream_verify_next(
	                         &rx, axfr_u_2, sizeof(axfr_u_2),
	                         tsig_off(axfr_u_2, sizeof(axfr_u_2)), NOW,
	                         &res),
	                 DZ_OK);
	assert_int_equal(dz_tsig_stream_end(&rx), DZ_OK);
	dz_tsig_stream_clear(&rx);
}

static void stream_unsigned_limits(void **state)
{
	(void)state;
	dz_tsig_key_t k;
	dz_tsig_stream_t rx;
	dz_tsig_result_t res;
	uint8_t m[512];
	make_key(&k, "xfr-key.", DZ_TSIG_HMAC_SHA256, VEC_SECRET);

	/* the first message must be signed */
	size_t len = xfr_msg(m, 0);
	assert_int_equal(dz_tsig_stream_init(&rx, &k, NULL, 0, 300), DZ_OK);
	assert_int_equal(dz_tsig_stream_verify_next(&rx, m, len, 0, NOW, &res),
	                 DZ_EACCES);
	assert_int_equal(res.why, DZ_TSIG_WHY_UNSIGNED);
	assert_int_equal(res.error, DZ_TSIG_BADSIG);
	dz_tsig_stream_clear(&rx);

	/* 99 unsigned in a row pass, the 100th does not */
	assert_int_equal(dz_tsig_stream_init(&rx, &k, axfr_req_mac,
	                                     sizeof(axfr_req_mac), 300),
	                 DZ_OK);
	assert_int_equal(dz_tsig_stream_verify_next(
	                         &rx, axfr_0, sizeof(axfr_0),
	                         tsig_off(axfr_0, sizeof(axfr_0)), NOW, &res),
	                 DZ_OK);
	for (int i = 0; i < DZ_TSIG_STREAM_MAX_UNSIGNED; i++) {
		assert_int_equal(dz_tsig_stream_verify_next(&rx, m, len, 0,
		                                            NOW, &res),
		                 DZ_OK);
	}
	assert_int_equal(dz_tsig_stream_verify_next(&rx, m, len, 0, NOW, &res),
	                 DZ_EACCES);
	assert_int_equal(res.why, DZ_TSIG_WHY_UNSIGNED);
	dz_tsig_stream_clear(&rx);
	dz_tsig_stream_clear(&rx); /* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(alg_names_short_full_and_dotted),
	        cmocka_unit_test(key_init_checks_every_field),
	        cmocka_unit_test(key_from_spec_nsupdate_forms),
	        cmocka_unit_test(verify_dnspython_request_every_algorithm),
	        cmocka_unit_test(sign_equals_dnspython_every_algorithm),
	        cmocka_unit_test(response_signed_with_request_mac_interoperates),
	        cmocka_unit_test(verify_compressed_owner_and_uppercase_algorithm),
	        cmocka_unit_test(unknown_key_is_badkey_with_name_reported),
	        cmocka_unit_test(algorithm_mismatch_is_badkey),
	        cmocka_unit_test(wrong_secret_is_badsig_even_with_skew),
	        cmocka_unit_test(tampered_message_is_badsig),
	        cmocka_unit_test(clock_skew_is_badtime_with_exact_offset),
	        cmocka_unit_test(truncated_mac_rules),
	        cmocka_unit_test(truncated_md5_floor_is_ten_octets),
	        cmocka_unit_test(malformed_tsig_rdata_is_formerr),
	        cmocka_unit_test(compressed_algorithm_name_is_formerr),
	        cmocka_unit_test(parser_rejects_tsig_not_last_and_two_tsigs),
	        cmocka_unit_test(sign_reports_space_and_bad_arguments),
	        cmocka_unit_test(full_exchange_request_response),
	        cmocka_unit_test(badkey_and_badsig_responses_are_unsigned),
	        cmocka_unit_test(badtime_response_is_signed_with_server_time),
	        cmocka_unit_test(stream_signed_in_c_verifies_in_c),
	        cmocka_unit_test(stream_from_dnspython_verifies_and_matches),
	        cmocka_unit_test(stream_accepts_unsigned_middle_from_dnspython),
	        cmocka_unit_test(stream_unsigned_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
