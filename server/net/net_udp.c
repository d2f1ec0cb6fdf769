/* SPDX-License-Identifier: BSD-3-Clause */
/* UDP worker threads: poll, recvmmsg a batch, call the handler per datagram, sendmmsg the answers. */
#include "server/net/net_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"

/*
 * Batches per readable socket before going back to poll(2): enough to drain
 * a burst, few enough that the other sockets and the stop pipe are seen.
 */
#define ROUNDS_PER_WAKEUP 4

typedef net_cmsg_buf_t cmsg_buf_t;

/*
 * Everything a worker touches per datagram is allocated here once, so the
 * hot path neither allocates nor locks. The datagram slots are one block
 * of their own (net_udp_slots_size): NET_UDP_BATCH receive slots of
 * NET_UDP_QUERY_MAX bytes, then NET_UDP_BATCH answer slots of the
 * configured udp_max_payload, each slot a whole number of cache lines.
 */
struct net_udp_worker {
	net_counter_block_t stats;
	net_t *net;
	unsigned id;
	pthread_t thread;
	bool started;
	void *ctx;
	bool ctx_made;
	struct pollfd *pfds; /* one per listener, then the stop pipe */
	struct mmsghdr in[NET_UDP_BATCH];
	struct mmsghdr out[NET_UDP_BATCH];
	struct iovec in_iov[NET_UDP_BATCH];
	struct iovec out_iov[NET_UDP_BATCH];
	struct sockaddr_storage peer[NET_UDP_BATCH];
	cmsg_buf_t in_ctrl[NET_UDP_BATCH];
	cmsg_buf_t out_ctrl[NET_UDP_BATCH];
	uint8_t *slots;   /* the receive slots, then the answer slots */
	size_t rx_stride; /* bytes from one receive slot to the next */
	size_t tx_stride;
	size_t tx_cap; /* udp_max_payload: resp_cap of every answer */
};

#define CACHE_LINE 64

/*
 * Bytes from one slot of \p size to the next: whole cache lines, and an
 * odd number of them. Handlers touch the first lines of each slot most
 * (a query's header and question); with a stride of 4096 bytes, say,
 * those lines of all 32 slots would fall into the same set of an L1 cache
 * (sets repeat every 4 KiB) and evict one another. An odd line count
 * spreads them over 32 different sets.
 */
static size_t slot_stride(size_t size)
{
	size_t lines = (size + CACHE_LINE - 1) / CACHE_LINE;
	if (lines % 2 == 0) {
		lines++;
	}
	return lines * CACHE_LINE;
}

static uint8_t *rx_slot(const net_udp_worker_t *w, int i)
{
	return w->slots + (size_t)i * w->rx_stride;
}

static uint8_t *tx_slot(const net_udp_worker_t *w, int k)
{
	return w->slots + NET_UDP_BATCH * w->rx_stride +
	       (size_t)k * w->tx_stride;
}

/* ===== Receive ============================================================ */

static int udp_recv(net_udp_worker_t *w, int fd)
{
	for (int i = 0; i < NET_UDP_BATCH; i++) {
		struct msghdr *h = &w->in[i].msg_hdr;
		w->in_iov[i].iov_base = rx_slot(w, i);
		w->in_iov[i].iov_len = NET_UDP_QUERY_MAX;
		h->msg_name = &w->peer[i];
		h->msg_namelen = sizeof(w->peer[i]);
		h->msg_iov = &w->in_iov[i];
		h->msg_iovlen = 1;
		h->msg_control = w->in_ctrl[i].buf;
		h->msg_controllen = sizeof(w->in_ctrl[i].buf);
		h->msg_flags = 0;
	}
	int n = recvmmsg(fd, w->in, NET_UDP_BATCH, MSG_DONTWAIT, NULL);
	/* EAGAIN (another worker's socket got it, or a spurious wakeup) and
	 * transient errors alike: go back to poll. */
	return n < 0 ? 0 : n;
}

/*
 * From the query's PKTINFO: the local address it was sent to (for the
 * handler) and the control message that makes the answer leave from it.
 * Returns the control length, 0 if the kernel gave no PKTINFO.
 */
