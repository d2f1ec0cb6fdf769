/* SPDX-License-Identifier: BSD-3-Clause */
/* Who gets a NOTIFY: the zone's NS hosts but this server, their addresses (zone data, other zones, resolver), and the notify remotes. */
#include "server/notify/notify_internal.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zone.h"
#include "server/dispatch.h"
#include "server/log/log.h"
#include "server/net/net_addr.h"

#define PLAN_MAX_NS 32
#define PLAN_MAX_ADDRS 8

/* One NS host and the addresses found for it without resolving. */
typedef struct {
	uint8_t name[DZ_NAME_MAXLEN];
	size_t naddrs;
	struct sockaddr_storage addrs[PLAN_MAX_ADDRS];
} plan_ns_t;

/* What the zone's current version says, copied while RCU-online. */
typedef struct {
	bool secondary;
	bool has_mname;
	uint8_t mname[DZ_NAME_MAXLEN];
	size_t nns;
	plan_ns_t ns[PLAN_MAX_NS];
} plan_t;

/* A lookup waiting for the resolver. */
typedef struct {
	notify_zone_t *z;
	uint64_t gen;
	bool force;
	uint8_t name[DZ_NAME_MAXLEN];
} pending_t;

/* ===== this server ======================================================= */

static bool same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family) {
		return false;
	}
	if (a->sa_family == AF_INET) {
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		              &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	}
	return a->sa_family == AF_INET6 &&
	       memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	              &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

static bool is_wildcard(const struct sockaddr *sa)
{
	static const uint8_t zero[16] = {0};
	if (sa->sa_family == AF_INET) {
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == 0;
	}
	return memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, zero,
	              16) == 0;
}

/* An address of one of this host's interfaces (what a 0.0.0.0 or ::
 * listener receives on). */
static bool is_local_ip(const struct sockaddr *addr)
{
	struct ifaddrs *ifs = NULL;
	bool found = false;
	if (getifaddrs(&ifs) != 0) {
		return false;
	}
	for (const struct ifaddrs *i = ifs; i != NULL && !found; i = i->ifa_next) {
		found = i->ifa_addr != NULL && same_ip(i->ifa_addr, addr);
	}
	freeifaddrs(ifs);
	return found;
}

bool notify_is_self_addr(const server_t *srv, const struct sockaddr *addr)
{
	struct sockaddr_storage ls;
	uint16_t port = net_addr_port(addr);
	for (size_t i = 0; net_bound_addr(srv->net, i, &ls) == DZ_OK; i++) {
		const struct sockaddr *l = (const struct sockaddr *)&ls;
		if (l->sa_family != addr->sa_family ||
		    net_addr_port(l) != port) {
			continue;
		}
		if (same_ip(l, addr) || (is_wildcard(l) && is_local_ip(addr))) {
			return true;
		}
	}
	return false;
}

static bool is_self_name(const server_t *srv, const uint8_t *name)
{
	const conf_server_t *cs = &srv->conf->server;
	for (size_t i = 0; i < cs->nidentity; i++) {
		if (dz_name_equal(cs->identity[i], name)) {
			return true;
		}
	}
	return false;
}

/* notify-skipped-self once per zone and target name: a zone that lists
 * this server among its NS would say so on every change otherwise. */
static void log_self(notify_zone_t *z, const char *label, const char *how,
                     const struct sockaddr *addr)
{
	char key[NOTIFY_LABEL_MAX + 2];
	snprintf(key, sizeof(key), "|%s|", label);
	if (strstr(z->self_logged, key) != NULL) {
		return;
	}
	size_t used = strlen(z->self_logged);
	if (used + strlen(key) < sizeof(z->self_logged)) {
		memcpy(z->self_logged + used, key, strlen(key) + 1);
	}
	char a[NET_ADDR_STRLEN] = "-";
	if (addr != NULL) {
		(void)net_addr_to_str(addr, a, sizeof(a));
	}
	log_event(LOG_LEVEL_INFO, LOG_CAT_NOTIFY, z->name, NULL,
	          "notify-skipped-self", "target=%s address=%s match=%s",
	          label, a, how);
}

