/* SPDX-License-Identifier: BSD-3-Clause */
/* DNS over TCP on the libuv loop (RFC 7766): framing, pipelining, idle timeout, limits, backpressure, streams. */
#include "server/net/net_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"

struct tcp_conn {
	uv_tcp_t tcp;
	uv_timer_t timer;
	net_t *net;
	tcp_conn_t *prev, *next; /* net->conns */
	struct sockaddr_storage peer, local;
	/* Bytes read and not yet handled; grows to hold one whole message. */
	uint8_t *buf;
	size_t cap, used;
	size_t wpending; /* bytes in writes not yet completed */
	int handles;     /* tcp + timer until both close callbacks ran */
	int deferred;    /* answers owed through net_reply_send() */
	bool reading, eof, closing;
	/* The stream answering the current query, if any. */
	net_stream_next_t snext;
	net_stream_free_t sfree;
	void *sctx;
};

/* A queued write: the request, then its framed message. */
typedef struct {
	uv_write_t req;
	tcp_conn_t *conn;
	size_t len;
	uint8_t data[];
} tcp_write_t;

static void conn_pump(tcp_conn_t *c);

/* ===== Closing ============================================================ */

/* The memory goes once both handles closed and no deferred answer holds
 * the connection. */
static void conn_maybe_free(tcp_conn_t *c)
{
	if (c->handles == 0 && c->deferred == 0) {
		free(c->buf);
		free(c);
	}
}

static void on_conn_closed(uv_handle_t *h)
{
	tcp_conn_t *c = h->data;
	c->net->handles_open--;
	c->handles--;
	conn_maybe_free(c);
}

static void stream_end(tcp_conn_t *c)
{
	if (c->sfree != NULL) {
		c->sfree(c->sctx);
	}
	c->snext = NULL;
	c->sfree = NULL;
	c->sctx = NULL;
}

/*
 * Close a connection. Queued writes are cancelled by libuv (their callbacks
 * run with UV_ECANCELED before the close callbacks), so \p c stays valid
 * until on_conn_closed has run for both handles.
 */
static void conn_close(tcp_conn_t *c)
{
	net_t *net = c->net;
	if (c->closing) {
		return;
	}
	c->closing = true;
	stream_end(c);
	if (c->prev != NULL) {
		c->prev->next = c->next;
	} else {
		net->conns = c->next;
	}
	if (c->next != NULL) {
		c->next->prev = c->prev;
	}
	atomic_fetch_sub_explicit(&net->tcp_open, 1, memory_order_relaxed);
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
	uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

static void on_idle(uv_timer_t *t)
{
	tcp_conn_t *c = t->data;
	net_count(&c->net->tcp_timeouts);
	conn_close(c);
}

/*
 * RFC 7766 §6.2.3: the idle timer restarts when a whole query arrives or a
 * response has been sent, not on every byte, so a client dribbling one
 * message slowly is still closed after the timeout.
 */
static void conn_touch(tcp_conn_t *c)
{
	(void)uv_timer_start(&c->timer, on_idle, c->net->conf.tcp_idle_ms, 0);
}

/* ===== Writing ============================================================ */

static void on_write(uv_write_t *req, int status)
{
	tcp_write_t *w = (tcp_write_t *)req;
	tcp_conn_t *c = w->conn;
	c->wpending -= w->len;
	free(w);
	if (status < 0) {
		net_count(&c->net->tcp_stats.dropped);
		conn_close(c);
		return;
	}
	net_count(&c->net->tcp_stats.sent);
	if (!c->closing) {
		conn_touch(c);
		conn_pump(c);
	}
}

/* Queue bytes [off, total) of the framed message in net->scratch. */
static int queue_write(tcp_conn_t *c, size_t off, size_t total)
{
	size_t len = total - off;
	tcp_write_t *w = malloc(sizeof(*w) + len);
	if (w == NULL) {
		return DZ_ENOMEM;
	}
	memcpy(w->data, c->net->scratch + off, len);
	w->conn = c;
	w->len = len;
	uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned)len);
	int rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_write);
	if (rc != 0) {
		free(w);
		return rc;
	}
	c->wpending += len;
	return DZ_OK;
}

