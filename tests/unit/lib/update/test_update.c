/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of RFC 2136 update processing, rule by rule, with exact status, rcode
 * and diagnostic. */
#include "tests/unit/lib/update/update_test_util.h"

#define SOA100                                                                 \
	"example.test. 300 SOA ns1.example.test. hostmaster.example.test. "    \
	"100 3600 900 604800 300"

static const char *const base[] = {
        SOA100,
        "example.test. 300 NS ns1.example.test.",
        "example.test. 300 NS ns2.example.test.",
        "ns1.example.test. 300 A 192.0.2.1",
        "ns2.example.test. 300 A 192.0.2.2",
        "www.example.test. 300 A 192.0.2.10",
        "www.example.test. 300 A 192.0.2.11",
        "alias.example.test. 300 CNAME www.example.test.",
        "a.b.c.example.test. 300 TXT \"deep\"",
        NULL,
};

static int setup(void **state)
{
	*state = t_zone("example.test.", base);
	return 0;
}

static int teardown(void **state)
{
	dz_zone_unref(*state);
	return 0;
}

/* Run a message expected to fail; checks status, rcode and diag text. */
static void expect_fail(const dz_zone_t *z, const dz_msg_t *msg, int status,
                        uint16_t rcode, dz_update_section_t sec, size_t idx,
                        const char *text)
{
	t_res_t res;
	t_apply(z, msg, &res);
	assert_int_equal(res.ret, status);
	assert_int_equal(res.rcode, rcode);
	assert_int_equal(res.diag.section, sec);
	assert_int_equal(res.diag.index, idx);
	if (text != NULL) {
		assert_string_equal(res.diag.msg, text);
	}
}

/* Run a message expected to succeed with changes. */
static void expect_ok(const dz_zone_t *z, const dz_msg_t *msg, t_res_t *res)
{
	t_apply(z, msg, res);
	assert_int_equal(res->ret, DZ_OK);
	assert_int_equal(res->rcode, DZ_RCODE_NOERROR);
	assert_non_null(res->nz);
	assert_non_null(res->ch);
}

/* Run a message expected to succeed without changing anything. */
static void expect_noop(const dz_zone_t *z, const dz_msg_t *msg)
{
	t_res_t res;
	t_apply(z, msg, &res);
	assert_int_equal(res.ret, DZ_OK);
	assert_int_equal(res.rcode, DZ_RCODE_NOERROR);
	assert_null(res.nz);
	assert_null(res.ch);
}

/* --- §3.1 zone section --------------------------------------------------- */

static void zone_section_needs_exactly_one_record(void **state)
{
	t_msg_t m;
	t_begin_q(&m, "example.test.", DZ_RR_SOA, DZ_CLASS_IN, 0);
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_ZONE, 0,
	            "zone section must hold exactly one record, not 0");
	t_begin_q(&m, "example.test.", DZ_RR_SOA, DZ_CLASS_IN, 2);
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_ZONE, 0,
	            "zone section must hold exactly one record, not 2");
}

static void zone_section_type_must_be_soa(void **state)
{
	t_msg_t m;
	t_begin_q(&m, "example.test.", DZ_RR_A, DZ_CLASS_IN, 1);
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_ZONE, 0,
	            "zone section type must be SOA, not A");
}

static void zone_section_class_must_be_in(void **state)
{
	t_msg_t m;
	t_begin_q(&m, "example.test.", DZ_RR_SOA, DZ_CLASS_ANY, 1);
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_ZONE, 0, "zone class must be IN, not ANY");
}

static void zone_name_other_than_origin_is_notauth(void **state)
{
	t_msg_t m;
	t_begin(&m, "www.example.test.");
	expect_fail(*state, t_end(&m), DZ_ENOTAUTH, DZ_RCODE_NOTAUTH,
	            DZ_UPDATE_SEC_ZONE, 0,
	            "not authoritative for www.example.test. (zone is "
	            "example.test.)");
}

static void zone_name_helper_gives_the_zone(void **state)
{
	(void)state;
	t_msg_t m;
	const uint8_t *zname = NULL;
	uint16_t rcode = 0;
	dz_update_diag_t diag;
	t_begin(&m, "Example.TEST.");
	assert_int_equal(dz_update_zone_name(t_end(&m), &zname, &rcode, &diag),
	                 DZ_OK);
	assert_true(dz_name_equal(zname, N("example.test.")));
	t_begin_q(&m, "example.test.", DZ_RR_NS, DZ_CLASS_IN, 1);
	zname = NULL;
	assert_int_equal(dz_update_zone_name(t_end(&m), &zname, &rcode, &diag),
	                 DZ_EMALF);
	assert_null(zname);
	assert_int_equal(rcode, DZ_RCODE_FORMERR);
}

static void zone_name_is_case_insensitive(void **state)
{
	t_msg_t m;
	t_begin(&m, "EXAMPLE.test.");
	expect_noop(*state, t_end(&m));
}

/* --- §3.2 prerequisites -------------------------------------------------- */

static void prereq_nonzero_ttl_is_formerr(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 ANY ANY");
	t_pre(&m, "www.example.test. 3 ANY A");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_PREREQ, 1,
	            "prerequisite ttl must be 0, not 3");
}

static void prereq_ttl_checked_before_zone_membership(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "x.other. 3 ANY A");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_PREREQ, 0, NULL);
}

static void prereq_outside_zone_is_notzone(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "x.other. 0 ANY A");
	expect_fail(*state, t_end(&m), DZ_EOUTZONE, DZ_RCODE_NOTZONE,
	            DZ_UPDATE_SEC_PREREQ, 0,
	            "prerequisite name x.other. is outside the zone");
}

static void prereq_yxdomain_passes_when_name_in_use(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 ANY ANY");
	expect_noop(*state, t_end(&m));
}

static void prereq_yxdomain_fails_when_name_absent(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "nosuch.example.test. 0 ANY ANY");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_NXDOMAIN,
	            DZ_UPDATE_SEC_PREREQ, 0,
	            "prerequisite yxdomain failed: nosuch.example.test.: name "
	            "not in use");
}

static void prereq_yxdomain_fails_on_empty_non_terminal(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "b.c.example.test. 0 ANY ANY");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_NXDOMAIN,
	            DZ_UPDATE_SEC_PREREQ, 0, NULL);
}

