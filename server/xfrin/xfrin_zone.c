/* SPDX-License-Identifier: BSD-3-Clause */
/* The refresh state machine of one secondary zone (docs/transfers.md "Transfers
 * in"): timers, SOA check, transfer, apply, expire. */
#include "server/xfrin/xfrin_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/serial.h"
#include "lib/zone/zone.h"
#include "server/log/log.h"

/* SOA timers used before we hold any version (RFC 1912 §2.2 values). */
#define DEFAULT_REFRESH 3600
#define DEFAULT_RETRY 600
#define DEFAULT_EXPIRE 1209600

static void begin(xfrin_zone_t *z, bool axfr);

/* ===== helpers ============================================================ */

static const struct sockaddr *cur_addr(const xfrin_zone_t *z)
{
	return (const struct sockaddr *)&z->targets[z->cur].addr;
}

static const char *cur_remote(const xfrin_zone_t *z)
{
	return z->targets[z->cur].remote;
}

static uint32_t clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static const conf_zone_t *zone_conf(const xfrin_zone_t *z)
{
	const conf_zone_t *zc = conf_zone_find(z->x->srv->conf, z->name);
	return zc != NULL && zc->role == CONF_ROLE_SECONDARY ? zc : NULL;
}

static bool our_serial(const xfrin_zone_t *z, uint32_t *serial)
{
	bool have = false;
	zones_thread_online();
	const zone_entry_t *e = zones_find(z->x->srv->zones, z->name);
	if (e != NULL && dz_name_equal(zone_entry_name(e), z->name) &&
	    zone_entry_version(e) != NULL) {
		have = dz_zone_serial(zone_entry_version(e), serial) == DZ_OK;
	}
	zones_thread_offline();
	return have;
}

static void save(xfrin_zone_t *z)
{
	const conf_zone_t *zc = zone_conf(z);
	if (zc != NULL) {
		(void)xfrin_persist_save(zc->path, &z->p); /* see persist.c */
	}
}

static void set_result(xfrin_zone_t *z, const char *what)
{
	snprintf(z->p.last_result, sizeof(z->p.last_result), "%s", what);
}

/* ===== timers ============================================================= */

static void on_timer(uv_timer_t *t)
{
	xfrin_zone_t *z = t->data;
	snprintf(z->why, sizeof(z->why), "%s", z->timer_why);
	xfrin_zone_event(z, XFRIN_EV_TIMER);
}

/* \p why: "startup", "refresh" or "retry" (the log's why= when it fires). */
static void schedule(xfrin_zone_t *z, uint32_t secs, const char *why)
{
	z->next_refresh = xfrin_wall_now() + secs;
	z->timer_why = why;
	uv_timer_start(&z->timer, on_timer, (uint64_t)secs * 1000, 0);
}

void xfrin_zone_set_expired(xfrin_zone_t *z, bool expired)
{
	z->expired = expired;
	zones_thread_online();
	const zone_entry_t *e = zones_find(z->x->srv->zones, z->name);
	if (e != NULL && dz_name_equal(zone_entry_name(e), z->name)) {
		zone_entry_set_expired(e, expired);
	}
	zones_thread_offline();
}

/* RFC 1035 §3.3.13: past EXPIRE the data is no longer authoritative. */
static void on_expire(uv_timer_t *t)
{
	xfrin_zone_t *z = t->data;
	if (z->expired) {
		return;
	}
	xfrin_zone_set_expired(z, true);
	log_event(LOG_LEVEL_ERROR, LOG_CAT_XFR_IN, z->name, NULL,
	          "zone-expired", "expire=%u last-refresh=%lld", z->expire_s,
	          (long long)z->p.last_ok);
	set_result(z, "expired");
	save(z);
}

static void arm_expire(xfrin_zone_t *z)
{
	int64_t left = z->p.expire_at - xfrin_wall_now();
	uint64_t ms = left > 0 ? (uint64_t)left * 1000 : 0;
	uv_timer_start(&z->expire, on_expire, ms, 0);
}

