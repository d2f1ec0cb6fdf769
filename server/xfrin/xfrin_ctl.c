/* SPDX-License-Identifier: BSD-3-Clause */
/* Control commands of the secondary side: `refresh ZONE`, `retransfer ZONE`,
 * and the refresh lines of `status ZONE` (journal lines: dispatch_ctl.c). */
#include "server/xfrin/xfrin.h"

#include <stdio.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "server/log/log.h"
#include "server/xfrin/xfrin_internal.h"

int xfrin_ctl_register(server_t *srv);

static const char *state_str(xfrin_state_t s)
{
	switch (s) {
	case XFRIN_IDLE:
		return "idle";
	case XFRIN_SOA:
		return "soa-query";
	case XFRIN_XFR:
		return "transfer";
	case XFRIN_APPLY:
		return "apply";
	}
	return "unknown";
}

static void time_str(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The zone named by the command's one argument, as a secondary here. */
static int arg_zone(const ctl_args_t *args, ctl_resp_t *resp, server_t *srv,
                    xfrin_zone_t **out)
{
	static const uint8_t root[1] = {0};
	uint8_t name[DZ_NAME_MAXLEN];
	if (args->argc != 1) {
		return DZ_EINVAL;
	}
	const char *t = args->argv[0];
	xfrin_zone_t *z = NULL;
	if (dz_name_from_str(name, t, strlen(t), root) > 0 &&
	    srv->xfrin != NULL) {
		z = xfrin_zone_get(srv->xfrin, name);
	}
	if (z == NULL) {
		ctl_resp_printf(resp, "zone %s is not a secondary zone here",
		                t);
		return DZ_ENOTFOUND;
	}
	*out = z;
	return DZ_OK;
}

static int cmd_refresh(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	server_t *srv = ctx;
	xfrin_zone_t *z = NULL;
	int ret = arg_zone(args, resp, srv, &z);
	if (ret != DZ_OK) {
		return ret;
	}
	snprintf(z->why, sizeof(z->why), "ctl");
	xfrin_zone_event(z, XFRIN_EV_REFRESH);
	ctl_resp_printf(resp, args->json ? "{\"refresh\":\"started\"}"
	                                 : "refresh started\n");
	return DZ_OK;
}

static int cmd_retransfer(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	server_t *srv = ctx;
	xfrin_zone_t *z = NULL;
	int ret = arg_zone(args, resp, srv, &z);
	if (ret != DZ_OK) {
		return ret;
	}
	snprintf(z->why, sizeof(z->why), "ctl-retransfer");
	xfrin_zone_event(z, XFRIN_EV_RETRANSFER);
	ctl_resp_printf(resp, args->json ? "{\"retransfer\":\"started\"}"
	                                 : "retransfer started\n");
	return DZ_OK;
}

int xfrin_ctl_register(server_t *srv)
{
	int ret = ctl_register(srv->ctl, "refresh", cmd_refresh, srv);
	if (ret == DZ_OK) {
		ret = ctl_register(srv->ctl, "retransfer", cmd_retransfer, srv);
	}
	return ret;
}

static void primaries_str(server_t *srv, const uint8_t *zone, char *buf,
                          size_t cap)
{
	const conf_zone_t *zc = conf_zone_find(srv->conf, zone);
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; zc != NULL && i < zc->nprimaries && len < cap; i++) {
		int n = snprintf(buf + len, cap - len, "%s%s", i > 0 ? "," : "",
		                 zc->primaries[i]->id);
		len += n > 0 ? (size_t)n : 0;
	}
	if (buf[0] == '\0') {
		snprintf(buf, cap, "-");
	}
}

size_t xfrin_status(server_t *srv, const uint8_t *zone, bool json, char *buf,
                    size_t cap)
{
	xfrin_zone_t *z =
	        srv->xfrin != NULL ? xfrin_zone_get(srv->xfrin, zone) : NULL;
	if (z == NULL || cap == 0) {
		return 0;
	}
	char prim[256], last[32], next[32], exp[32];
	primaries_str(srv, zone, prim, sizeof(prim));
	time_str(z->p.last_ok, last, sizeof(last));
	time_str(z->state == XFRIN_IDLE ? z->next_refresh : 0, next,
	         sizeof(next));
	time_str(z->p.expire_at, exp, sizeof(exp));
	const char *res = z->p.last_result[0] ? z->p.last_result : "-";
	int n = snprintf(
	        buf, cap,
	        json ? ",\"primaries\":\"%s\",\"refresh-state\":\"%s\","
	               "\"last-result\":\"%s\",\"last-refresh\":\"%s\","
	               "\"next-refresh\":\"%s\",\"expire\":\"%s\","
	               "\"expired\":%s"
	             : " primaries=%s refresh-state=%s last-result=%s "
	               "last-refresh=%s next-refresh=%s expire=%s "
	               "expired=%s",
	        prim, state_str(z->state), res, last, next, exp,
	        z->expired ? (json ? "true" : "yes") : (json ? "false" : "no"));
	if (n < 0) {
		return 0;
	}
	return (size_t)n < cap ? (size_t)n : cap - 1;
}