static void prereq_nxdomain_fails_when_name_in_use(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "nosuch.example.test. 0 NONE ANY");
	t_pre(&m, "b.c.example.test. 0 NONE ANY"); /* ENT: not in use */
	t_pre(&m, "www.example.test. 0 NONE ANY");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_YXDOMAIN,
	            DZ_UPDATE_SEC_PREREQ, 2,
	            "prerequisite nxdomain failed: www.example.test.: name in "
	            "use (1 rrsets)");
}

static void prereq_yxrrset_fails_when_type_absent(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 ANY A");
	t_pre(&m, "www.example.test. 0 ANY AAAA");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_NXRRSET,
	            DZ_UPDATE_SEC_PREREQ, 1,
	            "prerequisite yxrrset failed: www.example.test. AAAA: "
	            "rrset does not exist");
}

static void prereq_nxrrset_fails_when_type_exists(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 NONE AAAA");
	t_pre(&m, "www.example.test. 0 NONE A");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_YXRRSET,
	            DZ_UPDATE_SEC_PREREQ, 1,
	            "prerequisite nxrrset failed: www.example.test. A: rrset "
	            "exists (2 records)");
}

static void prereq_value_dependent_passes_on_equal_rrset(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	/* Any order, duplicates collapse, names compare without case. */
	t_pre(&m, "www.example.test. 0 IN A 192.0.2.11");
	t_pre(&m, "alias.example.test. 0 IN CNAME WWW.example.test.");
	t_pre(&m, "WWW.example.test. 0 IN A 192.0.2.10");
	t_pre(&m, "www.example.test. 0 IN A 192.0.2.11");
	expect_noop(*state, t_end(&m));
}

static void prereq_value_dependent_fails_on_subset(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 IN A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_NXRRSET,
	            DZ_UPDATE_SEC_PREREQ, 0,
	            "prerequisite yxrrset failed: www.example.test. A: found 2 "
	            "records, expected 1");
}

static void prereq_value_dependent_fails_on_other_rdata(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "ns1.example.test. 0 ANY A");
	t_pre(&m, "www.example.test. 0 IN A 192.0.2.99");
	t_pre(&m, "www.example.test. 0 IN A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_NXRRSET,
	            DZ_UPDATE_SEC_PREREQ, 1,
	            "prerequisite yxrrset failed: www.example.test. A: found 2 "
	            "records, rdata differs");
}

static void prereq_value_dependent_fails_when_rrset_absent(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "new.example.test. 0 IN A 192.0.2.99");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_NXRRSET,
	            DZ_UPDATE_SEC_PREREQ, 0,
	            "prerequisite yxrrset failed: new.example.test. A: rrset "
	            "does not exist");
}

static void prereq_value_dependent_checked_after_the_others(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 IN A 192.0.2.99");
	t_pre(&m, "www.example.test. 0 NONE A");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_YXRRSET,
	            DZ_UPDATE_SEC_PREREQ, 1, NULL);
}

static void prereq_class_in_meta_type_is_nxrrset(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 IN ANY");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_NXRRSET,
	            DZ_UPDATE_SEC_PREREQ, 0, NULL);
}

static void prereq_class_any_with_rdata_is_formerr(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 ANY A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_PREREQ, 0,
	            "prerequisite of class ANY must have no rdata");
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 NONE A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_PREREQ, 0,
	            "prerequisite of class NONE must have no rdata");
}

static void prereq_other_class_is_formerr(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 CH A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_PREREQ, 0,
	            "prerequisite class 3 not allowed");
}

/* --- §3.3 permission ----------------------------------------------------- */

typedef struct perm {
	uint16_t deny_type;
	unsigned calls;
	uint16_t types[8];
	uint16_t classes[8];
} perm_t;

static bool allow_cb(void *ctx, const uint8_t *owner, uint16_t type,
                     uint16_t rclass)
{
	perm_t *p = ctx;
	assert_non_null(owner);
	if (p->calls < 8) {
		p->types[p->calls] = type;
		p->classes[p->calls] = rclass;
	}
	p->calls++;
	return type != p->deny_type;
}

static void permission_hook_refuses_update(void **state)
{
	t_msg_t m;
	perm_t p = {.deny_type = DZ_RR_TXT};
	dz_update_opts_t o = {.allow_rr = allow_cb, .allow_ctx = &p};
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 300 IN A 192.0.2.12");
	t_upd(&m, "www.example.test. 300 IN TXT \"no\"");
	t_apply_opts(*state, t_end(&m), &o, &res);
	assert_int_equal(res.ret, DZ_EREFUSED);
	assert_int_equal(res.rcode, DZ_RCODE_REFUSED);
	assert_int_equal(res.diag.section, DZ_UPDATE_SEC_UPDATE);
	assert_int_equal(res.diag.index, 1);
	assert_int_equal(res.diag.type, DZ_RR_TXT);
	assert_true(dz_name_equal(res.diag.owner, N("www.example.test.")));
	assert_string_equal(res.diag.msg,
	                    "update not allowed for www.example.test. TXT");
	assert_int_equal(p.calls, 2);
}

static void permission_hook_sees_class_of_each_operation(void **state)
{
	t_msg_t m;
	perm_t p = {0};
	dz_update_opts_t o = {.allow_rr = allow_cb, .allow_ctx = &p};
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "new.example.test. 300 IN A 192.0.2.12");
	t_upd(&m, "www.example.test. 0 NONE A 192.0.2.10");
	t_upd(&m, "www.example.test. 0 ANY A");
	t_apply_opts(*state, t_end(&m), &o, &res);
	assert_int_equal(res.ret, DZ_OK);
	assert_int_equal(p.calls, 3);
	assert_int_equal(p.classes[0], DZ_CLASS_IN);
	assert_int_equal(p.classes[1], DZ_CLASS_NONE);
	assert_int_equal(p.classes[2], DZ_CLASS_ANY);
	t_res_clear(&res);
}

static void permission_delete_all_asks_for_each_type_present(void **state)
{
	t_msg_t m;
	perm_t p = {.deny_type = DZ_RR_CNAME};
	dz_update_opts_t o = {.allow_rr = allow_cb, .allow_ctx = &p};
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "nosuch.example.test. 0 ANY ANY");
	t_upd(&m, "alias.example.test. 0 ANY ANY");
	t_apply_opts(*state, t_end(&m), &o, &res);
	assert_int_equal(res.ret, DZ_EREFUSED);
	assert_int_equal(res.diag.index, 1);
	assert_int_equal(p.calls, 2);
	assert_int_equal(p.types[0], DZ_RR_ANY); /* name owns nothing */
	assert_int_equal(p.types[1], DZ_RR_CNAME);
}

