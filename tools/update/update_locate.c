/* SPDX-License-Identifier: BSD-3-Clause */
/* Finding the primary as RFC 2136 §4 says: the zone's SOA, then the addresses of its MNAME, each step traceable. */
#include "tools/update/update_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

/* A reply to one of our look-ups, parsed, with its own storage. */
typedef struct lookup {
	dz_msg_t m;
	dz_msg_rr_t *rrs;
	uint8_t *pkt;
	char from[CLIENT_ADDR_MAXSTR];
} lookup_t;

static void lookup_free(lookup_t *lk)
{
	free(lk->rrs);
	free(lk->pkt);
	lk->rrs = NULL;
	lk->pkt = NULL;
}

static void name_str(const uint8_t *name, char *buf, size_t len)
{
	if (dz_name_to_str(buf, len, name) < 0) {
		snprintf(buf, len, "?");
	}
}

static int build_query(const uint8_t *name, uint16_t type, uint8_t *buf,
		       size_t cap)
{
	dz_msg_hdr_t hdr = {.opcode = DZ_OPCODE_QUERY, .rd = true};
	dz_msg_render_t r;
	if (getrandom(&hdr.id, sizeof(hdr.id), 0) != sizeof(hdr.id)) {
		hdr.id = (uint16_t)rand();
	}
	int ret = dz_msg_render_begin(&r, buf, cap, &hdr);
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&r, name, type, DZ_CLASS_IN);
	}
	return ret == DZ_OK ? dz_msg_render_finish(&r) : ret;
}

/* Ask \p where for name/type (recursion desired, no TSIG). On failure
 * \p err says why. */
static int query(const update_session_t *s, const client_addr_t *where,
		 const uint8_t *name, uint16_t type, lookup_t *lk, char *err,
		 size_t errlen)
{
	uint8_t q[DZ_MSG_HDR_LEN + DZ_NAME_MAXLEN + 4];
	client_opts_t o = s->copts;
	client_result_t res;
	memset(lk, 0, sizeof(*lk));
	client_addr_to_str(where, lk->from, sizeof(lk->from));
	o.key = NULL;
	o.local = s->has_local ? &s->local : NULL;
	int n = build_query(name, type, q, sizeof(q));
	lk->pkt = malloc(CLIENT_REPLY_MAX);
	lk->rrs = calloc(DZ_MSG_DEFAULT_MAX_RRS, sizeof(*lk->rrs));
	if (n < 0 || lk->pkt == NULL || lk->rrs == NULL) {
		snprintf(err, errlen, "out of memory");
		lookup_free(lk);
		return DZ_ENOMEM;
	}
	int ret = client_exchange(&o, where, q, (size_t)n, sizeof(q), lk->pkt,
				  &res);
	if (ret != DZ_OK) {
		snprintf(err, errlen, "%s: %s", lk->from, res.err);
	} else {
		dz_msg_init(&lk->m, lk->rrs, DZ_MSG_DEFAULT_MAX_RRS);
		ret = dz_msg_parse(&lk->m, lk->pkt, res.len, NULL, NULL);
		if (ret != DZ_OK) {
			snprintf(err, errlen, "%s: malformed reply", lk->from);
		}
	}
	if (ret != DZ_OK) {
		lookup_free(lk);
	}
	return ret;
}

/* ---- SOA ----------------------------------------------------------------- */

/* The first SOA in a section, its owner in \p owner. */
static const dz_msg_rr_t *find_soa_rr(const lookup_t *lk, dz_msg_section_t sec,
				      uint8_t *owner)
{
	uint32_t n;
	const dz_msg_rr_t *rr = dz_msg_section(&lk->m, sec, &n);
	for (uint32_t i = 0; i < n; i++) {
		if (rr[i].type == DZ_RR_SOA &&
		    dz_msg_rr_owner(&lk->m, &rr[i], owner) > 0) {
			return &rr[i];
		}
	}
	return NULL;
}

/* MNAME and SERIAL from SOA rdata (RFC 1035 §3.3.13). */
static int soa_fields(const lookup_t *lk, const dz_msg_rr_t *rr,
		      uint8_t *mname, uint32_t *serial)
{
	uint8_t rd[2 * DZ_NAME_MAXLEN + 20];
	int n = dz_msg_rr_rdata(&lk->m, rr, rd, sizeof(rd));
	if (n < 0) {
		return n;
	}
	size_t ml = dz_name_len(rd);
	size_t off = ml + dz_name_len(rd + ml);
	if (off + 20 > (size_t)n) {
		return DZ_EMALF;
	}
	memcpy(mname, rd, ml);
	*serial = (uint32_t)rd[off] << 24 | (uint32_t)rd[off + 1] << 16 |
		  (uint32_t)rd[off + 2] << 8 | rd[off + 3];
	return DZ_OK;
}

