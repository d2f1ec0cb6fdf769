/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of the zone store: bulk build, lookups, iteration, semantic checks. */
#include "tests/unit/lib/zone/zone_test_util.h"

/* RFC 4592 §2.2.1 example zone (SOA/SRV rdata filled in). */
static const char *const rfc4592[] = {
	"example. 3600 SOA ns.example.com. hostmaster.example. 1 3600 600 86400 300",
	"example. 3600 NS ns.example.com.",
	"example. 3600 NS ns.example.net.",
	"*.example. 3600 TXT \"this is a wildcard\"",
	"*.example. 3600 MX 10 host1.example.",
	"sub.*.example. 3600 TXT \"this is not a wildcard\"",
	"host1.example. 3600 A 192.0.2.1",
	"_ssh._tcp.host1.example. 3600 SRV 0 0 22 host1.example.",
	"_ssh._tcp.host2.example. 3600 SRV 0 0 22 host2.example.",
	"subdel.example. 3600 NS ns.example.com.",
	"subdel.example. 3600 NS ns.example.net.",
	NULL,
};

static dz_zone_result_t find(const dz_zone_t *z, const char *qname)
{
	dz_zone_result_t r;
	assert_int_equal(dz_zone_find(z, N(qname), &r), DZ_OK);
	return r;
}

static void wildcard_rfc4592_synthesises_for_missing_names(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", rfc4592);
	dz_zone_result_t r = find(z, "host3.example.");
	assert_int_equal(r.match, DZ_ZONE_WILDCARD);
	assert_string_equal(t_str(dz_node_name(r.node)), "*.example.");
	assert_string_equal(t_str(r.encloser), "example.");
	assert_true(r.encloser_node == dz_zone_apex(z));
	assert_true(dz_node_has(r.node, DZ_RR_MX));
	assert_false(dz_node_has(r.node, DZ_RR_A)); /* host3 A: NODATA */
	r = find(z, "foo.bar.example.");
	assert_int_equal(r.match, DZ_ZONE_WILDCARD);
	assert_string_equal(t_str(r.encloser), "example.");
	dz_zone_unref(z);
}

static void wildcard_rfc4592_does_not_apply_to_existing_names(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", rfc4592);
	dz_zone_result_t r = find(z, "host1.example.");
	assert_int_equal(r.match, DZ_ZONE_EXACT);
	assert_false(dz_node_has(r.node, DZ_RR_MX));
	r = find(z, "sub.*.example.");
	assert_int_equal(r.match, DZ_ZONE_EXACT);
	/* _tcp.host1.example. exists (empty non-terminal): no *._tcp. */
	r = find(z, "_telnet._tcp.host1.example.");
	assert_int_equal(r.match, DZ_ZONE_NXDOMAIN);
	assert_string_equal(t_str(r.encloser), "_tcp.host1.example.");
	assert_null(r.encloser_node);
	r = find(z, "host.subdel.example.");
	assert_int_equal(r.match, DZ_ZONE_DELEGATION);
	assert_string_equal(t_str(dz_node_name(r.node)), "subdel.example.");
	/* *.example. is the closest encloser; *.*.example. does not exist. */
	r = find(z, "ghost.*.example.");
	assert_int_equal(r.match, DZ_ZONE_NXDOMAIN);
	assert_string_equal(t_str(r.encloser), "*.example.");
	dz_zone_unref(z);
}

static void find_reports_empty_non_terminal(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", rfc4592);
	dz_zone_result_t r = find(z, "_tcp.host2.example.");
	assert_int_equal(r.match, DZ_ZONE_EMPTY);
	assert_null(r.node);
	r = find(z, "host2.example.");
	assert_int_equal(r.match, DZ_ZONE_EMPTY);
	assert_true(dz_zone_is_ent(z, N("host2.example.")));
	assert_false(dz_zone_is_ent(z, N("host1.example.")));
	assert_false(dz_zone_is_ent(z, N("nope.example.")));
	dz_zone_unref(z);
}

static void find_out_of_zone(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", rfc4592);
	assert_int_equal(find(z, "example.com.").match, DZ_ZONE_OUTZONE);
	assert_int_equal(find(z, ".").match, DZ_ZONE_OUTZONE);
	assert_int_equal(find(z, "EXAMPLE.").match, DZ_ZONE_EXACT);
	dz_zone_unref(z);
}

