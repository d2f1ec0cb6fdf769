/* SPDX-License-Identifier: BSD-3-Clause */
/* Whole-configuration checks and defaults: derived paths, duplicate zones. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "server/conf/conf_internal.h"

/* Without 'listen', serve every address on port 53, as BIND and NSD do. */
static int default_listen(conf_ctx_t *ctx)
{
	struct sockaddr_storage *ss = conf_alloc(ctx, 2 * sizeof(*ss));
	if (ss == NULL) {
		return DZ_ENOMEM;
	}
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss[0];
	in4->sin_family = AF_INET;
	in4->sin_addr.s_addr = htonl(INADDR_ANY);
	in4->sin_port = htons(53);
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss[1];
	in6->sin6_family = AF_INET6;
	in6->sin6_addr = in6addr_any;
	in6->sin6_port = htons(53);
	ctx->conf->server.listen = ss;
	ctx->conf->server.nlisten = 2;
	return DZ_OK;
}

static int default_control(conf_ctx_t *ctx)
{
	const char *dir = ctx->conf->server.data_dir;
	size_t len = strlen(dir) + sizeof("/control.sock");
	char *path = conf_alloc(ctx, len);
	if (path == NULL) {
		return DZ_ENOMEM;
	}
	(void)snprintf(path, len, "%s/control.sock", dir);
	ctx->conf->server.control = path;
	return DZ_OK;
}

static int zone_ptr_cmp(const void *a, const void *b)
{
	const conf_zone_t *za = *(const conf_zone_t *const *)a;
	const conf_zone_t *zb = *(const conf_zone_t *const *)b;
	int cmp = dz_name_cmp(za->domain, zb->domain);
	if (cmp != 0) {
		return cmp;
	}
	/* Equal names stay in file order so the later one is reported. */
	return za->line < zb->line ? -1 : za->line > zb->line;
}

/* The duplicate's own node, for its line: the zone map's 'domain' value. */
static const yaml_node_t *zone_node(const conf_ctx_t *ctx, const conf_zone_t *z)
{
	const yaml_node_t *sec = ctx->sec[CONF_SEC_ZONE];
	size_t i = (size_t)(z - ctx->conf->zones);
	const yaml_node_t *map =
	        conf_node(ctx, sec->data.sequence.items.start[i]);
	for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		if (strcmp(conf_scalar(conf_node(ctx, p->key)), "domain") ==
		    0) {
			return conf_node(ctx, p->value);
		}
	}
	return map;
}

static int index_zones(conf_ctx_t *ctx)
{
	conf_t *conf = ctx->conf;
	const conf_zone_t **idx =
	        conf_alloc(ctx, (conf->nzones + 1) * sizeof(*idx));
	if (idx == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < conf->nzones; i++) {
		idx[i] = &conf->zones[i];
	}
	if (conf->nzones > 1) {
		qsort(idx, conf->nzones, sizeof(*idx), zone_ptr_cmp);
	}
	for (size_t i = 1; i < conf->nzones; i++) {
		if (dz_name_equal(idx[i - 1]->domain, idx[i]->domain)) {
			char name[DZ_NAME_MAXSTR];
			(void)dz_name_to_str(name, sizeof(name),
			                     idx[i]->domain);
			return conf_error(
			        ctx, zone_node(ctx, idx[i]),
			        "duplicate zone '%s' (first defined at "
			        "line %u)",
			        name, idx[i - 1]->line);
		}
	}
	conf->zone_index = idx;
	return DZ_OK;
}

int conf_check(conf_ctx_t *ctx)
{
	int ret = DZ_OK;
	if (!ctx->listen_set) {
		ret = default_listen(ctx);
	}
	if (ret == DZ_OK && !ctx->control_set) {
		ret = default_control(ctx);
	}
	if (ret == DZ_OK) {
		ret = index_zones(ctx);
	}
	return ret;
}
