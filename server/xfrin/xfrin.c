/* SPDX-License-Identifier: BSD-3-Clause */
/* The secondary side's module: one refresh machine per secondary zone,
 * thread-safe requests (NOTIFY, ctl), writer results hopping to the loop, ctl
 * commands. */
#include "server/xfrin/xfrin.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "server/log/log.h"
#include "server/xfrin/xfrin_internal.h"
#include "server/zones/zones_internal.h"

int64_t xfrin_wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

xfrin_zone_t *xfrin_zone_get(xfrin_t *x, const uint8_t *name)
{
	for (size_t i = 0; i < x->nzones; i++) {
		if (dz_name_equal(x->zones[i]->name, name)) {
			return x->zones[i];
		}
	}
	return NULL;
}

/* ===== hops to the loop ====================================================
 */

void xfrin_done_post(xfrin_t *x, const uint8_t *name, int status)
{
	xfrin_done_t *d = calloc(1, sizeof(*d));
	if (d == NULL) {
		return; /* the machine stays in APPLY until a restart; rare */
	}
	dz_name_copy(d->name, name);
	d->status = status;
	pthread_mutex_lock(&x->mu);
	if (x->closed) {
		pthread_mutex_unlock(&x->mu);
		free(d);
		return;
	}
	d->next = x->dones;
	x->dones = d;
	uv_async_send(&x->async);
	pthread_mutex_unlock(&x->mu);
}

static void post_request(server_t *srv, const uint8_t *zone, bool axfr,
                         const char *why)
{
	xfrin_t *x = srv->xfrin;
	if (x == NULL) {
		return;
	}
	xfrin_req_t *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return; /* the refresh timer still runs */
	}
	dz_name_copy(r->name, zone);
	r->axfr = axfr;
	snprintf(r->why, sizeof(r->why), "%s", why != NULL ? why : "-");
	pthread_mutex_lock(&x->mu);
	if (x->closed) {
		pthread_mutex_unlock(&x->mu);
		free(r);
		return;
	}
	r->next = x->reqs;
	x->reqs = r;
	uv_async_send(&x->async);
	pthread_mutex_unlock(&x->mu);
}

/* The writer finished: the zone entry's loop-side state follows. */
static void mark_loaded(xfrin_t *x, const uint8_t *name)
{
	zones_thread_online();
	zone_entry_t *e = (zone_entry_t *)zones_find(x->srv->zones, name);
	if (e != NULL && dz_name_equal(e->name, name)) {
		zone_entry_set_state(e, ZONE_STATE_OK, NULL);
	}
	zones_thread_offline();
}

static void run_done(xfrin_t *x, xfrin_done_t *d)
{
	xfrin_zone_t *z = xfrin_zone_get(x, d->name);
	if (d->status == DZ_OK) {
		mark_loaded(x, d->name);
	}
	if (z != NULL) {
		z->apply_status = d->status;
		xfrin_zone_event(z, XFRIN_EV_APPLY_DONE);
	}
}

static void run_req(xfrin_t *x, const xfrin_req_t *r)
{
	xfrin_zone_t *z = xfrin_zone_get(x, r->name);
	if (z == NULL) {
		return;
	}
	if (z->state == XFRIN_IDLE) {
		snprintf(z->why, sizeof(z->why), "%s", r->why);
	}
	xfrin_zone_event(z, r->axfr ? XFRIN_EV_RETRANSFER : XFRIN_EV_REFRESH);
}

static void on_async(uv_async_t *a)
{
	xfrin_t *x = a->data;
	pthread_mutex_lock(&x->mu);
	xfrin_req_t *reqs = x->reqs;
	xfrin_done_t *dones = x->dones;
	struct xfrin_fwd *fwds = x->fwds;
	x->reqs = NULL;
	x->dones = NULL;
	x->fwds = NULL;
	pthread_mutex_unlock(&x->mu);
	xfrin_forward_run(x, fwds);
	while (dones != NULL) {
		xfrin_done_t *next = dones->next;
		run_done(x, dones);
		free(dones);
		dones = next;
	}
	while (reqs != NULL) {
		xfrin_req_t *next = reqs->next;
		run_req(x, reqs);
		free(reqs);
		reqs = next;
	}
}

/* ===== public API ========================================================= */

void xfrin_refresh_now(server_t *srv, const uint8_t *zone, const char *why)
{
	post_request(srv, zone, false, why);
}

void xfrin_retransfer(server_t *srv, const uint8_t *zone)
{
	post_request(srv, zone, true, "ctl-retransfer");
}

