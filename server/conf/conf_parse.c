/* SPDX-License-Identifier: BSD-3-Clause */
/* Loading: YAML to a document (libyaml), then sections in dependency order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "server/conf/conf_internal.h"

/* --- top level -------------------------------------------------------------
 */

static int sec_store(conf_ctx_t *ctx, const yaml_node_t *v, int sec,
                     const char *name)
{
	if (conf_is_null(v)) {
		/* "zone:" with nothing under it (all commented out) */
		return DZ_OK;
	}
	int ret = sec == CONF_SEC_SERVER ? conf_expect_map(ctx, v, name)
	                                 : conf_expect_seq(ctx, v, name);
	ctx->sec[sec] = v;
	return ret;
}

#define SEC_FN(fn, sec, name)                                                  \
	static int fn(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)        \
	{                                                                      \
		(void)obj;                                                     \
		return sec_store(ctx, v, sec, name);                           \
	}
SEC_FN(t_server, CONF_SEC_SERVER, "server")
SEC_FN(t_log, CONF_SEC_LOG, "log")
SEC_FN(t_key, CONF_SEC_KEY, "key")
SEC_FN(t_remote, CONF_SEC_REMOTE, "remote")
SEC_FN(t_acl, CONF_SEC_ACL, "acl")
SEC_FN(t_zone, CONF_SEC_ZONE, "zone")

static const conf_keydef_t top_keys[] = {
        {"server", t_server}, {"log", t_log}, {"key", t_key},
        {"remote", t_remote}, {"acl", t_acl}, {"zone", t_zone},
        {NULL, NULL},
};

/* References only point back (acl -> key, zone -> acl/remote), so parsing
 * the sections in this order resolves each reference as it is read,
 * wherever the sections appear in the file. */
static int parse_document(conf_ctx_t *ctx)
{
	const yaml_node_t *root = yaml_document_get_root_node(ctx->doc);
	int ret = DZ_OK;
	if (root != NULL && !(root->type == YAML_SCALAR_NODE &&
	                      root->data.scalar.length == 0)) {
		uint64_t seen = 0;
		ret = conf_walk_map(ctx, root, "configuration", top_keys, NULL,
		                    &seen);
	}
	int (*const steps[])(conf_ctx_t *) = {
	        conf_parse_server,  conf_parse_log,  conf_parse_keys,
	        conf_parse_remotes, conf_parse_acls, conf_parse_zones,
	        conf_check};
	for (size_t i = 0; ret == DZ_OK && i < sizeof(steps) / sizeof(*steps);
	     i++) {
		ret = steps[i](ctx);
	}
	return ret;
}

/* --- libyaml ---------------------------------------------------------------
 */

static int syntax_error(conf_ctx_t *ctx, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR) {
		return conf_nomem(ctx);
	}
	const char *problem = p->problem != NULL ? p->problem : "syntax error";
	int off = snprintf(ctx->err, CONF_ERRBUF_SIZE, "%s:%zu:%zu: %s",
	                   ctx->file, p->problem_mark.line + 1,
	                   p->problem_mark.column + 1, problem);
	if (p->context != NULL && off > 0 && off < CONF_ERRBUF_SIZE) {
		(void)snprintf(ctx->err + off, CONF_ERRBUF_SIZE - (size_t)off,
		               " (%s at line %zu)", p->context,
		               p->context_mark.line + 1);
	}
	return DZ_ESYNTAX;
}

/* One configuration is one YAML document; a second one is a mistake. */
static int check_single(conf_ctx_t *ctx, yaml_parser_t *p)
{
	yaml_document_t next;
	if (!yaml_parser_load(p, &next)) {
		return syntax_error(ctx, p);
	}
	const yaml_node_t *root = yaml_document_get_root_node(&next);
	int ret = DZ_OK;
	if (root != NULL) {
		ret = conf_error(ctx, root, "more than one YAML document");
	}
	yaml_document_delete(&next);
	return ret;
}

static int load(yaml_parser_t *p, const char *name, conf_t **out, char *errbuf)
{
	conf_ctx_t ctx = {.file = name, .err = errbuf};
	yaml_document_t doc;
	ctx.conf = calloc(1, sizeof(*ctx.conf));
	if (ctx.conf == NULL) {
		return conf_nomem(&ctx);
	}
	if (!yaml_parser_load(p, &doc)) {
		conf_free(ctx.conf);
		return syntax_error(&ctx, p);
	}
	ctx.doc = &doc;
	int ret = check_single(&ctx, p);
	ctx.conf->source = conf_strdup(&ctx, name);
	if (ret == DZ_OK && ctx.conf->source == NULL) {
		ret = DZ_ENOMEM;
	}
	if (ret == DZ_OK) {
		ret = parse_document(&ctx);
	}
	yaml_document_delete(&doc);
	if (ret != DZ_OK) {
		conf_free(ctx.conf);
		return ret;
	}
	*out = ctx.conf;
	return DZ_OK;
}

int conf_load_str(const char *yaml, const char *name, conf_t **out,
                  char *errbuf)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		(void)snprintf(errbuf, CONF_ERRBUF_SIZE, "%s: out of memory",
		               name);
		return DZ_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml,
	                             strlen(yaml));
	int ret = load(&parser, name, out, errbuf);
	yaml_parser_delete(&parser);
	return ret;
}

int conf_load(const char *path, conf_t **out, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		int ret = dz_errno();
		(void)snprintf(errbuf, CONF_ERRBUF_SIZE, "%s: cannot open: %s",
		               path, dz_strerror(ret));
		return ret;
	}
	yaml_parser_t parser;
	int ret = DZ_ENOMEM;
	if (yaml_parser_initialize(&parser)) {
		yaml_parser_set_input_file(&parser, f);
		ret = load(&parser, path, out, errbuf);
		yaml_parser_delete(&parser);
	} else {
		(void)snprintf(errbuf, CONF_ERRBUF_SIZE, "%s: out of memory",
		               path);
	}
	/* Read-only stream: a close error cannot lose data. */
	(void)fclose(f);
	return ret;
}
