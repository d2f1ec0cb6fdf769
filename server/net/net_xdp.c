/* SPDX-License-Identifier: BSD-3-Clause */
/* The AF_XDP path: a filter program sends our UDP to one AF_XDP socket per receive queue, a thread each answers it. */
#include "server/net/net_internal.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <xdp/xsk.h>

#include "lib/net/frame.h"
#include "lib/util/errcode.h"
#include "server/net/net_xdp_prog.h"

/*
 * UMEM of one queue: 4 KiB frames (a page each; in copy mode the kernel
 * puts 256 octets of headroom before a received frame). The fill ring owns
 * half of them, the other half are answers in flight.
 */
#define FRAME_SIZE 4096u
#define RX_HEADROOM 256u /* XDP_PACKET_HEADROOM: copy mode's offset */
#define RING_RX 1024u
#define RING_TX 1024u
#define NFRAMES (RING_RX + RING_TX)
/* Frames handled per round, and rounds per wakeup (as the UDP workers). */
#define XDP_BATCH 32u
#define ROUNDS_PER_WAKEUP 4
/* While answers wait for the kernel, poll wakes up this often (ms). */
#define TX_RETRY_MS 1

struct net_xdp_queue {
	net_counter_block_t stats;
	net_t *net;
	unsigned qid;
	pthread_t thread;
	bool started;
	void *ctx;
	bool ctx_made;
	uint8_t *area; /* NFRAMES * FRAME_SIZE */
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	uint64_t free_tx[RING_TX]; /* frame addresses free for answers */
	unsigned nfree;
	struct xdp_desc out[XDP_BATCH];
	uint64_t done_rx[XDP_BATCH];
	net_cmsg_buf_t ctrl;
};

struct net_xdp {
	char ifname[IF_NAMESIZE];
	int ifindex;
	unsigned mtu;
	int map_fd, prog_fd, link_fd;
	bool generic; /* attached in generic (SKB) mode: sockets copy */
	unsigned nq;
	net_xdp_queue_t **q;
	size_t resp_cap; /* answer_cap() */
	net_xdp_match_t match[NET_XDP_MATCH_MAX];
	size_t nmatch;
};

/* ===== Interface facts ==================================================== */

int net_xdp_queues(const char *ifname)
{
	char path[64 + IF_NAMESIZE];
	if (ifname == NULL || strlen(ifname) >= IF_NAMESIZE ||
	    strchr(ifname, '/') != NULL) {
		return DZ_EINVAL;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	DIR *d = opendir(path);
	if (d == NULL) {
		return dz_errno();
	}
	int n = 0;
	for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
		n += strncmp(e->d_name, "rx-", 3) == 0;
	}
	closedir(d);
	return n > 0 ? n : 1;
}

static int if_mtu(const char *ifname, unsigned *out)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return dz_errno();
	}
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	int rc = ioctl(fd, SIOCGIFMTU, &ifr) == 0 ? DZ_OK : dz_errno();
	close(fd);
	if (rc == DZ_OK) {
		*out = ifr.ifr_mtu > 0 ? (unsigned)ifr.ifr_mtu : 1500u;
	}
	return rc;
}

/* ===== Setup ============================================================== */

static void set_err(char *err, size_t errlen, const char *ifname,
                    const char *what, int rc)
{
	if (err != NULL && errlen > 0) {
		(void)snprintf(err, errlen, "xdp %s: %s: %s", ifname, what,
		               dz_strerror(rc));
	}
}

static int matches_from_listeners(net_xdp_t *x, const net_t *net)
{
	if (net->nls > NET_XDP_MATCH_MAX) {
		return DZ_ELIMIT;
	}
	for (size_t i = 0; i < net->nls; i++) {
		const struct sockaddr_storage *a = &net->ls[i].addr;
		net_xdp_match_t *m = &x->match[i];
		memset(m, 0, sizeof(*m));
		m->family = a->ss_family;
		if (a->ss_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)a;
			memcpy(m->addr, &s->sin_addr, 4);
			m->port = ntohs(s->sin_port);
			m->any = s->sin_addr.s_addr == htonl(INADDR_ANY);
		} else {
			const struct sockaddr_in6 *s = (const void *)a;
			memcpy(m->addr, &s->sin6_addr, 16);
			m->port = ntohs(s->sin6_port);
			m->any = IN6_IS_ADDR_UNSPECIFIED(&s->sin6_addr);
		}
	}
	x->nmatch = net->nls;
	return DZ_OK;
}

