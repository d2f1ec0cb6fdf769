/* SPDX-License-Identifier: BSD-3-Clause */
/* The 'server' and 'log' sections of the configuration. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/conf/conf_internal.h"

/* --- server ----------------------------------------------------------------
 */

static int s_listen(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	ctx->listen_set = true;
	int ret = conf_val_addrlist(ctx, v, "listen", 53, &s->listen,
	                            &s->nlisten);
	if (ret == DZ_OK && s->nlisten == 0) {
		return conf_error(ctx, v, "'listen' must not be empty");
	}
	return ret;
}

static int s_identity(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	conf_list_t l;
	int ret = conf_list(ctx, v, "identity", &l);
	if (ret != DZ_OK) {
		return ret;
	}
	uint8_t **names = conf_alloc(ctx, (l.n + 1) * sizeof(*names));
	if (names == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < l.n && ret == DZ_OK; i++) {
		names[i] = conf_alloc(ctx, DZ_NAME_MAXLEN);
		if (names[i] == NULL) {
			return DZ_ENOMEM;
		}
		ret = conf_val_name(ctx, conf_list_at(ctx, &l, i), "identity",
		                    true, names[i]);
	}
	s->identity = (const uint8_t *const *)names;
	s->nidentity = l.n;
	return ret;
}

static int s_data_dir(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	return conf_val_str(ctx, v, "data-dir", &s->data_dir);
}

static int s_control(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	ctx->control_set = true;
	return conf_val_str(ctx, v, "control", &s->control);
}

static int s_workers(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	uint64_t n = 0;
	int ret = conf_val_uint(ctx, v, "workers", 1, 1024, &n);
	s->workers = (unsigned)n;
	return ret;
}

static int s_user(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	return conf_val_str(ctx, v, "user", &s->user);
}

static int s_pid_file(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	return conf_val_str(ctx, v, "pid-file", &s->pid_file);
}

static int s_resolver(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	return conf_val_addrlist(ctx, v, "resolver", 53, &s->resolver,
	                         &s->nresolver);
}

static int s_tcp_idle(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	int64_t secs = 0;
	int ret = conf_val_duration(ctx, v, "tcp-idle-timeout", false, 86400,
	                            &secs);
	if (ret == DZ_OK && secs == 0) {
		return conf_error(ctx, v,
		                  "invalid value '0' for 'tcp-idle-timeout': "
		                  "must be at least 1s");
	}
	s->tcp_idle_timeout = (uint32_t)secs;
	return ret;
}

static int s_tcp_max(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	uint64_t n = 0;
	int ret = conf_val_uint(ctx, v, "tcp-max-clients", 1, 100000, &n);
	s->tcp_max_clients = (unsigned)n;
	return ret;
}

static int s_udp_payload(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	uint64_t n = 0;
	/* RFC 6891 §6.2.5: values below 512 are treated as 512. */
	int ret = conf_val_uint(ctx, v, "udp-max-payload", 512, 65535, &n);
	s->udp_max_payload = (uint16_t)n;
	return ret;
}

static int s_xdp(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_server_t *s = obj;
	int ret = conf_val_str(ctx, v, "xdp-interface", &s->xdp_interface);
	if (ret == DZ_OK && (s->xdp_interface[0] == '\0' ||
	                     strlen(s->xdp_interface) >= 16 ||
	                     strchr(s->xdp_interface, '/') != NULL)) {
		return conf_error(ctx, v,
		                  "invalid value '%s' for 'xdp-interface': "
		                  "not an interface name",
		                  s->xdp_interface);
	}
	return ret;
}

static const conf_keydef_t server_keys[] = {
        {"listen", s_listen},
        {"identity", s_identity},
        {"data-dir", s_data_dir},
        {"control", s_control},
        {"workers", s_workers},
        {"user", s_user},
        {"pid-file", s_pid_file},
        {"resolver", s_resolver},
        {"tcp-idle-timeout", s_tcp_idle},
        {"tcp-max-clients", s_tcp_max},
        {"udp-max-payload", s_udp_payload},
        {"xdp-interface", s_xdp},
        {NULL, NULL},
};

