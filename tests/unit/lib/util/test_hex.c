/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for hex (lib/util/hex.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/util/hex.h"

static void hex_round_trip_uppercase(void **state)
{
	(void)state;
	const uint8_t raw[] = {0x00, 0x01, 0xab, 0xcd, 0xef, 0xff};
	char text[16];
	uint8_t back[8];
	assert_int_equal(dz_hex_encode(text, sizeof(text), raw, sizeof(raw)),
	                 12);
	assert_string_equal(text, "0001ABCDEFFF");
	assert_int_equal(dz_hex_decode(back, sizeof(back), "0001abCDefFF", 12),
	                 6);
	assert_memory_equal(back, raw, 6);
	assert_int_equal(dz_hex_encode(text, 1, raw, 0), 0);
	assert_string_equal(text, "");
	assert_int_equal(dz_hex_decode(back, 0, "", 0), 0);
}

static void hex_decode_is_strict(void **state)
{
	(void)state;
	uint8_t out[8];
	assert_int_equal(dz_hex_decode(out, sizeof(out), "ABC", 3), DZ_ESYNTAX);
	assert_int_equal(dz_hex_decode(out, sizeof(out), "AG", 2), DZ_ESYNTAX);
	assert_int_equal(dz_hex_decode(out, sizeof(out), "A ", 2), DZ_ESYNTAX);
	assert_int_equal(dz_hex_decode(out, sizeof(out), "0x", 2), DZ_ESYNTAX);
	assert_int_equal(dz_hex_digit('f'), 15);
	assert_int_equal(dz_hex_digit('g'), -1);
}

static void hex_small_buffers_are_espace(void **state)
{
	(void)state;
	uint8_t out[1];
	char text[4];
	const uint8_t raw[] = {1, 2};
	assert_int_equal(dz_hex_decode(out, sizeof(out), "0102", 4), DZ_ESPACE);
	assert_int_equal(dz_hex_encode(text, 4, raw, 2), DZ_ESPACE);
	assert_int_equal(dz_hex_encode(text, 3, raw, 1), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(hex_round_trip_uppercase),
	        cmocka_unit_test(hex_decode_is_strict),
	        cmocka_unit_test(hex_small_buffers_are_espace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
