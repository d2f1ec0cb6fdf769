/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's state shared by server.c and the dispatchers: the net handler and the control commands. */
#pragma once

#include <stdbool.h>

#include <uv.h>

#include "server/conf/conf.h"
#include "server/ctl/ctl.h"
#include "server/net/net.h"
#include "server/query/query.h"
#include "server/stats/stats.h"
#include "server/update/update.h"
#include "server/zones/zones.h"

typedef struct server server_t;

/* Per-thread context of a UDP worker or of the TCP loop thread. */
typedef struct {
	server_t *srv;
	unsigned id; /* 0..udp_workers-1: UDP; udp_workers: the loop; then
	                one per AF_XDP queue */
	stats_block_t *stats;
} dispatch_worker_t;

struct server {
	uv_loop_t loop;
	const char *conf_path; /* NULL: the embedded default */
	conf_t *conf;
	zones_t *zones;
	stats_t *stats;
	net_t *net;
	ctl_t *ctl;
	query_env_t env;
	update_ctx_t *update;
	unsigned udp_workers;
	unsigned xdp_queues;        /* AF_XDP threads, 0 without XDP */
	unsigned nthreads;          /* udp_workers + 1 + xdp_queues */
	dispatch_worker_t *workers; /* nthreads */
	uv_signal_t sigs[3];
	unsigned nsigs;
	const char *pid_file; /* NULL: none */
	bool pid_written;
	bool stopping;
	bool loop_ready; /* uv_loop_init done */
	struct timespec started_at;
	struct xfrin *xfrin; /* server/xfrin: secondary zones, NULL if none */
};

/* net_config_t callbacks: the request handler and the thread life cycle. */
int dispatch_handle(void *ctx, net_query_t *q);
int dispatch_worker_init(void *ctx, unsigned id, void **worker_ctx);
void dispatch_worker_fini(void *ctx, void *worker_ctx);
void dispatch_thread_hook(void *ctx, void *worker_ctx,
                          net_thread_event_t event);

/* query_env_t.find_zone over the zone table (RCU read side held). */
bool dispatch_find_zone(void *ctx, const uint8_t *name, uint16_t qtype,
                        query_zone_t *out);

/* query_env_t TSIG hooks (ctx: the server): server/update does the work. */
int dispatch_tsig_verify(void *ctx, const struct dz_msg *req, size_t *reserve);
int dispatch_tsig_sign(void *ctx, const struct dz_msg *req, uint8_t *resp,
                       size_t len, size_t cap);

/* Register the control commands (status, reload, stats, stop, log). */
int dispatch_ctl_register(server_t *srv);

/* server.c: reload the configuration and changed zones (SIGHUP, `reload`);
 * DZ_OK or the configuration's error (text in \p errbuf, CONF_ERRBUF_SIZE). */
int server_reload(server_t *srv, char *errbuf);
/* server.c: begin an orderly stop; \p reason is "signal" or "ctl". */
void server_stop(server_t *srv, const char *reason);