static int load_prog(net_xdp_t *x, char *err, size_t errlen)
{
	struct bpf_insn insns[NET_XDP_PROG_MAX];
	int n = net_xdp_prog_build(x->match, x->nmatch, x->map_fd, XDP_PASS,
	                           FRAME_SIZE - RX_HEADROOM, insns,
	                           NET_XDP_PROG_MAX);
	if (n < 0) {
		set_err(err, errlen, x->ifname, "filter program", n);
		return n;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	x->prog_fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "dynzoned", "BSD",
	                           insns, (size_t)n, &opts);
	if (x->prog_fd < 0) {
		int rc = dz_errno();
		set_err(err, errlen, x->ifname, "load filter program", rc);
		return rc;
	}
	return DZ_OK;
}

static int queue_umem(net_xdp_queue_t *q)
{
	size_t size = (size_t)NFRAMES * FRAME_SIZE;
	void *area = mmap(NULL, size, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		return DZ_ENOMEM;
	}
	q->area = area;
	struct xsk_umem_config uc = {.fill_size = RING_RX,
	                             .comp_size = RING_TX,
	                             .frame_size = FRAME_SIZE,
	                             .frame_headroom = 0};
	int rc = xsk_umem__create(&q->umem, area, size, &q->fq, &q->cq, &uc);
	return rc == 0 ? DZ_OK : (rc < 0 ? rc : DZ_EIO);
}

/* The first RING_RX frames wait in the fill ring, the rest answer. */
static void queue_frames(net_xdp_queue_t *q)
{
	uint32_t idx = 0;
	uint32_t got = xsk_ring_prod__reserve(&q->fq, RING_RX, &idx);
	for (uint32_t i = 0; i < got; i++) {
		*xsk_ring_prod__fill_addr(&q->fq, idx + i) =
		        (uint64_t)i * FRAME_SIZE;
	}
	xsk_ring_prod__submit(&q->fq, got);
	for (uint32_t i = 0; i < RING_TX; i++) {
		q->free_tx[i] = (uint64_t)(RING_RX + i) * FRAME_SIZE;
	}
	q->nfree = RING_TX;
}

static int queue_new(net_xdp_t *x, net_t *net, unsigned qid, bool copy,
                     net_xdp_queue_t **out)
{
	net_xdp_queue_t *q = aligned_alloc(64, (sizeof(*q) + 63) & ~(size_t)63);
	if (q == NULL) {
		return DZ_ENOMEM;
	}
	memset(q, 0, sizeof(*q));
	q->net = net;
	q->qid = qid;
	*out = q;
	int rc = queue_umem(q);
	if (rc != DZ_OK) {
		return rc;
	}
	struct xsk_socket_config sc = {
	        .rx_size = RING_RX,
	        .tx_size = RING_TX,
	        .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	        .bind_flags = copy ? XDP_COPY : 0,
	};
	rc = xsk_socket__create(&q->xsk, x->ifname, qid, q->umem, &q->rx,
	                        &q->tx, &sc);
	if (rc != 0) {
		return rc < 0 ? rc : DZ_EIO;
	}
	int fd = xsk_socket__fd(q->xsk);
	int key = (int)qid;
	if (bpf_map_update_elem(x->map_fd, &key, &fd, 0) != 0) {
		return dz_errno();
	}
	queue_frames(q);
	return DZ_OK;
}

static void queue_free(net_xdp_queue_t *q)
{
	if (q == NULL) {
		return;
	}
	if (q->xsk != NULL) {
		xsk_socket__delete(q->xsk);
	}
	if (q->umem != NULL) {
		(void)xsk_umem__delete(q->umem);
	}
	if (q->area != NULL) {
		munmap(q->area, (size_t)NFRAMES * FRAME_SIZE);
	}
	free(q);
}

/*
 * A queue stays busy for a moment after the AF_XDP socket that had it is
 * closed (the kernel releases its memory from a work queue): a daemon
 * restarted at once would find it so. Try again for up to 2 s, each time
 * from scratch (a failed bind leaves the UMEM in no known state).
 */
#define BUSY_TRIES 40
#define BUSY_WAIT_US 50000