/* ===== reading the zone ================================================== */

static void add_addrs(const dz_node_t *node, uint16_t type, plan_ns_t *ns)
{
	dz_rrset_t rs;
	if (node == NULL || dz_node_rrset(node, type, &rs) != DZ_OK) {
		return;
	}
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	dz_rrset_iter(&rs, &it);
	while (ns->naddrs < PLAN_MAX_ADDRS && dz_rrset_next(&it, &rd, &len)) {
		struct sockaddr_storage ss = {0};
		if (type == DZ_RR_A && len == 4) {
			struct sockaddr_in *s = (struct sockaddr_in *)&ss;
			s->sin_family = AF_INET;
			memcpy(&s->sin_addr, rd, 4);
		} else if (type == DZ_RR_AAAA && len == 16) {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
			s->sin6_family = AF_INET6;
			memcpy(&s->sin6_addr, rd, 16);
		} else {
			continue;
		}
		net_addr_set_port((struct sockaddr *)&ss, NET_PORT_DEFAULT);
		ns->addrs[ns->naddrs++] = ss;
	}
}

/* Addresses of an NS host from data served here: the zone itself (glue
 * and in-zone hosts: dz_zone_node ignores cuts), then the zone that holds
 * the name, if this server serves it. */
static void find_addrs(const server_t *srv, const dz_zone_t *v,
                       plan_ns_t *ns)
{
	const dz_node_t *n = dz_zone_node(v, ns->name);
	add_addrs(n, DZ_RR_A, ns);
	add_addrs(n, DZ_RR_AAAA, ns);
	if (ns->naddrs > 0) {
		return;
	}
	const zone_entry_t *other = zones_find(srv->zones, ns->name);
	const dz_zone_t *ov = other != NULL ? zone_entry_version(other) : NULL;
	if (ov != NULL && ov != v) {
		n = dz_zone_node(ov, ns->name);
		add_addrs(n, DZ_RR_A, ns);
		add_addrs(n, DZ_RR_AAAA, ns);
	}
}

static void read_soa(notify_zone_t *z, const dz_zone_t *v, plan_t *p)
{
	dz_rrset_t soa;
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	if (dz_zone_soa(v, &soa) != DZ_OK) {
		return;
	}
	dz_rrset_iter(&soa, &it);
	if (!dz_rrset_next(&it, &rd, &len) || len > sizeof(z->soa) ||
	    dz_zone_serial(v, &z->serial) != DZ_OK) {
		return;
	}
	memcpy(z->soa, rd, len);
	z->soa_len = len;
	z->soa_ttl = soa.ttl;
	z->has_soa = true;
	/* The MNAME is the first name of the rdata (RFC 1035 §3.3.13),
	 * uncompressed in the zone store. */
	size_t mlen = dz_name_len(rd);
	if (mlen > 0 && mlen <= len) {
		memcpy(p->mname, rd, mlen);
		p->has_mname = true;
	}
}

static void read_ns(const server_t *srv, const dz_zone_t *v, plan_t *p)
{
	dz_rrset_t ns;
	const dz_node_t *apex = dz_zone_apex(v);
	if (apex == NULL || dz_node_rrset(apex, DZ_RR_NS, &ns) != DZ_OK) {
		return;
	}
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	dz_rrset_iter(&ns, &it);
	while (p->nns < PLAN_MAX_NS && dz_rrset_next(&it, &rd, &len)) {
		plan_ns_t *one = &p->ns[p->nns];
		if (dz_name_len(rd) != len) {
			continue; /* not one name: the zone store checked it */
		}
		memcpy(one->name, rd, len);
		one->naddrs = 0;
		find_addrs(srv, v, one);
		p->nns++;
	}
}

