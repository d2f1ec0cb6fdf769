/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of incoming transfer streams: every form the answer can take and every
 * way it can be wrong. */
#include "tests/unit/lib/xfr/xfr_test_util.h"

#define SOA(n)                                                                 \
	"example. 3600 SOA ns1.example. admin.example. " #n                    \
	" 7200 900 86400 300"

static const char *const base_zone[] = {
        SOA(1),
        "example. 3600 NS ns1.example.",
        "ns1.example. 3600 A 192.0.2.1",
        "www.example. 300 A 192.0.2.10",
        "www.example. 300 A 192.0.2.11",
        NULL,
};

/* How to build one answer message. */
typedef struct mopt {
	uint16_t id;
	uint8_t rcode;
	bool tc, query, no_question;
	const char *qname; /* NULL: example. */
	uint16_t qtype;    /* 0: IXFR */
	uint16_t rclass;   /* 0: IN */
} mopt_t;

static t_msg_t *mk(const mopt_t *o, const char *const *lines)
{
	t_msg_t *m = t_msg_new();
	dz_msg_render_t r;
	dz_msg_hdr_t hdr = {.id = o->id,
	                    .qr = !o->query,
	                    .aa = true,
	                    .rcode = o->rcode,
	                    .tc = o->tc};
	t_rr_t rr;
	assert_int_equal(dz_msg_render_begin(&r, m->pkt, sizeof(m->pkt), &hdr),
	                 DZ_OK);
	if (!o->no_question) {
		assert_int_equal(
		        dz_msg_render_question(
		                &r, N(o->qname ? o->qname : "example."),
		                o->qtype ? o->qtype : DZ_RR_IXFR, DZ_CLASS_IN),
		        DZ_OK);
	}
	for (size_t i = 0; lines != NULL && lines[i] != NULL; i++) {
		t_parse(lines[i], &rr);
		assert_int_equal(
		        dz_msg_render_rr(&r, DZ_MSG_AN, rr.owner, rr.type,
		                         o->rclass ? o->rclass : DZ_CLASS_IN,
		                         rr.ttl, rr.rdata, rr.rdlen),
		        DZ_OK);
	}
	int len = dz_msg_render_finish(&r);
	assert_true(len > 0);
	assert_int_equal(t_msg_parse(m, (size_t)len), DZ_OK);
	return m;
}

/* Feed one default message made of \p lines. */
static int feed(dz_xfr_in_t *in, const char *const *lines)
{
	mopt_t o = {0};
	t_msg_t *m = mk(&o, lines);
	int ret = dz_xfr_in_feed(in, &m->msg);
	free(m);
	return ret;
}

static int feed_opt(dz_xfr_in_t *in, const mopt_t *o, const char *const *lines)
{
	t_msg_t *m = mk(o, lines);
	int ret = dz_xfr_in_feed(in, &m->msg);
	free(m);
	return ret;
}

/* An IXFR consumer holding base_zone (serial 1). */
static dz_xfr_in_t *ixfr_in(dz_zone_t **base)
{
	dz_xfr_in_t *in;
	*base = t_zone("example.", base_zone);
	assert_int_equal(
	        dz_xfr_in_new(N("example."), *base, DZ_RR_IXFR, 1, &in), DZ_OK);
	return in;
}

/* Expect \p err with diagnostic \p diag from feeding, and from finish. */
static void expect_fail(dz_xfr_in_t *in, int got, int err, const char *diag)
{
	dz_xfr_in_result_t res;
	assert_int_equal(got, err);
	assert_string_equal(dz_xfr_in_diag(in), diag);
	/* Sticky. */
	assert_int_equal(feed(in, (const char *const[]){SOA(9), NULL}), err);
	assert_int_equal(dz_xfr_in_finish(in, &res), err);
	assert_string_equal(dz_xfr_in_diag(in), diag);
}

/* --- detection -------------------------------------------------------------
 */

static void single_soa_not_newer_is_up_to_date(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_result_t res;
	for (int older = 0; older < 2; older++) {
		dz_xfr_in_t *in = ixfr_in(&base);
		const char *soa = older ? "example. 3600 SOA ns1.example. "
		                          "admin.example. 4294967295 1 1 1 1"
		                        : SOA(1);
		assert_int_equal(feed(in, (const char *const[]){soa, NULL}),
		                 DZ_OK);
		assert_true(dz_xfr_in_is_done(in));
		assert_int_equal(dz_xfr_in_kind(in), DZ_XFR_UPTODATE);
		assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
		assert_int_equal(res.kind, DZ_XFR_UPTODATE);
		assert_null(res.zone);
		assert_int_equal(res.nsteps, 0);
		assert_int_equal(res.stats.records, 1);
		dz_xfr_in_result_clear(&res);
		dz_xfr_in_free(in);
		dz_zone_unref(base);
	}
}

