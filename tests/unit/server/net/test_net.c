/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of server/net over real loopback sockets: addresses, UDP workers, TCP framing, limits, streams, stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "lib/util/errcode.h"
#include "server/net/net.h"
#include "server/net/net_addr.h"

/* ===== The handler ====================================================== */

/*
 * Byte 3 of a query (the low flags byte) tells the handler what to do; the
 * answer is the query with QR set, so tests can match it byte for byte.
 */
#define MODE_ECHO 0x00
#define MODE_DROP 0xD0
#define MODE_ERROR 0xE0
#define MODE_STREAM 0xEE
#define MODE_BIG 0xB0
#define MODE_STREAM_FOREVER 0xEF
#define MODE_DEFER 0xDE /* answered later, from the loop (net_reply_send) */
#define QLEN 17
#define STREAM_MSGS 3
#define MAX_WORKERS 4

static atomic_int g_worker_hits[MAX_WORKERS + 1];
static atomic_int g_inits, g_finis, g_stream_frees;
static pthread_mutex_t g_local_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sockaddr_storage g_last_local;

typedef struct {
	uint8_t query[QLEN];
	int sent;
	bool forever; /* 64 KiB messages until the connection goes */
} stream_t;

static int stream_next(void *sctx, uint8_t *buf, size_t cap)
{
	stream_t *s = sctx;
	if (s->forever) {
		memset(buf, 0xCD, cap);
		return (int)cap;
	}
	if (s->sent == STREAM_MSGS || cap < QLEN) {
		return 0;
	}
	memcpy(buf, s->query, QLEN);
	buf[2] |= 0x80;
	buf[3] = (uint8_t)s->sent++;
	return QLEN;
}

static void stream_free(void *sctx)
{
	atomic_fetch_add(&g_stream_frees, 1);
	free(sctx);
}

static int start_stream(net_query_t *q)
{
	stream_t *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return DZ_ENOMEM;
	}
	memcpy(s->query, q->req, QLEN);
	s->forever = q->req[3] == MODE_STREAM_FOREVER;
	int rc = net_query_set_stream(q, stream_next, stream_free, s);
	if (rc != DZ_OK) {
		free(s);
		return rc;
	}
	return NET_STREAM;
}

/* Deferred answers wait here until the test asks the loop to send them. */
#define MAX_DEFERRED 8
static pthread_mutex_t g_defer_lock = PTHREAD_MUTEX_INITIALIZER;
static net_reply_t *g_deferred[MAX_DEFERRED];
static uint8_t g_deferred_msg[MAX_DEFERRED][QLEN];
static atomic_int g_ndeferred;

static int defer_query(net_query_t *q)
{
	net_reply_t *r = NULL;
	pthread_mutex_lock(&g_defer_lock);
	int n = atomic_load(&g_ndeferred);
	if (n == MAX_DEFERRED || q->req_len != QLEN ||
	    net_query_defer(q, &r) != DZ_OK) {
		pthread_mutex_unlock(&g_defer_lock);
		return DZ_EMALF;
	}
	g_deferred[n] = r;
	memcpy(g_deferred_msg[n], q->req, QLEN);
	g_deferred_msg[n][2] ^= 0x80;
	g_deferred_msg[n][3] = MODE_ECHO; /* the answer matches an echo */
	atomic_store(&g_ndeferred, n + 1);
	pthread_mutex_unlock(&g_defer_lock);
	return NET_DEFERRED;
}

/* Loop thread: send every deferred answer (what a zone writer's answers
 * do through their uv_async). */
static void on_deliver(uv_async_t *a)
{
	(void)a;
	pthread_mutex_lock(&g_defer_lock);
	int n = atomic_load(&g_ndeferred);
	for (int i = 0; i < n; i++) {
		(void)net_reply_send(g_deferred[i], g_deferred_msg[i], QLEN);
	}
	atomic_store(&g_ndeferred, 0);
	pthread_mutex_unlock(&g_defer_lock);
}

static int handler(void *ctx, net_query_t *q)
{
	(void)ctx;
	if (q->worker_ctx != NULL) {
		atomic_fetch_add((atomic_int *)q->worker_ctx, 1);
	}
	pthread_mutex_lock(&g_local_lock);
	memcpy(&g_last_local, q->local, net_addr_len(q->local));
	pthread_mutex_unlock(&g_local_lock);
	uint8_t mode = q->req_len > 3 ? q->req[3] : MODE_ECHO;
	switch (mode) {
	case MODE_DROP:
		return 0;
	case MODE_DEFER:
		return defer_query(q);
	case MODE_ERROR:
		return DZ_EMALF;
	case MODE_STREAM:
	case MODE_STREAM_FOREVER:
		return q->req_len == QLEN ? start_stream(q) : DZ_EMALF;
	case MODE_BIG:
		memset(q->resp, 0xAB, q->resp_cap);
		memcpy(q->resp, q->req, 2);
		return (int)q->resp_cap;
	default: {
		/* Never more than resp_cap: a UDP slot is udp_max_payload. */
		size_t n = q->req_len < q->resp_cap ? q->req_len : q->resp_cap;
		memcpy(q->resp, q->req, n);
		q->resp[2] ^= 0x80;
		return (int)n;
	}
	}
}

static int worker_init(void *ctx, unsigned id, void **wctx)
{
	(void)ctx;
	assert_true(id <= MAX_WORKERS);
	atomic_fetch_add(&g_inits, 1);
	*wctx = &g_worker_hits[id];
	return DZ_OK;
}