/* --- §3.4.1 prescan ------------------------------------------------------ */

static void update_outside_zone_is_notzone(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 300 IN A 192.0.2.12");
	t_upd(&m, "www.example.other. 300 IN A 192.0.2.12");
	expect_fail(*state, t_end(&m), DZ_EOUTZONE, DZ_RCODE_NOTZONE,
	            DZ_UPDATE_SEC_UPDATE, 1,
	            "update name www.example.other. is outside the zone");
}

static void update_adding_meta_type_is_formerr(void **state)
{
	static const char *const lines[] = {
	        "www.example.test. 300 IN ANY",
	        "www.example.test. 300 IN AXFR",
	        "www.example.test. 300 IN IXFR",
	        "www.example.test. 300 IN MAILA",
	        "www.example.test. 300 IN MAILB",
	        "www.example.test. 300 IN TKEY",
	        "www.example.test. 300 IN TYPE128",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		t_msg_t m;
		t_begin(&m, "example.test.");
		t_upd(&m, lines[i]);
		expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
		            DZ_UPDATE_SEC_UPDATE, 0, NULL);
	}
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 300 IN AXFR");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0, "update adds meta type AXFR");
}

static void update_class_any_needs_ttl_0_and_no_rdata(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 5 ANY A");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0,
	            "rrset deletion (class ANY) must have ttl 0 and no rdata");
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 ANY A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0, NULL);
}

static void update_class_any_meta_type_is_formerr(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 ANY AXFR");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0,
	            "rrset deletion of meta type AXFR");
}

static void update_class_none_needs_ttl_0(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 5 NONE A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0,
	            "record deletion (class NONE) must have ttl 0");
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 NONE ANY");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0,
	            "record deletion of meta type ANY");
}

static void update_other_class_is_formerr(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 CH A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0, "update class 3 not allowed");
}

static void update_bad_rdata_is_formerr(void **state)
{
	t_msg_t m;
	uint8_t three[3] = {1, 2, 3};
	t_begin(&m, "example.test.");
	assert_int_equal(dz_msg_render_rr(&m.r, DZ_MSG_NS,
	                                  N("www.example.test."), DZ_RR_A,
	                                  DZ_CLASS_IN, 300, three, 3),
	                 DZ_OK);
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0, NULL);
}

/* BIND 9.18 prescans the update section before the prerequisites. */
static void update_prescan_runs_before_prereqs(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "nosuch.example.test. 0 ANY ANY");
	t_upd(&m, "www.example.test. 0 IN AXFR");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0, NULL);
	t_begin(&m, "example.test.");
	t_pre(&m, "nosuch.example.test. 0 ANY ANY");
	t_upd(&m, "x.other. 300 IN A 192.0.2.1");
	expect_fail(*state, t_end(&m), DZ_EOUTZONE, DZ_RCODE_NOTZONE,
	            DZ_UPDATE_SEC_UPDATE, 0, NULL);
}

/* --- record forms: the whole message before any per-record check --------- */

/* BIND rejects these while parsing, so FORMERR wins over a NOTZONE record
 * that comes first, and over the prerequisites. */
static void form_of_every_record_checked_before_zone_membership(void **state)
{
	t_msg_t m;
	uint8_t three[3] = {1, 2, 3};
	t_begin(&m, "example.test.");
	t_upd(&m, "x.example.net. 300 IN A 192.0.2.1");
	t_upd(&m, "www.example.test. 0 ANY A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 1,
	            "rrset deletion (class ANY) must have no rdata");
	t_begin(&m, "example.test.");
	t_upd(&m, "x.example.net. 300 IN A 192.0.2.1");
	assert_int_equal(dz_msg_render_rr(&m.r, DZ_MSG_NS,
	                                  N("www.example.test."), DZ_RR_A,
	                                  DZ_CLASS_IN, 300, three, 3),
	                 DZ_OK);
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 1, "bad rdata: malformed data");
	t_begin(&m, "example.test.");
	t_upd(&m, "x.example.net. 300 IN A 192.0.2.1");
	t_upd(&m, "www.example.test. 0 NONE A");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 1, "bad rdata: malformed data");
}

static void form_of_prereqs_checked_before_update_section(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 NONE A 192.0.2.10");
	t_upd(&m, "x.example.net. 300 IN A 192.0.2.1");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_PREREQ, 0,
	            "prerequisite of class NONE must have no rdata");
	/* An update record's form beats a prerequisite outside the zone. */
	t_begin(&m, "example.test.");
	t_pre(&m, "x.example.net. 0 ANY ANY");
	t_upd(&m, "www.example.test. 0 ANY A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0,
	            "rrset deletion (class ANY) must have no rdata");
}

/* The TTL, meta-type and class rules are BIND's per-record prescan: a record
 * outside the zone before them is NOTZONE, one after them is not reached. */
static void per_record_forms_follow_zone_membership(void **state)
{
	static const char *const after[] = {
	        "www.example.test. 5 NONE A 192.0.2.10",
	        "www.example.test. 5 ANY A",
	        "www.example.test. 0 NONE ANY",
	        "www.example.test. 300 IN ANY",
	        "www.example.test. 0 ANY AXFR",
	        "www.example.test. 0 CH A 192.0.2.10",
	};
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		t_msg_t m;
		t_begin(&m, "example.test.");
		t_upd(&m, "x.example.net. 300 IN A 192.0.2.1");
		t_upd(&m, after[i]);
		expect_fail(*state, t_end(&m), DZ_EOUTZONE, DZ_RCODE_NOTZONE,
		            DZ_UPDATE_SEC_UPDATE, 0,
		            "update name x.example.net. is outside the zone");
		t_begin(&m, "example.test.");
		t_upd(&m, after[i]);
		t_upd(&m, "x.example.net. 300 IN A 192.0.2.1");
		expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
		            DZ_UPDATE_SEC_UPDATE, 0, NULL);
	}
}