/* One SOA look-up: 1 found (zone, mname filled), 0 not here, <0 error. */
static int soa_step(const update_session_t *s, const client_addr_t *where,
		    const uint8_t *name, uint8_t *zone, uint8_t *mname)
{
	lookup_t lk;
	char err[400], n[DZ_NAME_MAXSTR], z[DZ_NAME_MAXSTR], m[DZ_NAME_MAXSTR];
	uint32_t serial;
	name_str(name, n, sizeof(n));
	if (query(s, where, name, DZ_RR_SOA, &lk, err, sizeof(err)) != DZ_OK) {
		fprintf(stderr, "update failed: SOA query for %s: %s\n", n, err);
		return DZ_EIO;
	}
	uint16_t rcode = dz_msg_rcode(&lk.m);
	int ret = 0;
	const dz_msg_rr_t *soa = find_soa_rr(&lk, DZ_MSG_AN, zone);
	bool in_answer = soa != NULL;
	if (soa == NULL && rcode != DZ_RCODE_NOERROR &&
	    rcode != DZ_RCODE_NXDOMAIN) {
		fprintf(stderr, "update failed: SOA query for %s: %s answered "
			"%s\n", n, lk.from, client_rcode_str(rcode));
		ret = DZ_EIO;
	} else if (soa == NULL) {
		soa = find_soa_rr(&lk, DZ_MSG_NS, zone);
	}
	if (ret == 0 && soa != NULL &&
	    soa_fields(&lk, soa, mname, &serial) != DZ_OK) {
		fprintf(stderr, "update failed: unreadable SOA from %s\n",
			lk.from);
		ret = DZ_EMALF;
	} else if (ret == 0 && soa != NULL) {
		name_str(zone, z, sizeof(z));
		name_str(mname, m, sizeof(m));
		if (s->verbose) {
			fprintf(stderr, ";; SOA %s -> mname %s serial %u (%s "
				"from %s)\n", z, m, serial,
				in_answer ? "answer" : "authority section",
				lk.from);
		}
		ret = 1;
	} else if (ret == 0 && s->verbose) {
		fprintf(stderr, ";; SOA %s: none (%s from %s)\n", n,
			client_rcode_str(rcode), lk.from);
	}
	lookup_free(&lk);
	return ret;
}

int update_find_zone(update_session_t *s, const client_addr_t *where,
		     uint8_t *zone, uint8_t *mname)
{
	uint8_t name[DZ_NAME_MAXLEN], z[DZ_NAME_MAXLEN], m[DZ_NAME_MAXLEN];
	char n[DZ_NAME_MAXSTR], zs[DZ_NAME_MAXSTR];
	const update_rr_t *first = NULL;
	for (size_t i = 0; i < s->count && first == NULL; i++) {
		first = !s->rr[i].prereq ? &s->rr[i] : NULL;
	}
	first = first == NULL && s->count > 0 ? &s->rr[0] : first;
	if (s->has_zone) {
		dz_name_copy(name, s->zone);
	} else if (first != NULL) {
		dz_name_copy(name, first->owner);
	} else {
		fprintf(stderr, "update failed: no zone given and no record to "
			"find it from\n");
		return DZ_EINVAL;
	}
	/* RFC 2136 §4: walk up until an SOA answer, or an SOA in the
	 * authority section, shows the zone. */
	for (;;) {
		int ret = soa_step(s, where, name, z, m);
		if (ret < 0) {
			return ret;
		}
		if (ret == 1) {
			break;
		}
		if (s->has_zone || name[0] == 0) {
			name_str(name, n, sizeof(n));
			fprintf(stderr, "update failed: no SOA found for %s\n", n);
			return DZ_ENOTFOUND;
		}
		dz_name_copy(name, dz_name_skip(name, 1));
	}
	if (s->has_zone && !dz_name_equal(z, s->zone)) {
		name_str(s->zone, n, sizeof(n));
		name_str(z, zs, sizeof(zs));
		fprintf(stderr, "update failed: zone %s does not exist for the "
			"resolver (its SOA is %s's)\n", n, zs);
		return DZ_ENOTFOUND;
	}
	dz_name_copy(zone, z);
	if (mname != NULL) {
		dz_name_copy(mname, m);
	}
	return DZ_OK;
}

/* ---- MNAME addresses ----------------------------------------------------- */

static int ensure_resolver(update_session_t *s);

static void collect(const lookup_t *lk, uint16_t type, uint16_t port,
		    client_addr_t *addrs, size_t cap, size_t *count, char *list,
		    size_t listlen)
{
	uint32_t n;
	const dz_msg_rr_t *rr = dz_msg_section(&lk->m, DZ_MSG_AN, &n);
	size_t iplen = type == DZ_RR_A ? 4 : 16;
	for (uint32_t i = 0; i < n && *count < cap; i++) {
		if (rr[i].type != type || rr[i].rdlen != iplen) {
			continue;
		}
		client_addr_t *a = &addrs[*count];
		if (client_addr_from_raw(lk->pkt + rr[i].rdata, iplen, port,
					 a) != DZ_OK) {
			continue;
		}
		char text[CLIENT_ADDR_MAXSTR], *hash;
		client_addr_to_str(a, text, sizeof(text));
		hash = strrchr(text, '#');
		if (hash != NULL) {
			*hash = '\0';
		}
		size_t used = strlen(list);
		snprintf(list + used, listlen - used, "%s%s",
			 used > 0 ? ", " : "", text);
		(*count)++;
	}
}

