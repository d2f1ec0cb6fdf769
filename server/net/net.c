/* SPDX-License-Identifier: BSD-3-Clause */
/* Life cycle of the network layer (new, start, stop, free), streams and counters. */
#include "server/net/net.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/net/net_internal.h"

static void apply_defaults(net_config_t *c)
{
	if (c->udp_workers == 0) {
		c->udp_workers = NET_UDP_WORKERS_DEFAULT;
	}
	if (c->tcp_idle_ms == 0) {
		c->tcp_idle_ms = NET_TCP_IDLE_DEFAULT_MS;
	}
	if (c->tcp_max_conns == 0) {
		c->tcp_max_conns = NET_TCP_MAX_CONNS_DEFAULT;
	}
	if (c->tcp_write_max == 0) {
		c->tcp_write_max = NET_TCP_WRITE_MAX_DEFAULT;
	}
	if (c->udp_max_payload == 0) {
		c->udp_max_payload = NET_UDP_PAYLOAD_DEFAULT;
	} else if (c->udp_max_payload < 512) {
		c->udp_max_payload = 512; /* every client may receive 512 */
	}
}

int net_new(uv_loop_t *loop, const net_config_t *conf, net_t **out)
{
	if (loop == NULL || conf == NULL || conf->handler == NULL) {
		return DZ_EINVAL;
	}
	/* net_t holds cache-line aligned counters: allocate it aligned. */
	size_t size = (sizeof(net_t) + 63) & ~(size_t)63;
	net_t *net = aligned_alloc(64, size);
	if (net == NULL) {
		return DZ_ENOMEM;
	}
	memset(net, 0, sizeof(*net));
	net->scratch = malloc(NET_TCP_PREFIX + NET_MSG_MAX);
	if (net->scratch == NULL) {
		free(net);
		return DZ_ENOMEM;
	}
	net->loop = loop;
	net->conf = *conf;
	apply_defaults(&net->conf);
	net->wake[0] = -1;
	net->wake[1] = -1;
	*out = net;
	return DZ_OK;
}

/* The TCP side runs on the loop thread: it gets the id after the workers. */
int net_thread_start(net_t *net, unsigned id, void **ctx, bool *ctx_made,
                     pthread_t *thread, void *(*fn)(void *), void *arg)
{
	if (net->conf.worker_init != NULL) {
		int rc = net->conf.worker_init(net->conf.ctx, id, ctx);
		if (rc != DZ_OK) {
			return rc;
		}
		*ctx_made = true;
	}
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err == 0 ? DZ_OK : -err;
}

static int make_tcp_ctx(net_t *net)
{
	if (net->conf.worker_init == NULL) {
		return DZ_OK;
	}
	int rc = net->conf.worker_init(net->conf.ctx, net->conf.udp_workers,
	                               &net->tcp_ctx);
	if (rc == DZ_OK) {
		net->tcp_ctx_made = true;
	}
	return rc;
}

int net_start(net_t *net)
{
	if (net->state != NET_STATE_BOUND) {
		return DZ_EINVAL;
	}
	net->state = NET_STATE_RUNNING;
	int rc = make_tcp_ctx(net);
	if (rc == DZ_OK) {
		rc = net_udp_start(net);
	}
	if (rc == DZ_OK) {
		rc = net_xdp_start(net);
	}
	if (rc == DZ_OK) {
		rc = net_tcp_start(net);
	}
	if (rc != DZ_OK) {
		net_stop(net);
	}
	return rc;
}

void net_stop(net_t *net)
{
	switch (net->state) {
	case NET_STATE_BOUND:
		net_close_fds(net);
		break;
	case NET_STATE_RUNNING:
		net_udp_stop(net);
		net_tcp_stop(net);
		/* Sockets not yet handed to libuv (a failed start). */
		net_close_fds(net);
		break;
	default:
		break;
	}
	if (net->state != NET_STATE_NEW) {
		net->state = NET_STATE_STOPPED;
	}
}

void net_free(net_t *net)
{
	if (net == NULL) {
		return;
	}
	net_stop(net);
	/* Close callbacks touch our memory: let them run before it goes. */
	while (net->handles_open > 0) {
		(void)uv_run(net->loop, UV_RUN_NOWAIT);
	}
	net_udp_free(net);
	net_xdp_free(net);
	if (net->tcp_ctx_made && net->conf.worker_fini != NULL) {
		net->conf.worker_fini(net->conf.ctx, net->tcp_ctx);
	}
	for (int i = 0; i < 2; i++) {
		if (net->wake[i] >= 0) {
			close(net->wake[i]);
		}
	}
	free(net->ls);
	free(net->udp_fds);
	free(net->scratch);
	free(net);
}