static int queue_new_retry(net_xdp_t *x, net_t *net, unsigned qid, bool copy,
                           net_xdp_queue_t **out)
{
	int rc = DZ_OK;
	for (int i = 0; i < BUSY_TRIES; i++) {
		rc = queue_new(x, net, qid, copy, out);
		if (rc != -EBUSY) {
			return rc;
		}
		queue_free(*out);
		*out = NULL;
		usleep(BUSY_WAIT_US);
	}
	return rc;
}

/*
 * Attach through a BPF link: the program goes away with the daemon, even
 * when it is killed, so a crash never leaves frames redirected to nobody.
 * Native (driver) mode first; interfaces without it (lo, veth without
 * support) take generic mode, whose sockets must copy.
 */
static int attach(net_xdp_t *x, bool *copy)
{
	static const unsigned modes[] = {XDP_FLAGS_DRV_MODE,
	                                 XDP_FLAGS_SKB_MODE};
	int rc = DZ_ENOTSUP;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = modes[i]);
		x->link_fd = bpf_link_create(x->prog_fd, x->ifindex, BPF_XDP,
		                             &lo);
		if (x->link_fd >= 0) {
			*copy = modes[i] == XDP_FLAGS_SKB_MODE;
			return DZ_OK;
		}
		rc = dz_errno();
		if (rc == DZ_EEXIST || rc == -EBUSY) {
			break; /* another XDP program holds the interface */
		}
	}
	return rc;
}

static int setup_queues(net_xdp_t *x, net_t *net, bool copy, char *err,
                        size_t errlen)
{
	x->q = calloc(x->nq, sizeof(*x->q));
	if (x->q == NULL) {
		return DZ_ENOMEM;
	}
	for (unsigned i = 0; i < x->nq; i++) {
		int rc = queue_new_retry(x, net, i, copy, &x->q[i]);
		if (rc != DZ_OK) {
			set_err(err, errlen, x->ifname, "AF_XDP socket", rc);
			return rc;
		}
	}
	return DZ_OK;
}

/*
 * Largest answer: udp-max-payload, within what the interface MTU carries
 * and a frame holds after the headers (the larger, IPv6, counted), never
 * below 512 (RFC 1035 §4.2.1).
 */
static size_t answer_cap(const net_xdp_t *x, const net_t *net)
{
	size_t ip_udp = DZ_FRAME_HDR6_LEN - DZ_FRAME_ETH_LEN;
	size_t cap = FRAME_SIZE - DZ_FRAME_HDR6_LEN;
	size_t mtu = x->mtu > ip_udp ? x->mtu - ip_udp : 0;
	cap = cap < mtu ? cap : mtu;
	cap = cap < net->conf.udp_max_payload ? cap : net->conf.udp_max_payload;
	return cap < 512 ? 512 : cap;
}

/*
 * The sockets must be in the map before the program is attached: until
 * then a frame for a queue without a socket would just take the ordinary
 * path (the program's fallback), but there is no reason to allow it.
 * Generic mode is only known after attaching, so the sockets are made for
 * copy mode when the driver mode attach fails, then attached.
 */
static int setup(net_xdp_t *x, net_t *net, char *err, size_t errlen)
{
	int rc = matches_from_listeners(x, net);
	if (rc != DZ_OK) {
		set_err(err, errlen, x->ifname, "too many listen addresses",
		        rc);
		return rc;
	}
	x->map_fd = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "dynzoned_xsks", 4, 4,
	                           x->nq, NULL);
	if (x->map_fd < 0) {
		rc = dz_errno();
		set_err(err, errlen, x->ifname, "socket map", rc);
		return rc;
	}
	rc = load_prog(x, err, errlen);
	if (rc != DZ_OK) {
		return rc;
	}
	rc = attach(x, &x->generic);
	if (rc != DZ_OK) {
		set_err(err, errlen, x->ifname, "attach", rc);
		return rc;
	}
	x->resp_cap = answer_cap(x, net);
	return setup_queues(x, net, x->generic, err, errlen);
}

