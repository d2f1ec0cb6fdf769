/* SPDX-License-Identifier: BSD-3-Clause */
/* Answer-engine benchmark: a 100,000-name zone, a mix of positive, NXDOMAIN and referral queries answered on one thread. */
/*
 * Usage: bench_query [ZONEFILE ORIGIN QUERYFILE]
 * With no argument the zone and queries are made up (host<N>.example.);
 * with three, the zone file is loaded and the queries ("name TYPE" lines,
 * dnsperf's format, as bench/gen_qps_zone.py writes them) are read, so the
 * mix of bench/qps.sh can be measured without the kernel.
 * BENCH_QUERY_PASSES=N runs exactly N passes over the queries instead of
 * 3 seconds (deterministic instruction counts under callgrind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zone.h"
#include "lib/zone/zonefile.h"
#include "server/query/query.h"

#define NAMES 100000
#define DELEGATIONS 1000 /* of the names, every 100th is a cut */
#define QUERIES 4096     /* distinct prepared requests, reused */
#define FILE_QUERIES 65536 /* at most this many read from a query file */
#define SECONDS 3.0

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wire name "<prefix><n>.example." (plus "ns." in front when \p ns). */
static size_t mkname(uint8_t *dst, const char *prefix, unsigned n, bool ns)
{
	char label[32];
	size_t pos = 0;
	if (ns) {
		memcpy(dst, "\x02ns", 3);
		pos = 3;
	}
	int len = snprintf(label, sizeof(label), "%s%u", prefix, n);
	dst[pos++] = (uint8_t)len;
	memcpy(dst + pos, label, (size_t)len);
	pos += (size_t)len;
	memcpy(dst + pos, "\x07" "example", 8);
	pos += 8;
	dst[pos++] = 0;
	return pos;
}

static int add(dz_zone_builder_t *b, const uint8_t *owner, uint16_t type,
               const void *rdata, size_t len)
{
	return dz_zone_builder_add(b, owner, type, DZ_CLASS_IN, 3600, rdata,
	                           (uint16_t)len);
}

static int add_apex(dz_zone_builder_t *b, const uint8_t *origin)
{
	static const uint8_t soa[] = {
		2, 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		1, 'h', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		0, 0, 0, 1, 0, 0, 14, 16, 0, 0, 2, 88, 0, 1, 81, 128, 0, 0, 1, 44};
	static const uint8_t ns[] = {2, 'n', 's', 7, 'e', 'x', 'a', 'm', 'p',
	                             'l', 'e', 0};
	static const uint8_t addr[] = {192, 0, 2, 1};
	int ret = add(b, origin, DZ_RR_SOA, soa, sizeof(soa));
	if (ret == DZ_OK) {
		ret = add(b, origin, DZ_RR_NS, ns, sizeof(ns));
	}
	if (ret == DZ_OK) {
		ret = add(b, ns, DZ_RR_A, addr, sizeof(addr));
	}
	return ret;
}

