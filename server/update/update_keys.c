/* SPDX-License-Identifier: BSD-3-Clause */
/* TSIG in the daemon (RFC 8945): the key ring from the configuration, verification with logged failures, the query hooks. */
#include "server/update/update_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/errcode.h"
#include "server/log/log.h"

uint64_t update_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

static dz_tsig_alg_t alg_of(conf_tsig_alg_t a)
{
	switch (a) {
	case CONF_HMAC_MD5:
		return DZ_TSIG_HMAC_MD5;
	case CONF_HMAC_SHA1:
		return DZ_TSIG_HMAC_SHA1;
	case CONF_HMAC_SHA224:
		return DZ_TSIG_HMAC_SHA224;
	case CONF_HMAC_SHA256:
		return DZ_TSIG_HMAC_SHA256;
	case CONF_HMAC_SHA384:
		return DZ_TSIG_HMAC_SHA384;
	case CONF_HMAC_SHA512:
		return DZ_TSIG_HMAC_SHA512;
	}
	return DZ_TSIG_ALG_NONE;
}

static int keyring_new(const conf_t *conf, update_keyring_t **out)
{
	update_keyring_t *kr =
	        calloc(1, sizeof(*kr) + conf->nkeys * sizeof(kr->keys[0]));
	if (kr == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < conf->nkeys; i++) {
		const conf_key_t *ck = &conf->keys[i];
		dz_tsig_key_t *k = &kr->keys[kr->n];
		if (ck->secret_len > DZ_TSIG_SECRET_MAX) {
			continue; /* the configuration check refuses these */
		}
		dz_name_copy(k->name, ck->name);
		dz_name_to_lower(k->name);
		k->alg = alg_of(ck->algorithm);
		k->secret_len = (uint16_t)ck->secret_len;
		memcpy(k->secret, ck->secret, ck->secret_len);
		kr->n++;
	}
	*out = kr;
	return DZ_OK;
}

int update_keys_set(update_ctx_t *u, const conf_t *conf)
{
	update_keyring_t *kr = NULL;
	int ret = keyring_new(conf, &kr);
	if (ret != DZ_OK) {
		return ret;
	}
	update_keyring_t *old = __atomic_exchange_n(&u->keys, kr,
	                                            __ATOMIC_ACQ_REL);
	if (old != NULL) {
		zones_synchronize(); /* no reader holds a key of it now */
		free(old);
	}
	return DZ_OK;
}

const dz_tsig_key_t *update_key_lookup(void *ctx, const uint8_t *name,
                                       dz_tsig_alg_t alg)
{
	(void)alg; /* a name match with another algorithm is BADKEY (§5.2) */
	const update_keyring_t *kr = ctx;
	for (size_t i = 0; kr != NULL && i < kr->n; i++) {
		if (dz_name_equal(kr->keys[i].name, name)) {
			return &kr->keys[i];
		}
	}
	return NULL;
}

/* One event per failure kind: a mistyped key name and a skewed clock are
 * the usual causes, and the log says which (issue 4 §2). */
static void log_tsig_failure(const dz_tsig_result_t *res,
                             const struct sockaddr *peer)
{
	char key[DZ_NAME_MAXSTR] = "-";
	if (res->parsed) {
		(void)dz_name_to_str(key, sizeof(key), res->key_name);
	}
	switch (res->why) {
	case DZ_TSIG_WHY_KEY_UNKNOWN:
	case DZ_TSIG_WHY_ALG_UNKNOWN:
	case DZ_TSIG_WHY_ALG_MISMATCH:
		log_event(LOG_LEVEL_WARNING, LOG_CAT_SECURITY, NULL, peer,
		          "tsig-bad-key", "key=%s reason=%s", key,
		          dz_tsig_why_str(res->why));
		break;
	case DZ_TSIG_WHY_TIME:
		log_event(LOG_LEVEL_WARNING, LOG_CAT_SECURITY, NULL, peer,
		          "tsig-bad-time", "key=%s offset=%" PRId64 " fudge=%u",
		          key, res->offset, res->fudge);
		break;
	default:
		log_event(LOG_LEVEL_WARNING, LOG_CAT_SECURITY, NULL, peer,
		          "tsig-bad-sig", "key=%s reason=%s", key,
		          dz_tsig_why_str(res->why));
		break;
	}
}

int update_tsig_check(update_ctx_t *u, const dz_msg_t *msg,
                      const struct sockaddr *peer, dz_tsig_result_t *res)
{
	const update_keyring_t *kr = __atomic_load_n(&u->keys, __ATOMIC_ACQUIRE);
	int ret = dz_tsig_verify(msg->pkt, msg->len, dz_tsig_offset(msg),
	                         update_key_lookup, (void *)kr, update_now(),
	                         NULL, 0, res);
	if (ret == DZ_OK) {
		return DZ_OK;
	}
	log_tsig_failure(res, peer);
	return ret == DZ_EACCES ? DZ_EACCES : DZ_EMALF;
}

/* ===== Plain queries: query_env_t hooks ================================== */

/*
 * The hooks get no per-query state, but each thread answers one query at
 * a time: the verdict waits in a thread-local until the response is signed
 * (or, on failure, until update_tsig_query_finish gives it the error form).
 */
static _Thread_local struct {
	bool pending; /* verified, response not signed yet */
	bool failed;
	dz_tsig_result_t res;
	dz_tsig_key_t key;
} query_tsig;

int update_tsig_query_verify(void *ctx, const struct dz_msg *req,
                             size_t *reserve)
{
	update_ctx_t *u = ctx;
	const update_keyring_t *kr = __atomic_load_n(&u->keys, __ATOMIC_ACQUIRE);
	int ret = dz_tsig_verify(req->pkt, req->len, dz_tsig_offset(req),
	                         update_key_lookup, (void *)kr, update_now(),
	                         NULL, 0, &query_tsig.res);
	if (ret != DZ_OK) {
		query_tsig.failed = ret == DZ_EACCES;
		return ret;
	}
	query_tsig.key = *query_tsig.res.key;
	query_tsig.res.key = &query_tsig.key;
	query_tsig.pending = true;
	*reserve = dz_tsig_wire_size(&query_tsig.key, DZ_TSIG_TIME_LEN);
	return DZ_OK;
}

int update_tsig_query_sign(void *ctx, const struct dz_msg *req, uint8_t *resp,
                           size_t len, size_t cap)
{
	(void)ctx;
	(void)req;
	if (!query_tsig.pending) {
		return (int)len;
	}
	query_tsig.pending = false;
	int ret = dz_tsig_sign_response(resp, &len, cap, &query_tsig.res,
	                                update_now(), DZ_TSIG_FUDGE_DEFAULT,
	                                NULL, NULL);
	return ret == DZ_OK ? (int)len : ret;
}

int update_tsig_query_finish(void *ctx, const struct sockaddr *peer,
                             uint8_t *resp, int len, size_t cap)
{
	(void)ctx;
	query_tsig.pending = false;
	if (!query_tsig.failed) {
		return len;
	}
	query_tsig.failed = false;
	log_tsig_failure(&query_tsig.res, peer);
	size_t n = len > 0 ? (size_t)len : 0;
	if (n == 0 || !query_tsig.res.parsed ||
	    dz_tsig_sign_response(resp, &n, cap, &query_tsig.res,
	                          update_now(), DZ_TSIG_FUDGE_DEFAULT, NULL,
	                          NULL) != DZ_OK) {
		return len;
	}
	return (int)n;
}
