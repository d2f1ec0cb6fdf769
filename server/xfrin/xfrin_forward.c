/* SPDX-License-Identifier: BSD-3-Clause */
/* Update forwarding (RFC 2136 §6, `update-forwarding: true`): a secondary
 * relays an UPDATE to its primary over TCP and the primary's answer back. */
#include "server/xfrin/xfrin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "server/log/log.h"
#include "server/xfrin/xfrin_internal.h"

/* One UPDATE on its way to the primary and back. */
typedef struct xfrin_fwd {
	struct xfrin_fwd *next; /* xfrin_t.fwds (queued) or .fwd_live */
	xfrin_t *x;
	net_reply_t *reply;
	struct sockaddr_storage client;
	uint8_t zone[DZ_NAME_MAXLEN];
	xfrin_target_t target;
	xfrin_io_t *io;
	uint16_t client_id;
	size_t len;
	uint8_t msg[];
} xfrin_fwd_t;

/* The zone the UPDATE names (its one question), if we forward for it. */
static bool forwarded_zone(server_t *srv, const net_query_t *q, uint8_t *zone)
{
	size_t pos = DZ_MSG_HDR_LEN;
	if (q->req_len <= DZ_MSG_HDR_LEN ||
	    dz_name_from_wire(zone, q->req, q->req_len, &pos) <= 0) {
		return false; /* server/update answers FORMERR */
	}
	const conf_t *conf = __atomic_load_n(&srv->conf, __ATOMIC_ACQUIRE);
	const conf_zone_t *zc = conf_zone_find(conf, zone);
	return zc != NULL && zc->role == CONF_ROLE_SECONDARY &&
	       zc->update_forwarding && zc->nprimaries > 0;
}

int xfrin_forward_update(server_t *srv, net_query_t *q)
{
	uint8_t zone[DZ_NAME_MAXLEN];
	xfrin_t *x = srv->xfrin;
	if (x == NULL || !forwarded_zone(srv, q, zone)) {
		return DZ_ENOTSUP;
	}
	xfrin_fwd_t *f = calloc(1, sizeof(*f) + q->req_len);
	if (f == NULL) {
		return DZ_ENOMEM;
	}
	if (net_query_defer(q, &f->reply) != DZ_OK) {
		free(f);
		return DZ_ENOMEM;
	}
	f->x = x;
	dz_name_copy(f->zone, zone);
	memcpy(&f->client, q->peer,
	       q->peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                      : sizeof(struct sockaddr_in));
	f->len = q->req_len;
	memcpy(f->msg, q->req, q->req_len);
	f->client_id = (uint16_t)(q->req[0] << 8 | q->req[1]);
	pthread_mutex_lock(&x->mu);
	if (x->closed) {
		pthread_mutex_unlock(&x->mu);
		free(f); /* the handle is released by our return value */
		return DZ_ENOENT;
	}
	f->next = x->fwds;
	x->fwds = f;
	uv_async_send(&x->async);
	pthread_mutex_unlock(&x->mu);
	return NET_DEFERRED;
}

/* ===== on the loop =========================================================
 */

static void unlink_live(xfrin_fwd_t *f)
{
	for (xfrin_fwd_t **p = &f->x->fwd_live; *p != NULL; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			return;
		}
	}
}

/* A SERVFAIL to the client from its own header and question. */
static void answer_servfail(xfrin_fwd_t *f)
{
	uint8_t out[DZ_MSG_HDR_LEN + DZ_NAME_MAXLEN + 4];
	size_t pos = DZ_MSG_HDR_LEN, qlen = 0;
	uint8_t name[DZ_NAME_MAXLEN];
	if (dz_name_from_wire(name, f->msg, f->len, &pos) > 0 &&
	    pos + 4 <= f->len && pos + 4 <= sizeof(out)) {
		qlen = pos + 4 - DZ_MSG_HDR_LEN;
	}
	memcpy(out, f->msg, DZ_MSG_HDR_LEN + qlen);
	out[0] = (uint8_t)(f->client_id >> 8); /* ours was sent on */
	out[1] = (uint8_t)f->client_id;
	out[2] = (uint8_t)(0x80 | (f->msg[2] & 0x78)); /* QR, opcode */
	out[3] = DZ_RCODE_SERVFAIL;
	memset(out + 4, 0, 8);
	out[5] = qlen > 0 ? 1 : 0;
	(void)net_reply_send(f->reply, out, DZ_MSG_HDR_LEN + qlen);
}