static void worker_fini(void *ctx, void *wctx)
{
	(void)ctx;
	(void)wctx;
	atomic_fetch_add(&g_finis, 1);
}

/* ===== A server on its own loop thread =================================== */

typedef struct {
	uv_loop_t loop;
	uv_async_t stop;
	uv_async_t deliver; /* sends the deferred answers */
	pthread_t thread;
	net_t *net;
	struct sockaddr_storage addr; /* bound, port resolved */
	bool running;
} fix_t;

/* The server of the current test; the teardown stops it if a test failed. */
static fix_t g_fix;

static void on_stop(uv_async_t *a)
{
	fix_t *f = a->data;
	on_deliver(&f->deliver); /* none may stay owed */
	net_stop(f->net);
	uv_close((uv_handle_t *)&f->deliver, NULL);
	uv_close((uv_handle_t *)a, NULL);
}

static void *loop_main(void *arg)
{
	fix_t *f = arg;
	(void)uv_run(&f->loop, UV_RUN_DEFAULT);
	return NULL;
}

static net_config_t base_conf(void)
{
	net_config_t c = {
	        .handler = handler,
	        .worker_init = worker_init,
	        .worker_fini = worker_fini,
	        .udp_workers = 1,
	};
	return c;
}

static void fix_start(fix_t *f, const char *listen, const net_config_t *conf)
{
	struct sockaddr_storage ss;
	char err[256] = "";
	memset(f, 0, sizeof(*f));
	for (int i = 0; i <= MAX_WORKERS; i++) {
		atomic_store(&g_worker_hits[i], 0);
	}
	atomic_store(&g_stream_frees, 0);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	assert_int_equal(net_new(&f->loop, conf, &f->net), DZ_OK);
	assert_int_equal(net_addr_parse(listen, 53, &ss), DZ_OK);
	int rc = net_bind(f->net, &ss, 1, err, sizeof(err));
	if (rc != DZ_OK) {
		fail_msg("bind: %s", err);
	}
	assert_int_equal(net_bound_addr(f->net, 0, &f->addr), DZ_OK);
	assert_int_equal(uv_async_init(&f->loop, &f->stop, on_stop), 0);
	f->stop.data = f;
	assert_int_equal(uv_async_init(&f->loop, &f->deliver, on_deliver), 0);
	atomic_store(&g_ndeferred, 0);
	assert_int_equal(net_start(f->net), DZ_OK);
	assert_int_equal(pthread_create(&f->thread, NULL, loop_main, f), 0);
	f->running = true;
}

static void fix_stop(fix_t *f)
{
	int inits = atomic_load(&g_inits);
	f->running = false;
	assert_int_equal(uv_async_send(&f->stop), 0);
	assert_int_equal(pthread_join(f->thread, NULL), 0);
	net_free(f->net);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	assert_int_equal(atomic_load(&g_finis), inits);
}

static int teardown(void **state)
{
	(void)state;
	if (g_fix.running) {
		fix_stop(&g_fix);
	}
	return 0;
}

static net_stats_t stats(const fix_t *f)
{
	net_stats_t s;
	net_stats_get(f->net, &s);
	return s;
}

/* Poll stats until \p ok holds or 1 s passes (no fixed sleeps). */
static bool wait_for(const fix_t *f, bool (*ok)(const net_stats_t *, uint64_t),
                     uint64_t arg)
{
	for (int i = 0; i < 200; i++) {
		net_stats_t s = stats(f);
		if (ok(&s, arg)) {
			return true;
		}
		usleep(5000);
	}
	return false;
}

/* ===== Client helpers ==================================================== */

