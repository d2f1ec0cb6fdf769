/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/zone/serial: RFC 1982 arithmetic and serial policies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/zone/serial.h"

/* Seconds since the epoch of a UTC date and time. */
static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

static uint32_t next(uint32_t cur, dz_serial_policy_t p, time_t now)
{
	uint32_t out = 0xdeadbeef;
	assert_int_equal(dz_serial_next(cur, p, now, &out), DZ_OK);
	return out;
}

/* ===== RFC 1982 ========================================================== */

static void serial_cmp_orders_nearby_serials(void **state)
{
	(void)state;
	assert_int_equal(dz_serial_cmp(0, 0), DZ_SERIAL_EQ);
	assert_int_equal(dz_serial_cmp(1, 0), DZ_SERIAL_GT);
	assert_int_equal(dz_serial_cmp(0, 1), DZ_SERIAL_LT);
	assert_int_equal(dz_serial_cmp(2024031501, 2024031500), DZ_SERIAL_GT);
}

static void serial_cmp_wraps_around(void **state)
{
	(void)state;
	/* RFC 1982 §3.2: 0 follows 2^32 - 1 */
	assert_int_equal(dz_serial_cmp(0, 0xffffffffu), DZ_SERIAL_GT);
	assert_int_equal(dz_serial_cmp(0xffffffffu, 0), DZ_SERIAL_LT);
	assert_int_equal(dz_serial_cmp(5, 0xfffffff0u), DZ_SERIAL_GT);
}

static void serial_cmp_at_half_distance_boundary(void **state)
{
	(void)state;
	/* 2^31 - 1 apart is still ordered; 2^31 is undefined; 2^31 + 1 flips */
	assert_int_equal(dz_serial_cmp(0x7fffffffu, 0), DZ_SERIAL_GT);
	assert_int_equal(dz_serial_cmp(0, 0x7fffffffu), DZ_SERIAL_LT);
	assert_int_equal(dz_serial_cmp(0x80000000u, 0), DZ_SERIAL_UNDEF);
	assert_int_equal(dz_serial_cmp(0, 0x80000000u), DZ_SERIAL_UNDEF);
	assert_int_equal(dz_serial_cmp(0x80000001u, 0), DZ_SERIAL_LT);
	assert_int_equal(dz_serial_cmp(0, 0x80000001u), DZ_SERIAL_GT);
	assert_int_equal(dz_serial_cmp(100, 100 + 0x80000000u),
	                 DZ_SERIAL_UNDEF);
}

static void serial_cmp_is_not_transitive_as_rfc1982_warns(void **state)
{
	(void)state;
	/* RFC 1982 §3.2: a < b and b < c does not imply a < c */
	uint32_t a = 0, b = 0x60000000u, c = 0xc0000000u;
	assert_int_equal(dz_serial_cmp(a, b), DZ_SERIAL_LT);
	assert_int_equal(dz_serial_cmp(b, c), DZ_SERIAL_LT);
	assert_int_equal(dz_serial_cmp(a, c), DZ_SERIAL_GT);
}

static void serial_add_wraps_mod_2_32(void **state)
{
	(void)state;
	assert_int_equal(dz_serial_add(0xffffffffu, 1), 0);
	assert_int_equal(dz_serial_add(0xfffffff0u, 0x20), 0x10);
	assert_int_equal(dz_serial_add(7, 0), 7);
	uint32_t s = 0x12345678u;
	/* RFC 1982 §3.1: adding up to 2^31 - 1 always gives a newer serial */
	assert_int_equal(dz_serial_cmp(dz_serial_add(s, 0x7fffffffu), s),
	                 DZ_SERIAL_GT);
}

/* ===== policies ========================================================== */

static void serial_next_increment_adds_one_and_skips_zero(void **state)
{
	(void)state;
	assert_int_equal(next(5, DZ_SERIAL_INCREMENT, 0), 6);
	assert_int_equal(next(0, DZ_SERIAL_INCREMENT, 0), 1);
	assert_int_equal(next(0xfffffffeu, DZ_SERIAL_INCREMENT, 0),
	                 0xffffffffu);
	assert_int_equal(next(0xffffffffu, DZ_SERIAL_INCREMENT, 0), 1);
}

static void serial_next_unixtime_uses_clock_when_newer(void **state)
{
	(void)state;
	assert_int_equal(next(1000, DZ_SERIAL_UNIXTIME, 1700000000),
	                 1700000000);
	assert_int_equal(next(2024031500, DZ_SERIAL_UNIXTIME, 1700000000),
	                 2024031501);
	assert_int_equal(next(1700000000, DZ_SERIAL_UNIXTIME, 1700000000),
	                 1700000001);
	assert_int_equal(next(1699999999, DZ_SERIAL_UNIXTIME, 1700000000),
	                 1700000000);
}

static void serial_next_unixtime_compares_by_rfc1982(void **state)
{
	(void)state;
	/* numerically larger but older in sequence space: the clock wins */
	assert_int_equal(next(4000000000u, DZ_SERIAL_UNIXTIME, 1700000000),
	                 1700000000);
	/* exactly 2^31 apart: undefined, so not newer: cur + 1 */
	assert_int_equal(
	        next(1700000000u + 0x80000000u, DZ_SERIAL_UNIXTIME, 1700000000),
	        1700000000u + 0x80000001u);
	/* the clock at 0 is never used */
	assert_int_equal(next(0xffffffffu, DZ_SERIAL_UNIXTIME, 0), 1);
}

