/* SPDX-License-Identifier: BSD-3-Clause */
/* Sending NOTIFY to one target (RFC 1996 §3): build, sign, retransmit with back-off, match the answer, coalesce newer serials. */
#include "server/notify/notify_internal.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"
#include "server/dispatch.h"
#include "server/log/log.h"
#include "server/net/net_addr.h"
#include "server/stats/stats.h"

/* Answers are small: header, question, maybe a SOA and a TSIG. */
#define NOTIFY_ANSWER_MAX 4096
#define NOTIFY_ANSWER_RRS 16

static uint16_t new_id(void)
{
	uint16_t id = 0;
	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id)) {
		id = (uint16_t)uv_hrtime(); /* no entropy yet: still unique */
	}
	return id;
}

static bool same_addr(const struct sockaddr_storage *a,
                      const struct sockaddr *b)
{
	socklen_t len = net_addr_len(b);
	return len > 0 && a->ss_family == b->sa_family &&
	       net_addr_port((const struct sockaddr *)a) == net_addr_port(b) &&
	       (b->sa_family == AF_INET
	                ? memcmp(&((const struct sockaddr_in *)a)->sin_addr,
	                         &((const struct sockaddr_in *)b)->sin_addr,
	                         4) == 0
	                : memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	                         &((const struct sockaddr_in6 *)b)->sin6_addr,
	                         16) == 0);
}

static bool same_path(const notify_path_t *a, const notify_path_t *b)
{
	return a->has_via == b->has_via &&
	       (!a->has_via || memcmp(&a->via, &b->via, sizeof(a->via)) == 0);
}

/* ===== the message ======================================================== */

/* RFC 1996 §3.7: opcode NOTIFY, AA, the zone's SOA as the question and,
 * optionally, the new SOA in the answer section (a hint). */
static int build(notify_target_t *t)
{
	const notify_zone_t *z = t->zone;
	dz_msg_hdr_t hdr = {.id = t->id, .aa = true,
	                    .opcode = DZ_OPCODE_NOTIFY};
	dz_msg_render_t r;
	int ret = dz_msg_render_begin(&r, t->msg, sizeof(t->msg), &hdr);
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&r, z->name, DZ_RR_SOA,
		                             DZ_CLASS_IN);
	}
	if (ret == DZ_OK && t->path.has_key) {
		ret = dz_msg_render_reserve(&r, dz_tsig_wire_size(&t->path.key, 0));
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_rr(&r, DZ_MSG_AN, z->name, DZ_RR_SOA,
		                       DZ_CLASS_IN, z->soa_ttl, z->soa,
		                       z->soa_len);
	}
	int len = ret == DZ_OK ? dz_msg_render_finish(&r) : ret;
	if (len < 0) {
		return len;
	}
	t->len = (size_t)len;
	t->mac_len = 0;
	if (!t->path.has_key) {
		return DZ_OK;
	}
	uint64_t now = (uint64_t)time(NULL);
	return dz_tsig_sign(t->msg, &t->len, sizeof(t->msg), &t->path.key, now,
	                    DZ_TSIG_FUDGE_DEFAULT, NULL, 0, 0, NULL, 0, t->mac,
	                    &t->mac_len);
}

/* ===== retransmission ===================================================== */

static void addr_str(const notify_target_t *t, char *buf, size_t len)
{
	if (net_addr_to_str((const struct sockaddr *)&t->addr, buf, len) < 0) {
		buf[0] = '\0';
	}
}

static void on_timer(uv_timer_t *h);