static void xdp_free(net_xdp_t *x)
{
	if (x == NULL) {
		return;
	}
	/* Detach first: no frame is redirected to a closing socket. */
	if (x->link_fd >= 0) {
		close(x->link_fd);
	}
	for (unsigned i = 0; x->q != NULL && i < x->nq; i++) {
		queue_free(x->q[i]);
	}
	free(x->q);
	if (x->prog_fd >= 0) {
		close(x->prog_fd);
	}
	if (x->map_fd >= 0) {
		close(x->map_fd);
	}
	free(x);
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0; /* errors come back as status codes, logged by the daemon */
}

int net_xdp_setup(net_t *net, char *err, size_t errlen)
{
	const char *ifname = net->conf.xdp_interface;
	net_xdp_t *x = calloc(1, sizeof(*x));
	if (x == NULL) {
		return DZ_ENOMEM;
	}
	x->map_fd = x->prog_fd = x->link_fd = -1;
	snprintf(x->ifname, sizeof(x->ifname), "%s", ifname);
	libbpf_set_print(silent);
	x->ifindex = (int)if_nametoindex(ifname);
	int rc = x->ifindex > 0 ? DZ_OK : DZ_ENOENT;
	int nq = rc == DZ_OK ? net_xdp_queues(ifname) : rc;
	if (nq < 0 || (unsigned)nq != net->conf.xdp_queues) {
		rc = nq < 0 ? nq : DZ_EINVAL;
	}
	if (rc == DZ_OK) {
		x->nq = (unsigned)nq;
		rc = if_mtu(ifname, &x->mtu);
	}
	if (rc != DZ_OK) {
		set_err(err, errlen, ifname, "interface", rc);
	} else {
		rc = setup(x, net, err, errlen);
	}
	if (rc != DZ_OK) {
		xdp_free(x);
		return rc;
	}
	net->xdp = x;
	return DZ_OK;
}

/* ===== Answering ========================================================== */

static void frame_addrs(const dz_frame_t *f, int ifindex,
                        struct sockaddr_storage *peer,
                        struct sockaddr_storage *local)
{
	memset(peer, 0, sizeof(*peer));
	memset(local, 0, sizeof(*local));
	if (f->family == AF_INET) {
		struct sockaddr_in *p = (void *)peer, *l = (void *)local;
		p->sin_family = l->sin_family = AF_INET;
		memcpy(&p->sin_addr, f->src_ip, 4);
		memcpy(&l->sin_addr, f->dst_ip, 4);
		p->sin_port = htons(f->src_port);
		l->sin_port = htons(f->dst_port);
	} else {
		struct sockaddr_in6 *p = (void *)peer, *l = (void *)local;
		p->sin6_family = l->sin6_family = AF_INET6;
		memcpy(&p->sin6_addr, f->src_ip, 16);
		memcpy(&l->sin6_addr, f->dst_ip, 16);
		p->sin6_port = htons(f->src_port);
		l->sin6_port = htons(f->dst_port);
		/* Link-local addresses mean something on this interface only
		 * (a deferred answer goes out through a socket). */
		if (IN6_IS_ADDR_LINKLOCAL(&p->sin6_addr)) {
			p->sin6_scope_id = (uint32_t)ifindex;
		}
		if (IN6_IS_ADDR_LINKLOCAL(&l->sin6_addr)) {
			l->sin6_scope_id = (uint32_t)ifindex;
		}
	}
}

/* The listener the frame was sent to (the program matched one). */
static size_t find_listener(const net_xdp_t *x, const dz_frame_t *f)
{
	size_t alen = f->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < x->nmatch; i++) {
		const net_xdp_match_t *m = &x->match[i];
		if (m->family == f->family && m->port == f->dst_port &&
		    (m->any || memcmp(m->addr, f->dst_ip, alen) == 0)) {
			return i;
		}
	}
	return SIZE_MAX;
}

/*
 * Answer one frame into the answer frame at \p tx_addr. Returns the reply
 * frame's length, 0 when the answer comes later (deferred), or -1 when
 * there is nothing to send (not a frame of ours, or the handler dropped it).
 */