static int client(int family, int type, int timeout_ms)
{
	int fd = socket(family, type, 0);
	assert_true(fd >= 0);
	struct timeval tv = {.tv_sec = timeout_ms / 1000,
	                     .tv_usec = (timeout_ms % 1000) * 1000};
	assert_int_equal(
	        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	return fd;
}

static int tcp_connect(const fix_t *f)
{
	int fd = client(f->addr.ss_family, SOCK_STREAM, 1000);
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	assert_int_equal(
	        connect(fd, (const struct sockaddr *)&f->addr,
	                net_addr_len((const struct sockaddr *)&f->addr)),
	        0);
	return fd;
}

static void make_query(uint8_t q[QLEN], uint16_t id, uint8_t mode)
{
	for (int i = 0; i < QLEN; i++) {
		q[i] = (uint8_t)(i * 7 + id);
	}
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[2] &= 0x7f;
	q[3] = mode;
}

/* Frame a query for TCP into \p out (2 + QLEN bytes). */
static void frame_query(uint8_t *out, uint16_t id, uint8_t mode)
{
	out[0] = 0;
	out[1] = QLEN;
	make_query(out + 2, id, mode);
}

static void send_all(int fd, const void *buf, size_t len)
{
	assert_int_equal(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Read exactly \p len bytes; returns len, 0 on EOF, -errno on error/timeout. */
static ssize_t recv_exact(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = recv(fd, buf + got, len - got, 0);
		if (r == 0) {
			return 0;
		}
		if (r < 0) {
			return -errno;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Read one framed answer and check it is the echo of query \p id. */
static void expect_tcp_echo(int fd, uint16_t id)
{
	uint8_t want[QLEN], got[2 + QLEN];
	make_query(want, id, MODE_ECHO);
	want[2] |= 0x80;
	assert_int_equal(recv_exact(fd, got, sizeof(got)), sizeof(got));
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], QLEN);
	assert_memory_equal(got + 2, want, QLEN);
}

/* The server closed: EOF or a reset, within the receive timeout. */
static void expect_closed(int fd)
{
	uint8_t b;
	ssize_t r = recv(fd, &b, 1, 0);
	assert_true(r == 0 || (r < 0 && errno == ECONNRESET));
}

static bool have_ipv6(void)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0) {
		return false;
	}
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
	                            .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	bool ok = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0;
	close(fd);
	return ok;
}

/* ===== Addresses ========================================================= */

static void addr_parse_reads_v4_v6_and_default_port(void **state)
{
	(void)state;
	struct sockaddr_storage ss;
	char buf[NET_ADDR_STRLEN];
	assert_int_equal(net_addr_parse("127.0.0.1@5353", 53, &ss), DZ_OK);
	assert_int_equal(
	        net_addr_to_str((struct sockaddr *)&ss, buf, sizeof(buf)),
	        strlen("127.0.0.1#5353"));
	assert_string_equal(buf, "127.0.0.1#5353");
	assert_int_equal(net_addr_parse("::1@5353", 53, &ss), DZ_OK);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_true(net_addr_to_str((struct sockaddr *)&ss, buf, sizeof(buf)) >
	            0);
	assert_string_equal(buf, "::1#5353");
	assert_int_equal(net_addr_parse("0.0.0.0", 53, &ss), DZ_OK);
	assert_int_equal(net_addr_port((struct sockaddr *)&ss), 53);
	assert_int_equal(net_addr_parse("::", 53, &ss), DZ_OK);
	assert_true(net_addr_to_str((struct sockaddr *)&ss, buf, sizeof(buf)) >
	            0);
	assert_string_equal(buf, "::#53");
	assert_int_equal(net_addr_parse("fe80::1%1@53", 53, &ss), DZ_OK);
	assert_int_equal(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 1);
}

static void addr_parse_rejects_names_and_bad_ports(void **state)
{
	(void)state;
	static const char *bad[] = {
	        "",
	        "localhost",
	        "ns1.example@53",
	        "127.0.0.1@",
	        "1.2.3@53",
	        "127.0.0.1@65536",
	        "127.0.0.1@x",
	        "::1@-1",
	        "::1@123456",
	        "[::1]@53",
	        "fe80::1%@53",
	        "1.2.3.4@5@6",
	        "fe80::1%no-such-if0@53",
	};
	struct sockaddr_storage ss;
	memset(&ss, 0x5a, sizeof(ss));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(net_addr_parse(bad[i], 53, &ss), DZ_ESYNTAX);
	}
	assert_int_equal(((uint8_t *)&ss)[0], 0x5a); /* untouched on failure */
}

static void addr_to_str_reports_short_buffer(void **state)
{
	(void)state;
	struct sockaddr_storage ss;
	char buf[8];
	assert_int_equal(net_addr_parse("127.0.0.1@5353", 53, &ss), DZ_OK);
	assert_int_equal(
	        net_addr_to_str((struct sockaddr *)&ss, buf, sizeof(buf)),
	        DZ_ESPACE);
	ss.ss_family = AF_UNIX;
	assert_int_equal(
	        net_addr_to_str((struct sockaddr *)&ss, buf, sizeof(buf)),
	        DZ_EINVAL);
}

/* ===== Binding =========================================================== */