static void serial_next_dateserial_starts_day_at_00(void **state)
{
	(void)state;
	time_t t = utc(2024, 3, 15, 23, 59);
	assert_int_equal(next(2024031407, DZ_SERIAL_DATESERIAL, t), 2024031500);
	assert_int_equal(next(1, DZ_SERIAL_DATESERIAL, t), 2024031500);
	/* a unixtime-style serial is older than a date serial */
	assert_int_equal(next(1710000000, DZ_SERIAL_DATESERIAL, t), 2024031500);
}

static void serial_next_dateserial_counts_within_day(void **state)
{
	(void)state;
	time_t t = utc(2024, 3, 15, 0, 0);
	assert_int_equal(next(2024031500, DZ_SERIAL_DATESERIAL, t), 2024031501);
	assert_int_equal(next(2024031542, DZ_SERIAL_DATESERIAL, t), 2024031543);
}

static void serial_next_dateserial_overflows_into_next_day(void **state)
{
	(void)state;
	time_t t = utc(2024, 3, 15, 12, 0);
	assert_int_equal(next(2024031599, DZ_SERIAL_DATESERIAL, t), 2024031600);
	/* the next day continues from the borrowed number */
	t = utc(2024, 3, 16, 12, 0);
	assert_int_equal(next(2024031600, DZ_SERIAL_DATESERIAL, t), 2024031601);
	/* a serial from the future stays ahead: cur + 1 */
	assert_int_equal(next(2030010100, DZ_SERIAL_DATESERIAL, t), 2030010101);
}

static void serial_next_dateserial_rolls_over_month_and_year(void **state)
{
	(void)state;
	assert_int_equal(
	        next(2024022917, DZ_SERIAL_DATESERIAL, utc(2024, 3, 1, 0, 0)),
	        2024030100);
	assert_int_equal(
	        next(2024123199, DZ_SERIAL_DATESERIAL, utc(2025, 1, 1, 0, 0)),
	        2025010100);
	/* the day is the UTC day: one second before midnight UTC */
	assert_int_equal(
	        next(0, DZ_SERIAL_DATESERIAL, utc(2025, 1, 1, 0, 0) - 1),
	        2024123100);
}

static void serial_next_dateserial_rejects_unrepresentable_date(void **state)
{
	(void)state;
	uint32_t out = 7;
	assert_int_equal(next(4294000000u, DZ_SERIAL_DATESERIAL,
	                      utc(4294, 12, 31, 0, 0)),
	                 4294123100u);
	assert_int_equal(dz_serial_next(0, DZ_SERIAL_DATESERIAL,
	                                utc(4295, 1, 1, 0, 0), &out),
	                 DZ_ERANGE);
	assert_int_equal(out, 7);
}

static void serial_next_rejects_unknown_policy(void **state)
{
	(void)state;
	uint32_t out = 7;
	assert_int_equal(dz_serial_next(1, (dz_serial_policy_t)99, 0, &out),
	                 DZ_EINVAL);
	assert_int_equal(out, 7);
}

static void serial_policy_names_round_trip(void **state)
{
	(void)state;
	dz_serial_policy_t p = DZ_SERIAL_INCREMENT;
	assert_int_equal(dz_serial_policy_from_str("unixtime", &p), DZ_OK);
	assert_int_equal(p, DZ_SERIAL_UNIXTIME);
	assert_int_equal(dz_serial_policy_from_str("dateserial", &p), DZ_OK);
	assert_int_equal(p, DZ_SERIAL_DATESERIAL);
	assert_int_equal(dz_serial_policy_from_str("increment", &p), DZ_OK);
	assert_int_equal(p, DZ_SERIAL_INCREMENT);
	assert_int_equal(dz_serial_policy_from_str("date", &p), DZ_EINVAL);
	assert_int_equal(dz_serial_policy_from_str("", &p), DZ_EINVAL);
	assert_string_equal(dz_serial_policy_to_str(DZ_SERIAL_DATESERIAL),
	                    "dateserial");
	assert_string_equal(dz_serial_policy_to_str((dz_serial_policy_t)9),
	                    "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(serial_cmp_orders_nearby_serials),
	        cmocka_unit_test(serial_cmp_wraps_around),
	        cmocka_unit_test(serial_cmp_at_half_distance_boundary),
	        cmocka_unit_test(serial_cmp_is_not_transitive_as_rfc1982_warns),
	        cmocka_unit_test(serial_add_wraps_mod_2_32),
	        cmocka_unit_test(serial_next_increment_adds_one_and_skips_zero),
	        cmocka_unit_test(serial_next_unixtime_uses_clock_when_newer),
	        cmocka_unit_test(serial_next_unixtime_compares_by_rfc1982),
	        cmocka_unit_test(serial_next_dateserial_starts_day_at_00),
	        cmocka_unit_test(serial_next_dateserial_counts_within_day),
	        cmocka_unit_test(
	                serial_next_dateserial_overflows_into_next_day),
	        cmocka_unit_test(
	                serial_next_dateserial_rolls_over_month_and_year),
	        cmocka_unit_test(
	                serial_next_dateserial_rejects_unrepresentable_date),
	        cmocka_unit_test(serial_next_rejects_unknown_policy),
	        cmocka_unit_test(serial_policy_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