static void send_try(notify_target_t *t)
{
	const notify_state_t *st = t->zone->st;
	char a[NET_ADDR_STRLEN];
	addr_str(t, a, sizeof(a));
	uv_buf_t b = uv_buf_init((char *)t->msg, (unsigned)t->len);
	t->tries++;
	/* Logged before the datagram leaves: logged after it, the line could
	 * carry a later time than the target's notify-received when this
	 * thread is preempted in between (a loaded machine), and the two
	 * logs would tell the chain backwards. */
	log_event(LOG_LEVEL_INFO, LOG_CAT_NOTIFY, t->zone->name, NULL,
	          "notify-sent", "target=%s name=%s serial=%u try=%u", a,
	          t->label, t->serial, t->tries);
	int ret = uv_udp_try_send(&t->sock, &b, 1,
	                          (const struct sockaddr *)&t->addr);
	if (ret < 0) {
		/* A datagram the kernel would not take is a lost one: the
		 * schedule goes on, and the log says why. */
		log_event(LOG_LEVEL_WARNING, LOG_CAT_NOTIFY, t->zone->name, NULL,
		          "notify-send-failed", "target=%s name=%s try=%u err=%s",
		          a, t->label, t->tries, uv_strerror(ret));
	}
	uv_timer_start(&t->timer, on_timer, st->schedule_ms[t->tries - 1], 0);
}

static void on_timer(uv_timer_t *h)
{
	notify_target_t *t = h->data;
	if (!t->outstanding) {
		return;
	}
	if (t->tries < t->zone->st->tries) {
		send_try(t);
		return;
	}
	t->outstanding = false;
	char a[NET_ADDR_STRLEN];
	addr_str(t, a, sizeof(a));
	log_event(LOG_LEVEL_WARNING, LOG_CAT_NOTIFY, t->zone->name, NULL,
	          "notify-timeout", "target=%s name=%s serial=%u tries=%u", a,
	          t->label, t->serial, t->tries);
	notify_target_result(t, "timeout tries=%u", t->tries);
}

/* ===== answers ============================================================= */

static const dz_tsig_key_t *own_key(void *ctx, const uint8_t *name,
                                    dz_tsig_alg_t alg)
{
	(void)alg;
	const dz_tsig_key_t *k = ctx;
	return dz_name_equal(k->name, name) ? k : NULL;
}

/* RFC 8945 §5.1: the answer to a signed request must be signed with the
 * same key over our MAC; anything else is not the target's answer. */
static bool answer_authentic(const notify_target_t *t, const dz_msg_t *m)
{
	if (!t->path.has_key) {
		return true;
	}
	size_t off = dz_tsig_offset(m);
	dz_tsig_result_t res;
	return off != 0 &&
	       dz_tsig_verify(m->pkt, m->len, off, own_key,
	                      (void *)&t->path.key, (uint64_t)time(NULL),
	                      t->mac, t->mac_len, &res) == DZ_OK;
}

static void take_answer(notify_target_t *t, const uint8_t *pkt, size_t len)
{
	dz_msg_rr_t rrs[NOTIFY_ANSWER_RRS];
	dz_msg_t m;
	dz_msg_init(&m, rrs, NOTIFY_ANSWER_RRS);
	if (dz_msg_parse(&m, pkt, len, NULL, NULL) != DZ_OK || !m.hdr.qr ||
	    m.hdr.id != t->id || m.hdr.opcode != DZ_OPCODE_NOTIFY ||
	    !t->outstanding || !answer_authentic(t, &m)) {
		return; /* late, spoofed or garbled: the schedule goes on */
	}
	t->outstanding = false;
	uv_timer_stop(&t->timer);
	char a[NET_ADDR_STRLEN], rc[16];
	addr_str(t, a, sizeof(a));
	uint16_t rcode = dz_msg_rcode(&m);
	const char *rname = stats_rcode_name(rcode, rc, sizeof(rc));
	uint64_t ms = notify_now_ms() - t->sent_ms;
	log_event(rcode == DZ_RCODE_NOERROR ? LOG_LEVEL_INFO
	                                    : LOG_LEVEL_WARNING,
	          LOG_CAT_NOTIFY, t->zone->name, NULL, "notify-answered",
	          "target=%s name=%s serial=%u rcode=%s tries=%u ms=%llu", a,
	          t->label, t->serial, rname, t->tries,
	          (unsigned long long)ms);
	notify_target_result(t, "%s ms=%llu", rname, (unsigned long long)ms);
}