static void form_checked_before_zone_authority(void **state)
{
	t_msg_t m;
	t_begin(&m, "www.example.test.");
	t_upd(&m, "www.example.test. 0 ANY A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0, NULL);
}

/* The server picks the zone (and checks permission) after this call, so it
 * rejects the forms BIND rejects while parsing; NOTZONE is not its job. */
static void zone_name_helper_rejects_malformed_records(void **state)
{
	(void)state;
	t_msg_t m;
	const uint8_t *zname = NULL;
	uint16_t rcode = 0;
	dz_update_diag_t diag;
	t_begin(&m, "example.test.");
	t_upd(&m, "x.example.net. 300 IN A 192.0.2.1");
	t_upd(&m, "www.example.test. 0 ANY A 192.0.2.10");
	assert_int_equal(dz_update_zone_name(t_end(&m), &zname, &rcode, &diag),
	                 DZ_EMALF);
	assert_null(zname);
	assert_int_equal(rcode, DZ_RCODE_FORMERR);
	assert_int_equal(diag.section, DZ_UPDATE_SEC_UPDATE);
	assert_int_equal(diag.index, 1);
	assert_true(dz_name_equal(diag.owner, N("www.example.test.")));
	assert_string_equal(diag.msg,
	                    "rrset deletion (class ANY) must have no rdata");
	t_begin(&m, "example.test.");
	t_pre(&m, "x.example.net. 0 ANY ANY");
	t_upd(&m, "x.example.net. 5 NONE A 192.0.2.1");
	assert_int_equal(dz_update_zone_name(t_end(&m), &zname, &rcode, &diag),
	                 DZ_OK);
	assert_true(dz_name_equal(zname, N("example.test.")));
}

/* --- §3.4.2 additions ---------------------------------------------------- */

static void update_add_record_bumps_serial_once(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "new.example.test. 60 IN A 192.0.2.20");
	t_upd(&m, "new.example.test. 60 IN AAAA 2001:db8::20");
	expect_ok(*state, t_end(&m), &res);
	assert_int_equal(t_serial(res.nz), 101);
	assert_true(t_has(res.nz, "new.example.test. 60 A 192.0.2.20"));
	assert_true(t_has(res.nz, "new.example.test. 60 AAAA 2001:db8::20"));
	assert_int_equal(t_serial(*state), 100); /* old version untouched */
	t_res_clear(&res);
}

static void update_changeset_has_soa_first(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 NONE A 192.0.2.10");
	t_upd(&m, "aaa.example.test. 60 IN A 192.0.2.20");
	expect_ok(*state, t_end(&m), &res);
	assert_int_equal(dz_changeset_nremoved(res.ch), 2);
	assert_int_equal(dz_changeset_nadded(res.ch), 2);
	assert_string_equal(t_cs_line(res.ch, false, 0), SOA100);
	assert_string_equal(t_cs_line(res.ch, false, 1),
	                    "www.example.test. 300 A 192.0.2.10");
	assert_string_equal(t_cs_line(res.ch, true, 0),
	                    "example.test. 300 SOA ns1.example.test. "
	                    "hostmaster.example.test. 101 3600 900 604800 300");
	assert_string_equal(t_cs_line(res.ch, true, 1),
	                    "aaa.example.test. 60 A 192.0.2.20");
	t_res_clear(&res);
}

static void update_changeset_applied_to_old_gives_new(void **state)
{
	t_msg_t m;
	t_res_t res;
	dz_zone_t *again = NULL;
	dz_changeset_t *d = NULL;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 600 IN A 192.0.2.12");
	t_upd(&m, "alias.example.test. 0 ANY ANY");
	t_upd(&m, "x.y.example.test. 60 IN TXT \"new\"");
	expect_ok(*state, t_end(&m), &res);
	assert_int_equal(dz_zone_apply(*state, res.ch, 0, &again), DZ_OK);
	assert_int_equal(dz_zone_diff(res.nz, again, &d), DZ_OK);
	assert_true(dz_changeset_is_empty(d));
	dz_changeset_free(d);
	dz_zone_unref(again);
	t_res_clear(&res);
}

static void update_duplicate_add_changes_nothing(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 300 IN A 192.0.2.10");
	t_upd(&m, "alias.example.test. 300 IN CNAME www.example.test.");
	expect_noop(*state, t_end(&m));
}

static void update_add_sets_rrset_ttl_to_newest(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 600 IN A 192.0.2.12");
	expect_ok(*state, t_end(&m), &res);
	assert_true(t_has(res.nz, "www.example.test. 600 A 192.0.2.10"));
	assert_true(t_has(res.nz, "www.example.test. 600 A 192.0.2.11"));
	assert_true(t_has(res.nz, "www.example.test. 600 A 192.0.2.12"));
	/* A TTL change removes and re-adds the RRset whole. */
	assert_int_equal(dz_changeset_nremoved(res.ch), 3);
	assert_int_equal(dz_changeset_nadded(res.ch), 4);
	t_res_clear(&res);
}

static void update_duplicate_with_new_ttl_changes_ttl(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 60 IN A 192.0.2.10");
	expect_ok(*state, t_end(&m), &res);
	assert_true(t_has(res.nz, "www.example.test. 60 A 192.0.2.10"));
	assert_true(t_has(res.nz, "www.example.test. 60 A 192.0.2.11"));
	t_res_clear(&res);
}

static void update_cname_add_ignored_beside_other_data(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 300 IN CNAME ns1.example.test.");
	expect_noop(*state, t_end(&m));
}

static void update_other_data_add_ignored_at_cname(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "alias.example.test. 300 IN A 192.0.2.30");
	t_upd(&m, "alias.example.test. 300 IN TXT \"x\"");
	expect_noop(*state, t_end(&m));
}

static void update_cname_replaces_cname(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "alias.example.test. 300 IN CNAME ns1.example.test.");
	expect_ok(*state, t_end(&m), &res);
	assert_true(t_has(res.nz, "alias.example.test. 300 CNAME "
	                          "ns1.example.test."));
	assert_false(t_has(res.nz, "alias.example.test. 300 CNAME "
	                           "www.example.test."));
	t_res_clear(&res);
}