static const char *const deleg[] = {
	"example. 300 SOA ns1.example. h.example. 7 3600 600 86400 300",
	"example. 300 NS ns1.example.",
	"ns1.example. 300 A 192.0.2.53",
	"sub.example. 300 NS ns.sub.example.",
	"sub.example. 300 DS 12345 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"ns.sub.example. 300 A 192.0.2.54",
	"deep.below.sub.example. 300 A 192.0.2.55",
	"d.example. 300 DNAME target.test.",
	"www.example. 300 A 192.0.2.80",
	NULL,
};

static void find_delegation_returns_topmost_cut_and_glue(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", deleg);
	dz_zone_result_t r = find(z, "ns.sub.example.");
	assert_int_equal(r.match, DZ_ZONE_DELEGATION);
	assert_string_equal(t_str(dz_node_name(r.node)), "sub.example.");
	assert_string_equal(t_str(r.encloser), "sub.example.");
	r = find(z, "x.deep.below.sub.example.");
	assert_int_equal(r.match, DZ_ZONE_DELEGATION);
	/* The cut itself (DS is answered from the parent side). */
	r = find(z, "sub.example.");
	assert_int_equal(r.match, DZ_ZONE_DELEGATION);
	assert_true(dz_node_has(r.node, DZ_RR_DS));
	/* Glue: exact lookup ignoring the cut. */
	const dz_node_t *g = dz_zone_node(z, N("ns.sub.example."));
	assert_non_null(g);
	assert_true(dz_node_has(g, DZ_RR_A));
	/* Apex NS is not a cut. */
	assert_int_equal(find(z, "example.").match, DZ_ZONE_EXACT);
	assert_int_equal(find(z, "ns1.example.").match, DZ_ZONE_EXACT);
	dz_zone_unref(z);
}

static void find_dname_redirects_names_below_only(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", deleg);
	dz_zone_result_t r = find(z, "a.b.d.example.");
	assert_int_equal(r.match, DZ_ZONE_DNAME);
	assert_string_equal(t_str(dz_node_name(r.node)), "d.example.");
	assert_string_equal(t_str(r.encloser), "d.example.");
	r = find(z, "d.example.");
	assert_int_equal(r.match, DZ_ZONE_EXACT);
	assert_true(dz_node_has(r.node, DZ_RR_DNAME));
	dz_zone_unref(z);
}

static void find_nxdomain_gives_closest_encloser(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", deleg);
	dz_zone_result_t r = find(z, "a.b.www.example.");
	assert_int_equal(r.match, DZ_ZONE_NXDOMAIN);
	assert_string_equal(t_str(r.encloser), "www.example.");
	assert_string_equal(t_str(dz_node_name(r.encloser_node)),
	                    "www.example.");
	r = find(z, "zzz.example.");
	assert_int_equal(r.match, DZ_ZONE_NXDOMAIN);
	assert_string_equal(t_str(r.encloser), "example.");
	r = find(z, "aaa.example.");
	assert_int_equal(r.match, DZ_ZONE_NXDOMAIN);
	assert_string_equal(t_str(r.encloser), "example.");
	dz_zone_unref(z);
}

static void wildcard_empty_non_terminal_gives_null_source(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"example. 300 SOA ns1.example. h.example. 7 3600 600 86400 300",
		"a.*.example. 300 A 192.0.2.1",
		NULL,
	};
	dz_zone_t *z = t_zone("example.", lines);
	dz_zone_result_t r = find(z, "q.example.");
	assert_int_equal(r.match, DZ_ZONE_WILDCARD);
	assert_null(r.node);
	dz_zone_unref(z);
}

