/* SPDX-License-Identifier: BSD-3-Clause */
/* NOTIFY out (RFC 1996): the module's life cycle, the hop from writer threads to the loop, `ctl notify` and status. */
#include "server/notify/notify_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "server/dispatch.h"
#include "server/log/log.h"
#include "server/net/net_addr.h"

/* RFC 1996 §3.6 leaves the schedule open; BIND retries 5 times over about
 * 30 s. Waits after each try, in ms: sends at 0, 2, 6, 14 and 22 s, the
 * timeout at 30 s. */
static const unsigned default_schedule[] = {2000, 4000, 8000, 8000, 8000};

/* One daemon per process: the writers' hook (zone_entry_publish) has no
 * server at hand, so the running module is found here. */
static notify_state_t *running;

notify_state_t *notify_state(void)
{
	return __atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

uint64_t notify_now_ms(void)
{
	return uv_hrtime() / 1000000u;
}

/* ===== schedule ========================================================== */

/* DYNZONE_NOTIFY_SCHEDULE="100,200,400": tests shorten the retries (the
 * waits after each try, in ms; their number is the number of tries). */
static void schedule_init(notify_state_t *st)
{
	const char *env = getenv("DYNZONE_NOTIFY_SCHEDULE");
	st->tries = 0;
	while (env != NULL && *env != '\0' && st->tries < NOTIFY_MAX_TRIES) {
		char *end = NULL;
		unsigned long ms = strtoul(env, &end, 10);
		if (end == env || ms == 0 || ms > 600000) {
			st->tries = 0;
			break;
		}
		st->schedule_ms[st->tries++] = (unsigned)ms;
		env = *end == ',' ? end + 1 : end;
	}
	if (st->tries > 0) {
		return;
	}
	st->tries = sizeof(default_schedule) / sizeof(default_schedule[0]);
	memcpy(st->schedule_ms, default_schedule, sizeof(default_schedule));
}

/* ===== zones ============================================================= */

notify_zone_t *notify_zone_get(notify_state_t *st, const uint8_t *name,
                               bool create)
{
	for (notify_zone_t *z = st->zones; z != NULL; z = z->next) {
		if (dz_name_equal(z->name, name)) {
			return z;
		}
	}
	if (!create) {
		return NULL;
	}
	notify_zone_t *z = calloc(1, sizeof(*z));
	if (z == NULL) {
		return NULL;
	}
	z->st = st;
	dz_name_copy(z->name, name);
	z->next = st->zones;
	st->zones = z;
	return z;
}

static void zone_free(notify_zone_t *z)
{
	notify_target_t *t = z->targets;
	while (t != NULL) {
		notify_target_t *next = t->next;
		notify_target_close(t);
		t = next;
	}
	free(z);
}

/* ===== the hop to the loop =============================================== */

static void process_change(notify_state_t *st, const notify_change_t *c)
{
	notify_zone_t *z = notify_zone_get(st, c->zone, true);
	if (z == NULL) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_NOTIFY, c->zone, NULL,
		          "notify-failed", "serial=%u err=%s", c->serial,
		          dz_strerror(DZ_ENOMEM));
		return;
	}
	/* The same version published twice (a transfer both published and
	 * reported, a reload that changed nothing): one NOTIFY is enough. */
	if (!c->force && z->has_soa && z->serial == c->serial) {
		return;
	}
	notify_targets_run(st, z, c->force);
}

static void on_async(uv_async_t *h)
{
	notify_state_t *st = h->data;
	pthread_mutex_lock(&st->mu);
	notify_change_t *c = st->head;
	st->head = st->tail = NULL;
	pthread_mutex_unlock(&st->mu);
	while (c != NULL) {
		notify_change_t *next = c->next;
		if (!st->closing) {
			process_change(st, c);
		}
		free(c);
		c = next;
	}
}

