/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for TTL text with BIND units (lib/wire/ttl.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/ttl.h"

static int ttl(const char *s, uint32_t *v)
{
	return dz_ttl_from_str(s, strlen(s), v);
}

static void ttl_plain_numbers(void **state)
{
	(void)state;
	uint32_t v = 1;
	assert_int_equal(ttl("0", &v), DZ_OK);
	assert_int_equal(v, 0);
	assert_int_equal(ttl("3600", &v), DZ_OK);
	assert_int_equal(v, 3600);
	assert_int_equal(ttl("4294967295", &v), DZ_OK);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(ttl("000042", &v), DZ_OK);
	assert_int_equal(v, 42);
}

static void ttl_units_and_combinations(void **state)
{
	(void)state;
	uint32_t v = 0;
	assert_int_equal(ttl("1h30m", &v), DZ_OK);
	assert_int_equal(v, 5400);
	assert_int_equal(ttl("1w", &v), DZ_OK);
	assert_int_equal(v, 604800);
	assert_int_equal(ttl("2D", &v), DZ_OK);
	assert_int_equal(v, 172800);
	assert_int_equal(ttl("1W2d3H4m5S", &v), DZ_OK);
	assert_int_equal(v, 604800 + 172800 + 10800 + 240 + 5);
	assert_int_equal(ttl("90s", &v), DZ_OK);
	assert_int_equal(v, 90);
	assert_int_equal(ttl("1m1m", &v), DZ_OK);
	assert_int_equal(v, 120);
}

static void ttl_rejects_bad_text(void **state)
{
	(void)state;
	uint32_t v = 77;
	assert_int_equal(ttl("", &v), DZ_ESYNTAX);
	assert_int_equal(ttl("h", &v), DZ_ESYNTAX);
	assert_int_equal(ttl("1x", &v), DZ_ESYNTAX);
	assert_int_equal(ttl("1h5", &v), DZ_ESYNTAX);
	assert_int_equal(ttl("-1", &v), DZ_ESYNTAX);
	assert_int_equal(ttl("1 h", &v), DZ_ESYNTAX);
	assert_int_equal(ttl("1hh", &v), DZ_ESYNTAX);
	assert_int_equal(v, 77);
}

static void ttl_rejects_overflow(void **state)
{
	(void)state;
	uint32_t v = 77;
	assert_int_equal(ttl("4294967296", &v), DZ_ERANGE);
	assert_int_equal(ttl("99999999999999999999999", &v), DZ_ERANGE);
	assert_int_equal(ttl("7102w", &v), DZ_ERANGE);
	assert_int_equal(ttl("4294967295s1s", &v), DZ_ERANGE);
	assert_int_equal(v, 77);
	assert_int_equal(ttl("7101w", &v), DZ_OK);
	assert_int_equal(v, 7101u * 604800u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(ttl_plain_numbers),
	        cmocka_unit_test(ttl_units_and_combinations),
	        cmocka_unit_test(ttl_rejects_bad_text),
	        cmocka_unit_test(ttl_rejects_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