int net_query_set_stream(net_query_t *q, net_stream_next_t next,
                         net_stream_free_t fini, void *sctx)
{
	if (q->transport != NET_TCP || next == NULL) {
		return q->transport != NET_TCP ? DZ_ENOTSUP : DZ_EINVAL;
	}
	if (q->stream_next != NULL) {
		return DZ_EEXIST;
	}
	q->stream_next = next;
	q->stream_free = fini;
	q->stream_ctx = sctx;
	return DZ_OK;
}

int net_query_defer(net_query_t *q, net_reply_t **out)
{
	if (q->deferred != NULL) {
		return DZ_EEXIST;
	}
	net_reply_t *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return DZ_ENOMEM;
	}
	r->net = q->net;
	r->transport = q->transport;
	r->fd = -1;
	if (q->transport == NET_TCP) {
		r->conn = q->conn;
		net_tcp_hold(r->conn);
	} else {
		r->fd = q->udp_fd;
		socklen_t plen = q->peer->sa_family == AF_INET6
		                         ? sizeof(struct sockaddr_in6)
		                         : sizeof(struct sockaddr_in);
		memcpy(&r->peer, q->peer, plen);
		r->peer_len = plen;
		if (q->udp_ctrl_len > 0 && q->udp_ctrl_len <= sizeof(r->ctrl)) {
			memcpy(r->ctrl.buf, q->udp_ctrl, q->udp_ctrl_len);
			r->ctrl_len = q->udp_ctrl_len;
		}
	}
	q->deferred = r;
	*out = r;
	return DZ_OK;
}

/* UDP: one sendmsg on the query's socket, from the address it came to. */
static int reply_udp(net_reply_t *r, const uint8_t *msg, size_t len)
{
	net_t *net = r->net;
	if (len == 0 || net->state != NET_STATE_RUNNING || r->fd < 0) {
		return DZ_ENOENT; /* stopped: the socket may be closed */
	}
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr h = {
	        .msg_name = &r->peer,
	        .msg_namelen = r->peer_len,
	        .msg_iov = &iov,
	        .msg_iovlen = 1,
	        .msg_control = r->ctrl_len > 0 ? r->ctrl.buf : NULL,
	        .msg_controllen = r->ctrl_len,
	};
	ssize_t n;
	do {
		n = sendmsg(r->fd, &h, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? dz_errno() : DZ_OK;
}

int net_reply_send(net_reply_t *r, const uint8_t *msg, size_t len)
{
	if (r == NULL) {
		return DZ_EINVAL;
	}
	net_t *net = r->net;
	int ret;
	if (r->transport == NET_TCP) {
		ret = net_tcp_reply(r->conn, msg, len);
	} else {
		ret = reply_udp(r, msg, len);
		net_count(ret == DZ_OK ? &net->udp_late.sent
		                       : &net->udp_late.dropped);
	}
	free(r);
	return ret;
}

static uint64_t load(const atomic_uint_fast64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void net_stats_get(const net_t *net, net_stats_t *out)
{
	memset(out, 0, sizeof(*out));
	net_udp_stats(net, &out->transport[NET_UDP]);
	net_xdp_stats(net, &out->xdp);
	out->transport[NET_UDP].received += out->xdp.received;
	out->transport[NET_UDP].sent += out->xdp.sent;
	out->transport[NET_UDP].dropped += out->xdp.dropped;
	out->transport[NET_UDP].sent += load(&net->udp_late.sent);
	out->transport[NET_UDP].dropped += load(&net->udp_late.dropped);
	out->transport[NET_TCP].received = load(&net->tcp_stats.received);
	out->transport[NET_TCP].sent = load(&net->tcp_stats.sent);
	out->transport[NET_TCP].dropped = load(&net->tcp_stats.dropped);
	out->tcp_accepted = load(&net->tcp_accepted);
	out->tcp_refused = load(&net->tcp_refused);
	out->tcp_timeouts = load(&net->tcp_timeouts);
	out->tcp_open = load(&net->tcp_open);
}