static void update_explicit_nsec_and_rrsig_refused(void **state)
{
	static const char *const lines[] = {
	        "alias.example.test. 300 IN NSEC www.example.test. CNAME RRSIG "
	        "NSEC",
	        "www.example.test. 0 ANY NSEC3",
	        "www.example.test. 300 IN RRSIG A 8 3 300 20300101000000 "
	        "20200101000000 12345 example.test. AAAA",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		t_msg_t m;
		t_begin(&m, "example.test.");
		t_upd(&m, lines[i]);
		expect_fail(*state, t_end(&m), DZ_EREFUSED, DZ_RCODE_REFUSED,
		            DZ_UPDATE_SEC_UPDATE, 0,
		            i == 0 ? "explicit NSEC updates are not allowed"
		                   : NULL);
	}
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN RRSIG SOA 8 2 300 20300101000000 "
	          "20200101000000 12345 example.test. AAAA");
	expect_ok(*state, t_end(&m), &res);
	assert_true(dz_node_has(dz_zone_apex(res.nz), DZ_RR_RRSIG));
	t_res_clear(&res);
}

static void update_cname_then_a_in_one_message(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "c1.example.test. 300 IN CNAME www.example.test.");
	t_upd(&m, "c1.example.test. 300 IN A 192.0.2.40");
	expect_ok(*state, t_end(&m), &res);
	const dz_node_t *n = dz_zone_node(res.nz, N("c1.example.test."));
	assert_non_null(n);
	assert_true(dz_node_has(n, DZ_RR_CNAME));
	assert_false(dz_node_has(n, DZ_RR_A));
	t_res_clear(&res);
}

static void update_soa_with_newer_serial_replaces_soa(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN SOA ns2.example.test. "
	          "hostmaster.example.test. 500 3600 900 604800 60");
	t_upd(&m, "new.example.test. 60 IN A 192.0.2.20");
	expect_ok(*state, t_end(&m), &res);
	/* The update's serial stands; no extra bump. */
	assert_int_equal(t_serial(res.nz), 500);
	assert_true(t_has(res.nz, "example.test. 300 SOA ns2.example.test. "
	                          "hostmaster.example.test. 500 3600 900 "
	                          "604800 60"));
	assert_string_equal(t_cs_line(res.ch, false, 0), SOA100);
	assert_string_equal(t_cs_line(res.ch, true, 0),
	                    "example.test. 300 SOA ns2.example.test. "
	                    "hostmaster.example.test. 500 3600 900 604800 60");
	t_res_clear(&res);
}

static void update_soa_with_older_or_equal_serial_ignored(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN SOA ns2.example.test. "
	          "hostmaster.example.test. 100 1 1 1 1");
	t_upd(&m, "example.test. 300 IN SOA ns2.example.test. "
	          "hostmaster.example.test. 99 1 1 1 1");
	/* 100 + 2^31 is "undefined" in RFC 1982 terms: not newer. */
	t_upd(&m, "example.test. 300 IN SOA ns2.example.test. "
	          "hostmaster.example.test. 2147483748 1 1 1 1");
	expect_noop(*state, t_end(&m));
}

static void update_soa_at_other_name_ignored(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 300 IN SOA ns2.example.test. "
	          "hostmaster.example.test. 500 1 1 1 1");
	expect_noop(*state, t_end(&m));
}

static void update_ignores_wildcard_ns_apex_ds_and_md(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "*.example.test. 300 IN NS ns1.example.test.");
	t_upd(&m, "example.test. 300 IN DS 12345 8 2 "
	          "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE");
	t_upd(&m, "md.example.test. 300 IN MD ns1.example.test.");
	expect_noop(*state, t_end(&m));
}

/* --- §3.4.2 deletions ---------------------------------------------------- */

static void update_delete_all_at_name(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 ANY ANY");
	expect_ok(*state, t_end(&m), &res);
	assert_null(dz_zone_node(res.nz, N("www.example.test.")));
	assert_int_equal(dz_changeset_nremoved(res.ch), 3);
	t_res_clear(&res);
}

static void update_delete_all_at_apex_keeps_soa_and_ns(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN TXT \"apex\"");
	t_upd(&m, "example.test. 0 ANY ANY");
	/* The TXT came and went: nothing changed. */
	expect_noop(*state, t_end(&m));
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 0 ANY ANY");
	t_upd(&m, "example.test. 300 IN TXT \"apex\"");
	expect_ok(*state, t_end(&m), &res);
	assert_true(t_has(res.nz, "example.test. 300 NS ns1.example.test."));
	assert_true(t_has(res.nz, "example.test. 300 NS ns2.example.test."));
	assert_true(t_has(res.nz, "example.test. 300 TXT \"apex\""));
	assert_int_equal(t_serial(res.nz), 101);
	t_res_clear(&res);
}

static void update_delete_rrset(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 ANY A");
	t_upd(&m, "www.example.test. 0 ANY AAAA"); /* absent: no-op */
	expect_ok(*state, t_end(&m), &res);
	assert_null(dz_zone_node(res.nz, N("www.example.test.")));
	t_res_clear(&res);
}

static void update_cannot_delete_apex_soa_or_ns_rrset(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 0 ANY SOA");
	t_upd(&m, "example.test. 0 ANY NS");
	expect_noop(*state, t_end(&m));
}

static void update_delete_rr(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 NONE A 192.0.2.11");
	t_upd(&m, "www.example.test. 0 NONE A 192.0.2.99"); /* absent */
	expect_ok(*state, t_end(&m), &res);
	assert_true(t_has(res.nz, "www.example.test. 300 A 192.0.2.10"));
	assert_false(t_has(res.nz, "www.example.test. 300 A 192.0.2.11"));
	assert_int_equal(dz_changeset_nremoved(res.ch), 2);
	assert_int_equal(dz_changeset_nadded(res.ch), 1);
	t_res_clear(&res);
}

static void update_cannot_delete_apex_soa_rr(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 0 NONE SOA ns1.example.test. "
	          "hostmaster.example.test. 100 3600 900 604800 300");
	expect_noop(*state, t_end(&m));
}

static void update_cannot_delete_last_apex_ns(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 0 NONE NS ns1.example.test.");
	t_upd(&m, "example.test. 0 NONE NS ns2.example.test.");
	expect_ok(*state, t_end(&m), &res);
	assert_false(t_has(res.nz, "example.test. 300 NS ns1.example.test."));
	assert_true(t_has(res.nz, "example.test. 300 NS ns2.example.test."));
	t_res_clear(&res);
}

/* The record to delete must have its type's form (BIND decodes it while
 * parsing): an empty A is malformed, an empty unknown type is not. */
