/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of zone versions: applying change sets, sharing, reference counts, diffs. */
#include "tests/unit/lib/zone/zone_test_util.h"

static const char *const base[] = {
	"example. 300 SOA ns.example. h.example. 1 3600 600 86400 300",
	"example. 300 NS ns.example.",
	"ns.example. 300 A 192.0.2.53",
	"www.example. 300 A 192.0.2.80",
	"www.example. 300 A 192.0.2.81",
	"a.b.c.example. 300 TXT \"deep\"",
	NULL,
};

static dz_zone_t *apply(const dz_zone_t *z, dz_changeset_t *ch,
                        unsigned flags)
{
	dz_zone_t *nz = NULL;
	assert_int_equal(dz_zone_apply(z, ch, flags, &nz), DZ_OK);
	dz_changeset_free(ch);
	return nz;
}

static dz_changeset_t *cs(void)
{
	dz_changeset_t *ch;
	assert_int_equal(dz_changeset_new(&ch), DZ_OK);
	return ch;
}

static void apply_adds_and_removes_records(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", base);
	dz_changeset_t *ch = cs();
	t_cs_del(ch, "www.example. 300 A 192.0.2.80");
	t_cs_add(ch, "www.example. 300 A 192.0.2.82");
	t_cs_add(ch, "new.example. 60 AAAA 2001:db8::1");
	t_cs_add(ch, "ns.example. 300 A 192.0.2.53"); /* present: no-op */
	dz_zone_t *nz = apply(z, ch, 0);
	assert_false(t_has(nz, "www.example. 300 A 192.0.2.80"));
	assert_true(t_has(nz, "www.example. 300 A 192.0.2.81"));
	assert_true(t_has(nz, "www.example. 300 A 192.0.2.82"));
	assert_true(t_has(nz, "new.example. 60 AAAA 2001:db8::1"));
	dz_zone_stats_t st;
	dz_zone_stats(nz, &st);
	assert_int_equal(st.records, 7);
	assert_int_equal(st.nodes, 5);
	/* The old version is untouched and still readable. */
	assert_true(t_has(z, "www.example. 300 A 192.0.2.80"));
	assert_false(t_has(z, "www.example. 300 A 192.0.2.82"));
	assert_null(dz_zone_node(z, N("new.example.")));
	dz_zone_stats(z, &st);
	assert_int_equal(st.records, 6);
	/* Unchanged nodes are shared, not copied. */
	assert_ptr_equal(dz_zone_node(z, N("ns.example.")),
	                 dz_zone_node(nz, N("ns.example.")));
	dz_zone_unref(z);
	assert_true(t_has(nz, "ns.example. 300 A 192.0.2.53"));
	dz_zone_unref(nz);
}

static void apply_strict_refuses_removing_absent_record(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", base);
	dz_changeset_t *ch = cs();
	t_cs_add(ch, "x.example. 300 A 192.0.2.1");
	t_cs_del(ch, "www.example. 300 A 192.0.2.99");
	dz_zone_t *nz = NULL;
	assert_int_equal(dz_zone_apply(z, ch, 0, &nz), DZ_ENOTFOUND);
	assert_null(nz);
	/* Lenient mode ignores it (RFC 2136 §3.4.2.4). */
	nz = apply(z, ch, DZ_APPLY_LENIENT);
	assert_true(t_has(nz, "x.example. 300 A 192.0.2.1"));
	dz_zone_unref(nz);
	dz_zone_unref(z);
}

static void apply_refuses_out_of_zone_and_meta(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", base);
	dz_changeset_t *ch = cs();
	t_cs_add(ch, "x.other. 300 A 192.0.2.1");
	dz_zone_t *nz = NULL;
	assert_int_equal(dz_zone_apply(z, ch, 0, &nz), DZ_EOUTZONE);
	dz_changeset_free(ch);
	ch = cs();
	uint8_t rd[1] = {0};
	assert_int_equal(dz_changeset_add_added(ch, N("example."), DZ_RR_ANY,
	                                        1, rd, 0),
	                 DZ_OK);
	assert_int_equal(dz_zone_apply(z, ch, 0, &nz), DZ_ETYPE);
	assert_null(nz);
	dz_changeset_free(ch);
	dz_zone_unref(z);
}