static void full_zone_answer_to_ixfr_is_axfr_style(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	dz_xfr_in_result_t res;
	assert_int_equal(
	        feed(in, (const char *const[]){SOA(3),
	                                       "example. 3600 NS ns1.example.",
	                                       NULL}),
	        DZ_OK);
	assert_int_equal(dz_xfr_in_kind(in), DZ_XFR_AXFR_STYLE);
	assert_false(dz_xfr_in_is_done(in));
	assert_int_equal(
	        feed(in, (const char *const[]){"ns1.example. 3600 A 192.0.2.1",
	                                       SOA(3), NULL}),
	        DZ_OK);
	assert_true(dz_xfr_in_is_done(in));
	assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
	assert_int_equal(res.kind, DZ_XFR_AXFR_STYLE);
	assert_int_equal(t_serial(res.zone), 3);
	assert_int_equal(res.serial_from, 1);
	assert_int_equal(res.serial_to, 3);
	assert_int_equal(res.stats.messages, 2);
	assert_int_equal(res.stats.records, 4);
	/* One journal record: the difference from serial 1 (www went away). */
	assert_int_equal(res.nsteps, 1);
	assert_int_equal(dz_changeset_nremoved(res.steps[0].ch), 3);
	dz_xfr_in_result_clear(&res);
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void soa_pair_is_a_zone_holding_only_its_soa(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	dz_xfr_in_result_t res;
	assert_int_equal(feed(in, (const char *const[]){SOA(3), SOA(3), NULL}),
	                 DZ_OK);
	assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
	assert_int_equal(res.kind, DZ_XFR_AXFR_STYLE);
	dz_zone_stats_t st;
	dz_zone_stats(res.zone, &st);
	assert_int_equal(st.records, 1);
	dz_xfr_in_result_clear(&res);
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void ixfr_sequences_across_messages_apply_step_by_step(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	dz_xfr_in_result_t res;
	assert_int_equal(
	        feed(in, (const char *const[]){SOA(3), SOA(1),
	                                       "www.example. 300 A 192.0.2.11",
	                                       NULL}),
	        DZ_OK);
	assert_int_equal(dz_xfr_in_kind(in), DZ_XFR_IXFR);
	assert_int_equal(
	        feed(in,
	             (const char *const[]){SOA(2), "x.example. 60 A 192.0.2.5",
	                                   SOA(2), NULL}),
	        DZ_OK);
	/* Messages may hold nothing but the end (or a TSIG). */
	assert_int_equal(feed(in, (const char *const[]){NULL}), DZ_OK);
	assert_int_equal(
	        feed(in, (const char *const[]){"x.example. 60 A 192.0.2.5",
	                                       SOA(3), NULL}),
	        DZ_OK);
	assert_false(dz_xfr_in_is_done(in));
	assert_int_equal(feed(in, (const char *const[]){SOA(3), NULL}), DZ_OK);
	assert_true(dz_xfr_in_is_done(in));
	assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
	assert_int_equal(res.kind, DZ_XFR_IXFR);
	assert_int_equal(res.nsteps, 2);
	assert_int_equal(res.steps[0].from, 1);
	assert_int_equal(res.steps[0].to, 2);
	assert_int_equal(res.steps[1].from, 2);
	assert_int_equal(res.steps[1].to, 3);
	/* Journal convention: the SOAs lead each list. */
	dz_rr_t rr;
	assert_int_equal(dz_changeset_removed(res.steps[1].ch, 0, &rr), DZ_OK);
	assert_int_equal(rr.type, DZ_RR_SOA);
	assert_int_equal(dz_changeset_added(res.steps[1].ch, 0, &rr), DZ_OK);
	assert_int_equal(rr.type, DZ_RR_SOA);
	const char *const want[] = {SOA(3), "example. 3600 NS ns1.example.",
	                            "ns1.example. 3600 A 192.0.2.1",
	                            "www.example. 300 A 192.0.2.10", NULL};
	dz_zone_t *w = t_zone("example.", want);
	assert_true(t_same_zone(res.zone, w));
	assert_int_equal(res.stats.messages, 5);
	assert_int_equal(res.stats.records, 9);
	dz_zone_unref(w);
	dz_xfr_in_result_clear(&res);
	dz_xfr_in_free(in);
	/* Our version is untouched. */
	assert_int_equal(t_serial(base), 1);
	dz_zone_unref(base);
}

static void
axfr_replacing_our_version_keeps_the_journal_continuous(void **state)
{
	(void)state;
	dz_zone_t *base = t_zone("example.", base_zone);
	dz_xfr_in_t *in;
	dz_xfr_in_result_t res;
	mopt_t o = {.qtype = DZ_RR_AXFR};
	assert_int_equal(dz_xfr_in_new(N("example."), base, DZ_RR_AXFR, 1, &in),
	                 DZ_OK);
	assert_int_equal(
	        feed_opt(in, &o,
	                 (const char *const[]){SOA(2),
	                                       "example. 3600 NS ns1.example.",
	                                       "ns1.example. 3600 A 192.0.2.1",
	                                       SOA(2), NULL}),
	        DZ_OK);
	assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
	assert_int_equal(res.kind, DZ_XFR_AXFR);
	assert_false(res.journal_reset);
	assert_int_equal(res.nsteps, 1);
	dz_zone_t *v;
	assert_int_equal(dz_zone_apply(base, res.steps[0].ch, 0, &v), DZ_OK);
	assert_true(t_same_zone(v, res.zone));
	dz_zone_unref(v);
	dz_xfr_in_result_clear(&res);
	dz_xfr_in_free(in);

	/* A primary behind us (serial 0 < 1): the journal starts afresh. */
	assert_int_equal(dz_xfr_in_new(N("example."), base, DZ_RR_AXFR, 1, &in),
	                 DZ_OK);
	assert_int_equal(
	        feed_opt(in, &o, (const char *const[]){SOA(0), SOA(0), NULL}),
	        DZ_OK);
	assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
	assert_true(res.journal_reset);
	assert_int_equal(res.nsteps, 0);
	assert_int_equal(t_serial(res.zone), 0);
	dz_xfr_in_result_clear(&res);
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void messages_without_question_are_accepted(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	dz_xfr_in_result_t res;
	mopt_t o = {.no_question = true};
	assert_int_equal(feed_opt(in, &o, (const char *const[]){SOA(1), NULL}),
	                 DZ_OK);
	assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

/* --- errors ----------------------------------------------------------------
 */

static void error_rcodes_are_reported_for_fallback(void **state)
{
	(void)state;
	static const struct {
		uint8_t rcode;
		const char *diag;
	} cases[] = {{DZ_RCODE_NOTIMP, "peer answered NOTIMP"},
	             {DZ_RCODE_FORMERR, "peer answered FORMERR"},
	             {DZ_RCODE_SERVFAIL, "peer answered SERVFAIL"},
	             {DZ_RCODE_REFUSED, "peer answered REFUSED"},
	             {DZ_RCODE_NOTAUTH, "peer answered NOTAUTH"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dz_zone_t *base;
		dz_xfr_in_t *in = ixfr_in(&base);
		mopt_t o = {.rcode = cases[i].rcode};
		int ret = feed_opt(in, &o, NULL);
		assert_int_equal(dz_xfr_in_rcode(in), cases[i].rcode);
		expect_fail(in, ret, DZ_EXFRRCODE, cases[i].diag);
		dz_xfr_in_free(in);
		dz_zone_unref(base);
	}
}

static void header_errors(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	mopt_t o = {.query = true};
	expect_fail(in, feed_opt(in, &o, (const char *const[]){SOA(3), NULL}),
	            DZ_EHEADER, "message is not a query response");
	dz_xfr_in_free(in);

	assert_int_equal(dz_xfr_in_new(N("example."), base, DZ_RR_IXFR, 1, &in),
	                 DZ_OK);
	dz_xfr_in_expect_id(in, 7);
	o = (mopt_t){.id = 8};
	expect_fail(in, feed_opt(in, &o, (const char *const[]){SOA(3), NULL}),
	            DZ_EHEADER, "message id 8 does not match query id 7");
	dz_xfr_in_free(in);

	dz_zone_unref(base);
	in = ixfr_in(&base);
	o = (mopt_t){.tc = true};
	expect_fail(in, feed_opt(in, &o, (const char *const[]){SOA(3), NULL}),
	            DZ_EXFRBAD, "message is truncated (TC)");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void question_must_match_the_query(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	mopt_t o = {.qname = "other."};
	expect_fail(
	        in, feed_opt(in, &o, (const char *const[]){SOA(3), NULL}),
	        DZ_EXFRBAD,
	        "question other. IXFR does not match the query for example.");
	dz_xfr_in_free(in);
	dz_zone_unref(base);

	in = ixfr_in(&base);
	o = (mopt_t){.qtype = DZ_RR_AXFR};
	expect_fail(
	        in, feed_opt(in, &o, (const char *const[]){SOA(3), NULL}),
	        DZ_EXFRBAD,
	        "question example. AXFR does not match the query for example.");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void first_record_must_be_the_zone_soa(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	expect_fail(
	        in,
	        feed(in, (const char *const[]){"www.example. 60 A 192.0.2.1",
	                                       SOA(3), NULL}),
	        DZ_EXFRBAD,
	        "first record is not the SOA of the zone: www.example. A");
	dz_xfr_in_free(in);
	dz_zone_unref(base);

	in = ixfr_in(&base);
	expect_fail(in, feed(in, (const char *const[]){NULL}), DZ_EXFRBAD,
	            "first message has no answer records");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void records_outside_the_zone_or_class_are_refused(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	expect_fail(in,
	            feed(in, (const char *const[]){SOA(3),
	                                           "x.other. 60 A 192.0.2.1",
	                                           NULL}),
	            DZ_EOUTZONE, "record outside the zone: x.other.");
	dz_xfr_in_free(in);
	dz_zone_unref(base);

	in = ixfr_in(&base);
	mopt_t o = {.rclass = DZ_CLASS_CH};
	expect_fail(in, feed_opt(in, &o, (const char *const[]){SOA(3), NULL}),
	            DZ_ECLASS,
	            "record class 3 is not the zone class IN: example. SOA");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void ixfr_step_from_another_serial_is_inconsistent_history(void **state)
{
	(void)state;
	const char *const z4[] = {SOA(4), "example. 3600 NS ns1.example.",
	                          NULL};
	dz_zone_t *base = t_zone("example.", z4);
	dz_xfr_in_t *in;
	assert_int_equal(dz_xfr_in_new(N("example."), base, DZ_RR_IXFR, 4, &in),
	                 DZ_OK);
	expect_fail(in, feed(in, (const char *const[]){SOA(6), SOA(5), NULL}),
	            DZ_EXFRHISTORY,
	            "ixfr step from serial 5 does not match our serial 4");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void ixfr_removing_what_we_lack_is_inconsistent_history(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	expect_fail(
	        in,
	        feed(in,
	             (const char *const[]){SOA(2), SOA(1),
	                                   "nothere.example. 60 A 192.0.2.200",
	                                   SOA(2), SOA(2), NULL}),
	        DZ_EXFRHISTORY,
	        "ixfr step 1 -> 2 removes a record we do not have: "
	        "nothere.example.\t60\tIN\tA\t192.0.2.200");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void ixfr_without_a_version_is_inconsistent_history(void **state)
{
	(void)state;
	dz_xfr_in_t *in;
	assert_int_equal(dz_xfr_in_new(N("example."), NULL, DZ_RR_IXFR, 1, &in),
	                 DZ_OK);
	expect_fail(in, feed(in, (const char *const[]){SOA(3), SOA(1), NULL}),
	            DZ_EXFRHISTORY,
	            "ixfr step from serial 1 but we have no version to apply "
	            "it to");
	dz_xfr_in_free(in);
}

static void ixfr_step_must_increase_and_end_where_announced(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	expect_fail(
	        in,
	        feed(in, (const char *const[]){SOA(3), SOA(1), SOA(1), NULL}),
	        DZ_EXFRBAD,
	        "ixfr step from serial 1 to 1 does not increase the serial");
	dz_xfr_in_free(in);
	dz_zone_unref(base);

	in = ixfr_in(&base);
	expect_fail(in,
	            feed(in, (const char *const[]){SOA(3), SOA(1), SOA(2),
	                                           SOA(3), NULL}),
	            DZ_EXFRBAD,
	            "ixfr ended at serial 3 but its last step reached 2");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void axfr_must_end_with_the_same_soa(void **state)
{
	(void)state;
	dz_xfr_in_t *in;
	mopt_t o = {.qtype = DZ_RR_AXFR};
	assert_int_equal(dz_xfr_in_new(N("example."), NULL, DZ_RR_AXFR, 0, &in),
	                 DZ_OK);
	expect_fail(in,
	            feed_opt(in, &o,
	                     (const char *const[]){
	                             SOA(3), "example. 3600 NS ns1.example.",
	                             SOA(2), NULL}),
	            DZ_EXFRBAD,
	            "SOA serial 2 inside the zone differs from the first SOA "
	            "serial 3");
	dz_xfr_in_free(in);

	assert_int_equal(dz_xfr_in_new(N("example."), NULL, DZ_RR_AXFR, 0, &in),
	                 DZ_OK);
	expect_fail(in,
	            feed_opt(in, &o,
	                     (const char *const[]){SOA(3),
	                                           "example. 60 TYPE200 \\# 0",
	                                           NULL}),
	            DZ_ETYPE,
	            "cannot add record example. TYPE200: unknown or disallowed "
	            "record type");
	dz_xfr_in_free(in);
}

static void nothing_may_follow_the_final_soa(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	expect_fail(
	        in,
	        feed(in, (const char *const[]){SOA(3), SOA(3),
	                                       "www.example. 60 A 192.0.2.1",
	                                       NULL}),
	        DZ_ETRAIL, "records after the final SOA");
	dz_xfr_in_free(in);
	dz_zone_unref(base);

	in = ixfr_in(&base);
	assert_int_equal(feed(in, (const char *const[]){SOA(1), NULL}), DZ_OK);
	expect_fail(in, feed(in, (const char *const[]){SOA(1), NULL}),
	            DZ_ETRAIL, "message after the final SOA");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void stream_cut_short_is_incomplete(void **state)
{
	(void)state;
	dz_zone_t *base;
	dz_xfr_in_t *in = ixfr_in(&base);
	dz_xfr_in_result_t res;
	assert_int_equal(
	        feed(in, (const char *const[]){SOA(3), SOA(1), SOA(2), NULL}),
	        DZ_OK);
	assert_int_equal(dz_xfr_in_finish(in, &res), DZ_EXFRINCOMPLETE);
	assert_string_equal(dz_xfr_in_diag(in),
	                    "transfer ended before the final SOA");
	dz_xfr_in_free(in);
	dz_zone_unref(base);
}

static void bad_arguments_are_einval(void **state)
{
	(void)state;
	dz_xfr_in_t *in = NULL;
	dz_zone_t *base = t_zone("example.", base_zone);
	assert_int_equal(dz_xfr_in_new(N("example."), NULL, DZ_RR_A, 0, &in),
	                 DZ_EINVAL);
	assert_int_equal(dz_xfr_in_new(N("other."), base, DZ_RR_AXFR, 0, &in),
	                 DZ_EINVAL);
	assert_null(in);
	dz_zone_unref(base);
}

/* --- streams made by dnspython (tests/data/xfr/gen_xfr.py) ---------------- */

static dz_zone_t *data_zone(const char *file)
{
	char path[512], line[1024];
	const char *lines[64];
	char store[64][1024];
	size_t n = 0;
	(void)snprintf(path, sizeof(path), "%s/xfr/%s", DZ_TEST_DATA, file);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL && n < 63) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == ';') {
			continue;
		}
		memcpy(store[n], line, sizeof(line));
		lines[n] = store[n];
		n++;
	}
	fclose(f);
	lines[n] = NULL;
	return t_zone("example.", lines);
}

/* Feed a length-prefixed stream file; returns the first error or OK. */
static int feed_file(dz_xfr_in_t *in, const char *file)
{
	char path[512];
	size_t len, off = 0;
	(void)snprintf(path, sizeof(path), "%s/xfr/%s", DZ_TEST_DATA, file);
	uint8_t *buf = t_read_file(path, &len);
	t_msg_t *m = t_msg_new();
	int ret = DZ_OK;
	while (ret == DZ_OK && len - off >= 2) {
		size_t n = (size_t)buf[off] << 8 | buf[off + 1];
		assert_true(n <= len - off - 2);
		memcpy(m->pkt, buf + off + 2, n);
		assert_int_equal(t_msg_parse(m, n), DZ_OK);
		ret = dz_xfr_in_feed(in, &m->msg);
		off += 2 + n;
	}
	assert_true(ret != DZ_OK || off == len);
	free(m);
	free(buf);
	return ret;
}

static void dnspython_streams_are_understood(void **state)
{
	(void)state;
	dz_zone_t *v1 = data_zone("v1.txt"), *v3 = data_zone("v3.txt");
	static const struct {
		const char *file;
		uint16_t qtype;
		uint32_t ours;
		dz_xfr_kind_t kind;
		size_t nsteps;
	} cases[] = {
	        {"axfr.bin", DZ_RR_AXFR, 1, DZ_XFR_AXFR, 1},
	        {"ixfr.bin", DZ_RR_IXFR, 1, DZ_XFR_IXFR, 2},
	        {"ixfr-axfr-style.bin", DZ_RR_IXFR, 1, DZ_XFR_AXFR_STYLE, 1},
	        {"ixfr-uptodate.bin", DZ_RR_IXFR, 3, DZ_XFR_UPTODATE, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dz_xfr_in_t *in;
		dz_xfr_in_result_t res;
		const dz_zone_t *cur = cases[i].ours == 1 ? v1 : v3;
		assert_int_equal(dz_xfr_in_new(N("example."), cur,
		                               cases[i].qtype, cases[i].ours,
		                               &in),
		                 DZ_OK);
		assert_int_equal(feed_file(in, cases[i].file), DZ_OK);
		assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
		assert_int_equal(res.kind, cases[i].kind);
		assert_int_equal(res.nsteps, cases[i].nsteps);
		if (res.zone != NULL) {
			assert_true(t_same_zone(res.zone, v3));
		}
		dz_xfr_in_result_clear(&res);
		dz_xfr_in_free(in);
	}
	dz_xfr_in_t *in;
	assert_int_equal(dz_xfr_in_new(N("example."), v1, DZ_RR_IXFR, 1, &in),
	                 DZ_OK);
	assert_int_equal(feed_file(in, "ixfr-notimp.bin"), DZ_EXFRRCODE);
	assert_int_equal(dz_xfr_in_rcode(in), DZ_RCODE_NOTIMP);
	dz_xfr_in_free(in);
	/* A history that does not start at our serial. */
	const char *const z2[] = {"example. 3600 SOA ns1.example. "
	                          "admin.example. 2 7200 900 86400 300",
	                          "example. 3600 NS ns1.example.", NULL};
	dz_zone_t *v2 = t_zone("example.", z2);
	assert_int_equal(dz_xfr_in_new(N("example."), v2, DZ_RR_IXFR, 2, &in),
	                 DZ_OK);
	assert_int_equal(feed_file(in, "ixfr.bin"), DZ_EXFRHISTORY);
	assert_string_equal(
	        dz_xfr_in_diag(in),
	        "ixfr step from serial 1 does not match our serial 2");
	dz_xfr_in_free(in);
	dz_zone_unref(v2);
	dz_zone_unref(v1);
	dz_zone_unref(v3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(single_soa_not_newer_is_up_to_date),
	        cmocka_unit_test(full_zone_answer_to_ixfr_is_axfr_style),
	        cmocka_unit_test(soa_pair_is_a_zone_holding_only_its_soa),
	        cmocka_unit_test(
	                ixfr_sequences_across_messages_apply_step_by_step),
	        cmocka_unit_test(
	                axfr_replacing_our_version_keeps_the_journal_continuous),
	        cmocka_unit_test(messages_without_question_are_accepted),
	        cmocka_unit_test(error_rcodes_are_reported_for_fallback),
	        cmocka_unit_test(header_errors),
	        cmocka_unit_test(question_must_match_the_query),
	        cmocka_unit_test(first_record_must_be_the_zone_soa),
	        cmocka_unit_test(records_outside_the_zone_or_class_are_refused),
	        cmocka_unit_test(
	                ixfr_step_from_another_serial_is_inconsistent_history),
	        cmocka_unit_test(
	                ixfr_removing_what_we_lack_is_inconsistent_history),
	        cmocka_unit_test(
	                ixfr_without_a_version_is_inconsistent_history),
	        cmocka_unit_test(
	                ixfr_step_must_increase_and_end_where_announced),
	        cmocka_unit_test(axfr_must_end_with_the_same_soa),
	        cmocka_unit_test(nothing_may_follow_the_final_soa),
	        cmocka_unit_test(stream_cut_short_is_incomplete),
	        cmocka_unit_test(bad_arguments_are_einval),
	        cmocka_unit_test(dnspython_streams_are_understood),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