static void
update_delete_rr_with_empty_rdata_needs_a_type_allowing_it(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 NONE A");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 0, "bad rdata: malformed data");
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 NONE TYPE65280");
	expect_noop(*state, t_end(&m));
}

/* --- sequences, all or nothing ------------------------------------------ */

static void update_add_then_delete_same_rr_changes_nothing(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "t.example.test. 300 IN A 192.0.2.50");
	t_upd(&m, "t.example.test. 0 NONE A 192.0.2.50");
	expect_noop(*state, t_end(&m));
}

static void update_delete_then_add_sees_earlier_rr(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 ANY A");
	t_upd(&m, "www.example.test. 120 IN A 192.0.2.60");
	t_upd(&m, "www.example.test. 120 IN CNAME ns1.example.test.");
	expect_ok(*state, t_end(&m), &res);
	const dz_node_t *n = dz_zone_node(res.nz, N("www.example.test."));
	assert_non_null(n);
	assert_int_equal(dz_node_rrset_count(n), 1);
	assert_true(t_has(res.nz, "www.example.test. 120 A 192.0.2.60"));
	t_res_clear(&res);
}

static void update_failing_prereq_changes_nothing(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 NONE A");
	t_upd(&m, "new.example.test. 300 IN A 192.0.2.20");
	expect_fail(*state, t_end(&m), DZ_EPREREQ, DZ_RCODE_YXRRSET,
	            DZ_UPDATE_SEC_PREREQ, 0, NULL);
	assert_null(dz_zone_node(*state, N("new.example.test.")));
	assert_int_equal(t_serial(*state), 100);
}

static void update_later_formerr_changes_nothing(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "new.example.test. 300 IN A 192.0.2.20");
	t_upd(&m, "www.example.test. 0 ANY ANY");
	t_upd(&m, "www.example.test. 7 NONE A 192.0.2.10");
	expect_fail(*state, t_end(&m), DZ_EMALF, DZ_RCODE_FORMERR,
	            DZ_UPDATE_SEC_UPDATE, 2, NULL);
	assert_null(dz_zone_node(*state, N("new.example.test.")));
	assert_true(t_has(*state, "www.example.test. 300 A 192.0.2.10"));
}

static void update_empty_message_is_noop(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	expect_noop(*state, t_end(&m));
}

static void prereq_failure_diag_names_the_record(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_pre(&m, "www.example.test. 0 ANY A");
	t_pre(&m, "ns1.example.test. 0 NONE A");
	t_apply(*state, t_end(&m), &res);
	assert_int_equal(res.ret, DZ_EPREREQ);
	assert_int_equal(res.diag.section, DZ_UPDATE_SEC_PREREQ);
	assert_int_equal(res.diag.index, 1);
	assert_true(dz_name_equal(res.diag.owner, N("ns1.example.test.")));
	assert_int_equal(res.diag.type, DZ_RR_A);
	assert_int_equal(res.diag.rclass, DZ_CLASS_NONE);
}

static void update_zone_without_soa_is_servfail(void **state)
{
	(void)state;
	static const char *const nosoa[] = {
	        "example.test. 300 NS ns1.example.test.",
	        NULL,
	};
	dz_zone_t *z = t_zone("example.test.", nosoa);
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "new.example.test. 60 IN A 192.0.2.20");
	expect_fail(z, t_end(&m), DZ_ENOSOA, DZ_RCODE_SERVFAIL,
	            DZ_UPDATE_SEC_NONE, 0, "zone has no usable SOA");
	dz_zone_unref(z);
}

static void update_ttl_only_change_bumps_serial(void **state)
{
	t_msg_t m;
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "ns1.example.test. 30 IN A 192.0.2.1");
	expect_ok(*state, t_end(&m), &res);
	assert_int_equal(t_serial(res.nz), 101);
	assert_true(t_has(res.nz, "ns1.example.test. 30 A 192.0.2.1"));
	assert_string_equal(t_cs_line(res.ch, false, 1),
	                    "ns1.example.test. 300 A 192.0.2.1");
	assert_string_equal(t_cs_line(res.ch, true, 1),
	                    "ns1.example.test. 30 A 192.0.2.1");
	t_res_clear(&res);
}

static void permission_delete_all_asks_once_per_type(void **state)
{
	t_msg_t m;
	perm_t p = {0};
	dz_update_opts_t o = {.allow_rr = allow_cb, .allow_ctx = &p};
	t_res_t res;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 0 ANY ANY");
	t_apply_opts(*state, t_end(&m), &o, &res);
	assert_int_equal(res.ret, DZ_OK);
	assert_int_equal(p.calls, 1); /* two A records, one RRset */
	assert_int_equal(p.types[0], DZ_RR_A);
	t_res_clear(&res);
}

/* --- serial policies ----------------------------------------------------- */

static uint32_t serial_after(const dz_zone_t *z, dz_serial_policy_t pol,
                             time_t now)
{
	t_msg_t m;
	t_res_t res;
	dz_update_opts_t o = {.serial_policy = pol, .now = now};
	t_begin(&m, "example.test.");
	t_upd(&m, "new.example.test. 60 IN A 192.0.2.20");
	t_apply_opts(z, t_end(&m), &o, &res);
	assert_int_equal(res.ret, DZ_OK);
	uint32_t s = t_serial(res.nz);
	t_res_clear(&res);
	return s;
}

static void serial_policy_increment_adds_one(void **state)
{
	assert_int_equal(serial_after(*state, DZ_SERIAL_INCREMENT, 0), 101);
}

static void serial_policy_unixtime_uses_now(void **state)
{
	assert_int_equal(serial_after(*state, DZ_SERIAL_UNIXTIME, 1700000000),
	                 1700000000u);
}

static void serial_policy_dateserial_uses_utc_date(void **state)
{
	/* 2023-11-14 22:13:20 UTC */
	assert_int_equal(serial_after(*state, DZ_SERIAL_DATESERIAL, 1700000000),
	                 2023111400u);
}

static void serial_policy_bad_value_is_servfail(void **state)
{
	t_msg_t m;
	t_res_t res;
	dz_update_opts_t o = {.serial_policy = (dz_serial_policy_t)42};
	t_begin(&m, "example.test.");
	t_upd(&m, "new.example.test. 60 IN A 192.0.2.20");
	t_apply_opts(*state, t_end(&m), &o, &res);
	assert_int_equal(res.ret, DZ_EINVAL);
	assert_int_equal(res.rcode, DZ_RCODE_SERVFAIL);
}

