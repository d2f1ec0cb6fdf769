/* SPDX-License-Identifier: BSD-3-Clause */
/* The 'acl' section: who may query, update, transfer and notify. */
#include <string.h>

#include "lib/util/errcode.h"
#include "server/conf/conf_internal.h"

/* The acl being built: its arrays are filled here, then frozen into conf_acl_t.
 */
typedef struct {
	conf_acl_t *acl;
	const yaml_node_t *owner_name_node;
} acl_build_t;

static int a_id(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_acl_t *a = ((acl_build_t *)obj)->acl;
	int ret = conf_val_str(ctx, v, "id", &a->id);
	if (ret != DZ_OK) {
		return ret;
	}
	for (const conf_acl_t *o = ctx->conf->acls; o < a; o++) {
		if (strcmp(o->id, a->id) == 0) {
			return conf_error(
			        ctx, v,
			        "duplicate acl id '%s' (first defined "
			        "at line %u)",
			        a->id, o->line);
		}
	}
	return DZ_OK;
}

static int a_address(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_acl_t *a = ((acl_build_t *)obj)->acl;
	conf_list_t l;
	int ret = conf_list(ctx, v, "address", &l);
	if (ret != DZ_OK) {
		return ret;
	}
	conf_prefix_t *arr = conf_alloc(ctx, (l.n + 1) * sizeof(*arr));
	if (arr == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < l.n && ret == DZ_OK; i++) {
		ret = conf_val_prefix(ctx, conf_list_at(ctx, &l, i), "address",
		                      &arr[i]);
	}
	if (ret == DZ_OK && l.n == 0) {
		/* An empty list reading as "everyone" is a trap: say so. */
		return conf_error(
		        ctx, v,
		        "'address' must not be empty (leave it out to "
		        "match every address)");
	}
	a->addrs = arr;
	a->naddrs = l.n;
	return ret;
}

static int a_key(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_acl_t *a = ((acl_build_t *)obj)->acl;
	conf_list_t l;
	int ret = conf_list(ctx, v, "key", &l);
	if (ret != DZ_OK) {
		return ret;
	}
	const conf_key_t **arr = conf_alloc(ctx, (l.n + 1) * sizeof(*arr));
	if (arr == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < l.n && ret == DZ_OK; i++) {
		ret = conf_ref_key(ctx, conf_list_at(ctx, &l, i), "key",
		                   &arr[i]);
	}
	a->keys = arr;
	a->nkeys = l.n;
	return ret;
}

static int a_action(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	/* Index i is bit 1 << i (CONF_ACTION_*). */
	static const char *const names[] = {"query", "update", "transfer",
	                                    "notify", NULL};
	conf_acl_t *a = ((acl_build_t *)obj)->acl;
	conf_list_t l;
	int ret = conf_list(ctx, v, "action", &l);
	for (size_t i = 0; ret == DZ_OK && i < l.n; i++) {
		int bit = 0;
		ret = conf_val_enum(ctx, conf_list_at(ctx, &l, i), "action",
		                    names, &bit);
		a->actions |= 1u << bit;
	}
	if (ret == DZ_OK && a->actions == 0) {
		return conf_error(ctx, v, "'action' must not be empty");
	}
	return ret;
}

static int a_update_type(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_acl_t *a = ((acl_build_t *)obj)->acl;
	conf_list_t l;
	int ret = conf_list(ctx, v, "update-type", &l);
	if (ret != DZ_OK) {
		return ret;
	}
	uint16_t *arr = conf_alloc(ctx, (l.n + 1) * sizeof(*arr));
	if (arr == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < l.n && ret == DZ_OK; i++) {
		ret = conf_val_rrtype(ctx, conf_list_at(ctx, &l, i),
		                      "update-type", &arr[i]);
	}
	a->update_types = arr;
	a->ntypes = l.n;
	return ret;
}

static int a_update_owner(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	/* Index i is CONF_OWNER_* value i + 1. */
	static const char *const names[] = {"key", "zone", "name", NULL};
	conf_acl_t *a = ((acl_build_t *)obj)->acl;
	int i = 0;
	int ret = conf_val_enum(ctx, v, "update-owner", names, &i);
	a->update_owner = (conf_owner_t)(i + 1);
	return ret;
}