void xfrin_zone_refresh_timers(xfrin_zone_t *z, const dz_zone_t *zone)
{
	uint32_t refresh = DEFAULT_REFRESH, retry = DEFAULT_RETRY;
	uint32_t expire = DEFAULT_EXPIRE;
	dz_rrset_t soa;
	dz_rdata_iter_t it;
	const uint8_t *rd = NULL;
	uint16_t len = 0;
	if (zone != NULL && dz_zone_soa(zone, &soa) == DZ_OK) {
		dz_rrset_iter(&soa, &it);
		if (dz_rrset_next(&it, &rd, &len) && len >= 20) {
			/* SERIAL REFRESH RETRY EXPIRE MINIMUM end the rdata */
			const uint8_t *p = rd + len - 16;
			refresh = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			          (uint32_t)p[2] << 8 | p[3];
			retry = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
			        (uint32_t)p[6] << 8 | p[7];
			expire = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 |
			         (uint32_t)p[10] << 8 | p[11];
		}
	}
	const conf_zone_t *zc = zone_conf(z);
	if (zc != NULL) {
		refresh = clamp(refresh, zc->refresh_min, zc->refresh_max);
		retry = clamp(retry, zc->retry_min, zc->retry_max);
		expire = clamp(expire, zc->expire_min, zc->expire_max);
	}
	z->refresh = refresh;
	z->retry = retry;
	z->expire_s = expire;
}

/* Timers from the version we serve now (RCU online for the read). */
static void timers_from_current(xfrin_zone_t *z)
{
	zones_thread_online();
	const zone_entry_t *e = zones_find(z->x->srv->zones, z->name);
	const dz_zone_t *v =
	        e != NULL && dz_name_equal(zone_entry_name(e), z->name)
	                ? zone_entry_version(e)
	                : NULL;
	xfrin_zone_refresh_timers(z, v);
	zones_thread_offline();
}

/* ===== outcomes =========================================================== */

/* The primary confirmed our version (same serial or a transfer applied). */
static void refreshed(xfrin_zone_t *z, const char *result)
{
	timers_from_current(z);
	z->p.last_ok = xfrin_wall_now();
	z->p.expire_at = z->p.last_ok + z->expire_s;
	arm_expire(z);
	if (z->expired) {
		xfrin_zone_set_expired(z, false);
		log_event(LOG_LEVEL_NOTICE, LOG_CAT_XFR_IN, z->name, NULL,
		          "zone-recovered", "refresh=%u", z->refresh);
	}
	set_result(z, result);
	save(z);
	z->state = XFRIN_IDLE;
	schedule(z, z->refresh, "refresh");
}

/* Every primary failed this round: the retry timer. */
static void failed_round(xfrin_zone_t *z, const char *result)
{
	set_result(z, result);
	save(z);
	z->state = XFRIN_IDLE;
	schedule(z, z->retry, "retry");
}

/* A new round at once if one was asked for meanwhile. */
static void run_pending(xfrin_zone_t *z)
{
	if (z->state == XFRIN_IDLE && z->pending) {
		bool axfr = z->pending_axfr;
		z->pending = z->pending_axfr = false;
		begin(z, axfr);
	}
}

/* ===== starting steps ===================================================== */

static void next_target(xfrin_zone_t *z, const char *result);

static void start_soa(xfrin_zone_t *z)
{
	z->state = XFRIN_SOA;
	int ret = xfrin_soa_start(z);
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_WARNING, LOG_CAT_XFR_IN, z->name,
		          cur_addr(z), "refresh-soa-failed",
		          "primary=%s reason=%s", cur_remote(z),
		          dz_strerror(ret));
		next_target(z, "soa-failed");
	}
}

static void start_xfr(xfrin_zone_t *z, uint16_t qtype)
{
	z->state = XFRIN_XFR;
	uint32_t serial = 0;
	bool have = our_serial(z, &serial);
	log_event(LOG_LEVEL_INFO, LOG_CAT_XFR_IN, z->name, cur_addr(z),
	          "xfr-in-started", "type=%s primary=%s serial=%s%u why=%s",
	          qtype == DZ_RR_IXFR && have ? "ixfr" : "axfr", cur_remote(z),
	          have ? "" : "none/", serial, z->why);
	int ret = xfrin_xfr_start(z, qtype);
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_XFR_IN, z->name, cur_addr(z),
		          "xfr-in-failed", "primary=%s reason=%s",
		          cur_remote(z), dz_strerror(ret));
		next_target(z, "xfr-failed");
	}
}

/* The next primary address, or the retry timer after the last one. */
static void next_target(xfrin_zone_t *z, const char *result)
{
	if (++z->cur < z->ntargets) {
		if (z->force_axfr) {
			start_xfr(z, DZ_RR_AXFR);
		} else {
			start_soa(z);
		}
		return;
	}
	failed_round(z, result);
	run_pending(z);
}