static void bind_in_use_reports_address_and_errno_text(void **state)
{
	(void)state;
	uv_loop_t loop;
	net_t *net;
	struct sockaddr_in sin = {.sin_family = AF_INET,
	                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);

	net_config_t conf = base_conf();
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(net_new(&loop, &conf, &net), DZ_OK);
	struct sockaddr_storage ss;
	char addr[32], err[256] = "";
	snprintf(addr, sizeof(addr), "127.0.0.1@%u", ntohs(sin.sin_port));
	assert_int_equal(net_addr_parse(addr, 53, &ss), DZ_OK);
	assert_int_equal(net_bind(net, &ss, 1, err, sizeof(err)), -EADDRINUSE);
	snprintf(addr, sizeof(addr), "127.0.0.1#%u", ntohs(sin.sin_port));
	assert_non_null(strstr(err, addr));
	assert_non_null(strstr(err, strerror(EADDRINUSE)));
	assert_int_equal(net_bound_addr(net, 0, &ss), DZ_ENOENT);
	assert_int_equal(net_start(net), DZ_EINVAL);
	net_free(net);
	close(fd);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* ===== UDP =============================================================== */

static bool udp_sent_at_least(const net_stats_t *s, uint64_t n)
{
	return s->transport[NET_UDP].sent >= n;
}

static void udp_two_workers_answer_every_datagram(void **state)
{
	(void)state;
	enum { CLIENTS = 32, PER_CLIENT = 4 };
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	conf.udp_workers = 2;
	fix_start(f, "127.0.0.1@0", &conf);
	int fds[CLIENTS];
	socklen_t alen = net_addr_len((struct sockaddr *)&f->addr);
	/* Many source ports: SO_REUSEPORT hashes them over both workers. */
	for (int c = 0; c < CLIENTS; c++) {
		fds[c] = client(AF_INET, SOCK_DGRAM, 1000);
		for (int i = 0; i < PER_CLIENT; i++) {
			uint8_t q[QLEN];
			make_query(q, (uint16_t)(c * PER_CLIENT + i),
			           MODE_ECHO);
			assert_int_equal(sendto(fds[c], q, QLEN, 0,
			                        (struct sockaddr *)&f->addr,
			                        alen),
			                 QLEN);
		}
	}
	for (int c = 0; c < CLIENTS; c++) {
		for (int i = 0; i < PER_CLIENT; i++) {
			uint8_t want[QLEN], got[QLEN + 1];
			make_query(want, (uint16_t)(c * PER_CLIENT + i),
			           MODE_ECHO);
			want[2] |= 0x80;
			assert_int_equal(recv(fds[c], got, sizeof(got), 0),
			                 QLEN);
			assert_memory_equal(got, want, QLEN);
		}
		close(fds[c]);
	}
	assert_true(atomic_load(&g_worker_hits[0]) > 0);
	assert_true(atomic_load(&g_worker_hits[1]) > 0);
	assert_true(wait_for(f, udp_sent_at_least, CLIENTS * PER_CLIENT));
	net_stats_t s = stats(f);
	assert_int_equal(s.transport[NET_UDP].received, CLIENTS * PER_CLIENT);
	assert_int_equal(s.transport[NET_UDP].sent, CLIENTS * PER_CLIENT);
	assert_int_equal(s.transport[NET_UDP].dropped, 0);
	fix_stop(f);
}

static void udp_reply_leaves_from_queried_address(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "0.0.0.0@0", &conf);
	/* 127.0.0.2 is loopback too: the wildcard socket receives it. */
	struct sockaddr_in dst = {
	        .sin_family = AF_INET,
	        .sin_port = htons(net_addr_port((struct sockaddr *)&f->addr))};
	inet_pton(AF_INET, "127.0.0.2", &dst.sin_addr);
	int fd = client(AF_INET, SOCK_DGRAM, 1000);
	uint8_t q[QLEN], got[QLEN];
	make_query(q, 7, MODE_ECHO);
	assert_int_equal(
	        sendto(fd, q, QLEN, 0, (struct sockaddr *)&dst, sizeof(dst)),
	        QLEN);
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	assert_int_equal(recvfrom(fd, got, sizeof(got), 0,
	                          (struct sockaddr *)&from, &flen),
	                 QLEN);
	assert_int_equal(from.sin_addr.s_addr, dst.sin_addr.s_addr);
	assert_int_equal(from.sin_port, dst.sin_port);
	char buf[NET_ADDR_STRLEN], want[NET_ADDR_STRLEN];
	pthread_mutex_lock(&g_local_lock);
	assert_true(net_addr_to_str((struct sockaddr *)&g_last_local, buf,
	                            sizeof(buf)) > 0);
	pthread_mutex_unlock(&g_local_lock);
	snprintf(want, sizeof(want), "127.0.0.2#%u", ntohs(dst.sin_port));
	assert_string_equal(buf, want);
	close(fd);
	fix_stop(f);
}

static void udp_ipv6_answers_on_loopback(void **state)
{
	(void)state;
	if (!have_ipv6()) {
		skip();
	}
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "::1@0", &conf);
	int fd = client(AF_INET6, SOCK_DGRAM, 1000);
	uint8_t q[QLEN], got[QLEN];
	make_query(q, 9, MODE_ECHO);
	assert_int_equal(sendto(fd, q, QLEN, 0, (struct sockaddr *)&f->addr,
	                        sizeof(struct sockaddr_in6)),
	                 QLEN);
	assert_int_equal(recv(fd, got, sizeof(got), 0), QLEN);
	assert_int_equal(got[2], q[2] | 0x80);
	char buf[NET_ADDR_STRLEN];
	pthread_mutex_lock(&g_local_lock);
	assert_true(net_addr_to_str((struct sockaddr *)&g_last_local, buf,
	                            sizeof(buf)) > 0);
	pthread_mutex_unlock(&g_local_lock);
	assert_memory_equal(buf, "::1#", 4);
	close(fd);
	fix_stop(f);
}

static bool udp_dropped_at_least(const net_stats_t *s, uint64_t n)
{
	return s->transport[NET_UDP].dropped >= n;
}

static void udp_handler_zero_or_error_sends_nothing(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = client(AF_INET, SOCK_DGRAM, 200);
	uint8_t q[QLEN], got[QLEN];
	make_query(q, 1, MODE_DROP);
	assert_int_equal(sendto(fd, q, QLEN, 0, (struct sockaddr *)&f->addr,
	                        sizeof(struct sockaddr_in)),
	                 QLEN);
	make_query(q, 2, MODE_ERROR);
	assert_int_equal(sendto(fd, q, QLEN, 0, (struct sockaddr *)&f->addr,
	                        sizeof(struct sockaddr_in)),
	                 QLEN);
	/* A stream is TCP only: on UDP it is refused and nothing is sent. */
	make_query(q, 3, MODE_STREAM);
	assert_int_equal(sendto(fd, q, QLEN, 0, (struct sockaddr *)&f->addr,
	                        sizeof(struct sockaddr_in)),
	                 QLEN);
	assert_true(wait_for(f, udp_dropped_at_least, 3));
	assert_int_equal(recv(fd, got, sizeof(got), 0), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	net_stats_t s = stats(f);
	assert_int_equal(s.transport[NET_UDP].received, 3);
	assert_int_equal(s.transport[NET_UDP].sent, 0);
	assert_int_equal(s.transport[NET_UDP].dropped, 3);
	close(fd);
	fix_stop(f);
}

/* A datagram of \p len bytes whose header asks for an echo. */
static void send_sized(const fix_t *f, int fd, uint16_t id, size_t len,
                       uint8_t *buf)
{
	memset(buf, 0x5A, len);
	make_query(buf, id, MODE_ECHO);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&f->addr,
	                        sizeof(struct sockaddr_in)),
	                 (ssize_t)len);
}