static int a_owner_match(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	/* Same order as conf_owner_match_t. */
	static const char *const names[] = {"sub-or-equal", "equal", "sub",
	                                    NULL};
	conf_acl_t *a = ((acl_build_t *)obj)->acl;
	int i = 0;
	int ret = conf_val_enum(ctx, v, "update-owner-match", names, &i);
	a->update_owner_match = (conf_owner_match_t)i;
	return ret;
}

static int owner_name(conf_ctx_t *ctx, const yaml_node_t *v,
                      conf_owner_name_t *out)
{
	int ret = conf_val_name(ctx, v, "update-owner-name", false, out->name);
	if (ret == DZ_OK) {
		/* Absolute iff it parses without an origin. */
		uint8_t tmp[DZ_NAME_MAXLEN];
		const char *s = conf_scalar(v);
		out->relative = dz_name_from_str(tmp, s, strlen(s), NULL) <= 0;
	}
	return ret;
}

static int a_owner_name(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	acl_build_t *b = obj;
	conf_list_t l;
	int ret = conf_list(ctx, v, "update-owner-name", &l);
	if (ret != DZ_OK) {
		return ret;
	}
	conf_owner_name_t *arr = conf_alloc(ctx, (l.n + 1) * sizeof(*arr));
	if (arr == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < l.n && ret == DZ_OK; i++) {
		ret = owner_name(ctx, conf_list_at(ctx, &l, i), &arr[i]);
	}
	b->acl->owner_names = arr;
	b->acl->nowner_names = l.n;
	b->owner_name_node = v;
	return ret;
}

static const conf_keydef_t acl_keys[] = {
        {"id", a_id},
        {"address", a_address},
        {"key", a_key},
        {"action", a_action},
        {"update-type", a_update_type},
        {"update-owner", a_update_owner},
        {"update-owner-match", a_owner_match},
        {"update-owner-name", a_owner_name},
        {NULL, NULL},
};

/* update-owner: name needs names, and names need update-owner: name. */
static int check_owner(conf_ctx_t *ctx, const yaml_node_t *item,
                       const acl_build_t *b)
{
	const conf_acl_t *a = b->acl;
	if (a->update_owner == CONF_OWNER_NAME && a->nowner_names == 0) {
		return conf_error(ctx, item,
		                  "missing required key 'update-owner-name' in "
		                  "'acl' (update-owner: name)");
	}
	if (b->owner_name_node != NULL && a->update_owner != CONF_OWNER_NAME) {
		return conf_error(ctx, b->owner_name_node,
		                  "'update-owner-name' needs 'update-owner: "
		                  "name'");
	}
	return DZ_OK;
}

static int parse_acl(conf_ctx_t *ctx, const yaml_node_t *item, conf_acl_t *a)
{
	acl_build_t b = {.acl = a};
	uint64_t seen = 0;
	a->line = (unsigned)item->start_mark.line + 1;
	int ret = conf_walk_map(ctx, item, "acl", acl_keys, &b, &seen);
	if (ret == DZ_OK) {
		ret = conf_require(ctx, item, "acl", acl_keys, seen, "id");
	}
	if (ret == DZ_OK) {
		ret = conf_require(ctx, item, "acl", acl_keys, seen, "action");
	}
	if (ret == DZ_OK) {
		ret = check_owner(ctx, item, &b);
	}
	return ret;
}

int conf_parse_acls(conf_ctx_t *ctx)
{
	const yaml_node_t *sec = ctx->sec[CONF_SEC_ACL];
	size_t n = 0;
	if (sec != NULL) {
		n = (size_t)(sec->data.sequence.items.top -
		             sec->data.sequence.items.start);
	}
	conf_acl_t *acls = conf_alloc(ctx, (n + 1) * sizeof(*acls));
	if (acls == NULL) {
		return DZ_ENOMEM;
	}
	ctx->conf->acls = acls;
	int ret = DZ_OK;
	for (size_t i = 0; i < n && ret == DZ_OK; i++) {
		const yaml_node_t *item =
		        conf_node(ctx, sec->data.sequence.items.start[i]);
		ret = parse_acl(ctx, item, &acls[i]);
		ctx->conf->nacls = i + 1;
	}
	return ret;
}