/* A or AAAA of a host; returns the rcode seen (or -1, no reply). */
static int resolve_type(const update_session_t *s, const uint8_t *mname,
			uint16_t type, uint16_t port, client_addr_t *addrs,
			size_t cap, size_t *count, char *why, size_t whylen)
{
	lookup_t lk;
	char list[512] = "", m[DZ_NAME_MAXSTR];
	const char *t = type == DZ_RR_A ? "A" : "AAAA";
	name_str(mname, m, sizeof(m));
	if (query(s, &s->resolver, mname, type, &lk, why, whylen) != DZ_OK) {
		if (s->verbose) {
			fprintf(stderr, ";; %s %s -> no reply (%s)\n", m, t, why);
		}
		return -1;
	}
	int rcode = dz_msg_rcode(&lk.m);
	size_t before = *count;
	collect(&lk, type, port, addrs, cap, count, list, sizeof(list));
	if (s->verbose) {
		fprintf(stderr, ";; %s %s -> %s\n", m, t,
			*count > before ? list
			: rcode != DZ_RCODE_NOERROR ? client_rcode_str((uint16_t)rcode)
						    : "no records");
	}
	lookup_free(&lk);
	return rcode;
}

int update_resolve_host(update_session_t *s, const char *role,
			const uint8_t *name, uint16_t port,
			client_addr_t *addrs, size_t cap, size_t *count)
{
	char why[400] = "", m[DZ_NAME_MAXSTR];
	size_t n = 0;
	if (ensure_resolver(s) != DZ_OK) {
		return DZ_ENOENT;
	}
	port = port != 0 ? port : s->port;
	int r4 = resolve_type(s, name, DZ_RR_A, port, addrs, cap, &n, why,
			      sizeof(why));
	int r6 = resolve_type(s, name, DZ_RR_AAAA, port, addrs, cap, &n, why,
			      sizeof(why));
	if (n > 0) {
		*count = n;
		return DZ_OK;
	}
	name_str(name, m, sizeof(m));
	int rc = r4 > 0 ? r4 : r6;
	fprintf(stderr, "update failed: %s %s does not resolve: %s\n", role, m,
		r4 < 0 && r6 < 0 ? why
		: rc > 0 ? client_rcode_str((uint16_t)rc)
			 : "no A or AAAA records");
	return DZ_ENOTFOUND;
}

/* First "nameserver" of /etc/resolv.conf (only when --resolver is absent). */
static int default_resolver(client_addr_t *out)
{
	FILE *f = fopen("/etc/resolv.conf", "r");
	char line[256], addr[128];
	int ret = DZ_ENOENT;
	if (f == NULL) {
		return ret;
	}
	while (ret != DZ_OK && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " nameserver %127s", addr) == 1) {
			ret = client_addr_parse(addr, NULL, 53, out);
		}
	}
	fclose(f);
	return ret;
}

/* The resolver to use: --resolver, else /etc/resolv.conf's first; the
 * first time, --trace names it. */
static int ensure_resolver(update_session_t *s)
{
	char r[CLIENT_ADDR_MAXSTR];
	if (s->resolver_shown) {
		return DZ_OK;
	}
	if (!s->has_resolver && default_resolver(&s->resolver) != DZ_OK) {
		fprintf(stderr, "update failed: no server given and no "
			"nameserver in /etc/resolv.conf\n");
		return DZ_ENOENT;
	}
	s->has_resolver = true;
	s->resolver_shown = true;
	client_addr_to_str(&s->resolver, r, sizeof(r));
	if (s->verbose) {
		fprintf(stderr, ";; resolver %s\n", r);
	}
	return DZ_OK;
}

int update_locate(update_session_t *s, uint8_t *zone, client_addr_t *addrs,
		  size_t cap, size_t *count)
{
	uint8_t z[DZ_NAME_MAXLEN], mname[DZ_NAME_MAXLEN];
	size_t n = 0;
	int ret = ensure_resolver(s);
	if (ret == DZ_OK) {
		ret = update_find_zone(s, &s->resolver, z, mname);
	}
	if (ret == DZ_OK) {
		ret = update_resolve_host(s, "MNAME", mname, 0, addrs, cap, &n);
	}
	if (ret == DZ_OK) {
		dz_name_copy(zone, z);
		*count = n;
	}
	return ret;
}