static int key_from_conf(const conf_key_t *k, dz_tsig_key_t *out)
{
	if (k->secret_len > DZ_TSIG_SECRET_MAX) {
		return DZ_ELIMIT;
	}
	memset(out, 0, sizeof(*out));
	dz_name_copy(out->name, k->name);
	dz_name_to_lower(out->name);
	/* conf_tsig_alg_t lists the algorithms in dz_tsig_alg_t's order. */
	out->alg = (dz_tsig_alg_t)(DZ_TSIG_HMAC_MD5 + (int)k->algorithm);
	out->secret_len = (uint16_t)k->secret_len;
	memcpy(out->secret, k->secret, k->secret_len);
	return DZ_OK;
}

/* Copy the primaries' addresses: the configuration may be reloaded (and
 * the old one freed) while we wait for an answer. */
static size_t load_targets(xfrin_zone_t *z, const conf_zone_t *zc)
{
	size_t n = 0;
	for (size_t i = 0; i < zc->nprimaries; i++) {
		const conf_remote_t *r = zc->primaries[i];
		for (size_t j = 0; j < r->naddrs && n < XFRIN_MAX_TARGETS;
		     j++) {
			xfrin_target_t *t = &z->targets[n];
			memset(t, 0, sizeof(*t));
			snprintf(t->remote, sizeof(t->remote), "%s", r->id);
			t->addr = r->addrs[j];
			t->has_via = r->has_via;
			t->via = r->via;
			t->has_key = r->key != NULL &&
			             key_from_conf(r->key, &t->key) == DZ_OK;
			n++;
		}
	}
	return n;
}

int xfrin_zone_targets(xfrin_zone_t *z, xfrin_target_t *first)
{
	const conf_zone_t *zc = zone_conf(z);
	xfrin_zone_t tmp;
	if (zc == NULL || load_targets(&tmp, zc) == 0) {
		return DZ_ENOTFOUND;
	}
	*first = tmp.targets[0];
	return DZ_OK;
}

static void begin(xfrin_zone_t *z, bool axfr)
{
	uv_timer_stop(&z->timer);
	const conf_zone_t *zc = zone_conf(z);
	z->ntargets = zc != NULL ? load_targets(z, zc) : 0;
	z->cur = 0;
	z->force_axfr = axfr;
	if (z->ntargets == 0) {
		z->state = XFRIN_IDLE;
		return; /* no longer a secondary, or no primaries */
	}
	if (axfr) {
		start_xfr(z, DZ_RR_AXFR);
	} else {
		start_soa(z);
	}
}

/* ===== state handlers ===================================================== */

static void remember(xfrin_zone_t *z, xfrin_event_t ev)
{
	if (ev == XFRIN_EV_REFRESH || ev == XFRIN_EV_RETRANSFER) {
		z->pending = true;
		z->pending_axfr = z->pending_axfr || ev == XFRIN_EV_RETRANSFER;
	}
}

static void on_idle(xfrin_zone_t *z, xfrin_event_t ev)
{
	switch (ev) {
	case XFRIN_EV_TIMER:
	case XFRIN_EV_REFRESH:
		begin(z, false);
		break;
	case XFRIN_EV_RETRANSFER:
		begin(z, true);
		break;
	default:
		break; /* a late result of a cancelled step */
	}
}

/* RFC 1982 comparison of the primary's serial with ours. */
static void soa_compare(xfrin_zone_t *z)
{
	uint32_t ours = 0;
	if (!our_serial(z, &ours)) {
		start_xfr(z, DZ_RR_AXFR);
		return;
	}
	int cmp = dz_serial_cmp(z->soa_serial, ours);
	if (cmp == DZ_SERIAL_GT) {
		start_xfr(z, DZ_RR_IXFR);
		return;
	}
	if (cmp == DZ_SERIAL_EQ) {
		log_event(LOG_LEVEL_INFO, LOG_CAT_XFR_IN, z->name, cur_addr(z),
		          "refresh-up-to-date", "primary=%s serial=%u why=%s",
		          cur_remote(z), ours, z->why);
		refreshed(z, "up-to-date");
		run_pending(z);
		return;
	}
	/* A restored primary: only `ctl retransfer` takes its version. */
	log_event(LOG_LEVEL_WARNING, LOG_CAT_XFR_IN, z->name, cur_addr(z),
	          "refresh-primary-behind",
	          "primary=%s primary-serial=%u our-serial=%u", cur_remote(z),
	          z->soa_serial, ours);
	set_result(z, "primary-behind");
	save(z);
	z->state = XFRIN_IDLE;
	schedule(z, z->refresh, "refresh");
	run_pending(z);
}