static void queue_change(notify_state_t *st, const uint8_t *zone,
                         uint32_t serial, bool force)
{
	notify_change_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_NOTIFY, zone, NULL,
		          "notify-failed", "serial=%u err=%s", serial,
		          dz_strerror(DZ_ENOMEM));
		return;
	}
	dz_name_copy(c->zone, zone);
	c->serial = serial;
	c->force = force;
	pthread_mutex_lock(&st->mu);
	if (st->tail != NULL) {
		st->tail->next = c;
	} else {
		st->head = c;
	}
	st->tail = c;
	pthread_mutex_unlock(&st->mu);
	(void)uv_async_send(&st->async); /* fails only on a closing handle */
}

void notify_zone_changed_async(server_t *srv, const uint8_t *zone,
                               uint32_t serial)
{
	(void)srv; /* may be NULL: the zone writers have no server at hand */
	notify_state_t *st = notify_state();
	if (st != NULL) {
		queue_change(st, zone, serial, false);
	}
}

/* On the loop too, the change goes through the queue: the zone data is
 * read in the async callback, where this thread is known to be offline
 * (RCU), whatever the caller was doing. */
void notify_zone_changed(server_t *srv, const uint8_t *zone, uint32_t serial)
{
	notify_zone_changed_async(srv, zone, serial);
}

/* ===== control ============================================================ */

static int cmd_notify(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	server_t *srv = ctx;
	static const uint8_t root[1] = {0};
	uint8_t name[DZ_NAME_MAXLEN];
	size_t idx = 0;
	if (args->argc != 1) {
		ctl_resp_printf(resp, "usage: notify ZONE");
		return DZ_EINVAL;
	}
	const char *text = args->argv[0];
	if (dz_name_from_str(name, text, strlen(text), root) < 0 ||
	    zones_index(srv->zones, name, &idx) != DZ_OK) {
		ctl_resp_printf(resp, "zone %s is not served", text);
		return DZ_ENOTFOUND;
	}
	zone_status_t zs;
	zones_status(srv->zones, idx, &zs);
	if (!zs.has_version) {
		ctl_resp_printf(resp, "zone %s has no data to announce", text);
		return DZ_ENOENT;
	}
	notify_state_t *st = notify_state();
	if (st == NULL) {
		return DZ_ENOTSUP;
	}
	queue_change(st, name, zs.serial, true);
	if (args->json) {
		ctl_resp_printf(resp, "{\"zone\":");
		ctl_resp_json_str(resp, text);
		ctl_resp_printf(resp, ",\"serial\":%u}", zs.serial);
	} else {
		ctl_resp_printf(resp, "notify %s serial=%u queued\n", text,
		                zs.serial);
	}
	return DZ_OK;
}

/* snprintf that never runs past \p cap and tells whether it all fit. */
static bool put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len) {
		buf[*len] = '\0'; /* drop the partial field */
		return false;
	}
	*len += (size_t)n;
	return true;
}

static bool put_target(const notify_target_t *t, bool json, bool first,
                       char *buf, size_t cap, size_t *len)
{
	char addr[NET_ADDR_STRLEN] = "?";
	(void)net_addr_to_str((const struct sockaddr *)&t->addr, addr,
	                      sizeof(addr));
	const char *last = t->last[0] != '\0' ? t->last : "none";
	if (!json) {
		return put(buf, cap, len,
		           " notify-target=%s name=%s last=\"%s\" serial=%u",
		           addr, t->label, last, t->last_serial);
	}
	/* Labels are host names or remote ids: no quotes or backslashes
	 * (the configuration and dz_name_to_str escape them). */
	return put(buf, cap, len,
	           "%s{\"target\":\"%s\",\"name\":\"%s\",\"last\":\"%s\","
	           "\"serial\":%u,\"at\":%lld}",
	           first ? "" : ",", addr, t->label, last, t->last_serial,
	           (long long)t->last_at);
}