static void builder_drops_duplicates_and_unifies_ttl(void **state)
{
	(void)state;
	dz_zone_builder_t *b;
	dz_zone_t *z;
	assert_int_equal(dz_zone_builder_new(N("example."), &b), DZ_OK);
	assert_int_equal(t_add(b, "www.example. 600 A 192.0.2.2"), DZ_OK);
	assert_int_equal(t_add(b, "example. 300 NS ns.example."), DZ_OK);
	assert_int_equal(t_add(b, "www.example. 300 A 192.0.2.1"), DZ_OK);
	assert_int_equal(t_add(b, "WWW.example. 300 A 192.0.2.2"), DZ_OK);
	assert_int_equal(t_add(b, "www.example. 300 A 192.0.2.3"), DZ_OK);
	assert_int_equal(t_add(b, "other.test. 300 A 192.0.2.3"),
	                 DZ_EOUTZONE);
	assert_int_equal(dz_zone_builder_finish(b, &z), DZ_OK);
	dz_zone_build_stats_t st;
	dz_zone_builder_stats(b, &st);
	assert_int_equal(st.added, 5);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.ttl_adjusted, 2);
	assert_int_equal(dz_zone_builder_finish(b, &z), DZ_EINVAL);
	dz_zone_builder_free(b);

	const dz_node_t *n = dz_zone_node(z, N("www.example."));
	dz_rrset_t set;
	assert_int_equal(dz_node_rrset(n, DZ_RR_A, &set), DZ_OK);
	assert_int_equal(set.count, 3);
	assert_int_equal(set.ttl, 600); /* first in input order */
	assert_string_equal(t_str(set.owner), "www.example."); /* first case */
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	uint8_t last = 0;
	dz_rrset_iter(&set, &it);
	while (dz_rrset_next(&it, &rd, &len)) {
		assert_int_equal(len, 4);
		assert_true(rd[3] > last); /* canonical order */
		last = rd[3];
	}
	assert_int_equal(dz_node_rrset(n, DZ_RR_MX, &set), DZ_ENOTFOUND);
	dz_zone_stats_t zs;
	dz_zone_stats(z, &zs);
	assert_int_equal(zs.records, 4);
	assert_int_equal(zs.nodes, 2);
	dz_zone_unref(z);
}

static void builder_refuses_meta_types_and_mixed_classes(void **state)
{
	(void)state;
	dz_zone_builder_t *b;
	uint8_t a[4] = {192, 0, 2, 1};
	assert_int_equal(dz_zone_builder_new(N("example."), &b), DZ_OK);
	assert_int_equal(dz_zone_builder_add(b, N("example."), DZ_RR_ANY, 0,
	                                     1, a, 4),
	                 DZ_ETYPE);
	assert_int_equal(dz_zone_builder_add(b, N("example."), DZ_RR_A,
	                                     DZ_CLASS_IN, 1, a, 4),
	                 DZ_OK);
	assert_int_equal(dz_zone_builder_add(b, N("example."), DZ_RR_A,
	                                     DZ_CLASS_CH, 1, a, 4),
	                 DZ_ECLASS);
	dz_zone_builder_free(b);
}

static void soa_accessors_give_serial(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", deleg);
	uint32_t serial = 0;
	assert_int_equal(dz_zone_serial(z, &serial), DZ_OK);
	assert_int_equal(serial, 7);
	dz_rrset_t soa;
	assert_int_equal(dz_zone_soa(z, &soa), DZ_OK);
	assert_int_equal(soa.count, 1);
	assert_string_equal(t_str(dz_zone_origin(z)), "example.");
	dz_zone_unref(z);
	static const char *const nosoa[] = {"a.example. 1 A 192.0.2.1", NULL};
	z = t_zone("example.", nosoa);
	assert_int_equal(dz_zone_serial(z, &serial), DZ_ENOSOA);
	assert_null(dz_zone_apex(z));
	dz_zone_unref(z);
}

static void iteration_is_canonical_order(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"z.example. 1 A 192.0.2.1",
		"yljkjljk.a.example. 1 A 192.0.2.1",
		"Z.a.example. 1 A 192.0.2.1",
		"zABC.a.EXAMPLE. 1 A 192.0.2.1",
		"example. 1 A 192.0.2.1",
		"\\001.z.example. 1 A 192.0.2.1",
		"*.z.example. 1 A 192.0.2.1",
		"\\200.z.example. 1 A 192.0.2.1",
		"a.example. 1 A 192.0.2.1",
		NULL,
	};
	/* RFC 4034 §6.1's example order. */
	static const char *const want[] = {
		"example.", "a.example.", "yljkjljk.a.example.",
		"Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
		"\\001.z.example.", "*.z.example.", "\\200.z.example.",
	};
	dz_zone_t *z = t_zone("example.", lines);
	dz_zone_iter_t it;
	const dz_node_t *n;
	size_t i = 0;
	dz_zone_iter_init(&it, z);
	while (dz_zone_iter_next(&it, &n)) {
		assert_true(i < 9);
		assert_string_equal(t_str(dz_node_name(n)), want[i]);
		i++;
	}
	assert_int_equal(i, 9);
	dz_zone_unref(z);
}

static int count_cb(const dz_node_t *n, void *ctx)
{
	(void)n;
	return ++*(int *)ctx == 3 ? 42 : 0;
}

static void walk_stops_on_callback_value(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", deleg);
	int seen = 0;
	assert_int_equal(dz_zone_walk(z, count_cb, &seen), 42);
	assert_int_equal(seen, 3);
	dz_zone_unref(z);
}