static void on_soa(xfrin_zone_t *z, xfrin_event_t ev)
{
	if (ev != XFRIN_EV_SOA_DONE) {
		remember(z, ev);
		return;
	}
	if (z->soa_status == DZ_OK) {
		soa_compare(z);
		return;
	}
	bool bogus = z->soa_status == DZ_ENOTAUTH;
	log_event(LOG_LEVEL_WARNING, LOG_CAT_XFR_IN, z->name, cur_addr(z),
	          bogus ? "refresh-soa-bogus" : "refresh-soa-failed",
	          "primary=%s reason=%s", cur_remote(z), z->soa_reason);
	next_target(z, bogus ? "soa-bogus" : "soa-failed");
}

/* RFC 1995 §4 and common practice: an IXFR the primary cannot serve, or
 * that does not apply here, is retried as AXFR from the same primary. */
static const char *fallback_reason(const xfrin_zone_t *z, char *buf, size_t cap)
{
	if (z->xfr_qtype != DZ_RR_IXFR) {
		return NULL;
	}
	if (z->xfr_status == DZ_EXFRHISTORY) {
		return "inconsistent-history";
	}
	if (z->xfr_status != DZ_EXFRRCODE) {
		return NULL;
	}
	switch (z->xfr_rcode) {
	case DZ_RCODE_NOTIMP:
	case DZ_RCODE_FORMERR:
	case DZ_RCODE_SERVFAIL:
	case DZ_RCODE_REFUSED:
		snprintf(buf, cap, "rcode-%s", xfrin_rcode_str(z->xfr_rcode));
		return buf;
	default:
		return NULL;
	}
}

static void xfr_failed(xfrin_zone_t *z)
{
	char why[32];
	const char *fb = fallback_reason(z, why, sizeof(why));
	if (fb != NULL) {
		log_event(LOG_LEVEL_NOTICE, LOG_CAT_XFR_IN, z->name,
		          cur_addr(z), "xfr-in-fallback",
		          "primary=%s from=ixfr to=axfr reason=%s",
		          cur_remote(z), fb);
		start_xfr(z, DZ_RR_AXFR);
		return;
	}
	bool refused = z->xfr_status == DZ_EXFRRCODE &&
	               (z->xfr_rcode == DZ_RCODE_REFUSED ||
	                z->xfr_rcode == DZ_RCODE_NOTAUTH);
	if (refused) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_XFR_IN, z->name, cur_addr(z),
		          "xfr-in-refused", "primary=%s type=%s rcode=%s",
		          cur_remote(z),
		          z->xfr_qtype == DZ_RR_IXFR ? "ixfr" : "axfr",
		          xfrin_rcode_str(z->xfr_rcode));
	} else {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_XFR_IN, z->name, cur_addr(z),
		          "xfr-in-failed",
		          "primary=%s type=%s reason=%s err=%s", cur_remote(z),
		          z->xfr_qtype == DZ_RR_IXFR ? "ixfr" : "axfr",
		          z->xfr_reason, dz_strerror(z->xfr_status));
	}
	next_target(z, refused ? "xfr-refused" : "xfr-failed");
}

static void on_xfr(xfrin_zone_t *z, xfrin_event_t ev)
{
	if (ev != XFRIN_EV_XFR_DONE) {
		remember(z, ev);
		return;
	}
	if (z->xfr_status != DZ_OK) {
		xfr_failed(z);
		return;
	}
	if (z->result.zone == NULL) {
		/* IXFR answered with our own SOA (RFC 1995 §2). */
		log_event(LOG_LEVEL_INFO, LOG_CAT_XFR_IN, z->name, cur_addr(z),
		          "refresh-up-to-date", "primary=%s serial=%u why=%s",
		          cur_remote(z), z->result.serial_to, z->why);
		dz_xfr_in_result_clear(&z->result);
		refreshed(z, "up-to-date");
		run_pending(z);
		return;
	}
	z->done_result = z->result;
	z->done_result.zone = NULL;
	z->done_result.steps = NULL;
	z->done_result.nsteps = 0;
	z->state = XFRIN_APPLY;
	int ret = xfrin_apply_start(z);
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_XFR_IN, z->name, cur_addr(z),
		          "xfr-in-failed", "primary=%s reason=apply err=%s",
		          cur_remote(z), dz_strerror(ret));
		dz_xfr_in_result_clear(&z->result);
		failed_round(z, "apply-failed");
		run_pending(z);
	}
}