static void udp_query_over_4096_dropped_and_counted_4000_answered(void **state)
{
	(void)state;
	enum { BIG = 5000, FITS = 4000 };
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	conf.udp_max_payload = 4096; /* the echo of FITS fits an answer slot */
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = client(AF_INET, SOCK_DGRAM, 300);
	static uint8_t q[BIG], got[BIG + 1];
	send_sized(f, fd, 1, BIG, q);
	assert_true(wait_for(f, udp_dropped_at_least, 1));
	assert_int_equal(recv(fd, got, sizeof(got), 0), -1);
	net_stats_t s = stats(f);
	assert_int_equal(s.transport[NET_UDP].received, 1);
	assert_int_equal(s.transport[NET_UDP].dropped, 1);
	assert_int_equal(s.transport[NET_UDP].sent, 0);
	assert_int_equal(atomic_load(&g_worker_hits[0]), 0); /* not handled */
	/* NET_UDP_QUERY_MAX exactly is still whole; one more is not. */
	static const size_t sizes[] = {FITS, NET_UDP_QUERY_MAX};
	for (size_t i = 0; i < 2; i++) {
		send_sized(f, fd, (uint16_t)(2 + i), sizes[i], q);
		assert_int_equal(recv(fd, got, sizeof(got), 0),
		                 (ssize_t)sizes[i]);
		q[2] |= 0x80;
		assert_memory_equal(got, q, sizes[i]);
	}
	send_sized(f, fd, 4, NET_UDP_QUERY_MAX + 1, q);
	assert_true(wait_for(f, udp_dropped_at_least, 2));
	assert_int_equal(recv(fd, got, sizeof(got), 0), -1);
	s = stats(f);
	assert_int_equal(s.transport[NET_UDP].sent, 2);
	assert_int_equal(s.transport[NET_UDP].dropped, 2);
	close(fd);
	fix_stop(f);
}

/* MODE_BIG fills resp_cap: the answer's size is the slot's. */
static void udp_resp_cap_is_udp_max_payload(void **state)
{
	(void)state;
	static const struct {
		uint16_t conf, want;
	} cases[] = {{0, NET_UDP_PAYLOAD_DEFAULT}, {3000, 3000}, {100, 512}};
	for (size_t c = 0; c < 3; c++) {
		fix_t *f = &g_fix;
		net_config_t conf = base_conf();
		conf.udp_max_payload = cases[c].conf;
		fix_start(f, "127.0.0.1@0", &conf);
		int fd = client(AF_INET, SOCK_DGRAM, 1000);
		uint8_t q[QLEN];
		static uint8_t got[8192];
		make_query(q, 5, MODE_BIG);
		assert_int_equal(sendto(fd, q, QLEN, 0,
		                        (struct sockaddr *)&f->addr,
		                        sizeof(struct sockaddr_in)),
		                 QLEN);
		assert_int_equal(recv(fd, got, sizeof(got), 0),
		                 (ssize_t)cases[c].want);
		assert_int_equal(got[cases[c].want - 1], 0xAB);
		close(fd);
		fix_stop(f);
	}
}

/* ===== TCP =============================================================== */

static void tcp_answers_one_query(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[2 + QLEN];
	frame_query(m, 42, MODE_ECHO);
	send_all(fd, m, sizeof(m));
	expect_tcp_echo(fd, 42);
	/* The TCP side has its own worker context, id = udp_workers. */
	assert_int_equal(atomic_load(&g_worker_hits[1]), 1);
	net_stats_t s = stats(f);
	assert_int_equal(s.transport[NET_TCP].received, 1);
	assert_int_equal(s.tcp_accepted, 1);
	assert_int_equal(s.tcp_open, 1);
	close(fd);
	fix_stop(f);
}

static void tcp_answers_five_pipelined_queries_in_one_write(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[5 * (2 + QLEN)];
	for (int i = 0; i < 5; i++) {
		frame_query(m + i * (2 + QLEN), (uint16_t)(100 + i), MODE_ECHO);
	}
	send_all(fd, m, sizeof(m));
	for (int i = 0; i < 5; i++) {
		expect_tcp_echo(fd, (uint16_t)(100 + i));
	}
	close(fd);
	fix_stop(f);
}

static void tcp_answers_query_sent_byte_by_byte(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[2 * (2 + QLEN)];
	frame_query(m, 5, MODE_ECHO);
	frame_query(m + 2 + QLEN, 6, MODE_ECHO);
	for (size_t i = 0; i < sizeof(m); i++) {
		send_all(fd, m + i, 1);
		usleep(500);
	}
	expect_tcp_echo(fd, 5);
	expect_tcp_echo(fd, 6);
	close(fd);
	fix_stop(f);
}