static unsigned ncores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 && n < 1024 ? (unsigned)n : 1;
}

int conf_parse_server(conf_ctx_t *ctx)
{
	conf_server_t *s = &ctx->conf->server;
	s->data_dir = "./dynzone-data";
	s->workers = ncores();
	s->tcp_idle_timeout = 10;
	s->tcp_max_clients = 250;
	/* 1232 avoids IP fragmentation on common paths (DNS flag day 2020). */
	s->udp_max_payload = 1232;
	if (ctx->sec[CONF_SEC_SERVER] == NULL) {
		return DZ_OK;
	}
	uint64_t seen = 0;
	return conf_walk_map(ctx, ctx->sec[CONF_SEC_SERVER], "server",
	                     server_keys, s, &seen);
}

/* --- log -------------------------------------------------------------------
 */

static int l_target(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	conf_log_t *l = obj;
	int ret = conf_val_str(ctx, v, "target", &l->path);
	if (ret != DZ_OK) {
		return ret;
	}
	if (strcmp(l->path, "stderr") == 0) {
		l->target = CONF_LOG_STDERR;
		l->path = NULL;
	} else if (strcmp(l->path, "syslog") == 0) {
		l->target = CONF_LOG_SYSLOG;
		l->path = NULL;
	} else {
		l->target = CONF_LOG_FILE;
	}
	return DZ_OK;
}

static int l_format(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	static const char *const names[] = {"text", "json", NULL};
	conf_log_t *l = obj;
	int i = 0;
	int ret = conf_val_enum(ctx, v, "format", names, &i);
	l->format = (conf_log_format_t)i;
	return ret;
}

static int l_level(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	static const char *const names[] = {"error", "warning", "notice",
	                                    "info",  "debug",   NULL};
	conf_log_t *l = obj;
	int i = 0;
	int ret = conf_val_enum(ctx, v, "level", names, &i);
	l->level = (conf_log_level_t)i;
	return ret;
}

static int l_categories(conf_ctx_t *ctx, const yaml_node_t *v, void *obj)
{
	/* Index i is bit 1 << i (CONF_CAT_*). */
	static const char *const names[] = {"general",  "query",   "update",
	                                    "notify",   "xfr-in",  "xfr-out",
	                                    "security", "control", NULL};
	conf_log_t *l = obj;
	conf_list_t list;
	int ret = conf_list(ctx, v, "categories", &list);
	l->categories = 0;
	for (size_t i = 0; ret == DZ_OK && i < list.n; i++) {
		int bit = 0;
		ret = conf_val_enum(ctx, conf_list_at(ctx, &list, i),
		                    "categories", names, &bit);
		l->categories |= 1u << bit;
	}
	return ret;
}

static const conf_keydef_t log_keys[] = {
        {"target", l_target},         {"format", l_format}, {"level", l_level},
        {"categories", l_categories}, {NULL, NULL},
};

static void log_defaults(conf_log_t *l)
{
	l->target = CONF_LOG_STDERR;
	l->path = NULL;
	l->format = CONF_LOG_TEXT;
	l->level = CONF_LEVEL_INFO;
	l->categories = CONF_CAT_ALL;
}

int conf_parse_log(conf_ctx_t *ctx)
{
	const yaml_node_t *sec = ctx->sec[CONF_SEC_LOG];
	size_t n = 1;
	if (sec != NULL) {
		n = (size_t)(sec->data.sequence.items.top -
		             sec->data.sequence.items.start);
	}
	conf_log_t *logs = conf_alloc(ctx, (n + 1) * sizeof(*logs));
	if (logs == NULL) {
		return DZ_ENOMEM;
	}
	int ret = DZ_OK;
	for (size_t i = 0; i < n && ret == DZ_OK; i++) {
		log_defaults(&logs[i]);
		if (sec != NULL) {
			uint64_t seen = 0;
			const yaml_node_t *item = conf_node(
			        ctx, sec->data.sequence.items.start[i]);
			ret = conf_walk_map(ctx, item, "log", log_keys,
			                    &logs[i], &seen);
		}
	}
	ctx->conf->logs = logs;
	ctx->conf->nlogs = n;
	return ret;
}