/* --- post-update name server check (BIND) --------------------------------- */

#define NSFAIL "post-update name server check failed: "

/* Refused: status, rcode, a diagnostic at the apex NS RRset, and nothing
 * applied. */
static void expect_ns_refused(const dz_zone_t *z, const dz_msg_t *msg,
                              const char *text)
{
	t_res_t res;
	t_apply(z, msg, &res);
	assert_int_equal(res.ret, DZ_EREFUSED);
	assert_int_equal(res.rcode, DZ_RCODE_REFUSED);
	assert_int_equal(res.diag.section, DZ_UPDATE_SEC_NONE);
	assert_int_equal(res.diag.index, 0);
	assert_true(dz_name_equal(res.diag.owner, dz_zone_origin(z)));
	assert_int_equal(res.diag.type, DZ_RR_NS);
	assert_string_equal(res.diag.msg, text);
	assert_int_equal(t_serial(z), 100);
}

static void expect_ok_clear(const dz_zone_t *z, const dz_msg_t *msg)
{
	t_res_t res;
	expect_ok(z, msg, &res);
	t_res_clear(&res);
}

static void nscheck_refuses_removing_address_of_apex_ns_target(void **state)
{
	static const char *const ops[] = {
	        "ns1.example.test. 0 ANY A",
	        "ns1.example.test. 0 NONE A 192.0.2.1",
	        "ns1.example.test. 0 ANY ANY",
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		t_msg_t m;
		t_begin(&m, "example.test.");
		t_upd(&m, ops[i]);
		expect_ns_refused(*state, t_end(&m),
		                  NSFAIL
		                  "ns1.example.test. (NS of "
		                  "example.test.) has no address records");
		assert_true(t_has(*state, "ns1.example.test. 300 A 192.0.2.1"));
	}
	/* A CNAME in place of the address is no better. */
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "ns2.example.test. 0 ANY A");
	t_upd(&m, "ns2.example.test. 300 IN CNAME www.example.test.");
	expect_ns_refused(*state, t_end(&m),
	                  NSFAIL "ns2.example.test. (NS of example.test.) is "
	                         "a cname");
}

static void nscheck_passes_when_target_keeps_an_address_or_goes(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "ns1.example.test. 0 ANY A");
	t_upd(&m, "ns1.example.test. 300 IN AAAA 2001:db8::1");
	expect_ok_clear(*state, t_end(&m));
	t_begin(&m, "example.test.");
	t_upd(&m, "ns1.example.test. 0 ANY A");
	t_upd(&m, "example.test. 0 NONE NS ns1.example.test.");
	expect_ok_clear(*state, t_end(&m));
	t_begin(&m, "example.test.");
	t_upd(&m, "ns2.example.test. 0 NONE A 192.0.2.2");
	t_upd(&m, "ns2.example.test. 300 IN A 192.0.2.99");
	expect_ok_clear(*state, t_end(&m));
}

static void nscheck_refuses_new_apex_ns_without_address(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN NS ns3.example.test.");
	expect_ns_refused(*state, t_end(&m),
	                  NSFAIL "ns3.example.test. (NS of example.test.) has "
	                         "no address records");
	/* The target's address in the same update; any case. */
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN NS NS3.Example.TEST.");
	t_upd(&m, "ns3.example.test. 300 IN A 192.0.2.3");
	expect_ok_clear(*state, t_end(&m));
	/* Out-of-zone targets are not looked at. */
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN NS ns3.example.net.");
	expect_ok_clear(*state, t_end(&m));
	/* The apex itself is an in-zone target like another. */
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN NS example.test.");
	expect_ns_refused(*state, t_end(&m),
	                  NSFAIL "example.test. (NS of example.test.) has no "
	                         "address records");
}

static void nscheck_refuses_cname_empty_and_addressless_targets(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN NS alias.example.test.");
	expect_ns_refused(*state, t_end(&m),
	                  NSFAIL "alias.example.test. (NS of example.test.) "
	                         "is a cname");
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN NS b.c.example.test.");
	expect_ns_refused(*state, t_end(&m),
	                  NSFAIL "b.c.example.test. (NS of example.test.) has "
	                         "no address records");
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 300 IN NS a.b.c.example.test.");
	expect_ns_refused(*state, t_end(&m),
	                  NSFAIL "a.b.c.example.test. (NS of example.test.) "
	                         "has no address records");
}

/* BIND's lookup stops at a zone cut: a target there or below passes, glue or
 * not; the NS RRsets of delegations are never examined. */
static void nscheck_ignores_delegations(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "sub.example.test. 300 IN NS nx.example.test.");
	t_upd(&m, "sub.example.test. 300 IN NS ns.sub.example.test.");
	expect_ok_clear(*state, t_end(&m));
	t_begin(&m, "example.test.");
	t_upd(&m, "sub.example.test. 300 IN NS ns.example.net.");
	t_upd(&m, "example.test. 300 IN NS ns.sub.example.test.");
	t_upd(&m, "example.test. 300 IN NS sub.example.test.");
	expect_ok_clear(*state, t_end(&m));
}

static void nscheck_follows_wildcards_and_dnames(void **state)
{
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "*.w.example.test. 300 IN A 192.0.2.5");
	t_upd(&m, "example.test. 300 IN NS x.w.example.test.");
	expect_ok_clear(*state, t_end(&m));
	t_begin(&m, "example.test.");
	t_upd(&m, "*.w.example.test. 300 IN TXT \"x\"");
	t_upd(&m, "example.test. 300 IN NS x.w.example.test.");
	expect_ns_refused(*state, t_end(&m),
	                  NSFAIL "x.w.example.test. (NS of example.test.) has "
	                         "no address records");
	t_begin(&m, "example.test.");
	t_upd(&m, "d.example.test. 300 IN DNAME example.net.");
	t_upd(&m, "example.test. 300 IN NS ns.d.example.test.");
	expect_ns_refused(*state, t_end(&m),
	                  NSFAIL "ns.d.example.test. (NS of example.test.) is "
	                         "below a dname at d.example.test.");
}

/* The whole apex NS RRset is checked after any change (BIND), so a zone that
 * was loaded broken takes only the updates that leave it sound. */