static void apply_ttl_follows_newest_addition(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", base);
	dz_changeset_t *ch = cs();
	t_cs_add(ch, "www.example. 900 A 192.0.2.81");
	dz_zone_t *nz = apply(z, ch, 0);
	assert_true(t_has(nz, "www.example. 900 A 192.0.2.80"));
	assert_true(t_has(nz, "www.example. 900 A 192.0.2.81"));
	assert_true(t_has(z, "www.example. 300 A 192.0.2.81"));
	dz_zone_unref(nz);
	dz_zone_unref(z);
}

static void apply_removes_emptied_node_and_its_ent(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", base);
	dz_zone_result_t r;
	assert_true(dz_zone_is_ent(z, N("b.c.example.")));
	dz_changeset_t *ch = cs();
	t_cs_del(ch, "a.b.c.example. 300 TXT \"deep\"");
	dz_zone_t *nz = apply(z, ch, 0);
	assert_null(dz_zone_node(nz, N("a.b.c.example.")));
	assert_false(dz_zone_is_ent(nz, N("b.c.example.")));
	assert_int_equal(dz_zone_find(nz, N("c.example."), &r), DZ_OK);
	assert_int_equal(r.match, DZ_ZONE_NXDOMAIN);
	/* And the ENT comes back with a new name below it. */
	ch = cs();
	t_cs_add(ch, "x.y.example. 1 A 192.0.2.9");
	dz_zone_t *nz2 = apply(nz, ch, 0);
	assert_int_equal(dz_zone_find(nz2, N("y.example."), &r), DZ_OK);
	assert_int_equal(r.match, DZ_ZONE_EMPTY);
	assert_int_equal(dz_zone_find(nz, N("y.example."), &r), DZ_OK);
	assert_int_equal(r.match, DZ_ZONE_NXDOMAIN);
	dz_zone_unref(nz);
	dz_zone_unref(nz2);
	dz_zone_unref(z);
}

static void apply_can_empty_and_refill_a_zone(void **state)
{
	(void)state;
	static const char *const one[] = {"example. 1 A 192.0.2.1", NULL};
	dz_zone_t *z = t_zone("example.", one);
	dz_changeset_t *ch = cs();
	t_cs_del(ch, "example. 1 A 192.0.2.1");
	dz_zone_t *empty = apply(z, ch, 0);
	dz_zone_stats_t st;
	dz_zone_stats(empty, &st);
	assert_int_equal(st.nodes, 0);
	assert_int_equal(st.height, 0);
	assert_null(dz_zone_apex(empty));
	ch = cs();
	t_cs_add(ch, "example. 1 A 192.0.2.2");
	dz_zone_t *again = apply(empty, ch, 0);
	assert_true(t_has(again, "example. 1 A 192.0.2.2"));
	assert_non_null(dz_zone_apex(again));
	dz_zone_unref(z);
	dz_zone_unref(empty);
	dz_zone_unref(again);
}

static void ref_keeps_version_alive_after_owner_drops_it(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", base);
	dz_zone_t *reader = dz_zone_ref(z);
	dz_changeset_t *ch = cs();
	t_cs_del(ch, "ns.example. 300 A 192.0.2.53");
	dz_zone_t *nz = apply(z, ch, 0);
	dz_zone_unref(z); /* the publisher moves on */
	assert_true(t_has(reader, "ns.example. 300 A 192.0.2.53"));
	dz_zone_unref(nz);
	assert_true(t_has(reader, "www.example. 300 A 192.0.2.80"));
	dz_zone_unref(reader); /* ASan: everything freed exactly once */
}

/* 100k names, several tree levels; returns the zone. */
static dz_zone_t *big_zone(int n)
{
	dz_zone_builder_t *b;
	dz_zone_t *z;
	char name[64];
	uint8_t wire[DZ_NAME_MAXLEN];
	assert_int_equal(dz_zone_builder_new(N("example."), &b), DZ_OK);
	for (int i = 0; i < n; i++) {
		uint8_t a[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
		                (uint8_t)i};
		snprintf(name, sizeof(name), "host%d.example.", i);
		assert_true(dz_name_from_str(wire, name, strlen(name), NULL) > 0);
		assert_int_equal(dz_zone_builder_add(b, wire, DZ_RR_A, 0, 60, a,
		                                     4),
		                 DZ_OK);
	}
	assert_int_equal(dz_zone_builder_finish(b, &z), DZ_OK);
	dz_zone_builder_free(b);
	return z;
}

