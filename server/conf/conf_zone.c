/* SPDX-License-Identifier: BSD-3-Clause */
/* The 'zone' section: zones served, their role, ACLs, peers and timers. */
#include <stdio.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "server/conf/conf_internal.h"

/* SOA timer bounds, in the order of conf_zone_t's fields. */
enum {
	T_REFRESH_MIN,
	T_REFRESH_MAX,
	T_RETRY_MIN,
	T_RETRY_MAX,
	T_EXPIRE_MIN,
	T_EXPIRE_MAX,
	T_COUNT
};

static const char *const timer_names[T_COUNT] = {"refresh-min", "refresh-max",
                                                 "retry-min",   "retry-max",
                                                 "expire-min",  "expire-max"};

typedef struct {
	conf_zone_t *zone;
	const yaml_node_t *primaries_node;
	const yaml_node_t *timer_node[T_COUNT];
} zone_build_t;

static uint32_t *timer_field(conf_zone_t *z, int t)
{
	uint32_t *const fields[T_COUNT] = {&z->refresh_min, &z->refresh_max,
	                                   &z->retry_min,   &z->retry_max,
	                                   &z->expire_min,  &z->expire_max};
	return fields[t];
}

static int z_domain(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	return conf_val_name(ctx, v, "domain", false, z->domain);
}

static int z_file(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	return conf_val_str(ctx, v, "file", &z->file);
}

static int z_role(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	static const char *const names[] = {"primary", "secondary", NULL};
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	int i = 0;
	int ret = conf_val_enum(ctx, v, "role", names, &i);
	z->role = (conf_role_t)i;
	return ret;
}

/* A list of references to acl ids (\p acl) or remote ids. */
static int ref_list(conf_ctx_t *ctx, const yaml_node_t *v, const char *key,
                    bool acl, const void ***out, size_t *count)
{
	conf_list_t l;
	int ret = conf_list(ctx, v, key, &l);
	if (ret != DZ_OK) {
		return ret;
	}
	const void **arr = conf_alloc(ctx, (l.n + 1) * sizeof(*arr));
	if (arr == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < l.n; i++) {
		const yaml_node_t *item = conf_list_at(ctx, &l, i);
		const char *id = conf_scalar(item);
		arr[i] = acl ? (const void *)conf_acl_find(ctx->conf, id)
		             : (const void *)conf_remote_find(ctx->conf, id);
		if (arr[i] == NULL) {
			return conf_error(ctx, item,
			                  "reference to undefined %s '%s'",
			                  acl ? "acl" : "remote", id);
		}
	}
	*out = arr;
	*count = l.n;
	return DZ_OK;
}

static int z_acl(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	const void **arr = NULL;
	int ret = ref_list(ctx, v, "acl", true, &arr, &z->nacls);
	z->acls = (const conf_acl_t *const *)arr;
	return ret;
}

static int z_notify(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	const void **arr = NULL;
	int ret = ref_list(ctx, v, "notify", false, &arr, &z->nnotify);
	z->notify = (const conf_remote_t *const *)arr;
	return ret;
}

static int z_primaries(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	zone_build_t *b = obj;
	const void **arr = NULL;
	b->primaries_node = v;
	int ret = ref_list(ctx, v, "primaries", false, &arr,
	                   &b->zone->nprimaries);
	b->zone->primaries = (const conf_remote_t *const *)arr;
	return ret;
}

static int z_notify_ns(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	return conf_val_bool(ctx, v, "notify-ns", &z->notify_ns);
}

static int z_serial_policy(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	static const char *const names[] = {"increment", "unixtime",
	                                    "dateserial", NULL};
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	int i = 0;
	int ret = conf_val_enum(ctx, v, "serial-policy", names, &i);
	z->serial_policy = (conf_serial_policy_t)i;
	return ret;
}

static int z_journal_max(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	return conf_val_size(ctx, v, "journal-max-size", &z->journal_max_size);
}

static int z_zonefile_sync(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	return conf_val_duration(ctx, v, "zonefile-sync", true, UINT32_MAX,
	                         &z->zonefile_sync);
}

static int z_update_fwd(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_zone_t *z = ((zone_build_t *)obj)->zone;
	return conf_val_bool(ctx, v, "update-forwarding",
	                     &z->update_forwarding);
}

static int z_timer(conf_ctx_t *ctx, const yaml_node_t *v, zone_build_t *b,
                   int t)
{
	int64_t secs = 0;
	int ret = conf_val_duration(ctx, v, timer_names[t], false, UINT32_MAX,
	                            &secs);
	*timer_field(b->zone, t) = (uint32_t)secs;
	b->timer_node[t] = v;
	return ret;
}

/* One handler per timer key, so the key table stays a plain table. */
#define TIMER_FN(fn, t)                                                        \
	static int fn(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)        \
	{                                                                      \
		return z_timer(ctx, v, obj, t);                                \
	}
TIMER_FN(z_refresh_min, T_REFRESH_MIN)
TIMER_FN(z_refresh_max, T_REFRESH_MAX)
TIMER_FN(z_retry_min, T_RETRY_MIN)
TIMER_FN(z_retry_max, T_RETRY_MAX)
TIMER_FN(z_expire_min, T_EXPIRE_MIN)
TIMER_FN(z_expire_max, T_EXPIRE_MAX)