static void nscheck_applies_to_every_change_of_a_broken_zone(void **state)
{
	(void)state;
	static const char *const broken[] = {
	        SOA100,
	        "example.test. 300 NS ns1.example.test.",
	        "example.test. 300 NS ns7.example.test.",
	        "ns1.example.test. 300 A 192.0.2.1",
	        NULL,
	};
	dz_zone_t *z = t_zone("example.test.", broken);
	t_msg_t m;
	t_begin(&m, "example.test.");
	t_upd(&m, "www.example.test. 300 IN TXT \"unrelated\"");
	expect_ns_refused(z, t_end(&m),
	                  NSFAIL "ns7.example.test. (NS of example.test.) has "
	                         "no address records");
	t_begin(&m, "example.test.");
	t_upd(&m, "nothere.example.test. 0 ANY A");
	expect_noop(z, t_end(&m));
	t_begin(&m, "example.test.");
	t_upd(&m, "ns7.example.test. 300 IN AAAA 2001:db8::7");
	expect_ok_clear(z, t_end(&m));
	t_begin(&m, "example.test.");
	t_upd(&m, "example.test. 0 NONE NS ns7.example.test.");
	expect_ok_clear(z, t_end(&m));
	dz_zone_unref(z);
}

static void section_names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(dz_update_section_str(DZ_UPDATE_SEC_ZONE), "zone");
	assert_string_equal(dz_update_section_str(DZ_UPDATE_SEC_PREREQ),
	                    "prerequisite");
	assert_string_equal(dz_update_section_str(DZ_UPDATE_SEC_UPDATE),
	                    "update");
	assert_string_equal(dz_strerror(DZ_EPREREQ),
	                    "prerequisite not satisfied");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(zone_section_needs_exactly_one_record),
	        T(zone_section_type_must_be_soa),
	        T(zone_section_class_must_be_in),
	        T(zone_name_other_than_origin_is_notauth),
	        T(zone_name_helper_gives_the_zone),
	        T(zone_name_is_case_insensitive),
	        T(prereq_nonzero_ttl_is_formerr),
	        T(prereq_ttl_checked_before_zone_membership),
	        T(prereq_outside_zone_is_notzone),
	        T(prereq_yxdomain_passes_when_name_in_use),
	        T(prereq_yxdomain_fails_when_name_absent),
	        T(prereq_yxdomain_fails_on_empty_non_terminal),
	        T(prereq_nxdomain_fails_when_name_in_use),
	        T(prereq_yxrrset_fails_when_type_absent),
	        T(prereq_nxrrset_fails_when_type_exists),
	        T(prereq_value_dependent_passes_on_equal_rrset),
	        T(prereq_value_dependent_fails_on_subset),
	        T(prereq_value_dependent_fails_on_other_rdata),
	        T(prereq_value_dependent_fails_when_rrset_absent),
	        T(prereq_value_dependent_checked_after_the_others),
	        T(prereq_class_in_meta_type_is_nxrrset),
	        T(prereq_class_any_with_rdata_is_formerr),
	        T(prereq_other_class_is_formerr),
	        T(permission_hook_refuses_update),
	        T(permission_hook_sees_class_of_each_operation),
	        T(permission_delete_all_asks_for_each_type_present),
	        T(update_outside_zone_is_notzone),
	        T(update_adding_meta_type_is_formerr),
	        T(update_class_any_needs_ttl_0_and_no_rdata),
	        T(update_class_any_meta_type_is_formerr),
	        T(update_class_none_needs_ttl_0),
	        T(update_other_class_is_formerr),
	        T(update_bad_rdata_is_formerr),
	        T(update_prescan_runs_before_prereqs),
	        T(form_of_every_record_checked_before_zone_membership),
	        T(form_of_prereqs_checked_before_update_section),
	        T(per_record_forms_follow_zone_membership),
	        T(form_checked_before_zone_authority),
	        T(zone_name_helper_rejects_malformed_records),
	        T(update_add_record_bumps_serial_once),
	        T(update_changeset_has_soa_first),
	        T(update_changeset_applied_to_old_gives_new),
	        T(update_duplicate_add_changes_nothing),
	        T(update_add_sets_rrset_ttl_to_newest),
	        T(update_duplicate_with_new_ttl_changes_ttl),
	        T(update_cname_add_ignored_beside_other_data),
	        T(update_other_data_add_ignored_at_cname),
	        T(update_cname_replaces_cname),
	        T(update_explicit_nsec_and_rrsig_refused),
	        T(update_cname_then_a_in_one_message),
	        T(update_soa_with_newer_serial_replaces_soa),
	        T(update_soa_with_older_or_equal_serial_ignored),
	        T(update_soa_at_other_name_ignored),
	        T(update_ignores_wildcard_ns_apex_ds_and_md),
	        T(update_delete_all_at_name),
	        T(update_delete_all_at_apex_keeps_soa_and_ns),
	        T(update_delete_rrset),
	        T(update_cannot_delete_apex_soa_or_ns_rrset),
	        T(update_delete_rr),
	        T(update_cannot_delete_apex_soa_rr),
	        T(update_cannot_delete_last_apex_ns),
	        T(update_delete_rr_with_empty_rdata_needs_a_type_allowing_it),
	        T(update_add_then_delete_same_rr_changes_nothing),
	        T(update_delete_then_add_sees_earlier_rr),
	        T(update_failing_prereq_changes_nothing),
	        T(update_later_formerr_changes_nothing),
	        T(update_empty_message_is_noop),
	        T(prereq_failure_diag_names_the_record),
	        T(update_zone_without_soa_is_servfail),
	        T(update_ttl_only_change_bumps_serial),
	        T(permission_delete_all_asks_once_per_type),
	        T(serial_policy_increment_adds_one),
	        T(serial_policy_unixtime_uses_now),
	        T(serial_policy_dateserial_uses_utc_date),
	        T(serial_policy_bad_value_is_servfail),
	        T(nscheck_refuses_removing_address_of_apex_ns_target),
	        T(nscheck_passes_when_target_keeps_an_address_or_goes),
	        T(nscheck_refuses_new_apex_ns_without_address),
	        T(nscheck_refuses_cname_empty_and_addressless_targets),
	        T(nscheck_ignores_delegations),
	        T(nscheck_follows_wildcards_and_dnames),
	        T(nscheck_applies_to_every_change_of_a_broken_zone),
	        T(section_names_are_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
