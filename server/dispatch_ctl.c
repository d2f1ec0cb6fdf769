/* SPDX-License-Identifier: BSD-3-Clause */
/* Control commands of the daemon: status, reload, stats, stop, log (text, or JSON with --json). */
#include "server/dispatch.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "server/log/log.h"
#include "server/notify/notify.h"
#include "server/xfrin/xfrin.h"

static int parse_zone(const char *text, uint8_t *name)
{
	static const uint8_t root[1] = {0};
	int len = dz_name_from_str(name, text, strlen(text), root);
	return len < 0 ? len : DZ_OK;
}

static const char *role_str(const conf_zone_t *zc)
{
	return zc != NULL && zc->role == CONF_ROLE_SECONDARY ? "secondary"
	                                                     : "primary";
}

static void time_str(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	if (ts->tv_sec == 0 || gmtime_r(&ts->tv_sec, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ===== status ============================================================= */

/* The journal of a dynamic zone (issue 5 §5): its size and the serials it
 * spans, oldest first ("-" when it holds none yet). */
static void journal_text(ctl_resp_t *resp, const zone_journal_stat_t *j)
{
	if (!j->kept) {
		return;
	}
	ctl_resp_printf(resp, " journal-size=%" PRIu64, j->size);
	if (j->has_serial) {
		ctl_resp_printf(resp,
		                " journal-oldest=%" PRIu32
		                " journal-newest=%" PRIu32,
		                j->oldest, j->newest);
	} else {
		ctl_resp_printf(resp, " journal-oldest=- journal-newest=-");
	}
}

static void journal_json(ctl_resp_t *resp, const zone_journal_stat_t *j)
{
	if (!j->kept) {
		return;
	}
	ctl_resp_printf(resp, ",\"journal-size\":%" PRIu64, j->size);
	if (j->has_serial) {
		ctl_resp_printf(resp,
		                ",\"journal-oldest\":%" PRIu32
		                ",\"journal-newest\":%" PRIu32,
		                j->oldest, j->newest);
	} else {
		ctl_resp_printf(resp, ",\"journal-oldest\":null"
		                      ",\"journal-newest\":null");
	}
}

/* \p extra: more fields (server/xfrin: a secondary's refresh state). */
static void status_text(ctl_resp_t *resp, const zone_status_t *st,
                        const char *extra)
{
	char name[DZ_NAME_MAXSTR], when[32];
	(void)dz_name_to_str(name, sizeof(name), st->name);
	time_str(&st->loaded_at, when, sizeof(when));
	ctl_resp_printf(resp, "%s role=%s state=%s", name, role_str(st->conf),
	                zone_state_str(st->state));
	if (st->has_version) {
		ctl_resp_printf(resp,
		                " serial=%" PRIu32 " records=%zu nodes=%zu"
		                " loaded=%s",
		                st->serial, st->counts.records, st->counts.nodes,
		                when);
	}
	ctl_resp_printf(resp, " queries=%" PRIu64, st->queries);
	journal_text(resp, &st->journal);
	if (st->error != NULL) {
		ctl_resp_printf(resp, " error=\"%s:%u:%u: %s\"",
		                st->error->file, st->error->line,
		                st->error->column, st->error->msg);
	}
	ctl_resp_printf(resp, "%s\n", extra);
}

static void status_json(ctl_resp_t *resp, const zone_status_t *st,
                        const char *extra)
{
	char name[DZ_NAME_MAXSTR], when[32];
	(void)dz_name_to_str(name, sizeof(name), st->name);
	time_str(&st->loaded_at, when, sizeof(when));
	ctl_resp_printf(resp, "{\"name\":");
	ctl_resp_json_str(resp, name);
	ctl_resp_printf(resp, ",\"role\":\"%s\",\"state\":\"%s\"",
	                role_str(st->conf), zone_state_str(st->state));
	if (st->has_version) {
		ctl_resp_printf(resp,
		                ",\"serial\":%" PRIu32 ",\"records\":%zu,"
		                "\"nodes\":%zu,\"loaded\":\"%s\"",
		                st->serial, st->counts.records, st->counts.nodes,
		                when);
	}
	ctl_resp_printf(resp, ",\"queries\":%" PRIu64, st->queries);
	journal_json(resp, &st->journal);
	if (st->error != NULL) {
		ctl_resp_printf(resp, ",\"error\":{\"file\":");
		ctl_resp_json_str(resp, st->error->file);
		ctl_resp_printf(resp, ",\"line\":%u,\"column\":%u,\"msg\":",
		                st->error->line, st->error->column);
		ctl_resp_json_str(resp, st->error->msg);
		ctl_resp_printf(resp, "}");
	}
	ctl_resp_printf(resp, "%s}", extra);
}

static int cmd_status(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	server_t *srv = ctx;
	size_t first = 0, n = zones_count(srv->zones);
	if (args->argc > 1) {
		return DZ_EINVAL;
	}
	if (args->argc == 1) {
		uint8_t name[DZ_NAME_MAXLEN];
		if (parse_zone(args->argv[0], name) != DZ_OK ||
		    zones_index(srv->zones, name, &first) != DZ_OK) {
			ctl_resp_printf(resp, "zone %s is not served",
			                args->argv[0]);
			return DZ_ENOTFOUND;
		}
		n = first + 1;
	}
	if (args->json) {
		ctl_resp_printf(resp, "{\"zones\":[");
	}
	for (size_t i = first; i < n; i++) {
		zone_status_t st;
		zones_status(srv->zones, i, &st);
		char extra[2048];
		extra[0] = '\0';
		size_t used = xfrin_status(srv, st.name, args->json, extra,
		                           sizeof(extra));
		(void)notify_status(srv, st.name, args->json, extra + used,
		                    sizeof(extra) - used);
		if (args->json) {
			ctl_resp_printf(resp, "%s", i > first ? "," : "");
			status_json(resp, &st, extra);
		} else {
			status_text(resp, &st, extra);
		}
	}
	if (args->json) {
		ctl_resp_printf(resp, "]}");
	}
	return DZ_OK;
}

/* ===== reload, sync ======================================================= */

/*
 * Reload and sync of a dynamic zone run on its writer thread (DESIGN.md §3)
 * and the client waits for the real outcome: the handler defers its answer
 * and the writer completes it (ctl_pending_done hops to the loop thread).
 */
static void reload_done(void *arg, int status, const char *msg)
{
	ctl_pending_t *p = arg;
	if (status != DZ_OK) {
		char text[600];
		snprintf(text, sizeof(text), "zone not reloaded: %s",
		         msg != NULL && msg[0] != '\0' ? msg
		                                       : dz_strerror(status));
		ctl_pending_done(p, status, text);
		return;
	}
	ctl_pending_done(p, DZ_OK, ctl_pending_json(p) ? "{\"reloaded\":true}"
	                                               : "reloaded\n");
}

static void sync_done(void *arg, int status, const char *msg)
{
	ctl_pending_t *p = arg;
	char text[600];
	if (status != DZ_OK) {
		snprintf(text, sizeof(text), "zone not synced: %s",
		         msg != NULL && msg[0] != '\0' ? msg
		                                       : dz_strerror(status));
	} else if (ctl_pending_json(p)) {
		snprintf(text, sizeof(text), "{\"synced\":true}");
	} else {
		snprintf(text, sizeof(text), "%s\n",
		         msg != NULL && msg[0] != '\0' ? msg : "synced");
	}
	ctl_pending_done(p, status, text);
}

/* An answer known at once, through the deferred handle. */
static void done_now(ctl_pending_t *p, int status, const char *zone,
                     const char *what)
{
	char text[600];
	snprintf(text, sizeof(text), "zone %s %s", zone, what);
	ctl_pending_done(p, status, text);
}

static int reload_zone(server_t *srv, const char *zone, ctl_resp_t *resp)
{
	uint8_t name[DZ_NAME_MAXLEN];
	ctl_pending_t *p = NULL;
	int ret = ctl_resp_defer(resp, &p);
	if (ret != DZ_OK) {
		return ret;
	}
	char msg[512] = "";
	ret = parse_zone(zone, name);
	if (ret == DZ_OK) {
		ret = zones_reload_zone(srv->zones, name, reload_done, p, msg,
		                        sizeof(msg));
	}
	if (ret == ZONES_QUEUED) {
		return CTL_PENDING;
	}
	if (ret == DZ_ENOTFOUND) {
		done_now(p, ret, zone, "is not served");
	} else {
		reload_done(p, ret, msg); /* a static zone: loaded here */
	}
	return CTL_PENDING;
}

static int cmd_reload(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	server_t *srv = ctx;
	if (args->argc > 1) {
		return DZ_EINVAL;
	}
	if (args->argc == 1) {
		return reload_zone(srv, args->argv[0], resp);
	}
	/* The configuration and every changed zone; dynamic zones reload
	 * on their writers (their outcome is in the log and `status`). */
	char errbuf[CONF_ERRBUF_SIZE];
	int ret = server_reload(srv, errbuf);
	if (ret != DZ_OK) {
		ctl_resp_printf(resp, "%s", errbuf);
		return ret;
	}
	ctl_resp_printf(resp, args->json ? "{\"reloaded\":true}"
	                                 : "reloaded\n");
	return DZ_OK;
}

/* Fold a dynamic zone's journal into its zone file now, through the
 * zone's writer; answered once the file is on disk (or not). */
static int cmd_sync(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	server_t *srv = ctx;
	if (args->argc != 1) {
		return DZ_EINVAL;
	}
	ctl_pending_t *p = NULL;
	int ret = ctl_resp_defer(resp, &p);
	if (ret != DZ_OK) {
		return ret;
	}
	uint8_t name[DZ_NAME_MAXLEN];
	ret = parse_zone(args->argv[0], name);
	if (ret == DZ_OK) {
		ret = zones_sync_zone(srv->zones, name, sync_done, p);
	}
	if (ret == ZONES_QUEUED) {
		return CTL_PENDING;
	}
	if (ret == DZ_ENOTFOUND) {
		done_now(p, ret, args->argv[0], "is not served");
	} else if (ret == DZ_ENOTSUP) {
		done_now(p, ret, args->argv[0], "is not a dynamic zone");
	} else {
		sync_done(p, ret, NULL);
	}
	return CTL_PENDING;
}

/* ===== stats ============================================================== */

typedef struct {
	ctl_resp_t *resp;
	bool json;
	bool first;
} emit_t;

static void emit_begin(emit_t *em, const char *group)
{
	em->first = true;
	if (em->json) {
		ctl_resp_printf(em->resp, "\"%s\":{", group);
	} else {
		ctl_resp_printf(em->resp, "%s:\n", group);
	}
}

static void emit(emit_t *em, const char *key, uint64_t value)
{
	if (em->json) {
		ctl_resp_printf(em->resp, "%s", em->first ? "" : ",");
		ctl_resp_json_str(em->resp, key);
		ctl_resp_printf(em->resp, ":%" PRIu64, value);
	} else {
		ctl_resp_printf(em->resp, "  %-12s %" PRIu64 "\n", key, value);
	}
	em->first = false;
}

static void emit_end(emit_t *em, bool last)
{
	if (em->json) {
		ctl_resp_printf(em->resp, "}%s", last ? "" : ",");
	}
}

static void stats_counters(emit_t *em, const stats_sum_t *s)
{
	char buf[32];
	emit_begin(em, "opcode");
	for (unsigned i = 0; i < STATS_OPCODES; i++) {
		if (s->opcode[i] != 0) {
			emit(em, stats_opcode_name(i, buf, sizeof(buf)),
			     s->opcode[i]);
		}
	}
	emit_end(em, false);
	emit_begin(em, "rcode");
	for (unsigned i = 0; i < STATS_RCODES; i++) {
		if (s->rcode[i] != 0) {
			emit(em, stats_rcode_name(i, buf, sizeof(buf)),
			     s->rcode[i]);
		}
	}
	emit_end(em, false);
	emit_begin(em, "qtype");
	for (unsigned i = 0; i <= STATS_QTYPES; i++) {
		if (s->qtype[i] == 0) {
			continue;
		}
		if (i == STATS_QTYPES ||
		    dz_rrtype_to_str(stats_qtype_at(i), buf, sizeof(buf)) < 0) {
			snprintf(buf, sizeof(buf), "other");
		}
		emit(em, buf, s->qtype[i]);
	}
	emit_end(em, false);
	emit_begin(em, "transport");
	for (unsigned i = 0; i < STATS_TRANSPORT_COUNT; i++) {
		emit(em, stats_transport_name(i), s->transport[i]);
	}
	emit(em, "dropped", s->dropped);
	emit_end(em, false);
}

static void stats_zones(emit_t *em, const server_t *srv)
{
	emit_begin(em, "zone-queries");
	for (size_t i = 0; i < zones_count(srv->zones); i++) {
		zone_status_t st;
		char name[DZ_NAME_MAXSTR];
		zones_status(srv->zones, i, &st);
		(void)dz_name_to_str(name, sizeof(name), st.name);
		emit(em, name, st.queries);
	}
	emit_end(em, true);
}

/* The AF_XDP path's frames (server.xdp-interface), when it runs. */
static void stats_xdp(emit_t *em, const server_t *srv)
{
	unsigned queues = 0;
	bool generic = false;
	if (net_xdp_info(srv->net, &queues, &generic) != DZ_OK) {
		return;
	}
	net_stats_t ns;
	net_stats_get(srv->net, &ns);
	emit_begin(em, "xdp");
	emit(em, "queues", queues);
	emit(em, "received", ns.xdp.received);
	emit(em, "sent", ns.xdp.sent);
	emit(em, "dropped", ns.xdp.dropped);
	emit_end(em, false);
}

static int cmd_stats(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	server_t *srv = ctx;
	stats_sum_t sum;
	stats_get(srv->stats, &sum);
	emit_t em = {.resp = resp, .json = args->json};
	if (em.json) {
		ctl_resp_printf(resp, "{");
	}
	stats_counters(&em, &sum);
	stats_xdp(&em, srv);
	stats_zones(&em, srv);
	if (em.json) {
		ctl_resp_printf(resp, "}");
	}
	return DZ_OK;
}

/* ===== stop, log ========================================================== */

static int cmd_stop(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	ctl_resp_printf(resp, args->json ? "{\"stopping\":true}"
	                                 : "stopping\n");
	server_stop(ctx, "ctl");
	return DZ_OK;
}

static void log_list(const ctl_args_t *args, ctl_resp_t *resp)
{
	if (args->json) {
		ctl_resp_printf(resp, "{");
	}
	for (int c = 0; c < LOG_CAT_COUNT; c++) {
		const char *name = log_category_to_str((log_category_t)c);
		bool on = log_category_is_on((log_category_t)c);
		if (args->json) {
			ctl_resp_printf(resp, "%s\"%s\":%s", c > 0 ? "," : "",
			                name, on ? "true" : "false");
		} else {
			ctl_resp_printf(resp, "%-10s %s\n", name,
			                on ? "on" : "off");
		}
	}
	if (args->json) {
		ctl_resp_printf(resp, "}");
	}
}

static int cmd_log(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	(void)ctx;
	if (args->argc == 0) {
		log_list(args, resp);
		return DZ_OK;
	}
	log_category_t cat;
	bool on = args->argc == 2 && strcmp(args->argv[1], "on") == 0;
	bool off = args->argc == 2 && strcmp(args->argv[1], "off") == 0;
	if ((!on && !off) ||
	    log_category_from_str(args->argv[0], &cat) != DZ_OK) {
		ctl_resp_printf(resp, "usage: log [CATEGORY on|off]");
		return DZ_EINVAL;
	}
	log_category_set(cat, on);
	log_event(LOG_LEVEL_NOTICE, LOG_CAT_CONTROL, NULL, NULL,
	          "log-category-set", "category=%s state=%s",
	          log_category_to_str(cat), on ? "on" : "off");
	ctl_resp_printf(resp, args->json ? "{\"%s\":%s}" : "%s %s\n",
	                log_category_to_str(cat),
	                args->json ? (on ? "true" : "false") : (on ? "on" : "off"));
	return DZ_OK;
}

int dispatch_ctl_register(server_t *srv)
{
	static const struct {
		const char *name;
		ctl_handler_fn fn;
	} cmds[] = {
		{"status", cmd_status}, {"reload", cmd_reload},
		{"stats", cmd_stats},   {"stop", cmd_stop},
		{"log", cmd_log},       {"sync", cmd_sync},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int ret = ctl_register(srv->ctl, cmds[i].name, cmds[i].fn, srv);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}
