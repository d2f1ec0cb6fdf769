/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to server/conf: parse context, memory, node walking, values. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "server/conf/conf.h"

/* Every allocation of a conf_t is a block on this list, freed in one walk. */
struct conf_mem {
	struct conf_mem *next;
	max_align_t data[];
};

/* Top-level sections, in the order they are parsed (references point back). */
enum {
	CONF_SEC_SERVER,
	CONF_SEC_LOG,
	CONF_SEC_KEY,
	CONF_SEC_REMOTE,
	CONF_SEC_ACL,
	CONF_SEC_ZONE,
	CONF_SEC_COUNT,
};

typedef struct {
	const char *file; /* for messages */
	yaml_document_t *doc;
	conf_t *conf;
	char *err; /* CONF_ERRBUF_SIZE */
	const yaml_node_t *sec[CONF_SEC_COUNT];
	bool listen_set, control_set;
} conf_ctx_t;

/* A handler for one key of a map: parse \p val into \p obj. */
typedef int (*conf_key_fn)(conf_ctx_t *ctx, const yaml_node_t *val, void *obj);

typedef struct {
	const char *name;
	conf_key_fn fn;
} conf_keydef_t;

/* A list value: a YAML sequence, or one scalar standing for a list of one. */
typedef struct {
	const yaml_node_t *node;
	size_t n;
} conf_list_t;

/* --- conf_mem.c / conf.c ------------------------------------------------ */

/* Zeroed block owned by the conf; reports DZ_ENOMEM in ctx->err on failure. */
void *conf_alloc(conf_ctx_t *ctx, size_t size);
char *conf_strdup(conf_ctx_t *ctx, const char *s);
/* Formats "FILE:LINE: message" for \p node (NULL: no line) into ctx->err. */
int conf_error(conf_ctx_t *ctx, const yaml_node_t *node, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int conf_nomem(conf_ctx_t *ctx);

/* --- conf_node.c: walking the document ----------------------------------- */

const char *conf_scalar(const yaml_node_t *node);
const yaml_node_t *conf_node(const conf_ctx_t *ctx, int index);
int conf_expect_scalar(conf_ctx_t *ctx, const yaml_node_t *node,
                       const char *key);
int conf_expect_map(conf_ctx_t *ctx, const yaml_node_t *node, const char *key);
int conf_expect_seq(conf_ctx_t *ctx, const yaml_node_t *node, const char *key);
/* A plain empty scalar, "~" or "null": YAML's null. */
bool conf_is_null(const yaml_node_t *node);
/* Accepts a sequence of scalars or a single scalar. */
int conf_list(conf_ctx_t *ctx, const yaml_node_t *node, const char *key,
              conf_list_t *out);
const yaml_node_t *conf_list_at(const conf_ctx_t *ctx, const conf_list_t *l,
                                size_t i);
/*
 * Call the handler of each key of the map \p node from \p defs (NULL-name
 * terminated); unknown and repeated keys are errors. Bit i of *seen is set
 * when defs[i] was present.
 */
int conf_walk_map(conf_ctx_t *ctx, const yaml_node_t *node, const char *section,
                  const conf_keydef_t *defs, void *obj, uint64_t *seen);
/* Index of \p name in \p defs (for checking *seen bits). */
unsigned conf_key_bit(const conf_keydef_t *defs, const char *name);
/* "missing required key 'K' in 'SECTION'" unless bit of K is in \p seen. */
int conf_require(conf_ctx_t *ctx, const yaml_node_t *map, const char *section,
                 const conf_keydef_t *defs, uint64_t seen, const char *key);

/* --- conf_value.c: scalar values ----------------------------------------- */

int conf_val_str(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                 const char **out);
int conf_val_bool(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  bool *out);
int conf_val_uint(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  uint64_t min, uint64_t max, uint64_t *out);
int conf_val_size(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  uint64_t *out);
/* Seconds with an optional s/m/h/d/w unit; -1 only if \p allow_never. */
int conf_val_duration(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                      bool allow_never, uint64_t max, int64_t *out);
/* \p names is NULL-terminated; *out is the index. */
int conf_val_enum(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  const char *const *names, int *out);
/* A domain name; relative names are an error if \p absolute, else made FQDN. */
int conf_val_name(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  bool absolute, uint8_t *out);
/* "ADDR[@PORT]", IPv4 or IPv6 */
int conf_val_addrport(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                      uint16_t defport, struct sockaddr_storage *out);
/* "ADDR[/LEN]" */
int conf_val_prefix(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                    conf_prefix_t *out);
int conf_val_base64(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                    const uint8_t **out, size_t *outlen);
int conf_val_rrtype(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                    uint16_t *out);
/* A list of "ADDR[@PORT]" into a new array. */
int conf_val_addrlist(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                      uint16_t defport, const struct sockaddr_storage **out,
                      size_t *count);

/* --- references between sections (the referenced section is parsed first) - */

/* conf_items.c: a key id naming an entry of the 'key' section. */
int conf_ref_key(conf_ctx_t *ctx, const yaml_node_t *v, const char *key,
                 const conf_key_t **out);

/* --- sections ------------------------------------------------------------ */

int conf_parse_server(conf_ctx_t *ctx);  /* conf_server.c */
int conf_parse_log(conf_ctx_t *ctx);     /* conf_server.c */
int conf_parse_keys(conf_ctx_t *ctx);    /* conf_items.c */
int conf_parse_remotes(conf_ctx_t *ctx); /* conf_items.c */
int conf_parse_acls(conf_ctx_t *ctx);    /* conf_acl_parse.c */
int conf_parse_zones(conf_ctx_t *ctx);   /* conf_zone.c */
int conf_check(conf_ctx_t *ctx);         /* conf_check.c */
