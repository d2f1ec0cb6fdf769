/* SPDX-License-Identifier: BSD-3-Clause */
/* State shared by the files of server/net: the net_t struct, listeners, workers and counters. */
#pragma once

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <uv.h>

#include "server/net/net.h"

/* Datagrams read (and answers sent) per recvmmsg/sendmmsg call. */
#define NET_UDP_BATCH 32
/* Room for one IP_PKTINFO or IPV6_PKTINFO control message. */
#define NET_CMSG_LEN                                                           \
	(CMSG_SPACE(sizeof(struct in6_pktinfo)) >                              \
	                 CMSG_SPACE(sizeof(struct in_pktinfo))                 \
	         ? CMSG_SPACE(sizeof(struct in6_pktinfo))                      \
	         : CMSG_SPACE(sizeof(struct in_pktinfo)))
/* Room for one outgoing PKTINFO control message, aligned for cmsghdr. */
typedef union {
	struct cmsghdr align;
	uint8_t buf[NET_CMSG_LEN];
} net_cmsg_buf_t;
/* First size of a TCP connection's read buffer; it grows to one message. */
#define NET_TCP_BUF_INIT 1024
/* Length prefix of a DNS message over TCP (RFC 1035 §4.2.2). */
#define NET_TCP_PREFIX 2

/*
 * Counters written by one thread only, read by any: relaxed atomics on a
 * cache line of their own, so workers never share a line.
 */
typedef struct {
	_Alignas(64) atomic_uint_fast64_t received;
	atomic_uint_fast64_t sent;
	atomic_uint_fast64_t dropped;
} net_counter_block_t;

static inline void net_count(atomic_uint_fast64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* One listen address: its TCP listener (UDP sockets live in net->udp_fds). */
typedef struct {
	struct sockaddr_storage addr; /* port resolved after binding */
	int tcp_fd;                   /* until net_start hands it to libuv */
	uv_tcp_t tcp;
	bool tcp_open; /* tcp handle initialised (must be uv_close()d) */
} net_listener_t;

typedef struct net_udp_worker net_udp_worker_t;
typedef struct net_xdp net_xdp_t;
typedef struct net_xdp_queue net_xdp_queue_t;
typedef struct tcp_conn tcp_conn_t;

typedef enum {
	NET_STATE_NEW = 0,
	NET_STATE_BOUND,
	NET_STATE_RUNNING,
	NET_STATE_STOPPED
} net_state_t;

struct net {
	uv_loop_t *loop;
	net_config_t conf; /* defaults applied */
	net_state_t state;

	net_listener_t *ls;
	size_t nls;
	int *udp_fds; /* [worker * nls + listener] */

	/* UDP workers; wake[0] becomes readable (for good) at stop. */
	net_udp_worker_t **workers;
	int wake[2];

	/* TCP, all on the loop thread. */
	void *tcp_ctx;
	bool tcp_ctx_made;
	net_counter_block_t tcp_stats;
	atomic_uint_fast64_t tcp_accepted, tcp_refused, tcp_timeouts;
	atomic_uint_fast64_t tcp_open;
	tcp_conn_t *conns;   /* open connections, for net_stop */
	size_t handles_open; /* uv handles of ours not yet closed */
	uint8_t *scratch;    /* NET_TCP_PREFIX + NET_MSG_MAX: one response */
	/* Deferred UDP answers, sent from the loop thread. */
	net_counter_block_t udp_late;
	/* AF_XDP path (conf.xdp_interface), NULL without it. */
	net_xdp_t *xdp;
};

/* A deferred answer's way back to its client (net_query_defer). */
struct net_reply {
	net_t *net;
	net_transport_t transport;
	tcp_conn_t *conn; /* TCP; holds a reference (tcp_conn deferred) */
	int fd;           /* UDP: the socket the query came in on */
	struct sockaddr_storage peer;
	socklen_t peer_len;
	size_t ctrl_len;
	union {
		struct cmsghdr align;
		uint8_t buf[NET_CMSG_LEN];
	} ctrl;
};

/* net.c: make worker context \p id (conf.worker_init, if any; *ctx_made
 * tells net_free to release it) and start \p fn(arg) in a thread that
 * blocks every signal (the daemon handles them on the loop). */
int net_thread_start(net_t *net, unsigned id, void **ctx, bool *ctx_made,
                     pthread_t *thread, void *(*fn)(void *), void *arg);

/* net_bind.c: sockets. */
void net_close_fds(net_t *net);

/* net_udp.c: worker threads. */
int net_udp_start(net_t *net);
void net_udp_stop(net_t *net);
void net_udp_free(net_t *net);
void net_udp_stats(const net_t *net, net_counters_t *out);
/* The PKTINFO message that makes a UDP answer leave from \p local (an
 * address with its port); returns its length. */
size_t net_udp_ctrl(const struct sockaddr_storage *local, net_cmsg_buf_t *out);

/* net_xdp.c: the AF_XDP path. Setup in net_bind (needs privileges), threads
 * in net_start, joined by net_udp_stop (after it wakes every thread). */
int net_xdp_setup(net_t *net, char *err, size_t errlen);
int net_xdp_start(net_t *net);
void net_xdp_stop(net_t *net);
void net_xdp_free(net_t *net);
void net_xdp_stats(const net_t *net, net_counters_t *out);

/* net_tcp.c: listeners and connections on the loop. */
int net_tcp_start(net_t *net);
void net_tcp_stop(net_t *net);
/* A deferred answer on \p c: hold the connection (defer), send or drop the
 * answer and release it (reply; len 0 or a closed connection: dropped). */
void net_tcp_hold(tcp_conn_t *c);
int net_tcp_reply(tcp_conn_t *c, const uint8_t *msg, size_t len);