/*
 * Send the message of \p len bytes at net->scratch + 2. Each response is
 * framed and written on its own, so responses may complete in any order
 * (RFC 7766 §7). With nothing queued, try a direct write first: the common
 * case then needs no copy and no allocation.
 */
static void conn_send(tcp_conn_t *c, size_t len, bool try_now)
{
	net_t *net = c->net;
	size_t total = NET_TCP_PREFIX + len;
	size_t off = 0;
	net->scratch[0] = (uint8_t)(len >> 8);
	net->scratch[1] = (uint8_t)len;
	if (try_now && c->wpending == 0) {
		uv_buf_t buf =
		        uv_buf_init((char *)net->scratch, (unsigned)total);
		int r = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
		if (r == (int)total) {
			net_count(&net->tcp_stats.sent);
			return;
		}
		if (r > 0) {
			off = (size_t)r;
		} else if (r != UV_EAGAIN) {
			net_count(&net->tcp_stats.dropped);
			conn_close(c);
			return;
		}
	}
	if (queue_write(c, off, total) != DZ_OK) {
		net_count(&net->tcp_stats.dropped);
		conn_close(c);
	}
}

/* ===== Handling messages ================================================== */

static bool conn_paused(const tcp_conn_t *c)
{
	return c->snext != NULL || c->wpending > c->net->conf.tcp_write_max;
}

/* Produce stream messages while the connection has room for them. */
static void stream_pump(tcp_conn_t *c)
{
	net_t *net = c->net;
	while (c->snext != NULL && !c->closing &&
	       c->wpending <= net->conf.tcp_write_max) {
		int r = c->snext(c->sctx, net->scratch + NET_TCP_PREFIX,
		                 NET_MSG_MAX);
		if (r > 0 && r <= NET_MSG_MAX) {
			/* Queued, not tried: the write callback paces the
			 * stream. */
			conn_send(c, (size_t)r, false);
		} else {
			stream_end(c);
			if (r != 0) {
				net_count(&net->tcp_stats.dropped);
				conn_close(c);
			}
		}
	}
}

static void conn_handle(tcp_conn_t *c, const uint8_t *msg, size_t len)
{
	net_t *net = c->net;
	net_count(&net->tcp_stats.received);
	conn_touch(c);
	net_query_t q = {
	        .req = msg,
	        .req_len = len,
	        .peer = (const struct sockaddr *)&c->peer,
	        .local = (const struct sockaddr *)&c->local,
	        .transport = NET_TCP,
	        .resp = net->scratch + NET_TCP_PREFIX,
	        .resp_cap = NET_MSG_MAX,
	        .worker_ctx = net->tcp_ctx,
	};
	q.net = net;
	q.conn = c;
	int r = net->conf.handler(net->conf.ctx, &q);
	if (r == NET_DEFERRED && q.deferred != NULL) {
		return; /* net_reply_send() answers it */
	}
	if (q.deferred != NULL) {
		/* Deferred, then answered now after all: cancel. */
		(void)net_reply_send(q.deferred, NULL, 0);
	}
	if (r == NET_STREAM && q.stream_next != NULL) {
		c->snext = q.stream_next;
		c->sfree = q.stream_free;
		c->sctx = q.stream_ctx;
		return;
	}
	if (q.stream_next != NULL && q.stream_free != NULL) {
		q.stream_free(q.stream_ctx); /* registered, then not used */
	}
	if (r > 0 && r <= NET_MSG_MAX) {
		conn_send(c, (size_t)r, true);
	} else {
		net_count(&net->tcp_stats.dropped);
	}
}

static size_t prefix_at(const uint8_t *p)
{
	return ((size_t)p[0] << 8) | p[1];
}

/*
 * After handling, move the partial message to the front and make sure the
 * buffer can hold all of it: memory is bounded by one message per client,
 * however slowly it arrives. An idle buffer shrinks back.
 */
