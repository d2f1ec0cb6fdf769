/* SPDX-License-Identifier: BSD-3-Clause */
/* A small asynchronous stub resolver on the libuv loop: A and AAAA of a host name from the configured resolvers. */
#include "server/notify/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "server/net/net_addr.h"

#define RESOLVE_MAX_SERVERS 4
#define RESOLVE_QUERY_MAX 512
#define RESOLVE_ANSWER_RRS 64
/* Largest answer read: a resolver's UDP answer to an address query. */
#define RESOLVE_ANSWER_MAX 4096

typedef struct lookup lookup_t;

struct resolve {
	uv_loop_t *loop;
	struct sockaddr_storage servers[RESOLVE_MAX_SERVERS];
	size_t nservers;
	unsigned timeout_ms, tries;
	lookup_t *lookups; /* in flight */
};

/* One name: an A and an AAAA query on one socket. */
struct lookup {
	lookup_t *next;
	resolve_t *r;
	uv_udp_t sock;
	uv_timer_t timer;
	unsigned closing; /* handles still to close */
	resolve_cb cb;
	void *arg;
	uint8_t name[DZ_NAME_MAXLEN];
	uint16_t id[2];       /* A, AAAA */
	bool done[2];
	uint16_t rcode[2];
	unsigned try;
	size_t naddrs;
	struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS];
};

/* ===== resolv.conf ========================================================= */

/* The system's resolvers: only used when server.resolver is not set. */
static size_t read_resolv_conf(struct sockaddr_storage *out, size_t cap)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	size_t n = 0;
	char line[256], addr[128];
	while (f != NULL && n < cap && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " nameserver %127s", addr) == 1 &&
		    net_addr_parse(addr, NET_PORT_DEFAULT, &out[n]) == DZ_OK) {
			n++;
		}
	}
	if (f != NULL) {
		(void)fclose(f); /* read only: nothing to lose */
	}
	return n;
}

int resolve_new(uv_loop_t *loop, const struct sockaddr_storage *servers,
                size_t nservers, unsigned timeout_ms, unsigned tries,
                resolve_t **out)
{
	resolve_t *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return DZ_ENOMEM;
	}
	r->loop = loop;
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : 1000;
	r->tries = tries > 0 ? tries : 3;
	if (nservers == 0) {
		r->nservers = read_resolv_conf(r->servers, RESOLVE_MAX_SERVERS);
	}
	for (size_t i = 0; i < nservers && i < RESOLVE_MAX_SERVERS; i++) {
		r->servers[r->nservers++] = servers[i];
	}
	*out = r;
	return DZ_OK;
}

/* ===== one lookup ========================================================== */

static void lookup_closed(uv_handle_t *h)
{
	lookup_t *l = h->data;
	if (--l->closing == 0) {
		free(l);
	}
}

static void lookup_unlink(lookup_t *l)
{
	for (lookup_t **p = &l->r->lookups; *p != NULL; p = &(*p)->next) {
		if (*p == l) {
			*p = l->next;
			break;
		}
	}
	l->closing = 2;
	uv_close((uv_handle_t *)&l->sock, lookup_closed);
	uv_close((uv_handle_t *)&l->timer, lookup_closed);
}

static const char *failure_reason(const lookup_t *l, bool timed_out)
{
	if (timed_out) {
		return "timeout";
	}
	for (int i = 0; i < 2; i++) {
		if (l->rcode[i] == DZ_RCODE_NXDOMAIN) {
			return "nxdomain";
		}
	}
	for (int i = 0; i < 2; i++) {
		if (l->rcode[i] == DZ_RCODE_SERVFAIL) {
			return "servfail";
		}
		if (l->rcode[i] == DZ_RCODE_REFUSED) {
			return "refused";
		}
	}
	return "no-address";
}

/* Report and release. A lookup with some addresses succeeds even when
 * its other query timed out (an IPv4-only host, a lossy resolver). */
static void lookup_finish(lookup_t *l, bool timed_out)
{
	uv_udp_recv_stop(&l->sock);
	uv_timer_stop(&l->timer);
	if (l->naddrs > 0) {
		l->cb(l->arg, DZ_OK, l->addrs, l->naddrs, NULL);
	} else {
		l->cb(l->arg, DZ_ENOTFOUND, NULL, 0,
		      failure_reason(l, timed_out));
	}
	lookup_unlink(l);
}

static int build_query(const lookup_t *l, int i, uint8_t *buf, size_t cap)
{
	dz_msg_hdr_t hdr = {.id = l->id[i], .rd = true,
	                    .opcode = DZ_OPCODE_QUERY};
	dz_msg_render_t rr;
	int ret = dz_msg_render_begin(&rr, buf, cap, &hdr);
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&rr, l->name,
		                             i == 0 ? DZ_RR_A : DZ_RR_AAAA,
		                             DZ_CLASS_IN);
	}
	return ret == DZ_OK ? dz_msg_render_finish(&rr) : ret;
}

