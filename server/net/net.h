/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's network layer: UDP worker threads and libuv TCP that move DNS messages to and from one handler. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct uv_loop_s;

/* An instance of the network layer: listeners, UDP workers, TCP connections. */
typedef struct net net_t;

typedef enum { NET_UDP = 0, NET_TCP, NET_TRANSPORT_COUNT } net_transport_t;

/* Largest DNS message on either transport (TCP's length prefix: 16 bits). */
#define NET_MSG_MAX 65535

/*
 * Largest UDP query read whole. DNS queries are small (a question, an OPT,
 * perhaps a TSIG or an UPDATE of a few records); a longer datagram is
 * dropped and counted, and a client that needs more uses TCP.
 */
#define NET_UDP_QUERY_MAX 4096

/*
 * Handler return value meaning "this query is answered by a stream of
 * messages registered with net_query_set_stream()" (TCP only). It is larger
 * than any message length, so it cannot be confused with one.
 */
#define NET_STREAM (NET_MSG_MAX + 1)

/*
 * Handler return value meaning "this query will be answered later through
 * the handle net_query_defer() gave" (UDP and TCP). Also larger than any
 * message length.
 */
#define NET_DEFERRED (NET_MSG_MAX + 2)

/* A query whose answer is sent later (see net_query_defer()). */
typedef struct net_reply net_reply_t;

/* Defaults used when the matching net_config_t field is 0. */
#define NET_UDP_WORKERS_DEFAULT 1
#define NET_TCP_IDLE_DEFAULT_MS 10000
#define NET_TCP_MAX_CONNS_DEFAULT 512
#define NET_TCP_WRITE_MAX_DEFAULT (256 * 1024)
#define NET_UDP_PAYLOAD_DEFAULT 1232 /* DNS Flag Day 2020: no fragments */

/*
 * Produce the next message of a stream (a zone transfer, say) into \p buf of
 * \p cap bytes. Returns its length (> 0), 0 when the stream is finished, or a
 * negative status to abort (the connection is then closed).
 */
typedef int (*net_stream_next_t)(void *sctx, uint8_t *buf, size_t cap);
/* Release a stream's context; called once for every registered stream. */
typedef void (*net_stream_free_t)(void *sctx);

/*
 * One received message, as the handler sees it. Everything is borrowed for
 * the duration of the handler call only. The handler writes its answer into
 * resp, at most resp_cap bytes (TCP: NET_MSG_MAX; UDP: the configured
 * udp_max_payload, within which the handler picks the real limit from the
 * query's EDNS) and returns its length.
 */
typedef struct {
	const uint8_t *req;
	size_t req_len;
	const struct sockaddr *peer;  /* the client */
	const struct sockaddr *local; /* address the query was sent to */
	net_transport_t transport;
	uint8_t *resp;
	size_t resp_cap;
	void *worker_ctx; /* what net_worker_init_t made for this thread */
	/* Private: set through net_query_set_stream(). */
	net_stream_next_t stream_next;
	net_stream_free_t stream_free;
	void *stream_ctx;
	/* Private: filled by the transport, used by net_query_defer(). */
	struct net *net;
	void *conn;            /* TCP: the connection */
	int udp_fd;            /* UDP: the socket the query came in on */
	const void *udp_ctrl;  /* UDP: PKTINFO for the answer's source */
	size_t udp_ctrl_len;
	net_reply_t *deferred; /* set by net_query_defer() */
} net_query_t;

/*
 * Answer one query. Returns the response length (1..resp_cap), 0 to send
 * nothing, a negative status on error (nothing is sent either; counted as
 * dropped), or NET_STREAM after net_query_set_stream(). Called concurrently
 * from every UDP worker and from the TCP loop thread, each with its own
 * worker_ctx; it must not block.
 */
typedef int (*net_handler_t)(void *ctx, net_query_t *q);

/*
 * Make the per-thread context of thread \p id (UDP workers are 0..n-1, the
 * TCP loop thread is n). Returns DZ_OK or a negative status.
 */
typedef int (*net_worker_init_t)(void *ctx, unsigned id, void **worker_ctx);
typedef void (*net_worker_fini_t)(void *ctx, void *worker_ctx);

/*
 * Life cycle of a UDP worker thread, reported from inside that thread (so
 * the daemon can register it with RCU and mark it offline while it blocks):
 * START first, then IDLE_BEGIN before each blocking poll(2) and IDLE_END
 * after it, STOP last. Between IDLE_END and the next IDLE_BEGIN the thread
 * runs the handler on at most a few batches.
 */
typedef enum {
	NET_THREAD_START = 0,
	NET_THREAD_IDLE_BEGIN,
	NET_THREAD_IDLE_END,
	NET_THREAD_STOP,
} net_thread_event_t;
typedef void (*net_thread_hook_t)(void *ctx, void *worker_ctx,
                                  net_thread_event_t event);

