/* SPDX-License-Identifier: BSD-3-Clause */
/* TSIG algorithms and keys: names (RFC 8945 §6), key construction, the -y key form. */
#include "lib/wire/tsig.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lib/util/base64.h"
#include "lib/util/errcode.h"
#include "lib/wire/tsig_internal.h"

typedef struct alg_info {
	dz_tsig_alg_t alg;
	const char *name;  /* short configuration name */
	const char *full;  /* RFC 8945 §6 name, without the final dot */
	const uint8_t *wire;
	size_t mac_len;
} alg_info_t;

#define W(s) ((const uint8_t *)(s))

/* Wire names are lowercase: the canonical form the MAC covers (§4.3.3). */
static const alg_info_t algs[] = {
        {DZ_TSIG_HMAC_MD5, "hmac-md5", "hmac-md5.sig-alg.reg.int",
         W("\x08hmac-md5\x07sig-alg\x03reg\x03int"), 16},
        {DZ_TSIG_HMAC_SHA1, "hmac-sha1", "hmac-sha1", W("\x09hmac-sha1"), 20},
        {DZ_TSIG_HMAC_SHA224, "hmac-sha224", "hmac-sha224",
         W("\x0bhmac-sha224"), 28},
        {DZ_TSIG_HMAC_SHA256, "hmac-sha256", "hmac-sha256",
         W("\x0bhmac-sha256"), 32},
        {DZ_TSIG_HMAC_SHA384, "hmac-sha384", "hmac-sha384",
         W("\x0bhmac-sha384"), 48},
        {DZ_TSIG_HMAC_SHA512, "hmac-sha512", "hmac-sha512",
         W("\x0bhmac-sha512"), 64},
};

#define NALGS (sizeof(algs) / sizeof(algs[0]))

static const alg_info_t *find_alg(dz_tsig_alg_t alg)
{
	for (size_t i = 0; i < NALGS; i++) {
		if (algs[i].alg == alg) {
			return &algs[i];
		}
	}
	return NULL;
}

static bool str_is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(s, want, len) == 0;
}

int dz_tsig_alg_from_str(const char *str, size_t len, dz_tsig_alg_t *alg)
{
	if (str == NULL) {
		return DZ_EINVAL;
	}
	if (len > 1 && str[len - 1] == '.') {
		len--; /* "hmac-sha256." is the fully qualified form */
	}
	for (size_t i = 0; i < NALGS; i++) {
		if (str_is(str, len, algs[i].name) ||
		    str_is(str, len, algs[i].full)) {
			*alg = algs[i].alg;
			return DZ_OK;
		}
	}
	return DZ_ENOTSUP;
}

int dz_tsig_alg_from_name(const uint8_t *name, dz_tsig_alg_t *alg)
{
	for (size_t i = 0; i < NALGS; i++) {
		if (dz_name_equal(name, algs[i].wire)) {
			*alg = algs[i].alg;
			return DZ_OK;
		}
	}
	return DZ_ENOTSUP;
}

const uint8_t *dz_tsig_alg_to_name(dz_tsig_alg_t alg)
{
	const alg_info_t *a = find_alg(alg);
	return a != NULL ? a->wire : NULL;
}

const char *dz_tsig_alg_to_str(dz_tsig_alg_t alg)
{
	const alg_info_t *a = find_alg(alg);
	return a != NULL ? a->name : "unknown";
}

size_t dz_tsig_alg_mac_len(dz_tsig_alg_t alg)
{
	const alg_info_t *a = find_alg(alg);
	return a != NULL ? a->mac_len : 0;
}

const char *dz_tsig_error_str(uint16_t error)
{
	switch (error) {
	case DZ_TSIG_NOERROR:
		return "noerror";
	case DZ_TSIG_BADSIG:
		return "badsig";
	case DZ_TSIG_BADKEY:
		return "badkey";
	case DZ_TSIG_BADTIME:
		return "badtime";
	case DZ_TSIG_BADTRUNC:
		return "badtrunc";
	default:
		return "unknown";
	}
}

/* Key files may wrap long secrets; base64 itself allows no whitespace. */
int dz__tsig_secret_decode(const char *b64, size_t len, uint8_t *out,
                           uint16_t *out_len)
{
	char clean[DZ_BASE64_ENCLEN(DZ_TSIG_SECRET_MAX) + 1];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (isspace((unsigned char)b64[i])) {
			continue;
		}
		if (n == sizeof(clean)) {
			return DZ_ELIMIT;
		}
		clean[n++] = b64[i];
	}
	int ret = dz_base64_decode(out, DZ_TSIG_SECRET_MAX, clean, n);
	if (ret == DZ_ESPACE) {
		return DZ_ELIMIT;
	}
	if (ret <= 0) {
		return DZ_ERDATA; /* an empty secret is no secret */
	}
	*out_len = (uint16_t)ret;
	return DZ_OK;
}

int dz_tsig_key_init(dz_tsig_key_t *key, const char *name, const char *alg,
                     const char *secret_b64)
{
	static const uint8_t root[1] = {0};
	dz_tsig_key_t k;

	if (key == NULL || name == NULL || alg == NULL || secret_b64 == NULL) {
		return DZ_EINVAL;
	}
	memset(&k, 0, sizeof(k));
	int ret = dz_name_from_str(k.name, name, strlen(name), root);
	if (ret < 0) {
		return ret;
	}
	dz_name_to_lower(k.name);
	ret = dz_tsig_alg_from_str(alg, strlen(alg), &k.alg);
	if (ret != DZ_OK) {
		return ret;
	}
	ret = dz__tsig_secret_decode(secret_b64, strlen(secret_b64), k.secret,
	                             &k.secret_len);
	if (ret != DZ_OK) {
		return ret;
	}
	*key = k;
	return DZ_OK;
}

/* -y [alg:]name:secret; base64 has no ':', so counting colons is enough. */
int dz_tsig_key_from_spec(dz_tsig_key_t *key, const char *spec)
{
	char buf[1024 + DZ_BASE64_ENCLEN(DZ_TSIG_SECRET_MAX)];

	if (spec == NULL || key == NULL) {
		return DZ_EINVAL;
	}
	size_t len = strlen(spec);
	if (len >= sizeof(buf)) {
		return DZ_ELIMIT;
	}
	memcpy(buf, spec, len + 1);
	char *c1 = strchr(buf, ':');
	char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
	if (c1 == NULL || (c2 != NULL && strchr(c2 + 1, ':') != NULL)) {
		return DZ_ESYNTAX;
	}
	*c1 = '\0';
	if (c2 == NULL) {
		return dz_tsig_key_init(key, buf, "hmac-md5", c1 + 1);
	}
	*c2 = '\0';
	return dz_tsig_key_init(key, c1 + 1, buf, c2 + 1);
}
