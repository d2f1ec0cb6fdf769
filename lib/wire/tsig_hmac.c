/* SPDX-License-Identifier: BSD-3-Clause */
/* TSIG digest building blocks: HMAC over OpenSSL EVP_MAC, and the TSIG record codec. */
#include "lib/wire/tsig_internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "lib/util/errcode.h"
#include "lib/util/wire_ctx.h"

struct dz__tsig_hmac {
	EVP_MAC_CTX *ctx;
};

static const char *digest_name(dz_tsig_alg_t alg)
{
	switch (alg) {
	case DZ_TSIG_HMAC_MD5:
		return "MD5";
	case DZ_TSIG_HMAC_SHA1:
		return "SHA1";
	case DZ_TSIG_HMAC_SHA224:
		return "SHA224";
	case DZ_TSIG_HMAC_SHA256:
		return "SHA256";
	case DZ_TSIG_HMAC_SHA384:
		return "SHA384";
	case DZ_TSIG_HMAC_SHA512:
		return "SHA512";
	default:
		return NULL;
	}
}

static int hmac_start(EVP_MAC_CTX *ctx, const dz_tsig_key_t *key,
                      const char *md)
{
	OSSL_PARAM params[2];
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	                                             (char *)(uintptr_t)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key->secret, key->secret_len, params) != 1) {
		return DZ_ENOTSUP; /* digest not offered (a FIPS provider, say) */
	}
	return DZ_OK;
}

int dz__tsig_hmac_new(const dz_tsig_key_t *key, dz__tsig_hmac_t **out)
{
	const char *md = key != NULL ? digest_name(key->alg) : NULL;
	if (md == NULL || key->secret_len == 0 ||
	    key->secret_len > DZ_TSIG_SECRET_MAX) {
		return DZ_EINVAL;
	}
	dz__tsig_hmac_t *h = calloc(1, sizeof(*h));
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	int ret = DZ_ENOMEM;
	if (h == NULL || mac == NULL) {
		goto cleanup;
	}
	h->ctx = EVP_MAC_CTX_new(mac);
	if (h->ctx == NULL) {
		goto cleanup;
	}
	ret = hmac_start(h->ctx, key, md);
cleanup:
	EVP_MAC_free(mac); /* the context keeps its own reference */
	if (ret != DZ_OK) {
		dz__tsig_hmac_free(h);
		return ret;
	}
	*out = h;
	return DZ_OK;
}

void dz__tsig_hmac_free(dz__tsig_hmac_t *h)
{
	if (h != NULL) {
		EVP_MAC_CTX_free(h->ctx);
		free(h);
	}
}

int dz__tsig_hmac_update(dz__tsig_hmac_t *h, const uint8_t *data, size_t len)
{
	if (len == 0) {
		return DZ_OK;
	}
	return EVP_MAC_update(h->ctx, data, len) == 1 ? DZ_OK : DZ_ENOTSUP;
}

int dz__tsig_hmac_final(dz__tsig_hmac_t *h, uint8_t *mac, size_t *len)
{
	size_t n = 0;
	if (EVP_MAC_final(h->ctx, mac, &n, DZ_TSIG_MAC_MAX) != 1) {
		return DZ_ENOTSUP;
	}
	*len = n;
	return DZ_OK;
}

int dz__tsig_hmac_mac(dz__tsig_hmac_t *h, const uint8_t *mac, size_t len)
{
	uint8_t l[2] = {(uint8_t)(len >> 8), (uint8_t)len};
	int ret = dz__tsig_hmac_update(h, l, 2);
	return ret != DZ_OK ? ret : dz__tsig_hmac_update(h, mac, len);
}

int dz__tsig_hmac_msg(dz__tsig_hmac_t *h, const uint8_t *msg, size_t end,
                      uint16_t orig_id, uint16_t arcount)
{
	uint8_t hdr[12];
	memcpy(hdr, msg, sizeof(hdr));
	hdr[0] = (uint8_t)(orig_id >> 8);
	hdr[1] = (uint8_t)orig_id;
	hdr[10] = (uint8_t)(arcount >> 8);
	hdr[11] = (uint8_t)arcount;
	int ret = dz__tsig_hmac_update(h, hdr, sizeof(hdr));
	return ret != DZ_OK ? ret
	                    : dz__tsig_hmac_update(h, msg + 12, end - 12);
}

int dz__tsig_hmac_vars(dz__tsig_hmac_t *h, const dz__tsig_rr_t *rr, bool full)
{
	uint8_t buf[2 * DZ_NAME_MAXLEN + 24];
	uint8_t name[DZ_NAME_MAXLEN];
	dz_wire_ctx_t w;

	dz_wire_ctx_init(&w, buf, sizeof(buf));
	if (full) {
		/* §4.3.3: names in canonical form (lowercase, uncompressed) */
		size_t n = dz_name_copy(name, rr->owner);
		dz_name_to_lower(name);
		dz_wire_ctx_write_bytes(&w, name, n);
		dz_wire_ctx_write_u16(&w, rr->rclass);
		dz_wire_ctx_write_u32(&w, rr->ttl);
		n = dz_name_copy(name, rr->alg_name);
		dz_name_to_lower(name);
		dz_wire_ctx_write_bytes(&w, name, n);
	}
	dz_wire_ctx_write_u48(&w, rr->time_signed);
	dz_wire_ctx_write_u16(&w, rr->fudge);
	if (full) {
		dz_wire_ctx_write_u16(&w, rr->error);
		dz_wire_ctx_write_u16(&w, rr->other_len);
	}
	int ret = dz__tsig_hmac_update(h, buf, w.pos);
	if (ret != DZ_OK || !full) {
		return ret;
	}
	return dz__tsig_hmac_update(h, rr->other, rr->other_len);
}