typedef struct {
	net_handler_t handler;         /* required */
	void *ctx;                     /* passed to every callback */
	net_worker_init_t worker_init; /* optional */
	net_worker_fini_t worker_fini; /* optional */
	net_thread_hook_t thread_hook; /* optional: UDP worker life cycle */
	unsigned udp_workers;          /* UDP threads; 0: default */
	unsigned tcp_idle_ms;   /* close idle TCP connections; 0: default */
	unsigned tcp_max_conns; /* beyond it, accept and close; 0: default */
	size_t tcp_write_max;   /* stop reading a client with more unsent; 0:
	                           default */
	/* Largest UDP answer (server.udp-max-payload): the size of each
	 * worker's response slots and the resp_cap of UDP queries. 0:
	 * NET_UDP_PAYLOAD_DEFAULT; below 512 (RFC 1035 §4.2.1), 512. */
	uint16_t udp_max_payload;
	/* AF_XDP (server.xdp-interface): UDP to the listen addresses that
	 * arrives on this interface is read from AF_XDP sockets, one thread
	 * per receive queue (xdp_queues of them, net_xdp_queues()); their
	 * worker_init ids follow the TCP thread's. NULL: sockets only. */
	const char *xdp_interface;
	unsigned xdp_queues;
} net_config_t;

/* Counters of one transport. */
typedef struct {
	uint64_t received; /* messages handed to the handler */
	uint64_t sent;     /* responses handed to the kernel */
	uint64_t dropped;  /* queries not answered, responses not sent */
} net_counters_t;

typedef struct {
	net_counters_t transport[NET_TRANSPORT_COUNT];
	net_counters_t xdp; /* the AF_XDP share of transport[NET_UDP] */
	uint64_t tcp_accepted; /* connections accepted and served */
	uint64_t tcp_refused;  /* connections closed at once: over the limit */
	uint64_t tcp_timeouts; /* connections closed for being idle */
	uint64_t tcp_open;     /* connections open now */
} net_stats_t;

/*
 * Create a network layer that will run TCP on \p loop (which the caller owns
 * and runs). \p conf is copied. Returns DZ_OK, DZ_EINVAL (no handler) or
 * DZ_ENOMEM.
 */
int net_new(struct uv_loop_s *loop, const net_config_t *conf, net_t **out);

/*
 * Open the UDP sockets (one per worker per address, SO_REUSEPORT) and the TCP
 * listener of every address in \p addrs (ports included; port 0 picks one
 * free port shared by UDP and TCP). Call once, before dropping privileges.
 * On failure nothing stays open, and \p err (if not NULL) gets a line like
 * "bind udp 127.0.0.1#53: Address already in use". Returns DZ_OK, -errno,
 * or DZ_EINVAL (called twice, empty list, not an IP address).
 */
int net_bind(net_t *net, const struct sockaddr_storage *addrs, size_t naddrs,
             char *err, size_t errlen);

/* The address listener \p i is bound to (port 0 resolved). DZ_ENOENT if none.
 */
int net_bound_addr(const net_t *net, size_t i, struct sockaddr_storage *out);

/*
 * Make the worker contexts, start the UDP threads and listen for TCP on the
 * loop. Call from the loop's thread after net_bind(). Returns DZ_OK or a
 * negative status (then nothing is running).
 */
int net_start(net_t *net);

/*
 * Stop serving: the UDP threads are woken and joined (bounded: they wait in
 * poll(2)), listeners and TCP connections are closed and their streams freed.
 * The closes complete as the loop runs; net_free() finishes them. Call from
 * the loop's thread. Idempotent.
 */
void net_stop(net_t *net);

/*
 * Stop if needed, let the loop finish closing this layer's handles (it runs
 * uv_run(UV_RUN_NOWAIT) until they are closed), release the worker contexts
 * and free \p net. NULL is a no-op.
 */
void net_free(net_t *net);

/*
 * Register the stream that answers \p q (TCP only) and make the handler return
 * NET_STREAM. From then on the network layer owns \p sctx: it calls \p next
 * each time the connection can take another message and \p fini once at the
 * end (also when the connection closes early or the handler returns something
 * else). While a stream runs, later queries on that connection wait.
 * Returns DZ_OK, DZ_ENOTSUP on UDP, DZ_EEXIST if one is already registered.
 */
int net_query_set_stream(net_query_t *q, net_stream_next_t next,
                         net_stream_free_t fini, void *sctx);

/*
 * Take over answering \p q later, from the loop thread: *out is a handle
 * that remembers the peer and the path back (UDP: the socket the query
 * came to and the local address, so the answer leaves from it; TCP: the
 * connection, which may answer other queries meanwhile - RFC 7766 §7
 * allows answers out of order). The handler must then return NET_DEFERRED
 * (any other return value cancels the deferral). Every handle must be
 * passed exactly once to net_reply_send(). Callable from any thread.
 * Returns DZ_OK, DZ_EEXIST (already deferred) or DZ_ENOMEM.
 */
int net_query_defer(net_query_t *q, net_reply_t **out);

/*
 * Send the answer \p msg of \p len octets (0: none) for a deferred query
 * and free the handle. Loop thread only. If the layer was stopped or the
 * TCP connection closed meanwhile, the answer is dropped (and counted).
 * Returns DZ_OK, or a negative status when the answer could not be sent.
 */
int net_reply_send(net_reply_t *r, const uint8_t *msg, size_t len);

/*
 * Receive queues of network interface \p ifname: the AF_XDP path runs one
 * thread per queue. Returns the count (>= 1), DZ_EINVAL for a bad name, or
 * -errno (ENOENT: no such interface).
 */
int net_xdp_queues(const char *ifname);

/*
 * How the AF_XDP path runs after net_bind: its threads (receive queues) and
 * whether the program is attached in generic mode (the kernel copies each
 * frame; native mode needs driver support). DZ_ENOENT without XDP.
 */
int net_xdp_info(const net_t *net, unsigned *queues, bool *generic);

/* Sum the per-thread counters (relaxed reads: a snapshot, not a barrier). */
void net_stats_get(const net_t *net, net_stats_t *out);