static const conf_keydef_t zone_keys[] = {
        {"domain", z_domain},
        {"file", z_file},
        {"role", z_role},
        {"acl", z_acl},
        {"notify", z_notify},
        {"notify-ns", z_notify_ns},
        {"primaries", z_primaries},
        {"serial-policy", z_serial_policy},
        {"journal-max-size", z_journal_max},
        {"zonefile-sync", z_zonefile_sync},
        {"refresh-min", z_refresh_min},
        {"refresh-max", z_refresh_max},
        {"retry-min", z_retry_min},
        {"retry-max", z_retry_max},
        {"expire-min", z_expire_min},
        {"expire-max", z_expire_max},
        {"update-forwarding", z_update_fwd},
        {NULL, NULL},
};

static void zone_defaults(conf_zone_t *z)
{
	z->role = CONF_ROLE_PRIMARY;
	z->notify_ns = true;
	z->serial_policy = CONF_SERIAL_INCREMENT;
	z->journal_max_size = UINT64_C(64) << 20;
	z->zonefile_sync = 30;
	/* Like Knot: keep a primary's SOA timers from hammering or starving it.
	 */
	z->refresh_min = 2;
	z->refresh_max = 86400;
	z->retry_min = 1;
	z->retry_max = 86400;
	z->expire_min = 180;
	z->expire_max = UINT32_MAX;
}

/* Role rules: a secondary needs primaries, a primary must not have any. */
static int check_role(conf_ctx_t *ctx, const yaml_node_t *item,
                      const zone_build_t *b)
{
	if (b->zone->role == CONF_ROLE_SECONDARY && b->zone->nprimaries == 0) {
		return conf_error(ctx, item,
		                  "missing required key 'primaries' in 'zone' "
		                  "(role: secondary)");
	}
	if (b->zone->role == CONF_ROLE_PRIMARY && b->primaries_node != NULL) {
		return conf_error(ctx, b->primaries_node,
		                  "'primaries' is not allowed in a zone with "
		                  "role: primary");
	}
	return DZ_OK;
}

static int check_timers(conf_ctx_t *ctx, const yaml_node_t *item,
                        const zone_build_t *b)
{
	for (int t = 0; t < T_COUNT; t += 2) {
		uint32_t lo = *timer_field(b->zone, t);
		uint32_t hi = *timer_field(b->zone, t + 1);
		if (lo <= hi) {
			continue;
		}
		const yaml_node_t *at = b->timer_node[t + 1] != NULL
		                                ? b->timer_node[t + 1]
		                                : b->timer_node[t];
		return conf_error(ctx, at != NULL ? at : item,
		                  "'%s' (%u) is greater than '%s' (%u)",
		                  timer_names[t], (unsigned)lo,
		                  timer_names[t + 1], (unsigned)hi);
	}
	return DZ_OK;
}

/* "<domain>zone" ("example.test.zone"); the root zone gets "root.zone". */
static int default_file(conf_ctx_t *ctx, const yaml_node_t *item,
                        conf_zone_t *z)
{
	char buf[DZ_NAME_MAXSTR + 8];
	int len = dz_name_to_str(buf, sizeof(buf) - 8, z->domain);
	if (len <= 0) {
		return conf_nomem(ctx);
	}
	if (strcmp(buf, ".") == 0) {
		len = snprintf(buf, sizeof(buf), "root.");
	}
	if (strchr(buf, '/') != NULL) {
		return conf_error(
		        ctx, item,
		        "zone '%s' needs an explicit 'file' (its name "
		        "contains '/')",
		        buf);
	}
	memcpy(buf + len, "zone", 5);
	z->file = conf_strdup(ctx, buf);
	return z->file != NULL ? DZ_OK : DZ_ENOMEM;
}

static int resolve_path(conf_ctx_t *ctx, conf_zone_t *z)
{
	if (z->file[0] == '/') {
		z->path = z->file;
		return DZ_OK;
	}
	const char *dir = ctx->conf->server.data_dir;
	size_t len = strlen(dir) + strlen(z->file) + 2;
	char *path = conf_alloc(ctx, len);
	if (path == NULL) {
		return DZ_ENOMEM;
	}
	(void)snprintf(path, len, "%s/%s", dir, z->file);
	z->path = path;
	return DZ_OK;
}

static int parse_zone(conf_ctx_t *ctx, const yaml_node_t *item, conf_zone_t *z)
{
	zone_build_t b = {.zone = z};
	uint64_t seen = 0;
	zone_defaults(z);
	z->line = (unsigned)item->start_mark.line + 1;
	int ret = conf_walk_map(ctx, item, "zone", zone_keys, &b, &seen);
	if (ret == DZ_OK) {
		ret = conf_require(ctx, item, "zone", zone_keys, seen,
		                   "domain");
	}
	if (ret == DZ_OK) {
		ret = check_role(ctx, item, &b);
	}
	if (ret == DZ_OK) {
		ret = check_timers(ctx, item, &b);
	}
	if (ret == DZ_OK && z->file == NULL) {
		ret = default_file(ctx, item, z);
	}
	if (ret == DZ_OK) {
		ret = resolve_path(ctx, z);
	}
	return ret;
}

int conf_parse_zones(conf_ctx_t *ctx)
{
	const yaml_node_t *sec = ctx->sec[CONF_SEC_ZONE];
	size_t n = 0;
	if (sec != NULL) {
		n = (size_t)(sec->data.sequence.items.top -
		             sec->data.sequence.items.start);
	}
	conf_zone_t *zones = conf_alloc(ctx, (n + 1) * sizeof(*zones));
	if (zones == NULL) {
		return DZ_ENOMEM;
	}
	ctx->conf->zones = zones;
	int ret = DZ_OK;
	for (size_t i = 0; i < n && ret == DZ_OK; i++) {
		const yaml_node_t *item =
		        conf_node(ctx, sec->data.sequence.items.start[i]);
		ret = parse_zone(ctx, item, &zones[i]);
		ctx->conf->nzones = i + 1;
	}
	return ret;
}