/* host<i>.example. A, and every 100th name a delegation d<i> with glue. */
static int build(dz_zone_t **out)
{
	static const uint8_t origin[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
	uint8_t name[DZ_NAME_MAXLEN], target[DZ_NAME_MAXLEN];
	dz_zone_builder_t *b;
	int ret = dz_zone_builder_new(origin, &b);
	if (ret == DZ_OK) {
		ret = add_apex(b, origin);
	}
	for (unsigned i = 0; ret == DZ_OK && i < NAMES; i++) {
		uint8_t a[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
		                (uint8_t)i};
		if (i % (NAMES / DELEGATIONS) == 0) {
			mkname(name, "d", i, false);
			size_t tlen = mkname(target, "d", i, true);
			ret = add(b, name, DZ_RR_NS, target, tlen);
			if (ret == DZ_OK) {
				ret = add(b, target, DZ_RR_A, a, sizeof(a));
			}
			continue;
		}
		mkname(name, "host", i, false);
		ret = add(b, name, DZ_RR_A, a, sizeof(a));
	}
	if (ret == DZ_OK) {
		ret = dz_zone_builder_finish(b, out);
	}
	dz_zone_builder_free(b);
	return ret;
}

static bool find_zone(void *ctx, const uint8_t *name, uint16_t qtype,
                      query_zone_t *out)
{
	const dz_zone_t *z = ctx;
	(void)qtype;
	if (!dz_name_is_sub(name, dz_zone_origin(z))) {
		return false;
	}
	*out = (query_zone_t){.zone = z};
	return true;
}

typedef struct req {
	uint8_t wire[300];
	size_t len;
} req_t;

/* A query for name/type, with EDNS when \p edns. */
static int render_req(req_t *req, unsigned id, const uint8_t *name,
                      uint16_t qtype, bool edns)
{
	dz_msg_render_t r;
	dz_msg_hdr_t h = {.id = (uint16_t)id, .rd = true};
	dz_edns_out_t opt = {.udp_size = 1232};
	if (dz_msg_render_begin(&r, req->wire, sizeof(req->wire), &h) != DZ_OK ||
	    dz_msg_render_question(&r, name, qtype, DZ_CLASS_IN) != DZ_OK ||
	    (edns && dz_msg_render_opt(&r, &opt) != DZ_OK)) {
		return DZ_EINVAL;
	}
	int len = dz_msg_render_finish(&r);
	if (len < 0) {
		return len;
	}
	req->len = (size_t)len;
	return DZ_OK;
}

/* 70% positive A, 20% NXDOMAIN, 10% referral; a third with EDNS. */
static int prepare(req_t *reqs)
{
	uint8_t name[DZ_NAME_MAXLEN];
	srand(42);
	for (unsigned i = 0; i < QUERIES; i++) {
		unsigned pick = (unsigned)rand() % 100, n = (unsigned)rand() % NAMES;
		if (pick < 70) {
			n += n % 100 == 0 ? 1 : 0;
			mkname(name, "host", n % NAMES, false);
		} else if (pick < 90) {
			mkname(name, "nothere", n, false);
		} else {
			mkname(name, "d", n - n % (NAMES / DELEGATIONS), false);
		}
		int ret = render_req(&reqs[i], i, name, DZ_RR_A, i % 3 == 0);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

static int file_record(void *ctx, const dz_zrr_t *rr)
{
	return dz_zone_builder_add(ctx, rr->owner, rr->type, rr->rclass,
	                           rr->ttl, rr->rdata, rr->rdlen);
}

static int load_zone(const char *path, const char *origin_str,
                     dz_zone_t **out)
{
	uint8_t origin[DZ_NAME_MAXLEN];
	dz_zone_builder_t *b;
	int ret = dz_name_from_str(origin, origin_str, strlen(origin_str),
	                           NULL);
	if (ret < 0 || (ret = dz_zone_builder_new(origin, &b)) != DZ_OK) {
		return ret < 0 ? ret : DZ_EINVAL;
	}
	dz_zonefile_opts_t opts = {.origin = origin, .rclass = DZ_CLASS_IN};
	ret = dz_zonefile_parse_file(path, &opts, file_record, b, NULL);
	if (ret == DZ_OK) {
		ret = dz_zone_builder_finish(b, out);
	}
	dz_zone_builder_free(b);
	return ret;
}

/* "name TYPE" lines; a third of the queries get EDNS, as above. */
static int read_queries(const char *path, req_t *reqs, unsigned *n)
{
	char line[512];
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return DZ_EINVAL;
	}
	unsigned i = 0;
	while (i < FILE_QUERIES && fgets(line, sizeof(line), f) != NULL) {
		uint8_t name[DZ_NAME_MAXLEN];
		uint16_t qtype;
		char *sp = strchr(line, ' ');
		size_t tlen = sp != NULL ? strcspn(sp + 1, " \r\n") : 0;
		if (sp == NULL ||
		    dz_name_from_str(name, line, (size_t)(sp - line), NULL) < 0 ||
		    dz_rrtype_from_str(sp + 1, tlen, &qtype) != DZ_OK ||
		    render_req(&reqs[i], i, name, qtype, i % 3 == 0) != DZ_OK) {
			fclose(f);
			return DZ_EINVAL;
		}
		i++;
	}
	fclose(f);
	*n = i;
	return i > 0 ? DZ_OK : DZ_EINVAL;
}

static int setup(int argc, char **argv, dz_zone_t **zone, req_t *reqs,
                 unsigned *n)
{
	if (argc == 4) {
		int ret = load_zone(argv[1], argv[2], zone);
		if (ret == DZ_OK && (ret = read_queries(argv[3], reqs, n)) !=
		                            DZ_OK) {
			dz_zone_unref(*zone);
		}
		return ret;
	}
	if (argc != 1) {
		return DZ_EINVAL;
	}
	*n = QUERIES;
	int ret = build(zone);
	if (ret == DZ_OK && (ret = prepare(reqs)) != DZ_OK) {
		dz_zone_unref(*zone);
	}
	return ret;
}

int main(int argc, char **argv)
{
	static req_t reqs[FILE_QUERIES];
	static uint8_t resp[DZ_MSG_MAX_SIZE];
	dz_zone_t *zone;
	unsigned long rcodes[16] = {0}, answers = 0, referrals = 0;
	unsigned nq = 0;

	if (setup(argc, argv, &zone, reqs, &nq) != DZ_OK) {
		fprintf(stderr, "bench_query: setup failed (usage: bench_query "
		                "[ZONEFILE ORIGIN QUERYFILE])\n");
		return 1;
	}
	const char *passes_env = getenv("BENCH_QUERY_PASSES");
	long passes = passes_env != NULL ? strtol(passes_env, NULL, 10) : 0;
	query_env_t env = {.find_zone = find_zone, .ctx = zone,
	                   .udp_max_payload = 1232};
	double start = now(), elapsed = 0, best = 1e9;
	for (long p = 0; passes > 0 ? p < passes : elapsed < SECONDS; p++) {
		double pass = now();
		for (unsigned i = 0; i < nq; i++) {
			query_info_t info;
			int len = query_answer(&env, reqs[i].wire, reqs[i].len,
			                       false, resp, sizeof(resp), &info);
			if (len <= 0) {
				fprintf(stderr, "bench_query: no answer\n");
				return 1;
			}
			rcodes[info.rcode & 15]++;
			referrals += info.result == QUERY_RESULT_REFERRAL;
		}
		answers += nq;
		double t = now();
		best = t - pass < best ? t - pass : best;
		elapsed = t - start;
	}
	/* The fastest pass is the figure least disturbed by other processes
	 * on a shared machine. */
	printf("bench_query: %lu answers in %.2f s: %.0f answers/s, %.0f ns/answer, best pass %.0f ns/answer\n",
	       answers, elapsed, (double)answers / elapsed,
	       elapsed * 1e9 / (double)answers, best * 1e9 / nq);
	printf("bench_query: NOERROR %lu (referrals %lu), NXDOMAIN %lu, other %lu\n",
	       rcodes[0], referrals, rcodes[3],
	       answers - rcodes[0] - rcodes[3]);
	dz_zone_unref(zone);
	return 0;
}