static int answer(net_xdp_queue_t *q, const uint8_t *frame, size_t len,
                     uint64_t tx_addr)
{
	net_t *net = q->net;
	dz_frame_t f;
	size_t li;
	if (dz_frame_parse(frame, len, &f) != DZ_OK ||
	    (li = find_listener(net->xdp, &f)) == SIZE_MAX) {
		return -1;
	}
	struct sockaddr_storage peer, local;
	frame_addrs(&f, net->xdp->ifindex, &peer, &local);
	uint8_t *out = q->area + tx_addr;
	size_t hdr = dz_frame_hdr_len(f.family);
	/* A deferred answer leaves through the listener's first socket,
	 * from the address the query went to. */
	size_t ctrl_len = net->xdp->match[li].any
	                          ? net_udp_ctrl(&local, &q->ctrl)
	                          : 0;
	net_query_t nq = {
	        .req = frame + f.payload_off,
	        .req_len = f.payload_len,
	        .peer = (const struct sockaddr *)&peer,
	        .local = (const struct sockaddr *)&local,
	        .transport = NET_UDP,
	        .resp = out + hdr,
	        .resp_cap = net->xdp->resp_cap,
	        .worker_ctx = q->ctx,
	        .net = net,
	        .udp_fd = net->udp_fds[li],
	        .udp_ctrl = q->ctrl.buf,
	        .udp_ctrl_len = ctrl_len,
	};
	int rlen = net->conf.handler(net->conf.ctx, &nq);
	if (rlen == NET_DEFERRED && nq.deferred != NULL) {
		return 0;
	}
	free(nq.deferred); /* deferred, then answered now after all */
	if (rlen <= 0 || (size_t)rlen > net->xdp->resp_cap) {
		return -1;
	}
	int flen = dz_frame_write_reply(out, FRAME_SIZE, &f, (size_t)rlen);
	return flen > 0 ? flen : -1;
}

/* Answers the kernel has sent: their frames are free again. */
static void reap(net_xdp_queue_t *q)
{
	uint32_t idx = 0;
	uint32_t n = xsk_ring_cons__peek(&q->cq, RING_TX, &idx);
	for (uint32_t i = 0; i < n; i++) {
		q->free_tx[q->nfree++] = *xsk_ring_cons__comp_addr(&q->cq,
		                                                   idx + i);
	}
	xsk_ring_cons__release(&q->cq, n);
}

/* Answers still in the TX ring, not yet taken by the kernel. */
static bool tx_waiting(const net_xdp_queue_t *q)
{
	return __atomic_load_n(q->tx.consumer, __ATOMIC_ACQUIRE) !=
	       q->tx.cached_prod;
}

static void kick(net_xdp_queue_t *q)
{
	/* Copy mode sends on this call; the status only says "busy, try
	 * again", which the next round does (tx_waiting). */
	(void)sendto(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

static void refill(net_xdp_queue_t *q, uint32_t n)
{
	uint32_t idx = 0;
	/* The fill ring has room: it lent us exactly these frames. */
	uint32_t got = xsk_ring_prod__reserve(&q->fq, n, &idx);
	for (uint32_t i = 0; i < got; i++) {
		*xsk_ring_prod__fill_addr(&q->fq, idx + i) = q->done_rx[i];
	}
	xsk_ring_prod__submit(&q->fq, got);
}

static void transmit(net_xdp_queue_t *q, uint32_t k)
{
	uint32_t idx = 0;
	if (k == 0) {
		return;
	}
	uint32_t got = xsk_ring_prod__reserve(&q->tx, k, &idx);
	for (uint32_t i = 0; i < got; i++) {
		*xsk_ring_prod__tx_desc(&q->tx, idx + i) = q->out[i];
	}
	xsk_ring_prod__submit(&q->tx, got);
	for (uint32_t i = got; i < k; i++) { /* ring full: cannot happen */
		q->free_tx[q->nfree++] = q->out[i].addr;
		net_count(&q->stats.dropped);
	}
	atomic_fetch_add_explicit(&q->stats.sent, got, memory_order_relaxed);
}

/* One batch: returns how many frames it took from the RX ring. */
static uint32_t serve_batch(net_xdp_queue_t *q)
{
	reap(q);
	uint32_t idx = 0;
	uint32_t n = xsk_ring_cons__peek(&q->rx, XDP_BATCH, &idx);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx,
		                                                  idx + i);
		q->done_rx[i] = d->addr;
		net_count(&q->stats.received);
		/* No free answer frame: every one is in flight, drop. */
		int flen = -1;
		if (q->nfree > 0) {
			uint64_t tx = q->free_tx[q->nfree - 1];
			flen = answer(q, q->area + d->addr, d->len, tx);
			if (flen > 0) {
				q->nfree--;
				q->out[k++] = (struct xdp_desc){
				        .addr = tx, .len = (uint32_t)flen};
			}
		}
		if (flen < 0) {
			net_count(&q->stats.dropped);
		}
	}
	xsk_ring_cons__release(&q->rx, n);
	refill(q, n);
	transmit(q, k);
	if (k > 0 || tx_waiting(q)) {
		kick(q);
	}
	return n;
}