static void send_queries(lookup_t *l)
{
	const struct sockaddr_storage *srv =
	        &l->r->servers[l->try % l->r->nservers];
	for (int i = 0; i < 2; i++) {
		uint8_t buf[RESOLVE_QUERY_MAX];
		int len = l->done[i] ? 0 : build_query(l, i, buf, sizeof(buf));
		if (len <= 0) {
			continue;
		}
		uv_buf_t b = uv_buf_init((char *)buf, (unsigned)len);
		/* A send error is a lost datagram: the timer retries. */
		(void)uv_udp_try_send(&l->sock, &b, 1,
		                      (const struct sockaddr *)srv);
	}
	l->try++;
}

static void on_timer(uv_timer_t *h)
{
	lookup_t *l = h->data;
	if (l->try >= l->r->tries) {
		lookup_finish(l, l->naddrs == 0);
		return;
	}
	send_queries(l);
	uv_timer_start(&l->timer, on_timer, l->r->timeout_ms, 0);
}

static void add_addr(lookup_t *l, const dz_msg_t *m, const dz_msg_rr_t *rr)
{
	struct sockaddr_storage ss = {0};
	const uint8_t *rd = m->pkt + rr->rdata;
	if (l->naddrs >= RESOLVE_MAX_ADDRS || rr->rclass != DZ_CLASS_IN) {
		return;
	}
	if (rr->type == DZ_RR_A && rr->rdlen == 4) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		memcpy(&s->sin_addr, rd, 4);
	} else if (rr->type == DZ_RR_AAAA && rr->rdlen == 16) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, rd, 16);
	} else {
		return;
	}
	l->addrs[l->naddrs++] = ss;
}

/* A resolver answers with the CNAME chain and the addresses at its end:
 * every A/AAAA of the answer section belongs to the name asked for. */
static void take_answer(lookup_t *l, const uint8_t *pkt, size_t len)
{
	dz_msg_rr_t rrs[RESOLVE_ANSWER_RRS];
	dz_msg_t m;
	dz_msg_init(&m, rrs, RESOLVE_ANSWER_RRS);
	if (dz_msg_parse(&m, pkt, len, NULL, NULL) != DZ_OK || !m.hdr.qr) {
		return;
	}
	int i = m.hdr.id == l->id[0] ? 0 : m.hdr.id == l->id[1] ? 1 : -1;
	if (i < 0 || l->done[i] || !dz_name_equal(m.qname, l->name)) {
		return;
	}
	l->done[i] = true;
	l->rcode[i] = dz_msg_rcode(&m);
	uint32_t n = 0;
	const dz_msg_rr_t *an = dz_msg_section(&m, DZ_MSG_AN, &n);
	for (uint32_t k = 0; k < n; k++) {
		add_addr(l, &m, &an[k]);
	}
}

static void on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                    const struct sockaddr *from, unsigned flags)
{
	lookup_t *l = h->data;
	(void)flags;
	if (nread > 0 && from != NULL) {
		take_answer(l, (const uint8_t *)buf->base, (size_t)nread);
	}
	free(buf->base);
	if (l->done[0] && l->done[1]) {
		lookup_finish(l, false);
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = malloc(RESOLVE_ANSWER_MAX);
	buf->len = buf->base != NULL ? RESOLVE_ANSWER_MAX : 0;
}

static int lookup_open(resolve_t *r, lookup_t *l)
{
	int family = r->servers[0].ss_family;
	int ret = uv_udp_init_ex(r->loop, &l->sock, (unsigned)family);
	if (ret != 0) {
		r->lookups = l->next; /* just linked at the head */
		free(l);
		return ret;
	}
	l->sock.data = l;
	(void)uv_timer_init(r->loop, &l->timer); /* cannot fail */
	l->timer.data = l;
	ret = uv_udp_recv_start(&l->sock, on_alloc, on_recv);
	if (ret != 0) {
		lookup_unlink(l);
	}
	return ret;
}

int resolve_start(resolve_t *r, const uint8_t *name, resolve_cb cb,
                  void *arg)
{
	if (r->nservers == 0) {
		return DZ_ENOENT;
	}
	lookup_t *l = calloc(1, sizeof(*l));
	if (l == NULL) {
		return DZ_ENOMEM;
	}
	l->r = r;
	l->cb = cb;
	l->arg = arg;
	dz_name_copy(l->name, name);
	/* Not a secret: the answer must also come back to this socket. */
	l->id[0] = (uint16_t)(uv_hrtime() ^ (uintptr_t)l);
	l->id[1] = (uint16_t)(l->id[0] + 1);
	l->next = r->lookups;
	r->lookups = l;
	int ret = lookup_open(r, l);
	if (ret != 0) {
		return ret; /* unlinked and freed */
	}
	send_queries(l);
	uv_timer_start(&l->timer, on_timer, r->timeout_ms, 0);
	return DZ_OK;
}

void resolve_free(resolve_t *r)
{
	if (r == NULL) {
		return;
	}
	while (r->lookups != NULL) {
		lookup_t *l = r->lookups;
		l->cb(l->arg, -ECANCELED, NULL, 0, "canceled");
		lookup_unlink(l);
	}
	free(r);
}
