/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for RR type and class mnemonics (lib/wire/rrtype.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"

static void rrtype_to_str_known_and_unknown(void **state)
{
	(void)state;
	char buf[DZ_RRTYPE_MAXSTR];
	assert_int_equal(dz_rrtype_to_str(DZ_RR_A, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "A");
	assert_int_equal(dz_rrtype_to_str(DZ_RR_NSEC3PARAM, buf, sizeof(buf)),
	                 10);
	assert_string_equal(buf, "NSEC3PARAM");
	assert_int_equal(dz_rrtype_to_str(DZ_RR_CAA, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "CAA");
	/* RFC 3597 §5 */
	assert_int_equal(dz_rrtype_to_str(65535, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "TYPE65535");
	assert_int_equal(dz_rrtype_to_str(0, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "TYPE0");
}

static void rrtype_to_str_small_buffer_is_espace(void **state)
{
	(void)state;
	char buf[5];
	assert_int_equal(dz_rrtype_to_str(DZ_RR_AAAA, buf, 4), DZ_ESPACE);
	assert_int_equal(dz_rrtype_to_str(DZ_RR_AAAA, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "AAAA");
	assert_int_equal(dz_rrtype_to_str(1234, buf, sizeof(buf)), DZ_ESPACE);
}

static void rrtype_from_str_is_case_insensitive(void **state)
{
	(void)state;
	uint16_t t = 0;
	assert_int_equal(dz_rrtype_from_str("aaaa", 4, &t), DZ_OK);
	assert_int_equal(t, DZ_RR_AAAA);
	assert_int_equal(dz_rrtype_from_str("NsEc3PaRaM", 10, &t), DZ_OK);
	assert_int_equal(t, DZ_RR_NSEC3PARAM);
	/* The length bounds the comparison, not a NUL. */
	assert_int_equal(dz_rrtype_from_str("MXX", 2, &t), DZ_OK);
	assert_int_equal(t, DZ_RR_MX);
	assert_int_equal(dz_rrtype_from_str("https", 5, &t), DZ_OK);
	assert_int_equal(t, DZ_RR_HTTPS);
}

static void rrtype_from_str_accepts_typennn(void **state)
{
	(void)state;
	uint16_t t = 0;
	assert_int_equal(dz_rrtype_from_str("TYPE1", 5, &t), DZ_OK);
	assert_int_equal(t, DZ_RR_A);
	assert_int_equal(dz_rrtype_from_str("type65535", 9, &t), DZ_OK);
	assert_int_equal(t, 65535);
	assert_int_equal(dz_rrtype_from_str("TYPE00065", 9, &t), DZ_OK);
	assert_int_equal(t, DZ_RR_HTTPS);
}

static void rrtype_from_str_rejects_bad_mnemonics(void **state)
{
	(void)state;
	uint16_t t = 7;
	assert_int_equal(dz_rrtype_from_str("BOGUS", 5, &t), DZ_ETYPE);
	assert_int_equal(dz_rrtype_from_str("TYPE65536", 9, &t), DZ_ETYPE);
	assert_int_equal(dz_rrtype_from_str("TYPE", 4, &t), DZ_ETYPE);
	assert_int_equal(dz_rrtype_from_str("TYPE1x", 6, &t), DZ_ETYPE);
	assert_int_equal(dz_rrtype_from_str("TYPE-1", 6, &t), DZ_ETYPE);
	assert_int_equal(dz_rrtype_from_str("TYPE123456", 10, &t), DZ_ETYPE);
	assert_int_equal(dz_rrtype_from_str("", 0, &t), DZ_ETYPE);
	assert_int_equal(dz_rrtype_from_str("A", 0, &t), DZ_ETYPE);
	assert_int_equal(t, 7); /* untouched on failure */
}

static void rrtype_every_mnemonic_round_trips(void **state)
{
	(void)state;
	for (uint32_t v = 0; v <= 65535; v++) {
		char buf[DZ_RRTYPE_MAXSTR];
		uint16_t back;
		int n = dz_rrtype_to_str((uint16_t)v, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(dz_rrtype_from_str(buf, (size_t)n, &back),
		                 DZ_OK);
		assert_int_equal(back, v);
	}
}

static void rrclass_mnemonics(void **state)
{
	(void)state;
	char buf[DZ_RRTYPE_MAXSTR];
	uint16_t c = 0;
	assert_int_equal(dz_rrclass_to_str(DZ_CLASS_IN, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "IN");
	assert_int_equal(dz_rrclass_to_str(DZ_CLASS_NONE, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "NONE");
	assert_int_equal(dz_rrclass_to_str(2, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "CLASS2");
	assert_int_equal(dz_rrclass_from_str("ch", 2, &c), DZ_OK);
	assert_int_equal(c, DZ_CLASS_CH);
	assert_int_equal(dz_rrclass_from_str("any", 3, &c), DZ_OK);
	assert_int_equal(c, DZ_CLASS_ANY);
	assert_int_equal(dz_rrclass_from_str("CLASS65535", 10, &c), DZ_OK);
	assert_int_equal(c, 65535);
	assert_int_equal(dz_rrclass_from_str("TYPE1", 5, &c), DZ_ECLASS);
	assert_int_equal(dz_rrclass_from_str("CLASS65536", 10, &c), DZ_ECLASS);
	assert_int_equal(dz_rrclass_from_str("INX", 3, &c), DZ_ECLASS);
}

static void rrtype_is_meta_per_rfc6895(void **state)
{
	(void)state;
	assert_true(dz_rrtype_is_meta(DZ_RR_OPT));
	assert_true(dz_rrtype_is_meta(DZ_RR_TSIG));
	assert_true(dz_rrtype_is_meta(DZ_RR_TKEY));
	assert_true(dz_rrtype_is_meta(DZ_RR_AXFR));
	assert_true(dz_rrtype_is_meta(DZ_RR_IXFR));
	assert_true(dz_rrtype_is_meta(DZ_RR_ANY));
	assert_true(dz_rrtype_is_meta(128));
	assert_false(dz_rrtype_is_meta(127));
	assert_false(dz_rrtype_is_meta(DZ_RR_A));
	assert_false(dz_rrtype_is_meta(DZ_RR_URI));
	assert_false(dz_rrtype_is_meta(DZ_RR_SOA));
}

static void rrtype_compressible_only_rfc1035_types(void **state)
{
	(void)state;
	const uint16_t yes[] = {DZ_RR_NS,  DZ_RR_MD,    DZ_RR_MF, DZ_RR_CNAME,
	                        DZ_RR_SOA, DZ_RR_MB,    DZ_RR_MG, DZ_RR_MR,
	                        DZ_RR_PTR, DZ_RR_MINFO, DZ_RR_MX};
	const uint16_t no[] = {
	        DZ_RR_A,    DZ_RR_TXT,   DZ_RR_HINFO, DZ_RR_RP, DZ_RR_AFSDB,
	        DZ_RR_SRV,  DZ_RR_NAPTR, DZ_RR_DNAME, DZ_RR_KX, DZ_RR_RRSIG,
	        DZ_RR_NSEC, DZ_RR_SVCB,  DZ_RR_PX,    4321};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_true(dz_rrtype_compressible(yes[i]));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		assert_false(dz_rrtype_compressible(no[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(rrtype_to_str_known_and_unknown),
	        cmocka_unit_test(rrtype_to_str_small_buffer_is_espace),
	        cmocka_unit_test(rrtype_from_str_is_case_insensitive),
	        cmocka_unit_test(rrtype_from_str_accepts_typennn),
	        cmocka_unit_test(rrtype_from_str_rejects_bad_mnemonics),
	        cmocka_unit_test(rrtype_every_mnemonic_round_trips),
	        cmocka_unit_test(rrclass_mnemonics),
	        cmocka_unit_test(rrtype_is_meta_per_rfc6895),
	        cmocka_unit_test(rrtype_compressible_only_rfc1035_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
