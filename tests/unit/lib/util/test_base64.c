/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for base64 (lib/util/base64.h) with the RFC 4648 §10 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/base64.h"
#include "lib/util/errcode.h"

static const char *const vectors[][2] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
};

static void base64_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *raw = vectors[i][0];
		const char *enc = vectors[i][1];
		char text[16];
		uint8_t bin[16];
		assert_int_equal(dz_base64_encode(text, sizeof(text),
		                                  (const uint8_t *)raw,
		                                  strlen(raw)),
		                 strlen(enc));
		assert_string_equal(text, enc);
		assert_int_equal(DZ_BASE64_ENCLEN(strlen(raw)), strlen(enc));
		assert_int_equal(
		        dz_base64_decode(bin, sizeof(bin), enc, strlen(enc)),
		        strlen(raw));
		assert_memory_equal(bin, raw, strlen(raw));
	}
}

static void base64_all_octets_round_trip(void **state)
{
	(void)state;
	uint8_t raw[256];
	char text[400];
	uint8_t back[256];
	for (int i = 0; i < 256; i++) {
		raw[i] = (uint8_t)i;
	}
	int n = dz_base64_encode(text, sizeof(text), raw, sizeof(raw));
	assert_int_equal(n, 344);
	assert_int_equal(dz_base64_decode(back, sizeof(back), text, (size_t)n),
	                 256);
	assert_memory_equal(raw, back, 256);
}

static int dec(const char *s)
{
	uint8_t out[64];
	return dz_base64_decode(out, sizeof(out), s, strlen(s));
}

static void base64_decode_is_strict(void **state)
{
	(void)state;
	assert_int_equal(dec("Zg="), DZ_ESYNTAX); /* not a multiple of 4 */
	assert_int_equal(dec("Zg"), DZ_ESYNTAX);
	assert_int_equal(dec("Z==="), DZ_ESYNTAX);     /* too much padding */
	assert_int_equal(dec("Zg==Zg=="), DZ_ESYNTAX); /* padding mid-way */
	assert_int_equal(dec("Z=g="), DZ_ESYNTAX);
	assert_int_equal(dec("Zh=="), DZ_ESYNTAX); /* non-zero pad bits */
	assert_int_equal(dec("Zm9="), DZ_ESYNTAX);
	assert_int_equal(dec("Zm9v Yg=="), DZ_ESYNTAX);
	assert_int_equal(dec("Zm9*"), DZ_ESYNTAX);
	assert_int_equal(dec("Zm9-"), DZ_ESYNTAX); /* base64url alphabet */
	assert_int_equal(dec("++//"), 3);
}

static void base64_small_buffers_are_espace(void **state)
{
	(void)state;
	uint8_t out[2];
	char text[8];
	assert_int_equal(dz_base64_decode(out, sizeof(out), "Zm9v", 4),
	                 DZ_ESPACE);
	assert_int_equal(dz_base64_decode(out, sizeof(out), "Zm8=", 4), 2);
	/* Encoding needs room for the NUL too. */
	assert_int_equal(dz_base64_encode(text, 4, (const uint8_t *)"foo", 3),
	                 DZ_ESPACE);
	assert_int_equal(dz_base64_encode(text, 5, (const uint8_t *)"foo", 3),
	                 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(base64_rfc4648_vectors),
	        cmocka_unit_test(base64_all_octets_round_trip),
	        cmocka_unit_test(base64_decode_is_strict),
	        cmocka_unit_test(base64_small_buffers_are_espace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