/* ===== Threads ============================================================ */

static void hook(net_xdp_queue_t *q, net_thread_event_t ev)
{
	const net_config_t *conf = &q->net->conf;
	if (conf->thread_hook != NULL) {
		conf->thread_hook(conf->ctx, q->ctx, ev);
	}
}

static void *queue_main(void *arg)
{
	net_xdp_queue_t *q = arg;
	struct pollfd pfd[2] = {
	        {.fd = xsk_socket__fd(q->xsk), .events = POLLIN},
	        {.fd = q->net->wake[0], .events = POLLIN},
	};
	hook(q, NET_THREAD_START);
	for (;;) {
		/* Answers the kernel has not taken yet need another kick. */
		int timeout = tx_waiting(q) ? TX_RETRY_MS : -1;
		hook(q, NET_THREAD_IDLE_BEGIN);
		int rc = poll(pfd, 2, timeout);
		hook(q, NET_THREAD_IDLE_END);
		if (rc < 0) {
			continue; /* EINTR, or ENOMEM: try again */
		}
		if (pfd[1].revents != 0) {
			break; /* net_stop */
		}
		if (rc == 0) {
			reap(q);
			kick(q);
			continue;
		}
		for (int r = 0; r < ROUNDS_PER_WAKEUP; r++) {
			if (serve_batch(q) < XDP_BATCH) {
				break;
			}
		}
	}
	hook(q, NET_THREAD_STOP);
	return NULL;
}

static int queue_start(net_t *net, net_xdp_queue_t *q)
{
	/* Context ids: UDP workers, the TCP loop, then one per queue. */
	unsigned id = net->conf.udp_workers + 1 + q->qid;
	int rc = net_thread_start(net, id, &q->ctx, &q->ctx_made, &q->thread,
	                          queue_main, q);
	q->started = rc == DZ_OK;
	return rc;
}

int net_xdp_start(net_t *net)
{
	net_xdp_t *x = net->xdp;
	for (unsigned i = 0; x != NULL && i < x->nq; i++) {
		int rc = queue_start(net, x->q[i]);
		if (rc != DZ_OK) {
			return rc;
		}
	}
	return DZ_OK;
}

/* After net_udp_stop has made the wake pipe readable. */
void net_xdp_stop(net_t *net)
{
	net_xdp_t *x = net->xdp;
	for (unsigned i = 0; x != NULL && i < x->nq; i++) {
		if (x->q[i]->started) {
			pthread_join(x->q[i]->thread, NULL);
			x->q[i]->started = false;
		}
	}
}

void net_xdp_free(net_t *net)
{
	net_xdp_t *x = net->xdp;
	for (unsigned i = 0; x != NULL && i < x->nq; i++) {
		net_xdp_queue_t *q = x->q[i];
		if (q != NULL && q->ctx_made && net->conf.worker_fini != NULL) {
			net->conf.worker_fini(net->conf.ctx, q->ctx);
		}
	}
	xdp_free(x);
	net->xdp = NULL;
}

int net_xdp_info(const net_t *net, unsigned *queues, bool *generic)
{
	if (net->xdp == NULL) {
		return DZ_ENOENT;
	}
	*queues = net->xdp->nq;
	*generic = net->xdp->generic;
	return DZ_OK;
}

void net_xdp_stats(const net_t *net, net_counters_t *out)
{
	const net_xdp_t *x = net->xdp;
	for (unsigned i = 0; x != NULL && i < x->nq; i++) {
		const net_xdp_queue_t *q = x->q[i];
		out->received += atomic_load_explicit(&q->stats.received,
		                                      memory_order_relaxed);
		out->sent += atomic_load_explicit(&q->stats.sent,
		                                  memory_order_relaxed);
		out->dropped += atomic_load_explicit(&q->stats.dropped,
		                                     memory_order_relaxed);
	}
}
