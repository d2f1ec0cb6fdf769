/* SPDX-License-Identifier: BSD-3-Clause */
/* Configuration memory, error messages, freeing and lookups. */
#include "server/conf/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "server/conf/conf_internal.h"

void *conf_alloc(conf_ctx_t *ctx, size_t size)
{
	struct conf_mem *blk = calloc(1, sizeof(*blk) + size);
	if (blk == NULL) {
		(void)conf_nomem(ctx);
		return NULL;
	}
	blk->next = ctx->conf->mem;
	ctx->conf->mem = blk;
	return blk->data;
}

char *conf_strdup(conf_ctx_t *ctx, const char *s)
{
	size_t len = strlen(s);
	char *copy = conf_alloc(ctx, len + 1);
	if (copy != NULL) {
		memcpy(copy, s, len + 1);
	}
	return copy;
}

int conf_error(conf_ctx_t *ctx, const yaml_node_t *node, const char *fmt, ...)
{
	int off;
	if (node != NULL) {
		off = snprintf(ctx->err, CONF_ERRBUF_SIZE,
		               "%s:%zu: ", ctx->file,
		               node->start_mark.line + 1);
	} else {
		off = snprintf(ctx->err, CONF_ERRBUF_SIZE, "%s: ", ctx->file);
	}
	if (off >= 0 && off < CONF_ERRBUF_SIZE) {
		va_list ap;
		va_start(ap, fmt);
		(void)vsnprintf(ctx->err + off, CONF_ERRBUF_SIZE - (size_t)off,
		                fmt, ap);
		va_end(ap);
	}
	return DZ_EINVAL;
}

int conf_nomem(conf_ctx_t *ctx)
{
	(void)snprintf(ctx->err, CONF_ERRBUF_SIZE, "%s: out of memory",
	               ctx->file);
	return DZ_ENOMEM;
}

void conf_free(conf_t *conf)
{
	if (conf == NULL) {
		return;
	}
	struct conf_mem *blk = conf->mem;
	while (blk != NULL) {
		struct conf_mem *next = blk->next;
		free(blk);
		blk = next;
	}
	free(conf);
}

static int zone_cmp_key(const void *key, const void *elem)
{
	const conf_zone_t *const *zone = elem;
	return dz_name_cmp(key, (*zone)->domain);
}

const conf_zone_t *conf_zone_find(const conf_t *conf, const uint8_t *name)
{
	if (conf->nzones == 0) {
		return NULL;
	}
	const conf_zone_t *const *hit =
	        bsearch(name, conf->zone_index, conf->nzones,
	                sizeof(*conf->zone_index), zone_cmp_key);
	return hit != NULL ? *hit : NULL;
}

const conf_key_t *conf_key_find(const conf_t *conf, const uint8_t *name)
{
	for (size_t i = 0; i < conf->nkeys; i++) {
		if (dz_name_equal(conf->keys[i].name, name)) {
			return &conf->keys[i];
		}
	}
	return NULL;
}

const conf_remote_t *conf_remote_find(const conf_t *conf, const char *id)
{
	for (size_t i = 0; i < conf->nremotes; i++) {
		if (strcmp(conf->remotes[i].id, id) == 0) {
			return &conf->remotes[i];
		}
	}
	return NULL;
}

const conf_acl_t *conf_acl_find(const conf_t *conf, const char *id)
{
	for (size_t i = 0; i < conf->nacls; i++) {
		if (strcmp(conf->acls[i].id, id) == 0) {
			return &conf->acls[i];
		}
	}
	return NULL;
}
