/* SPDX-License-Identifier: BSD-3-Clause */
/* One exchange with a primary on the libuv loop: a UDP query with retries, or a
 * TCP connection carrying a query and a stream of answers. */
#include "server/xfrin/xfrin_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"

struct xfrin_io {
	xfrin_io_opts_t o;
	struct sockaddr_storage dst, via;
	union {
		uv_udp_t udp;
		uv_tcp_t tcp;
	} h;
	uv_timer_t timer;
	uv_connect_t connect;
	uv_udp_send_t usend;
	uv_write_t write;
	unsigned tries_left;
	int open; /* handles not yet closed */
	bool finished, cancelled;
	uint64_t bytes;
	/* The query, with the TCP length prefix in front. */
	size_t qlen;
	uint8_t *q;
	/* TCP receive buffer: one message plus its prefix. */
	size_t have;
	uint8_t *rbuf;
};

static void on_close(uv_handle_t *h)
{
	xfrin_io_t *io = h->data;
	if (--io->open == 0) {
		free(io->q);
		free(io->rbuf);
		free(io);
	}
}

static void finish(xfrin_io_t *io, int status)
{
	if (io->finished) {
		return;
	}
	io->finished = true;
	uv_close((uv_handle_t *)&io->timer, on_close);
	uv_close((uv_handle_t *)&io->h, on_close);
	if (!io->cancelled) {
		io->o.on_done(io->o.ctx, status);
	}
}

void xfrin_io_cancel(xfrin_io_t *io)
{
	if (io != NULL) {
		io->cancelled = true;
		finish(io, DZ_OK);
	}
}

uint64_t xfrin_io_bytes(const xfrin_io_t *io)
{
	return io->bytes;
}

/* The callback decides: more, done, or an error. */
static void deliver(xfrin_io_t *io, const uint8_t *msg, size_t len)
{
	io->bytes += len;
	int ret = io->o.on_msg(io->o.ctx, msg, len);
	if (ret <= 0) {
		finish(io, ret);
	} else if (io->o.tcp) {
		/* Idle timeout restarts with every message of a stream. */
		uv_timer_again(&io->timer);
	}
}

static bool same_addr(const struct sockaddr *a,
                      const struct sockaddr_storage *b)
{
	if (a->sa_family != b->ss_family) {
		return false;
	}
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a,
		                         *y = (const void *)b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

/* ===== UDP ================================================================ */

static void udp_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	xfrin_io_t *io = h->data;
	(void)hint;
	*buf = uv_buf_init((char *)io->rbuf, NET_MSG_MAX);
}

static void udp_recv(uv_udp_t *h, ssize_t n, const uv_buf_t *buf,
                     const struct sockaddr *from, unsigned flags)
{
	xfrin_io_t *io = h->data;
	(void)buf;
	(void)flags;
	if (n <= 0 || from == NULL || io->finished) {
		return; /* nothing, or an ICMP error: the timer decides */
	}
	if (!same_addr(from, &io->dst)) {
		return; /* not our primary: ignored (RFC 5452 §9.1) */
	}
	deliver(io, io->rbuf, (size_t)n);
}

static void udp_sent(uv_udp_send_t *req, int status)
{
	(void)req;
	(void)status; /* a lost datagram is a timeout like any other */
}

static int udp_send(xfrin_io_t *io)
{
	uv_buf_t b = uv_buf_init((char *)io->q + 2, (unsigned)io->qlen);
	io->tries_left--;
	return uv_udp_send(&io->usend, &io->h.udp, &b, 1,
	                   (const struct sockaddr *)&io->dst, udp_sent);
}

static void udp_timeout(uv_timer_t *t)
{
	xfrin_io_t *io = t->data;
	if (io->tries_left == 0) {
		finish(io, -ETIMEDOUT);
		return;
	}
	int ret = udp_send(io);
	if (ret != 0) {
		finish(io, ret);
		return;
	}
	uv_timer_start(&io->timer, udp_timeout, io->o.timeout_ms, 0);
}

static int udp_start(xfrin_io_t *io, uv_loop_t *loop)
{
	int ret = uv_udp_init(loop, &io->h.udp);
	if (ret != 0) {
		return ret;
	}
	io->h.udp.data = io;
	io->open++;
	if (io->o.via != NULL) {
		ret = uv_udp_bind(&io->h.udp, (const struct sockaddr *)&io->via,
		                  0);
	}
	if (ret == 0) {
		ret = uv_udp_recv_start(&io->h.udp, udp_alloc, udp_recv);
	}
	if (ret == 0) {
		ret = udp_send(io);
	}
	if (ret == 0) {
		ret = uv_timer_start(&io->timer, udp_timeout, io->o.timeout_ms,
		                     0);
	}
	return ret;
}

/* ===== TCP ================================================================ */