static int conn_compact(tcp_conn_t *c, size_t off)
{
	memmove(c->buf, c->buf + off, c->used - off);
	c->used -= off;
	size_t need = c->used >= NET_TCP_PREFIX
	                      ? NET_TCP_PREFIX + prefix_at(c->buf)
	                      : 0;
	size_t want = need > c->cap ? need
	              : (c->used == 0 && c->cap > NET_TCP_BUF_INIT)
	                      ? NET_TCP_BUF_INIT
	                      : c->cap;
	if (want != c->cap) {
		uint8_t *nb = realloc(c->buf, want);
		if (nb == NULL) {
			return DZ_ENOMEM;
		}
		c->buf = nb;
		c->cap = want;
	}
	return DZ_OK;
}

/* Hand every whole message in the buffer to the handler, unless paused. */
static void conn_process(tcp_conn_t *c)
{
	size_t off = 0;
	while (!c->closing && !conn_paused(c) &&
	       c->used - off >= NET_TCP_PREFIX) {
		size_t len = prefix_at(c->buf + off);
		if (len == 0) {
			/* No DNS message is empty: a broken client. */
			net_count(&c->net->tcp_stats.dropped);
			conn_close(c);
			return;
		}
		if (c->used - off < NET_TCP_PREFIX + len) {
			break;
		}
		conn_handle(c, c->buf + off + NET_TCP_PREFIX, len);
		off += NET_TCP_PREFIX + len;
	}
	if (!c->closing && conn_compact(c, off) != DZ_OK) {
		conn_close(c);
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	tcp_conn_t *c = h->data;
	(void)suggested;
	/* Only the free part of the one buffer (0 gives ENOBUFS). */
	*buf = uv_buf_init((char *)c->buf + c->used,
	                   (unsigned)(c->cap - c->used));
}

static void conn_set_reading(tcp_conn_t *c, bool want);

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	tcp_conn_t *c = s->data;
	(void)buf;
	if (nread == UV_EOF) {
		/* Half close: answer what was sent, then close. */
		c->eof = true;
		conn_set_reading(c, false);
	} else if (nread < 0) {
		conn_close(c);
		return;
	} else {
		c->used += (size_t)nread;
	}
	conn_pump(c);
}

static void conn_set_reading(tcp_conn_t *c, bool want)
{
	if (want && !c->reading) {
		if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) !=
		    0) {
			conn_close(c);
			return;
		}
	} else if (!want && c->reading) {
		(void)uv_read_stop((uv_stream_t *)&c->tcp);
	}
	c->reading = want;
}

/*
 * Make all the progress possible: run the stream, then the buffered
 * queries (one of which may start another stream), then read again only if
 * the client is not over its write bound (backpressure).
 */
static void conn_pump(tcp_conn_t *c)
{
	for (;;) {
		stream_pump(c);
		if (c->closing || c->snext != NULL) {
			break;
		}
		conn_process(c);
		if (c->closing || c->snext == NULL) {
			break;
		}
	}
	if (c->closing) {
		return;
	}
	if (c->eof) {
		if (c->wpending == 0 && c->snext == NULL && c->deferred == 0) {
			conn_close(c);
		}
		return;
	}
	conn_set_reading(c, !conn_paused(c));
}

/* ===== Deferred answers ================================================= */

void net_tcp_hold(tcp_conn_t *c)
{
	c->deferred++;
}

int net_tcp_reply(tcp_conn_t *c, const uint8_t *msg, size_t len)
{
	net_t *net = c->net;
	c->deferred--;
	if (c->closing || len == 0 || len > NET_MSG_MAX) {
		int ret = c->closing ? DZ_ENOENT : DZ_EINVAL;
		net_count(&net->tcp_stats.dropped);
		conn_maybe_free(c);
		return ret;
	}
	memcpy(net->scratch + NET_TCP_PREFIX, msg, len);
	conn_send(c, len, true);
	if (!c->closing) {
		conn_touch(c);
		conn_pump(c); /* a half-closed client may be done now */
	}
	return DZ_OK;
}

/* ===== Accepting ========================================================== */