static void tcp_zero_length_closes_connection(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[2 + QLEN + 2];
	frame_query(m, 8, MODE_ECHO);
	m[2 + QLEN] = 0;
	m[2 + QLEN + 1] = 0;
	send_all(fd, m, sizeof(m));
	expect_tcp_echo(fd, 8); /* the query before it is still answered */
	expect_closed(fd);
	close(fd);
	fix_stop(f);
}

static void tcp_drop_and_error_send_nothing_but_keep_connection(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[3 * (2 + QLEN)];
	frame_query(m, 1, MODE_DROP);
	frame_query(m + (2 + QLEN), 2, MODE_ERROR);
	frame_query(m + 2 * (2 + QLEN), 3, MODE_ECHO);
	send_all(fd, m, sizeof(m));
	expect_tcp_echo(fd, 3);
	net_stats_t s = stats(f);
	assert_int_equal(s.transport[NET_TCP].received, 3);
	assert_int_equal(s.transport[NET_TCP].dropped, 2);
	close(fd);
	fix_stop(f);
}

static bool tcp_timeouts_at_least(const net_stats_t *s, uint64_t n)
{
	return s->tcp_timeouts >= n;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void tcp_idle_timeout_closes_connection(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	conf.tcp_idle_ms = 150;
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[2 + QLEN];
	frame_query(m, 1, MODE_ECHO);
	send_all(fd, m, sizeof(m));
	expect_tcp_echo(fd, 1);
	/* Half a message does not count as activity. */
	send_all(fd, m, 5);
	double t0 = now_ms();
	expect_closed(fd);
	double waited = now_ms() - t0;
	assert_true(waited >= 100 && waited < 900);
	assert_true(wait_for(f, tcp_timeouts_at_least, 1));
	assert_int_equal(stats(f).tcp_open, 0);
	close(fd);
	fix_stop(f);
}

static bool tcp_refused_at_least(const net_stats_t *s, uint64_t n)
{
	return s->tcp_refused >= n;
}

static void tcp_connection_limit_closes_extra_connections(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	conf.tcp_max_conns = 2;
	fix_start(f, "127.0.0.1@0", &conf);
	uint8_t m[2 + QLEN];
	frame_query(m, 1, MODE_ECHO);
	int a = tcp_connect(f);
	int b = tcp_connect(f);
	send_all(a, m, sizeof(m));
	expect_tcp_echo(a, 1);
	send_all(b, m, sizeof(m));
	expect_tcp_echo(b, 1);
	int c = tcp_connect(f); /* the kernel accepts; the server closes */
	expect_closed(c);
	assert_true(wait_for(f, tcp_refused_at_least, 1));
	/* The first two still work. */
	send_all(a, m, sizeof(m));
	expect_tcp_echo(a, 1);
	close(c);
	close(b);
	close(a);
	fix_stop(f);
}

static void tcp_slow_client_does_not_block_others(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int slow = tcp_connect(f);
	/* Announces the largest message, sends a few bytes of it, stalls. */
	uint8_t partial[12] = {0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	send_all(slow, partial, sizeof(partial));
	int fast = tcp_connect(f);
	uint8_t m[2 + QLEN];
	for (uint16_t id = 0; id < 3; id++) {
		frame_query(m, id, MODE_ECHO);
		send_all(fast, m, sizeof(m));
		expect_tcp_echo(fast, id);
	}
	net_stats_t s = stats(f);
	assert_int_equal(s.transport[NET_TCP].received, 3);
	assert_int_equal(s.tcp_open, 2);
	close(fast);
	close(slow);
	fix_stop(f);
}

static void tcp_stream_sends_every_message_then_next_answer(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[2 * (2 + QLEN)];
	frame_query(m, 77, MODE_STREAM);
	frame_query(m + 2 + QLEN, 78, MODE_ECHO);
	send_all(fd, m, sizeof(m));
	for (int i = 0; i < STREAM_MSGS; i++) {
		uint8_t got[2 + QLEN];
		assert_int_equal(recv_exact(fd, got, sizeof(got)), sizeof(got));
		assert_int_equal(got[1], QLEN);
		assert_int_equal(got[2], 0);
		assert_int_equal(got[3], 77);
		assert_int_equal(got[5], i); /* message number */
	}
	expect_tcp_echo(fd, 78); /* the query behind the stream waited */
	assert_int_equal(atomic_load(&g_stream_frees), 1);
	close(fd);
	fix_stop(f);
}

static bool tcp_received_at_least(const net_stats_t *s, uint64_t n)
{
	return s->transport[NET_TCP].received >= n;
}

static void tcp_stop_frees_open_stream_and_connections(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fds[4];
	for (int i = 0; i < 4; i++) {
		fds[i] = tcp_connect(f);
	}
	uint8_t m[2 + QLEN];
	frame_query(m, 1, MODE_ECHO);
	send_all(fds[0], m, sizeof(m));
	expect_tcp_echo(fds[0], 1);
	send_all(fds[1], m, 7); /* half a message */
	frame_query(m, 2, MODE_BIG);
	send_all(fds[2], m, sizeof(m)); /* a large answer, never read */
	frame_query(m, 3, MODE_STREAM_FOREVER);
	send_all(fds[3], m, sizeof(m)); /* a stream, never read */
	assert_true(wait_for(f, tcp_received_at_least, 3));
	fix_stop(f);
	/* ASan checks the rest: buffers, queued writes, the stream's context.
	 */
	assert_int_equal(atomic_load(&g_stream_frees), 1);
	for (int i = 0; i < 2; i++) {
		expect_closed(fds[i]);
		close(fds[i]);
	}
	close(fds[2]);
	close(fds[3]);
}

static void
tcp_backpressure_stops_reading_a_client_that_does_not_read(void **state)
{
	(void)state;
	enum { QUERIES = 200 };
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	conf.tcp_write_max = 64 * 1024;
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int small = 4096;
	assert_int_equal(
	        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)),
	        0);
	assert_int_equal(connect(fd, (struct sockaddr *)&f->addr,
	                         sizeof(struct sockaddr_in)),
	                 0);
	static uint8_t m[QUERIES * (2 + QLEN)];
	for (int i = 0; i < QUERIES; i++) {
		frame_query(m + i * (2 + QLEN), (uint16_t)i, MODE_BIG);
	}
	send_all(fd, m, sizeof(m));
	/* 200 answers of 64 KiB outgrow every buffer on the way: it stalls. */
	assert_true(wait_for(f, tcp_received_at_least, 2));
	usleep(100 * 1000);
	uint64_t stalled = stats(f).transport[NET_TCP].received;
	assert_true(stalled < QUERIES);
	static uint8_t big[2 + NET_MSG_MAX];
	for (int i = 0; i < QUERIES; i++) {
		assert_int_equal(recv_exact(fd, big, sizeof(big)), sizeof(big));
		assert_int_equal(big[0], 0xff);
		assert_int_equal(big[1], 0xff);
		assert_int_equal(big[2], 0);
		assert_int_equal(big[3], (uint8_t)i);
	}
	assert_int_equal(stats(f).transport[NET_TCP].received, QUERIES);
	close(fd);
	fix_stop(f);
}