/* Everything needed from the zone table, read in one RCU-online stretch
 * of the loop thread. False if the zone is gone or has no data. */
static bool read_zone(const server_t *srv, notify_zone_t *z, plan_t *p)
{
	bool ok = false;
	zones_thread_online();
	const zone_entry_t *e = zones_find(srv->zones, z->name);
	if (e != NULL && dz_name_equal(zone_entry_name(e), z->name)) {
		const dz_zone_t *v = zone_entry_version(e);
		const conf_zone_t *zc = zone_entry_conf(e);
		p->secondary = zc != NULL && zc->role == CONF_ROLE_SECONDARY;
		if (v != NULL) {
			read_soa(z, v, p);
			read_ns(srv, v, p);
			ok = z->has_soa;
		}
	}
	zones_thread_offline();
	return ok;
}

/* ===== sending to them ==================================================== */

static void path_from_remote(const conf_remote_t *r, notify_path_t *path)
{
	static const dz_tsig_alg_t algs[] = {
	        [CONF_HMAC_MD5] = DZ_TSIG_HMAC_MD5,
	        [CONF_HMAC_SHA1] = DZ_TSIG_HMAC_SHA1,
	        [CONF_HMAC_SHA224] = DZ_TSIG_HMAC_SHA224,
	        [CONF_HMAC_SHA256] = DZ_TSIG_HMAC_SHA256,
	        [CONF_HMAC_SHA384] = DZ_TSIG_HMAC_SHA384,
	        [CONF_HMAC_SHA512] = DZ_TSIG_HMAC_SHA512,
	};
	memset(path, 0, sizeof(*path));
	path->has_via = r->has_via;
	path->via = r->via;
	const conf_key_t *k = r->key;
	if (k == NULL || k->secret_len > DZ_TSIG_SECRET_MAX ||
	    (size_t)k->algorithm >= sizeof(algs) / sizeof(algs[0])) {
		return;
	}
	path->has_key = true;
	dz_name_copy(path->key.name, k->name);
	dz_name_to_lower(path->key.name);
	path->key.alg = algs[k->algorithm];
	path->key.secret_len = (uint16_t)k->secret_len;
	memcpy(path->key.secret, k->secret, k->secret_len);
}

static void send_addr(notify_state_t *st, notify_zone_t *z, const char *label,
                      const struct sockaddr *addr, const notify_path_t *path,
                      bool force)
{
	if (notify_is_self_addr(st->srv, addr)) {
		log_self(z, label, "address", addr);
		return;
	}
	notify_send_to(z, label, addr, path, force);
}

static void on_resolved(void *arg, int status,
                        const struct sockaddr_storage *addrs, size_t n,
                        const char *reason)
{
	pending_t *pd = arg;
	notify_zone_t *z = pd->z;
	char label[NOTIFY_LABEL_MAX];
	(void)dz_name_to_str(label, sizeof(label), pd->name);
	if (status == DZ_OK && pd->gen == z->gen) {
		static const notify_path_t plain;
		for (size_t i = 0; i < n; i++) {
			struct sockaddr_storage ss = addrs[i];
			net_addr_set_port((struct sockaddr *)&ss, NET_PORT_DEFAULT);
			send_addr(z->st, z, label, (const struct sockaddr *)&ss,
			          &plain, pd->force);
		}
	} else if (status != -ECANCELED && status != DZ_OK) {
		log_event(LOG_LEVEL_WARNING, LOG_CAT_NOTIFY, z->name, NULL,
		          "notify-target-unresolvable",
		          "target=%s reason=%s serial=%u", label, reason,
		          z->serial);
	}
	free(pd);
}

