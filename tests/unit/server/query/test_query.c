/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of the authoritative answer engine: requests rendered with lib/wire, answers parsed back and checked section by section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zone.h"
#include "lib/zone/zonefile.h"
#include "server/query/query.h"

/* ------------------------------------------------------------------------
 * Fixture: zones loaded from tests/data/query with the zone-file parser
 * ------------------------------------------------------------------------ */

typedef struct served {
	const char *origin;
	dz_zone_t *zone;
	bool expired;
	bool unloaded; /* configured, no data yet */
	uint8_t wire[DZ_NAME_MAXLEN];
} served_t;

static served_t zones[] = {
	{.origin = "example.test."},
	{.origin = "kid.example.test."},
	{.origin = "example."},
	{.origin = "expired.test.", .expired = true},
	{.origin = "pending.test.", .unloaded = true},
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

static int add_cb(void *ctx, const dz_zrr_t *rr)
{
	return dz_zone_builder_add(ctx, rr->owner, rr->type, rr->rclass,
	                           rr->ttl, rr->rdata, rr->rdlen);
}

static dz_zone_t *load(const char *file, const uint8_t *origin)
{
	char path[512];
	dz_zone_builder_t *b;
	dz_zone_t *z;
	dz_zonefile_opts_t o = {.origin = origin};

	snprintf(path, sizeof(path), "%s/query/%s", DZ_TEST_DATA, file);
	assert_int_equal(dz_zone_builder_new(origin, &b), DZ_OK);
	assert_int_equal(dz_zonefile_parse_file(path, &o, add_cb, b, NULL),
	                 DZ_OK);
	assert_int_equal(dz_zone_builder_finish(b, &z), DZ_OK);
	dz_zone_builder_free(b);
	return z;
}

static bool find_zone(void *ctx, const uint8_t *name, uint16_t qtype,
                      query_zone_t *out)
{
	served_t *best = NULL;
	(void)ctx;
	(void)qtype;
	for (size_t i = 0; i < NZONES; i++) {
		if (dz_name_is_sub(name, zones[i].wire) &&
		    (best == NULL ||
		     dz_name_labels(zones[i].wire) > dz_name_labels(best->wire))) {
			best = &zones[i];
		}
	}
	if (best == NULL) {
		return false;
	}
	*out = (query_zone_t){.zone = best->unloaded ? NULL : best->zone,
	                      .expired = best->expired, .data = best};
	return true;
}

static query_env_t env = {.find_zone = find_zone, .udp_max_payload = 1232};

static int setup(void **state)
{
	static const char *const files[] = {
		"example.test.zone", "kid.example.test.zone", "rfc4592.zone",
		"kid.example.test.zone", NULL};
	(void)state;
	for (size_t i = 0; i < NZONES; i++) {
		served_t *s = &zones[i];
		assert_true(dz_name_from_str(s->wire, s->origin,
		                             strlen(s->origin), NULL) > 0);
		if (files[i] != NULL && i != 3) {
			s->zone = load(files[i], s->wire);
		}
	}
	/* The expired zone has data, which must not be served. */
	zones[3].zone = dz_zone_ref(zones[0].zone);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NZONES; i++) {
		dz_zone_unref(zones[i].zone);
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Requests and responses
 * ------------------------------------------------------------------------ */

typedef struct qopt {
	bool edns;
	uint16_t payload;
	uint8_t version;
	bool dnssec_ok;
	uint8_t opcode;
	uint16_t qclass;
	bool tcp;
} qopt_t;

static const qopt_t UDP = {0};
static const qopt_t TCP = {.tcp = true};
static const qopt_t EDNS = {.edns = true, .payload = 1232};
static const qopt_t EDNS_TCP = {.edns = true, .payload = 1232, .tcp = true};

static uint8_t req[DZ_MSG_MAX_SIZE];
static size_t reqlen;
static uint8_t resp[DZ_MSG_MAX_SIZE];
static dz_msg_rr_t resp_rr[2048];
static dz_msg_t R;
static query_info_t info;

static size_t make_query(uint8_t *buf, const char *name, uint16_t type,
                         const qopt_t *o)
{
	uint8_t qname[DZ_NAME_MAXLEN];
	dz_msg_render_t r;
	dz_msg_hdr_t h = {.id = 0xbeef, .rd = true, .opcode = o->opcode};

	assert_true(dz_name_from_str(qname, name, strlen(name), NULL) > 0);
	assert_int_equal(dz_msg_render_begin(&r, buf, DZ_MSG_MAX_SIZE, &h),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_question(&r, qname, type,
	                                        o->qclass ? o->qclass
	                                                  : DZ_CLASS_IN),
	                 DZ_OK);
	if (o->edns) {
		dz_edns_out_t opt = {.udp_size = o->payload,
		                     .version = o->version,
		                     .flags = o->dnssec_ok ? DZ_EDNS_DO : 0};
		assert_int_equal(dz_msg_render_opt(&r, &opt), DZ_OK);
	}
	int len = dz_msg_render_finish(&r);
	assert_true(len > 0);
	return (size_t)len;
}

static uint16_t get_id(void)
{
	return (uint16_t)(req[0] << 8 | req[1]);
}

/* Answer the raw request in req[]; parse the response into R. */
static int answer_raw(bool tcp)
{
	int len = query_answer(&env, req, reqlen, tcp, resp, sizeof(resp),
	                       &info);
	if (len > 0) {
		dz_msg_init(&R, resp_rr, 2048);
		assert_int_equal(dz_msg_parse(&R, resp, (size_t)len, NULL, NULL),
		                 DZ_OK);
		assert_true(R.hdr.qr);
		assert_int_equal(R.hdr.id, get_id());
	}
	return len;
}

static int ask(const char *name, uint16_t type, const qopt_t *o)
{
	reqlen = make_query(req, name, type, o);
	int len = answer_raw(o->tcp);
	assert_true(len > 0);
	return len;
}

static uint16_t rcode(void)
{
	return dz_msg_rcode(&R);
}

static void expect_counts(unsigned an, unsigned ns, unsigned ar)
{
	assert_int_equal(R.hdr.ancount, an);
	assert_int_equal(R.hdr.nscount, ns);
	/* The OPT counts in the additional section; callers pass the
	 * count without it. */
	assert_int_equal(R.hdr.arcount - (R.edns.present ? 1 : 0), ar);
}

static const dz_msg_rr_t *rr_at(dz_msg_section_t s, unsigned i)
{
	uint32_t n;
	const dz_msg_rr_t *rr = dz_msg_section(&R, s, &n);
	assert_true(i < n);
	return &rr[i];
}

static const char *owner_str(const dz_msg_rr_t *rr)
{
	static char str[DZ_NAME_MAXSTR];
	uint8_t owner[DZ_NAME_MAXLEN];
	assert_true(dz_msg_rr_owner(&R, rr, owner) > 0);
	assert_true(dz_name_to_str(str, sizeof(str), owner) > 0);
	return str;
}

static const char *rdata_str(const dz_msg_rr_t *rr)
{
	static char str[4096];
	uint8_t rd[DZ_MSG_MAX_SIZE];
	int len = dz_msg_rr_rdata(&R, rr, rd, sizeof(rd));
	assert_true(len >= 0);
	assert_true(dz_rdata_to_str(rr->type, rd, (size_t)len, str,
	                            sizeof(str)) >= 0);
	return str;
}

/* Owners compare case-insensitively unless the test checks case itself. */
#define assert_string_equal_ci(a, b) assert_int_equal(strcasecmp(a, b), 0)

/* Record i of section s: owner (case-insensitive), type, rdata (or NULL). */
static void expect_rr(dz_msg_section_t s, unsigned i, const char *owner,
                      uint16_t type, const char *rdata)
{
	const dz_msg_rr_t *rr = rr_at(s, i);
	assert_string_equal_ci(owner_str(rr), owner);
	assert_int_equal(rr->type, type);
	if (rdata != NULL) {
		assert_string_equal(rdata_str(rr), rdata);
	}
}

static void expect_soa(unsigned i, const char *origin, uint32_t ttl)
{
	const dz_msg_rr_t *rr = rr_at(DZ_MSG_NS, i);
	assert_int_equal(rr->type, DZ_RR_SOA);
	assert_string_equal_ci(owner_str(rr), origin);
	assert_int_equal(rr->ttl, ttl);
}

static bool section_has(dz_msg_section_t s, const char *owner, uint16_t type)
{
	uint32_t n;
	const dz_msg_rr_t *rr = dz_msg_section(&R, s, &n);
	for (uint32_t i = 0; i < n; i++) {
		if (rr[i].type == type &&
		    strcasecmp(owner_str(&rr[i]), owner) == 0) {
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Positive, NODATA, NXDOMAIN, ENT
 * ------------------------------------------------------------------------ */

static void positive_answer_sets_aa_and_copies_rd(void **state)
{
	(void)state;
	const qopt_t *modes[] = {&UDP, &TCP, &EDNS, &EDNS_TCP};
	for (size_t m = 0; m < 4; m++) {
		ask("www.example.test.", DZ_RR_A, modes[m]);
		assert_int_equal(rcode(), DZ_RCODE_NOERROR);
		assert_true(R.hdr.aa);
		assert_true(R.hdr.rd);
		assert_false(R.hdr.ra);
		assert_false(R.hdr.tc);
		assert_int_equal(R.edns.present, modes[m]->edns);
		expect_counts(1, 0, 0);
		expect_rr(DZ_MSG_AN, 0, "www.example.test.", DZ_RR_A,
		          "192.0.2.80");
		assert_int_equal(rr_at(DZ_MSG_AN, 0)->ttl, 3600);
		assert_int_equal(info.result, QUERY_RESULT_POSITIVE);
		assert_true(info.zone == zones[0].zone);
		assert_true(info.zone_data == &zones[0]);
	}
}

static void nodata_carries_soa_with_minimum_ttl(void **state)
{
	(void)state;
	const qopt_t *modes[] = {&UDP, &TCP, &EDNS};
	for (size_t m = 0; m < 3; m++) {
		ask("www.example.test.", DZ_RR_TXT, modes[m]);
		assert_int_equal(rcode(), DZ_RCODE_NOERROR);
		assert_true(R.hdr.aa);
		expect_counts(0, 1, 0);
		/* SOA TTL 7200, MINIMUM 300: RFC 2308 §3 takes the lower. */
		expect_soa(0, "example.test.", 300);
		assert_int_equal(info.result, QUERY_RESULT_NODATA);
	}
}

static void nxdomain_carries_soa_with_minimum_ttl(void **state)
{
	(void)state;
	ask("nope.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NXDOMAIN);
	assert_true(R.hdr.aa);
	expect_counts(0, 1, 0);
	expect_soa(0, "example.test.", 300);
	assert_int_equal(info.result, QUERY_RESULT_NXDOMAIN);
	/* Child zone: SOA TTL 600 ($TTL), MINIMUM 60. */
	ask("nope.kid.example.test.", DZ_RR_A, &TCP);
	assert_int_equal(rcode(), DZ_RCODE_NXDOMAIN);
	expect_soa(0, "kid.example.test.", 60);
}

static void empty_non_terminal_is_nodata(void **state)
{
	(void)state;
	ask("b.c.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	expect_counts(0, 1, 0);
	expect_soa(0, "example.test.", 300);
	ask("c.example.test.", DZ_RR_ANY, &TCP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(0, 1, 0);
	ask("x.b.c.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NXDOMAIN);
}

static void qname_case_is_preserved(void **state)
{
	(void)state;
	ask("WwW.ExAmPlE.TeSt.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	uint8_t q[DZ_NAME_MAXLEN];
	char str[DZ_NAME_MAXSTR];
	assert_true(R.qname_len > 0);
	memcpy(q, R.qname, R.qname_len);
	assert_true(dz_name_to_str(str, sizeof(str), q) > 0);
	assert_string_equal(str, "WwW.ExAmPlE.TeSt.");
	assert_string_equal(owner_str(rr_at(DZ_MSG_AN, 0)), "WwW.ExAmPlE.TeSt.");
	/* A name stored in mixed case, asked in lower case: the question's
	 * case wins in the answer too. */
	ask("mixed.example.test.", DZ_RR_A, &UDP);
	assert_string_equal(owner_str(rr_at(DZ_MSG_AN, 0)), "mixed.example.test.");
	/* Wildcard synthesis uses the qname as asked. */
	ask("HoSt.WiLd.example.test.", DZ_RR_A, &UDP);
	assert_string_equal(owner_str(rr_at(DZ_MSG_AN, 0)),
	                    "HoSt.WiLd.example.test.");
}

/* ------------------------------------------------------------------------
 * Referrals and DS
 * ------------------------------------------------------------------------ */

static void referral_clears_aa_and_adds_glue(void **state)
{
	(void)state;
	const qopt_t *modes[] = {&UDP, &TCP, &EDNS};
	for (size_t m = 0; m < 3; m++) {
		ask("host.sub.example.test.", DZ_RR_A, modes[m]);
		assert_int_equal(rcode(), DZ_RCODE_NOERROR);
		assert_false(R.hdr.aa);
		assert_false(R.hdr.tc);
		expect_counts(0, 3, 4);
		for (unsigned i = 0; i < 3; i++) {
			expect_rr(DZ_MSG_NS, i, "sub.example.test.", DZ_RR_NS,
			          NULL);
		}
		/* In-bailiwick targets get addresses; ns.other.net. not. */
		assert_true(section_has(DZ_MSG_AR, "ns.sub.example.test.", DZ_RR_A));
		assert_true(section_has(DZ_MSG_AR, "ns.sub.example.test.",
		                        DZ_RR_AAAA));
		assert_true(section_has(DZ_MSG_AR, "ns1.example.test.", DZ_RR_A));
		assert_true(section_has(DZ_MSG_AR, "ns1.example.test.",
		                        DZ_RR_AAAA));
		assert_int_equal(info.result, QUERY_RESULT_REFERRAL);
	}
	/* At the cut itself, any type but DS. */
	ask("sub.example.test.", DZ_RR_NS, &UDP);
	assert_false(R.hdr.aa);
	expect_counts(0, 3, 4);
	ask("sub.example.test.", DZ_RR_A, &UDP);
	assert_false(R.hdr.aa);
	assert_int_equal(R.hdr.nscount, 3);
}

static void referral_sets_tc_when_required_glue_does_not_fit(void **state)
{
	(void)state;
	/* RFC 9471 §3: glue below the cut is not optional. */
	ask("x.fat.example.test.", DZ_RR_A, &UDP);
	assert_false(R.hdr.aa);
	assert_true(R.hdr.tc);
	assert_int_equal(R.hdr.nscount, 12);
	assert_true(R.hdr.arcount < 24);
	ask("x.fat.example.test.", DZ_RR_A, &TCP);
	assert_false(R.hdr.tc);
	expect_counts(0, 12, 24);
}

static void ds_at_cut_is_answered_from_parent(void **state)
{
	(void)state;
	ask("signed.example.test.", DZ_RR_DS, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	expect_counts(1, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "signed.example.test.", DZ_RR_DS, NULL);
	/* No DS at the cut: NODATA with the parent's SOA, not a referral. */
	ask("sub.example.test.", DZ_RR_DS, &TCP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	expect_counts(0, 1, 0);
	expect_soa(0, "example.test.", 300);
	/* Below the cut, DS is a referral like any type. */
	ask("x.sub.example.test.", DZ_RR_DS, &UDP);
	assert_false(R.hdr.aa);
	assert_int_equal(R.hdr.nscount, 3);
}

static void ds_at_child_apex_uses_parent_zone(void **state)
{
	(void)state;
	ask("kid.example.test.", DZ_RR_DS, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	expect_counts(1, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "kid.example.test.", DZ_RR_DS, NULL);
	assert_true(info.zone == zones[0].zone);
	/* Other types at the child apex come from the child. */
	ask("kid.example.test.", DZ_RR_NS, &UDP);
	assert_true(R.hdr.aa);
	expect_rr(DZ_MSG_AN, 0, "kid.example.test.", DZ_RR_NS,
	          "ns.kid.example.test.");
	assert_true(info.zone == zones[1].zone);
}

/* ------------------------------------------------------------------------
 * CNAME
 * ------------------------------------------------------------------------ */

static void cname_chain_of_three_hops_is_followed(void **state)
{
	(void)state;
	const qopt_t *modes[] = {&UDP, &TCP};
	for (size_t m = 0; m < 2; m++) {
		ask("c1.example.test.", DZ_RR_A, modes[m]);
		assert_int_equal(rcode(), DZ_RCODE_NOERROR);
		assert_true(R.hdr.aa);
		expect_counts(4, 0, 0);
		expect_rr(DZ_MSG_AN, 0, "c1.example.test.", DZ_RR_CNAME,
		          "c2.example.test.");
		expect_rr(DZ_MSG_AN, 1, "c2.example.test.", DZ_RR_CNAME,
		          "c3.example.test.");
		expect_rr(DZ_MSG_AN, 2, "c3.example.test.", DZ_RR_CNAME,
		          "www.example.test.");
		expect_rr(DZ_MSG_AN, 3, "www.example.test.", DZ_RR_A,
		          "192.0.2.80");
	}
	/* NODATA at the end of the chain: the CNAMEs and the SOA. */
	ask("c1.example.test.", DZ_RR_TXT, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(3, 1, 0);
	expect_soa(0, "example.test.", 300);
}

static void cname_asked_for_is_not_followed(void **state)
{
	(void)state;
	ask("c1.example.test.", DZ_RR_CNAME, &UDP);
	expect_counts(1, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "c1.example.test.", DZ_RR_CNAME,
	          "c2.example.test.");
}

static void cname_out_of_zone_stops_the_chain(void **state)
{
	(void)state;
	ask("ext.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	expect_counts(1, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "ext.example.test.", DZ_RR_CNAME,
	          "www.example.net.");
}

static void cname_loop_ends_with_noerror(void **state)
{
	(void)state;
	ask("loop1.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(2, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "loop1.example.test.", DZ_RR_CNAME, NULL);
	expect_rr(DZ_MSG_AN, 1, "loop2.example.test.", DZ_RR_CNAME, NULL);
	ask("self.example.test.", DZ_RR_A, &TCP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(1, 0, 0);
	/* A wildcard CNAME whose target the same wildcard synthesises. */
	ask("a.wcloop.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(2, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "a.wcloop.example.test.", DZ_RR_CNAME,
	          "x.wcloop.example.test.");
	expect_rr(DZ_MSG_AN, 1, "x.wcloop.example.test.", DZ_RR_CNAME,
	          "x.wcloop.example.test.");
}

static void cname_to_missing_name_is_nxdomain(void **state)
{
	(void)state;
	/* RFC 6604 §2: the rcode is that of the last name in the chain. */
	ask("dangling.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NXDOMAIN);
	assert_true(R.hdr.aa);
	expect_counts(1, 1, 0);
	expect_rr(DZ_MSG_AN, 0, "dangling.example.test.", DZ_RR_CNAME,
	          "nothere.example.test.");
	expect_soa(0, "example.test.", 300);
	ask("toent.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(1, 1, 0);
}

static void cname_into_delegation_gives_referral_with_aa(void **state)
{
	(void)state;
	ask("todeleg.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	expect_counts(1, 3, 4);
	expect_rr(DZ_MSG_AN, 0, "todeleg.example.test.", DZ_RR_CNAME, NULL);
	expect_rr(DZ_MSG_NS, 0, "sub.example.test.", DZ_RR_NS, NULL);
}

/* ------------------------------------------------------------------------
 * DNAME
 * ------------------------------------------------------------------------ */

static void dname_synthesises_cname_out_of_zone(void **state)
{
	(void)state;
	ask("www.dn.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	expect_counts(2, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "dn.example.test.", DZ_RR_DNAME,
	          "example.net.");
	expect_rr(DZ_MSG_AN, 1, "www.dn.example.test.", DZ_RR_CNAME,
	          "www.example.net.");
	/* RFC 6672 §3.1: the synthesised CNAME has the DNAME's TTL. */
	assert_int_equal(rr_at(DZ_MSG_AN, 1)->ttl, rr_at(DZ_MSG_AN, 0)->ttl);
}

static void dname_target_in_zone_is_followed(void **state)
{
	(void)state;
	ask("X.dni.example.test.", DZ_RR_A, &TCP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(3, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "dni.example.test.", DZ_RR_DNAME, NULL);
	/* The synthesised owner keeps the qname's case. */
	assert_string_equal(owner_str(rr_at(DZ_MSG_AN, 1)), "X.dni.example.test.");
	assert_string_equal_ci(rdata_str(rr_at(DZ_MSG_AN, 1)),
	                       "x.in.example.test.");
	expect_rr(DZ_MSG_AN, 2, "x.in.example.test.", DZ_RR_A, "192.0.2.99");
	/* ... and a missing target is NXDOMAIN. */
	ask("y.dni.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NXDOMAIN);
	expect_counts(2, 1, 0);
}

static void dname_cname_query_stops_at_synthesised_cname(void **state)
{
	(void)state;
	/* The target x.in.example.test. exists (A), but a CNAME query is
	 * answered by the synthesised CNAME alone. */
	ask("x.dni.example.test.", DZ_RR_CNAME, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(2, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "dni.example.test.", DZ_RR_DNAME, NULL);
	expect_rr(DZ_MSG_AN, 1, "x.dni.example.test.", DZ_RR_CNAME,
	          "x.in.example.test.");
	/* ... also when the target does not exist: no NXDOMAIN. */
	ask("y.dni.example.test.", DZ_RR_CNAME, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(2, 0, 0);
}

static void dname_owner_itself_is_an_ordinary_name(void **state)
{
	(void)state;
	ask("dn.example.test.", DZ_RR_DNAME, &UDP);
	expect_counts(1, 0, 0);
	ask("dn.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(0, 1, 0);
}

static void dname_overflow_is_yxdomain(void **state)
{
	(void)state;
	char name[300];
	snprintf(name, sizeof(name), "%.60s.%.60s.long.example.test.",
	         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	         "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	ask(name, DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_YXDOMAIN);
	assert_true(R.hdr.aa);
	expect_counts(1, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "long.example.test.", DZ_RR_DNAME, NULL);
}

/* ------------------------------------------------------------------------
 * Wildcards (RFC 4592)
 * ------------------------------------------------------------------------ */

static void wildcard_synthesises_with_qname_owner(void **state)
{
	(void)state;
	ask("anything.wild.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	expect_counts(1, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "anything.wild.example.test.", DZ_RR_A,
	          "192.0.2.100");
	/* MX from a wildcard gets its in-zone target's address. */
	ask("deep.er.wild.example.test.", DZ_RR_MX, &UDP);
	expect_counts(1, 0, 1);
	expect_rr(DZ_MSG_AN, 0, "deep.er.wild.example.test.", DZ_RR_MX,
	          "10 mail.example.test.");
	expect_rr(DZ_MSG_AR, 0, "mail.example.test.", DZ_RR_A, "192.0.2.25");
}

static void wildcard_nodata_and_cname(void **state)
{
	(void)state;
	ask("x.wild.example.test.", DZ_RR_AAAA, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(0, 1, 0);
	expect_soa(0, "example.test.", 300);
	ask("foo.wc.example.test.", DZ_RR_AAAA, &TCP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(2, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "foo.wc.example.test.", DZ_RR_CNAME,
	          "www.example.test.");
	expect_rr(DZ_MSG_AN, 1, "www.example.test.", DZ_RR_AAAA,
	          "2001:db8::80");
}

static void wildcard_empty_non_terminal_is_nodata(void **state)
{
	(void)state;
	/* *.entw exists only as the parent of x.*.entw (RFC 4592 §2.2.2). */
	ask("foo.entw.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(0, 1, 0);
}

static void wildcard_does_not_apply_below_a_cut(void **state)
{
	(void)state;
	ask("x.del.cutw.example.test.", DZ_RR_A, &UDP);
	assert_false(R.hdr.aa);
	expect_counts(0, 1, 2);
	expect_rr(DZ_MSG_NS, 0, "del.cutw.example.test.", DZ_RR_NS, NULL);
	ask("other.cutw.example.test.", DZ_RR_A, &UDP);
	assert_true(R.hdr.aa);
	expect_rr(DZ_MSG_AN, 0, "other.cutw.example.test.", DZ_RR_A,
	          "192.0.2.8");
}

static void wildcard_rfc4592_examples(void **state)
{
	(void)state;
	/* RFC 4592 §2.2.1 and its list of outcomes. */
	ask("host3.example.", DZ_RR_MX, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(1, 0, 1);
	expect_rr(DZ_MSG_AN, 0, "host3.example.", DZ_RR_MX,
	          "10 host1.example.");
	expect_rr(DZ_MSG_AR, 0, "host1.example.", DZ_RR_A, "192.0.2.1");
	ask("host3.example.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(0, 1, 0);
	ask("foo.bar.example.", DZ_RR_TXT, &UDP);
	expect_counts(1, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "foo.bar.example.", DZ_RR_TXT,
	          "\"this is a wildcard\"");
	ask("host1.example.", DZ_RR_MX, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(0, 1, 0);
	ask("sub.*.example.", DZ_RR_MX, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(0, 1, 0);
	ask("_telnet._tcp.host1.example.", DZ_RR_SRV, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NXDOMAIN);
	ask("host.subdel.example.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_false(R.hdr.aa);
	expect_counts(0, 2, 0);
	ask("ghost.*.example.", DZ_RR_MX, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NXDOMAIN);
	/* The wildcard itself asked for by name is an exact match. */
	ask("*.example.", DZ_RR_TXT, &UDP);
	expect_rr(DZ_MSG_AN, 0, "*.example.", DZ_RR_TXT, NULL);
}

/* ------------------------------------------------------------------------
 * Additional section
 * ------------------------------------------------------------------------ */

static void additional_for_mx_ns_srv(void **state)
{
	(void)state;
	ask("example.test.", DZ_RR_MX, &UDP);
	expect_counts(2, 0, 1); /* mail.elsewhere.net. is not ours */
	expect_rr(DZ_MSG_AR, 0, "mail.example.test.", DZ_RR_A, "192.0.2.25");
	ask("example.test.", DZ_RR_NS, &UDP);
	expect_counts(2, 0, 3);
	assert_true(section_has(DZ_MSG_AR, "ns1.example.test.", DZ_RR_A));
	assert_true(section_has(DZ_MSG_AR, "ns1.example.test.", DZ_RR_AAAA));
	assert_true(section_has(DZ_MSG_AR, "ns2.example.test.", DZ_RR_A));
	ask("_sip._tcp.example.test.", DZ_RR_SRV, &TCP);
	expect_counts(1, 0, 1);
	expect_rr(DZ_MSG_AR, 0, "sipserver.example.test.", DZ_RR_A,
	          "192.0.2.60");
	/* MX reached through a CNAME gets its additional data too. */
	ask("mxalias.example.test.", DZ_RR_MX, &UDP);
	expect_counts(2, 0, 1);
	expect_rr(DZ_MSG_AR, 0, "mail.example.test.", DZ_RR_A, "192.0.2.25");
}

static void additional_dropped_without_tc_when_full(void **state)
{
	(void)state;
	/* Twelve MX targets with A and AAAA each: the answer fits in 512
	 * octets, the addresses do not all; those left out are whole
	 * RRsets and TC stays clear (RFC 2181 §9). */
	ask("manymx.example.test.", DZ_RR_MX, &UDP);
	assert_false(R.hdr.tc);
	assert_int_equal(R.hdr.ancount, 12);
	assert_true(R.hdr.arcount > 0);
	assert_true(R.hdr.arcount < 24);
	ask("manymx.example.test.", DZ_RR_MX, &TCP);
	assert_false(R.hdr.tc);
	expect_counts(12, 0, 24);
}

/* ------------------------------------------------------------------------
 * ANY, truncation, EDNS
 * ------------------------------------------------------------------------ */

static void any_over_udp_gives_one_rrset_and_all_over_tcp(void **state)
{
	(void)state;
	ask("example.test.", DZ_RR_ANY, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_true(R.hdr.aa);
	assert_false(R.hdr.tc);
	assert_int_equal(R.hdr.ancount, 2); /* the NS RRset (lowest type) */
	expect_rr(DZ_MSG_AN, 0, "example.test.", DZ_RR_NS, NULL);
	ask("example.test.", DZ_RR_ANY, &TCP);
	assert_int_equal(R.hdr.ancount, 5); /* 2 NS, SOA, 2 MX */
	assert_true(section_has(DZ_MSG_AN, "example.test.", DZ_RR_SOA));
	assert_true(section_has(DZ_MSG_AN, "example.test.", DZ_RR_MX));
	ask("www.example.test.", DZ_RR_ANY, &EDNS);
	assert_int_equal(R.hdr.ancount, 1);
	ask("c1.example.test.", DZ_RR_ANY, &UDP); /* no CNAME following */
	expect_counts(1, 0, 0);
	expect_rr(DZ_MSG_AN, 0, "c1.example.test.", DZ_RR_CNAME, NULL);
}

static void large_rrset_truncates_over_udp_and_fits_over_tcp(void **state)
{
	(void)state;
	int len = ask("big.example.test.", DZ_RR_TXT, &UDP);
	assert_true(len <= 512);
	assert_true(R.hdr.tc);
	assert_true(R.hdr.aa);
	expect_counts(0, 0, 0); /* whole RRset left out */
	assert_true(info.tc);
	len = ask("big.example.test.", DZ_RR_TXT, &EDNS);
	assert_true(len <= 1232);
	assert_true(R.hdr.tc);
	assert_true(R.edns.present);
	len = ask("big.example.test.", DZ_RR_TXT, &TCP);
	assert_true(len > 1232);
	assert_false(R.hdr.tc);
	assert_int_equal(R.hdr.ancount, 30);
}

static void edns_payload_is_honoured(void **state)
{
	(void)state;
	/* The client offers 4096; our limit decides (1232: truncated). */
	qopt_t o = {.edns = true, .payload = 4096};
	ask("big.example.test.", DZ_RR_TXT, &o);
	assert_true(R.hdr.tc);
	assert_int_equal(R.edns.udp_size, 1232);
	/* With our limit raised, the client's 4096 lets it through. */
	env.udp_max_payload = 4096;
	int len = ask("big.example.test.", DZ_RR_TXT, &o);
	assert_false(R.hdr.tc);
	assert_true(len > 1232);
	assert_int_equal(R.hdr.ancount, 30);
	/* A client payload below 512 counts as 512. */
	o.payload = 100;
	len = ask("www.example.test.", DZ_RR_A, &o);
	assert_false(R.hdr.tc);
	o.payload = 1232;
	len = ask("big.example.test.", DZ_RR_TXT, &o);
	assert_true(R.hdr.tc);
	assert_true(len <= 1232);
	env.udp_max_payload = 1232;
}

static void do_bit_is_echoed(void **state)
{
	(void)state;
	qopt_t o = {.edns = true, .payload = 1232, .dnssec_ok = true};
	ask("www.example.test.", DZ_RR_A, &o);
	assert_true(dz_edns_do(&R.edns));
	assert_true(info.dnssec_ok);
	ask("www.example.test.", DZ_RR_A, &EDNS);
	assert_false(dz_edns_do(&R.edns));
	assert_int_equal(R.edns.version, 0);
}

static void edns_version_1_is_badvers(void **state)
{
	(void)state;
	qopt_t o = {.edns = true, .payload = 1232, .version = 1};
	ask("www.example.test.", DZ_RR_A, &o);
	assert_int_equal(rcode(), DZ_RCODE_BADVERS);
	assert_true(R.edns.present);
	assert_int_equal(R.edns.version, 0);
	assert_false(R.hdr.aa);
	expect_counts(0, 0, 0);
	assert_int_equal(R.hdr.qdcount, 1);
	assert_int_equal(info.rcode, DZ_RCODE_BADVERS);
}

/* ------------------------------------------------------------------------
 * REFUSED, NOTIMP, SERVFAIL
 * ------------------------------------------------------------------------ */

static void names_outside_our_zones_are_refused(void **state)
{
	(void)state;
	ask("www.example.net.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_REFUSED);
	assert_false(R.hdr.aa);
	expect_counts(0, 0, 0);
	assert_int_equal(R.hdr.qdcount, 1);
	ask(".", DZ_RR_NS, &EDNS);
	assert_int_equal(rcode(), DZ_RCODE_REFUSED);
	assert_true(R.edns.present);
}

static void class_chaos_is_refused(void **state)
{
	(void)state;
	qopt_t o = {.qclass = DZ_CLASS_CH};
	ask("version.bind.", DZ_RR_TXT, &o);
	assert_int_equal(rcode(), DZ_RCODE_REFUSED);
	o.qclass = DZ_CLASS_ANY;
	ask("www.example.test.", DZ_RR_A, &o);
	assert_int_equal(rcode(), DZ_RCODE_REFUSED);
}

static void other_opcodes_are_notimp(void **state)
{
	(void)state;
	const uint8_t ops[] = {DZ_OPCODE_IQUERY, DZ_OPCODE_STATUS,
	                       DZ_OPCODE_NOTIFY, DZ_OPCODE_UPDATE, 3, 15};
	for (size_t i = 0; i < sizeof(ops); i++) {
		qopt_t o = {.opcode = ops[i]};
		ask("example.test.", DZ_RR_SOA, &o);
		assert_int_equal(rcode(), DZ_RCODE_NOTIMP);
		assert_int_equal(R.hdr.opcode, ops[i]);
		assert_int_equal(R.hdr.qdcount, 1);
		assert_int_equal(info.opcode, ops[i]);
	}
}

static void transfers_and_meta_types(void **state)
{
	(void)state;
	ask("example.test.", DZ_RR_AXFR, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_FORMERR);
	ask("example.test.", DZ_RR_AXFR, &TCP);
	assert_int_equal(rcode(), DZ_RCODE_REFUSED);
	ask("example.test.", DZ_RR_IXFR, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_REFUSED);
	ask("example.test.", DZ_RR_MAILB, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOTIMP);
	ask("example.test.", DZ_RR_MAILA, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOTIMP);
	ask("example.test.", DZ_RR_TKEY, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOTIMP);
	ask("example.test.", DZ_RR_TSIG, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_FORMERR);
	ask("example.test.", DZ_RR_OPT, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_FORMERR);
	/* Unknown data types are ordinary (NODATA). */
	ask("example.test.", 65280, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	expect_counts(0, 1, 0);
}

static void expired_or_unloaded_zone_is_servfail(void **state)
{
	(void)state;
	ask("www.expired.test.", DZ_RR_A, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_SERVFAIL);
	assert_false(R.hdr.aa);
	expect_counts(0, 0, 0);
	ask("pending.test.", DZ_RR_SOA, &UDP);
	assert_int_equal(rcode(), DZ_RCODE_SERVFAIL);
}

/* ------------------------------------------------------------------------
 * Malformed requests
 * ------------------------------------------------------------------------ */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void expect_formerr(bool question)
{
	int len = answer_raw(false);
	assert_true(len > 0);
	assert_int_equal(rcode(), DZ_RCODE_FORMERR);
	assert_false(R.hdr.aa);
	assert_true(R.hdr.rd);
	assert_int_equal(R.hdr.qdcount, question ? 1 : 0);
	expect_counts(0, 0, 0);
	assert_int_equal(info.rcode, DZ_RCODE_FORMERR);
}

static void qdcount_zero_or_two_is_formerr(void **state)
{
	(void)state;
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	put16(req + 4, 0);
	reqlen = DZ_MSG_HDR_LEN;
	expect_formerr(false);
	/* Two questions. */
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	size_t qlen = reqlen - DZ_MSG_HDR_LEN;
	memcpy(req + reqlen, req + DZ_MSG_HDR_LEN, qlen);
	reqlen += qlen;
	put16(req + 4, 2);
	expect_formerr(false);
}

static void counts_beyond_packet_are_formerr_header_only(void **state)
{
	(void)state;
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	put16(req + 6, 100); /* ANCOUNT */
	expect_formerr(false);
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	put16(req + 10, 0xffff);
	expect_formerr(false);
}

static void bad_opt_records_are_formerr_with_question(void **state)
{
	(void)state;
	/* Two OPT records. */
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &EDNS);
	memcpy(req + reqlen, req + reqlen - 11, 11);
	reqlen += 11;
	put16(req + 10, 2);
	expect_formerr(true);
	assert_int_equal(R.qtype, DZ_RR_A);
	/* An OPT whose owner is not the root. */
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &EDNS);
	size_t opt = reqlen - 11;
	memmove(req + opt + 2, req + opt, 11); /* keeps the root label */
	req[opt] = 1;
	req[opt + 1] = 'x';
	reqlen += 2;
	expect_formerr(true);
}

static void opt_outside_additional_is_formerr(void **state)
{
	(void)state;
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &EDNS);
	put16(req + 10, 0);
	put16(req + 6, 1); /* the OPT now sits in the answer section */
	expect_formerr(true);
}

static void trailing_garbage_is_formerr(void **state)
{
	(void)state;
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	req[reqlen++] = 0xde;
	req[reqlen++] = 0xad;
	expect_formerr(true);
	assert_int_equal(R.qtype, DZ_RR_A);
}

static void bad_names_are_formerr(void **state)
{
	(void)state;
	/* A compression pointer to itself in the question. */
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	req[12] = 0xc0;
	req[13] = 12;
	expect_formerr(false);
	/* A label of 64 octets (label type 01: reserved). */
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	req[12] = 64;
	expect_formerr(false);
	/* Question cut short. */
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP) - 2;
	expect_formerr(false);
}

static void responses_and_short_packets_are_dropped(void **state)
{
	(void)state;
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	req[2] |= 0x80; /* QR */
	assert_int_equal(query_answer(&env, req, reqlen, false, resp,
	                              sizeof(resp), &info),
	                 0);
	assert_int_equal(query_classify(req, reqlen), QUERY_KIND_DROP);
	assert_int_equal(query_answer(&env, req, 11, false, resp, sizeof(resp),
	                              &info),
	                 0);
	assert_int_equal(query_answer(&env, req, 0, false, resp, sizeof(resp),
	                              NULL),
	                 0);
	/* A response buffer that cannot hold a header. */
	req[2] &= 0x7f;
	assert_int_equal(query_answer(&env, req, reqlen, false, resp, 11,
	                              &info),
	                 DZ_ESPACE);
}

static void classify_routes_by_opcode_and_type(void **state)
{
	(void)state;
	qopt_t o = {0};
	reqlen = make_query(req, "example.test.", DZ_RR_A, &o);
	assert_int_equal(query_classify(req, reqlen), QUERY_KIND_QUERY);
	reqlen = make_query(req, "example.test.", DZ_RR_AXFR, &o);
	assert_int_equal(query_classify(req, reqlen), QUERY_KIND_XFR);
	reqlen = make_query(req, "example.test.", DZ_RR_IXFR, &o);
	assert_int_equal(query_classify(req, reqlen), QUERY_KIND_XFR);
	o.opcode = DZ_OPCODE_NOTIFY;
	reqlen = make_query(req, "example.test.", DZ_RR_SOA, &o);
	assert_int_equal(query_classify(req, reqlen), QUERY_KIND_NOTIFY);
	o.opcode = DZ_OPCODE_UPDATE;
	reqlen = make_query(req, "example.test.", DZ_RR_SOA, &o);
	assert_int_equal(query_classify(req, reqlen), QUERY_KIND_UPDATE);
	o.opcode = DZ_OPCODE_STATUS;
	reqlen = make_query(req, "example.test.", DZ_RR_SOA, &o);
	assert_int_equal(query_classify(req, reqlen), QUERY_KIND_OTHER);
	assert_int_equal(query_classify(req, 5), QUERY_KIND_DROP);
	/* An unreadable question is still a QUERY (answered FORMERR). */
	o.opcode = 0;
	reqlen = make_query(req, "example.test.", DZ_RR_AXFR, &o);
	assert_int_equal(query_classify(req, 14), QUERY_KIND_QUERY);
}

/* ------------------------------------------------------------------------
 * TSIG hook and query_error
 * ------------------------------------------------------------------------ */

static int verify_calls, sign_calls;

static int fake_verify(void *ctx, const struct dz_msg *m, size_t *reserve)
{
	(void)ctx;
	verify_calls++;
	*reserve = 100;
	return m->hdr.id == 0xbad ? DZ_EINVAL : DZ_OK;
}

static int fake_sign(void *ctx, const struct dz_msg *m, uint8_t *buf,
                     size_t len, size_t cap)
{
	(void)ctx;
	(void)m;
	(void)buf;
	assert_true(len + 100 <= cap);
	sign_calls++;
	return (int)len;
}

/* Append a minimal TSIG record (RFC 8945 §4.2) to the request in req[]. */
static void append_tsig(void)
{
	static const uint8_t tsig[] = {
		3, 'k', 'e', 'y', 0, 0, 250, 0, 255, 0, 0, 0, 0, 0, 26,
		11, 'h', 'm', 'a', 'c', '-', 's', 'h', 'a', '2', '5', '6', 0,
		0, 0, 0, 0, 0, 0, 1, 44, 0, 0, 0xbe, 0xef, 0, 0, 0, 0};
	memcpy(req + reqlen, tsig, sizeof(tsig));
	/* fix RDLENGTH: everything after the 10 fixed octets */
	put16(req + reqlen + 13, (uint16_t)(sizeof(tsig) - 15));
	reqlen += sizeof(tsig);
	put16(req + 10, (uint16_t)(req[10] << 8 | req[11]) + 1);
}

static void tsig_hook_is_called_for_signed_queries(void **state)
{
	(void)state;
	env.tsig_verify = fake_verify;
	env.tsig_sign = fake_sign;
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	append_tsig();
	assert_true(answer_raw(false) > 0);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_int_equal(verify_calls, 1);
	assert_int_equal(sign_calls, 1);
	assert_true(info.tsig);
	/* Verification failure: NOTAUTH. */
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	put16(req, 0xbad);
	append_tsig();
	assert_true(answer_raw(false) > 0);
	assert_int_equal(rcode(), DZ_RCODE_NOTAUTH);
	/* Unsigned queries do not call the hook. */
	ask("www.example.test.", DZ_RR_A, &UDP);
	assert_int_equal(verify_calls, 2);
	env.tsig_verify = NULL;
	env.tsig_sign = NULL;
	/* Without a hook, a signed query is answered normally. */
	reqlen = make_query(req, "www.example.test.", DZ_RR_A, &UDP);
	append_tsig();
	assert_true(answer_raw(false) > 0);
	assert_int_equal(rcode(), DZ_RCODE_NOERROR);
	assert_int_equal(R.hdr.ancount, 1);
}

static void query_error_echoes_question_and_opt(void **state)
{
	(void)state;
	dz_msg_t m;
	uint8_t out[512];
	reqlen = make_query(req, "Example.Test.", DZ_RR_SOA, &EDNS);
	dz_msg_init(&m, NULL, 0);
	assert_int_equal(dz_msg_parse(&m, req, reqlen, NULL, NULL), DZ_OK);
	int len = query_error(&m, DZ_RCODE_REFUSED, 0, out, sizeof(out));
	assert_true(len > 0);
	dz_msg_init(&R, resp_rr, 2048);
	assert_int_equal(dz_msg_parse(&R, out, (size_t)len, NULL, NULL), DZ_OK);
	assert_int_equal(dz_msg_rcode(&R), DZ_RCODE_REFUSED);
	assert_int_equal(R.hdr.qdcount, 1);
	assert_true(R.edns.present);
	assert_int_equal(R.qtype, DZ_RR_SOA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(positive_answer_sets_aa_and_copies_rd),
		cmocka_unit_test(nodata_carries_soa_with_minimum_ttl),
		cmocka_unit_test(nxdomain_carries_soa_with_minimum_ttl),
		cmocka_unit_test(empty_non_terminal_is_nodata),
		cmocka_unit_test(qname_case_is_preserved),
		cmocka_unit_test(referral_clears_aa_and_adds_glue),
		cmocka_unit_test(referral_sets_tc_when_required_glue_does_not_fit),
		cmocka_unit_test(ds_at_cut_is_answered_from_parent),
		cmocka_unit_test(ds_at_child_apex_uses_parent_zone),
		cmocka_unit_test(cname_chain_of_three_hops_is_followed),
		cmocka_unit_test(cname_asked_for_is_not_followed),
		cmocka_unit_test(cname_out_of_zone_stops_the_chain),
		cmocka_unit_test(cname_loop_ends_with_noerror),
		cmocka_unit_test(cname_to_missing_name_is_nxdomain),
		cmocka_unit_test(cname_into_delegation_gives_referral_with_aa),
		cmocka_unit_test(dname_synthesises_cname_out_of_zone),
		cmocka_unit_test(dname_target_in_zone_is_followed),
		cmocka_unit_test(dname_cname_query_stops_at_synthesised_cname),
		cmocka_unit_test(dname_owner_itself_is_an_ordinary_name),
		cmocka_unit_test(dname_overflow_is_yxdomain),
		cmocka_unit_test(wildcard_synthesises_with_qname_owner),
		cmocka_unit_test(wildcard_nodata_and_cname),
		cmocka_unit_test(wildcard_empty_non_terminal_is_nodata),
		cmocka_unit_test(wildcard_does_not_apply_below_a_cut),
		cmocka_unit_test(wildcard_rfc4592_examples),
		cmocka_unit_test(additional_for_mx_ns_srv),
		cmocka_unit_test(additional_dropped_without_tc_when_full),
		cmocka_unit_test(any_over_udp_gives_one_rrset_and_all_over_tcp),
		cmocka_unit_test(large_rrset_truncates_over_udp_and_fits_over_tcp),
		cmocka_unit_test(edns_payload_is_honoured),
		cmocka_unit_test(do_bit_is_echoed),
		cmocka_unit_test(edns_version_1_is_badvers),
		cmocka_unit_test(names_outside_our_zones_are_refused),
		cmocka_unit_test(class_chaos_is_refused),
		cmocka_unit_test(other_opcodes_are_notimp),
		cmocka_unit_test(transfers_and_meta_types),
		cmocka_unit_test(expired_or_unloaded_zone_is_servfail),
		cmocka_unit_test(qdcount_zero_or_two_is_formerr),
		cmocka_unit_test(counts_beyond_packet_are_formerr_header_only),
		cmocka_unit_test(bad_opt_records_are_formerr_with_question),
		cmocka_unit_test(opt_outside_additional_is_formerr),
		cmocka_unit_test(trailing_garbage_is_formerr),
		cmocka_unit_test(bad_names_are_formerr),
		cmocka_unit_test(responses_and_short_packets_are_dropped),
		cmocka_unit_test(classify_routes_by_opcode_and_type),
		cmocka_unit_test(tsig_hook_is_called_for_signed_queries),
		cmocka_unit_test(query_error_echoes_question_and_opt),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