static void tcp_ipv6_answers_on_loopback(void **state)
{
	(void)state;
	if (!have_ipv6()) {
		skip();
	}
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "::1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[2 + QLEN];
	frame_query(m, 9, MODE_ECHO);
	send_all(fd, m, sizeof(m));
	expect_tcp_echo(fd, 9);
	close(fd);
	fix_stop(f);
}

static void stop_without_start_closes_sockets(void **state)
{
	(void)state;
	uv_loop_t loop;
	net_t *net;
	net_config_t conf = base_conf();
	struct sockaddr_storage ss, bound;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(net_new(&loop, &conf, &net), DZ_OK);
	assert_int_equal(net_addr_parse("127.0.0.1@0", 53, &ss), DZ_OK);
	assert_int_equal(net_bind(net, &ss, 1, NULL, 0), DZ_OK);
	assert_int_equal(net_bind(net, &ss, 1, NULL, 0), DZ_EINVAL);
	assert_int_equal(net_bound_addr(net, 0, &bound), DZ_OK);
	assert_int_not_equal(net_addr_port((struct sockaddr *)&bound), 0);
	net_free(net);
	/* The port is free again. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(
	        bind(fd, (struct sockaddr *)&bound, sizeof(struct sockaddr_in)),
	        0);
	close(fd);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void new_rejects_missing_handler(void **state)
{
	(void)state;
	uv_loop_t loop;
	net_t *net = NULL;
	net_config_t conf = {0};
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(net_new(&loop, &conf, &net), DZ_EINVAL);
	assert_null(net);
	net_free(NULL);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* ===== Deferred answers ================================================== */

static bool deferred_at_least(int n)
{
	for (int i = 0; i < 200; i++) {
		if (atomic_load(&g_ndeferred) >= n) {
			return true;
		}
		usleep(5000);
	}
	return false;
}

static bool udp_sent_exactly(const net_stats_t *s, uint64_t n)
{
	return s->transport[NET_UDP].sent == n;
}

static void udp_deferred_reply_leaves_from_queried_address(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "0.0.0.0@0", &conf);
	struct sockaddr_in dst = {
	        .sin_family = AF_INET,
	        .sin_port = htons(net_addr_port((struct sockaddr *)&f->addr))};
	inet_pton(AF_INET, "127.0.0.2", &dst.sin_addr);
	int fd = client(AF_INET, SOCK_DGRAM, 200);
	uint8_t q[QLEN], got[QLEN], want[QLEN];
	make_query(q, 9, MODE_DEFER);
	assert_int_equal(
	        sendto(fd, q, QLEN, 0, (struct sockaddr *)&dst, sizeof(dst)),
	        QLEN);
	assert_true(deferred_at_least(1));
	assert_int_equal(recv(fd, got, sizeof(got), 0), -1); /* not yet */
	assert_int_equal(uv_async_send(&f->deliver), 0);
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	struct timeval tv = {.tv_sec = 1};
	assert_int_equal(
	        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(recvfrom(fd, got, sizeof(got), 0,
	                          (struct sockaddr *)&from, &flen),
	                 QLEN);
	/* From the address the query went to, not the wildcard's choice. */
	assert_int_equal(from.sin_addr.s_addr, dst.sin_addr.s_addr);
	assert_int_equal(from.sin_port, dst.sin_port);
	make_query(want, 9, MODE_ECHO);
	want[2] |= 0x80;
	assert_memory_equal(got, want, QLEN);
	assert_true(wait_for(f, udp_sent_exactly, 1));
	close(fd);
	fix_stop(f);
}

static void tcp_deferred_reply_lets_later_queries_answer_first(void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[2 * (2 + QLEN)];
	frame_query(m, 1, MODE_DEFER);
	frame_query(m + 2 + QLEN, 2, MODE_ECHO);
	send_all(fd, m, sizeof(m));
	expect_tcp_echo(fd, 2); /* RFC 7766 §7: out of order */
	assert_true(deferred_at_least(1));
	assert_int_equal(uv_async_send(&f->deliver), 0);
	expect_tcp_echo(fd, 1);
	frame_query(m, 3, MODE_ECHO); /* the connection carries on */
	send_all(fd, m, 2 + QLEN);
	expect_tcp_echo(fd, 3);
	close(fd);
	fix_stop(f);
}

static bool tcp_dropped_and_closed(const net_stats_t *s, uint64_t n)
{
	return s->transport[NET_TCP].dropped >= n && s->tcp_open == 0;
}

static void tcp_deferred_reply_after_close_is_dropped_and_counted(
        void **state)
{
	(void)state;
	fix_t *f = &g_fix;
	net_config_t conf = base_conf();
	fix_start(f, "127.0.0.1@0", &conf);
	int fd = tcp_connect(f);
	uint8_t m[2 + QLEN];
	frame_query(m, 4, MODE_DEFER);
	send_all(fd, m, sizeof(m));
	assert_true(deferred_at_least(1));
	/* A reset (linger 0): the connection is gone before the answer. */
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)),
	                 0);
	close(fd);
	usleep(20000); /* let the loop see the reset first */
	assert_int_equal(stats(f).transport[NET_TCP].dropped, 0);
	assert_int_equal(uv_async_send(&f->deliver), 0);
	assert_true(wait_for(f, tcp_dropped_and_closed, 1));
	assert_int_equal(stats(f).transport[NET_TCP].sent, 0);
	fix_stop(f); /* ASan: the connection was freed with its last hold */
}