static size_t v4_local(const struct in_pktinfo *pi, uint16_t port,
                       struct sockaddr_storage *local, cmsg_buf_t *ctrl)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)local;
	sin->sin_family = AF_INET;
	sin->sin_port = port;
	sin->sin_addr = pi->ipi_addr;
	struct cmsghdr *c = &ctrl->align;
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
	/* ifindex 0: the routing table picks the interface, spec_dst the
	 * source. */
	struct in_pktinfo out = {.ipi_ifindex = 0,
	                         .ipi_spec_dst = pi->ipi_addr};
	memcpy(CMSG_DATA(c), &out, sizeof(out));
	return CMSG_SPACE(sizeof(out));
}

static size_t v6_local(const struct in6_pktinfo *pi, uint16_t port,
                       struct sockaddr_storage *local, cmsg_buf_t *ctrl)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)local;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = port;
	sin6->sin6_addr = pi->ipi6_addr;
	/* A link-local destination only means something with its interface. */
	if (IN6_IS_ADDR_LINKLOCAL(&pi->ipi6_addr)) {
		sin6->sin6_scope_id = pi->ipi6_ifindex;
	}
	struct cmsghdr *c = &ctrl->align;
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
	memcpy(CMSG_DATA(c), pi, sizeof(*pi));
	return CMSG_SPACE(sizeof(*pi));
}

size_t net_udp_ctrl(const struct sockaddr_storage *local, cmsg_buf_t *out)
{
	struct sockaddr_storage same;
	if (local->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)local;
		struct in_pktinfo pi = {.ipi_addr = sin->sin_addr};
		return v4_local(&pi, sin->sin_port, &same, out);
	}
	const struct sockaddr_in6 *sin6 = (const void *)local;
	struct in6_pktinfo pi6 = {.ipi6_addr = sin6->sin6_addr,
	                          .ipi6_ifindex = sin6->sin6_scope_id};
	return v6_local(&pi6, sin6->sin6_port, &same, out);
}

static size_t find_local(struct msghdr *h, const struct sockaddr_storage *bound,
                         struct sockaddr_storage *local, cmsg_buf_t *ctrl)
{
	uint16_t port =
	        bound->ss_family == AF_INET
	                ? ((const struct sockaddr_in *)bound)->sin_port
	                : ((const struct sockaddr_in6 *)bound)->sin6_port;
	memset(local, 0, sizeof(*local));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL;
	     c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return v4_local(&pi, port, local, ctrl);
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return v6_local(&pi, port, local, ctrl);
		}
	}
	*local = *bound;
	return 0;
}

/* ===== Answer and send ==================================================== */

/* Queue answer number \p k to the sender of datagram \p i. */
static void queue_answer(net_udp_worker_t *w, int i, int k, size_t len,
                         size_t ctrl_len)
{
	struct msghdr *h = &w->out[k].msg_hdr;
	w->out_iov[k].iov_base = tx_slot(w, k);
	w->out_iov[k].iov_len = len;
	h->msg_name = &w->peer[i];
	h->msg_namelen = w->in[i].msg_hdr.msg_namelen;
	h->msg_iov = &w->out_iov[k];
	h->msg_iovlen = 1;
	h->msg_control = ctrl_len > 0 ? w->out_ctrl[k].buf : NULL;
	h->msg_controllen = ctrl_len;
	h->msg_flags = 0;
}

