/* SPDX-License-Identifier: BSD-3-Clause */
/* The 'key' and 'remote' sections: TSIG keys and the servers we talk to. */
#include <string.h>

#include "lib/util/errcode.h"
#include "server/conf/conf_internal.h"

/* --- key -------------------------------------------------------------------
 */

static int k_id(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_key_t *k = obj;
	int ret = conf_val_name(ctx, v, "id", false, k->name);
	if (ret != DZ_OK) {
		return ret;
	}
	const conf_key_t *keys = ctx->conf->keys;
	for (const conf_key_t *o = keys; o < k; o++) {
		if (dz_name_equal(o->name, k->name)) {
			return conf_error(
			        ctx, v,
			        "duplicate key id '%s' (first defined "
			        "at line %u)",
			        conf_scalar(v), o->line);
		}
	}
	return DZ_OK;
}

static int k_algorithm(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	static const char *const names[] = {
	        "hmac-md5",    "hmac-sha1",   "hmac-sha224", "hmac-sha256",
	        "hmac-sha384", "hmac-sha512", NULL};
	conf_key_t *k = obj;
	int i = 0;
	int ret = conf_val_enum(ctx, v, "algorithm", names, &i);
	k->algorithm = (conf_tsig_alg_t)i;
	return ret;
}

static int k_secret(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_key_t *k = obj;
	return conf_val_base64(ctx, v, "secret", &k->secret, &k->secret_len);
}

static const conf_keydef_t key_keys[] = {
        {"id", k_id},
        {"algorithm", k_algorithm},
        {"secret", k_secret},
        {NULL, NULL},
};

static size_t seq_len(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top -
	                seq->data.sequence.items.start);
}

static const yaml_node_t *seq_at(const conf_ctx_t *ctx, const yaml_node_t *seq,
                                 size_t i)
{
	return conf_node(ctx, seq->data.sequence.items.start[i]);
}

static int parse_key(conf_ctx_t *ctx, const yaml_node_t *item, conf_key_t *k)
{
	uint64_t seen = 0;
	k->algorithm = CONF_HMAC_SHA256;
	k->line = (unsigned)item->start_mark.line + 1;
	int ret = conf_walk_map(ctx, item, "key", key_keys, k, &seen);
	if (ret == DZ_OK) {
		ret = conf_require(ctx, item, "key", key_keys, seen, "id");
	}
	if (ret == DZ_OK) {
		ret = conf_require(ctx, item, "key", key_keys, seen, "secret");
	}
	return ret;
}

int conf_parse_keys(conf_ctx_t *ctx)
{
	const yaml_node_t *sec = ctx->sec[CONF_SEC_KEY];
	size_t n = sec != NULL ? seq_len(sec) : 0;
	conf_key_t *keys = conf_alloc(ctx, (n + 1) * sizeof(*keys));
	if (keys == NULL) {
		return DZ_ENOMEM;
	}
	/* Published before parsing so that k_id sees the earlier keys. */
	ctx->conf->keys = keys;
	int ret = DZ_OK;
	for (size_t i = 0; i < n && ret == DZ_OK; i++) {
		ret = parse_key(ctx, seq_at(ctx, sec, i), &keys[i]);
		ctx->conf->nkeys = i + 1;
	}
	return ret;
}

/* --- remote ----------------------------------------------------------------
 */

static int r_id(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_remote_t *r = obj;
	int ret = conf_val_str(ctx, v, "id", &r->id);
	if (ret != DZ_OK) {
		return ret;
	}
	for (const conf_remote_t *o = ctx->conf->remotes; o < r; o++) {
		if (strcmp(o->id, r->id) == 0) {
			return conf_error(ctx, v,
			                  "duplicate remote id '%s' (first "
			                  "defined at line %u)",
			                  r->id, o->line);
		}
	}
	return DZ_OK;
}

static int r_address(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_remote_t *r = obj;
	int ret =
	        conf_val_addrlist(ctx, v, "address", 53, &r->addrs, &r->naddrs);
	if (ret == DZ_OK && r->naddrs == 0) {
		return conf_error(ctx, v, "'address' must not be empty");
	}
	return ret;
}

int conf_ref_key(conf_ctx_t *ctx, const yaml_node_t *v, const char *key,
                 const conf_key_t **out)
{
	uint8_t name[DZ_NAME_MAXLEN];
	int ret = conf_val_name(ctx, v, key, false, name);
	if (ret != DZ_OK) {
		return ret;
	}
	const conf_key_t *k = conf_key_find(ctx->conf, name);
	if (k == NULL) {
		return conf_error(ctx, v, "reference to undefined key '%s'",
		                  conf_scalar(v));
	}
	*out = k;
	return DZ_OK;
}

static int r_key(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_remote_t *r = obj;
	return conf_ref_key(ctx, v, "key", &r->key);
}

static int r_via(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_remote_t *r = obj;
	r->has_via = true;
	return conf_val_addrport(ctx, v, "via", 0, &r->via);
}

static const conf_keydef_t remote_keys[] = {
        {"id", r_id},   {"address", r_address}, {"key", r_key},
        {"via", r_via}, {NULL, NULL},
};

static int parse_remote(conf_ctx_t *ctx, const yaml_node_t *item,
                        conf_remote_t *r)
{
	uint64_t seen = 0;
	r->line = (unsigned)item->start_mark.line + 1;
	int ret = conf_walk_map(ctx, item, "remote", remote_keys, r, &seen);
	if (ret == DZ_OK) {
		ret = conf_require(ctx, item, "remote", remote_keys, seen,
		                   "id");
	}
	if (ret == DZ_OK) {
		ret = conf_require(ctx, item, "remote", remote_keys, seen,
		                   "address");
	}
	return ret;
}

int conf_parse_remotes(conf_ctx_t *ctx)
{
	const yaml_node_t *sec = ctx->sec[CONF_SEC_REMOTE];
	size_t n = sec != NULL ? seq_len(sec) : 0;
	conf_remote_t *remotes = conf_alloc(ctx, (n + 1) * sizeof(*remotes));
	if (remotes == NULL) {
		return DZ_ENOMEM;
	}
	ctx->conf->remotes = remotes;
	int ret = DZ_OK;
	for (size_t i = 0; i < n && ret == DZ_OK; i++) {
		ret = parse_remote(ctx, seq_at(ctx, sec, i), &remotes[i]);
		ctx->conf->nremotes = i + 1;
	}
	return ret;
}