static void finish(xfrin_fwd_t *f, const uint8_t *msg, size_t len, int err)
{
	const struct sockaddr *primary = (void *)&f->target.addr;
	if (msg != NULL) {
		uint8_t *copy = malloc(len);
		if (copy != NULL) {
			memcpy(copy, msg, len);
			/* Back to the client's ID; a TSIG keeps its Original
			 * ID (RFC 8945 §4.2), so the client can verify it. */
			copy[0] = (uint8_t)(f->client_id >> 8);
			copy[1] = (uint8_t)f->client_id;
			(void)net_reply_send(f->reply, copy, len);
			free(copy);
		} else {
			answer_servfail(f);
		}
		log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, f->zone,
		          (void *)&f->client, "update-forwarded",
		          "primary=%s rcode=%s", f->target.remote,
		          xfrin_rcode_str(msg[3] & 0xf));
	} else {
		answer_servfail(f);
		log_event(LOG_LEVEL_WARNING, LOG_CAT_UPDATE, f->zone, primary,
		          "update-forward-failed", "primary=%s reason=%s",
		          f->target.remote, xfrin_io_reason(err));
	}
	unlink_live(f);
	free(f);
}

static int on_msg(void *ctx, const uint8_t *msg, size_t len)
{
	xfrin_fwd_t *f = ctx;
	if (len < DZ_MSG_HDR_LEN || (msg[2] & 0x80) == 0 ||
	    msg[0] != f->msg[0] || msg[1] != f->msg[1]) {
		return DZ_EHEADER; /* not the answer to what we sent */
	}
	f->io = NULL;
	finish(f, msg, len, DZ_OK);
	return 0;
}

static void on_done(void *ctx, int status)
{
	xfrin_fwd_t *f = ctx;
	if (status != DZ_OK) {
		f->io = NULL;
		finish(f, NULL, 0, status);
	}
}

/* The first primary address (with its `via`): the update is relayed as
 * received, only its ID renewed (RFC 5452 §9.2). */
static void start(xfrin_fwd_t *f)
{
	xfrin_zone_t *z = xfrin_zone_get(f->x, f->zone);
	if (z == NULL || xfrin_zone_targets(z, &f->target) != DZ_OK) {
		finish(f, NULL, 0, DZ_ENOTFOUND);
		return;
	}
	(void)getrandom(f->msg, 2, GRND_NONBLOCK);
	xfrin_io_opts_t o = {.dst = &f->target.addr,
	                     .via = f->target.has_via ? &f->target.via : NULL,
	                     .tcp = true,
	                     .timeout_ms = XFRIN_TCP_TIMEOUT_MS,
	                     .on_msg = on_msg,
	                     .on_done = on_done,
	                     .ctx = f};
	f->next = f->x->fwd_live;
	f->x->fwd_live = f;
	int ret = xfrin_io_start(&f->x->srv->loop, &o, f->msg, f->len, &f->io);
	if (ret != DZ_OK) {
		f->io = NULL;
		finish(f, NULL, 0, ret);
	}
}

void xfrin_forward_run(xfrin_t *x, xfrin_fwd_t *list)
{
	/* Queued newest first: relay them in the order they came. */
	xfrin_fwd_t *fifo = NULL;
	while (list != NULL) {
		xfrin_fwd_t *next = list->next;
		list->next = fifo;
		fifo = list;
		list = next;
	}
	list = fifo;
	while (list != NULL) {
		xfrin_fwd_t *next = list->next;
		list->x = x;
		start(list);
		list = next;
	}
}

void xfrin_forward_drop(xfrin_t *x)
{
	/* The client gets nothing; the handles must still be released. */
	while (x->fwd_live != NULL) {
		xfrin_fwd_t *f = x->fwd_live;
		x->fwd_live = f->next;
		xfrin_io_cancel(f->io);
		(void)net_reply_send(f->reply, NULL, 0);
		free(f);
	}
	while (x->fwds != NULL) {
		xfrin_fwd_t *f = x->fwds;
		x->fwds = f->next;
		(void)net_reply_send(f->reply, NULL, 0);
		free(f);
	}
}