static bool same_ip(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (a->sa_family == AF_INET && b->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a,
		                         *y = (const void *)b;
		return x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6 && b->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a,
		                          *y = (const void *)b;
		return memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return false;
}

static bool remote_matches(const conf_remote_t *r, const struct sockaddr *peer,
                           const uint8_t *key)
{
	for (size_t j = 0; j < r->naddrs; j++) {
		if (!same_ip(peer, &r->addrs[j])) {
			continue;
		}
		/* A primary with a key must use it (RFC 8945 §5.2). */
		if (r->key == NULL ||
		    (key != NULL && dz_name_equal(r->key->name, key))) {
			return true;
		}
	}
	return false;
}

bool xfrin_is_primary_addr(server_t *srv, const uint8_t *zone,
                           const struct sockaddr *peer, const uint8_t *key)
{
	const conf_t *conf = __atomic_load_n(&srv->conf, __ATOMIC_ACQUIRE);
	const conf_zone_t *zc = conf_zone_find(conf, zone);
	if (zc == NULL || zc->role != CONF_ROLE_SECONDARY || peer == NULL) {
		return false;
	}
	for (size_t i = 0; i < zc->nprimaries; i++) {
		if (remote_matches(zc->primaries[i], peer, key)) {
			return true;
		}
	}
	return false;
}

/* ===== init / shutdown ==================================================== */

static bool is_secondary(const conf_t *conf, const uint8_t *name)
{
	const conf_zone_t *zc = conf_zone_find(conf, name);
	return zc != NULL && zc->role == CONF_ROLE_SECONDARY;
}

/* Machines no longer wanted stop (their memory goes with their timers). */
static void drop_removed(xfrin_t *x, const conf_t *conf)
{
	size_t kept = 0;
	for (size_t i = 0; i < x->nzones; i++) {
		xfrin_zone_t *z = x->zones[i];
		if (is_secondary(conf, z->name)) {
			x->zones[kept++] = z;
		} else {
			xfrin_zone_stop(z);
		}
	}
	x->nzones = kept;
}

int xfrin_sync_zones(xfrin_t *x)
{
	const conf_t *conf = x->srv->conf;
	drop_removed(x, conf);
	xfrin_zone_t **v =
	        realloc(x->zones, (x->nzones + conf->nzones + 1) * sizeof(*v));
	if (v == NULL) {
		return DZ_ENOMEM;
	}
	x->zones = v;
	for (size_t i = 0; i < conf->nzones; i++) {
		const conf_zone_t *zc = &conf->zones[i];
		if (zc->role != CONF_ROLE_SECONDARY ||
		    xfrin_zone_get(x, zc->domain) != NULL) {
			continue;
		}
		int ret = xfrin_zone_start(x, zc->domain, &x->zones[x->nzones]);
		if (ret != DZ_OK) {
			return ret;
		}
		x->nzones++;
	}
	return DZ_OK;
}

void xfrin_reconfigure(server_t *srv)
{
	if (srv->xfrin != NULL) {
		(void)xfrin_sync_zones(srv->xfrin); /* ENOMEM: next reload */
	}
}

int xfrin_ctl_register(server_t *srv);

int xfrin_init(server_t *srv)
{
	xfrin_t *x = calloc(1, sizeof(*x));
	if (x == NULL) {
		return DZ_ENOMEM;
	}
	x->srv = srv;
	pthread_mutex_init(&x->mu, NULL);
	int ret = uv_async_init(&srv->loop, &x->async, on_async);
	if (ret != 0) {
		pthread_mutex_destroy(&x->mu);
		free(x);
		return ret;
	}
	x->async.data = x;
	x->async_open = true;
	srv->xfrin = x;
	ret = xfrin_sync_zones(x);
	if (ret == DZ_OK && srv->ctl != NULL) {
		ret = xfrin_ctl_register(srv);
	}
	return ret;
}

static void free_lists(xfrin_t *x)
{
	while (x->reqs != NULL) {
		xfrin_req_t *n = x->reqs->next;
		free(x->reqs);
		x->reqs = n;
	}
	while (x->dones != NULL) {
		xfrin_done_t *n = x->dones->next;
		free(x->dones);
		x->dones = n;
	}
}

static void on_async_closed(uv_handle_t *h)
{
	xfrin_t *x = h->data;
	free_lists(x);
	pthread_mutex_destroy(&x->mu);
	free(x->zones);
	free(x);
}

void xfrin_shutdown(server_t *srv)
{
	xfrin_t *x = srv->xfrin;
	if (x == NULL) {
		return;
	}
	srv->xfrin = NULL;
	pthread_mutex_lock(&x->mu);
	x->closed = true;
	pthread_mutex_unlock(&x->mu);
	for (size_t i = 0; i < x->nzones; i++) {
		xfrin_zone_stop(x->zones[i]); /* freed as their timers close */
	}
	xfrin_forward_drop(x);
	x->nzones = 0;
	uv_close((uv_handle_t *)&x->async, on_async_closed);
}