/* Run the handler over \p n datagrams; returns how many answers to send. */
static int udp_answer(net_udp_worker_t *w, int n, int fd,
                      const struct sockaddr_storage *bound)
{
	const net_config_t *conf = &w->net->conf;
	int k = 0;
	for (int i = 0; i < n; i++) {
		net_count(&w->stats.received);
		struct msghdr *h = &w->in[i].msg_hdr;
		if ((h->msg_flags & MSG_TRUNC) != 0) {
			/* Longer than NET_UDP_QUERY_MAX: no DNS query is;
			 * the rest of it is gone, so it cannot be answered. */
			net_count(&w->stats.dropped);
			continue;
		}
		struct sockaddr_storage local;
		size_t ctrl_len = find_local(h, bound, &local, &w->out_ctrl[k]);
		net_query_t q = {
		        .req = rx_slot(w, i),
		        .req_len = w->in[i].msg_len,
		        .peer = (const struct sockaddr *)&w->peer[i],
		        .local = (const struct sockaddr *)&local,
		        .transport = NET_UDP,
		        .resp = tx_slot(w, k),
		        .resp_cap = w->tx_cap,
		        .worker_ctx = w->ctx,
		        .net = w->net,
		        .udp_fd = fd,
		        .udp_ctrl = w->out_ctrl[k].buf,
		        .udp_ctrl_len = ctrl_len,
		};
		int len = conf->handler(conf->ctx, &q);
		if (len == NET_DEFERRED && q.deferred != NULL) {
			continue; /* answered later by net_reply_send() */
		}
		if (q.deferred != NULL) {
			/* Deferred, then answered now after all: cancel
			 * (a UDP handle holds nothing but memory). */
			free(q.deferred);
		}
		if (len <= 0 || (size_t)len > w->tx_cap) {
			net_count(&w->stats.dropped);
			continue;
		}
		queue_answer(w, i, k++, (size_t)len, ctrl_len);
	}
	return k;
}

static void udp_send(net_udp_worker_t *w, int fd, int k)
{
	int done = 0;
	while (done < k) {
		int r = sendmmsg(fd, w->out + done, (unsigned)(k - done), 0);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			/* This answer cannot go (unreachable peer, ...): skip
			 * it. */
			net_count(&w->stats.dropped);
			done++;
			continue;
		}
		atomic_fetch_add_explicit(&w->stats.sent, (uint_fast64_t)r,
		                          memory_order_relaxed);
		done += r;
	}
}

static void serve_socket(net_udp_worker_t *w, size_t li)
{
	net_t *net = w->net;
	int fd = net->udp_fds[w->id * net->nls + li];
	for (int round = 0; round < ROUNDS_PER_WAKEUP; round++) {
		int n = udp_recv(w, fd);
		if (n == 0) {
			return;
		}
		udp_send(w, fd, udp_answer(w, n, fd, &net->ls[li].addr));
		if (n < NET_UDP_BATCH) {
			return;
		}
	}
}

static void worker_hook(net_udp_worker_t *w, net_thread_event_t ev)
{
	const net_config_t *conf = &w->net->conf;
	if (conf->thread_hook != NULL) {
		conf->thread_hook(conf->ctx, w->ctx, ev);
	}
}

static void *worker_main(void *arg)
{
	net_udp_worker_t *w = arg;
	size_t nls = w->net->nls;
	worker_hook(w, NET_THREAD_START);
	for (;;) {
		worker_hook(w, NET_THREAD_IDLE_BEGIN);
		int rc = poll(w->pfds, nls + 1, -1);
		worker_hook(w, NET_THREAD_IDLE_END);
		if (rc < 0) {
			continue; /* EINTR, or ENOMEM: try again */
		}
		if (w->pfds[nls].revents != 0) {
			break; /* net_stop */
		}
		for (size_t i = 0; i < nls; i++) {
			if (w->pfds[i].revents != 0) {
				serve_socket(w, i);
			}
		}
	}
	worker_hook(w, NET_THREAD_STOP);
	return NULL;
}

/* ===== Start and stop ===================================================== */

/* The datagram slots of \p w, for answers of up to \p payload bytes. */
static int slots_new(net_udp_worker_t *w, size_t payload)
{
	w->rx_stride = slot_stride(NET_UDP_QUERY_MAX);
	w->tx_stride = slot_stride(payload);
	w->tx_cap = payload;
	size_t size = NET_UDP_BATCH * (w->rx_stride + w->tx_stride);
	void *p = NULL;
	if (posix_memalign(&p, CACHE_LINE, size) != 0) {
		return DZ_ENOMEM;
	}
	w->slots = p; /* not cleared: each slot is written before it is read */
	return DZ_OK;
}

static void worker_free(net_udp_worker_t *w)
{
	free(w->slots);
	free(w->pfds);
	free(w);
}