static void resolve_ns(notify_state_t *st, notify_zone_t *z,
                       const plan_ns_t *ns, bool force)
{
	char label[NOTIFY_LABEL_MAX];
	(void)dz_name_to_str(label, sizeof(label), ns->name);
	pending_t *pd = calloc(1, sizeof(*pd));
	int ret = pd != NULL ? DZ_OK : DZ_ENOMEM;
	if (pd != NULL) {
		pd->z = z;
		pd->gen = z->gen;
		pd->force = force;
		dz_name_copy(pd->name, ns->name);
		ret = resolve_start(st->resolver, ns->name, on_resolved, pd);
	}
	if (ret == DZ_OK) {
		return;
	}
	free(pd);
	log_event(LOG_LEVEL_WARNING, LOG_CAT_NOTIFY, z->name, NULL,
	          "notify-target-unresolvable", "target=%s reason=%s serial=%u",
	          label, ret == DZ_ENOENT ? "no-resolver" : dz_strerror(ret),
	          z->serial);
}

static void run_ns(notify_state_t *st, notify_zone_t *z, const plan_t *p,
                   bool force)
{
	static const notify_path_t plain;
	for (size_t i = 0; i < p->nns; i++) {
		const plan_ns_t *ns = &p->ns[i];
		char label[NOTIFY_LABEL_MAX];
		(void)dz_name_to_str(label, sizeof(label), ns->name);
		if (is_self_name(st->srv, ns->name)) {
			log_self(z, label, "identity", NULL);
			continue;
		}
		/* A secondary does not notify its own primary: RFC 1996 §2
		 * leaves the SOA MNAME out of the notify set (so does BIND). */
		if (p->secondary && p->has_mname &&
		    dz_name_equal(p->mname, ns->name)) {
			continue;
		}
		if (ns->naddrs == 0) {
			resolve_ns(st, z, ns, force);
			continue;
		}
		for (size_t k = 0; k < ns->naddrs; k++) {
			send_addr(st, z, label,
			          (const struct sockaddr *)&ns->addrs[k], &plain,
			          force);
		}
	}
}

static void run_remotes(notify_state_t *st, notify_zone_t *z,
                        const conf_zone_t *zc, bool force)
{
	for (size_t i = 0; zc != NULL && i < zc->nnotify; i++) {
		const conf_remote_t *r = zc->notify[i];
		notify_path_t path;
		path_from_remote(r, &path);
		for (size_t k = 0; k < r->naddrs; k++) {
			send_addr(st, z, r->id,
			          (const struct sockaddr *)&r->addrs[k], &path,
			          force);
		}
	}
}

/* Matrix 3.1: secondaries in the NS set, but nobody will tell them. */
static void check_disabled(notify_state_t *st, notify_zone_t *z,
                           const conf_zone_t *zc, const plan_t *p)
{
	if (z->warned_disabled || zc == NULL || zc->notify_ns ||
	    zc->nnotify > 0) {
		return;
	}
	size_t others = 0;
	for (size_t i = 0; i < p->nns; i++) {
		others += !is_self_name(st->srv, p->ns[i].name);
	}
	if (others == 0) {
		return;
	}
	z->warned_disabled = true;
	log_event(LOG_LEVEL_WARNING, LOG_CAT_NOTIFY, z->name, NULL,
	          "notify-disabled", "ns-hosts=%zu notify-ns=false notify=none",
	          others);
}

void notify_targets_run(notify_state_t *st, notify_zone_t *z, bool force)
{
	plan_t *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_NOTIFY, z->name, NULL,
		          "notify-failed", "err=%s", dz_strerror(DZ_ENOMEM));
		return;
	}
	if (!read_zone(st->srv, z, p)) {
		free(p);
		return;
	}
	z->gen++;
	/* The loop thread owns the configuration: it stays put meanwhile. */
	const conf_zone_t *zc = conf_zone_find(st->srv->conf, z->name);
	check_disabled(st, z, zc, p);
	if (zc == NULL || zc->notify_ns) {
		run_ns(st, z, p, force);
	}
	run_remotes(st, z, zc, force);
	free(p);
}
