/* SPDX-License-Identifier: BSD-3-Clause */
/* Dynamic updates in the daemon (RFC 2136): receive, authenticate (RFC 8945), authorise, queue to the zone's writer, answer from the loop. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/conf/conf.h"
#include "server/net/net.h"
#include "server/query/query.h"
#include "server/zones/zones.h"

struct uv_loop_s;
struct dz_msg;

/* The daemon's update context: TSIG keys and the answers on their way. */
typedef struct update_ctx update_ctx_t;

/* A context on \p loop (answers are sent from it). DZ_OK, DZ_ENOMEM. */
int update_ctx_new(struct uv_loop_s *loop, net_t *net, update_ctx_t **out);

/* Stop delivering answers (pending ones are dropped) and close the loop
 * handle; call after the writers stopped. Loop thread. */
void update_ctx_close(update_ctx_t *u);

/* Free (after the loop closed the handle). NULL is a no-op. */
void update_ctx_free(update_ctx_t *u);

/* The network layer answers go through (set once it exists). */
void update_ctx_set_net(update_ctx_t *u, net_t *net);

/*
 * Use the keys of \p conf from now on (loop thread): the key ring is
 * published for readers and the old one freed after a grace period.
 * DZ_OK or DZ_ENOMEM (the old keys stay).
 */
int update_keys_set(update_ctx_t *u, const conf_t *conf);

/*
 * Handle one UPDATE request (any receiving thread, RCU read side online):
 * parse, TSIG, zone, ACL; answered at once when refused, else queued to
 * the zone's writer and NET_DEFERRED returned. Returns as a net handler.
 */
int update_handle(update_ctx_t *u, const zones_t *zones, net_query_t *q,
                  uint16_t udp_payload, query_info_t *info);

/* query_env_t TSIG hooks for plain queries (ctx: the update context). */
int update_tsig_query_verify(void *ctx, const struct dz_msg *req,
                             size_t *reserve);
int update_tsig_query_sign(void *ctx, const struct dz_msg *req, uint8_t *resp,
                           size_t len, size_t cap);
/* After query_answer(): if the request's TSIG failed, give \p resp (a
 * NOTAUTH answer of \p len octets) the RFC 8945 §5.3.2 TSIG error form and
 * log it. Returns the new length. */
int update_tsig_query_finish(void *ctx, const struct sockaddr *peer,
                             uint8_t *resp, int len, size_t cap);