static void log_done(xfrin_zone_t *z)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - z->xfr_t0.tv_sec) * 1e3 +
	            (double)(t1.tv_nsec - z->xfr_t0.tv_nsec) / 1e6;
	const dz_xfr_in_result_t *r = &z->done_result;
	char from[16] = "none";
	if (z->have_version) {
		snprintf(from, sizeof(from), "%u", r->serial_from);
	}
	log_event(LOG_LEVEL_INFO, LOG_CAT_XFR_IN, z->name, cur_addr(z),
	          "xfr-in-done",
	          "type=%s primary=%s serial=%s->%u records=%llu bytes=%llu "
	          "messages=%llu ms=%.1f",
	          dz_xfr_kind_str(r->kind), cur_remote(z), from, r->serial_to,
	          (unsigned long long)r->stats.records,
	          (unsigned long long)z->xfr_bytes,
	          (unsigned long long)r->stats.messages, ms);
}

static void on_apply(xfrin_zone_t *z, xfrin_event_t ev)
{
	if (ev != XFRIN_EV_APPLY_DONE) {
		remember(z, ev);
		return;
	}
	if (z->apply_status == DZ_OK) {
		log_done(z);
		refreshed(z, "transferred");
	} else {
		/* xfr-in-write-failed was logged by the writer */
		failed_round(z, "write-failed");
	}
	run_pending(z);
}

void xfrin_zone_event(xfrin_zone_t *z, xfrin_event_t ev)
{
	if (z->removed) {
		return;
	}
	switch (z->state) {
	case XFRIN_IDLE:
		on_idle(z, ev);
		break;
	case XFRIN_SOA:
		on_soa(z, ev);
		break;
	case XFRIN_XFR:
		on_xfr(z, ev);
		break;
	case XFRIN_APPLY:
		on_apply(z, ev);
		break;
	}
}

/* ===== life cycle ========================================================= */

static void on_close(uv_handle_t *h)
{
	xfrin_zone_t *z = h->data;
	if (--z->open == 0) {
		free(z);
	}
}

/* First refresh: at once without a version or a record of the last one,
 * else when the persisted refresh is due (RFC 1996 §4 NOTIFY may come
 * sooner). The expire deadline carries over a restart. */
static void first_schedule(xfrin_zone_t *z, bool have)
{
	int64_t now = xfrin_wall_now();
	if (have) {
		if (z->p.expire_at == 0) {
			z->p.expire_at = now + z->expire_s;
		}
		arm_expire(z);
	}
	int64_t due =
	        have && z->p.last_ok > 0 ? z->p.last_ok + z->refresh : now;
	schedule(z, due > now ? (uint32_t)(due - now) : 0, "startup");
}

int xfrin_zone_start(xfrin_t *x, const uint8_t *name, xfrin_zone_t **out)
{
	xfrin_zone_t *z = calloc(1, sizeof(*z));
	if (z == NULL) {
		return DZ_ENOMEM;
	}
	z->x = x;
	dz_name_copy(z->name, name);
	(void)dz_name_to_str(z->zname, sizeof(z->zname), name);
	uv_timer_init(&x->srv->loop, &z->timer);
	uv_timer_init(&x->srv->loop, &z->expire);
	z->timer.data = z->expire.data = z;
	z->open = 2;
	const conf_zone_t *zc = zone_conf(z);
	if (zc != NULL) {
		(void)xfrin_persist_load(zc->path, &z->p); /* none: zeros */
	}
	uint32_t serial = 0;
	bool have = our_serial(z, &serial);
	timers_from_current(z);
	first_schedule(z, have);
	*out = z;
	return DZ_OK;
}

void xfrin_zone_stop(xfrin_zone_t *z)
{
	z->removed = true;
	xfrin_io_cancel(z->io);
	z->io = NULL;
	dz_xfr_in_free(z->in);
	z->in = NULL;
	if (z->ts_on) {
		dz_tsig_stream_clear(&z->ts);
	}
	dz_xfr_in_result_clear(&z->result);
	uv_close((uv_handle_t *)&z->timer, on_close);
	uv_close((uv_handle_t *)&z->expire, on_close);
}