static void one_record_change_copies_only_one_path(void **state)
{
	(void)state;
	dz_zone_t *z = big_zone(100000);
	dz_zone_stats_t st, nst;
	dz_zone_stats(z, &st);
	dz_changeset_t *ch = cs();
	t_cs_add(ch, "host500.example. 60 A 10.9.9.9");
	dz_zone_t *nz = apply(z, ch, 0);
	dz_zone_stats(nz, &nst);
	/* One block per level (< 800 octets each), one node and the version
	 * header (< 1000 octets): logarithmic, far below the ~10 MB zone. */
	assert_true(nst.height >= 3);
	assert_true(nst.bytes_new < (size_t)(nst.height + 1) * 1000);
	assert_true(st.bytes > 1000 * nst.bytes_new);
	assert_int_equal(nst.records, st.records + 1);
	size_t owned, shared;
	dz_zone_memory(nz, &owned, &shared);
	assert_true(owned < 4096);
	assert_true(shared > st.bytes / 2);
	dz_zone_unref(z);
	dz_zone_memory(nz, &owned, &shared);
	assert_int_equal(shared, 0);
	assert_true(t_has(nz, "host500.example. 60 A 10.9.9.9"));
	dz_zone_unref(nz);
}

static void many_changes_keep_tree_consistent(void **state)
{
	(void)state;
	dz_zone_t *z = big_zone(5000);
	char line[128];
	/* Delete 4000 names, add 3000 new ones: splits and merges. */
	dz_changeset_t *ch = cs();
	for (int i = 0; i < 4000; i++) {
		snprintf(line, sizeof(line), "host%d.example. 60 A 10.0.%d.%d",
		         i, (i >> 8) & 0xff, i & 0xff);
		t_cs_del(ch, line);
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(line, sizeof(line), "new%d.example. 60 A 10.1.2.3", i);
		t_cs_add(ch, line);
	}
	dz_zone_t *nz = apply(z, ch, 0);
	dz_zone_stats_t st;
	dz_zone_stats(nz, &st);
	assert_int_equal(st.nodes, 4000);
	dz_zone_iter_t it;
	const dz_node_t *n, *prev = NULL;
	size_t count = 0;
	dz_zone_iter_init(&it, nz);
	while (dz_zone_iter_next(&it, &n)) {
		if (prev != NULL) {
			assert_true(dz_name_cmp(dz_node_name(prev),
			                        dz_node_name(n)) < 0);
		}
		prev = n;
		count++;
	}
	assert_int_equal(count, 4000);
	assert_non_null(dz_zone_node(nz, N("host4999.example.")));
	assert_non_null(dz_zone_node(nz, N("new2999.example.")));
	assert_null(dz_zone_node(nz, N("host1.example.")));
	/* The diff back is exactly the change in reverse. */
	dz_changeset_t *d;
	assert_int_equal(dz_zone_diff(nz, z, &d), DZ_OK);
	assert_int_equal(dz_changeset_nremoved(d), 3000);
	assert_int_equal(dz_changeset_nadded(d), 4000);
	dz_zone_t *back = apply(nz, d, 0);
	assert_int_equal(dz_zone_diff(back, z, &d), DZ_OK);
	assert_true(dz_changeset_is_empty(d));
	dz_changeset_free(d);
	dz_zone_unref(back);
	dz_zone_unref(nz);
	dz_zone_unref(z);
}