static void on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                    const struct sockaddr *from, unsigned flags)
{
	notify_target_t *t = h->data;
	(void)flags;
	if (nread > 0 && from != NULL && same_addr(&t->addr, from)) {
		take_answer(t, (const uint8_t *)buf->base, (size_t)nread);
	}
	free(buf->base);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = malloc(NOTIFY_ANSWER_MAX);
	buf->len = buf->base != NULL ? NOTIFY_ANSWER_MAX : 0;
}

/* ===== targets ============================================================= */

/* libuv runs close callbacks in no promised order: free after both. */
static void on_closed(uv_handle_t *h)
{
	notify_target_t *t = h->data;
	if (--t->closing == 0) {
		free(t);
	}
}

void notify_target_close(notify_target_t *t)
{
	if (!t->open) {
		free(t);
		return;
	}
	t->closing = 2;
	uv_close((uv_handle_t *)&t->sock, on_closed);
	uv_close((uv_handle_t *)&t->timer, on_closed);
}

/* One socket per target: its answers come back to it, from its address,
 * with its ID - nothing else needs matching. */
static int target_open(notify_state_t *st, notify_target_t *t)
{
	uv_loop_t *loop = &st->srv->loop;
	int ret = uv_udp_init_ex(loop, &t->sock, t->addr.ss_family);
	if (ret != 0) {
		return ret;
	}
	(void)uv_timer_init(loop, &t->timer); /* cannot fail */
	t->sock.data = t;
	t->timer.data = t;
	t->open = true;
	if (t->path.has_via && t->path.via.ss_family == t->addr.ss_family) {
		ret = uv_udp_bind(&t->sock, (const struct sockaddr *)&t->path.via,
		                  0);
	}
	if (ret == 0) {
		ret = uv_udp_recv_start(&t->sock, on_alloc, on_recv);
	}
	return ret;
}

static notify_target_t *target_get(notify_zone_t *z,
                                   const struct sockaddr *addr,
                                   const notify_path_t *path, int *err)
{
	for (notify_target_t *t = z->targets; t != NULL; t = t->next) {
		if (same_addr(&t->addr, addr) && same_path(&t->path, path)) {
			return t;
		}
	}
	notify_target_t *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		*err = DZ_ENOMEM;
		return NULL;
	}
	t->zone = z;
	memcpy(&t->addr, addr, net_addr_len(addr));
	t->path = *path;
	*err = target_open(z->st, t);
	if (*err != 0) {
		notify_target_close(t);
		return NULL;
	}
	t->next = z->targets;
	z->targets = t;
	return t;
}

static void log_failed(const notify_zone_t *z, const char *label,
                       const struct sockaddr *addr, const char *err)
{
	char a[NET_ADDR_STRLEN] = "-";
	(void)net_addr_to_str(addr, a, sizeof(a));
	log_event(LOG_LEVEL_ERROR, LOG_CAT_NOTIFY, z->name, NULL,
	          "notify-send-failed", "target=%s name=%s try=0 err=%s", a,
	          label, err);
}

void notify_send_to(notify_zone_t *z, const char *label,
                    const struct sockaddr *addr, const notify_path_t *path,
                    bool force)
{
	int err = 0;
	notify_target_t *t = target_get(z, addr, path, &err);
	if (t == NULL) {
		/* libuv's codes are -errno on Unix: dz_strerror reads them. */
		log_failed(z, label, addr, dz_strerror(err));
		return;
	}
	t->gen = z->gen;
	t->path = *path; /* the key may have changed with a reload */
	snprintf(t->label, sizeof(t->label), "%s", label);
	if (!force && t->outstanding && t->serial == z->serial) {
		return; /* already on its way (the same change named it twice) */
	}
	/* Coalescing: a newer serial replaces the one still being retried;
	 * its retries stop and the new one goes out now (no fixed delay). */
	uv_timer_stop(&t->timer);
	t->serial = z->serial;
	t->tries = 0;
	t->id = new_id();
	int ret = build(t);
	if (ret != DZ_OK) {
		t->outstanding = false;
		log_failed(z, label, addr, dz_strerror(ret));
		return;
	}
	t->outstanding = true;
	t->sent_ms = notify_now_ms();
	send_try(t);
}