static void on_refused_closed(uv_handle_t *h)
{
	net_t *net = h->data;
	net->handles_open--;
	free(h);
}

/* Over the limit: accept (to take it off the backlog) and close at once. */
static void conn_refuse(net_t *net, uv_stream_t *server)
{
	uv_tcp_t *t = malloc(sizeof(*t));
	if (t == NULL || uv_tcp_init(net->loop, t) != 0) {
		free(t);
		return;
	}
	t->data = net;
	net->handles_open++;
	(void)uv_accept(server, (uv_stream_t *)t);
	net_count(&net->tcp_refused);
	uv_close((uv_handle_t *)t, on_refused_closed);
}

static int conn_addrs(tcp_conn_t *c)
{
	int plen = sizeof(c->peer);
	int llen = sizeof(c->local);
	int rc =
	        uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer, &plen);
	if (rc == 0) {
		rc = uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&c->local,
		                        &llen);
	}
	return rc;
}

static int conn_init(net_t *net, tcp_conn_t *c)
{
	c->net = net;
	c->handles = 2;
	c->cap = NET_TCP_BUF_INIT;
	c->tcp.data = c;
	c->timer.data = c;
	/* Both handles exist before anything can fail: conn_close frees. */
	(void)uv_tcp_init(net->loop, &c->tcp);
	(void)uv_timer_init(net->loop, &c->timer);
	net->handles_open += 2;
	c->next = net->conns;
	if (net->conns != NULL) {
		net->conns->prev = c;
	}
	net->conns = c;
	atomic_fetch_add_explicit(&net->tcp_open, 1, memory_order_relaxed);
	return DZ_OK;
}

static void conn_accept(net_t *net, uv_stream_t *server)
{
	tcp_conn_t *c = calloc(1, sizeof(*c));
	uint8_t *buf = malloc(NET_TCP_BUF_INIT);
	if (c == NULL || buf == NULL) {
		free(c);
		free(buf);
		conn_refuse(net, server);
		return;
	}
	c->buf = buf;
	(void)conn_init(net, c);
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
	    conn_addrs(c) != 0) {
		conn_close(c);
		return;
	}
	/* Responses are written whole: Nagle would only delay pipelined ones.
	 */
	(void)uv_tcp_nodelay(&c->tcp, 1);
	net_count(&net->tcp_accepted);
	conn_touch(c);
	conn_set_reading(c, true);
}

static void on_connection(uv_stream_t *server, int status)
{
	net_t *net = server->data;
	if (status < 0) {
		return; /* libuv retries; nothing was taken off the backlog */
	}
	uint_fast64_t open =
	        atomic_load_explicit(&net->tcp_open, memory_order_relaxed);
	if (open >= net->conf.tcp_max_conns) {
		conn_refuse(net, server);
	} else {
		conn_accept(net, server);
	}
}

/* ===== Start and stop ===================================================== */

static void on_listener_closed(uv_handle_t *h)
{
	net_t *net = h->data;
	net->handles_open--;
}

int net_tcp_start(net_t *net)
{
	for (size_t i = 0; i < net->nls; i++) {
		net_listener_t *l = &net->ls[i];
		int rc = uv_tcp_init(net->loop, &l->tcp);
		if (rc != 0) {
			return rc;
		}
		l->tcp.data = net;
		l->tcp_open = true;
		net->handles_open++;
		rc = uv_tcp_open(&l->tcp, l->tcp_fd);
		if (rc != 0) {
			return rc;
		}
		l->tcp_fd = -1; /* the handle owns it now */
		rc = uv_listen((uv_stream_t *)&l->tcp, SOMAXCONN,
		               on_connection);
		if (rc != 0) {
			return rc;
		}
	}
	return DZ_OK;
}

void net_tcp_stop(net_t *net)
{
	for (size_t i = 0; i < net->nls; i++) {
		net_listener_t *l = &net->ls[i];
		if (l->tcp_open) {
			uv_close((uv_handle_t *)&l->tcp, on_listener_closed);
			l->tcp_open = false;
		}
	}
	while (net->conns != NULL) {
		conn_close(net->conns);
	}
}
