/* SPDX-License-Identifier: BSD-3-Clause */
/* Walking the YAML document: type checks, lists, maps with known keys. */
#include <string.h>

#include "lib/util/errcode.h"
#include "server/conf/conf_internal.h"

const char *conf_scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

const yaml_node_t *conf_node(const conf_ctx_t *ctx, int index)
{
	/* libyaml never hands out a dangling index inside a loaded document. */
	return yaml_document_get_node(ctx->doc, index);
}

int conf_expect_scalar(conf_ctx_t *ctx, const yaml_node_t *node,
                       const char *key)
{
	if (node->type != YAML_SCALAR_NODE) {
		return conf_error(ctx, node, "'%s' must be a scalar", key);
	}
	return DZ_OK;
}

int conf_expect_map(conf_ctx_t *ctx, const yaml_node_t *node, const char *key)
{
	if (node->type != YAML_MAPPING_NODE) {
		return conf_error(ctx, node, "'%s' must be a map", key);
	}
	return DZ_OK;
}

int conf_expect_seq(conf_ctx_t *ctx, const yaml_node_t *node, const char *key)
{
	if (node->type != YAML_SEQUENCE_NODE) {
		return conf_error(ctx, node, "'%s' must be a list", key);
	}
	return DZ_OK;
}

bool conf_is_null(const yaml_node_t *node)
{
	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		return false;
	}
	const char *v = conf_scalar(node);
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

int conf_list(conf_ctx_t *ctx, const yaml_node_t *node, const char *key,
              conf_list_t *out)
{
	conf_list_t l = {.node = node, .n = 1};
	if (conf_is_null(node)) {
		/* "key:" with nothing after it: an empty list, like "key: []".
		 */
		l.n = 0;
	} else if (node->type == YAML_MAPPING_NODE) {
		return conf_error(ctx, node, "'%s' must be a list or a scalar",
		                  key);
	}
	if (node->type == YAML_SEQUENCE_NODE) {
		l.n = (size_t)(node->data.sequence.items.top -
		               node->data.sequence.items.start);
		for (size_t i = 0; i < l.n; i++) {
			const yaml_node_t *item = conf_list_at(ctx, &l, i);
			if (item->type != YAML_SCALAR_NODE) {
				return conf_error(
				        ctx, item,
				        "items of '%s' must be scalars", key);
			}
		}
	}
	*out = l;
	return DZ_OK;
}

const yaml_node_t *conf_list_at(const conf_ctx_t *ctx, const conf_list_t *l,
                                size_t i)
{
	if (l->node->type == YAML_SCALAR_NODE) {
		return l->node;
	}
	return conf_node(ctx, l->node->data.sequence.items.start[i]);
}

unsigned conf_key_bit(const conf_keydef_t *defs, const char *name)
{
	unsigned i = 0;
	while (defs[i].name != NULL && strcmp(defs[i].name, name) != 0) {
		i++;
	}
	return i;
}

static int walk_pair(conf_ctx_t *ctx, const yaml_node_pair_t *pair,
                     const char *section, const conf_keydef_t *defs, void *obj,
                     uint64_t *seen)
{
	const yaml_node_t *k = conf_node(ctx, pair->key);
	const yaml_node_t *v = conf_node(ctx, pair->value);
	if (k->type != YAML_SCALAR_NODE) {
		return conf_error(ctx, k, "keys of '%s' must be scalars",
		                  section);
	}
	unsigned bit = conf_key_bit(defs, conf_scalar(k));
	if (defs[bit].name == NULL) {
		return conf_error(ctx, k, "unknown key '%s' in '%s'",
		                  conf_scalar(k), section);
	}
	if (*seen & (UINT64_C(1) << bit)) {
		return conf_error(ctx, k, "duplicate key '%s' in '%s'",
		                  conf_scalar(k), section);
	}
	*seen |= UINT64_C(1) << bit;
	return defs[bit].fn(ctx, v, obj);
}

int conf_walk_map(conf_ctx_t *ctx, const yaml_node_t *node, const char *section,
                  const conf_keydef_t *defs, void *obj, uint64_t *seen)
{
	int ret = conf_expect_map(ctx, node, section);
	*seen = 0;
	if (ret != DZ_OK) {
		return ret;
	}
	for (const yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     ret == DZ_OK && p < node->data.mapping.pairs.top; p++) {
		ret = walk_pair(ctx, p, section, defs, obj, seen);
	}
	return ret;
}

int conf_require(conf_ctx_t *ctx, const yaml_node_t *map, const char *section,
                 const conf_keydef_t *defs, uint64_t seen, const char *key)
{
	if (seen & (UINT64_C(1) << conf_key_bit(defs, key))) {
		return DZ_OK;
	}
	return conf_error(ctx, map, "missing required key '%s' in '%s'", key,
	                  section);
}