static void diff_equals_applied_changeset(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", base);
	dz_changeset_t *ch = cs();
	t_cs_del(ch, "www.example. 300 A 192.0.2.80");
	t_cs_add(ch, "zzz.example. 300 A 192.0.2.1");
	dz_zone_t *nz = apply(z, ch, 0);
	dz_changeset_t *d;
	dz_rr_t rr;
	assert_int_equal(dz_zone_diff(z, nz, &d), DZ_OK);
	assert_int_equal(dz_changeset_nremoved(d), 1);
	assert_int_equal(dz_changeset_nadded(d), 1);
	assert_int_equal(dz_changeset_removed(d, 0, &rr), DZ_OK);
	assert_string_equal(t_str(rr.owner), "www.example.");
	assert_int_equal(rr.type, DZ_RR_A);
	assert_int_equal(rr.rdlen, 4);
	assert_int_equal(rr.rdata[3], 80);
	assert_int_equal(dz_changeset_added(d, 0, &rr), DZ_OK);
	assert_string_equal(t_str(rr.owner), "zzz.example.");
	assert_int_equal(dz_changeset_added(d, 1, &rr), DZ_ERANGE);
	dz_changeset_free(d);
	assert_int_equal(dz_zone_diff(z, z, &d), DZ_OK);
	assert_true(dz_changeset_is_empty(d));
	dz_changeset_free(d);
	dz_zone_unref(nz);
	dz_zone_unref(z);
}

static void diff_replaces_rrset_whose_ttl_changed(void **state)
{
	(void)state;
	dz_zone_t *z = t_zone("example.", base);
	dz_changeset_t *ch = cs();
	t_cs_add(ch, "www.example. 30 A 192.0.2.80");
	dz_zone_t *nz = apply(z, ch, 0);
	dz_changeset_t *d;
	assert_int_equal(dz_zone_diff(z, nz, &d), DZ_OK);
	assert_int_equal(dz_changeset_nremoved(d), 2);
	assert_int_equal(dz_changeset_nadded(d), 2);
	dz_zone_t *again = apply(z, d, 0);
	dz_changeset_t *d2;
	assert_int_equal(dz_zone_diff(again, nz, &d2), DZ_OK);
	assert_true(dz_changeset_is_empty(d2));
	dz_changeset_free(d2);
	dz_zone_unref(again);
	dz_zone_unref(nz);
	dz_zone_unref(z);
}

static void diff_of_shared_big_versions_is_small(void **state)
{
	(void)state;
	dz_zone_t *z = big_zone(100000);
	dz_changeset_t *ch = cs();
	t_cs_del(ch, "host77.example. 60 A 10.0.0.77");
	dz_zone_t *nz = apply(z, ch, 0);
	dz_changeset_t *d;
	assert_int_equal(dz_zone_diff(z, nz, &d), DZ_OK);
	assert_int_equal(dz_changeset_nremoved(d), 1);
	assert_int_equal(dz_changeset_nadded(d), 0);
	dz_changeset_free(d);
	dz_zone_t *other = t_zone("example.", base);
	assert_int_equal(dz_zone_diff(z, other, &d), DZ_OK);
	assert_int_equal(dz_changeset_nremoved(d), 100000);
	assert_int_equal(dz_changeset_nadded(d), 6);
	dz_changeset_free(d);
	static const char *const o[] = {"other. 1 A 192.0.2.1", NULL};
	dz_zone_t *oz = t_zone("other.", o);
	assert_int_equal(dz_zone_diff(z, oz, &d), DZ_EINVAL);
	dz_zone_unref(oz);
	dz_zone_unref(other);
	dz_zone_unref(nz);
	dz_zone_unref(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(apply_adds_and_removes_records),
		cmocka_unit_test(apply_strict_refuses_removing_absent_record),
		cmocka_unit_test(apply_refuses_out_of_zone_and_meta),
		cmocka_unit_test(apply_ttl_follows_newest_addition),
		cmocka_unit_test(apply_removes_emptied_node_and_its_ent),
		cmocka_unit_test(apply_can_empty_and_refill_a_zone),
		cmocka_unit_test(ref_keeps_version_alive_after_owner_drops_it),
		cmocka_unit_test(one_record_change_copies_only_one_path),
		cmocka_unit_test(many_changes_keep_tree_consistent),
		cmocka_unit_test(diff_equals_applied_changeset),
		cmocka_unit_test(diff_replaces_rrset_whose_ttl_changed),
		cmocka_unit_test(diff_of_shared_big_versions_is_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
