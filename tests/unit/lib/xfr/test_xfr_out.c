/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of outgoing AXFR/IXFR rendering, checked by parsing and by round trips
 * through the incoming side. */
#include "tests/unit/lib/xfr/xfr_test_util.h"

#define SOA1                                                                   \
	"example. 3600 SOA ns1.example. admin.example. 1 7200 900 86400 300"
#define SOA2                                                                   \
	"example. 3600 SOA ns1.example. admin.example. 2 7200 900 86400 300"
#define SOA3                                                                   \
	"example. 3600 SOA ns1.example. admin.example. 3 7200 900 86400 300"

static const char *const small_zone[] = {
        SOA1,
        "example. 3600 NS ns1.example.",
        "example. 3600 NS ns2.example.",
        "example. 3600 MX 10 mail.example.",
        "ns1.example. 3600 A 192.0.2.1",
        "ns2.example. 3600 A 192.0.2.2",
        "mail.example. 3600 A 192.0.2.3",
        "www.example. 300 A 192.0.2.10",
        "www.example. 300 A 192.0.2.11",
        "www.example. 300 AAAA 2001:db8::10",
        "sub.example. 3600 NS ns.sub.example.",
        "ns.sub.example. 3600 A 192.0.2.53",
        "txt.example. 60 TXT \"hello world\"",
        NULL,
};

/* What a stream of messages looked like. */
typedef struct seen {
	size_t messages, records, max_len;
	uint16_t first_type, last_type;
	uint32_t first_serial, last_serial;
	size_t questions_after_first;
	bool all_aa, all_ids;
} seen_t;