static void large_zone_lookups_find_every_name(void **state)
{
	(void)state;
	dz_zone_builder_t *b;
	dz_zone_t *z;
	char name[64];
	uint8_t wire[DZ_NAME_MAXLEN];
	uint8_t a[4] = {192, 0, 2, 1};
	assert_int_equal(dz_zone_builder_new(N("example."), &b), DZ_OK);
	/* Reverse order input, 20k names: several tree levels. */
	for (int i = 20000; i > 0; i--) {
		snprintf(name, sizeof(name), "h%d.example.", i);
		assert_true(dz_name_from_str(wire, name, strlen(name), NULL) > 0);
		assert_int_equal(dz_zone_builder_add(b, wire, DZ_RR_A, 0, 60, a,
		                                     4),
		                 DZ_OK);
	}
	assert_int_equal(dz_zone_builder_finish(b, &z), DZ_OK);
	dz_zone_builder_free(b);
	for (int i = 1; i <= 20000; i += 7) {
		snprintf(name, sizeof(name), "h%d.example.", i);
		assert_non_null(dz_zone_node(z, N(name)));
		snprintf(name, sizeof(name), "x%d.example.", i);
		assert_int_equal(find(z, name).match, DZ_ZONE_NXDOMAIN);
	}
	dz_zone_stats_t st;
	dz_zone_stats(z, &st);
	assert_int_equal(st.nodes, 20000);
	assert_true(st.height >= 3);
	dz_zone_unref(z);
}

/* --- checks -------------------------------------------------------------- */

typedef struct findings {
	int n;
	int codes[32];
	int sev[32];
	char owner[32][DZ_NAME_MAXSTR];
} findings_t;

static void collect(const dz_zone_finding_t *f, void *ctx)
{
	findings_t *fs = ctx;
	if (fs->n < 32) {
		fs->codes[fs->n] = f->code;
		fs->sev[fs->n] = f->severity;
		dz_name_to_str(fs->owner[fs->n], DZ_NAME_MAXSTR, f->owner);
		fs->n++;
	}
	assert_non_null(f->msg);
}

static bool has_finding(const findings_t *fs, int code, int sev,
                        const char *owner)
{
	for (int i = 0; i < fs->n; i++) {
		if (fs->codes[i] == code && fs->sev[i] == sev &&
		    strcmp(fs->owner[i], owner) == 0) {
			return true;
		}
	}
	return false;
}

static void check_accepts_a_clean_zone(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", deleg);
	findings_t fs = {0};
	/* deleg has data below its DNAME? no: d.example. has no children. */
	assert_int_equal(dz_zone_check(z, collect, &fs), DZ_OK);
	assert_int_equal(fs.n, 0);
	dz_zone_unref(z);
}

static void check_reports_missing_soa_and_ns(void **state)
{
	(void)state;
	static const char *const lines[] = {"a.example. 1 A 192.0.2.1", NULL};
	dz_zone_t *z = t_zone("example.", lines);
	findings_t fs = {0};
	assert_int_equal(dz_zone_check(z, collect, &fs), DZ_EZONECHECK);
	assert_true(has_finding(&fs, DZ_ENOSOA, DZ_ZONE_ERROR, "example."));
	assert_true(has_finding(&fs, DZ_ENONS, DZ_ZONE_ERROR, "example."));
	dz_zone_unref(z);
}

static void check_reports_soa_problems(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"example. 1 SOA ns.example. h.example. 1 2 3 4 5",
		"example. 1 SOA ns.example. h.example. 2 2 3 4 5",
		"example. 1 NS ns.example.",
		"ns.example. 1 A 192.0.2.1",
		"x.example. 1 SOA ns.example. h.example. 1 2 3 4 5",
		NULL,
	};
	dz_zone_t *z = t_zone("example.", lines);
	findings_t fs = {0};
	assert_int_equal(dz_zone_check(z, collect, &fs), DZ_EZONECHECK);
	assert_true(has_finding(&fs, DZ_EMULTISOA, DZ_ZONE_ERROR, "example."));
	assert_true(has_finding(&fs, DZ_EMULTISOA, DZ_ZONE_ERROR,
	                        "x.example."));
	assert_int_equal(fs.n, 2);
	dz_zone_unref(z);
}