/* RFC 3597 §4: no compression inside rdata of a type born after RFC 1035,
 * so the algorithm name must be written out in full. */
static int read_alg_name(const uint8_t *msg, size_t end, size_t *pos,
                         uint8_t *alg_name)
{
	size_t p = *pos;
	int n = dz_name_from_wire(alg_name, msg, end, &p);
	if (n < 0 || p - *pos != (size_t)n) {
		return DZ_EMALF;
	}
	*pos = p;
	return DZ_OK;
}

static int parse_rdata(const uint8_t *msg, size_t pos, size_t end,
                       uint8_t *alg_name, dz__tsig_rr_t *rr)
{
	if (read_alg_name(msg, end, &pos, alg_name) != DZ_OK) {
		return DZ_EMALF;
	}
	dz_wire_ctx_t c;
	dz_wire_ctx_init_const(&c, msg, end);
	dz_wire_ctx_set_pos(&c, pos);
	rr->alg_name = alg_name;
	rr->time_signed = dz_wire_ctx_read_u48(&c);
	rr->fudge = dz_wire_ctx_read_u16(&c);
	rr->mac_len = dz_wire_ctx_read_u16(&c);
	rr->mac = dz_wire_ctx_read_ptr(&c, rr->mac_len);
	rr->orig_id = dz_wire_ctx_read_u16(&c);
	rr->error = dz_wire_ctx_read_u16(&c);
	rr->other_len = dz_wire_ctx_read_u16(&c);
	rr->other = dz_wire_ctx_read_ptr(&c, rr->other_len);
	if (c.err != DZ_OK || c.pos != end) {
		return DZ_EMALF;
	}
	return DZ_OK;
}

int dz__tsig_rr_parse(const uint8_t *msg, size_t len, size_t off,
                      uint8_t *owner, uint8_t *alg_name, dz__tsig_rr_t *rr)
{
	size_t pos = off;
	if (len < 12 || off < 12 || off >= len) {
		return DZ_EMALF;
	}
	if (dz_name_from_wire(owner, msg, len, &pos) < 0 ||
	    len - pos < DZ__TSIG_RR_FIXED) {
		return DZ_EMALF;
	}
	const uint8_t *f = msg + pos;
	uint16_t rdlen = dz__tsig_get16(f + 8);
	pos += DZ__TSIG_RR_FIXED;
	/* the TSIG must be the very last thing in the message (§5.1) */
	if (dz__tsig_get16(f) != 250 || len - pos != rdlen) {
		return DZ_EMALF;
	}
	rr->owner = owner;
	rr->rclass = dz__tsig_get16(f + 2);
	rr->ttl = (uint32_t)dz__tsig_get16(f + 4) << 16 | dz__tsig_get16(f + 6);
	return parse_rdata(msg, pos, len, alg_name, rr);
}

size_t dz__tsig_rr_size(const dz__tsig_rr_t *rr)
{
	return dz_name_len(rr->owner) + DZ__TSIG_RR_FIXED +
	       dz_name_len(rr->alg_name) + DZ__TSIG_RDATA_FIXED + rr->mac_len +
	       rr->other_len;
}

int dz__tsig_rr_append(uint8_t *msg, size_t *len, size_t cap,
                       const dz__tsig_rr_t *rr)
{
	size_t size = dz__tsig_rr_size(rr);
	size_t rdlen = size - dz_name_len(rr->owner) - DZ__TSIG_RR_FIXED;
	uint16_t arcount = dz__tsig_get16(msg + 10);
	if (arcount == UINT16_MAX) {
		return DZ_EINVAL;
	}
	if (cap > 65535) {
		cap = 65535;
	}
	if (*len > cap || cap - *len < size) {
		return DZ_ESPACE;
	}
	dz_wire_ctx_t w;
	dz_wire_ctx_init(&w, msg, cap);
	dz_wire_ctx_set_pos(&w, *len);
	dz_wire_ctx_write_bytes(&w, rr->owner, dz_name_len(rr->owner));
	dz_wire_ctx_write_u16(&w, 250);
	dz_wire_ctx_write_u16(&w, rr->rclass);
	dz_wire_ctx_write_u32(&w, rr->ttl);
	dz_wire_ctx_write_u16(&w, (uint16_t)rdlen);
	dz_wire_ctx_write_bytes(&w, rr->alg_name, dz_name_len(rr->alg_name));
	dz_wire_ctx_write_u48(&w, rr->time_signed);
	dz_wire_ctx_write_u16(&w, rr->fudge);
	dz_wire_ctx_write_u16(&w, rr->mac_len);
	dz_wire_ctx_write_bytes(&w, rr->mac, rr->mac_len);
	dz_wire_ctx_write_u16(&w, rr->orig_id);
	dz_wire_ctx_write_u16(&w, rr->error);
	dz_wire_ctx_write_u16(&w, rr->other_len);
	dz_wire_ctx_write_bytes(&w, rr->other, rr->other_len);
	if (w.err != DZ_OK) {
		return w.err;
	}
	msg[10] = (uint8_t)((arcount + 1) >> 8);
	msg[11] = (uint8_t)(arcount + 1);
	*len = w.pos;
	return DZ_OK;
}