static void tcp_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	xfrin_io_t *io = h->data;
	(void)hint;
	*buf = uv_buf_init((char *)io->rbuf + io->have,
	                   (unsigned)(NET_MSG_MAX + 2 - io->have));
}

/* Hand over every complete message in the buffer. */
static void tcp_frames(xfrin_io_t *io)
{
	while (!io->finished && io->have >= 2) {
		size_t len = ((size_t)io->rbuf[0] << 8) | io->rbuf[1];
		if (io->have < len + 2) {
			return;
		}
		deliver(io, io->rbuf + 2, len);
		memmove(io->rbuf, io->rbuf + 2 + len, io->have - len - 2);
		io->have -= len + 2;
	}
}

static void tcp_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	xfrin_io_t *io = s->data;
	(void)buf;
	if (io->finished) {
		return;
	}
	if (n < 0) {
		finish(io, n == UV_EOF ? DZ_EXFRINCOMPLETE : (int)n);
		return;
	}
	io->have += (size_t)n;
	tcp_frames(io);
}

static void tcp_written(uv_write_t *req, int status)
{
	xfrin_io_t *io = req->data;
	if (status != 0 && status != UV_ECANCELED) {
		finish(io, status);
	}
}

static void tcp_connected(uv_connect_t *req, int status)
{
	xfrin_io_t *io = req->data;
	if (io->finished) {
		return;
	}
	if (status != 0) {
		finish(io, status);
		return;
	}
	uv_timer_again(&io->timer);
	uv_buf_t b = uv_buf_init((char *)io->q, (unsigned)(io->qlen + 2));
	io->write.data = io;
	int ret = uv_write(&io->write, (uv_stream_t *)&io->h.tcp, &b, 1,
	                   tcp_written);
	if (ret == 0) {
		ret = uv_read_start((uv_stream_t *)&io->h.tcp, tcp_alloc,
		                    tcp_read);
	}
	if (ret != 0) {
		finish(io, ret);
	}
}

static void tcp_timeout(uv_timer_t *t)
{
	finish(t->data, -ETIMEDOUT);
}

static int tcp_start(xfrin_io_t *io, uv_loop_t *loop)
{
	int ret = uv_tcp_init(loop, &io->h.tcp);
	if (ret != 0) {
		return ret;
	}
	io->h.tcp.data = io;
	io->open++;
	if (io->o.via != NULL) {
		ret = uv_tcp_bind(&io->h.tcp, (const struct sockaddr *)&io->via,
		                  0);
	}
	io->connect.data = io;
	if (ret == 0) {
		ret = uv_tcp_connect(&io->connect, &io->h.tcp,
		                     (const struct sockaddr *)&io->dst,
		                     tcp_connected);
	}
	if (ret == 0) {
		ret = uv_timer_start(&io->timer, tcp_timeout, io->o.timeout_ms,
		                     io->o.timeout_ms);
	}
	return ret;
}

/* ===== start ============================================================== */

static xfrin_io_t *io_new(const xfrin_io_opts_t *o, const uint8_t *q,
                          size_t qlen)
{
	xfrin_io_t *io = calloc(1, sizeof(*io));
	if (io == NULL) {
		return NULL;
	}
	io->q = malloc(qlen + 2);
	io->rbuf = malloc(NET_MSG_MAX + 2);
	if (io->q == NULL || io->rbuf == NULL) {
		free(io->q);
		free(io->rbuf);
		free(io);
		return NULL;
	}
	io->o = *o;
	io->dst = *o->dst;
	if (o->via != NULL) {
		io->via = *o->via;
	}
	io->tries_left = o->tries > 0 ? o->tries : 1;
	io->q[0] = (uint8_t)(qlen >> 8);
	io->q[1] = (uint8_t)qlen;
	memcpy(io->q + 2, q, qlen);
	io->qlen = qlen;
	return io;
}

int xfrin_io_start(uv_loop_t *loop, const xfrin_io_opts_t *o, const uint8_t *q,
                   size_t qlen, xfrin_io_t **out)
{
	if (qlen > NET_MSG_MAX) {
		return DZ_EINVAL;
	}
	xfrin_io_t *io = io_new(o, q, qlen);
	if (io == NULL) {
		return DZ_ENOMEM;
	}
	int ret = uv_timer_init(loop, &io->timer);
	if (ret != 0) {
		free(io->q);
		free(io->rbuf);
		free(io);
		return ret;
	}
	io->open = 1;
	io->timer.data = io;
	ret = o->tcp ? tcp_start(io, loop) : udp_start(io, loop);
	if (ret != 0) {
		io->cancelled = true;
		if (io->open == 1) {
			/* the socket never opened: close only the timer */
			io->finished = true;
			uv_close((uv_handle_t *)&io->timer, on_close);
		} else {
			finish(io, ret);
		}
		return ret;
	}
	*out = io;
	return DZ_OK;
}