static void defer_twice_is_eexist(void **state)
{
	(void)state;
	net_query_t q;
	memset(&q, 0, sizeof(q));
	struct sockaddr_in peer = {.sin_family = AF_INET};
	q.peer = (const struct sockaddr *)&peer;
	q.transport = NET_UDP;
	q.udp_fd = -1;
	net_reply_t *r = NULL, *r2 = NULL;
	assert_int_equal(net_query_defer(&q, &r), DZ_OK);
	assert_int_equal(net_query_defer(&q, &r2), DZ_EEXIST);
	assert_null(r2);
	assert_int_equal(net_reply_send(NULL, NULL, 0), DZ_EINVAL);
	free(r); /* what a handler that changed its mind makes net do */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(addr_parse_reads_v4_v6_and_default_port),
	        cmocka_unit_test(addr_parse_rejects_names_and_bad_ports),
	        cmocka_unit_test(addr_to_str_reports_short_buffer),
	        cmocka_unit_test(new_rejects_missing_handler),
	        cmocka_unit_test(defer_twice_is_eexist),
	        cmocka_unit_test_teardown(
	                udp_deferred_reply_leaves_from_queried_address, teardown),
	        cmocka_unit_test_teardown(
	                tcp_deferred_reply_lets_later_queries_answer_first,
	                teardown),
	        cmocka_unit_test_teardown(
	                tcp_deferred_reply_after_close_is_dropped_and_counted,
	                teardown),
	        cmocka_unit_test(bind_in_use_reports_address_and_errno_text),
	        cmocka_unit_test(stop_without_start_closes_sockets),
	        cmocka_unit_test_teardown(udp_two_workers_answer_every_datagram,
	                                  teardown),
	        cmocka_unit_test_teardown(udp_reply_leaves_from_queried_address,
	                                  teardown),
	        cmocka_unit_test_teardown(udp_ipv6_answers_on_loopback,
	                                  teardown),
	        cmocka_unit_test_teardown(
	                udp_handler_zero_or_error_sends_nothing, teardown),
	        cmocka_unit_test_teardown(
	                udp_query_over_4096_dropped_and_counted_4000_answered,
	                teardown),
	        cmocka_unit_test_teardown(udp_resp_cap_is_udp_max_payload,
	                                  teardown),
	        cmocka_unit_test_teardown(tcp_answers_one_query, teardown),
	        cmocka_unit_test_teardown(
	                tcp_answers_five_pipelined_queries_in_one_write,
	                teardown),
	        cmocka_unit_test_teardown(tcp_answers_query_sent_byte_by_byte,
	                                  teardown),
	        cmocka_unit_test_teardown(tcp_zero_length_closes_connection,
	                                  teardown),
	        cmocka_unit_test_teardown(
	                tcp_drop_and_error_send_nothing_but_keep_connection,
	                teardown),
	        cmocka_unit_test_teardown(tcp_idle_timeout_closes_connection,
	                                  teardown),
	        cmocka_unit_test_teardown(
	                tcp_connection_limit_closes_extra_connections,
	                teardown),
	        cmocka_unit_test_teardown(tcp_slow_client_does_not_block_others,
	                                  teardown),
	        cmocka_unit_test_teardown(
	                tcp_stream_sends_every_message_then_next_answer,
	                teardown),
	        cmocka_unit_test_teardown(
	                tcp_stop_frees_open_stream_and_connections, teardown),
	        cmocka_unit_test_teardown(
	                tcp_backpressure_stops_reading_a_client_that_does_not_read,
	                teardown),
	        cmocka_unit_test_teardown(tcp_ipv6_answers_on_loopback,
	                                  teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