size_t notify_status(server_t *srv, const uint8_t *zone, bool json,
                     char *buf, size_t cap)
{
	(void)srv;
	notify_state_t *st = notify_state();
	notify_zone_t *z = st != NULL ? notify_zone_get(st, zone, false) : NULL;
	size_t len = 0;
	if (cap == 0) {
		return 0;
	}
	buf[0] = '\0';
	if (z == NULL || z->targets == NULL ||
	    (json && !put(buf, cap, &len, ",\"notify\":["))) {
		return len;
	}
	bool first = true;
	for (notify_target_t *t = z->targets; t != NULL; t = t->next) {
		if (t->gen != z->gen && !t->outstanding) {
			continue; /* no longer named by the zone */
		}
		if (!put_target(t, json, first, buf, cap, &len)) {
			break;
		}
		first = false;
	}
	if (json && !put(buf, cap, &len, "]")) {
		len = 0; /* a JSON member cut short would break the document */
		buf[0] = '\0';
	}
	return len;
}

/* ===== life cycle ========================================================= */

static void on_async_closed(uv_handle_t *h)
{
	notify_state_t *st = h->data;
	pthread_mutex_destroy(&st->mu);
	free(st);
}

static int state_new(server_t *srv, notify_state_t **out)
{
	notify_state_t *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		return DZ_ENOMEM;
	}
	st->srv = srv;
	pthread_mutex_init(&st->mu, NULL);
	schedule_init(st);
	const conf_server_t *cs = &srv->conf->server;
	int ret = resolve_new(&srv->loop, cs->resolver, cs->nresolver, 1000, 3,
	                      &st->resolver);
	if (ret == DZ_OK) {
		ret = uv_async_init(&srv->loop, &st->async, on_async);
	}
	if (ret != DZ_OK) {
		resolve_free(st->resolver);
		pthread_mutex_destroy(&st->mu);
		free(st);
		return ret;
	}
	st->async.data = st;
	st->async_open = true;
	*out = st;
	return DZ_OK;
}

/* BIND notifies on load: every zone served with data announces itself. */
static void announce_loaded(notify_state_t *st, const server_t *srv)
{
	size_t n = zones_count(srv->zones);
	for (size_t i = 0; i < n; i++) {
		zone_status_t zs;
		zones_status(srv->zones, i, &zs);
		if (zs.has_version) {
			queue_change(st, zs.name, zs.serial, false);
		}
	}
}

int notify_init(server_t *srv)
{
	notify_state_t *st = NULL;
	int ret = state_new(srv, &st);
	if (ret != DZ_OK) {
		return ret;
	}
	if (srv->ctl != NULL) {
		ret = ctl_register(srv->ctl, "notify", cmd_notify, srv);
		if (ret != DZ_OK && ret != DZ_EEXIST) {
			resolve_free(st->resolver);
			uv_close((uv_handle_t *)&st->async, on_async_closed);
			return ret;
		}
	}
	__atomic_store_n(&running, st, __ATOMIC_RELEASE);
	announce_loaded(st, srv);
	return DZ_OK;
}

void notify_shutdown(server_t *srv)
{
	(void)srv;
	notify_state_t *st = notify_state();
	if (st == NULL) {
		return;
	}
	__atomic_store_n(&running, NULL, __ATOMIC_RELEASE);
	st->closing = true;
	resolve_free(st->resolver);
	st->resolver = NULL;
	while (st->zones != NULL) {
		notify_zone_t *z = st->zones;
		st->zones = z->next;
		zone_free(z);
	}
	pthread_mutex_lock(&st->mu);
	notify_change_t *c = st->head;
	st->head = st->tail = NULL;
	pthread_mutex_unlock(&st->mu);
	while (c != NULL) {
		notify_change_t *next = c->next;
		free(c);
		c = next;
	}
	uv_close((uv_handle_t *)&st->async, on_async_closed);
}

void notify_target_result(notify_target_t *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(t->last, sizeof(t->last), fmt, ap);
	va_end(ap);
	t->last_serial = t->serial;
	t->last_at = time(NULL);
}