static void check_reports_cname_misuse(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"example. 1 SOA ns.example. h.example. 1 2 3 4 5",
		"example. 1 NS ns.example.",
		"ns.example. 1 A 192.0.2.1",
		"both.example. 1 CNAME ns.example.",
		"both.example. 1 A 192.0.2.1",
		"two.example. 1 CNAME ns.example.",
		"two.example. 1 CNAME www.example.",
		"signed.example. 1 CNAME ns.example.",
		"signed.example. 1 NSEC z.example. CNAME RRSIG NSEC",
		NULL,
	};
	dz_zone_t *z = t_zone("example.", lines);
	findings_t fs = {0};
	assert_int_equal(dz_zone_check(z, collect, &fs), DZ_EZONECHECK);
	assert_true(has_finding(&fs, DZ_ECNAME, DZ_ZONE_ERROR, "both.example."));
	assert_true(has_finding(&fs, DZ_ECNAME, DZ_ZONE_ERROR, "two.example."));
	assert_false(has_finding(&fs, DZ_ECNAME, DZ_ZONE_ERROR,
	                         "signed.example."));
	assert_int_equal(fs.n, 2);
	dz_zone_unref(z);
}

static void check_reports_data_below_dname(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"example. 1 SOA ns.example. h.example. 1 2 3 4 5",
		"example. 1 NS ns.example.",
		"ns.example. 1 A 192.0.2.1",
		"d.example. 1 DNAME other.test.",
		"x.d.example. 1 A 192.0.2.1",
		"y.example. 1 A 192.0.2.1",
		NULL,
	};
	dz_zone_t *z = t_zone("example.", lines);
	findings_t fs = {0};
	assert_int_equal(dz_zone_check(z, collect, &fs), DZ_EZONECHECK);
	assert_true(has_finding(&fs, DZ_EDNAME, DZ_ZONE_ERROR, "x.d.example."));
	assert_int_equal(fs.n, 1);
	dz_zone_unref(z);
}

static void check_warns_about_glue_and_alias_targets(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"example. 1 SOA ns.example. h.example. 1 2 3 4 5",
		"example. 1 NS ns.example.",
		"example. 1 NS alias.example.",
		"example. 1 MX 10 alias.example.",
		"_sip._tcp.example. 1 SRV 0 0 5060 alias.example.",
		"ns.example. 1 A 192.0.2.1",
		"alias.example. 1 CNAME ns.example.",
		"sub.example. 1 NS ns.sub.example.",
		"sub.example. 1 NS ns.other.test.",
		"noaddr.example. 1 NS ns.noaddr.example.",
		"ns.noaddr.example. 1 TXT \"no address\"",
		NULL,
	};
	dz_zone_t *z = t_zone("example.", lines);
	findings_t fs = {0};
	assert_int_equal(dz_zone_check(z, collect, &fs), DZ_OK);
	assert_true(has_finding(&fs, DZ_ENOTFOUND, DZ_ZONE_WARNING,
	                        "sub.example."));
	assert_true(has_finding(&fs, DZ_ENOTFOUND, DZ_ZONE_WARNING,
	                        "noaddr.example."));
	assert_true(has_finding(&fs, DZ_ECNAME, DZ_ZONE_WARNING, "example."));
	assert_true(has_finding(&fs, DZ_ECNAME, DZ_ZONE_WARNING,
	                        "_sip._tcp.example."));
	/* NS->CNAME and MX->CNAME at the apex, SRV, two missing glue. */
	assert_int_equal(fs.n, 5);
	dz_zone_unref(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wildcard_rfc4592_synthesises_for_missing_names),
		cmocka_unit_test(wildcard_rfc4592_does_not_apply_to_existing_names),
		cmocka_unit_test(find_reports_empty_non_terminal),
		cmocka_unit_test(find_out_of_zone),
		cmocka_unit_test(find_delegation_returns_topmost_cut_and_glue),
		cmocka_unit_test(find_dname_redirects_names_below_only),
		cmocka_unit_test(find_nxdomain_gives_closest_encloser),
		cmocka_unit_test(wildcard_empty_non_terminal_gives_null_source),
		cmocka_unit_test(builder_drops_duplicates_and_unifies_ttl),
		cmocka_unit_test(builder_refuses_meta_types_and_mixed_classes),
		cmocka_unit_test(soa_accessors_give_serial),
		cmocka_unit_test(iteration_is_canonical_order),
		cmocka_unit_test(walk_stops_on_callback_value),
		cmocka_unit_test(large_zone_lookups_find_every_name),
		cmocka_unit_test(check_accepts_a_clean_zone),
		cmocka_unit_test(check_reports_missing_soa_and_ns),
		cmocka_unit_test(check_reports_soa_problems),
		cmocka_unit_test(check_reports_cname_misuse),
		cmocka_unit_test(check_reports_data_below_dname),
		cmocka_unit_test(check_warns_about_glue_and_alias_targets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