static uint32_t rr_serial(const dz_msg_t *msg, const dz_msg_rr_t *rr)
{
	uint8_t rd[600];
	int n = dz_msg_rr_rdata(msg, rr, rd, sizeof(rd));
	assert_true(n >= 20);
	const uint8_t *p = rd + n - 20;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void note_msg(seen_t *s, const dz_msg_t *msg, uint16_t id)
{
	uint32_t n;
	const dz_msg_rr_t *an = dz_msg_section(msg, DZ_MSG_AN, &n);
	if (s->messages == 0) {
		s->all_aa = s->all_ids = true;
		assert_true(n > 0);
		s->first_type = an[0].type;
		if (an[0].type == DZ_RR_SOA) {
			s->first_serial = rr_serial(msg, &an[0]);
		}
	} else if (msg->hdr.qdcount != 0) {
		s->questions_after_first++;
	}
	s->all_aa = s->all_aa && msg->hdr.aa && msg->hdr.qr;
	s->all_ids = s->all_ids && msg->hdr.id == id;
	if (n > 0) {
		s->last_type = an[n - 1].type;
		if (an[n - 1].type == DZ_RR_SOA) {
			s->last_serial = rr_serial(msg, &an[n - 1]);
		}
	}
	s->messages++;
	s->records += n;
	s->max_len = msg->len > s->max_len ? msg->len : s->max_len;
}

/* Render every message of x (cap/reserve), parse it, feed it to in. */
static void pump(dz_xfr_out_t *x, dz_xfr_in_t *in, size_t cap, size_t reserve,
                 uint16_t id, seen_t *s)
{
	t_msg_t *m = t_msg_new();
	int len;
	memset(s, 0, sizeof(*s));
	while ((len = dz_xfr_out_next(x, m->pkt, cap, reserve)) > 0) {
		assert_true((size_t)len <= cap - reserve);
		assert_int_equal(t_msg_parse(m, (size_t)len), DZ_OK);
		note_msg(s, &m->msg, id);
		if (in != NULL) {
			assert_int_equal(dz_xfr_in_feed(in, &m->msg), DZ_OK);
		}
	}
	assert_int_equal(len, 0);
	assert_int_equal(dz_xfr_out_next(x, m->pkt, cap, reserve), 0);
	free(m);
}

/* AXFR of z through xfr_in; returns the version received. */
static dz_zone_t *axfr_roundtrip(const dz_zone_t *z, size_t cap, size_t reserve,
                                 seen_t *s)
{
	t_msg_t *q = t_query(0x1234, "example.", DZ_RR_AXFR, NULL);
	dz_xfr_out_t *x;
	dz_xfr_in_t *in;
	dz_xfr_in_result_t res;
	assert_int_equal(dz_xfr_out_axfr_new(z, &q->msg, &x), DZ_OK);
	assert_int_equal(dz_xfr_out_kind(x), DZ_XFR_AXFR);
	assert_int_equal(dz_xfr_in_new(N("example."), NULL, DZ_RR_AXFR, 0, &in),
	                 DZ_OK);
	dz_xfr_in_expect_id(in, 0x1234);
	pump(x, in, cap, reserve, 0x1234, s);
	assert_true(dz_xfr_in_is_done(in));
	assert_int_equal(dz_xfr_in_finish(in, &res), DZ_OK);
	assert_int_equal(res.kind, DZ_XFR_AXFR);
	assert_true(res.journal_reset);
	assert_int_equal(res.nsteps, 0);
	assert_int_equal(res.stats.messages, s->messages);
	dz_xfr_stats_t st;
	dz_xfr_out_stats(x, &st);
	assert_int_equal(st.messages, s->messages);
	assert_int_equal(st.records, s->records);
	dz_zone_t *got = dz_zone_ref(res.zone);
	dz_xfr_in_result_clear(&res);
	dz_xfr_in_free(in);
	dz_xfr_out_free(x);
	free(q);
	return got;
}

static void axfr_small_zone_round_trips_in_one_message(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", small_zone);
	seen_t s;
	dz_zone_t *got = axfr_roundtrip(z, 65535, 0, &s);
	assert_true(t_same_zone(z, got));
	assert_int_equal(s.messages, 1);
	/* 13 records + the closing SOA. */
	assert_int_equal(s.records, 14);
	assert_int_equal(s.first_type, DZ_RR_SOA);
	assert_int_equal(s.last_type, DZ_RR_SOA);
	assert_int_equal(s.first_serial, 1);
	assert_int_equal(s.last_serial, 1);
	assert_true(s.all_aa && s.all_ids);
	dz_zone_unref(got);
	dz_zone_unref(z);
}

static void axfr_first_message_carries_the_question_only(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", small_zone);
	t_msg_t *q = t_query(7, "example.", DZ_RR_AXFR, NULL);
	t_msg_t *m = t_msg_new();
	dz_xfr_out_t *x;
	assert_int_equal(dz_xfr_out_axfr_new(z, &q->msg, &x), DZ_OK);
	int len = dz_xfr_out_next(x, m->pkt, 200, 0);
	assert_true(len > 0 && len <= 200);
	assert_int_equal(t_msg_parse(m, (size_t)len), DZ_OK);
	assert_int_equal(m->msg.hdr.qdcount, 1);
	assert_int_equal(m->msg.qtype, DZ_RR_AXFR);
	assert_true(dz_name_equal(m->msg.qname, N("example.")));
	assert_false(m->msg.hdr.tc);
	len = dz_xfr_out_next(x, m->pkt, 200, 0);
	assert_true(len > 0);
	assert_int_equal(t_msg_parse(m, (size_t)len), DZ_OK);
	assert_int_equal(m->msg.hdr.qdcount, 0);
	assert_int_equal(m->msg.hdr.id, 7);
	dz_xfr_out_free(x);
	free(m);
	free(q);
	dz_zone_unref(z);
}

static void axfr_small_messages_split_rrsets_and_round_trip(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", small_zone);
	seen_t s;
	dz_zone_t *got = axfr_roundtrip(z, 120, 20, &s);
	assert_true(t_same_zone(z, got));
	assert_true(s.messages >= 4);
	assert_true(s.max_len <= 100);
	assert_int_equal(s.questions_after_first, 0);
	assert_int_equal(s.first_type, DZ_RR_SOA);
	assert_int_equal(s.last_type, DZ_RR_SOA);
	dz_zone_unref(got);
	dz_zone_unref(z);
}

static dz_zone_t *big_zone(unsigned hosts, unsigned txt)
{
	dz_zone_builder_t *b;
	dz_zone_t *z;
	t_rr_t rr;
	char line[256];
	assert_int_equal(dz_zone_builder_new(N("example."), &b), DZ_OK);
	const char *base[] = {SOA1, "example. 3600 NS ns1.example.",
	                      "ns1.example. 3600 A 192.0.2.1"};
	for (size_t i = 0; i < 3; i++) {
		t_parse(base[i], &rr);
		assert_int_equal(dz_zone_builder_add(b, rr.owner, rr.type, 0,
		                                     rr.ttl, rr.rdata,
		                                     rr.rdlen),
		                 DZ_OK);
	}
	for (unsigned i = 0; i < hosts; i++) {
		(void)snprintf(line, sizeof(line),
		               "h%05u.example. 300 A 10.%u.%u.%u", i, i >> 16,
		               (i >> 8) & 255, i & 255);
		t_parse(line, &rr);
		assert_int_equal(dz_zone_builder_add(b, rr.owner, rr.type, 0,
		                                     rr.ttl, rr.rdata,
		                                     rr.rdlen),
		                 DZ_OK);
	}
	/* One RRset far larger than a message. */
	for (unsigned i = 0; i < txt; i++) {
		(void)snprintf(
		        line, sizeof(line),
		        "big.example. 60 TXT \"record %u "
		        "padding padding padding padding padding padding "
		        "padding padding padding padding\"",
		        i);
		t_parse(line, &rr);
		assert_int_equal(dz_zone_builder_add(b, rr.owner, rr.type, 0,
		                                     rr.ttl, rr.rdata,
		                                     rr.rdlen),
		                 DZ_OK);
	}
	assert_int_equal(dz_zone_builder_finish(b, &z), DZ_OK);
	dz_zone_builder_free(b);
	return z;
}

static void axfr_20000_records_round_trip_within_64k_messages(void **state)
{
	(void)state;
	dz_zone_t *z = big_zone(18000, 2000);
	seen_t s;
	/* Room for an HMAC-SHA512 TSIG with a long key name. */
	dz_zone_t *got = axfr_roundtrip(z, 65535, 400, &s);
	assert_true(t_same_zone(z, got));
	assert_true(s.messages > 5);
	assert_true(s.max_len <= 65535 - 400);
	assert_int_equal(s.records, 18000 + 2000 + 3 + 1);
	assert_int_equal(s.questions_after_first, 0);
	assert_int_equal(s.first_type, DZ_RR_SOA);
	assert_int_equal(s.last_type, DZ_RR_SOA);
	assert_true(s.all_aa && s.all_ids);
	dz_zone_unref(got);
	dz_zone_unref(z);
}

static void axfr_message_too_small_for_a_record_is_espace(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", small_zone);
	t_msg_t *q = t_query(1, "example.", DZ_RR_AXFR, NULL);
	uint8_t buf[512];
	dz_xfr_out_t *x;
	assert_int_equal(dz_xfr_out_axfr_new(z, &q->msg, &x), DZ_OK);
	/* Header + question fit, the SOA does not. */
	assert_int_equal(dz_xfr_out_next(x, buf, 40, 0), DZ_ESPACE);
	assert_int_equal(dz_xfr_out_next(x, buf, sizeof(buf), 480), DZ_ESPACE);
	/* The record is still pending: a bigger buffer takes it. */
	assert_true(dz_xfr_out_next(x, buf, sizeof(buf), 0) > 0);
	dz_xfr_out_free(x);
	free(q);
	dz_zone_unref(z);
}

static void axfr_zone_without_soa_is_enosoa(void **state)
{
	(void)state;
	const char *lines[] = {"www.example. 60 A 192.0.2.1", NULL};
	dz_zone_t *z = t_zone("example.", lines);
	t_msg_t *q = t_query(1, "example.", DZ_RR_AXFR, NULL);
	dz_xfr_out_t *x = NULL;
	assert_int_equal(dz_xfr_out_axfr_new(z, &q->msg, &x), DZ_ENOSOA);
	assert_null(x);
	free(q);
	dz_zone_unref(z);
}

/* --- IXFR ------------------------------------------------------------------
 */

/* v1 (small_zone) -> v2 -> v3, with the steps as the journal holds them. */
typedef struct hist {
	dz_zone_t *v[4];
	dz_xfr_step_t steps[2];
} hist_t;

static void hist_make(hist_t *h, const char *const *c1, const char *const *c2)
{
	h->v[1] = t_zone("example.", small_zone);
	h->steps[0] = (dz_xfr_step_t){1, 2, t_changes(c1)};
	h->steps[1] = (dz_xfr_step_t){2, 3, t_changes(c2)};
	assert_int_equal(dz_zone_apply(h->v[1], h->steps[0].ch, 0, &h->v[2]),
	                 DZ_OK);
	assert_int_equal(dz_zone_apply(h->v[2], h->steps[1].ch, 0, &h->v[3]),
	                 DZ_OK);
}

static void hist_free(hist_t *h)
{
	for (int i = 1; i < 4; i++) {
		dz_zone_unref(h->v[i]);
	}
	dz_changeset_free(h->steps[0].ch);
	dz_changeset_free(h->steps[1].ch);
}

/* Step 1 adds tmp and drops a www address; step 2 removes tmp again. */
static const char *const ch_a1[] = {"-" SOA1,
                                    "-www.example. 300 A 192.0.2.11",
                                    "+" SOA2,
                                    "+tmp.example. 60 A 192.0.2.99",
                                    "+new.example. 60 A 192.0.2.77",
                                    NULL};
static const char *const ch_a2[] = {"-" SOA2, "-tmp.example. 60 A 192.0.2.99",
                                    "+" SOA3, NULL};
/* Disjoint steps: nothing to condense away. */
static const char *const ch_b1[] = {"-" SOA1, "+" SOA2,
                                    "+one.example. 60 A 192.0.2.1", NULL};
static const char *const ch_b2[] = {"-" SOA2, "+" SOA3,
                                    "+two.example. 60 A 192.0.2.2", NULL};

/* IXFR answer for a client at \p client, fed to an xfr_in holding \p base. */
static void ixfr_roundtrip(const dz_zone_t *z, const dz_zone_t *base,
                           uint32_t client, const dz_xfr_step_t *steps,
                           size_t n, unsigned flags, dz_xfr_kind_t want,
                           seen_t *s, dz_xfr_in_result_t *res)
{
	t_msg_t *q = t_query(99, "example.", DZ_RR_IXFR, SOA1);
	dz_xfr_out_t *x;
	dz_xfr_in_t *in;
	assert_int_equal(
	        dz_xfr_out_ixfr_new(z, &q->msg, client, steps, n, flags, &x),
	        DZ_OK);
	assert_int_equal(dz_xfr_out_kind(x), want);
	assert_int_equal(
	        dz_xfr_in_new(N("example."), base, DZ_RR_IXFR, client, &in),
	        DZ_OK);
	pump(x, in, 65535, 0, 99, s);
	assert_int_equal(dz_xfr_in_finish(in, res), DZ_OK);
	assert_int_equal(res->kind, want);
	dz_xfr_in_free(in);
	dz_xfr_out_free(x);
	free(q);
}

static void ixfr_current_client_gets_a_single_soa(void **state)
{
	(void)state;
	hist_t h;
	seen_t s;
	dz_xfr_in_result_t res;
	hist_make(&h, ch_a1, ch_a2);
	ixfr_roundtrip(h.v[3], h.v[3], 3, h.steps, 2, 0, DZ_XFR_UPTODATE, &s,
	               &res);
	assert_int_equal(s.messages, 1);
	assert_int_equal(s.records, 1);
	assert_int_equal(s.first_serial, 3);
	assert_null(res.zone);
	dz_xfr_in_result_clear(&res);
	/* A client ahead of us is "current" too (RFC 1995 §2). */
	ixfr_roundtrip(h.v[3], h.v[3], 5, NULL, 0, 0, DZ_XFR_UPTODATE, &s,
	               &res);
	assert_int_equal(s.records, 1);
	dz_xfr_in_result_clear(&res);
	hist_free(&h);
}

static void ixfr_history_gives_difference_sequences(void **state)
{
	(void)state;
	hist_t h;
	seen_t s;
	dz_xfr_in_result_t res;
	hist_make(&h, ch_a1, ch_a2);
	ixfr_roundtrip(h.v[3], h.v[1], 1, h.steps, 2, DZ_XFR_NO_CONDENSE,
	               DZ_XFR_IXFR, &s, &res);
	/* SOA3, [SOA1 -www SOA2 +tmp +new], [SOA2 -tmp SOA3], SOA3. */
	assert_int_equal(s.records, 1 + 5 + 3 + 1);
	assert_int_equal(s.first_serial, 3);
	assert_int_equal(s.last_serial, 3);
	assert_true(t_same_zone(res.zone, h.v[3]));
	assert_int_equal(res.nsteps, 2);
	assert_int_equal(res.steps[0].from, 1);
	assert_int_equal(res.steps[0].to, 2);
	assert_int_equal(res.steps[1].from, 2);
	assert_int_equal(res.steps[1].to, 3);
	assert_int_equal(dz_changeset_nremoved(res.steps[0].ch), 2);
	assert_int_equal(dz_changeset_nadded(res.steps[0].ch), 3);
	dz_xfr_in_result_clear(&res);
	/* From serial 2 only the second step is sent. */
	ixfr_roundtrip(h.v[3], h.v[2], 2, &h.steps[1], 1, 0, DZ_XFR_IXFR, &s,
	               &res);
	assert_int_equal(s.records, 1 + 3 + 1);
	assert_true(t_same_zone(res.zone, h.v[3]));
	dz_xfr_in_result_clear(&res);
	hist_free(&h);
}

static void ixfr_condenses_when_smaller(void **state)
{
	(void)state;
	hist_t h;
	seen_t s;
	dz_xfr_in_result_t res;
	hist_make(&h, ch_a1, ch_a2);
	t_msg_t *q = t_query(1, "example.", DZ_RR_IXFR, SOA1);
	dz_xfr_out_t *x;
	assert_int_equal(
	        dz_xfr_out_ixfr_new(h.v[3], &q->msg, 1, h.steps, 2, 0, &x),
	        DZ_OK);
	assert_true(dz_xfr_out_condensed(x));
	dz_xfr_out_free(x);
	free(q);
	ixfr_roundtrip(h.v[3], h.v[1], 1, h.steps, 2, 0, DZ_XFR_IXFR, &s, &res);
	/* SOA3, [SOA1 -www SOA3 +new], SOA3: tmp came and went. */
	assert_int_equal(s.records, 6);
	assert_int_equal(res.nsteps, 1);
	assert_int_equal(res.steps[0].from, 1);
	assert_int_equal(res.steps[0].to, 3);
	assert_true(t_same_zone(res.zone, h.v[3]));
	dz_xfr_in_result_clear(&res);
	hist_free(&h);
}

static void ixfr_condensing_drops_the_intermediate_soas(void **state)
{
	(void)state;
	hist_t h;
	seen_t s;
	dz_xfr_in_result_t res;
	hist_make(&h, ch_b1, ch_b2);
	/* Disjoint steps still shrink: 6 records against 8. */
	ixfr_roundtrip(h.v[3], h.v[1], 1, h.steps, 2, 0, DZ_XFR_IXFR, &s, &res);
	assert_int_equal(res.nsteps, 1);
	assert_int_equal(s.records, 1 + 4 + 1);
	assert_true(t_same_zone(res.zone, h.v[3]));
	dz_xfr_in_result_clear(&res);
	ixfr_roundtrip(h.v[3], h.v[1], 1, h.steps, 2, DZ_XFR_NO_CONDENSE,
	               DZ_XFR_IXFR, &s, &res);
	assert_int_equal(res.nsteps, 2);
	assert_int_equal(s.records, 1 + 3 + 3 + 1);
	assert_true(t_same_zone(res.zone, h.v[3]));
	dz_xfr_in_result_clear(&res);
	hist_free(&h);
}

static void condense_nets_out_ttl_changes_and_transients(void **state)
{
	(void)state;
	const char *const c1[] = {"-" SOA1,
	                          "-www.example. 300 A 192.0.2.10",
	                          "+" SOA2,
	                          "+www.example. 900 A 192.0.2.10",
	                          "+x.example. 60 A 192.0.2.5",
	                          NULL};
	const char *const c2[] = {"-" SOA2, "-x.example. 60 A 192.0.2.5",
	                          "+" SOA3, "+x.example. 60 A 192.0.2.5", NULL};
	dz_xfr_step_t st[2] = {{1, 2, t_changes(c1)}, {2, 3, t_changes(c2)}};
	dz_changeset_t *net;
	dz_rr_t rr;
	assert_int_equal(dz_xfr_out_condense(st, 2, &net), DZ_OK);
	/* -SOA1 -www(300) / +SOA3 +www(900) +x */
	assert_int_equal(dz_changeset_nremoved(net), 2);
	assert_int_equal(dz_changeset_nadded(net), 3);
	assert_int_equal(dz_changeset_removed(net, 0, &rr), DZ_OK);
	assert_int_equal(rr.type, DZ_RR_SOA);
	assert_int_equal(dz_changeset_added(net, 0, &rr), DZ_OK);
	assert_int_equal(rr.type, DZ_RR_SOA);
	assert_int_equal(dz_changeset_added(net, 1, &rr), DZ_OK);
	assert_int_equal(rr.ttl, 900);
	dz_changeset_free(net);
	/* Steps that do not chain cannot be condensed. */
	st[1].from = 7;
	assert_int_equal(dz_xfr_out_condense(st, 2, &net), DZ_EINVAL);
	dz_changeset_free(st[0].ch);
	dz_changeset_free(st[1].ch);
}

static void ixfr_without_history_is_axfr_style(void **state)
{
	(void)state;
	hist_t h;
	seen_t s;
	dz_xfr_in_result_t res;
	hist_make(&h, ch_a1, ch_a2);
	ixfr_roundtrip(h.v[3], h.v[1], 1, NULL, 0, 0, DZ_XFR_AXFR_STYLE, &s,
	               &res);
	assert_int_equal(s.first_type, DZ_RR_SOA);
	assert_int_equal(s.last_type, DZ_RR_SOA);
	assert_true(t_same_zone(res.zone, h.v[3]));
	/* The journal still gets one record: the difference from v1. */
	assert_false(res.journal_reset);
	assert_int_equal(res.nsteps, 1);
	assert_int_equal(res.steps[0].from, 1);
	assert_int_equal(res.steps[0].to, 3);
	dz_rr_t rr;
	assert_int_equal(dz_changeset_removed(res.steps[0].ch, 0, &rr), DZ_OK);
	assert_int_equal(rr.type, DZ_RR_SOA);
	assert_int_equal(dz_changeset_added(res.steps[0].ch, 0, &rr), DZ_OK);
	assert_int_equal(rr.type, DZ_RR_SOA);
	dz_zone_t *v;
	assert_int_equal(dz_zone_apply(h.v[1], res.steps[0].ch, 0, &v), DZ_OK);
	assert_true(t_same_zone(v, h.v[3]));
	dz_zone_unref(v);
	dz_xfr_in_result_clear(&res);
	/* Steps that start elsewhere than the client are no history either. */
	ixfr_roundtrip(h.v[3], h.v[1], 1, &h.steps[1], 1, 0, DZ_XFR_AXFR_STYLE,
	               &s, &res);
	dz_xfr_in_result_clear(&res);
	hist_free(&h);
}

/* --- IXFR over UDP ----------------------------------------------------------
 */

static void ixfr_udp_renders_what_fits(void **state)
{
	(void)state;
	hist_t h;
	hist_make(&h, ch_a1, ch_a2);
	t_msg_t *q = t_query(5, "example.", DZ_RR_IXFR, SOA1);
	t_msg_t *m = t_msg_new();
	dz_xfr_kind_t kind = DZ_XFR_NONE;
	int len = dz_xfr_out_ixfr_udp(h.v[3], &q->msg, 3, h.steps, 2, m->pkt,
	                              512, 0, &kind);
	assert_true(len > 0);
	assert_int_equal(kind, DZ_XFR_UPTODATE);
	assert_int_equal(t_msg_parse(m, (size_t)len), DZ_OK);
	assert_int_equal(m->msg.hdr.ancount, 1);
	len = dz_xfr_out_ixfr_udp(h.v[3], &q->msg, 1, h.steps, 2, m->pkt, 512,
	                          0, &kind);
	assert_true(len > 0);
	assert_int_equal(kind, DZ_XFR_IXFR);
	assert_int_equal(t_msg_parse(m, (size_t)len), DZ_OK);
	assert_int_equal(m->msg.hdr.ancount, 6);
	assert_false(m->msg.hdr.tc);
	/* Too small for the whole answer: the caller falls back. */
	assert_int_equal(dz_xfr_out_ixfr_udp(h.v[3], &q->msg, 1, h.steps, 2,
	                                     m->pkt, 200, 0, &kind),
	                 DZ_ESPACE);
	len = dz_xfr_out_soa(h.v[3], &q->msg, true, m->pkt, 512, 0);
	assert_true(len > 0);
	assert_int_equal(t_msg_parse(m, (size_t)len), DZ_OK);
	assert_true(m->msg.hdr.tc && m->msg.hdr.aa);
	assert_int_equal(m->msg.hdr.ancount, 1);
	assert_int_equal(m->msg.hdr.qdcount, 1);
	assert_int_equal(m->msg.rr[0].type, DZ_RR_SOA);
	assert_int_equal(rr_serial(&m->msg, &m->msg.rr[0]), 3);
	free(m);
	free(q);
	hist_free(&h);
}

static void ixfr_udp_without_history_sends_the_zone_if_it_fits(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", small_zone);
	t_msg_t *q = t_query(5, "example.", DZ_RR_IXFR, SOA1);
	uint8_t buf[1232];
	dz_xfr_kind_t kind = DZ_XFR_NONE;
	int len = dz_xfr_out_ixfr_udp(z, &q->msg, 0, NULL, 0, buf, sizeof(buf),
	                              0, &kind);
	assert_true(len > 0);
	assert_int_equal(kind, DZ_XFR_AXFR_STYLE);
	assert_int_equal(
	        dz_xfr_out_ixfr_udp(z, &q->msg, 0, NULL, 0, buf, 100, 0, &kind),
	        DZ_ESPACE);
	free(q);
	dz_zone_unref(z);
}

static void ixfr_query_serial_comes_from_its_authority_soa(void **state)
{
	(void)state;
	uint32_t serial = 0;
	t_msg_t *q = t_query(1, "example.", DZ_RR_IXFR, SOA2);
	assert_int_equal(dz_xfr_out_ixfr_serial(&q->msg, &serial), DZ_OK);
	assert_int_equal(serial, 2);
	free(q);
	q = t_query(1, "example.", DZ_RR_IXFR, NULL);
	assert_int_equal(dz_xfr_out_ixfr_serial(&q->msg, &serial), DZ_ENOSOA);
	free(q);
	/* An SOA of another zone does not count. */
	q = t_query(1, "other.", DZ_RR_IXFR, SOA2);
	assert_int_equal(dz_xfr_out_ixfr_serial(&q->msg, &serial), DZ_ENOSOA);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(axfr_small_zone_round_trips_in_one_message),
	        cmocka_unit_test(axfr_first_message_carries_the_question_only),
	        cmocka_unit_test(
	                axfr_small_messages_split_rrsets_and_round_trip),
	        cmocka_unit_test(
	                axfr_20000_records_round_trip_within_64k_messages),
	        cmocka_unit_test(axfr_message_too_small_for_a_record_is_espace),
	        cmocka_unit_test(axfr_zone_without_soa_is_enosoa),
	        cmocka_unit_test(ixfr_current_client_gets_a_single_soa),
	        cmocka_unit_test(ixfr_history_gives_difference_sequences),
	        cmocka_unit_test(ixfr_condenses_when_smaller),
	        cmocka_unit_test(ixfr_condensing_drops_the_intermediate_soas),
	        cmocka_unit_test(condense_nets_out_ttl_changes_and_transients),
	        cmocka_unit_test(ixfr_without_history_is_axfr_style),
	        cmocka_unit_test(ixfr_udp_renders_what_fits),
	        cmocka_unit_test(
	                ixfr_udp_without_history_sends_the_zone_if_it_fits),
	        cmocka_unit_test(
	                ixfr_query_serial_comes_from_its_authority_soa),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