static int worker_new(net_t *net, unsigned id, net_udp_worker_t **out)
{
	net_udp_worker_t *w;
	/* Aligned for the counters. */
	size_t size = (sizeof(*w) + CACHE_LINE - 1) & ~(size_t)(CACHE_LINE - 1);
	if (posix_memalign((void **)&w, CACHE_LINE, size) != 0) {
		return DZ_ENOMEM;
	}
	memset(w, 0, sizeof(*w));
	w->net = net;
	w->id = id;
	w->pfds = calloc(net->nls + 1, sizeof(*w->pfds));
	if (w->pfds == NULL ||
	    slots_new(w, net->conf.udp_max_payload) != DZ_OK) {
		worker_free(w);
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < net->nls; i++) {
		w->pfds[i].fd = net->udp_fds[id * net->nls + i];
		w->pfds[i].events = POLLIN;
	}
	w->pfds[net->nls].fd = net->wake[0];
	w->pfds[net->nls].events = POLLIN;
	*out = w;
	return DZ_OK;
}

static int worker_start(net_t *net, net_udp_worker_t *w)
{
	int rc = net_thread_start(net, w->id, &w->ctx, &w->ctx_made,
	                          &w->thread, worker_main, w);
	w->started = rc == DZ_OK;
	return rc;
}

int net_udp_start(net_t *net)
{
	unsigned n = net->conf.udp_workers;
	if (pipe2(net->wake, O_CLOEXEC) != 0) {
		return dz_errno();
	}
	net->workers = calloc(n, sizeof(*net->workers));
	if (net->workers == NULL) {
		return DZ_ENOMEM;
	}
	for (unsigned id = 0; id < n; id++) {
		int rc = worker_new(net, id, &net->workers[id]);
		if (rc == DZ_OK) {
			rc = worker_start(net, net->workers[id]);
		}
		if (rc != DZ_OK) {
			return rc;
		}
	}
	return DZ_OK;
}

void net_udp_stop(net_t *net)
{
	if (net->workers == NULL) {
		return;
	}
	/* One byte, never read: the pipe stays readable for every worker. */
	static const uint8_t byte = 1;
	while (write(net->wake[1], &byte, 1) < 0 && errno == EINTR) {
	}
	for (unsigned id = 0; id < net->conf.udp_workers; id++) {
		net_udp_worker_t *w = net->workers[id];
		if (w != NULL && w->started) {
			pthread_join(w->thread, NULL);
			w->started = false;
		}
	}
	/* The AF_XDP threads saw the same byte; deferred answers of theirs
	 * name these sockets, so they go first. */
	net_xdp_stop(net);
	/* The threads are gone: the sockets can go too. */
	for (size_t i = 0; i < net->nls * net->conf.udp_workers; i++) {
		if (net->udp_fds[i] >= 0) {
			close(net->udp_fds[i]);
			net->udp_fds[i] = -1;
		}
	}
}

void net_udp_free(net_t *net)
{
	if (net->workers == NULL) {
		return;
	}
	for (unsigned id = 0; id < net->conf.udp_workers; id++) {
		net_udp_worker_t *w = net->workers[id];
		if (w == NULL) {
			continue;
		}
		if (w->ctx_made && net->conf.worker_fini != NULL) {
			net->conf.worker_fini(net->conf.ctx, w->ctx);
		}
		worker_free(w);
	}
	free(net->workers);
	net->workers = NULL;
}

void net_udp_stats(const net_t *net, net_counters_t *out)
{
	if (net->workers == NULL) {
		return;
	}
	for (unsigned id = 0; id < net->conf.udp_workers; id++) {
		const net_udp_worker_t *w = net->workers[id];
		if (w == NULL) {
			continue;
		}
		out->received += atomic_load_explicit(&w->stats.received,
		                                      memory_order_relaxed);
		out->sent += atomic_load_explicit(&w->stats.sent,
		                                  memory_order_relaxed);
		out->dropped += atomic_load_explicit(&w->stats.dropped,
		                                     memory_order_relaxed);
	}
}
